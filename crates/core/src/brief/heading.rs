//! Recognising a section heading line, in every style models write one.

use super::SectionName;

/// Recognises a section heading line in any of the styles models use; returns the section and
/// any content written on the same line after a colon or the closing markup.
pub(crate) fn parse_heading(line: &str) -> Option<(SectionName, String)> {
    let (marks, s) = strip_markup(line);
    let (name, label_len) = longest_label(s)?;
    let (rest, separated) =
        strip_separators(strip_parenthetical(s[label_len..].trim_start()), &marks);
    let content = rest.trim().trim_end_matches("**").trim();
    let accept = content.is_empty()
        // `### 1. 应用领域 Application`: trailing words on a Markdown heading are decoration
        // unless a colon introduces content.
        || marks.hashes
        || separated
        || ((marks.decorated || marks.bold || marks.bracket) && rest.starts_with(char::is_whitespace));
    if !accept {
        return None;
    }
    let inline = if marks.hashes && !separated {
        String::new()
    } else {
        content.to_owned()
    };
    Some((name, inline))
}

/// The markup in front of a heading's label.
#[derive(Debug, Default)]
struct Marks {
    hashes: bool,
    decorated: bool,
    bold: bool,
    bracket: bool,
}

/// Strips `#`s or a bullet, emphasis, numbering and an opening bracket; returns what was there
/// and the rest, which should start with the label.
fn strip_markup(line: &str) -> (Marks, &str) {
    let mut marks = Marks::default();
    let mut s = line.trim();
    if s.starts_with('#') {
        s = s.trim_start_matches('#').trim_start();
        marks.hashes = true;
        marks.decorated = true;
    } else if let Some(rest) = ["- ", "* ", "+ "].iter().find_map(|b| s.strip_prefix(b)) {
        s = rest.trim_start();
    }
    for _ in 0..2 {
        if let Some(rest) = strip_emphasis(s) {
            s = rest;
            marks.bold = true;
        }
        if let Some(rest) = strip_numbering(s) {
            s = rest;
            marks.decorated = true;
        }
    }
    if s.starts_with('【') || s.starts_with('[') {
        marks.bracket = true;
        s = s[s.chars().next().map_or(0, char::len_utf8)..].trim_start();
    }
    (marks, s)
}

/// Strips the closing markup and colon after a label; whether any separated the label from
/// what follows. A closer only separates when its opener was there; a colon always does.
fn strip_separators<'a>(mut rest: &'a str, marks: &Marks) -> (&'a str, bool) {
    let closers = [
        ("】", marks.bracket),
        ("]", marks.bracket),
        ("**", marks.bold),
        ("__", marks.bold),
        ("**", marks.bold),
        ("：", true),
        (":", true),
        ("**", marks.bold),
    ];
    let mut separated = false;
    for (closer, opened) in closers {
        if let Some(r) = rest.trim_start().strip_prefix(closer).filter(|_| opened) {
            rest = r;
            separated = true;
        }
    }
    (rest, separated)
}

fn strip_emphasis(s: &str) -> Option<&str> {
    ["**", "__"]
        .iter()
        .find_map(|m| s.strip_prefix(m))
        .map(str::trim_start)
}

/// `1.`, `1、`, `1)`, `(1)`, `（1）`, `一、`, `第一部分` … at the start of a heading.
fn strip_numbering(s: &str) -> Option<&str> {
    let digits = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .count();
    let after: &str = if digits > 0 {
        let byte = s.char_indices().nth(digits).map_or(s.len(), |(i, _)| i);
        &s[byte..]
    } else if let Some(r) = s.strip_prefix('(').or_else(|| s.strip_prefix('（')) {
        let inner = r.chars().take_while(char::is_ascii_digit).count();
        let rest = &r[inner..];
        return (inner > 0)
            .then(|| rest.strip_prefix(')').or_else(|| rest.strip_prefix('）')))
            .flatten()
            .map(str::trim_start);
    } else {
        return None;
    };
    ['.', '、', '．', ')', '）', ':', '：']
        .iter()
        .find_map(|p| after.strip_prefix(*p))
        .map(str::trim_start)
        .filter(|_| digits <= 3)
}

/// The section whose name or synonym is the longest prefix of `s`.
fn longest_label(s: &str) -> Option<(SectionName, usize)> {
    let mut best: Option<(SectionName, usize)> = None;
    for name in SectionName::ALL {
        for label in std::iter::once(name.zh()).chain(name.synonyms().iter().copied()) {
            if s.starts_with(label) && best.is_none_or(|(_, len)| label.len() > len) {
                best = Some((name, label.len()));
            }
        }
    }
    best
}

/// Drops a short parenthetical right after the label: `应用领域 (Application Domain)`.
fn strip_parenthetical(s: &str) -> &str {
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(r) = s.strip_prefix(open)
            && let Some(end) = r.find(close)
            && r[..end].chars().count() <= 40
        {
            return r[end + close.len_utf8()..].trim_start();
        }
    }
    s
}
