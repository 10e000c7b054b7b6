//! The stand-in LLM: answers chat completions per a script, logs every request with its timing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::json;
use wiremock::{Request, Respond, ResponseTemplate};

/// What the stand-in does with one request for a paper.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// A complete, valid brief.
    Good,
    /// A brief with this section's heading and content left out.
    Missing(&'static str),
    /// A valid brief wrapped in a `<think>` block first.
    Thinking,
    /// Half a brief, `finish_reason: length`.
    Truncated,
    /// An answer in English.
    English,
    /// An HTTP error, with `Retry-After` seconds when given.
    Status(u16, Option<u64>),
    /// vLLM's 400 for a prompt over the context.
    Overflow,
    /// No answer for this long.
    Hang(Duration),
    /// A brief whose text carries a script tag and links to `javascript:`, `data:` and
    /// `vbscript:` URLs (and one honest https link).
    Script,
    /// A 200 whose body is not JSON.
    Garbage,
    /// Exactly this answer.
    Answer(String),
    /// A 401 whose message quotes the key it was sent, as some hosted APIs do.
    EchoKey,
}

/// Per-paper behaviours, consumed one per request; when a paper's list runs out it answers
/// [`Behaviour::Good`]. The key [`OVERVIEW`] scripts the 今日速览 requests: `Good` answers a
/// valid overview of the papers the request lists.
#[derive(Debug, Default, Clone)]
pub struct Script(HashMap<String, Vec<Behaviour>>);

impl Script {
    /// Adds the behaviours of successive requests for `id`.
    #[must_use]
    pub fn on(mut self, id: &str, behaviours: Vec<Behaviour>) -> Self {
        self.0.insert(id.to_owned(), behaviours);
        self
    }
}

/// The script key of the 今日速览 requests (recognised by their system message).
pub const OVERVIEW: &str = "overview";

/// One request the stand-in received.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// The paper it was for (from `arXiv 编号：`), if any.
    pub id: Option<String>,
    /// When it arrived.
    pub at: Instant,
    /// How long the stand-in took to answer.
    pub latency: Duration,
    /// The request body.
    pub body: serde_json::Value,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// Whether it was refused for lack of room (see [`FakeLlm::with_capacity`]).
    pub refused: bool,
    /// Whether it asked for the day's 今日速览 rather than a paper's brief.
    pub overview: bool,
}

/// The stand-in LLM (a wiremock responder).
#[derive(Debug, Clone)]
pub struct FakeLlm {
    script: Arc<Mutex<Script>>,
    log: Arc<Mutex<Vec<LoggedRequest>>>,
    latency: Duration,
    id_pattern: Arc<Regex>,
    /// Requests that fit in the KV cache at once; more answer llama.cpp's 500.
    capacity: Option<usize>,
}

impl FakeLlm {
    /// Like llama.cpp with a KV cache its slots share: while `n` requests are being answered,
    /// another one fails with 500 "Context size has been exceeded." (and is logged as refused).
    #[must_use]
    pub fn with_capacity(mut self, n: usize) -> Self {
        self.capacity = Some(n);
        self
    }

    /// Requests refused for lack of room so far.
    pub fn refused(&self) -> usize {
        self.requests().iter().filter(|r| r.refused).count()
    }

    /// Answers after `latency`, per `script`.
    pub fn new(script: Script, latency: Duration) -> Self {
        #[allow(clippy::expect_used)]
        let id_pattern = Regex::new(r"arXiv 编号：(\d{4}\.\d{4,5})").expect("static regex");
        Self {
            script: Arc::new(Mutex::new(script)),
            log: Arc::default(),
            latency,
            id_pattern: Arc::new(id_pattern),
            capacity: None,
        }
    }

    /// The requests for papers' briefs (the 今日速览 requests left out).
    pub fn brief_requests(&self) -> Vec<LoggedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| !r.overview)
            .collect()
    }

    /// The 今日速览 requests.
    pub fn overview_requests(&self) -> Vec<LoggedRequest> {
        self.requests().into_iter().filter(|r| r.overview).collect()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        let log = self.requests();
        let mut events: Vec<(Instant, i32)> = log
            .iter()
            .flat_map(|r| [(r.at, 1), (r.at + r.latency, -1)])
            .collect();
        events.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut max) = (0i32, 0i32);
        for (_, d) in events {
            now += d;
            max = max.max(now);
        }
        usize::try_from(max).unwrap_or(0)
    }

    fn next(&self, id: Option<&str>) -> Behaviour {
        let mut script = self.script.lock().unwrap_or_else(PoisonError::into_inner);
        id.and_then(|id| script.0.get_mut(id))
            .filter(|queue| !queue.is_empty())
            .map_or(Behaviour::Good, |queue| queue.remove(0))
    }
}

