//! The one error type of `paperbrief-prompt` (besides [`crate::AnswerError`], which describes a
//! model's answer rather than a failure).

/// What can go wrong building a prompt.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// A template that does not parse, lacks a block, or uses an undefined variable.
    #[error("prompt template {name}: {message}")]
    Template {
        /// The template's file name.
        name: String,
        /// What MiniJinja said.
        message: String,
    },
    /// Even with every section cut, the prompt does not fit the model's context.
    #[error(
        "{id}: the prompt needs {needed} tokens even with only title and abstract, but the budget is {budget} \
         ({why}); a model with a larger context, or a lower llm.max_tokens, leaves more room"
    )]
    TooLong {
        /// The paper.
        id: String,
        /// Tokens of the smallest possible prompt.
        needed: usize,
        /// The input budget.
        budget: usize,
        /// How the budget came about ([`crate::Budget::explain`]).
        why: String,
    },
}
