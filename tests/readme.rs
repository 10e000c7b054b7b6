//! The README's nightly set-up, as written: its configuration file, environment file, cron line
//! and systemd unit are taken from the README itself and run against stand-ins for HF, arXiv,
//! the LLM and a Feishu group, with `/srv/paperbrief` replaced by a temporary directory. A
//! README edit that breaks the set-up (an unquoted `Environment=`, a variable the config needs
//! but the env file lacks, a wrong path) fails here.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{run, stderr};
use paperbrief_core::ReportDate;
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const README: &str = include_str!("../README.md");
const SRV: &str = "/srv/paperbrief";

/// The fenced blocks of the README's "Nightly set-up" section: (language, text).
fn nightly_blocks() -> Vec<(String, String)> {
    let start = README.find("## Nightly set-up").unwrap();
    let end = README[start + 3..]
        .find("\n## ")
        .map_or(README.len(), |e| start + 3 + e);
    let mut blocks = Vec::new();
    let mut lines = README[start..end].lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((lang.to_owned(), body.join("\n") + "\n"));
        }
    }
    blocks
}

fn block(lang: &str) -> String {
    let found: Vec<String> = nightly_blocks()
        .into_iter()
        .filter(|(l, _)| l == lang)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(found.len(), 1, "one ```{lang} block in the nightly set-up");
    found[0].clone()
}

