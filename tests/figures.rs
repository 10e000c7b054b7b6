//! End-to-end: each paper's key figure, read from the page, downloaded through the real HTTP
//! stack from the loopback arXiv, checked and re-encoded — and every hostile figure a page can
//! carry refused with a note while its paper is still briefed.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, dirs, paperbrief_run, read, report_json};
use common::stderr;
use paperbrief_testkit::{FakeFigure, FakeLlm, FakePaper, Script, StandIn, png_bytes, png_header};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SVG: &[u8] = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#;

/// Papers 1..=8: a good figure with a hostile caption, then one hostile figure each.
fn papers(elsewhere: &MockServer) -> Vec<FakePaper> {
    let mut list: Vec<FakePaper> = (1..=8)
        .map(|n| FakePaper::numbered(n, 20 - i64::from(n)))
        .collect();
    let id = |i: usize| list_id(i);
    let mut good = FakeFigure::png(&id(1), 2400, 600);
    good.caption = "Overview of <b>our</b> pipeline &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))".into();
    let big_body = {
        let mut b = png_bytes(8, 8);
        b.resize(50 * 1024 * 1024, 0);
        b
    };
    let moved = ResponseTemplate::new(302).insert_header(
        "location",
        format!("{}/html/{}v1/x1.png", elsewhere.uri(), id(7)).as_str(),
    );
    let figures = [
        good,
        // A vector image is never chosen, so never fetched.
        FakeFigure::serving(&id(2), "x1.svg", SVG.to_vec(), "image/svg+xml"),
        FakeFigure::serving(&id(3), "x1.png", SVG.to_vec(), "image/png"),
        FakeFigure::serving(&id(4), "x1.png", png_header(60_000, 60_000), "image/png"),
        FakeFigure::serving(&id(5), "x1.png", big_body, "image/png"),
        FakeFigure::serving(
            &id(6),
            "x1.png",
            b"<!DOCTYPE html><html>Not Found</html>".to_vec(),
            "image/png",
        ),
        FakeFigure::at(
            &format!("{}v1/x1.png", id(7)),
            &format!("/html/{}v1/x1.png", id(7)),
            moved,
        ),
        FakeFigure::at(
            "../../evil.png",
            "/evil.png",
            ResponseTemplate::new(200).set_body_raw(png_bytes(10, 10), "image/png"),
        ),
    ];
    for (paper, figure) in list.iter_mut().zip(figures) {
        paper.figure = Some(figure);
    }
    list
}

fn list_id(n: usize) -> String {
    format!("2602.{n:05}")
}

