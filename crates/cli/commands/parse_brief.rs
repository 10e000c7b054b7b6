//! `paperbrief parse-brief`: parse a saved model answer into the canonical brief.

use std::path::Path;

use anyhow::{Context, Result};
use paperbrief_core::ArxivId;
use paperbrief_core::{Brief, Grounding};
use paperbrief_fetch::Sources;
use paperbrief_fetch::extract::{Parsed, parse_document};

use super::Outcome;
use crate::args::{GlobalArgs, ParseBriefArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &ParseBriefArgs) -> Result<Outcome> {
    let answer = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let answer = String::from_utf8_lossy(&answer);
    let mut brief = match Brief::parse_completion(&answer, args.finish_reason.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "problems": e.problems, "error": e.to_string() })
                    )?
                );
            }
            for p in &e.problems {
                eprintln!("error: {}: {p}", args.file.display());
            }
            return Ok(Outcome::Partial);
        }
    };
    if let Some(source) = &args.source {
        brief.check_grounding(&grounding(global, source).await?);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&brief)?);
    } else {
        print!("{}", brief.render());
    }
    for w in &brief.warnings {
        eprintln!("warning: {w}");
    }
    Ok(Outcome::Success)
}

/// The text a brief is checked against: a saved page (parsed offline) or a fetched paper.
/// The numbers of `source` (a saved page or an arXiv id), with their places when it is a full
/// text.
async fn grounding(global: &GlobalArgs, source: &str) -> Result<Grounding> {
    let path = Path::new(source);
    if path.exists() {
        let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8_lossy(&raw);
        return Ok(Grounding::new(&match parse_document(&text) {
            Parsed::FullText(e) => {
                let doc = e.into_source(super::unnamed_paper(), String::new(), "");
                return Ok(Grounding::of_source(&doc, None));
            }
            Parsed::Abstract(a) => format!(
                "{}\n{}\n{}",
                a.title,
                a.abstract_text,
                a.comments.unwrap_or_default()
            ),
            Parsed::Feed(entries) => entries
                .into_iter()
                .map(|a| a.abstract_text)
                .collect::<Vec<_>>()
                .join("\n"),
            // Plain text (e.g. a saved abstract): check against it as it is.
            _ => text.into_owned(),
        }));
    }
    let id = ArxivId::from_user(source).with_context(|| {
        format!("--source `{source}` is neither an existing file nor an arXiv id")
    })?;
    let config = settings::load(global)?;
    let sources = Sources::from_config(&config, true)?;
    let doc = sources.arxiv.fetch_source(&id, None).await?.doc;
    Ok(Grounding::of_source(&doc, None))
}
