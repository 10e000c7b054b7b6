//! Building the site: every report read, the pages asked for rendered, each file written
//! atomically and only when its content changed.

use std::path::{Path, PathBuf};

use minijinja::{Value, context};
use paperbrief_core::fs::{Visibility, atomic_write};
use paperbrief_report::{DailyReport, Outcome, ReportKey, ReportPaths};
use serde::Serialize;

use crate::error::SiteError;
use crate::feed::feed;
use crate::settings::SiteSettings;
use crate::templates::{Templates, template_error};
use crate::view::{ArticleView, heading, key_of, page_name};

/// What a build did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSummary {
    /// Files whose content changed, written.
    pub written: Vec<PathBuf>,
    /// Files rendered whose content was already there.
    pub unchanged: usize,
    /// Report files that could not be read, and why (the rest of the site is still built).
    pub unreadable: Vec<String>,
    /// The search index (`None`: the site has no search).
    pub search: Option<IndexSummary>,
}

/// What a build did to the search index (its files are not among the pages counted above).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSummary {
    /// Papers indexed (one per entry of each day and digest).
    pub papers: usize,
    /// The quarters whose index was made again (their records changed), newest first.
    pub rebuilt: Vec<String>,
    /// Index files whose content changed, written.
    pub written: usize,
    /// Index files already there.
    pub unchanged: usize,
    /// Files of an older index, deleted.
    pub removed: usize,
}

impl std::fmt::Display for IndexSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "search index: {} papers, {} quarter(s) indexed again{}, {} files updated, {} unchanged, {} removed",
            self.papers,
            self.rebuilt.len(),
            if self.rebuilt.is_empty() {
                String::new()
            } else {
                format!(" ({})", self.rebuilt.join(", "))
            },
            self.written,
            self.unchanged,
            self.removed
        )
    }
}

/// A site: its settings and loaded templates.
#[derive(Debug)]
pub struct Site {
    settings: SiteSettings,
    templates: Templates,
}

/// A link to a neighbouring page.
#[derive(Debug, Serialize)]
struct Nav {
    href: String,
    label: String,
}

impl Site {
    /// A site with `settings` (its templates loaded and checked).
    pub fn new(settings: SiteSettings) -> Result<Self, SiteError> {
        let templates = Templates::load(settings.templates.as_deref(), settings.search)?;
        Ok(Self {
            settings,
            templates,
        })
    }

    /// Builds every page, the index and the feed from the reports in `reports`.
    pub fn build_all(&self, reports: &ReportPaths) -> Result<BuildSummary, SiteError> {
        self.build(reports, None)
    }

    /// Rebuilds the pages of `touched` and of their neighbours (whose navigation may change),
    /// the index and the feed.
    pub fn rebuild(
        &self,
        reports: &ReportPaths,
        touched: &[ReportKey],
    ) -> Result<BuildSummary, SiteError> {
        self.build(reports, Some(touched))
    }

    fn build(
        &self,
        paths: &ReportPaths,
        touched: Option<&[ReportKey]>,
    ) -> Result<BuildSummary, SiteError> {
        let mut summary = BuildSummary::default();
        let reports = load(paths, &mut summary)?;
        let figures = crate::figures::publish(&self.settings, &reports, &mut summary.written)?;
        let keys: Vec<ReportKey> = reports.iter().map(key_of).collect();
        for (i, report) in reports.iter().enumerate() {
            let key = keys[i];
            let wanted = touched.is_none_or(|t| {
                t.iter()
                    .any(|k| *k == key || neighbours(&keys, *k).contains(&key))
            });
            if wanted {
                let html = self.page(report, &keys, None, &figures)?;
                self.put(&page_name(key), html.as_bytes(), &mut summary)?;
                for profile in profiles(report) {
                    let html = self.page(report, &keys, Some(&profile), &figures)?;
                    self.put(&profile_page(key, &profile), html.as_bytes(), &mut summary)?;
                }
            }
        }
        let index = self.index(&reports)?;
        self.put("index.html", index.as_bytes(), &mut summary)?;
        self.put(
            "feed.xml",
            feed(&reports, &self.settings, &figures).as_bytes(),
            &mut summary,
        )?;
        if self.settings.search {
            self.search_index(&reports, &mut summary)?;
        }
        Ok(summary)
    }

