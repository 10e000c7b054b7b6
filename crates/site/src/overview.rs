//! What the templates see of a day's 今日速览: its themes and picks with their papers as links to
//! the articles, and the day's tags with their papers — so every chip works as a plain link
//! without JavaScript, and as a filter of the page with it.

use paperbrief_report::{DailyReport, OverviewState};
use serde::Serialize;

/// A paper as a link to its article.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PaperLink {
    id: String,
    title: String,
}

/// One theme.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ThemeView {
    /// Its number, from 1: the anchor `theme-{n}` and the articles' `data-theme`.
    n: usize,
    name: String,
    summary: String,
    papers: Vec<PaperLink>,
}

/// One pick.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PickView {
    id: String,
    title: String,
    why: String,
}

/// One tag of the day, with its papers.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TagView {
    /// Its number, from 1: the anchor `tag-{n}`.
    n: usize,
    name: String,
    papers: Vec<PaperLink>,
}

/// The overview block of a page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OverviewView {
    /// `ok`, `failed` or `pending`.
    status: &'static str,
    /// Why there is none.
    reason: String,
    /// `基于 28/33 篇简报`, when it covers part of the day.
    based_on: Option<String>,
    themes: Vec<ThemeView>,
    picks: Vec<PickView>,
    tags: Vec<TagView>,
}

impl OverviewView {
    /// The view of `report`'s overview; `None` without one.
    pub(crate) fn of(report: &DailyReport) -> Option<Self> {
        let block = report.overview.as_ref()?;
        let link = |id: &str| PaperLink {
            id: id.to_owned(),
            title: report
                .entries
                .iter()
                .find(|e| e.paper.id.base() == id)
                .map_or_else(|| id.to_owned(), |e| e.display_title().to_owned()),
        };
        let b = block.based_on;
        let mut view = Self {
            status: "ok",
            reason: String::new(),
            based_on: (b.briefs < b.papers)
                .then(|| format!("基于 {}/{} 篇简报", b.briefs, b.papers)),
            themes: Vec::new(),
            picks: Vec::new(),
            tags: tags(report),
        };
        match &block.state {
            OverviewState::Ok(o) => {
                view.themes = o
                    .themes
                    .iter()
                    .enumerate()
                    .map(|(i, t)| ThemeView {
                        n: i + 1,
                        name: t.name.clone(),
                        summary: t.summary.clone(),
                        papers: t.papers.iter().map(|id| link(id)).collect(),
                    })
                    .collect();
                view.picks = o
                    .picks
                    .iter()
                    .map(|p| PickView {
                        id: p.id.clone(),
                        title: link(&p.id).title,
                        why: p.why.clone(),
                    })
                    .collect();
            }
            OverviewState::Failed { reason } => {
                view.status = "failed";
                view.reason.clone_from(reason);
            }
            OverviewState::Pending { reason } => {
                view.status = "pending";
                view.reason.clone_from(reason);
            }
        }
        Some(view)
    }
}

/// The day's tags in order of first use, each with its papers.
fn tags(report: &DailyReport) -> Vec<TagView> {
    let mut out: Vec<TagView> = Vec::new();
    for e in &report.entries {
        for tag in &e.tags {
            let paper = PaperLink {
                id: e.paper.id.base().to_owned(),
                title: e.display_title().to_owned(),
            };
            match out.iter_mut().find(|t| &t.name == tag) {
                Some(t) => t.papers.push(paper),
                None => out.push(TagView {
                    n: out.len() + 1,
                    name: tag.clone(),
                    papers: vec![paper],
                }),
            }
        }
    }
    out
}

/// The theme (its number) an article belongs to.
pub(crate) fn theme_of(report: &DailyReport, id: &str) -> Option<usize> {
    let o = report.overview.as_ref()?.overview()?;
    o.themes
        .iter()
        .position(|t| t.papers.iter().any(|p| p == id))
        .map(|i| i + 1)
}
