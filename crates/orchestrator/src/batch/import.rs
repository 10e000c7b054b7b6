//! `batch import`: a results file in the Batch output format (`{custom_id, response:
//! {status_code, body}, error}` per line) read back. Each answer is validated and grounded as
//! `run` does and stored; a line that errored, does not parse, repeats a `custom_id`, names no
//! exported request (tampered, another day, a stale export) or holds an unacceptable answer is
//! reported and skipped, as is an exported request with no result: those papers stay pending
//! for a normal `run`, which repairs them online.

use std::collections::HashMap;

use paperbrief_core::ReportDate;
use paperbrief_report::{DailyReport, Provenance, ReportFiles};
use serde::Deserialize;

use super::{Manifest, ManifestEntry};
use crate::day::Day;
use crate::error::OrchestratorError;
use crate::meter::RunMeter;
use crate::paper::BriefKeys;
use crate::publish::{Published, write_and_publish};
use crate::run::stored_entries;
use crate::services::{ModelChoice, Services};
use crate::store::StoredBrief;
use crate::summarize::Answer;
use paperbrief_llm::{ChatReply, reply_from_json};

/// A result that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line (1-based), when the problem is a line's.
    pub line: Option<usize>,
    /// The `custom_id`, when known.
    pub custom_id: Option<String>,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug)]
pub struct Imported {
    /// Briefs accepted and stored.
    pub accepted: usize,
    /// Everything skipped.
    pub problems: Vec<Problem>,
    /// The day's report, written.
    pub report: DailyReport,
    /// Its files.
    pub files: ReportFiles,
    /// What happened after it was written.
    pub published: Published,
}

#[derive(Debug, Deserialize)]
struct OutputLine {
    custom_id: Option<String>,
    #[serde(default)]
    response: Option<Response>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Response {
    #[serde(default = "ok_status")]
    status_code: u16,
    #[serde(default)]
    body: serde_json::Value,
}

/// vLLM leaves `status_code` at its default, 200, for a successful request.
fn ok_status() -> u16 {
    200
}

/// Imports `results` (the JSONL text) for `date`.
pub async fn import(
    services: &Services,
    date: ReportDate,
    results: &str,
) -> Result<Imported, OrchestratorError> {
    let manifest = services
        .store()
        .manifest(date)
        .await
        .ok_or(OrchestratorError::NoExport { date })?;
    let (lines, mut problems) = parse_lines(results);
    let (matched, unmatched) = match_lines(&manifest, &lines);
    problems.extend(unmatched);
    let meter = RunMeter::start(services);
    let (keys, mut accepted) = (services.keys(), 0);
    let mut accepted_ids = std::collections::HashSet::new();
    for (n, line, entry) in matched {
        match accept(services, &keys, &manifest, entry, line).await {
            Ok(()) => {
                accepted += 1;
                accepted_ids.insert(entry.id.base().to_owned());
            }
            Err(reason) => problems.push(Problem {
                line: Some(n),
                custom_id: Some(entry.custom_id.clone()),
                reason: reason.to_string(),
            }),
        }
    }
    problems.sort_by_key(|p| (p.line.is_none(), p.line));
    let day = Day::load(services, date).await?;
    let mut stored = stored_entries(services, &day, &[], &manifest.model).await;
    // The run's numbers: the briefs this import accepted, with the tokens the batch reported.
    let imported: Vec<(paperbrief_report::Entry, bool)> = stored
        .iter()
        .filter(|(base, _)| accepted_ids.contains(base.as_str()))
        .map(|(_, e)| (e.clone(), false))
        .collect();
    let stats = meter.finish(services, &imported);
    let mut report = day.report(|p| stored.remove(p.id.base()), stats);
    // The overview is asked of the server when it answers; without one (an offline
    // `vllm run-batch`) an unchanged overview is kept and a changed one waits for `run`.
    let summarizer = match services.model_or_name().await {
        Ok(ModelChoice::Ready(setup)) => Some(services.summarizer(setup)),
        _ => None,
    };
    let interests = crate::interests::Interests::setup(services).await?;
    let summarizer = summarizer.as_ref();
    crate::annotate::annotate(
        services,
        interests.as_ref(),
        summarizer,
        &mut report,
        day.previous(),
    )
    .await;
    let (files, published) = write_and_publish(services, &report).await?;
    Ok(Imported {
        accepted,
        problems,
        report,
        files,
        published,
    })
}

/// Pairs each line with its exported request; a problem for each line without one (no
/// `custom_id`, an unknown one, one that repeats) and each request without a line.
fn match_lines<'a>(
    manifest: &'a Manifest,
    lines: &'a [(usize, OutputLine)],
) -> (
    Vec<(usize, &'a OutputLine, &'a ManifestEntry)>,
    Vec<Problem>,
) {
    let by_id: HashMap<&str, &ManifestEntry> = manifest
        .requests
        .iter()
        .map(|e| (e.custom_id.as_str(), e))
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in lines.iter().filter_map(|(_, l)| l.custom_id.as_deref()) {
        *seen.entry(id).or_default() += 1;
    }
    let (mut matched, mut problems) = (Vec::new(), Vec::new());
    for (n, line) in lines {
        let problem = |reason: String| Problem {
            line: Some(*n),
            custom_id: line.custom_id.clone(),
            reason,
        };
        let Some(cid) = line.custom_id.as_deref() else {
            problems.push(problem("no custom_id".into()));
            continue;
        };
        match (by_id.get(cid), seen[cid]) {
            (None, _) => problems.push(problem(
                "matches no exported request (tampered, another day's, or from an export since replaced)".into(),
            )),
            (Some(_), count @ 2..) => problems.push(problem(format!("the custom_id appears {count} times; none of them is used"))),
            (Some(entry), _) => matched.push((*n, line, *entry)),
        }
    }
    for entry in manifest
        .requests
        .iter()
        .filter(|e| !seen.contains_key(e.custom_id.as_str()))
    {
        problems.push(Problem {
            line: None,
            custom_id: Some(entry.custom_id.clone()),
            reason: format!("no result for {}", entry.id),
        });
    }
    (matched, problems)
}

