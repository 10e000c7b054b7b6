//! Reader profiles at scale: a 136-paper day scored for a profile with a 2,000-item library
//! against a stand-in embeddings endpoint answering each request after a fixed latency. Prints
//! requests, wall time against the bound ceil(texts / batch) × latency / concurrency, and peak
//! RSS of the real binary — the first night (everything embedded) and the second (only the new
//! day's papers). Asserts nothing. Run: `cargo bench --bench interests` (or `just bench`).

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use std::time::Duration;

use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn, embeddings_endpoint, peak_rss};

const DATE: &str = "2026-02-10";
const NEXT: &str = "2026-02-11";
const LATENCY: Duration = Duration::from_millis(100);
const BATCH: usize = 32;
const CONCURRENCY: usize = 4;
const ITEMS: usize = 2_000;

fn day(first: u32, n: u32) -> Vec<FakePaper> {
    (first..first + n)
        .map(|i| FakePaper {
            title: format!("Efficient Serving of Language Models, Variant {i}"),
            ..FakePaper::numbered(i, 200 - i64::from(i % 200))
        })
        .collect()
}

fn library(path: &std::path::Path) {
    let items: Vec<serde_json::Value> = (0..ITEMS)
        .map(|i| {
            serde_json::json!({"title": format!("Library paper {i} on attention, caching and decoding"),
                "abstract": format!("We study topic {} of efficient inference, item {i}.", i % 37)})
        })
        .collect();
    std::fs::write(path, serde_json::to_string(&items).unwrap()).unwrap();
}

#[tokio::main]
async fn main() {
    let papers = day(1, 136);
    let llm = FakeLlm::new(Script::default(), Duration::ZERO);
    let stand = StandIn::start(DATE, &papers, llm, "m", 32_768).await;
    stand.add_day(NEXT, &day(1001, 136)).await;
    let (embed, log) = embeddings_endpoint("bench", LATENCY).await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    library(&home.join("lib.json"));
    std::fs::write(
        home.join("paperbrief.toml"),
        "[[interests]]\nname = \"serving\"\nkeywords = [\"KV cache\", \"speculative decoding\"]\nlibrary = \"lib.json\"\n",
    )
    .unwrap();
    let base = format!("{}/v1", embed.uri());
    println!(
        "\n136 papers a day, a {ITEMS}-item library, 2 keywords; stand-in embeddings {} ms a request, batch {BATCH}, {CONCURRENCY} in flight\n",
        LATENCY.as_millis()
    );
    println!(
        "| night | texts embedded | requests | wall time (whole run) | embedding bound | peak RSS |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (night, date) in [("first", DATE), ("second (a new day)", NEXT)] {
        let (texts, requests) = (log.texts(), log.requests().len());
        let mut cmd = stand.command(env!("CARGO_BIN_EXE_paperbrief"), home);
        cmd.env("PAPERBRIEF_EMBEDDINGS_BASE_URL", &base)
            .env("PAPERBRIEF_EMBEDDINGS_MODEL", "bench")
            .env("PAPERBRIEF_EMBEDDINGS_BATCH", BATCH.to_string())
            .env(
                "PAPERBRIEF_EMBEDDINGS_MAX_CONCURRENCY",
                CONCURRENCY.to_string(),
            )
            .env("PAPERBRIEF_LLM_MAX_CONCURRENCY", "32")
            .args(["run", "-q", "--date", date])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let (status, peak, wall) = tokio::task::spawn_blocking(move || peak_rss(&mut cmd))
            .await
            .unwrap();
        assert!(status.success(), "the run failed");
        let embedded = log.texts() - texts;
        let sent = log.requests().len() - requests;
        let bound = embedded.div_ceil(BATCH) as f64 * LATENCY.as_secs_f64() / CONCURRENCY as f64;
        println!(
            "| {night} | {embedded} | {sent} | {wall:.2} s | {bound:.2} s | {:.1} MiB |",
            peak as f64 / 1024.0
        );
    }
}
