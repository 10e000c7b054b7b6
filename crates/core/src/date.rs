//! `ReportDate`: the calendar day a report is for.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde_with::{DeserializeFromStr, SerializeDisplay};

use crate::error::CoreError;

/// A day of Hugging Face Daily Papers, always written `YYYY-MM-DD`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, SerializeDisplay, DeserializeFromStr,
)]
pub struct ReportDate(NaiveDate);

impl ReportDate {
    /// Parses exactly `YYYY-MM-DD` (a real calendar day between 2000 and 2199).
    pub fn parse(input: &str) -> Result<Self, CoreError> {
        let err = || CoreError::InvalidDate {
            input: input.to_owned(),
        };
        let s = input.trim();
        let shape_ok = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(err());
        }
        let no_such = |reason: String| CoreError::NoSuchDate {
            input: input.to_owned(),
            reason,
        };
        let field = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (field(0..4), field(5..7), field(8..10));
        if !(2000..2200).contains(&year) {
            return Err(no_such(format!("the year {year} is outside 2000–2199")));
        }
        if !(1..=12).contains(&month) {
            return Err(no_such(format!("there is no month {month:02}")));
        }
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)
            .ok_or_else(|| no_such(format!("{year}-{month:02} has no day {day:02}")))?;
        Ok(Self(date))
    }

    /// What a user may type: `YYYY-MM-DD`, `today` or `yesterday` (UTC, the days HF lists by).
    pub fn from_user(input: &str) -> Result<Self, CoreError> {
        let today = Self::today_utc();
        match input.trim().to_ascii_lowercase().as_str() {
            "today" => Ok(today),
            "yesterday" => Ok(Self(today.0.pred_opt().unwrap_or(today.0))),
            _ => Self::parse(input),
        }
    }

    /// Today in UTC.
    pub fn today_utc() -> Self {
        Self(chrono::Utc::now().date_naive())
    }

    /// The underlying calendar date.
    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// The next day.
    #[must_use]
    pub fn succ(self) -> Self {
        Self(self.0.succ_opt().unwrap_or(self.0))
    }
}

impl From<NaiveDate> for ReportDate {
    fn from(d: NaiveDate) -> Self {
        Self(d)
    }
}

impl fmt::Display for ReportDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl FromStr for ReportDate {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_days_only() {
        assert_eq!(
            ReportDate::parse("2026-02-10").unwrap().to_string(),
            "2026-02-10"
        );
        assert_eq!(
            ReportDate::parse("2024-02-29").unwrap().to_string(),
            "2024-02-29"
        );
        for bad in [
            "2026-2-10",
            "2026/02/10",
            "20260210",
            "yesterday",
            "",
            "2026-02-10T00:00",
            "+026-02-10",
        ] {
            let e = ReportDate::parse(bad).expect_err(bad);
            assert!(e.to_string().contains("expected YYYY-MM-DD"), "{e}");
            assert!(e.to_string().contains(&format!("`{bad}`")), "{e}");
        }
        // Well written, but no such day: the message says which part is impossible.
        for (bad, why) in [
            ("2026-02-30", "2026-02 has no day 30"),
            ("2025-02-29", "2025-02 has no day 29"),
            ("2026-13-01", "there is no month 13"),
            ("2026-04-00", "2026-04 has no day 00"),
            ("1999-12-31", "the year 1999 is outside 2000–2199"),
        ] {
            let e = ReportDate::parse(bad).expect_err(bad).to_string();
            assert_eq!(e, format!("invalid date `{bad}`: {why}"));
        }
    }

    #[test]
    fn succ_moves_one_day() {
        let d = ReportDate::parse("2026-02-28").unwrap();
        assert_eq!(d.succ().to_string(), "2026-03-01");
    }
}
