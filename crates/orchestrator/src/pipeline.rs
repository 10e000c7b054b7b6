//! The papers of a run as tasks: each reads its text (at most `run.fetch_concurrency` at once,
//! arXiv still paced), then asks the model (at most `llm.max_concurrency` at once), so
//! summarising starts while later papers are still being fetched. One paper failing — even its
//! task dying — never stops the others.

use std::sync::Arc;
use std::time::Instant;

use paperbrief_report::{Entry, Failure, FailureKind, Outcome};
use tokio::task::JoinSet;

use crate::paper::{Job, Worker, process};
use crate::progress::Progress;

/// Runs every job and returns the entries in job order, each with whether it was reused.
pub(crate) async fn pipeline(
    worker: Arc<Worker>,
    jobs: Vec<Job>,
    progress: Arc<dyn Progress>,
) -> Vec<(Entry, bool)> {
    let mut tasks = JoinSet::new();
    let papers: Vec<_> = jobs.iter().map(|j| j.paper.clone()).collect();
    for (index, job) in jobs.into_iter().enumerate() {
        let (worker, progress) = (Arc::clone(&worker), Arc::clone(&progress));
        tasks.spawn(async move {
            let started = Instant::now();
            let (entry, reused) = process(&worker, job, progress.as_ref()).await;
            // A brief's time is the model's own; queued papers would otherwise show the queue.
            let seconds = match &entry.outcome {
                Outcome::Ok { provenance, .. } if !reused => provenance.latency_ms as f64 / 1000.0,
                _ => started.elapsed().as_secs_f64(),
            };
            progress.finished(&entry, reused, seconds);
            (index, entry, reused)
        });
    }
    let mut results: Vec<Option<(Entry, bool)>> = vec![None; papers.len()];
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, entry, reused)) => results[index] = Some((entry, reused)),
            Err(e) => tracing::error!(target: "paperbrief::run", "a paper's task failed: {e}"),
        }
    }
    results
        .into_iter()
        .zip(papers)
        .map(|(r, paper)| {
            r.unwrap_or_else(|| {
                let failure = Failure::new(
                    FailureKind::Internal,
                    "internal error: the paper's task stopped",
                );
                let entry = Entry::new(paper, None, Outcome::Failed(failure));
                (entry, false)
            })
        })
        .collect()
}
