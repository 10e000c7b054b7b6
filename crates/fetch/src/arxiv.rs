//! arXiv: full text from `/html/{id}`, and the abstract when there is none.
//!
//! The fallback chain for one paper: the LaTeXML HTML → the abstract the caller already has
//! (from a batched export-API lookup, or the HF list) → the abstract page → the export API.
//! Every response is cached on disk under its versioned id; a "no HTML" answer is cached too.

use std::sync::Arc;
use std::time::Duration;

use paperbrief_core::{ArxivId, Config, Fallback, KeyFigure, SourceDoc};
use url::Url;

use crate::cache::Cache;
use crate::error::FetchError;
use crate::extract::{AbstractInfo, Parsed, parse_document};
use crate::figure::{FigureImage, FigureRules};
use crate::http::{HttpClient, join};

/// Where a paper's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The arXiv HTML full text.
    FullText,
    /// The abstract the caller passed in.
    Known,
    /// The arXiv abstract page.
    AbstractPage,
    /// The arXiv export API.
    ExportApi,
}

/// A paper's text and how it was obtained.
#[derive(Debug, Clone)]
pub struct FetchOutcome {
    /// What was read.
    pub doc: SourceDoc,
    /// Where it came from.
    pub origin: Origin,
    /// Why the full text was not used, when it was not.
    pub fallback: Option<Fallback>,
    /// Whether every byte came from the cache (no request was made).
    pub from_cache: bool,
}

/// Reads papers from arXiv (or a mirror).
#[derive(Debug, Clone)]
pub struct ArxivClient {
    http: Arc<HttpClient>,
    cache: Option<Cache>,
    base: String,
    api_base: String,
    api_batch: usize,
    negative_ttl: Duration,
    max_figure_bytes: u64,
}

/// "Attention Is All You Need": an id every arXiv mirror has, for [`ArxivClient::probe`].
#[allow(clippy::expect_used)]
static PROBE_ID: std::sync::LazyLock<ArxivId> =
    std::sync::LazyLock::new(|| ArxivId::parse("1706.03762").expect("a valid id"));

/// A body from the cache or the network.
struct Body {
    text: String,
    final_url: String,
    from_cache: bool,
}

impl ArxivClient {
    /// A client configured from `[sources]` and `[cache]`; `cache` `None` disables caching.
    pub fn new(http: Arc<HttpClient>, config: &Config, cache: Option<Cache>) -> Self {
        Self {
            http,
            cache,
            base: config.sources.arxiv_base.expose().to_owned(),
            api_base: config.sources.arxiv_api_base.expose().to_owned(),
            api_batch: config.sources.arxiv_api_batch.max(1) as usize,
            negative_ttl: Duration::from_secs(config.cache.negative_ttl_hours * 3600),
            max_figure_bytes: config.sources.max_figure_bytes.get(),
        }
    }

    /// `{arxiv_base}/html/{id}`.
    pub fn html_url(&self, id: &ArxivId) -> Result<Url, FetchError> {
        join(&self.base, &format!("html/{id}"))
    }

    /// `{arxiv_base}/abs/{id}`.
    pub fn abs_url(&self, id: &ArxivId) -> Result<Url, FetchError> {
        join(&self.base, &format!("abs/{id}"))
    }

    /// A paper's key figure, downloaded from under `{arxiv_base}/html/` (paced, retried and
    /// cached like the pages) and re-encoded; see [`crate::figure`] for what is refused.
    pub async fn figure(&self, figure: &KeyFigure) -> Result<FigureImage, FetchError> {
        let rules = FigureRules {
            root: join(&self.base, "html/")?,
            max_bytes: self.max_figure_bytes,
        };
        crate::figure::download(&self.http, self.cache.as_ref(), &rules, figure).await
    }

    fn api_url(&self, ids: &[ArxivId]) -> Result<Url, FetchError> {
        let mut url = join(&self.api_base, "api/query")?;
        let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
        url.query_pairs_mut()
            .append_pair("id_list", &list.join(","))
            .append_pair("max_results", &ids.len().to_string());
        Ok(url)
    }

