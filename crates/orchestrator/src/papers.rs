//! One paper's way through the pipeline: its stored brief if there is one, else its text (stored
//! or fetched) and a fresh brief, stored as soon as it exists.

use paperbrief_core::{ArxivId, PaperRef, SourceDoc};
use paperbrief_fetch::Origin;
use paperbrief_fetch::extract::AbstractInfo;
use paperbrief_prompt::{Budget, render_prompt_for};
use tokio::sync::Semaphore;

use crate::engine::{Engine, ModelSetup};
use crate::progress::Progress;
use crate::report::{Entry, Failure, Outcome, SourceInfo, Stage};
use crate::run::DryRunLine;
use crate::store::{BriefKey, StoredBrief, StoredSource};
use crate::summarize::{Summary, summarize};

/// A paper ready to process: its versioned id, its brief key and any stored brief.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// The paper as listed.
    pub(crate) paper: PaperRef,
    /// The id with the version to read.
    pub(crate) id: ArxivId,
    /// What identifies its brief.
    pub(crate) key: BriefKey,
    /// The stored brief for that key, unless `--force`.
    pub(crate) stored: Option<StoredBrief>,
}

/// Works out a paper's key and looks for its stored brief.
pub(crate) fn prepare(
    engine: &Engine,
    paper: &PaperRef,
    version: Option<&ArxivId>,
    model: &str,
    force: bool,
) -> Prepared {
    let id = version.cloned().unwrap_or_else(|| paper.id.clone());
    let key = brief_key(engine, &id, model);
    let stored = if force {
        None
    } else {
        engine.store.brief(&id, &key)
    };
    Prepared {
        paper: paper.clone(),
        id,
        key,
        stored,
    }
}

/// The key of a paper version's brief under the current template, model and sampling.
pub(crate) fn brief_key(engine: &Engine, id: &ArxivId, model: &str) -> BriefKey {
    let llm = &engine.config.llm;
    BriefKey {
        id: id.to_string(),
        template_id: engine.template.id().to_owned(),
        model: model.to_owned(),
        temperature: llm.temperature,
        max_tokens: llm.max_tokens,
        output: llm.output.clone(),
        extra_body: serde_json::to_value(&llm.extra_body).unwrap_or_default(),
    }
}

/// Processes one paper; returns its entry and whether it came from the store.
pub(crate) async fn process(
    engine: &Engine,
    setup: &ModelSetup,
    item: Prepared,
    hint: Option<AbstractInfo>,
    fetch_slots: &Semaphore,
    progress: &dyn Progress,
) -> (Entry, bool) {
    if let Some(stored) = item.stored {
        progress.fetched(item.id.base(), Some(stored.source.kind));
        let outcome = Outcome::Ok {
            brief: stored.brief,
            provenance: stored.provenance,
        };
        return (
            Entry {
                paper: item.paper,
                source: Some(stored.source),
                outcome,
            },
            true,
        );
    }
    let source = match read(engine, &item.paper, &item.id, hint, fetch_slots).await {
        Ok(s) => s,
        Err(reason) => {
            progress.fetched(item.id.base(), None);
            let outcome = Outcome::Failed(Failure {
                stage: Stage::Fetch,
                reason,
            });
            return (
                Entry {
                    paper: item.paper,
                    source: None,
                    outcome,
                },
                false,
            );
        }
    };
    progress.fetched(item.id.base(), Some(source.doc.kind));
    let mut info = source_info(&source, &[]);
    let outcome = match summarize(engine, setup, &source.doc, Some(&item.paper)).await {
        Ok(summary) => {
            info.cuts = summary.prompt.cuts.clone();
            store_brief(engine, &item, &info, &summary);
            Outcome::Ok {
                brief: summary.brief,
                provenance: summary.provenance,
            }
        }
        Err(f) => {
            if let Some(p) = &f.prompt {
                info.cuts = p.cuts.clone();
            }
            Outcome::Failed(f.failure)
        }
    };
    (
        Entry {
            paper: item.paper,
            source: Some(info),
            outcome,
        },
        false,
    )
}

