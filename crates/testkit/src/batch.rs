//! What `vllm run-batch` does with a requests file, done over HTTP against a chat endpoint.

use std::time::Duration;

use serde_json::{Value, json};

/// Sends each request line's `body` to `chat_url` as it is and returns the Batch output lines
/// (`{id, custom_id, response: {status_code, request_id, body}, error}`), whatever each status.
///
/// # Panics
/// When the endpoint cannot be reached or answers with something that is not JSON.
#[allow(clippy::expect_used)] // test support: a panic is the failure report
pub async fn run_batch(chat_url: &str, requests: &[Value]) -> Vec<Value> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .expect("an HTTP client");
    let mut out = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let response = client
            .post(chat_url)
            .json(&r["body"])
            .send()
            .await
            .expect("the chat endpoint answers");
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("a JSON answer");
        out.push(json!({"id": format!("vllm-{i}"), "custom_id": r["custom_id"],
            "response": {"status_code": status, "request_id": format!("vllm-batch-{i}"), "body": body},
            "error": null}));
    }
    out
}
