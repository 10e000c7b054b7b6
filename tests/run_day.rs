//! End-to-end: whole days with `paperbrief run` from the real binary against stand-in HF,
//! arXiv and OpenAI-compatible servers on loopback — the report, reruns, faults, limits, resume.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, chat_requests, dirs, entry_of, paperbrief_run, papers, read, report_json};
use common::{pairs, paperbrief, stderr};
use paperbrief_testkit::{Behaviour, FakeLlm, FakePaper, Script, StandIn};

#[tokio::test(flavor = "multi_thread")]
async fn a_full_day_then_a_rerun_that_makes_no_llm_calls() {
    let stand = StandIn::start(
        DATE,
        &papers(),
        FakeLlm::new(Script::default(), Duration::ZERO),
        "Qwen/Qwen3-8B",
        32_768,
    )
    .await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = read(&d.out.join(format!("{DATE}.md")));
    // The stand-in's port changes from run to run; the links into its pages are reviewed as
    // `http://arxiv.test`.
    insta::assert_snapshot!(md.replace(&stand.server.uri(), "http://arxiv.test"));
    let json = report_json(&d);
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 6);
    let order: Vec<&str> = entries
        .iter()
        .map(|e| e["paper"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "2602.00002",
            "2602.00004",
            "2602.00006",
            "2602.00001",
            "2602.00003",
            "2602.00005"
        ]
    );
    assert_eq!(entries[4]["source"]["kind"], "Abs");
    assert!(
        entries[4]["source"]["fallback"]
            .as_str()
            .unwrap()
            .contains("404")
    );
    assert_eq!(entries[0]["source"]["kind"], "Html");
    assert_eq!(entries[0]["source"]["id"], "2602.00002v1");
    let prov = &entries[0]["provenance"];
    assert_eq!(prov["model"], "Qwen/Qwen3-8B");
    assert!(
        prov["template_id"]
            .as_str()
            .unwrap()
            .starts_with("brief.zh.md@")
    );
    assert_eq!(prov["attempts"], 1);
    assert_eq!(prov["prompt_tokens"], 1000);
    assert_eq!(json["stats"]["briefs"], 6);
    assert_eq!(json["stats"]["html"], 4);
    assert!(
        stderr(&out)
            .contains("6 papers: 6 briefs (4 from HTML, 2 from the abstract only), 0 failed"),
        "{}",
        stderr(&out)
    );
    // Every prompt carried the paper's HF code link and asked for the canonical sections.
    let first = &stand.llm.brief_requests()[0].body;
    assert!(
        first["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("代码仓库：https://github.com/example/")
    );
    assert_eq!(chat_requests(&stand), 6);

    // Rerun: everything comes from the store.
    let again = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(chat_requests(&stand), 6, "a rerun made LLM calls");
    assert_eq!(read(&d.out.join(format!("{DATE}.md"))), md);
    assert_eq!(report_json(&d)["stats"]["reused"], 6);

    // The Markdown is a pure function of the JSON.
    std::fs::remove_file(d.out.join(format!("{DATE}.md"))).unwrap();
    let rendered = paperbrief_run(&stand, &d, &[], &["render", "--date", DATE]).await;
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert_eq!(read(&d.out.join(format!("{DATE}.md"))), md);

    // --force asks again.
    let forced = paperbrief_run(
        &stand,
        &d,
        &[],
        &[
            "run",
            "--date",
            DATE,
            "--only",
            "2602.00001,2602.00003",
            "--force",
        ],
    )
    .await;
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(chat_requests(&stand), 8);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_end_in_retries_repairs_or_marked_failures() {
    let script = Script::default()
        .on("2602.00001", vec![Behaviour::Status(429, Some(1))])
        .on(
            "2602.00002",
            vec![Behaviour::Status(500, None), Behaviour::Garbage],
        )
        .on("2602.00003", vec![Behaviour::Hang(Duration::from_secs(30))])
        .on("2602.00004", vec![Behaviour::Missing("主要创新点")])
        .on("2602.00005", vec![Behaviour::Thinking])
        .on("2602.00006", vec![Behaviour::Truncated, Behaviour::Script]);
    let mut list = papers();
    list.push(FakePaper::numbered(7, 1));
    list.push(FakePaper {
        extra_paragraphs: 300,
        ..FakePaper::numbered(8, 1)
    });
    let script = script
        .on("2602.00007", vec![Behaviour::English, Behaviour::English])
        .on("2602.00008", vec![Behaviour::Overflow]);
    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(script, Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    let out = paperbrief_run(
        &stand,
        &d,
        &[("PAPERBRIEF_LLM_TIMEOUT_SECS", "2")],
        &["run", "--date", DATE],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let json = report_json(&d);
    let by_id = |id: &str| entry_of(&json, id);
    for (id, attempts) in [
        ("2602.00001", 2),
        ("2602.00002", 3),
        ("2602.00003", 2),
        ("2602.00004", 2),
        ("2602.00005", 1),
        ("2602.00006", 2),
        ("2602.00008", 2),
    ] {
        let e = by_id(id);
        assert_eq!(e["status"], "ok", "{id}: {e}");
        assert_eq!(e["provenance"]["attempts"], attempts, "{id}");
    }
    assert_eq!(by_id("2602.00004")["provenance"]["repairs"], 1);
    assert!(
        by_id("2602.00005")["brief"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("<think>")
    );
    // The truncated answer was retried with more room.
    assert_eq!(by_id("2602.00006")["provenance"]["max_tokens"], 4096);
    // The stricter budget after the overflow: the retry's prompt is smaller.
    let overflow: Vec<_> = stand
        .llm
        .requests()
        .into_iter()
        .filter(|r| r.id.as_deref() == Some("2602.00008"))
        .collect();
    assert_eq!(overflow.len(), 2);
    let failed = by_id("2602.00007");
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["stage"], "answer");
    assert!(
        failed["reason"]
            .as_str()
            .unwrap()
            .contains("mostly not Chinese"),
        "{failed}"
    );
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(md.contains("## 📄 Paper Number 7\n\n- **链接**: [Hugging Face](https://huggingface.co/papers/2602.00007) · [arXiv](https://arxiv.org/abs/2602.00007) · [代码](https://github.com/example/2602.00007)\n- **作者**: Ada Lovelace\n- **热度**: ▲ 1\n- **阅读来源**: HTML\n- **状态**: ⚠️ 简报生成失败：模型未用中文作答\n"), "{md}");
    // The technical detail stays in the JSON, and the requests and tokens the failure cost.
    assert_eq!(failed["reason_zh"], "模型未用中文作答");
    assert_eq!(failed["attempts"], 2);
    assert_eq!(failed["completion_tokens"], 600);
    assert!(md.contains("**摘要**：Abstract of Paper Number 7."));
    assert!(!md.contains("<script>") && md.contains("&lt;script>alert('x')&lt;/script>"));
    // Links the model wrote to javascript:/data:/vbscript: keep their text and lose their URL;
    // an https link stays.
    for gone in ["javascript:", "data:text/html", "vbscript:"] {
        assert!(!md.contains(gone), "`{gone}` survived:\n{md}");
    }
    assert!(md.contains("点我") && md.contains("见文献。"), "{md}");
    assert!(md.contains("[仓库](https://github.com/example/x)"), "{md}");
    assert!(
        err.contains(
            "failed 2602.00007 (Answer): the answer is not an acceptable brief: mostly not Chinese"
        ),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrency_and_requests_per_minute_are_never_exceeded() {
    let list: Vec<FakePaper> = (1..=8).map(|n| FakePaper::numbered(n, 1)).collect();
    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(Script::default(), Duration::from_millis(300)),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    let out = paperbrief_run(
        &stand,
        &d,
        &[("PAPERBRIEF_LLM_MAX_CONCURRENCY", "3")],
        &["run", "--date", DATE],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stand.llm.max_in_flight(),
        3,
        "at most 3 in flight, and the pipeline does use 3"
    );

    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    let out = paperbrief_run(
        &stand,
        &d,
        &[("PAPERBRIEF_LLM_REQUESTS_PER_MINUTE", "240")],
        &["run", "--date", DATE],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut times: Vec<_> = stand.llm.brief_requests().iter().map(|r| r.at).collect();
    times.sort();
    // 240 per minute is one every 250 ms. Every window of k consecutive requests spans at
    // least (k - 1) × 250 ms, less what a loaded machine can delay one arrival by (50 ms): the
    // rate never exceeds the limit over any stretch of the run.
    for k in 2..=times.len() {
        for window in times.windows(k) {
            let span = window[k - 1] - window[0];
            let least = Duration::from_millis(250 * (k as u64 - 1))
                .saturating_sub(Duration::from_millis(50));
            assert!(span >= least, "{k} requests within {span:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_resumes_to_the_same_report() {
    let list: Vec<FakePaper> = (1..=6)
        .map(|n| FakePaper::numbered(n, 10 - i64::from(n)))
        .collect();
    let slow = FakeLlm::new(Script::default(), Duration::from_millis(400));
    let stand = StandIn::start(DATE, &list, slow, "m", 32_768).await;
    let killed = dirs();
    let mut env = stand.env(&killed.cache, &killed.out);
    env.push(("PAPERBRIEF_LLM_MAX_CONCURRENCY", "1".into()));
    let mut cmd = paperbrief(&killed.home, &pairs(&env));
    cmd.args(["run", "--date", DATE]);
    let mut child = cmd.spawn().unwrap();
    let briefs = killed.cache.join("state/briefs");
    let waited = tokio::time::timeout(Duration::from_secs(60), async {
        // Finished briefs only: an atomic write's temporary file does not count.
        let finished = || {
            std::fs::read_dir(&briefs)
                .map(|d| {
                    d.flatten()
                        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                        .count()
                })
                .unwrap_or(0)
        };
        while finished() < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "no progress before the kill");
    child.kill().unwrap(); // SIGKILL
    let _ = child.wait();
    assert!(
        !killed.out.join(format!("{DATE}.md")).exists(),
        "no report from the killed run"
    );
    let done_before = stand.llm.brief_requests().len();
    let resumed = paperbrief_run(&stand, &killed, &[], &["run", "--date", DATE]).await;
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    let asked_again = stand.llm.brief_requests().len() - done_before;
    assert!(
        asked_again <= 6 - 2,
        "finished papers were asked again ({asked_again} requests)"
    );

    let whole = dirs();
    let uninterrupted = paperbrief_run(&stand, &whole, &[], &["run", "--date", DATE]).await;
    assert_eq!(uninterrupted.status.code(), Some(0));
    assert_eq!(
        read(&killed.out.join(format!("{DATE}.md"))),
        read(&whole.out.join(format!("{DATE}.md")))
    );
}
