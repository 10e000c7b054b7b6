//! Any bytes as a model's answer: parsing (text and JSON modes), rendering and re-parsing
//! must never panic, and a parsed brief must render to something that parses back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paperbrief_core::{AnswerFormat, Brief, Grounding, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in [AnswerFormat::Text, AnswerFormat::Json] {
        for finish_reason in [None, Some("length")] {
            let opts = ParseOptions { finish_reason, format, min_chinese_share: 0.0 };
            if let Ok(mut brief) = Brief::parse_with(&text, &opts) {
                let rendered = brief.render();
                let again = Brief::parse_with(&rendered, &ParseOptions { format: AnswerFormat::Text, ..opts })
                    .expect("a rendered brief parses");
                assert_eq!(again.sections, brief.sections, "render → parse changed the brief");
                brief.check_grounding(&Grounding::new(&text));
            }
        }
    }
});
