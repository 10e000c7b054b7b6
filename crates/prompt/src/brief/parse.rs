//! Finding the five sections in whatever shape the model wrote them.

use super::{AnswerError, AnswerFormat, Brief, ParseOptions, Problem, SectionName, Sections};

pub(super) fn parse(answer: &str, opts: &ParseOptions<'_>) -> Result<Brief, AnswerError> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    if opts.finish_reason == Some("length") {
        problems.push(Problem::Truncated);
    }
    let text = match strip_reasoning(answer) {
        Ok((text, removed)) => {
            if removed {
                warnings.push(
                    "removed the model's reasoning (<think> block) from the answer".to_owned(),
                );
            }
            text
        }
        Err(p) => {
            problems.push(p);
            return Err(AnswerError { problems });
        }
    };
    let text = strip_outer_fence(&text);
    if opts.format == AnswerFormat::Json {
        if let Some(found) = json_sections(text) {
            return validate(&found, problems, warnings, opts.min_chinese_share);
        }
        warnings.push("asked for JSON, got text: parsed the text".to_owned());
    }
    let mut found = split_sections(text, true);
    if found.iter().any(Option::is_none) {
        // A brief fenced after a preamble: read through the fences instead.
        let through = split_sections(text, false);
        if through.iter().flatten().count() > found.iter().flatten().count() {
            found = through;
        }
    }
    validate(&found, problems, warnings, opts.min_chinese_share)
}

/// The sections of a JSON answer (`{"domain": …}` or `{"应用领域": …}`), if it is one.
fn json_sections(text: &str) -> Option<[Option<String>; 5]> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text.get(start..=end)?).ok()?;
    let mut found: [Option<String>; 5] = Default::default();
    for (key, value) in map {
        let name = SectionName::from_json_key(&key).or_else(|| SectionName::from_label(&key));
        if let (Some(name), Some(content)) = (name, value.as_str()) {
            found[name.index()] = Some(normalize_content(content));
        }
    }
    Some(found)
}

/// Turns the sections found (or not) into a brief, or every problem with them.
pub(super) fn validate(
    found: &[Option<String>; 5],
    mut problems: Vec<Problem>,
    warnings: Vec<String>,
    min_chinese_share: f64,
) -> Result<Brief, AnswerError> {
    let mut sections = Sections::default();
    for name in SectionName::ALL {
        match &found[name.index()] {
            None => problems.push(Problem::Missing { section: name }),
            Some(c) if is_blank(c) => problems.push(Problem::Empty { section: name }),
            Some(c) => sections.0[name.index()] = c.clone(),
        }
    }
    let all: String = found
        .iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(share) = chinese_share(&all).filter(|s| *s < min_chinese_share) {
        problems.push(Problem::NotChinese { share });
    }
    if problems.is_empty() {
        Ok(Brief { sections, warnings })
    } else {
        Err(AnswerError { problems })
    }
}

fn is_blank(content: &str) -> bool {
    content.chars().all(|c| {
        c.is_whitespace() || matches!(c, '*' | '-' | '_' | '#' | ':' | '：' | '.' | '。' | '…')
    })
}

