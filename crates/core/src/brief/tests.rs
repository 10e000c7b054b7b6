use super::parse::parse_heading;
use super::*;

const CANONICAL: &str = "### 1. 应用领域\n计算机视觉 - 视频生成\n\n### 2. 一句话核心贡献\n提出了一种方法，速度提升 20 倍。\n\n### 3. 使用指南\n- **输入**：一段视频\n- **输出**：深度图\n\n### 4. 主要创新点\n1. **统一表示**：联合建模几何与运动。\n2. **新训练策略**：松弛对齐。\n\n### 5. 实验效果\n在 3 个数据集上平均提升 **38.64%**。\n";

fn ok(answer: &str) -> Brief {
    Brief::parse(answer).unwrap_or_else(|e| panic!("{e}\n---\n{answer}"))
}

fn expected_sections(b: &Brief) {
    assert_eq!(b.section(SectionName::Domain), "计算机视觉 - 视频生成");
    assert!(
        b.section(SectionName::Contribution)
            .starts_with("提出了一种方法")
    );
    assert!(
        b.section(SectionName::Guide)
            .starts_with("- **输入**：一段视频")
    );
    assert!(
        b.section(SectionName::Innovations)
            .starts_with("1. **统一表示**")
    );
    assert!(
        b.section(SectionName::Innovations)
            .contains("\n2. **新训练策略**")
    );
    assert!(b.section(SectionName::Results).contains("38.64%"));
}

#[test]
fn canonical_answer_round_trips() {
    let b = ok(CANONICAL);
    expected_sections(&b);
    assert_eq!(b.render(), CANONICAL);
    assert!(b.warnings.is_empty());
}

/// The same brief in every heading style models use.
#[test]
fn every_heading_style_parses_to_the_same_sections() {
    let styles: &[fn(usize, &str) -> String] = &[
        |n, s| format!("### {n}. {s}"),
        |n, s| format!("## {n}. {s}"),
        |n, s| format!("{n}. **{s}**："),
        |n, s| format!("{n}. **{s}**"),
        |n, s| format!("**{n}. {s}**"),
        |_, s| format!("**{s}**："),
        |n, s| format!("### {n}. {s}："),
        |_, s| format!("【{s}】"),
        |n, s| format!("{}、{s}", ["一", "二", "三", "四", "五"][n - 1]),
        |n, s| format!("#### {n}) {s} (English name)"),
        |_, s| format!("{s}:"),
        |n, s| format!("- **{n}. {s}**:"),
    ];
    let body = [
        "计算机视觉 - 视频生成",
        "提出了一种方法，速度提升 20 倍。",
        "- **输入**：一段视频\n- **输出**：深度图",
        "1. **统一表示**：联合建模几何与运动。\n2. **新训练策略**：松弛对齐。",
        "在 3 个数据集上平均提升 **38.64%**。",
    ];
    for (i, style) in styles.iter().enumerate() {
        let mut answer = String::new();
        for (k, name) in SectionName::ALL.iter().enumerate() {
            answer.push_str(&style(k + 1, name.zh()));
            answer.push('\n');
            // Indent content under the heading, as the example report does.
            for line in body[k].lines() {
                answer.push_str("   ");
                answer.push_str(line);
                answer.push('\n');
            }
            answer.push('\n');
        }
        let b = Brief::parse(&answer).unwrap_or_else(|e| panic!("style {i}: {e}\n{answer}"));
        expected_sections(&b);
        assert_eq!(b.render(), CANONICAL, "style {i}");
    }
}

#[test]
fn content_on_the_heading_line_preamble_fence_order_and_synonyms() {
    let answer = "好的，下面是这篇论文的简报。\n\n# 论文简报：Some Title\n\n```markdown\n5. **实验结果**：在 3 个数据集上平均提升 **38.64%**。\n1. **应用领域**：计算机视觉 - 视频生成\n2. **核心贡献**：提出了一种方法，速度提升 20 倍。\n3. **使用指南**：\n   - **输入**：一段视频\n   - **输出**：深度图\n4. **创新点**：\n   1. **统一表示**：联合建模几何与运动。\n   2. **新训练策略**：松弛对齐。\n```\n";
    let b = ok(answer);
    expected_sections(&b);
    // The whole answer fenced.
    let fenced = format!("```markdown\n{CANONICAL}```");
    assert_eq!(ok(&fenced).render(), CANONICAL);
}

#[test]
fn numbered_lists_inside_a_section_are_content() {
    let answer = CANONICAL.replace(
        "1. **统一表示**：联合建模几何与运动。",
        "1.  **应用领域扩展**：可用于机器人。\n2.  **实验效果显著**：见下。\n3.  **极高的样本效率**：相比现有框架快 20 倍。",
    );
    let b = ok(&answer);
    assert!(
        b.section(SectionName::Innovations)
            .contains("**应用领域扩展**")
    );
    assert!(
        b.section(SectionName::Innovations)
            .contains("**实验效果显著**")
    );
    assert_eq!(b.section(SectionName::Domain), "计算机视觉 - 视频生成");
}

