//! `[site]`: where the site goes, where it is published, its title, the feed's span, the
//! templates.

use std::path::{Path, PathBuf};

use paperbrief_core::{Config, HttpUrl};

/// The site's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    /// The directory pages are written to.
    pub out: PathBuf,
    /// Where the site is published (ends with `/`), for absolute links in the feed.
    pub base_url: Option<url::Url>,
    /// The site's title.
    pub title: String,
    /// Newest days (and digests) in the feed.
    pub feed_days: usize,
    /// Templates to use instead of the built-in ones.
    pub templates: Option<PathBuf>,
    /// Where the key figures are kept (the store's `figures/`); `None`: no figures are shown.
    pub figures: Option<PathBuf>,
    /// Archive-wide search (a Pagefind index under `pagefind/`); without it the search box
    /// filters the page only.
    pub search: bool,
}

impl SiteSettings {
    /// The settings `[site]` gives, writing to `out`.
    pub fn from_config(config: &Config, out: &Path) -> Self {
        let site = &config.site;
        let base_url = site.base_url.as_ref().map(HttpUrl::expose).and_then(|u| {
            let with_slash = if u.ends_with('/') {
                u.to_owned()
            } else {
                format!("{u}/")
            };
            url::Url::parse(&with_slash).ok()
        });
        Self {
            out: out.to_owned(),
            base_url,
            title: site.title.clone(),
            feed_days: site.feed_days.get() as usize,
            templates: site.templates.clone(),
            figures: None,
            search: site.search,
        }
    }

    /// These settings, with the key figures copied from `dir` and shown.
    pub fn with_figures(mut self, dir: PathBuf) -> Self {
        self.figures = Some(dir);
        self
    }

    /// `page` (`2026-02-10.html#2602.07040`) as the feed links it: absolute under `base_url`,
    /// else as it is.
    pub fn link(&self, page: &str) -> String {
        match &self.base_url {
            Some(base) => base
                .join(page)
                .map_or_else(|_| page.to_owned(), |u| u.to_string()),
            None => page.to_owned(),
        }
    }
}
