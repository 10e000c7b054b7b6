//! The payload of each platform for a 136-paper day (the busiest day of the HF list), listing
//! every paper it can: sizes after trimming or splitting, against each platform's limit.
//! Run: `cargo bench -p paperbrief-notify --bench payloads` (or `just bench`).

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use paperbrief_core::ChannelKind;
use paperbrief_notify::Briefing;
use paperbrief_notify::platforms::{self, Secrets, telegram};

fn main() {
    let day = paperbrief_testkit::reports::busy_day("2026-02-10", 136);
    let site = url::Url::parse("https://me.example/papers/").unwrap();
    println!("with a published site (top papers, the rest linked):");
    report(&Briefing::of(&day, Some(&site)), "2026-02-10.html#");
    println!("\nwithout a site (every paper, split across messages):");
    report(&Briefing::of(&day, None), "huggingface.co/papers/2602.");
}

fn report(b: &Briefing, paper_link: &str) {
    let b = b.clone();
    let secrets = Secrets {
        url: Some("https://hooks.example/x".into()),
        secret: Some("secret".into()),
        token: None,
    };
    for (kind, limit) in [
        (ChannelKind::Feishu, "body ≤ 20,000 bytes"),
        (ChannelKind::Wecom, "content ≤ 4,096 bytes"),
        (ChannelKind::Dingtalk, "text ≤ 20,000 bytes"),
        (ChannelKind::Slack, "≤ 50 blocks, sections ≤ 3,000 chars"),
        (ChannelKind::Discord, "content ≤ 2,000 chars a message"),
        (ChannelKind::Webhook, "no limit: every paper"),
    ] {
        let requests = platforms::requests(kind, &b, 136, &secrets, 0).unwrap();
        let bodies: Vec<String> = requests.iter().map(|r| r.body.to_string()).collect();
        let listed = bodies
            .iter()
            .map(|s| s.matches(paper_link).count())
            .sum::<usize>();
        let gap = platforms::min_gap(kind).as_secs_f64() * bodies.len().saturating_sub(1) as f64;
        println!(
            "{:<9} {} message(s), {} bytes in all, largest {} bytes, {listed} papers listed ({limit}); {gap:.0} s of pacing",
            kind.as_str(),
            bodies.len(),
            bodies.iter().map(String::len).sum::<usize>(),
            bodies.iter().map(String::len).max().unwrap_or(0)
        );
    }
    let tg = telegram::bodies(&b, 136, "-100");
    println!(
        "telegram  {} message(s), largest {} chars of text, 136 papers listed (≤ 4,096 chars a message)",
        tg.len(),
        tg.iter()
            .map(|m| m["text"].as_str().unwrap().chars().count())
            .max()
            .unwrap_or(0)
    );
    let (_, text, html) = paperbrief_notify::email::parts(&b);
    println!(
        "email     1 message: text part {} bytes, HTML part {} bytes, every paper's five sections",
        text.len(),
        html.len()
    );
}
