//! End-to-end, as a team living with paperbrief would meet it: a Feishu group (a stand-in on
//! loopback) over a failing night and the healing night after it, a wrong base URL, a channel
//! whose variable is unset or holds a pasted webhook URL, `check --notify`, `--no-notify`,
//! `backfill`, and the config file found without `--config`.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use common::day::{DATE, day_stand_in, dirs, paperbrief_run};
use common::{stderr, stdout};
use paperbrief_testkit::{Behaviour, Script};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOOK_TOKEN: &str = "hook-5ec2e7-token";

const FEISHU: &str =
    "[[notify]]\nname = \"team\"\nkind = \"feishu\"\nurl_env = \"PB_FEISHU_URL\"\n";

/// A Feishu group: every card it received, in order.
async fn feishu() -> MockServer {
    let group = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/feishu"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"code":0,"msg":"success"}"#))
        .mount(&group)
        .await;
    group
}

async fn cards(group: &MockServer) -> Vec<Value> {
    group
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/feishu")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

fn title(card: &Value) -> String {
    card["card"]["header"]["title"]["content"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A home with `paperbrief.toml` holding `config`, found without `--config`.
struct Team {
    d: common::day::Dirs,
    vars: Vec<(&'static str, String)>,
}

impl Team {
    fn new(config: &str, group: &MockServer) -> Self {
        let d = dirs();
        std::fs::write(d.home.join("paperbrief.toml"), config).unwrap();
        let url = format!("{}/feishu?token={HOOK_TOKEN}", group.uri());
        Self {
            d,
            vars: vec![("PB_FEISHU_URL", url)],
        }
    }

    fn vars(&self) -> Vec<(&'static str, &str)> {
        self.vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

fn no_secret(out: &std::process::Output) {
    for text in [stdout(out), stderr(out)] {
        assert!(
            !text.contains(HOOK_TOKEN),
            "the webhook token leaked: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_night_then_a_healing_night_reach_the_group_as_the_day_and_one_update() {
    // Night 1: two papers get answers in English twice (the first answer and its repair).
    let script = Script::default()
        .on("2602.00002", vec![Behaviour::English, Behaviour::English])
        .on("2602.00004", vec![Behaviour::English, Behaviour::English]);
    let stand = day_stand_in(script).await;
    let group = feishu().await;
    let team = Team::new(FEISHU, &group);
    let night1 = paperbrief_run(&stand, &team.d, &team.vars(), &["run", "--date", DATE]).await;
    assert_eq!(night1.status.code(), Some(1), "{}", stderr(&night1));
    assert!(
        stderr(&night1).contains("notify team: sent"),
        "{}",
        stderr(&night1)
    );
    let sent = cards(&group).await;
    assert_eq!(sent.len(), 1);
    let day = sent[0].to_string();
    assert!(
        day.contains("6 篇论文：4 篇简报") && day.contains("2 篇失败"),
        "{day}"
    );
    assert!(day.contains("（简报生成失败）"), "{day}");

    // Night 2: the model answers; the group gets one update with only the two papers.
    let night2 = paperbrief_run(&stand, &team.d, &team.vars(), &["run", "--date", DATE]).await;
    assert_eq!(night2.status.code(), Some(0), "{}", stderr(&night2));
    assert!(
        stderr(&night2).contains("notify team: sent an update, 【更新】2026-02-10：2 篇简报已补全"),
        "{}",
        stderr(&night2)
    );
    let sent = cards(&group).await;
    assert_eq!(sent.len(), 2);
    let update = &sent[1];
    assert_eq!(title(update), "【更新】2026-02-10：2 篇简报已补全");
    let text = update.to_string();
    assert!(
        text.contains("Paper Number 2") && text.contains("Paper Number 4"),
        "{text}"
    );
    for other in [1, 3, 5, 6] {
        assert!(!text.contains(&format!("Paper Number {other}")), "{text}");
    }
    assert!(
        text.contains("6 篇论文：6 篇简报"),
        "the day's counts now: {text}"
    );

    // Night 3: nothing changed, nothing sent.
    let night3 = paperbrief_run(&stand, &team.d, &team.vars(), &["run", "--date", DATE]).await;
    assert_eq!(night3.status.code(), Some(0));
    assert!(
        stderr(&night3).contains("nothing it said has changed"),
        "{}",
        stderr(&night3)
    );
    assert_eq!(cards(&group).await.len(), 2);
    for out in [&night1, &night2, &night3] {
        no_secret(out);
    }
    // The messages the group saw, for the issue's note.
    if std::env::var_os("PAPERBRIEF_SHOW_MESSAGES").is_some() {
        for card in cards(&group).await {
            eprintln!("{}", serde_json::to_string_pretty(&card).unwrap());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_all_failed_notice_does_not_block_the_real_card() {
    let english = || vec![Behaviour::English, Behaviour::English];
    let mut script = Script::default();
    for n in 1..=6 {
        script = script.on(&format!("2602.{n:05}"), english());
    }
    let stand = day_stand_in(script).await;
    let group = feishu().await;
    let team = Team::new(FEISHU, &group);
    paperbrief_run(&stand, &team.d, &team.vars(), &["run", "--date", DATE]).await;
    let sent = cards(&group).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].to_string().contains("全部生成失败"), "{}", sent[0]);
    assert!(
        !sent[0].to_string().contains("huggingface.co/papers?date"),
        "no link to HF's English list as the full report: {}",
        sent[0]
    );
    let healed = paperbrief_run(&stand, &team.d, &team.vars(), &["run", "--date", DATE]).await;
    assert_eq!(healed.status.code(), Some(0), "{}", stderr(&healed));
    let sent = cards(&group).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(title(&sent[1]), "Hugging Face 每日论文简报 · 2026-02-10");
    assert!(
        sent[1].to_string().contains("6 篇论文：6 篇简报"),
        "{}",
        sent[1]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_base_url_without_v1_is_corrected_and_one_that_is_no_api_costs_no_message() {
    let stand = day_stand_in(Script::default()).await;
    let group = feishu().await;
    let team = Team::new(FEISHU, &group);
    // vLLM's own address, as users write it: /models is 404, /v1/models answers.
    let mut vars = team.vars();
    let root = stand.server.uri();
    vars.push(("PAPERBRIEF_LLM_BASE_URL", &root));
    let out = paperbrief_run(
        &stand,
        &team.d,
        &vars,
        &["run", "--date", DATE, "--no-notify"],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "{root} answers 404 for /models and {root}/v1 serves the OpenAI API: using it"
        )),
        "{err}"
    );
    assert!(
        err.contains("notify: nothing is sent to the 1 channel(s) this time (--no-notify)"),
        "{err}"
    );
    assert!(cards(&group).await.is_empty());

    // A URL with no API behind it: exit 2 before any paper, the fix in one line, no message.
    let chats = stand.llm.brief_requests().len();
    let wrong = format!("{}/nothing-here", group.uri());
    let mut vars = team.vars();
    vars.push(("PAPERBRIEF_LLM_BASE_URL", &wrong));
    let out = paperbrief_run(&stand, &team.d, &vars, &["run", "--date", "2026-02-11"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("is not an OpenAI-compatible API root"),
        "{err}"
    );
    assert!(err.contains("set llm.base_url"), "{err}");
    assert_eq!(stand.llm.brief_requests().len(), chats);
    assert!(
        cards(&group).await.is_empty(),
        "the group heard nothing of it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn channel_setup_is_checked_and_secrets_never_printed() {
    let stand = day_stand_in(Script::default()).await;
    let group = feishu().await;
    let team = Team::new(FEISHU, &group);
    // check with the variable unset: FAIL naming it, exit 1.
    let out = paperbrief_run(&stand, &team.d, &[], &["check"]).await;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("FAIL notify team (feishu): PB_FEISHU_URL is not set"),
        "{text}"
    );
    // Set: ok, and says the mode (no site: every paper).
    let out = paperbrief_run(&stand, &team.d, &team.vars(), &["check"]).await;
    let text = stdout(&out);
    assert!(
        text.contains("ok   notify team (feishu): variables set"),
        "{text}"
    );
    assert!(text.contains("no site is published"), "{text}");
    assert!(cards(&group).await.is_empty(), "check alone sends nothing");
    // --notify sends a test message.
    let out = paperbrief_run(&stand, &team.d, &team.vars(), &["check", "--notify"]).await;
    assert!(
        stdout(&out).contains("test message sent"),
        "{}",
        stdout(&out)
    );
    let sent = cards(&group).await;
    assert_eq!(sent.len(), 1);
    assert!(
        title(&sent[0]).starts_with("paperbrief 推送测试"),
        "{}",
        sent[0]
    );
    no_secret(&out);

    // notify --dry-run with the variable unset: exit 2 naming it.
    paperbrief_run(
        &stand,
        &team.d,
        &[],
        &["run", "--date", DATE, "--no-notify"],
    )
    .await;
    let out = paperbrief_run(
        &stand,
        &team.d,
        &[],
        &["notify", "--date", DATE, "--dry-run"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("PB_FEISHU_URL is not set"),
        "{}",
        stderr(&out)
    );

    // A webhook URL pasted into url_env: refused, and never repeated.
    let pasted = format!("https://open.feishu.cn/open-apis/bot/v2/hook/{HOOK_TOKEN}");
    let bad = FEISHU.replace("PB_FEISHU_URL", &pasted);
    std::fs::write(team.d.home.join("paperbrief.toml"), bad).unwrap();
    for args in [&["config"][..], &["check"], &["run", "--date", DATE]] {
        let out = paperbrief_run(&stand, &team.d, &team.vars(), args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("`url_env` holds a URL"),
            "{}",
            stderr(&out)
        );
        no_secret(&out);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn backfill_sends_only_with_notify_and_the_config_file_is_found() {
    let stand = day_stand_in(Script::default()).await;
    let group = feishu().await;
    let team = Team::new(FEISHU, &group);
    let out = paperbrief_run(&stand, &team.d, &team.vars(), &["config"]).await;
    assert!(
        stdout(&out).contains("# config file: paperbrief.toml"),
        "{}",
        stdout(&out)
    );
    let range = ["backfill", "--from", "2026-02-09", "--to", DATE];
    let out = paperbrief_run(&stand, &team.d, &team.vars(), &range).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("backfill sends only with --notify"),
        "{}",
        stderr(&out)
    );
    assert!(cards(&group).await.is_empty());
    let mut with = range.to_vec();
    with.extend(["--redo", "--notify"]);
    let out = paperbrief_run(&stand, &team.d, &team.vars(), &with).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(cards(&group).await.len(), 1, "the one day with papers");
}

#[tokio::test(flavor = "multi_thread")]
async fn dates_by_name_pasted_urls_and_a_closed_stdout_behave() {
    let stand = day_stand_in(Script::default()).await;
    let d = dirs();
    let yesterday = paperbrief_core::ReportDate::today_utc()
        .date()
        .pred_opt()
        .unwrap()
        .to_string();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", "yesterday"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{yesterday}: no papers listed")),
        "{}",
        stderr(&out)
    );
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", "2026-02-31"]).await;
    assert_eq!(out.status.code(), Some(2));
    paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    for pasted in [
        "https://arxiv.org/abs/2602.00001",
        "https://arxiv.org/pdf/2602.00001v1.pdf",
        "https://huggingface.co/papers/2602.00001",
    ] {
        let out = paperbrief_run(&stand, &d, &[], &["paper", pasted, "--date", DATE]).await;
        assert_eq!(out.status.code(), Some(0), "{pasted}: {}", stderr(&out));
        assert!(stderr(&out).contains("replaced entry"), "{}", stderr(&out));
    }
    let out = paperbrief_run(
        &stand,
        &d,
        &[],
        &["paper", "https://example.org/abs/2602.00001"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a URL must be a paper's page"),
        "{}",
        stderr(&out)
    );

    // `paperbrief config | head -1`: the reader goes away; no panic, no backtrace.
    let mut cmd = common::paperbrief(&d.home, &[]);
    cmd.arg("config")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.code() == Some(0) || out.status.signal() == Some(13),
        "{:?}",
        out.status
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn init_writes_a_starter_every_command_then_reads() {
    let stand = day_stand_in(Script::default()).await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["init"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let starter = std::fs::read_to_string(d.home.join("paperbrief.toml")).unwrap();
    for section in [
        "[llm]",
        "[output]",
        "[cache]",
        "[site]",
        "[sources]",
        "# [[notify]]",
    ] {
        assert!(starter.contains(section), "{section}: {starter}");
    }
    // Found without --config, and valid as it is.
    let out = paperbrief_run(&stand, &d, &[], &["config"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("# config file: paperbrief.toml"),
        "{}",
        stdout(&out)
    );
    // Never over a file that is there.
    let out = paperbrief_run(&stand, &d, &[], &["init"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let out = paperbrief_run(&stand, &d, &[], &["init", "conf/pb.toml"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.home.join("conf/pb.toml").is_file());
}