/// The lines that parse, numbered, and a problem for each that does not (a truncated file's
/// last line among them).
fn parse_lines(text: &str) -> (Vec<(usize, OutputLine)>, Vec<Problem>) {
    let (mut lines, mut problems) = (Vec::new(), Vec::new());
    for (i, raw) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match serde_json::from_str::<OutputLine>(raw) {
            Ok(l) => lines.push((i + 1, l)),
            Err(e) => problems.push(Problem {
                line: Some(i + 1),
                custom_id: None,
                reason: format!("not a Batch output line (truncated?): {e}"),
            }),
        }
    }
    (lines, problems)
}

/// Validates and grounds one answer as `run` does, and stores the brief.
async fn accept(
    services: &Services,
    keys: &BriefKeys,
    manifest: &Manifest,
    entry: &ManifestEntry,
    line: &OutputLine,
) -> Result<(), Rejected> {
    if keys.key(&entry.id, &manifest.model) != entry.key {
        return Err(Rejected::Stale);
    }
    if let Some(e) = line.error.as_ref().filter(|e| !e.is_null()) {
        return Err(Rejected::BatchError(e.to_string()));
    }
    let response = line.response.as_ref().ok_or(Rejected::NoResponse)?;
    if response.status_code != 200 {
        let message = response
            .body
            .pointer("/error/message")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        return Err(Rejected::Status {
            status: response.status_code,
            message: message.to_owned(),
        });
    }
    let answer = reply_from_json("batch", &response.body)
        .map_err(|e| Rejected::NotACompletion(e.message))?;
    let source = services
        .store()
        .source(&entry.id)
        .await
        .ok_or(Rejected::SourceGone)?;
    let brief = Answer {
        content: &answer.content,
        finish_reason: answer.finish_reason.as_deref(),
    }
    .read(
        services.planner().format(),
        services.config().prompt.min_chinese_share,
        &source.doc,
        Some(&entry.paper.abstract_text),
    )?;
    let provenance = provenance(manifest, entry, &answer);
    let stored = StoredBrief {
        key: entry.key.clone(),
        source: entry.source.clone(),
        raw_answer: answer.content,
        brief,
        provenance,
    };
    Ok(services.store().put_brief(&stored).await?)
}

/// Why a result line was not taken.
#[derive(Debug, thiserror::Error)]
enum Rejected {
    #[error(
        "a stale prompt: the template or the request settings (max_tokens, temperature, output, extra_body) changed since the export; export again"
    )]
    Stale,
    #[error("the batch reports an error: {0}")]
    BatchError(String),
    #[error("no response")]
    NoResponse,
    #[error("HTTP {status} in the batch{}", if message.is_empty() { String::new() } else { format!(" {message}") })]
    Status { status: u16, message: String },
    #[error("{0}")]
    NotACompletion(String),
    #[error("the exported text is no longer stored; export again")]
    SourceGone,
    #[error(transparent)]
    Answer(#[from] paperbrief_core::AnswerError),
    #[error(transparent)]
    Store(#[from] OrchestratorError),
}

/// How an imported brief was made: the request as exported, the answer as the batch gave it.
fn provenance(manifest: &Manifest, entry: &ManifestEntry, answer: &ChatReply) -> Provenance {
    let usage = answer.usage.unwrap_or_default();
    Provenance {
        model: answer
            .model
            .clone()
            .unwrap_or_else(|| manifest.model.clone()),
        template_id: entry.template_id.clone(),
        prompt_tokens: if usage.prompt_tokens > 0 {
            usage.prompt_tokens
        } else {
            entry.prompt_tokens as u32
        },
        completion_tokens: usage.completion_tokens,
        prompt_tokens_estimate: entry.prompt_tokens,
        attempts: 1,
        repairs: 0,
        latency_ms: 0,
        finish_reason: answer.finish_reason.clone(),
        temperature: entry.key.temperature,
        max_tokens: entry.max_tokens,
        output: entry.key.output,
        endpoint: Some("batch".into()),
    }
}
