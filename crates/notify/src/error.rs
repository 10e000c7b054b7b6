//! The one error type of `paperbrief-notify`: a channel that could not be delivered to.

use std::time::Duration;

/// Why a channel was not delivered to. Messages name the channel and what to fix, never a
/// webhook URL, token or password.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{channel}: {message}")]
pub struct NotifyError {
    /// The channel's name.
    pub channel: String,
    /// What went wrong.
    pub message: String,
    /// Whether trying again later may work (connection errors, 5xx, 429, a platform's
    /// rate-limit code).
    pub transient: bool,
    /// How long the platform asked to wait.
    pub retry_after: Option<Duration>,
}

impl NotifyError {
    /// A problem that trying again will not fix (a missing variable, a rejected message).
    pub fn fatal(channel: &str, message: impl Into<String>) -> Self {
        Self {
            channel: channel.to_owned(),
            message: message.into(),
            transient: false,
            retry_after: None,
        }
    }

    /// A problem that may pass.
    pub fn transient(
        channel: &str,
        message: impl Into<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        Self {
            channel: channel.to_owned(),
            message: message.into(),
            transient: true,
            retry_after,
        }
    }
}

impl paperbrief_http::Transient for NotifyError {
    fn is_transient(&self) -> bool {
        self.transient
    }
    fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

/// A channel whose settings cannot make a message: what is wrong, never the URL or secret.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The channel's URL variable is empty.
    #[error("no webhook URL")]
    NoUrl,
    /// A URL that does not parse (not echoed: it may hold a token).
    #[error("the {0} is not a URL")]
    NotAUrl(&'static str),
    /// An SMTP URL without a host.
    #[error("the SMTP URL has no host")]
    NoHost,
    /// An SMTP URL of another scheme.
    #[error("the SMTP URL's scheme is `{0}`; use smtp:// (STARTTLS) or smtps:// (TLS)")]
    SmtpScheme(String),
    /// lettre refused the relay.
    #[error("{0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// A platform that is sent to another way.
    #[error("{0} is not a webhook")]
    NotAWebhook(&'static str),
}
