//! The page templates (built in, or `[site] templates`), the inline style and script, and the
//! Content-Security-Policy that allows exactly them.

use std::path::Path;

use base64::Engine as _;
use minijinja::Environment;
use sha2::{Digest, Sha256};

use crate::error::SiteError;

/// The built-in templates: the repository's `templates/site/`.
const BUILTIN: [(&str, &str); 5] = [
    (
        "base.html",
        include_str!("../../../templates/site/base.html"),
    ),
    (
        "index.html",
        include_str!("../../../templates/site/index.html"),
    ),
    (
        "page.html",
        include_str!("../../../templates/site/page.html"),
    ),
    (
        "style.css",
        include_str!("../../../templates/site/style.css"),
    ),
    (
        "search.js",
        include_str!("../../../templates/site/search.js"),
    ),
];

/// Loaded templates and assets.
#[derive(Debug)]
pub(crate) struct Templates {
    pub(crate) env: Environment<'static>,
    pub(crate) style: String,
    pub(crate) script: String,
    pub(crate) csp: String,
}

impl Templates {
    /// The built-in templates, or those in `dir`.
    pub(crate) fn load(dir: Option<&Path>, search: bool) -> Result<Self, SiteError> {
        let mut files = Vec::with_capacity(BUILTIN.len());
        for (name, builtin) in BUILTIN {
            let text = match dir {
                None => builtin.to_owned(),
                Some(d) => {
                    let path = d.join(name);
                    std::fs::read_to_string(&path)
                        .map_err(|source| SiteError::TemplateFile { path, source })?
                }
            };
            files.push((name, text));
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let mut style = String::new();
        let mut script = String::new();
        for (name, text) in files {
            match name {
                "style.css" => style = text,
                "search.js" => script = text,
                _ => env
                    .add_template_owned(name.to_owned(), text)
                    .map_err(|e| template_error(name, &e))?,
            }
        }
        let csp = csp(&hash(&style), &hash(&script), search);
        Ok(Self {
            env,
            style,
            script,
            csp,
        })
    }
}

/// The Content-Security-Policy: the inline style and script by hash, images from the site;
/// with search, also exactly what Pagefind needs: its module and worker scripts from the site
/// (`'self'`), compiling its WebAssembly (`'wasm-unsafe-eval'`, which allows no `eval`), and
/// fetching its index from the site (`connect-src 'self'`).
fn csp(style: &str, script: &str, search: bool) -> String {
    let (scripts, more) = if search {
        (
            format!("'{script}' 'self' 'wasm-unsafe-eval'"),
            "; worker-src 'self'; connect-src 'self'",
        )
    } else {
        (format!("'{script}'"), "")
    };
    format!(
        "default-src 'none'; style-src '{style}'; script-src {scripts}; img-src 'self'{more}; base-uri 'none'; form-action 'none'"
    )
}

/// `sha256-…` of an inline asset, as CSP names it.
fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

pub(crate) fn template_error(name: &str, e: &minijinja::Error) -> SiteError {
    SiteError::Template {
        name: name.to_owned(),
        message: format!("{e:#}"),
    }
}
