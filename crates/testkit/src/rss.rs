//! Peak resident memory of a child process, for the benchmarks.

use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// The longest a measured command may run.
const DEADLINE: Duration = Duration::from_secs(30 * 60);

/// Runs `cmd`, following its peak resident memory (`VmHWM` in `/proc/{pid}/status`) until it
/// exits: its status, the peak in KiB, and the wall time in seconds. Panics when it cannot be
/// started or runs past half an hour (killed): benchmark code.
pub fn peak_rss(cmd: &mut Command) -> (ExitStatus, u64, f64) {
    let started = Instant::now();
    #[allow(clippy::expect_used)]
    let mut child = cmd.spawn().expect("the command starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        #[allow(clippy::expect_used)]
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return (status, peak, started.elapsed().as_secs_f64());
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("the measured command ran past {DEADLINE:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
