use std::path::Path;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn defaults_parse_and_hold_the_documented_keys() {
    let c = Config::defaults();
    assert_eq!(c.sources.hf_endpoint.expose(), "https://huggingface.co");
    assert_eq!(c.sources.arxiv_base.expose(), "https://arxiv.org");
    assert_eq!(
        c.sources.arxiv_api_base.expose(),
        "https://export.arxiv.org"
    );
    assert_eq!(c.sources.arxiv_min_interval_ms, 1000);
    assert_eq!(c.sources.max_page_bytes.get(), 20_000_000);
    assert!(c.sources.figures);
    assert_eq!(c.sources.max_figure_bytes.get(), 5_000_000);
    assert_eq!(c.output.dir, "reports");
    assert_eq!(c.llm.base_url.expose(), "http://localhost:8000/v1");
    assert_eq!(c.llm.max_tokens.get(), 2048);
    assert_eq!(c.llm.model, None);
    assert_eq!(c.llm.max_model_len, None);
    assert_eq!(c.llm.output, OutputMode::Text);
    assert!(
        c.user_agent()
            .starts_with(&format!("paperbrief/{} (+", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(c.cache_dir(), None);
}

#[test]
fn layers_apply_in_order() {
    let file = "[llm]\nmodel = \"from-file\"\nmax_tokens = 100\n[output]\ndir = \"out\"\n";
    let c = ConfigBuilder::new()
        .file(Path::new("my.toml"), file)
        .unwrap()
        .env(env(&[
            ("PAPERBRIEF_LLM_MODEL", "from-env"),
            ("HOME", "/root"),
        ]))
        .unwrap()
        .set("output.dir", "from-flag", "--output-dir")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.llm.model.as_deref(), Some("from-env"));
    assert_eq!(c.llm.max_tokens.get(), 100);
    assert_eq!(c.output.dir, "from-flag");
}

#[test]
fn hf_endpoint_alias_is_honoured_but_the_paperbrief_variable_wins() {
    let c = ConfigBuilder::new()
        .env(env(&[("HF_ENDPOINT", "https://hf-mirror.com")]))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.sources.hf_endpoint.expose(), "https://hf-mirror.com");
    let c = ConfigBuilder::new()
        .env(env(&[
            ("PAPERBRIEF_SOURCES_HF_ENDPOINT", "http://127.0.0.1:9"),
            ("HF_ENDPOINT", "https://hf-mirror.com"),
        ]))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.sources.hf_endpoint.expose(), "http://127.0.0.1:9");
}

#[test]
fn unknown_keys_are_errors_that_name_them() {
    let e = ConfigBuilder::new()
        .file(Path::new("/etc/pb.toml"), "[llm]\nmodle = \"x\"\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "unknown config key `llm.modle` in /etc/pb.toml (did you mean `llm.model`?)"
    );
    let e = ConfigBuilder::new()
        .file(Path::new("a.toml"), "[sourcez]\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`sourcez`") && e.contains("did you mean `sources`"),
        "{e}"
    );
    let e = ConfigBuilder::new()
        .env(env(&[("PAPERBRIEF_LLM_MODLE", "x")]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("PAPERBRIEF_LLM_MODLE") && e.contains("PAPERBRIEF_LLM_MODEL"),
        "{e}"
    );
    let e = ConfigBuilder::new()
        .set("llm.nope", "1", "--set")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`llm.nope` in --set"), "{e}");
}

#[test]
fn wrong_types_and_bad_values_name_key_and_origin() {
    let e = ConfigBuilder::new()
        .file(Path::new("c.toml"), "[sources]\nmax_page_bytes = \"big\"\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid value for `sources.max_page_bytes` from c.toml: expected integer, found string"
    );
    let e = ConfigBuilder::new()
        .env(env(&[("PAPERBRIEF_LLM_MAX_TOKENS", "lots")]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("llm.max_tokens")
            && e.contains("PAPERBRIEF_LLM_MAX_TOKENS")
            && e.contains("integer"),
        "{e}"
    );
    let e = ConfigBuilder::new()
        .set("sources.arxiv_base", "ftp://arxiv.org", "--arxiv-base")
        .unwrap_err()
        .to_string();
    assert!(e.contains("http(s) URL"), "{e}");
    let e = ConfigBuilder::new()
        .set("sources.max_page_bytes", "-1", "--set")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid value for `sources.max_page_bytes` from --set: invalid value: integer `-1`, expected a nonzero u64"
    );
}

#[test]
fn sentinels_parse_into_options_and_print_back_as_written() {
    let c = ConfigBuilder::new()
        .file(
            Path::new("c.toml"),
            "[llm]\nmodel = \"  \"\nmax_model_len = 0\nrequests_per_minute = 60\n[prompt]\ndir = \"\"\n",
        )
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.llm.model, None);
    assert_eq!(c.llm.max_model_len, None);
    assert_eq!(c.llm.requests_per_minute.map(|n| n.get()), Some(60));
    assert_eq!(c.prompt.dir, None);
    let printed = c.to_redacted_toml();
    assert!(printed.contains("model = \"\""), "{printed}");
    assert!(printed.contains("max_model_len = 0"), "{printed}");
    assert!(printed.contains("requests_per_minute = 60"), "{printed}");
    assert!(printed.contains("output = \"text\""), "{printed}");
    // What `config` prints is a valid config file that gives the same configuration.
    let again = ConfigBuilder::new()
        .file(Path::new("printed.toml"), &printed)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(again, c);
}

