//! The checks of `corpus.rs`, over the small pages written for this repository in LaTeXML's and
//! arXiv's shapes (`fixtures/`): they run on every clone, while the recorded real pages in
//! `../shared/corpus` add coverage where they exist.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::path::PathBuf;

use paperbrief_core::ReportDate;
use paperbrief_fetch::extract::{Parsed, parse_document};
use paperbrief_fetch::hf::parse_page;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Strings that only occur in the fixtures' bibliography, acknowledgements, chrome or markup.
const NEVER: &[&str] = &[
    "Hochreiter",
    "Belady",
    "Megiddo",
    "GRANT-12345",
    "Back to arXiv",
    "should never appear",
    "ltx_",
    "<mi>",
    "annotation",
];

#[test]
fn every_latexml_fixture_is_full_text_without_leftovers() {
    for name in [
        "latexml_small.html",
        "algorithm_float.html",
        "loose_bibitems.html",
    ] {
        let Parsed::FullText(doc) = parse_document(&fixture(name)) else {
            panic!("{name}: not full text")
        };
        assert!(!doc.title.is_empty(), "{name}: no title");
        assert!(!doc.abstract_text.is_empty(), "{name}: no abstract");
        assert!(!doc.sections.is_empty(), "{name}: no sections");
        assert!(
            doc.sections.iter().all(|s| !s.text.trim().is_empty()),
            "{name}: an empty section"
        );
        let json = serde_json::to_string(&doc).unwrap();
        for s in NEVER {
            assert!(!json.contains(s), "{name}: `{s}` survived");
        }
    }
}

#[test]
fn the_other_page_kinds_are_recognised() {
    assert!(matches!(
        parse_document(&fixture("abs_page.html")),
        Parsed::Abstract(_)
    ));
    assert!(matches!(
        parse_document(&fixture("feed.xml")),
        Parsed::Feed(_)
    ));
    assert!(matches!(
        parse_document(&fixture("no_html.html")),
        Parsed::NoHtml
    ));
    assert!(matches!(
        parse_document(&fixture("failed_conversion.html")),
        Parsed::ConversionFailed(_)
    ));
}

#[test]
fn the_hf_list_fixture_parses_in_every_schema() {
    let date = ReportDate::parse("2026-02-10").unwrap();
    let (papers, skipped) = parse_page(date, fixture("hf_list.json").as_bytes()).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(
        papers.len(),
        5,
        "parse_page keeps duplicates; the client drops them"
    );
    assert_eq!(
        papers[0].title,
        "Chunked Prefill Scheduling for Long Contexts"
    );
    assert_eq!(papers[0].authors, ["Lin Wei", "Ada Lovelace"]);
    assert_eq!(
        papers[0].abstract_text,
        "We schedule long prompts in chunks and cut time to first token by 38%."
    );
    assert_eq!(
        papers[0].github_repo.as_deref(),
        Some("https://github.com/example/chunked")
    );
    assert_eq!(
        papers[0].project_page, None,
        "an empty project page is none"
    );
    assert_eq!(
        papers[1].project_page.as_deref(),
        Some("https://example.org/rta")
    );
    assert_eq!(papers[2].upvotes, 0);
    assert_eq!(papers[3].title, "Only The Top-Level Title");
    assert_eq!(papers[3].abstract_text, "Only the top-level summary.");
    let ordered = paperbrief_core::report_order(papers);
    let ids: Vec<String> = ordered.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(
        ids,
        ["2602.90011", "2602.90012", "2602.90013", "2602.90014"]
    );
}
