//! Checking that a brief's numbers come from the paper, and finding where the paper says them.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::evidence::{Evidence, Place, pieces};
use crate::source::SourceDoc;

#[allow(clippy::expect_used)]
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    // A number (thousands separators allowed), then an optional unit that changes its meaning.
    Regex::new(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%|x|×|倍|-fold|times)?").expect("static regex")
});

/// The numbers a source text contains, normalised, ready to check briefs against — with, when
/// built from a [`SourceDoc`], the place each one is first stated.
#[derive(Debug, Clone, Default)]
pub struct Grounding {
    /// Each number, and the index in `places` of where it is stated, when known.
    numbers: HashMap<String, Option<usize>>,
    places: Vec<Place>,
}

impl Grounding {
    /// Collects every number in `source` (the paper text the model was shown); no places.
    pub fn new(source: &str) -> Self {
        let mut g = Self::default();
        g.collect(source, None, &[]);
        g
    }

    /// Collects every number of `doc` (and of `extra`, e.g. HF's abstract) with the place it is
    /// first stated, most specific first: a table beats a caption beats a paragraph beats the
    /// abstract.
    pub fn of_source(doc: &SourceDoc, extra: Option<&str>) -> Self {
        let mut g = Self::default();
        for piece in pieces(doc) {
            g.collect(piece.text, Some(&piece.place), &piece.anchors);
        }
        if let Some(text) = extra {
            g.collect(text, None, &[]);
        }
        g
    }

    /// Adds the numbers of `source`, a piece of the paper at `place` in which the paragraph
    /// with id `anchors[i].1` starts at byte `anchors[i].0`. A number seen before keeps its
    /// place.
    fn collect(&mut self, source: &str, place: Option<&Place>, anchors: &[(usize, &str)]) {
        // Offsets are looked up in `source`: normalising keeps characters one for one, so a
        // match's character index is the same in both.
        let text = normalize(source);
        let mut last_place: Option<(Option<&str>, usize)> = None;
        for m in NUMBER.captures_iter(&text) {
            let start = m.get(0).map_or(0, |g| g.start());
            if preceded_by_digit_or_dot(&text, start) {
                continue;
            }
            let value = value_of(&m);
            let keys = match multiplier(&m) {
                Some(mult) => vec![format!("{value}{mult}"), value],
                None => vec![value],
            };
            if keys.iter().all(|k| self.numbers.contains_key(k)) {
                continue;
            }
            let index = place.map(|p| {
                let anchor = paragraph_at(source, &text, start, anchors);
                match last_place {
                    Some((a, i)) if a == anchor => i,
                    _ => {
                        let i = self.places.len();
                        self.places.push(Place {
                            anchor: anchor.map_or_else(|| p.anchor.clone(), str::to_owned),
                            label: p.label.clone(),
                        });
                        last_place = Some((anchor, i));
                        i
                    }
                }
            });
            for k in keys {
                self.numbers.entry(k).or_insert(index);
            }
        }
    }

    /// The numbers of `text` worth checking that the source lacks, as written in `text`.
    /// Checked: percentages, decimals, multipliers (20x, 20×, 20 倍), counts with thousands
    /// separators, and integers of three digits or more. Small integers ("3 个任务") are not.
    pub fn unsupported(&self, text: &str) -> Vec<String> {
        self.checked(text)
            .into_iter()
            .filter_map(|(whole, found)| found.is_none().then_some(whole))
            .collect()
    }

    /// The numbers of `text` worth checking that the source states, each with where it is
    /// stated (when the grounding knows places), as written in `text`.
    pub fn evidence(&self, text: &str) -> Vec<Evidence> {
        self.checked(text)
            .into_iter()
            .filter_map(|(whole, found)| {
                let place = self.places.get(found??)?;
                Some(Evidence {
                    text: whole,
                    anchor: place.anchor.clone(),
                    label: place.label.clone(),
                })
            })
            .collect()
    }

    /// Each number of `text` worth checking, once, with `None` when the source lacks it, else
    /// `Some(place index, if known)`.
    fn checked(&self, text: &str) -> Vec<(String, Option<Option<usize>>)> {
        let norm = normalize(text);
        let mut out: Vec<(String, Option<Option<usize>>)> = Vec::new();
        for m in NUMBER.captures_iter(&norm) {
            let whole = m.get(0).map_or("", |g| g.as_str()).trim().to_owned();
            if preceded_by_digit_or_dot(&norm, m.get(0).map_or(0, |g| g.start())) {
                continue;
            }
            let value = value_of(&m);
            let is_decimal = m.get(2).is_some();
            let is_grouped = m.get(1).is_some_and(|g| g.as_str().contains(','));
            let is_percent = m.get(3).is_some_and(|u| u.as_str() == "%");
            let mult = multiplier(&m);
            let int_digits = value.split('.').next().map_or(0, str::len);
            let worth = is_decimal || is_grouped || is_percent || mult.is_some() || int_digits >= 3;
            if !worth {
                continue;
            }
            let found = match &mult {
                Some(x) => self
                    .numbers
                    .get(&format!("{value}{x}"))
                    .or_else(|| self.numbers.get(&value)),
                None => self.numbers.get(&value),
            };
            if !out.iter().any(|(w, _)| *w == whole) {
                out.push((whole, found.copied()));
            }
        }
        out
    }
}

