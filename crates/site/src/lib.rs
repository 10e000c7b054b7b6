//! paperbrief's static site: what readers open on a phone.
//!
//! Role: turn the reports in the reports directory into a site — `index.html`, a page per day
//! and per digest, `feed.xml` (Atom) — as a pure function of the report JSON, with no network.
//! Inputs: [`paperbrief_report::ReportPaths`] and [`SiteSettings`] (`[site]`). Outputs: files
//! in the site directory, each written atomically and only when its content changed. Untrusted
//! text (HF metadata, model answers) is escaped or sanitised ([`html`]); pages carry their style
//! and script inline under a Content-Security-Policy that allows nothing else — but, with
//! `[site] search`, the archive's Pagefind index and scripts under `pagefind/` (same origin).

pub mod build;
pub mod error;
mod feed;
mod figures;
mod overview;
mod search;
pub mod settings;
mod templates;
mod view;

pub use build::{BuildSummary, IndexSummary, Site};
pub use error::SiteError;
pub use settings::SiteSettings;
