//! Rate limits on tokio's clock: governor's GCRA decides, tokio's timer waits. Because both read
//! tokio's clock, a test on a paused clock (`#[tokio::test(start_paused = true)]`) proves the
//! spacing exactly, without sleeping.

use std::hash::Hash;
use std::num::NonZeroU32;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// governor's clock reading tokio's time (virtual under a paused test clock).
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    origin: tokio::time::Instant,
}

impl Default for TokioClock {
    fn default() -> Self {
        Self {
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    type Instant = Nanos;
    fn now(&self) -> Nanos {
        Nanos::from(self.origin.elapsed())
    }
}

type Direct = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Nanos>>;
type Keyed<K> = RateLimiter<K, DashMapStateStore<K>, TokioClock, NoOpMiddleware<Nanos>>;

/// One limit shared by every caller: requests per interval, or tokens per minute.
#[derive(Debug)]
pub struct Gate {
    limiter: Direct,
    clock: TokioClock,
    burst: NonZeroU32,
}

impl Gate {
    /// A gate allowing `quota`.
    pub fn new(quota: Quota) -> Self {
        let clock = TokioClock::default();
        Self {
            limiter: RateLimiter::direct_with_clock(quota, clock),
            clock,
            burst: quota.burst_size(),
        }
    }

    /// Waits until one cell is available, and takes it.
    pub async fn ready(&self) {
        self.ready_n(NonZeroU32::MIN).await;
    }

    /// Waits until `n` cells are available (at most the burst size), and takes them.
    pub async fn ready_n(&self, n: NonZeroU32) {
        let n = n.min(self.burst);
        loop {
            match self.limiter.check_n(n) {
                Ok(Ok(())) | Err(_) => return,
                Ok(Err(not_until)) => {
                    tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
                }
            }
        }
    }
}

/// A limit per key (a host), the same quota for each.
#[derive(Debug)]
pub struct KeyedGate<K: Hash + Eq + Clone> {
    limiter: Keyed<K>,
    clock: TokioClock,
}

impl<K: Hash + Eq + Clone> KeyedGate<K> {
    /// A gate allowing `quota` per key.
    pub fn new(quota: Quota) -> Self {
        let clock = TokioClock::default();
        Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock),
            clock,
        }
    }

    /// Waits until `key` may go, and takes its cell.
    pub async fn ready(&self, key: &K) {
        while let Err(not_until) = self.limiter.check_key(key) {
            tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_gate_spaces_calls_by_its_period() {
        let gate = Gate::new(Quota::with_period(Duration::from_millis(500)).unwrap());
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..4 {
            gate.ready().await;
            at.push(start.elapsed());
        }
        assert_eq!(
            at,
            [0, 500, 1000, 1500].map(Duration::from_millis).to_vec(),
            "exactly one call per period"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_bucket_refills_at_its_rate_and_caps_oversized_requests() {
        // 600 tokens per minute: 10 per second, a bucket of 600.
        let gate = Gate::new(Quota::per_minute(NonZeroU32::new(600).unwrap()));
        let start = Instant::now();
        gate.ready_n(NonZeroU32::new(600).unwrap()).await;
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "a full bucket goes at once"
        );
        gate.ready_n(NonZeroU32::new(50).unwrap()).await;
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(5),
            "50 tokens refill in 5 s"
        );
        // More than the bucket holds waits for a full bucket instead of failing.
        gate.ready_n(NonZeroU32::new(10_000).unwrap()).await;
        assert_eq!(start.elapsed(), Duration::from_secs(65));
    }

    #[tokio::test(start_paused = true)]
    async fn keys_are_paced_independently() {
        let gate = KeyedGate::new(Quota::with_period(Duration::from_secs(1)).unwrap());
        let start = Instant::now();
        gate.ready(&"a").await;
        gate.ready(&"b").await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        gate.ready(&"a").await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
