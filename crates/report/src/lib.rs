//! paperbrief's report model: the contract between the stages that make a day and the ones that
//! show it.
//!
//! Role: define [`DailyReport`] (what `reports/{date}.json` holds), render its Markdown as a pure
//! function of it ([`render_markdown`]), make untrusted text safe to show ([`safe`]), and say
//! where reports live and read or write them atomically ([`ReportPaths`]). Inputs: entries built
//! by the orchestrator, or report files. Outputs: report files and strings. The site and push
//! stages read reports through this crate alone, never through the orchestrator.

pub mod error;
pub mod failure;
pub mod figure;
pub mod html;
pub mod listing;
pub mod markdown;
pub mod model;
pub mod overview;
pub mod paths;
pub mod relevance;
pub mod safe;
pub mod searchable;

pub use error::ReportError;
pub use failure::{Failure, FailureKind, Stage};
pub use figure::{FigureFile, FigureInfo, FigureName};
pub use listing::{ArchivedPaper, HistoryLine, Listing};
pub use markdown::{render_entry, render_markdown};
pub use model::{
    DailyReport, EndpointRequests, Entry, Outcome, PeriodInfo, Provenance, RunStats, SCHEMA,
    SourceInfo,
};
pub use overview::{BasedOn, OverviewBlock, OverviewState};
pub use paths::{ReportFiles, ReportKey, ReportPaths};
pub use relevance::{Nearest, Relevance};
pub use searchable::Searchable;
