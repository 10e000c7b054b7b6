//! Property tests: the extractor and the HF list parser never panic, whatever they are fed.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use paperbrief_core::ReportDate;
use paperbrief_fetch::extract::parse_document;
use paperbrief_fetch::hf::parse_page;
use proptest::prelude::*;

/// Fragments of LaTeXML, abstract pages, feeds and broken markup.
fn markup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "<article class=\"ltx_document\">", "</article>", "<h1 class=\"ltx_title ltx_title_document\">", "</h1>",
            "<section class=\"ltx_section\">", "<section class=\"ltx_appendix\">", "</section>", "<h2 class=\"ltx_title\">",
            "</h2>", "<div class=\"ltx_para\">", "</div>", "<p class=\"ltx_p\">", "</p>", "<math alttext=\"x^2\">",
            "<math>", "</math>", "<annotation encoding=\"application/x-tex\">y</annotation>", "<cite>[1]</cite>",
            "<span class=\"ltx_note ltx_role_footnote\"><span class=\"ltx_note_content\">n</span></span>",
            "<figure class=\"ltx_table\"><figcaption>T</figcaption><table class=\"ltx_tabular\"><tr><td>1</td><td>", "</table></figure>",
            "<figure class=\"ltx_figure\"><figcaption>F</figcaption>", "</figure>", "<ul class=\"ltx_itemize\"><li>", "</ul>",
            "<table class=\"ltx_equation\"><tr><td>", "<span class=\"ltx_ERROR\">\\x</span>", "<blockquote class=\"abstract\">",
            "<meta name=\"citation_title\" content=\"T\">", "<?xml version='1.0'?><feed xmlns=\"http://www.w3.org/2005/Atom\">",
            "<entry><id>http://arxiv.org/abs/2602.00001v1</id>", "</entry>", "</feed>", "No HTML for '", "text ", "数据 ",
            "<", ">", "&amp;", "&#x0;", "\"", "\u{0}", "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[",
        ]),
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn extraction_never_panics_on_markup_soup(html in markup()) {
        let _ = parse_document(&html);
    }

    #[test]
    fn extraction_never_panics_on_arbitrary_text(text in ".{0,3000}") {
        let _ = parse_document(&text);
    }

    #[test]
    fn the_hf_list_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_page(ReportDate::parse("2026-02-10").unwrap(), &bytes);
    }

    #[test]
    fn the_hf_list_parser_never_panics_on_json_shapes(items in prop::collection::vec(
        (prop::sample::select(vec!["2602.00001", "x", "", "hep-th/9901001v2", "2602.0704"]),
         prop::option::of(any::<i64>()), prop::option::of(".{0,20}")), 0..20)) {
        let json: Vec<serde_json::Value> = items.iter().map(|(id, votes, title)| serde_json::json!({
            "paper": {"id": id, "upvotes": votes, "title": title, "authors": [{"name": title}]}
        })).collect();
        let (papers, skipped) = parse_page(ReportDate::parse("2026-02-10").unwrap(), serde_json::to_string(&json).unwrap().as_bytes()).unwrap();
        prop_assert_eq!(papers.len() + skipped.len(), items.len());
    }
}
