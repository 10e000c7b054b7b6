//! How many LLM requests may be in flight, and how fast they may start: stated here, once.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::Quota;
use paperbrief_core::Config;
use paperbrief_http::pace::Gate;

use super::concurrency::{Concurrency, Slot};

/// The limits every request to one endpoint passes through: its own in-flight limit, and the
/// rates, which all endpoints of a run share.
#[derive(Debug)]
pub struct Limits {
    in_flight: Concurrency,
    rates: Arc<Rates>,
}

/// `requests_per_minute` and `tokens_per_minute`: global, whatever the endpoints.
#[derive(Debug)]
pub struct Rates {
    per_request: Option<Gate>,
    per_token: Option<Gate>,
}

impl Rates {
    /// From `[llm] requests_per_minute` and `tokens_per_minute`.
    pub fn from_config(config: &Config) -> Self {
        let llm = &config.llm;
        // Requests are spaced evenly (burst 1) with 1% headroom for network jitter, so no
        // 60-second window ever holds more than `requests_per_minute` of them.
        let per_request = llm
            .requests_per_minute
            .and_then(|n| Quota::with_period(Duration::from_secs(60) / n.get() * 101 / 100))
            .map(Gate::new);
        // Tokens are a bucket holding one minute's worth, refilled continuously.
        let per_token = llm
            .tokens_per_minute
            .map(|n| Gate::new(Quota::per_minute(n)));
        Self {
            per_request,
            per_token,
        }
    }

    /// Waits until a request of `tokens` (prompt plus max_tokens; one heavier than a minute's
    /// worth waits for a full bucket) may start.
    pub async fn ready(&self, tokens: usize) {
        if let Some(gate) = &self.per_request {
            gate.ready().await;
        }
        if let Some(gate) = &self.per_token {
            let weight = NonZeroU32::new(u32::try_from(tokens).unwrap_or(u32::MAX).max(1));
            gate.ready_n(weight.unwrap_or(NonZeroU32::MIN)).await;
        }
    }
}

impl Limits {
    /// From `[llm] max_concurrency`, `requests_per_minute` and `tokens_per_minute`.
    pub fn from_config(config: &Config) -> Self {
        Self::new(
            Concurrency::new(config.llm.max_concurrency.get() as usize),
            Arc::new(Rates::from_config(config)),
        )
    }

    /// An endpoint's in-flight limit with the run's shared rates.
    pub fn new(in_flight: Concurrency, rates: Arc<Rates>) -> Self {
        Self { in_flight, rates }
    }

    /// Waits for a slot and for the rate limits. The slot is held until it is dropped.
    pub async fn acquire(&self, tokens: usize) -> Slot<'_> {
        let permit = self.in_flight.acquire().await;
        self.rates.ready(tokens).await;
        permit
    }

    /// The in-flight limit (adaptive: see [`Concurrency`]).
    pub fn concurrency(&self) -> &Concurrency {
        &self.in_flight
    }

    /// The shared rates.
    pub fn rates(&self) -> &Rates {
        &self.rates
    }
}

#[cfg(test)]
mod tests {
    use paperbrief_core::ConfigBuilder;
    use tokio::time::Instant;

    use super::*;

    fn limits(settings: &[(&str, &str)]) -> Limits {
        let mut b = ConfigBuilder::new();
        for (k, v) in settings {
            b = b.set(k, v, "test").unwrap();
        }
        Limits::from_config(&b.build().unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn requests_per_minute_are_spaced_evenly() {
        let limits = limits(&[("llm.requests_per_minute", "60")]);
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..3 {
            drop(limits.acquire(10).await);
            at.push(start.elapsed());
        }
        // One a second, plus the 1% headroom.
        assert_eq!(at, [0, 1010, 2020].map(Duration::from_millis).to_vec());
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_per_minute_refill_continuously() {
        let limits = limits(&[("llm.tokens_per_minute", "6000")]);
        let start = Instant::now();
        drop(limits.acquire(6000).await);
        drop(limits.acquire(1000).await);
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn in_flight_requests_are_capped() {
        let limits = Arc::new(limits(&[("llm.max_concurrency", "2")]));
        let a = limits.acquire(1).await;
        let _b = limits.acquire(1).await;
        let third = tokio::spawn({
            let limits = Arc::clone(&limits);
            async move {
                let _c = limits.acquire(1).await;
                Instant::now()
            }
        });
        tokio::time::sleep(Duration::from_secs(5)).await;
        let released = Instant::now();
        drop(a);
        assert!(
            third.await.unwrap() >= released,
            "a third request went while two were in flight"
        );
    }
}
