//! One paper's brief: render the prompt, ask, and react to what comes back — a context-length
//! rejection re-renders with the stricter budget, an answer cut off gets more room or a shorter
//! input, an unacceptable answer is asked again with a repair instruction naming the problems.

use std::time::Instant;

use paperbrief_core::{PaperRef, SourceDoc};
use paperbrief_prompt::tokens::count_message;
use paperbrief_prompt::{
    AnswerError, AnswerFormat, Brief, Budget, ContextOverflow, Grounding, ParseOptions,
    RenderedPrompt, json_schema, render_prompt_for,
};

use crate::engine::{Engine, ModelSetup};
use crate::llm::{ChatReply, ChatRequest, LlmErrorKind, Message, Usage};
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

/// The running tally of one paper's requests.
#[derive(Debug, Default)]
struct Tally {
    attempts: u32,
    repairs: u32,
    usage: Usage,
}

/// Asks for the brief of `doc`.
pub(crate) async fn summarize(
    engine: &Engine,
    setup: &ModelSetup,
    doc: &SourceDoc,
    paper: Option<&PaperRef>,
) -> Result<Summary, SummaryFailure> {
    let cfg = &engine.config;
    // The server's own numbers replace ours as soon as it gives them.
    let mut context = setup.context as usize;
    let mut budget = Budget::from_config(cfg, context);
    let mut max_tokens = cfg.llm.max_tokens;
    let format = answer_format(cfg);
    let render = |budget: &Budget| {
        render_prompt_for(&engine.template, doc, paper, budget, format).map_err(|e| {
            SummaryFailure {
                failure: Failure {
                    stage: Stage::Prompt,
                    reason: e.to_string(),
                },
                prompt: None,
            }
        })
    };
    let mut prompt = render(&budget)?;
    let mut messages = fresh(&prompt);
    let (mut overflows, mut lengths, mut repairs) =
        (OVERFLOW_RETRIES, LENGTH_RETRIES, cfg.llm.repair_attempts);
    let mut tally = Tally::default();
    let started = Instant::now();
    loop {
        let request = ChatRequest {
            prompt_tokens: messages.iter().map(|m| count_message(&m.content)).sum(),
            messages: messages.clone(),
            max_tokens,
            response_format: response_format(format, max_tokens),
        };
        let (result, attempts) = engine
            .llm
            .chat(&setup.model, cfg.llm.temperature, &request)
            .await;
        tally.attempts += attempts;
        let reply = match result {
            Ok(reply) => reply,
            Err(e) => match e.kind {
                LlmErrorKind::ContextTooLong(overflow) if overflows > 0 => {
                    overflows -= 1;
                    if let Some(o) = overflow {
                        context = o.limit;
                    }
                    tracing::info!(target: "paperbrief::llm", "{}: prompt too long for the server; retrying with a stricter budget", doc.id);
                    budget =
                        budget.stricter(prompt.tokens, overflow, cfg.prompt.retry_budget_ratio);
                    prompt = render(&budget)?;
                    messages = fresh(&prompt);
                    continue;
                }
                _ => return Err(failed(Stage::Llm, e.to_string(), prompt)),
            },
        };
        add_usage(&mut tally.usage, reply.usage);
        let opts = ParseOptions {
            finish_reason: reply.finish_reason.as_deref(),
            format,
            min_chinese_share: cfg.prompt.min_chinese_share,
        };
        match Brief::parse_with(&reply.content, &opts) {
            Ok(mut brief) => {
                brief.check_grounding(&Grounding::new(&grounding_text(doc, paper)));
                let provenance =
                    provenance(engine, setup, &prompt, &reply, &tally, max_tokens, started);
                return Ok(Summary {
                    brief,
                    raw_answer: reply.content,
                    provenance,
                    prompt,
                });
            }
            Err(e) if e.is_truncated() && lengths > 0 => {
                lengths -= 1;
                let before = budget;
                (budget, max_tokens) =
                    after_cut_off(cfg, context, budget, &prompt, &reply, max_tokens);
                if budget != before {
                    prompt = render(&budget)?;
                }
                tracing::info!(target: "paperbrief::llm", "{}: answer cut off; retrying with max_tokens {max_tokens} and {} prompt tokens at most", doc.id, budget.input());
                messages = fresh(&prompt);
            }
            Err(e) if repairs > 0 && !e.is_truncated() => {
                repairs -= 1;
                tally.repairs += 1;
                tracing::info!(target: "paperbrief::llm", "{}: {e}; asking again", doc.id);
                messages = repair(engine, &prompt, &budget, &reply, &e)
                    .map_err(|r| failed(Stage::Prompt, r, prompt.clone()))?;
            }
            Err(e) => return Err(failed(Stage::Answer, e.to_string(), prompt)),
        }
    }
}

