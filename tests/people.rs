//! End-to-end: who a paper is from, read from the page and HF, never from the model — the
//! report's 作者 and 机构 lines, the JSON, the site's article and a chat message.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, dirs, paperbrief_run, read, report_json};
use common::stderr;
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread")]
async fn authors_and_affiliations_come_from_the_page_and_reach_every_reader() {
    let mut list = vec![FakePaper::numbered(1, 9), FakePaper::numbered(2, 8)];
    list[0].affiliation = Some("Tsinghua University<sup>1</sup> ; Google DeepMind".into());
    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let group = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&group)
        .await;
    let d = dirs();
    std::fs::write(
        d.home.join("paperbrief.toml"),
        "[[notify]]\nkind = \"webhook\"\nurl_env = \"PB_HOOK\"\n[[notify]]\nname = \"d\"\nkind = \"discord\"\nurl_env = \"PB_HOOK\"\n",
    )
    .unwrap();
    let site = d.home.join("site");
    let hook = format!("{}/hook", group.uri());
    let vars = [
        ("PB_HOOK", hook.as_str()),
        ("PAPERBRIEF_SITE_DIR", site.to_str().unwrap()),
    ];
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = report_json(&d);
    let source = &json["entries"][0]["source"];
    assert_eq!(
        source["affiliations"],
        serde_json::json!(["Tsinghua University", "Google DeepMind"]),
        "cleaned of marks and e-mail, split: {source}"
    );
    assert_eq!(source["authors"], serde_json::json!(["Ada Lovelace"]));
    assert!(json["entries"][1]["source"].get("affiliations").is_none());
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(
        md.contains("- **作者**: Ada Lovelace\n- **机构**: Tsinghua University · Google DeepMind\n- **热度**: ▲ 9"),
        "{md}"
    );
    assert!(!md.contains("ada@example.org"), "{md}");
    let page = std::fs::read_to_string(site.join(format!("{DATE}.html"))).unwrap();
    assert!(
        page.contains("<p class=\"org\">Tsinghua University · Google DeepMind</p>"),
        "{page}"
    );
    let posts: Vec<String> = group
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert!(
        posts
            .iter()
            .any(|p| p.contains("\"affiliations\":\"Tsinghua University · Google DeepMind\"")),
        "the webhook's paper: {posts:?}"
    );
    assert!(
        posts
            .iter()
            .any(|p| p.contains("〔Tsinghua University · Google DeepMind〕")),
        "the Discord line: {posts:?}"
    );
}
