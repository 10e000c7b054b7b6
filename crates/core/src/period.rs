//! `Period`: an ISO week (`2026-W07`) or a month (`2026-02`), the span of a digest.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};
use serde_with::{DeserializeFromStr, SerializeDisplay};

use crate::date::ReportDate;
use crate::error::CoreError;

/// A week or a month of daily lists.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, SerializeDisplay, DeserializeFromStr,
)]
pub enum Period {
    /// An ISO 8601 week: Monday to Sunday.
    Week {
        /// ISO week-numbering year.
        year: i32,
        /// 1 to 52 or 53.
        week: u32,
    },
    /// A calendar month.
    Month {
        /// The year.
        year: i32,
        /// 1 to 12.
        month: u32,
    },
}

impl Period {
    /// Parses `2026-W07` as a week.
    pub fn parse_week(input: &str) -> Result<Self, CoreError> {
        let err = |reason: &str| CoreError::InvalidPeriod {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let (y, w) = input
            .trim()
            .split_once("-W")
            .ok_or_else(|| err("expected an ISO week, YYYY-Www, e.g. 2026-W07"))?;
        let year: i32 = parse_digits(y, 4).ok_or_else(|| err("expected a four-digit year"))?;
        let week: u32 = parse_digits(w, 2).ok_or_else(|| err("expected a two-digit week"))?;
        let period = Self::Week { year, week };
        if !(2000..2200).contains(&year) {
            return Err(err("the year is outside 2000–2199"));
        }
        if NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).is_none() {
            return Err(err(&format!("{year} has no ISO week {week:02}")));
        }
        Ok(period)
    }

    /// Parses `2026-02` as a month.
    pub fn parse_month(input: &str) -> Result<Self, CoreError> {
        let err = |reason: &str| CoreError::InvalidPeriod {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let (y, m) = input
            .trim()
            .split_once('-')
            .ok_or_else(|| err("expected a month, YYYY-MM, e.g. 2026-02"))?;
        let year: i32 = parse_digits(y, 4).ok_or_else(|| err("expected a four-digit year"))?;
        let month: u32 = parse_digits(m, 2).ok_or_else(|| err("expected a two-digit month"))?;
        if !(2000..2200).contains(&year) {
            return Err(err("the year is outside 2000–2199"));
        }
        if !(1..=12).contains(&month) {
            return Err(err(&format!("there is no month {month:02}")));
        }
        Ok(Self::Month { year, month })
    }

    /// Parses either form (`2026-W07` or `2026-02`), as a report's file name writes it.
    pub fn parse(input: &str) -> Result<Self, CoreError> {
        if input.contains("-W") {
            Self::parse_week(input)
        } else {
            Self::parse_month(input)
        }
    }

    /// Its first day.
    pub fn first(self) -> ReportDate {
        let date = match self {
            Self::Week { year, week } => NaiveDate::from_isoywd_opt(year, week, Weekday::Mon),
            Self::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1),
        };
        ReportDate::from(date.unwrap_or_default())
    }

    /// Its last day.
    pub fn last(self) -> ReportDate {
        let date = match self {
            Self::Week { year, week } => NaiveDate::from_isoywd_opt(year, week, Weekday::Sun),
            Self::Month { year, month } => {
                let next = if month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)
                };
                next.and_then(|d| d.pred_opt())
            }
        };
        ReportDate::from(date.unwrap_or_default())
    }

    /// Its days, in order.
    pub fn days(self) -> Vec<ReportDate> {
        let (mut day, last) = (self.first(), self.last());
        let mut out = Vec::new();
        while day <= last {
            out.push(day);
            day = day.succ();
        }
        out
    }

    /// `week` or `month`.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Week { .. } => "week",
            Self::Month { .. } => "month",
        }
    }

    /// The HF page of the period (`/papers/week/2026-W07`, `/papers/month/2026-02`).
    pub fn source_url(self) -> String {
        format!("https://huggingface.co/papers/{}/{self}", self.kind())
    }
}

fn parse_digits<T: FromStr>(s: &str, len: usize) -> Option<T> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl FromStr for Period {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Week { year, week } => write!(f, "{year}-W{week:02}"),
            Self::Month { year, month } => write!(f, "{year}-{month:02}"),
        }
    }
}

/// The ISO week a day belongs to.
pub fn week_of(date: ReportDate) -> Period {
    let w = date.date().iso_week();
    Period::Week {
        year: w.year(),
        week: w.week(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_and_months_parse_and_span_their_days() {
        let w = Period::parse_week("2026-W07").unwrap();
        assert_eq!(w.to_string(), "2026-W07");
        assert_eq!(w.first().to_string(), "2026-02-09");
        assert_eq!(w.last().to_string(), "2026-02-15");
        assert_eq!(w.days().len(), 7);
        assert_eq!(week_of(ReportDate::parse("2026-02-10").unwrap()), w);
        let m = Period::parse_month("2024-02").unwrap();
        assert_eq!(
            (m.first().to_string(), m.last().to_string()),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(
            Period::parse("2026-12").unwrap().last().to_string(),
            "2026-12-31"
        );
        assert_eq!(
            w.source_url(),
            "https://huggingface.co/papers/week/2026-W07"
        );
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"2024-02\"");
        assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), m);
    }

    #[test]
    fn impossible_periods_say_why() {
        for (input, why) in [
            ("2026-W54", "2026 has no ISO week 54"),
            ("2026-W7", "expected a two-digit week"),
            ("2026-13", "there is no month 13"),
            ("26-02", "expected a four-digit year"),
            ("2026/02", "expected a month"),
        ] {
            let e = Period::parse(input).unwrap_err().to_string();
            assert!(e.contains(why), "{input}: {e}");
        }
    }
}
