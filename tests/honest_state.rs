//! End-to-end: the day's stored state stays honest — a transient fallback heals on the next
//! run, `--force` redoes from the source, a subset run never shrinks the day, every HF list item
//! is accounted for, and `prompt` shows exactly what `run` sends.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{
    DATE, chat_requests, dirs, entry_of, paperbrief_run, papers, read, report_json, walk,
};
use common::{stderr, stdout};
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn};
use serde_json::json;

async fn stand(list: &[FakePaper]) -> StandIn {
    StandIn::start(
        DATE,
        list,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await
}

/// Requests the stand-in received for `path`.
async fn hits(stand: &StandIn, path: &str) -> usize {
    stand
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == path)
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transient_fallback_heals_on_the_next_run_and_nothing_else_is_redone() {
    // 2602.00004's HTML answers 503 to all 4 attempts of the first run, then recovers.
    let mut list = papers();
    list[3].html_failures = 4;
    let stand = stand(&list).await;
    let d = dirs();
    let first = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let json = report_json(&d);
    let degraded = entry_of(&json, "2602.00004");
    assert_eq!(degraded["source"]["kind"], "Abs");
    assert_eq!(degraded["source"]["fallback_transient"], true);
    assert!(
        degraded["source"]["fallback"]
            .as_str()
            .unwrap()
            .contains("503")
    );
    // A 404 is final: no `fallback_transient` at all.
    assert!(
        entry_of(&json, "2602.00003")["source"]
            .get("fallback_transient")
            .is_none()
    );
    assert_eq!(json["stats"]["abstract_transient"], 1);
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(
        md.contains("- **链接**: [Hugging Face](https://huggingface.co/papers/2602.00004) · [arXiv](https://arxiv.org/abs/2602.00004) · [代码](https://github.com/example/2602.00004)\n- **作者**: Ada Lovelace\n- **热度**: ▲ 12\n- **阅读来源**: ArXiv Abs（HTML 暂时不可用）"),
        "{md}"
    );
    assert!(
        stderr(&first).contains("a later run tries the HTML again"),
        "{}",
        stderr(&first)
    );
    // Nothing about the outage reached the page cache's "no HTML" marks.
    assert!(!d.cache.join("pages/html/2602.00004v1.html").exists());

    let (llm_before, html3_before) = (
        chat_requests(&stand),
        hits(&stand, "/html/2602.00003v1").await,
    );
    let html2_before = hits(&stand, "/html/2602.00002v1").await;
    let second = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(
        chat_requests(&stand) - llm_before,
        1,
        "only the healed paper is asked again"
    );
    assert_eq!(
        hits(&stand, "/html/2602.00004v1").await,
        5,
        "its HTML was asked for once more"
    );
    assert_eq!(
        hits(&stand, "/html/2602.00003v1").await,
        html3_before,
        "a 404 is not asked again"
    );
    assert_eq!(hits(&stand, "/html/2602.00002v1").await, html2_before);
    let json = report_json(&d);
    let healed = entry_of(&json, "2602.00004");
    assert_eq!(healed["source"]["kind"], "Html");
    assert!(healed["source"].get("fallback").is_none());
    assert_eq!(healed["status"], "ok");
    assert_eq!(json["stats"]["abstract_transient"], 0);
    assert!(read(&d.out.join(format!("{DATE}.md"))).contains(
        "- **阅读来源**: HTML\n- **标签**: 大语言模型\n\n### 1. 应用领域\n机器学习 - Paper Number 4"
    ));

    // A third run does nothing at all.
    let third = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(third.status.code(), Some(0));
    assert_eq!(chat_requests(&stand) - llm_before, 1);
    assert_eq!(hits(&stand, "/html/2602.00004v1").await, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fallback_still_failing_keeps_its_brief_and_force_redoes_from_the_source() {
    // 8 failures: the first run and the second both meet the outage.
    let mut list = papers();
    list[3].html_failures = 8;
    let stand = stand(&list).await;
    let d = dirs();
    paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    let first_md = read(&d.out.join(format!("{DATE}.md")));
    let before = chat_requests(&stand);
    let second = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(chat_requests(&stand), before, "no new text, no new brief");
    assert_eq!(hits(&stand, "/html/2602.00004v1").await, 8);
    assert_eq!(read(&d.out.join(format!("{DATE}.md"))), first_md);
    // The outage is over; --force redoes the paper from the source on, not from its stored text.
    let forced = paperbrief_run(
        &stand,
        &d,
        &[],
        &["run", "--date", DATE, "--only", "2602.00004", "--force"],
    )
    .await;
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(chat_requests(&stand), before + 1);
    let json = report_json(&d);
    assert_eq!(entry_of(&json, "2602.00004")["source"]["kind"], "Html");
    assert_eq!(
        json["entries"].as_array().unwrap().len(),
        6,
        "--only never shrinks the day"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subset_run_keeps_the_whole_day_and_a_plain_run_does_exactly_the_rest() {
    let stand = stand(&papers()).await;
    let d = dirs();
    let limited = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE, "--limit", "2"]).await;
    assert_eq!(limited.status.code(), Some(0), "{}", stderr(&limited));
    assert!(
        stderr(&limited).contains("4 papers of the day are still pending"),
        "{}",
        stderr(&limited)
    );
    assert_eq!(chat_requests(&stand), 2);
    let json = report_json(&d);
    let statuses: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["ok", "ok", "pending", "pending", "pending", "pending"]
    );
    assert_eq!(json["stats"]["pending"], 4);
    assert_eq!(json["stats"]["worked"], 2);
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(
        md.contains("- **阅读来源**: 未读取\n- **状态**: ⏳ 尚未生成简报\n\n**摘要**：Abstract of Paper Number 6."),
        "{md}"
    );
    // The stored list is the whole list, whatever the run worked on.
    let snapshot: serde_json::Value =
        serde_json::from_str(&read(&d.cache.join(format!("state/lists/{DATE}.json")))).unwrap();
    assert_eq!(snapshot["papers"].as_array().unwrap().len(), 6);

    // --only one paper: the other finished brief and the pending ones all stay.
    let only = paperbrief_run(
        &stand,
        &d,
        &[],
        &["run", "--date", DATE, "--only", "2602.00006"],
    )
    .await;
    assert_eq!(only.status.code(), Some(0), "{}", stderr(&only));
    assert_eq!(chat_requests(&stand), 3);
    assert_eq!(report_json(&d)["stats"]["pending"], 3);

    let plain = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert_eq!(chat_requests(&stand), 6, "exactly the three pending papers");
    let json = report_json(&d);
    assert_eq!(json["stats"]["briefs"], 6);
    assert_eq!(json["stats"]["reused"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_hf_item_is_accounted_for() {
    let raw = vec![
        json!({"paper": {"id": "../../etc/passwd", "title": "[点我](javascript:alert(1)) <b>粗</b>"}}),
        json!({"paper": {"title": "An item with no id"}}),
        json!({"nopaper": true}),
    ];
    let stand = StandIn::start_with_items(
        DATE,
        &papers()[..2],
        raw,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "the day is not complete: {err}");
    assert!(
        err.contains("3 items of the HF list could not be used"),
        "{err}"
    );
    assert!(err.contains("skipped ../../etc/passwd: "), "{err}");
    let json = report_json(&d);
    let skipped = json["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 3);
    assert_eq!(skipped[0]["raw_id"], "../../etc/passwd");
    assert!(
        skipped[0]["reason"]
            .as_str()
            .unwrap()
            .contains("invalid arXiv id")
    );
    assert_eq!(skipped[1]["raw_id"], serde_json::Value::Null);
    assert_eq!(skipped[1]["title"], "An item with no id");
    assert_eq!(json["stats"]["skipped"], 3);
    assert_eq!(json["entries"].as_array().unwrap().len(), 2);
    let md = read(&d.out.join(format!("{DATE}.md")));
    let block = &md[md.find("## ⚠️ 未能处理的条目").expect("the block")..];
    assert!(block.contains("有 3 个条目无法处理"), "{block}");
    assert!(block.contains("- 编号 ../../etc/passwd："), "{block}");
    assert!(
        block.contains("\\[点我\\]\\(javascript:alert\\(1\\)\\) &lt;b>粗&lt;/b>"),
        "{block}"
    );
    assert!(
        block.contains("- 编号 （无编号）：An item with no id"),
        "{block}"
    );
    // The invalid id never became a path.
    assert!(
        walk(&d.home)
            .iter()
            .all(|p| !p.display().to_string().contains("passwd"))
    );
    // backfill does not count the day as complete.
    let backfill =
        paperbrief_run(&stand, &d, &[], &["backfill", "--from", DATE, "--to", DATE]).await;
    assert!(
        !stderr(&backfill).contains("complete, skipped"),
        "{}",
        stderr(&backfill)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_and_dry_run_show_exactly_what_run_sends() {
    for mode in ["text", "json_schema"] {
        let stand = stand(&papers()).await;
        let d = dirs();
        let env = [
            ("PAPERBRIEF_LLM_OUTPUT", mode),
            ("PAPERBRIEF_LLM_EXTRA_BODY", "{ top_k = 20 }"),
        ];
        let shown = paperbrief_run(
            &stand,
            &d,
            &env,
            &["prompt", "2602.00004", "--date", DATE, "--json"],
        )
        .await;
        assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
        let shown: serde_json::Value = serde_json::from_str(&stdout(&shown)).unwrap();
        assert_eq!(shown["context"], 32_768);
        let dry = paperbrief_run(&stand, &d, &env, &["run", "--date", DATE, "--dry-run"]).await;
        let dry_line = stdout(&dry)
            .lines()
            .find(|l| l.starts_with("2602.00004v1"))
            .unwrap()
            .to_owned();
        assert!(
            dry_line.contains(&format!(" {} / ", shown["tokens"])),
            "{dry_line} vs {}",
            shown["tokens"]
        );
        let out = paperbrief_run(
            &stand,
            &d,
            &env,
            &["run", "--date", DATE, "--only", "2602.00004"],
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let sent = stand.llm.brief_requests()[0].body.clone();
        assert_eq!(
            sent, shown["request"],
            "{mode}: prompt showed something else than run sent"
        );
        assert_eq!(sent["top_k"], 20);
        assert_eq!(sent.get("response_format").is_some(), mode == "json_schema");
    }
}
