//! Why an answer is not an acceptable brief, precisely enough to ask the model again.

use std::fmt;

use serde::Serialize;

use super::SectionName;

/// One reason an answer was rejected.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// A section is not there at all.
    Missing {
        /// Which one.
        section: SectionName,
    },
    /// A section's heading is there but nothing under it.
    Empty {
        /// Which one.
        section: SectionName,
    },
    /// Too little of the text is Chinese.
    NotChinese {
        /// Share of CJK characters among CJK characters and Latin letters, 0 to 1.
        share: f64,
    },
    /// The model stopped at its token limit.
    Truncated,
    /// The answer is reasoning that never ended (`<think>` without `</think>`).
    UnclosedThink,
}

impl Serialize for SectionName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.zh())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { section } => write!(f, "missing section {section}"),
            Self::Empty { section } => write!(f, "empty section {section}"),
            Self::NotChinese { share } => write!(
                f,
                "mostly not Chinese (only {:.0}% of the letters are Chinese)",
                share * 100.0
            ),
            Self::Truncated => f.write_str("cut off at the token limit (finish_reason: length)"),
            Self::UnclosedThink => {
                f.write_str("only reasoning: <think> is never closed, no answer follows")
            }
        }
    }
}

impl Problem {
    /// The instruction, in Chinese, that asks the model to fix this problem.
    pub fn repair_instruction(&self) -> String {
        match self {
            Self::Missing { section } => format!("缺少“{section}”部分"),
            Self::Empty { section } => format!("“{section}”部分没有内容"),
            Self::NotChinese { .. } => "回答主要不是中文，请全部使用简体中文书写".to_owned(),
            Self::Truncated => "回答被截断，没有写完，请写得更简洁，确保五个部分完整".to_owned(),
            Self::UnclosedThink => {
                "只输出了思考过程，没有给出简报，请不要输出思考过程，直接给出简报".to_owned()
            }
        }
    }
}

/// Every problem found in one answer (never empty).
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
pub struct AnswerError {
    /// The problems, in the order they were found.
    pub problems: Vec<Problem>,
}

impl AnswerError {
    /// The repair instructions for every problem, for the repair prompt.
    pub fn repair_instructions(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(Problem::repair_instruction)
            .collect()
    }

    /// Whether not one of the five sections was found: the model is not following the format
    /// (more room for an answer that rambles will not help).
    pub fn found_no_section(&self) -> bool {
        self.problems
            .iter()
            .filter(|p| matches!(p, Problem::Missing { .. }))
            .count()
            == SectionName::ALL.len()
    }

    /// Whether the answer was cut off (a longer budget or a shorter input may help).
    pub fn is_truncated(&self) -> bool {
        self.problems.contains(&Problem::Truncated)
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the answer is not an acceptable brief: ")?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}
