//! `[[notify]]`: the channels a finished day is pushed to, one type per platform, each with
//! exactly the keys its platform takes (an unknown key is named with the ones it accepts).
//!
//! The TOML users write is one flat table per channel with a `kind`; it is read into
//! [`NotifyChannel`], a tagged enum, so a Telegram channel always has its chat and an email
//! channel its recipients, and no code checks at run time what the type already says.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_with::{DeserializeFromStr, SerializeDisplay};
use toml::{Table, Value};

use crate::http_url::HttpUrl;

/// A `[[notify]]` channel: see `config/default.toml` and the README.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotifyChannel {
    /// A Feishu (Lark) custom bot (optionally signed).
    Feishu(SignedHook),
    /// A WeCom (企业微信) group bot.
    Wecom(Hook),
    /// A DingTalk robot (optionally signed).
    Dingtalk(SignedHook),
    /// A Slack incoming webhook.
    Slack(Hook),
    /// A Discord webhook.
    Discord(Hook),
    /// A Telegram bot.
    Telegram(TelegramBot),
    /// Any URL taking a JSON POST.
    Webhook(Hook),
    /// Email over SMTP.
    Email(EmailChannel),
}

impl<'de> Deserialize<'de> for NotifyChannel {
    /// `kind` picks the platform, whose type then reads the rest of the table, so an error
    /// names the key it is about (`` `url_env` holds a URL… ``, `` unknown field `secret_env` ``).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut table = Table::deserialize(deserializer)?;
        let kind = table
            .remove("kind")
            .ok_or_else(|| D::Error::missing_field("kind"))?;
        let kind = ChannelKind::deserialize(kind).map_err(D::Error::custom)?;
        let rest = Value::Table(table);
        Ok(match kind {
            ChannelKind::Feishu => Self::Feishu(platform(rest)?),
            ChannelKind::Wecom => Self::Wecom(platform(rest)?),
            ChannelKind::Dingtalk => Self::Dingtalk(platform(rest)?),
            ChannelKind::Slack => Self::Slack(platform(rest)?),
            ChannelKind::Discord => Self::Discord(platform(rest)?),
            ChannelKind::Telegram => Self::Telegram(platform(rest)?),
            ChannelKind::Webhook => Self::Webhook(platform(rest)?),
            ChannelKind::Email => Self::Email(platform(rest)?),
        })
    }
}

/// A platform's keys, read from the channel's table; an error names the key.
fn platform<T: DeserializeOwned, E: serde::de::Error>(table: Value) -> Result<T, E> {
    serde_path_to_error::deserialize(table).map_err(|e| {
        let path = e.path().to_string();
        match path.as_str() {
            "." => E::custom(e.into_inner()),
            _ => E::custom(format_args!("`{path}` {}", e.into_inner())),
        }
    })
}

/// The keys every channel has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Common<'a> {
    /// The channel's name (letters, digits, `-`, `_`), if given.
    pub name: Option<&'a str>,
    /// Papers listed in the message (email and webhook carry them all).
    pub top: NonZeroU32,
    /// The profile whose "for you" papers it gets, if any.
    pub profile: Option<&'a str>,
}

/// A webhook whose URL (with its token) is in an environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hook {
    /// The channel's name; defaults to its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Papers listed in the message.
    #[serde(default = "ten")]
    pub top: NonZeroU32,
    /// A `[[interests]]` profile: the channel gets only its "for you" papers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The variable holding the webhook URL.
    pub url_env: EnvVar,
}

/// A webhook that may also sign its messages with a secret (Feishu, DingTalk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedHook {
    /// The channel's name; defaults to its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Papers listed in the message.
    #[serde(default = "ten")]
    pub top: NonZeroU32,
    /// A `[[interests]]` profile: the channel gets only its "for you" papers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The variable holding the webhook URL.
    pub url_env: EnvVar,
    /// The variable holding the signing secret, when the bot has signing turned on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<EnvVar>,
}

/// A Telegram bot posting to one chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramBot {
    /// The channel's name; defaults to `telegram`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Papers listed in the message.
    #[serde(default = "ten")]
    pub top: NonZeroU32,
    /// A `[[interests]]` profile: the channel gets only its "for you" papers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The variable holding the bot token.
    pub token_env: EnvVar,
    /// The chat to post in.
    pub chat_id: String,
    /// The Bot API's base URL (default `https://api.telegram.org`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<HttpUrl>,
}

/// Email over SMTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailChannel {
    /// The channel's name; defaults to `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Papers listed in the message (the email carries them all).
    #[serde(default = "ten")]
    pub top: NonZeroU32,
    /// A `[[interests]]` profile: the channel gets only its "for you" papers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The variable holding the SMTP URL (`smtp://user:pass@host:587`).
    pub smtp_url_env: EnvVar,
    /// The sender.
    pub from: String,
    /// The recipients (at least one).
    pub to: Vec<String>,
}

#[allow(clippy::unwrap_used)]
fn ten() -> NonZeroU32 {
    NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN)
}

