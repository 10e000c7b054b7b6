//! The run's state machine in-process (no binary spawned): `run` against the loopback stand-in
//! for HF, arXiv and an OpenAI-compatible LLM answering per script — a transient fallback that
//! heals, a subset run that keeps the day, a run killed half-way that resumes, list items that
//! cannot be used, and a prompt over the context that is cut and asked again.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use paperbrief_core::{ArxivId, ReportDate, SourceKind};
use paperbrief_orchestrator::progress::Progress;
use paperbrief_orchestrator::{RunOptions, RunResult, Services, Written, run};
use paperbrief_report::{DailyReport, Entry, Outcome};
use paperbrief_testkit::{Behaviour, FakeLlm, FakePaper, Script, StandIn};
use serde_json::json;
use tempfile::TempDir;

const DATE: &str = "2026-02-10";

fn date() -> ReportDate {
    ReportDate::parse(DATE).unwrap()
}

fn papers(n: u32) -> Vec<FakePaper> {
    (1..=n)
        .map(|i| FakePaper::numbered(i, i64::from(100 - i)))
        .collect()
}

/// A stand-in and a home for the cache and reports; `settings` on top of the stand-in's.
struct World {
    stand: StandIn,
    home: TempDir,
}

impl World {
    async fn new(list: &[FakePaper], script: Script) -> Self {
        let llm = FakeLlm::new(script, Duration::ZERO);
        Self::with(StandIn::start(DATE, list, llm, "m", 32_768).await)
    }

