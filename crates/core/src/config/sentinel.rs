//! The TOML spellings users write for "not set" — `""` for a string or path, `0` for a number —
//! read into `Option`s, and written back the same way, so the file syntax never changes.

/// `""` (or only whitespace) ⇄ `None` for an `Option<String>`.
pub(super) mod empty_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(in crate::config) fn serialize<S: Serializer>(
        value: &Option<String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value.as_deref().unwrap_or_default())
    }

    pub(in crate::config) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok((!s.trim().is_empty()).then_some(s))
    }
}

/// `""` (or only whitespace) ⇄ `None` for an `Option<HttpUrl>`.
pub(super) mod empty_url {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::http_url::HttpUrl;

    pub(in crate::config) fn serialize<S: Serializer>(
        value: &Option<HttpUrl>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(u) => u.serialize(serializer),
            None => serializer.serialize_str(""),
        }
    }

    pub(in crate::config) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<HttpUrl>, D::Error> {
        let s = String::deserialize(deserializer)?;
        if s.trim().is_empty() {
            return Ok(None);
        }
        HttpUrl::parse(&s)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

/// `""` (or only whitespace) ⇄ `None` for an `Option<PathBuf>`.
pub(super) mod empty_path {
    use std::path::PathBuf;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(in crate::config) fn serialize<S: Serializer>(
        value: &Option<PathBuf>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let text = value
            .as_deref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        serializer.serialize_str(&text)
    }

    pub(in crate::config) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PathBuf>, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok((!s.trim().is_empty()).then(|| PathBuf::from(s)))
    }
}

/// `0` ⇄ `None` for an `Option<NonZeroU32>`.
pub(super) mod zero_none {
    use std::num::NonZeroU32;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(in crate::config) fn serialize<S: Serializer>(
        value: &Option<NonZeroU32>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(value.map_or(0, NonZeroU32::get))
    }

    pub(in crate::config) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NonZeroU32>, D::Error> {
        Ok(NonZeroU32::new(u32::deserialize(deserializer)?))
    }
}
