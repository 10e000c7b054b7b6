//! `ArxivId`: a validated arXiv identifier, the key of every file paperbrief writes.

use std::fmt;
use std::str::FromStr;

use serde_with::{DeserializeFromStr, SerializeDisplay};

use crate::error::CoreError;

/// A validated arXiv identifier with its optional version split off.
///
/// Accepted forms (an `arXiv:` prefix is allowed):
/// * new style `YYMM.NNNNN` (5 digits since 2015) or `YYMM.NNNN` (2007–2014), e.g. `2602.07040`;
/// * old style `archive[.SC]/YYMMNNN`, e.g. `hep-th/9901001`, `math.AG/0601001`;
/// * either with a version suffix `vN`, e.g. `2602.07040v2`.
///
/// Anything else is rejected by [`ArxivId::parse`], so an `ArxivId` is always safe to put in a
/// URL or (through [`ArxivId::file_stem`]) in a file name.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, SerializeDisplay, DeserializeFromStr,
)]
pub struct ArxivId {
    base: String,
    version: Option<u32>,
}

impl ArxivId {
    /// Parses and validates an identifier; the error names the input and what was expected.
    pub fn parse(input: &str) -> Result<Self, CoreError> {
        let invalid = |reason: &str| CoreError::InvalidArxivId {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = input.trim();
        let s = strip_prefix_ignore_case(trimmed, "arxiv:").unwrap_or(trimmed);
        if s.is_empty() {
            return Err(invalid("it is empty"));
        }
        if !s.is_ascii() {
            return Err(invalid("it contains non-ASCII characters"));
        }
        let (base, version) = split_version(s).map_err(&invalid)?;
        if base.contains('/') {
            validate_old_style(base).map_err(&invalid)?;
        } else {
            validate_new_style(base).map_err(&invalid)?;
        }
        Ok(Self {
            base: base.to_owned(),
            version,
        })
    }

    /// What a user may type or paste: an identifier as [`ArxivId::parse`] takes it, or the URL
    /// of the paper on arXiv (`/abs/`, `/pdf/`, `/html/`, with a version, a `.pdf` suffix, a
    /// query or fragment) or on Hugging Face (`huggingface.co/papers/…`).
    pub fn from_user(input: &str) -> Result<Self, CoreError> {
        let trimmed = input.trim();
        let Some(rest) = strip_prefix_ignore_case(trimmed, "https://")
            .or_else(|| strip_prefix_ignore_case(trimmed, "http://"))
        else {
            return Self::parse(trimmed);
        };
        let not_a_paper = || CoreError::InvalidArxivId {
            input: input.to_owned(),
            reason: "a URL must be a paper's page on arXiv (arxiv.org/abs/ID, /pdf/ID, /html/ID) \
                     or Hugging Face (huggingface.co/papers/ID)"
                .to_owned(),
        };
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        let (host, path) = rest.split_once('/').ok_or_else(not_a_paper)?;
        let host = host.to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let id = match host {
            "arxiv.org" | "export.arxiv.org" => ["abs/", "pdf/", "html/"]
                .iter()
                .find_map(|p| path.strip_prefix(p)),
            "huggingface.co" | "hf.co" => path.strip_prefix("papers/"),
            _ => None,
        }
        .ok_or_else(not_a_paper)?;
        let id = id.trim_end_matches('/');
        let id = id.strip_suffix(".pdf").unwrap_or(id);
        Self::parse(id).map_err(|_| not_a_paper())
    }

    /// The identifier without its version, e.g. `2602.07040`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The version number, when one was given.
    pub fn version(&self) -> Option<u32> {
        self.version
    }

    /// The same paper without a version.
    #[must_use]
    pub fn unversioned(&self) -> Self {
        Self {
            base: self.base.clone(),
            version: None,
        }
    }

    /// The same paper at version `v` (`v` ≥ 1).
    #[must_use]
    pub fn with_version(&self, v: u32) -> Self {
        Self {
            base: self.base.clone(),
            version: Some(v.max(1)),
        }
    }

    /// A string usable as a file name: the id with `/` replaced by `_` (old-style ids), plus the
    /// version when present. Only characters from `[A-Za-z0-9._-]` can occur.
    pub fn file_stem(&self) -> String {
        self.to_string().replace('/', "_")
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn split_version(s: &str) -> Result<(&str, Option<u32>), &'static str> {
    let Some(pos) = s.rfind('v') else {
        return Ok((s, None));
    };
    let digits = &s[pos + 1..];
    // Old-style archives contain letters but never a `v` followed only by digits at the end.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        if s[pos..].contains('/') {
            return Ok((s, None));
        }
        return Err("the version suffix must be `v` followed by digits, e.g. `v2`");
    }
    let version: u32 = digits
        .parse()
        .map_err(|_| "the version number is too large")?;
    if version == 0 {
        return Err("versions start at v1");
    }
    Ok((&s[..pos], Some(version)))
}

fn validate_new_style(base: &str) -> Result<(), &'static str> {
    const EXPECTED: &str = "expected `YYMM.NNNNN` (e.g. `2602.07040`), optionally with `vN`, \
                            or an old-style id such as `hep-th/9901001`";
    let (yymm, number) = base.split_once('.').ok_or(EXPECTED)?;
    if yymm.len() != 4 || !yymm.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EXPECTED);
    }
    if !number.bytes().all(|b| b.is_ascii_digit()) || number.is_empty() {
        return Err(EXPECTED);
    }
    let year: u32 = yymm[..2].parse().map_err(|_| EXPECTED)?;
    let month: u32 = yymm[2..].parse().map_err(|_| EXPECTED)?;
    if !(1..=12).contains(&month) {
        return Err("the month in `YYMM` must be 01 to 12");
    }
    if year < 7 || (year == 7 && month < 4) {
        return Err(
            "new-style ids start in April 2007 (`0704`); older papers use ids like `hep-th/9901001`",
        );
    }
    let want = if year >= 15 { 5 } else { 4 };
    if number.len() != want {
        return Err(if want == 5 {
            "ids since 2015 have five digits after the dot, e.g. `2602.07040`"
        } else {
            "ids from 2007 to 2014 have four digits after the dot, e.g. `0704.0001`"
        });
    }
    Ok(())
}

