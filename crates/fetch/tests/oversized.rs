//! A 200 MB page is refused while it streams: the client stops reading at the limit and its
//! memory stays flat. Alone in its own test binary so the memory reading is not disturbed.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use paperbrief_core::{ArxivId, ConfigBuilder};
use paperbrief_fetch::{FetchError, Sources};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Peak resident memory of this process, in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Serves `/html/…` as 200 MB of chunked body (no Content-Length); counts the bytes it got out.
async fn endless_server(sent: Arc<AtomicU64>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let sent = Arc::clone(&sent);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\n\r\n";
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                let framed = [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk,
                    b"\r\n".to_vec(),
                ]
                .concat();
                for _ in 0..(200 * 1024 * 1024 / (64 * 1024)) {
                    if sock.write_all(&framed).await.is_err() {
                        return;
                    }
                    sent.fetch_add(64 * 1024, Ordering::Relaxed);
                }
                let _ = sock.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_200_mb_page_is_refused_while_streaming_with_flat_memory() {
    let sent = Arc::new(AtomicU64::new(0));
    let uri = endless_server(Arc::clone(&sent)).await;
    let dir = tempfile::tempdir().unwrap();
    let config = ConfigBuilder::new()
        .set("sources.arxiv_base", &uri, "test")
        .unwrap()
        .set("sources.arxiv_api_base", "http://127.0.0.1:9", "test")
        .unwrap()
        .set("sources.max_attempts", "1", "test")
        .unwrap()
        .set("sources.arxiv_min_interval_ms", "0", "test")
        .unwrap()
        .set("cache.dir", &dir.path().display().to_string(), "test")
        .unwrap()
        .build()
        .unwrap();
    let sources = Sources::from_config(&config, false).unwrap();
    let before = peak_rss_kib();
    let url = sources
        .arxiv
        .html_url(&ArxivId::parse("2602.00001").unwrap())
        .unwrap();
    let err = sources.http.get(&url).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::TooLarge {
                limit: 20_000_000,
                ..
            }
        ),
        "{err}"
    );
    let grown_mib = (peak_rss_kib().saturating_sub(before)) / 1024;
    let sent_mib = sent.load(Ordering::Relaxed) / (1024 * 1024);
    eprintln!(
        "server wrote {sent_mib} MiB before the client hung up; peak RSS grew {grown_mib} MiB"
    );
    assert!(sent_mib < 100, "the client kept reading: {sent_mib} MiB");
    assert!(
        grown_mib < 80,
        "memory grew {grown_mib} MiB for a 20 MB limit"
    );
}
