//! A section's paragraphs as the walker reads them, with the element ids (`S3.SS2.p1`) of those
//! that start an element with one: joined, they give the section's text and, for each id, the
//! byte offset where its paragraph starts — what a number found in the text is linked to.

use paperbrief_core::TextAnchor;
use scraper::ElementRef;

/// A section's paragraphs as they are read, and which of them start an element with an id.
#[derive(Debug, Default)]
pub(crate) struct Paragraphs {
    pub(crate) texts: Vec<String>,
    /// (index into `texts`, element id), in order; one per index at most.
    marks: Vec<(usize, String)>,
}

impl Paragraphs {
    /// Marks the paragraphs read from `el` since `start` (if any) as starting at `el`'s id.
    pub(crate) fn mark(&mut self, start: usize, el: ElementRef<'_>) {
        if self.texts.len() > start {
            self.mark_at(start, el);
        }
    }

    /// Marks paragraph `start` (possibly still to come) as `el`'s, when `el` has an id and
    /// nothing marked it already.
    pub(crate) fn mark_at(&mut self, start: usize, el: ElementRef<'_>) {
        let id = super::text::element_id(el);
        if id.is_empty() {
            return;
        }
        if self.marks.last().is_none_or(|(at, _)| *at < start) {
            self.marks.push((start, id));
        }
    }

    /// Drops a mark left at `start` or later when no paragraph came there.
    pub(crate) fn unmark_after(&mut self, start: usize) {
        let len = self.texts.len();
        self.marks.retain(|(at, _)| *at < start || *at < len);
    }

    /// The text (paragraphs separated by a blank line) and where each marked paragraph starts.
    pub(crate) fn join(self) -> (String, Vec<TextAnchor>) {
        let mut text = String::with_capacity(self.texts.iter().map(|t| t.len() + 2).sum());
        let mut starts = Vec::with_capacity(self.texts.len());
        for (i, t) in self.texts.iter().enumerate() {
            if i > 0 {
                text.push_str("\n\n");
            }
            starts.push(text.len());
            text.push_str(t);
        }
        let anchors = self
            .marks
            .into_iter()
            .filter_map(|(i, id)| {
                Some(TextAnchor {
                    at: *starts.get(i)?,
                    id,
                })
            })
            .collect();
        (text, anchors)
    }
}
