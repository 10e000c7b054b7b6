//! Each platform's payload for a busy day (136 papers, long titles, hostile text): its shape,
//! its signature, and its limits — trimmed or split, never over.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use paperbrief_core::ChannelKind;
use paperbrief_notify::Briefing;
use paperbrief_notify::platforms::{
    self, Secrets, Verdict, discord, feishu, slack, telegram, wecom,
};
use paperbrief_report::{DailyReport, Outcome};

const URL: &str = "https://hooks.example/x";

fn day(papers: u32) -> DailyReport {
    paperbrief_testkit::reports::busy_day("2026-02-10", papers)
}

fn briefing(papers: u32) -> Briefing {
    Briefing::of(
        &day(papers),
        Some(&url::Url::parse("https://me.example/papers/").unwrap()),
    )
}

fn secrets(secret: Option<&str>) -> Secrets {
    Secrets {
        url: Some(URL.into()),
        secret: secret.map(str::to_owned),
        token: None,
    }
}

#[test]
fn feishu_sends_a_signed_card_within_20_kb() {
    let b = briefing(136);
    let r = &platforms::requests(
        ChannelKind::Feishu,
        &b,
        136,
        &secrets(Some("SEC123")),
        1_700_000_000_000,
    )
    .unwrap()[0];
    assert_eq!(r.body["msg_type"], "interactive");
    assert_eq!(r.body["timestamp"], "1700000000");
    // HMAC-SHA256 keyed by "{timestamp}\n{secret}" over nothing, base64 (computed independently).
    assert_eq!(
        r.body["sign"],
        "j/tImR0k8vYXRsYw0+GHVQkV1v/J/8obOuMU7PE/KDo="
    );
    let size = r.body.to_string().len();
    assert!(size <= feishu::MAX_BODY, "{size}");
    let text = r.body.to_string();
    assert!(text.contains("…另有"), "trimmed, and says so");
    assert!(text.contains("https://me.example/papers/2026-02-10.html#2602.00001"));
    assert!(
        !text.contains("<script>") && !text.contains("[x]") && !text.contains("@all"),
        "{text}"
    );
    // A small day fits whole.
    let small =
        &platforms::requests(ChannelKind::Feishu, &briefing(3), 10, &secrets(None), 0).unwrap()[0];
    assert!(small.body.get("sign").is_none());
    assert!(!small.body.to_string().contains("另有"));
}

#[test]
fn wecom_and_dingtalk_fit_their_byte_limits_and_dingtalk_signs_the_url() {
    let b = briefing(136);
    let w = &platforms::requests(ChannelKind::Wecom, &b, 136, &secrets(None), 0).unwrap()[0];
    assert_eq!(w.body["msgtype"], "markdown");
    let content = w.body["markdown"]["content"].as_str().unwrap();
    assert!(content.len() <= wecom::MAX_CONTENT, "{}", content.len());
    assert!(
        content.contains("完整报告"),
        "the link to the report survives trimming"
    );
    let d = &platforms::requests(
        ChannelKind::Dingtalk,
        &b,
        136,
        &secrets(Some("SEC123")),
        1_700_000_000_000,
    )
    .unwrap()[0];
    assert!(d.url.starts_with("https://hooks.example/x?timestamp=1700000000000&sign=lkcPI1uoxBY1gUnCnnPH1Kkru0Hqjo7rFpA3haIVhEQ%3D"), "{}", d.url);
    assert!(d.body["markdown"]["text"].as_str().unwrap().len() <= 20_000);
    assert_eq!(
        d.body["markdown"]["title"],
        "Hugging Face 每日论文简报 · 2026-02-10"
    );
}

#[test]
fn slack_keeps_within_block_kit_limits() {
    let r = &platforms::requests(ChannelKind::Slack, &briefing(136), 136, &secrets(None), 0)
        .unwrap()[0];
    let blocks = r.body["blocks"].as_array().unwrap();
    assert!(blocks.len() <= slack::MAX_BLOCKS, "{}", blocks.len());
    for b in blocks {
        if let Some(t) = b.pointer("/text/text").and_then(|t| t.as_str()) {
            assert!(t.chars().count() <= slack::MAX_SECTION);
        }
    }
    assert!(r.body["text"].as_str().unwrap().contains("136 篇论文"));
}

