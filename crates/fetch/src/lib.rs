//! paperbrief's sources: the Hugging Face daily list and arXiv full text.
//!
//! Role: turn a date into papers ([`HfClient`]) and a paper into the text the model will read
//! ([`ArxivClient`] → [`SourceDoc`]). Inputs: the `[sources]` and `[cache]` configuration.
//! Outputs: [`PaperRef`]s in report order and [`SourceDoc`]s (HTML full text, or the abstract
//! when there is none). Every request goes through one [`HttpClient`] (timeouts, User-Agent,
//! arXiv pacing, size cap, retries); fetched pages are cached on disk.
//!
//! [`PaperRef`]: paperbrief_core::PaperRef
//! [`SourceDoc`]: paperbrief_core::SourceDoc

pub mod arxiv;
pub mod cache;
pub mod error;
pub mod extract;
pub mod figure;
pub mod hf;
pub mod http;
pub mod sources;

pub use arxiv::{ArxivClient, FetchOutcome, Origin};
pub use cache::{Cache, resolve_cache_dir};
pub use error::{FetchError, FigureProblem, FormatError};
pub use figure::FigureImage;
pub use hf::{DailyList, HfClient};
pub use http::{HttpClient, HttpSettings};
pub use sources::Sources;