impl FakeLlm {
    /// Logs a request; `false` when it is refused for lack of room (the check and the entry
    /// happen under one lock, so concurrent requests see each other).
    fn record(
        &self,
        overview: bool,
        id: Option<String>,
        body: serde_json::Value,
        request: &Request,
        latency: Duration,
    ) -> bool {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let busy = log
            .iter()
            .filter(|r| !r.refused && r.at <= now && now < r.at + r.latency)
            .count();
        let refused = self.capacity.is_some_and(|n| busy >= n);
        log.push(LoggedRequest {
            id,
            at: now,
            latency: if refused { Duration::ZERO } else { latency },
            body,
            authorization: request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            refused,
            overview,
        });
        !refused
    }
}

impl Respond for FakeLlm {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let asked = Asked::read(&body, &self.id_pattern);
        let key = if asked.overview.is_some() {
            Some(OVERVIEW)
        } else {
            asked.id.as_deref()
        };
        let behaviour = self.next(key);
        let latency = match behaviour {
            Behaviour::Hang(d) => d,
            _ => self.latency,
        };
        if !self.record(
            asked.overview.is_some(),
            asked.id.clone(),
            body,
            request,
            latency,
        ) {
            return ResponseTemplate::new(500).set_body_json(json!({"error": {
                "code": 500, "message": "Context size has been exceeded.", "type": "server_error"}}));
        }
        if matches!(behaviour, Behaviour::EchoKey) {
            let sent = request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .trim_start_matches("Bearer ")
                .to_owned();
            return ResponseTemplate::new(401).set_body_json(json!({"error": {
                "message": format!("Incorrect API key provided: {sent}. You can find your API key at https://example.org."),
                "type": "invalid_request_error", "code": "invalid_api_key"}}));
        }
        asked.answer(behaviour, latency)
    }
}

/// What a request asked for, as far as the stand-in cares.
struct Asked {
    /// For a 今日速览 request: the ids it lists.
    overview: Option<Vec<String>>,
    id: Option<String>,
    title: String,
    model: String,
    max_tokens: u64,
    json_mode: bool,
    prompt_bytes: usize,
}

impl Asked {
    fn read(body: &serde_json::Value, id_pattern: &Regex) -> Self {
        let messages = body["messages"].as_array().cloned().unwrap_or_default();
        let text = messages
            .iter()
            .find(|x| x["role"] == "user")
            .and_then(|u| u["content"].as_str())
            .unwrap_or_default();
        let system = messages
            .iter()
            .find(|x| x["role"] == "system")
            .and_then(|u| u["content"].as_str())
            .unwrap_or_default();
        #[allow(clippy::expect_used)]
        let listed = Regex::new(r"\b(\d{4}\.\d{4,5})\b").expect("static regex");
        let overview = system.contains("今日速览").then(|| {
            let mut ids: Vec<String> = listed
                .captures_iter(text)
                .map(|c| c[1].to_owned())
                .collect();
            ids.dedup();
            ids
        });
        Self {
            overview,
            id: id_pattern.captures(text).map(|c| c[1].to_owned()),
            title: text
                .lines()
                .find_map(|l| l.strip_prefix("论文标题："))
                .unwrap_or("论文")
                .to_owned(),
            model: body["model"].as_str().unwrap_or("stand-in").to_owned(),
            max_tokens: body["max_tokens"].as_u64().unwrap_or(2048),
            json_mode: body["response_format"]["type"] == "json_schema",
            prompt_bytes: messages
                .iter()
                .map(|x| x["content"].as_str().map_or(0, str::len))
                .sum(),
        }
    }

    /// A chat completion with `content`, as JSON when structured output was asked for.
    fn reply(&self, content: String, finish: &str, latency: Duration) -> ResponseTemplate {
        let content = if self.json_mode && finish == "stop" && self.overview.is_none() {
            as_json(&content).unwrap_or(content)
        } else {
            content
        };
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1_760_000_000, "model": self.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "reasoning": null},
                    "finish_reason": finish, "stop_reason": null}],
                "usage": {"prompt_tokens": 1000, "completion_tokens": self.max_tokens.min(300), "total_tokens": 1300}
            }))
            .set_delay(latency)
    }

    fn answer(&self, behaviour: Behaviour, latency: Duration) -> ResponseTemplate {
        if let (Some(ids), Behaviour::Good | Behaviour::Hang(_)) = (&self.overview, &behaviour) {
            return self.reply(good_overview(ids), "stop", latency);
        }
        let good = || good_answer(&self.title);
        match behaviour {
            Behaviour::Good | Behaviour::Hang(_) => self.reply(good(), "stop", latency),
            Behaviour::Missing(section) => self.reply(without(&good(), section), "stop", latency),
            Behaviour::Thinking => self.reply(
                format!("<think>\n先想想这篇论文……\n</think>\n\n{}", good()),
                "stop",
                latency,
            ),
            Behaviour::Truncated => {
                let full = good();
                let cut = full.find("### 4.").unwrap_or(full.len());
                self.reply(full[..cut].to_owned(), "length", latency)
            }
            Behaviour::English => self.reply(ENGLISH.into(), "stop", latency),
            Behaviour::Script => {
                let text = good()
                    .replace(
                        "### 5. 实验效果\n",
                        "### 5. 实验效果\n<script>alert('x')</script> [点我](javascript:alert(1)) ![图](data:text/html;base64,PHNjcmlwdD4=) 见[文献][r]。\n\n[r]: vbscript:msgbox(1)\n\n",
                    )
                    .replace("### 4. 主要创新点\n", "### 4. 主要创新点\n代码：[仓库](https://github.com/example/x)\n");
                self.reply(text, "stop", latency)
            }
            Behaviour::Status(code, retry_after) => {
                let mut r = ResponseTemplate::new(code).set_body_json(
                    json!({"error": {"message": "busy", "type": "Error", "code": code}}),
                );
                if let Some(s) = retry_after {
                    r = r.insert_header("retry-after", s.to_string().as_str());
                }
                r
            }
            Behaviour::Overflow => self.overflow(),
            Behaviour::Garbage => {
                ResponseTemplate::new(200).set_body_string("{\"choices\": [{\"mess")
            }
            Behaviour::Answer(text) => self.reply(text, "stop", latency),
            Behaviour::EchoKey => ResponseTemplate::new(401),
        }
    }

    /// vLLM's 400: the prompt counted like a tokenizer denser than tiktoken (a token per two
    /// bytes), the limit just below prompt + max_tokens.
    fn overflow(&self) -> ResponseTemplate {
        let prompt = (self.prompt_bytes / 2) as u64;
        let limit = prompt + self.max_tokens - 50;
        let message = format!(
            "This model's maximum context length is {limit} tokens. However, you requested {} tokens ({prompt} in the messages, {} in the completion).",
            prompt + self.max_tokens,
            self.max_tokens
        );
        ResponseTemplate::new(400)
            .set_body_json(json!({"error": {"message": message, "type": "BadRequestError", "param": null, "code": 400}}))
    }
}

