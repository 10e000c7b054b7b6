//! What the templates see of a report: plain values, untrusted text left for the template engine
//! to escape, Markdown rendered and sanitised, links only where they are `http(s)`.

use paperbrief_core::Brief;
use paperbrief_report::{DailyReport, Entry, Outcome, ReportKey};
use serde::Serialize;

use paperbrief_report::html;

/// A page's file name: `2026-02-10.html`, `2026-W07.html`, `2026-02.html`.
pub(crate) fn page_name(key: ReportKey) -> String {
    match key {
        ReportKey::Day(d) => format!("{d}.html"),
        ReportKey::Digest(p) => format!("{p}.html"),
    }
}

/// The key of a report.
pub(crate) fn key_of(report: &DailyReport) -> ReportKey {
    match &report.period {
        Some(p) => ReportKey::Digest(p.period),
        None => ReportKey::Day(report.date),
    }
}

/// A link the page shows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Link {
    pub(crate) label: String,
    pub(crate) url: String,
}

/// One section of a brief.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectionView {
    name: &'static str,
    html: minijinja::Value,
    ungrounded: Vec<String>,
}

/// One paper.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ArticleView {
    pub(crate) id: String,
    pub(crate) title: String,
    upvotes: i64,
    /// The Chinese title, when the overview gave one.
    title_zh: Option<String>,
    /// Who it is from: the page's affiliations (else HF's organisation), joined.
    affiliations: String,
    /// Its topic tags.
    tags: Vec<String>,
    /// The tags as the filter script reads them: `|`-separated.
    data_tags: String,
    /// The number of the overview's theme it belongs to.
    theme: Option<usize>,
    /// In a digest: the day whose list carried the paper, linked to it there.
    listed: Option<Link>,
    /// The other days that listed it (`首次收录于 …`, `再次收录于 …`), linked to it there.
    history: Vec<Link>,
    /// The archived papers it cites and that cite it, linked to their entries.
    citations: Vec<Link>,
    /// On a profile's page: the badge of a pick (`⭐ 0.86 · 匹配 KV cache`); on the day's page: the
    /// profiles it is a pick of.
    pick: Option<String>,
    /// On a profile's page: not a pick (shown dimmed).
    dim: bool,
    links: Vec<Link>,
    /// The key figure, when the site has it.
    pub(crate) figure: Option<crate::figures::FigureView>,
    source: String,
    degraded: bool,
    status: &'static str,
    sections: Vec<SectionView>,
    reason: String,
    #[serde(rename = "abstract")]
    abstract_text: String,
}

impl ArticleView {
    /// The view of `entry`; `in_digest` adds the day whose list carried it; `theme` is the
    /// overview's theme it belongs to.
    pub(crate) fn of(
        entry: &Entry,
        in_digest: bool,
        theme: Option<usize>,
        profile: Option<&str>,
        figures: &crate::figures::Available,
    ) -> Self {
        let p = &entry.paper;
        let (status, sections, reason) = match &entry.outcome {
            Outcome::Ok { brief, .. } => ("ok", sections(entry, brief), String::new()),
            Outcome::Failed(f) => ("failed", Vec::new(), f.for_readers()),
            Outcome::Pending => ("pending", Vec::new(), String::new()),
        };
        Self {
            id: p.id.base().to_owned(),
            title: p.title.clone(),
            upvotes: p.upvotes,
            title_zh: entry.title_zh.clone(),
            affiliations: entry.affiliations().join(" · "),
            pick: pick(entry, profile),
            dim: profile.is_some_and(|p| !entry.relevance.get(p).is_some_and(|r| r.for_you)),
            tags: entry.tags.clone(),
            data_tags: entry.tags.join("|"),
            theme,
            listed: in_digest.then(|| Link {
                label: format!("收录于 {}", p.list_date),
                url: format!("{}.html#{}", p.list_date, p.id.base()),
            }),
            history: entry
                .history()
                .into_iter()
                .map(|h| Link {
                    label: h.text,
                    url: format!("{}.html#{}", h.date, p.id.base()),
                })
                .collect(),
            citations: citations(entry),
            links: links(p),
            figure: crate::figures::view(entry, figures),
            source: entry
                .source
                .as_ref()
                .map_or_else(|| "未读取".to_owned(), |s| s.label()),
            degraded: entry.source.as_ref().is_some_and(|s| s.is_degraded()),
            status,
            sections,
            reason,
            abstract_text: p.abstract_text.clone(),
        }
    }
}

