//! Text for chat messages: Markdown to plain text, untrusted text made inert in each platform's
//! markup, and cutting to a size without splitting a character.

use pulldown_cmark::{Event, Parser, TagEnd};

/// The plain text of a Markdown snippet: emphasis and code marks dropped, links reduced to their
/// text, blocks joined by spaces.
pub fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Untrusted text for a Markdown-flavoured chat (Feishu, WeCom, DingTalk, Slack, Discord):
/// every character that starts markup there becomes its full-width look-alike, so a title can
/// neither link nor mention nor format.
pub fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            '(' => '（',
            ')' => '）',
            '<' => '＜',
            '>' => '＞',
            '*' => '＊',
            '_' => '＿',
            '`' => 'ˋ',
            '~' => '～',
            '#' => '＃',
            '|' => '｜',
            '@' => '＠',
            '&' => '＆',
            '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

/// Text for Telegram's HTML mode: `&`, `<`, `>` and `"` escaped.
pub fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// At most `max` bytes of `text`, cut at a character boundary, with `…` when cut.
pub fn cut_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let limit = max.saturating_sub('…'.len_utf8());
    let end = (0..=limit)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("{}…", &text[..end])
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn cut_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_and_untrusted_text_inert() {
        assert_eq!(
            plain("提出 **新方法**，见 [代码](https://x)。\n第二行 `code`"),
            "提出 新方法，见 代码。 第二行 code"
        );
        assert_eq!(
            inert("[x](javascript:a) <b>*@all*"),
            "［x］（javascript:a） ＜b＞＊＠all＊"
        );
        assert_eq!(html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn cutting_never_splits_a_character() {
        let s = "一句话核心贡献";
        for max in 0..=s.len() + 2 {
            let cut = cut_bytes(s, max.max(3));
            assert!(cut.len() <= max.max(3), "{max}: {cut}");
        }
        assert_eq!(cut_chars("abcdef", 4), "abc…");
    }
}
