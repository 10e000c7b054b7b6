//! The Hugging Face daily list: `GET {hf_endpoint}/api/daily_papers?date=…&limit=…&p=…`.

use std::collections::HashSet;
use std::sync::Arc;

use paperbrief_core::{ArxivId, PaperRef, ReportDate, SkippedItem, report_order};
use serde::Deserialize;

use crate::error::{FetchError, FormatError};
use crate::http::{HttpClient, join};

/// One item of the list as the API sends it. Only what paperbrief uses is modelled; every field
/// but `paper.id` may be absent (older schemas) or null.
#[derive(Debug, Deserialize)]
struct Item {
    paper: Paper,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    summary: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Paper {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    authors: Option<Vec<Author>>,
    #[serde(default)]
    upvotes: Option<i64>,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    github_repo: Option<String>,
    #[serde(default)]
    project_page: Option<String>,
    #[serde(default)]
    github_stars: Option<u64>,
    #[serde(default)]
    organization: Option<Organization>,
}

#[derive(Debug, Deserialize)]
struct Organization {
    #[serde(default)]
    fullname: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Author {
    #[serde(default)]
    name: Option<String>,
}

/// A day's list in report order, plus the items that could not be used and why.
#[derive(Debug, Clone, Default)]
pub struct DailyList {
    /// Papers in report order (upvotes descending, ties in API order), each id once.
    pub papers: Vec<PaperRef>,
    /// Items that could not be used (no id, an id that is not an arXiv id, a broken record),
    /// in API order.
    pub skipped: Vec<SkippedItem>,
}

/// Parses one page of the API's answer (a JSON array) into papers, in API order, and the items
/// that could not be used.
pub fn parse_page(
    date: ReportDate,
    body: &[u8],
) -> Result<(Vec<PaperRef>, Vec<SkippedItem>), FormatError> {
    let value: serde_json::Value = serde_json::from_slice(body)?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(o) if o.contains_key("error") => {
            return Err(FormatError::ApiError(o["error"].to_string()));
        }
        other => return Err(FormatError::NotAnArray(json_kind(&other))),
    };
    let mut papers = Vec::with_capacity(items.len());
    let mut skipped = Vec::new();
    for (i, raw) in items.into_iter().enumerate() {
        let (raw_id, title) = (raw_id(&raw), raw_title(&raw));
        match serde_json::from_value::<Item>(raw)
            .map_err(ItemError::Record)
            .and_then(|item| to_paper(date, item).map_err(ItemError::Id))
        {
            Ok(p) => papers.push(p),
            Err(reason) => skipped.push(SkippedItem {
                raw_id,
                title,
                reason: format!("item {i} of the page: {reason}"),
            }),
        }
    }
    Ok((papers, skipped))
}

/// The id an item carries, whatever it is: text only, never parsed or trusted.
fn raw_id(raw: &serde_json::Value) -> Option<String> {
    match raw.pointer("/paper/id")? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn raw_title(raw: &serde_json::Value) -> Option<String> {
    [raw.pointer("/paper/title"), raw.get("title")]
        .into_iter()
        .flatten()
        .find_map(|t| t.as_str().map(normalize_ws).filter(|t| !t.is_empty()))
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Why one item of the list cannot be used.
#[derive(Debug, thiserror::Error)]
enum ItemError {
    #[error("{0}")]
    Record(serde_json::Error),
    #[error("{0}")]
    Id(paperbrief_core::CoreError),
}

fn to_paper(date: ReportDate, item: Item) -> Result<PaperRef, paperbrief_core::CoreError> {
    let p = item.paper;
    let id = ArxivId::parse(&p.id)?;
    let title = p
        .title
        .or(item.title)
        .map(|t| normalize_ws(&t))
        .unwrap_or_default();
    let abstract_text = p
        .summary
        .or(item.summary)
        .map(|t| normalize_ws(&t))
        .unwrap_or_default();
    let authors = p
        .authors
        .unwrap_or_default()
        .into_iter()
        .filter_map(|a| a.name.map(|n| normalize_ws(&n)).filter(|n| !n.is_empty()))
        .collect();
    let non_empty = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(PaperRef {
        id,
        title,
        authors,
        upvotes: p.upvotes.unwrap_or(0),
        abstract_text,
        github_repo: non_empty(p.github_repo),
        project_page: non_empty(p.project_page),
        published_at: non_empty(p.published_at),
        organization: p
            .organization
            .and_then(|o| non_empty(o.fullname).or_else(|| non_empty(o.name)))
            .map(|o| normalize_ws(&o)),
        github_stars: p.github_stars,
        list_date: date,
    })
}

/// Collapses runs of whitespace (arXiv's hard line wraps included) to single spaces.
pub fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the daily list.
#[derive(Debug, Clone)]
pub struct HfClient {
    http: Arc<HttpClient>,
    endpoint: String,
    page_size: u32,
}

/// The most pages read for one day: a guard against a server that ignores `p`.
const MAX_PAGES: u32 = 40;

impl HfClient {
    /// A client for `endpoint` (e.g. `https://huggingface.co` or a mirror).
    pub fn new(http: Arc<HttpClient>, endpoint: &str, page_size: u32) -> Self {
        Self {
            http,
            endpoint: endpoint.to_owned(),
            page_size: page_size.max(1),
        }
    }

    /// The URL of one page of a day's list.
    pub fn page_url(&self, date: ReportDate, page: u32) -> Result<url::Url, FetchError> {
        let mut url = join(&self.endpoint, "api/daily_papers")?;
        url.query_pairs_mut()
            .append_pair("date", &date.to_string())
            .append_pair("limit", &self.page_size.to_string())
            .append_pair("p", &page.to_string());
        Ok(url)
    }

    /// Every paper of the day, page after page until a short page (or one with nothing new),
    /// in report order. An empty day (weekend) is an empty list, not an error.
    pub async fn daily_papers(&self, date: ReportDate) -> Result<DailyList, FetchError> {
        let mut all = Vec::new();
        let mut skipped = Vec::new();
        let mut seen = HashSet::new();
        for page in 0..MAX_PAGES {
            let url = self.page_url(date, page)?;
            let body = self.http.get(&url).await?.body;
            let (papers, bad) =
                parse_page(date, &body).map_err(|reason| FetchError::MalformedList {
                    url: url.to_string(),
                    reason,
                })?;
            let count = papers.len() + bad.len();
            let before = seen.len();
            for p in papers {
                if seen.insert(p.id.base().to_owned()) {
                    all.push(p);
                }
            }
            for item in bad {
                if !skipped.contains(&item) {
                    skipped.push(item);
                }
            }
            if count < self.page_size as usize || seen.len() == before {
                break;
            }
        }
        for s in &skipped {
            tracing::warn!(target: "paperbrief::hf", "{date}: cannot use list item {}: {}", s.raw_id.as_deref().unwrap_or("(no id)"), s.reason);
        }
        Ok(DailyList {
            papers: report_order(all),
            skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> ReportDate {
        ReportDate::parse("2026-02-10").unwrap()
    }

    #[test]
    fn parses_items_with_missing_and_null_fields() {
        let body = br#"[
            {"paper": {"id": "2602.00001", "title": "A\n  wrapped  title", "summary": "S", "authors": [{"name": "X Y"}, {"_id": "no name"}], "upvotes": 3}},
            {"paper": {"id": "2602.00002", "title": null, "summary": null, "authors": null, "upvotes": null, "githubRepo": null}, "title": "Top title"},
            {"paper": {"id": "not-an-id"}},
            {"nopaper": 1}
        ]"#;
        let (papers, skipped) = parse_page(date(), body).unwrap();
        assert_eq!(papers.len(), 2);
        assert_eq!(papers[0].title, "A wrapped title");
        assert_eq!(papers[0].authors, vec!["X Y"]);
        assert_eq!(papers[1].title, "Top title");
        assert_eq!(papers[1].upvotes, 0);
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].raw_id.as_deref(), Some("not-an-id"));
        assert!(skipped[0].reason.contains("not-an-id"), "{skipped:?}");
        assert_eq!(skipped[1].raw_id, None);
        assert_eq!(skipped[1].title, None);
    }

    #[test]
    fn rejects_what_is_not_a_list() {
        assert!(
            parse_page(date(), b"{\"error\":\"Invalid date\"}")
                .unwrap_err()
                .to_string()
                .contains("Invalid date")
        );
        assert!(
            parse_page(date(), b"[{\"paper\":")
                .unwrap_err()
                .to_string()
                .contains("invalid JSON")
        );
        assert!(
            parse_page(date(), b"42")
                .unwrap_err()
                .to_string()
                .contains("a number")
        );
        assert_eq!(parse_page(date(), b"[]").unwrap().0.len(), 0);
    }
}