/// The pick badge of an article: on a profile's page its score and reason, on the day's page
/// the profiles it is a pick of.
fn pick(entry: &Entry, profile: Option<&str>) -> Option<String> {
    match profile {
        Some(p) => entry
            .relevance
            .get(p)
            .filter(|r| r.for_you)
            .map(|r| format!("⭐ {:.2} · {}", r.score, r.reason())),
        None => {
            let names: Vec<&str> = entry
                .relevance
                .iter()
                .filter(|(_, r)| r.for_you)
                .map(|(n, _)| n.as_str())
                .collect();
            (!names.is_empty()).then(|| format!("⭐ {}", names.join(" · ")))
        }
    }
}

/// arXiv, HF, and the code and project page when HF knows them (only `http(s)` URLs).
pub(crate) fn links(p: &paperbrief_core::PaperRef) -> Vec<Link> {
    let mut out = vec![
        Link {
            label: "arXiv".into(),
            url: p.arxiv_url(),
        },
        Link {
            label: "Hugging Face".into(),
            url: p.hf_url(),
        },
    ];
    for (label, url) in [("代码", &p.github_repo), ("项目主页", &p.project_page)] {
        if let Some(url) = url.as_deref().and_then(paperbrief_report::safe::http_url) {
            out.push(Link {
                label: label.into(),
                url,
            });
        }
    }
    out
}

/// `引用了本站收录的《…》（date）` and `被本站收录的《…》（date）引用`, each linked to that paper's entry.
fn citations(entry: &Entry) -> Vec<Link> {
    let link = |c: &paperbrief_report::ArchivedPaper, label: String| Link {
        label,
        url: format!("{}.html#{}", c.date, c.id),
    };
    let cites = entry
        .cites_archived
        .iter()
        .map(|c| link(c, format!("引用了本站收录的《{}》（{}）", c.title, c.date)));
    let by = entry
        .cited_by_archived
        .iter()
        .map(|c| link(c, format!("被本站收录的《{}》（{}）引用", c.title, c.date)));
    let related = entry
        .related
        .iter()
        .map(|c| link(c, format!("相关论文：《{}》（{}）", c.title, c.date)));
    cites.chain(by).chain(related).collect()
}

/// The five sections as HTML, each number the paper states linked to where it states it.
fn sections(entry: &Entry, brief: &Brief) -> Vec<SectionView> {
    brief
        .sections
        .iter()
        .map(|(name, content)| {
            let links: Vec<html::PhraseLink> = brief
                .evidence_in(name)
                .iter()
                .map(|e| html::PhraseLink {
                    text: e.text.clone(),
                    url: entry.evidence_url(e),
                    title: e.label.clone(),
                })
                .collect();
            SectionView {
                name: name.zh(),
                html: minijinja::Value::from_safe_string(html::markdown_with_links(
                    content, &links,
                )),
                ungrounded: brief.ungrounded_in(name).map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// The page's heading and its one-line summary.
pub(crate) fn heading(report: &DailyReport) -> (String, String) {
    let s = &report.stats;
    let mut summary = format!("{} 篇论文 · {} 篇简报", s.papers, s.briefs);
    if s.html + s.abstract_only > 0 {
        summary.push_str(&format!("（全文 {}，仅摘要 {}）", s.html, s.abstract_only));
    }
    if s.failed > 0 {
        summary.push_str(&format!(" · {} 篇失败", s.failed));
    }
    if s.pending > 0 {
        summary.push_str(&format!(" · {} 篇待生成", s.pending));
    }
    let heading = match &report.period {
        Some(p) => {
            let kind = if matches!(p.period, paperbrief_core::Period::Week { .. }) {
                "周报"
            } else {
                "月报"
            };
            let mut h = format!(
                "{} {kind}（{} 至 {}）",
                p.period,
                p.period.first(),
                p.period.last()
            );
            if !p.complete {
                h.push_str(&format!("，截至 {}", p.through));
            }
            h
        }
        None => format!("{} 每日论文简报", report.date),
    };
    (heading, summary)
}
