//! A token filter keeping the tokens that hold a letter or digit of any script: jieba emits
//! spaces and punctuation as tokens, and tantivy's own filter keeps ASCII words only (dropping
//! every Chinese one).

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Drops tokens without a letter or digit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WordsOnly;

impl TokenFilter for WordsOnly {
    type Tokenizer<T: Tokenizer> = WordsOnlyTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordsOnlyTokenizer<T> {
        WordsOnlyTokenizer(tokenizer)
    }
}

/// A tokenizer whose tokens pass [`WordsOnly`].
#[derive(Clone)]
pub(crate) struct WordsOnlyTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for WordsOnlyTokenizer<T> {
    type TokenStream<'a> = WordsOnlyStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordsOnlyStream(self.0.token_stream(text))
    }
}

/// The stream of a [`WordsOnlyTokenizer`].
pub(crate) struct WordsOnlyStream<S>(S);

impl<S: TokenStream> TokenStream for WordsOnlyStream<S> {
    fn advance(&mut self) -> bool {
        while self.0.advance() {
            if self.0.token().text.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}
