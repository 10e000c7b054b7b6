//! Why a paper has no brief, as one typed value from where it happened to the JSON, and the one
//! place where readers' Chinese text of a failure is written ([`FailureKind::reason_zh`]).

use paperbrief_core::{AnswerError, Problem, SectionName};
use serde::{Deserialize, Serialize};

/// The stage a paper failed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading the paper.
    Fetch,
    /// Building the prompt.
    Prompt,
    /// Calling the model.
    Llm,
    /// The model's answer was not acceptable.
    Answer,
}

/// What went wrong, precisely enough for a script to act on it (`kind.code` in the JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FailureKind {
    /// Neither the HTML nor the abstract could be read.
    NoSource,
    /// Title and abstract alone exceed the model's context.
    PromptTooLong,
    /// The prompt template does not render.
    Template,
    /// The follow-up request asking the model to fix its answer could not be built.
    Repair,
    /// The server said the prompt is longer than its context, even after cutting.
    ContextTooLong,
    /// The server ran out of room (its KV cache) after every retry.
    Capacity,
    /// The server kept failing (5xx, timeouts, 429) after every retry.
    Unavailable,
    /// The server could not be reached.
    Unreachable,
    /// The server refused the API key.
    Unauthorized,
    /// The server answered an error the request will not survive.
    Endpoint {
        /// Its HTTP status, when it answered one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
    /// The answer was cut off at the length limit.
    Truncated,
    /// The answer held only the model's thinking.
    OnlyThinking,
    /// The answer was not in Chinese.
    NotChinese,
    /// The answer was not in the five-section format: the sections it lacked.
    Format {
        /// The missing or empty sections, by their JSON keys (`domain`, `results`, …).
        missing: Vec<String>,
    },
    /// The answer was unacceptable for another reason.
    BadAnswer,
    /// paperbrief's own task for the paper stopped.
    Internal,
    /// A report written before failures had kinds.
    #[default]
    Unknown,
}

impl FailureKind {
    /// Whether this is the endpoint's setup rather than the paper: unreachable, the key
    /// refused, the model or path not found. A day that failed only so is the operator's
    /// business, not news for the channels.
    pub fn is_setup(&self) -> bool {
        matches!(
            self,
            Self::Unreachable
                | Self::Unauthorized
                | Self::Endpoint {
                    status: Some(401 | 403 | 404)
                }
        )
    }

    /// The stage this kind of failure happens at.
    pub fn stage(&self) -> Stage {
        match self {
            Self::NoSource => Stage::Fetch,
            Self::PromptTooLong | Self::Template | Self::Repair => Stage::Prompt,
            Self::Truncated
            | Self::OnlyThinking
            | Self::NotChinese
            | Self::Format { .. }
            | Self::BadAnswer => Stage::Answer,
            Self::ContextTooLong
            | Self::Capacity
            | Self::Unavailable
            | Self::Unreachable
            | Self::Unauthorized
            | Self::Endpoint { .. }
            | Self::Internal
            | Self::Unknown => Stage::Llm,
        }
    }

    /// What readers of the report are told, in Chinese.
    pub fn reason_zh(&self) -> String {
        let text = match self {
            Self::NoSource => "未能读取论文的原文或摘要",
            Self::PromptTooLong => "论文的标题与摘要已超出模型的上下文",
            Self::Template => "提示模板有误",
            Self::Repair => "未能构建修正请求",
            Self::ContextTooLong => "论文过长，超出了模型的上下文",
            Self::Capacity => "模型服务容量不足，多次重试后仍未完成",
            Self::Unavailable => "模型服务暂时不可用，多次重试后仍失败",
            Self::Unreachable => "无法连接模型服务",
            Self::Unauthorized => "模型服务拒绝了访问密钥",
            Self::Endpoint { .. } => "模型服务返回了错误",
            Self::Truncated => "模型的回答超出长度上限，被截断",
            Self::OnlyThinking => "模型只输出了思考过程，没有给出简报",
            Self::NotChinese => "模型未用中文作答",
            Self::Format { missing } => return format_zh(missing),
            Self::BadAnswer => "模型的回答不合格",
            Self::Internal => "内部错误，处理中断",
            Self::Unknown => "调用模型失败",
        };
        text.to_owned()
    }
}

