//! Reader profiles on a report: each `[[interests]]` profile's library read at setup (a file that
//! does not parse, a Zotero key not set or an embeddings model the server does not serve stops the
//! command there, exit 2), then every entry scored for every profile — by keywords and authors,
//! and with `[embeddings]` by similarity too, every text embedded once per model and content
//! (`{cache}/state/vectors`). An embeddings endpoint that fails mid-run costs the similarity, not
//! the report: the scores fall back to keywords and authors, and the log says so.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use paperbrief_core::SectionName;
use paperbrief_http::{ClientSettings, RetryPolicy};
use paperbrief_interests::{Loaded, Paper, VectorCache, Vectors};
use paperbrief_llm::EmbeddingsClient;
use paperbrief_report::{DailyReport, Outcome};

use crate::error::OrchestratorError;
use crate::services::Services;

/// The profiles with their libraries, and the embeddings endpoint when there is one.
pub(crate) struct Interests {
    loaded: Vec<Loaded>,
    embeddings: Option<Arc<EmbeddingsClient>>,
    vectors_dir: PathBuf,
}

/// What scoring a report cost.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scored {
    /// Texts embedded now (not found in the cache).
    pub(crate) embedded: usize,
    /// Texts whose vectors came from the cache.
    pub(crate) cached: usize,
}

impl Interests {
    /// Reads every profile's library and checks the embeddings model; `None` without profiles.
    pub(crate) async fn setup(services: &Services) -> Result<Option<Self>, OrchestratorError> {
        let config = services.config();
        if config.interests.is_empty() {
            return Ok(None);
        }
        let http = ClientSettings::sources(config)
            .build()
            .map_err(OrchestratorError::Http)?;
        let env = |name: &str| std::env::var(name).ok();
        let loaded = paperbrief_interests::load(
            &config.interests,
            &env,
            &http,
            RetryPolicy::sources(config),
        )
        .await?;
        for l in &loaded {
            if l.library.untitled > 0 {
                tracing::info!(target: "paperbrief::interests", "profile {}: {} library items without a title skipped", l.profile.name, l.library.untitled);
            }
        }
        let embeddings = services.embeddings().cloned();
        if let Some(e) = &embeddings {
            e.check_model().await.map_err(OrchestratorError::Endpoint)?;
        }
        Ok(Some(Self {
            loaded,
            embeddings,
            vectors_dir: services.state_dir().join("vectors"),
        }))
    }

    /// The profiles with their libraries.
    pub(crate) fn loaded(&self) -> &[Loaded] {
        &self.loaded
    }

    /// Scores every entry of `report` for every profile.
    pub(crate) async fn apply(&self, report: &mut DailyReport) -> Scored {
        let briefs: Vec<String> = report.entries.iter().map(brief_text).collect();
        let papers: Vec<Paper<'_>> = report
            .entries
            .iter()
            .zip(&briefs)
            .map(|(e, brief)| Paper {
                id: e.paper.id.base(),
                title: &e.paper.title,
                abstract_text: &e.paper.abstract_text,
                brief,
                authors: &e.paper.authors,
            })
            .collect();
        let (vectors, scored) = match &self.embeddings {
            Some(client) => self.vectors(client, &papers).await,
            None => (None, Scored::default()),
        };
        let ranked: Vec<(String, Vec<paperbrief_report::Relevance>)> = self
            .loaded
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let v = vectors.as_ref().map(|v: &Vec<Vectors>| &v[i]);
                let r = paperbrief_interests::rank(&l.profile, &l.library.items, &papers, v);
                (l.profile.name.clone(), r)
            })
            .collect();
        for (name, relevances) in ranked {
            for (entry, relevance) in report.entries.iter_mut().zip(relevances) {
                entry.relevance.insert(name.clone(), relevance);
            }
        }
        scored
    }

    /// Every profile's vectors (papers, library, keywords), from the cache or the endpoint; `None`
    /// when the endpoint fails (scores then fall back to keywords and authors).
    async fn vectors(
        &self,
        client: &EmbeddingsClient,
        papers: &[Paper<'_>],
    ) -> (Option<Vec<Vectors>>, Scored) {
        let paper_texts: Vec<String> = papers.iter().map(Paper::text).collect();
        let mut all: Vec<&str> = paper_texts.iter().map(String::as_str).collect();
        let profile_texts: Vec<(Vec<String>, Vec<String>)> = self
            .loaded
            .iter()
            .map(|l| {
                let lib = l.library.items.iter().map(|i| i.text()).collect();
                (lib, l.profile.keywords.clone())
            })
            .collect();
        for (lib, kw) in &profile_texts {
            all.extend(lib.iter().chain(kw).map(String::as_str));
        }
        let (cache, scored) = match cached_vectors(&self.vectors_dir, client, &all).await {
            (Ok(cache), scored) => (cache, scored),
            (Err(e), scored) => {
                tracing::warn!(target: "paperbrief::interests", "embeddings: {e}; scoring by keywords and authors only");
                return (None, scored);
            }
        };
        let get = |texts: &[String]| -> Vec<Vec<f32>> {
            texts
                .iter()
                .map(|t| cache.get(t).map(<[f32]>::to_vec).unwrap_or_default())
                .collect()
        };
        let paper_vectors = get(&paper_texts);
        let out = profile_texts
            .iter()
            .map(|(lib, kw)| Vectors {
                papers: paper_vectors.clone(),
                library: get(lib),
                keywords: get(kw),
            })
            .collect();
        (Some(out), scored)
    }
}

/// The vectors of `texts` (any order, repeats allowed) in the cache in `dir` — one file per
/// model — the missing ones embedded now and saved; with how many were embedded and found.
/// `Err` when the endpoint fails (nothing is lost: what was cached stays).
pub(crate) async fn cached_vectors(
    dir: &std::path::Path,
    client: &EmbeddingsClient,
    texts: &[&str],
) -> (Result<VectorCache, paperbrief_llm::LlmError>, Scored) {
    let (dir, model) = (dir.to_owned(), client.model().to_owned());
    let mut cache = tokio::task::spawn_blocking(move || VectorCache::open(&dir, &model))
        .await
        .unwrap_or_else(|_| VectorCache::in_memory(client.model()));
    let unique: HashSet<&str> = texts.iter().copied().collect();
    let missing: Vec<String> = unique
        .iter()
        .filter(|t| cache.get(t).is_none())
        .map(|t| (*t).to_owned())
        .collect();
    let scored = Scored {
        embedded: missing.len(),
        cached: unique.len() - missing.len(),
    };
    if missing.is_empty() {
        return (Ok(cache), scored);
    }
    match client.embed(&missing).await {
        Ok(vs) => {
            for (text, v) in missing.iter().zip(vs) {
                cache.put(text, v);
            }
        }
        Err(e) => return (Err(e), scored),
    }
    if let Err(e) = cache.save() {
        tracing::warn!(target: "paperbrief::interests", "{e}; the vectors will be asked for again");
    }
    (Ok(cache), scored)
}

/// What of a paper's brief a profile reads: its 应用领域 and 一句话核心贡献.
pub(crate) fn brief_text(e: &paperbrief_report::Entry) -> String {
    match &e.outcome {
        Outcome::Ok { brief, .. } => format!(
            "{}\n{}",
            brief.section(SectionName::Domain).trim(),
            brief.section(SectionName::Contribution).trim()
        ),
        _ => String::new(),
    }
}
