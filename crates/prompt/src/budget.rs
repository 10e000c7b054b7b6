//! The token budget, and fitting a paper into it by cutting by priority.

use paperbrief_core::{Cut, CutReason, PaperRef, SourceDoc, SourceKind};
use serde::{Deserialize, Serialize};

use crate::body::{self, Kind, Piece, Role, Unit};
use crate::error::PromptError;
use crate::template::{LinkVars, PaperVars, PromptVars, Template};
use crate::tokens::count_message;
use paperbrief_core::brief::AnswerFormat;

/// How many tokens the prompt may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// The model's context window.
    pub context: usize,
    /// Tokens reserved for the answer (`llm.max_tokens`).
    pub max_tokens: usize,
    /// Tokens kept free for the difference between tiktoken and the served model's tokenizer.
    pub margin: usize,
    /// A tighter cap after the server rejected a prompt as too long.
    pub cap: Option<usize>,
    /// Tokens the server counts beyond our estimate for the prompt's fixed part (instructions
    /// and chat template): measured with the server's tokenizer, given up by every prompt.
    pub overhead: usize,
}

impl Budget {
    /// A budget for a model with `context` tokens that may answer with `max_tokens`; the margin
    /// is the larger of `margin_tokens` and `margin_ratio` of the context.
    pub fn new(context: usize, max_tokens: usize, margin_tokens: usize, margin_ratio: f64) -> Self {
        let by_ratio = (context as f64 * margin_ratio.clamp(0.0, 0.9)) as usize;
        Self {
            context,
            max_tokens,
            margin: margin_tokens.max(by_ratio),
            cap: None,
            overhead: 0,
        }
    }

    /// The same budget, giving up `overhead` tokens for the server's way of counting.
    #[must_use]
    pub fn with_overhead(self, overhead: usize) -> Self {
        Self { overhead, ..self }
    }

    /// The budget `[llm]` and `[prompt]` ask for, for a model with `context` tokens.
    pub fn from_config(config: &paperbrief_core::Config, context: usize) -> Self {
        Self::new(
            context,
            config.llm.max_tokens.get() as usize,
            config.prompt.safety_margin_tokens as usize,
            config.prompt.safety_margin_ratio,
        )
    }

    /// Tokens available to the prompt.
    pub fn input(&self) -> usize {
        let base = self
            .context
            .saturating_sub(self.max_tokens)
            .saturating_sub(self.margin)
            .saturating_sub(self.overhead);
        self.cap.map_or(base, |c| c.min(base))
    }

    /// How the input budget came about, for messages: the parts taken from the context.
    pub fn explain(&self) -> String {
        let mut why = format!(
            "a {}-token context less {} for the answer (llm.max_tokens), {} of safety margin",
            self.context, self.max_tokens, self.margin
        );
        if self.overhead > 0 {
            why.push_str(&format!(
                " and {} the server's tokenizer counts beyond ours",
                self.overhead
            ));
        }
        if let Some(cap) = self.cap {
            why.push_str(&format!(
                "; capped at {cap} after the server rejected a longer prompt"
            ));
        }
        why
    }

    /// The stricter budget for a retry after the server rejected `sent_estimate` tokens (our
    /// count of the rejected prompt) as too long. When the server said how many tokens it
    /// allows and counted, the cap scales our estimate by its count; otherwise it is
    /// `fallback_ratio` of the estimate.
    #[must_use]
    pub fn stricter(
        &self,
        sent_estimate: usize,
        server: Option<ContextOverflow>,
        fallback_ratio: f64,
    ) -> Self {
        let cap = match server {
            Some(o) if o.requested > 0 && o.limit > self.max_tokens => {
                let allowed = o.limit.saturating_sub(self.max_tokens) as f64;
                let per_token = o.requested as f64 / sent_estimate.max(1) as f64;
                ((allowed / per_token) * 0.95) as usize
            }
            _ => (sent_estimate as f64 * fallback_ratio.clamp(0.1, 0.95)) as usize,
        };
        Self {
            cap: Some(cap.min(sent_estimate.saturating_sub(1)).min(self.input())),
            ..*self
        }
    }
}

