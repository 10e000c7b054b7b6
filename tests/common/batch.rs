//! Helpers for the Batch-format tests: the stand-in day, its export, and results made the way
//! `vllm run-batch` makes them.

use std::path::Path;
use std::process::Output;

use paperbrief_testkit::{Script, StandIn};
use serde_json::Value;

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

/// What `vllm run-batch` writes for the requests, answered by the stand-in at `llm_base`.
pub async fn results_from(llm_base: &str, requests: &[Value]) -> Vec<Value> {
    paperbrief_testkit::batch::run_batch(&format!("{llm_base}/v1/chat/completions"), requests).await
}

pub fn write_jsonl(path: &Path, lines: &[Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// `batch export --date DATE -o {file}` with `env`.
pub async fn export_to(
    stand: &StandIn,
    d: &Dirs,
    env: &[(&'static str, &str)],
    file: &Path,
) -> Output {
    let file = file.to_str().unwrap();
    let args = ["batch", "export", "--date", DATE, "-o", file];
    paperbrief_run(stand, d, env, &args).await
}

/// The day's export, which must succeed, as request lines.
pub async fn export(stand: &StandIn, d: &Dirs) -> Vec<Value> {
    let file = d.home.join("requests.jsonl");
    let out = export_to(stand, d, &[], &file).await;
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
