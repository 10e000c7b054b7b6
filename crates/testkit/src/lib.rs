//! Stand-ins for paperbrief's upstreams, on 127.0.0.1, for tests and benchmarks.
//!
//! Role: let the real binary and the real HTTP stack run end to end without a network.
//! [`StandIn`] serves a day's HF list, arXiv HTML/abstract/API pages and an OpenAI-compatible
//! LLM from one wiremock server; the LLM's answers follow a per-paper [`Script`] and every
//! request is logged with its timing, so tests can prove concurrency and rate limits.

pub mod batch;
mod embed;
mod figure;
mod llm;
pub mod reports;
mod rss;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub use embed::{DIMENSIONS, EmbeddingsLog, bag_of_words, embeddings_endpoint};
pub use figure::{FakeFigure, encode, png_bytes, png_header};
pub use llm::{Behaviour, FakeLlm, LoggedRequest, OVERVIEW, Script, good_answer, good_overview};
pub use rss::peak_rss;

/// A paper the stand-in lists.
#[derive(Debug, Clone)]
pub struct FakePaper {
    /// arXiv id without version.
    pub id: String,
    /// Title.
    pub title: String,
    /// HF upvotes.
    pub upvotes: i64,
    /// Whether arXiv has HTML for it (else its HTML answers 404).
    pub html: bool,
    /// Requests for its HTML answered 503 before the page is served (a transient outage).
    pub html_failures: u64,
    /// Extra paragraphs of body text (to make a long paper).
    pub extra_paragraphs: usize,
    /// The author's affiliation, as LaTeXML marks it up, when the page names one.
    pub affiliation: Option<String>,
    /// Its key figure, when the page shows one (after the method section).
    pub figure: Option<FakeFigure>,
    /// A page served as it is (a recorded or hand-written LaTeXML page) instead of the
    /// generated one.
    pub page: Option<String>,
    /// arXiv ids its bibliography cites (as `arXiv:ID` and as an `arxiv.org/abs/` link).
    pub cites: Vec<String>,
}

impl FakePaper {
    /// A paper `2602.{n:05}` with `upvotes` and HTML.
    pub fn numbered(n: u32, upvotes: i64) -> Self {
        Self {
            id: format!("2602.{n:05}"),
            title: format!("Paper Number {n}"),
            upvotes,
            html: true,
            html_failures: 0,
            extra_paragraphs: 0,
            affiliation: None,
            figure: None,
            page: None,
            cites: Vec::new(),
        }
    }

    /// A LaTeXML page for the paper, with numbers the briefs can cite.
    pub fn html_page(&self) -> String {
        if let Some(page) = &self.page {
            return page.clone();
        }
        let extra: String = (0..self.extra_paragraphs)
            .map(|i| format!("<div class=\"ltx_para\"><p class=\"ltx_p\">Detail {i}: the method processes every input token and keeps a running summary of the sequence.</p></div>"))
            .collect();
        format!(
            r#"<!DOCTYPE html><html><head><title>{t}</title></head><body><article class="ltx_document">
<h1 class="ltx_title ltx_title_document">{t}</h1>
<div class="ltx_authors"><span class="ltx_creator ltx_role_author"><span class="ltx_personname">Ada Lovelace</span>{aff}</span></div>
<div class="ltx_abstract"><h6 class="ltx_title">Abstract</h6><p class="ltx_p">We study {t} and improve accuracy by 12.5%.</p></div>
<section class="ltx_section" id="S1"><h2 class="ltx_title">1 Introduction</h2><div class="ltx_para" id="S1.p1"><p class="ltx_p">{t} matters. We reach 91.3% on the benchmark.</p></div></section>
<section class="ltx_section" id="S2"><h2 class="ltx_title">2 Method</h2><div class="ltx_para" id="S2.p1"><p class="ltx_p">We propose a method that is 3x faster.</p></div>{figure}{extra}</section>
{bibliography}</article></body></html>"#,
            t = self.title,
            figure = self.figure.as_ref().map(FakeFigure::markup).unwrap_or_default(),
            bibliography = self.bibliography(),
            aff = self.affiliation.as_ref().map_or_else(String::new, |a| format!(
                "<span class=\"ltx_author_notes\"><span class=\"ltx_contact ltx_role_affiliation\"><span class=\"ltx_contact_name\">Affiliation: </span>{a}</span><span class=\"ltx_contact ltx_role_email\">ada@example.org</span></span>"
            )),
        )
    }

