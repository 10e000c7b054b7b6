//! The archive's search for the browser: Pagefind indexes of every paper of every day and
//! digest page, under `pagefind/`, with the Pagefind scripts they need (from the crate, nothing
//! from elsewhere).
//!
//! One index per quarter (by the day of the page: a day's, a digest's first day): the newest
//! quarter's is the primary index at `pagefind/` with the scripts, each older quarter's an index
//! at `pagefind/q/2025-Q4/` that the page's script merges (listed in
//! `pagefind/paperbrief-quarters.json`). Pagefind cannot update an index in place, and making one
//! costs time and memory that grow with its size (about 0.35 MiB a paper), while a query fetches
//! a chunk of every index: a quarter (some 3,600 papers at 40 a day) bounds the one and keeps
//! the other to a few chunks. A quarter's index is made again only when its records changed (a
//! fingerprint of them is kept beside it): a night rebuilds the current quarter's, and an old
//! one only when one of its reports was rewritten. Index files are named by their content, so
//! only those that changed are written; files no index names are deleted.

mod records;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use paperbrief_core::hash::hex_sha256;
use paperbrief_report::DailyReport;

use crate::error::SiteError;
use records::Record;

/// The directory under the site holding the indexes and the scripts.
pub(crate) const DIR: &str = "pagefind";

/// The list of merged quarters, read by the page's script.
const QUARTERS: &str = "paperbrief-quarters.json";

/// Beside each index: the fingerprint of the records it was made from.
const FINGERPRINT: &str = "paperbrief-fingerprint";

/// One quarter's index to have.
#[derive(Debug)]
pub(crate) struct Bundle {
    /// The quarter, `2026-Q1`.
    pub(crate) quarter: String,
    /// Where, under the site: `pagefind` or `pagefind/q/2025-Q4`.
    dir: PathBuf,
    /// The primary index (with the scripts).
    primary: bool,
    records: Vec<Record>,
    fingerprint: String,
}

impl Bundle {
    /// Whether the index under `out` was made from these very records.
    pub(crate) fn is_current(&self, out: &Path) -> bool {
        let dir = out.join(&self.dir);
        dir.join("pagefind-entry.json").is_file()
            && std::fs::read_to_string(dir.join(FINGERPRINT)).is_ok_and(|f| f == self.fingerprint)
    }

    /// The files the index has under `out` now (paths under the site), its fingerprint included.
    pub(crate) fn existing(&self, out: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let mut stack = vec![out.join(&self.dir)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                let nested = self.primary && path == out.join(DIR).join("q");
                if path.is_dir() && !nested {
                    stack.push(path);
                } else if let Ok(rel) = path.strip_prefix(out) {
                    files.push(rel.to_owned());
                }
            }
        }
        files
    }

    /// Makes the index: its files (paths under the site), the fingerprint last.
    pub(crate) fn make(self) -> Result<Vec<(PathBuf, Vec<u8>)>, SiteError> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = records::index_files(self.records, self.primary)?
            .into_iter()
            .map(|(name, data)| (self.dir.join(name), data))
            .collect();
        files.push((self.dir.join(FINGERPRINT), self.fingerprint.into_bytes()));
        Ok(files)
    }
}

/// The quarters' indexes of `reports`, newest (the primary) first, and the list of the merged
/// ones as the page's script reads it.
pub(crate) fn plan(reports: &[DailyReport]) -> (Vec<Bundle>, (PathBuf, Vec<u8>)) {
    let mut quarters: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    for report in reports {
        let first_day = report
            .period
            .as_ref()
            .map_or(report.date, |p| p.period.first());
        quarters
            .entry(quarter(first_day))
            .or_default()
            .extend(records::of_report(report));
    }
    let newest = quarters.keys().next_back().cloned();
    let bundles: Vec<Bundle> = quarters
        .into_iter()
        .rev()
        .map(|(quarter, records)| {
            let primary = Some(&quarter) == newest.as_ref();
            let dir = if primary {
                PathBuf::from(DIR)
            } else {
                Path::new(DIR).join("q").join(&quarter)
            };
            let fingerprint = fingerprint(&records, primary);
            Bundle {
                quarter,
                dir,
                primary,
                records,
                fingerprint,
            }
        })
        .collect();
    let merged: Vec<&str> = bundles
        .iter()
        .filter(|b| !b.primary)
        .map(|b| b.quarter.as_str())
        .collect();
    let list = serde_json::to_vec(&merged).unwrap_or_default();
    (bundles, (Path::new(DIR).join(QUARTERS), list))
}

/// `2026-Q1` for a day of January to March 2026.
fn quarter(day: paperbrief_core::ReportDate) -> String {
    let d = day.to_string();
    let month: u32 = d[5..7].parse().unwrap_or(1);
    format!("{}-Q{}", &d[..4], month.div_ceil(3))
}

/// What an index is made from: its records, its role, and the Pagefind that makes it.
fn fingerprint(records: &[Record], primary: bool) -> String {
    let json = serde_json::to_vec(&(env!("CARGO_PKG_VERSION"), PAGEFIND, primary, records))
        .unwrap_or_default();
    hex_sha256(&json)
}

/// The Pagefind the indexes are made with: a new one makes every index again.
const PAGEFIND: &str = "pagefind 1.6";

/// Deletes the files under the site's `pagefind/` that no index names, and emptied folders.
pub(crate) fn prune(out: &Path, keep: &BTreeSet<PathBuf>) -> Result<usize, SiteError> {
    let mut removed = 0;
    let mut stack = vec![out.join(DIR)];
    let mut dirs = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path.clone());
                dirs.push(path);
            } else if path.strip_prefix(out).is_ok_and(|rel| !keep.contains(rel)) {
                std::fs::remove_file(&path).map_err(|source| SiteError::Write {
                    path: path.clone(),
                    source,
                })?;
                removed += 1;
            }
        }
    }
    // Deepest first; a folder still holding files stays.
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use paperbrief_core::ReportDate;

    #[test]
    fn days_fall_in_their_quarter() {
        for (day, q) in [
            ("2026-01-01", "2026-Q1"),
            ("2026-03-31", "2026-Q1"),
            ("2026-04-01", "2026-Q2"),
            ("2025-12-31", "2025-Q4"),
        ] {
            assert_eq!(quarter(ReportDate::parse(day).unwrap()), q);
        }
    }
}
