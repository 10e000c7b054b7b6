//! Prompt planning, in one place: which template, which answer format, which budget for a
//! context, which cuts. `run`, `run --dry-run` and `prompt` all plan through [`Planner`], so
//! what `prompt` shows is what `run` sends.

use std::path::Path;
use std::sync::Arc;

use paperbrief_core::AnswerFormat;
use paperbrief_core::{ArxivId, Config, OutputMode, PaperRef, SourceDoc, SourceKind};
use paperbrief_prompt::{Budget, PromptError, RenderedPrompt, Template, render_prompt_for};

use crate::error::OrchestratorError;
use crate::setup::{Calibration, ModelSetup};
use paperbrief_llm::{LlmClient, Message};

/// Renders prompts: the template, the answer format and the budget settings of `[llm]` and
/// `[prompt]`.
#[derive(Debug, Clone)]
pub struct Planner {
    template: Arc<Template>,
    output: OutputMode,
    max_tokens: usize,
    margin_tokens: usize,
    margin_ratio: f64,
}

impl Planner {
    /// The planner `config` describes, with its template loaded.
    pub fn from_config(config: &Config) -> Result<Self, OrchestratorError> {
        Ok(Self {
            template: Arc::new(load_template(config)?),
            output: config.llm.output,
            max_tokens: config.llm.max_tokens.get() as usize,
            margin_tokens: config.prompt.safety_margin_tokens as usize,
            margin_ratio: config.prompt.safety_margin_ratio,
        })
    }

    /// The template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// `llm.output`.
    pub fn output(&self) -> OutputMode {
        self.output
    }

    /// The answer format the template is rendered for.
    pub fn format(&self) -> AnswerFormat {
        match self.output {
            OutputMode::Text => AnswerFormat::Text,
            OutputMode::JsonSchema => AnswerFormat::Json,
        }
    }

    /// The budget a request to `setup`'s model has: its context, less the answer, the safety
    /// margin and the tokens the server counts beyond our estimate (its calibration).
    pub fn budget(&self, setup: &ModelSetup) -> Budget {
        Budget::new(
            setup.context as usize,
            self.max_tokens,
            self.margin_tokens,
            self.margin_ratio,
        )
        .with_overhead(setup.overhead())
    }

    /// Renders the prompt for `doc` within `budget` (off the async workers: counting tokens of a
    /// long paper is CPU work).
    pub async fn plan(
        &self,
        doc: &SourceDoc,
        paper: Option<&PaperRef>,
        budget: Budget,
    ) -> Result<RenderedPrompt, PromptError> {
        let (template, format) = (Arc::clone(&self.template), self.format());
        let (doc, paper) = (doc.clone(), paper.cloned());
        tokio::task::spawn_blocking(move || {
            render_prompt_for(&template, &doc, paper.as_ref(), &budget, format)
        })
        .await
        .unwrap_or_else(|e| {
            Err(PromptError::Template {
                name: self.template.id().to_owned(),
                message: format!("rendering stopped: {e}"),
            })
        })
    }
}

/// The conversation a fresh prompt starts: its system and user messages.
pub(crate) fn messages(prompt: &RenderedPrompt) -> Vec<Message> {
    vec![Message::system(&prompt.system), Message::user(&prompt.user)]
}

/// The template `[prompt]` names: built in, or `{dir}/{template}` read from disk.
pub(crate) fn load_template(config: &Config) -> Result<Template, OrchestratorError> {
    let Some(dir) = &config.prompt.dir else {
        return Ok(Template::builtin());
    };
    let path = Path::new(dir).join(&config.prompt.template);
    let source = std::fs::read_to_string(&path)
        .map_err(|source| OrchestratorError::TemplateFile { path, source })?;
    Ok(Template::from_source(&config.prompt.template, &source)?)
}

/// Asks the server to count the fixed part of a prompt (the instructions and template around an
/// empty paper) and records it against our estimate. Servers without `/tokenize` leave the
/// setup as it is.
pub(crate) async fn calibrate(llm: &LlmClient, planner: &Planner, setup: &mut ModelSetup) {
    let empty = SourceDoc {
        kind: SourceKind::Abs,
        id: calibration_id(),
        url: String::new(),
        title: String::new(),
        authors: Vec::new(),
        abstract_text: String::new(),
        sections: Vec::new(),
        captions: Vec::new(),
        tables: Vec::new(),
        affiliations: Vec::new(),
        figure: None,
        cites: Vec::new(),
    };
    let Ok(prompt) = planner.plan(&empty, None, planner.budget(setup)).await else {
        return;
    };
    if let Some(server) = llm.count_tokens(&setup.model, &messages(&prompt)).await {
        let calibration = Calibration {
            server,
            estimate: prompt.tokens,
        };
        tracing::debug!(target: "paperbrief::llm", "the server counts {server} tokens for the prompt's fixed part where tiktoken counts {}: budgets leave {} tokens for the difference", prompt.tokens, calibration.overhead());
        setup.calibration = Some(calibration);
    }
}

fn calibration_id() -> ArxivId {
    #[allow(clippy::expect_used)]
    ArxivId::parse("0704.0001").expect("a valid id")
}

/// The overview template: `overview.template` in `prompt.dir`, else the built-in one (also when
/// a prompt folder copied before overviews existed lacks the file).
pub(crate) fn load_overview_template(config: &Config) -> Result<Template, OrchestratorError> {
    let name = &config.overview.template;
    let Some(dir) = &config.prompt.dir else {
        return Ok(Template::builtin_overview());
    };
    let path = dir.join(name);
    if !path.exists() && name == paperbrief_prompt::template::OVERVIEW_NAME {
        tracing::warn!(target: "paperbrief::run", "{} has no {name}; using the built-in overview template", dir.display());
        return Ok(Template::builtin_overview());
    }
    let source = std::fs::read_to_string(&path)
        .map_err(|source| OrchestratorError::TemplateFile { path, source })?;
    Ok(Template::from_source(name, &source)?)
}