/// Keeps a finished brief (a failure to store is logged: the report still gets the brief).
fn store_brief(engine: &Engine, item: &Prepared, info: &SourceInfo, summary: &Summary) {
    let stored = StoredBrief {
        key: item.key.clone(),
        source: info.clone(),
        raw_answer: summary.raw_answer.clone(),
        brief: summary.brief.clone(),
        provenance: summary.provenance.clone(),
    };
    if let Err(e) = engine.store.put_brief(&item.id, &stored) {
        tracing::warn!(target: "paperbrief::store", "{e}");
    }
}

/// The paper's text: stored, else fetched (full text, else the abstract the export API or HF
/// gave, else the abstract page or API) and stored.
pub(crate) async fn read(
    engine: &Engine,
    paper: &PaperRef,
    id: &ArxivId,
    hint: Option<AbstractInfo>,
    fetch_slots: &Semaphore,
) -> Result<StoredSource, String> {
    if let Some(stored) = engine.store.source(id) {
        return Ok(stored);
    }
    let (hint, origin) = match hint {
        Some(h) => (Some(h), "the arXiv export API"),
        None => (hf_abstract(paper), "the Hugging Face list"),
    };
    let fetched = {
        #[allow(clippy::expect_used)]
        let _slot = fetch_slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        engine
            .sources
            .arxiv
            .fetch_source(id, hint)
            .await
            .map_err(|e| e.to_string())?
    };
    let fallback = fetched.fallback.map(|why| match fetched.origin {
        Origin::Known => format!("{why}; abstract from {origin}"),
        Origin::AbstractPage => format!("{why}; abstract from the arXiv abstract page"),
        Origin::ExportApi => format!("{why}; abstract from the arXiv export API"),
        Origin::FullText => why,
    });
    let stored = StoredSource {
        doc: fetched.doc,
        fallback,
    };
    if let Err(e) = engine.store.put_source(id, &stored) {
        tracing::warn!(target: "paperbrief::store", "{e}");
    }
    Ok(stored)
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

fn source_info(source: &StoredSource, cuts: &[paperbrief_prompt::Cut]) -> SourceInfo {
    SourceInfo {
        kind: source.doc.kind,
        url: source.doc.url.clone(),
        id: source.doc.id.to_string(),
        fallback: source.fallback.clone(),
        cuts: cuts.to_vec(),
    }
}

/// A dry run of one paper: read it and render its prompt.
pub(crate) async fn dry_run_line(
    engine: &Engine,
    paper: &PaperRef,
    id: &ArxivId,
    hint: Option<AbstractInfo>,
    context: u32,
) -> DryRunLine {
    let budget = Budget::from_config(&engine.config, context as usize);
    let slots = Semaphore::new(1);
    let mut line = DryRunLine {
        id: id.to_string(),
        source: String::new(),
        tokens: Err(String::new()),
        budget: budget.input(),
        cuts: Vec::new(),
    };
    let source = match read(engine, paper, id, hint, &slots).await {
        Ok(s) => s,
        Err(e) => {
            line.source = "unread".into();
            line.tokens = Err(e);
            return line;
        }
    };
    line.source = source.doc.kind.report_label().to_owned();
    line.tokens = render(engine, &source.doc, paper, &budget).map(|(tokens, cuts)| {
        line.cuts = cuts;
        tokens
    });
    line
}

fn render(
    engine: &Engine,
    doc: &SourceDoc,
    paper: &PaperRef,
    budget: &Budget,
) -> Result<(usize, Vec<String>), String> {
    let format = crate::summarize::answer_format(&engine.config);
    let p = render_prompt_for(&engine.template, doc, Some(paper), budget, format)
        .map_err(|e| e.to_string())?;
    Ok((p.tokens, p.cuts.iter().map(|c| c.section.clone()).collect()))
}
