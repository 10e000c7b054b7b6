//! End-to-end: reader profiles. A profile from keywords and a BibTeX library, scored with an
//! embeddings endpoint on loopback (deterministic bag-of-words vectors): the 为你推荐 block and the
//! reasons; a second night embeds nothing it has embedded; a new day only its papers; another
//! model everything again; a channel of a profile gets only its papers, and nothing on a day with
//! none; the Zotero API paged, backed off and retried; bad files and models stop setup.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, dirs, paperbrief_run, read, report_json};
use common::{stderr, stdout};
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn, embeddings_endpoint};
use serde_json::Value;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TITLES: [&str; 6] = [
    "Speculative Decoding for Fast LLM Inference",
    "Diffusion Models for Long Video Generation",
    "KV Cache Quantization at Scale",
    "Robot Grasping with Tactile Sensors",
    "Protein Structure Prediction with Transformers",
    "Graph Networks for Molecular Property Prediction",
];

const LIBRARY: &str = r#"
@article{lev2023, title = {Fast Inference from Transformers via Speculative Decoding},
  abstract = {Speculative decoding drafts tokens with a small model and verifies them: fast LLM inference.},
  eprint = {2211.17192}, archiveprefix = {arXiv}}
@article{chen2023, title = {Accelerating LLM Decoding with Speculative Sampling},
  abstract = {Speculative sampling makes decoding of large language models fast.}}
@book{untitled, author = {Someone}}
"#;

fn papers() -> Vec<FakePaper> {
    TITLES
        .iter()
        .enumerate()
        .map(|(i, t)| FakePaper {
            title: (*t).to_owned(),
            ..FakePaper::numbered(i as u32 + 1, 60 - 5 * i as i64)
        })
        .collect()
}

fn config(library: &std::path::Path, extra: &str) -> String {
    format!(
        "[[interests]]\nname = \"efficiency\"\nkeywords = [\"KV cache\"]\nexclude = [\"survey\"]\nlibrary = \"{}\"\nthreshold = 0.6\nmax_for_you = 3\n{extra}",
        library.display()
    )
}

