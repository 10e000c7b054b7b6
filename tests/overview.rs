//! End-to-end: 今日速览. A day's report opens with an overview whose every id is the day's and
//! every paper carries tags from the vocabulary; a rerun asks nothing; `paper` costs its brief and
//! one overview request; invented ids are dropped; a failed overview costs nothing else; a day too
//! large for one request goes by chunks and a merge; structured output asks for the schema.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, day_stand_in, dirs, paperbrief_run, read, report_json};
use common::stderr;
use paperbrief_testkit::{Behaviour, FakeLlm, FakePaper, OVERVIEW, Script, StandIn};
use serde_json::Value;

const VOCABULARY: [&str; 15] = [
    "大语言模型",
    "多模态",
    "计算机视觉",
    "智能体",
    "强化学习",
    "生成模型",
    "语音与音频",
    "机器人与具身智能",
    "AI for Science",
    "高效推理与系统",
    "安全与对齐",
    "数据与评测",
    "检索与知识",
    "代码",
    "其他",
];

fn day_ids(json: &Value) -> Vec<String> {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["paper"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_day_opens_with_its_overview_and_a_rerun_asks_nothing() {
    // 2602.00004's second brief (its regeneration) says something else.
    let rewritten = paperbrief_testkit::good_answer("Paper Number 4（重写）");
    let script = Script::default().on(
        "2602.00004",
        vec![Behaviour::Good, Behaviour::Answer(rewritten)],
    );
    let stand = day_stand_in(script).await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("今日速览: 2 themes, 1 picks, based on 6/6 briefs"),
        "{err}"
    );
    assert_eq!(stand.llm.overview_requests().len(), 1);
    // It read ids, titles, 应用领域 and 一句话核心贡献 only: no paper's full text.
    let asked = stand.llm.overview_requests()[0].body.to_string();
    assert!(
        asked.contains("Paper Number 4") && asked.contains("应用领域"),
        "{asked}"
    );
    assert!(
        !asked.contains("We reach 91.3% on the benchmark"),
        "no full text: {asked}"
    );

    let json = report_json(&d);
    let ids = day_ids(&json);
    let o = &json["overview"];
    assert_eq!(o["status"], "ok", "{o}");
    assert_eq!(o["based_on"], serde_json::json!({"briefs": 6, "papers": 6}));
    assert_eq!(o["model"], "m");
    assert_eq!(o["inputs_hash"].as_str().unwrap().len(), 64);
    for theme in o["themes"].as_array().unwrap() {
        for id in theme["papers"].as_array().unwrap() {
            assert!(ids.contains(&id.as_str().unwrap().to_owned()), "{id}");
        }
    }
    assert!(ids.contains(&o["picks"][0]["id"].as_str().unwrap().to_owned()));
    for e in json["entries"].as_array().unwrap() {
        let tags = e["tags"].as_array().unwrap();
        assert!(!tags.is_empty(), "{e}");
        assert!(
            tags.iter()
                .all(|t| VOCABULARY.contains(&t.as_str().unwrap()))
        );
        assert!(e["title_zh"].as_str().unwrap().starts_with("中文标题"));
    }
    let md = read(&d.out.join(format!("{DATE}.md")));
    let overview = md.find("## 今日速览").unwrap();
    assert!(overview < md.find("## 目录").unwrap() && overview < md.find("## 📄").unwrap());
    assert!(
        md.contains(
            "### 必读\n\n1. [中文标题 2602.00002](#paper-2602.00002)：方法新颖，值得先读。"
        ),
        "{md}"
    );
    assert!(md.contains("- **标签**: 大语言模型"), "{md}");

    // Nothing changed: no request, and the report keeps its time.
    let again = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        stand.llm.overview_requests().len(),
        1,
        "a rerun asks nothing"
    );
    assert_eq!(report_json(&d)["generated_at"], json["generated_at"]);
    // `render` rebuilds the same Markdown from the JSON.
    let rendered = paperbrief_run(&stand, &d, &[], &["render", "--date", DATE]).await;
    assert_eq!(rendered.status.code(), Some(0));
    assert_eq!(read(&d.out.join(format!("{DATE}.md"))), md);

    // `paper` regenerates one brief: it and one overview request, at once.
    let briefs = stand.llm.brief_requests().len();
    let out = paperbrief_run(&stand, &d, &[], &["paper", "2602.00004", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stand.llm.brief_requests().len(), briefs + 1);
    assert_eq!(stand.llm.overview_requests().len(), 2);
    // `overview` with nothing changed asks nothing; --force asks once.
    let out = paperbrief_run(&stand, &d, &[], &["overview", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing asked"), "{}", stderr(&out));
    assert_eq!(stand.llm.overview_requests().len(), 2);
    let out = paperbrief_run(&stand, &d, &[], &["overview", "--date", DATE, "--force"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stand.llm.overview_requests().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn invented_ids_are_dropped_and_a_failed_overview_costs_nothing_else() {
    let invented = r#"```json
{"themes": [{"name": "真主题", "summary": "提升 99.9%。", "papers": ["2602.00002", "2612.99999"]}],
 "picks": [{"id": "2612.99999", "why": "编造的"}, {"id": "2602.00004", "why": "真的"}],
 "tags": {"2602.00002": ["智能体", "不存在的标签"]}, "titles": {"2612.99999": "编造"}}
```"#;
    let script = Script::default().on(OVERVIEW, vec![Behaviour::Answer(invented.into())]);
    let stand = day_stand_in(script).await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = report_json(&d);
    let o = &json["overview"];
    assert_eq!(o["themes"][0]["papers"], serde_json::json!(["2602.00002"]));
    assert_eq!(o["picks"].as_array().unwrap().len(), 1);
    let warnings = o["warnings"].to_string();
    for expected in ["2612.99999", "不存在的标签", "99.9%"] {
        assert!(warnings.contains(expected), "{expected}: {warnings}");
    }
    assert!(!json.to_string().contains("编造"), "{json}");

    // The model answers in prose twice: the block says why, every paper is there, exit 1.
    let english = vec![Behaviour::English, Behaviour::English];
    let stand = day_stand_in(Script::default().on(OVERVIEW, english)).await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("今日速览 FAILED"), "{}", stderr(&out));
    assert_eq!(stand.llm.overview_requests().len(), 2, "one repair");
    let json = report_json(&d);
    assert_eq!(json["overview"]["status"], "failed");
    assert_eq!(json["stats"]["briefs"], 6);
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(md.contains("## 今日速览\n\n速览生成失败："), "{md}");
    assert_eq!(md.matches("## 📄").count(), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subset_day_says_what_the_overview_is_based_on() {
    let stand = day_stand_in(Script::default()).await;
    let d = dirs();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE, "--limit", "2"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(md.contains("> 基于 2/6 篇简报"), "{md}");
    let asked = stand.llm.overview_requests()[0].body.to_string();
    assert!(asked.contains("今天共有 2 篇论文"), "{asked}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_day_too_large_for_one_request_goes_by_chunks_and_a_merge() {
    let papers: Vec<FakePaper> = (1..=40)
        .map(|n| FakePaper::numbered(n, 100 - i64::from(n)))
        .collect();
    let llm = FakeLlm::new(Script::default(), Duration::ZERO);
    let stand = StandIn::start(DATE, &papers, llm, "m", 3072).await;
    let d = dirs();
    let settings = [
        ("PAPERBRIEF_LLM_MAX_TOKENS", "700"),
        ("PAPERBRIEF_OVERVIEW_MAX_TOKENS", "1200"),
        ("PAPERBRIEF_LLM_OUTPUT", "json_schema"),
    ];
    let out = paperbrief_run(&stand, &d, &settings, &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let asked = stand.llm.overview_requests();
    assert!(asked.len() >= 3, "chunks and a merge: {err}");
    assert!(err.contains("今日速览: 40 papers in"), "{err}");
    for r in &asked {
        assert_eq!(
            r.body["response_format"]["json_schema"]["name"],
            "daily_overview"
        );
        // A quarter of the 3,072-token context, below overview.max_tokens.
        assert_eq!(r.body["max_tokens"], 768);
    }
    let merge = asked.last().unwrap().body.to_string();
    assert!(
        merge.contains("分批整理"),
        "the last request merges: {merge}"
    );
    let json = report_json(&d);
    assert_eq!(json["overview"]["status"], "ok", "{}", json["overview"]);
    let tagged = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["tags"].as_array().is_some_and(|t| !t.is_empty()))
        .count();
    assert_eq!(tagged, 40, "tags come from the chunks");
}

#[tokio::test(flavor = "multi_thread")]
async fn turned_off_it_asks_nothing_and_tags_nothing() {
    let stand = day_stand_in(Script::default()).await;
    let d = dirs();
    let off = [("PAPERBRIEF_OVERVIEW_ENABLED", "false")];
    let out = paperbrief_run(&stand, &d, &off, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stand.llm.overview_requests().is_empty());
    let json = report_json(&d);
    assert!(json.get("overview").is_none());
    assert!(json["entries"][0].get("tags").is_none());
    assert!(!read(&d.out.join(format!("{DATE}.md"))).contains("今日速览"));
}
