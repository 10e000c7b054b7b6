//! The upstream clients, built once from the configuration and shared.

use std::sync::Arc;

use paperbrief_core::Config;

use crate::arxiv::ArxivClient;
use crate::cache::{Cache, resolve_cache_dir};
use crate::error::FetchError;
use crate::hf::HfClient;
use crate::http::{HttpClient, HttpSettings};

/// The HF and arXiv clients over one shared [`HttpClient`].
#[derive(Debug, Clone)]
pub struct Sources {
    /// The shared HTTP client (for request counts).
    pub http: Arc<HttpClient>,
    /// The daily list.
    pub hf: HfClient,
    /// Full text and abstracts.
    pub arxiv: ArxivClient,
}

impl Sources {
    /// Builds every client from `[sources]` and `[cache]`; the page cache lives in
    /// [`resolve_cache_dir`] unless `use_cache` is false.
    pub fn from_config(config: &Config, use_cache: bool) -> Result<Self, FetchError> {
        let http = Arc::new(HttpClient::new(HttpSettings::from_config(config))?);
        let cache = if use_cache {
            let dir = resolve_cache_dir(config);
            if dir.is_none() {
                tracing::warn!(target: "paperbrief::cache", "no cache directory (set [cache] dir); pages will not be cached");
            }
            dir.map(|d| Cache::new(d.join("pages")))
        } else {
            None
        };
        Ok(Self {
            hf: HfClient::new(
                Arc::clone(&http),
                config.sources.hf_endpoint.expose(),
                config.sources.hf_page_size,
            ),
            arxiv: ArxivClient::new(Arc::clone(&http), config, cache),
            http,
        })
    }
}
