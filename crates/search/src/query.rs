//! A query as `paperbrief search` takes it, and a hit as it prints it.

use std::ops::Bound;

use paperbrief_core::ReportDate;
use serde::Serialize;
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;

use crate::error::SearchError;
use crate::schema::{Fields, words};

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The words; every one must be in a hit (in any field), ranked by BM25.
    pub text: String,
    /// Only days on or after this one.
    pub since: Option<ReportDate>,
    /// Only days on or before this one.
    pub until: Option<ReportDate>,
    /// Only papers with this tag (exactly as the overview gave it).
    pub tag: Option<String>,
    /// At most this many hits.
    pub limit: usize,
}

impl Query {
    /// A query for `text` over the whole archive, ten hits at most.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            since: None,
            until: None,
            tag: None,
            limit: 10,
        }
    }

    /// The tantivy query: each word must match some field; the dates and the tag filter.
    pub(crate) fn build(&self, fields: &Fields) -> Result<Box<dyn TantivyQuery>, SearchError> {
        let words = words(&self.text);
        if words.is_empty() {
            return Err(SearchError::EmptyQuery {
                query: self.text.clone(),
            });
        }
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = words
            .iter()
            .map(|w| (Occur::Must, any_field(fields, w)))
            .collect();
        if self.since.is_some() || self.until.is_some() {
            let bound = |d: Option<ReportDate>, inclusive: fn(Term) -> Bound<Term>| {
                d.map_or(Bound::Unbounded, |d| {
                    inclusive(Term::from_field_i64(fields.day, day_number(d)))
                })
            };
            let range = RangeQuery::new(
                bound(self.since, Bound::Included),
                bound(self.until, Bound::Included),
            );
            clauses.push((Occur::Must, Box::new(range)));
        }
        if let Some(tag) = &self.tag {
            let term = Term::from_field_text(fields.tag, tag);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

/// `word` in any searched field, a title match counting more.
fn any_field(fields: &Fields, word: &str) -> Box<dyn TantivyQuery> {
    let should: Vec<(Occur, Box<dyn TantivyQuery>)> = fields
        .weighted()
        .into_iter()
        .map(|(field, boost)| {
            let term = TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            let q: Box<dyn TantivyQuery> = Box::new(BoostQuery::new(Box::new(term), boost));
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(should))
}

/// A day as a sortable number: 2026-02-10 is 20260210.
pub(crate) fn day_number(d: ReportDate) -> i64 {
    d.to_string().replace('-', "").parse().unwrap_or_default()
}

/// One paper found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The day it is listed on (`2026-02-10`).
    pub date: String,
    /// Its arXiv id, without version.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its 一句话核心贡献 (empty when it has no brief).
    pub contribution: String,
    /// The BM25 score (higher is better; comparable within one query only).
    pub score: f32,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_day_is_a_sortable_number() {
        assert_eq!(
            day_number(ReportDate::parse("2026-02-10").unwrap()),
            20_260_210
        );
    }

    #[test]
    fn a_query_of_punctuation_is_refused_by_name() {
        let (_, fields) = Fields::schema();
        let err = Query::new("，。!").build(&fields).err().unwrap();
        assert!(err.to_string().contains("no word to search for"), "{err}");
    }
}