    /// Its bibliography, as LaTeXML writes one, when it cites anything.
    fn bibliography(&self) -> String {
        if self.cites.is_empty() {
            return String::new();
        }
        let items: String = self
            .cites
            .iter()
            .enumerate()
            .map(|(i, id)| {
                format!(
                    "<li id=\"bib.bib{n}\" class=\"ltx_bibitem\"><span class=\"ltx_bibblock\">A. Author. A cited paper. <em>arXiv preprint arXiv:{id}</em>, 2026. <a href=\"https://arxiv.org/abs/{id}v2\" class=\"ltx_ref\">link</a></span></li>",
                    n = i + 1
                )
            })
            .collect();
        format!(
            "<section id=\"bib\" class=\"ltx_bibliography\"><h2 class=\"ltx_title\">References</h2><ul class=\"ltx_biblist\">{items}</ul></section>"
        )
    }

    /// The item the HF API lists for it.
    pub fn hf_item(&self) -> serde_json::Value {
        json!({"paper": {"id": self.id, "title": self.title, "summary": format!("Abstract of {}.", self.title),
            "authors": [{"name": "Ada Lovelace"}], "upvotes": self.upvotes,
            "githubRepo": format!("https://github.com/example/{}", self.id)}})
    }
}

/// One loopback server standing in for HF, arXiv and the LLM.
pub struct StandIn {
    /// The server; its `uri()` is every base URL.
    pub server: MockServer,
    /// The LLM's request log and script.
    pub llm: FakeLlm,
    /// Every paper the export API knows (each day's).
    papers: Arc<Mutex<Vec<FakePaper>>>,
}

impl StandIn {
    /// Serves `papers` as the HF list for `date`, their arXiv pages, and an LLM called
    /// `model` with a `context`-token window answering per `llm`.
    pub async fn start(
        date: &str,
        papers: &[FakePaper],
        llm: FakeLlm,
        model: &str,
        context: u32,
    ) -> Self {
        Self::start_with_items(date, papers, Vec::new(), llm, model, context).await
    }

    /// As [`StandIn::start`], with `raw_items` appended to the HF list as they are (items a
    /// real list may carry that paperbrief cannot use).
    pub async fn start_with_items(
        date: &str,
        papers: &[FakePaper],
        raw_items: Vec<serde_json::Value>,
        llm: FakeLlm,
        model: &str,
        context: u32,
    ) -> Self {
        let server = MockServer::start().await;
        let known = Arc::new(Mutex::new(papers.to_vec()));
        let mut list: Vec<serde_json::Value> = papers.iter().map(FakePaper::hf_item).collect();
        list.extend(raw_items);
        Mock::given(method("GET"))
            .and(path("/api/daily_papers"))
            .and(query_param("date", date))
            .respond_with(ResponseTemplate::new(200).set_body_json(list))
            .mount(&server)
            .await;
        // Every other day is empty, like a weekend.
        Mock::given(method("GET"))
            .and(path("/api/daily_papers"))
            .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
            .mount(&server)
            .await;
        for p in papers {
            if p.html_failures > 0 {
                Mock::given(method("GET"))
                    .and(path(format!("/html/{}v1", p.id)))
                    .respond_with(ResponseTemplate::new(503))
                    .up_to_n_times(p.html_failures)
                    .mount(&server)
                    .await;
            }
            let html = if p.html {
                ResponseTemplate::new(200).set_body_raw(p.html_page(), "text/html; charset=utf-8")
            } else {
                ResponseTemplate::new(404)
            };
            Mock::given(method("GET"))
                .and(path(format!("/html/{}v1", p.id)))
                .respond_with(html)
                .mount(&server)
                .await;
            if let Some(figure) = &p.figure {
                figure.mount(&server).await;
            }
        }
        Mock::given(method("GET"))
            .and(path("/api/query"))
            .respond_with(Feed(Arc::clone(&known)))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/abs/1706.03762"))
            .respond_with(ResponseTemplate::new(200).set_body_string(ABS_PAGE))
            .mount(&server)
            .await;
        mount_llm(&server, llm.clone(), model, context).await;
        Self {
            server,
            llm,
            papers: known,
        }
    }

