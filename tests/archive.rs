//! End-to-end: the archive searched, from stored reports of three days and a weekly digest.
//! `paperbrief search` finds papers of every day by Chinese and English words, with filters,
//! and says when nothing matches; `paperbrief site` writes a Pagefind index, and in headless
//! Chromium over a loopback server a query typed on any page finds papers of other days and of
//! the digest, the month and tag filters narrow it, hostile titles stay text, and nothing raises
//! a console error or CSP violation. The browser test is `#[ignore]`d (it needs Chromium);
//! `.ci/run` installs Chromium and runs it.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;
use std::time::Duration;

use common::browser::{Cdp, WATCH, browser, require_chromium, serve};
use common::day::read;
use common::{paperbrief, run, stderr, stdout};
use fantoccini::{Client, Locator};
use paperbrief_core::{ArxivId, Brief, PaperRef, Period, ReportDate, SourceKind};
use paperbrief_report::{DailyReport, Entry, Outcome, ReportPaths, SourceInfo};
use paperbrief_testkit::reports::provenance;
use serde_json::{Value, json};

#[derive(Clone)]
struct Paper {
    date: &'static str,
    id: &'static str,
    title: &'static str,
    title_zh: Option<&'static str>,
    contribution: &'static str,
    tags: &'static [&'static str],
    kind: SourceKind,
}

const PAPERS: &[Paper] = &[
    Paper {
        date: "2025-12-30",
        id: "2512.00001",
        title: "Faster Speculative Decoding with Draft Trees",
        title_zh: Some("基于草稿树的快速推测解码"),
        contribution: "提出基于草稿树的推测解码，推理速度提升 2 倍。",
        tags: &["推理加速"],
        kind: SourceKind::Html,
    },
    Paper {
        date: "2025-12-30",
        id: "2512.00002",
        title: "Robot Manipulation from Videos <img src=x onerror=alert(1)>",
        title_zh: None,
        contribution: "从视频中学习机器人操作策略。",
        tags: &["机器人"],
        kind: SourceKind::Abs,
    },
    Paper {
        date: "2026-02-09",
        id: "2602.00003",
        title: "Diffusion Models for Layout",
        title_zh: None,
        contribution: "用扩散模型生成版面布局。",
        tags: &["生成"],
        kind: SourceKind::Html,
    },
    Paper {
        date: "2026-02-10",
        id: "2602.00004",
        title: "Serving LLMs Cheaply",
        title_zh: None,
        contribution: "结合量化与推测解码降低大模型服务成本。",
        tags: &["服务"],
        kind: SourceKind::Html,
    },
    Paper {
        date: "2026-02-10",
        id: "2602.00005",
        title: "Agents that Plan",
        title_zh: None,
        contribution: "让智能体先规划再行动。",
        tags: &["智能体"],
        kind: SourceKind::Html,
    },
];

fn entry(p: &Paper) -> Entry {
    let id = ArxivId::parse(p.id).unwrap();
    let mut paper = PaperRef::bare(id);
    paper.title = p.title.into();
    paper.list_date = ReportDate::parse(p.date).unwrap();
    let answer = format!(
        "### 1. 应用领域\n大模型。\n### 2. 一句话核心贡献\n{}\n### 3. 使用指南\n输入提示，输出文本。\n### 4. 主要创新点\n新的方法。\n### 5. 实验效果\n效果更好。\n",
        p.contribution
    );
    let mut e = Entry::pending(paper);
    e.outcome = Outcome::Ok {
        brief: Brief::parse(&answer).unwrap(),
        provenance: provenance(),
    };
    e.source = Some(SourceInfo::new(
        p.kind,
        format!("https://arxiv.org/html/{}v1", p.id),
        ArxivId::parse(&format!("{}v1", p.id)).unwrap(),
        None,
    ));
    e.tags = p.tags.iter().map(|t| (*t).to_owned()).collect();
    e.title_zh = p.title_zh.map(str::to_owned);
    e
}

/// Three days of reports and the week 2026-W07's digest (papers 3 and 4), in `reports`.
fn write_reports(reports: &Path) {
    let paths = ReportPaths::new(reports);
    for date in ["2025-12-30", "2026-02-09", "2026-02-10"] {
        let mut r = DailyReport::new(ReportDate::parse(date).unwrap());
        r.entries = PAPERS
            .iter()
            .filter(|p| p.date == date)
            .map(entry)
            .collect();
        r.recount();
        paths.write(&r).unwrap();
    }
    let mut digest = DailyReport::digest(
        Period::parse("2026-W07").unwrap(),
        ReportDate::parse("2026-02-15").unwrap(),
    );
    digest.entries = PAPERS[2..4].iter().map(entry).collect();
    digest.recount();
    paths.write(&digest).unwrap();
}

fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    write_reports(&home.path().join("reports"));
    home
}

async fn paperbrief_in(home: &Path, args: &[&str]) -> std::process::Output {
    let reports = home.join("reports");
    let mut cmd = paperbrief(
        home,
        &[("PAPERBRIEF_OUTPUT_DIR", reports.to_str().unwrap())],
    );
    cmd.args(args);
    run(cmd).await
}

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
    let bad = paperbrief_in(h, &["search", "x", "--since", "2026-13-01"]).await;
    assert_eq!(bad.status.code(), Some(2));
}

