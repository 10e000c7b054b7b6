//! Headless Chromium for the end-to-end tests: chromedriver started on a free port, a WebDriver
//! client on it, and a loopback web server for a built site's files.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Fails with the install command when Chromium or chromedriver is missing.
pub fn require_chromium() {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "{CHROMIUM} or {CHROMEDRIVER} is missing: apt install chromium chromium-driver fonts-noto-cjk"
    );
}

/// Serves every file of `dir` and its folders on loopback, as a web server would.
pub async fn serve(dir: &Path) -> MockServer {
    let server = MockServer::start().await;
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let file = entry.path();
            if file.is_dir() {
                folders.push(file);
                continue;
            }
            let name = file
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("xml") => "application/atom+xml",
                Some("png") => "image/png",
                Some("jpg") => "image/jpeg",
                Some("js") => "text/javascript",
                Some("json") => "application/json",
                Some("html") => "text/html; charset=utf-8",
                // Pagefind's index and WebAssembly (gzip inside, decompressed by its script).
                _ => "application/octet-stream",
            };
            Mock::given(method("GET"))
                .and(path(format!("/{name}")))
                .respond_with(
                    ResponseTemplate::new(200).set_body_raw(std::fs::read(&file).unwrap(), kind),
                )
                .mount(&server)
                .await;
        }
    }
    server
}

/// Errors, CSP violations, `console.error` and `alert` calls, collected before any page script
/// (installed with [`Cdp`] `Page.addScriptToEvaluateOnNewDocument`; read `window.__problems`).
pub const WATCH: &str = "window.__problems = [];\
 addEventListener('error', e => __problems.push('error: ' + e.message));\
 document.addEventListener('securitypolicyviolation', e => __problems.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI));\
 const __ce = console.error; console.error = (...a) => { __problems.push('console: ' + a.join(' ')); __ce(...a); };\
 window.alert = m => __problems.push('alert: ' + m);";

/// `POST /session/{id}/goog/cdp/execute`: chromedriver's door to the DevTools protocol.
#[derive(Debug)]
pub struct Cdp(pub serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn browser(profile: &Path) -> (Driver, Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let caps = json!({"goog:chromeOptions": {"binary": CHROMIUM, "args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--hide-scrollbars", format!("--user-data-dir={}", profile.display())]}});
    let mut last = None;
    for _ in 0..100 {
        let mut builder = ClientBuilder::rustls().unwrap();
        builder.capabilities(caps.as_object().unwrap().clone());
        match builder.connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(client) => return (driver, client),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start: {last:?}");
}
