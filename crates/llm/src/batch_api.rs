//! An OpenAI-compatible Batch API (`/v1/files`, `/v1/batches`) on the endpoint: upload a
//! requests file, create a batch, ask how it goes, download its results.

use std::path::Path;

use async_openai::types::files::{CreateFileRequest, FileInput, FilePurpose};
use serde_json::{Value, json};

use super::{LlmClient, LlmError, LlmErrorKind};

impl LlmClient {
    /// Uploads `jsonl` (purpose `batch`); returns the file id.
    pub async fn upload_batch_file(&self, name: &str, jsonl: Vec<u8>) -> Result<String, LlmError> {
        let url = format!("{}/files", self.label);
        let request = CreateFileRequest {
            file: FileInput::from_vec_u8(name.to_owned(), jsonl),
            purpose: FilePurpose::Batch,
            expires_after: None,
        };
        let file: Value = self
            .client
            .files()
            .create_byot(request)
            .await
            .map_err(|e| self.classify(&url, e))?;
        id_of(&file, &url)
    }

    /// Creates a batch of chat completions over an uploaded file; returns the batch id.
    pub async fn create_batch(
        &self,
        input_file_id: &str,
        metadata: Value,
    ) -> Result<String, LlmError> {
        let url = format!("{}/batches", self.label);
        let body = json!({"input_file_id": input_file_id, "endpoint": "/v1/chat/completions",
            "completion_window": "24h", "metadata": metadata});
        let batch: Value = self
            .client
            .batches()
            .create_byot(body)
            .await
            .map_err(|e| self.classify(&url, e))?;
        id_of(&batch, &url)
    }

    /// The batch object (`status`, `output_file_id`, `error_file_id`, `request_counts`…).
    pub async fn batch(&self, id: &str) -> Result<Value, LlmError> {
        let url = format!("{}/batches/{id}", self.label);
        self.client
            .batches()
            .retrieve_byot(id)
            .await
            .map_err(|e| self.classify(&url, e))
    }

    /// Downloads a file's content to `to` (written atomically).
    pub async fn download(&self, file_id: &str, to: &Path) -> Result<u64, LlmError> {
        let url = format!("{}/files/{file_id}/content", self.base_url);
        let shown = format!("{}/files/{file_id}/content", self.label);
        let fail = |message: String| LlmError {
            kind: LlmErrorKind::Transient,
            url: shown.clone(),
            message,
            retry_after: None,
            status: None,
            source: None,
        };
        let mut request = self.http.get(&url);
        if let Some(key) = &self.secret {
            request = request.bearer_auth(key);
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| fail(format!("cannot download: {e}")))?;
        if !response.status().is_success() {
            return Err(fail(format!("HTTP {}", response.status().as_u16())));
        }
        let mut data = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(e.to_string()))? {
            data.extend_from_slice(&chunk);
        }
        paperbrief_core::fs::atomic_write(to, &data, paperbrief_core::fs::Visibility::Private)
            .map_err(|e| fail(format!("cannot write {}: {e}", to.display())))?;
        Ok(data.len() as u64)
    }
}

fn id_of(v: &Value, url: &str) -> Result<String, LlmError> {
    v.get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| LlmError {
            kind: LlmErrorKind::Fatal,
            url: url.to_owned(),
            message: "the answer has no `id`".into(),
            retry_after: None,
            status: None,
            source: None,
        })
}
