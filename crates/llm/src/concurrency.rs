//! How many requests may be in flight: at most `llm.max_concurrency`, at most the server's
//! slots, and fewer for a while after the server ran out of room (a KV cache shared by its slots
//! filled up while generating). The limit halves on each capacity failure and grows back by one
//! after as many successes as it allows, so a run settles where the server copes.

use std::sync::Mutex;

use tokio::sync::Notify;

/// The in-flight limit, adaptive.
#[derive(Debug)]
pub struct Concurrency {
    state: Mutex<State>,
    notify: Notify,
    /// Also told when a slot frees (a pool of endpoints waiting for any of them).
    wake: Option<std::sync::Arc<Notify>>,
}

#[derive(Debug)]
struct State {
    in_flight: usize,
    /// The current limit (1 ..= ceiling).
    limit: usize,
    /// The configured limit, or the server's slots when fewer.
    ceiling: usize,
    /// Successes since the limit last changed.
    successes: usize,
}

/// A slot; released when dropped.
#[derive(Debug)]
pub struct Slot<'a>(&'a Concurrency);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.with(|s| s.in_flight = s.in_flight.saturating_sub(1));
        self.0.notify.notify_waiters();
        if let Some(wake) = &self.0.wake {
            wake.notify_waiters();
        }
    }
}

impl Concurrency {
    /// At most `max` requests in flight.
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            state: Mutex::new(State {
                in_flight: 0,
                limit: max,
                ceiling: max,
                successes: 0,
            }),
            notify: Notify::new(),
            wake: None,
        }
    }

    /// At most `max` in flight; `wake` is told whenever a slot frees.
    pub fn with_wake(max: usize, wake: std::sync::Arc<Notify>) -> Self {
        Self {
            wake: Some(wake),
            ..Self::new(max)
        }
    }

    /// A slot now, if one is free under the current limit.
    pub fn try_acquire(&self) -> Option<Slot<'_>> {
        let got = self.with(|s| {
            let free = s.in_flight < s.limit;
            if free {
                s.in_flight += 1;
            }
            free
        });
        // Lazily: a Slot made and dropped would release a slot never taken.
        got.then(|| Slot(self))
    }

    /// How full it is: requests in flight over the current limit.
    pub fn load(&self) -> f64 {
        self.with(|s| s.in_flight as f64 / s.limit.max(1) as f64)
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut state)
    }

    /// Waits for a slot under the current limit.
    pub async fn acquire(&self) -> Slot<'_> {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let got = self.with(|s| {
                let free = s.in_flight < s.limit;
                if free {
                    s.in_flight += 1;
                }
                free
            });
            if got {
                return Slot(self);
            }
            notified.await;
        }
    }

    /// Never more than `n` in flight (the server's slots).
    pub fn cap(&self, n: usize) {
        self.with(|s| {
            s.ceiling = s.ceiling.min(n.max(1));
            s.limit = s.limit.min(s.ceiling);
        });
    }

    /// The server ran out of room: halve the limit (at least 1). Returns the new limit.
    pub fn back_off(&self) -> usize {
        self.with(|s| {
            s.limit = (s.limit / 2).max(1);
            s.successes = 0;
            s.limit
        })
    }

    /// A request succeeded: after as many successes as the limit, allow one more.
    pub fn succeeded(&self) {
        let grew = self.with(|s| {
            s.successes += 1;
            if s.limit < s.ceiling && s.successes >= s.limit {
                s.limit += 1;
                s.successes = 0;
                return true;
            }
            false
        });
        if grew {
            self.notify.notify_waiters();
            if let Some(wake) = &self.wake {
                wake.notify_waiters();
            }
        }
    }

    /// The current limit.
    pub fn limit(&self) -> usize {
        self.with(|s| s.limit)
    }

    /// The most it may grow to.
    pub fn ceiling(&self) -> usize {
        self.with(|s| s.ceiling)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn backs_off_by_halves_and_recovers_one_step_at_a_time() {
        let c = Concurrency::new(16);
        c.cap(4);
        assert_eq!((c.limit(), c.ceiling()), (4, 4));
        assert_eq!(c.back_off(), 2);
        assert_eq!(c.back_off(), 1);
        assert_eq!(c.back_off(), 1);
        c.succeeded();
        assert_eq!(c.limit(), 2, "one success at limit 1");
        c.succeeded();
        assert_eq!(c.limit(), 2);
        c.succeeded();
        assert_eq!(c.limit(), 3, "two successes at limit 2");
        for _ in 0..10 {
            c.succeeded();
        }
        assert_eq!(c.limit(), 4, "never past the ceiling");
    }

    #[test]
    fn a_refused_try_leaves_the_count_alone() {
        let c = Concurrency::new(1);
        let held = c.try_acquire().unwrap();
        assert!(c.try_acquire().is_none());
        assert!(c.try_acquire().is_none());
        assert!((c.load() - 1.0).abs() < f64::EPSILON, "still one in flight");
        drop(held);
        assert!(c.try_acquire().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_go_when_a_slot_frees_or_the_limit_grows() {
        let c = Arc::new(Concurrency::new(2));
        c.back_off();
        let first = c.acquire().await;
        let second = tokio::spawn({
            let c = Arc::clone(&c);
            async move {
                let _slot = c.acquire().await;
                tokio::time::Instant::now()
            }
        });
        tokio::time::sleep(Duration::from_secs(3)).await;
        let grown_at = tokio::time::Instant::now();
        c.succeeded(); // the limit grows back to 2 while the first is still in flight
        assert!(second.await.unwrap() >= grown_at);
        drop(first);
    }
}