    /// Looks up many papers in the export API, `sources.arxiv_api_batch` ids per request: the
    /// latest version, title, authors, abstract and comments of each one found.
    pub async fn lookup(&self, ids: &[ArxivId]) -> Result<Vec<AbstractInfo>, FetchError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(self.api_batch) {
            let url = self.api_url(chunk)?;
            let page = self.http.get(&url).await?;
            let entries = crate::extract::parse_feed(&page.text()).map_err(|reason| {
                FetchError::Unreadable {
                    what: url.to_string(),
                    reason: reason.to_string(),
                }
            })?;
            out.extend(entries);
        }
        Ok(out)
    }

    /// Whether the abstract pages answer: `GET {arxiv_base}/abs/{id}` for a known paper,
    /// without the cache.
    pub async fn probe(&self) -> Result<(), FetchError> {
        let url = self.abs_url(&PROBE_ID)?;
        let page = self.http.get(&url).await?;
        match parse_blocking(page.text()).await {
            Parsed::Abstract(_) => Ok(()),
            other => Err(FetchError::Unreadable {
                what: url.to_string(),
                reason: format!("expected an abstract page, got a {}", other.label()),
            }),
        }
    }

    /// The paper's text: full text when arXiv has HTML for it, else the abstract — `known`
    /// when the caller has it, else from the abstract page or the export API.
    pub async fn fetch_source(
        &self,
        id: &ArxivId,
        known: Option<AbstractInfo>,
    ) -> Result<FetchOutcome, FetchError> {
        let html_reason = match self.fetch_full_text(id).await {
            Ok(outcome) => return Ok(outcome),
            Err(reason) => reason,
        };
        tracing::info!(target: "paperbrief::arxiv", "{id}: {}; using the abstract", html_reason.reason);
        if let Some(info) = known {
            return Ok(FetchOutcome {
                doc: info.into_source(id.clone(), self.abs_url(id)?.to_string()),
                origin: Origin::Known,
                fallback: Some(html_reason),
                from_cache: true,
            });
        }
        let mut reasons = vec![html_reason.reason.clone()];
        match self.abstract_page(id).await {
            Ok((info, from_cache)) => {
                let url = self.abs_url(id)?.to_string();
                return Ok(FetchOutcome {
                    doc: info.into_source(id.clone(), url),
                    origin: Origin::AbstractPage,
                    fallback: Some(html_reason),
                    from_cache,
                });
            }
            Err(e) => reasons.push(format!("abstract page: {e}")),
        }
        match self.api_single(id).await {
            Ok((info, from_cache)) => Ok(FetchOutcome {
                doc: info.into_source(id.clone(), self.abs_url(id)?.to_string()),
                origin: Origin::ExportApi,
                fallback: Some(html_reason),
                from_cache,
            }),
            Err(e) => {
                reasons.push(format!("export API: {e}"));
                Err(FetchError::NoSource {
                    id: id.to_string(),
                    reasons,
                })
            }
        }
    }

    /// The HTML full text only, or why there is none — and whether that may change. A transient
    /// failure is never cached, so asking again goes to arXiv.
    pub async fn fetch_full_text(&self, id: &ArxivId) -> Result<FetchOutcome, Fallback> {
        let url = self
            .html_url(id)
            .map_err(|e| Fallback::final_(e.to_string()))?;
        let body = match self.cached_get("html", id, &url).await {
            Ok(body) => body,
            Err(e) if e.is_not_found() => {
                return Err(Fallback::final_("no HTML version on arXiv (404)"));
            }
            Err(e) if e.is_transient() => {
                return Err(Fallback::transient(format!(
                    "HTML temporarily unavailable: {e}"
                )));
            }
            Err(e) => return Err(Fallback::final_(format!("HTML unavailable: {e}"))),
        };
        let parsed = parse_blocking(body.text).await;
        match parsed {
            Parsed::FullText(extracted) => {
                let read_id = version_from_url(id, &body.final_url);
                Ok(FetchOutcome {
                    doc: extracted.into_source(read_id, url.to_string(), &body.final_url),
                    origin: Origin::FullText,
                    fallback: None,
                    from_cache: body.from_cache,
                })
            }
            Parsed::NoHtml => Err(Fallback::final_("no HTML version on arXiv")),
            Parsed::ConversionFailed(why) => Err(Fallback::final_(format!(
                "arXiv's HTML conversion failed ({why})"
            ))),
            other => {
                // Not cached: an error page served with 200 may be gone tomorrow.
                self.forget("html", id);
                Err(Fallback::transient(format!(
                    "{url} served a {}, not the paper",
                    other.label()
                )))
            }
        }
    }

    async fn abstract_page(&self, id: &ArxivId) -> Result<(AbstractInfo, bool), FetchError> {
        let url = self.abs_url(id)?;
        let body = self.cached_get("abs", id, &url).await?;
        match parse_blocking(body.text).await {
            Parsed::Abstract(info) if !info.abstract_text.is_empty() => Ok((info, body.from_cache)),
            other => {
                self.forget("abs", id);
                Err(FetchError::Unreadable {
                    what: url.to_string(),
                    reason: format!("expected an abstract page, got a {}", other.label()),
                })
            }
        }
    }

    async fn api_single(&self, id: &ArxivId) -> Result<(AbstractInfo, bool), FetchError> {
        let url = self.api_url(std::slice::from_ref(id))?;
        let body = self.cached_get("api", id, &url).await?;
        let entries = crate::extract::parse_feed(&body.text);
        let found = entries.ok().and_then(|e| {
            e.into_iter().find(|i| {
                i.id.as_deref()
                    .and_then(|s| ArxivId::parse(s).ok())
                    .is_some_and(|x| x.base() == id.base())
            })
        });
        match found {
            Some(info) => Ok((info, body.from_cache)),
            None => {
                self.forget("api", id);
                Err(FetchError::Unreadable {
                    what: url.to_string(),
                    reason: format!("the feed has no entry for {id}"),
                })
            }
        }
    }

    /// GET through the cache. A cached 404 is trusted forever for a versioned id and for
    /// `cache.negative_ttl_hours` otherwise.
    async fn cached_get(&self, ns: &str, id: &ArxivId, url: &Url) -> Result<Body, FetchError> {
        let key = format!("{}.{}", id.file_stem(), ext(ns));
        if let Some(entry) = self.cache.as_ref().and_then(|c| c.get(ns, &key)) {
            if entry.meta.status == 200 {
                return Ok(Body {
                    text: String::from_utf8_lossy(&entry.body).into_owned(),
                    final_url: entry.meta.url,
                    from_cache: true,
                });
            }
            if id.version().is_some() || entry.meta.age() < self.negative_ttl {
                return Err(FetchError::Status {
                    url: url.to_string(),
                    status: entry.meta.status,
                    retry_after: None,
                });
            }
        }
        let result = self.http.get(url).await;
        let store = |status: u16, final_url: &str, body: &[u8]| {
            if let Some(Err(e)) = self
                .cache
                .as_ref()
                .map(|c| c.put(ns, &key, final_url, status, body))
            {
                tracing::warn!(target: "paperbrief::cache", "{e}");
            }
        };
        match result {
            Ok(page) => {
                store(200, &page.final_url, &page.body);
                Ok(Body {
                    text: page.text(),
                    final_url: page.final_url,
                    from_cache: false,
                })
            }
            Err(e) if e.is_not_found() => {
                store(404, url.as_str(), b"");
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    fn forget(&self, ns: &str, id: &ArxivId) {
        if let Some(cache) = &self.cache {
            let path = cache
                .root()
                .join(ns)
                .join(format!("{}.{}", id.file_stem(), ext(ns)));
            let _ = std::fs::remove_file(path);
        }
    }
}

fn ext(ns: &str) -> &'static str {
    if ns == "api" { "xml" } else { "html" }
}

async fn parse_blocking(text: String) -> Parsed {
    tokio::task::spawn_blocking(move || parse_document(&text))
        .await
        .unwrap_or_else(|e| Parsed::Unknown(format!("extraction crashed: {e}")))
}

/// The id with the version the server redirected to (`…/html/2602.07040v2`), if it did.
fn version_from_url(id: &ArxivId, final_url: &str) -> ArxivId {
    if id.version().is_some() {
        return id.clone();
    }
    let tail = final_url
        .trim_end_matches('/')
        .rsplit("/html/")
        .next()
        .unwrap_or_default();
    match ArxivId::parse(tail) {
        Ok(found) if found.base() == id.base() && found.version().is_some() => found,
        _ => id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_comes_from_the_redirect_target() {
        let id = ArxivId::parse("2602.07040").unwrap();
        assert_eq!(
            version_from_url(&id, "https://arxiv.org/html/2602.07040v3/").to_string(),
            "2602.07040v3"
        );
        assert_eq!(
            version_from_url(&id, "https://arxiv.org/html/2602.07040").to_string(),
            "2602.07040"
        );
        assert_eq!(
            version_from_url(&id, "https://arxiv.org/html/2602.99999v1").to_string(),
            "2602.07040"
        );
    }
}