    /// The archive's search indexes: a quarter's made again only when its records changed, only
    /// changed files written, files no index names deleted.
    fn search_index(
        &self,
        reports: &[DailyReport],
        summary: &mut BuildSummary,
    ) -> Result<(), SiteError> {
        let out = &self.settings.out;
        let (bundles, quarters) = crate::search::plan(reports);
        let mut keep = std::collections::BTreeSet::new();
        let mut puts = BuildSummary::default();
        let mut rebuilt = Vec::new();
        for bundle in bundles {
            if bundle.is_current(out) {
                keep.extend(bundle.existing(out));
                continue;
            }
            rebuilt.push(bundle.quarter.clone());
            for (path, data) in bundle.make()? {
                self.put(&path.to_string_lossy(), &data, &mut puts)?;
                keep.insert(path);
            }
        }
        self.put(&quarters.0.to_string_lossy(), &quarters.1, &mut puts)?;
        keep.insert(quarters.0);
        summary.search = Some(IndexSummary {
            papers: reports.iter().map(|r| r.entries.len()).sum(),
            rebuilt,
            written: puts.written.len(),
            unchanged: puts.unchanged,
            removed: crate::search::prune(out, &keep)?,
        });
        Ok(())
    }

    fn base(&self) -> Value {
        context! {
            site_title => self.settings.title.clone(),
            csp => self.templates.csp.clone(),
            style => Value::from_safe_string(self.templates.style.clone()),
            script => Value::from_safe_string(self.templates.script.clone()),
            feed_url => "feed.xml",
            search => self.settings.search,
        }
    }

    fn render(&self, name: &str, ctx: Value) -> Result<String, SiteError> {
        let template = self
            .templates
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        template.render(ctx).map_err(|e| template_error(name, &e))
    }

    /// A day's (or digest's) page; with `profile`, that profile's page: its papers best first,
    /// the others dimmed.
    fn page(
        &self,
        report: &DailyReport,
        keys: &[ReportKey],
        profile: Option<&str>,
        figures: &crate::figures::Available,
    ) -> Result<String, SiteError> {
        let key = key_of(report);
        let (prev, next) = around(keys, key);
        let (heading, summary) = heading(report);
        let nav = |k: Option<ReportKey>| {
            k.map(|k| Nav {
                href: page_name(k),
                label: label(k),
            })
        };
        let mut entries: Vec<&paperbrief_report::Entry> = report.entries.iter().collect();
        if let Some(p) = profile {
            let score = |e: &paperbrief_report::Entry| e.relevance.get(p).map_or(0.0, |r| r.score);
            entries.sort_by(|a, b| score(b).total_cmp(&score(a)));
        }
        let articles: Vec<ArticleView> = entries
            .into_iter()
            .map(|e| {
                let theme = crate::overview::theme_of(report, e.paper.id.base());
                ArticleView::of(e, report.period.is_some(), theme, profile, figures)
            })
            .collect();
        let switch = switch(report, key_of(report), profile);
        let overview = crate::overview::OverviewView::of(report);
        let ctx = context! {
            ..self.base(),
            ..context! {
                heading, summary,
                source_url => report.source_url.clone(),
                prev => nav(prev), next => nav(next),
                articles, overview, profiles => switch,
                skipped => report.skipped.clone(),
            }
        };
        self.render("page.html", ctx)
    }

