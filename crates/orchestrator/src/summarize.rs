//! One paper's brief: plan the prompt, ask, and react to what comes back — a context-length
//! rejection re-plans with the stricter budget, an answer cut off gets more room or a shorter
//! input, an unacceptable answer is asked again with a repair instruction naming the problems.
//! It talks to an [`LlmBackend`] and never knows which one.

use std::sync::Arc;

use paperbrief_core::{AnswerError, Brief};
use paperbrief_core::{PaperRef, SourceDoc};
use paperbrief_prompt::tokens::count_message;
use paperbrief_prompt::{Budget, ContextOverflow, PromptError, RenderedPrompt};
use paperbrief_report::{Failure, FailureKind, Provenance};

use crate::planning::{Planner, messages};
use crate::setup::ModelSetup;
use paperbrief_llm::LlmBackend;
use paperbrief_llm::{ChatReply, ChatRequest, LlmError, LlmErrorKind, Message, Usage};

/// Context-length rejections answered with a stricter budget before giving up.
const OVERFLOW_RETRIES: u32 = 2;
/// Answers cut off at the token limit retried with more room or less input.
const LENGTH_RETRIES: u32 = 1;

/// A brief and how it was made.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    /// The brief, grounding checked.
    pub brief: Brief,
    /// The accepted answer as it came.
    pub raw_answer: String,
    /// How it was made.
    pub provenance: Provenance,
    /// The prompt that produced it (cuts, tokens).
    pub prompt: RenderedPrompt,
}

/// A paper's failure, with the prompt when one was built.
#[derive(Debug, Clone)]
pub(crate) struct SummaryFailure {
    /// Why.
    pub failure: Failure,
    /// The last prompt, when there was one.
    pub prompt: Option<Box<RenderedPrompt>>,
}

/// Asks a backend for briefs: the narrow part of a run that talks to the model.
#[derive(Debug, Clone)]
pub(crate) struct Summarizer {
    backend: Arc<dyn LlmBackend>,
    planner: Planner,
    setup: ModelSetup,
    settings: AnswerSettings,
}

impl Summarizer {
    /// A summarizer asking `setup.model` through `backend`.
    pub(crate) fn new(
        backend: Arc<dyn LlmBackend>,
        planner: Planner,
        setup: ModelSetup,
        settings: AnswerSettings,
    ) -> Self {
        Self {
            backend,
            planner,
            setup,
            settings,
        }
    }

    /// The model and context it plans for.
    pub(crate) fn setup(&self) -> &ModelSetup {
        &self.setup
    }

    /// What it sends requests through.
    pub(crate) fn backend(&self) -> &Arc<dyn LlmBackend> {
        &self.backend
    }

    /// Its planner (output mode, budgets).
    pub(crate) fn planner(&self) -> &Planner {
        &self.planner
    }

    /// The sampling temperature.
    pub(crate) fn temperature(&self) -> f64 {
        self.settings.temperature
    }

    /// The first request for a prompt, exactly as [`Summarizer::summarize`] sends it.
    pub(crate) fn first_request(&self, prompt: &RenderedPrompt) -> ChatRequest {
        let max_tokens = self.planner.budget(&self.setup).max_tokens as u32;
        ChatRequest {
            model: self.setup.model.clone(),
            temperature: self.settings.temperature,
            prompt_tokens: prompt.tokens,
            messages: messages(prompt),
            max_tokens,
            response_format: response_format(self.planner.format(), max_tokens),
        }
    }

    /// Asks for the brief of `doc` (with HF's metadata when known).
    pub(crate) async fn summarize(
        &self,
        doc: &SourceDoc,
        paper: Option<&PaperRef>,
    ) -> Result<Summary, SummaryFailure> {
        let mut session = Session::new(self, doc, paper).await?;
        loop {
            let outcome = self.backend.chat(&session.request()).await;
            session.attempts += outcome.attempts;
            session.busy += outcome.busy;
            match outcome.result {
                Err(e) => session.after_error(&e).await?,
                Ok(reply) => {
                    if let Some(summary) = session.after_reply(reply).await? {
                        return Ok(summary);
                    }
                }
            }
        }
    }
}

/// The state of one paper's conversation with the model.
struct Session<'a> {
    s: &'a Summarizer,
    doc: &'a SourceDoc,
    paper: Option<&'a PaperRef>,
    /// The server's own numbers replace ours as soon as it gives them.
    context: usize,
    budget: Budget,
    max_tokens: u32,
    /// The room the JSON schema sizes its sections for: the first request's, kept when a cut-off
    /// answer gets more room (so the extra room is not spent on longer sections).
    schema_tokens: u32,
    prompt: RenderedPrompt,
    messages: Vec<Message>,
    /// Our estimate of `messages`, counted once when they are built.
    message_tokens: usize,
    overflows_left: u32,
    lengths_left: u32,
    repairs_left: u32,
    attempts: u32,
    repairs: u32,
    usage: Usage,
    /// The time the server spent on this paper's requests (no waiting for a slot).
    busy: std::time::Duration,
}

