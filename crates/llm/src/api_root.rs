//! The API root a base URL means. vLLM's and llama.cpp's own address is `http://host:8000`, but
//! the OpenAI API lives under `/v1`: a base URL without it answers 404 for `/models`. Setup asks
//! once, and when `{base}/v1/models` answers where `{base}/models` did not, uses that (and says
//! so) instead of failing every paper.

use std::time::Duration;

use paperbrief_core::{Config, HttpUrl};
use paperbrief_http::ClientSettings;

/// How a base URL was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRoot {
    /// `{base}/models` did not answer 404 (it answered, or could not be reached at all): the
    /// base URL stays as it is, and setup says what is wrong with it, if anything.
    AsGiven,
    /// `{base}/models` answered 404 and `{base}/v1/models` answered: this is the API root.
    WithV1(HttpUrl),
    /// Both answered 404: the URL is not an OpenAI-compatible API root.
    NotFound,
}

/// Checks `base` with one `GET {base}/models` (and `GET {base}/v1/models` after a 404), each
/// without retries and within `sources.connect_timeout_secs`.
pub async fn check_api_root(config: &Config, base: &HttpUrl) -> ApiRoot {
    let quick = Duration::from_secs(config.sources.connect_timeout_secs.get());
    let Ok(http) = ClientSettings::from_config(config, quick).build() else {
        return ApiRoot::AsGiven;
    };
    let root = base.expose().trim_end_matches('/');
    if status(&http, &format!("{root}/models")).await != Some(404) {
        return ApiRoot::AsGiven;
    }
    if root.ends_with("/v1") {
        return ApiRoot::NotFound;
    }
    let v1 = format!("{root}/v1");
    match status(&http, &format!("{v1}/models")).await {
        Some(s) if (200..300).contains(&s) => {
            HttpUrl::parse(&v1).map_or(ApiRoot::NotFound, ApiRoot::WithV1)
        }
        _ => ApiRoot::NotFound,
    }
}

async fn status(http: &reqwest::Client, url: &str) -> Option<u16> {
    http.get(url).send().await.ok().map(|r| r.status().as_u16())
}
