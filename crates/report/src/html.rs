//! Untrusted Markdown (a model's answer, an abstract) to HTML a browser may show: rendered by
//! pulldown-cmark, then sanitised by ammonia — no scripts, no event attributes, no styles, and
//! links only to absolute `http(s)` URLs, whatever the model wrote.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

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
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(md, options));
    clean(&out)
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
    fn math_stays_readable_tex() {
        let out = markdown("误差为 $O(n_k^2)$，见 **表 2**。");
        assert!(out.contains("O(n_k^2)"), "{out}");
        assert!(out.contains("<strong>表 2</strong>"), "{out}");
    }
}
