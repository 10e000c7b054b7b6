//! Each paper's key figure, for the report: the figure the page read names, downloaded and
//! checked by [`paperbrief_fetch::ArxivClient::figure`] and kept in the store under the hash of
//! its bytes. A figure that is refused or fails is a note on the entry, never a failed paper;
//! papers read from the abstract have none, and `[sources] figures = false` turns it all off.

use paperbrief_core::{SourceDoc, SourceKind};
use paperbrief_fetch::ArxivClient;
use paperbrief_report::FigureInfo;

use crate::store::Store;

/// Fetches and keeps key figures.
#[derive(Debug, Clone)]
pub(crate) struct Figures {
    arxiv: ArxivClient,
    store: Store,
    enabled: bool,
}

impl Figures {
    /// Figures fetched through `arxiv` into `store`; `enabled` is `[sources] figures`.
    pub(crate) fn new(arxiv: ArxivClient, store: Store, enabled: bool) -> Self {
        Self {
            arxiv,
            store,
            enabled,
        }
    }

    /// The key figure of `doc` with its kept copy, or the note saying why there is none;
    /// `None` when the page names no figure, it was an abstract, or figures are off.
    pub(crate) async fn attach(&self, doc: &SourceDoc) -> Option<FigureInfo> {
        if !self.enabled || doc.kind != SourceKind::Html {
            return None;
        }
        let figure = doc.figure.clone()?;
        let kept = match self.arxiv.figure(&figure).await {
            Ok(image) => self
                .store
                .put_figure(image)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        Some(match kept {
            Ok(file) => FigureInfo {
                figure,
                file: Some(file),
                note: None,
            },
            Err(note) => {
                tracing::warn!(target: "paperbrief::figure", "{}: no figure: {note}", doc.id);
                FigureInfo {
                    figure,
                    file: None,
                    note: Some(note),
                }
            }
        })
    }
}
