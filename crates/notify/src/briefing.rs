//! What a channel is told about a report: the day (or digest), its counts, and its papers in
//! upvote order with their one-sentence contribution and links — to the paper's anchor on the
//! site when `[site] base_url` is set, else to its Hugging Face page.
//!
//! With a published site a message lists the top papers and links the full report; without
//! one there is no full report a chat can reach, so the messages carry every paper. A later
//! run that changes what a channel was told sends an update with only what changed
//! ([`Briefing::since`]).

use std::collections::BTreeMap;
use std::ops::Range;

use paperbrief_core::SectionName;
use paperbrief_core::SourceKind;
use paperbrief_report::{DailyReport, Entry, Outcome};
use serde::{Deserialize, Serialize};

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

impl Stats {
    fn of(report: &DailyReport) -> Self {
        let s = &report.stats;
        Self {
            papers: s.papers,
            briefs: s.briefs,
            html: s.html,
            abstract_only: s.abstract_only,
            failed: s.failed,
        }
    }
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
    /// Its Chinese title, when the overview gave one.
    pub title_zh: Option<String>,
    /// Who it is from (at most three affiliations), when the page or HF says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliations: Option<String>,
    /// Its 一句话核心贡献 as plain text, when it has a brief.
    pub contribution: Option<String>,
    /// Why it is "for you", in a profile's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its link: the anchor on the site, else its HF page.
    pub url: String,
    /// `HTML` or `ArXiv Abs` (empty when not read).
    pub source_kind: String,
}

/// What a day's message leads with: its 今日速览's themes and picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lead {
    /// Each theme's name and how many papers it holds.
    pub themes: Vec<LeadTheme>,
    /// The papers to read first.
    pub picks: Vec<LeadPick>,
}

/// A theme as a message names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadTheme {
    /// Its name.
    pub name: String,
    /// How many papers it holds.
    pub papers: usize,
}

/// A pick as a message names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadPick {
    /// The arXiv id.
    pub id: String,
    /// Its title (the Chinese one when given).
    pub title: String,
    /// Why to read it first.
    pub why: String,
}

impl Lead {
    fn of(report: &DailyReport) -> Option<Self> {
        let o = report.overview.as_ref()?.overview()?;
        let title = |id: &str| {
            report
                .entries
                .iter()
                .find(|e| e.paper.id.base() == id)
                .map_or_else(|| id.to_owned(), |e| e.display_title().to_owned())
        };
        Some(Self {
            themes: o
                .themes
                .iter()
                .map(|t| LeadTheme {
                    name: t.name.clone(),
                    papers: t.papers.len(),
                })
                .collect(),
            picks: o
                .picks
                .iter()
                .map(|p| LeadPick {
                    id: p.id.clone(),
                    title: title(&p.id),
                    why: p.why.clone(),
                })
                .collect(),
        })
    }

    /// As lines of plain text: `今日主题：高效推理（5）、智能体（3）` and `必读：…`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.themes.is_empty() {
            let themes: Vec<String> = self
                .themes
                .iter()
                .map(|t| format!("{}（{}）", t.name, t.papers))
                .collect();
            out.push(format!("今日主题：{}", themes.join("、")));
        }
        for p in &self.picks {
            out.push(format!("必读：{} —— {}", p.title, p.why));
        }
        out
    }
}

impl PaperLine {
    /// What a message says under the title: the Chinese title when given, then the
    /// 一句话核心贡献 (or that the brief failed).
    pub fn caption(&self) -> String {
        let text = self.contribution.as_deref().unwrap_or("（简报生成失败）");
        let mut caption = match &self.title_zh {
            Some(zh) => format!("{zh}｜{text}"),
            None => text.to_owned(),
        };
        if let Some(who) = &self.affiliations {
            caption = format!("〔{who}〕{caption}");
        }
        if let Some(reason) = &self.reason {
            caption.push_str(&format!("（⭐ {reason}）"));
        }
        caption
    }
}

/// Whether a briefing is the day itself or an update of what was sent before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The finished day (or digest).
    Day,
    /// What changed since the day was sent: only those papers.
    Update,
    /// `check --notify`'s message: no papers, a line saying the channel works.
    Test,
}