/// What a server said when it rejected a prompt: its limit and the tokens it counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextOverflow {
    /// The context the server allows.
    pub limit: usize,
    /// The tokens it counted for the request.
    pub requested: usize,
}

/// A prompt ready to send, with what it cost and what was left out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderedPrompt {
    /// The system message.
    pub system: String,
    /// The user message.
    pub user: String,
    /// `file@hash` of the template.
    pub template_id: String,
    /// Estimated tokens of both messages (tiktoken o200k_base).
    pub tokens: usize,
    /// The input budget it had to fit.
    pub budget: usize,
    /// Body tokens before cutting.
    pub body_tokens_before: usize,
    /// Body tokens after cutting.
    pub body_tokens_after: usize,
    /// What was cut, in the order it was cut.
    pub cuts: Vec<Cut>,
    /// The template variables, kept for the repair message.
    #[serde(skip)]
    pub vars: Option<PromptVars>,
}

/// Renders the prompt for `doc` (with HF's metadata when known) within `budget`, asking for
/// a Markdown answer.
pub fn render_prompt(
    template: &Template,
    doc: &SourceDoc,
    paper: Option<&PaperRef>,
    budget: &Budget,
) -> Result<RenderedPrompt, PromptError> {
    render_prompt_for(template, doc, paper, budget, AnswerFormat::Text)
}

/// Renders the prompt asking for an answer in `format`.
pub fn render_prompt_for(
    template: &Template,
    doc: &SourceDoc,
    paper: Option<&PaperRef>,
    budget: &Budget,
    format: AnswerFormat,
) -> Result<RenderedPrompt, PromptError> {
    let limit = budget.input();
    let mut units = body::units(doc);
    let body_before: usize = units.iter().map(Unit::tokens).sum();
    let mut vars = vars_for(doc, paper);
    vars.output = match format {
        AnswerFormat::Text => "text",
        AnswerFormat::Json => "json_schema",
    }
    .to_owned();
    // Tokens of everything but the body: render once with an empty body.
    let fixed = measure(template, &vars)?;
    let mut cuts = Vec::new();
    let mut target = limit.saturating_sub(fixed);
    for _ in 0..6 {
        fit(&mut units, target, &mut cuts);
        vars.body = body::render(&units);
        vars.cut_sections = cut_names(&cuts);
        let tokens = measure(template, &vars)?;
        if tokens <= limit {
            let (system, user) = template.render(&vars)?;
            return Ok(RenderedPrompt {
                system,
                user,
                template_id: template.id().to_owned(),
                tokens,
                budget: limit,
                body_tokens_before: body_before,
                body_tokens_after: units.iter().map(Unit::tokens).sum(),
                cuts,
                vars: Some(vars),
            });
        }
        if units.iter().all(|u| u.pieces.is_empty()) {
            return Err(PromptError::TooLong {
                id: doc.id.to_string(),
                needed: tokens,
                budget: limit,
                why: budget.explain(),
            });
        }
        // The estimate was off (separators, the cut notice): aim lower by the overshoot.
        target = target.saturating_sub(tokens - limit + 16);
    }
    Err(PromptError::TooLong {
        id: doc.id.to_string(),
        needed: fixed,
        budget: limit,
        why: budget.explain(),
    })
}

fn measure(template: &Template, vars: &PromptVars) -> Result<usize, PromptError> {
    let (system, user) = template.render(vars)?;
    Ok(count_message(&system) + count_message(&user))
}

fn cut_names(cuts: &[Cut]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for c in cuts {
        if !names.contains(&c.section) {
            names.push(c.section.clone());
        }
    }
    names
}