    /// Serves `papers` as the HF list of another day `date`, with their arXiv pages (a paper
    /// listed on an earlier day too keeps the pages it has).
    pub async fn add_day(&self, date: &str, papers: &[FakePaper]) {
        let list: Vec<serde_json::Value> = papers.iter().map(FakePaper::hf_item).collect();
        Mock::given(method("GET"))
            .and(path("/api/daily_papers"))
            .and(query_param("date", date))
            .respond_with(ResponseTemplate::new(200).set_body_json(list))
            .with_priority(1)
            .mount(&self.server)
            .await;
        for p in papers {
            Mock::given(method("GET"))
                .and(path(format!("/html/{}v1", p.id)))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_raw(p.html_page(), "text/html; charset=utf-8"),
                )
                .with_priority(2)
                .mount(&self.server)
                .await;
            if let Some(figure) = &p.figure {
                figure.mount(&self.server).await;
            }
        }
        self.papers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(papers.iter().cloned());
    }

    /// Makes the stand-in LLM describe itself as llama.cpp's server does: `/props` with `slots`
    /// and a per-request context of `n_ctx`, and `/apply-template` + `/tokenize`, counting a token
    /// per two bytes (a tokenizer denser than tiktoken, as a small model's is on Chinese).
    pub async fn serve_llama_cpp(&self, slots: u32, n_ctx: u32) {
        Mock::given(method("GET"))
            .and(path("/props"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "default_generation_settings": {"n_ctx": n_ctx}, "total_slots": slots})))
            .mount(&self.server)
            .await;
        Mock::given(method("POST"))
            .and(path("/apply-template"))
            .respond_with(|r: &wiremock::Request| {
                let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                let prompt: String = body["messages"]
                    .as_array()
                    .map(|m| {
                        m.iter()
                            .map(|x| {
                                format!(
                                    "<|im_start|>{}\n{}<|im_end|>\n",
                                    x["role"].as_str().unwrap_or_default(),
                                    x["content"].as_str().unwrap_or_default()
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                ResponseTemplate::new(200).set_body_json(json!({"prompt": prompt}))
            })
            .mount(&self.server)
            .await;
        Mock::given(method("POST"))
            .and(path("/tokenize"))
            .respond_with(|r: &wiremock::Request| {
                let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                // Like llama.cpp: text in `content`; a `messages` field is ignored.
                let n = body["content"].as_str().map_or(0, |c| c.len().div_ceil(2));
                ResponseTemplate::new(200).set_body_json(json!({"tokens": vec![1; n]}))
            })
            .mount(&self.server)
            .await;
    }

    /// A configuration pointing paperbrief at this server (as [`StandIn::env`] does), with
    /// `settings` (`section.key`, value) on top. Panics on a bad setting: test code.
    pub fn config(
        &self,
        cache: &std::path::Path,
        output: &std::path::Path,
        settings: &[(&str, &str)],
    ) -> paperbrief_core::Config {
        let env = self
            .env(cache, output)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v));
        #[allow(clippy::expect_used)]
        let mut builder = paperbrief_core::ConfigBuilder::new()
            .env(env)
            .expect("the stand-in's settings are valid");
        for (key, value) in settings {
            #[allow(clippy::expect_used)]
            let next = builder
                .set(key, value, "test")
                .expect("a valid test setting");
            builder = next;
        }
        #[allow(clippy::expect_used)]
        builder.build().expect("a valid configuration")
    }

    /// Environment variables pointing paperbrief at this server, without pacing, with fast
    /// retries and the given cache and output directories.
    pub fn env(
        &self,
        cache: &std::path::Path,
        output: &std::path::Path,
    ) -> Vec<(&'static str, String)> {
        let uri = self.server.uri();
        vec![
            ("PAPERBRIEF_SOURCES_HF_ENDPOINT", uri.clone()),
            ("PAPERBRIEF_SOURCES_ARXIV_BASE", uri.clone()),
            ("PAPERBRIEF_SOURCES_ARXIV_API_BASE", uri.clone()),
            ("PAPERBRIEF_SOURCES_ARXIV_MIN_INTERVAL_MS", "0".into()),
            ("PAPERBRIEF_SOURCES_RETRY_BASE_DELAY_MS", "10".into()),
            ("PAPERBRIEF_LLM_BASE_URL", format!("{uri}/v1")),
            ("PAPERBRIEF_LLM_RETRY_BASE_DELAY_MS", "10".into()),
            ("PAPERBRIEF_CACHE_DIR", cache.display().to_string()),
            ("PAPERBRIEF_OUTPUT_DIR", output.display().to_string()),
        ]
    }

    /// The paperbrief binary at `bin` with no inherited configuration, pointed at this server
    /// with its home, cache (`home/cache`) and reports (`home/out`) under `home`.
    pub fn command(&self, bin: &str, home: &std::path::Path) -> std::process::Command {
        // It runs in `home` (a paperbrief.toml elsewhere must not be read), so `home` must exist.
        let _ = std::fs::create_dir_all(home);
        let mut cmd = std::process::Command::new(bin);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .current_dir(home)
            .envs(self.env(&home.join("cache"), &home.join("out")));
        cmd
    }
}

/// A stand-in OpenAI-compatible endpoint alone (an LLM replica): `/v1/models` listing `model`
/// with a `context`-token window, chat completions answered by `llm`. The server is its own
/// (not from wiremock's pool), so dropping it closes its port: a replica that died.
pub async fn llm_endpoint(llm: FakeLlm, model: &str, context: u32) -> MockServer {
    let server = MockServer::builder().start().await;
    mount_llm(&server, llm, model, context).await;
    server
}

/// vLLM's `/v1/models` (serving `model` with `context` tokens) and `llm` answering chats.
async fn mount_llm(server: &MockServer, llm: FakeLlm, model: &str, context: u32) {
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": [
            {"id": model, "object": "model", "owned_by": "vllm", "max_model_len": context}]})),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(llm)
        .mount(server)
        .await;
}

