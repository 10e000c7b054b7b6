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
