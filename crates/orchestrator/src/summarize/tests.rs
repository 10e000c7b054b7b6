//! `summarize`'s state machine against a scripted backend: no server, no binary.

use std::collections::VecDeque;
use std::sync::Mutex;

use paperbrief_core::{ArxivId, ConfigBuilder, Section, SourceDoc, SourceKind};
use paperbrief_prompt::ContextOverflow;

use super::*;
use paperbrief_llm::{ChatOutcome, Role};

/// Answers from a script, one per request, and keeps every request.
#[derive(Debug, Default)]
struct Scripted {
    replies: Mutex<VecDeque<Result<ChatReply, LlmError>>>,
    seen: Mutex<Vec<ChatRequest>>,
}

impl Scripted {
    fn new(replies: Vec<Result<ChatReply, LlmError>>) -> Arc<Self> {
        Arc::new(Self {
            replies: Mutex::new(replies.into()),
            seen: Mutex::default(),
        })
    }

    fn requests(&self) -> Vec<ChatRequest> {
        self.seen.lock().unwrap().clone()
    }
}

impl LlmBackend for Scripted {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> futures::future::BoxFuture<'a, ChatOutcome> {
        self.seen.lock().unwrap().push(request.clone());
        let result = self
            .replies
            .lock()
            .unwrap()
            .pop_front()
            .expect("the script has an answer for every request");
        Box::pin(async move {
            ChatOutcome {
                result,
                attempts: 1,
                busy: std::time::Duration::from_millis(5),
            }
        })
    }
}

fn answer(content: &str, finish: &str) -> Result<ChatReply, LlmError> {
    Ok(ChatReply {
        content: content.to_owned(),
        reasoning: None,
        finish_reason: Some(finish.to_owned()),
        usage: Some(Usage {
            prompt_tokens: 900,
            completion_tokens: 200,
        }),
        model: Some("m".into()),
        endpoint: None,
    })
}

fn error(kind: LlmErrorKind) -> Result<ChatReply, LlmError> {
    Err(LlmError {
        kind,
        url: "http://x/v1/chat/completions".into(),
        message: "no".into(),
        retry_after: None,
        status: None,
        source: None,
    })
}

const GOOD: &str = "### 1. 应用领域\n自然语言处理。\n\n### 2. 一句话核心贡献\n提出一种新方法，准确率提升 12.5%。\n\n### 3. 使用指南\n输入论文所述数据，输出预测；代码原文未给出。\n\n### 4. 主要创新点\n1. 新的训练方法。\n2. 新的评测方式。\n\n### 5. 实验效果\n在基准上达到 91.3%。\n";

fn doc(paragraphs: usize) -> SourceDoc {
    let text = (0..paragraphs)
        .map(|i| format!("Paragraph {i}: the method keeps a running summary of every input token and reaches 91.3% accuracy."))
        .collect::<Vec<_>>()
        .join("\n\n");
    SourceDoc {
        kind: SourceKind::Html,
        id: ArxivId::parse("2602.00001v1").unwrap(),
        url: "http://x/html/2602.00001v1".into(),
        title: "A Method".into(),
        authors: vec!["Ada".into()],
        abstract_text: "We improve accuracy by 12.5%.".into(),
        sections: vec![Section {
            heading: "1 Method".into(),
            level: 1,
            text,
            appendix: false,
            anchor: String::new(),
            paragraphs: Vec::new(),
        }],
        captions: Vec::new(),
        tables: Vec::new(),
        affiliations: Vec::new(),
        figure: None,
        cites: Vec::new(),
    }
}

fn summarizer(backend: Arc<Scripted>, context: u32, settings: &[(&str, &str)]) -> Summarizer {
    let mut b = ConfigBuilder::new();
    for (k, v) in settings {
        b = b.set(k, v, "test").unwrap();
    }
    let config = b.build().unwrap();
    let setup = ModelSetup {
        model: "m".into(),
        context,
        context_source: crate::setup::ContextSource::Assumed,
        slots: None,
        shared_cache: None,
        calibration: None,
    };
    Summarizer::new(
        backend,
        Planner::from_config(&config).unwrap(),
        setup,
        AnswerSettings::from_config(&config),
    )
}

