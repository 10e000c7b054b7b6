//! Several endpoints serving one model, as one backend. Each request goes to the endpoint with
//! the fewest requests in flight for its share (`max_concurrency`), so a faster server takes
//! more work. An endpoint that refuses connections, times out or answers 5xx is taken out of
//! rotation with backoff (and probed again later) and the request goes to another: a paper never
//! fails because one replica died while another is healthy. The rates stay global.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use paperbrief_http::RetryPolicy;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::concurrency::Slot;
use super::limits::Rates;
use super::{ChatOutcome, ChatRequest, LlmClient, LlmErrorKind, Message};
use crate::backend::LlmBackend;

/// One endpoint of the pool and its health.
#[derive(Debug)]
struct Member {
    client: Arc<LlmClient>,
    /// Out of rotation until then.
    down_until: Mutex<Option<Instant>>,
    /// Failures in a row (the backoff doubles with each).
    failures: AtomicU32,
    /// Chat requests sent to it.
    requests: AtomicU64,
}

/// The pool.
#[derive(Debug)]
pub struct Pool {
    members: Vec<Member>,
    rates: Arc<Rates>,
    retry: RetryPolicy,
    wake: Arc<Notify>,
}

impl Pool {
    /// A pool of `clients` (built with [`LlmClient::endpoint`] sharing `rates` and telling
    /// `wake` when a slot frees).
    pub fn new(
        clients: Vec<Arc<LlmClient>>,
        rates: Arc<Rates>,
        retry: RetryPolicy,
        wake: Arc<Notify>,
    ) -> Self {
        let members = clients
            .into_iter()
            .map(|client| Member {
                client,
                down_until: Mutex::new(None),
                failures: AtomicU32::new(0),
                requests: AtomicU64::new(0),
            })
            .collect();
        Self {
            members,
            rates,
            retry,
            wake,
        }
    }

    /// Requests sent to each endpoint so far, by base URL.
    pub fn requests(&self) -> Vec<(String, u64)> {
        self.members
            .iter()
            .map(|m| {
                (
                    m.client.label().to_owned(),
                    m.requests.load(Ordering::Relaxed),
                )
            })
            .collect()
    }

    /// The endpoint to send to, with a slot held: the least loaded of those in rotation (all
    /// of them when every one is out: the earliest comes back first).
    async fn pick(&self) -> (&Member, Slot<'_>) {
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let now = Instant::now();
            let mut up: Vec<&Member> = self.members.iter().filter(|m| m.is_up(now)).collect();
            let next_probe = self.members.iter().filter_map(Member::down_until).min();
            if up.is_empty() {
                // Every endpoint is out: wait for the first to come back, and probe it.
                if let Some(at) = next_probe {
                    tokio::time::sleep_until(at).await;
                }
                if let Some(m) = self.members.iter().min_by_key(|m| m.down_until()) {
                    m.set_down(None);
                }
                continue;
            }
            up.sort_by(|a, b| a.load().total_cmp(&b.load()));
            for m in up {
                if let Some(slot) = m.client.limits().concurrency().try_acquire() {
                    return (m, slot);
                }
            }
            match next_probe {
                Some(at) => {
                    tokio::select! {
                        () = &mut notified => {}
                        () = tokio::time::sleep_until(at) => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    /// One chat completion over the pool. Failovers to another endpoint do not count against
    /// `llm.max_attempts` while another endpoint is in rotation; other transient failures do.
    pub async fn chat(&self, req: &ChatRequest) -> ChatOutcome {
        let body = self.members[0].client.body(req);
        let tokens = req.prompt_tokens + req.max_tokens as usize;
        let (mut attempts, mut retries, mut failovers) = (0, 0, 0);
        let mut busy = Duration::ZERO;
        let budget = self.retry.max_attempts.max(1);
        loop {
            attempts += 1;
            let (member, slot) = self.pick().await;
            self.rates.ready(tokens).await;
            member.requests.fetch_add(1, Ordering::Relaxed);
            let sent = std::time::Instant::now();
            let answer = member.client.send(&body).await;
            busy += sent.elapsed();
            drop(slot);
            let Err(e) = answer else {
                member.healthy();
                return ChatOutcome {
                    result: answer,
                    attempts,
                    busy,
                };
            };
            let sick = matches!(
                e.kind,
                LlmErrorKind::Unreachable | LlmErrorKind::Unavailable
            );
            if sick {
                let wait = self.backoff(member.failures.fetch_add(1, Ordering::Relaxed));
                member.set_down(Some(Instant::now() + wait));
                tracing::warn!(target: "paperbrief::llm", "{e}; {} is out of rotation for {:.1}s", member.client.label(), wait.as_secs_f64());
                failovers += 1;
                let another = self.members.iter().any(|m| m.is_up(Instant::now()));
                if another && failovers <= budget as usize * self.members.len() {
                    continue;
                }
            }
            if !paperbrief_http::Transient::is_transient(&e) || retries + 1 >= budget {
                return ChatOutcome {
                    result: Err(e),
                    attempts,
                    busy,
                };
            }
            retries += 1;
            let wait = e
                .retry_after
                .unwrap_or_else(|| self.backoff(retries - 1))
                .min(self.retry.max_delay);
            tracing::warn!(target: "paperbrief::retry", "chat completion failed: {e}; retrying in {:.1}s", wait.as_secs_f64());
            tokio::time::sleep(wait).await;
        }
    }

    /// The wait after `n` earlier failures: the base delay, doubled each time, capped.
    fn backoff(&self, n: u32) -> Duration {
        self.retry
            .base_delay
            .saturating_mul(2u32.saturating_pow(n.min(16)))
            .min(self.retry.max_delay.max(self.retry.base_delay))
    }
}

impl Member {
    fn down_until(&self) -> Option<Instant> {
        *self
            .down_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_down(&self, until: Option<Instant>) {
        *self
            .down_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = until;
    }

    fn is_up(&self, now: Instant) -> bool {
        self.down_until().is_none_or(|t| t <= now)
    }

    fn healthy(&self) {
        self.failures.store(0, Ordering::Relaxed);
        self.set_down(None);
    }

    fn load(&self) -> f64 {
        self.client.limits().concurrency().load()
    }
}

impl LlmBackend for Pool {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, ChatOutcome> {
        Box::pin(Pool::chat(self, request))
    }

    fn count_tokens<'a>(
        &'a self,
        model: &'a str,
        messages: &'a [Message],
    ) -> BoxFuture<'a, Option<usize>> {
        Box::pin(self.members[0].client.count_tokens(model, messages))
    }
}
