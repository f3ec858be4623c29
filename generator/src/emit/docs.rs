//! Cleans spec prose for rustdoc and builds `#[doc]` attributes.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` lines for a piece of prose, cleaned for rustdoc; nothing for `None`.
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) if !text.trim().is_empty() => lines(&clean(text)),
        _ => TokenStream::new(),
    }
}

/// `#[doc = "..."]` lines for a piece of prose, or for `fallback` when there is none or it is
/// blank: for items that `missing_docs` requires a doc on.
pub fn doc_or(text: Option<&str>, fallback: &str) -> TokenStream {
    match text {
        Some(text) if !text.trim().is_empty() => lines(&clean(text)),
        _ => lines(&clean(fallback)),
    }
}

/// `#[doc]` lines for text that is already rustdoc.
pub fn lines(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|line| format!(" {line}").trim_end().to_owned());
    quote! { #(#[doc = #lines])* }
}

/// Rustdoc-safe prose: bare URLs become autolinks, stray brackets are escaped (they would be
/// read as intra-doc links), fenced code is marked as text (it would be compiled as a doctest),
/// and indentation that rustdoc would take for a code block is removed.
pub fn clean(text: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push_str("```");
            } else {
                out.push_str("```text");
            }
            in_fence = !in_fence;
        } else if in_fence {
            out.push_str(line);
        } else {
            out.push_str(&clean_line(trimmed));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_owned()
}

fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    // A byte offset into `line`, always on a character boundary.
    let mut i = 0;
    while let Some(c) = line[i..].chars().next() {
        let rest = &line[i..];
        // Inline code is copied as it is: neither links nor brackets live in it.
        if c == '`' {
            if let Some(close) = rest[1..].find('`') {
                out.push_str(&rest[..close + 2]);
                i += close + 2;
                continue;
            }
        }
        if c == '[' {
            // A Markdown link `[text](url)` stays; any other bracket is escaped.
            if let Some(close) = rest.find("](") {
                if !rest[1..close].contains('[') {
                    if let Some(end) = rest[close..].find(')').map(|e| close + e) {
                        out.push_str(&rest[..=end]);
                        i += end + 1;
                        continue;
                    }
                }
            }
            out.push_str("\\[");
        } else if c == ']' {
            out.push_str("\\]");
        } else if c == '<' && !starts_html(rest) {
            // Not a tag rustdoc knows (`<id>`, `<region>`, `a < b`): it would be read as an
            // unclosed HTML tag, so it is written as the character it is.
            out.push_str("&lt;");
        } else if (rest.starts_with("http://") || rest.starts_with("https://"))
            && !out.ends_with("](")
            && !matches!(out.chars().last(), Some('<' | '"' | '`'))
        {
            let word = rest
                .find(|ch: char| ch.is_whitespace() || matches!(ch, ')' | '"' | '`'))
                .unwrap_or(rest.len());
            let word = rest[..word].trim_end_matches(['.', ',', ';', ':']);
            if word.contains('<') {
                // A URL with a placeholder (`https://sts.<region>.amazonaws.com`) is no link:
                // shown as code, it keeps its `<region>`.
                out.push('`');
                out.push_str(word);
                out.push('`');
                i += word.len();
                continue;
            }
            let end = word.find('>').unwrap_or(word.len());
            let url = word[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            i += url.len();
            continue;
        } else {
            out.push(c);
        }
        i += c.len_utf8();
    }
    out
}

/// Whether `rest` (starting at a `<`) opens an autolink or an HTML tag prose uses (`<br>`,
/// `</p>`, `<a href=...>`), which rustdoc renders; anything else is text.
fn starts_html(rest: &str) -> bool {
    const TAGS: &[&str] = &[
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ];
    let inner = &rest[1..];
    if inner.starts_with("http://") || inner.starts_with("https://") {
        return inner.contains('>');
    }
    let name = inner.strip_prefix('/').unwrap_or(inner);
    let end = name
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    let after = &name[end..];
    TAGS.contains(&name[..end].to_ascii_lowercase().as_str())
        && (after.starts_with('>') || after.starts_with(' ') || after.starts_with("/>"))
        && after.contains('>')
}

#[cfg(test)]
mod tests {
    use super::{clean, doc_or};

    #[test]
    fn blank_prose_falls_back() {
        let doc = |text: Option<&str>| doc_or(text, "The `id` property.").to_string();
        let fallback = doc(None);
        assert!(fallback.contains("The `id` property."), "{fallback}");
        assert_eq!(doc(Some("")), fallback);
        assert_eq!(doc(Some(" \n\t ")), fallback);
        assert!(doc(Some("Its id.")).contains("Its id."));
    }

    #[test]
    fn prose_becomes_rustdoc() {
        assert_eq!(
            clean("See https://example.com/x."),
            "See <https://example.com/x>."
        );
        assert_eq!(
            clean("a [link](https://x.y) and [brackets]"),
            "a [link](https://x.y) and \\[brackets\\]"
        );
        assert_eq!(clean("```\nlet x = 1;\n```"), "```text\nlet x = 1;\n```");
        assert_eq!(
            clean("run `curl 'https://x.y/v2/' -d '[1]'` then see https://x.y"),
            "run `curl 'https://x.y/v2/' -d '[1]'` then see <https://x.y>"
        );
        assert_eq!(clean("  indented\n    more"), "indented\nmore");
        assert_eq!(
            clean("the default https://sts.amazonaws.com or https://sts.<region>.amazonaws.com."),
            "the default <https://sts.amazonaws.com> or `https://sts.<region>.amazonaws.com`."
        );
        assert_eq!(
            clean("a zone name (http://www.iana.org/time-zones). See [tz](https://x.y)"),
            "a zone name (<http://www.iana.org/time-zones>). See [tz](https://x.y)"
        );
        assert_eq!(
            clean("filter[id][oeq]=<id>"),
            "filter\\[id\\]\\[oeq\\]=&lt;id>"
        );
        assert_eq!(
            clean("one<br><br>two</p> <a href=\"x\">x</a> a < b"),
            "one<br><br>two</p> <a href=\"x\">x</a> a &lt; b"
        );
        assert_eq!(clean("see <https://x.y>"), "see <https://x.y>");
        assert_eq!(
            clean("café [é] see https://exemple.fr/été, then [lien](https://x.y/ü)"),
            "café \\[é\\] see <https://exemple.fr/été>, then [lien](https://x.y/ü)"
        );
    }
}