/// An answer in English, with the right headings.
const ENGLISH: &str = "### 1. 应用领域\nMachine learning.\n### 2. 一句话核心贡献\nThe paper proposes a new method for this problem.\n### 3. 使用指南\nInput data, output predictions, code not released.\n### 4. 主要创新点\nA novel approach to the problem described.\n### 5. 实验效果\nIt improves accuracy on the benchmark by a clear margin.\n";

/// A Markdown brief as the JSON object structured output asks for.
fn as_json(answer: &str) -> Option<String> {
    let keys = ["domain", "contribution", "guide", "innovations", "results"];
    let mut map = serde_json::Map::new();
    let mut current: Option<usize> = None;
    for line in answer.lines() {
        if let Some(n) = line
            .strip_prefix("### ")
            .and_then(|r| r.chars().next())
            .and_then(|c| c.to_digit(10))
        {
            current = Some(n as usize - 1);
            continue;
        }
        if let Some(key) = current.and_then(|i| keys.get(i)) {
            let entry = map.entry((*key).to_owned()).or_insert_with(|| json!(""));
            let text = format!("{}{}\n", entry.as_str().unwrap_or_default(), line);
            *entry = json!(text);
        }
    }
    (!map.is_empty()).then(|| serde_json::Value::Object(map).to_string())
}

/// A valid 今日速览 of `ids`: two themes (the first half and the rest), the first paper as the
/// pick, every paper tagged 大语言模型 with a Chinese title.
pub fn good_overview(ids: &[String]) -> String {
    let half = ids.len().div_ceil(2);
    let (a, b) = ids.split_at(half);
    let mut themes =
        vec![json!({"name": "主题甲", "summary": "这一组论文都提出了新方法。", "papers": a})];
    if !b.is_empty() {
        themes.push(json!({"name": "主题乙", "summary": "这一组论文都做了评测。", "papers": b}));
    }
    let tags: serde_json::Map<String, serde_json::Value> = ids
        .iter()
        .map(|id| (id.clone(), json!(["大语言模型"])))
        .collect();
    let titles: serde_json::Map<String, serde_json::Value> = ids
        .iter()
        .map(|id| (id.clone(), json!(format!("中文标题 {id}"))))
        .collect();
    let picks: Vec<serde_json::Value> = ids
        .iter()
        .take(1)
        .map(|id| json!({"id": id, "why": "方法新颖，值得先读。"}))
        .collect();
    json!({"themes": themes, "picks": picks, "tags": tags, "titles": titles}).to_string()
}

/// A complete, valid brief about `title` (its numbers come from the stand-in's pages).
pub fn good_answer(title: &str) -> String {
    format!(
        "### 1. 应用领域\n机器学习 - {title}\n\n### 2. 一句话核心贡献\n论文《{title}》提出了一种新方法，准确率提升 12.5%。\n\n### 3. 使用指南\n- **输入**：论文所述的数据\n- **输出**：模型的预测\n- **代码**：原文未给出\n\n### 4. 主要创新点\n1. **新方法**：速度快 3 倍。\n2. **新评测**：在基准上达到 91.3%。\n\n### 5. 实验效果\n在基准上达到 91.3%，相比基线提升 12.5%。\n"
    )
}

fn without(answer: &str, section: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in answer.lines() {
        if line.starts_with("### ") {
            skipping = line.contains(section);
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
