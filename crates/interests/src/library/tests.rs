#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use super::*;

#[test]
fn bibtex_gives_titles_abstracts_and_arxiv_ids() {
    let bib = r#"
@article{dao2022,
  title = {{FlashAttention}: Fast and Memory-Efficient Exact Attention},
  author = {Dao, Tri and Fu, Daniel},
  abstract = {Transformers are slow and memory-hungry on long sequences.},
  eprint = {2205.14135},
  archiveprefix = {arXiv},
}
@misc{leviathan2023, title = {Fast Inference via Speculative Decoding},
  doi = {10.48550/arXiv.2211.17192}}
@book{untitled, author = {Nobody}}
@online{web, title = {A blog post}, url = {https://example.org/post}}
"#;
    let lib = bibtex(bib).unwrap();
    assert_eq!(lib.items.len(), 3);
    assert_eq!(lib.untitled, 1);
    assert_eq!(
        lib.items[0].title,
        "FlashAttention: Fast and Memory-Efficient Exact Attention"
    );
    assert_eq!(
        lib.items[0].arxiv.as_ref().unwrap().to_string(),
        "2205.14135"
    );
    assert_eq!(
        lib.items[1].arxiv.as_ref().unwrap().to_string(),
        "2211.17192"
    );
    assert!(lib.items[2].arxiv.is_none());
    assert_eq!(lib.with_abstract(), 1);
    let (line, _) = bibtex("@article{x,\n title = {ok},\n\n author = {unclosed\n").unwrap_err();
    assert!(line >= 2, "{line}");
}

#[test]
fn csl_json_ris_and_id_lists_are_read() {
    let csl = r#"[{"id": "a", "type": "article", "title": "Mamba", "abstract": "Selective state spaces.",
        "URL": "https://arxiv.org/abs/2312.00752v2"}, {"id": "b", "type": "book"}]"#;
    let lib = csl_json(csl).unwrap();
    assert_eq!((lib.items.len(), lib.untitled), (1, 1));
    assert_eq!(
        lib.items[0].arxiv.as_ref().unwrap().to_string(),
        "2312.00752v2"
    );
    let (line, _) = csl_json("[{\"title\": \"x\"},\n {\"title\": }]").unwrap_err();
    assert_eq!(line, 2);

    let ris_text = "TY  - JOUR\nTI  - Speculative Decoding\nAB  - Draft then verify.\nDO  - 10.48550/arXiv.2211.17192\nER  - \nTY  - BOOK\nAU  - Someone\nER  - \n";
    let lib = ris(ris_text).unwrap();
    assert_eq!((lib.items.len(), lib.untitled), (1, 1));
    assert_eq!(lib.items[0].abstract_text, "Draft then verify.");
    assert_eq!(
        lib.items[0].arxiv.as_ref().unwrap().to_string(),
        "2211.17192"
    );
    let (line, message) = ris("TY  - JOUR\nthis is not RIS\n").unwrap_err();
    assert_eq!(line, 2, "{message}");
    assert!(ris("TY  - JOUR\nTI  - x\n").is_err(), "no ER");

    let lib = ids("# my papers\n2205.14135\nhttps://arxiv.org/abs/2312.00752\n\n").unwrap();
    assert_eq!(lib.items.len(), 2);
    assert_eq!(
        lib.items[1].arxiv.as_ref().unwrap().to_string(),
        "2312.00752"
    );
    let (line, _) = ids("2205.14135\nnot-an-id\n").unwrap_err();
    assert_eq!(line, 2);
}

#[test]
fn a_file_that_does_not_parse_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.ris");
    std::fs::write(&path, "TY  - JOUR\nTI  - ok\nER  - \ngarbage here\n").unwrap();
    let e = read(&path).unwrap_err().to_string();
    assert!(e.contains("lib.ris") && e.contains("line 4"), "{e}");
    let e = read(&dir.path().join("missing.bib"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.bib"), "{e}");
}

#[test]
fn arxiv_ids_are_found_in_the_forms_exports_write() {
    for (value, want) in [
        ("arXiv: 2205.14135", "2205.14135"),
        ("arXiv:2205.14135v2", "2205.14135v2"),
        ("10.48550/arXiv.2211.17192", "2211.17192"),
        ("https://doi.org/10.48550/ARXIV.2211.17192", "2211.17192"),
        ("http://arxiv.org/abs/2312.00752", "2312.00752"),
    ] {
        assert_eq!(arxiv_in(value).unwrap().to_string(), want, "{value}");
    }
    assert!(arxiv_in("10.1145/3600006.3613165").is_none());
}
