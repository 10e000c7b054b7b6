//! paperbrief's domain types and configuration.
//!
//! Role: the vocabulary every other crate speaks. Inputs: strings from users, the HF list and
//! config files. Outputs: validated values — [`ArxivId`], [`ReportDate`], [`PaperRef`],
//! [`SourceDoc`], [`Config`] — that cannot hold invalid data. No network IO happens here; the
//! one file operation is [`fs::atomic_write`], which every other crate writes through.

pub mod arxiv_id;
pub mod config;
pub mod date;
pub mod env_vars;
pub mod error;
pub mod fs;
pub mod paper;
pub mod period;
pub mod source;

pub use arxiv_id::ArxivId;
pub use config::{ChannelKind, Config, ConfigBuilder, NotifyChannel, OutputMode};
pub use date::ReportDate;
pub use error::CoreError;
pub use paper::{PaperRef, SkippedItem, report_order};
pub use period::Period;
pub use source::{Caption, Section, SourceDoc, SourceKind, Table};