fn validate_old_style(base: &str) -> Result<(), &'static str> {
    const EXPECTED: &str = "old-style ids look like `hep-th/9901001` or `math.AG/0601001`";
    let (archive, number) = base.split_once('/').ok_or(EXPECTED)?;
    let (name, subject) = match archive.split_once('.') {
        Some((n, s)) => (n, Some(s)),
        None => (archive, None),
    };
    let name_ok = !name.is_empty()
        && name
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase()));
    let subject_ok =
        subject.is_none_or(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()));
    let number_ok = number.len() == 7 && number.bytes().all(|b| b.is_ascii_digit());
    if name_ok && subject_ok && number_ok {
        let month: u32 = number[2..4].parse().map_err(|_| EXPECTED)?;
        if (1..=12).contains(&month) {
            return Ok(());
        }
    }
    Err(EXPECTED)
}

impl fmt::Display for ArxivId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Some(v) => write!(f, "{}v{v}", self.base),
            None => f.write_str(&self.base),
        }
    }
}

impl FromStr for ArxivId {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_paper_urls_are_ids() {
        for (input, want) in [
            ("https://arxiv.org/abs/2602.07026", "2602.07026"),
            ("http://arxiv.org/abs/2602.07026v2", "2602.07026v2"),
            ("https://arxiv.org/pdf/2602.07026v1.pdf", "2602.07026v1"),
            ("https://arxiv.org/pdf/2602.07026", "2602.07026"),
            ("https://arxiv.org/html/2602.07026v1/", "2602.07026v1"),
            (
                "https://www.arxiv.org/abs/2602.07026?context=cs#x",
                "2602.07026",
            ),
            ("https://arxiv.org/abs/hep-th/9901001v3", "hep-th/9901001v3"),
            ("https://huggingface.co/papers/2602.07026", "2602.07026"),
            ("  2602.07026 ", "2602.07026"),
        ] {
            assert_eq!(
                ArxivId::from_user(input).unwrap().to_string(),
                want,
                "{input}"
            );
        }
        for bad in [
            "https://example.org/abs/2602.07026",
            "https://arxiv.org/list/cs.CL/recent",
            "https://huggingface.co/papers?date=2026-02-10",
            "https://arxiv.org/abs/../../etc/passwd",
        ] {
            let e = ArxivId::from_user(bad).unwrap_err().to_string();
            assert!(e.contains("a URL must be a paper's page"), "{bad}: {e}");
        }
    }

    #[test]
    fn accepts_the_documented_forms() {
        for (input, base, version) in [
            ("2602.07040", "2602.07040", None),
            ("2602.07040v2", "2602.07040", Some(2)),
            ("arXiv:2602.07040v12", "2602.07040", Some(12)),
            ("ARXIV:2602.07040", "2602.07040", None),
            (" 2601.21363 ", "2601.21363", None),
            ("0704.0001", "0704.0001", None),
            ("1412.6980v9", "1412.6980", Some(9)),
            ("hep-th/9901001", "hep-th/9901001", None),
            ("hep-th/9901001v3", "hep-th/9901001", Some(3)),
            ("math.AG/0601001", "math.AG/0601001", None),
            ("cond-mat/0011001v1", "cond-mat/0011001", Some(1)),
        ] {
            let id = ArxivId::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.base(), base, "{input}");
            assert_eq!(id.version(), version, "{input}");
        }
    }

    #[test]
    fn rejects_everything_else_naming_the_input() {
        for input in [
            "",
            "2602.0704",
            "2602.070401",
            "2613.07040",
            "2600.07040",
            "0703.0001",
            "1501.0001",
            "2602.07040v",
            "2602.07040v0",
            "2602.07040vx",
            "2602-07040",
            "../../etc/passwd",
            "2602.07040/../../x",
            "hep-th/990100",
            "HEP-TH/9901001",
            "hep-th/9913001",
            "hep_th/9901001",
            "math.ag/0601001",
            "2602.07040 v2",
            "２６０２.07040",
            "2602.07040;rm -rf",
        ] {
            let err = ArxivId::parse(input).expect_err(input);
            assert!(err.to_string().contains(&format!("`{input}`")), "{err}");
        }
    }

    #[test]
    fn file_stem_is_path_safe() {
        let id = ArxivId::parse("hep-th/9901001v2").unwrap();
        assert_eq!(id.file_stem(), "hep-th_9901001v2");
        assert_eq!(
            ArxivId::parse("2602.07040").unwrap().file_stem(),
            "2602.07040"
        );
    }

    #[test]
    fn display_round_trips() {
        for s in ["2602.07040", "2602.07040v3", "hep-th/9901001v1"] {
            assert_eq!(ArxivId::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn serde_uses_the_string_form_and_validates() {
        let id: ArxivId = serde_json::from_str("\"2602.07040v2\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"2602.07040v2\"");
        assert!(serde_json::from_str::<ArxivId>("\"../x\"").is_err());
    }
}
