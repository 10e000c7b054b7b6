//! `paperbrief paper`: re-summarise one paper.

use anyhow::Result;
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::regenerate::{Regenerated, regenerate};
use paperbrief_report::{Outcome as EntryOutcome, render_entry};

use super::Outcome;
use crate::args::{GlobalArgs, PaperArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &PaperArgs) -> Result<Outcome> {
    let mut config = settings::load(global)?;
    if args.no_notify {
        config = settings::without_channels(config, "--no-notify");
    }
    let services = Services::connect(config, api_key_from_env()).await?;
    let entry = match regenerate(&services, &args.id, args.date).await? {
        Regenerated::Spliced {
            entry,
            index,
            files,
            published,
        } => {
            eprintln!(
                "replaced entry {} of {}",
                index + 1,
                files.markdown.display()
            );
            if !super::print_published(&published) {
                return Ok(Outcome::Partial);
            }
            entry
        }
        Regenerated::Standalone(entry) => {
            println!("{}", render_entry(&entry));
            entry
        }
    };
    Ok(match entry.outcome {
        EntryOutcome::Failed(f) => {
            eprintln!("{} failed ({:?}): {}", args.id, f.stage, f.reason);
            Outcome::Partial
        }
        EntryOutcome::Ok { .. } | EntryOutcome::Pending => Outcome::Success,
    })
}
