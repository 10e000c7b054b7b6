//! Remembering papers across days: a day's report learns which of its papers an earlier day
//! listed first (`first_listed`) and which later days listed again (`listed_again`), and those
//! other days' reports learn of this one; citations between archived papers are linked both
//! ways ([`crate::citations`]). Read from and written to the stored reports (each
//! written atomically); the briefs themselves are reused through the store, keyed by version,
//! so a re-listed paper at the same version costs no request.
//!
//! Every day's report is read once per report written ([`other_days`], shared with 相关论文);
//! digests are left alone.

use std::collections::HashMap;

use paperbrief_report::{DailyReport, Listing, ReportKey, ReportPaths};

/// Every other stored day's report (none for a digest), read once for the steps that link a
/// day with the archive ([`remember`], [`crate::related`]). A report that cannot be read is a
/// warning and is passed over: tonight's report still goes out.
pub(crate) async fn other_days(reports: &ReportPaths, report: &DailyReport) -> Vec<DailyReport> {
    if report.period.is_some() {
        return Vec::new();
    }
    let (paths, date) = (reports.clone(), report.date);
    tokio::task::spawn_blocking(move || read_others(&paths, date))
        .await
        .unwrap_or_default()
}

fn read_others(paths: &ReportPaths, today: paperbrief_core::ReportDate) -> Vec<DailyReport> {
    let keys = paths.all().unwrap_or_else(|e| {
        tracing::warn!(target: "paperbrief::run", "other days not linked: {e}");
        Vec::new()
    });
    let mut others = Vec::new();
    for key in keys {
        let ReportKey::Day(date) = key else { continue };
        if date == today {
            continue;
        }
        match paths.read(key) {
            Ok(Some(other)) => others.push(other),
            Ok(None) => {}
            Err(e) => tracing::warn!(target: "paperbrief::run", "not linked with {date}: {e}"),
        }
    }
    others
}

/// Links `report` (a day's) with `others` (every other stored day, [`other_days`]); writes the
/// other days whose entries changed and returns their keys.
pub(crate) async fn remember(
    reports: &ReportPaths,
    report: &mut DailyReport,
    others: Vec<DailyReport>,
) -> Result<Vec<ReportKey>, crate::OrchestratorError> {
    if report.period.is_some() {
        return Ok(Vec::new());
    }
    let (paths, mut mine) = (reports.clone(), report.clone());
    let (mine, keys) = tokio::task::spawn_blocking(move || {
        let keys = link_days(&paths, &mut mine, others);
        (mine, keys)
    })
    .await
    .map_err(|e| crate::OrchestratorError::Store {
        path: reports.dir().to_owned(),
        source: std::io::Error::other(e),
    })?;
    *report = mine;
    Ok(keys)
}

/// The blocking part of [`remember`].
/// Never fails: a day that cannot be written is a warning, not a lost report.
fn link_days(
    paths: &ReportPaths,
    report: &mut DailyReport,
    mut others: Vec<DailyReport>,
) -> Vec<ReportKey> {
    let here: HashMap<String, usize> = report
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.paper.id.base().to_owned(), i))
        .collect();
    for e in &mut report.entries {
        e.first_listed = None;
        e.listed_again.clear();
    }
    let mut changed: Vec<bool> = others
        .iter_mut()
        .map(|other| link_pair(report, &here, other))
        .collect();
    for e in &mut report.entries {
        e.listed_again.sort_by_key(|l| l.date);
    }
    for (flag, cited) in changed
        .iter_mut()
        .zip(crate::citations::link(report, &mut others))
    {
        *flag |= cited;
    }
    let mut touched = Vec::new();
    for (other, changed) in others.iter().zip(changed) {
        if !changed {
            continue;
        }
        match paths.write(other) {
            Ok(_) => touched.push(ReportKey::Day(other.date)),
            Err(e) => tracing::warn!(target: "paperbrief::run", "{}: not updated: {e}", other.date),
        }
    }
    touched
}

/// Links the entries `report` and `other` (another day) share, both ways; whether `other`
/// changed.
fn link_pair(
    report: &mut DailyReport,
    here: &HashMap<String, usize>,
    other: &mut DailyReport,
) -> bool {
    let mut changed = false;
    for theirs in &mut other.entries {
        let Some(&i) = here.get(theirs.paper.id.base()) else {
            continue;
        };
        let mine = &mut report.entries[i];
        let me = Listing {
            date: report.date,
            version: mine.version(),
        };
        let them = Listing {
            date: other.date,
            version: theirs.version(),
        };
        let before = (theirs.first_listed, theirs.listed_again.clone());
        if other.date < report.date {
            if mine.first_listed.is_none_or(|f| other.date < f.date) {
                mine.first_listed = Some(them);
            }
            theirs.listed_again.retain(|l| l.date != report.date);
            theirs.listed_again.push(me);
            theirs.listed_again.sort_by_key(|l| l.date);
        } else {
            mine.listed_again.push(them);
            theirs.listed_again.retain(|l| l.date != report.date);
            if theirs.first_listed.is_none_or(|f| report.date <= f.date) {
                theirs.first_listed = Some(me);
            }
        }
        changed |= before != (theirs.first_listed, theirs.listed_again.clone());
    }
    changed
}
