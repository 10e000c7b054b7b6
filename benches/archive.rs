//! The archive at scale: a synthetic archive of 250 days × 40 papers (10,000 briefs, written as
//! report JSON by this script), then the real binary over it. Prints a Markdown table; asserts
//! nothing. Run: `cargo bench --bench archive` (or `just bench`); `PAPERBRIEF_BENCH_DAYS` and
//! `PAPERBRIEF_BENCH_PAPERS` change the size.
//!
//! Measured: `paperbrief site` on the whole archive (time, peak RSS, size, files, the Pagefind
//! index's size), again with nothing changed, `paperbrief search` (the first search builds the
//! index; then warm), a new day's `run` against a stand-in LLM with the archive behind it and
//! without (the difference is what the archive costs a night: relinking re-listed papers and
//! citations across every report, the site and its index), and in headless Chromium over a
//! loopback server that counts bytes, what loading the search and one query transfer and how
//! long the query takes (skipped when Chromium is not installed).

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

#[path = "../tests/common/browser.rs"]
#[allow(dead_code, unreachable_pub)]
mod browser;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use paperbrief_core::{ArxivId, Brief, PaperRef, ReportDate, SourceKind};
use paperbrief_report::{DailyReport, Entry, Outcome, ReportPaths, SourceInfo};
use paperbrief_testkit::reports::{example_briefs, provenance};
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn, peak_rss};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DATE: &str = "2026-02-10";
const TAGS: &[&str] = &[
    "大语言模型",
    "多模态",
    "智能体",
    "强化学习",
    "推理加速",
    "扩散模型",
    "机器人",
    "数据集",
    "评测",
    "代码生成",
    "检索增强",
    "视频生成",
    "语音",
    "安全对齐",
    "量化",
    "长上下文",
];

/// A deterministic generator (xorshift), so every run measures the same archive.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Zipf-like: small numbers far more often than large ones, as words in text are.
    fn zipf(&mut self, n: u64) -> u64 {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) - 1.0) as u64
    }
}

/// A word of a 6,000-word Chinese vocabulary (two characters) and of a 3,000-word English one.
fn zh_word(i: u64) -> String {
    let a = char::from_u32(0x4E00 + (i * 7919 % 20_000) as u32).unwrap();
    let b = char::from_u32(0x4E00 + (i * 104_729 % 20_000) as u32).unwrap();
    format!("{a}{b}")
}

fn en_word(i: u64) -> String {
    const SYL: &[&str] = &[
        "ra", "to", "mi", "ne", "ko", "lu", "sa", "vi", "de", "gen", "tor", "ix",
    ];
    let s = |k: u64| SYL[(k % SYL.len() as u64) as usize];
    format!("{}{}{}", s(i), s(i / 12), s(i / 144))
}

fn entry(rng: &mut Rng, date: ReportDate, n: u64, briefs: &[(String, String)]) -> Entry {
    let id = ArxivId::parse(&format!("{}.{:05}", date_ym(date), n)).unwrap();
    let mut paper = PaperRef::bare(id.clone());
    let title: Vec<String> = (0..8).map(|_| en_word(rng.zipf(3_000))).collect();
    paper.title = title.join(" ");
    paper.list_date = date;
    paper.upvotes = (rng.next() % 200) as i64;
    // A real brief, with words of its own in each section so the vocabulary grows as an
    // archive's does; one paper in a hundred is about speculative decoding.
    let (_, answer) = &briefs[(rng.next() % briefs.len() as u64) as usize];
    let mut extra: Vec<String> = (0..40).map(|_| zh_word(rng.zipf(6_000))).collect();
    if rng.next().is_multiple_of(100) {
        extra.push("推测解码 speculative decoding".to_owned());
    }
    let answer = answer.replace("。\n", &format!("，{}。\n", extra.join("")));
    let brief = Brief::parse(&answer).unwrap_or_else(|_| Brief::parse(&briefs[0].1).unwrap());
    let mut e = Entry::pending(paper);
    e.outcome = Outcome::Ok {
        brief,
        provenance: provenance(),
    };
    let kind = if rng.next().is_multiple_of(5) {
        SourceKind::Abs
    } else {
        SourceKind::Html
    };
    let url = format!("https://arxiv.org/html/{id}v1");
    let read = ArxivId::parse(&format!("{id}v1")).unwrap();
    e.source = Some(SourceInfo::new(kind, url, read, None));
    e.tags = (0..2)
        .map(|_| TAGS[(rng.next() % TAGS.len() as u64) as usize].to_owned())
        .collect();
    e.tags.dedup();
    e
}

