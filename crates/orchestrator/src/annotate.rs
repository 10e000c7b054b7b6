//! What a report gets once its entries are set, in every command that writes one: each entry's
//! relevance to the reader profiles, then the day's 今日速览 (which may read it), then its time:
//! the earlier report's when nothing changed (feeds rely on it), now otherwise.

use paperbrief_report::DailyReport;

use crate::interests::Interests;
use crate::services::Services;
use crate::summarize::Summarizer;

/// Scores `report` for the profiles (when there are any), gives it its overview (the one the
/// earlier report, `previous`, had when its inputs are unchanged) and its time.
pub(crate) async fn annotate(
    services: &Services,
    interests: Option<&Interests>,
    summarizer: Option<&Summarizer>,
    report: &mut DailyReport,
    previous: Option<&DailyReport>,
) {
    if let Some(interests) = interests {
        let scored = interests.apply(report).await;
        if scored.embedded > 0 {
            tracing::info!(target: "paperbrief::interests", "embedded {} texts ({} from the cache)", scored.embedded, scored.cached);
        }
    }
    let earlier = previous.and_then(|p| p.overview.as_ref());
    crate::overview::refresh(services, summarizer, report, earlier, false).await;
    report.generated_at = match previous.filter(|p| p.same_content(report)) {
        Some(p) => p.generated_at,
        None => Some(chrono::Utc::now()),
    };
}