async fn stand() -> StandIn {
    StandIn::start(
        DATE,
        &papers(),
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await
}

fn relevance<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["paper"]["id"] == id)
        .map(|e| &e["relevance"]["efficiency"])
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_ranks_the_day_and_each_text_is_embedded_once() {
    let stand = stand().await;
    let (embed, log) = embeddings_endpoint("bow", Duration::ZERO).await;
    let d = dirs();
    let lib = d.home.join("lib.bib");
    std::fs::write(&lib, LIBRARY).unwrap();
    std::fs::write(d.home.join("paperbrief.toml"), config(&lib, "")).unwrap();
    let base = format!("{}/v1", embed.uri());
    let vars = [
        ("PAPERBRIEF_EMBEDDINGS_BASE_URL", base.as_str()),
        ("PAPERBRIEF_EMBEDDINGS_MODEL", "bow"),
        ("PAPERBRIEF_EMBEDDINGS_BATCH", "4"),
    ];
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let json = report_json(&d);
    // The speculative-decoding paper is nearest the library; the KV-cache one matches a keyword.
    let spec = relevance(&json, "2602.00001");
    assert_eq!(spec["for_you"], true, "{spec}");
    let nearest = spec["nearest"]["title"].as_str().unwrap();
    assert!(
        nearest.contains("Speculative"),
        "a speculative-decoding item: {spec}"
    );
    let kv = relevance(&json, "2602.00003");
    assert_eq!(kv["for_you"], true);
    assert_eq!(kv["matched"], serde_json::json!(["KV cache"]));
    let robot = relevance(&json, "2602.00004");
    assert_eq!(robot["for_you"], false, "{robot}");
    assert!(spec["score"].as_f64().unwrap() > robot["score"].as_f64().unwrap());
    // The day keeps its upvote order; the block lists the picks best first with why.
    let md = read(&d.out.join(format!("{DATE}.md")));
    let block = md.find("## 为你推荐\n\n### efficiency\n\n1. ⭐ ").unwrap();
    assert!(block < md.find("## 📄").unwrap(), "{md}");
    assert!(md.contains(&format!("与你收藏的《{nearest}》相近")), "{md}");
    assert!(md.contains("- **为你推荐**: ⭐ efficiency（"), "{md}");
    // 6 papers + 2 titled library items + 1 keyword, four to a request.
    assert_eq!(log.texts(), 9);
    assert!(log.requests().iter().all(|r| r.len() <= 4));

    // A second night of the same day: nothing new to embed.
    let again = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(log.texts(), 9, "a rerun embeds nothing");
    // A new day: only its papers.
    let next: Vec<FakePaper> = (7..=8).map(|n| FakePaper::numbered(n, 3)).collect();
    stand.add_day("2026-02-11", &next).await;
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", "2026-02-11"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(log.texts(), 11, "only the two new papers");
    // `rank --json` gives the same order, best first.
    let out = paperbrief_run(&stand, &d, &vars, &["rank", "--date", DATE, "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ranked: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(ranked.len(), 6);
    let scores: Vec<f64> = ranked
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for key in ["id", "title", "score", "for_you", "matched"] {
        assert!(ranked[0].get(key).is_some(), "{key}");
    }
    // Another model: its vectors are never compared with the first's; everything again.
    let (other, other_log) = embeddings_endpoint("bow-2", Duration::ZERO).await;
    let other_base = format!("{}/v1", other.uri());
    let vars2 = [
        ("PAPERBRIEF_EMBEDDINGS_BASE_URL", other_base.as_str()),
        ("PAPERBRIEF_EMBEDDINGS_MODEL", "bow-2"),
    ];
    let out = paperbrief_run(&stand, &d, &vars2, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The day's 6 papers and 3 profile texts, and the other day's 2 papers (for 相关论文).
    assert_eq!(other_log.texts(), 11);
    let out = paperbrief_run(&stand, &d, &vars2, &["interests", "check"]).await;
    assert!(
        stdout(&out).contains("profile efficiency: 2 library items (2 with an abstract, 1 without a title skipped), 2 embedded"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profiles_channel_gets_only_its_papers_and_nothing_on_a_day_without() {
    let stand = stand().await;
    let group = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/feishu"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"code":0}"#))
        .mount(&group)
        .await;
    let d = dirs();
    let lib = d.home.join("ids.txt");
    std::fs::write(&lib, "2211.17192\n").unwrap();
    let channel = "[[notify]]\nname = \"eff\"\nkind = \"feishu\"\nurl_env = \"PB_URL\"\nprofile = \"efficiency\"\n";
    std::fs::write(d.home.join("paperbrief.toml"), config(&lib, channel)).unwrap();
    let url = format!("{}/feishu", group.uri());
    let vars = [("PB_URL", url.as_str())];
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent = group.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    let card = String::from_utf8_lossy(&sent[0].body).into_owned();
    assert!(card.contains("为你推荐：efficiency"), "{card}");
    assert!(card.contains("KV Cache Quantization at Scale"), "{card}");
    assert!(card.contains("匹配 KV cache"), "the reason: {card}");
    for other in ["Robot Grasping", "Diffusion Models"] {
        assert!(!card.contains(other), "{other}: {card}");
    }
    // A day with nothing for the profile: no message, and a rerun sends nothing either.
    let next = vec![FakePaper {
        title: "Robot Arms".into(),
        ..FakePaper::numbered(9, 1)
    }];
    stand.add_day("2026-02-11", &next).await;
    for _ in 0..2 {
        let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", "2026-02-11"]).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "notify eff: nothing sent: no paper of the day is for profile `efficiency`"
            ) || stderr(&out).contains("notify eff: already sent"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(group.received_requests().await.unwrap().len(), 1);
    // Without [embeddings], `check` says the profiles score by keywords and authors only.
    let out = paperbrief_run(&stand, &d, &vars, &["check"]).await;
    assert!(
        stdout(&out).contains("WARN interests (1 profiles): no [embeddings]"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn zotero_is_paged_backed_off_and_retried_and_its_key_never_shown() {
    let stand = stand().await;
    let zotero = MockServer::start().await;
    let item = |title: &str, extra: &str| serde_json::json!({"key": "K", "data": {"title": title, "abstractNote": "a", "extra": extra}});
    Mock::given(method("GET"))
        .and(path("/users/42/collections/COLL/items/top"))
        .and(query_param("start", "0"))
        .and(header("Zotero-API-Key", "zk-secret-77"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Total-Results", "3")
                .insert_header("Backoff", "1")
                .set_body_json(serde_json::json!([
                    item("One", "arXiv: 2205.14135"),
                    item("", "")
                ])),
        )
        .mount(&zotero)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/42/collections/COLL/items/top"))
        .and(query_param("start", "2"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&zotero)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/42/collections/COLL/items/top"))
        .and(query_param("start", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Total-Results", "3")
                .set_body_json(serde_json::json!([item("Three", "")])),
        )
        .mount(&zotero)
        .await;
    let d = dirs();
    let toml = format!(
        "[[interests]]\nname = \"z\"\nzotero = {{ user_id = \"42\", collection = \"COLL\", api_key_env = \"ZOTERO_KEY\", base_url = \"{}\" }}\n",
        zotero.uri()
    );
    std::fs::write(d.home.join("paperbrief.toml"), toml).unwrap();
    let vars = [("ZOTERO_KEY", "zk-secret-77")];
    let started = std::time::Instant::now();
    let out = paperbrief_run(&stand, &d, &vars, &["interests", "check"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("profile z: 2 library items (2 with an abstract, 1 without a title skipped)"),
        "{}",
        stdout(&out)
    );
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Backoff and Retry-After were waited"
    );
    assert_eq!(zotero.received_requests().await.unwrap().len(), 3);
    for text in [stdout(&out), stderr(&out)] {
        assert!(!text.contains("zk-secret-77"), "{text}");
    }
    // Without the key: setup stops, naming the variable.
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ZOTERO_KEY is not set"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_library_or_an_unserved_model_stops_setup() {
    let stand = stand().await;
    let d = dirs();
    let lib = d.home.join("lib.ris");
    std::fs::write(&lib, "TY  - JOUR\nTI  - ok\nER  - \nthis is not RIS\n").unwrap();
    std::fs::write(d.home.join("paperbrief.toml"), config(&lib, "")).unwrap();
    let out = paperbrief_run(&stand, &d, &[], &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("lib.ris does not parse at line 4"),
        "{}",
        stderr(&out)
    );
    assert!(stand.llm.brief_requests().is_empty(), "before any paper");

    std::fs::write(&lib, "TY  - JOUR\nTI  - ok\nER  - \n").unwrap();
    let (embed, _) = embeddings_endpoint("bow", Duration::ZERO).await;
    let base = format!("{}/v1", embed.uri());
    let vars = [
        ("PAPERBRIEF_EMBEDDINGS_BASE_URL", base.as_str()),
        ("PAPERBRIEF_EMBEDDINGS_MODEL", "bge-m3"),
    ];
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("embeddings model `bge-m3` is not served; it serves: bow"),
        "{}",
        stderr(&out)
    );
}
