//! A hosted OpenAI-compatible Batch API: `batch submit` uploads the export and creates a batch
//! (its id kept in the store, so `collect` after a restart finds it), `batch status` asks how it
//! goes, `batch collect` downloads the results when it is done and imports them.

use paperbrief_core::ReportDate;
use serde_json::{Value, json};

use super::{Imported, export, import};
use crate::error::OrchestratorError;
use crate::services::Services;

/// A submitted batch.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The batch id.
    pub batch_id: String,
    /// Requests in it.
    pub requests: usize,
}

/// What `collect` found.
#[derive(Debug)]
pub enum Collected {
    /// Not done yet: its status.
    Waiting(String),
    /// Ended without results to import (failed, or expired/cancelled before any request
    /// finished): its status and what the API says went wrong.
    Ended {
        /// The batch's status.
        status: String,
        /// The API's errors, or what is missing.
        detail: String,
    },
    /// Done, and imported.
    Imported(Box<Imported>),
}

/// Exports the day and submits it as a batch.
pub async fn submit(services: &Services, date: ReportDate) -> Result<Submitted, OrchestratorError> {
    let exported = export(services, date).await?;
    if exported.requests == 0 {
        return Ok(Submitted {
            batch_id: String::new(),
            requests: 0,
        });
    }
    let llm = services.llm();
    let file = llm
        .upload_batch_file(
            &format!("paperbrief-{date}.jsonl"),
            exported.jsonl.into_bytes(),
        )
        .await
        .map_err(OrchestratorError::Endpoint)?;
    let batch_id = llm
        .create_batch(&file, json!({"paperbrief_date": date.to_string()}))
        .await
        .map_err(OrchestratorError::Endpoint)?;
    let mut manifest = services
        .store()
        .manifest(date)
        .await
        .ok_or(OrchestratorError::NoExport { date })?;
    manifest.batch_id = Some(batch_id.clone());
    services.store().put_manifest(&manifest).await?;
    Ok(Submitted {
        batch_id,
        requests: exported.requests,
    })
}

/// The submitted batch of `date`, as the API describes it.
pub async fn status(
    services: &Services,
    date: ReportDate,
) -> Result<(String, Value), OrchestratorError> {
    let id = batch_id(services, date).await?;
    let batch = services
        .llm()
        .batch(&id)
        .await
        .map_err(OrchestratorError::Endpoint)?;
    Ok((id, batch))
}

/// Downloads and imports the results of `date`'s batch when it has completed.
pub async fn collect(
    services: &Services,
    date: ReportDate,
) -> Result<Collected, OrchestratorError> {
    let (_, batch) = status(services, date).await?;
    let state = batch
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let output = batch.get("output_file_id").and_then(Value::as_str);
    // An expired or cancelled batch keeps the results of the requests that finished: they are
    // imported, and the rest are reported missing (pending for `run`).
    let output = match (state.as_str(), output) {
        ("completed" | "expired" | "cancelled", Some(id)) if !id.is_empty() => id,
        ("completed" | "expired" | "cancelled" | "failed", _) => {
            return Ok(Collected::Ended {
                detail: batch_errors(&batch),
                status: state,
            });
        }
        _ => return Ok(Collected::Waiting(state)),
    };
    let path = services
        .store()
        .root()
        .join("batches")
        .join(format!("{date}.results.jsonl"));
    services
        .llm()
        .download(output, &path)
        .await
        .map_err(OrchestratorError::Endpoint)?;
    let text = tokio::fs::read_to_string(&path)
        .await
        .map_err(|source| OrchestratorError::Store { path, source })?;
    Ok(Collected::Imported(Box::new(
        import(services, date, &text).await?,
    )))
}

/// What a batch object says went wrong (`errors.data[].message`), or that it has no results.
fn batch_errors(batch: &Value) -> String {
    let messages: Vec<&str> = batch
        .pointer("/errors/data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("message").and_then(Value::as_str))
        .collect();
    if messages.is_empty() {
        "no results file".to_owned()
    } else {
        messages.join("; ")
    }
}

async fn batch_id(services: &Services, date: ReportDate) -> Result<String, OrchestratorError> {
    services
        .store()
        .manifest(date)
        .await
        .and_then(|m| m.batch_id)
        .ok_or(OrchestratorError::NoBatch { date })
}
