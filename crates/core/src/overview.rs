//! 今日速览: the model's answer about a day's briefs, read into themes, picks, topic tags and
//! Chinese titles, and held to the day — every id one of the day's papers, every tag from the
//! vocabulary, at most `max_themes` themes and three picks, numbers no brief contains flagged.
//! What is wrong but can be dropped is dropped with a warning; an answer with nothing usable
//! left is an error naming what was wrong (for one repair request).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::brief::Grounding;

/// The rules an answer is held to.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The day's briefed papers, by arXiv id without version.
    pub ids: &'a [String],
    /// The tags a paper may carry.
    pub vocabulary: &'a [String],
    /// At most this many themes.
    pub max_themes: usize,
    /// The numbers the briefs contain (a summary quoting another is flagged).
    pub grounding: &'a Grounding,
}

/// A theme of the day: a group of papers with a common problem or approach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Its name (`高效推理`).
    pub name: String,
    /// Two or three sentences on what the group shares.
    pub summary: String,
    /// Its papers, by id.
    pub papers: Vec<String>,
}

/// A paper to read first, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    /// The paper.
    pub id: String,
    /// One sentence on why.
    pub why: String,
}

/// A validated overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// The themes, in the model's order.
    pub themes: Vec<Theme>,
    /// One to three papers to read first.
    pub picks: Vec<Pick>,
    /// Each paper's tags, from the vocabulary.
    pub tags: BTreeMap<String, Vec<String>>,
    /// Chinese titles, for the papers given one.
    pub titles: BTreeMap<String, String>,
    /// What was dropped or doubtful, for the JSON.
    pub warnings: Vec<String>,
}

/// Why an answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverviewError {
    /// No JSON object in the answer.
    #[error("the answer holds no JSON object: {0}")]
    NotJson(String),
    /// Nothing usable was left once invented ids and unknown tags were dropped.
    #[error("nothing usable in the answer: {}", .0.join("; "))]
    NothingValid(Vec<String>),
}

impl OverviewError {
    /// What to tell the model in a repair request, in Chinese.
    pub fn for_repair(&self) -> String {
        match self {
            Self::NotJson(_) => "回答中没有找到 JSON 对象。请只输出一个 JSON 对象。".to_owned(),
            Self::NothingValid(problems) => format!(
                "回答中没有可用的主题或必读推荐：{}。编号只能使用列表中给出的论文编号。",
                problems.join("；")
            ),
        }
    }
}

impl Overview {
    /// Reads and checks an answer: JSON alone, fenced, or surrounded by text (a `<think>` block
    /// is skipped).
    pub fn parse(answer: &str, rules: &Rules<'_>) -> Result<Self, OverviewError> {
        let value = json_object(answer)?;
        let mut out = Self::default();
        let mut problems = Vec::new();
        out.read_themes(&value, rules, &mut problems);
        out.read_picks(&value, rules, &mut problems);
        if out.themes.is_empty() && out.picks.is_empty() {
            if problems.is_empty() {
                problems.push("themes 与 picks 都是空的".to_owned());
            }
            return Err(OverviewError::NothingValid(problems));
        }
        out.read_tags(&value, rules);
        out.read_titles(&value, rules);
        out.warnings.extend(problems);
        out.flag_numbers(rules.grounding);
        Ok(out)
    }

    fn read_themes(&mut self, value: &Value, rules: &Rules<'_>, problems: &mut Vec<String>) {
        for theme in value["themes"].as_array().into_iter().flatten() {
            let name = text(&theme["name"], 40);
            if name.is_empty() || self.themes.iter().any(|t| t.name == name) {
                continue;
            }
            let papers = ids(
                &theme["papers"],
                rules,
                &format!("主题「{name}」"),
                problems,
            );
            if papers.is_empty() {
                problems.push(format!("主题「{name}」没有当日的论文，已删除"));
                continue;
            }
            self.themes.push(Theme {
                summary: text(&theme["summary"], 400),
                name,
                papers,
            });
        }
        if self.themes.len() > rules.max_themes {
            self.warnings.push(format!(
                "主题多于 {} 个，只保留前 {} 个",
                rules.max_themes, rules.max_themes
            ));
            self.themes.truncate(rules.max_themes);
        }
    }

