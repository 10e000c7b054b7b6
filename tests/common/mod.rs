//! Shared helpers for the end-to-end tests: run the real binary with a clean environment.

#![allow(dead_code, unreachable_pub, clippy::expect_used)] // test helpers: a panic is the failure report

pub mod archive;
pub mod batch;
pub mod browser;
pub mod day;

use std::path::Path;
use std::process::{Command, Output};

/// The `paperbrief` binary with no inherited configuration: only `vars` are set (plus PATH and
/// HOME pointing into `home`).
pub fn paperbrief(home: &Path, vars: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paperbrief"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .current_dir(home);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd
}

/// Runs a command off the async runtime's worker (the mock servers keep serving).
pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("binary runs"))
        .await
        .expect("join")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Environment pointing every upstream at `uri`, without pacing.
pub fn upstream_env(uri: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PAPERBRIEF_SOURCES_HF_ENDPOINT", uri.to_owned()),
        ("PAPERBRIEF_SOURCES_ARXIV_BASE", uri.to_owned()),
        ("PAPERBRIEF_SOURCES_ARXIV_API_BASE", uri.to_owned()),
        ("PAPERBRIEF_SOURCES_ARXIV_MIN_INTERVAL_MS", "0".to_owned()),
        ("PAPERBRIEF_SOURCES_RETRY_BASE_DELAY_MS", "10".to_owned()),
    ]
}

/// Borrowed `(name, value)` pairs for [`paperbrief`].
pub fn pairs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