fn format_zh(missing: &[String]) -> String {
    let Some(first) = missing.first().and_then(|k| SectionName::from_json_key(k)) else {
        return "模型的回答不合格".to_owned();
    };
    let more = if missing.len() > 1 { "等" } else { "" };
    format!("模型未按格式作答（缺少“{}”{more}）", first.zh())
}

impl From<&AnswerError> for FailureKind {
    /// The most telling of an answer's problems: cut off, only thinking, not Chinese, then the
    /// sections it lacks.
    fn from(e: &AnswerError) -> Self {
        if e.is_truncated() {
            return Self::Truncated;
        }
        if e.problems.contains(&Problem::UnclosedThink) {
            return Self::OnlyThinking;
        }
        if e.problems
            .iter()
            .any(|p| matches!(p, Problem::NotChinese { .. }))
        {
            return Self::NotChinese;
        }
        let missing: Vec<String> = e
            .problems
            .iter()
            .filter_map(|p| match p {
                Problem::Missing { section } | Problem::Empty { section } => {
                    Some(section.json_key().to_owned())
                }
                _ => None,
            })
            .collect();
        if missing.is_empty() {
            Self::BadAnswer
        } else {
            Self::Format { missing }
        }
    }
}

/// Why a paper has no brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Where it failed.
    pub stage: Stage,
    /// What went wrong, typed.
    #[serde(default)]
    pub kind: FailureKind,
    /// Why, in full technical detail, for whoever runs paperbrief.
    pub reason: String,
    /// Why, in Chinese, for readers of the report (`模型未按格式作答（缺少“应用领域”等）`):
    /// [`FailureKind::reason_zh`], kept in the JSON for other tools.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason_zh: String,
    /// Requests made for the paper before it failed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempts: u32,
    /// Prompt tokens the server reported for those requests.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prompt_tokens: u32,
    /// Answer tokens the server reported for those requests.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub completion_tokens: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Failure {
    /// A failure of `kind`: `reason` for the log and JSON; the stage and the readers' text follow
    /// from the kind.
    pub fn new(kind: FailureKind, reason: impl Into<String>) -> Self {
        Self {
            stage: kind.stage(),
            reason_zh: kind.reason_zh(),
            kind,
            reason: reason.into(),
            attempts: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
        }
    }

    /// What readers are told: the Chinese reason, or for reports written before there was one,
    /// the stage.
    pub fn for_readers(&self) -> String {
        if !self.reason_zh.is_empty() {
            return self.reason_zh.clone();
        }
        match self.stage {
            Stage::Fetch => "未能读取论文",
            Stage::Prompt => "未能构建提示",
            Stage::Llm => "调用模型失败",
            Stage::Answer => "模型的回答不合格",
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_kind_decides_stage_and_readers_text_and_round_trips() {
        let f = Failure::new(
            FailureKind::Format {
                missing: vec!["domain".into(), "results".into()],
            },
            "missing sections",
        );
        assert_eq!(f.stage, Stage::Answer);
        assert_eq!(f.for_readers(), "模型未按格式作答（缺少“应用领域”等）");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["kind"]["code"], "format");
        assert_eq!(json["kind"]["missing"][1], "results");
        assert_eq!(serde_json::from_value::<Failure>(json).unwrap(), f);
        let endpoint = Failure::new(FailureKind::Endpoint { status: Some(404) }, "HTTP 404");
        assert_eq!(
            serde_json::to_value(&endpoint).unwrap()["kind"],
            serde_json::json!({"code": "endpoint", "status": 404})
        );
    }

    #[test]
    fn a_report_from_before_kinds_still_reads() {
        let old = serde_json::json!({"stage": "fetch", "reason": "404", "reason_zh": "旧的原因"});
        let f: Failure = serde_json::from_value(old).unwrap();
        assert_eq!(f.kind, FailureKind::Unknown);
        assert_eq!(f.for_readers(), "旧的原因");
    }

    #[test]
    fn an_answers_most_telling_problem_is_its_kind() {
        let e = paperbrief_core::Brief::parse("just some words").unwrap_err();
        assert!(
            matches!(FailureKind::from(&e), FailureKind::Format { ref missing } if missing.len() == 5)
        );
        let e = paperbrief_core::Brief::parse("<think>hmm").unwrap_err();
        assert_eq!(FailureKind::from(&e), FailureKind::OnlyThinking);
    }
}
