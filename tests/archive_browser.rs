//! End-to-end in headless Chromium over a loopback server: on the archive of
//! `common::archive`, a query typed on any page finds papers of other days, other quarters and
//! the digest, in Chinese and English; the month and tag filters narrow it; hostile titles stay
//! text; a hit opens its paper; nothing raises a console error or CSP violation. `#[ignore]`d (it
//! needs Chromium); `.ci/run` installs Chromium and runs it. With `PAPERBRIEF_SCREENSHOTS` set to a
//! folder, it saves the hits of the first query at phone width there (`site-search.png`).

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::archive::{built_site, home};
use common::browser::{Cdp, WATCH, browser, require_chromium, serve};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

/// The hits' links once the archive answered (they change as the query does).
async fn hits(client: &Client, before: &Value) -> Value {
    let read = "const r = document.getElementById('results'); \
                return r.hidden ? null : [...document.querySelectorAll('#hits a')].map(a => a.getAttribute('href'))";
    let mut last = Value::Null;
    for _ in 0..100 {
        last = client.execute(read, vec![]).await.unwrap();
        if !last.is_null() && last != *before {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new hits (last {last})");
}

async fn type_query(client: &Client, text: &str) {
    let q = client.find(Locator::Css("#q")).await.unwrap();
    q.clear().await.unwrap();
    q.send_keys(text).await.unwrap();
}

async fn choose(client: &Client, filter: &str, value: &str) {
    let script = "const s = document.querySelector(`#facets select[data-filter='${arguments[0]}']`); \
                  s.value = arguments[1]; s.dispatchEvent(new Event('change')); return s.value";
    let set = client
        .execute(script, vec![json!(filter), json!(value)])
        .await
        .unwrap();
    assert_eq!(set, json!(value), "no {filter} option {value}");
}

async fn open(client: &Client, url: &str) {
    client.goto(url).await.unwrap();
    // The archive's index loads on first use.
    client
        .find(Locator::Css("#q"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let ready = "return !document.getElementById('facets').hidden";
    for _ in 0..100 {
        if client.execute(ready, vec![]).await.unwrap() == json!(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the archive's index did not load on {url}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Chromium and chromedriver (apt install chromium chromium-driver fonts-noto-cjk): run with --include-ignored"]
async fn a_query_on_any_page_searches_the_archive_in_a_real_browser() {
    require_chromium();
    let home = home();
    let site = built_site(home.path()).await;
    let web = serve(&site).await;
    let (_driver, client) = browser(&home.path().join("chromium-profile")).await;
    client
        .issue_cmd(Cdp(
            json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": WATCH}}),
        ))
        .await
        .unwrap();
    open(&client, &format!("{}/2026-02-10.html", web.uri())).await;
    // Chinese: the paper of another day, the day's own, and the digest's listing of it.
    type_query(&client, "推测解码").await;
    let found = hits(&client, &Value::Null).await;
    if let Ok(dir) = std::env::var("PAPERBRIEF_SCREENSHOTS") {
        client.set_window_size(390, 900).await.unwrap();
        std::fs::write(
            std::path::Path::new(&dir).join("site-search.png"),
            client.screenshot().await.unwrap(),
        )
        .unwrap();
    }
    let mut links: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    links.sort_unstable();
    assert_eq!(
        links,
        [
            "2025-12-30.html#2512.00001",
            "2026-02-10.html#2602.00004",
            "2026-W07.html#2602.00004"
        ]
    );
    // English.
    type_query(&client, "speculative").await;
    let english = hits(&client, &found).await;
    assert_eq!(english, json!(["2025-12-30.html#2512.00001"]));
    // No words, a month: that month's papers; then a tag.
    type_query(&client, "").await;
    choose(&client, "月份", "2025-12").await;
    let january = hits(&client, &english).await;
    let mut january: Vec<String> = serde_json::from_value(january).unwrap();
    january.sort_unstable();
    assert_eq!(
        january,
        ["2025-12-30.html#2512.00001", "2025-12-30.html#2512.00002"]
    );
    choose(&client, "标签", "机器人").await;
    let robots = hits(&client, &json!(january)).await;
    assert_eq!(robots, json!(["2025-12-30.html#2512.00002"]));
    // The hostile title is text in the hits.
    let hostile = client
        .execute(
            "return [document.querySelectorAll('#hits img, [onerror]').length, document.querySelector('#hits a').textContent]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hostile[0], json!(0));
    assert!(
        hostile[1].as_str().unwrap().contains("<img src=x"),
        "{hostile}"
    );
    // 阅读来源 alone: the one paper read from the abstract only.
    choose(&client, "标签", "").await;
    choose(&client, "月份", "").await;
    client
        .execute("document.getElementById('hits').textContent = ''", vec![])
        .await
        .unwrap();
    choose(&client, "阅读来源", "ArXiv Abs").await;
    let from_abstract = hits(&client, &json!([])).await;
    assert_eq!(
        from_abstract,
        json!(["2025-12-30.html#2512.00002"]),
        "only paper 2 was read from the abstract"
    );
    choose(&client, "阅读来源", "").await;
    // The index page searches too; a hit leads to the paper on its day's page.
    open(&client, &format!("{}/index.html", web.uri())).await;
    type_query(&client, "layout").await;
    let layout = hits(&client, &Value::Null).await;
    let mut layout: Vec<String> = serde_json::from_value(layout).unwrap();
    layout.sort_unstable();
    assert_eq!(
        layout,
        ["2026-02-09.html#2602.00003", "2026-W07.html#2602.00003"]
    );
    client
        .find(Locator::Css("#hits a[href='2026-02-09.html#2602.00003']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    assert!(
        url.as_str().ends_with("/2026-02-09.html#2602.00003"),
        "{url}"
    );
    let problems = client
        .execute("return window.__problems", vec![])
        .await
        .unwrap();
    assert_eq!(problems, json!([]), "console errors or CSP violations");
    client.close().await.unwrap();
}
