//! End-to-end: the archive searched, from stored reports of three days and a weekly digest
//! (`common::archive`). `paperbrief search` finds papers of every day by Chinese and English
//! words, with filters, and says when nothing matches; `paperbrief site` writes a Pagefind index
//! per quarter, makes again only the quarter whose reports changed, and extends the CSP by exactly
//! what Pagefind needs. The browser half is `tests/archive_browser.rs`.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;

use common::archive::{PAPERS, Paper, built_site, entry, home, paperbrief_in};
use common::{paperbrief, run, stderr, stdout};
use paperbrief_core::ReportDate;
use paperbrief_report::ReportPaths;
use serde_json::Value;

async fn search(home: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let out = paperbrief_in(home, &all).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hits: Value = serde_json::from_str(&stdout(&out)).unwrap();
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            assert!(h["score"].as_f64().unwrap() > 0.0);
            assert!(h["title"].is_string() && h["contribution"].is_string());
            (
                h["date"].as_str().unwrap().to_owned(),
                h["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_papers_of_every_day_in_chinese_and_english() {
    let home = home();
    let h = home.path();
    assert_eq!(
        search(h, &["推测解码"]).await,
        pairs(&[("2025-12-30", "2512.00001"), ("2026-02-10", "2602.00004")])
    );
    assert_eq!(
        search(h, &["speculative", "decoding"]).await,
        pairs(&[("2025-12-30", "2512.00001")])
    );
    assert_eq!(
        search(h, &["推测解码", "--limit", "1"]).await,
        pairs(&[("2025-12-30", "2512.00001")])
    );
    assert_eq!(
        search(h, &["推测解码", "--since", "2026-02-01"]).await,
        pairs(&[("2026-02-10", "2602.00004")])
    );
    assert_eq!(
        search(h, &["策略", "--tag", "机器人", "--until", "2025-12-31"]).await,
        pairs(&[("2025-12-30", "2512.00002")])
    );
    // The index was kept in the cache directory and is reused.
    assert!(
        h.join("cache/paperbrief/search/paperbrief-manifest.json")
            .is_file()
    );
    // The text output: date, id, score, title, then the contribution.
    let out = paperbrief_in(h, &["search", "layout"]).await;
    let text = stdout(&out);
    assert!(text.starts_with("2026-02-09  2602.00003"), "{text}");
    assert!(
        text.contains("Diffusion Models for Layout\n    用扩散模型生成版面布局。"),
        "{text}"
    );
    // Nothing found: exit 1, said on stderr; no word at all: exit 2, said how to fix it.
    let none = paperbrief_in(h, &["search", "量子计算"]).await;
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("no paper in"), "{}", stderr(&none));
    let empty = paperbrief_in(h, &["search", "，。"]).await;
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("no word to search for"),
        "{}",
        stderr(&empty)
    );
    for bad in [["--since", "2026-13-01"], ["--limit", "0"]] {
        let out = paperbrief_in(h, &["search", "x", bad[0], bad[1]]).await;
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains(bad[0]), "{}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_quarter_whose_reports_changed_is_indexed_again() {
    let home = home();
    let site = built_site(home.path()).await;
    let old_fragments = std::fs::read_dir(site.join("pagefind/q/2025-Q4/fragment"))
        .unwrap()
        .count();
    // A December paper's contribution rewritten (as `paperbrief paper` would).
    let paths = ReportPaths::new(home.path().join("reports"));
    let date = ReportDate::parse("2025-12-30").unwrap();
    let mut r = paths.read_day(date).unwrap().unwrap();
    let mut changed = entry(&PAPERS[1]);
    changed.outcome = entry(&Paper {
        contribution: "从视频中学习灵巧抓取。",
        ..PAPERS[1].clone()
    })
    .outcome;
    r.entries[1] = changed;
    paths.write(&r).unwrap();
    let out = paperbrief_in(home.path(), &["site", "--out", site.to_str().unwrap()]).await;
    assert!(
        stderr(&out).contains("1 quarter(s) indexed again (2025-Q4)"),
        "{}",
        stderr(&out)
    );
    // The old fragment of the changed paper is gone, the new one there: as many as before.
    let fragments = std::fs::read_dir(site.join("pagefind/q/2025-Q4/fragment"))
        .unwrap()
        .count();
    assert_eq!(fragments, old_fragments);
    let err = stderr(&out);
    let removed: usize = err
        .split(" removed")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(removed >= 1, "the old fragment is deleted: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_site_gets_an_index_and_a_csp_naming_exactly_what_it_needs() {
    let home = home();
    let site = built_site(home.path()).await;
    let page = std::fs::read_to_string(site.join("2026-02-10.html"))
        .unwrap()
        .replace("&#x27;", "'");
    assert!(
        page.contains("script-src 'sha256-") && page.contains("'self' 'wasm-unsafe-eval'; img-src 'self'; worker-src 'self'; connect-src 'self'; base-uri 'none'"),
        "{page}"
    );
    assert!(page.contains("data-archive=\"pagefind/\""));
    // Without search: no index, the strict CSP, no archive attribute.
    let plain = home.path().join("plain");
    let mut cmd = paperbrief(
        home.path(),
        &[
            (
                "PAPERBRIEF_OUTPUT_DIR",
                home.path().join("reports").to_str().unwrap(),
            ),
            ("PAPERBRIEF_SITE_SEARCH", "false"),
        ],
    );
    cmd.args(["site", "--out", plain.to_str().unwrap()]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!plain.join("pagefind").exists());
    let page = std::fs::read_to_string(plain.join("2026-02-10.html"))
        .unwrap()
        .replace("&#x27;", "'");
    assert!(!page.contains("'self' 'wasm-unsafe-eval'") && !page.contains("data-archive=\""));
}