/// After an answer was cut off: more room for the answer when the context has it, else a
/// shorter input — scaled by the server's own count of the prompt when it reported one (a
/// server tokenizer may count far more than ours, and llama.cpp stops when its context is full).
fn after_cut_off(
    cfg: &paperbrief_core::Config,
    context: usize,
    budget: Budget,
    prompt: &RenderedPrompt,
    reply: &ChatReply,
    max_tokens: u32,
) -> (Budget, u32) {
    let server_prompt = reply
        .usage
        .map(|u| u.prompt_tokens as usize)
        .filter(|n| *n > 0);
    let room = context.saturating_sub(server_prompt.unwrap_or(prompt.tokens) + budget.margin);
    if room as f64 >= f64::from(max_tokens) * 1.25 {
        let more = u32::try_from(room.min(max_tokens as usize * 2)).unwrap_or(max_tokens);
        return (budget, more);
    }
    let seen = server_prompt.map(|requested| ContextOverflow {
        limit: context,
        requested,
    });
    (
        budget.stricter(prompt.tokens, seen, cfg.prompt.retry_budget_ratio),
        max_tokens,
    )
}

/// The answer format `[llm] output` asks for.
pub(crate) fn answer_format(config: &paperbrief_core::Config) -> AnswerFormat {
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

/// The repair conversation: the previous answer and the instruction naming its problems, or —
/// when that would not fit the context — the instruction appended to the original question.
fn repair(
    engine: &Engine,
    prompt: &RenderedPrompt,
    budget: &Budget,
    reply: &ChatReply,
    e: &AnswerError,
) -> Result<Vec<Message>, String> {
    let vars = prompt
        .vars
        .as_ref()
        .ok_or("the prompt lost its variables")?;
    let instruction = engine
        .template
        .repair(vars, &e.repair_instructions())
        .map_err(|e| e.to_string())?;
    let mut messages = fresh(prompt);
    let extra = count_message(&reply.content) + count_message(&instruction);
    if prompt.tokens + extra <= budget.input() {
        messages.push(Message::new("assistant", &reply.content));
        messages.push(Message::new("user", instruction));
    } else if let Some(user) = messages.last_mut() {
        user.content.push_str("\n\n");
        user.content.push_str(&instruction);
    }
    Ok(messages)
}

fn failed(stage: Stage, reason: String, prompt: RenderedPrompt) -> SummaryFailure {
    SummaryFailure {
        failure: Failure { stage, reason },
        prompt: Some(Box::new(prompt)),
    }
}

fn add_usage(total: &mut Usage, usage: Option<Usage>) {
    if let Some(u) = usage {
        total.prompt_tokens += u.prompt_tokens;
        total.completion_tokens += u.completion_tokens;
    }
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

fn provenance(
    engine: &Engine,
    setup: &ModelSetup,
    prompt: &RenderedPrompt,
    reply: &ChatReply,
    tally: &Tally,
    max_tokens: u32,
    started: Instant,
) -> Provenance {
    Provenance {
        model: reply.model.clone().unwrap_or_else(|| setup.model.clone()),
        template_id: prompt.template_id.clone(),
        prompt_tokens: if tally.usage.prompt_tokens > 0 {
            tally.usage.prompt_tokens
        } else {
            prompt.tokens as u32
        },
        completion_tokens: tally.usage.completion_tokens,
        prompt_tokens_estimate: prompt.tokens,
        attempts: tally.attempts,
        repairs: tally.repairs,
        latency_ms: started.elapsed().as_millis() as u64,
        finish_reason: reply.finish_reason.clone(),
        temperature: engine.config.llm.temperature,
        max_tokens,
        output: engine.config.llm.output.clone(),
    }
}
