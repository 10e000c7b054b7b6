//! An `http(s)` URL from the configuration, parsed once (so an invalid one never travels) and
//! shown without its password wherever it is printed, logged or serialised: a base URL may carry
//! credentials (`https://user:token@host/v1`), and this type cannot forget to hide them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

/// Why a value is not an `http(s)` URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// It does not parse.
    #[error("`{value}` is not a URL ({reason}); expected e.g. https://example.org")]
    NotAUrl {
        /// The value.
        value: String,
        /// The parser's reason.
        reason: url::ParseError,
    },
    /// Another scheme, or no host.
    #[error("`{value}` must be an http(s) URL, not `{scheme}:`")]
    NotHttp {
        /// The value, password hidden.
        value: String,
        /// Its scheme.
        scheme: String,
    },
}

/// An `http(s)` URL with a host.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HttpUrl {
    /// As written (trimmed), so joining paths keeps the user's spelling.
    text: String,
    url: Url,
}

impl HttpUrl {
    /// Parses `value`; only `http` and `https` URLs with a host are accepted.
    pub fn parse(value: &str) -> Result<Self, UrlError> {
        let text = value.trim().to_owned();
        let url = Url::parse(&text).map_err(|reason| UrlError::NotAUrl {
            value: text.clone(),
            reason,
        })?;
        if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
            return Err(UrlError::NotHttp {
                value: redact(&url),
                scheme: url.scheme().to_owned(),
            });
        }
        Ok(Self { text, url })
    }

    /// The whole URL, password included: for making requests, never for showing.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The parsed URL (password included).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The URL with its password, if any, as `***`.
    pub fn redacted(&self) -> String {
        if self.url.password().is_some() {
            redact(&self.url)
        } else {
            self.text.clone()
        }
    }
}

fn redact(url: &Url) -> String {
    let mut u = url.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some("***"));
    }
    u.to_string()
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpUrl({})", self.redacted())
    }
}

impl std::str::FromStr for HttpUrl {
    type Err = UrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Serialised without its password: the configuration is only ever written to be shown.
impl Serialize for HttpUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_parse() {
        assert!(HttpUrl::parse("http://localhost:8000/v1").is_ok());
        assert!(HttpUrl::parse(" https://hf-mirror.com ").is_ok());
        let e = HttpUrl::parse("ftp://u:secret@x.org")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("must be an http(s) URL") && !e.contains("secret"),
            "{e}"
        );
        assert!(matches!(
            HttpUrl::parse("localhost:8000"),
            Err(UrlError::NotHttp { .. })
        ));
        assert!(matches!(
            HttpUrl::parse("not a url"),
            Err(UrlError::NotAUrl { .. })
        ));
    }

    #[test]
    fn the_password_never_shows() {
        let u = HttpUrl::parse("https://bot:s3cret@llm.example/v1").unwrap();
        assert_eq!(u.expose(), "https://bot:s3cret@llm.example/v1");
        for shown in [
            u.to_string(),
            format!("{u:?}"),
            serde_json::to_string(&u).unwrap(),
        ] {
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("bot:***@llm.example"), "{shown}");
        }
        let plain = HttpUrl::parse("http://localhost:8000/v1").unwrap();
        assert_eq!(plain.to_string(), "http://localhost:8000/v1");
    }
}
