//! paperbrief's prompt and answer handling. No IO.
//!
//! Role: the part that decides the quality of every report. Inputs: a [`SourceDoc`] (and the
//! paper's HF metadata), a [`Template`], a [`Budget`]; a model's answer. Outputs: a
//! [`RenderedPrompt`] that fits the model's context with its cuts recorded, and a validated
//! [`Brief`] (or an [`AnswerError`] naming every problem, precise enough for a repair request).
//!
//! [`SourceDoc`]: paperbrief_core::SourceDoc

mod body;
pub mod brief;
pub mod budget;
pub mod error;
pub mod template;
pub mod tokens;

pub use brief::{
    AnswerError, AnswerFormat, Brief, Grounding, ParseOptions, Problem, SectionName, Sections,
    Ungrounded, json_schema,
};
pub use budget::{
    Budget, ContextOverflow, Cut, CutReason, RenderedPrompt, render_prompt, render_prompt_for,
};
pub use error::PromptError;
pub use template::{PromptVars, Template};

/// Hex sha256 of some bytes.
pub(crate) fn hex_sha256(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