#[test]
fn reasoning_is_removed_wherever_it_is() {
    let closed = format!("<think>\n先想一想……应用领域是什么？\n</think>\n\n{CANONICAL}");
    let b = ok(&closed);
    expected_sections(&b);
    assert_eq!(b.warnings.len(), 1, "{:?}", b.warnings);
    // The opening tag was in the prompt (Qwen3.5-style templates): only `</think>` is present.
    let open_in_prompt =
        format!("嗯，我需要分析这篇论文。\n### 1. 应用领域\n草稿\n</think>\n{CANONICAL}");
    expected_sections(&ok(&open_in_prompt));
    let upper = format!("<THINK>x</THINK>{CANONICAL}");
    expected_sections(&ok(&upper));
    let trailing = format!("{CANONICAL}\n<think>我还想补充");
    expected_sections(&ok(&trailing));
}

#[test]
fn postamble_and_separators_are_dropped() {
    let answer = CANONICAL.replace("\n\n###", "\n\n---\n\n###")
        + "\n---\n\n希望这份简报对您有帮助！如需更多细节请告诉我。\n";
    assert_eq!(ok(&answer).render(), CANONICAL);
}

#[test]
fn first_heading_of_a_section_wins() {
    let answer = CANONICAL.replace("在 3 个数据集", "**实验效果**：在 3 个数据集");
    let b = ok(&answer);
    // Under its own section a repeated heading is content as written (a sub-label).
    assert!(
        b.section(SectionName::Results)
            .starts_with("**实验效果**：在 3 个数据集"),
        "{}",
        b.section(SectionName::Results)
    );
}

#[test]
fn heading_detection_rejects_prose_that_starts_with_a_name() {
    for line in [
        "应用领域广泛，包括机器人。",
        "1. 实验效果显著",
        "实验效果表明方法有效",
        "**使用指南针**",
        "- 创新点在于",
    ] {
        assert_eq!(parse_heading(line), None, "{line}");
    }
    assert_eq!(
        parse_heading("**应用领域** 计算机视觉"),
        Some((SectionName::Domain, "计算机视觉".into()))
    );
    assert_eq!(
        parse_heading("应用领域：机器人"),
        Some((SectionName::Domain, "机器人".into()))
    );
    assert_eq!(
        parse_heading("### 5. 实验效果 (Experiments)"),
        Some((SectionName::Results, String::new()))
    );
    assert_eq!(
        parse_heading("**5. 实验效果：**"),
        Some((SectionName::Results, String::new()))
    );
    assert_eq!(
        parse_heading("（5）实验效果"),
        Some((SectionName::Results, String::new()))
    );
}

fn err(answer: &str, finish_reason: Option<&str>) -> AnswerError {
    Brief::parse_completion(answer, finish_reason).expect_err(answer)
}

#[test]
fn broken_answers_are_rejected_naming_the_problem() {
    let missing = CANONICAL.replace("### 4. 主要创新点\n1. **统一表示**：联合建模几何与运动。\n2. **新训练策略**：松弛对齐。\n\n", "");
    let empty = CANONICAL.replace("- **输入**：一段视频\n- **输出**：深度图\n", "**\n");
    let english = "### 1. 应用领域\nComputer vision, video generation.\n### 2. 一句话核心贡献\nThe paper proposes a method that is 20x faster than prior work.\n### 3. 使用指南\nInput: a video. Output: depth maps. Code is released on GitHub.\n### 4. 主要创新点\n1. A unified representation of geometry and motion.\n### 5. 实验效果\nIt improves geometry accuracy by 38.64% on average across datasets.\n";
    let truncated = &CANONICAL[..CANONICAL.find("### 5.").unwrap()];
    let unclosed = "<think>\n让我仔细阅读论文。首先，应用领域是计算机视觉……然后";
    let cases = [
        ("missing section", err(&missing, None)),
        ("empty section", err(&empty, None)),
        ("english answer", err(english, None)),
        ("truncated answer", err(truncated, Some("length"))),
        ("unclosed think", err(unclosed, Some("length"))),
        ("nothing at all", err("", None)),
    ];
    for (name, e) in &cases {
        insta::assert_snapshot!(
            format!("answer_error_{}", name.replace(' ', "_")),
            format!("{e}\n\n{}", e.repair_instructions().join("\n"))
        );
    }
    assert_eq!(
        cases[0].1.problems,
        [Problem::Missing {
            section: SectionName::Innovations
        }]
    );
    assert_eq!(
        cases[1].1.problems,
        [Problem::Empty {
            section: SectionName::Guide
        }]
    );
    assert!(matches!(
        cases[2].1.problems[..],
        [Problem::NotChinese { .. }]
    ));
    assert_eq!(
        cases[3].1.problems,
        [
            Problem::Truncated,
            Problem::Missing {
                section: SectionName::Results
            }
        ]
    );
    assert_eq!(
        cases[4].1.problems,
        [Problem::Truncated, Problem::UnclosedThink]
    );
    assert!(cases[3].1.is_truncated());
}

