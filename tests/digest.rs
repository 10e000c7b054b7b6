//! End-to-end: `digest --week` shows the week's most upvoted papers across its daily lists
//! (each once, at its highest count), summarises only those — reusing stored briefs — and a later
//! daily run reuses the digest's briefs; an unfinished period says how far it goes.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use common::day::{DATE, chat_requests, day_stand_in, dirs, paperbrief_run, read};
use common::stderr;
use paperbrief_core::ReportDate;
use paperbrief_testkit::{FakePaper, Script};

#[tokio::test(flavor = "multi_thread")]
async fn a_week_shows_its_top_papers_and_summarises_only_those() {
    let stand = day_stand_in(Script::default()).await;
    // The next day lists 2602.00002 again with more votes, and a new paper.
    let mut again = FakePaper::numbered(2, 40);
    again.title = "Paper Number 2".into();
    stand
        .add_day(
            "2026-02-11",
            &[
                again,
                FakePaper::numbered(10, 20),
                FakePaper::numbered(11, 1),
            ],
        )
        .await;
    let d = dirs();
    let day = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(day.status.code(), Some(0), "{}", stderr(&day));
    assert_eq!(chat_requests(&stand), 6);

    let out = paperbrief_run(
        &stand,
        &d,
        &[],
        &["digest", "--week", "2026-W07", "--top", "3"],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        chat_requests(&stand),
        7,
        "only the new paper was summarised: {err}"
    );
    assert!(
        err.contains("3 papers shown: 3 briefs (2 from earlier runs), 0 failed"),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&d.out.join("2026-W07.json"))).unwrap();
    let ids: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["paper"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["2602.00002", "2602.00010", "2602.00004"]);
    assert_eq!(
        json["entries"][0]["paper"]["upvotes"], 40,
        "the highest count seen"
    );
    // The digest's run numbers count like a day's: one new brief, its tokens as the server
    // reported them (the stand-in reports 1000 + 300), two reused.
    let stats = &json["stats"];
    assert_eq!(stats["worked"], 3, "{stats}");
    assert_eq!(stats["reused"], 2, "{stats}");
    assert_eq!(stats["llm_requests"], 1, "{stats}");
    assert_eq!(stats["prompt_tokens"], 1000, "{stats}");
    assert_eq!(stats["completion_tokens"], 300, "{stats}");
    assert_eq!(json["period"]["period"], "2026-W07");
    assert_eq!(json["period"]["complete"], true);
    assert_eq!(
        json["source_url"],
        "https://huggingface.co/papers/week/2026-W07"
    );
    let md = read(&d.out.join("2026-W07.md"));
    assert!(md.starts_with("# Hugging Face Daily Papers Report\n**Date**: 2026-W07（2026-02-09 至 2026-02-15，最受关注的 3 篇）\n**Source URL**: https://huggingface.co/papers/week/2026-W07\n"), "{md}");
    assert_eq!(md.matches("### 5. 实验效果").count(), 3);
    // Each paper's day (the list that carried it at its highest count) and its upvotes.
    assert_eq!(json["entries"][0]["paper"]["list_date"], "2026-02-11");
    assert_eq!(json["entries"][2]["paper"]["list_date"], DATE);
    assert!(
        md.contains("## 📄 Paper Number 2\n\n*中文标题 2602.00002*\n\n- **链接**: [Hugging Face](https://huggingface.co/papers/2602.00002) · [arXiv](https://arxiv.org/abs/2602.00002) · [代码](https://github.com/example/2602.00002)\n- **作者**: Ada Lovelace\n- **热度**: ▲ 40\n- **收录于**: [2026-02-11](2026-02-11.md)\n"),
        "{md}"
    );
    assert!(
        md.contains("1. [中文标题 2602.00002](#paper-2602.00002) ▲ 40")
            && md.contains("## 今日速览\n\n### 主题甲（2 篇）"),
        "{md}"
    );

    // The daily run of the 11th reuses what the digest stored.
    let eleventh = paperbrief_run(&stand, &d, &[], &["run", "--date", "2026-02-11"]).await;
    assert_eq!(eleventh.status.code(), Some(0), "{}", stderr(&eleventh));
    assert_eq!(
        chat_requests(&stand),
        8,
        "only 2602.00011, which the digest did not show"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unfinished_month_is_summarised_as_far_as_it_goes_and_says_so() {
    let stand = day_stand_in(Script::default()).await;
    let d = dirs();
    let today = ReportDate::today_utc();
    let month = today.to_string()[..7].to_owned();
    let out = paperbrief_run(&stand, &d, &[], &["digest", "--month", &month]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "the period is not over: it covers the lists up to {today}"
        )),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&d.out.join(format!("{month}.json")))).unwrap();
    assert_eq!(json["period"]["complete"], false);
    assert!(
        read(&d.out.join(format!("{month}.md")))
            .contains(&format!("本期尚未结束，统计截至 {today}"))
    );
    // A bad period is a clear error.
    let bad = paperbrief_run(&stand, &d, &[], &["digest", "--week", "2026-W54"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("2026 has no ISO week 54"),
        "{}",
        stderr(&bad)
    );
}