/// A report as channels see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Briefing {
    /// The day (`2026-02-10`) or period (`2026-W07`): what deliveries are recorded under.
    pub key: String,
    /// The day itself, or an update.
    pub kind: Kind,
    /// The message's title.
    pub title: String,
    /// The full report on the published site; `None` without one (the messages then carry
    /// every paper instead).
    pub url: Option<String>,
    /// The counts.
    pub stats: Stats,
    /// The day's themes (name and papers) and picks from its 今日速览, when it has one: what a
    /// message leads with.
    pub overview: Option<Lead>,
    /// The papers to list, in upvote order (an update: only those that changed).
    pub papers: Vec<PaperLine>,
    /// The number of the first paper listed (a later message of a split list goes on counting).
    #[serde(skip)]
    pub first: usize,
    /// Whether this message continues an earlier one of the same delivery.
    #[serde(skip)]
    pub continued: bool,
    /// Whether every paper is listed whatever `top` says (a profile's picks).
    #[serde(skip)]
    pub every: bool,
    /// The report itself (email carries every section).
    #[serde(skip)]
    pub report: DailyReport,
    /// Where the key figures are kept (the store's `figures/`): e-mail shows the top papers'
    /// figures inline. `None`: no figures.
    #[serde(skip)]
    pub figures: Option<std::path::PathBuf>,
}

/// What a channel was told of each paper of a day, kept with its delivery: a later run compares
/// its report with it and sends only what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Told {
    /// By arXiv id (without version).
    pub papers: BTreeMap<String, Said>,
}

/// What a channel was told of one paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "said", rename_all = "snake_case")]
pub enum Said {
    /// Its brief, read from the full text or not, with a digest of the brief's text.
    Brief {
        /// Read from the HTML full text.
        full_text: bool,
        /// SHA-256 of the brief's sections, hex.
        digest: String,
    },
    /// That it failed.
    Failed,
    /// That it is not briefed yet.
    Pending,
}

impl Said {
    fn of(entry: &Entry) -> Self {
        match &entry.outcome {
            Outcome::Ok { brief, .. } => {
                let text: Vec<&str> = SectionName::ALL.iter().map(|s| brief.section(*s)).collect();
                Self::Brief {
                    full_text: entry
                        .source
                        .as_ref()
                        .is_some_and(|s| s.kind == SourceKind::Html),
                    digest: paperbrief_core::hash::hex_sha256(text.join("\n").as_bytes()),
                }
            }
            Outcome::Failed(_) => Self::Failed,
            Outcome::Pending => Self::Pending,
        }
    }
}

/// How a paper changed since a channel was told of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Failed, pending or not listed then; briefed now.
    Completed,
    /// Briefed from the abstract then; from the full text now.
    FullText,
    /// Briefed then; another brief now.
    Regenerated,
}

impl Briefing {
    /// The briefing of `report`; `site` is where the site is published, when it is.
    pub fn of(report: &DailyReport, site: Option<&url::Url>) -> Self {
        let key = report
            .period
            .as_ref()
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
            .map(|e| line(e, link(Some(e.paper.id.base()))))
            .collect();
        Self {
            url: link(None),
            key,
            kind: Kind::Day,
            title,
            overview: Lead::of(report),
            stats: Stats::of(report),
            papers,
            first: 1,
            continued: false,
            every: false,
            report: report.clone(),
            figures: None,
        }
    }

    /// This briefing, with the key figures kept in `dir`.
    pub fn with_figures(mut self, dir: std::path::PathBuf) -> Self {
        self.figures = Some(dir);
        self
    }

    /// `check --notify`'s test message for a channel, linking the site when there is one.
    pub fn test(date: paperbrief_core::ReportDate, site: Option<&url::Url>) -> Self {
        let mut b = Self::of(&DailyReport::new(date), site);
        b.kind = Kind::Test;
        b.title = format!("paperbrief 推送测试 · {date}");
        b
    }

