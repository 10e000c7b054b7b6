//! paperbrief's archive search: `paperbrief search QUERY`.
//!
//! Role: keep a full-text index of every stored day report and answer queries over it, ranked
//! by BM25 (tantivy) over words segmented by jieba, so Chinese queries (推测解码) and English ones
//! (speculative decoding) both match. Inputs: the reports directory
//! ([`paperbrief_report::ReportPaths`]) and a directory for the index (`{cache.dir}/search`), or
//! none for an index in memory. Outputs: [`Hit`]s, best first. The index follows the reports:
//! before each search, a report whose file changed since it was indexed is indexed again and a
//! deleted one dropped, so nothing else has to keep it in step. What of an entry is searched is
//! [`paperbrief_report::Searchable`], the same words the site's Pagefind index holds.

mod archive;
pub mod error;
mod manifest;
mod query;
mod schema;
mod words_only;

pub use archive::{Archive, SyncSummary};
pub use error::SearchError;
pub use query::{Hit, Query};
