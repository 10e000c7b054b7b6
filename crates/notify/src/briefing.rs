//! What a channel is told about a report: the day (or digest), its counts, and its papers in
//! upvote order with their one-sentence contribution and links — to the paper's anchor on the
//! site when `[site] base_url` is set, else to its Hugging Face page.

use paperbrief_core::SectionName;
use paperbrief_core::SourceKind;
use paperbrief_report::{DailyReport, Outcome};
use serde::Serialize;

use crate::text::plain;

/// The counts a message opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Papers of the day.
    pub papers: usize,
    /// Papers with a brief.
    pub briefs: usize,
    /// Read from the HTML full text.
    pub html: usize,
    /// Read from the abstract only.
    pub abstract_only: usize,
    /// Failed.
    pub failed: usize,
}

/// One paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaperLine {
    /// The arXiv id.
    pub id: String,
    /// The title (untrusted: each platform makes it inert).
    pub title: String,
    /// HF upvotes.
    pub upvotes: i64,
    /// Its 一句话核心贡献 as plain text, when it has a brief.
    pub contribution: Option<String>,
    /// Its link: the anchor on the site, else its HF page.
    pub url: String,
    /// `HTML` or `ArXiv Abs` (empty when not read).
    pub source_kind: String,
}

/// A report as channels see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Briefing {
    /// The day (`2026-02-10`) or period (`2026-W07`): what deliveries are recorded under.
    pub key: String,
    /// The message's title.
    pub title: String,
    /// The full report: its site page, else the HF page of the day.
    pub url: String,
    /// The counts.
    pub stats: Stats,
    /// Every paper in upvote order.
    pub papers: Vec<PaperLine>,
    /// The report itself (email carries every section).
    #[serde(skip)]
    pub report: DailyReport,
}

impl Briefing {
    /// The briefing of `report`; `site` is where the site is published, when it is.
    pub fn of(report: &DailyReport, site: Option<&url::Url>) -> Self {
        let key = report
            .period
            .map_or_else(|| report.date.to_string(), |p| p.period.to_string());
        let page = format!("{key}.html");
        let link = |anchor: Option<&str>| {
            site.and_then(|base| base.join(&page).ok()).map(|mut u| {
                u.set_fragment(anchor);
                u.to_string()
            })
        };
        let title = match &report.period {
            Some(p) => format!(
                "Hugging Face 论文{}报 · {}",
                if p.period.kind() == "week" {
                    "周"
                } else {
                    "月"
                },
                p.period
            ),
            None => format!("Hugging Face 每日论文简报 · {}", report.date),
        };
        let papers = report
            .entries
            .iter()
            .map(|e| PaperLine {
                id: e.paper.id.base().to_owned(),
                title: e.paper.title.clone(),
                upvotes: e.paper.upvotes,
                contribution: match &e.outcome {
                    Outcome::Ok { brief, .. } => {
                        Some(plain(brief.section(SectionName::Contribution)))
                    }
                    _ => None,
                },
                url: link(Some(e.paper.id.base())).unwrap_or_else(|| e.paper.hf_url()),
                source_kind: e.source.as_ref().map_or(String::new(), |s| match s.kind {
                    SourceKind::Html => "HTML".to_owned(),
                    SourceKind::Abs => "ArXiv Abs".to_owned(),
                }),
            })
            .collect();
        let s = &report.stats;
        Self {
            url: link(None).unwrap_or_else(|| report.source_url.clone()),
            key,
            title,
            stats: Stats {
                papers: s.papers,
                briefs: s.briefs,
                html: s.html,
                abstract_only: s.abstract_only,
                failed: s.failed,
            },
            papers,
            report: report.clone(),
        }
    }

    /// Whether no paper got a brief: channels then get a short failure notice.
    pub fn all_failed(&self) -> bool {
        self.stats.papers > 0 && self.stats.briefs == 0
    }

    /// The counts line: `33 篇论文：31 篇简报（全文 29，仅摘要 2），2 篇失败`.
    pub fn counts(&self) -> String {
        let s = &self.stats;
        let mut line = format!(
            "{} 篇论文：{} 篇简报（全文 {}，仅摘要 {}）",
            s.papers, s.briefs, s.html, s.abstract_only
        );
        if s.failed > 0 {
            line.push_str(&format!("，{} 篇失败", s.failed));
        }
        line
    }

    /// The short notice sent instead of a digest when every paper failed.
    pub fn failure_notice(&self) -> String {
        format!(
            "{}：{} 篇论文的简报全部生成失败，请查看运行日志与完整报告：{}",
            self.title, self.stats.papers, self.url
        )
    }

    /// The first `n` papers.
    pub fn top(&self, n: usize) -> &[PaperLine] {
        &self.papers[..n.min(self.papers.len())]
    }
}
