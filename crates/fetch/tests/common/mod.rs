//! Shared set-up for the upstream tests: a configuration pointing at a wiremock server.

#![allow(dead_code, unreachable_pub)]

use paperbrief_core::{ArxivId, Config, ConfigBuilder, ReportDate};
use wiremock::MockServer;

pub const SMALL_HTML: &str = include_str!("../../fixtures/latexml_small.html");
pub const NO_HTML: &str = include_str!("../../fixtures/no_html.html");
pub const ABS_PAGE: &str = include_str!("../../fixtures/abs_page.html");
pub const FEED: &str = include_str!("../../fixtures/feed.xml");

pub fn config(server: &MockServer, cache: &std::path::Path, extra: &[(&str, &str)]) -> Config {
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

pub fn date() -> ReportDate {
    ReportDate::parse("2026-02-10").unwrap()
}

pub fn id(s: &str) -> ArxivId {
    ArxivId::parse(s).unwrap()
}

pub fn items(range: std::ops::Range<u32>) -> serde_json::Value {
    serde_json::Value::Array(
        range
            .map(|i| {
                serde_json::json!({"paper": {"id": format!("2602.{i:05}"), "title": format!("Paper {i}"),
                "summary": "S", "authors": [{"name": "A"}], "upvotes": i % 7}})
            })
            .collect(),
    )
}