    fn read_picks(&mut self, value: &Value, rules: &Rules<'_>, problems: &mut Vec<String>) {
        for pick in value["picks"].as_array().into_iter().flatten() {
            let id = pick["id"].as_str().map(normalize_id).unwrap_or_default();
            if !rules.ids.contains(&id) {
                problems.push(format!("必读推荐中的编号 {id} 不是当日论文，已删除"));
                continue;
            }
            if self.picks.iter().any(|p| p.id == id) {
                continue;
            }
            self.picks.push(Pick {
                id,
                why: text(&pick["why"], 200),
            });
        }
        if self.picks.len() > 3 {
            self.warnings
                .push("必读推荐多于 3 篇，只保留前 3 篇".to_owned());
            self.picks.truncate(3);
        }
    }

    fn read_tags(&mut self, value: &Value, rules: &Rules<'_>) {
        let given = value["tags"].as_object();
        let mut unknown = Vec::new();
        for id in rules.ids {
            let listed = given
                .and_then(|m| m.iter().find(|(k, _)| normalize_id(k) == *id))
                .and_then(|(_, v)| v.as_array());
            let mut tags: Vec<String> = Vec::new();
            for tag in listed.into_iter().flatten().filter_map(Value::as_str) {
                match rules
                    .vocabulary
                    .iter()
                    .find(|v| v.eq_ignore_ascii_case(tag.trim()))
                {
                    Some(v) if !tags.contains(v) => tags.push(v.clone()),
                    Some(_) => {}
                    None => unknown.push(tag.trim().to_owned()),
                }
            }
            self.tags.insert(id.clone(), tags);
        }
        if !unknown.is_empty() {
            unknown.sort();
            unknown.dedup();
            self.warnings
                .push(format!("不在标签表中的标签已删除：{}", unknown.join("、")));
        }
        let fallback = rules.vocabulary.iter().find(|t| *t == "其他");
        let untagged: Vec<&String> = self
            .tags
            .iter()
            .filter(|(_, t)| t.is_empty())
            .map(|(id, _)| id)
            .collect();
        if let (Some(other), false) = (fallback, untagged.is_empty()) {
            self.warnings.push(format!(
                "{} 篇论文没有可用的标签，记为“其他”",
                untagged.len()
            ));
            let untagged: Vec<String> = untagged.into_iter().cloned().collect();
            for id in untagged {
                self.tags.insert(id, vec![other.clone()]);
            }
        }
    }

    fn read_titles(&mut self, value: &Value, rules: &Rules<'_>) {
        for (key, title) in value["titles"].as_object().into_iter().flatten() {
            let id = normalize_id(key);
            let title = text(title, 120);
            if rules.ids.contains(&id) && !title.is_empty() {
                self.titles.insert(id, title);
            }
        }
    }

    /// Flags numbers in the summaries and reasons that no brief contains.
    fn flag_numbers(&mut self, grounding: &Grounding) {
        let texts = self
            .themes
            .iter()
            .map(|t| t.summary.as_str())
            .chain(self.picks.iter().map(|p| p.why.as_str()));
        let mut numbers: Vec<String> = texts.flat_map(|t| grounding.unsupported(t)).collect();
        numbers.dedup();
        if !numbers.is_empty() {
            self.warnings
                .push(format!("速览中有简报里没有的数字：{}", numbers.join("、")));
        }
    }
}

