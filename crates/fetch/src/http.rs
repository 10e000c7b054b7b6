//! The HTTP client every upstream request goes through: one builder sets the timeouts and the
//! User-Agent; a per-host pacer spaces requests to arXiv; bodies are size-capped while streaming;
//! transient failures are retried by a [`RetryPolicy`].

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use governor::Quota;
use paperbrief_core::Config;
use url::Url;

use crate::error::{FetchError, TransportKind};
use paperbrief_http::pace::KeyedGate;
use paperbrief_http::{ClientSettings, RetryPolicy, retry_after};

/// Everything the client needs, usually built from [`Config`] with [`HttpSettings::from_config`].
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// User-Agent and timeouts.
    pub client: ClientSettings,
    /// Bodies larger than this are refused while streaming.
    pub max_body_bytes: u64,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// Minimum spacing between requests to one paced host; zero disables pacing.
    pub pace_interval: Duration,
    /// The `host:port` keys that are paced (the arXiv hosts).
    pub paced_hosts: Vec<String>,
}

impl HttpSettings {
    /// Settings from the `[sources]` section; the arXiv page and API hosts are paced.
    pub fn from_config(config: &Config) -> Self {
        let s = &config.sources;
        let paced_hosts = [&s.arxiv_base, &s.arxiv_api_base]
            .into_iter()
            .filter_map(|u| host_key(u.url()))
            .collect();
        Self {
            client: ClientSettings::sources(config),
            max_body_bytes: s.max_page_bytes.get(),
            retry: RetryPolicy::sources(config),
            pace_interval: Duration::from_millis(s.arxiv_min_interval_ms),
            paced_hosts,
        }
    }
}

/// A successful (2xx) response, body read in full.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL after redirects.
    pub final_url: String,
    /// The body.
    pub body: Bytes,
}

impl Page {
    /// The body as text; invalid UTF-8 is replaced, never an error.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The shared HTTP client.
#[derive(Debug)]
pub struct HttpClient {
    client: reqwest::Client,
    /// For figures: follows redirects only within the host first asked.
    same_host: reqwest::Client,
    settings: HttpSettings,
    pacer: Option<KeyedGate<String>>,
    paced: HashSet<String>,
    requests: AtomicU64,
}

impl HttpClient {
    /// Builds the client; fails only if the TLS backend cannot start.
    pub fn new(settings: HttpSettings) -> Result<Self, FetchError> {
        let client = settings.client.build()?;
        let same_host = settings.client.build_same_host()?;
        let pacer = pace_quota(settings.pace_interval).map(KeyedGate::new);
        Ok(Self {
            client,
            same_host,
            paced: settings.paced_hosts.iter().cloned().collect(),
            settings,
            pacer,
            requests: AtomicU64::new(0),
        })
    }

    /// The settings the client was built with.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// How many requests went out (attempts, retries included).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET with pacing, size cap and retries. Non-2xx answers are [`FetchError::Status`].
    pub async fn get(&self, url: &Url) -> Result<Page, FetchError> {
        let limit = BodyLimit {
            bytes: self.settings.max_body_bytes,
            setting: "sources.max_page_bytes",
        };
        self.settings
            .retry
            .run("GET", || self.get_once(&self.client, url, limit))
            .await
    }

    /// GET of an image, with pacing and retries like any request, but a body capped at `limit`
    /// bytes (named by `setting` when refused) and redirects followed only within the host: a
    /// redirect elsewhere comes back as [`FetchError::Status`] with its 3xx status.
    pub async fn get_image(
        &self,
        url: &Url,
        limit: u64,
        setting: &'static str,
    ) -> Result<Page, FetchError> {
        let limit = BodyLimit {
            bytes: limit,
            setting,
        };
        self.settings
            .retry
            .run("GET", || self.get_once(&self.same_host, url, limit))
            .await
    }

    async fn get_once(
        &self,
        client: &reqwest::Client,
        url: &Url,
        limit: BodyLimit,
    ) -> Result<Page, FetchError> {
        self.pace(url).await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(target: "paperbrief::http", "GET {url}");
        let transport = |source: reqwest::Error| FetchError::Transport {
            url: url.to_string(),
            kind: classify(&source),
            // The URL is named once, here; reqwest's own text would repeat it.
            source: source.without_url(),
        };
        let mut response = client.get(url.clone()).send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            });
        }
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: limit.bytes,
            setting: limit.setting,
        };
        if response.content_length().is_some_and(|n| n > limit.bytes) {
            return Err(too_large());
        }
        let final_url = response.url().to_string();
        let mut body = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|source| FetchError::Transport {
                url: url.to_string(),
                kind: TransportKind::Body,
                source: source.without_url(),
            })?
        {
            if body.len() as u64 + chunk.len() as u64 > limit.bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Page {
            final_url,
            body: body.freeze(),
        })
    }

    async fn pace(&self, url: &Url) {
        let (Some(limiter), Some(key)) = (&self.pacer, host_key(url)) else {
            return;
        };
        if self.paced.contains(&key) {
            limiter.ready(&key).await;
        }
    }
}

/// A body size cap and the setting that sets it.
#[derive(Debug, Clone, Copy)]
struct BodyLimit {
    bytes: u64,
    setting: &'static str,
}

fn pace_quota(interval: Duration) -> Option<Quota> {
    if interval.is_zero() {
        return None;
    }
    Quota::with_period(interval).map(|q| q.allow_burst(NonZeroU32::MIN))
}

/// `host:port` of a URL, the pacing key.
pub fn host_key(url: &Url) -> Option<String> {
    Some(format!(
        "{}:{}",
        url.host_str()?,
        url.port_or_known_default()?
    ))
}

fn classify(e: &reqwest::Error) -> TransportKind {
    if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_connect() {
        TransportKind::Connect
    } else if e.is_body() || e.is_decode() || e.is_request() {
        TransportKind::Body
    } else {
        TransportKind::Other
    }
}

/// Joins a configured base URL with a path (and keeps any path prefix of the base, so a
/// mirror at `https://host/hf/` works).
pub fn join(base: &str, path: &str) -> Result<Url, FetchError> {
    let bad = |reason: String| FetchError::BadUrl {
        url: base.to_owned(),
        reason,
    };
    let mut base_url = Url::parse(base).map_err(|e| bad(e.to_string()))?;
    if !base_url.path().ends_with('/') {
        let p = format!("{}/", base_url.path());
        base_url.set_path(&p);
    }
    base_url
        .join(path.trim_start_matches('/'))
        .map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_keeps_base_paths() {
        assert_eq!(
            join("https://hf-mirror.com", "/api/x").unwrap().as_str(),
            "https://hf-mirror.com/api/x"
        );
        assert_eq!(
            join("http://127.0.0.1:9/mirror", "api/x").unwrap().as_str(),
            "http://127.0.0.1:9/mirror/api/x"
        );
        assert_eq!(
            join("http://h/m/", "/html/2602.07040").unwrap().as_str(),
            "http://h/m/html/2602.07040"
        );
        assert!(join("not a url", "x").is_err());
    }
}
