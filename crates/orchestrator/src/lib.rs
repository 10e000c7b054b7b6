//! paperbrief's orchestrator: the main job.
//!
//! Role: turn a day into a report. Inputs: the configuration (and the API key from the
//! environment), a date or a paper id. Outputs: `{output.dir}/{date}.md` and `.json`, written
//! atomically, with every finished stage stored along the way (see [`store`]) so reruns do no
//! work twice. It talks to the OpenAI-compatible endpoint ([`llm`]), paces and parallelises the
//! work ([`run`]), regenerates single papers in place ([`regenerate`]) and checks a set-up
//! ([`check`]). One paper failing never stops the others: it becomes that paper's entry.

pub mod check;
pub mod engine;
pub mod error;
pub mod llm;
mod papers;
pub mod progress;
pub mod regenerate;
pub mod report;
pub mod run;
pub mod store;
mod summarize;

pub use engine::{Engine, ModelSetup};
pub use error::OrchestratorError;
pub use run::{RunOptions, RunResult, run};
