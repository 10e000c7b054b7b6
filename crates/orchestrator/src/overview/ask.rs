//! The requests of an overview: one for a day that fits the model's context; else one per chunk
//! of papers, then one merging their themes and picks. Each answer is checked against the day; a
//! repair is asked once when nothing in it can be used.

use paperbrief_core::config::OverviewConfig;
use paperbrief_core::overview::{Overview, Rules};
use paperbrief_core::{Grounding, OutputMode};
use paperbrief_llm::{ChatRequest, Message};
use paperbrief_prompt::tokens::count_message;
use paperbrief_prompt::{OverviewPaper, OverviewVars, Template};

use crate::summarize::Summarizer;

/// The least answer room, whatever the context.
const ANSWER_FLOOR: usize = 512;
/// Answer tokens for the themes and picks.
const ANSWER_FIXED: usize = 400;
/// Answer tokens per paper: its tags and Chinese title.
const ANSWER_PER_PAPER: usize = 45;

/// What the requests of an overview cost.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Asked {
    /// Requests sent (attempts included).
    pub(crate) requests: u32,
    /// Prompt tokens the server counted.
    pub(crate) prompt_tokens: u32,
    /// Answer tokens the server counted.
    pub(crate) completion_tokens: u32,
}

/// One overview's requests.
pub(super) struct Asker<'a> {
    s: &'a Summarizer,
    template: &'a Template,
    config: &'a OverviewConfig,
    grounding: &'a Grounding,
    asked: Asked,
}

/// Why an overview failed, with what it cost.
type Failed = (String, Asked);

impl<'a> Asker<'a> {
    pub(super) fn new(
        s: &'a Summarizer,
        template: &'a Template,
        config: &'a OverviewConfig,
        grounding: &'a Grounding,
    ) -> Self {
        Self {
            s,
            template,
            config,
            grounding,
            asked: Asked::default(),
        }
    }

    /// The overview of `papers`, in one request or by chunks and a merge.
    pub(super) async fn overview(
        mut self,
        papers: Vec<OverviewPaper>,
    ) -> Result<(Overview, Asked), Failed> {
        let ids: Vec<String> = papers.iter().map(|p| p.id.clone()).collect();
        let chunks = match self.chunks(papers) {
            Ok(c) => c,
            Err(e) => return Err((e, self.asked)),
        };
        let result = if chunks.len() == 1 {
            let vars = self.vars(chunks.into_iter().flatten().collect());
            self.one(&vars, &ids).await
        } else {
            self.by_chunks(chunks, &ids).await
        };
        match result {
            Ok(o) => Ok((o, self.asked)),
            Err(e) => Err((e, self.asked)),
        }
    }

    /// A request per chunk, then one merging their themes and picks; tags and titles come from
    /// the chunks.
    async fn by_chunks(
        &mut self,
        chunks: Vec<Vec<OverviewPaper>>,
        ids: &[String],
    ) -> Result<Overview, String> {
        tracing::info!(target: "paperbrief::run", "今日速览: {} papers in {} chunks, then a merge", ids.len(), chunks.len());
        let mut parts = Vec::with_capacity(chunks.len());
        for chunk in chunks {
            let chunk_ids: Vec<String> = chunk.iter().map(|p| p.id.clone()).collect();
            let vars = self.vars(chunk);
            parts.push(self.one(&vars, &chunk_ids).await?);
        }
        let mut merge = self.vars(Vec::new());
        merge.partial_themes = parts.iter().flat_map(|p| p.themes.clone()).collect();
        merge.partial_picks = parts.iter().flat_map(|p| p.picks.clone()).collect();
        let mut merged = self.one(&merge, ids).await?;
        for part in parts {
            merged.tags.extend(part.tags);
            merged.titles.extend(part.titles);
            merged.warnings.extend(part.warnings);
        }
        // Tags come from the chunks, not the merge: its empty `tags` filled every paper with "其他".
        merged.warnings.retain(|w| !w.contains("没有可用的标签"));
        Ok(merged)
    }

