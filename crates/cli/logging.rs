//! Logs go to stderr through `tracing`; stdout carries only the command's output.

use std::io::IsTerminal;

use paperbrief_core::env_vars::{NO_COLOR, PAPERBRIEF_LOG};
use tracing_subscriber::EnvFilter;

use crate::args::GlobalArgs;

/// Installs the subscriber: `PAPERBRIEF_LOG` (a full filter) wins, else -v/-q choose the level.
/// Colours only on a terminal, and never with `NO_COLOR` set: cron logs stay plain text.
pub(crate) fn init(args: &GlobalArgs) {
    let level = match (args.quiet, args.verbose) {
        (true, _) => "warn",
        (false, 0) => "warn,paperbrief=info",
        (false, 1) => "warn,paperbrief=debug",
        (false, _) => "info,paperbrief=trace",
    };
    let filter = std::env::var(PAPERBRIEF_LOG)
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour())
        .with_target(false)
        .try_init();
}

/// Whether log lines may carry ANSI colours.
pub(crate) fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os(NO_COLOR).is_none_or(|v| v.is_empty())
}
