//! The archive's search for the browser: a Pagefind index of every paper on every day and
//! digest page, written under `pagefind/` with the Pagefind scripts it needs (from the crate,
//! nothing from elsewhere).
//!
//! Each paper is one record: its URL on its page (`2026-02-10.html#2602.07040`), the words of
//! [`Searchable`] (titles, the five sections, tags, 机构), the meta a hit shows (title, page,
//! 一句话核心贡献) and the filters 月份, 标签 and 阅读来源. Pagefind has no incremental update, so
//! the index is made anew from the records at each build; its files are named by their content,
//! so only those that changed are written, and the ones no longer named are deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use paperbrief_report::{DailyReport, Searchable};

use crate::error::SiteError;
use crate::view::{key_of, page_name};

/// The directory under the site holding the index and its scripts.
pub(crate) const DIR: &str = "pagefind";

/// One paper as the index holds it.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    url: String,
    content: String,
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
}

/// The records of every paper of `reports`.
fn records(reports: &[DailyReport]) -> Vec<Record> {
    let mut out = Vec::new();
    for report in reports {
        let page = page_name(key_of(report));
        let label = page.trim_end_matches(".html").to_owned();
        for entry in &report.entries {
            let s = Searchable::of(entry);
            let month = entry.paper.list_date.to_string()[..7].to_owned();
            let mut filters = BTreeMap::from([("月份".to_owned(), vec![month])]);
            if !s.tags.is_empty() {
                filters.insert("标签".to_owned(), s.tags.clone());
            }
            if let Some(source) = &s.source {
                filters.insert("阅读来源".to_owned(), vec![source.clone()]);
            }
            let title = match &s.title_zh {
                Some(zh) => format!("{zh}（{}）", s.title),
                None => s.title.clone(),
            };
            let meta = BTreeMap::from([
                ("title".to_owned(), title),
                ("page".to_owned(), label.clone()),
                ("contribution".to_owned(), s.contribution.clone()),
            ]);
            out.push(Record {
                url: format!("{page}#{}", entry.paper.id.base()),
                content: s.text(),
                meta,
                filters,
            });
        }
    }
    out
}

/// The files of the index of `reports`: (path under the site, content).
pub(crate) fn files(reports: &[DailyReport]) -> Result<Vec<(PathBuf, Vec<u8>)>, SiteError> {
    let records = records(reports);
    // Pagefind's API is async (it hands work to tokio's blocking pool): a runtime of its own on
    // a thread of its own, so a build works from any caller (async or not).
    let files = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| search_error(&e))?;
                runtime.block_on(index(records))
            })
            .join()
            .unwrap_or_else(|_| {
                Err(SiteError::Search {
                    message: "the indexing thread panicked".to_owned(),
                })
            })
    })?;
    Ok(files
        .into_iter()
        .filter(|(name, _)| wanted(name))
        .map(|(name, data)| (Path::new(DIR).join(name), data))
        .collect())
}

async fn index(records: Vec<Record>) -> Result<Vec<(PathBuf, Vec<u8>)>, SiteError> {
    let options = PagefindServiceConfig::builder()
        .force_language("zh".to_owned())
        .keep_index_url(true)
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| search_error(&*e))?;
    for r in records {
        index
            .add_custom_record(
                r.url,
                r.content,
                "zh".to_owned(),
                Some(r.meta),
                Some(r.filters),
                None,
            )
            .await
            .map_err(|e| search_error(&*e))?;
    }
    let files = index.get_files().await.map_err(|e| search_error(&*e))?;
    Ok(files
        .into_iter()
        .map(|f| (f.filename, f.contents))
        .collect())
}

/// The files the site's search uses: the search script, its worker, the WebAssembly, the
/// index. Pagefind's ready-made interfaces (its UI, highlighting) are left out.
fn wanted(name: &Path) -> bool {
    let s = name.to_string_lossy();
    ![
        "pagefind-ui",
        "pagefind-modular-ui",
        "pagefind-component-ui",
        "pagefind-highlight",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

/// Deletes the files under the site's `pagefind/` that the new index does not name.
pub(crate) fn prune(out: &Path, keep: &BTreeSet<PathBuf>) -> Result<usize, SiteError> {
    let mut removed = 0;
    let mut stack = vec![out.join(DIR)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.strip_prefix(out).is_ok_and(|rel| !keep.contains(rel)) {
                std::fs::remove_file(&path).map_err(|source| SiteError::Write {
                    path: path.clone(),
                    source,
                })?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

fn search_error(e: &dyn std::fmt::Display) -> SiteError {
    SiteError::Search {
        message: format!("{e:#}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_the_search_api_and_the_index_are_kept() {
        for kept in [
            "pagefind.js",
            "pagefind-worker.js",
            "wasm.unknown.pagefind",
            "pagefind-entry.json",
            "fragment/zh_1.pf_fragment",
        ] {
            assert!(wanted(Path::new(kept)), "{kept}");
        }
        for left in [
            "pagefind-ui.js",
            "pagefind-component-ui.css",
            "pagefind-highlight.js",
        ] {
            assert!(!wanted(Path::new(left)), "{left}");
        }
    }
}
