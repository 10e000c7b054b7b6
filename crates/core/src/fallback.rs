//! Why a paper was read from its abstract: one record from fetch through the store to the
//! report's JSON, where it is written as the two fields users' scripts read
//! (`fallback`, `fallback_transient`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why the full text was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// Why, as a sentence for the report.
    pub reason: String,
    /// Whether the HTML attempt ended on a transient error (429, 5xx, a timeout, a broken
    /// connection, a page that was not the paper): the full text may come later, so the next run
    /// asks again. `false` when arXiv definitively has none (404, the "No HTML" page, a failed
    /// conversion, a page over the size cap).
    pub transient: bool,
}

impl Fallback {
    /// A reason that will not pass.
    pub fn final_(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            transient: false,
        }
    }

    /// A reason that may pass.
    pub fn transient(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            transient: true,
        }
    }

    /// Whether a text read with `fallback` is worth asking arXiv for again.
    pub fn degrades(fallback: Option<&Self>) -> bool {
        fallback.is_some_and(|f| f.transient)
    }
}

#[derive(Serialize, Deserialize)]
struct Fields<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    fallback: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fallback_transient: Option<bool>,
}

fn write<S: Serializer>(f: Option<&Fallback>, always_flag: bool, s: S) -> Result<S::Ok, S::Error> {
    Fields {
        fallback: f.map(|f| f.reason.as_str().into()),
        fallback_transient: f.map(|f| f.transient).filter(|t| always_flag || *t),
    }
    .serialize(s)
}

fn read<'de, D: Deserializer<'de>>(d: D, missing_flag: bool) -> Result<Option<Fallback>, D::Error> {
    let fields = Fields::deserialize(d)?;
    Ok(fields.fallback.map(|reason| Fallback {
        reason: reason.into_owned(),
        transient: fields.fallback_transient.unwrap_or(missing_flag),
    }))
}

/// `#[serde(flatten, with = "paperbrief_core::fallback::report_fields")]`: the report's form —
/// `fallback_transient` only when true, and absent means final.
pub mod report_fields {
    use super::*;

    /// Writes the two fields.
    pub fn serialize<S: Serializer>(f: &Option<Fallback>, s: S) -> Result<S::Ok, S::Error> {
        write(f.as_ref(), false, s)
    }

    /// Reads the two fields.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Fallback>, D::Error> {
        read(d, false)
    }
}

/// `#[serde(flatten, with = "paperbrief_core::fallback::store_fields")]`: the store's form —
/// the flag always written; a stored text from before the flag was recorded counts as
/// transient, so its HTML is tried once more.
pub mod store_fields {
    use super::*;

    /// Writes the two fields.
    pub fn serialize<S: Serializer>(f: &Option<Fallback>, s: S) -> Result<S::Ok, S::Error> {
        write(f.as_ref(), true, s)
    }

    /// Reads the two fields.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Fallback>, D::Error> {
        read(d, true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Report {
        kind: u8,
        #[serde(flatten, with = "report_fields")]
        fallback: Option<Fallback>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Stored {
        #[serde(flatten, with = "store_fields")]
        fallback: Option<Fallback>,
    }

    #[test]
    fn the_report_writes_the_flag_only_when_true() {
        let r = Report {
            kind: 1,
            fallback: Some(Fallback::final_("404")),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v, json!({"kind": 1, "fallback": "404"}));
        assert_eq!(serde_json::from_value::<Report>(v).unwrap(), r);
        let t = Report {
            kind: 1,
            fallback: Some(Fallback::transient("429")),
        };
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["fallback_transient"], true);
        assert_eq!(serde_json::from_value::<Report>(v).unwrap(), t);
        let none: Report = serde_json::from_value(json!({"kind": 0})).unwrap();
        assert_eq!(none.fallback, None);
    }

    #[test]
    fn a_stored_fallback_without_the_flag_is_tried_again() {
        let old: Stored = serde_json::from_value(json!({"fallback": "HTTP 503"})).unwrap();
        assert!(Fallback::degrades(old.fallback.as_ref()));
        let fin = Stored {
            fallback: Some(Fallback::final_("404")),
        };
        let v = serde_json::to_value(&fin).unwrap();
        assert_eq!(v["fallback_transient"], false);
        assert!(!Fallback::degrades(
            serde_json::from_value::<Stored>(v)
                .unwrap()
                .fallback
                .as_ref()
        ));
    }
}