#[test]
fn zero_where_a_count_is_needed_and_unknown_modes_are_errors() {
    let e = ConfigBuilder::new()
        .set("llm.max_tokens", "0", "--set")
        .unwrap_err()
        .to_string();
    assert!(e.contains("llm.max_tokens") && e.contains("nonzero"), "{e}");
    let e = ConfigBuilder::new()
        .set("llm.output", "yaml", "--set")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("llm.output") && e.contains("`text`") && e.contains("`json_schema`"),
        "{e}"
    );
    let c = ConfigBuilder::new()
        .set("llm.output", "json_schema", "--set")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.llm.output, OutputMode::JsonSchema);
}

#[test]
fn unreadable_toml_names_the_file_and_line() {
    let e = ConfigBuilder::new()
        .file(Path::new("broken.toml"), "[llm\nmodel = 1")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("config file broken.toml:"), "{e}");
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn redacted_output_hides_url_passwords() {
    let c = ConfigBuilder::new()
        .set(
            "llm.base_url",
            "https://user:s3cret@llm.example/v1",
            "--set",
        )
        .unwrap()
        .build()
        .unwrap();
    let shown = c.to_redacted_toml();
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("user:***@llm.example"), "{shown}");
}

#[test]
fn every_default_key_is_documented_by_a_comment() {
    // Each `key = value` line in default.toml is preceded by a comment line (or by another
    // key of the same documented group).
    let mut last_was_comment_or_key = false;
    for line in DEFAULT_TOML.lines() {
        let t = line.trim();
        if t.starts_with('#') {
            last_was_comment_or_key = true;
        } else if t.is_empty() || t.starts_with('[') {
            last_was_comment_or_key = false;
        } else {
            assert!(last_was_comment_or_key, "undocumented key: {t}");
        }
    }
}

#[test]
fn every_unknown_key_of_a_file_is_named_and_a_bare_key_finds_its_section() {
    let e = ConfigBuilder::new()
        .file(
            Path::new("pb.toml"),
            "[llm]\nmodle = \"x\"\nmax_token = 5\n[sourcez]\na = 1\n",
        )
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "unknown config keys in pb.toml: `llm.max_token` (did you mean `llm.max_tokens`?), `llm.modle` (did you mean `llm.model`?), `sourcez` (did you mean `sources`?)"
    );
    let e = ConfigBuilder::new()
        .set("model", "x", "--set model=x")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("did you mean `llm.model` or `embeddings.model`?"),
        "{e}"
    );
}

#[test]
fn notify_channels_are_read_checked_and_printed_back() {
    let file = "[[notify]]\nkind = \"feishu\"\nurl_env = \"PB_FEISHU_URL\"\nsecret_env = \"PB_FEISHU_SECRET\"\n\n[[notify]]\nname = \"mail\"\nkind = \"email\"\nsmtp_url_env = \"PB_SMTP\"\nfrom = \"pb <bot@example.org>\"\nto = [\"a@example.org\", \"b@example.org\"]\ntop = 5\n";
    let c = ConfigBuilder::new()
        .file(Path::new("n.toml"), file)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.notify.len(), 2);
    assert_eq!(c.notify[0].label(), "feishu");
    assert_eq!(c.notify[0].top().get(), 10);
    assert_eq!(c.notify[1].label(), "mail");
    assert_eq!(c.notify[1].top().get(), 5);
    let NotifyChannel::Email(mail) = &c.notify[1] else {
        panic!("{:?}", c.notify[1]);
    };
    assert_eq!(mail.to.len(), 2);
    let printed = c.to_redacted_toml();
    let again = ConfigBuilder::new()
        .file(Path::new("printed.toml"), &printed)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(again.notify, c.notify, "{printed}");
    for (bad, want) in [
        ("[[notify]]\nkind = \"slack\"\n", "missing field `url_env`"),
        (
            "[[notify]]\nkind = \"telegram\"\ntoken_env = \"T\"\n",
            "missing field `chat_id`",
        ),
        (
            "[[notify]]\nkind = \"slack\"\nurl_env = \"A\"\nsecret_env = \"B\"\n",
            "unknown field `secret_env`, expected one of `name`, `top`, `profile`, `url_env`",
        ),
        (
            "[[notify]]\nkind = \"email\"\nsmtp_url_env = \"S\"\nfrom = \"a@b.c\"\nto = []\n",
            "`notify[0].to`",
        ),
        (
            "[[notify]]\nkind = \"irc\"\nurl_env = \"X\"\n",
            "unknown variant `irc`",
        ),
        (
            "[[notify]]\nkind = \"slack\"\nurl = \"https://hooks.slack.com/x\"\n",
            "unknown field `url`",
        ),
        (
            "[[notify]]\nkind = \"slack\"\nurl_env = \"A\"\n[[notify]]\nkind = \"slack\"\nurl_env = \"B\"\n",
            "two channels are named `slack`",
        ),
        (
            "[[notify]]\nname = \"../x\"\nkind = \"slack\"\nurl_env = \"A\"\n",
            "`notify[0].name`",
        ),
    ] {
        let e = ConfigBuilder::new()
            .file(Path::new("n.toml"), bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{bad}: {e}");
    }
}

#[test]
fn a_url_in_a_variable_field_is_refused_without_being_repeated() {
    let file = "[[notify]]\nkind = \"feishu\"\nurl_env = \"https://open.feishu.cn/open-apis/bot/v2/hook/xyz-token\"\n";
    let e = ConfigBuilder::new()
        .file(Path::new("n.toml"), file)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`notify[0]`"), "{e}");
    assert!(e.contains("`url_env` holds a URL"), "{e}");
    assert!(!e.contains("xyz-token"), "the secret is repeated: {e}");
}
