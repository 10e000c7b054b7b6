//! Checking that a brief's numbers come from the paper.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

#[allow(clippy::expect_used)]
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    // A number (thousands separators allowed), then an optional unit that changes its meaning.
    Regex::new(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%|x|×|倍|-fold|times)?").expect("static regex")
});

/// The numbers a source text contains, normalised, ready to check briefs against.
#[derive(Debug, Clone, Default)]
pub struct Grounding {
    numbers: HashSet<String>,
}

impl Grounding {
    /// Collects every number in `source` (the paper text the model was shown).
    pub fn new(source: &str) -> Self {
        let text = normalize(source);
        let mut numbers = HashSet::new();
        for m in NUMBER.captures_iter(&text) {
            if preceded_by_digit_or_dot(&text, m.get(0).map_or(0, |g| g.start())) {
                continue;
            }
            let value = value_of(&m);
            if let Some(mult) = multiplier(&m) {
                numbers.insert(format!("{value}{mult}"));
            }
            numbers.insert(value);
        }
        Self { numbers }
    }

    /// The numbers of `text` worth checking that the source lacks, as written in `text`.
    /// Checked: percentages, decimals, multipliers (20x, 20×, 20 倍), counts with thousands
    /// separators, and integers of three digits or more. Small integers ("3 个任务") are not.
    pub fn unsupported(&self, text: &str) -> Vec<String> {
        let norm = normalize(text);
        let mut out = Vec::new();
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
            let supported = match &mult {
                Some(x) => {
                    self.numbers.contains(&format!("{value}{x}")) || self.numbers.contains(&value)
                }
                None => self.numbers.contains(&value),
            };
            if !supported && !out.contains(&whole) {
                out.push(whole);
            }
        }
        out
    }
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

    #[test]
    fn small_integers_are_not_checked_and_digits_do_not_match_inside_other_numbers() {
        let g = Grounding::new("we evaluate on 5 tasks, score 128.4");
        assert!(g.unsupported("在 3 个任务上评估").is_empty());
        assert_eq!(g.unsupported("得分 28.4"), ["28.4"]);
    }
}
