//! End-to-end: the real binary's `list`, `extract` and `config` against stand-in HF and arXiv
//! servers on loopback.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use common::{pairs, paperbrief, run, stderr, stdout, upstream_env};
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIST: &str = r#"[
 {"paper": {"id": "2602.00001", "title": "Low Votes", "summary": "A.", "authors": [{"name": "X"}], "upvotes": 1}},
 {"paper": {"id": "2602.00002", "title": "High Votes", "summary": "B.", "authors": [{"name": "Y"}], "upvotes": 9,
   "githubRepo": "https://github.com/x/high", "projectPage": "https://high.example"}},
 {"paper": {"id": "2602.00002v2", "title": "High Votes (dup)", "summary": "B.", "upvotes": 9}},
 {"paper": {"id": "2602.00003", "title": "Also One", "summary": "C.", "upvotes": 1}}
]"#;

#[tokio::test(flavor = "multi_thread")]
async fn list_prints_report_order_and_json() {
    let server = MockServer::start().await;
    Mock::given(path("/api/daily_papers"))
        .and(query_param("date", "2026-02-10"))
        .respond_with(ResponseTemplate::new(200).set_body_string(LIST))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let env = upstream_env(&server.uri());
    let out = run({
        let mut c = paperbrief(home.path(), &pairs(&env));
        c.args(["list", "--date", "2026-02-10"]);
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        [
            "2602.00002 9 High Votes",
            "2602.00001 1 Low Votes",
            "2602.00003 1 Also One"
        ]
    );

    let out = run({
        let mut c = paperbrief(home.path(), &pairs(&env));
        c.args(["list", "--date", "2026-02-10", "--json"]);
        c
    })
    .await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[0]["id"], "2602.00002");
    assert_eq!(v[0]["github_repo"], "https://github.com/x/high");
    assert_eq!(v[0]["project_page"], "https://high.example");
    assert_eq!(v[0]["abstract"], "B.");
    assert_eq!(v[0]["authors"], serde_json::json!(["Y"]));
    assert!(v[1].get("github_repo").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn weekend_prints_nothing_and_a_note() {
    let server = MockServer::start().await;
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let env = upstream_env(&server.uri());
    let out = run({
        let mut c = paperbrief(home.path(), &pairs(&env));
        c.args(["list", "--date", "2026-02-14"]);
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("no papers listed for 2026-02-14"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hf_endpoint_variable_points_at_a_mirror() {
    let server = MockServer::start().await;
    Mock::given(path("/mirror/api/daily_papers"))
        .respond_with(ResponseTemplate::new(200).set_body_string(LIST))
        .expect(1)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let mirror = format!("{}/mirror", server.uri());
    let out = run({
        let mut c = paperbrief(home.path(), &[("HF_ENDPOINT", mirror.as_str())]);
        c.args(["list", "--date", "2026-02-10"]);
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_exit_2_and_a_message_naming_it() {
    let home = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (vec!["list", "--date", "2026-2-10"], "expected YYYY-MM-DD"),
        (
            vec!["list", "--date", "2026-02-30"],
            "invalid date `2026-02-30`",
        ),
        (vec!["extract", "2602.0704"], "invalid arXiv id `2602.0704`"),
        (
            vec!["extract", "../no/such/2602.07040"],
            "neither an existing file nor an arXiv id",
        ),
        (
            vec!["--config", "missing.toml", "config"],
            "cannot read config file missing.toml",
        ),
        (
            vec!["--set", "llm.modle=x", "config"],
            "did you mean `llm.model`",
        ),
    ] {
        let out = run({
            let mut c = paperbrief(home.path(), &[]);
            c.args(&args);
            c
        })
        .await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_hf_is_exit_2_naming_the_endpoint() {
    let home = tempfile::tempdir().unwrap();
    let out = run({
        let mut c = paperbrief(
            home.path(),
            &[
                ("PAPERBRIEF_SOURCES_HF_ENDPOINT", "http://127.0.0.1:9"),
                ("PAPERBRIEF_SOURCES_MAX_ATTEMPTS", "1"),
            ],
        );
        c.args(["list", "--date", "2026-02-10"]);
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("http://127.0.0.1:9") && err.contains("cannot connect"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn extract_fetches_by_id_and_parses_files_offline() {
    let server = MockServer::start().await;
    let html = include_str!("../crates/fetch/fixtures/latexml_small.html");
    Mock::given(path("/html/2602.00001"))
        .respond_with(ResponseTemplate::new(200).set_body_string(html))
        .expect(1)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let env = upstream_env(&server.uri());
    for _ in 0..2 {
        // The second run is served by the cache (expect(1) above).
        let out = run({
            let mut c = paperbrief(home.path(), &pairs(&env));
            c.args(["extract", "2602.00001", "--json"]);
            c
        })
        .await;
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["kind"], "Html");
        assert_eq!(v["id"], "2602.00001");
        assert_eq!(v["title"], "Tiny Transformers Are Enough");
        for key in ["authors", "abstract", "sections", "captions", "tables"] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["sections"][3]["heading"], "3.1 Training");
        assert_eq!(v["sections"][3]["level"], 2);
        assert_eq!(v["sections"][6]["appendix"], true);
    }

    let file = home.path().join("saved.html");
    std::fs::write(&file, html).unwrap();
    let out = run({
        let mut c = paperbrief(home.path(), &[]);
        c.args(["extract", file.to_str().unwrap()]);
        c
    })
    .await;
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("# Tiny Transformers Are Enough\nid: 2602.00001v1\nkind: HTML\n"),
        "{text}"
    );
    assert!(
        text.contains("## 3 Method")
            && text.contains("### 3.1 Training")
            && text.contains("[Table 1: BLEU on WMT 2014.]")
    );

    let no_html = home.path().join("nohtml.html");
    std::fs::write(
        &no_html,
        include_str!("../crates/fetch/fixtures/no_html.html"),
    )
    .unwrap();
    let out = run({
        let mut c = paperbrief(home.path(), &[]);
        c.args(["extract", no_html.to_str().unwrap()]);
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("\"No HTML\" page"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn config_shows_every_layer_and_hides_secrets() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("pb.toml");
    std::fs::write(
        &file,
        "[llm]\nmodel = \"from-file\"\nmax_tokens = 1000\n[output]\ndir = \"file-out\"\n",
    )
    .unwrap();
    let out = run({
        let mut c = paperbrief(
            home.path(),
            &[
                ("PAPERBRIEF_LLM_MODEL", "from-env"),
                ("PAPERBRIEF_API_KEY", "sk-very-secret"),
                ("OPENAI_BASE_URL", "https://u:pw-secret@llm.example/v1"),
            ],
        );
        c.args([
            "--config",
            file.to_str().unwrap(),
            "--set",
            "output.dir=flag-out",
            "config",
        ]);
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let shown: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(shown["llm"]["model"].as_str(), Some("from-env"));
    assert_eq!(shown["llm"]["max_tokens"].as_integer(), Some(1000));
    assert_eq!(shown["output"]["dir"].as_str(), Some("flag-out"));
    assert_eq!(
        shown["llm"]["base_url"].as_str(),
        Some("https://u:***@llm.example/v1")
    );
    assert!(text.contains("API key: set from PAPERBRIEF_API_KEY"));
    assert!(!text.contains("sk-very-secret") && !text.contains("pw-secret"));
}