#[test]
fn discord_and_telegram_split_long_lists_in_order() {
    let b = briefing(136);
    let msgs = platforms::requests(ChannelKind::Discord, &b, 136, &secrets(None), 0).unwrap();
    assert!(msgs.len() > 1);
    assert!(
        msgs.iter()
            .all(|m| m.body["content"].as_str().unwrap().chars().count() <= discord::MAX_CONTENT)
    );
    assert!(msgs.iter().all(|m| m.url.ends_with("?wait=true")));
    let all: String = msgs
        .iter()
        .map(|m| m.body["content"].as_str().unwrap().to_owned())
        .collect();
    let first = all.find("**1. ").unwrap();
    assert!(first < all.find("**136. ").unwrap(), "in order");
    let tg = telegram::bodies(&b, 136, "-100123");
    assert!(tg.len() > 1);
    assert!(
        tg.iter()
            .all(|m| m["text"].as_str().unwrap().chars().count() <= telegram::MAX_TEXT)
    );
    assert!(
        tg.iter()
            .all(|m| m["parse_mode"] == "HTML" && m["chat_id"] == "-100123")
    );
    let text: String = tg
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        text.contains("&lt;script&gt;") && !text.contains("<script>"),
        "escaped for HTML mode"
    );
}

#[test]
fn the_webhook_carries_every_paper_and_all_failed_days_get_a_notice() {
    let r = &platforms::requests(ChannelKind::Webhook, &briefing(136), 10, &secrets(None), 0)
        .unwrap()[0];
    assert_eq!(r.body["papers"].as_array().unwrap().len(), 136);
    assert_eq!(r.body["date"], "2026-02-10");
    assert_eq!(r.body["stats"]["papers"], 136);
    let first = &r.body["papers"][0];
    for key in [
        "id",
        "title",
        "upvotes",
        "contribution",
        "url",
        "source_kind",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    let mut failed = day(5);
    for e in &mut failed.entries {
        e.outcome = Outcome::Failed(paperbrief_report::Failure::new(
            paperbrief_report::FailureKind::Unreachable,
            "down",
        ));
    }
    failed.recount();
    let b = Briefing::of(&failed, None);
    let w = &platforms::requests(ChannelKind::Wecom, &b, 10, &secrets(None), 0).unwrap()[0];
    assert!(w.body.to_string().contains("全部生成失败"), "{}", w.body);
}

#[test]
fn answers_are_judged_by_the_platforms_own_codes() {
    assert_eq!(
        platforms::verdict(
            ChannelKind::Feishu,
            200,
            None,
            r#"{"code":0,"msg":"success"}"#
        ),
        Verdict::Delivered
    );
    assert!(
        matches!(platforms::verdict(ChannelKind::Feishu, 200, None, r#"{"code":19021,"msg":"sign match fail"}"#), Verdict::Rejected(m) if m.contains("sign match fail"))
    );
    assert_eq!(
        platforms::verdict(
            ChannelKind::Feishu,
            200,
            None,
            r#"{"code":11232,"msg":"frequency limited"}"#
        ),
        Verdict::RateLimited(None)
    );
    assert_eq!(
        platforms::verdict(
            ChannelKind::Wecom,
            200,
            None,
            r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#
        ),
        Verdict::RateLimited(None)
    );
    assert!(matches!(
        platforms::verdict(
            ChannelKind::Wecom,
            200,
            None,
            r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#
        ),
        Verdict::Rejected(_)
    ));
    assert_eq!(
        platforms::verdict(
            ChannelKind::Dingtalk,
            200,
            None,
            r#"{"errcode":130101,"errmsg":"send too fast"}"#
        ),
        Verdict::RateLimited(None)
    );
    assert_eq!(
        platforms::verdict(
            ChannelKind::Discord,
            429,
            None,
            r#"{"message":"You are being rate limited.","retry_after":1.5}"#
        ),
        Verdict::RateLimited(Some(std::time::Duration::from_millis(1500)))
    );
    assert_eq!(
        platforms::verdict(
            ChannelKind::Telegram,
            429,
            None,
            r#"{"ok":false,"error_code":429,"parameters":{"retry_after":7}}"#
        ),
        Verdict::RateLimited(Some(std::time::Duration::from_secs(7)))
    );
}

/// Every paper's number in a message text (`12. [` at a line start), in order.
fn numbers(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // A paper's number is digits followed by ". " and preceded by a line start or markup.
        let before = start.checked_sub(1).map(|b| bytes[b]);
        if i > start
            && text[i..].starts_with(". ")
            && matches!(before, Some(b'\n' | b'*' | b'"') | None)
        {
            out.push(text[start..i].parse().unwrap());
        }
        i = if i == start { i + 1 } else { i };
    }
    out
}

#[test]
fn without_a_site_every_paper_reaches_the_chat_across_messages_within_limits() {
    let b = Briefing::of(&day(136), None);
    assert!(b.url.is_none() && b.every_paper());
    for kind in [
        ChannelKind::Feishu,
        ChannelKind::Wecom,
        ChannelKind::Dingtalk,
        ChannelKind::Slack,
        ChannelKind::Discord,
    ] {
        let msgs = platforms::requests(kind, &b, 10, &secrets(None), 0).unwrap();
        assert!(
            msgs.len() > 1,
            "{}: one message cannot hold 136 papers",
            kind.as_str()
        );
        let mut seen = Vec::new();
        for (i, m) in msgs.iter().enumerate() {
            let text = m.body.to_string();
            let size = match kind {
                ChannelKind::Feishu => text.len() <= feishu::MAX_BODY,
                ChannelKind::Wecom => {
                    m.body["markdown"]["content"].as_str().unwrap().len() <= wecom::MAX_CONTENT
                }
                ChannelKind::Dingtalk => {
                    m.body["markdown"]["text"].as_str().unwrap().len() <= 20_000
                }
                ChannelKind::Slack => {
                    m.body["blocks"].as_array().unwrap().len() <= slack::MAX_BLOCKS
                }
                _ => m.body["content"].as_str().unwrap().chars().count() <= discord::MAX_CONTENT,
            };
            assert!(size, "{} message {i} over its limit", kind.as_str());
            assert!(
                !text.contains("另有") && !text.contains("完整报告"),
                "{text}"
            );
            assert!(!text.contains("huggingface.co/papers?date"), "{text}");
            if i > 0 && kind != ChannelKind::Discord {
                assert!(text.contains("（续）"), "{}: {text}", kind.as_str());
            }
            for id in 1..=136 {
                if text.contains(&format!("2602.{id:05}")) {
                    seen.push(id);
                }
            }
        }
        let want: Vec<usize> = (1..=136).collect();
        assert_eq!(seen, want, "{}: every paper, once, in order", kind.as_str());
    }
    // Numbers go on across messages (the first of the second message follows the last of the
    // first).
    let msgs = platforms::requests(ChannelKind::Wecom, &b, 10, &secrets(None), 0).unwrap();
    let first = numbers(msgs[0].body["markdown"]["content"].as_str().unwrap());
    let second = numbers(msgs[1].body["markdown"]["content"].as_str().unwrap());
    assert_eq!(second[0], first.last().unwrap() + 1, "{first:?} {second:?}");
}

#[test]
fn an_update_lists_only_what_changed_and_nothing_changed_sends_nothing() {
    let mut before = day(5);
    before.entries[1].outcome = Outcome::Failed(paperbrief_report::Failure::new(
        paperbrief_report::FailureKind::NotChinese,
        "English",
    ));
    before.recount();
    let site = url::Url::parse("https://me.example/papers/").unwrap();
    let told = Briefing::of(&before, Some(&site)).told();
    let now = Briefing::of(&day(5), Some(&site));
    assert!(now.since(&now.told()).is_none(), "nothing changed");
    let update = now.since(&told).unwrap();
    assert_eq!(update.title, "【更新】2026-02-10：1 篇简报已补全");
    assert_eq!(update.papers.len(), 1);
    assert_eq!(update.papers[0].id, "2602.00002");
    let card =
        &platforms::requests(ChannelKind::Feishu, &update, 10, &secrets(None), 0).unwrap()[0];
    let text = card.body.to_string();
    assert!(
        text.contains("2602.00002") && !text.contains("2602.00003"),
        "{text}"
    );
    assert!(
        text.contains("完整报告"),
        "with a site the update links the report: {text}"
    );
    // Told of no brief at all (a failure notice): the whole day goes out, not an update.
    let mut all_failed = day(5);
    for e in &mut all_failed.entries {
        e.outcome = Outcome::Failed(paperbrief_report::Failure::new(
            paperbrief_report::FailureKind::NotChinese,
            "English",
        ));
    }
    all_failed.recount();
    let told = Briefing::of(&all_failed, None).told();
    let again = Briefing::of(&day(5), None).since(&told).unwrap();
    assert_eq!(again.kind, paperbrief_notify::Kind::Day);
    assert_eq!(again.papers.len(), 5);
}

#[test]
fn a_day_with_an_overview_leads_with_its_themes_even_when_papers_must_go() {
    use paperbrief_core::overview::{Overview, Pick, Theme};
    use paperbrief_report::{BasedOn, OverviewBlock, OverviewState};
    let mut r = day(136);
    let ids: Vec<String> = r
        .entries
        .iter()
        .map(|e| e.paper.id.base().to_owned())
        .collect();
    r.overview = Some(OverviewBlock {
        state: OverviewState::Ok(Overview {
            themes: vec![
                Theme {
                    name: "高效推理".into(),
                    summary: "s".into(),
                    papers: ids[..80].to_vec(),
                },
                Theme {
                    name: "智能体".into(),
                    summary: "s".into(),
                    papers: ids[80..].to_vec(),
                },
            ],
            picks: vec![Pick {
                id: ids[3].clone(),
                why: "方法新颖".into(),
            }],
            ..Overview::default()
        }),
        based_on: BasedOn {
            briefs: 136,
            papers: 136,
        },
        model: "m".into(),
        inputs_hash: String::new(),
        requests: 1,
        prompt_tokens: 0,
        completion_tokens: 0,
        seconds: 0.0,
    });
    r.entries[3].title_zh = Some("稀疏混合模型的扩展规律".into());
    let site = url::Url::parse("https://me.example/papers/").unwrap();
    let b = Briefing::of(&r, Some(&site));
    for kind in [
        ChannelKind::Wecom,
        ChannelKind::Feishu,
        ChannelKind::Slack,
        ChannelKind::Discord,
    ] {
        let first = platforms::requests(kind, &b, 136, &secrets(None), 0).unwrap()[0]
            .body
            .to_string();
        assert!(
            first.contains("今日主题：高效推理（80）、智能体（56）"),
            "{}: {first}",
            kind.as_str()
        );
        assert!(
            first.contains("必读：稀疏混合模型的扩展规律 —— 方法新颖"),
            "{}: {first}",
            kind.as_str()
        );
    }
    let w = &platforms::requests(ChannelKind::Wecom, &b, 136, &secrets(None), 0).unwrap()[0];
    assert!(w.body["markdown"]["content"].as_str().unwrap().len() <= wecom::MAX_CONTENT);
    let hook = &platforms::requests(ChannelKind::Webhook, &b, 10, &secrets(None), 0).unwrap()[0];
    assert_eq!(hook.body["overview"]["themes"][0]["name"], "高效推理");
    assert_eq!(hook.body["overview"]["picks"][0]["id"], "2602.00004");
    // An update or a continued message does not lead with them again.
    let mut later = b;
    later.continued = true;
    assert!(later.lead().is_empty());
}
