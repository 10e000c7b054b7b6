//! The day against the bound: a 33-paper day (the 2026-02-10 list when `../shared/corpus` is
//! there) against a stand-in LLM with a fixed 1 s latency. Prints wall times next to the ideal;
//! asserts nothing. Run: `cargo bench --bench day` (or `just bench`).
//!
//! Scenarios: sources cached, `max_concurrency` 1, 8, 16, 32 (bound ceil(33/c)·1 s); with
//! `requests_per_minute` set (bound: 33 requests at that rate); with a cold cache and arXiv
//! pacing on (bound: the slower of fetching and summarising, since they overlap); a day's first
//! run, which also asks for its 今日速览 (bound: one latency more).

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use paperbrief_core::ReportDate;
use paperbrief_orchestrator::progress::LogLines;
use paperbrief_orchestrator::{RunOptions, RunResult, Services};
use paperbrief_testkit::{FakeFigure, FakeLlm, FakePaper, Script, StandIn};

const DATE: &str = "2026-02-10";
const LATENCY: Duration = Duration::from_secs(1);

/// The 33 papers of the recorded 2026-02-10 list, or 33 synthetic ones.
fn papers() -> Vec<FakePaper> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/hf_api/daily_papers_2026-02-10.json");
    if let Ok(bytes) = std::fs::read(&corpus) {
        let items: Vec<serde_json::Value> = serde_json::from_slice(&bytes).unwrap();
        return items
            .iter()
            .map(|i| FakePaper {
                id: i["paper"]["id"].as_str().unwrap().to_owned(),
                title: i["paper"]["title"]
                    .as_str()
                    .unwrap()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                upvotes: i["paper"]["upvotes"].as_i64().unwrap_or(0),
                html: true,
                html_failures: 0,
                extra_paragraphs: 40,
                affiliation: None,
                figure: Some(FakeFigure::png(
                    i["paper"]["id"].as_str().unwrap(),
                    1600,
                    900,
                )),
                page: Default::default(),
                cites: Vec::new(),
            })
            .collect();
    }
    eprintln!(
        "no corpus at {}; using 33 synthetic papers",
        corpus.display()
    );
    (1..=33)
        .map(|n| {
            let p = FakePaper::numbered(n, i64::from(n));
            FakePaper {
                extra_paragraphs: 40,
                figure: Some(FakeFigure::png(&p.id, 1600, 900)),
                ..p
            }
        })
        .collect()
}

async fn day(
    stand: &StandIn,
    cache: &Path,
    out: &Path,
    settings: &[(&str, String)],
) -> (Duration, usize) {
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let services = Services::from_config(stand.config(cache, out, &settings), None).unwrap();
    let opts = RunOptions {
        force: true,
        ..RunOptions::day(ReportDate::parse(DATE).unwrap())
    };
    let started = Instant::now();
    let result = paperbrief_orchestrator::run(&services, &opts, Arc::new(LogLines))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let RunResult::Written(written) = result else {
        panic!("no report")
    };
    let report = written.report;
    assert_eq!(report.stats.failed, 0, "a paper failed in the benchmark");
    (elapsed, report.entries.len())
}

