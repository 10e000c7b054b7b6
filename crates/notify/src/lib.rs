//! paperbrief's push: each finished day (or digest) delivered to the chat apps and mailboxes a
//! team configures.
//!
//! Role: turn a report into a [`Briefing`] (date, counts, the top papers with their one-sentence
//! contribution and links) and deliver it to a `[[notify]]` channel in that platform's own
//! shape and within its limits — trimmed or split, never rejected. Inputs: a
//! [`paperbrief_report::DailyReport`], the channel's configuration and the environment holding
//! its secrets. Outputs: HTTP requests (Feishu, WeCom, DingTalk, Slack, Discord, Telegram, a
//! generic webhook) or an email over SMTP; errors name the channel, never a secret.

pub mod briefing;
pub mod deliver;
pub mod email;
pub mod error;
pub mod platforms;
pub mod text;

pub use briefing::{Briefing, Kind, Lead, LeadPick, LeadTheme, PaperLine, Said, Told};
pub use deliver::{Delivered, Delivery, check, deliver, preview};
pub use error::{NotifyError, SetupError};
