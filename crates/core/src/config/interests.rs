//! `[[interests]]` (reader profiles) and `[embeddings]` (the endpoint that scores papers against
//! them). This module only types and checks what the user wrote; reading libraries and scoring
//! are the interests crate's.

use std::num::NonZeroU32;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::notify::EnvVar;
use super::sentinel;
use crate::http_url::HttpUrl;

/// A reader profile: what a reader wants first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The profile's id (letters, digits, `-`, `_`): channels name it, the site makes a page of it.
    pub name: String,
    /// Phrases that make a paper the reader's (Chinese and English forms both count).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Phrases that keep a paper out of this profile, whatever else matches.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Authors whose papers are the reader's.
    #[serde(default)]
    pub authors: Vec<String>,
    /// A library file: BibTeX/BibLaTeX (`.bib`), CSL-JSON (`.json`), RIS (`.ris`), or a file of
    /// arXiv ids (one per line). `~/` is the home directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<PathBuf>,
    /// A Zotero library read through the Zotero Web API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zotero: Option<ZoteroSource>,
    /// The score (0–1) from which a paper is "for you".
    #[serde(default = "half")]
    pub threshold: f64,
    /// At most this many "for you" papers a day, best first.
    #[serde(default = "ten")]
    pub max_for_you: NonZeroU32,
}

/// Where a Zotero library is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoteroSource {
    /// The numeric user id (zotero.org/settings/keys).
    pub user_id: String,
    /// A collection key; absent: the whole library.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    /// The variable holding the API key (sent as `Zotero-API-Key`, never shown).
    pub api_key_env: EnvVar,
    /// The API's base URL.
    #[serde(default = "zotero_api")]
    pub base_url: HttpUrl,
}

/// `[embeddings]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct EmbeddingsConfig {
    /// `""` in TOML: no embeddings (keywords and authors only).
    #[serde(with = "sentinel::empty_url")]
    pub base_url: Option<HttpUrl>,
    #[serde(with = "sentinel::empty_string")]
    pub model: Option<String>,
    pub batch: NonZeroU32,
    pub max_concurrency: NonZeroU32,
    #[serde(with = "sentinel::empty_string")]
    pub api_key_env: Option<String>,
}

impl EmbeddingsConfig {
    /// The endpoint and model, when both are set.
    pub fn endpoint(&self) -> Option<(&HttpUrl, &str)> {
        Some((self.base_url.as_ref()?, self.model.as_deref()?))
    }
}

impl Profile {
    /// What this profile has wrong, as (key, what is wrong).
    pub(super) fn problem(&self) -> Option<(&'static str, String)> {
        let name = &self.name;
        if !super::is_name(name, 32) {
            return Some((
                "name",
                format!("`{name}` must be 1 to 32 letters, digits, `-` or `_`"),
            ));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Some(("threshold", "must be 0 to 1".to_owned()));
        }
        let empty = self.keywords.is_empty()
            && self.authors.is_empty()
            && self.library.is_none()
            && self.zotero.is_none();
        empty.then(|| {
            (
                "keywords",
                format!("profile `{name}` needs keywords, authors, a library or a zotero source"),
            )
        })
    }
}

fn half() -> f64 {
    0.5
}

#[allow(clippy::unwrap_used)]
fn ten() -> NonZeroU32 {
    NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN)
}

#[allow(clippy::expect_used)]
fn zotero_api() -> HttpUrl {
    HttpUrl::parse("https://api.zotero.org").expect("a valid URL")
}

/// The first problem of the profiles (as `interests[i].key`) or of a channel naming a profile that
/// does not exist (as `notify[i].profile`), and what is wrong.
pub(super) fn problem(
    profiles: &[Profile],
    channels: &[super::NotifyChannel],
) -> Option<(String, String)> {
    for (i, p) in profiles.iter().enumerate() {
        if let Some((key, message)) = p.problem() {
            return Some((format!("interests[{i}].{key}"), message));
        }
        if profiles[..i].iter().any(|q| q.name == p.name) {
            return Some((
                format!("interests[{i}].name"),
                format!("two profiles are named `{}`", p.name),
            ));
        }
    }
    for (i, c) in channels.iter().enumerate() {
        if let Some(name) = c.common().profile
            && !profiles.iter().any(|p| p.name == name)
        {
            let known: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
            return Some((
                format!("notify[{i}].profile"),
                format!(
                    "no [[interests]] profile is named `{name}`; the profiles are: {}",
                    if known.is_empty() {
                        "(none)".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        }
    }
    None
}
