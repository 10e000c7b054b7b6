//! A paper's other listings: the day a re-listed paper was first listed, and the later days that
//! listed it again — possibly at a newer arXiv version, which is briefed anew. Read from the
//! stored reports, never from the model.

use paperbrief_core::ReportDate;
use serde::{Deserialize, Serialize};

/// Another day whose list carried the paper, and the version it was read at there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The day.
    pub date: ReportDate,
    /// The arXiv version read that day, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
}

/// A paper of the archive another one cites or is cited by: its id, title and the first day
/// that listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedPaper {
    /// The arXiv id, without version.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The first day that listed it.
    pub date: ReportDate,
}

/// One line of a paper's history, linking to the day it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    /// `首次收录于 2026-01-30`, `已更新至 v3；v1 的简报见 2026-01-30`, `再次收录于 2026-02-10`.
    pub text: String,
    /// The day it links to.
    pub date: ReportDate,
}

/// Where else a paper read at `mine` is listed: its first listing, then each later one, newer
/// versions spelled out.
pub fn history(mine: Option<u32>, first: Option<Listing>, again: &[Listing]) -> Vec<HistoryLine> {
    let newer = |other: Option<u32>| matches!((mine, other), (Some(a), Some(b)) if b > a);
    let older = |other: Option<u32>| matches!((mine, other), (Some(a), Some(b)) if b < a);
    let mut out = Vec::new();
    if let Some(first) = first {
        let text = match (older(first.version), mine, first.version) {
            (true, Some(now), Some(then)) => {
                format!("已更新至 v{now}；v{then} 的简报见 {}", first.date)
            }
            _ => format!("首次收录于 {}", first.date),
        };
        out.push(HistoryLine {
            text,
            date: first.date,
        });
    }
    for l in again {
        let text = match l.version {
            Some(v) if newer(l.version) => format!("已更新至 v{v}，见 {}", l.date),
            _ => format!("再次收录于 {}", l.date),
        };
        out.push(HistoryLine { text, date: l.date });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, version: u32) -> Listing {
        Listing {
            date: ReportDate::parse(date).unwrap(),
            version: Some(version),
        }
    }

    #[test]
    fn history_names_first_listings_repeats_and_new_versions() {
        let texts = |lines: Vec<HistoryLine>| lines.into_iter().map(|l| l.text).collect::<Vec<_>>();
        assert_eq!(
            texts(history(Some(1), Some(at("2026-01-30", 1)), &[])),
            ["首次收录于 2026-01-30"]
        );
        assert_eq!(
            texts(history(Some(3), Some(at("2026-01-30", 1)), &[])),
            ["已更新至 v3；v1 的简报见 2026-01-30"]
        );
        assert_eq!(
            texts(history(
                Some(1),
                None,
                &[at("2026-02-10", 1), at("2026-02-20", 3)]
            )),
            ["再次收录于 2026-02-10", "已更新至 v3，见 2026-02-20"]
        );
        assert!(history(None, None, &[]).is_empty());
    }
}
