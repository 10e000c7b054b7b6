//! The prompt template: MiniJinja, strict about undefined variables, with `system`, `user` and
//! `repair` blocks.

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::error::PromptError;

/// The built-in template's file name.
pub const BUILTIN_NAME: &str = "brief.zh.md";
/// The built-in template (a copy of `prompts/brief.zh.md`, embedded in the binary).
pub const BUILTIN_SOURCE: &str = include_str!("../../../prompts/brief.zh.md");
/// The built-in overview template's file name.
pub const OVERVIEW_NAME: &str = "overview.zh.md";
/// The built-in overview template (`prompts/overview.zh.md`).
pub const OVERVIEW_SOURCE: &str = include_str!("../../../prompts/overview.zh.md");

/// The variables of the overview template (see `prompts/README.md`).
#[derive(Debug, Clone, Serialize)]
pub struct OverviewVars {
    /// The papers of this request: the day's briefed papers, or one chunk of them.
    pub papers: Vec<OverviewPaper>,
    /// The tag vocabulary.
    pub tags: Vec<String>,
    /// Themes to ask for, at least and at most.
    pub min_themes: usize,
    /// At most this many themes.
    pub max_themes: usize,
    /// `text` or `json_schema`.
    pub output: String,
    /// For the merge of a chunked day: the chunks' themes and picks; empty otherwise.
    pub partial_themes: Vec<paperbrief_core::overview::Theme>,
    /// The chunks' picks.
    pub partial_picks: Vec<paperbrief_core::overview::Pick>,
}

/// One paper as the overview reads it: never its full text.
#[derive(Debug, Clone, Serialize)]
pub struct OverviewPaper {
    /// arXiv id, without version.
    pub id: String,
    /// Title.
    pub title: String,
    /// Its 应用领域.
    pub domain: String,
    /// Its 一句话核心贡献.
    pub contribution: String,
}

/// The variables of the `system` and `user` blocks (see `prompts/README.md`).
#[derive(Debug, Clone, Serialize)]
pub struct PromptVars {
    /// The paper.
    pub paper: PaperVars,
    /// Where the paper lives.
    pub links: LinkVars,
    /// The paper's sections after cuts.
    pub body: String,
    /// Headings of the sections dropped or shortened.
    pub cut_sections: Vec<String>,
    /// `text` or `json_schema`.
    pub output: String,
}

/// `paper.*`.
#[derive(Debug, Clone, Serialize)]
pub struct PaperVars {
    /// arXiv id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Authors, comma separated.
    pub authors: String,
    /// Abstract.
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// Whether the HTML full text was read.
    pub full_text: bool,
}

/// `links.*`.
#[derive(Debug, Clone, Serialize)]
pub struct LinkVars {
    /// Code repository.
    pub github: Option<String>,
    /// Project page.
    pub project_page: Option<String>,
    /// Hugging Face paper page.
    pub hf: String,
}

/// A loaded, checked template.
#[derive(Debug)]
pub struct Template {
    env: Environment<'static>,
    name: String,
    id: String,
}

impl Template {
    /// The built-in overview template.
    pub fn builtin_overview() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_source(OVERVIEW_NAME, OVERVIEW_SOURCE)
            .expect("the built-in overview template is valid (tested)")
    }

    /// The built-in template.
    pub fn builtin() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_source(BUILTIN_NAME, BUILTIN_SOURCE)
            .expect("the built-in template is valid (tested)")
    }

    /// A template from its file name and content. It must parse and define the `system`,
    /// `user` and `repair` blocks.
    pub fn from_source(name: &str, source: &str) -> Result<Self, PromptError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(false);
        let err = |e: minijinja::Error| PromptError::Template {
            name: name.to_owned(),
            message: describe(&e),
        };
        env.add_template_owned(name.to_owned(), source.to_owned())
            .map_err(err)?;
        let template = env.get_template(name).map_err(err)?;
        for block in ["system", "user", "repair"] {
            if !source.contains(&format!("block {block}")) {
                return Err(PromptError::Template {
                    name: name.to_owned(),
                    message: format!("the template must define a `{{% block {block} %}}`"),
                });
            }
        }
        drop(template);
        Ok(Self {
            id: format!(
                "{name}@{}",
                &paperbrief_core::hash::hex_sha256(source.as_bytes())[..12]
            ),
            name: name.to_owned(),
            env,
        })
    }

    /// `file name@sha256-prefix`: recorded with every brief.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Renders the system and user messages (the brief's [`PromptVars`], the overview's
    /// [`crate::OverviewVars`]).
    pub fn render<V: Serialize>(&self, vars: &V) -> Result<(String, String), PromptError> {
        let mut blocks = self.blocks(
            &Context {
                vars,
                problems: &[],
            },
            &["system", "user"],
        )?;
        let user = blocks.pop().unwrap_or_default();
        let system = blocks.pop().unwrap_or_default();
        Ok((system, user))
    }

    /// Renders the repair message for the given problems (already phrased in Chinese).
    pub fn repair<V: Serialize>(
        &self,
        vars: &V,
        problems: &[String],
    ) -> Result<String, PromptError> {
        let mut blocks = self.blocks(&Context { vars, problems }, &["repair"])?;
        Ok(blocks.pop().unwrap_or_default())
    }

    /// Evaluating a template runs all its blocks, so every block sees every variable.
    fn blocks<V: Serialize>(
        &self,
        ctx: &Context<'_, V>,
        names: &[&str],
    ) -> Result<Vec<String>, PromptError> {
        let err = |e: minijinja::Error| PromptError::Template {
            name: self.name.clone(),
            message: describe(&e),
        };
        let template = self.env.get_template(&self.name).map_err(err)?;
        let mut captured = template.render_captured(ctx).map_err(err)?;
        names
            .iter()
            .map(|name| {
                captured
                    .with_state_mut(|state| state.render_block(name))
                    .map(|text| text.trim().to_owned())
                    .map_err(err)
            })
            .collect()
    }
}

#[derive(Serialize)]
struct Context<'a, V> {
    #[serde(flatten)]
    vars: &'a V,
    problems: &'a [String],
}

fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!("{e} (line {line})"),
        None => e.to_string(),
    }
}