/// `paperbrief site` with search: the site and its index.
async fn built_site(home: &Path) -> std::path::PathBuf {
    let site = home.join("site");
    let out = paperbrief_in(home, &["site", "--out", site.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("search index: 7 papers, 2 quarter(s) indexed again (2026-Q1, 2025-Q4)"),
        "5 papers of the days, 2 of the digest, in two quarters: {}",
        stderr(&out)
    );
    // The newest quarter is the primary index, with the scripts; the older one is merged.
    for kept in [
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "q/2025-Q4/pagefind-entry.json",
    ] {
        assert!(site.join("pagefind").join(kept).is_file(), "{kept}");
    }
    assert_eq!(
        read(&site.join("pagefind/paperbrief-quarters.json")),
        "[\"2025-Q4\"]"
    );
    assert!(!site.join("pagefind/pagefind-ui.js").exists());
    assert!(!site.join("pagefind/q/2025-Q4/pagefind.js").exists());
    // Rebuilt with nothing changed: no index made, no file written again.
    let again = paperbrief_in(home, &["site", "--out", site.to_str().unwrap()]).await;
    assert!(
        stderr(&again).contains("0 quarter(s) indexed again, 0 files updated"),
        "{}",
        stderr(&again)
    );
    site
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

/// The hits' links once the archive answered (they change as the query does).
async fn hits(client: &Client, before: &Value) -> Value {
    let read = "const r = document.getElementById('results'); \
                return r.hidden ? null : [...document.querySelectorAll('#hits a')].map(a => a.getAttribute('href'))";
    let mut last = Value::Null;
    for _ in 0..100 {
        last = client.execute(read, vec![]).await.unwrap();
        if !last.is_null() && last != *before {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new hits (last {last})");
}

async fn type_query(client: &Client, text: &str) {
    let q = client.find(Locator::Css("#q")).await.unwrap();
    q.clear().await.unwrap();
    q.send_keys(text).await.unwrap();
}

async fn choose(client: &Client, filter: &str, value: &str) {
    let script = "const s = document.querySelector(`#facets select[data-filter='${arguments[0]}']`); \
                  s.value = arguments[1]; s.dispatchEvent(new Event('change')); return s.value";
    let set = client
        .execute(script, vec![json!(filter), json!(value)])
        .await
        .unwrap();
    assert_eq!(set, json!(value), "no {filter} option {value}");
}

async fn open(client: &Client, url: &str) {
    client.goto(url).await.unwrap();
    // The archive's index loads on first use.
    client
        .find(Locator::Css("#q"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let ready = "return !document.getElementById('facets').hidden";
    for _ in 0..100 {
        if client.execute(ready, vec![]).await.unwrap() == json!(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the archive's index did not load on {url}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Chromium and chromedriver (apt install chromium chromium-driver fonts-noto-cjk): run with --include-ignored"]
async fn a_query_on_any_page_searches_the_archive_in_a_real_browser() {
    require_chromium();
    let home = home();
    let site = built_site(home.path()).await;
    let web = serve(&site).await;
    let (_driver, client) = browser(&home.path().join("chromium-profile")).await;
    client
        .issue_cmd(Cdp(
            json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": WATCH}}),
        ))
        .await
        .unwrap();
    open(&client, &format!("{}/2026-02-10.html", web.uri())).await;
    // Chinese: the paper of another day, the day's own, and the digest's listing of it.
    type_query(&client, "推测解码").await;
    let found = hits(&client, &Value::Null).await;
    let mut links: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    links.sort_unstable();
    assert_eq!(
        links,
        [
            "2025-12-30.html#2512.00001",
            "2026-02-10.html#2602.00004",
            "2026-W07.html#2602.00004"
        ]
    );
    // English.
    type_query(&client, "speculative").await;
    let english = hits(&client, &found).await;
    assert_eq!(english, json!(["2025-12-30.html#2512.00001"]));
    // No words, a month: that month's papers; then a tag.
    type_query(&client, "").await;
    choose(&client, "月份", "2025-12").await;
    let january = hits(&client, &english).await;
    let mut january: Vec<String> = serde_json::from_value(january).unwrap();
    january.sort_unstable();
    assert_eq!(
        january,
        ["2025-12-30.html#2512.00001", "2025-12-30.html#2512.00002"]
    );
    choose(&client, "标签", "机器人").await;
    let robots = hits(&client, &json!(january)).await;
    assert_eq!(robots, json!(["2025-12-30.html#2512.00002"]));
    // The hostile title is text in the hits.
    let hostile = client
        .execute(
            "return [document.querySelectorAll('#hits img, [onerror]').length, document.querySelector('#hits a').textContent]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hostile[0], json!(0));
    assert!(
        hostile[1].as_str().unwrap().contains("<img src=x"),
        "{hostile}"
    );
    // The index page searches too; a hit leads to the paper on its day's page.
    open(&client, &format!("{}/index.html", web.uri())).await;
    type_query(&client, "layout").await;
    let layout = hits(&client, &Value::Null).await;
    let mut layout: Vec<String> = serde_json::from_value(layout).unwrap();
    layout.sort_unstable();
    assert_eq!(
        layout,
        ["2026-02-09.html#2602.00003", "2026-W07.html#2602.00003"]
    );
    client
        .find(Locator::Css("#hits a[href='2026-02-09.html#2602.00003']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    assert!(
        url.as_str().ends_with("/2026-02-09.html#2602.00003"),
        "{url}"
    );
    let problems = client
        .execute("return window.__problems", vec![])
        .await
        .unwrap();
    assert_eq!(problems, json!([]), "console errors or CSP violations");
    client.close().await.unwrap();
}
