//! arXiv through the real HTTP stack against wiremock on 127.0.0.1: full text, the abstract
//! fallbacks, the cache, size caps, pacing, batching, invalid UTF-8.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{ABS_PAGE, FEED, NO_HTML, SMALL_HTML, config, id};
use paperbrief_core::{ArxivId, SourceKind};
use paperbrief_fetch::Sources;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[tokio::test]
async fn html_full_text_is_read_once_then_served_from_the_cache() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/html/2602.00001v1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(SMALL_HTML))
        .expect(1)
        .mount(&server)
        .await;
    let c = config(&server, dir.path(), &[]);
    let sources = Sources::from_config(&c, true).unwrap();
    let first = sources
        .arxiv
        .fetch_source(&id("2602.00001v1"), None)
        .await
        .unwrap();
    assert_eq!(first.doc.kind, SourceKind::Html);
    assert_eq!(first.doc.title, "Tiny Transformers Are Enough");
    assert!(!first.from_cache);
    // A second client over the same cache directory: no request.
    let again = Sources::from_config(&c, true).unwrap();
    let second = again
        .arxiv
        .fetch_source(&id("2602.00001v1"), None)
        .await
        .unwrap();
    assert!(second.from_cache);
    assert_eq!(second.doc, first.doc);
}

#[tokio::test]
async fn a_corrupt_cache_entry_is_refetched() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/html/2602.00001v1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(SMALL_HTML))
        .expect(2)
        .mount(&server)
        .await;
    let c = config(&server, dir.path(), &[]);
    let sources = Sources::from_config(&c, true).unwrap();
    sources
        .arxiv
        .fetch_source(&id("2602.00001v1"), None)
        .await
        .unwrap();
    let entry = dir.path().join("pages/html/2602.00001v1.html");
    let raw = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, &raw[..raw.len() / 2]).unwrap();
    let again = sources
        .arxiv
        .fetch_source(&id("2602.00001v1"), None)
        .await
        .unwrap();
    assert_eq!(again.doc.kind, SourceKind::Html);
    assert!(!again.from_cache);
}

#[tokio::test]
async fn html_404_falls_back_to_the_abstract_page_and_is_remembered() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/html/2602.99999v2"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/abs/2602.99999v2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(ABS_PAGE))
        .expect(1)
        .mount(&server)
        .await;
    let c = config(&server, dir.path(), &[]);
    let sources = Sources::from_config(&c, true).unwrap();
    let got = sources
        .arxiv
        .fetch_source(&id("2602.99999v2"), None)
        .await
        .unwrap();
    assert_eq!(got.doc.kind, SourceKind::Abs);
    assert_eq!(got.doc.title, "A Paper Without HTML");
    assert!(got.doc.abstract_text.contains("91.2% accuracy"));
    assert_eq!(got.doc.sections[0].heading, "Comments");
    let fallback = got.fallback.unwrap();
    assert!(fallback.reason.contains("404"), "{fallback:?}");
    assert!(!fallback.transient, "a 404 is final");
    // Rerun: the 404 and the abstract page both come from the cache.
    let again = sources
        .arxiv
        .fetch_source(&id("2602.99999v2"), None)
        .await
        .unwrap();
    assert_eq!(again.doc, got.doc);
}

#[tokio::test]
async fn no_html_page_served_with_200_falls_back_to_the_export_api() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/html/2602.99999"))
        .respond_with(ResponseTemplate::new(200).set_body_string(NO_HTML))
        .mount(&server)
        .await;
    Mock::given(path("/abs/2602.99999"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    Mock::given(path("/api/query"))
        .and(query_param("id_list", "2602.99999"))
        .respond_with(ResponseTemplate::new(200).set_body_string(FEED))
        .expect(1)
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), false).unwrap();
    let got = sources
        .arxiv
        .fetch_source(&id("2602.99999"), None)
        .await
        .unwrap();
    assert_eq!(got.doc.kind, SourceKind::Abs);
    assert_eq!(
        got.doc.abstract_text,
        "We present a method that is 3.5 times faster."
    );
    let fallback = got.fallback.unwrap();
    assert_eq!(fallback.reason, "no HTML version on arXiv");
    assert!(!fallback.transient, "the No HTML page is final");
}

