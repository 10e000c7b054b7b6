//! End-to-end: a nightly `run` with channels configured delivers one correct message to each
//! platform stand-in on loopback, retries a 500, reports a dead channel (exit 1) without
//! stopping the others, sends nothing twice, resends with `--force`, holds a day still pending,
//! and keeps every secret out of every output and file. Email goes to a real SMTP server
//! (aiosmtpd) when one can be started.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, day_stand_in, dirs, paperbrief_run, walk};
use common::{stderr, stdout};
use paperbrief_testkit::{FakeFigure, FakeLlm, Script, StandIn};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-7f3a9c-secret";
const SIGNING: &str = "sec-91b2-signing";

const CHANNELS: &str = r#"
[[notify]]
kind = "feishu"
url_env = "PB_FEISHU_URL"
secret_env = "PB_FEISHU_SECRET"
[[notify]]
kind = "wecom"
url_env = "PB_WECOM_URL"
[[notify]]
kind = "dingtalk"
url_env = "PB_DING_URL"
secret_env = "PB_DING_SECRET"
[[notify]]
kind = "slack"
url_env = "PB_SLACK_URL"
top = 3
[[notify]]
kind = "discord"
url_env = "PB_DISCORD_URL"
[[notify]]
kind = "telegram"
token_env = "PB_TG_TOKEN"
chat_id = "-100123"
api_base = "API_BASE"
[[notify]]
name = "automation"
kind = "webhook"
url_env = "PB_HOOK_URL"
[[notify]]
name = "dead"
kind = "slack"
url_env = "PB_DEAD_URL"
"#;

