//! Helpers for the tests that run whole days against the stand-ins.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use std::time::Duration;

use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn};

use super::{pairs, paperbrief, run};

pub const DATE: &str = "2026-02-10";

/// Six papers, two without HTML, upvotes out of list order.
pub fn papers() -> Vec<FakePaper> {
    let mut v: Vec<FakePaper> = [(1, 5), (2, 30), (3, 5), (4, 12), (5, 0), (6, 7)]
        .into_iter()
        .map(|(n, votes)| FakePaper::numbered(n, votes))
        .collect();
    v[2].html = false;
    v[4].html = false;
    v
}

/// The stand-in servers for the day of [`papers`], the LLM (model `m`, 32k context) answering
/// per `script` at once.
pub async fn day_stand_in(script: Script) -> StandIn {
    StandIn::start(
        DATE,
        &papers(),
        FakeLlm::new(script, Duration::ZERO),
        "m",
        32_768,
    )
    .await
}

pub struct Dirs {
    pub _home: tempfile::TempDir,
    pub home: PathBuf,
    pub cache: PathBuf,
    pub out: PathBuf,
}

pub fn dirs() -> Dirs {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().to_owned();
    Dirs {
        cache: path.join("cache"),
        out: path.join("reports"),
        home: path,
        _home: home,
    }
}

pub async fn paperbrief_run(
    stand: &StandIn,
    d: &Dirs,
    extra: &[(&'static str, &str)],
    args: &[&str],
) -> std::process::Output {
    let mut env = stand.env(&d.cache, &d.out);
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let mut cmd = paperbrief(&d.home, &pairs(&env));
    cmd.args(args);
    run(cmd).await
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn report_json(d: &Dirs) -> serde_json::Value {
    serde_json::from_str(&read(&d.out.join(format!("{DATE}.json")))).unwrap()
}

/// Requests for papers' briefs (a day's 今日速览 request is not one).
pub fn chat_requests(stand: &StandIn) -> usize {
    stand.llm.brief_requests().len()
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

/// The entry of paper `id` in a report's JSON.
pub fn entry_of(json: &serde_json::Value, id: &str) -> serde_json::Value {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["paper"]["id"] == id)
        .unwrap_or_else(|| panic!("no entry for {id}"))
        .clone()
}

/// Asserts that no output of `out` and no file under `home` holds `secret`.
pub fn assert_secret_absent(out: &std::process::Output, home: &Path, secret: &str) {
    assert!(!super::stderr(out).contains(secret) && !super::stdout(out).contains(secret));
    for entry in walk(home) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        assert!(!text.contains(secret), "{} holds the key", entry.display());
    }
}