/// The answer's JSON object: the whole answer, a fenced block, or from the first `{` to the
/// last `}`; a `<think>` block before it is skipped.
fn json_object(answer: &str) -> Result<Value, OverviewError> {
    let text = match answer.rfind("</think>") {
        Some(end) => &answer[end + "</think>".len()..],
        None => answer,
    };
    let candidates = [
        text.trim(),
        fenced(text).unwrap_or_default(),
        text.find('{')
            .zip(text.rfind('}'))
            .filter(|(a, b)| a < b)
            .map_or("", |(a, b)| &text[a..=b]),
    ];
    let mut last_error = "empty".to_owned();
    for candidate in candidates.into_iter().filter(|c| !c.is_empty()) {
        match serde_json::from_str::<Value>(candidate) {
            Ok(v) if v.is_object() => return Ok(v),
            Ok(_) => last_error = "not an object".to_owned(),
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(OverviewError::NotJson(last_error))
}

fn fenced(text: &str) -> Option<&str> {
    let start = text.find("```")?;
    let body = &text[start + 3..];
    let body = body.strip_prefix("json").unwrap_or(body);
    let end = body.find("```")?;
    Some(body[..end].trim())
}

/// The day's ids an answer's list names; others are named in `problems`.
fn ids(list: &Value, rules: &Rules<'_>, whose: &str, problems: &mut Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in list.as_array().into_iter().flatten() {
        let id = raw.as_str().map(normalize_id).unwrap_or_default();
        if rules.ids.contains(&id) {
            if !out.contains(&id) {
                out.push(id);
            }
        } else {
            problems.push(format!("{whose}中的编号 {raw} 不是当日论文，已删除"));
        }
    }
    out
}

/// `arXiv:2602.07040v2` → `2602.07040`.
fn normalize_id(raw: &str) -> String {
    let id = raw.trim();
    let id = id
        .strip_prefix("arXiv:")
        .or_else(|| id.strip_prefix("arxiv:"))
        .unwrap_or(id);
    match id.rfind('v') {
        Some(v) if v > 0 && id[v + 1..].bytes().all(|b| b.is_ascii_digit()) && v + 1 < id.len() => {
            id[..v].to_owned()
        }
        _ => id.to_owned(),
    }
}

/// A string field, trimmed and cut to `max` characters.
fn text(value: &Value, max: usize) -> String {
    let s = value.as_str().unwrap_or_default().trim();
    s.chars().take(max).collect()
}

/// The JSON schema of the answer, for `response_format`: with guided decoding (vLLM,
/// llama.cpp) every id is one of `ids`, every tag one of `vocabulary`, there are 1 to
/// `max_themes` themes (at most one per two papers) and 1 to 3 picks, and every text is
/// bounded, so even a weak model can neither invent ids nor ramble past the answer's room.
pub fn json_schema(vocabulary: &[String], ids: &[String], max_themes: usize) -> Value {
    use serde_json::{Map, json};
    let id = json!({"type": "string", "enum": ids});
    let text = |max: usize| json!({"type": "string", "minLength": 1, "maxLength": max});
    let themes = max_themes.min(ids.len().div_ceil(2)).max(1);
    let per_id = |value: &Value| -> Value {
        let props: Map<String, Value> = ids.iter().map(|i| (i.clone(), value.clone())).collect();
        json!({"type": "object", "properties": props, "additionalProperties": false})
    };
    json!({
        "type": "object",
        "properties": {
            "themes": {"type": "array", "minItems": 1, "maxItems": themes,
                "items": {"type": "object", "properties": {
                    "name": text(16), "summary": text(120),
                    "papers": {"type": "array", "minItems": 1, "maxItems": ids.len().max(1), "items": id}},
                "required": ["name", "summary", "papers"], "additionalProperties": false}},
            "picks": {"type": "array", "minItems": 1, "maxItems": ids.len().clamp(1, 3),
                "items": {"type": "object", "properties": {"id": id, "why": text(60)},
                    "required": ["id", "why"], "additionalProperties": false}},
            "tags": per_id(&json!({"type": "array", "minItems": 1, "maxItems": 3,
                "items": {"type": "string", "enum": vocabulary}})),
            "titles": per_id(&text(50))
        },
        "required": ["themes", "picks", "tags", "titles"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests;
