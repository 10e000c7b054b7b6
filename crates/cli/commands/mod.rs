//! One module per command; [`dispatch`] routes to them.

mod config;
mod extract;
mod list;

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{Cli, Command};

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything worked.
    Success,
    /// The command finished but some of its work failed (exit code 1).
    Partial,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Partial => ExitCode::from(1),
        }
    }
}

/// Runs the chosen command.
pub(crate) async fn dispatch(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::List(args) => list::run(&cli.global, &args).await,
        Command::Extract(args) => extract::run(&cli.global, &args).await,
        Command::Config => config::run(&cli.global),
    }
}
