//! `Brief`: the five sections of a paper brief, parsed from a model's answer, checked, and
//! rendered canonically.

mod evidence;
mod grounding;
mod heading;
mod parse;
mod problems;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use evidence::Evidence;
pub use grounding::Grounding;
pub use problems::{AnswerError, Problem};

/// The five sections, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SectionName {
    /// 应用领域: the field and applications.
    Domain,
    /// 一句话核心贡献: the contribution in one sentence.
    Contribution,
    /// 使用指南: inputs, outputs, how to run it, hardware, released code.
    Guide,
    /// 主要创新点: the main innovations.
    Innovations,
    /// 实验效果: datasets and key numbers.
    Results,
}

impl SectionName {
    /// All five in order.
    pub const ALL: [Self; 5] = [
        Self::Domain,
        Self::Contribution,
        Self::Guide,
        Self::Innovations,
        Self::Results,
    ];

    /// The Chinese name, e.g. `应用领域`.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Domain => "应用领域",
            Self::Contribution => "一句话核心贡献",
            Self::Guide => "使用指南",
            Self::Innovations => "主要创新点",
            Self::Results => "实验效果",
        }
    }

    /// 1 to 5.
    pub fn number(self) -> usize {
        self.index() + 1
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The canonical heading, e.g. `### 1. 应用领域`.
    pub fn heading(self) -> String {
        format!("### {}. {}", self.number(), self.zh())
    }

    /// Other names models use for the section (matched after the canonical one).
    pub(crate) fn synonyms(self) -> &'static [&'static str] {
        match self {
            Self::Domain => &["应用方向", "研究领域", "适用领域", "所属领域", "领域方向"],
            Self::Contribution => &[
                "核心贡献",
                "一句话贡献",
                "一句话总结",
                "一句话概括",
                "主要贡献",
                "论文贡献",
            ],
            Self::Guide => &["使用方法", "使用说明", "如何使用", "使用方式", "快速上手"],
            Self::Innovations => &[
                "创新点",
                "主要创新",
                "核心创新点",
                "核心创新",
                "技术创新点",
                "创新之处",
            ],
            Self::Results => &[
                "实验结果",
                "实验表现",
                "实验评估",
                "实验与结果",
                "实验分析",
                "性能表现",
            ],
        }
    }

    /// The key of the section in a JSON answer (`domain`, `contribution`, `guide`,
    /// `innovations`, `results`): ASCII, so every grammar engine takes it.
    pub fn json_key(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::Contribution => "contribution",
            Self::Guide => "guide",
            Self::Innovations => "innovations",
            Self::Results => "results",
        }
    }

    /// Parses a JSON key.
    pub fn from_json_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.json_key() == key)
    }

    /// Parses the Chinese name or a synonym.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.zh() == label || s.synonyms().contains(&label))
    }
}

impl fmt::Display for SectionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.heading())
    }
}

/// The content of the five sections; every one non-empty once a [`Brief`] exists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sections([String; 5]);

impl Sections {
    /// The content of one section.
    pub fn get(&self, name: SectionName) -> &str {
        &self.0[name.index()]
    }

    /// `(name, content)` in report order.
    pub fn iter(&self) -> impl Iterator<Item = (SectionName, &str)> {
        SectionName::ALL.into_iter().map(|n| (n, self.get(n)))
    }
}

impl Serialize for Sections {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        for (name, content) in self.iter() {
            map.serialize_entry(name.zh(), content)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Sections {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Sections;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of the five section names to their content")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sections, A::Error> {
                let mut out: [Option<String>; 5] = Default::default();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    let name = SectionName::from_label(&k)
                        .ok_or_else(|| de::Error::unknown_field(&k, &[]))?;
                    out[name.index()] = Some(v);
                }
                let mut sections = Sections::default();
                for name in SectionName::ALL {
                    sections.0[name.index()] = out[name.index()]
                        .take()
                        .ok_or_else(|| de::Error::missing_field(name.zh()))?;
                }
                Ok(sections)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// How the model was asked to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnswerFormat {
    /// Markdown with the five headings.
    #[default]
    Text,
    /// A JSON object with the five keys (structured output); text is still accepted from a
    /// server that ignored the schema.
    Json,
}

/// Below this share of CJK characters (among CJK characters and Latin letters, a Latin letter
/// counting a third) an answer is "mostly not Chinese". The 34 briefs of the example report are
/// all above 0.45.
pub const DEFAULT_MIN_CHINESE_SHARE: f64 = 0.25;

/// How to read and check an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParseOptions<'a> {
    /// The server's finish reason (`length` means cut off).
    pub finish_reason: Option<&'a str>,
    /// Text or JSON.
    pub format: AnswerFormat,
    /// The least share of Chinese accepted; 0 accepts any language.
    pub min_chinese_share: f64,
}

