//! One builder for every `reqwest::Client` paperbrief makes, so timeouts and the User-Agent are
//! set in one place.

use std::time::{Duration, SystemTime};

use paperbrief_core::Config;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::HttpError;

/// What every client is built with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    /// The User-Agent header.
    pub user_agent: String,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
}

impl ClientSettings {
    /// The configuration's User-Agent and connect timeout with a whole-request `timeout` (the
    /// sources' for HF, arXiv and chat webhooks; the LLM's for model requests).
    pub fn from_config(config: &Config, timeout: Duration) -> Self {
        Self {
            user_agent: config.user_agent(),
            timeout,
            connect_timeout: Duration::from_secs(config.sources.connect_timeout_secs.get()),
        }
    }

    /// The client for upstream sources and chat webhooks (`[sources] timeout_secs`).
    pub fn sources(config: &Config) -> Self {
        Self::from_config(
            config,
            Duration::from_secs(config.sources.timeout_secs.get()),
        )
    }

    /// Builds the client; fails only if the TLS backend cannot start.
    pub fn build(&self) -> Result<reqwest::Client, HttpError> {
        reqwest::Client::builder()
            .user_agent(self.user_agent.clone())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|source| HttpError::Build { source })
    }

    /// A client that follows redirects only within the host (and port) first asked: a redirect
    /// elsewhere is not followed and comes back as the 3xx answer it is.
    pub fn build_same_host(&self) -> Result<reqwest::Client, HttpError> {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            let same = attempt
                .previous()
                .first()
                .is_some_and(|first| same_origin(first, attempt.url()));
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if same {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        reqwest::Client::builder()
            .user_agent(self.user_agent.clone())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(policy)
            .build()
            .map_err(|source| HttpError::Build { source })
    }
}

/// Redirects a same-host client follows before giving up (reqwest's default is 10).
const MAX_REDIRECTS: usize = 10;

fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Parses `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(120);
        h.insert(RETRY_AFTER, httpdate::fmt_http_date(later).parse().unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn the_client_is_built_from_the_config() {
        let config = Config::defaults();
        let s = ClientSettings::sources(&config);
        assert_eq!(s.user_agent, config.user_agent());
        assert_eq!(
            s.timeout,
            Duration::from_secs(config.sources.timeout_secs.get())
        );
        assert!(s.build().is_ok());
    }
}