async fn receivers() -> MockServer {
    let chat = MockServer::start().await;
    let ok = |body: &str| ResponseTemplate::new(200).set_body_string(body.to_owned());
    for (p, body) in [
        ("/feishu", r#"{"code":0,"msg":"success"}"#),
        ("/wecom", r#"{"errcode":0,"errmsg":"ok"}"#),
        ("/dingtalk", r#"{"errcode":0,"errmsg":"ok"}"#),
        ("/slack", "ok"),
        ("/discord", "{}"),
        (
            &format!("/bot{TOKEN}/sendMessage") as &str,
            r#"{"ok":true,"result":{}}"#,
        ),
    ] {
        Mock::given(method("POST"))
            .and(path(p.to_owned()))
            .respond_with(ok(body))
            .mount(&chat)
            .await;
    }
    // The team's webhook fails twice before it answers.
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&chat)
        .await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ok(""))
        .mount(&chat)
        .await;
    chat
}

fn env(chat: &MockServer) -> Vec<(&'static str, String)> {
    let u = |p: &str| format!("{}/{p}", chat.uri());
    vec![
        ("PB_FEISHU_URL", u(&format!("feishu?token={TOKEN}"))),
        ("PB_FEISHU_SECRET", SIGNING.into()),
        ("PB_WECOM_URL", u(&format!("wecom?key={TOKEN}"))),
        ("PB_DING_URL", u(&format!("dingtalk?access_token={TOKEN}"))),
        ("PB_DING_SECRET", SIGNING.into()),
        ("PB_SLACK_URL", u(&format!("slack?t={TOKEN}"))),
        ("PB_DISCORD_URL", u(&format!("discord?t={TOKEN}"))),
        ("PB_TG_TOKEN", TOKEN.into()),
        ("PB_HOOK_URL", u(&format!("hook?t={TOKEN}"))),
        ("PB_DEAD_URL", format!("http://127.0.0.1:9/slack?t={TOKEN}")),
    ]
}

async fn bodies(chat: &MockServer, p: &str) -> Vec<(String, Value)> {
    chat.received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .map(|r| {
            (
                r.url.query().unwrap_or_default().to_owned(),
                serde_json::from_slice(&r.body).unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nightly_run_delivers_each_channel_once_and_keeps_secrets() {
    let stand = day_stand_in(Script::default()).await;
    let chat = receivers().await;
    let d = dirs();
    let config = d.home.join("pb.toml");
    std::fs::write(&config, CHANNELS.replace("API_BASE", &chat.uri())).unwrap();
    let mut vars = env(&chat);
    vars.push(("PAPERBRIEF_CONFIG", config.display().to_string()));
    vars.push(("PAPERBRIEF_SOURCES_MAX_ATTEMPTS", "3".into()));
    let vars: Vec<(&'static str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // A subset run leaves the day pending: nothing is sent yet.
    let limited = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE, "--limit", "2"]).await;
    assert!(
        stderr(&limited).contains("notify slack: not sent: 4 papers are still pending"),
        "{}",
        stderr(&limited)
    );
    assert!(chat.received_requests().await.unwrap().is_empty());

    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the dead channel fails the run: {err}"
    );
    assert!(
        err.contains("notify dead: FAILED: cannot reach the platform"),
        "{err}"
    );
    for name in [
        "feishu",
        "wecom",
        "dingtalk",
        "slack",
        "discord",
        "telegram",
        "automation",
    ] {
        assert!(
            err.contains(&format!("notify {name}: sent")),
            "{name}: {err}"
        );
    }
    // Feishu: a signed interactive card.
    let feishu = bodies(&chat, "/feishu").await;
    assert_eq!(feishu.len(), 1);
    let card = &feishu[0].1;
    assert_eq!(card["msg_type"], "interactive");
    let ts = card["timestamp"].as_str().unwrap();
    let expected =
        paperbrief_notify::platforms::hmac_base64(format!("{ts}\n{SIGNING}").as_bytes(), b"");
    assert_eq!(card["sign"], expected);
    assert!(card.to_string().contains("6 篇论文：6 篇简报"), "{card}");
    // DingTalk: signed in the query.
    let ding = bodies(&chat, "/dingtalk").await;
    assert!(
        ding[0].0.contains("timestamp=") && ding[0].0.contains("&sign="),
        "{}",
        ding[0].0
    );
    assert_eq!(ding[0].1["msgtype"], "markdown");
    assert_eq!(bodies(&chat, "/wecom").await[0].1["msgtype"], "markdown");
    // No site is published: Slack (top = 3) still gets every paper, and no link to a "full
    // report" it could not reach.
    let slack = &bodies(&chat, "/slack").await[0].1;
    assert!(
        slack.to_string().contains("6. ") && !slack.to_string().contains("另有"),
        "{slack}"
    );
    assert!(!slack.to_string().contains("完整报告"), "{slack}");
    assert!(!bodies(&chat, "/discord").await.is_empty());
    let tg = bodies(&chat, &format!("/bot{TOKEN}/sendMessage")).await;
    assert_eq!(tg[0].1["parse_mode"], "HTML");
    assert_eq!(tg[0].1["chat_id"], "-100123");
    // The webhook was retried after its 500s and got every paper.
    let hook = bodies(&chat, "/hook").await;
    assert_eq!(hook.len(), 3);
    assert_eq!(hook[2].1["papers"].as_array().unwrap().len(), 6);

    // A rerun sends nothing again (the dead channel is tried again: it was never delivered).
    let before = chat.received_requests().await.unwrap().len();
    let again = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert!(
        stderr(&again).contains("notify feishu: already sent at"),
        "{}",
        stderr(&again)
    );
    assert_eq!(chat.received_requests().await.unwrap().len(), before);
    // --force resends, one channel.
    let forced = paperbrief_run(
        &stand,
        &d,
        &vars,
        &["notify", "--date", DATE, "--channel", "slack", "--force"],
    )
    .await;
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(bodies(&chat, "/slack").await.len(), 2);
    // --dry-run prints payloads, never a secret.
    let dry = paperbrief_run(&stand, &d, &vars, &["notify", "--date", DATE, "--dry-run"]).await;
    assert!(
        stdout(&dry).contains("POST <PB_FEISHU_URL>")
            && stdout(&dry).contains("\"msg_type\": \"interactive\""),
        "{}",
        stdout(&dry)
    );
    let config_out = paperbrief_run(&stand, &d, &vars, &["config"]).await;
    assert!(stdout(&config_out).contains("url_env = \"PB_FEISHU_URL\""));
    for o in [&limited, &out, &again, &forced, &dry, &config_out] {
        for secret in [TOKEN, SIGNING] {
            assert!(
                !stdout(o).contains(secret) && !stderr(o).contains(secret),
                "{secret} leaked"
            );
        }
    }
    for file in walk(&d.home) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains(TOKEN) && !text.contains(SIGNING),
            "{} holds a secret",
            file.display()
        );
    }
}

/// The Python with aiosmtpd: `PAPERBRIEF_TEST_PYTHON`, else the venv `.ci/run` makes.
fn smtp_python() -> Option<std::path::PathBuf> {
    let candidate = std::env::var_os("PAPERBRIEF_TEST_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-venv/bin/python")
        });
    let works = std::process::Command::new(&candidate)
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(candidate)
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a Python with aiosmtpd (python3 -m venv target/test-venv && target/test-venv/bin/pip install aiosmtpd==1.4.6): run with --include-ignored"]
async fn email_reaches_a_real_smtp_server_as_multipart_alternative() {
    let python = smtp_python().unwrap_or_else(|| {
        panic!(
            "no Python with aiosmtpd: python3 -m venv target/test-venv && target/test-venv/bin/pip install aiosmtpd==1.4.6"
        )
    });
    // The day's top paper (▲30) has a key figure: it travels inline, never as a remote image.
    let mut list = common::day::papers();
    list[1].figure = Some(FakeFigure::png(&list[1].id, 640, 320));
    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    let maildir = d.home.join("maildir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        std::process::Command::new(python)
            .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/smtp_server.py"))
            .args([
                port.to_string(),
                maildir.display().to_string(),
                "bot".into(),
                "p@ss/w+rd".into(),
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let config = d.home.join("pb.toml");
    std::fs::write(
        &config,
        "[[notify]]\nname = \"mail\"\nkind = \"email\"\nsmtp_url_env = \"PB_SMTP_URL\"\nfrom = \"paperbrief <bot@example.org>\"\nto = [\"a@example.org\", \"b@example.org\"]\n",
    )
    .unwrap();
    let smtp = format!("smtp://bot:p%40ss%2Fw+rd@127.0.0.1:{port}");
    let vars = [
        ("PAPERBRIEF_CONFIG", config.to_str().unwrap()),
        ("PB_SMTP_URL", smtp.as_str()),
    ];
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("notify mail: sent (1 message(s)"),
        "{}",
        stderr(&out)
    );
    let mails: Vec<_> = std::fs::read_dir(maildir.join("new"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(mails.len(), 1);
    let raw = std::fs::read(mails[0].path()).unwrap();
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    use mail_parser::MimeHeaders as _;
    assert_eq!(
        message.subject(),
        Some("Hugging Face 每日论文简报 · 2026-02-10（6 篇）")
    );
    let to: Vec<&str> = message
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(to, ["a@example.org", "b@example.org"]);
    assert!(
        message.content_type().unwrap().subtype() == Some("alternative"),
        "multipart/alternative"
    );
    let text = message.body_text(0).unwrap();
    let html = message.body_html(0).unwrap();
    assert_eq!(
        text.matches("一句话核心贡献：").count(),
        6,
        "every paper's sections: {text}"
    );
    assert_eq!(html.matches("<h3>实验效果</h3>").count(), 6);
    assert!(!html.contains("<script"), "sanitised");
    assert_eq!(html.matches("<img").count(), 1, "{html}");
    assert!(html.contains("src=\"cid:figure-1@paperbrief\""), "{html}");
    let inline: Vec<_> = message
        .parts
        .iter()
        .filter(|p| p.content_id() == Some("figure-1@paperbrief"))
        .collect();
    assert_eq!(inline.len(), 1, "one inline part per figure");
    let ct = inline[0].content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("image", Some("png")));
    let png = inline[0].contents();
    assert!(png.starts_with(b"\x89PNG"), "the store's re-encoded copy");
    // Sent once: a rerun does not mail again.
    paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(std::fs::read_dir(maildir.join("new")).unwrap().count(), 1);
    assert!(!stderr(&out).contains("p@ss") && !stderr(&out).contains("p%40ss"));
}
