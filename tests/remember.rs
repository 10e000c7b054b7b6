//! End-to-end: a paper listed again on a later day costs no request (its brief for the same
//! version is reused), says where it was first listed, and the first day's entry links forward
//! to the later listing; a paper citing an archived one says so and the cited one lists it — in
//! the JSON, the Markdown and the site.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, dirs, paperbrief_run, read};
use common::stderr;
use paperbrief_testkit::{FakeLlm, FakePaper, Script, StandIn};

const EARLIER: &str = "2026-02-09";

fn json(d: &common::day::Dirs, date: &str) -> serde_json::Value {
    serde_json::from_str(&read(&d.out.join(format!("{date}.json")))).unwrap()
}

fn entry<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["paper"]["id"] == id)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn relisted_and_cited_papers_link_their_days_both_ways() {
    let (one, two, mut three) = (
        FakePaper::numbered(1, 5),
        FakePaper::numbered(2, 9),
        FakePaper::numbered(3, 7),
    );
    // Paper 3 (listed on the later day) cites paper 1 (the earlier day's) and one not archived.
    three.cites = vec!["2602.00001".into(), "2401.09999".into()];
    let stand = StandIn::start(
        EARLIER,
        &[one, two.clone()],
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    stand.add_day(DATE, &[two, three]).await;
    let d = dirs();
    let site = d.home.join("site");
    let vars = [("PAPERBRIEF_SITE_DIR", site.to_str().unwrap())];
    // Another day's report that cannot be read is passed over, never the night's report.
    std::fs::create_dir_all(&d.out).unwrap();
    std::fs::write(d.out.join("2026-02-11.json"), "{ truncated").unwrap();
    for date in [EARLIER, DATE] {
        let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", date]).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("not linked with 2026-02-11"),
            "{}",
            stderr(&out)
        );
    }
    let asked: Vec<String> = stand
        .llm
        .brief_requests()
        .iter()
        .map(|r| r.id.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        asked.len(),
        3,
        "the re-listed paper is not asked again: {asked:?}"
    );

    let later = json(&d, DATE);
    let relisted = entry(&later, "2602.00002");
    assert_eq!(relisted["status"], "ok");
    assert_eq!(
        relisted["first_listed"],
        serde_json::json!({"date": EARLIER, "version": 1})
    );
    assert!(entry(&later, "2602.00003").get("first_listed").is_none());
    let earlier = json(&d, EARLIER);
    assert_eq!(
        entry(&earlier, "2602.00002")["listed_again"],
        serde_json::json!([{"date": DATE, "version": 1}])
    );
    assert!(entry(&earlier, "2602.00001").get("listed_again").is_none());

    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(
        md.contains(&format!(
            "- **收录记录**: [首次收录于 {EARLIER}]({EARLIER}.md)"
        )),
        "{md}"
    );
    let md = read(&d.out.join(format!("{EARLIER}.md")));
    assert!(
        md.contains(&format!("- **收录记录**: [再次收录于 {DATE}]({DATE}.md)")),
        "the earlier day's Markdown is rewritten: {md}"
    );
    let page = read(&site.join(format!("{DATE}.html"))).replace("&#x2f;", "/");
    assert!(
        page.contains(&format!(
            "<a class=\"history\" href=\"{EARLIER}.html#2602.00002\">首次收录于 {EARLIER}</a>"
        )),
        "{page}"
    );
    let page = read(&site.join(format!("{EARLIER}.html"))).replace("&#x2f;", "/");
    assert!(
        page.contains(&format!(
            "<a class=\"history\" href=\"{DATE}.html#2602.00002\">再次收录于 {DATE}</a>"
        )),
        "the earlier day's page is rebuilt: {page}"
    );

    // A citation between two archived papers shows on both, in the JSON, Markdown and site.
    assert_eq!(
        entry(&later, "2602.00003")["source"]["cites"],
        serde_json::json!(["2602.00001", "2401.09999"])
    );
    assert_eq!(
        entry(&later, "2602.00003")["cites_archived"],
        serde_json::json!([{"id": "2602.00001", "title": "Paper Number 1", "date": EARLIER}])
    );
    assert_eq!(
        entry(&earlier, "2602.00001")["cited_by_archived"],
        serde_json::json!([{"id": "2602.00003", "title": "Paper Number 3", "date": DATE}])
    );
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(
        md.contains(&format!(
            "- **引用了本站收录的**: 《Paper Number 1》（[{EARLIER}]({EARLIER}.md)）"
        )),
        "{md}"
    );
    let md = read(&d.out.join(format!("{EARLIER}.md")));
    assert!(
        md.contains(&format!(
            "- **被本站收录的论文引用**: 《Paper Number 3》（[{DATE}]({DATE}.md)）"
        )),
        "{md}"
    );
    let page = read(&site.join(format!("{EARLIER}.html"))).replace("&#x2f;", "/");
    assert!(
        page.contains(&format!(
            "<a href=\"{DATE}.html#2602.00003\">被本站收录的《Paper Number 3》（{DATE}）引用</a>"
        )),
        "{page}"
    );

    // A rerun of the later day links once, not twice.
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        entry(&json(&d, EARLIER), "2602.00002")["listed_again"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

fn titled(n: u32, title: &str) -> FakePaper {
    FakePaper {
        title: title.into(),
        ..FakePaper::numbered(n, 10)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn related_papers_are_the_nearest_of_other_days_by_embeddings() {
    let earlier = [
        titled(1, "Speculative Decoding with Draft Trees"),
        titled(2, "Robot Grasping Policies from Demonstrations"),
        titled(3, "Diffusion Models for Layout Generation"),
        titled(4, "Quantized Kernels for Serving"),
    ];
    let later = [
        titled(5, "Speculative Decoding with Draft Heads"),
        titled(6, "Robot Grasping Policies from Video"),
    ];
    let stand = StandIn::start(
        EARLIER,
        &earlier,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    stand.add_day(DATE, &later).await;
    let (embed, log) = paperbrief_testkit::embeddings_endpoint("bow", Duration::ZERO).await;
    let base = format!("{}/v1", embed.uri());
    let d = dirs();
    let site = d.home.join("site");
    let vars = [
        ("PAPERBRIEF_EMBEDDINGS_BASE_URL", base.as_str()),
        ("PAPERBRIEF_EMBEDDINGS_MODEL", "bow"),
        ("PAPERBRIEF_SITE_DIR", site.to_str().unwrap()),
    ];
    for date in [EARLIER, DATE] {
        let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", date]).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let report = json(&d, DATE);
    let related = |id: &str| -> Vec<String> {
        entry(&report, id)["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert_eq!(p["date"], EARLIER);
                p["id"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let decoding = related("2602.00005");
    assert_eq!(decoding.len(), 3, "{decoding:?}");
    assert_eq!(decoding[0], "2602.00001", "{decoding:?}");
    assert_eq!(related("2602.00006")[0], "2602.00002");
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert!(
        md.contains("- **相关论文**: 《Speculative Decoding with Draft Trees》（[2026-02-09](2026-02-09.md)）、"),
        "{md}"
    );
    let page = read(&site.join(format!("{DATE}.html"))).replace("&#x2f;", "/");
    assert!(
        page.contains("<a href=\"2026-02-09.html#2602.00001\">相关论文：《Speculative Decoding with Draft Trees》（2026-02-09）</a>"),
        "{page}"
    );
    // Each text embedded once: the earlier day's papers, already embedded for the first run's
    // own list, are not asked for again.
    let texts = log.texts();
    assert_eq!(texts, 6, "{:?}", log.requests());

    // The embeddings endpoint down (another model: nothing cached for it): the report is still
    // written, the list as it was.
    drop(embed);
    let vars = [
        ("PAPERBRIEF_EMBEDDINGS_BASE_URL", "http://127.0.0.1:9/v1"),
        ("PAPERBRIEF_EMBEDDINGS_MODEL", "bow-2"),
        ("PAPERBRIEF_SITE_DIR", site.to_str().unwrap()),
    ];
    let out = paperbrief_run(
        &stand,
        &d,
        &vars,
        &["run", "--date", DATE, "--force", "--only", "2602.00006"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("相关论文 not updated"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        entry(&json(&d, DATE), "2602.00005")["related"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}