impl<'a> Session<'a> {
    async fn new(
        s: &'a Summarizer,
        doc: &'a SourceDoc,
        paper: Option<&'a PaperRef>,
    ) -> Result<Self, SummaryFailure> {
        let mut budget = s.planner.budget(&s.setup);
        let mut prompt = plan(s, doc, paper, budget).await?;
        if let Some(counted) = near_the_limit(s, &prompt, &budget).await {
            tracing::info!(target: "paperbrief::llm", "{}: the server counts {counted} prompt tokens where we estimate {}; planning a shorter prompt", doc.id, prompt.tokens);
            let seen = ContextOverflow {
                limit: budget.context,
                requested: counted,
            };
            budget = budget.stricter(prompt.tokens, Some(seen), s.settings.retry_budget_ratio);
            prompt = plan(s, doc, paper, budget).await?;
        }
        Ok(Self {
            messages: messages(&prompt),
            message_tokens: prompt.tokens,
            s,
            doc,
            paper,
            context: s.setup.context as usize,
            budget,
            max_tokens: budget.max_tokens as u32,
            schema_tokens: budget.max_tokens as u32,
            prompt,
            overflows_left: OVERFLOW_RETRIES,
            lengths_left: LENGTH_RETRIES,
            repairs_left: s.settings.repair_attempts,
            attempts: 0,
            repairs: 0,
            usage: Usage::default(),
            busy: std::time::Duration::ZERO,
        })
    }

    fn request(&self) -> ChatRequest {
        ChatRequest {
            model: self.s.setup.model.clone(),
            temperature: self.s.settings.temperature,
            prompt_tokens: self.message_tokens,
            messages: self.messages.clone(),
            max_tokens: self.max_tokens,
            response_format: response_format(self.s.planner.format(), self.schema_tokens),
        }
    }

    async fn replan(&mut self) -> Result<(), SummaryFailure> {
        self.prompt = plan(self.s, self.doc, self.paper, self.budget).await?;
        self.messages = messages(&self.prompt);
        self.message_tokens = self.prompt.tokens;
        Ok(())
    }

