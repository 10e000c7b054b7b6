//! Retries as a policy value: exponential backoff with jitter, `Retry-After` honoured, bounded.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use paperbrief_core::Config;

/// Errors a [`RetryPolicy`] can classify.
pub trait Transient {
    /// Whether trying again later may succeed (a 429 or 5xx answer, a timeout, a refused
    /// connection, a truncated body).
    fn is_transient(&self) -> bool;
    /// The server's requested wait before the next attempt, if any.
    fn retry_after(&self) -> Option<Duration>;
}

/// How often and how patiently to retry a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// Delay before the second attempt; doubled each time, with jitter.
    pub base_delay: Duration,
    /// The longest wait between attempts; also caps a server's `Retry-After`.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub const NONE: Self = Self {
        max_attempts: 1,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    };

    /// The policy for upstream sources and chat webhooks (`[sources] max_attempts`,
    /// `retry_base_delay_ms`, `retry_max_delay_secs`).
    pub fn sources(config: &Config) -> Self {
        let s = &config.sources;
        Self {
            max_attempts: s.max_attempts.get(),
            base_delay: Duration::from_millis(s.retry_base_delay_ms),
            max_delay: Duration::from_secs(s.retry_max_delay_secs),
        }
    }

    /// The policy for model requests (`[llm] max_attempts`, `retry_base_delay_ms`; the
    /// longest wait is the sources').
    pub fn llm(config: &Config) -> Self {
        let l = &config.llm;
        Self {
            max_attempts: l.max_attempts.get(),
            base_delay: Duration::from_millis(l.retry_base_delay_ms),
            max_delay: Duration::from_secs(config.sources.retry_max_delay_secs),
        }
    }

    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.base_delay)
            .with_max_delay(self.max_delay.max(self.base_delay))
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
    }

    /// Runs `op` until it succeeds, fails with a non-transient error, or the attempts run out.
    /// A `Retry-After` on the error replaces the computed delay (capped at `max_delay`).
    /// `what` names the operation (`GET`, `chat completion`) in the log line of each retry; the
    /// error names the URL.
    pub async fn run<T, E, F, Fut>(&self, what: &str, op: F) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: Transient + std::fmt::Display,
    {
        let max = self.max_delay;
        op.retry(self.backoff())
            .when(|e: &E| e.is_transient())
            .adjust(move |e: &E, planned: Option<Duration>| {
                planned.map(|d| e.retry_after().map_or(d, |ra| ra.min(max)))
            })
            .notify(|e: &E, d: Duration| {
                tracing::warn!(target: "paperbrief::retry", "{what} failed: {e}; retrying in {:.1}s", d.as_secs_f64());
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[derive(Debug)]
    struct E(bool, Option<Duration>);
    impl std::fmt::Display for E {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "e")
        }
    }
    impl Transient for E {
        fn is_transient(&self) -> bool {
            self.0
        }
        fn retry_after(&self) -> Option<Duration> {
            self.1
        }
    }

    const FAST: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };

    #[tokio::test]
    async fn stops_after_max_attempts_on_transient_errors() {
        let calls = AtomicU32::new(0);
        let r: Result<(), E> = FAST
            .run("t", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(E(true, None))
            })
            .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn does_not_retry_permanent_errors() {
        let calls = AtomicU32::new(0);
        let _ = FAST
            .run("t", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(E(false, None))
            })
            .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    const PATIENT: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(60),
    };

    /// Runs `PATIENT` over errors that carry `retry_after`, then succeeds; returns the virtual
    /// time it took.
    async fn time_to_success(failures: u32, retry_after: Option<Duration>) -> Duration {
        let start = tokio::time::Instant::now();
        let calls = AtomicU32::new(0);
        let r = PATIENT
            .run("t", || async {
                if calls.fetch_add(1, Ordering::SeqCst) < failures {
                    Err(E(true, retry_after))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(r.ok(), Some(7));
        start.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_replaces_the_backoff() {
        assert_eq!(
            time_to_success(1, Some(Duration::from_secs(7))).await,
            Duration::from_secs(7)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_capped_by_max_delay() {
        assert_eq!(
            time_to_success(1, Some(Duration::from_secs(3600))).await,
            Duration::from_secs(60),
            "an hour-long Retry-After was not capped"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_doubles_with_jitter_below_the_next_step() {
        // Delays of 1 s then 2 s, each plus jitter below itself: 3 s to 6 s in all.
        let took = time_to_success(2, None).await;
        assert!(
            took >= Duration::from_secs(3) && took < Duration::from_secs(6),
            "{took:?}"
        );
    }
}