    /// One request (and one repair when nothing in its answer can be used).
    async fn one(&mut self, vars: &OverviewVars, ids: &[String]) -> Result<Overview, String> {
        let (system, user) = self.template.render(vars).map_err(|e| e.to_string())?;
        let mut messages = vec![Message::system(system), Message::user(user)];
        let rules = Rules {
            ids,
            vocabulary: &self.config.tags,
            max_themes: self.config.max_themes.get() as usize,
            grounding: self.grounding,
        };
        for attempt in 0..2 {
            let request = self.request(messages.clone(), ids);
            let outcome = self.s.backend().chat(&request).await;
            self.asked.requests += outcome.attempts;
            let reply = outcome.result.map_err(|e| e.to_string())?;
            if let Some(u) = reply.usage {
                self.asked.prompt_tokens += u.prompt_tokens;
                self.asked.completion_tokens += u.completion_tokens;
            }
            match Overview::parse(&reply.content, &rules) {
                Ok(o) => return Ok(o),
                Err(e) if attempt == 0 => {
                    tracing::info!(target: "paperbrief::run", "今日速览: {e}; asking once more");
                    let repair = self
                        .template
                        .repair(vars, &[e.for_repair()])
                        .map_err(|e| e.to_string())?;
                    messages.push(Message::assistant(reply.content));
                    messages.push(Message::user(repair));
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        Err("no answer could be used".to_owned())
    }

    fn request(&self, messages: Vec<Message>, ids: &[String]) -> ChatRequest {
        let setup = self.s.setup();
        let json = self.s.planner().output() == OutputMode::JsonSchema;
        ChatRequest {
            model: setup.model.clone(),
            temperature: self.s.temperature(),
            prompt_tokens: messages.iter().map(|m| count_message(&m.content)).sum(),
            messages,
            max_tokens: self.answer_tokens() as u32,
            response_format: json.then(|| {
                serde_json::json!({"type": "json_schema", "json_schema": {"name": "daily_overview",
                    "schema": paperbrief_core::overview::json_schema(&self.config.tags, ids,
                        self.config.max_themes.get() as usize)}})
            }),
        }
    }

    fn vars(&self, papers: Vec<OverviewPaper>) -> OverviewVars {
        let n = papers.len();
        OverviewVars {
            papers,
            tags: self.config.tags.clone(),
            min_themes: (n / 3).clamp(1, 3),
            max_themes: self.config.max_themes.get() as usize,
            output: self.s.planner().output().as_str().to_owned(),
            partial_themes: Vec::new(),
            partial_picks: Vec::new(),
        }
    }

    /// The tokens an answer may use: `overview.max_tokens`, but never more than a quarter of
    /// the context (a small server's context must hold the papers too).
    fn answer_tokens(&self) -> usize {
        let context = self.s.setup().context as usize;
        (self.config.max_tokens.get() as usize).min((context / 4).max(ANSWER_FLOOR))
    }

    /// The papers in chunks whose prompts fit the model's context with room for the answer, and
    /// whose answers (a tag list and a title per paper) fit that room.
    fn chunks(&self, papers: Vec<OverviewPaper>) -> Result<Vec<Vec<OverviewPaper>>, String> {
        let mut budget = self.s.planner().budget(self.s.setup());
        budget.max_tokens = self.answer_tokens();
        let room = budget.input();
        let most = (budget.max_tokens.saturating_sub(ANSWER_FIXED) / ANSWER_PER_PAPER).max(1);
        let fits = |chunk: &[OverviewPaper]| {
            if chunk.len() > most {
                return false;
            }
            let vars = self.vars(chunk.to_vec());
            self.template
                .render(&vars)
                .map(|(s, u)| count_message(&s) + count_message(&u) <= room)
                .unwrap_or(false)
        };
        if fits(&papers) {
            return Ok(vec![papers]);
        }
        let mut chunks: Vec<Vec<OverviewPaper>> = vec![Vec::new()];
        for paper in papers {
            let current = chunks.last_mut().map(|c| {
                c.push(paper.clone());
                fits(c)
            });
            if current == Some(false) {
                if let Some(c) = chunks.last_mut() {
                    c.pop();
                }
                if !fits(std::slice::from_ref(&paper)) {
                    return Err(format!(
                        "one paper's title and contribution alone ({}) exceed the {room} tokens a request may use",
                        paper.id
                    ));
                }
                chunks.push(vec![paper]);
            }
        }
        chunks.retain(|c| !c.is_empty());
        Ok(chunks)
    }
}
