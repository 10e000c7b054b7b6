//! End-to-end: a hosted OpenAI-compatible Batch API (stand-in `/v1/files` and `/v1/batches`)
//! driven through `batch submit`, `status` and `collect` — each a new process, the batch id kept
//! in the store; expired and failed batches; commands run in the wrong order.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use common::batch::{import, results_from, stand_in};
use common::day::{DATE, Dirs, dirs, paperbrief_run, report_json};
use common::{stderr, stdout};
use paperbrief_testkit::StandIn;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A hosted Batch API: files and batches. The batch stays `in_progress` until `finish` mounts
/// its completion.
struct Hosted {
    server: MockServer,
}

impl Hosted {
    async fn start() -> Self {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/models"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    json!({"object": "list", "data": [{"id": "m", "object": "model"}]}),
                ),
            )
            .mount(&server)
            .await;
        Mock::given(method("POST")).and(path("/v1/files")).and(header("authorization", "Bearer sk-hosted"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "file-in", "object": "file", "bytes": 1, "created_at": 0, "filename": "x.jsonl", "purpose": "batch"})))
            .mount(&server).await;
        Mock::given(method("POST")).and(path("/v1/batches"))
            .and(body_partial_json(json!({"input_file_id": "file-in", "endpoint": "/v1/chat/completions", "completion_window": "24h"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(batch_object("validating", None)))
            .mount(&server).await;
        Mock::given(method("GET"))
            .and(path("/v1/batches/batch_7"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(batch_object("in_progress", None)),
            )
            .mount(&server)
            .await;
        Self { server }
    }

    async fn finish(&self, results: &[Value]) {
        self.end("completed", Some(results)).await;
    }

    /// The batch ends `status`, with `results` in its output file (or none, and an error).
    async fn end(&self, status: &str, results: Option<&[Value]>) {
        let mut object = batch_object(status, results.map(|_| "file-out"));
        if results.is_none() {
            object["errors"] = json!({"object": "list", "data": [
                {"code": "invalid_json_line", "message": "line 3 is not valid JSON", "line": 3}]});
        }
        Mock::given(method("GET"))
            .and(path("/v1/batches/batch_7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(object))
            .with_priority(1)
            .mount(&self.server)
            .await;
        let text: String = results
            .unwrap_or_default()
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        Mock::given(method("GET"))
            .and(path("/v1/files/file-out/content"))
            .respond_with(ResponseTemplate::new(200).set_body_string(text))
            .mount(&self.server)
            .await;
    }

    /// The requests file as uploaded (from the multipart body).
    async fn uploaded(&self) -> Vec<Value> {
        let requests = self.server.received_requests().await.unwrap();
        let upload = requests
            .iter()
            .find(|r| r.url.path() == "/v1/files")
            .unwrap();
        let body = String::from_utf8_lossy(&upload.body);
        assert!(
            body.contains("name=\"purpose\"") && body.contains("batch"),
            "{body}"
        );
        body.lines()
            .filter(|l| l.starts_with('{') && l.contains("\"custom_id\""))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn batch_object(status: &str, output: Option<&str>) -> Value {
    json!({"id": "batch_7", "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": "file-in",
        "completion_window": "24h", "status": status, "output_file_id": output, "created_at": 0,
        "request_counts": {"total": 6, "completed": if output.is_some() { 6 } else { 2 }, "failed": 0}})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hosted_batch_is_submitted_then_collected_after_a_restart() {
    let stand = stand_in().await;
    let hosted = Hosted::start().await;
    let d = dirs();
    let base = format!("{}/v1", hosted.server.uri());
    let (env, uploaded) = submitted(&stand, &d, &base, &hosted).await;
    assert_eq!(uploaded.len(), 6);

    // Each command is a new process: the batch id comes from the store.
    let out = paperbrief_run(&stand, &d, &env, &["batch", "status", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()["status"],
        "in_progress"
    );
    // Without --date: a line per submitted day.
    let out = paperbrief_run(&stand, &d, &env, &["batch", "status"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2026-02-10  batch_7  in_progress  2/6 done\n");
    let out = paperbrief_run(&stand, &d, &env, &["batch", "collect", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(3), "not done yet: {}", stderr(&out));
    assert!(stderr(&out).contains("`in_progress`"), "{}", stderr(&out));
    assert!(!d.out.join(format!("{DATE}.md")).exists());

    hosted
        .finish(&results_from(&stand.server.uri(), &uploaded).await)
        .await;
    let out = paperbrief_run(&stand, &d, &env, &["batch", "collect", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("imported 6 briefs (0 skipped)"), "{err}");
    assert_eq!(report_json(&d)["stats"]["briefs"], 6);
}

/// `batch submit` of the day against `hosted`; returns the environment and the upload.
async fn submitted<'a>(
    stand: &StandIn,
    d: &Dirs,
    base: &'a str,
    hosted: &Hosted,
) -> ([(&'static str, &'a str); 4], Vec<Value>) {
    let env = [
        ("PAPERBRIEF_LLM_BASE_URL", base),
        ("PAPERBRIEF_LLM_MODEL", "m"),
        ("PAPERBRIEF_API_KEY", "sk-hosted"),
        ("PAPERBRIEF_LLM_CONNECT_WAIT_SECS", "0"),
    ];
    let out = paperbrief_run(stand, d, &env, &["batch", "submit", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "batch_7", "the batch id on stdout");
    (env, hosted.uploaded().await)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_batch_gives_what_finished_and_a_failed_one_says_why() {
    let stand = stand_in().await;
    // Expired after four of six requests: those four are imported, two are missing.
    let hosted = Hosted::start().await;
    let base = format!("{}/v1", hosted.server.uri());
    let d = dirs();
    let (env, uploaded) = submitted(&stand, &d, &base, &hosted).await;
    let results = results_from(&stand.server.uri(), &uploaded).await;
    hosted.end("expired", Some(&results[..4])).await;
    let out = paperbrief_run(&stand, &d, &env, &["batch", "collect", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("imported 4 briefs (2 skipped)"), "{err}");
    assert_eq!(report_json(&d)["stats"]["pending"], 2);

    // Failed validation: no results, the API's reason, what to do.
    let hosted = Hosted::start().await;
    let base = format!("{}/v1", hosted.server.uri());
    let d = dirs();
    let (env, _) = submitted(&stand, &d, &base, &hosted).await;
    hosted.end("failed", None).await;
    let out = paperbrief_run(&stand, &d, &env, &["batch", "collect", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the batch ended `failed` with nothing to import: line 3 is not valid JSON"),
        "{err}"
    );
    assert!(err.contains("`paperbrief run --date 2026-02-10`"), "{err}");
    assert!(!d.out.join(format!("{DATE}.md")).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn import_before_any_export_says_what_to_run() {
    let stand = stand_in().await;
    let d = dirs();
    let file = d.home.join("results.jsonl");
    std::fs::write(&file, "").unwrap();
    let out = import(&stand, &d, &[], &file).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("run `paperbrief batch export --date 2026-02-10` first"),
        "{}",
        stderr(&out)
    );
    let out = paperbrief_run(&stand, &d, &[], &["batch", "status"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("no batch submitted yet"),
        "{}",
        stderr(&out)
    );
    let out = paperbrief_run(&stand, &d, &[], &["batch", "status", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("run `paperbrief batch submit --date 2026-02-10` first"),
        "{}",
        stderr(&out)
    );
}
