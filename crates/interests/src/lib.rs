//! paperbrief's reader profiles: each reader's papers first.
//!
//! Role: read each `[[interests]]` profile's library — a BibTeX/BibLaTeX, CSL-JSON or RIS export,
//! a list of arXiv ids ([`library`]), or a Zotero library through its Web API ([`zotero`]) — keep
//! embeddings by model and content so nothing is embedded twice ([`VectorCache`]), and score a
//! day's papers for a profile with the reasons ([`score::rank`]). Inputs: the configuration, the
//! environment (the Zotero key), the day's papers and their vectors (the LLM crate's embeddings
//! client makes them). Outputs: [`Library`]s and [`paperbrief_report::Relevance`]s.

pub mod error;
pub mod library;
pub mod score;
mod vectors;
pub mod zotero;

use paperbrief_core::config::Profile;
use paperbrief_http::RetryPolicy;

pub use error::InterestsError;
pub use library::{Library, LibraryItem};
pub use score::{Paper, Vectors, cosine, rank};
pub use vectors::VectorCache;

/// A profile with its library read.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The profile as configured.
    pub profile: Profile,
    /// Its library (file and Zotero items together; empty without either).
    pub library: Library,
}

/// Reads every profile's library: its file, then its Zotero items. A file that does not parse,
/// a Zotero key that is not set, or a Zotero API that keeps failing is an error naming it.
pub async fn load(
    profiles: &[Profile],
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    http: &reqwest::Client,
    retry: RetryPolicy,
) -> Result<Vec<Loaded>, InterestsError> {
    let mut out = Vec::with_capacity(profiles.len());
    for profile in profiles {
        let mut library = match &profile.library {
            Some(path) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || library::read(&path))
                    .await
                    .map_err(|e| InterestsError::LibraryFile {
                        path: profile.library.clone().unwrap_or_default(),
                        source: std::io::Error::other(e),
                    })??
            }
            None => Library::default(),
        };
        if let Some(source) = &profile.zotero {
            let var = source.api_key_env.as_str();
            let key = env(var).filter(|k| !k.trim().is_empty()).ok_or_else(|| {
                InterestsError::NoZoteroKey {
                    var: var.to_owned(),
                }
            })?;
            let items = zotero::read(source, key.trim(), http, retry).await?;
            library.items.extend(items.items);
            library.untitled += items.untitled;
        }
        out.push(Loaded {
            profile: profile.clone(),
            library,
        });
    }
    Ok(out)
}
