//! The `paperbrief` binary: parses arguments, loads the configuration, calls the library and
//! maps the outcome to an exit code — 0 success, 1 done but something failed (a paper, a file
//! with no full text), 2 fatal (bad input or configuration, an upstream that cannot be reached),
//! 3 not finished yet (`batch collect` before the batch has completed), 130 Ctrl-C.

mod args;
mod commands;
mod logging;
mod settings;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;

fn main() -> ExitCode {
    // A closed stdout (`paperbrief list | head`) ends the process as it ends any Unix tool
    // (SIGPIPE, exit status 141), instead of a panic with a backtrace. Sockets are unaffected:
    // the standard library sends with MSG_NOSIGNAL.
    sigpipe::reset();
    let cli = Cli::parse();
    logging::init(&cli.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::dispatch(cli)) {
        Ok(outcome) => outcome.into(),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
