//! Helpers for the Batch-format tests: the stand-in day, its export, and results made the way
//! `vllm run-batch` makes them.

use std::path::Path;
use std::process::Output;

use paperbrief_testkit::{Script, StandIn};
use serde_json::{Value, json};

use super::day::{DATE, Dirs, day_stand_in, paperbrief_run, read};
use super::stderr;

pub async fn stand_in() -> StandIn {
    day_stand_in(Script::default()).await
}

pub fn lines(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What `vllm run-batch` writes for a request line: each body sent to a chat endpoint.
pub async fn results_from(llm_base: &str, requests: &[Value]) -> Vec<Value> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let body: Value = client
            .post(format!("{llm_base}/v1/chat/completions"))
            .json(&r["body"])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        out.push(json!({"id": format!("vllm-{i}"), "custom_id": r["custom_id"],
            "response": {"status_code": 200, "request_id": format!("vllm-batch-{i}"), "body": body}, "error": null}));
    }
    out
}

pub fn write_jsonl(path: &Path, lines: &[Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

pub async fn export(stand: &StandIn, d: &Dirs) -> Vec<Value> {
    let file = d.home.join("requests.jsonl");
    let out = paperbrief_run(
        stand,
        d,
        &[],
        &[
            "batch",
            "export",
            "--date",
            DATE,
            "-o",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    lines(&read(&file))
}

/// `batch import` of `file` for the day.
pub async fn import(
    stand: &StandIn,
    d: &Dirs,
    env: &[(&'static str, &str)],
    file: &Path,
) -> Output {
    let file = file.to_str().unwrap();
    paperbrief_run(stand, d, env, &["batch", "import", "--date", DATE, file]).await
}
