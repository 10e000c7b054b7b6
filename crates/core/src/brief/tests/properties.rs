//! Property tests: parsing never panics, and render → parse is the identity on canonical briefs.

use proptest::prelude::*;

use super::super::{Brief, SectionName};

/// A line of content: Chinese text with some Latin, digits and Markdown, never a heading.
fn content_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "- ", "* ", "1. ", "  - ", "**要点**：", "> "]),
        "[\u{4e00}-\u{9fa5}]{2,20}",
        prop::sample::select(vec![
            "",
            " GPU",
            " 38.64%",
            "（LLM）",
            " x",
            "：20 倍",
            " `code`",
        ]),
        "[\u{4e00}-\u{9fa5}，。]{0,10}",
    )
        .prop_map(|(prefix, a, mid, b)| format!("{prefix}数据{a}{mid}{b}"))
}

fn section_content() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::option::weighted(0.8, content_line()), 1..6).prop_map(|lines| {
        let lines: Vec<String> = lines.into_iter().map(Option::unwrap_or_default).collect();
        // Canonical content has no leading/trailing blank lines and no blank runs.
        let mut out: Vec<String> = Vec::new();
        for l in lines {
            if l.is_empty() && out.last().is_none_or(String::is_empty) {
                continue;
            }
            out.push(l);
        }
        while out.last().is_some_and(String::is_empty) {
            out.pop();
        }
        if out.is_empty() {
            out.push("数据内容".into());
        }
        out.join("\n")
    })
}

proptest! {
    #[test]
    fn parse_never_panics(s in ".{0,2000}") {
        let _ = Brief::parse(&s);
        let _ = Brief::parse_completion(&s, Some("length"));
    }

    #[test]
    fn parse_never_panics_on_heading_soup(parts in prop::collection::vec(prop::sample::select(vec![
        "### 1. 应用领域", "**实验效果**：", "<think>", "</think>", "```", "\n", "【使用指南】", "一、",
        "内容", "   ", "：", "**", "---", "1. ", "（1）", "创新点", "\t", "x", "２０％",
    ]), 0..80)) {
        let s = parts.concat();
        let _ = Brief::parse(&s);
    }

    #[test]
    fn render_then_parse_is_the_identity(contents in prop::collection::vec(section_content(), 5)) {
        let brief = Brief::from_sections(SectionName::ALL.into_iter().zip(contents)).unwrap();
        let parsed = Brief::parse(&brief.render()).unwrap();
        prop_assert_eq!(parsed, brief);
    }
}