    /// The briefing a channel of profile `name` gets: only the profile's "for you" papers, best
    /// score first, each with its reason; `None` when the day has none for it.
    pub fn for_profile(&self, name: &str) -> Option<Self> {
        let mut picked: Vec<(usize, f64, String)> = self
            .report
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let r = e.relevance.get(name).filter(|r| r.for_you)?;
                Some((i, r.score, r.reason()))
            })
            .collect();
        if picked.is_empty() {
            return None;
        }
        picked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut out = self.clone();
        out.title = format!("{} · 为你推荐：{name}", self.title);
        out.papers = picked
            .iter()
            .map(|(i, _, reason)| PaperLine {
                reason: Some(reason.clone()),
                ..self.papers[*i].clone()
            })
            .collect();
        out.report.entries = picked
            .iter()
            .map(|(i, _, _)| self.report.entries[*i].clone())
            .collect();
        out.report.recount();
        out.stats = Stats::of(&out.report);
        out.overview = None;
        out.every = true;
        Some(out)
    }

    /// What this briefing tells of each paper, to record with its delivery.
    pub fn told(&self) -> Told {
        Told {
            papers: self
                .report
                .entries
                .iter()
                .map(|e| (e.paper.id.base().to_owned(), Said::of(e)))
                .collect(),
        }
    }

    /// What to send a channel that was told `told`: nothing when nothing it was told changed;
    /// the whole day when it was told of no brief at all (a failure notice); else one update
    /// listing only the papers that changed — briefs completed, briefs now from the full text,
    /// briefs regenerated — titled with what changed (`【更新】2026-02-10：3 篇简报已补全`).
    pub fn since(&self, told: &Told) -> Option<Self> {
        let briefed_before = told
            .papers
            .values()
            .any(|s| matches!(s, Said::Brief { .. }));
        let changes: Vec<(usize, Change)> = self
            .report
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                change(told.papers.get(e.paper.id.base()), &Said::of(e)).map(|c| (i, c))
            })
            .collect();
        if changes.is_empty() {
            return None;
        }
        if !briefed_before {
            return Some(self.clone());
        }
        let count = |c: Change| changes.iter().filter(|(_, x)| *x == c).count();
        let parts: Vec<String> = [
            (Change::Completed, "篇简报已补全"),
            (Change::FullText, "篇改用全文重新生成"),
            (Change::Regenerated, "篇简报已重新生成"),
        ]
        .into_iter()
        .filter(|(c, _)| count(*c) > 0)
        .map(|(c, what)| format!("{} {what}", count(c)))
        .collect();
        let mut update = self.clone();
        update.kind = Kind::Update;
        update.title = format!("【更新】{}：{}", self.key, parts.join("，"));
        update.papers = changes
            .iter()
            .map(|(i, _)| self.papers[*i].clone())
            .collect();
        Some(update)
    }

    /// Whether the messages list every paper: without a site there is no full report to link,
    /// and an update lists all it changed.
    pub fn every_paper(&self) -> bool {
        self.url.is_none() || self.kind == Kind::Update || self.every
    }

    /// The papers at `range` as a message of their own: numbered on, titled as a continuation
    /// after the first.
    pub fn page(&self, range: Range<usize>) -> Self {
        let continued = range.start > 0;
        Self {
            title: if continued {
                format!("{}（续）", self.title)
            } else {
                self.title.clone()
            },
            first: self.first + range.start,
            continued,
            papers: self.papers[range].to_vec(),
            ..self.clone()
        }
    }

    /// Whether no paper got a brief: channels then get a short failure notice.
    pub fn all_failed(&self) -> bool {
        self.stats.papers > 0 && self.stats.briefs == 0
    }

    /// The lines a message opens with after its counts: the themes and picks of a day's first
    /// message (an update, a test and a continued message have none).
    pub fn lead(&self) -> Vec<String> {
        match (&self.overview, self.kind, self.continued) {
            (Some(lead), Kind::Day, false) => lead.lines(),
            _ => Vec::new(),
        }
    }

    /// The counts line: `33 篇论文：31 篇简报（全文 29，仅摘要 2），2 篇失败`.
    pub fn counts(&self) -> String {
        if self.kind == Kind::Test {
            return "这是一条测试消息：此频道配置正确，每天的简报将发到这里。".to_owned();
        }
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
        let mut notice = format!(
            "{}：{} 篇论文的简报全部生成失败，请查看运行日志",
            self.title, self.stats.papers
        );
        if let Some(url) = &self.url {
            notice.push_str(&format!("与完整报告：{url}"));
        }
        notice
    }

    /// The first `n` papers.
    pub fn top(&self, n: usize) -> &[PaperLine] {
        &self.papers[..n.min(self.papers.len())]
    }
}

/// How a paper changed from what was said (`None`: never said) to what is said now.
fn change(before: Option<&Said>, now: &Said) -> Option<Change> {
    let Said::Brief { full_text, digest } = now else {
        return None;
    };
    match before {
        None | Some(Said::Failed | Said::Pending) => Some(Change::Completed),
        Some(Said::Brief {
            full_text: was_full,
            digest: was,
        }) => match (was_full, full_text) {
            (false, true) => Some(Change::FullText),
            _ if was != digest => Some(Change::Regenerated),
            _ => None,
        },
    }
}

fn line(e: &Entry, site: Option<String>) -> PaperLine {
    PaperLine {
        id: e.paper.id.base().to_owned(),
        title: e.paper.title.clone(),
        upvotes: e.paper.upvotes,
        title_zh: e.title_zh.clone(),
        affiliations: {
            let who: Vec<String> = e
                .affiliations()
                .into_iter()
                .filter(|a| a != "等")
                .take(3)
                .collect();
            (!who.is_empty()).then(|| who.join(" · "))
        },
        contribution: match &e.outcome {
            Outcome::Ok { brief, .. } => Some(plain(brief.section(SectionName::Contribution))),
            _ => None,
        },
        url: site.unwrap_or_else(|| e.paper.hf_url()),
        reason: None,
        source_kind: e.source.as_ref().map_or(String::new(), |s| match s.kind {
            SourceKind::Html => "HTML".to_owned(),
            SourceKind::Abs => "ArXiv Abs".to_owned(),
        }),
    }
}