#[tokio::test]
async fn a_persistent_503_is_a_transient_fallback_never_cached() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/html/2602.99999v1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(3)
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(path("/html/2602.99999v1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(SMALL_HTML))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/abs/2602.99999v1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(ABS_PAGE))
        .mount(&server)
        .await;
    let c = config(&server, dir.path(), &[]);
    let sources = Sources::from_config(&c, true).unwrap();
    let got = sources
        .arxiv
        .fetch_source(&id("2602.99999v1"), None)
        .await
        .unwrap();
    assert_eq!(got.doc.kind, SourceKind::Abs);
    let fallback = got.fallback.unwrap();
    assert!(fallback.transient, "{fallback:?}");
    assert!(fallback.reason.contains("503"), "{fallback:?}");
    // Nothing about the HTML was cached: neither a page nor a "no HTML" mark.
    assert!(!dir.path().join("pages/html/2602.99999v1.html").exists());
    // arXiv is healthy again: the full text is asked for, and read.
    let healed = sources
        .arxiv
        .fetch_full_text(&id("2602.99999v1"))
        .await
        .unwrap();
    assert_eq!(healed.doc.kind, SourceKind::Html);
}

#[tokio::test]
async fn a_page_that_is_not_the_paper_is_transient_and_a_failed_conversion_final() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/html/2602.99998v1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(ABS_PAGE))
        .mount(&server)
        .await;
    Mock::given(path("/html/2602.99997v1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(include_str!("../fixtures/failed_conversion.html")),
        )
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), true).unwrap();
    let odd = sources
        .arxiv
        .fetch_full_text(&id("2602.99998v1"))
        .await
        .unwrap_err();
    assert!(odd.transient, "{odd:?}");
    let failed = sources
        .arxiv
        .fetch_full_text(&id("2602.99997v1"))
        .await
        .unwrap_err();
    assert!(!failed.transient, "{failed:?}");
}

#[tokio::test]
async fn every_source_failing_is_one_error_naming_each_reason() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), false).unwrap();
    let err = sources
        .arxiv
        .fetch_source(&id("2602.99999"), None)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("no text for 2602.99999:"), "{text}");
    assert!(
        text.contains("no HTML version")
            && text.contains("abstract page")
            && text.contains("export API"),
        "{text}"
    );
}

#[tokio::test]
async fn oversized_pages_are_refused_and_the_abstract_is_used() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/html/2602.99999"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(50_000)))
        .mount(&server)
        .await;
    Mock::given(path("/abs/2602.99999"))
        .respond_with(ResponseTemplate::new(200).set_body_string(ABS_PAGE))
        .mount(&server)
        .await;
    let c = config(&server, dir.path(), &[("sources.max_page_bytes", "10000")]);
    let sources = Sources::from_config(&c, false).unwrap();
    let got = sources
        .arxiv
        .fetch_source(&id("2602.99999"), None)
        .await
        .unwrap();
    assert_eq!(got.doc.kind, SourceKind::Abs);
    let why = got.fallback.unwrap();
    assert!(why.reason.contains("larger than 10000 bytes"), "{why:?}");
    assert!(!why.transient, "an oversized page stays oversized");
}

#[derive(Clone)]
struct Clock(Arc<Mutex<Vec<Instant>>>);

impl Respond for Clock {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.lock().unwrap().push(Instant::now());
        ResponseTemplate::new(404)
    }
}

#[tokio::test]
async fn arxiv_requests_are_paced_whatever_the_concurrency() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock(Arc::default());
    Mock::given(method("GET"))
        .respond_with(clock.clone())
        .mount(&server)
        .await;
    let c = config(
        &server,
        dir.path(),
        &[
            ("sources.arxiv_min_interval_ms", "200"),
            ("sources.max_attempts", "1"),
        ],
    );
    let sources = Sources::from_config(&c, false).unwrap();
    let ids: Vec<ArxivId> = (1..=4).map(|i| id(&format!("2602.0000{i}"))).collect();
    let tasks = ids.iter().map(|i| sources.arxiv.fetch_source(i, None));
    let _ = futures::future::join_all(tasks).await;
    let times = clock.0.lock().unwrap().clone();
    assert_eq!(times.len(), 12, "4 papers × (html, abs, api)");
    let mut sorted = times;
    sorted.sort();
    for pair in sorted.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(190), "requests {gap:?} apart");
    }
}

#[tokio::test]
async fn lookup_batches_many_ids_per_request() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/api/query"))
        .and(query_param("id_list", "2602.99999,2602.88888"))
        .respond_with(ResponseTemplate::new(200).set_body_string(FEED))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/query"))
        .and(query_param("id_list", "2602.77777"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"<feed xmlns="http://www.w3.org/2005/Atom"></feed>"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = config(&server, dir.path(), &[("sources.arxiv_api_batch", "2")]);
    let sources = Sources::from_config(&c, false).unwrap();
    let found = sources
        .arxiv
        .lookup(&[id("2602.99999"), id("2602.88888"), id("2602.77777")])
        .await
        .unwrap();
    let ids: Vec<_> = found.iter().map(|f| f.id.clone().unwrap()).collect();
    assert_eq!(ids, ["2602.99999v2", "2602.88888v1"]);
}

#[tokio::test]
async fn invalid_utf8_pages_are_read_with_replacement_characters() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut page = SMALL_HTML.as_bytes().to_vec();
    let at = SMALL_HTML.find("Recurrent networks").unwrap();
    page.splice(at..at, [0xff, 0xfe, 0xc3, 0x28]);
    Mock::given(path("/html/2602.00001v1"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(page))
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), false).unwrap();
    let got = sources
        .arxiv
        .fetch_source(&id("2602.00001v1"), None)
        .await
        .unwrap();
    assert_eq!(got.doc.kind, SourceKind::Html);
    assert!(
        got.doc.sections[0].text.contains("\u{fffd}"),
        "{}",
        got.doc.sections[0].text
    );
    assert!(got.doc.sections[0].text.contains("Recurrent networks"));
}
