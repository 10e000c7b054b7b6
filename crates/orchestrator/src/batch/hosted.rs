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
#[derive(Debug, Clone)]
pub enum Collected {
    /// Not done yet: its status.
    Waiting(String),
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
    let Some(output) = batch
        .get("output_file_id")
        .and_then(Value::as_str)
        .filter(|_| state == "completed")
    else {
        return Ok(Collected::Waiting(state));
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
    let text = std::fs::read_to_string(&path)
        .map_err(|source| OrchestratorError::Store { path, source })?;
    Ok(Collected::Imported(Box::new(
        import(services, date, &text).await?,
    )))
}

async fn batch_id(services: &Services, date: ReportDate) -> Result<String, OrchestratorError> {
    services
        .store()
        .manifest(date)
        .await
        .and_then(|m| m.batch_id)
        .ok_or(OrchestratorError::NoBatch { date })
}