#[tokio::test(flavor = "multi_thread")]
async fn key_figures_are_checked_re_encoded_and_hostile_ones_refused_without_failing_a_paper() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png_bytes(10, 10), "image/png"))
        .mount(&elsewhere)
        .await;
    let list = papers(&elsewhere);
    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    let site = d.home.join("site");
    let vars = [("PAPERBRIEF_SITE_DIR", site.to_str().unwrap())];
    let out = paperbrief_run(&stand, &d, &vars, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = report_json(&d);
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 8);
    for e in entries {
        assert_eq!(e["status"], "ok", "a figure never fails a paper: {e}");
    }
    let figure = |n: usize| {
        let e = entries
            .iter()
            .find(|e| e["paper"]["id"] == list_id(n))
            .unwrap();
        e["source"]["figure"].clone()
    };

    // The good figure: scaled to 1200 wide, kept under the hash of its bytes, caption as text.
    let good = figure(1);
    assert_eq!(good["anchor"], "S2.F1");
    assert_eq!(
        good["url"],
        format!("{}/html/{}v1/x1.png", stand.server.uri(), list_id(1))
    );
    assert_eq!(
        (
            good["file"]["width"].as_u64(),
            good["file"]["height"].as_u64()
        ),
        (Some(1200), Some(300))
    );
    let name = good["file"]["name"].as_str().unwrap();
    assert!(name.ends_with(".png") && name.len() == 36, "{name}");
    let kept = std::fs::read(d.cache.join("state/figures").join(name)).unwrap();
    assert_eq!(image::guess_format(&kept).unwrap(), image::ImageFormat::Png);
    let caption = good["caption"].as_str().unwrap();
    assert!(
        caption.starts_with("Figure 1: Overview of our pipeline"),
        "{caption}"
    );
    assert!(!caption.contains("<b>"), "{caption}");

    // Each hostile one: no copy, a note saying why.
    assert!(
        figure(2).is_null(),
        "an SVG is never the key figure: {}",
        figure(2)
    );
    let note = |n: usize| {
        let f = figure(n);
        assert!(f.get("file").is_none(), "paper {n}: {f}");
        f["note"]
            .as_str()
            .unwrap_or_else(|| panic!("paper {n}: {f}"))
            .to_owned()
    };
    assert!(note(3).contains("SVG"), "{}", note(3));
    assert!(note(4).contains("60000 × 60000"), "{}", note(4));
    assert!(note(5).contains("max_figure_bytes"), "{}", note(5));
    assert!(note(6).contains("HTML page"), "{}", note(6));
    assert!(note(7).contains("redirect"), "{}", note(7));
    assert!(note(8).contains("/html/"), "{}", note(8));

    // Nothing was asked of another host, nor outside /html/, nor for the SVG.
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
    let asked: Vec<String> = stand
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert!(
        !asked
            .iter()
            .any(|p| p == "/evil.png" || p.ends_with(".svg")),
        "{asked:?}"
    );
    assert_eq!(
        std::fs::read_dir(d.cache.join("state/figures"))
            .unwrap()
            .count(),
        1
    );

    // The report shows the good figure only, its caption inert.
    let md = read(&d.out.join(format!("{DATE}.md")));
    assert_eq!(md.matches("![").count(), 1, "{md}");
    assert!(
        md.contains(&format!(
            "({}/html/{}v1/x1.png)",
            stand.server.uri(),
            list_id(1)
        )),
        "{md}"
    );
    assert!(
        !md.contains("<script") && !md.contains("](javascript:"),
        "{md}"
    );

    // The site: the copy under figures/, shown from there, linked to the figure on arXiv.
    assert_eq!(
        std::fs::read(site.join("figures").join(name)).unwrap(),
        kept
    );
    // (minijinja writes `/` in attributes as `&#x2f;`, which a browser reads as `/`.)
    let page = read(&site.join(format!("{DATE}.html"))).replace("&#x2f;", "/");
    assert_eq!(
        page.matches("<figure class=\"key-figure\"").count(),
        1,
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "src=\"figures/{name}\" width=\"1200\" height=\"300\""
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "href=\"{}/html/{}v1#S2.F1\"",
            stand.server.uri(),
            list_id(1)
        )),
        "{page}"
    );
    assert!(
        !page.contains("<script>alert") && !page.contains("<b>our"),
        "{page}"
    );
    let feed = read(&site.join("feed.xml"));
    assert!(feed.contains(&format!("figures/{name}")), "{feed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn figures_off_fetches_no_image_and_a_second_run_reads_the_figure_from_the_cache() {
    let elsewhere = MockServer::start().await;
    let list: Vec<FakePaper> = papers(&elsewhere).into_iter().take(1).collect();
    let stand = StandIn::start(
        DATE,
        &list,
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let image_requests = |reqs: Vec<wiremock::Request>| {
        reqs.iter()
            .filter(|r| r.url.path().ends_with(".png"))
            .count()
    };

    let off = dirs();
    let out = paperbrief_run(
        &stand,
        &off,
        &[("PAPERBRIEF_SOURCES_FIGURES", "false")],
        &["run", "--date", DATE],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        report_json(&off)["entries"][0]["source"]
            .get("figure")
            .is_none()
    );
    assert_eq!(
        image_requests(stand.server.received_requests().await.unwrap()),
        0
    );

    let on = dirs();
    for _ in 0..2 {
        let out = paperbrief_run(&stand, &on, &[], &["run", "--date", DATE, "--force"]).await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(report_json(&on)["entries"][0]["source"]["figure"]["file"]["name"].is_string());
    }
    assert_eq!(
        image_requests(stand.server.received_requests().await.unwrap()),
        1,
        "the second run reads the cache"
    );
}