/// The id of the paragraph of `source` holding the match at `start` of `text` (its normalised
/// copy), if a paragraph with an id starts at or before it.
fn paragraph_at<'a>(
    source: &str,
    text: &str,
    start: usize,
    anchors: &[(usize, &'a str)],
) -> Option<&'a str> {
    if anchors.is_empty() {
        return None;
    }
    let chars = text[..start].chars().count();
    let byte = source
        .char_indices()
        .nth(chars)
        .map_or(source.len(), |(i, _)| i);
    anchors
        .iter()
        .take_while(|(at, _)| *at <= byte)
        .last()
        .map(|(_, id)| *id)
}

fn preceded_by_digit_or_dot(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
}

/// The number without thousands separators, trailing zeros of a decimal kept as written.
fn value_of(m: &regex::Captures<'_>) -> String {
    let int = m.get(1).map_or("", |g| g.as_str()).replace(',', "");
    let frac = m.get(2).map_or("", |g| g.as_str());
    format!("{int}{frac}")
}

fn multiplier(m: &regex::Captures<'_>) -> Option<&'static str> {
    match m.get(3).map(|u| u.as_str()) {
        Some("x" | "×" | "倍" | "-fold" | "times") => Some("x"),
        _ => None,
    }
}

/// Full-width digits and signs to ASCII, `X` to `x`, narrow spaces to spaces.
fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '％' => '%',
            '．' => '.',
            '，' => ',',
            'X' => 'x',
            '\u{2009}' | '\u{202F}' | '\u{00A0}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_forms_match() {
        let g = Grounding::new(
            "Aster is 20x faster, reaches 38.64% and uses 42,000 GPUs; ＢＬＥＵ ２８．４; 3.5 days",
        );
        assert!(
            g.unsupported("速度提升 20 倍，达到 38.64%，使用 42000 张 GPU，BLEU 28.4，耗时 3.5 天")
                .is_empty()
        );
        assert!(g.unsupported("提升 20×，共 42,000 个样本").is_empty());
        assert_eq!(
            g.unsupported("提升 25 倍，准确率 91.2%，共 1,234 个，28.45 分"),
            ["25 倍", "91.2%", "1,234", "28.45"]
        );
    }

    fn doc(kind: crate::SourceKind) -> SourceDoc {
        use crate::{Caption, Section, Table, TextAnchor};
        let para1 = "Our method reaches 38% on MMLU.";
        SourceDoc {
            kind,
            id: crate::ArxivId::parse("2602.00001v1").unwrap(),
            url: String::new(),
            title: "T".into(),
            authors: Vec::new(),
            affiliations: Vec::new(),
            abstract_text: "It is 1.7x faster and reaches 38%; it saves 2,048 GPU hours.".into(),
            sections: vec![Section {
                heading: "4.1 Results".into(),
                level: 2,
                // Full-width digits before the match: offsets must still find the paragraph.
                text: format!("{para1}\n\n训练用了１２８张卡，速度 1.7 倍，共 2,048 GPU hours."),
                appendix: false,
                anchor: "S4.SS1".into(),
                paragraphs: vec![
                    TextAnchor {
                        at: 0,
                        id: "S4.SS1.p1".into(),
                    },
                    TextAnchor {
                        at: para1.len() + 2,
                        id: "S4.SS1.p2".into(),
                    },
                ],
            }],
            captions: vec![Caption {
                section: Some(0),
                text: "Figure 3: Speed-up of 1.7x.".into(),
                anchor: "S4.F3".into(),
            }],
            tables: vec![Table {
                section: Some(0),
                caption: "Table 2: Accuracy".into(),
                text: "Ours | 38%".into(),
                anchor: "S4.T2".into(),
            }],
            figure: None,
            cites: Default::default(),
        }
    }

    #[test]
    fn each_number_is_placed_at_its_most_specific_first_occurrence() {
        let g = Grounding::of_source(&doc(crate::SourceKind::Html), None);
        let found = g.evidence("准确率 38%，提速 1.7 倍，用 128 张卡，节省 2,048 小时，另有 99.9%");
        let got: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|e| (e.text.as_str(), e.anchor.as_str(), e.label.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("38%", "S4.T2", "表 2"),
                ("1.7 倍", "S4.F3", "图 3"),
                ("128", "S4.SS1.p2", "§4.1"),
                ("2,048", "S4.SS1.p2", "§4.1"),
            ]
        );
        assert_eq!(g.unsupported("另有 99.9%"), ["99.9%"]);
        // A heading's or caption's own number is a label, not a result.
        assert_eq!(g.unsupported("提升 4.1 分"), ["4.1"]);
        // Read from the abstract: every place is the abstract page.
        let abs = Grounding::of_source(&doc(crate::SourceKind::Abs), None);
        assert!(
            abs.evidence("38%")
                .iter()
                .all(|e| e.anchor.is_empty() && e.label == "摘要")
        );
        // Plain text grounds numbers but knows no places.
        assert!(Grounding::new("38%").evidence("38%").is_empty());
        assert!(Grounding::new("38%").unsupported("38%").is_empty());
    }

    #[test]
    fn small_integers_are_not_checked_and_digits_do_not_match_inside_other_numbers() {
        let g = Grounding::new("we evaluate on 5 tasks, score 128.4");
        assert!(g.unsupported("在 3 个任务上评估").is_empty());
        assert_eq!(g.unsupported("得分 28.4"), ["28.4"]);
    }
}
