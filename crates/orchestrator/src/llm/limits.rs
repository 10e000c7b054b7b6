//! How many LLM requests may be in flight, and how fast they may start: stated here, once.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use paperbrief_core::Config;
use tokio::sync::{Semaphore, SemaphorePermit};

/// The limits every request passes through.
#[derive(Debug)]
pub struct Limits {
    in_flight: Semaphore,
    per_request: Option<DefaultDirectRateLimiter>,
    per_token: Option<(DefaultDirectRateLimiter, u32)>,
}

impl Limits {
    /// From `[llm] max_concurrency`, `requests_per_minute` and `tokens_per_minute`.
    pub fn from_config(config: &Config) -> Self {
        let llm = &config.llm;
        // Requests are spaced evenly (burst 1) with 1% headroom for network jitter, so no
        // 60-second window ever holds more than `requests_per_minute` of them.
        let per_request = NonZeroU32::new(llm.requests_per_minute)
            .and_then(|n| Quota::with_period(Duration::from_secs(60) / n.get() * 101 / 100))
            .map(RateLimiter::direct);
        // Tokens are a bucket holding one minute's worth, refilled continuously.
        let per_token = NonZeroU32::new(llm.tokens_per_minute)
            .map(|n| (RateLimiter::direct(Quota::per_minute(n)), n.get()));
        Self {
            in_flight: Semaphore::new(llm.max_concurrency.max(1) as usize),
            per_request,
            per_token,
        }
    }

    /// Waits for a slot and for the rate limits; `tokens` is the request's weight (prompt plus
    /// max_tokens). The slot is held until the permit is dropped.
    pub async fn acquire(&self, tokens: usize) -> SemaphorePermit<'_> {
        #[allow(clippy::expect_used)]
        let permit = self
            .in_flight
            .acquire()
            .await
            .expect("the semaphore is never closed");
        if let Some(limiter) = &self.per_request {
            limiter.until_ready().await;
        }
        if let Some((limiter, burst)) = &self.per_token {
            let weight = u32::try_from(tokens).unwrap_or(u32::MAX).clamp(1, *burst);
            if let Some(n) = NonZeroU32::new(weight) {
                // Cannot fail: the weight is clamped to the bucket's size.
                let _ = limiter.until_n_ready(n).await;
            }
        }
        permit
    }
}
