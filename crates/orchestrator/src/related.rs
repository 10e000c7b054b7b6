//! 相关论文: with `[embeddings]`, each paper of a day gets the three papers of the archive's
//! other days nearest to it — cosine similarity of the embeddings of its title, abstract,
//! 应用领域 and 一句话核心贡献, the text reader profiles embed, so the vectors are shared through
//! `{cache}/state/vectors` and a paper is embedded once per model. Never the model's say: the
//! list comes from the vectors alone. An endpoint that fails costs the list (kept as it was),
//! never the report.

use std::collections::HashMap;

use paperbrief_interests::{Paper, cosine};
use paperbrief_report::{ArchivedPaper, DailyReport, Entry, ReportPaths};

use crate::interests::{brief_text, cached_vectors};
use crate::services::Services;

/// How many related papers an entry lists.
pub(crate) const RELATED: usize = 3;

/// Fills `related` for every entry of `report` (a day's) from `others`, every other stored day.
pub(crate) async fn relate(services: &Services, report: &mut DailyReport, others: &[DailyReport]) {
    let Some(client) = services.embeddings() else {
        return;
    };
    if report.period.is_some() {
        return;
    }
    let archive = archive(others);
    let mine: Vec<String> = report.entries.iter().map(text).collect();
    let texts: Vec<&str> = mine
        .iter()
        .chain(archive.iter().map(|(_, t)| t))
        .map(String::as_str)
        .collect();
    let cache = match cached_vectors(&services.state_dir().join("vectors"), client, &texts).await {
        (Ok(cache), _) => cache,
        (Err(e), _) => {
            tracing::warn!(target: "paperbrief::run", "相关论文 not updated: embeddings: {e}");
            keep_stored(services.reports(), report);
            return;
        }
    };
    let vectors: Vec<(&ArchivedPaper, &[f32])> = archive
        .iter()
        .filter_map(|(p, t)| cache.get(t).map(|v| (p, v)))
        .collect();
    for (entry, text) in report.entries.iter_mut().zip(&mine) {
        let Some(v) = cache.get(text) else { continue };
        entry.related = nearest(entry.paper.id.base(), v, &vectors);
    }
}

/// The lists the day's stored report has, for the entries of `report` (rebuilt by the run)
/// that have none: what an endpoint that fails leaves.
fn keep_stored(paths: &ReportPaths, report: &mut DailyReport) {
    let Ok(Some(stored)) = paths.read_day(report.date) else {
        return;
    };
    for entry in report.entries.iter_mut().filter(|e| e.related.is_empty()) {
        if let Some(old) = stored.entry(&entry.paper.id) {
            entry.related.clone_from(&old.related);
        }
    }
}

/// The [`RELATED`] papers nearest to `v`, nearest first, the paper itself left out.
fn nearest(id: &str, v: &[f32], archive: &[(&ArchivedPaper, &[f32])]) -> Vec<ArchivedPaper> {
    let mut scored: Vec<(f64, &ArchivedPaper)> = archive
        .iter()
        .filter(|(p, _)| p.id != id)
        .map(|(p, w)| (cosine(v, w), *p))
        .collect();
    let n = RELATED.min(scored.len());
    if n == 0 {
        return Vec::new();
    }
    scored.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0));
    scored.truncate(n);
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    scored.into_iter().map(|(_, p)| p.clone()).collect()
}

/// Every paper of the other days, once (at the first day that listed it), with its text.
fn archive(others: &[DailyReport]) -> Vec<(ArchivedPaper, String)> {
    let mut out: HashMap<String, (ArchivedPaper, String)> = HashMap::new();
    for report in others {
        for e in &report.entries {
            let paper = ArchivedPaper {
                id: e.paper.id.base().to_owned(),
                title: e.paper.title.clone(),
                date: report.date,
            };
            let first = out.get(&paper.id).is_none_or(|(p, _)| report.date < p.date);
            if first {
                out.insert(paper.id.clone(), (paper, text(e)));
            }
        }
    }
    let mut list: Vec<(ArchivedPaper, String)> = out.into_values().collect();
    list.sort_by(|a, b| (a.0.date, &a.0.id).cmp(&(b.0.date, &b.0.id)));
    list
}

/// The text a paper is embedded by: what reader profiles embed of it.
fn text(e: &Entry) -> String {
    let brief = brief_text(e);
    Paper {
        id: e.paper.id.base(),
        title: &e.paper.title,
        abstract_text: &e.paper.abstract_text,
        brief: &brief,
        authors: &e.paper.authors,
    }
    .text()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use paperbrief_core::ReportDate;

    fn paper(id: &str) -> ArchivedPaper {
        ArchivedPaper {
            id: id.into(),
            title: format!("T{id}"),
            date: ReportDate::parse("2026-01-30").unwrap(),
        }
    }

    #[test]
    fn the_three_nearest_nearest_first_without_the_paper_itself() {
        let papers: Vec<ArchivedPaper> = ["a", "b", "c", "d", "self"].map(paper).to_vec();
        let vs: Vec<Vec<f32>> = vec![
            vec![1.0, 0.0],
            vec![0.9, 0.1],
            vec![0.0, 1.0],
            vec![0.6, 0.4],
            vec![1.0, 0.0],
        ];
        let archive: Vec<(&ArchivedPaper, &[f32])> = papers
            .iter()
            .zip(&vs)
            .map(|(p, v)| (p, v.as_slice()))
            .collect();
        let got: Vec<String> = nearest("self", &[1.0, 0.0], &archive)
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(got, ["a", "b", "d"]);
        assert!(nearest("self", &[1.0, 0.0], &archive[4..]).is_empty());
    }
}