#[tokio::test]
async fn a_context_rejection_replans_with_the_servers_numbers() {
    let backend = Scripted::new(vec![
        error(LlmErrorKind::ContextTooLong(Some(ContextOverflow {
            limit: 4096,
            requested: 9000,
        }))),
        answer(GOOD, "stop"),
    ]);
    let s = summarizer(Arc::clone(&backend), 32_768, &[]);
    let summary = s.summarize(&doc(400), None).await.unwrap();
    let sent = backend.requests();
    assert_eq!(sent.len(), 2);
    assert!(
        sent[1].prompt_tokens < sent[0].prompt_tokens / 2,
        "{} then {}",
        sent[0].prompt_tokens,
        sent[1].prompt_tokens
    );
    // The retry fits what the server said it allows, by the server's own count.
    let per_token = 9000.0 / sent[0].prompt_tokens as f64;
    assert!((sent[1].prompt_tokens as f64 * per_token) < 4096.0 - 2048.0);
    assert!(!summary.prompt.cuts.is_empty());
    assert_eq!(summary.provenance.attempts, 2);
}

#[tokio::test]
async fn an_answer_cut_off_gets_more_room() {
    let cut = &GOOD[..GOOD.find("### 4.").unwrap()];
    let backend = Scripted::new(vec![answer(cut, "length"), answer(GOOD, "stop")]);
    let s = summarizer(Arc::clone(&backend), 32_768, &[]);
    let summary = s.summarize(&doc(3), None).await.unwrap();
    let sent = backend.requests();
    assert_eq!((sent[0].max_tokens, sent[1].max_tokens), (2048, 4096));
    assert_eq!(
        sent[1].messages.len(),
        2,
        "a fresh conversation, not a repair"
    );
    assert_eq!(summary.provenance.max_tokens, 4096);
    // Both answers' tokens are counted.
    assert_eq!(summary.provenance.completion_tokens, 400);
}

#[tokio::test]
async fn an_answer_cut_off_with_no_room_left_gets_a_shorter_input() {
    let cut = &GOOD[..GOOD.find("### 4.").unwrap()];
    // The server counted 3500 prompt tokens of a 4096 context: no room to double max_tokens.
    let mut counted = answer(cut, "length");
    if let Ok(reply) = &mut counted {
        reply.usage = Some(Usage {
            prompt_tokens: 3500,
            completion_tokens: 500,
        });
    }
    let backend = Scripted::new(vec![counted, answer(GOOD, "stop")]);
    let s = summarizer(Arc::clone(&backend), 4096, &[("llm.max_tokens", "1024")]);
    s.summarize(&doc(400), None).await.unwrap();
    let sent = backend.requests();
    assert_eq!(sent[1].max_tokens, 1024);
    assert!(sent[1].prompt_tokens < sent[0].prompt_tokens);
}

#[tokio::test]
async fn a_missing_section_is_repaired_in_a_second_turn() {
    let missing = GOOD.replace(
        "### 4. 主要创新点\n1. 新的训练方法。\n2. 新的评测方式。\n\n",
        "",
    );
    let backend = Scripted::new(vec![answer(&missing, "stop"), answer(GOOD, "stop")]);
    let s = summarizer(Arc::clone(&backend), 32_768, &[]);
    let summary = s.summarize(&doc(3), None).await.unwrap();
    let sent = backend.requests();
    let repair = &sent[1].messages;
    assert_eq!(repair.len(), 4);
    assert_eq!(repair[2].role, Role::Assistant);
    assert_eq!(repair[2].content, missing);
    assert!(
        repair[3].content.contains("主要创新点"),
        "{}",
        repair[3].content
    );
    assert!(sent[1].prompt_tokens > sent[0].prompt_tokens);
    assert_eq!(summary.provenance.repairs, 1);
}

#[tokio::test]
async fn a_think_block_is_dropped_with_a_warning() {
    let thinking = format!("<think>\n先想想……\n</think>\n\n{GOOD}");
    let backend = Scripted::new(vec![answer(&thinking, "stop")]);
    let s = summarizer(backend, 32_768, &[]);
    let summary = s.summarize(&doc(3), None).await.unwrap();
    assert!(!summary.brief.render().contains("先想想"));
    assert!(summary.brief.warnings.iter().any(|w| w.contains("<think>")));
}