    fn with(stand: StandIn) -> Self {
        Self {
            stand,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn services(&self, settings: &[(&str, &str)]) -> Services {
        let h = self.home.path();
        let config = self
            .stand
            .config(&h.join("cache"), &h.join("out"), settings);
        Services::from_config(config, None).unwrap()
    }

    fn chats(&self) -> usize {
        self.stand.llm.brief_requests().len()
    }

    fn chats_for(&self, id: &str) -> usize {
        let requests = self.stand.llm.brief_requests();
        requests
            .iter()
            .filter(|r| r.id.as_deref() == Some(id))
            .count()
    }
}

/// Counts finished papers and keeps their ids.
#[derive(Default)]
struct Counting {
    finished: AtomicUsize,
    ids: std::sync::Mutex<Vec<String>>,
}

impl Progress for Counting {
    fn start(&self, _total: usize, _stored: usize) {}
    fn fetched(&self, _id: &str, _kind: Option<SourceKind>) {}
    fn finished(&self, entry: &Entry, _reused: bool, _seconds: f64) {
        let id = entry.paper.id.base().to_owned();
        self.ids.lock().unwrap().push(id);
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
    fn finish(&self) {}
}

async fn run_day(services: &Services, opts: RunOptions) -> Box<Written> {
    match run(services, &opts, Arc::new(Counting::default()))
        .await
        .unwrap()
    {
        RunResult::Written(w) => w,
        other => panic!("no report: {other:?}"),
    }
}

fn statuses(report: &DailyReport) -> Vec<&'static str> {
    report
        .entries
        .iter()
        .map(|e| match e.outcome {
            Outcome::Ok { .. } => "ok",
            Outcome::Failed(_) => "failed",
            Outcome::Pending => "pending",
        })
        .collect()
}

fn entry<'a>(report: &'a DailyReport, id: &str) -> &'a Entry {
    report
        .entries
        .iter()
        .find(|e| e.paper.id.base() == id)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transient_fallback_heals_and_nothing_else_is_redone() {
    let mut list = papers(3);
    list[1].html_failures = 4; // every attempt of the first run meets the outage
    let w = World::new(&list, Script::default()).await;
    let services = w.services(&[]);
    let first = run_day(&services, RunOptions::day(date())).await;
    let degraded = entry(&first.report, "2602.00002");
    let source = degraded.source.as_ref().unwrap();
    assert_eq!(source.kind, SourceKind::Abs);
    assert!(source.fallback.as_ref().unwrap().transient, "{source:?}");
    assert!(first.asked_done(), "an abstract brief is still a brief");
    assert_eq!(w.chats(), 3);

    let second = run_day(&services, RunOptions::day(date())).await;
    assert_eq!(w.chats(), 4, "only the healed paper is asked again");
    assert_eq!(w.chats_for("2602.00002"), 2);
    let healed = entry(&second.report, "2602.00002");
    assert_eq!(healed.source.as_ref().unwrap().kind, SourceKind::Html);
    assert!(healed.source.as_ref().unwrap().fallback.is_none());
    assert_eq!(second.report.stats.abstract_transient, 0);

    run_day(&services, RunOptions::day(date())).await;
    assert_eq!(w.chats(), 4, "a third run asks nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subset_run_keeps_the_whole_day_and_the_next_does_exactly_the_rest() {
    let w = World::new(&papers(5), Script::default()).await;
    let services = w.services(&[]);
    let limited = run_day(
        &services,
        RunOptions {
            limit: Some(2),
            ..RunOptions::day(date())
        },
    )
    .await;
    assert_eq!(
        statuses(&limited.report),
        ["ok", "ok", "pending", "pending", "pending"]
    );
    assert!(limited.asked_done(), "a subset run did what it was asked");
    assert_eq!(limited.report.stats.pending, 3);

    let only = run_day(
        &services,
        RunOptions {
            only: vec![ArxivId::parse("2602.00005").unwrap()],
            ..RunOptions::day(date())
        },
    )
    .await;
    assert_eq!(
        statuses(&only.report),
        ["ok", "ok", "pending", "pending", "ok"]
    );
    assert_eq!(w.chats(), 3);

    let rest = run_day(&services, RunOptions::day(date())).await;
    assert_eq!(w.chats(), 5, "exactly the two pending papers");
    assert_eq!(statuses(&rest.report), ["ok"; 5]);
    assert_eq!(rest.report.stats.reused, 3);
    assert_eq!(
        rest.report.stats.worked, 5,
        "reused papers count as worked on"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_stopped_half_way_resumes_without_redoing_a_paper() {
    // One paper at a time, each answer slow enough to stop the run between them.
    let list = papers(4);
    let llm = FakeLlm::new(Script::default(), Duration::from_millis(300));
    let w = World::with(StandIn::start(DATE, &list, llm, "m", 32_768).await);
    let services = w.services(&[("llm.max_concurrency", "1")]);
    let progress = Arc::new(Counting::default());
    let two_done = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while progress.finished.load(Ordering::SeqCst) < 2 {
            assert!(tokio::time::Instant::now() < deadline, "no paper finished");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let opts = RunOptions::day(date());
    // Dropping the run's future stops it where it is, as a killed process would.
    tokio::select! {
        r = run(&services, &opts, Arc::clone(&progress) as Arc<dyn Progress>) => {
            panic!("the run ended before it was stopped: {r:?}")
        }
        () = two_done => {}
    }
    // The run's tasks stop at their next await; let any that was mid-step settle before counting.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let asked = w.chats();
    assert!((2..4).contains(&asked), "{asked} requests before the stop");

    let done = progress.ids.lock().unwrap().clone();
    let resumed = run_day(&services, RunOptions::day(date())).await;
    assert_eq!(statuses(&resumed.report), ["ok"; 4]);
    for id in &done {
        assert_eq!(w.chats_for(id), 1, "{id} was finished, and asked again");
    }
    // The paper in flight at the stop is asked again; the rest once.
    assert_eq!(w.chats(), asked + 4 - done.len());
    assert_eq!(
        resumed.report.stats.reused,
        done.len(),
        "{:?}",
        resumed.report.stats
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unusable_list_items_are_named_and_the_day_is_not_complete() {
    let raw = vec![
        json!({"paper": {"id": "../../etc/passwd", "title": "A path"}}),
        json!({"paper": {"title": "No id at all"}}),
        json!("not even an object"),
    ];
    let llm = FakeLlm::new(Script::default(), Duration::ZERO);
    let stand = StandIn::start_with_items(DATE, &papers(2), raw, llm, "m", 32_768).await;
    let w = World::with(stand);
    let written = run_day(&w.services(&[]), RunOptions::day(date())).await;
    assert_eq!(statuses(&written.report), ["ok", "ok"]);
    let skipped = &written.report.skipped;
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(skipped[0].raw_id.as_deref(), Some("../../etc/passwd"));
    assert_eq!(written.report.stats.skipped, 3);
    assert!(
        !written.asked_done(),
        "a day with unusable items is not complete"
    );
    let files = std::fs::read_dir(w.home.path().join("out")).unwrap();
    let names: Vec<String> = files
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.starts_with(DATE)), "{names:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prompt_over_the_context_is_cut_and_asked_again_and_a_bad_answer_is_repaired() {
    let mut list = papers(2);
    list[0].extra_paragraphs = 40;
    let script = Script::default()
        .on("2602.00001", vec![Behaviour::Overflow])
        .on("2602.00002", vec![Behaviour::Missing("实验效果")]);
    let w = World::new(&list, script).await;
    let written = run_day(&w.services(&[]), RunOptions::day(date())).await;
    assert_eq!(statuses(&written.report), ["ok", "ok"]);
    let requests = w.stand.llm.brief_requests();
    let long: Vec<usize> = requests
        .iter()
        .filter(|r| r.id.as_deref() == Some("2602.00001"))
        .map(|r| r.body.to_string().len())
        .collect();
    assert_eq!(long.len(), 2, "the overflow is asked once more");
    assert!(long[1] < long[0], "the retry's prompt is shorter: {long:?}");
    let Outcome::Ok { provenance, .. } = &entry(&written.report, "2602.00002").outcome else {
        panic!()
    };
    assert_eq!(provenance.repairs, 1, "{provenance:?}");
    assert_eq!(w.chats_for("2602.00002"), 2);
}