/// Cuts units until their total is within `target`: appendices, then related work, then
/// paragraphs from the end of the longest remaining section (prose before tables and captions).
fn fit(units: &mut [Unit], target: usize, cuts: &mut Vec<Cut>) {
    let total = |u: &[Unit]| u.iter().map(Unit::tokens).sum::<usize>();
    for (role, reason) in [
        (Role::Appendix, CutReason::Appendix),
        (Role::RelatedWork, CutReason::RelatedWork),
    ] {
        for i in 0..units.len() {
            if total(units) <= target {
                return;
            }
            if units[i].role == role && !units[i].pieces.is_empty() {
                let before = units[i].tokens();
                units[i].pieces.clear();
                record(cuts, &units[i].heading, before, 0, reason);
            }
        }
    }
    while total(units) > target {
        let Some(i) = (0..units.len())
            .filter(|&i| !units[i].pieces.is_empty())
            .max_by_key(|&i| units[i].tokens())
        else {
            return;
        };
        let before = units[i].tokens();
        let unit = &mut units[i];
        let pos = next_to_trim(&unit.pieces);
        unit.pieces.remove(pos);
        let after = unit.tokens();
        let heading = unit.heading.clone();
        record(cuts, &heading, before, after, CutReason::Trimmed);
    }
}

/// Which piece of a section goes next: prose from the end while more than one paragraph is
/// left, then figure captions, then tables, then the first paragraph.
fn next_to_trim(pieces: &[Piece]) -> usize {
    let last_of = |k: Kind| pieces.iter().rposition(|p| p.kind == k);
    let prose = pieces.iter().filter(|p| p.kind == Kind::Prose).count();
    if prose > 1
        && let Some(i) = last_of(Kind::Prose)
    {
        return i;
    }
    last_of(Kind::Caption)
        .or_else(|| last_of(Kind::Table))
        .unwrap_or(pieces.len().saturating_sub(1))
}

/// Records a cut, merging repeated trims of one section into one entry.
fn record(cuts: &mut Vec<Cut>, section: &str, before: usize, after: usize, reason: CutReason) {
    if let Some(c) = cuts
        .iter_mut()
        .find(|c| c.section == section && c.reason == reason)
    {
        c.tokens_after = after;
        return;
    }
    cuts.push(Cut {
        section: section.to_owned(),
        tokens_before: before,
        tokens_after: after,
        reason,
    });
}

/// Authors shown in the prompt: the first 20, then a count.
const MAX_AUTHORS: usize = 20;

fn vars_for(doc: &SourceDoc, paper: Option<&PaperRef>) -> PromptVars {
    let authors_list = if doc.authors.is_empty() {
        paper.map(|p| p.authors.clone()).unwrap_or_default()
    } else {
        doc.authors.clone()
    };
    let mut authors = authors_list
        .iter()
        .take(MAX_AUTHORS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if authors_list.len() > MAX_AUTHORS {
        authors.push_str(&format!(" 等 {} 位作者", authors_list.len()));
    }
    let abstract_text = if doc.abstract_text.trim().is_empty() {
        paper.map(|p| p.abstract_text.clone()).unwrap_or_default()
    } else {
        doc.abstract_text.clone()
    };
    let title = if doc.title.trim().is_empty() {
        paper.map(|p| p.title.clone()).unwrap_or_default()
    } else {
        doc.title.clone()
    };
    PromptVars {
        paper: PaperVars {
            id: doc.id.to_string(),
            title,
            authors,
            abstract_text,
            full_text: doc.kind == SourceKind::Html,
        },
        links: LinkVars {
            github: paper.and_then(|p| p.github_repo.clone()),
            project_page: paper.and_then(|p| p.project_page.clone()),
            hf: format!("https://huggingface.co/papers/{}", doc.id.base()),
        },
        body: String::new(),
        cut_sections: Vec::new(),
        output: "text".to_owned(),
    }
}
