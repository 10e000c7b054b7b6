//! Logs go to stderr through `tracing`; stdout carries only the command's output.

use paperbrief_core::env_vars::PAPERBRIEF_LOG;
use tracing_subscriber::EnvFilter;

use crate::args::GlobalArgs;

/// Installs the subscriber: `PAPERBRIEF_LOG` (a full filter) wins, else -v/-q choose the level.
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
        .with_target(false)
        .try_init();
}
