//! The index over the reports directory: opened (or rebuilt when it is of another version or
//! broken), brought in step with the reports, searched.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use paperbrief_report::{DailyReport, ReportKey, ReportPaths, Searchable};
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, TantivyError, Term};

use crate::error::SearchError;
use crate::manifest::{Manifest, Stamp};
use crate::query::{Hit, Query, day_number};
use crate::schema::{Fields, VERSION, register};

/// Memory the indexer may use before it writes a segment.
const WRITER_BYTES: usize = 50_000_000;

/// What bringing the index in step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// Days (re)indexed because their report is new or changed.
    pub indexed: Vec<String>,
    /// Days dropped because their report is gone.
    pub removed: Vec<String>,
    /// Reports that could not be read (their last indexed state is kept), and why.
    pub unreadable: Vec<String>,
    /// Another process was updating the index: this search used it as it was.
    pub busy: bool,
}

/// The archive's index.
pub struct Archive {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: Option<PathBuf>,
    manifest: Manifest,
    reports: ReportPaths,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("dir", &self.dir).finish()
    }
}

impl Archive {
    /// The index of `reports` kept in `dir` (made when missing, rebuilt when of another version
    /// or unreadable), or held in memory when `dir` is `None`.
    pub fn open(dir: Option<&Path>, reports: ReportPaths) -> Result<Self, SearchError> {
        let (schema, fields) = Fields::schema();
        let (index, manifest) = match dir {
            None => (Index::create_in_ram(schema), Manifest::default()),
            Some(dir) => open_dir(dir, schema)?,
        };
        register(&index);
        let reader = index.reader().map_err(|e| index_error(dir, e))?;
        Ok(Self {
            index,
            reader,
            fields,
            dir: dir.map(Path::to_owned),
            manifest,
            reports,
        })
    }

    /// Indexes every day report that is new or changed since the index last read it and drops
    /// the days whose report is gone.
    pub fn sync(&mut self) -> Result<SyncSummary, SearchError> {
        let mut summary = SyncSummary::default();
        let mut present = BTreeSet::new();
        let mut stale: Vec<(String, Option<Stamp>, paperbrief_core::ReportDate)> = Vec::new();
        for key in self.reports.all()? {
            let ReportKey::Day(date) = key else { continue };
            let name = date.to_string();
            let stamp = Stamp::of(&self.reports.day(date).json);
            if stamp.is_none() || self.manifest.reports.get(&name) != stamp.as_ref() {
                stale.push((name.clone(), stamp, date));
            }
            present.insert(name);
        }
        let gone: Vec<String> = (self.manifest.reports.keys())
            .filter(|k| !present.contains(*k))
            .cloned()
            .collect();
        if stale.is_empty() && gone.is_empty() {
            return Ok(summary);
        }
        let Some(mut writer) = self.writer(&mut summary)? else {
            return Ok(summary);
        };
        for (name, stamp, date) in stale {
            match self.reports.read_day(date) {
                Ok(Some(report)) => {
                    self.replace(&writer, &name, Some(&report))?;
                    self.manifest
                        .reports
                        .extend(stamp.map(|s| (name.clone(), s)));
                    summary.indexed.push(name);
                }
                Ok(None) => {}
                Err(e) => summary.unreadable.push(e.to_string()),
            }
        }
        for name in gone {
            self.replace(&writer, &name, None)?;
            self.manifest.reports.remove(&name);
            summary.removed.push(name);
        }
        writer.commit().map_err(|e| self.error(e))?;
        self.manifest.version = VERSION;
        if let Some(dir) = &self.dir {
            self.manifest.write(dir)?;
        }
        self.reader.reload().map_err(|e| self.error(e))?;
        Ok(summary)
    }

    /// The papers matching `query`, best first, each paper once (its best-scoring day).
    pub fn search(&self, query: &Query) -> Result<Vec<Hit>, SearchError> {
        let q = query.build(&self.fields)?;
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let wide = query.limit.saturating_mul(4).saturating_add(10);
        let top = searcher
            .search(&q, &TopDocs::with_limit(wide).order_by_score())
            .map_err(|e| self.error(e))?;
        let mut seen = BTreeSet::new();
        let mut hits = Vec::new();
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(|e| self.error(e))?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let id = text(self.fields.id);
            if seen.insert(id.clone()) {
                hits.push(Hit {
                    date: text(self.fields.key),
                    id,
                    title: text(self.fields.title),
                    contribution: text(self.fields.contribution),
                    score,
                });
            }
            if hits.len() == query.limit {
                break;
            }
        }
        Ok(hits)
    }

    /// The writer, or `None` (noted in `summary`) when another process holds it.
    fn writer(&self, summary: &mut SyncSummary) -> Result<Option<IndexWriter>, SearchError> {
        match self.index.writer_with_num_threads(1, WRITER_BYTES) {
            Ok(w) => Ok(Some(w)),
            Err(TantivyError::LockFailure(..)) => {
                summary.busy = true;
                Ok(None)
            }
            Err(e) => Err(self.error(e)),
        }
    }

    /// Deletes the day `name`'s papers and adds those of `report`.
    fn replace(
        &self,
        writer: &IndexWriter,
        name: &str,
        report: Option<&DailyReport>,
    ) -> Result<(), SearchError> {
        writer.delete_term(Term::from_field_text(self.fields.key, name));
        let Some(report) = report else { return Ok(()) };
        let day = day_number(report.date);
        for entry in &report.entries {
            let doc = self.document(name, day, &Searchable::of(entry), entry.paper.id.base());
            writer.add_document(doc).map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    fn document(&self, key: &str, day: i64, s: &Searchable, id: &str) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, key);
        doc.add_i64(f.day, day);
        doc.add_text(f.id, id);
        doc.add_text(f.title, &s.title);
        doc.add_text(f.title_zh, s.title_zh.as_deref().unwrap_or_default());
        doc.add_text(f.contribution, &s.contribution);
        doc.add_text(f.body, &s.body);
        doc.add_text(f.orgs, s.affiliations.join("\n"));
        for tag in &s.tags {
            doc.add_text(f.tag, tag);
            doc.add_text(f.tag_words, tag);
        }
        doc
    }

    fn error(&self, source: TantivyError) -> SearchError {
        index_error(self.dir.as_deref(), source)
    }
}

/// The index in `dir` with its manifest; a fresh one when there is none, it is of another
/// version, or it does not open.
fn open_dir(dir: &Path, schema: tantivy::schema::Schema) -> Result<(Index, Manifest), SearchError> {
    let manifest = Manifest::read(dir);
    if manifest.version == VERSION {
        match Index::open_in_dir(dir) {
            Ok(index) if index.schema() == schema => return Ok((index, manifest)),
            Ok(_) => tracing::info!(
                "the search index in {} is of another schema: rebuilding it",
                dir.display()
            ),
            Err(e) => tracing::info!(
                "the search index in {} does not open ({e}): rebuilding it",
                dir.display()
            ),
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|source| SearchError::Manifest {
            path: dir.to_owned(),
            source,
        })?;
    }
    std::fs::create_dir_all(dir).map_err(|source| SearchError::Manifest {
        path: dir.to_owned(),
        source,
    })?;
    let index = Index::create_in_dir(dir, schema).map_err(|e| index_error(Some(dir), e))?;
    Ok((index, Manifest::default()))
}

fn index_error(dir: Option<&Path>, source: TantivyError) -> SearchError {
    SearchError::Index {
        dir: dir.map_or_else(|| PathBuf::from("(memory)"), Path::to_owned),
        source,
    }
}
