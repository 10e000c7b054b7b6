//! Past one server: the busiest day (136 papers) over 1, 2 and 4 stand-in endpoints of 16
//! slots each at 1 s latency, against the bound ceil(136/(16·k))·1 s; the same with one
//! endpoint killed half-way; and the peak RSS of `batch export` and `batch import` for the day.
//! Prints figures; asserts only that every paper got its brief. Run: `cargo bench --bench
//! endpoints` (or `just bench`).

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use paperbrief_core::ReportDate;
use paperbrief_orchestrator::progress::LogLines;
use paperbrief_orchestrator::{RunOptions, RunResult, Services};
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn, llm_endpoint};
use wiremock::MockServer;

const DATE: &str = "2026-02-10";
const PAPERS: u32 = 136;
const SLOTS: usize = 16;
const LATENCY: Duration = Duration::from_secs(1);

struct Replica {
    server: MockServer,
    llm: FakeLlm,
}

async fn replicas(k: usize) -> Vec<Replica> {
    let mut out = Vec::new();
    for _ in 0..k {
        let llm = FakeLlm::new(Script::default(), LATENCY);
        out.push(Replica {
            server: llm_endpoint(llm.clone(), "stand-in", 32_768).await,
            llm,
        });
    }
    out
}

fn endpoints_setting(replicas: &[Replica]) -> String {
    let items: Vec<String> = replicas
        .iter()
        .map(|r| {
            format!(
                "{{ base_url = \"{}/v1\", max_concurrency = {SLOTS} }}",
                r.server.uri()
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Answers the replicas have finished so far.
fn answered(logs: &[FakeLlm]) -> usize {
    let now = Instant::now();
    logs.iter()
        .flat_map(FakeLlm::requests)
        .filter(|r| r.at + r.latency <= now)
        .count()
}

/// When a replica was killed, and what the others were doing then.
struct Kill {
    at: Duration,
    answered: usize,
    /// When each request in flight on a survivor ends, from the start of the run.
    survivors_busy_until: Vec<Duration>,
}

impl Kill {
    /// The ideal end: from the kill on, every paper neither answered nor in flight on a
    /// survivor (those lost on the dead one among them) goes to the survivors' earliest free
    /// slot, each taking one latency.
    fn bound(&self, survivor_slots: usize) -> Duration {
        let mut free: Vec<Duration> = self.survivors_busy_until.clone();
        free.resize(survivor_slots.max(free.len()), self.at);
        let mut end = free.iter().copied().max().unwrap_or(self.at);
        let rest = PAPERS as usize - self.answered - self.survivors_busy_until.len();
        for _ in 0..rest {
            let (i, earliest) = free
                .iter()
                .copied()
                .enumerate()
                .min_by_key(|(_, t)| *t)
                .unwrap();
            free[i] = earliest + LATENCY;
            end = end.max(free[i]);
        }
        end
    }
}

/// Runs the day over `replicas`; when `kill_after` is given, the last replica's server is
/// dropped (its port closes) once that many answers have come back in all.
async fn day(
    stand: &StandIn,
    dir: &Path,
    mut replicas: Vec<Replica>,
    kill_after: Option<usize>,
) -> (Duration, Vec<usize>, Option<Kill>) {
    let settings = [
        ("llm.endpoints", endpoints_setting(&replicas)),
        ("run.fetch_concurrency", "64".to_owned()),
    ];
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let config = stand.config(&dir.join("cache"), &dir.join("out"), &settings);
    let services = Services::from_config(config, None).unwrap();
    let logs: Vec<FakeLlm> = replicas.iter().map(|r| r.llm.clone()).collect();
    let started = Instant::now();
    let killer = kill_after.map(|n| {
        let victim = replicas.pop().unwrap();
        let logs = logs.clone();
        tokio::spawn(async move {
            while answered(&logs) < n {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let now = Instant::now();
            let survivors_busy_until = logs[..logs.len() - 1]
                .iter()
                .flat_map(FakeLlm::requests)
                .filter(|r| r.at + r.latency > now)
                .map(|r| r.at + r.latency - started)
                .collect();
            let kill = Kill {
                at: now - started,
                answered: answered(&logs),
                survivors_busy_until,
            };
            drop(victim.server);
            kill
        })
    });
    let opts = RunOptions {
        force: true,
        ..RunOptions::day(ReportDate::parse(DATE).unwrap())
    };
    let result = paperbrief_orchestrator::run(&services, &opts, Arc::new(LogLines))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let kill = match killer {
        Some(k) => Some(k.await.unwrap()),
        None => None,
    };
    let RunResult::Written(written) = result else {
        panic!("no report")
    };
    assert_eq!(
        written.report.stats.briefs, PAPERS as usize,
        "every paper gets its brief"
    );
    let spread = logs.iter().map(|l| l.requests().len()).collect();
    (elapsed, spread, kill)
}

fn row(label: &str, wall: Duration, bound: f64, spread: &[usize]) {
    let w = wall.as_secs_f64();
    let spread: Vec<String> = spread.iter().map(ToString::to_string).collect();
    println!(
        "| {label} | {w:.2} s | {bound:.2} s | {:.2} | {} |",
        w / bound,
        spread.join(" / ")
    );
}

fn secs(rounds: usize) -> f64 {
    rounds as f64 * LATENCY.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let papers: Vec<FakePaper> = (1..=PAPERS)
        .map(|n| FakePaper {
            extra_paragraphs: 40,
            ..FakePaper::numbered(n, i64::from(PAPERS - n))
        })
        .collect();
    let stand = StandIn::start(
        DATE,
        &papers,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "stand-in",
        32_768,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    // Warm the page and source caches once.
    let _ = day(&stand, dir.path(), replicas(4).await, None).await;

    let n = PAPERS as usize;
    println!(
        "\n{n} papers, stand-in endpoints of {SLOTS} slots at {:.1} s latency, sources cached\n",
        LATENCY.as_secs_f64()
    );
    println!(
        "| endpoints | wall time | bound | ratio | requests per endpoint |\n| --- | --- | --- | --- | --- |"
    );
    for k in [1usize, 2, 4] {
        let (wall, spread, _) = day(&stand, dir.path(), replicas(k).await, None).await;
        row(&k.to_string(), wall, secs(n.div_ceil(SLOTS * k)), &spread);
    }
    for k in [2usize, 4] {
        let half = n / 2;
        let (wall, spread, kill) = day(&stand, dir.path(), replicas(k).await, Some(half)).await;
        let kill = kill.unwrap();
        let bound = kill.bound(SLOTS * (k - 1)).as_secs_f64();
        row(
            &format!(
                "{k}, one killed at {:.2} s ({} answered, {} to go)",
                kill.at.as_secs_f64(),
                kill.answered,
                n - kill.answered
            ),
            wall,
            bound,
            &spread,
        );
    }

    batch_rss(&stand, &dir.path().join("batch")).await;
}

/// `batch export` and `batch import` of the day by the release binary: wall time and peak RSS.
async fn batch_rss(stand: &StandIn, dir: &Path) {
    let requests = dir.join("requests.jsonl");
    let (rss, wall) = peak_rss(
        stand,
        dir,
        &[
            "batch",
            "export",
            "--date",
            DATE,
            "-o",
            requests.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&requests).unwrap();
    println!(
        "\nbatch export, {} requests ({:.1} MiB of JSONL), cold cache: {wall:.1} s, peak RSS {:.1} MiB",
        text.lines().count(),
        text.len() as f64 / 1_048_576.0,
        rss as f64 / 1024.0
    );
    let requests: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let chat = format!("{}/v1/chat/completions", stand.server.uri());
    let results: String = paperbrief_testkit::batch::run_batch(&chat, &requests)
        .await
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let file = dir.join("results.jsonl");
    std::fs::write(&file, &results).unwrap();
    let (rss, wall) = peak_rss(
        stand,
        dir,
        &["batch", "import", "--date", DATE, file.to_str().unwrap()],
    );
    println!(
        "batch import of {:.1} MiB of results: {wall:.1} s, peak RSS {:.1} MiB",
        results.len() as f64 / 1_048_576.0,
        rss as f64 / 1024.0
    );
}

/// Runs the real binary and follows its peak resident memory (VmHWM) until it exits.
fn peak_rss(stand: &StandIn, dir: &Path, args: &[&str]) -> (u64, f64) {
    let mut cmd = stand.command(env!("CARGO_BIN_EXE_paperbrief"), dir);
    cmd.env("PAPERBRIEF_RUN_FETCH_CONCURRENCY", "16")
        .arg("-q")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit());
    let (status, peak, wall) = paperbrief_testkit::peak_rss(&mut cmd);
    assert!(status.success(), "{args:?} failed: {status}");
    (peak, wall)
}