    /// A failed request: a context rejection re-plans with the stricter budget (and learns the
    /// server's context); anything else ends the paper.
    async fn after_error(&mut self, e: &LlmError) -> Result<(), SummaryFailure> {
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
                    self.s.settings.retry_budget_ratio,
                );
                self.replan().await
            }
            // Still out of room with fewer requests in flight: the prompt itself is too long
            // for this server (older llama.cpp says so in the same words).
            LlmErrorKind::Capacity if self.overflows_left > 0 => {
                self.overflows_left -= 1;
                tracing::info!(target: "paperbrief::llm", "{}: the server still ran out of room with fewer requests in flight; retrying with a shorter prompt", self.doc.id);
                self.budget = self.budget.stricter(
                    self.prompt.tokens,
                    None,
                    self.s.settings.retry_budget_ratio,
                );
                self.replan().await
            }
            _ => Err(self.failed(llm_failure(e), e.to_string())),
        }
    }

    /// An answer: the summary when acceptable; otherwise the next request is prepared (`None`)
    /// or the paper fails. Every answer's tokens count, accepted or not.
    async fn after_reply(&mut self, reply: ChatReply) -> Result<Option<Summary>, SummaryFailure> {
        if let Some(u) = reply.usage {
            self.usage.prompt_tokens += u.prompt_tokens;
            self.usage.completion_tokens += u.completion_tokens;
        }
        let answer = Answer {
            content: &reply.content,
            finish_reason: reply.finish_reason.as_deref(),
        };
        let read = answer.read(
            self.s.planner.format(),
            self.s.settings.min_chinese_share,
            self.doc,
            self.paper.map(|p| p.abstract_text.as_str()),
        );
        let error = match read {
            Ok(brief) => {
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
        // An answer cut off on its way through the sections gets more room; one cut off without
        // a single section is not following the format, and more room would only buy more of it
        // — except under a JSON schema, which the server enforces: a cut-off JSON answer is the
        // format, only longer than the room (a small model's tokenizer may spend 3 tokens on a
        // Chinese character).
        let schema = self.s.planner.format() == paperbrief_core::AnswerFormat::Json;
        let on_its_way = error.is_truncated() && (schema || !error.found_no_section());
        if on_its_way && self.lengths_left > 0 {
            self.lengths_left -= 1;
            self.after_cut_off(&reply).await?;
        } else if !on_its_way && self.repairs_left > 0 {
            self.repairs_left -= 1;
            self.repairs += 1;
            tracing::info!(target: "paperbrief::llm", "{}: {error}; asking again", self.doc.id);
            (self.messages, self.message_tokens) = self
                .repair(&reply, &error)
                .map_err(|r| self.failed(FailureKind::Repair, r.to_string()))?;
        } else {
            return Err(self.failed(FailureKind::from(&error), error.to_string()));
        }
        Ok(None)
    }

    /// After an answer was cut off: more room for the answer when the context has it, else a
    /// shorter input — scaled by the server's own count of the prompt when it reported one (a
    /// server tokenizer may count far more than ours, and llama.cpp stops when its context is
    /// full).
    async fn after_cut_off(&mut self, reply: &ChatReply) -> Result<(), SummaryFailure> {
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
            self.messages = messages(&self.prompt);
            self.message_tokens = self.prompt.tokens;
        } else {
            let seen = server_prompt.map(|requested| ContextOverflow {
                limit: self.context,
                requested,
            });
            self.budget =
                self.budget
                    .stricter(self.prompt.tokens, seen, self.s.settings.retry_budget_ratio);
            self.replan().await?;
        }
        tracing::info!(target: "paperbrief::llm", "{}: answer cut off; retrying with max_tokens {} and {} prompt tokens at most", self.doc.id, self.max_tokens, self.budget.input());
        Ok(())
    }

    /// The repair conversation and its token estimate: the previous answer and the instruction
    /// naming its problems, or — when that would not fit the context — the instruction appended
    /// to the question.
    fn repair(
        &self,
        reply: &ChatReply,
        e: &AnswerError,
    ) -> Result<(Vec<Message>, usize), PromptError> {
        let template = self.s.planner.template();
        let vars = self.prompt.vars.as_ref().ok_or(PromptError::Template {
            name: template.id().to_owned(),
            message: "the prompt lost its variables".to_owned(),
        })?;
        let instruction = template.repair(vars, &e.repair_instructions())?;
        let mut conversation = messages(&self.prompt);
        let (answer, asked) = (count_message(&reply.content), count_message(&instruction));
        if self.prompt.tokens + answer + asked <= self.budget.input() {
            conversation.push(Message::assistant(&reply.content));
            conversation.push(Message::user(instruction));
            return Ok((conversation, self.prompt.tokens + answer + asked));
        }
        if let Some(user) = conversation.last_mut() {
            user.content.push_str("\n\n");
            user.content.push_str(&instruction);
        }
        Ok((conversation, self.prompt.tokens + asked))
    }

    /// The paper's failure, with the requests and tokens it cost.
    fn failed(&self, kind: FailureKind, reason: String) -> SummaryFailure {
        let mut failure = Failure::new(kind, reason);
        failure.attempts = self.attempts;
        failure.prompt_tokens = self.usage.prompt_tokens;
        failure.completion_tokens = self.usage.completion_tokens;
        SummaryFailure {
            failure,
            prompt: Some(Box::new(self.prompt.clone())),
        }
    }

    fn provenance(&self, reply: &ChatReply) -> Provenance {
        Provenance {
            model: reply
                .model
                .clone()
                .unwrap_or_else(|| self.s.setup.model.clone()),
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
            latency_ms: self.busy.as_millis() as u64,
            finish_reason: reply.finish_reason.clone(),
            temperature: self.s.settings.temperature,
            max_tokens: self.max_tokens,
            output: self.s.planner.output(),
            endpoint: reply.endpoint.clone(),
        }
    }
}

/// The server's count of a prompt that may not fit by its count (ours is within a tenth of the
/// budget, or under it by less than our estimate of the server's overhead) — when the server
/// says more than fits, with room for the answer.
async fn near_the_limit(s: &Summarizer, prompt: &RenderedPrompt, budget: &Budget) -> Option<usize> {
    let room = budget.context.saturating_sub(budget.max_tokens);
    if (prompt.tokens + budget.overhead) * 10 < room * 9 {
        return None;
    }
    let counted = s
        .backend
        .count_tokens(&s.setup.model, &messages(prompt))
        .await?;
    (counted > room).then_some(counted)
}

async fn plan(
    s: &Summarizer,
    doc: &SourceDoc,
    paper: Option<&PaperRef>,
    budget: Budget,
) -> Result<RenderedPrompt, SummaryFailure> {
    s.planner.plan(doc, paper, budget).await.map_err(|e| {
        let kind = match e {
            PromptError::TooLong { .. } => FailureKind::PromptTooLong,
            PromptError::Template { .. } => FailureKind::Template,
        };
        SummaryFailure {
            failure: Failure::new(kind, e.to_string()),
            prompt: None,
        }
    })
}

/// The kind of a model call that failed for good.
fn llm_failure(e: &LlmError) -> FailureKind {
    match e.kind {
        LlmErrorKind::ContextTooLong(_) => FailureKind::ContextTooLong,
        LlmErrorKind::Capacity => FailureKind::Capacity,
        LlmErrorKind::Transient | LlmErrorKind::Unavailable => FailureKind::Unavailable,
        LlmErrorKind::Unreachable => FailureKind::Unreachable,
        LlmErrorKind::Unauthorized => FailureKind::Unauthorized,
        LlmErrorKind::Fatal => FailureKind::Endpoint { status: e.status },
    }
}

#[cfg(test)]
mod tests;

mod answer;
pub(crate) use answer::Answer;
pub(crate) use answer::{AnswerSettings, response_format};
