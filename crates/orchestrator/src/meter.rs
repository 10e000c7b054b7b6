//! A run's numbers, counted one way for every command that writes a report (`run`, `paper`,
//! `digest`, `batch import`): the entries it produced say what was worked on, reused and what
//! the server reported in tokens; the clients say how many requests went to each endpoint.

use std::time::Instant;

use paperbrief_report::{EndpointRequests, Entry, Outcome, RunStats};

use crate::services::Services;

/// Started before a command's work; [`RunMeter::finish`] gives its [`RunStats`].
#[derive(Debug)]
pub(crate) struct RunMeter {
    started: Instant,
    by_endpoint: Vec<(String, u64)>,
}

impl RunMeter {
    /// Starts measuring.
    pub(crate) fn start(services: &Services) -> Self {
        Self {
            started: Instant::now(),
            by_endpoint: services.requests_by_endpoint(),
        }
    }

    /// The run's numbers: `results` are the entries it worked on, each with whether its brief
    /// came from the store. The per-paper counts of the report are recounted from its entries.
    pub(crate) fn finish(&self, services: &Services, results: &[(Entry, bool)]) -> RunStats {
        let now = services.requests_by_endpoint();
        let sent: u64 = now
            .iter()
            .zip(&self.by_endpoint)
            .map(|((_, n), (_, then))| n - then)
            .sum();
        let mut stats = RunStats {
            worked: results.len(),
            reused: results.iter().filter(|(_, reused)| *reused).count(),
            llm_requests: sent,
            wall_seconds: (self.started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
            ..RunStats::default()
        };
        // Every answer the server gave this run counts, accepted or not.
        for (entry, reused) in results {
            let (prompt, completion) = match (&entry.outcome, reused) {
                (Outcome::Ok { provenance: p, .. }, false) => {
                    (p.prompt_tokens, p.completion_tokens)
                }
                (Outcome::Failed(f), _) => (f.prompt_tokens, f.completion_tokens),
                _ => (0, 0),
            };
            stats.prompt_tokens += u64::from(prompt);
            stats.completion_tokens += u64::from(completion);
        }
        if now.len() > 1 {
            stats.endpoints = now
                .into_iter()
                .zip(&self.by_endpoint)
                .map(|((url, n), (_, then))| EndpointRequests {
                    url,
                    requests: n - then,
                })
                .collect();
        }
        stats
    }
}
