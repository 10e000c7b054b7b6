//! The HTTP transport under async-openai: plain reqwest (async-openai's own retry layer is left
//! out, so our policy decides), turning every non-success answer into an [`HttpStatusError`]
//! that keeps the status, `Retry-After` and body, and reading every body with a size cap so a
//! runaway answer cannot take the process's memory.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use bytes::{Bytes, BytesMut};
use reqwest::Response;

use super::error::{HttpStatusError, ResponseTooLarge};

/// Error bodies longer than this are cut: they are for messages, not data.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A tower service executing async-openai's requests with our reqwest client.
#[derive(Debug, Clone)]
pub(crate) struct StatusService {
    client: reqwest::Client,
    max_body: u64,
}

impl StatusService {
    /// Bodies over `max_body` bytes are refused while they stream in.
    pub(crate) fn new(client: reqwest::Client, max_body: u64) -> Self {
        Self { client, max_body }
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
        let (client, max_body) = (self.client.clone(), self.max_body);
        Box::pin(async move {
            let request = request.build().await?;
            let response = client
                .execute(request)
                .await
                .map_err(OpenAIError::Reqwest)?;
            if response.status().is_success() {
                return capped(response, max_body).await;
            }
            let status = response.status().as_u16();
            let retry_after = paperbrief_http::retry_after(response.headers());
            let body = read_prefix(response, MAX_ERROR_BODY).await;
            Err(OpenAIError::Boxed(Box::new(HttpStatusError {
                status,
                retry_after,
                body,
            })))
        })
    }
}

/// The response with its body read in full, unless it is larger than `limit` bytes: then reading
/// stops there and the call fails with [`ResponseTooLarge`].
async fn capped(mut response: Response, limit: u64) -> Result<Response, OpenAIError> {
    let too_large = || OpenAIError::Boxed(Box::new(ResponseTooLarge { limit }));
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version());
    if let Some(headers) = builder.headers_mut() {
        *headers = response.headers().clone();
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(OpenAIError::Reqwest)? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let rebuilt: http::Response<Bytes> = builder
        .body(body.freeze())
        .map_err(|e| OpenAIError::InvalidArgument(e.to_string()))?;
    Ok(Response::from(rebuilt))
}

/// At most `limit` bytes of the body, as text (an error message, not data).
async fn read_prefix(mut response: Response, limit: usize) -> String {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= limit {
            body.truncate(limit);
            break;
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}
