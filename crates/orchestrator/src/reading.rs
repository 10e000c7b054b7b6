//! A paper's text, for the pipeline: the stored copy when there is one and its outcome was final;
//! a stored copy that fell back to the abstract on a transient error gets its HTML asked for
//! again; otherwise the text is fetched (full text, else the abstract) and stored. At most
//! `run.fetch_concurrency` papers are read from arXiv at once (arXiv requests are still paced).

use std::sync::Arc;

use paperbrief_core::{ArxivId, Fallback, PaperRef};
use paperbrief_fetch::extract::AbstractInfo;
use paperbrief_fetch::{ArxivClient, FetchError, FetchOutcome, Origin};
use tokio::sync::Semaphore;

use crate::store::{Store, StoredSource};

/// Reads papers through the store.
#[derive(Debug, Clone)]
pub(crate) struct Reader {
    arxiv: ArxivClient,
    store: Store,
    slots: Arc<Semaphore>,
}

impl Reader {
    /// A reader fetching at most `concurrency` papers at once.
    pub(crate) fn new(arxiv: ArxivClient, store: Store, concurrency: usize) -> Self {
        Self {
            arxiv,
            store,
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// The paper's text. `fresh` ignores the stored copy (`--force`, regeneration); the HTTP
    /// cache may still spare the network. `hint` is the abstract already known (export API).
    pub(crate) async fn read(
        &self,
        paper: &PaperRef,
        id: &ArxivId,
        hint: Option<AbstractInfo>,
        fresh: bool,
    ) -> Result<StoredSource, FetchError> {
        if !fresh && let Some(stored) = self.store.source(id).await {
            return Ok(if stored.is_degraded() {
                self.heal(id, stored).await
            } else {
                stored
            });
        }
        let (hint, origin) = match hint {
            Some(h) => (Some(h), "the arXiv export API"),
            None => (hf_abstract(paper), "the Hugging Face list"),
        };
        let fetched = {
            let _slot = self.slot().await;
            self.arxiv.fetch_source(id, hint).await?
        };
        let stored = to_stored(fetched, origin);
        self.keep(id, &stored).await;
        Ok(stored)
    }

    /// Asks for the HTML of a paper whose stored text fell back to the abstract on a transient
    /// error: the full text when arXiv now serves it (stored in its place), else the stored copy.
    async fn heal(&self, id: &ArxivId, stored: StoredSource) -> StoredSource {
        let attempt = {
            let _slot = self.slot().await;
            self.arxiv.fetch_full_text(id).await
        };
        match attempt {
            Ok(fetched) => {
                tracing::info!(target: "paperbrief::run", "{id}: the full text is available now");
                let healed = to_stored(fetched, "arXiv");
                self.keep(id, &healed).await;
                healed
            }
            Err(why) => {
                tracing::info!(target: "paperbrief::run", "{id}: still no full text ({}); keeping the abstract", why.reason);
                if why.transient {
                    stored
                } else {
                    // Now known for good: record it, so later runs ask no more.
                    let settled = StoredSource {
                        fallback: Some(Fallback::final_(why.reason)),
                        ..stored
                    };
                    self.keep(id, &settled).await;
                    settled
                }
            }
        }
    }

    async fn slot(&self) -> tokio::sync::SemaphorePermit<'_> {
        #[allow(clippy::expect_used)]
        self.slots
            .acquire()
            .await
            .expect("the semaphore is never closed")
    }

    /// Stores a text; a failure is logged (the run still has the text).
    async fn keep(&self, id: &ArxivId, source: &StoredSource) {
        if let Err(e) = self.store.put_source(id, source).await {
            tracing::warn!(target: "paperbrief::store", "{e}");
        }
    }
}

fn to_stored(fetched: FetchOutcome, hint_origin: &str) -> StoredSource {
    let fallback = fetched.fallback.map(|f| Fallback {
        reason: match fetched.origin {
            Origin::Known => format!("{}; abstract from {hint_origin}", f.reason),
            Origin::AbstractPage => format!("{}; abstract from the arXiv abstract page", f.reason),
            Origin::ExportApi => format!("{}; abstract from the arXiv export API", f.reason),
            Origin::FullText => f.reason,
        },
        transient: f.transient,
    });
    StoredSource {
        doc: fetched.doc,
        fallback,
    }
}

/// HF's own abstract, as the last fallback (HF copies arXiv's).
fn hf_abstract(paper: &PaperRef) -> Option<AbstractInfo> {
    (!paper.abstract_text.trim().is_empty()).then(|| AbstractInfo {
        id: Some(paper.id.to_string()),
        title: paper.title.clone(),
        authors: paper.authors.clone(),
        abstract_text: paper.abstract_text.clone(),
        comments: None,
        has_html: false,
    })
}
