//! The day: one home for everything a report covers — the whole HF list (fresh, or the copy
//! an earlier run stored when HF cannot be reached), the items of it that could not be used, the
//! versions resolved for its papers, the report an earlier run wrote — and for turning the work
//! of a run into the day's report. `run`, `paper`, `backfill` and `digest` all go through it, so
//! a subset run never shrinks the day.

use std::collections::BTreeMap;

use paperbrief_core::{ArxivId, PaperRef, ReportDate, SkippedItem};
use paperbrief_fetch::extract::AbstractInfo;
use paperbrief_report::{DailyReport, Entry, ReportFiles, ReportPaths};

use crate::error::OrchestratorError;
use crate::services::Services;
use crate::store::{ListSnapshot, Store};

/// Abstracts the export API gave while resolving versions, by base id.
pub(crate) type Hints = BTreeMap<String, AbstractInfo>;

/// One day of Hugging Face Daily Papers.
#[derive(Debug, Clone)]
pub(crate) struct Day {
    date: ReportDate,
    papers: Vec<PaperRef>,
    skipped: Vec<SkippedItem>,
    versions: BTreeMap<String, ArxivId>,
    previous: Option<DailyReport>,
}

impl Day {
    /// The day's list from HF — or, when HF cannot be reached, the copy an earlier run stored —
    /// with the versions stored for it and the report written for it so far.
    pub(crate) async fn load(
        services: &Services,
        date: ReportDate,
    ) -> Result<Self, OrchestratorError> {
        let stored = services.store().list(date).await;
        let (papers, skipped) = match services.sources().hf.daily_papers(date).await {
            Ok(list) => (list.papers, list.skipped),
            Err(source) => match &stored {
                Some(snapshot) => {
                    tracing::warn!(target: "paperbrief::run", "{source}; using the list stored by an earlier run");
                    (snapshot.papers.clone(), snapshot.skipped.clone())
                }
                None => return Err(OrchestratorError::HfList { date, source }),
            },
        };
        Ok(Self {
            date,
            papers,
            skipped,
            versions: stored.map(|s| s.versions).unwrap_or_default(),
            previous: previous_report(services.reports(), date).await,
        })
    }

    /// The day.
    pub(crate) fn date(&self) -> ReportDate {
        self.date
    }

    /// Every paper of the list, in report order.
    pub(crate) fn papers(&self) -> &[PaperRef] {
        &self.papers
    }

    /// Whether the list holds nothing at all (a weekend, a holiday, not published yet).
    pub(crate) fn is_empty(&self) -> bool {
        self.papers.is_empty() && self.skipped.is_empty()
    }

    /// The report an earlier run wrote for the day.
    pub(crate) fn previous(&self) -> Option<&DailyReport> {
        self.previous.as_ref()
    }

    /// The paper with this id, if the day lists it.
    pub(crate) fn find(&self, id: &ArxivId) -> Option<&PaperRef> {
        self.papers.iter().find(|p| p.id.base() == id.base())
    }

    /// Which papers (by position) to work on: those of `only`, else all; at most `limit`.
    /// Choosing never changes what the report lists.
    pub(crate) fn select(
        &self,
        only: &[ArxivId],
        limit: Option<usize>,
    ) -> Result<Vec<usize>, OrchestratorError> {
        if let Some(id) = only.iter().find(|id| self.find(id).is_none()) {
            return Err(OrchestratorError::NotInList {
                id: id.clone(),
                date: self.date,
            });
        }
        let mut chosen: Vec<usize> = (0..self.papers.len())
            .filter(|&i| {
                only.is_empty() || only.iter().any(|id| id.base() == self.papers[i].id.base())
            })
            .collect();
        if let Some(n) = limit {
            chosen.truncate(n);
        }
        Ok(chosen)
    }

    /// The id with the version to read: the one an earlier run resolved, else as listed.
    pub(crate) fn version_of(&self, paper: &PaperRef) -> ArxivId {
        self.versions
            .get(paper.id.base())
            .cloned()
            .unwrap_or_else(|| paper.id.clone())
    }

    /// The papers at `chosen` whose version no run has resolved yet, unversioned.
    fn unresolved(&self, chosen: &[usize]) -> Vec<ArxivId> {
        chosen
            .iter()
            .map(|&i| &self.papers[i])
            .filter(|p| !self.versions.contains_key(p.id.base()))
            .map(|p| p.id.unversioned())
            .collect()
    }

    /// Takes the versions `found` gives for papers of this day's list; versions an earlier run
    /// resolved are kept, so reruns key their work identically.
    fn learn(&mut self, found: &Hints) {
        for p in &self.papers {
            if self.versions.contains_key(p.id.base()) {
                continue;
            }
            let resolved = found
                .get(p.id.base())
                .and_then(|info| info.id.as_deref())
                .and_then(|s| ArxivId::parse(s).ok());
            if let Some(id) = resolved {
                self.versions.insert(p.id.base().to_owned(), id);
            }
        }
    }

    /// Stores the whole list, its versions and its unusable items (a failure is logged). An
    /// empty list is not stored: it may be a day HF has not published yet.
    async fn save(&self, store: &Store) {
        if self.is_empty() {
            return;
        }
        let snapshot = ListSnapshot {
            papers: self.papers.clone(),
            versions: self.versions.clone(),
            skipped: self.skipped.clone(),
        };
        if let Err(e) = store.put_list(self.date, &snapshot).await {
            tracing::warn!(target: "paperbrief::store", "{e}");
        }
    }

