//! Finding the five sections in whatever shape the model wrote them.

pub(super) use super::heading::parse_heading;
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
            found[name.index()] = Some(normalize_content(content, name));
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
        Ok(Brief {
            sections,
            warnings,
            ungrounded: Vec::new(),
            evidence: Default::default(),
        })
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
/// heading for the same section is content (normalisation keeps it under its own section and
/// reduces it to its text under another). Text before the first heading is a preamble. With
/// `respect_fences`, lines inside code fences are never headings; without, fence lines are
/// dropped and their content read like the rest.
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
            // Every section, not only the last in the answer: in the canonical order another one
            // may come last.
            let content = strip_postamble(&normalize_lines(name, Some(&inline), &body));
            out[name.index()] = Some(close_fence(content));
        }
    }
    out
}

/// Normalises section `own`: the content written on the heading line (if any), then the
/// following lines with their common indentation removed, trailing spaces and runs of blank
/// lines dropped, separator rules trimmed from either end, and lines that would read as another
/// section's heading reduced to their text — so the canonical rendering parses back the same.
fn normalize_lines(own: SectionName, inline: Option<&str>, body: &[String]) -> String {
    let inline = inline
        .and_then(|l| defuse(l, Some(own)))
        .map(|l| l.replace('\t', "    "));
    let body: Vec<String> = body
        .iter()
        .filter_map(|l| defuse(l, Some(own)))
        .map(|l| l.replace('\t', "    ").trim_end().to_owned())
        .collect();
    // Indentation is counted in ASCII spaces (tabs are expanded above); other whitespace is
    // content, and never split.
    let lead = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| lead(l))
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = Vec::with_capacity(body.len() + 1);
    if let Some(first) = inline.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        out.push(first);
    }
    for l in &body {
        let l = if l.trim().is_empty() {
            ""
        } else {
            &l[indent.min(lead(l))..]
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

/// A code fence left open would swallow the headings after it once rendered: close it.
fn close_fence(mut content: String) -> String {
    if content
        .lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count()
        % 2
        == 1
    {
        content.push_str("\n```");
    }
    content
}

/// Normalises the content of section `own` handed over already separated (structured output).
pub(super) fn normalize_content(content: &str, own: SectionName) -> String {
    let mut lines = content.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<String> = lines.map(str::to_owned).collect();
    close_fence(normalize_lines(own, Some(first), &rest))
}

/// A line that would read as a heading of a section other than `own`, reduced to its text
/// (`None` when it has none); any other line as it is.
fn defuse(line: &str, own: Option<SectionName>) -> Option<String> {
    let mut text = line.to_owned();
    // Bounded: each round removes a heading's markup and label.
    for _ in 0..8 {
        match parse_heading(&text) {
            Some((name, _)) if Some(name) == own => return Some(text),
            Some((_, inline)) if inline.trim().is_empty() => return None,
            Some((_, inline)) => text = inline,
            None => return Some(text),
        }
    }
    None
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '='))
}

/// Drops a closing pleasantry at the end of a section ("希望这份简报对您有帮助", "如需更多细节…")
/// and the separator rules around it. The phrases are specific enough never to start content.
fn strip_postamble(content: &str) -> String {
    const CHATTY: &[&str] = &[
        "希望这",
        "希望以上",
        "希望本",
        "希望对",
        "希望能",
        "如需",
        "如有其他",
        "如有任何",
        "如果您需要",
        "如果你需要",
        "如果您有",
        "如果你有",
        "以上就是",
        "以上是",
        "祝您",
        "Hope this",
        "Hope it",
        "I hope",
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
