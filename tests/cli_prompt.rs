//! End-to-end: `prompt` and `parse-brief` from the real binary.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use common::{pairs, paperbrief, run, stderr, stdout, upstream_env};
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HTML: &str = include_str!("../crates/fetch/fixtures/latexml_small.html");

const ANSWER: &str = "<think>先读论文</think>\n# 论文简报\n\n1. **应用领域**：机器翻译\n2. **一句话核心贡献**：小模型达到 28.4 BLEU，快 20 倍。\n3. **使用指南**：\n   - **输入**：英文句子\n4. **主要创新点**：\n   1. **小而快**：只用 6 层。\n5. **实验效果**：\n   WMT 2014 上 28.4 BLEU，EN-FR 达到 99.9。\n";

#[tokio::test(flavor = "multi_thread")]
async fn prompt_prints_messages_tokens_and_cuts() {
    let server = MockServer::start().await;
    Mock::given(path("/html/2602.00001"))
        .respond_with(ResponseTemplate::new(200).set_body_string(HTML))
        .mount(&server)
        .await;
    Mock::given(path("/api/daily_papers"))
        .and(query_param("date", "2026-02-10"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"[{"paper": {"id": "2602.00001", "title": "Tiny", "upvotes": 1, "githubRepo": "https://github.com/example/tiny"}}]"#,
        ))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let env = upstream_env(&server.uri());
    let out = run({
        let mut c = paperbrief(home.path(), &pairs(&env));
        c.args([
            "prompt",
            "2602.00001",
            "--date",
            "2026-02-10",
            "--set",
            "llm.max_model_len=1200",
            "--set",
            "llm.max_tokens=200",
        ]);
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("# template brief.zh.md@"), "{text}");
    assert!(
        text.contains("# cut Appendix: Appendix A Hyperparameters"),
        "{text}"
    );
    assert!(text.contains("=== system (") && text.contains("=== user ("));
    assert!(text.contains("代码仓库：https://github.com/example/tiny"));
    assert!(
        !text.contains("Learning rate 0.0003"),
        "the appendix was cut"
    );

    // A paper not in that day's list is an error naming the date.
    let out = run({
        let mut c = paperbrief(home.path(), &pairs(&env));
        c.args(["prompt", "2602.00002", "--date", "2026-02-10"]);
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not in the Hugging Face list for 2026-02-10"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_template_directory_is_used_and_errors_name_the_file() {
    let server = MockServer::start().await;
    Mock::given(path("/html/2602.00001"))
        .respond_with(ResponseTemplate::new(200).set_body_string(HTML))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("prompts");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("mine.md"),
        "{% block system %}SYSTEM{% endblock %}{% block user %}PAPER {{ paper.title }}{% endblock %}{% block repair %}R{% endblock %}",
    )
    .unwrap();
    let mut env = upstream_env(&server.uri());
    env.push(("PAPERBRIEF_PROMPT_DIR", dir.display().to_string()));
    env.push(("PAPERBRIEF_PROMPT_TEMPLATE", "mine.md".into()));
    let out = run({
        let mut c = paperbrief(home.path(), &pairs(&env));
        c.args(["prompt", "2602.00001"]);
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("# template mine.md@"));
    assert!(stdout(&out).contains("PAPER Tiny Transformers Are Enough"));

    env.pop();
    env.push(("PAPERBRIEF_PROMPT_TEMPLATE", "missing.md".into()));
    let out = run({
        let mut c = paperbrief(home.path(), &pairs(&env));
        c.args(["prompt", "2602.00001"]);
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.md"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn parse_brief_prints_the_canonical_brief_and_grounding_warnings() {
    let home = tempfile::tempdir().unwrap();
    let answer = home.path().join("answer.md");
    std::fs::write(&answer, ANSWER).unwrap();
    let source = home.path().join("paper.html");
    std::fs::write(&source, HTML).unwrap();
    let out = run({
        let mut c = paperbrief(home.path(), &[]);
        c.args([
            "parse-brief",
            answer.to_str().unwrap(),
            "--source",
            source.to_str().unwrap(),
            "--json",
        ]);
        c
    })
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sections"]["应用领域"], "机器翻译");
    assert_eq!(v["sections"]["使用指南"], "- **输入**：英文句子");
    let warnings: Vec<String> = serde_json::from_value(v["warnings"].clone()).unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("\"99.9\"")),
        "{warnings:?}"
    );
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("28.4") || w.contains("20 倍")),
        "{warnings:?}"
    );

    let out = run({
        let mut c = paperbrief(home.path(), &[]);
        c.args(["parse-brief", answer.to_str().unwrap()]);
        c
    })
    .await;
    assert!(
        stdout(&out).starts_with("### 1. 应用领域\n机器翻译\n\n### 2. 一句话核心贡献\n"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn parse_brief_exits_1_naming_every_problem() {
    let home = tempfile::tempdir().unwrap();
    let answer = home.path().join("answer.md");
    std::fs::write(
        &answer,
        "### 1. 应用领域\n机器翻译\n### 3. 使用指南\n\n### 5. 实验效果\n很好\n",
    )
    .unwrap();
    let out = run({
        let mut c = paperbrief(home.path(), &[]);
        c.args([
            "parse-brief",
            answer.to_str().unwrap(),
            "--finish-reason",
            "length",
        ]);
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for needle in [
        "cut off at the token limit",
        "missing section ### 2. 一句话核心贡献",
        "empty section ### 3. 使用指南",
        "missing section ### 4. 主要创新点",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}