impl Default for ParseOptions<'_> {
    fn default() -> Self {
        Self {
            finish_reason: None,
            format: AnswerFormat::Text,
            min_chinese_share: DEFAULT_MIN_CHINESE_SHARE,
        }
    }
}

/// The JSON schema of a structured answer: the five sections as required, non-empty strings of
/// at most `max_chars` characters each.
pub fn json_schema(max_chars: usize) -> serde_json::Value {
    let mut properties = serde_json::Map::new();
    for name in SectionName::ALL {
        properties.insert(
            name.json_key().to_owned(),
            serde_json::json!({"type": "string", "description": name.zh(), "minLength": 2, "maxLength": max_chars}),
        );
    }
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": SectionName::ALL.iter().map(|n| n.json_key()).collect::<Vec<_>>(),
        "additionalProperties": false,
    })
}

/// A validated brief: five non-empty Chinese sections, plus what the checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brief {
    /// The five sections.
    pub sections: Sections,
    /// Things worth a reader's attention that do not make the brief unacceptable: numbers not
    /// found in the source, reasoning that was removed.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The numbers each section quotes that the source does not contain, for the reader's note
    /// under the section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ungrounded: Vec<Ungrounded>,
    /// Where the paper states the numbers each section quotes, by section (Chinese name): read
    /// from the paper, never from the model.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<String, Vec<Evidence>>,
}

/// A number a section quotes that the paper does not contain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ungrounded {
    /// The section, by its Chinese name.
    pub section: String,
    /// The number as written.
    pub number: String,
}

impl Brief {
    /// Parses an answer that the model finished normally. See [`Brief::parse_completion`].
    pub fn parse(answer: &str) -> Result<Self, AnswerError> {
        Self::parse_completion(answer, None)
    }

    /// Parses a model's answer: finds the five sections whatever heading style was used,
    /// drops `<think>` blocks, preambles and a fence around the whole answer, and rejects —
    /// naming each problem — missing or empty sections, an answer that is mostly not Chinese,
    /// and an answer cut off (`finish_reason` `"length"`).
    pub fn parse_completion(
        answer: &str,
        finish_reason: Option<&str>,
    ) -> Result<Self, AnswerError> {
        parse::parse(
            answer,
            &ParseOptions {
                finish_reason,
                ..ParseOptions::default()
            },
        )
    }

    /// Parses an answer as `opts` say: text or JSON (falling back to text when the server
    /// ignored the schema), with the given finish reason and language threshold.
    pub fn parse_with(answer: &str, opts: &ParseOptions<'_>) -> Result<Self, AnswerError> {
        parse::parse(answer, opts)
    }

    /// Builds a brief from already separated sections (structured output), with the same
    /// validation as a text answer.
    pub fn from_sections<I, S>(sections: I) -> Result<Self, AnswerError>
    where
        I: IntoIterator<Item = (SectionName, S)>,
        S: AsRef<str>,
    {
        let mut found: [Option<String>; 5] = Default::default();
        for (name, content) in sections {
            found[name.index()] = Some(parse::normalize_content(content.as_ref(), name));
        }
        parse::validate(&found, Vec::new(), Vec::new(), DEFAULT_MIN_CHINESE_SHARE)
    }

    /// The content of one section.
    pub fn section(&self, name: SectionName) -> &str {
        self.sections.get(name)
    }

    /// Adds a warning for every number in 一句话核心贡献 and 实验效果 that the source does not
    /// contain (after normalising 20x/20×/20 倍, thousands separators and full-width digits),
    /// and records where the source states the others (when `source` knows places).
    pub fn check_grounding(&mut self, source: &Grounding) {
        for name in [SectionName::Contribution, SectionName::Results] {
            for number in source.unsupported(self.section(name)) {
                self.warnings.push(format!(
                    "{}: number \"{number}\" not found in the source",
                    name.zh()
                ));
                self.ungrounded.push(Ungrounded {
                    section: name.zh().to_owned(),
                    number,
                });
            }
            let found = source.evidence(self.section(name));
            if found.is_empty() {
                self.evidence.remove(name.zh());
            } else {
                self.evidence.insert(name.zh().to_owned(), found);
            }
        }
    }

    /// Where the paper states the numbers `name` quotes.
    pub fn evidence_in(&self, name: SectionName) -> &[Evidence] {
        self.evidence.get(name.zh()).map_or(&[], Vec::as_slice)
    }

    /// The numbers `name` quotes that the source does not contain.
    pub fn ungrounded_in(&self, name: SectionName) -> impl Iterator<Item = &str> {
        self.ungrounded
            .iter()
            .filter(move |u| u.section == name.zh())
            .map(|u| u.number.as_str())
    }

    /// The canonical Markdown: the five `### N. 名称` headings in order, each followed by the
    /// model's content; sections separated by a blank line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, (name, content)) in self.sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&name.heading());
            out.push('\n');
            out.push_str(content);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests;
