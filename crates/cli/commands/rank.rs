//! `paperbrief rank` and `paperbrief interests check`.

use anyhow::Result;
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::rank::{check_profiles, rank};

use super::Outcome;
use crate::args::{GlobalArgs, RankArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &RankArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let services = Services::connect(config, api_key_from_env()).await?;
    let (profile, ranked) = rank(&services, args.date, args.profile.as_deref()).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&ranked)?);
        return Ok(Outcome::Success);
    }
    println!("# {} · profile {profile} · best first", args.date);
    for (i, r) in ranked.iter().enumerate() {
        println!(
            "{:>3}. {} {:.3} {:<12} {}\n       {}",
            i + 1,
            if r.for_you { "⭐" } else { "  " },
            r.score,
            r.id,
            r.title,
            r.reason
        );
    }
    Ok(Outcome::Success)
}

pub(crate) async fn check(global: &GlobalArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let services = Services::connect(config, api_key_from_env()).await?;
    let (states, endpoint) = check_profiles(&services).await?;
    match &endpoint {
        Some(e) => println!("embeddings: {e}"),
        None => println!(
            "embeddings: none ([embeddings] base_url and model are empty): keywords and authors only"
        ),
    }
    for s in &states {
        let embedded = s
            .embedded
            .map_or_else(|| "-".to_owned(), |n| format!("{n} embedded"));
        println!(
            "profile {}: {} library items ({} with an abstract, {} without a title skipped), {embedded}",
            s.name, s.items, s.with_abstract, s.untitled
        );
    }
    Ok(Outcome::Success)
}
