//! One paper's brief: render the prompt, ask, and react to what comes back — a context-length
//! rejection re-renders with the stricter budget, an answer cut off gets more room or a shorter
//! input, an unacceptable answer is asked again with a repair instruction naming the problems.

use std::time::Instant;

use paperbrief_core::{Config, PaperRef, SourceDoc};
use paperbrief_prompt::tokens::count_message;
use paperbrief_prompt::{
    AnswerError, AnswerFormat, Brief, Budget, ContextOverflow, Grounding, ParseOptions,
    RenderedPrompt, json_schema, render_prompt_for,
};

use crate::engine::{Engine, ModelSetup};
use crate::llm::{ChatReply, ChatRequest, LlmError, LlmErrorKind, Message, Usage};
use crate::report::{Failure, Provenance, Stage};

/// Context-length rejections answered with a stricter budget before giving up.
const OVERFLOW_RETRIES: u32 = 2;
/// Answers cut off at the token limit retried with more room or less input.
const LENGTH_RETRIES: u32 = 1;

/// A brief and how it was made.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    /// The brief, grounding checked.
    pub(crate) brief: Brief,
    /// The accepted answer as it came.
    pub(crate) raw_answer: String,
    /// How it was made.
    pub(crate) provenance: Provenance,
    /// The prompt that produced it (cuts, tokens).
    pub(crate) prompt: RenderedPrompt,
}

/// A paper's failure, with the prompt when one was built.
#[derive(Debug, Clone)]
pub(crate) struct SummaryFailure {
    /// Why.
    pub(crate) failure: Failure,
    /// The last prompt, when there was one.
    pub(crate) prompt: Option<Box<RenderedPrompt>>,
}

/// Asks for the brief of `doc`.
pub(crate) async fn summarize(
    engine: &Engine,
    setup: &ModelSetup,
    doc: &SourceDoc,
    paper: Option<&PaperRef>,
) -> Result<Summary, SummaryFailure> {
    let mut session = Session::new(engine, setup, doc, paper)?;
    loop {
        let (result, attempts) = session.ask().await;
        session.attempts += attempts;
        match result {
            Err(e) => session.after_error(&e)?,
            Ok(reply) => {
                if let Some(summary) = session.after_reply(reply)? {
                    return Ok(summary);
                }
            }
        }
    }
}

/// The state of one paper's conversation with the model.
struct Session<'a> {
    engine: &'a Engine,
    setup: &'a ModelSetup,
    doc: &'a SourceDoc,
    paper: Option<&'a PaperRef>,
    format: AnswerFormat,
    /// The server's own numbers replace ours as soon as it gives them.
    context: usize,
    budget: Budget,
    max_tokens: u32,
    prompt: RenderedPrompt,
    messages: Vec<Message>,
    overflows_left: u32,
    lengths_left: u32,
    repairs_left: u32,
    attempts: u32,
    repairs: u32,
    usage: Usage,
    started: Instant,
}

impl<'a> Session<'a> {
    fn new(
        engine: &'a Engine,
        setup: &'a ModelSetup,
        doc: &'a SourceDoc,
        paper: Option<&'a PaperRef>,
    ) -> Result<Self, SummaryFailure> {
        let cfg = &engine.config;
        let context = setup.context as usize;
        let budget = Budget::from_config(cfg, context);
        let format = answer_format(cfg);
        let prompt = render(engine, doc, paper, &budget, format)?;
        Ok(Self {
            messages: fresh(&prompt),
            engine,
            setup,
            doc,
            paper,
            format,
            context,
            budget,
            max_tokens: cfg.llm.max_tokens,
            prompt,
            overflows_left: OVERFLOW_RETRIES,
            lengths_left: LENGTH_RETRIES,
            repairs_left: cfg.llm.repair_attempts,
            attempts: 0,
            repairs: 0,
            usage: Usage::default(),
            started: Instant::now(),
        })
    }

    fn config(&self) -> &Config {
        &self.engine.config
    }

