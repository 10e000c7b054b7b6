//! `[[notify]]`: the channels a finished day is pushed to, and what each must name.

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

use crate::http_url::HttpUrl;

/// A `[[notify]]` channel: see `config/default.toml` and the README.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyChannel {
    /// The channel's name (letters, digits, `-`, `_`); defaults to its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The platform.
    pub kind: ChannelKind,
    /// The environment variable holding the webhook URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_env: Option<String>,
    /// The environment variable holding a signing secret (Feishu, DingTalk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// Papers listed in the message (email and webhook carry them all).
    #[serde(default = "ten")]
    pub top: NonZeroU32,
    /// Telegram: the environment variable holding the bot token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// Telegram: the chat to post in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<String>,
    /// Telegram: the Bot API's base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<HttpUrl>,
    /// Email: the environment variable holding the SMTP URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_url_env: Option<String>,
    /// Email: the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Email: the recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
}

#[allow(clippy::unwrap_used)]
fn ten() -> NonZeroU32 {
    NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN)
}

impl NotifyChannel {
    /// The channel's name: `name`, else its kind.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.kind.as_str())
    }

    /// What this channel lacks or has wrong, as (key, what is wrong).
    pub(super) fn problem(&self) -> Option<(&'static str, String)> {
        let name = self.label();
        if name.is_empty()
            || name.len() > 64
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Some((
                "name",
                format!("`{name}` must be 1 to 64 letters, digits, `-` or `_`"),
            ));
        }
        let needs: &[(&'static str, bool)] = match self.kind {
            ChannelKind::Telegram => &[
                ("token_env", self.token_env.is_some()),
                ("chat_id", self.chat_id.is_some()),
            ],
            ChannelKind::Email => &[
                ("smtp_url_env", self.smtp_url_env.is_some()),
                ("from", self.from.is_some()),
                ("to", !self.to.is_empty()),
            ],
            _ => &[("url_env", self.url_env.is_some())],
        };
        if let Some((key, _)) = needs.iter().find(|(_, ok)| !ok) {
            return Some((
                key,
                format!("a {} channel needs `{key}`", self.kind.as_str()),
            ));
        }
        None
    }
}

/// The platforms a channel can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// A Feishu (Lark) custom bot.
    Feishu,
    /// A WeCom (企业微信) group bot.
    Wecom,
    /// A DingTalk robot.
    Dingtalk,
    /// A Slack incoming webhook.
    Slack,
    /// A Discord webhook.
    Discord,
    /// A Telegram bot.
    Telegram,
    /// Any URL taking a JSON POST.
    Webhook,
    /// Email over SMTP.
    Email,
}

impl ChannelKind {
    /// Its name in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feishu => "feishu",
            Self::Wecom => "wecom",
            Self::Dingtalk => "dingtalk",
            Self::Slack => "slack",
            Self::Discord => "discord",
            Self::Telegram => "telegram",
            Self::Webhook => "webhook",
            Self::Email => "email",
        }
    }
}