#[test]
fn grounding_warns_about_numbers_the_source_lacks() {
    let mut b = ok(CANONICAL);
    b.check_grounding(&Grounding::new(
        "Our method is 20x faster and improves by 38.64 points.",
    ));
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    b.check_grounding(&Grounding::new("Our method is faster."));
    assert_eq!(
        b.warnings,
        [
            "一句话核心贡献: number \"20 倍\" not found in the source",
            "实验效果: number \"38.64%\" not found in the source"
        ]
    );
}

#[test]
fn json_has_the_five_named_sections_in_order() {
    let b = ok(CANONICAL);
    let v = serde_json::to_string(&b).unwrap();
    assert!(v.starts_with("{\"sections\":{\"应用领域\":"), "{v}");
    let order: Vec<usize> = SectionName::ALL
        .iter()
        .map(|n| v.find(n.zh()).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    let back: Brief = serde_json::from_str(&v).unwrap();
    assert_eq!(back, b);
}

#[test]
fn structured_sections_are_validated_like_text() {
    let b = Brief::from_sections(
        SectionName::ALL
            .iter()
            .map(|n| (*n, format!("{}的内容", n.zh()))),
    )
    .unwrap();
    assert_eq!(b.section(SectionName::Guide), "使用指南的内容");
    let e = Brief::from_sections([(SectionName::Domain, "计算机视觉")]).unwrap_err();
    assert_eq!(e.problems.len(), 4);
}

mod example_report;
mod properties;

#[test]
fn json_answers_parse_like_text() {
    let opts = ParseOptions {
        format: AnswerFormat::Json,
        ..ParseOptions::default()
    };
    let json = r#"{"domain": "计算机视觉 - 视频生成", "contribution": "提出了一种方法，速度提升 20 倍。",
        "guide": "- **输入**：一段视频\n- **输出**：深度图", "innovations": "1. **统一表示**：联合建模几何与运动。\n2. **新训练策略**：松弛对齐。",
        "results": "在 3 个数据集上平均提升 **38.64%**。"}"#;
    let b = Brief::parse_with(json, &opts).unwrap();
    assert_eq!(b.render(), CANONICAL);
    // llama.cpp's grammar output has odd whitespace; a fence or a think block around it is fine.
    let odd = format!(
        "<think>嗯</think>```json\n{}\n```",
        json.replace(": ", "\n\n:\n\n")
    );
    assert_eq!(Brief::parse_with(&odd, &opts).unwrap().render(), CANONICAL);
    // A server that ignored the schema: the text is parsed, with a warning.
    let text = Brief::parse_with(CANONICAL, &opts).unwrap();
    assert_eq!(text.render(), CANONICAL);
    assert!(text.warnings[0].contains("asked for JSON"));
    // Cut off mid-JSON.
    let cut = Brief::parse_with(
        &json[..60],
        &ParseOptions {
            finish_reason: Some("length"),
            ..opts
        },
    )
    .unwrap_err();
    assert!(cut.is_truncated());
    // An empty value is an empty section.
    let empty = Brief::parse_with(&json.replace("计算机视觉 - 视频生成", " "), &opts).unwrap_err();
    assert_eq!(
        empty.problems,
        [Problem::Empty {
            section: SectionName::Domain
        }]
    );
}

#[test]
fn the_language_threshold_is_configurable() {
    let english = "### 1. 应用领域\nVision.\n### 2. 一句话核心贡献\nA method.\n### 3. 使用指南\nRun it.\n### 4. 主要创新点\nNew.\n### 5. 实验效果\nBetter.\n";
    assert!(Brief::parse(english).is_err());
    let any = ParseOptions {
        min_chinese_share: 0.0,
        ..ParseOptions::default()
    };
    assert!(Brief::parse_with(english, &any).is_ok());
}

#[test]
fn the_schema_requires_every_section_as_a_bounded_string() {
    let schema = json_schema(400);
    assert_eq!(
        schema["required"],
        serde_json::json!(["domain", "contribution", "guide", "innovations", "results"])
    );
    assert_eq!(schema["properties"]["results"]["maxLength"], 400);
    assert_eq!(schema["properties"]["domain"]["description"], "应用领域");
    assert_eq!(schema["additionalProperties"], false);
}

