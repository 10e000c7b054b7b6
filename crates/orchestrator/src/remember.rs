//! Remembering papers across days: a day's report learns which of its papers an earlier day
//! listed first (`first_listed`) and which later days listed again (`listed_again`), and those
//! other days' reports learn of this one; citations between archived papers are linked both
//! ways ([`crate::citations`]). Read from and written to the stored reports (each
//! written atomically); the briefs themselves are reused through the store, keyed by version,
//! so a re-listed paper at the same version costs no request.
//!
//! Every day's report is read each time (the archive is small next to a night's work: a report
//! is tens of kilobytes); digests are left alone.

use std::collections::HashMap;

use paperbrief_report::{DailyReport, Listing, ReportKey, ReportPaths};

/// Links `report` (a day's) with every other stored day listing one of its papers; writes the
/// other days whose entries changed and returns their keys.
pub(crate) async fn remember(
    reports: &ReportPaths,
    report: &mut DailyReport,
) -> Result<Vec<ReportKey>, crate::OrchestratorError> {
    if report.period.is_some() {
        return Ok(Vec::new());
    }
    let (paths, mut mine) = (reports.clone(), report.clone());
    let (mine, keys) = tokio::task::spawn_blocking(move || {
        let keys = link_days(&paths, &mut mine);
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
/// Never fails: a day that cannot be read or written is a warning, not a lost report.
fn link_days(paths: &ReportPaths, report: &mut DailyReport) -> Vec<ReportKey> {
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
    let mut others = Vec::new();
    let keys = match paths.all() {
        Ok(keys) => keys,
        Err(e) => {
            tracing::warn!(target: "paperbrief::run", "other days not linked: {e}");
            Vec::new()
        }
    };
    for key in keys {
        let ReportKey::Day(date) = key else { continue };
        if date == report.date {
            continue;
        }
        // Another day's report that cannot be read is left alone: tonight's report still goes out.
        match paths.read(key) {
            Ok(Some(other)) => others.push(other),
            Ok(None) => {}
            Err(e) => tracing::warn!(target: "paperbrief::run", "not linked with {date}: {e}"),
        }
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
