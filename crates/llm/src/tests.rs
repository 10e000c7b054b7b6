//! The client against wiremock on loopback: the request shape, lenient replies, and errors.

use std::time::Duration;

use paperbrief_core::{Config, ConfigBuilder};
use serde_json::{Value, json};

use crate::chat::merge;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

fn config(server: &MockServer, extra: &[(&str, &str)]) -> Config {
    let mut b = ConfigBuilder::new()
        .set("llm.base_url", &format!("{}/v1/", server.uri()), "test")
        .unwrap()
        .set("llm.retry_base_delay_ms", "10", "test")
        .unwrap()
        .set("llm.max_attempts", "3", "test")
        .unwrap();
    for (k, v) in extra {
        b = b.set(k, v, "test").unwrap();
    }
    b.build().unwrap()
}

fn request(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.to_owned(),
        temperature: 0.3,
        messages: vec![Message::system("S"), Message::user("U")],
        max_tokens: 256,
        prompt_tokens: 10,
        response_format: None,
    }
}

/// A client without a key for `server`, with `extra` settings.
fn client_for(server: &MockServer, extra: &[(&str, &str)]) -> LlmClient {
    LlmClient::new(&config(server, extra), None).unwrap()
}

/// One chat call: its result and how many requests it took.
async fn ask(client: &LlmClient, model: &str) -> (Result<ChatReply, LlmError>, u32) {
    let outcome = client.chat(&request(model)).await;
    (outcome.result, outcome.attempts)
}

fn completion(content: &str, finish: &str) -> Value {
    json!({"id": "x", "object": "chat.completion", "created": 1, "model": "Qwen/Qwen3-8B",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "reasoning_content": "thinking…"},
            "finish_reason": finish, "stop_reason": null, "token_ids": null}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20, "prompt_tokens_details": null}})
}

#[tokio::test]
async fn sends_the_documented_request_and_reads_a_vllm_reply() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test"))
        .and(body_partial_json(json!({
            "model": "Qwen/Qwen3-8B", "max_tokens": 256, "temperature": 0.3, "stream": false,
            "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}],
            "chat_template_kwargs": {"enable_thinking": false}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("答案", "stop")))
        .expect(1)
        .mount(&server)
        .await;
    let c = config(
        &server,
        &[(
            "llm.extra_body",
            "{ chat_template_kwargs = { enable_thinking = false } }",
        )],
    );
    let client = LlmClient::new(&c, Some("sk-test".into())).unwrap();
    let (reply, attempts) = ask(&client, "Qwen/Qwen3-8B").await;
    let reply = reply.unwrap();
    assert_eq!(attempts, 1);
    assert_eq!(reply.content, "答案");
    assert_eq!(reply.reasoning.as_deref(), Some("thinking…"));
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        reply.usage,
        Some(Usage {
            prompt_tokens: 12,
            completion_tokens: 8
        })
    );
}

#[tokio::test]
async fn without_a_key_the_placeholder_is_sent() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer EMPTY"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("好", "eos_token")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, &[]);
    let (reply, _) = ask(&client, "m").await;
    // An unknown finish reason is kept, not an error.
    assert_eq!(reply.unwrap().finish_reason.as_deref(), Some("eos_token"));
}

#[tokio::test]
async fn a_429_and_a_503_are_retried_and_retry_after_is_read() {
    // How long the policy waits is proven on a paused clock (paperbrief_http::retry); here:
    // both are retried, and the 429's Retry-After reaches the error the policy sees.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_json(json!({"error": {"message": "slow down", "code": 429}})),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("好", "stop")))
        .mount(&server)
        .await;
    let once = client_for(&server, &[("llm.max_attempts", "1")]);
    let (reply, _) = ask(&once, "m").await;
    let err = reply.unwrap_err();
    assert_eq!(err.kind, LlmErrorKind::Transient);
    assert_eq!(err.retry_after, Some(Duration::from_secs(7)));
    // Waits capped to nothing, so the test does not sleep.
    let client = client_for(&server, &[("sources.retry_max_delay_secs", "0")]);
    let (reply, attempts) = ask(&client, "m").await;
    assert!(reply.is_ok());
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn a_runaway_answer_is_refused_while_streaming_and_retried() {
    let server = MockServer::start().await;
    let huge = "好".repeat(1_000_000);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(&huge, "stop")))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("好", "stop")))
        .mount(&server)
        .await;
    let client = client_for(&server, &[("llm.max_response_bytes", "100000")]);
    let (reply, attempts) = ask(&client, "m").await;
    assert_eq!(reply.unwrap().content, "好");
    assert_eq!(attempts, 3, "two oversized answers, then a good one");
    let strict = client_for(
        &server,
        &[("llm.max_response_bytes", "100"), ("llm.max_attempts", "1")],
    );
    let (reply, _) = ask(&strict, "m").await;
    let err = reply.unwrap_err();
    assert_eq!(err.kind, LlmErrorKind::Transient);
    assert!(err.to_string().contains("llm.max_response_bytes"), "{err}");
}

