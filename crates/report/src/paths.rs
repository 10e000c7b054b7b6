//! Where reports live — `{output.dir}/{date}.md` and `.json` — built here and nowhere else, and
//! reading and writing them (atomically, readable by others as the umask allows: reports are
//! made to be published).

use std::path::{Path, PathBuf};

use paperbrief_core::fs::{Visibility, atomic_write};
use paperbrief_core::{Period, ReportDate};

use crate::error::ReportError;
use crate::markdown::render_markdown;
use crate::model::DailyReport;

/// What a report is for: a day, or a digest's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportKey {
    /// A day's report.
    Day(ReportDate),
    /// A weekly or monthly digest.
    Digest(Period),
}

/// The two files of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    /// `{date}.md`.
    pub markdown: PathBuf,
    /// `{date}.json`.
    pub json: PathBuf,
}

/// The reports directory (`output.dir`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPaths {
    dir: PathBuf,
}

impl ReportPaths {
    /// Reports under `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The files of a day's report.
    pub fn day(&self, date: ReportDate) -> ReportFiles {
        self.named(&date.to_string())
    }

    /// The files of a digest: `{output.dir}/2026-W07.md` or `2026-02.md`.
    pub fn digest(&self, period: Period) -> ReportFiles {
        self.named(&period.to_string())
    }

    /// The files of `report`: its day's, or its period's for a digest.
    pub fn of(&self, report: &DailyReport) -> ReportFiles {
        match &report.period {
            Some(p) => self.digest(p.period),
            None => self.day(report.date),
        }
    }

    /// Every report in the directory, by what its file name says it is; other files are
    /// ignored, so is a missing directory.
    pub fn all(&self) -> Result<Vec<ReportKey>, ReportError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(ReportError::Io {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut keys: Vec<ReportKey> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let stem = name.strip_suffix(".json")?;
                ReportDate::parse(stem)
                    .map(ReportKey::Day)
                    .or_else(|_| Period::parse(stem).map(ReportKey::Digest))
                    .ok()
            })
            .collect();
        keys.sort();
        Ok(keys)
    }

    /// The report a key names.
    pub fn read(&self, key: ReportKey) -> Result<Option<DailyReport>, ReportError> {
        match key {
            ReportKey::Day(d) => read(&self.day(d).json),
            ReportKey::Digest(p) => read(&self.digest(p).json),
        }
    }

    fn named(&self, stem: &str) -> ReportFiles {
        ReportFiles {
            markdown: self.dir.join(format!("{stem}.md")),
            json: self.dir.join(format!("{stem}.json")),
        }
    }

    /// The day's report, when one was written. A file that is not a report is an error naming it.
    pub fn read_day(&self, date: ReportDate) -> Result<Option<DailyReport>, ReportError> {
        read(&self.day(date).json)
    }

    /// Writes the report's JSON, then its Markdown, each atomically.
    pub fn write(&self, report: &DailyReport) -> Result<ReportFiles, ReportError> {
        let files = self.of(report);
        let json = serde_json::to_vec_pretty(report).map_err(|source| ReportError::Json {
            path: files.json.clone(),
            source,
        })?;
        write_file(&files.json, &json)?;
        write_file(&files.markdown, render_markdown(report).as_bytes())?;
        Ok(files)
    }

    /// Rewrites a day's Markdown from its JSON, without any network.
    pub fn render_day(&self, date: ReportDate) -> Result<Option<ReportFiles>, ReportError> {
        let Some(report) = self.read_day(date)? else {
            return Ok(None);
        };
        let files = self.day(date);
        write_file(&files.markdown, render_markdown(&report).as_bytes())?;
        Ok(Some(files))
    }
}

/// Reads a report file: `None` when it does not exist.
pub fn read(path: &Path) -> Result<Option<DailyReport>, ReportError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ReportError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|source| ReportError::Json {
            path: path.to_owned(),
            source,
        })
}

fn write_file(path: &Path, data: &[u8]) -> Result<(), ReportError> {
    atomic_write(path, data, Visibility::Shared).map_err(|source| ReportError::Io {
        path: path.to_owned(),
        source,
    })
}
