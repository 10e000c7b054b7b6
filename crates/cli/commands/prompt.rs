//! `paperbrief prompt`: the prompt `run` would send for one paper, without calling the model.

use anyhow::Result;
use paperbrief_core::ArxivId;
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::preview::plan_prompt;
use paperbrief_prompt::tokens::count_message;

use super::Outcome;
use crate::args::{GlobalArgs, PromptArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &PromptArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let id = ArxivId::from_user(&args.id)?;
    let services = Services::connect(config, api_key_from_env()).await?;
    let (planned, setup) = plan_prompt(&services, &id, args.date).await?;
    let p = &planned.prompt;
    if args.json {
        let out = serde_json::json!({
            "id": planned.source.id,
            "source": {"kind": planned.source.kind, "url": planned.source.url,
                "fallback": planned.source.fallback.as_ref().map(|f| &f.reason),
                "fallback_transient": planned.source.fallback.as_ref().map(|f| f.transient)},
            "model": setup.model,
            "context": setup.context,
            "context_source": setup.context_source.to_string(),
            "slots": setup.slots,
            "calibration": setup.calibration.map(|c| serde_json::json!({"server": c.server, "estimate": c.estimate})),
            "budget": p.budget,
            "tokens": p.tokens,
            "cuts": p.cuts,
            "template_id": p.template_id,
            "request": planned.body,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(Outcome::Success);
    }
    println!("# template {}", p.template_id);
    println!(
        "# source {} ({}){}",
        planned.source.url,
        planned.source.label(),
        planned
            .source
            .fallback
            .as_ref()
            .map(|f| format!(": {}", f.reason))
            .unwrap_or_default()
    );
    println!(
        "# model {}, context {} (from {})",
        setup.model, setup.context, setup.context_source
    );
    let b = &planned.budget;
    println!(
        "# tokens {} of a {} budget (context {}, max_tokens {}, margin {}); body {} -> {}",
        p.tokens,
        p.budget,
        b.context,
        b.max_tokens,
        b.margin,
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
        count_message(&p.system),
        p.system
    );
    println!("\n=== user ({} tokens)\n{}", count_message(&p.user), p.user);
    Ok(Outcome::Success)
}