fn row(label: &str, wall: Duration, bound: f64) {
    let w = wall.as_secs_f64();
    println!("| {label} | {w:.2} s | {bound:.2} s | {:.2} |", w / bound);
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported here.
    let papers = papers();
    let n = papers.len();
    let stand = StandIn::start(
        DATE,
        &papers,
        FakeLlm::new(Script::default(), LATENCY),
        "stand-in",
        32_768,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (cache, out) = (dir.path().join("cache"), dir.path().join("out"));

    // Warm the page and source caches once.
    let warm = [("llm.max_concurrency", "64".to_owned())];
    day(&stand, &cache, &out, &warm).await;

    println!(
        "\n{n} papers, stand-in LLM latency {:.1} s, sources cached\n",
        LATENCY.as_secs_f64()
    );
    println!("| scenario | wall time | bound | ratio |\n| --- | --- | --- | --- |");
    for c in [1usize, 8, 16, 32] {
        let (wall, _) = day(
            &stand,
            &cache,
            &out,
            &[("llm.max_concurrency", c.to_string())],
        )
        .await;
        row(
            &format!("max_concurrency {c}"),
            wall,
            (n.div_ceil(c)) as f64 * LATENCY.as_secs_f64(),
        );
    }

    // A day's first run also asks for its 今日速览: one more request after the briefs (reruns,
    // as above, find it unchanged and ask nothing).
    let (wall, _) = day(
        &stand,
        &cache,
        &dir.path().join("first-run"),
        &[("llm.max_concurrency", "16".into())],
    )
    .await;
    row(
        "max_concurrency 16, first run of the day (with its 今日速览)",
        wall,
        (n.div_ceil(16) + 1) as f64 * LATENCY.as_secs_f64(),
    );

    let rpm = 120;
    let (wall, _) = day(
        &stand,
        &cache,
        &out,
        &[
            ("llm.max_concurrency", "16".into()),
            ("llm.requests_per_minute", rpm.to_string()),
        ],
    )
    .await;
    // Requests start every 60/rpm s; the last one still takes the latency.
    let bound = (n - 1) as f64 * 60.0 / f64::from(rpm) * 1.01 + LATENCY.as_secs_f64();
    row(
        &format!("max_concurrency 16, requests_per_minute {rpm}"),
        wall,
        bound,
    );

    // Fetch-bound (the model is faster than paced arXiv), then model-bound (as a real model is).
    let kept =
        cold_with_and_without_figures(&stand, &dir.path().join("fetch-bound"), n, 16, 250).await;
    cold_with_and_without_figures(&stand, &dir.path().join("model-bound"), n, 2, 100).await;
    println!(
        "\n(bound for the cold runs: max(paced fetches, summarise) + two latencies: the last paper's brief, then the 今日速览)\n{} figures kept for {n} papers, {:.0} KiB each on average ({:.1} MiB for the day's site)",
        kept.0,
        kept.1 as f64 / kept.0.max(1) as f64 / 1024.0,
        kept.1 as f64 / 1024.0 / 1024.0
    );

    for figures in [true, false] {
        let (peak, wall) =
            peak_rss_of_a_day(&stand, &dir.path().join(format!("rss-{figures}")), figures);
        println!(
            "\npeak RSS of the paperbrief process for the whole day (cold cache, max_concurrency 16, figures = {figures}): {:.1} MiB ({wall:.1} s)",
            peak as f64 / 1024.0
        );
    }
}

/// The cold day with each paper's key figure (a 1600 × 900 PNG, fetched on the paced arXiv
/// host, checked and re-encoded to 1200 wide) and with `[sources] figures = false`, side by
/// side; how many figures were kept and their bytes.
async fn cold_with_and_without_figures(
    stand: &StandIn,
    dir: &Path,
    n: usize,
    concurrency: usize,
    pace_ms: u64,
) -> (usize, u64) {
    let mut kept = (0, 0u64);
    for figures in [true, false] {
        let cache = dir.join(format!("cold-figures-{figures}"));
        let (wall, _) = day(
            stand,
            &cache,
            &dir.join(format!("out-{figures}")),
            &[
                ("llm.max_concurrency", concurrency.to_string()),
                ("sources.arxiv_min_interval_ms", pace_ms.to_string()),
                ("sources.figures", figures.to_string()),
            ],
        )
        .await;
        // One export-API request, one HTML page per paper and, with figures, one image per
        // paper, all paced on one host; summarising overlaps, so the bound is the slower of the
        // two plus the last paper's brief and the day's 今日速览 (a first run of the day).
        let requests = 1 + n * if figures { 2 } else { 1 };
        let fetch = requests as f64 * pace_ms as f64 / 1000.0;
        let summarise = n.div_ceil(concurrency) as f64 * LATENCY.as_secs_f64();
        row(
            &format!(
                "cold cache, arXiv paced {pace_ms} ms, max_concurrency {concurrency}, figures = {figures}"
            ),
            wall,
            fetch.max(summarise) + 2.0 * LATENCY.as_secs_f64(),
        );
        if figures {
            let sizes: Vec<u64> = std::fs::read_dir(cache.join("state/figures"))
                .map(|d| {
                    d.flatten()
                        .filter_map(|e| e.metadata().ok())
                        .map(|m| m.len())
                        .collect()
                })
                .unwrap_or_default();
            kept = (sizes.len(), sizes.iter().sum());
        }
    }
    kept
}

/// Runs the real binary for the day and follows its peak resident memory (VmHWM) until it exits.
fn peak_rss_of_a_day(stand: &StandIn, dir: &Path, figures: bool) -> (u64, f64) {
    let mut cmd = stand.command(env!("CARGO_BIN_EXE_paperbrief"), dir);
    cmd.env("PAPERBRIEF_LLM_MAX_CONCURRENCY", "16")
        .env("PAPERBRIEF_SOURCES_FIGURES", figures.to_string())
        .args(["run", "-q", "--date", DATE]);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let (_, peak, wall) = paperbrief_testkit::peak_rss(&mut cmd);
    (peak, wall)
}
