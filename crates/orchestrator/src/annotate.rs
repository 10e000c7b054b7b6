//! What a report gets once its entries are set, in every command that writes one: each entry's
//! relevance to the reader profiles, then the day's 今日速览 (which may read it).

use paperbrief_report::{DailyReport, OverviewBlock};

use crate::interests::Interests;
use crate::services::Services;
use crate::summarize::Summarizer;

/// Scores `report` for the profiles (when there are any), then gives it its overview (the one
/// it had, `previous`, when its inputs are unchanged).
pub(crate) async fn annotate(
    services: &Services,
    interests: Option<&Interests>,
    summarizer: Option<&Summarizer>,
    report: &mut DailyReport,
    previous: Option<&OverviewBlock>,
) {
    if let Some(interests) = interests {
        let scored = interests.apply(report).await;
        if scored.embedded > 0 {
            tracing::info!(target: "paperbrief::interests", "embedded {} texts ({} from the cache)", scored.embedded, scored.cached);
        }
    }
    crate::overview::refresh(services, summarizer, report, previous, false).await;
}