/// Inputs the fuzzer found (fuzz/artifacts), kept as regression tests.
#[test]
fn fuzz_finding_a_repeated_heading_inside_another_section_round_trips() {
    let answer = "### 1. 应用领域\n视觉\n### 2. 一句话核心贡献\n快 20 倍。\n### 3. 使用指南\n方法\n### 5. 实验效果\n 输入\n### 4. 主要创新点\n1. **新**：法\n### 5. 实验效果\n提升 38.64%。\n";
    let b = ok(answer);
    assert_eq!(
        b.section(SectionName::Innovations),
        "1. **新**：法\n提升 38.64%。"
    );
    assert_eq!(b.section(SectionName::Results), "输入");
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
    let json = r#"{"domain": "视觉\n### 4. 主要创新点\n更多", "contribution": "方法", "guide": "输入", "innovations": "新", "results": "好"}"#;
    let opts = ParseOptions {
        format: AnswerFormat::Json,
        ..ParseOptions::default()
    };
    let b = Brief::parse_with(json, &opts).unwrap();
    assert_eq!(b.section(SectionName::Domain), "视觉\n更多");
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
}

#[test]
fn fuzz_finding_an_unclosed_fence_does_not_swallow_later_sections() {
    // A complete brief whose last section opens a fence renders and parses back: the fence is
    // closed, so it cannot swallow the headings that follow it in canonical order.
    let b = ok(&format!("{CANONICAL}```rust\nfn main() {{}}\n"));
    assert!(
        b.section(SectionName::Results)
            .ends_with("fn main() {}\n```")
    );
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
}

#[test]
fn fuzz_finding_content_that_starts_with_another_sections_name_round_trips() {
    let answer = format!(
        "{}\n### 5. 实验效果\n创新点**新**；有帮助\n",
        &CANONICAL[..CANONICAL.find("### 5.").unwrap()]
    );
    let b = ok(&answer);
    // Not a heading: no markup opened before the closing `**`.
    assert_eq!(parse_heading("创新点**新**；有帮助"), None);
    assert_eq!(b.section(SectionName::Results), "创新点**新**；有帮助");
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
    // A real heading of another section inside a section keeps only its text.
    let b = ok(&CANONICAL.replace("在 3 个数据集", "**创新点**：见上\n在 3 个数据集"));
    assert!(
        b.section(SectionName::Results)
            .starts_with("见上\n在 3 个数据集"),
        "{}",
        b.section(SectionName::Results)
    );
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
}

#[test]
fn fuzz_finding_tabs_on_the_heading_line_round_trip() {
    let b = ok(&CANONICAL.replace("在 3 个数据集上", "在\t3 个数据集上"));
    assert!(
        b.section(SectionName::Results)
            .starts_with("在    3 个数据集")
    );
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
}

#[test]
fn fuzz_finding_a_postamble_after_an_open_fence_round_trips() {
    let answer = format!("{CANONICAL}```text\n代码\n\n希望这份简报有帮助\n");
    let b = ok(&answer);
    assert!(
        b.section(SectionName::Results)
            .ends_with("```text\n代码\n```"),
        "{}",
        b.section(SectionName::Results)
    );
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
}

#[test]
fn fuzz_finding_a_pleasantry_inside_a_middle_section_is_dropped_wherever_it_ends() {
    // Results written first, Innovations last: the pleasantry ends Results, not the answer.
    let answer = format!(
        "{}\n\n希望这份简报对您有帮助！\n{}",
        &CANONICAL[CANONICAL.find("### 5.").unwrap()..].trim_end(),
        &CANONICAL[..CANONICAL.find("### 5.").unwrap()]
    );
    let b = ok(&answer);
    assert_eq!(
        b.section(SectionName::Results),
        "在 3 个数据集上平均提升 **38.64%**。"
    );
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
    // Content that merely starts like one stays.
    let b = ok(&CANONICAL.replace("在 3 个数据集", "如果你想复现：运行脚本。\n\n在 3 个数据集"));
    assert!(b.section(SectionName::Results).starts_with("如果你想复现"));
}

#[test]
fn fuzz_finding_unicode_indentation_does_not_split_a_character() {
    let answer = CANONICAL.replace(
        "- **输入**：一段视频\n- **输出**：深度图",
        "  - **输入**：一段视频\n\u{2008}- **输出**：深度图",
    );
    let b = ok(&answer);
    assert_eq!(
        b.section(SectionName::Guide),
        "  - **输入**：一段视频\n\u{2008}- **输出**：深度图"
    );
    assert_eq!(Brief::parse(&b.render()).unwrap(), b);
}
