//! `paperbrief batch`: a day through the OpenAI Batch format — export, import, and a hosted
//! Batch API's submit, status and collect.

use anyhow::{Context, Result};
use paperbrief_core::fs::{Visibility, atomic_write};
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::batch::{self, Collected, Exported, Imported};

use super::Outcome;
use crate::args::{BatchCommand, BatchExportArgs, BatchImportArgs, GlobalArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, command: &BatchCommand) -> Result<Outcome> {
    let config = settings::load(global)?;
    let services = Services::connect(config, api_key_from_env()).await?;
    match command {
        BatchCommand::Export(args) => export(&services, args).await,
        BatchCommand::Import(args) => import(&services, args).await,
        BatchCommand::Submit(args) => {
            let submitted = batch::submit(&services, args.date).await?;
            if submitted.requests == 0 {
                eprintln!(
                    "{}: every paper has its brief already; nothing submitted",
                    args.date
                );
            } else {
                eprintln!(
                    "submitted {} requests as batch {}; `paperbrief batch collect --date {}` imports the results once it has completed",
                    submitted.requests, submitted.batch_id, args.date
                );
                println!("{}", submitted.batch_id);
            }
            Ok(Outcome::Success)
        }
        BatchCommand::Status(args) => match args.date {
            Some(date) => {
                let (id, state) = batch::status(&services, date).await?;
                eprintln!("batch {id}:");
                println!("{}", serde_json::to_string_pretty(&state)?);
                Ok(Outcome::Success)
            }
            None => Ok(status_all(&services).await),
        },
        BatchCommand::Collect(args) => match batch::collect(&services, args.date).await? {
            Collected::Waiting(state) => {
                eprintln!(
                    "{}: the batch is `{state}`, not completed; collect again later",
                    args.date
                );
                Ok(Outcome::NotYet)
            }
            Collected::Ended { status, detail } => {
                eprintln!(
                    "{}: the batch ended `{status}` with nothing to import: {detail}; `paperbrief batch submit --date {}` submits the day again, `paperbrief run --date {}` summarises it online",
                    args.date, args.date, args.date
                );
                Ok(Outcome::Partial)
            }
            Collected::Imported(imported) => Ok(print_imported(&imported)),
        },
    }
}

/// A line per submitted day: `{date}  {batch id}  {status}  {completed}/{total} done`.
async fn status_all(services: &Services) -> Outcome {
    let days = services.store().submitted_days().await;
    if days.is_empty() {
        eprintln!(
            "no batch submitted yet; `paperbrief batch submit --date YYYY-MM-DD` submits a day"
        );
    }
    let mut outcome = Outcome::Success;
    for date in days {
        match batch::status(services, date).await {
            Ok((id, state)) => {
                let field = |k: &str| {
                    state
                        .get(k)
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("?")
                        .to_owned()
                };
                let count = |k: &str| {
                    state
                        .pointer(&format!("/request_counts/{k}"))
                        .and_then(serde_json::Value::as_u64)
                        .unwrap_or(0)
                };
                let failed = match count("failed") {
                    0 => String::new(),
                    n => format!(", {n} failed"),
                };
                println!(
                    "{date}  {id}  {}  {}/{} done{failed}",
                    field("status"),
                    count("completed"),
                    count("total")
                );
            }
            Err(e) => {
                println!("{date}  error: {:#}", anyhow::Error::from(e));
                outcome = Outcome::Partial;
            }
        }
    }
    outcome
}

async fn export(services: &Services, args: &BatchExportArgs) -> Result<Outcome> {
    let exported = batch::export(services, args.date).await?;
    // An empty export still replaces the file: an older export left there would be run again.
    match &args.output {
        Some(path) => atomic_write(path, exported.jsonl.as_bytes(), Visibility::Shared)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{}", exported.jsonl),
    }
    if exported.requests == 0 {
        eprintln!(
            "{}: nothing to export: {} papers have their brief already, {} could not be planned",
            args.date,
            exported.stored,
            exported.unplanned.len()
        );
        for (id, why) in &exported.unplanned {
            eprintln!("  not exported {id}: {why}");
        }
    } else {
        print_exported(args, &exported);
    }
    Ok(if exported.unplanned.is_empty() {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}

fn print_exported(args: &BatchExportArgs, exported: &Exported) {
    let setup = &exported.setup;
    eprintln!(
        "{}: {} requests for {} ({} tokens of context, {}); {} papers have their brief already",
        args.date,
        exported.requests,
        setup.model,
        setup.context,
        setup.context_source,
        exported.stored
    );
    for (id, why) in &exported.unplanned {
        eprintln!("  not exported {id}: {why}");
    }
    if let Some(path) = &args.output {
        eprintln!(
            "wrote {}; e.g. `vllm run-batch -i {} -o results.jsonl --model {}`, then `paperbrief batch import --date {} results.jsonl`",
            path.display(),
            path.display(),
            setup.model,
            args.date
        );
    }
}

async fn import(services: &Services, args: &BatchImportArgs) -> Result<Outcome> {
    let text = std::fs::read_to_string(&args.results).with_context(|| {
        format!(
            "cannot read the results file {} (the output of `vllm run-batch -o` or a Batch API)",
            args.results.display()
        )
    })?;
    let imported = batch::import(services, args.date, &text).await?;
    Ok(print_imported(&imported))
}

fn print_imported(imported: &Imported) -> Outcome {
    for p in &imported.problems {
        let at = p.line.map(|n| format!("line {n}: ")).unwrap_or_default();
        let id = p.custom_id.as_deref().unwrap_or("-");
        eprintln!("  skipped {at}{id}: {}", p.reason);
    }
    let s = &imported.report.stats;
    eprintln!(
        "imported {} briefs ({} skipped); the day has {} of {} briefs, {} pending",
        imported.accepted,
        imported.problems.len(),
        s.briefs,
        s.papers,
        s.pending
    );
    eprintln!(
        "wrote {} and {}",
        imported.files.markdown.display(),
        imported.files.json.display()
    );
    if s.pending > 0 {
        eprintln!(
            "`paperbrief run --date {}` summarises the pending papers online",
            imported.report.date
        );
    }
    let published = super::print_published(&imported.published);
    if imported.problems.is_empty() && published {
        Outcome::Success
    } else {
        Outcome::Partial
    }
}
