//! End-to-end: a new user's first hour — a llama.cpp-like server with few slots and a shared KV
//! cache, a server that counts tokens differently, a model the server does not serve, an
//! endpoint that is not there, logs under cron, what readers see of failures and grounding.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::{Duration, Instant};

use common::day::{DATE, day_stand_in, dirs, entry_of, paperbrief_run, papers, read, report_json};
use common::{pairs, paperbrief, run, stderr, stdout};
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn};

fn eight() -> Vec<FakePaper> {
    (1..=8)
        .map(|n| FakePaper::numbered(n, 10 - i64::from(n)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_with_four_slots_never_gets_more_than_four_requests() {
    let llm = FakeLlm::new(Script::default(), Duration::from_millis(300));
    let stand = StandIn::start(DATE, &eight(), llm, "smollm2", 8192).await;
    stand.serve_llama_cpp(4, 8192).await;
    let d = dirs();
    let check = paperbrief_run(&stand, &d, &[], &["check"]).await;
    let text = stdout(&check);
    assert!(
        text.contains("WARN slots: 4 requests at once, 8192 tokens each; llm.max_concurrency is 16, so paperbrief sends at most 4 at once"),
        "{text}"
    );
    assert_eq!(
        check.status.code(),
        Some(0),
        "a warning is not a failure: {text}"
    );
    // Everything at its defaults (max_concurrency 16).
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stand.llm.max_in_flight(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_kv_cache_backs_off_the_requests_in_flight_and_no_paper_fails() {
    // Four slots, but room in the shared KV cache for two generations at a time.
    let llm = FakeLlm::new(Script::default(), Duration::from_millis(300)).with_capacity(2);
    let stand = StandIn::start(DATE, &eight(), llm, "smollm2", 8192).await;
    stand.serve_llama_cpp(4, 8192).await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(stand.llm.refused() > 0, "the test never filled the cache");
    assert!(err.contains("the server ran out of room"), "{err}");
    let json = report_json(&d);
    assert_eq!(json["stats"]["briefs"], 8);
    for e in json["entries"].as_array().unwrap() {
        // Room, not the prompt, was the problem: no prompt was cut.
        assert!(e["source"]["cuts"].as_array().unwrap().is_empty(), "{e}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_estimate_is_calibrated_against_the_servers_count() {
    let papers = vec![FakePaper {
        extra_paragraphs: 40,
        ..FakePaper::numbered(1, 1)
    }];
    let llm = FakeLlm::new(Script::default(), Duration::ZERO);
    let stand = StandIn::start(DATE, &papers, llm, "smollm2", 8192).await;
    let d = dirs();
    let plain = paperbrief_run(
        &stand,
        &d,
        &[],
        &["prompt", "2602.00001", "--date", DATE, "--json"],
    )
    .await;
    let plain: serde_json::Value = serde_json::from_str(&stdout(&plain)).unwrap();
    assert_eq!(plain["calibration"], serde_json::Value::Null);
    stand.serve_llama_cpp(1, 8192).await;
    let shown = paperbrief_run(
        &stand,
        &d,
        &[],
        &["prompt", "2602.00001", "--date", DATE, "--json"],
    )
    .await;
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&shown)).unwrap();
    let (server, estimate) = (
        shown["calibration"]["server"].as_u64().unwrap(),
        shown["calibration"]["estimate"].as_u64().unwrap(),
    );
    assert!(server > estimate, "{shown}");
    // The budget gives up what the server counts beyond our estimate.
    assert_eq!(
        plain["budget"].as_u64().unwrap() - shown["budget"].as_u64().unwrap(),
        server - estimate
    );
    let check = paperbrief_run(&stand, &d, &[], &["check"]).await;
    assert!(
        stdout(&check).contains(&format!(
            "ok   token count: the server counts {server} tokens"
        )),
        "{}",
        stdout(&check)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_the_server_does_not_serve_stops_setup_with_exit_2() {
    let llm = FakeLlm::new(Script::default(), Duration::ZERO);
    let stand = StandIn::start(DATE, &papers(), llm, "Qwen/Qwen3-8B", 32_768).await;
    let d = dirs();
    let wrong = [("PAPERBRIEF_LLM_MODEL", "qwen3-8b")];
    let out = paperbrief_run(&stand, &d, &wrong, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "model `qwen3-8b` is not served by {}/v1/models; it serves: Qwen/Qwen3-8B",
            stand.server.uri()
        )),
        "{err}"
    );
    assert!(stand.llm.brief_requests().is_empty(), "no paper was tried");
    assert!(!d.out.join(format!("{DATE}.md")).exists());
    let check = paperbrief_run(&stand, &d, &wrong, &["check"]).await;
    assert!(
        stdout(&check).contains("FAIL model: model `qwen3-8b` is not served"),
        "{}",
        stdout(&check)
    );
    assert_eq!(check.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_fails_setup_in_seconds_saying_it_once() {
    let llm = FakeLlm::new(Script::default(), Duration::ZERO);
    let stand = StandIn::start(DATE, &papers(), llm, "m", 32_768).await;
    let d = dirs();
    let started = Instant::now();
    let out = paperbrief_run(
        &stand,
        &d,
        &[("PAPERBRIEF_LLM_BASE_URL", "http://127.0.0.1:9/v1")],
        &["run", "--date", DATE],
    )
    .await;
    let took = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with(
            "error: the LLM endpoint cannot be used: http://127.0.0.1:9/v1/models: cannot connect ("
        ) && last.ends_with("is the server running and llm.base_url right?"),
        "{err}"
    );
    assert_eq!(
        last.matches("127.0.0.1:9").count(),
        1,
        "the URL is said once: {last}"
    );
    // Not the 21-41 s of retries it took before: a few seconds of `llm.connect_wait_secs`.
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cron_logs_are_plain_text() {
    let llm = FakeLlm::new(Script::default(), Duration::ZERO);
    let stand = StandIn::start(DATE, &papers()[..2], llm, "m", 32_768).await;
    let d = dirs();
    // stderr is a pipe here, as under cron.
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert!(!stderr(&out).contains('\u{1b}'), "{}", stderr(&out));
    assert!(stderr(&out).contains("INFO"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn readers_see_ungrounded_numbers_and_chinese_failure_reasons() {
    let script = Script::default().on(
        "2602.00004",
        vec![
            paperbrief_testkit::Behaviour::Missing("应用领域"),
            paperbrief_testkit::Behaviour::Missing("应用领域"),
        ],
    );
    let stand = day_stand_in(script).await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(
        md.contains("- **状态**: ⚠️ 简报生成失败：模型未按格式作答（缺少“应用领域”）"),
        "{md}"
    );
    // The abstract-only papers' briefs quote numbers their abstracts do not hold.
    assert!(md.contains("> ⚠️ 原文中未找到的数字：91.3%、12.5%"), "{md}");
    let failed = entry_of(&report_json(&d), "2602.00004");
    assert!(
        failed["reason"]
            .as_str()
            .unwrap()
            .contains("missing section"),
        "{failed}"
    );
    // Reports are readable by others (the test runs with umask 022 or 002).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.out.join(format!("{DATE}.md")))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o044, 0o044, "{mode:o}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn impossible_dates_and_mistyped_keys_get_messages_that_say_the_fix() {
    let home = tempfile::tempdir().unwrap();
    for (args, want) in [
        (
            vec!["run", "--date", "2026-02-30"],
            "invalid date `2026-02-30`: 2026-02 has no day 30",
        ),
        (
            vec!["--set", "model=x", "config"],
            "did you mean `llm.model` or `embeddings.model`?",
        ),
    ] {
        let out = run({
            let mut c = paperbrief(home.path(), &pairs(&[]));
            c.args(&args);
            c
        })
        .await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}
