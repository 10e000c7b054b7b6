//! `PaperRef`: one entry of the Hugging Face daily list, and the report order.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::arxiv_id::ArxivId;
use crate::date::ReportDate;

/// One paper of a day's Hugging Face list, as paperbrief uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperRef {
    /// The arXiv id (HF gives it without a version).
    pub id: ArxivId,
    /// Title with whitespace normalised.
    pub title: String,
    /// Author names in list order.
    pub authors: Vec<String>,
    /// HF upvotes at the time the list was read.
    pub upvotes: i64,
    /// The abstract HF shows (arXiv's, with whitespace normalised).
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// The paper's code repository, when HF knows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_repo: Option<String>,
    /// The paper's project page, when HF knows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_page: Option<String>,
    /// When the paper was published on arXiv (ISO 8601), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    /// The organisation HF files the paper under (its `organization.fullname`), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The code repository's stars, when HF knows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_stars: Option<u64>,
    /// The day whose list this paper came from.
    pub list_date: ReportDate,
}

impl PaperRef {
    /// A paper known only by its id (in no day's list): the id stands for the title until the
    /// paper is read.
    pub fn bare(id: ArxivId) -> Self {
        Self {
            title: id.to_string(),
            id,
            authors: Vec::new(),
            upvotes: 0,
            abstract_text: String::new(),
            github_repo: None,
            project_page: None,
            published_at: None,
            list_date: ReportDate::today_utc(),
            organization: None,
            github_stars: None,
        }
    }

    /// The paper's abstract page on arXiv.
    pub fn arxiv_url(&self) -> String {
        format!("https://arxiv.org/abs/{}", self.id.base())
    }

    /// The paper's page on Hugging Face, as the report links it.
    pub fn hf_url(&self) -> String {
        format!("https://huggingface.co/papers/{}", self.id.base())
    }
}

/// An item of a day's Hugging Face list that could not be used (no id, an id that is not an
/// arXiv id, a broken record). It is kept so the report accounts for every item; its raw id is
/// only ever shown as text, never used in a path or a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedItem {
    /// The id the item carried, when it carried one (possibly invalid).
    pub raw_id: Option<String>,
    /// Its title, when it had one.
    pub title: Option<String>,
    /// Why it was skipped.
    pub reason: String,
}

/// Puts papers in report order: HF upvotes descending, ties in the given (API) order, and each
/// arXiv id once (the first entry wins, whatever its version suffix).
pub fn report_order(papers: Vec<PaperRef>) -> Vec<PaperRef> {
    let mut seen = HashSet::new();
    let mut unique: Vec<PaperRef> = papers
        .into_iter()
        .filter(|p| seen.insert(p.id.base().to_owned()))
        .collect();
    // `sort_by_key` is stable, so equal upvotes keep the API's order.
    unique.sort_by_key(|p| std::cmp::Reverse(p.upvotes));
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, upvotes: i64) -> PaperRef {
        PaperRef {
            id: ArxivId::parse(id).unwrap(),
            title: id.to_owned(),
            authors: vec![],
            upvotes,
            abstract_text: String::new(),
            github_repo: None,
            project_page: None,
            published_at: None,
            list_date: ReportDate::parse("2026-02-10").unwrap(),
            organization: None,
            github_stars: None,
        }
    }

    #[test]
    fn orders_by_upvotes_keeping_ties_and_dropping_duplicates() {
        let ordered = report_order(vec![
            paper("2602.00001", 3),
            paper("2602.00002", 10),
            paper("2602.00003", 3),
            paper("2602.00002v2", 50),
            paper("2602.00004", 10),
        ]);
        let ids: Vec<String> = ordered.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(
            ids,
            ["2602.00002", "2602.00004", "2602.00001", "2602.00003"]
        );
    }

    #[test]
    fn json_uses_the_documented_field_names() {
        let mut p = paper("2602.07040", 7);
        p.github_repo = Some("https://github.com/x/y".into());
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["abstract"], "");
        assert_eq!(v["github_repo"], "https://github.com/x/y");
        assert!(v.get("project_page").is_none());
        assert_eq!(p.hf_url(), "https://huggingface.co/papers/2602.07040");
    }
}
