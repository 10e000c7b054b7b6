//! Papers per minute against a real tiny-model server: `--parallel 1` with max_concurrency 1
//! against `--parallel 4` with max_concurrency 4. Started by `benches/real_server.sh`, which
//! brings up both servers; without their URLs it says so and does nothing. Asserts nothing.

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use std::sync::Arc;
use std::time::{Duration, Instant};

use paperbrief_core::ReportDate;
use paperbrief_orchestrator::progress::LogLines;
use paperbrief_orchestrator::{RunOptions, RunResult, Services};
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn};

const DATE: &str = "2026-02-10";
const PAPERS: u32 = 8;

async fn papers_per_minute(
    stand: &StandIn,
    base_url: &str,
    concurrency: u32,
) -> (f64, Duration, u64) {
    let dir = tempfile::tempdir().unwrap();
    let concurrency = concurrency.to_string();
    let settings = [
        ("llm.base_url", base_url),
        ("llm.model", "smollm2"),
        ("llm.output", "json_schema"),
        ("llm.max_tokens", "256"),
        ("llm.temperature", "0"),
        ("llm.timeout_secs", "600"),
        ("llm.max_concurrency", concurrency.as_str()),
        ("prompt.min_chinese_share", "0"),
    ];
    let config = stand.config(
        &dir.path().join("cache"),
        &dir.path().join("out"),
        &settings,
    );
    let services = Services::from_config(config, None).unwrap();
    let opts = RunOptions {
        force: true,
        ..RunOptions::day(ReportDate::parse(DATE).unwrap())
    };
    let started = Instant::now();
    let RunResult::Written(written) =
        paperbrief_orchestrator::run(&services, &opts, Arc::new(LogLines))
            .await
            .unwrap()
    else {
        panic!("no report")
    };
    let report = written.report;
    let wall = started.elapsed();
    let tokens = report.stats.completion_tokens;
    (f64::from(PAPERS) / wall.as_secs_f64() * 60.0, wall, tokens)
}

#[tokio::main]
async fn main() {
    let (Ok(np1), Ok(np4)) = (
        std::env::var("LLM_BENCH_NP1_URL"),
        std::env::var("LLM_BENCH_NP4_URL"),
    ) else {
        eprintln!(
            "skipped: run benches/real_server.sh, which starts the servers and sets LLM_BENCH_NP1_URL / LLM_BENCH_NP4_URL"
        );
        return;
    };
    // Distinct titles, so the servers' prompt cache cannot answer for a whole paper.
    let papers: Vec<FakePaper> = (1..=PAPERS)
        .map(|n| FakePaper {
            extra_paragraphs: 10,
            ..FakePaper::numbered(n, 1)
        })
        .collect();
    let stand = StandIn::start(
        DATE,
        &papers,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "unused",
        1,
    )
    .await;
    println!(
        "\n{PAPERS} papers, SmolLM2-135M Q4_1 on llama.cpp (xllamacpp), 2 CPU threads, json_schema, max_tokens 256\n"
    );
    println!(
        "| server | max_concurrency | wall time | papers/minute | completion tokens |\n| --- | --- | --- | --- | --- |"
    );
    for (label, url, c) in [("--parallel 1", &np1, 1), ("--parallel 4", &np4, 4)] {
        let (ppm, wall, tokens) = papers_per_minute(&stand, url, c).await;
        println!(
            "| {label} | {c} | {:.1} s | {ppm:.1} | {tokens} |",
            wall.as_secs_f64()
        );
    }
}
