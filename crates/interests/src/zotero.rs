//! A Zotero library through the Zotero Web API (v3): `GET {base}/users/{id}/items/top` (or a
//! collection's `…/collections/{key}/items/top`), paged by `start`/`limit` until
//! `Total-Results`, the key sent as `Zotero-API-Key` and never shown. A `Backoff` header is
//! honoured before the next page; 429 and 5xx are retried after `Retry-After`.

use std::time::Duration;

use paperbrief_core::config::ZoteroSource;
use paperbrief_http::{RetryPolicy, retry_after};
use serde::Deserialize;

use crate::error::InterestsError;
use crate::library::{Library, arxiv_in};

/// Items per page (the API's maximum).
const PAGE: usize = 100;

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    data: ItemData,
}

#[derive(Deserialize, Default)]
struct ItemData {
    #[serde(default)]
    title: String,
    #[serde(default, rename = "abstractNote")]
    abstract_note: String,
    #[serde(default, rename = "DOI")]
    doi: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    extra: String,
    #[serde(default, rename = "archiveID")]
    archive_id: String,
}

/// Reads every top-level item of the source.
pub async fn read(
    source: &ZoteroSource,
    key: &str,
    http: &reqwest::Client,
    retry: RetryPolicy,
) -> Result<Library, InterestsError> {
    let base = source.base_url.expose().trim_end_matches('/');
    let scope = match &source.collection {
        Some(c) => format!("users/{}/collections/{c}/items/top", source.user_id),
        None => format!("users/{}/items/top", source.user_id),
    };
    let url = format!("{base}/{scope}");
    let mut lib = Library::default();
    let mut start = 0;
    loop {
        let page = retry
            .run("Zotero page", || page(http, &url, key, start))
            .await?;
        let count = page.items.len();
        for item in page.items {
            let d = item.data;
            let arxiv = [&d.archive_id, &d.doi, &d.url]
                .iter()
                .find_map(|v| arxiv_in(v))
                .or_else(|| d.extra.lines().find_map(arxiv_in));
            lib.push_item(&d.title, &d.abstract_note, arxiv);
        }
        start += count;
        if count == 0 || start >= page.total.unwrap_or(0) {
            break;
        }
        if let Some(wait) = page.backoff {
            tracing::info!(target: "paperbrief::interests", "Zotero asks to back off {}s", wait.as_secs());
            tokio::time::sleep(wait).await;
        }
    }
    Ok(lib)
}

struct Page {
    items: Vec<Item>,
    total: Option<usize>,
    backoff: Option<Duration>,
}

async fn page(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    start: usize,
) -> Result<Page, InterestsError> {
    let shown = format!("{url}?start={start}");
    let fail =
        |message: String, transient: bool, retry_after: Option<Duration>| InterestsError::Zotero {
            url: shown.clone(),
            message,
            transient,
            retry_after,
        };
    let response = http
        .get(format!(
            "{url}?format=json&include=data&limit={PAGE}&start={start}"
        ))
        .header("Zotero-API-Key", key)
        .header("Zotero-API-Version", "3")
        .send()
        .await
        .map_err(|e| fail(format!("cannot reach it ({})", e.without_url()), true, None))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let seconds = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    };
    if status == 429 || status >= 500 {
        let wait = retry_after(&headers).or_else(|| seconds("Backoff"));
        return Err(fail(format!("answered HTTP {status}"), true, wait));
    }
    if status == 403 || status == 401 {
        return Err(fail(
            format!("answered HTTP {status}: the key is refused or has no access to this library"),
            false,
            None,
        ));
    }
    if !(200..300).contains(&status) {
        return Err(fail(format!("answered HTTP {status}"), false, None));
    }
    let total = seconds("Total-Results").map(|d| d.as_secs() as usize);
    let backoff = seconds("Backoff");
    let items: Vec<Item> = response
        .json()
        .await
        .map_err(|e| fail(format!("not the JSON the API documents: {e}"), true, None))?;
    Ok(Page {
        items,
        total,
        backoff,
    })
}
