//! End-to-end: `run` with `[site] dir` set leaves a site, and the day's page works in a real
//! browser — headless Chromium (Debian's `chromium`, driven through `chromedriver` by
//! WebDriver): every article there, typing into the search box hides the papers that do not
//! match, no console errors or CSP violations, hostile model markup inert. The feed parses back
//! as Atom. The browser test is `#[ignore]`d, so a machine without Chromium reports it as ignored;
//! `.ci/run` installs Chromium and runs it with `--include-ignored`, where a missing browser fails
//! it. With `PAPERBRIEF_SCREENSHOTS` set to a folder, the test also saves the page at phone and
//! desktop widths there.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;
use std::time::Duration;

use common::browser::{Cdp, WATCH, browser, require_chromium, serve};
use common::day::{DATE, Dirs, dirs, paperbrief_run};
use common::stderr;
use fantoccini::{Client, Locator};
use paperbrief_testkit::{Behaviour, FakeFigure, FakeLlm, FakePaper, Script, StandIn};
use serde_json::json;

fn papers() -> Vec<FakePaper> {
    let mut v: Vec<FakePaper> = (1..=6)
        .map(|n| FakePaper::numbered(n, 20 - i64::from(n)))
        .collect();
    v[3].title = "Sparse Mixture Routing".into();
    // A key figure wider than the site shows: re-encoded to 1200 and served from figures/.
    v[0].figure = Some(FakeFigure::png(&v[0].id, 1600, 800));
    v
}

async fn count(client: &Client, selector: &str) -> usize {
    client.find_all(Locator::Css(selector)).await.unwrap().len()
}

