//! The HTTP transport under async-openai: plain reqwest (async-openai's own retry layer is left
//! out, so our policy decides), turning every non-success answer into an [`HttpStatusError`]
//! that keeps the status, `Retry-After` and body.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use reqwest::Response;

use super::error::HttpStatusError;

/// Error bodies longer than this are cut: they are for messages, not data.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A tower service executing async-openai's requests with our reqwest client.
#[derive(Debug, Clone)]
pub(crate) struct StatusService {
    client: reqwest::Client,
}

impl StatusService {
    pub(crate) fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response, OpenAIError>> + Send + 'static>>;

impl tower::Service<HttpRequestFactory> for StatusService {
    type Response = Response;
    type Error = OpenAIError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequestFactory) -> Self::Future {
        let client = self.client.clone();
        Box::pin(async move {
            let request = request.build().await?;
            let response = client
                .execute(request)
                .await
                .map_err(OpenAIError::Reqwest)?;
            if response.status().is_success() {
                return Ok(response);
            }
            let status = response.status().as_u16();
            let retry_after = paperbrief_fetch::retry_after(response.headers());
            let mut body = response.text().await.unwrap_or_default();
            if body.len() > MAX_ERROR_BODY {
                let cut = (0..=MAX_ERROR_BODY)
                    .rev()
                    .find(|i| body.is_char_boundary(*i))
                    .unwrap_or(0);
                body.truncate(cut);
            }
            Err(OpenAIError::Boxed(Box::new(HttpStatusError {
                status,
                retry_after,
                body,
            })))
        })
    }
}
