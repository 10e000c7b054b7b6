//! Untrusted Markdown (a model's answer, an abstract) to HTML a browser may show: rendered by
//! pulldown-cmark, then sanitised by ammonia — no scripts, no event attributes, no styles, and
//! links only to absolute `http(s)` URLs, whatever the model wrote.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// The sanitiser: ammonia's safe defaults, narrowed to `http(s)` links (relative ones dropped),
/// with `rel="noopener noreferrer nofollow"` on every link and the `math` classes kept.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_allowed_classes("span", ["math", "math-inline", "math-display"]);
    b
});

/// Markdown to sanitised HTML. Math (`$…$`, `$$…$$`) stays TeX, marked for styling.
pub fn markdown(md: &str) -> String {
    markdown_with_links(md, &[])
}

/// The Markdown extensions paperbrief renders: tables, strikethrough, math.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_MATH);

/// A phrase of a brief to link where it first occurs as a whole number: a number the paper
/// states, linked to where it states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseLink {
    /// The phrase (`38%`).
    pub text: String,
    /// The target; dropped by the sanitiser unless `http(s)`.
    pub url: String,
    /// The link's title (`表 2`).
    pub title: String,
}

/// [`markdown`], with the first occurrence of each phrase in running text (not in a link, code
/// or math) made a link: the Markdown's own structure decides what is text, so a phrase never
/// lands inside markup.
pub fn markdown_with_links(md: &str, links: &[PhraseLink]) -> String {
    let mut pending: Vec<&PhraseLink> = links.iter().filter(|l| !l.text.is_empty()).collect();
    let mut events = Vec::new();
    let mut in_link = 0usize;
    for event in Parser::new_ext(md, OPTIONS) {
        match event {
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Text(ref text) if in_link == 0 && !pending.is_empty() => {
                link_phrases(text, &mut pending, &mut events);
                continue;
            }
            _ => {}
        }
        events.push(event);
    }
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    clean(&out)
}

/// Pushes `text` as events, the first occurrence of each pending phrase as a link (and no
/// longer pending).
fn link_phrases<'a>(text: &str, pending: &mut Vec<&PhraseLink>, events: &mut Vec<Event<'a>>) {
    let mut rest = text;
    while let Some((at, i)) = pending
        .iter()
        .enumerate()
        .filter_map(|(i, l)| whole_number_at(rest, &l.text).map(|at| (at, i)))
        .min()
    {
        let link = pending.remove(i);
        let end = at + link.text.len();
        if at > 0 {
            events.push(Event::Text(CowStr::from(rest[..at].to_owned())));
        }
        events.push(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: CowStr::from(link.url.clone()),
            title: CowStr::from(link.title.clone()),
            id: CowStr::from(""),
        }));
        events.push(Event::Text(CowStr::from(rest[at..end].to_owned())));
        events.push(Event::End(TagEnd::Link));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        events.push(Event::Text(CowStr::from(rest.to_owned())));
    }
}

/// Where `phrase` first occurs in `text` not as part of a longer number.
fn whole_number_at(text: &str, phrase: &str) -> Option<usize> {
    text.match_indices(phrase).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let mut after = text[at + phrase.len()..].chars();
        let glued_before = before.is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
        let glued_after = match after.next() {
            Some(c) if c.is_ascii_digit() => true,
            // `38.` ending a sentence is the number; `38.5` is another one.
            Some('.') => after.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        };
        !glued_before && !glued_after
    })
}

/// Sanitises HTML.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markup_is_inert() {
        let md = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[a](javascript:alert(3)) [b](data:text/html,x) [c](vbscript:y) [d](relative) [e](https://ok.example/x)\n\n<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">f</a>";
        let out = markdown(md);
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "data:",
            "vbscript:",
            "href=\"relative\"",
        ] {
            assert!(!out.contains(bad), "`{bad}` survived: {out}");
        }
        assert!(
            out.contains(
                r#"<a href="https://ok.example/x" rel="noopener noreferrer nofollow">e</a>"#
            ),
            "{out}"
        );
    }

    #[test]
    fn numbers_link_once_where_they_stand_as_whole_numbers() {
        let link = |text: &str, anchor: &str| PhraseLink {
            text: text.into(),
            url: format!("https://arxiv.org/html/2602.00001v1#{anchor}"),
            title: "表 2".into(),
        };
        let md = "在 [基准 38%](https://x.example/) 之外，`38%` 与 $38%$ 不算；准确率 138%、38.5% 不是，38% 是；再次 38% 不链接。提速 1.7 倍。";
        let out = markdown_with_links(
            md,
            &[
                link("38%", "S4.T2"),
                link("1.7 倍", "S4.p1"),
                link("9%", "x"),
            ],
        );
        assert_eq!(out.matches("#S4.T2").count(), 1, "{out}");
        assert!(
            out.contains(r#"，<a href="https://arxiv.org/html/2602.00001v1#S4.T2" title="表 2" rel="noopener noreferrer nofollow">38%</a> 是"#),
            "{out}"
        );
        assert!(
            out.contains(r#"#S4.p1" title="表 2" rel="noopener noreferrer nofollow">1.7 倍</a>"#),
            "{out}"
        );
        assert!(
            !out.contains("#x\""),
            "a phrase not standing alone is not linked: {out}"
        );
        let hostile = PhraseLink {
            text: "38%".into(),
            url: "javascript:alert(1)".into(),
            title: "\"><script>".into(),
        };
        let out = markdown_with_links("准确率 38%", &[hostile]);
        assert!(
            !out.contains("javascript") && !out.contains("<script"),
            "{out}"
        );
    }

    #[test]
    fn math_stays_readable_tex() {
        let out = markdown("误差为 $O(n_k^2)$，见 **表 2**。");
        assert!(out.contains("O(n_k^2)"), "{out}");
        assert!(out.contains("<strong>表 2</strong>"), "{out}");
    }
}
