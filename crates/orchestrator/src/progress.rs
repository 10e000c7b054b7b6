//! Progress of a run: bars on a terminal, one `tracing` line per paper otherwise (cron).

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use paperbrief_core::SourceKind;

use paperbrief_report::{Entry, Outcome};

/// Receives the run's events; implementations must be cheap and thread-safe.
pub trait Progress: Send + Sync {
    /// The run is about to process `total` papers, `stored` of which have their brief already.
    fn start(&self, total: usize, stored: usize);
    /// A paper's text is ready (or came from the store).
    fn fetched(&self, id: &str, kind: Option<SourceKind>);
    /// A paper is finished; `seconds` is its wall time.
    fn finished(&self, entry: &Entry, reused: bool, seconds: f64);
    /// The run is over.
    fn finish(&self);
}

/// Plain log lines, one per finished paper: id, source kind, tokens, seconds, outcome.
#[derive(Debug, Default)]
pub struct LogLines;

impl Progress for LogLines {
    fn start(&self, total: usize, stored: usize) {
        match total - stored.min(total) {
            0 => {
                tracing::info!(target: "paperbrief::run", "{total} papers, every brief stored: nothing to do")
            }
            todo if stored > 0 => {
                tracing::info!(target: "paperbrief::run", "{todo} papers to do ({stored} more have their brief stored)")
            }
            todo => tracing::info!(target: "paperbrief::run", "{todo} papers to do"),
        }
    }
    fn fetched(&self, _id: &str, _kind: Option<SourceKind>) {}
    fn finished(&self, entry: &Entry, reused: bool, seconds: f64) {
        tracing::info!(target: "paperbrief::run", "{}", line(entry, reused, seconds));
    }
    fn finish(&self) {}
}

/// The one-line account of a finished paper.
pub fn line(entry: &Entry, reused: bool, seconds: f64) -> String {
    let kind = entry
        .source
        .as_ref()
        .map_or_else(|| "-".to_owned(), |s| s.label());
    match &entry.outcome {
        Outcome::Ok { provenance, brief } => format!(
            "{} {kind} {}+{} tokens {:.1}s ok{}{}",
            entry.paper.id,
            provenance.prompt_tokens,
            provenance.completion_tokens,
            seconds,
            if reused { " (stored)" } else { "" },
            if brief.warnings.is_empty() {
                String::new()
            } else {
                format!(" ({} warnings)", brief.warnings.len())
            }
        ),
        Outcome::Failed(f) => format!(
            "{} {kind} {seconds:.1}s FAILED ({:?}): {}",
            entry.paper.id, f.stage, f.reason
        ),
        Outcome::Pending => format!("{} {kind} pending", entry.paper.id),
    }
}

/// Two bars (read, summarised) on a terminal.
#[derive(Debug)]
pub struct Bars {
    fetch: ProgressBar,
    done: ProgressBar,
    _multi: MultiProgress,
}

impl Default for Bars {
    fn default() -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{prefix:>10} [{bar:30}] {pos}/{len} {elapsed_precise} (ETA {eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let fetch = multi.add(
            ProgressBar::new(0)
                .with_style(style.clone())
                .with_prefix("read"),
        );
        let done = multi.add(
            ProgressBar::new(0)
                .with_style(style)
                .with_prefix("summarised"),
        );
        Self {
            fetch,
            done,
            _multi: multi,
        }
    }
}

impl Progress for Bars {
    fn start(&self, total: usize, _stored: usize) {
        self.fetch.set_length(total as u64);
        self.done.set_length(total as u64);
    }
    fn fetched(&self, id: &str, _kind: Option<SourceKind>) {
        self.fetch.inc(1);
        self.fetch.set_message(id.to_owned());
    }
    fn finished(&self, entry: &Entry, reused: bool, seconds: f64) {
        self.done.inc(1);
        if matches!(entry.outcome, Outcome::Failed(_)) {
            self.done.println(line(entry, reused, seconds));
        }
        self.done.set_message(entry.paper.id.to_string());
    }
    fn finish(&self) {
        self.fetch.finish_and_clear();
        self.done.finish_and_clear();
    }
}