    async fn ask(&self) -> (Result<ChatReply, LlmError>, u32) {
        let request = ChatRequest {
            prompt_tokens: self
                .messages
                .iter()
                .map(|m| count_message(&m.content))
                .sum(),
            messages: self.messages.clone(),
            max_tokens: self.max_tokens,
            response_format: response_format(self.format, self.max_tokens),
        };
        self.engine
            .llm
            .chat(&self.setup.model, self.config().llm.temperature, &request)
            .await
    }

    fn rerender(&mut self) -> Result<(), SummaryFailure> {
        self.prompt = render(self.engine, self.doc, self.paper, &self.budget, self.format)?;
        self.messages = fresh(&self.prompt);
        Ok(())
    }

    /// A failed request: a context rejection re-renders with the stricter budget (and learns the
    /// server's context); anything else ends the paper.
    fn after_error(&mut self, e: &LlmError) -> Result<(), SummaryFailure> {
        match e.kind {
            LlmErrorKind::ContextTooLong(overflow) if self.overflows_left > 0 => {
                self.overflows_left -= 1;
                if let Some(o) = overflow {
                    self.context = o.limit;
                }
                tracing::info!(target: "paperbrief::llm", "{}: prompt too long for the server; retrying with a stricter budget", self.doc.id);
                self.budget = self.budget.stricter(
                    self.prompt.tokens,
                    overflow,
                    self.config().prompt.retry_budget_ratio,
                );
                self.rerender()
            }
            _ => Err(self.failed(Stage::Llm, e.to_string())),
        }
    }

    /// An answer: the summary when acceptable; otherwise the next request is prepared (`None`)
    /// or the paper fails.
    fn after_reply(&mut self, reply: ChatReply) -> Result<Option<Summary>, SummaryFailure> {
        if let Some(u) = reply.usage {
            self.usage.prompt_tokens += u.prompt_tokens;
            self.usage.completion_tokens += u.completion_tokens;
        }
        let opts = ParseOptions {
            finish_reason: reply.finish_reason.as_deref(),
            format: self.format,
            min_chinese_share: self.config().prompt.min_chinese_share,
        };
        let error = match Brief::parse_with(&reply.content, &opts) {
            Ok(mut brief) => {
                brief.check_grounding(&Grounding::new(&grounding_text(self.doc, self.paper)));
                let provenance = self.provenance(&reply);
                return Ok(Some(Summary {
                    brief,
                    raw_answer: reply.content,
                    provenance,
                    prompt: self.prompt.clone(),
                }));
            }
            Err(e) => e,
        };
        if error.is_truncated() && self.lengths_left > 0 {
            self.lengths_left -= 1;
            self.after_cut_off(&reply)?;
        } else if !error.is_truncated() && self.repairs_left > 0 {
            self.repairs_left -= 1;
            self.repairs += 1;
            tracing::info!(target: "paperbrief::llm", "{}: {error}; asking again", self.doc.id);
            self.messages = self
                .repair(&reply, &error)
                .map_err(|r| self.failed(Stage::Prompt, r))?;
        } else {
            return Err(self.failed(Stage::Answer, error.to_string()));
        }
        Ok(None)
    }

    /// After an answer was cut off: more room for the answer when the context has it, else a
    /// shorter input — scaled by the server's own count of the prompt when it reported one (a
    /// server tokenizer may count far more than ours, and llama.cpp stops when its context is
    /// full).
    fn after_cut_off(&mut self, reply: &ChatReply) -> Result<(), SummaryFailure> {
        let server_prompt = reply
            .usage
            .map(|u| u.prompt_tokens as usize)
            .filter(|n| *n > 0);
        let room = self
            .context
            .saturating_sub(server_prompt.unwrap_or(self.prompt.tokens) + self.budget.margin);
        if room as f64 >= f64::from(self.max_tokens) * 1.25 {
            self.max_tokens =
                u32::try_from(room.min(self.max_tokens as usize * 2)).unwrap_or(self.max_tokens);
            self.messages = fresh(&self.prompt);
        } else {
            let seen = server_prompt.map(|requested| ContextOverflow {
                limit: self.context,
                requested,
            });
            self.budget = self.budget.stricter(
                self.prompt.tokens,
                seen,
                self.config().prompt.retry_budget_ratio,
            );
            self.rerender()?;
        }
        tracing::info!(target: "paperbrief::llm", "{}: answer cut off; retrying with max_tokens {} and {} prompt tokens at most", self.doc.id, self.max_tokens, self.budget.input());
        Ok(())
    }