/// An abstract page, for `check`.
const ABS_PAGE: &str = r#"<html><head><meta name="citation_title" content="Attention Is All You Need" /><meta name="citation_arxiv_id" content="1706.03762" /><meta name="citation_abstract" content="The dominant sequence transduction models." /></head><body><blockquote class="abstract">Abstract: The dominant sequence transduction models.</blockquote></body></html>"#;

/// The export API: an entry (at version 1) for each listed paper `id_list` asks for.
struct Feed(Arc<Mutex<Vec<FakePaper>>>);

impl wiremock::Respond for Feed {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let wanted: Vec<String> = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "id_list")
            .map(|(_, v)| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        // 1706.03762 is what `check` asks the API for.
        let probe = FakePaper {
            id: "1706.03762".into(),
            title: "Attention Is All You Need".into(),
            ..FakePaper::numbered(0, 0)
        };
        let known = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let found: Vec<&FakePaper> = known
            .iter()
            .chain([&probe])
            .filter(|p| wanted.iter().any(|w| w == &p.id))
            .collect();
        ResponseTemplate::new(200).set_body_string(feed(&found))
    }
}

fn feed(papers: &[&FakePaper]) -> String {
    let entries: String = papers
        .iter()
        .map(|p| {
            format!(
                "<entry><id>http://arxiv.org/abs/{id}v1</id><title>{t}</title><summary>Abstract of {t}.</summary><author><name>Ada Lovelace</name></author></entry>",
                id = p.id,
                t = p.title
            )
        })
        .collect();
    format!(
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns=\"http://www.w3.org/2005/Atom\">{entries}</feed>"
    )
}

/// How long a stand-in call may take before a test considers it hung.
pub const HANG: Duration = Duration::from_secs(30);
