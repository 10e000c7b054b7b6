//! `paperbrief search QUERY`: every stored day report, searched offline (BM25 over jieba words).

use anyhow::Result;
use paperbrief_report::ReportPaths;
use paperbrief_search::{Archive, Hit, Query};

use super::Outcome;
use crate::args::{GlobalArgs, SearchArgs};
use crate::settings;

/// Exit 0 with hits, 1 with none (as grep does).
pub(crate) fn run(global: &GlobalArgs, args: &SearchArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let reports = ReportPaths::new(&config.output.dir);
    // Kept in the cache directory and brought in step with the reports before each search;
    // without a cache directory it is built in memory each time.
    let dir = paperbrief_fetch::resolve_cache_dir(&config).map(|c| c.join("search"));
    let mut archive = Archive::open(dir.as_deref(), reports)?;
    let sync = archive.sync()?;
    for u in &sync.unreadable {
        eprintln!("search: skipped an unreadable report: {u}");
    }
    if sync.busy {
        eprintln!("search: another paperbrief is updating the index; searched it as it was");
    }
    let query = Query {
        text: args.query.join(" "),
        since: args.since,
        until: args.until,
        tag: args.tag.clone(),
        limit: args.limit.get(),
    };
    let hits = archive.search(&query)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
    } else {
        print_hits(&hits);
    }
    if hits.is_empty() {
        eprintln!("no paper in {} matches {:?}", config.output.dir, query.text);
        return Ok(Outcome::Partial);
    }
    Ok(Outcome::Success)
}

fn print_hits(hits: &[Hit]) {
    for h in hits {
        println!(
            "{}  {}  {:>6.2}  {}",
            h.date,
            h.id,
            h.score,
            shown(&h.title)
        );
        if !h.contribution.is_empty() {
            println!("    {}", shown(&h.contribution));
        }
    }
}

/// Upstream and model text on a terminal: control characters (escape sequences) as spaces.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
