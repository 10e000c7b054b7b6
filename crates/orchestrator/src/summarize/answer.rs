//! What is done with a model's answer wherever it came from — a run's reply or a line of batch
//! results: parsed under the run's options, its numbers checked against what the model was shown.

use paperbrief_core::{AnswerError, AnswerFormat, Brief, Grounding, ParseOptions, json_schema};
use paperbrief_core::{Config, SourceDoc};

/// How answers are asked for and judged: `[llm]` and `[prompt]` settings `summarize` needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AnswerSettings {
    /// Sampling temperature.
    pub temperature: f64,
    /// Repair turns after an unacceptable answer.
    pub repair_attempts: u32,
    /// The least share of Chinese accepted.
    pub min_chinese_share: f64,
    /// The fraction of a rejected prompt the retry may use when the server gave no numbers.
    pub retry_budget_ratio: f64,
}

impl AnswerSettings {
    /// The settings `config` describes.
    pub(crate) fn from_config(config: &Config) -> Self {
        Self {
            temperature: config.llm.temperature,
            repair_attempts: config.llm.repair_attempts,
            min_chinese_share: config.prompt.min_chinese_share,
            retry_budget_ratio: config.prompt.retry_budget_ratio,
        }
    }
}

/// An answer as the server returned it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answer<'a> {
    /// The message content.
    pub(crate) content: &'a str,
    /// Why generation stopped (`length` marks an answer cut off).
    pub(crate) finish_reason: Option<&'a str>,
}

impl Answer<'_> {
    /// The brief, grounded in `doc` (and HF's abstract when known), or what is wrong with it.
    pub(crate) fn read(
        self,
        format: AnswerFormat,
        min_chinese_share: f64,
        doc: &SourceDoc,
        abstract_text: Option<&str>,
    ) -> Result<Brief, AnswerError> {
        let opts = ParseOptions {
            finish_reason: self.finish_reason,
            format,
            min_chinese_share,
        };
        let mut brief = Brief::parse_with(self.content, &opts)?;
        brief.check_grounding(&Grounding::of_source(doc, abstract_text));
        Ok(brief)
    }
}

/// `response_format` for structured output: the five sections, each at most a quarter of
/// `max_tokens` characters, so the whole answer fits the token limit.
pub(crate) fn response_format(format: AnswerFormat, max_tokens: u32) -> Option<serde_json::Value> {
    (format == AnswerFormat::Json).then(|| {
        serde_json::json!({
            "type": "json_schema",
            "json_schema": {"name": "paper_brief", "strict": true, "schema": json_schema((max_tokens as usize / 4).max(64))}
        })
    })
}