/// `run` with `[site] dir` builds the site (and a rerun rewrites nothing): the site's directory,
/// with the stand-in and folders kept alive.
async fn built_site() -> (StandIn, Dirs, std::path::PathBuf) {
    let overview = json!({
        "themes": [
            {"name": "智能体协作", "summary": "两篇论文都让智能体分工。", "papers": ["2602.00001", "2602.00002"]},
            {"name": "稀疏路由", "summary": "<script>alert('t')</script>其余论文。", "papers": ["2602.00004", "2602.00005"]}],
        "picks": [{"id": "2602.00004", "why": "路由方法新颖。"}],
        "tags": {"2602.00001": ["智能体"], "2602.00002": ["智能体", "代码"],
                 "2602.00003": ["大语言模型"], "2602.00004": ["大语言模型"],
                 "2602.00005": ["大语言模型"], "2602.00006": ["大语言模型"]},
        "titles": {"2602.00004": "稀疏混合路由<img src=x onerror=alert(1)>"}});
    let script = Script::default()
        .on("2602.00003", vec![Behaviour::Script])
        .on(
            paperbrief_testkit::OVERVIEW,
            vec![Behaviour::Answer(overview.to_string())],
        );
    let stand = StandIn::start(
        DATE,
        &papers(),
        FakeLlm::new(script, Duration::ZERO),
        "m",
        32_768,
    )
    .await;
    let d = dirs();
    // A reader profile whose one keyword is paper 4's title: its page puts that paper first.
    std::fs::write(
        d.home.join("paperbrief.toml"),
        "[[interests]]\nname = \"routing\"\nkeywords = [\"Sparse Mixture Routing\"]\n",
    )
    .unwrap();
    let site = d.home.join("site");
    let env = [
        ("PAPERBRIEF_SITE_DIR", site.to_str().unwrap()),
        ("PAPERBRIEF_SITE_BASE_URL", "https://me.example/papers"),
    ];
    let out = paperbrief_run(&stand, &d, &env, &["run", "--date", DATE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        // The four files of a day's site, and paper 1's key figure.
        stderr(&out).contains("site: 5 files updated"),
        "{}",
        stderr(&out)
    );
    let feed: atom_syndication::Feed = std::fs::read_to_string(site.join("feed.xml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(feed.entries().len(), 6);
    assert!(
        feed.entries()[0].links()[0]
            .href()
            .starts_with("https://me.example/papers/2026-02-10.html#2602.")
    );
    // A rerun that changes nothing rewrites no page.
    let again = paperbrief_run(&stand, &d, &env, &["run", "--date", DATE]).await;
    assert!(
        stderr(&again).contains("site: 0 files updated, 4 unchanged"),
        "{}",
        stderr(&again)
    );
    (stand, d, site)
}

#[tokio::test(flavor = "multi_thread")]
async fn run_builds_the_site_and_a_rerun_rewrites_nothing() {
    let (_stand, _d, site) = built_site().await;
    assert!(site.join("index.html").is_file());
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Chromium and chromedriver (apt install chromium chromium-driver fonts-noto-cjk): run with --include-ignored"]
async fn the_day_page_works_in_a_real_browser() {
    require_chromium();
    let (_stand, d, site) = built_site().await;
    let web = serve(&site).await;
    let (_driver, client) = browser(&d.home.join("chromium-profile")).await;
    client
        .issue_cmd(Cdp(
            json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": WATCH}}),
        ))
        .await
        .unwrap();
    client.set_window_size(390, 900).await.unwrap();
    client
        .goto(&format!("{}/{DATE}.html", web.uri()))
        .await
        .unwrap();
    assert_eq!(count(&client, "article").await, 6);
    assert_eq!(count(&client, "article[id='2602.00003'] h3").await, 5);
    // Hostile markup is text, not elements: one script (ours), no handlers, no javascript: links.
    assert_eq!(count(&client, "script").await, 1);
    assert_eq!(
        count(
            &client,
            "[onerror], [onclick], a[href^='javascript'], img:not(figure.key-figure > a > img)"
        )
        .await,
        0
    );
    // The key figure loads from the site itself (the CSP allows nothing else), at 1200 wide.
    assert_eq!(
        count(&client, "article[id='2602.00001'] figure.key-figure img").await,
        1
    );
    let loaded = "const i = document.querySelector('figure.key-figure img'); i.scrollIntoView(); \
                  return i.complete ? i.naturalWidth : 0";
    let mut width = json!(0);
    for _ in 0..50 {
        width = client.execute(loaded, vec![]).await.unwrap();
        if width != json!(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(width, json!(1200), "the figure did not load");
    client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    // The search box filters as you type.
    let search = client.find(Locator::Css("#q")).await.unwrap();
    search.send_keys("mixture ROUTING").await.unwrap();
    let visible = client
        .execute("return [...document.querySelectorAll('article')].filter(a => !a.hidden).map(a => a.id)", vec![])
        .await
        .unwrap();
    assert_eq!(visible, json!(["2602.00004"]));
    search.clear().await.unwrap();
    search.send_keys("实验效果 91.3%").await.unwrap();
    let shown = client
        .execute(
            "return [...document.querySelectorAll('article')].filter(a => !a.hidden).length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        json!(6),
        "every brief has the section and the number"
    );
    search.clear().await.unwrap();
    search.send_keys(" ").await.unwrap();
    // 今日速览 on top, and its chips filter the day: a tag, then off again, then a theme.
    assert_eq!(count(&client, "#overview .theme").await, 2);
    assert_eq!(count(&client, "#overview .picks li").await, 1);
    let visible =
        "return [...document.querySelectorAll('article')].filter(a => !a.hidden).map(a => a.id)";
    let chip =
        |filter: &str, value: &str| format!(".chip[data-filter='{filter}'][data-value='{value}']");
    client
        .find(Locator::Css(&chip("tag", "智能体")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        client.execute(visible, vec![]).await.unwrap(),
        json!(["2602.00001", "2602.00002"])
    );
    client
        .find(Locator::Css(&chip("tag", "智能体")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        count(&client, "article:not([hidden])").await,
        6,
        "a second click clears it"
    );
    client
        .find(Locator::Css(&chip("theme", "2")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        client.execute(visible, vec![]).await.unwrap(),
        json!(["2602.00004", "2602.00005"])
    );
    client
        .find(Locator::Css(&chip("theme", "2")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Without JavaScript every chip is a link to a part of the page that lists its papers.
    let targets = client
        .execute("return [...document.querySelectorAll('.chip')].map(c => !!document.getElementById(c.getAttribute('href').slice(1)))", vec![])
        .await
        .unwrap();
    assert_eq!(
        targets,
        json!([true, true, true, true, true]),
        "2 themes, 3 tags"
    );
    assert_eq!(
        count(&client, "article[id='2602.00004'] .badge.tag").await,
        1
    );
    assert_eq!(
        count(&client, "img:not(figure.key-figure > a > img), [onerror]").await,
        0,
        "the model's title and summary are text"
    );
    // The profile switch: a plain link to the profile's page, its pick first, the rest dimmed.
    assert_eq!(count(&client, ".profiles a").await, 2, "全部 and routing");
    client
        .find(Locator::LinkText("routing"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let order = client
        .execute("return [...document.querySelectorAll('article')].map(a => a.id + (a.classList.contains('dim') ? '-dim' : ''))", vec![])
        .await
        .unwrap();
    assert_eq!(order[0], "2602.00004", "{order}");
    assert!(
        order.as_array().unwrap()[1..]
            .iter()
            .all(|x| x.as_str().unwrap().ends_with("-dim")),
        "{order}"
    );
    assert_eq!(count(&client, ".profiles a.on").await, 1);
    assert_eq!(
        count(&client, "article[id='2602.00004'] .badge.pick").await,
        1
    );
    client.back().await.unwrap();
    let problems = client
        .execute("return window.__problems", vec![])
        .await
        .unwrap();
    assert_eq!(
        problems,
        json!([]),
        "console errors, CSP violations or alerts"
    );
    if let Ok(dir) = std::env::var("PAPERBRIEF_SCREENSHOTS") {
        for (width, name) in [(390, "site-phone.png"), (1280, "site-desktop.png")] {
            client.set_window_size(width, 1400).await.unwrap();
            client
                .goto(&format!("{}/{DATE}.html", web.uri()))
                .await
                .unwrap();
            std::fs::write(
                Path::new(&dir).join(name),
                client.screenshot().await.unwrap(),
            )
            .unwrap();
        }
    }
    client.close().await.unwrap();
}