/// Splits a systemd `Environment=` value as systemd does: whitespace-separated words, double
/// or single quotes holding a word together. Each word must be `NAME=value`.
fn systemd_assignments(value: &str) -> Result<Vec<(String, String)>, String> {
    let mut words = Vec::new();
    let (mut word, mut quote, mut started) = (String::new(), None, false);
    for c in value.chars() {
        match (quote, c) {
            (None, '"' | '\'') if !started => (quote, started) = (Some(c), true),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if quote.is_some() {
        return Err(format!("unclosed quote in `{value}`"));
    }
    if started {
        words.push(word);
    }
    words
        .into_iter()
        .map(|w| {
            let (k, v) = w.split_once('=').ok_or_else(|| {
                format!("`{w}` is not NAME=value (systemd: invalid environment assignment)")
            })?;
            let valid = !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit());
            valid
                .then(|| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| format!("`{k}` is not a variable name"))
        })
        .collect()
}

/// `KEY=value` lines of an environment file (comments and blank lines skipped).
fn env_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// Stand-ins for today's list, arXiv, an LLM serving the README's model, and a Feishu group.
struct World {
    stand: StandIn,
    group: MockServer,
    srv: tempfile::TempDir,
    today: ReportDate,
}

impl World {
    async fn new() -> Self {
        let papers: Vec<FakePaper> = (1..=3)
            .map(|n| FakePaper::numbered(n, 10 - i64::from(n)))
            .collect();
        let llm = FakeLlm::new(Script::default(), Duration::ZERO);
        let today = ReportDate::today_utc();
        let stand = StandIn::start("2026-02-10", &[], llm, "Qwen/Qwen3-8B", 32_768).await;
        stand.add_day(&today.to_string(), &papers).await;
        let group = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/feishu"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"code":0}"#))
            .mount(&group)
            .await;
        let world = Self {
            stand,
            group,
            srv: tempfile::tempdir().unwrap(),
            today,
        };
        world.install();
        world
    }

    fn srv(&self) -> &Path {
        self.srv.path()
    }

    fn here(&self, text: &str) -> String {
        text.replace(SRV, &self.srv().display().to_string())
    }

    /// The README's config and env file under the temporary /srv/paperbrief, the binary at
    /// target/release/paperbrief; the env file's webhook points at the stand-in group.
    fn install(&self) {
        std::fs::write(
            self.srv().join("paperbrief.toml"),
            self.here(&block("toml")),
        )
        .unwrap();
        let env = block("sh").replace(
            "https://open.feishu.cn/open-apis/bot/v2/hook/your-token",
            &format!("{}/feishu?token=t0k3n", self.group.uri()),
        );
        assert!(
            env.contains("/feishu?token=t0k3n"),
            "the README's env file names the webhook"
        );
        std::fs::write(self.srv().join("paperbrief.env"), env).unwrap();
        let bin = self.srv().join("target/release");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_paperbrief"), bin.join("paperbrief"))
            .unwrap();
    }

    /// The network the machine would have: everything on loopback. Nothing else is set: the
    /// README's files must carry the rest.
    fn upstreams(&self) -> Vec<(String, String)> {
        let uri = self.stand.server.uri();
        let mut vars: Vec<(String, String)> = common::upstream_env(&uri)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        vars.push(("PAPERBRIEF_LLM_BASE_URL".into(), format!("{uri}/v1")));
        vars.push((
            "PAPERBRIEF_CACHE_DIR".into(),
            self.srv().join("cache").display().to_string(),
        ));
        vars
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.srv())
            .envs(self.upstreams())
            .current_dir("/");
        cmd
    }

    async fn cards(&self) -> usize {
        self.group.received_requests().await.unwrap().len()
    }

    fn report_written(&self) -> bool {
        self.srv()
            .join(format!("reports/{}.json", self.today))
            .is_file()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_cron_line_runs_as_written() {
    let world = World::new().await;
    let line = block("cron");
    let line = line.trim();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert!(fields.len() > 5, "{line}");
    for f in &fields[..5] {
        assert!(
            f.chars().all(|c| c.is_ascii_digit() || "*/,-".contains(c)),
            "`{f}` is not a cron time field: {line}"
        );
    }
    let rest = line
        .splitn(6, char::is_whitespace)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>();
    let command = world.here(rest.last().unwrap());
    // cron runs the line with /bin/sh.
    let mut sh = world.command("/bin/sh");
    sh.args(["-c", &command]);
    let out = run(sh).await;
    let log = std::fs::read_to_string(world.srv().join("paperbrief.log")).unwrap_or_default();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{command}\n{log}{}",
        stderr(&out)
    );
    assert!(world.report_written(), "{log}");
    assert!(log.contains("notify team: sent"), "{log}");
    assert_eq!(world.cards().await, 1, "{log}");
    assert!(
        !log.contains("t0k3n"),
        "the webhook token is in the log: {log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_systemd_unit_is_valid_and_its_command_runs() {
    let world = World::new().await;
    let unit = block("ini");
    // The checker can fail: the README's unit before it was fixed.
    let old = "PAPERBRIEF_LLM_EXTRA_BODY={ chat_template_kwargs = { enable_thinking = false } }";
    assert!(systemd_assignments(old).is_err());
    let (mut dir, mut env_path, mut exec, mut env) = (None, None, None, Vec::new());
    for line in unit.lines() {
        // A commented example must be valid once uncommented, too.
        let live = line.trim_start_matches("# ");
        if let Some(v) = live.strip_prefix("Environment=") {
            let pairs = systemd_assignments(v).unwrap_or_else(|e| panic!("{line}: {e}"));
            if !line.starts_with('#') {
                env.extend(pairs);
            }
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some(v) = line.strip_prefix("WorkingDirectory=") {
            dir = Some(world.here(v));
        } else if let Some(v) = line.strip_prefix("EnvironmentFile=") {
            env_path = Some(world.here(v));
        } else if let Some(v) = line.strip_prefix("ExecStart=") {
            exec = Some(world.here(v));
        }
    }
    assert!(unit.contains("OnCalendar="), "{unit}");
    let (dir, env_path, exec) = (dir.unwrap(), env_path.unwrap(), exec.unwrap());
    let file = std::fs::read_to_string(&env_path).unwrap();
    let mut words = exec.split_whitespace();
    let mut cmd = world.command(words.next().unwrap());
    cmd.args(words)
        .current_dir(&dir)
        .envs(env_file(&file))
        .envs(env);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{exec}\n{}", stderr(&out));
    assert!(world.report_written());
    assert_eq!(world.cards().await, 1, "{}", stderr(&out));
}

#[test]
fn the_readme_config_parses_and_sends_no_secret_of_its_own() {
    let config = block("toml");
    let parsed: toml::Table = toml::from_str(&config).unwrap();
    let channel = &parsed["notify"].as_array().unwrap()[0];
    let var = channel["url_env"].as_str().unwrap();
    assert!(
        env_file(&block("sh")).iter().any(|(k, _)| k == var),
        "the env file sets {var}, which the config's channel reads"
    );
    assert!(
        !config.contains("://open.feishu.cn"),
        "no webhook URL in the config"
    );
}
