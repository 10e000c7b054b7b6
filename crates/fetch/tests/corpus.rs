//! Extraction over the recorded real responses in `../shared/corpus` (present in CI, absent in a
//! user's clone). Every test here is `#[ignore]`d, so a clone without the corpus reports them as
//! ignored; CI runs them with `--include-ignored`, where a missing corpus fails them.
//! `tests/fixtures.rs` runs the same checks on vendored pages everywhere.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::path::PathBuf;

use paperbrief_core::ReportDate;
use paperbrief_fetch::extract::{Parsed, parse_document};
use paperbrief_fetch::hf::parse_page;

fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(
        dir.is_dir(),
        "no corpus at {}: these tests read the recorded responses beside the repository (CI has \
         them); without them, run the suite without --include-ignored",
        dir.display()
    );
    dir
}

fn read(dir: &std::path::Path, rel: &str) -> String {
    String::from_utf8_lossy(&std::fs::read(dir.join(rel)).unwrap()).into_owned()
}

/// Strings that only occur in each page's bibliography, acknowledgements or page chrome.
const NEVER: &[&str] = &[
    "Long short-term memory",
    "Neural machine translation by jointly learning",
    "Report GitHub Issue",
    "view the build logs",
    "localStorage",
    "ltx_",
    "Instructions for reporting errors",
];

#[test]
#[ignore = "needs ../shared/corpus: run with --include-ignored"]
fn attention_paper_extracts_cleanly() {
    let dir = corpus();
    let Parsed::FullText(doc) = parse_document(&read(
        &dir,
        "arxiv_html/arxiv_1706.03762v7_oxide075_2026-08.html",
    )) else {
        panic!("not full text")
    };
    assert_eq!(doc.title, "Attention Is All You Need");
    assert_eq!(
        doc.id.as_ref().map(|i| i.to_string()).as_deref(),
        Some("1706.03762v7")
    );
    assert_eq!(doc.authors.len(), 8);
    assert!(
        doc.abstract_text
            .starts_with("The dominant sequence transduction models")
    );
    assert!(
        doc.abstract_text
            .ends_with("with large and limited training data.")
    );
    assert_eq!(doc.sections.len(), 23);
    assert_eq!(doc.sections[0].heading, "1 Introduction");
    assert_eq!(doc.sections.iter().filter(|s| s.level == 1).count(), 8);
    assert_eq!(doc.tables.len(), 4);
    assert_eq!(doc.captions.len(), 5);
    let json = serde_json::to_string(&doc).unwrap();
    for s in NEVER {
        assert!(!json.contains(s), "`{s}` survived");
    }
    // Equations read as TeX, once.
    let attention = &doc
        .sections
        .iter()
        .find(|s| s.heading.contains("Scaled Dot-Product"))
        .unwrap()
        .text;
    assert_eq!(
        attention
            .matches(r"\mathrm{softmax}(\frac{QK^{T}}{\sqrt{d_{k}}})V")
            .count(),
        1
    );
    // Table numbers survive for grounding.
    assert!(doc.tables[1].text.contains("28.4") && doc.tables[1].text.contains("41.8"));
    // Paragraph boundaries are kept.
    assert_eq!(doc.sections[0].text.split("\n\n").count(), 4);
}

#[test]
#[ignore = "needs ../shared/corpus: run with --include-ignored"]
fn split_cycle_sample_extracts_cleanly() {
    let dir = corpus();
    let Parsed::FullText(doc) =
        parse_document(&read(&dir, "arxiv_html/latexml086_split_cycle_2022.html"))
    else {
        panic!("not full text")
    };
    assert_eq!(doc.title, "An Axiomatic Characterization of Split Cycle");
    assert_eq!(
        doc.authors,
        ["Yifeng Ding", "Wesley H. Holliday", "Eric Pacuit"]
    );
    assert!(
        doc.abstract_text
            .starts_with("A number of rules for resolving majority cycles")
    );
    assert_eq!(doc.sections.len(), 19);
    assert_eq!(doc.sections.iter().filter(|s| s.appendix).count(), 1);
    assert!(doc.sections.last().unwrap().appendix);
    assert!(doc.tables.len() >= 4, "profile tables inside figures");
    let json = serde_json::to_string(&doc).unwrap();
    // Reference-list entries (only in the bibliography) and MathML internals.
    for s in [
        "Twitching weak dictators",
        "John Wiley &",
        "ltx_",
        "<mi>",
        "annotation",
    ] {
        assert!(!json.contains(s), "`{s}` survived");
    }
    // Theorem statements keep their labels.
    assert!(json.contains("Theorem 4.1."), "theorem labels");
}

#[test]
#[ignore = "needs ../shared/corpus: run with --include-ignored"]
fn bibliography_fragment_yields_no_paper_text() {
    let dir = corpus();
    let parsed = parse_document(&read(
        &dir,
        "arxiv_html/fragment_bibliography_2503.18887.html",
    ));
    assert!(matches!(parsed, Parsed::Unknown(_)), "{parsed:?}");
}

#[test]
#[ignore = "needs ../shared/corpus: run with --include-ignored"]
fn abstract_page_and_feeds() {
    let dir = corpus();
    let Parsed::Abstract(info) = parse_document(&read(&dir, "arxiv_abs/abs_2508.16190v1.html"))
    else {
        panic!()
    };
    assert_eq!(
        info.title,
        "ComicScene154: A Scene Dataset for Comic Analysis"
    );
    assert_eq!(info.id.as_deref(), Some("2508.16190v1"));
    assert_eq!(
        info.authors,
        ["Sandro Paval", "Ivan P. Yamshchikov", "Pascal Meißner"]
    );
    assert!(info.has_html);
    let Parsed::Feed(new) = parse_document(&read(&dir, "arxiv_api/query_id_list_2508.16190.xml"))
    else {
        panic!()
    };
    assert_eq!(new.len(), 1);
    assert_eq!(
        new[0].abstract_text, info.abstract_text,
        "page and API agree"
    );
    let Parsed::Feed(classic) = parse_document(&read(
        &dir,
        "arxiv_api/query_search_cat_cs.RO_neural_max2_classic_2025-10.xml",
    )) else {
        panic!()
    };
    assert_eq!(classic.len(), 2);
    assert!(
        classic
            .iter()
            .all(|e| !e.abstract_text.starts_with(' ') && !e.title.contains('\n'))
    );
}

#[test]
#[ignore = "needs ../shared/corpus: run with --include-ignored"]
fn every_hf_list_parses() {
    let dir = corpus();
    for (file, count) in [
        ("daily_papers_2026-02-10.json", 33),
        ("daily_papers_2025-02-14.json", 14),
        ("daily_papers_2024-05-27.json", 13),
    ] {
        let body = std::fs::read(dir.join("hf_api").join(file)).unwrap();
        let date = ReportDate::parse(&file[13..23]).unwrap();
        let (papers, skipped) = parse_page(date, &body).unwrap();
        assert_eq!(papers.len(), count, "{file}");
        assert!(skipped.is_empty(), "{file}: {skipped:?}");
        assert!(papers.iter().all(|p| !p.title.contains('\n')
            && !p.abstract_text.is_empty()
            && !p.authors.is_empty()));
    }
}