impl NotifyChannel {
    /// The platform.
    pub fn kind(&self) -> ChannelKind {
        match self {
            Self::Feishu(_) => ChannelKind::Feishu,
            Self::Wecom(_) => ChannelKind::Wecom,
            Self::Dingtalk(_) => ChannelKind::Dingtalk,
            Self::Slack(_) => ChannelKind::Slack,
            Self::Discord(_) => ChannelKind::Discord,
            Self::Telegram(_) => ChannelKind::Telegram,
            Self::Webhook(_) => ChannelKind::Webhook,
            Self::Email(_) => ChannelKind::Email,
        }
    }

    /// The keys every channel has.
    pub fn common(&self) -> Common<'_> {
        let (name, top, profile) = match self {
            Self::Feishu(c) | Self::Dingtalk(c) => (&c.name, c.top, &c.profile),
            Self::Wecom(c) | Self::Slack(c) | Self::Discord(c) | Self::Webhook(c) => {
                (&c.name, c.top, &c.profile)
            }
            Self::Telegram(c) => (&c.name, c.top, &c.profile),
            Self::Email(c) => (&c.name, c.top, &c.profile),
        };
        Common {
            name: name.as_deref(),
            top,
            profile: profile.as_deref(),
        }
    }

    /// The channel's name: `name`, else its kind.
    pub fn label(&self) -> &str {
        self.common().name.unwrap_or(self.kind().as_str())
    }

    /// Papers listed in the message.
    pub fn top(&self) -> NonZeroU32 {
        self.common().top
    }

    /// The environment variables the channel needs, with the key naming each: what must be set
    /// before it can deliver.
    pub fn variables(&self) -> Vec<(&'static str, &EnvVar)> {
        match self {
            Self::Feishu(c) | Self::Dingtalk(c) => {
                let mut vars = vec![("url_env", &c.url_env)];
                vars.extend(c.secret_env.iter().map(|v| ("secret_env", v)));
                vars
            }
            Self::Wecom(c) | Self::Slack(c) | Self::Discord(c) | Self::Webhook(c) => {
                vec![("url_env", &c.url_env)]
            }
            Self::Telegram(c) => vec![("token_env", &c.token_env)],
            Self::Email(c) => vec![("smtp_url_env", &c.smtp_url_env)],
        }
    }

    /// What this channel has wrong that its type cannot say, as (key, what is wrong).
    pub(super) fn problem(&self) -> Option<(&'static str, String)> {
        let name = self.label();
        if !super::is_name(name, 64) {
            return Some((
                "name",
                format!("`{name}` must be 1 to 64 letters, digits, `-` or `_`"),
            ));
        }
        match self {
            Self::Email(c) if c.to.is_empty() => {
                Some(("to", "an email channel needs at least one recipient".into()))
            }
            Self::Telegram(c) if c.chat_id.trim().is_empty() => Some((
                "chat_id",
                "a telegram channel needs the chat to post in".into(),
            )),
            _ => None,
        }
    }
}

/// The name of an environment variable holding a channel's secret (a webhook URL with its token,
/// a signing secret, a bot token, an SMTP URL with its password).
///
/// Only a name is accepted: a value that is not one — above all a URL pasted into `url_env` —
/// is refused without being repeated, because it is most likely the secret itself.
#[derive(Clone, PartialEq, Eq, Hash, SerializeDisplay, DeserializeFromStr)]
pub struct EnvVar(String);

/// Why a `*_env` value is not a variable name. Never holds the value: it may be a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnvVarError {
    /// The value looks like a URL: the secret itself, not the name of a variable holding it.
    #[error(
        "holds a URL, not the name of an environment variable: put the URL in a variable \
         (e.g. `export PB_FEISHU_URL='https://…'`) and name that variable here (the value is not \
         repeated: it may carry a token)"
    )]
    LooksLikeUrl,
    /// Not letters, digits and `_` starting with a letter or `_`.
    #[error(
        "is not an environment variable name (letters, digits and `_`, not starting with a \
         digit, e.g. `PB_FEISHU_URL`; the value is not repeated: it may be a secret)"
    )]
    NotAName,
}

impl EnvVar {
    /// Parses a variable name.
    pub fn parse(value: &str) -> Result<Self, EnvVarError> {
        let v = value.trim();
        if v.contains("://") || v.starts_with("www.") {
            return Err(EnvVarError::LooksLikeUrl);
        }
        let mut bytes = v.bytes();
        let first_ok = bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
        if !first_ok || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') || v.len() > 128 {
            return Err(EnvVarError::NotAName);
        }
        Ok(Self(v.to_owned()))
    }

    /// The variable's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EnvVar {
    type Err = EnvVarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for EnvVar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EnvVar({})", self.0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_are_accepted_and_secrets_are_not_repeated() {
        assert_eq!(
            EnvVar::parse("PB_FEISHU_URL").unwrap().as_str(),
            "PB_FEISHU_URL"
        );
        assert_eq!(EnvVar::parse("_x1").unwrap().as_str(), "_x1");
        let url = "https://open.feishu.cn/open-apis/bot/v2/hook/xyz-secret";
        let e = EnvVar::parse(url).unwrap_err();
        assert_eq!(e, EnvVarError::LooksLikeUrl);
        assert!(!e.to_string().contains("xyz-secret"), "{e}");
        for bad in ["", "1ABC", "A B", "SEC=RET", "tok€n"] {
            assert_eq!(EnvVar::parse(bad), Err(EnvVarError::NotAName), "{bad}");
        }
    }
}
