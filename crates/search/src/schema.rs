//! The index's fields and how text is cut into words: one home for both, so documents and
//! queries are segmented alike.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer};

use crate::words_only::WordsOnly;

/// The name the word analyzer is registered under.
const WORDS: &str = "paperbrief_words";

/// Bumped whenever the fields or the analyzer change: an index of another version is rebuilt.
pub(crate) const VERSION: u32 = 1;

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// The report's key (`2026-02-10`): what a reindex deletes by.
    pub(crate) key: Field,
    /// The day as `20260210`, for `--since` and `--until`.
    pub(crate) day: Field,
    pub(crate) id: Field,
    pub(crate) title: Field,
    pub(crate) title_zh: Field,
    pub(crate) contribution: Field,
    pub(crate) body: Field,
    pub(crate) orgs: Field,
    /// Each tag whole, for `--tag`.
    pub(crate) tag: Field,
    /// Each tag as words, for the query.
    pub(crate) tag_words: Field,
}

impl Fields {
    /// The schema and its fields.
    pub(crate) fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let words = TextFieldIndexing::default()
            .set_tokenizer(WORDS)
            .set_index_option(IndexRecordOption::WithFreqs);
        let searched = TextOptions::default().set_indexing_options(words);
        let shown = searched.clone().set_stored();
        let fields = Self {
            key: b.add_text_field("key", STRING | STORED),
            day: b.add_i64_field("day", INDEXED | FAST | STORED),
            id: b.add_text_field("id", STRING | STORED),
            title: b.add_text_field("title", shown.clone()),
            title_zh: b.add_text_field("title_zh", searched.clone()),
            contribution: b.add_text_field("contribution", shown),
            body: b.add_text_field("body", searched.clone()),
            orgs: b.add_text_field("orgs", searched.clone()),
            tag: b.add_text_field("tag", STRING),
            tag_words: b.add_text_field("tag_words", searched),
        };
        (b.build(), fields)
    }

    /// The fields a query's words are looked for in, with how much a match in each counts.
    pub(crate) fn weighted(&self) -> [(Field, f32); 6] {
        [
            (self.title, 2.0),
            (self.title_zh, 2.0),
            (self.contribution, 1.5),
            (self.tag_words, 1.5),
            (self.orgs, 1.0),
            (self.body, 1.0),
        ]
    }
}

/// Words: jieba's segmentation (search mode, so 推测解码 also yields 推测 and 解码), without
/// punctuation and spaces, lowercased, English stemmed (decoding and decode meet).
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
        .filter(RemoveLongFilter::limit(40))
        .filter(WordsOnly)
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers the analyzer with `index` (it is not stored in the index).
pub(crate) fn register(index: &Index) {
    index.tokenizers().register(WORDS, analyzer());
}

/// The distinct words of `text`, in order.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out: Vec<String> = Vec::new();
    while let Some(token) = stream.next() {
        if !out.contains(&token.text) {
            out.push(token.text.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_segmented_and_english_stemmed() {
        let w = words("推测解码，Speculative Decoding!");
        assert!(w.contains(&"推测".to_owned()), "{w:?}");
        assert!(w.contains(&"解码".to_owned()), "{w:?}");
        assert!(w.contains(&"specul".to_owned()), "{w:?}");
        assert!(w.contains(&"decod".to_owned()), "{w:?}");
        assert!(
            !w.iter()
                .any(|t| t.trim().is_empty() || t == "，" || t == "!")
        );
        assert_eq!(words("decode"), words("decoding"));
    }
}
