//! paperbrief's prompt and answer handling. No IO.
//!
//! Role: the part that decides what the model reads. Inputs: a [`SourceDoc`] (and the paper's
//! HF metadata), a [`Template`], a [`Budget`]. Outputs: a [`RenderedPrompt`] that fits the
//! model's context with its [`Cut`]s recorded, and token counts ([`tokens`], tiktoken-rs). The
//! answer is read back by [`Brief`], in core, so the report and the readers' crates need none
//! of this crate's tokenizer or template engine.
//!
//! [`SourceDoc`]: paperbrief_core::SourceDoc
//! [`Cut`]: paperbrief_core::Cut
//! [`Brief`]: paperbrief_core::Brief

mod body;
pub mod budget;
pub mod error;
pub mod template;
pub mod tokens;

pub use budget::{Budget, ContextOverflow, RenderedPrompt, render_prompt, render_prompt_for};
pub use error::PromptError;
pub use template::{OverviewPaper, OverviewVars, PromptVars, Template};
