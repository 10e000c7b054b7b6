//! What was left out of a paper to fit the model's context, recorded per section.

use serde::{Deserialize, Serialize};

/// Why part of a paper was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutReason {
    /// Appendices go first.
    Appendix,
    /// Then related work.
    RelatedWork,
    /// Then the longest sections lose paragraphs from their ends.
    Trimmed,
}

/// One section that was dropped or shortened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cut {
    /// Its heading.
    pub section: String,
    /// Tokens before.
    pub tokens_before: usize,
    /// Tokens after (0 when dropped).
    pub tokens_after: usize,
    /// Why.
    pub reason: CutReason,
}
