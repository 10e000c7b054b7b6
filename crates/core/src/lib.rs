//! paperbrief's domain types and configuration.
//!
//! Role: the vocabulary every other crate speaks. Inputs: strings from users, the HF list and
//! config files. Outputs: validated values — [`ArxivId`], [`ReportDate`], [`PaperRef`],
//! [`SourceDoc`], [`Config`] — that cannot hold invalid data. No IO happens here.

pub mod arxiv_id;
pub mod config;
pub mod date;
pub mod env_vars;
pub mod error;
pub mod paper;
pub mod source;

pub use arxiv_id::ArxivId;
pub use config::{Config, ConfigBuilder};
pub use date::ReportDate;
pub use error::CoreError;
pub use paper::{PaperRef, report_order};
pub use source::{Caption, Section, SourceDoc, SourceKind, Table};
