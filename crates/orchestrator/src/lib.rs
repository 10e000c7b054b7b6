//! paperbrief's orchestrator: the main job.
//!
//! Role: turn a day into a report. Inputs: the configuration (and the API key from the
//! environment), a date or a paper id. Outputs: the day's report (through
//! [`paperbrief_report`]), with every finished stage stored along the way ([`store`]) so reruns
//! do no work twice.
//!
//! How it is put together: [`services::Services`] builds the parts once from the configuration;
//! [`day::Day`] is the one home of the day (its whole list, the versions resolved, the earlier
//! report, and the report this run writes); [`reading::Reader`] reads papers through the store
//! and heals transient fallbacks; [`planning::Planner`] plans every prompt; [`summarize`] talks
//! to an [`paperbrief_llm::LlmBackend`] — the OpenAI-compatible [`paperbrief_llm::LlmClient`] — and never knows
//! which; [`run`], [`regenerate`], [`preview`] and [`check`] are the commands. One paper failing
//! never stops the others: it becomes that paper's entry.

pub mod batch;
pub mod check;
pub mod day;
pub mod digest;
pub mod error;
mod meter;
mod paper;
mod pipeline;
pub mod planning;
pub mod preview;
pub mod progress;
pub mod publish;
pub mod reading;
pub mod regenerate;
pub mod run;
pub mod services;
pub mod setup;
pub mod store;
pub mod summarize;

pub use error::OrchestratorError;
pub use paper::BriefKeys;
pub use run::{RunOptions, RunResult, Written, run};
pub use services::Services;
pub use setup::ModelSetup;
