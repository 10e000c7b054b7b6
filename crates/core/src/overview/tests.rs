#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use super::*;

fn rules<'a>(ids: &'a [String], vocabulary: &'a [String], grounding: &'a Grounding) -> Rules<'a> {
    Rules {
        ids,
        vocabulary,
        max_themes: 7,
        grounding,
    }
}

fn day() -> (Vec<String>, Vec<String>, Grounding) {
    let ids = ["2602.07040", "2602.08676", "2602.00003"]
        .map(str::to_owned)
        .to_vec();
    let vocabulary = ["大语言模型", "智能体", "AI for Science", "其他"]
        .map(str::to_owned)
        .to_vec();
    (
        ids,
        vocabulary,
        Grounding::new("速度提升 20 倍，准确率 38%。"),
    )
}

#[test]
fn the_documented_shape_is_read_whole() {
    let (ids, vocabulary, g) = day();
    let answer = r#"{"themes": [{"name": "高效推理", "summary": "两篇论文都让推理快 20 倍。",
        "papers": ["2602.07040", "2602.08676"]}],
      "picks": [{"id": "2602.07040", "why": "最值得先读。"}],
      "tags": {"2602.07040": ["智能体", "AI for Science"], "2602.08676": ["大语言模型"], "2602.00003": ["其他"]},
      "titles": {"2602.07040": "Aster：自主科学发现"}}"#;
    let o = Overview::parse(answer, &rules(&ids, &vocabulary, &g)).unwrap();
    assert_eq!(o.themes[0].papers, ["2602.07040", "2602.08676"]);
    assert_eq!(o.picks[0].id, "2602.07040");
    assert_eq!(o.tags["2602.07040"], ["智能体", "AI for Science"]);
    assert_eq!(o.titles["2602.07040"], "Aster：自主科学发现");
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
}

#[test]
fn invented_ids_unknown_tags_and_extra_picks_are_dropped_with_warnings() {
    let (ids, vocabulary, g) = day();
    let answer = "好的，速览如下：\n```json\n{\"themes\": [{\"name\": \"A\", \"summary\": \"提升 55%。\", \"papers\": [\"2602.07040v2\", \"2699.99999\", \"../x\"]},\n {\"name\": \"B\", \"summary\": \"\", \"papers\": [\"2501.00001\"]}],\n \"picks\": [{\"id\": \"arXiv:2602.08676\", \"why\": \"a\"}, {\"id\": \"2602.07040\", \"why\": \"b\"}, {\"id\": \"2602.00003\", \"why\": \"c\"}, {\"id\": \"2602.07040\", \"why\": \"dup\"}, {\"id\": \"1234.5678\", \"why\": \"x\"}],\n \"tags\": {\"2602.07040\": [\"机器人\", \"ai for science\"], \"2699.99999\": [\"其他\"]}}\n```\n以上。";
    let o = Overview::parse(answer, &rules(&ids, &vocabulary, &g)).unwrap();
    assert_eq!(o.themes.len(), 1, "a theme left without papers goes");
    assert_eq!(o.themes[0].papers, ["2602.07040"], "versions normalised");
    assert_eq!(
        o.picks.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["2602.08676", "2602.07040", "2602.00003"]
    );
    assert_eq!(o.tags["2602.07040"], ["AI for Science"]);
    assert_eq!(o.tags["2602.08676"], ["其他"], "every paper carries a tag");
    assert!(!o.tags.contains_key("2699.99999"));
    let w = o.warnings.join("\n");
    for expected in ["2699.99999", "../x", "机器人", "没有可用的标签", "55%"] {
        assert!(w.contains(expected), "{expected}: {w}");
    }
}

#[test]
fn an_answer_with_nothing_usable_is_an_error_for_the_repair() {
    let (ids, vocabulary, g) = day();
    let e = Overview::parse(
        r#"{"themes": [{"name": "X", "summary": "", "papers": ["2501.00001"]}], "picks": [], "tags": {}}"#,
        &rules(&ids, &vocabulary, &g),
    )
    .unwrap_err();
    assert!(matches!(e, OverviewError::NothingValid(_)));
    assert!(e.for_repair().contains("2501.00001"), "{}", e.for_repair());
    let e = Overview::parse("我无法完成。", &rules(&ids, &vocabulary, &g)).unwrap_err();
    assert!(matches!(e, OverviewError::NotJson(_)), "{e}");
}

#[test]
fn themes_beyond_the_maximum_are_cut() {
    let (ids, vocabulary, g) = day();
    let themes: Vec<String> = (0..9)
        .map(|i| format!(r#"{{"name": "T{i}", "summary": "s", "papers": ["2602.07040"]}}"#))
        .collect();
    let answer = format!(
        r#"<think>想一想</think>{{"themes": [{}], "picks": [], "tags": {{}}}}"#,
        themes.join(",")
    );
    let o = Overview::parse(&answer, &rules(&ids, &vocabulary, &g)).unwrap();
    assert_eq!(o.themes.len(), 7);
    assert!(o.warnings.iter().any(|w| w.contains("主题多于 7 个")));
}