/// Share of CJK characters among CJK characters and Latin letters; `None` when there are none.
fn chinese_share(text: &str) -> Option<f64> {
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    // Latin words are long: a letter carries far less than a Chinese character.
    let weighted = latin as f64 / 3.0;
    (cjk + latin > 0).then(|| cjk as f64 / (cjk as f64 + weighted))
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Removes `<think>…</think>` (and `<thinking>`) blocks. An answer that starts with reasoning
/// whose opening tag was in the prompt (only `</think>` present) keeps what follows the last
/// closing tag. Reasoning opened at the start and never closed is an error; opened after the
/// answer, it is cut off. Returns whether anything was removed.
fn strip_reasoning(answer: &str) -> Result<(String, bool), Problem> {
    let mut text = answer.to_owned();
    let mut removed = false;
    for tag in ["think", "thinking"] {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        while let Some(start) = find_ci(&text, &open) {
            match find_ci(&text[start..], &close) {
                Some(rel) => {
                    text.replace_range(start..start + rel + close.len(), "");
                    removed = true;
                }
                None if text[..start].trim().is_empty() => return Err(Problem::UnclosedThink),
                None => {
                    text.truncate(start);
                    removed = true;
                }
            }
        }
        if let Some(end) = rfind_ci(&text, &close) {
            text.replace_range(..end + close.len(), "");
            removed = true;
        }
    }
    Ok((text, removed))
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

fn rfind_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().rfind(needle)
}

/// Removes a Markdown fence wrapped around the whole answer.
fn strip_outer_fence(text: &str) -> &str {
    let t = text.trim();
    if !t.starts_with("```") || !t.ends_with("```") || t.len() < 6 {
        return t;
    }
    let body = &t[3..t.len() - 3];
    // Drop the info string (```markdown) on the opening line.
    match body.split_once('\n') {
        Some((info, rest)) if !info.contains(' ') || info.trim().is_empty() => rest,
        _ => body,
    }
}

/// Splits the text at section headings. The first occurrence of each section wins; a later
/// heading for the same section is content. Text before the first heading is a preamble.
/// With `respect_fences`, lines inside code fences are never headings; without, fence lines
/// are dropped and their content read like the rest.
fn split_sections(text: &str, respect_fences: bool) -> [Option<String>; 5] {
    let mut found: [Option<(String, Vec<String>)>; 5] = Default::default();
    let mut current: Option<SectionName> = None;
    let mut in_fence = false;
    for line in text.lines() {
        let is_fence = line.trim_start().starts_with("```");
        if is_fence && !respect_fences {
            continue;
        }
        let heading = if in_fence || is_fence {
            None
        } else {
            parse_heading(line)
        };
        if is_fence {
            in_fence = !in_fence;
        }
        match heading {
            Some((name, inline)) if found[name.index()].is_none() => {
                found[name.index()] = Some((inline, Vec::new()));
                current = Some(name);
            }
            _ => {
                if let Some((_, lines)) = current.and_then(|n| found[n.index()].as_mut()) {
                    lines.push(line.to_owned());
                }
            }
        }
    }
    let mut out: [Option<String>; 5] = Default::default();
    for name in SectionName::ALL {
        if let Some((inline, body)) = found[name.index()].take() {
            let mut content = normalize_lines(Some(&inline), &body);
            if Some(name) == current {
                content = strip_postamble(&content);
            }
            out[name.index()] = Some(content);
        }
    }
    out
}

/// Recognises a section heading line in any of the styles models use; returns the section and
/// any content written on the same line after a colon or the closing markup.
pub(super) fn parse_heading(line: &str) -> Option<(SectionName, String)> {
    let mut s = line.trim();
    let mut decorated = false;
    let hashes = s.starts_with('#');
    if hashes {
        s = s.trim_start_matches('#').trim_start();
        decorated = true;
    } else if let Some(rest) = ["- ", "* ", "+ "].iter().find_map(|b| s.strip_prefix(b)) {
        s = rest.trim_start();
    }
    let mut bold = false;
    for _ in 0..2 {
        if let Some(rest) = strip_emphasis(s) {
            s = rest;
            bold = true;
        }
        if let Some(rest) = strip_numbering(s) {
            s = rest;
            decorated = true;
        }
    }
    let bracket = s.starts_with('【') || s.starts_with('[');
    if bracket {
        s = s[s.chars().next().map_or(0, char::len_utf8)..].trim_start();
    }
    let (name, label_len) = longest_label(s)?;
    let mut rest = &s[label_len..];
    let mut separated = false;
    rest = strip_parenthetical(rest.trim_start());
    for closer in ["】", "]", "**", "__", "**", "：", ":", "**"] {
        if let Some(r) = rest.trim_start().strip_prefix(closer) {
            rest = r;
            separated = true;
        }
    }
    let content = rest.trim().trim_end_matches("**").trim();
    let accept = if content.is_empty() {
        true
    } else if hashes {
        // `### 1. 应用领域 Application` — trailing words on a Markdown heading are decoration
        // unless a colon introduces content.
        true
    } else {
        separated || ((decorated || bold || bracket) && rest.starts_with(char::is_whitespace))
    };
    if !accept {
        return None;
    }
    let inline = if hashes && !separated {
        String::new()
    } else {
        content.to_owned()
    };
    Some((name, inline))
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

/// Normalises one section: the content written on the heading line (if any), then the
/// following lines with their common indentation removed, trailing spaces and runs of blank
/// lines dropped, and separator rules trimmed from either end.
fn normalize_lines(inline: Option<&str>, body: &[String]) -> String {
    let body: Vec<String> = body
        .iter()
        .map(|l| l.replace('\t', "    ").trim_end().to_owned())
        .collect();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = Vec::with_capacity(body.len() + 1);
    if let Some(first) = inline.map(str::trim).filter(|f| !f.is_empty()) {
        out.push(first);
    }
    for l in &body {
        let l = if l.trim().is_empty() {
            ""
        } else {
            &l[indent..]
        };
        if l.is_empty() && out.last().is_none_or(|p| p.is_empty()) {
            continue;
        }
        out.push(l);
    }
    while out.first().is_some_and(|l| l.is_empty() || is_rule(l)) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty() || is_rule(l)) {
        out.pop();
    }
    out.join("\n")
}

/// Normalises content handed over already separated (structured output).
pub(super) fn normalize_content(content: &str) -> String {
    let mut lines = content.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<String> = lines.map(str::to_owned).collect();
    normalize_lines(Some(first), &rest)
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '='))
}

/// Drops a closing pleasantry after the last section ("希望这份简报对您有帮助") and the
/// separator rules around it.
fn strip_postamble(content: &str) -> String {
    const CHATTY: &[&str] = &[
        "希望",
        "如需",
        "如果您",
        "如果你",
        "如有",
        "以上就是",
        "以上是",
        "祝您",
        "Hope ",
        "Let me know",
    ];
    let mut paras: Vec<&str> = content.split("\n\n").collect();
    while let Some(last) = paras.last().map(|p| p.trim()) {
        let chatty = CHATTY.iter().any(|c| last.starts_with(c));
        if paras.len() < 2 || !(chatty || is_rule(last)) {
            break;
        }
        paras.pop();
    }
    paras.join("\n\n").trim_end().to_owned()
}
