//! Any bytes as the HF daily-papers answer: parsing must never panic, and every item is either
//! a paper or a recorded skip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paperbrief_core::{ReportDate, report_order};
use paperbrief_fetch::hf::parse_page;

fuzz_target!(|data: &[u8]| {
    let date = ReportDate::parse("2026-02-10").expect("a valid date");
    if let Ok((papers, _skipped)) = parse_page(date, data) {
        let ordered = report_order(papers);
        assert!(ordered.windows(2).all(|w| w[0].upvotes >= w[1].upvotes));
    }
});
