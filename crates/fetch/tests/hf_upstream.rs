//! The HF daily list through the real HTTP stack against wiremock on 127.0.0.1: paging,
//! Retry-After, 5xx, malformed JSON, weekends, timeouts, truncated bodies.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{config, date, items};
use paperbrief_core::ConfigBuilder;
use paperbrief_fetch::{FetchError, Sources};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
async fn a_429_carries_its_retry_after_and_is_retried() {
    // How long the policy waits is proven on a paused clock (`retry` module); here: the header
    // reaches the error, and the request is made again.
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
    let once = config(&server, dir.path(), &[("sources.max_attempts", "1")]);
    let err = Sources::from_config(&once, false)
        .unwrap()
        .hf
        .daily_papers(date())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    // With retries (the wait capped to nothing, so the test does not sleep): the 429 is retried.
    Mock::given(path("/api/daily_papers"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let patient = config(
        &server,
        dir.path(),
        &[("sources.retry_max_delay_secs", "0")],
    );
    let list = Sources::from_config(&patient, false)
        .unwrap()
        .hf
        .daily_papers(date())
        .await
        .unwrap();
    assert_eq!(list.papers.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
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
