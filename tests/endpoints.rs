//! End-to-end: one run over several OpenAI-compatible endpoints — work spread by each one's
//! share, one killed mid-run (every paper still done), one serving the wrong model (a clear
//! setup error), `check` a line per endpoint.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::day::{DATE, dirs, paperbrief_run, report_json};
use common::{pairs, paperbrief, stderr, stdout};
use paperbrief_testkit::{Behaviour, FakeLlm, FakePaper, Script, StandIn, llm_endpoint};
use wiremock::MockServer;

fn papers(n: u32) -> Vec<FakePaper> {
    (1..=n)
        .map(|i| FakePaper::numbered(i, 100 - i64::from(i)))
        .collect()
}

/// A replica: its server and its request log.
struct Replica {
    server: MockServer,
    llm: FakeLlm,
}

async fn endpoint(latency: u64, model: &str) -> Replica {
    let llm = FakeLlm::new(Script::default(), Duration::from_millis(latency));
    Replica {
        server: llm_endpoint(llm.clone(), model, 32_768).await,
        llm,
    }
}

fn endpoints(list: &[(&Replica, u32)]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|(s, n)| {
            format!(
                "{{ base_url = \"{}/v1\", max_concurrency = {n} }}",
                s.server.uri()
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

#[tokio::test(flavor = "multi_thread")]
async fn work_is_spread_by_each_endpoints_share() {
    let stand = StandIn::start(
        DATE,
        &papers(24),
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let (big, small) = (endpoint(500, "m").await, endpoint(500, "m").await);
    let d = dirs();
    let list = endpoints(&[(&big, 6), (&small, 2)]);
    // Papers are read faster than answered, so both endpoints fill up.
    let env = [
        ("PAPERBRIEF_LLM_ENDPOINTS", list.as_str()),
        ("PAPERBRIEF_RUN_FETCH_CONCURRENCY", "32"),
    ];
    let out = paperbrief_run(&stand, &d, &env, &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let (b, s) = (
        big.llm.brief_requests().len(),
        small.llm.brief_requests().len(),
    );
    assert_eq!(b + s, 24, "{b} + {s}");
    // Three times the share, three times the work: 18 and 6. On a loaded machine a paper read
    // late can find only the small endpoint free, so one paper either way is allowed; an even
    // split (12 and 12) or the big one alone still fails.
    assert!(
        b.abs_diff(18) <= 1,
        "three times the share, three times the work: {b} and {s}; in flight {} and {}",
        big.llm.max_in_flight(),
        small.llm.max_in_flight()
    );
    assert_eq!((big.llm.max_in_flight(), small.llm.max_in_flight()), (6, 2));
    assert!(
        stand.llm.brief_requests().is_empty(),
        "llm.base_url is not used"
    );
    assert!(err.contains("requests per endpoint:"), "{err}");
    let json = report_json(&d);
    let served: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["provenance"]["endpoint"].as_str().unwrap())
        .collect();
    assert!(
        served.iter().all(|e| e.starts_with("http://127.0.0.1:")),
        "{served:?}"
    );
    assert_eq!(json["stats"]["endpoints"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replica_killed_mid_run_loses_no_paper() {
    let stand = StandIn::start(
        DATE,
        &papers(20),
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let keeps = endpoint(300, "m").await;
    let dies = endpoint(300, "m").await;
    let d = dirs();
    let list = endpoints(&[(&keeps, 3), (&dies, 3)]);
    let mut env = stand.env(&d.cache, &d.out);
    env.push(("PAPERBRIEF_LLM_ENDPOINTS", list));
    let mut cmd = paperbrief(&d.home, &pairs(&env));
    cmd.args(["run", "--date", DATE])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let served = tokio::time::timeout(paperbrief_testkit::HANG, async {
        while dies.llm.brief_requests().len() < 4 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        served.is_ok(),
        "the endpoint that dies got no 4 requests in {:?}",
        paperbrief_testkit::HANG
    );
    let served_before_death = dies.llm.brief_requests().len();
    let died = dies.server.uri();
    drop(dies.server); // the port closes: refused connections from now on
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("{died}/v1 is out of rotation")),
        "{err}"
    );
    let json = report_json(&d);
    assert_eq!(json["stats"]["briefs"], 20, "every paper done");
    assert!(keeps.llm.brief_requests().len() >= 20 - served_before_death);
}

/// A replica that lists the model but answers every chat with `behaviour`.
async fn failing_endpoint(n: u32, behaviour: &Behaviour) -> Replica {
    let script = (1..=n).fold(Script::default(), |s, i| {
        s.on(&format!("2602.{i:05}"), vec![behaviour.clone(); 20])
    });
    let llm = FakeLlm::new(script, Duration::ZERO);
    Replica {
        server: llm_endpoint(llm.clone(), "m", 32_768).await,
        llm,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn of_three_replicas_one_failing_with_503_and_one_hanging_only_the_healthy_one_serves() {
    let stand = StandIn::start(
        DATE,
        &papers(12),
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let healthy = endpoint(50, "m").await;
    let failing = failing_endpoint(12, &Behaviour::Status(503, None)).await;
    let hanging = failing_endpoint(12, &Behaviour::Hang(Duration::from_secs(60))).await;
    let d = dirs();
    let list = endpoints(&[(&healthy, 2), (&failing, 2), (&hanging, 2)]);
    let env = [
        ("PAPERBRIEF_LLM_ENDPOINTS", list.as_str()),
        ("PAPERBRIEF_LLM_TIMEOUT_SECS", "2"),
        ("PAPERBRIEF_LLM_RETRY_BASE_DELAY_MS", "2000"),
    ];
    let out = paperbrief_run(&stand, &d, &env, &["run", "--date", DATE]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(report_json(&d)["stats"]["briefs"], 12, "every paper done");
    for sick in [&failing, &hanging] {
        let url = sick.server.uri();
        assert!(
            err.contains(&format!("{url}/v1 is out of rotation")),
            "{err}"
        );
        // Taken out after its first failures, probed again after the backoff: a few
        // requests, not one per paper.
        let sent = sick.llm.brief_requests().len();
        assert!((1..12).contains(&sent), "{url} got {sent} requests");
    }
    assert_eq!(
        healthy.llm.brief_requests().len(),
        12,
        "each paper answered once"
    );
    let json = report_json(&d);
    for e in json["entries"].as_array().unwrap() {
        assert_eq!(
            e["provenance"]["endpoint"].as_str().unwrap(),
            format!("{}/v1", healthy.server.uri())
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_serving_another_model_is_a_setup_error_naming_it() {
    let stand = StandIn::start(
        DATE,
        &papers(2),
        FakeLlm::new(Script::default(), Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let (right, wrong) = (endpoint(0, "m").await, endpoint(0, "other-model").await);
    let d = dirs();
    let list = endpoints(&[(&right, 4), (&wrong, 4)]);
    let out = paperbrief_run(
        &stand,
        &d,
        &[("PAPERBRIEF_LLM_ENDPOINTS", &list)],
        &["run", "--date", DATE],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "model `m` is not served by {}/v1/models; it serves: other-model",
            wrong.server.uri()
        )),
        "{}",
        stderr(&out)
    );
    assert!(right.llm.brief_requests().is_empty() && wrong.llm.brief_requests().is_empty());
    let check = paperbrief_run(
        &stand,
        &d,
        &[("PAPERBRIEF_LLM_ENDPOINTS", &list)],
        &["check"],
    )
    .await;
    let text = stdout(&check);
    assert!(
        text.contains(&format!("ok   LLM endpoint {}/v1", right.server.uri())),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "FAIL LLM endpoint {}/v1: model `m` is not served",
            wrong.server.uri()
        )),
        "{text}"
    );
}