    fn index(&self, reports: &[DailyReport]) -> Result<String, SiteError> {
        let mut days: Vec<Value> = Vec::new();
        let mut digests: Vec<Value> = Vec::new();
        for r in reports.iter().rev() {
            let key = key_of(r);
            match &r.period {
                None => days.push(context! {
                    date => r.date.to_string(),
                    href => page_name(key),
                    count => r.entries.len(),
                    pending => r.stats.pending,
                    failed => r.stats.failed,
                    top => r.entries.iter().filter(|e| !matches!(e.outcome, Outcome::Pending)).chain(r.entries.iter().filter(|e| matches!(e.outcome, Outcome::Pending))).take(3)
                        .map(|e| context! { id => e.paper.id.base().to_owned(), title => e.paper.title.clone() })
                        .collect::<Vec<_>>(),
                }),
                Some(p) => digests.push(context! {
                    label => label(key),
                    href => page_name(key),
                    count => r.entries.len(),
                    complete => p.complete,
                    through => p.through.to_string(),
                }),
            }
        }
        self.render(
            "index.html",
            context! { ..self.base(), ..context! { days, digests } },
        )
    }

    /// Writes `name` under the site directory when its content differs.
    fn put(&self, name: &str, data: &[u8], summary: &mut BuildSummary) -> Result<(), SiteError> {
        let path = self.settings.out.join(name);
        if std::fs::read(&path).is_ok_and(|old| old == data) {
            summary.unchanged += 1;
            return Ok(());
        }
        atomic_write(&path, data, Visibility::Shared).map_err(|source| SiteError::Write {
            path: path.clone(),
            source,
        })?;
        summary.written.push(path);
        Ok(())
    }

    /// The site directory.
    pub fn out(&self) -> &Path {
        &self.settings.out
    }
}

/// Every readable report, days and digests, in key order.
fn load(paths: &ReportPaths, summary: &mut BuildSummary) -> Result<Vec<DailyReport>, SiteError> {
    let mut reports = Vec::new();
    for key in paths.all()? {
        match paths.read(key) {
            Ok(Some(r)) => reports.push(r),
            Ok(None) => {}
            Err(e) => summary.unreadable.push(e.to_string()),
        }
    }
    Ok(reports)
}

/// The previous and next pages of the same kind (days among days, weeks among weeks…).
fn around(keys: &[ReportKey], key: ReportKey) -> (Option<ReportKey>, Option<ReportKey>) {
    let same: Vec<ReportKey> = keys
        .iter()
        .copied()
        .filter(|k| same_kind(*k, key))
        .collect();
    let Some(i) = same.iter().position(|k| *k == key) else {
        return (None, None);
    };
    (i.checked_sub(1).map(|j| same[j]), same.get(i + 1).copied())
}

fn neighbours(keys: &[ReportKey], key: ReportKey) -> Vec<ReportKey> {
    let (prev, next) = around(keys, key);
    prev.into_iter().chain(next).collect()
}

fn same_kind(a: ReportKey, b: ReportKey) -> bool {
    match (a, b) {
        (ReportKey::Day(_), ReportKey::Day(_)) => true,
        (ReportKey::Digest(x), ReportKey::Digest(y)) => x.kind() == y.kind(),
        _ => false,
    }
}

fn label(key: ReportKey) -> String {
    match key {
        ReportKey::Day(d) => d.to_string(),
        ReportKey::Digest(p) => p.to_string(),
    }
}

/// The reader profiles a report was scored for.
fn profiles(report: &DailyReport) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = report
        .entries
        .iter()
        .flat_map(|e| e.relevance.keys())
        .collect();
    names.into_iter().cloned().collect()
}

/// A profile's page of a day: `2026-02-10.p-efficiency.html` (profile names are checked to be
/// letters, digits, `-` and `_`).
fn profile_page(key: ReportKey, profile: &str) -> String {
    let name = page_name(key);
    format!("{}.p-{profile}.html", name.trim_end_matches(".html"))
}

/// The profile switch of a page: 全部 and each profile, the current one marked.
fn switch(report: &DailyReport, key: ReportKey, current: Option<&str>) -> Vec<Value> {
    let names = profiles(report);
    if names.is_empty() {
        return Vec::new();
    }
    let mut out =
        vec![context! { label => "全部", href => page_name(key), current => current.is_none() }];
    out.extend(names.iter().map(|n| {
        context! { label => n.clone(), href => profile_page(key, n), current => current == Some(n.as_str()) }
    }));
    out
}