#[tokio::test]
async fn errors_are_classified_from_the_status_not_the_library() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4744 in the messages, 256 in the completion).",
            "type": "BadRequestError", "param": null, "code": 400}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, &[]);
    let (reply, attempts) = ask(&client, "m").await;
    let err = reply.unwrap_err();
    assert_eq!(
        err.kind,
        LlmErrorKind::ContextTooLong(Some(paperbrief_prompt::ContextOverflow {
            limit: 4096,
            requested: 4744
        }))
    );
    assert_eq!(attempts, 1, "a context rejection is not retried as is");

    let garbage = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"choices\": ["))
        .mount(&garbage)
        .await;
    let client = client_for(&garbage, &[]);
    let (reply, attempts) = ask(&client, "m").await;
    assert_eq!(reply.unwrap_err().kind, LlmErrorKind::Transient);
    assert_eq!(attempts, 3, "a malformed reply is retried");

    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "bad key"}})),
        )
        .mount(&auth)
        .await;
    let client = client_for(&auth, &[]);
    let (reply, _) = ask(&client, "m").await;
    let err = reply.unwrap_err();
    assert_eq!(err.kind, LlmErrorKind::Unauthorized);
    assert!(err.to_string().contains("PAPERBRIEF_API_KEY"), "{err}");
}

#[tokio::test]
async fn a_hanging_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(completion("好", "stop"))
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    let client = client_for(
        &server,
        &[("llm.timeout_secs", "1"), ("llm.max_attempts", "2")],
    );
    let (reply, attempts) = ask(&client, "m").await;
    let err = reply.unwrap_err();
    assert_eq!(err.kind, LlmErrorKind::Unavailable);
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(attempts, 2);
}

#[tokio::test]
async fn models_and_contexts_are_read_from_vllm_and_llama_cpp() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": [
            {"id": "Qwen/Qwen3-8B", "object": "model", "owned_by": "vllm", "root": "Qwen/Qwen3-8B", "max_model_len": 40960},
            {"id": "smollm2", "object": "model", "meta": {"n_ctx_train": 8192}}]})))
        .mount(&server)
        .await;
    Mock::given(path("/props"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"default_generation_settings": {"n_ctx": 4096}, "total_slots": 4}),
        ))
        .mount(&server)
        .await;
    let client = client_for(&server, &[]);
    let models = client.models().await.unwrap();
    assert_eq!(
        models[0],
        ModelInfo {
            id: "Qwen/Qwen3-8B".into(),
            aliases: Vec::new(),
            instance_context: None,
            max_model_len: Some(40960)
        }
    );
    assert_eq!(models[1].max_model_len, None);
    assert_eq!(
        client.server_props().await,
        Some(ServerProps {
            slot_context: 4096,
            total_slots: Some(4)
        })
    );
}

#[test]
fn extra_body_merges_recursively_and_wins() {
    let mut body = json!({"model": "m", "a": {"x": 1, "y": 2}});
    merge(&mut body, &json!({"a": {"y": 3}, "top_k": 20}));
    assert_eq!(
        body,
        json!({"model": "m", "a": {"x": 1, "y": 3}, "top_k": 20})
    );
}

#[tokio::test]
async fn a_password_in_the_base_url_is_never_in_the_recorded_endpoint() {
    // Its own server (not from the pool), so dropping it closes the port.
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("答", "stop")))
        .mount(&server)
        .await;
    let url = server.uri().replace("http://", "http://bot:s3cret@");
    let config = ConfigBuilder::new()
        .set("llm.base_url", &format!("{url}/v1"), "test")
        .unwrap()
        .set("llm.max_attempts", "1", "test")
        .unwrap()
        .set("llm.connect_wait_secs", "0", "test")
        .unwrap()
        .build()
        .unwrap();
    let client = LlmClient::new(&config, None).unwrap();
    let (reply, _) = ask(&client, "m").await;
    let endpoint = reply.unwrap().endpoint.unwrap();
    assert!(!endpoint.contains("s3cret"), "{endpoint}");
    assert!(endpoint.contains("bot:***@"), "{endpoint}");
    assert!(!client.label().contains("s3cret"));
    // An error names the URL it failed on: without the password too.
    drop(server);
    let (failed, _) = ask(&client, "m").await;
    let e = failed.unwrap_err();
    assert!(!format!("{e} {}", e.url).contains("s3cret"), "{e}");
}
