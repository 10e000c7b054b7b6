//! `paperbrief init`: a commented starter configuration where paperbrief looks for one.

use anyhow::{Context, Result, bail};
use paperbrief_core::fs::{Visibility, atomic_write};

use super::Outcome;
use crate::args::InitArgs;

/// The starter: `config/paperbrief.toml` of the repository, every section with its common keys
/// and the channels commented out.
pub(crate) const STARTER: &str = include_str!("../../../config/paperbrief.toml");

pub(crate) fn run(args: &InitArgs) -> Result<Outcome> {
    let path = &args.path;
    if path.exists() && !args.force {
        bail!(
            "{} already exists; edit it, or give --force to replace it with the starter",
            path.display()
        );
    }
    // Private: a config file is where a secret ends up by mistake.
    atomic_write(path, STARTER.as_bytes(), Visibility::Private)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "wrote {}: set llm.base_url (and [[notify]] channels if you want them), then run \
         `paperbrief check`",
        path.display()
    );
    Ok(Outcome::Success)
}
