//! paperbrief's orchestrator: the commands that compose the stages.
//!
//! Role: turn a day into a report. Inputs: the configuration (and the API key from the
//! environment), a date or a paper id. Outputs: the day's report (through
//! [`paperbrief_report`]), with every finished stage kept in the [`Store`] along the way so
//! reruns do no work twice, then the site and the channels ([`publish`]).
//!
//! How it is put together: [`Services`] builds the parts once from the configuration; inside
//! the crate, `day::Day` is the one home of the day (its whole list, the versions resolved, the
//! earlier report, and the report this run writes; `Day::prepare` starts every command's work),
//! `reading::Reader` reads papers through the store and heals transient fallbacks,
//! `planning::Planner` plans every prompt, and `summarize` talks to a
//! [`paperbrief_llm::LlmBackend`] — the OpenAI-compatible client or a pool of them — and never
//! knows which. [`run()`], [`regenerate`], [`digest`], [`batch`], [`preview`] and [`check`] are the
//! commands. One paper failing never stops the others: it becomes that paper's entry.

mod annotate;
pub mod batch;
pub mod check;
mod citations;
mod day;
pub mod digest;
pub mod error;
mod figures;
mod interests;
mod meter;
mod overview;
mod paper;
mod pipeline;
mod planning;
pub mod preview;
pub mod progress;
pub mod publish;
pub mod rank;
mod reading;
pub mod regenerate;
mod related;
mod remember;
pub mod run;
mod services;
mod setup;
mod store;
mod summarize;

pub use error::OrchestratorError;
pub use paper::BriefKeys;
pub use run::{RunOptions, RunResult, Written, run};
pub use services::Services;
pub use setup::ModelSetup;
pub use store::Store;
