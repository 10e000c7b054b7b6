//! One paper as the Pagefind index holds it, and one index (a month's) made by the `pagefind`
//! crate from records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use paperbrief_report::{DailyReport, Searchable};
use serde::Serialize;

use crate::error::SiteError;
use crate::view::{key_of, page_name};

/// One paper: its URL on its page (`2026-02-10.html#2602.07040`), the words of [`Searchable`]
/// (titles, the five sections, tags, 机构), the meta a hit shows (title, page,
/// 一句话核心贡献) and the filters 月份, 标签 and 阅读来源.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Record {
    url: String,
    content: String,
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
}

/// The records of every paper of `report`.
pub(crate) fn of_report(report: &DailyReport) -> Vec<Record> {
    let page = page_name(key_of(report));
    let label = page.trim_end_matches(".html").to_owned();
    report
        .entries
        .iter()
        .map(|entry| {
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
            Record {
                url: format!("{page}#{}", entry.paper.id.base()),
                content: s.text(),
                meta,
                filters,
            }
        })
        .collect()
}

/// The files of a Pagefind index of `records` (paths relative to the index's directory).
/// `with_scripts`: also the search script, its worker and the WebAssembly (the primary index);
/// without, the index alone (an index the primary one merges).
pub(crate) fn index_files(
    records: Vec<Record>,
    with_scripts: bool,
) -> Result<Vec<(PathBuf, Vec<u8>)>, SiteError> {
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
        .filter(|(name, _)| wanted(name, with_scripts))
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

/// The files the site's search uses: the index, and with `with_scripts` the search script, its
/// worker and the WebAssembly. Pagefind's ready-made interfaces (its UI, highlighting) are left
/// out.
fn wanted(name: &Path, with_scripts: bool) -> bool {
    let s = name.to_string_lossy();
    let index = s.starts_with("pagefind-entry.json")
        || s.ends_with(".pf_meta")
        || ["fragment/", "index/", "filter/"]
            .iter()
            .any(|d| s.starts_with(d));
    let scripts = ["pagefind.js", "pagefind-worker.js"].contains(&s.as_ref())
        || (s.starts_with("wasm.") && s.ends_with(".pagefind"));
    index || (with_scripts && scripts)
}

fn search_error(e: &dyn std::fmt::Display) -> SiteError {
    SiteError::Search {
        message: format!("{e:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_search_api_and_the_index_are_kept() {
        for kept in [
            "pagefind.js",
            "pagefind-worker.js",
            "wasm.unknown.pagefind",
            "pagefind-entry.json",
            "pagefind.zh_1a2b.pf_meta",
            "fragment/zh_1.pf_fragment",
        ] {
            assert!(wanted(Path::new(kept), true), "{kept}");
        }
        for left in [
            "pagefind-ui.js",
            "pagefind-component-ui.css",
            "pagefind-highlight.js",
        ] {
            assert!(!wanted(Path::new(left), true), "{left}");
        }
        assert!(!wanted(Path::new("pagefind.js"), false));
        assert!(!wanted(Path::new("wasm.unknown.pagefind"), false));
        assert!(wanted(Path::new("index/zh_1.pf_index"), false));
    }
}
