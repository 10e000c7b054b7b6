//! Untrusted text — HF metadata, paper text, model answers — made safe to show as Markdown:
//! markup is escaped so it never becomes live HTML, and only `http(s)` URLs stay links.

use pulldown_cmark::{Event, Options, Parser, Tag};

/// Whether `url` is an absolute `http:` or `https:` URL with a host: the only links any output
/// of paperbrief makes.
pub fn is_http_url(url: &str) -> bool {
    url::Url::parse(url.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// `url` as a link may show it: parsed, an absolute `http(s)` URL, serialised (so spaces and
/// markup characters are percent-encoded); `None` for anything else.
pub fn http_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.has_host())
        .then(|| parsed.to_string().replace('(', "%28").replace(')', "%29"))
}

/// Escapes what a browser would read as the start of markup — `<` before a letter, `/`, `!` or
/// `?` — so a report published as a web page cannot run scripts. A lone `<` (`a < b`) stays.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Untrusted Markdown made safe: markup escaped ([`escape_html`]), and every link or image whose
/// destination is not an `http(s)` URL — `javascript:`, `vbscript:`, `data:`, relative paths —
/// replaced by its text, including reference-style links and their definitions.
pub fn markdown(text: &str) -> String {
    neutralize_links(&escape_html(text))
}

/// Text shown inline where Markdown syntax must not act at all (raw ids, titles in lists):
/// markup escaped and Markdown punctuation backslash-escaped.
pub fn inline_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in escape_html(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~'
        ) {
            out.push('\\');
        }
        if c == '\n' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces every link and image whose destination is not `http(s)` by its text, and removes
/// the reference definitions that point at such destinations. Repeated until nothing changes,
/// since removing a link can make the brackets around it a new one.
pub fn neutralize_links(md: &str) -> String {
    let mut current = md.to_owned();
    for _ in 0..8 {
        let next = neutralize_once(&current);
        if next == current {
            return next;
        }
        current = next;
    }
    // Pathological nesting: no bracket may open a link.
    current.replace('[', "\\[").replace(']', "\\]")
}

fn neutralize_once(md: &str) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let unsafe_defs: Vec<std::ops::Range<usize>> = parser
        .reference_definitions()
        .iter()
        .filter(|(_, def)| !is_http_url(&def.dest))
        .map(|(_, def)| def.span.clone())
        .collect();
    // (range to replace, replacement), collected outermost first.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = unsafe_defs
        .into_iter()
        .map(|r| (r, String::new()))
        .collect();
    let mut open: Vec<(std::ops::Range<usize>, bool, Option<usize>, usize)> = Vec::new();
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                open.push((range, !is_http_url(&dest_url), None, 0));
            }
            Event::End(_) if open.last().is_some_and(|o| o.0 == range) => {
                if let Some((outer, true, first, last)) = open.pop() {
                    let text = first.map_or(String::new(), |f| md[f..last].to_owned());
                    edits.push((outer, text));
                }
            }
            _ => {
                for o in &mut open {
                    if o.2.is_none() {
                        o.2 = Some(range.start);
                    }
                    o.3 = o.3.max(range.end);
                }
            }
        }
    }
    apply(md, edits)
}

/// Applies non-overlapping edits; an edit inside one already applied is dropped.
fn apply(md: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    if edits.is_empty() {
        return md.to_owned();
    }
    edits.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(md.len());
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&md[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&md[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_but_comparisons_are_not() {
        assert_eq!(
            escape_html("<script>alert(1)</script> a < b, $x<y$, <!-- c -->, AT&T"),
            "&lt;script>alert(1)&lt;/script> a < b, $x&lt;y$, &lt;!-- c -->, AT&T"
        );
        assert_eq!(
            escape_html("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)>"
        );
    }

    #[test]
    fn dangerous_links_lose_their_url_and_keep_their_text() {
        let cases = [
            ("点[这里](javascript:alert(1))看", "点这里看"),
            ("![图](javascript:alert(1))", "图"),
            ("[x](JavaScript:alert(1))", "x"),
            ("[x](vbscript:msgbox)", "x"),
            ("[x](data:text/html;base64,PHNjcmlwdD4=)", "x"),
            ("[x](&#106;avascript:alert(1))", "x"),
            ("[x](<javascript:alert(1)>)", "x"),
            ("[**粗体**](javascript:a)", "**粗体**"),
            ("[x](relative/path)", "x"),
        ];
        for (input, want) in cases {
            assert_eq!(markdown(input), want, "{input}");
        }
    }

    #[test]
    fn reference_links_and_autolinks_are_neutralised() {
        let md = markdown("看[这里][r]。\n\n[r]: javascript:alert(1)\n");
        assert!(!md.contains("javascript"), "{md}");
        assert!(md.contains("这里"), "{md}");
        // An autolink is escaped before it can be one.
        let auto = markdown("<javascript:alert(1)>");
        assert!(auto.starts_with("&lt;javascript"), "{auto}");
    }

    #[test]
    fn http_links_stay() {
        let md = "代码见 [GitHub](https://github.com/a/b) 与 <https://x.org>，[r][1]\n\n[1]: http://y.org\n";
        assert_eq!(neutralize_links(md), md);
    }

    #[test]
    fn inline_text_cannot_form_links_or_emphasis() {
        assert_eq!(
            inline_text("[x](javascript:a) *b* `c`"),
            "\\[x\\]\\(javascript:a\\) \\*b\\* \\`c\\`"
        );
    }

    proptest::proptest! {
        #[test]
        fn no_javascript_link_survives(text in "[a-z\\[\\]\\(\\)!:<> \n]{0,40}") {
            let input = format!("{text}[a](javascript:x){text}");
            let out = markdown(&input);
            let parser = Parser::new(&out);
            for event in parser {
                if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
                    proptest::prop_assert!(is_http_url(&dest_url), "{out}");
                }
            }
        }
    }
}