fn date_ym(d: ReportDate) -> String {
    let s = d.to_string();
    format!("{}{}", &s[2..4], &s[5..7])
}

/// `days` days of `papers` papers before [`DATE`], as report JSON (and Markdown) in `out`.
fn archive(out: &Path, days: u32, papers: u64) {
    let paths = ReportPaths::new(out);
    let briefs = example_briefs();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // The days before DATE: 250 of them start on 2025-06-05.
    let mut date = ReportDate::parse("2025-06-05").unwrap();
    for _ in 0..days {
        let mut r = DailyReport::new(date);
        // Ids are unique per month: numbered by the day of the month and the paper.
        let day: u64 = date.to_string()[8..10].parse().unwrap();
        r.entries = (0..papers)
            .map(|i| entry(&mut rng, date, day * 100 + i, &briefs))
            .collect();
        r.recount();
        paths.write(&r).unwrap();
        date = date.succ();
    }
    assert!(date <= ReportDate::parse(DATE).unwrap(), "at most 250 days");
}

fn du(path: &Path) -> (u64, usize) {
    let (mut bytes, mut files) = (0, 0);
    let mut stack = vec![path.to_owned()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                bytes += m.len();
                files += 1;
            }
        }
    }
    (bytes, files)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

/// Runs the binary in `home` (reports in `home/out`, cache in `home/cache`): wall, peak RSS.
fn measure(stand: &StandIn, home: &Path, args: &[&str]) -> (f64, u64) {
    let mut cmd = stand.command(env!("CARGO_BIN_EXE_paperbrief"), home);
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null());
    let (status, peak, wall) = peak_rss(&mut cmd);
    assert!(status.code().is_some_and(|c| c <= 1), "{args:?} failed");
    (wall, peak)
}

fn row(what: &str, (wall, peak): (f64, u64), more: &str) {
    println!("| {what} | {wall:.2} s | {} | {more} |", mib(peak * 1024));
}