    /// The repair conversation: the previous answer and the instruction naming its problems,
    /// or — when that would not fit the context — the instruction appended to the question.
    fn repair(&self, reply: &ChatReply, e: &AnswerError) -> Result<Vec<Message>, String> {
        let vars = self
            .prompt
            .vars
            .as_ref()
            .ok_or("the prompt lost its variables")?;
        let instruction = self
            .engine
            .template
            .repair(vars, &e.repair_instructions())
            .map_err(|e| e.to_string())?;
        let mut messages = fresh(&self.prompt);
        let extra = count_message(&reply.content) + count_message(&instruction);
        if self.prompt.tokens + extra <= self.budget.input() {
            messages.push(Message::new("assistant", &reply.content));
            messages.push(Message::new("user", instruction));
        } else if let Some(user) = messages.last_mut() {
            user.content.push_str("\n\n");
            user.content.push_str(&instruction);
        }
        Ok(messages)
    }

    fn failed(&self, stage: Stage, reason: String) -> SummaryFailure {
        SummaryFailure {
            failure: Failure { stage, reason },
            prompt: Some(Box::new(self.prompt.clone())),
        }
    }

    fn provenance(&self, reply: &ChatReply) -> Provenance {
        Provenance {
            model: reply
                .model
                .clone()
                .unwrap_or_else(|| self.setup.model.clone()),
            template_id: self.prompt.template_id.clone(),
            prompt_tokens: if self.usage.prompt_tokens > 0 {
                self.usage.prompt_tokens
            } else {
                self.prompt.tokens as u32
            },
            completion_tokens: self.usage.completion_tokens,
            prompt_tokens_estimate: self.prompt.tokens,
            attempts: self.attempts,
            repairs: self.repairs,
            latency_ms: self.started.elapsed().as_millis() as u64,
            finish_reason: reply.finish_reason.clone(),
            temperature: self.config().llm.temperature,
            max_tokens: self.max_tokens,
            output: self.config().llm.output.clone(),
        }
    }
}

fn render(
    engine: &Engine,
    doc: &SourceDoc,
    paper: Option<&PaperRef>,
    budget: &Budget,
    format: AnswerFormat,
) -> Result<RenderedPrompt, SummaryFailure> {
    render_prompt_for(&engine.template, doc, paper, budget, format).map_err(|e| SummaryFailure {
        failure: Failure {
            stage: Stage::Prompt,
            reason: e.to_string(),
        },
        prompt: None,
    })
}

/// The answer format `[llm] output` asks for.
pub(crate) fn answer_format(config: &Config) -> AnswerFormat {
    if config.llm.output == "json_schema" {
        AnswerFormat::Json
    } else {
        AnswerFormat::Text
    }
}

/// `response_format` for structured output: the five sections, each at most a quarter of
/// `max_tokens` characters, so the whole answer fits the token limit.
fn response_format(format: AnswerFormat, max_tokens: u32) -> Option<serde_json::Value> {
    (format == AnswerFormat::Json).then(|| {
        serde_json::json!({
            "type": "json_schema",
            "json_schema": {"name": "paper_brief", "strict": true, "schema": json_schema((max_tokens as usize / 4).max(64))}
        })
    })
}

fn fresh(prompt: &RenderedPrompt) -> Vec<Message> {
    vec![
        Message::new("system", &prompt.system),
        Message::new("user", &prompt.user),
    ]
}

/// The text a brief's numbers are checked against: what the model was shown, plus HF's abstract.
fn grounding_text(doc: &SourceDoc, paper: Option<&PaperRef>) -> String {
    let mut text = doc.full_text();
    if let Some(p) = paper {
        text.push('\n');
        text.push_str(&p.abstract_text);
    }
    text
}
