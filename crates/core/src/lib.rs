//! paperbrief's domain types and configuration.
//!
//! Role: the vocabulary every other crate speaks. Inputs: strings from users, the HF list and
//! config files. Outputs: validated values — [`ArxivId`], [`ReportDate`], [`PaperRef`],
//! [`SourceDoc`], [`Config`] — that cannot hold invalid data; and the report's building
//! blocks: a [`Brief`] (its five [`SectionName`]s, parsed from a model's answer and checked
//! against the paper with [`Grounding`]) and the [`Cut`]s made to fit a context. No network IO happens here; the
//! one file operation is [`fs::atomic_write`], which every other crate writes through.

pub mod arxiv_id;
pub mod brief;
pub mod config;
pub mod cut;
pub mod date;
pub mod env_vars;
pub mod error;
pub mod fallback;
pub mod fs;
pub mod hash;
pub mod http_url;
pub mod overview;
pub mod paper;
pub mod period;
pub mod source;

pub use arxiv_id::ArxivId;
pub use brief::{
    AnswerError, AnswerFormat, Brief, Evidence, Grounding, ParseOptions, Problem, SectionName,
    Sections, Ungrounded, json_schema,
};
pub use config::{
    ChannelKind, Config, ConfigBuilder, EmailChannel, EnvVar, NotifyChannel, OutputMode,
    TelegramBot,
};
pub use cut::{Cut, CutReason};
pub use date::ReportDate;
pub use error::CoreError;
pub use fallback::Fallback;
pub use http_url::{HttpUrl, UrlError};
pub use paper::{PaperRef, SkippedItem, report_order};
pub use period::Period;
pub use source::{
    Caption, KeyFigure, Section, SourceDoc, SourceKind, Table, TextAnchor, is_element_id,
};
