//! `paperbrief list`: a day's papers in report order.

use anyhow::{Context, Result};
use paperbrief_core::ReportDate;
use paperbrief_fetch::Sources;

use super::Outcome;
use crate::args::{GlobalArgs, ListArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &ListArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let date = args.date.unwrap_or_else(ReportDate::today_utc);
    let sources = Sources::from_config(&config, false)?;
    let list = sources.hf.daily_papers(date).await.with_context(|| {
        format!(
            "cannot read the Hugging Face list for {date} from {}",
            config.sources.hf_endpoint
        )
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list.papers)?);
    } else {
        let width = list
            .papers
            .iter()
            .map(|p| p.id.to_string().len())
            .max()
            .unwrap_or(10);
        for p in &list.papers {
            println!(
                "{:<width$}  {:>4}  {}",
                p.id.to_string(),
                p.upvotes,
                p.title
            );
        }
    }
    if list.papers.is_empty() {
        eprintln!(
            "note: no papers listed for {date} (a weekend or holiday, or a day not yet published)"
        );
    }
    Ok(Outcome::Success)
}