    /// The day's report: every paper of the list in report order — the entry `known` gives it,
    /// else the earlier report's (with the list's current metadata), else pending — and the
    /// unusable items. `stats` are the run's; the per-paper numbers are recounted.
    pub(crate) fn report(
        &self,
        mut known: impl FnMut(&PaperRef) -> Option<Entry>,
        stats: paperbrief_report::RunStats,
    ) -> DailyReport {
        let mut report = DailyReport::new(self.date);
        report.entries = self
            .papers
            .iter()
            .map(|p| {
                known(p)
                    .or_else(|| {
                        self.previous
                            .as_ref()
                            .and_then(|r| r.entry(&p.id))
                            .map(|e| Entry {
                                paper: p.clone(),
                                ..e.clone()
                            })
                    })
                    .unwrap_or_else(|| Entry::pending(p.clone()))
            })
            .collect();
        report.skipped.clone_from(&self.skipped);
        report.stats = stats;
        report.recount();
        report
    }
}

/// A day ready for work: its list, the papers chosen to work on (by position) and the abstracts
/// the export API gave while resolving their versions.
pub(crate) struct Prepared {
    /// The day.
    pub(crate) day: Day,
    /// The papers to work on.
    pub(crate) chosen: Vec<usize>,
    /// What the export API said of them.
    pub(crate) hints: Hints,
}

impl Day {
    /// The one way a command starts on a day: load the list (or its stored copy), choose the
    /// papers (`only`, else all; at most `limit`), resolve their versions in one export-API
    /// lookup, and store the list with them.
    pub(crate) async fn prepare(
        services: &Services,
        date: ReportDate,
        only: &[ArxivId],
        limit: Option<usize>,
    ) -> Result<Prepared, OrchestratorError> {
        let mut day = Self::load(services, date).await?;
        let chosen = day.select(only, limit)?;
        let hints = resolve_versions(services, std::slice::from_mut(&mut day), &[&chosen]).await;
        Ok(Prepared { day, chosen, hints })
    }
}

/// Resolves the versions of the chosen papers of several days (`chosen[i]` are positions in
/// `days[i]`) in one export-API lookup (split by `sources.arxiv_api_batch`), and stores each
/// day's list with them. A lookup that fails is logged: the papers are read as listed.
pub(crate) async fn resolve_versions(
    services: &Services,
    days: &mut [Day],
    chosen: &[&[usize]],
) -> Hints {
    let mut missing: Vec<ArxivId> = days
        .iter()
        .zip(chosen)
        .flat_map(|(day, chosen)| day.unresolved(chosen))
        .collect();
    missing.sort_unstable_by(|a, b| a.base().cmp(b.base()));
    missing.dedup_by(|a, b| a.base() == b.base());
    let mut hints = Hints::new();
    if !missing.is_empty() {
        match services.sources().arxiv.lookup(&missing).await {
            Ok(found) => {
                for info in found {
                    let id = info.id.as_deref().and_then(|s| ArxivId::parse(s).ok());
                    if let Some(id) = id {
                        hints.insert(id.base().to_owned(), info);
                    }
                }
            }
            Err(e) => {
                tracing::warn!(target: "paperbrief::run", "arXiv export API: {e}; continuing without versions");
            }
        }
    }
    for day in days.iter_mut() {
        day.learn(&hints);
        day.save(services.store()).await;
    }
    hints
}

/// The report an earlier run wrote; one that cannot be read is logged and ignored (this run
/// writes it anew).
async fn previous_report(reports: &ReportPaths, date: ReportDate) -> Option<DailyReport> {
    let reports = reports.clone();
    let read = tokio::task::spawn_blocking(move || reports.read_day(date)).await;
    match read {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => {
            tracing::warn!(target: "paperbrief::run", "{e}; it will be written anew");
            None
        }
        Err(e) => {
            tracing::warn!(target: "paperbrief::run", "reading the report stopped: {e}");
            None
        }
    }
}

/// The report of `date` as written, for the commands that work on one (`rank`, `overview`): an
/// error naming the fix when there is none.
pub(crate) async fn read_day(
    services: &Services,
    date: ReportDate,
) -> Result<DailyReport, OrchestratorError> {
    let reports = services.reports().clone();
    tokio::task::spawn_blocking(move || reports.read_day(date))
        .await
        .map_err(|e| OrchestratorError::Store {
            path: std::path::PathBuf::from("reports"),
            source: std::io::Error::other(e),
        })??
        .ok_or(OrchestratorError::NoReport { date })
}

/// Writes the report's JSON and Markdown, atomically, off the async workers.
pub(crate) async fn write_report(
    reports: &ReportPaths,
    report: &DailyReport,
) -> Result<ReportFiles, OrchestratorError> {
    let (reports, report) = (reports.clone(), report.clone());
    tokio::task::spawn_blocking(move || reports.write(&report))
        .await
        .map_err(|e| OrchestratorError::Store {
            path: std::path::PathBuf::from("reports"),
            source: std::io::Error::other(e),
        })?
        .map_err(OrchestratorError::from)
}
