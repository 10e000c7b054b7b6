//! Key figures on the site: each figure a report shows is copied from the store's figures
//! folder ([`SiteSettings::figures`]) to the site's `figures/`, under its hash name, and shown
//! from there (`img-src 'self'`: the site never loads an image from elsewhere). A figure whose
//! file is missing is not shown; the rest of the site is built as usual.

use std::collections::HashSet;

use paperbrief_core::fs::{Visibility, atomic_write};
use paperbrief_report::{DailyReport, Entry, FigureName};
use serde::Serialize;

use crate::error::SiteError;
use crate::settings::SiteSettings;

/// The figures the site has, by name.
#[derive(Debug, Default)]
pub(crate) struct Available(HashSet<FigureName>);

/// What the page template sees of a figure.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FigureView {
    /// `figures/{name}`, relative to the page (absolute under `base_url` in the feed).
    pub(crate) src: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) caption: String,
    /// The figure on the arXiv page read (`…/html/2602.07040v1#S3.F1`), when it has an anchor.
    pub(crate) link: Option<String>,
}

/// Copies into the site every figure `reports` show whose file the store has (a figure already
/// in the site is left alone: its name is the hash of its bytes); appends the files written to
/// `written`.
pub(crate) fn publish(
    settings: &SiteSettings,
    reports: &[DailyReport],
    written: &mut Vec<std::path::PathBuf>,
) -> Result<Available, SiteError> {
    let mut available = Available::default();
    let Some(store) = &settings.figures else {
        return Ok(available);
    };
    let names = reports
        .iter()
        .flat_map(|r| &r.entries)
        .filter_map(|e| e.source.as_ref()?.figure.as_ref()?.shown())
        .map(|(_, file)| file.name.clone());
    for name in names {
        if available.0.contains(&name) {
            continue;
        }
        let target = settings.out.join("figures").join(name.as_str());
        if !target.exists() {
            let Ok(bytes) = std::fs::read(store.join(name.as_str())) else {
                continue;
            };
            atomic_write(&target, &bytes, Visibility::Shared).map_err(|source| {
                SiteError::Write {
                    path: target.clone(),
                    source,
                }
            })?;
            written.push(target);
        }
        available.0.insert(name);
    }
    Ok(available)
}

/// The view of `entry`'s key figure, when the site has its file.
pub(crate) fn view(entry: &Entry, available: &Available) -> Option<FigureView> {
    let source = entry.source.as_ref()?;
    let (figure, file) = source.figure.as_ref()?.shown()?;
    if !available.0.contains(&file.name) {
        return None;
    }
    let link = (!figure.anchor.is_empty())
        .then(|| url::Url::parse(&source.url).ok())
        .flatten()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|mut u| {
            u.set_fragment(Some(&figure.anchor));
            u.to_string()
        });
    Some(FigureView {
        src: format!("figures/{}", file.name),
        width: file.width,
        height: file.height,
        caption: figure.caption.clone(),
        link,
    })
}
