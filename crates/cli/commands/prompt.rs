//! `paperbrief prompt`: the rendered messages for one paper, without calling the model.

use anyhow::{Result, bail};
use paperbrief_core::{ArxivId, PaperRef};
use paperbrief_fetch::Sources;
use paperbrief_orchestrator::engine::{FALLBACK_CONTEXT, load_template};
use paperbrief_prompt::{Budget, render_prompt};

use super::Outcome;
use crate::args::{GlobalArgs, PromptArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &PromptArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let template = load_template(&config)?;
    let id = ArxivId::parse(&args.id)?;
    let sources = Sources::from_config(&config, true)?;
    let paper = match args.date {
        Some(date) => Some(find_paper(&sources, &id, date).await?),
        None => None,
    };
    let fetched = sources.arxiv.fetch_source(&id, None).await?;
    let context = match config.llm.max_model_len {
        0 => {
            eprintln!("note: llm.max_model_len is 0; assuming a {FALLBACK_CONTEXT}-token context");
            FALLBACK_CONTEXT as usize
        }
        n => n as usize,
    };
    let budget = Budget::from_config(&config, context);
    let p = render_prompt(&template, &fetched.doc, paper.as_ref(), &budget)?;
    println!("# template {}", p.template_id);
    println!(
        "# source {} ({}){}",
        fetched.doc.url,
        fetched.doc.kind.report_label(),
        fetched
            .fallback
            .as_deref()
            .map(|f| format!(": {f}"))
            .unwrap_or_default()
    );
    println!(
        "# tokens {} of a {} budget (context {}, max_tokens {}, margin {}); body {} -> {}",
        p.tokens,
        p.budget,
        budget.context,
        budget.max_tokens,
        budget.margin,
        p.body_tokens_before,
        p.body_tokens_after
    );
    if p.cuts.is_empty() {
        println!("# nothing cut");
    }
    for c in &p.cuts {
        println!(
            "# cut {:?}: {} ({} -> {} tokens)",
            c.reason, c.section, c.tokens_before, c.tokens_after
        );
    }
    println!(
        "\n=== system ({} tokens)\n{}",
        paperbrief_prompt::tokens::count_message(&p.system),
        p.system
    );
    println!(
        "\n=== user ({} tokens)\n{}",
        paperbrief_prompt::tokens::count_message(&p.user),
        p.user
    );
    Ok(Outcome::Success)
}

async fn find_paper(
    sources: &Sources,
    id: &ArxivId,
    date: paperbrief_core::ReportDate,
) -> Result<PaperRef> {
    let list = sources.hf.daily_papers(date).await?;
    match list.papers.into_iter().find(|p| p.id.base() == id.base()) {
        Some(p) => Ok(p),
        None => bail!("{id} is not in the Hugging Face list for {date}"),
    }
}