#[tokio::test]
async fn english_twice_fails_at_the_answer_stage_and_other_errors_at_the_llm_stage() {
    let english = "### 1. 应用领域\nMachine learning.\n### 2. 一句话核心贡献\nA new method.\n### 3. 使用指南\nInput data.\n### 4. 主要创新点\nA novel approach.\n### 5. 实验效果\nBetter accuracy.\n";
    let backend = Scripted::new(vec![answer(english, "stop"), answer(english, "stop")]);
    let failure = summarizer(backend, 32_768, &[])
        .summarize(&doc(3), None)
        .await
        .unwrap_err();
    assert_eq!(failure.failure.stage, paperbrief_report::Stage::Answer);
    assert_eq!(failure.failure.kind, FailureKind::NotChinese);
    let backend = Scripted::new(vec![error(LlmErrorKind::Unauthorized)]);
    let failure = summarizer(backend, 32_768, &[])
        .summarize(&doc(3), None)
        .await
        .unwrap_err();
    assert_eq!(failure.failure.stage, paperbrief_report::Stage::Llm);
    assert_eq!(failure.failure.kind, FailureKind::Unauthorized);
    assert_eq!(failure.failure.reason_zh, "模型服务拒绝了访问密钥");
}

#[tokio::test]
async fn json_schema_mode_sends_the_schema_and_reads_json() {
    let json = r#"{"domain":"自然语言处理。","contribution":"提出一种新方法，准确率提升 12.5%。","guide":"输入论文所述数据，输出预测。","innovations":"新的训练方法与评测方式。","results":"在基准上达到 91.3%。"}"#;
    let backend = Scripted::new(vec![answer(json, "stop")]);
    let s = summarizer(
        Arc::clone(&backend),
        32_768,
        &[("llm.output", "json_schema")],
    );
    let summary = s.summarize(&doc(3), None).await.unwrap();
    let sent = backend.requests();
    assert_eq!(
        sent[0].response_format.as_ref().unwrap()["type"],
        "json_schema"
    );
    assert_eq!(
        summary.provenance.output,
        paperbrief_core::OutputMode::JsonSchema
    );
    assert!(
        summary.brief.warnings.is_empty(),
        "{:?}",
        summary.brief.warnings
    );
}

#[tokio::test]
async fn an_answer_cut_off_without_a_single_section_is_repaired_not_given_more_room() {
    let rambling = "This paper is about many things. ".repeat(50);
    let backend = Scripted::new(vec![answer(&rambling, "length"), answer(GOOD, "stop")]);
    let s = summarizer(Arc::clone(&backend), 32_768, &[]);
    let summary = s.summarize(&doc(3), None).await.unwrap();
    let sent = backend.requests();
    assert_eq!(sent[1].max_tokens, 2048, "no more room");
    assert!(
        sent[1]
            .messages
            .iter()
            .any(|m| m.content.contains("被截断"))
    );
    assert_eq!(summary.provenance.repairs, 1);
}

#[tokio::test]
async fn a_json_answer_cut_off_gets_more_room_under_the_same_schema() {
    let json = r#"{"domain":"自然语言处理。","contribution":"提出一种新方法，准确率提升 12.5%。","guide":"输入论文所述数据，输出预测。","innovations":"新的训练方法与评测方式。","results":"在基准上达到 91.3%。"}"#;
    // Cut inside the first section: no section can be read, yet the schema was followed.
    let cut = &json[..json.find("contribution").unwrap()];
    let backend = Scripted::new(vec![answer(cut, "length"), answer(json, "stop")]);
    let s = summarizer(
        Arc::clone(&backend),
        32_768,
        &[("llm.output", "json_schema")],
    );
    let summary = s.summarize(&doc(3), None).await.unwrap();
    let sent = backend.requests();
    assert_eq!((sent[0].max_tokens, sent[1].max_tokens), (2048, 4096));
    assert_eq!(sent[1].messages.len(), 2, "more room, not a repair");
    assert_eq!(
        sent[0].response_format, sent[1].response_format,
        "the sections may not grow with the room"
    );
    assert_eq!(summary.provenance.repairs, 0);
}