#[tokio::main]
async fn main() {
    let days: u32 = env_or("PAPERBRIEF_BENCH_DAYS", 250);
    let papers: u64 = env_or("PAPERBRIEF_BENCH_PAPERS", 40);
    // PAPERBRIEF_BENCH_DIR keeps the archive and site there to look at; else a temporary folder.
    let tmp = tempfile::tempdir().unwrap();
    let root = std::env::var_os("PAPERBRIEF_BENCH_DIR")
        .map_or_else(|| tmp.path().to_owned(), PathBuf::from);
    for old in ["archive", "empty", "profile"] {
        let _ = std::fs::remove_dir_all(root.join(old));
    }
    let home = root.join("archive");
    let started = Instant::now();
    archive(&home.join("out"), days, papers);
    let (report_bytes, _) = du(&home.join("out"));
    println!(
        "\n{days} days × {papers} papers ({} briefs): reports {} written in {:.1} s\n",
        u64::from(days) * papers,
        mib(report_bytes),
        started.elapsed().as_secs_f64()
    );
    let new_day: Vec<FakePaper> = (1..=40).map(|n| FakePaper::numbered(n, 100)).collect();
    let stand = StandIn::start(
        DATE,
        &new_day,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    println!("| step | wall | peak RSS | notes |\n| --- | --- | --- | --- |");
    let site = home.join("site");
    let site_arg = site.to_str().unwrap().to_owned();
    let full = measure(&stand, &home, &["site", "--out", &site_arg]);
    let (bytes, files) = du(&site);
    let (index_bytes, index_files) = du(&site.join("pagefind"));
    row(
        "`site`, whole archive",
        full,
        &format!(
            "site {} in {files} files; Pagefind index {} in {index_files} files",
            mib(bytes),
            mib(index_bytes)
        ),
    );
    row(
        "`site` again, nothing changed",
        measure(&stand, &home, &["site", "--out", &site_arg]),
        "no index made, nothing written",
    );
    // An old day rewritten (as `paperbrief paper` does): its month's index is made again.
    let old = ReportPaths::new(home.join("out"));
    let day = ReportDate::parse("2025-10-15").unwrap();
    let mut r = old.read_day(day).unwrap().unwrap();
    r.entries[0].paper.title.push_str(" (revised)");
    old.write(&r).unwrap();
    row(
        "`site` after an old day changed",
        measure(&stand, &home, &["site", "--out", &site_arg]),
        "its quarter (2025-Q4) indexed again",
    );
    let cache = home.join("cache");
    row(
        "`search 推测解码`, first (builds the index)",
        measure(&stand, &home, &["search", "推测解码"]),
        &format!("index {}", mib(du(&cache.join("search")).0)),
    );
    for q in ["推测解码", "speculative decoding", "智能体"] {
        let mut best = (f64::MAX, 0);
        for _ in 0..5 {
            let m = measure(&stand, &home, &["search", q]);
            best = if m.0 < best.0 { m } else { best };
        }
        row(&format!("`search {q}`, warm (best of 5)"), best, "");
    }
    night(&stand, &home, &root).await;
    chromium(&site, &root).await;
}

/// A new day's run with the archive behind it, and without.
async fn night(stand: &StandIn, home: &Path, tmp: &Path) {
    for (label, at) in [
        ("new day's `run`, empty archive", tmp.join("empty")),
        ("new day's `run`, with the archive", home.to_owned()),
    ] {
        let site = at.join("site");
        let mut cmd = stand.command(env!("CARGO_BIN_EXE_paperbrief"), &at);
        cmd.env("PAPERBRIEF_SITE_DIR", &site)
            .env("PAPERBRIEF_LLM_MAX_CONCURRENCY", "16")
            .args(["run", "-q", "--date", DATE])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let (status, peak, wall) = peak_rss(&mut cmd);
        assert!(status.success(), "{label} failed");
        row(
            label,
            (wall, peak),
            "40 papers, stand-in LLM answering at once; remember + citations + site + index",
        );
    }
}

/// What the search transfers in Chromium, and how long a query takes.
async fn chromium(site: &Path, tmp: &Path) {
    if !Path::new(browser::CHROMIUM).exists() {
        println!("\nChromium not installed: the browser figures are skipped");
        return;
    }
    let bytes = Arc::new(AtomicU64::new(0));
    let port = serve(site.to_owned(), Arc::clone(&bytes)).await;
    let (_driver, client) = browser::browser(&tmp.join("profile")).await;
    let page = format!("http://127.0.0.1:{port}/{DATE}.html");
    println!("\n| in Chromium | bytes | time |\n| --- | --- | --- |");
    bytes.store(0, Ordering::SeqCst);
    let started = Instant::now();
    client.goto(&page).await.unwrap();
    let page_bytes = bytes.load(Ordering::SeqCst);
    // The search loads on first use of the box.
    client
        .find(Locator::Css("#q"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let ready = "return !document.getElementById('facets').hidden";
    while client.execute(ready, vec![]).await.unwrap() != serde_json::json!(true) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the search did not load"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "| the day's page ({} KB), then the search loaded on first use of the box: script, worker, WebAssembly, each quarter's metadata and filters | {} KB | {:.0} ms |",
        page_bytes / 1000,
        (bytes.load(Ordering::SeqCst) - page_bytes) / 1000,
        started.elapsed().as_secs_f64() * 1000.0
    );
    for q in ["推测解码", "decoding", "智能体"] {
        let q_box = client.find(Locator::Css("#q")).await.unwrap();
        q_box.clear().await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        client
            .execute(
                "document.getElementById('hits').textContent = ''; document.getElementById('found').textContent = ''",
                vec![],
            )
            .await
            .unwrap();
        let before = serde_json::json!("|");
        bytes.store(0, Ordering::SeqCst);
        let started = Instant::now();
        q_box.send_keys(q).await.unwrap();
        loop {
            let now = client.execute("return document.getElementById('results').hidden ? null : document.getElementById('found').textContent + '|' + document.getElementById('hits').textContent", vec![]).await.unwrap();
            if !now.is_null() && now != before {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no hits for {q}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let found = client
            .find(Locator::Css("#found"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        println!(
            "| one-word query `{q}` {found}: index chunks and the top 10 hits' fragments | {} KB | {:.0} ms (typing to hits shown, incl. the 200 ms debounce) |",
            bytes.load(Ordering::SeqCst) / 1000,
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    client.close().await.unwrap();
}

/// A static file server on loopback that counts the bytes it sends (headers and bodies).
async fn serve(root: PathBuf, bytes: Arc<AtomicU64>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let (root, bytes) = (root.clone(), Arc::clone(&bytes));
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16_384];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let req = String::from_utf8_lossy(&buf[..n]).into_owned();
                let path = req.split_whitespace().nth(1).unwrap_or("/");
                let path = path
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("")
                    .trim_start_matches('/');
                let file = root.join(if path.is_empty() { "index.html" } else { path });
                let body = if path.contains("..") {
                    None
                } else {
                    std::fs::read(&file).ok()
                };
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("js") => "text/javascript",
                    Some("json") => "application/json",
                    _ => "application/octet-stream",
                };
                let (status, body) = body.map_or(("404 Not Found", Vec::new()), |b| ("200 OK", b));
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                bytes.fetch_add((head.len() + body.len()) as u64, Ordering::SeqCst);
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
            });
        }
    });
    port
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
