//! The real HTTP stack against wiremock on 127.0.0.1: status codes, retries, pacing, size caps,
//! timeouts, the fallback chain and the cache.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use paperbrief_core::{ArxivId, Config, ConfigBuilder, ReportDate, SourceKind};
use paperbrief_fetch::{FetchError, Sources};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SMALL_HTML: &str = include_str!("../fixtures/latexml_small.html");
const NO_HTML: &str = include_str!("../fixtures/no_html.html");
const ABS_PAGE: &str = include_str!("../fixtures/abs_page.html");
const FEED: &str = include_str!("../fixtures/feed.xml");

fn config(server: &MockServer, cache: &std::path::Path, extra: &[(&str, &str)]) -> Config {
    let mut b = ConfigBuilder::new();
    for (k, v) in [
        ("sources.hf_endpoint", server.uri()),
        ("sources.arxiv_base", server.uri()),
        ("sources.arxiv_api_base", server.uri()),
        ("sources.arxiv_min_interval_ms", "0".into()),
        ("sources.retry_base_delay_ms", "10".into()),
        ("sources.max_attempts", "3".into()),
        ("sources.timeout_secs", "2".into()),
        ("cache.dir", cache.display().to_string()),
    ] {
        b = b.set(k, &v, "test").unwrap();
    }
    for (k, v) in extra {
        b = b.set(k, v, "test").unwrap();
    }
    b.build().unwrap()
}

fn date() -> ReportDate {
    ReportDate::parse("2026-02-10").unwrap()
}

fn id(s: &str) -> ArxivId {
    ArxivId::parse(s).unwrap()
}

fn items(range: std::ops::Range<u32>) -> serde_json::Value {
    serde_json::Value::Array(
        range
            .map(|i| {
                serde_json::json!({"paper": {"id": format!("2602.{i:05}"), "title": format!("Paper {i}"),
                "summary": "S", "authors": [{"name": "A"}], "upvotes": i % 7}})
            })
            .collect(),
    )
}

#[tokio::test]
async fn hf_list_reads_every_page_with_the_documented_query() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let c = config(&server, dir.path(), &[]);
    for (p, body) in [("0", items(0..50)), ("1", items(50..53))] {
        Mock::given(method("GET"))
            .and(path("/api/daily_papers"))
            .and(query_param("date", "2026-02-10"))
            .and(query_param("limit", "50"))
            .and(query_param("p", p))
            .and(header("user-agent", c.user_agent().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let sources = Sources::from_config(&c, false).unwrap();
    let list = sources.hf.daily_papers(date()).await.unwrap();
    assert_eq!(list.papers.len(), 53);
    // Report order: upvotes descending, ties in API order.
    let votes: Vec<i64> = list.papers.iter().map(|p| p.upvotes).collect();
    assert!(votes.windows(2).all(|w| w[0] >= w[1]), "{votes:?}");
    assert_eq!(list.papers[0].id.to_string(), "2602.00006");
    assert_eq!(list.papers[1].id.to_string(), "2602.00013");
}

#[tokio::test]
async fn hf_list_waits_for_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(items(0..2)))
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), false).unwrap();
    let started = Instant::now();
    let list = sources.hf.daily_papers(date()).await.unwrap();
    assert_eq!(list.papers.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn hf_list_retries_5xx_then_gives_up_with_a_classified_error() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(items(0..1)))
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), false).unwrap();
    assert_eq!(
        sources.hf.daily_papers(date()).await.unwrap().papers.len(),
        1
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    let down = MockServer::start().await;
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&down)
        .await;
    let sources = Sources::from_config(&config(&down, dir.path(), &[]), false).unwrap();
    let err = sources.hf.daily_papers(date()).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(err.to_string().contains("HTTP 502"), "{err}");
    assert_eq!(
        down.received_requests().await.unwrap().len(),
        3,
        "max_attempts = 3"
    );
}

#[tokio::test]
async fn malformed_json_is_a_clear_error_without_retries() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[{\"paper\": {\"id\": \"2602.0"))
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), false).unwrap();
    let err = sources.hf.daily_papers(date()).await.unwrap_err();
    assert!(matches!(err, FetchError::MalformedList { .. }), "{err}");
    assert!(err.to_string().contains("invalid JSON"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn weekend_is_an_empty_list() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    let sources = Sources::from_config(&config(&server, dir.path(), &[]), false).unwrap();
    assert!(
        sources
            .hf
            .daily_papers(date())
            .await
            .unwrap()
            .papers
            .is_empty()
    );
}

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
    assert!(got.fallback.unwrap().contains("404"));
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
    assert_eq!(got.fallback.as_deref(), Some("no HTML version on arXiv"));
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
    assert!(why.contains("larger than 10000 bytes"), "{why}");
}

#[tokio::test]
async fn a_hanging_server_times_out_and_is_retried() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    Mock::given(path("/api/daily_papers"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("[]")
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let c = config(
        &server,
        dir.path(),
        &[("sources.timeout_secs", "1"), ("sources.max_attempts", "2")],
    );
    let sources = Sources::from_config(&c, false).unwrap();
    let err = sources.hf.daily_papers(date()).await.unwrap_err();
    assert!(err.is_transient());
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// Records when each request arrived.
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
async fn a_truncated_body_is_retried() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(Mutex::new(0));
    let count = Arc::clone(&served);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let n = {
                let mut c = count.lock().unwrap();
                *c += 1;
                *c
            };
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let body = "[]";
            let reply = if n == 1 {
                // Promise 1000 bytes, send 10, hang up.
                "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n[{\"paper\":".to_owned()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = sock.write_all(reply.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let c = ConfigBuilder::new()
        .set("sources.hf_endpoint", &format!("http://{addr}"), "test")
        .unwrap()
        .set("sources.retry_base_delay_ms", "10", "test")
        .unwrap()
        .set("cache.dir", &dir.path().display().to_string(), "test")
        .unwrap()
        .build()
        .unwrap();
    let sources = Sources::from_config(&c, false).unwrap();
    let list = sources.hf.daily_papers(date()).await.unwrap();
    assert!(list.papers.is_empty());
    assert_eq!(*served.lock().unwrap(), 2);
}
