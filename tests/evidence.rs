//! End-to-end: every number of a brief that the paper states is linked to where the paper
//! states it — the JSON's `brief.evidence`, the Markdown's `> 出处：` lines, links in the site's
//! brief — and, in headless Chromium, every such link lands on an element that exists on the
//! page read (a hand-written LaTeXML page on every clone, the recorded arXiv page of
//! 1706.03762 from `../shared/corpus` where CI has it).

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::browser::{browser, require_chromium, serve};
use common::day::{DATE, Dirs, dirs, paperbrief_run, read, report_json};
use common::stderr;
use fantoccini::Locator;
use paperbrief_testkit::{Behaviour, FakeLlm, FakePaper, Script, StandIn};

/// Quotes the fixture page's table (28.4), a section without paragraph ids (2.1), a run-in
/// paragraph (3.5), the appendix (0.0003) and a number the paper does not have (99.9%).
const ANSWER: &str = "### 1. 应用领域\n机器翻译。\n\n### 2. 一句话核心贡献\n提出小模型 Tiny，在英德翻译上达到 28.4 分。\n\n### 3. 使用指南\n输入句子，输出译文。\n\n### 4. 主要创新点\n更小更快的模型。\n\n### 5. 实验效果\n英德翻译得分 28.4，比基线高 2.1 分；训练用时 3.5 天，学习率 0.0003；作者还声称准确率 99.9%。\n";

/// Quotes the recorded Transformer page: its results table and its training section.
const TRANSFORMER_ANSWER: &str = "### 1. 应用领域\n机器翻译。\n\n### 2. 一句话核心贡献\n提出只用注意力的 Transformer，英德翻译达到 28.4 分。\n\n### 3. 使用指南\n输入源语言句子，输出译文。\n\n### 4. 主要创新点\n完全基于注意力机制。\n\n### 5. 实验效果\n英德 28.4 分，英法 41.8 分，训练用时 3.5 天。\n";

fn fixture_page() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/fetch/fixtures/latexml_small.html");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn recorded_page() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/arxiv_html/arxiv_1706.03762v7_oxide075_2026-08.html");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the recorded corpus is in ../shared on CI)",
            path.display()
        )
    })
}

/// Runs the day over `papers` (id, page, answer) with the site built into `home/site`.
async fn day(papers: Vec<(&str, String, &str)>) -> (StandIn, Dirs, PathBuf) {
    let mut script = Script::default();
    let mut list = Vec::new();
    for (i, (id, page, answer)) in papers.into_iter().enumerate() {
        script = script.on(id, vec![Behaviour::Answer(answer.to_owned())]);
        list.push(FakePaper {
            id: id.to_owned(),
            page: Some(page),
            ..FakePaper::numbered(i as u32 + 1, 10 - i as i64)
        });
    }
    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(script, Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    let site = d.home.join("site");
    let vars = [("PAPERBRIEF_SITE_DIR", site.to_str().unwrap())];
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (stand, d, site)
}

#[tokio::test(flavor = "multi_thread")]
async fn grounded_numbers_are_linked_to_the_table_section_or_appendix_that_states_them() {
    let (stand, d, site) = day(vec![("2602.00001", fixture_page(), ANSWER)]).await;
    let json = report_json(&d);
    let brief = &json["entries"][0]["brief"];
    let page = format!("{}/html/2602.00001v1", stand.server.uri());
    assert_eq!(
        brief["evidence"]["实验效果"],
        serde_json::json!([
            {"text": "28.4", "anchor": "S4.T1", "label": "表 1"},
            {"text": "2.1", "anchor": "S4", "label": "§4"},
            {"text": "3.5", "anchor": "S3.SS1.SSS0.Px1", "label": "§3.1"},
            {"text": "0.0003", "anchor": "A1", "label": "附录 A"},
        ]),
        "{brief}"
    );
    assert_eq!(
        brief["evidence"]["一句话核心贡献"],
        serde_json::json!([{"text": "28.4", "anchor": "S4.T1", "label": "表 1"}])
    );
    assert_eq!(brief["ungrounded"][0]["number"], "99.9%", "{brief}");

    let md = read(&d.out.join(format!("{DATE}.md")));
    let line = format!(
        "> 出处：28.4（[表 1]({page}#S4.T1)）、2.1（[§4]({page}#S4)）、3.5（[§3.1]({page}#S3.SS1.SSS0.Px1)）、0.0003（[附录 A]({page}#A1)）"
    );
    assert!(md.contains(&line), "{md}");
    assert!(md.contains("> ⚠️ 原文中未找到的数字：99.9%"), "{md}");

    let html = read(&site.join(format!("{DATE}.html"))).replace("&#x2f;", "/");
    for (anchor, label, text) in [("S4.T1", "表 1", "28.4"), ("A1", "附录 A", "0.0003")] {
        let link = format!(
            "<a href=\"{page}#{anchor}\" title=\"{label}\" rel=\"noopener noreferrer nofollow\">{text}</a>"
        );
        assert!(html.contains(&link), "{link} in {html}");
    }
    assert!(
        !html.contains(">99.9%</a>"),
        "an ungrounded number is not a link"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Chromium and chromedriver (apt install chromium chromium-driver fonts-noto-cjk) and ../shared/corpus: run with --include-ignored"]
async fn every_evidence_link_lands_on_an_element_of_the_page_read() {
    require_chromium();
    let (stand, d, site) = day(vec![
        ("2602.00001", fixture_page(), ANSWER),
        ("1706.03762", recorded_page(), TRANSFORMER_ANSWER),
    ])
    .await;
    let web = serve(&site).await;
    let (_driver, client) = browser(&d.home.join("chromium-profile")).await;
    client
        .goto(&format!("{}/{DATE}.html", web.uri()))
        .await
        .unwrap();
    let mut links = Vec::new();
    for a in client
        .find_all(Locator::Css("article a[title]"))
        .await
        .unwrap()
    {
        let href = a.attr("href").await.unwrap().unwrap_or_default();
        if href.starts_with(&stand.server.uri()) {
            links.push(href);
        }
    }
    let on_recorded = links
        .iter()
        .filter(|l| l.contains("/html/1706.03762v1#"))
        .count();
    assert!(
        links.len() >= 8 && on_recorded >= 4,
        "the evidence links: {links:?}"
    );
    for link in &links {
        client.goto(link).await.unwrap();
        // The fixture page carries a script that must never reach paperbrief's outputs; on the
        // page itself the browser runs it: dismiss what it opens.
        while client.dismiss_alert().await.is_ok() {}
        let found = client
            .execute(
                "const id = decodeURIComponent(location.hash.slice(1)); return document.getElementById(id) !== null;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            found,
            serde_json::json!(true),
            "{link}: no element with that id"
        );
    }
    client.close().await.unwrap();
}
