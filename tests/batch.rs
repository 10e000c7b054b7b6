//! End-to-end: a day out and back through the OpenAI Batch format. `batch export` writes the
//! bodies `run` sends; results produced from them (here by the stand-in LLM, as `vllm
//! run-batch` would) come back through `batch import` as the same report an online run writes;
//! bad result lines are each named and skipped while the rest are imported; a changed prompt
//! makes results stale; an export needs no server. (The hosted Batch API: `batch_hosted.rs`.)

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use common::batch::{export, export_to, import, lines, results_from, stand_in, write_jsonl};
use common::day::{DATE, Dirs, dirs, entry_of, paperbrief_run, read, report_json};
use common::{stderr, stdout};
use serde_json::{Value, json};

fn markdown(d: &Dirs) -> String {
    read(&d.out.join(format!("{DATE}.md")))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_day_through_the_batch_format_gives_the_report_an_online_run_gives() {
    let stand = stand_in().await;
    let online = dirs();
    let out = paperbrief_run(&stand, &online, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent: Vec<Value> = stand
        .llm
        .requests()
        .iter()
        .map(|r| r.body.clone())
        .collect();

    let batch = dirs();
    let requests = export(&stand, &batch).await;
    assert_eq!(requests.len(), 6);
    for r in &requests {
        assert_eq!(
            (r["method"].as_str(), r["url"].as_str()),
            (Some("POST"), Some("/v1/chat/completions"))
        );
        assert!(
            r["custom_id"]
                .as_str()
                .unwrap()
                .starts_with(&format!("pb1:{DATE}:2602.")),
            "{r}"
        );
        assert!(
            sent.contains(&r["body"]),
            "the export's body is the one `run` sent: {}",
            r["body"]
        );
    }
    let results = results_from(&stand.server.uri(), &requests).await;
    let file = batch.home.join("results.jsonl");
    write_jsonl(&file, &results);
    let calls = stand.llm.brief_requests().len();
    let out = import(&stand, &batch, &[], &file).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("imported 6 briefs (0 skipped)"), "{err}");
    assert_eq!(
        stand.llm.brief_requests().len(),
        calls,
        "import asks no model"
    );
    assert_eq!(markdown(&batch), markdown(&online));
    assert_eq!(report_json(&batch)["stats"]["briefs"], 6);
    // An import's run numbers are its accepted briefs and the tokens the batch reported.
    let stats = &report_json(&batch)["stats"];
    assert_eq!(stats["worked"], 6, "{stats}");
    assert_eq!(stats["prompt_tokens"], 6000, "{stats}");
    assert_eq!(stats["completion_tokens"], 1800, "{stats}");

    // A later run reuses every imported brief.
    let out = paperbrief_run(&stand, &batch, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stand.llm.brief_requests().len(),
        calls,
        "no LLM call for imported briefs"
    );
    // And the export of a finished day is empty, and says there is nothing to run.
    let file = batch.home.join("requests.jsonl");
    let out = export_to(&stand, &batch, &[], &file).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(read(&file).is_empty());
    assert!(
        stderr(&out).contains("nothing to export: 6 papers have their brief already"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("vllm run-batch"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_result_lines_are_named_and_skipped_and_their_papers_stay_pending() {
    let stand = stand_in().await;
    let d = dirs();
    let requests = export(&stand, &d).await;
    let mut results = results_from(&stand.server.uri(), &requests).await;
    let id_of = |r: &Value| {
        r["custom_id"]
            .as_str()
            .unwrap()
            .split(':')
            .nth(2)
            .unwrap()
            .to_owned()
    };
    let ids: Vec<String> = results.iter().map(id_of).collect();
    // 0 good; 1 tampered (so paper 1 has no result); 2 errored; 3 an answer that is no
    // brief; 4 duplicated; 5 refused by the server (HTTP 400).
    let tampered = results[1]["custom_id"]
        .as_str()
        .unwrap()
        .replace(":2602.", ":2602.9");
    results[1]["custom_id"] = json!(tampered);
    results[2]["response"] = Value::Null;
    results[2]["error"] =
        json!({"code": "server_error", "message": "the replica ran out of memory"});
    results[3]["response"]["body"]["choices"][0]["message"]["content"] =
        json!("I cannot help with that.");
    let foreign = results[0]["custom_id"]
        .as_str()
        .unwrap()
        .replace(&ids[0], "2602.99999v1");
    let mut lines = vec![
        results[0].clone(),
        results[1].clone(),
        results[2].clone(),
        results[3].clone(),
    ];
    lines.push(results[4].clone());
    lines.push(results[4].clone());
    lines.push(json!({"custom_id": foreign, "response": results[0]["response"], "error": null}));
    lines.push(json!({"id": "x", "custom_id": results[5]["custom_id"], "error": null,
        "response": {"status_code": 400, "request_id": "r", "body": {"error": {"message": "prompt is too long"}}}}));
    let file = d.home.join("results.jsonl");
    write_jsonl(&file, &lines);
    // The file was cut off in the middle of a line.
    let cut = results[0].to_string();
    std::fs::write(&file, format!("{}{}", read(&file), &cut[..cut.len() / 2])).unwrap();

    let out = import(&stand, &d, &[], &file).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("imported 1 briefs"), "{err}");
    for needle in [
        format!("line 2: {tampered}: matches no exported request"),
        "line 3: ".to_owned(),
        "the replica ran out of memory".to_owned(),
        "line 4: ".to_owned(),
        "appears 2 times".to_owned(),
        "line 7: pb1:2026-02-10:2602.99999v1".to_owned(),
        "line 8: pb1:2026-02-10:".to_owned(),
        "HTTP 400 in the batch prompt is too long".to_owned(),
        "line 9: -: not a Batch output line (truncated?)".to_owned(),
        format!("no result for {}", ids[1]),
    ] {
        assert!(err.contains(&needle), "missing `{needle}` in:\n{err}");
    }
    let json = report_json(&d);
    let status = |id: &str| {
        entry_of(&json, id.split('v').next().unwrap())["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status(&ids[0]), "ok");
    for id in &ids[1..] {
        assert_eq!(status(id), "pending", "paper {id}");
    }
    // A normal run repairs the five online and asks nothing about the imported one.
    let before = stand.llm.brief_requests().len();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let asked: Vec<String> = stand.llm.brief_requests()[before..]
        .iter()
        .filter_map(|r| r.id.clone())
        .collect();
    assert_eq!(asked.len(), 5, "{asked:?}");
    assert!(
        !asked.iter().any(|a| ids[0].starts_with(a.as_str())),
        "{asked:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn results_for_a_prompt_changed_since_the_export_are_stale() {
    let stand = stand_in().await;
    let d = dirs();
    let requests = export(&stand, &d).await;
    let file = d.home.join("results.jsonl");
    write_jsonl(&file, &results_from(&stand.server.uri(), &requests).await);
    let out = import(&stand, &d, &[("PAPERBRIEF_LLM_TEMPERATURE", "0.9")], &file).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("a stale prompt").count(), 6, "{err}");
    assert!(err.contains("imported 0 briefs"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_for_vllm_run_batch_needs_no_server() {
    let stand = stand_in().await;
    let d = dirs();
    let file = d.home.join("requests.jsonl");
    let env = [
        ("PAPERBRIEF_LLM_BASE_URL", "http://127.0.0.1:9/v1"),
        ("PAPERBRIEF_LLM_MODEL", "Qwen/Qwen3-8B"),
        ("PAPERBRIEF_LLM_CONNECT_WAIT_SECS", "0"),
    ];
    let out = export_to(&stand, &d, &env, &file).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("planning for llm.model = Qwen/Qwen3-8B without the server"),
        "{err}"
    );
    assert!(err.contains("vllm run-batch -i"), "{err}");
    let requests = lines(&read(&file));
    assert_eq!(requests.len(), 6);
    assert!(
        requests
            .iter()
            .all(|r| r["body"]["model"] == "Qwen/Qwen3-8B")
    );
    // Without -o the requests go to stdout, the counts to stderr.
    let out = paperbrief_run(&stand, &d, &env, &["batch", "export", "--date", DATE]).await;
    assert_eq!(lines(&stdout(&out)).len(), 6);
}
