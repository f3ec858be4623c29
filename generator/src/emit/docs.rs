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

/// A `#[doc]` attribute for text that is already rustdoc, printed as one `///` line per line
/// of it.
///
/// Rustdoc is a quarter of a large crate's text, and parsing it back as attributes (one per
/// line, each a string literal to unescape) and printing them cost more than all the rest of
/// a doc's way through `syn` and `prettyplease`. So the text is set aside on this thread, and
/// the attribute holds only a marker, [`MARK`] and a number, that [`restore`] replaces with
/// the text once the file is printed. Tokens with such markers must be printed by
/// `emit::format_tokens` on the thread that built them, and only where a doc comment is
/// printed as one: on an item, a field or a variant, not inside a macro's arguments
/// (`format_tokens` fails on a marker left over).
pub fn lines(text: &str) -> TokenStream {
    if text.is_empty() {
        return TokenStream::new();
    }
    let mark = SET_ASIDE.with(|set_aside| {
        let mut set_aside = set_aside.borrow_mut();
        let number = set_aside.next;
        set_aside.next = number.wrapping_add(1);
        set_aside.texts.insert(number, text.to_owned());
        format!("{MARK}{number}{MARK_END}")
    });
    quote! { #[doc = #mark] }
}

/// What a set-aside doc's marker starts and ends with: control characters that no doc
/// comment printed from a string literal holds raw (`lines` sets aside all prose).
const MARK: char = '\u{1}';
const MARK_END: char = '\u{2}';

/// The docs [`lines`] set aside on this thread, by number, until [`restore`] prints them.
#[derive(Default)]
struct SetAside {
    texts: std::collections::HashMap<u32, String>,
    next: u32,
}

thread_local! {
    static SET_ASIDE: std::cell::RefCell<SetAside> = std::cell::RefCell::default();
}

/// `printed` with each set-aside doc's marker line (`    ///\u{1}12\u{2}`) replaced by the
/// doc's lines under the same prefix, as `prettyplease` would have printed one attribute per
/// line; the docs it restores are forgotten. `None` if a marker was printed escaped, inside a
/// macro's arguments, where it cannot be restored.
pub fn restore(printed: String) -> Option<String> {
    if !printed.contains(MARK) {
        return (!has_escaped_mark(&printed)).then_some(printed);
    }
    SET_ASIDE.with(|set_aside| {
        let mut set_aside = set_aside.borrow_mut();
        let mut out = String::with_capacity(printed.len() * 2);
        let mut rest = printed.as_str();
        while let Some(at) = rest.find(MARK) {
            let after = &rest[at + MARK.len_utf8()..];
            let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
            let prefix = &rest[line_start..at];
            // A marker is a whole doc comment: the line holds nothing else.
            let text = ["///", "//!"]
                .contains(&prefix.trim_start_matches(' '))
                .then(|| after.split_once(MARK_END))
                .flatten()
                .filter(|(_, after)| after.is_empty() || after.starts_with('\n'))
                .and_then(|(number, after)| Some((number.parse::<u32>().ok()?, after)))
                .and_then(|(number, after)| Some((set_aside.texts.remove(&number)?, after)));
            let Some((text, after)) = text else {
                // Not a marker: a control character in prose printed as it was written.
                out.push_str(&rest[..at + MARK.len_utf8()]);
                rest = after;
                continue;
            };
            out.push_str(&rest[..line_start]);
            for line in text.lines() {
                out.push_str(prefix);
                out.push_str(format!(" {line}").trim_end());
                out.push('\n');
            }
            // The marker's own line break.
            rest = after.strip_prefix('\n').unwrap_or(after);
        }
        out.push_str(rest);
        (!has_escaped_mark(&out)).then_some(out)
    })
}

/// Whether `text` holds a marker as a string literal prints it (`"\u{1}12\u{2}"`).
fn has_escaped_mark(text: &str) -> bool {
    text.match_indices("\\u{1}").any(|(at, found)| {
        let after = &text[at + found.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && after[digits..].starts_with("\\u{2}")
    })
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
    use super::{clean, doc_or, lines};

    #[test]
    fn blank_prose_falls_back() {
        let doc = |text: Option<&str>| {
            let doc = doc_or(text, "The `id` property.");
            super::super::format_tokens("doc.rs", quote::quote!(#doc struct S;)).unwrap()
        };
        let fallback = doc(None);
        assert!(fallback.contains("The `id` property."), "{fallback}");
        assert_eq!(doc(Some("")), fallback);
        assert_eq!(doc(Some(" \n\t ")), fallback);
        assert!(doc(Some("Its id.")).contains("Its id."));
    }

    /// Docs set aside print as one `///` (or `//!`) line per line, indented where the item
    /// is, as one attribute per line would have printed.
    #[test]
    fn set_aside_docs_print_as_doc_comments() {
        let format = |tokens| super::super::format_tokens("doc.rs", tokens);
        let outer = lines("First line.\n\n  indented  \nlast");
        let field = lines("A field.");
        let inner = lines("Module.");
        let printed = format(quote::quote! {
            #![doc = "x"]
            mod m {
                #![doc = "Inner."]
            }
            #outer
            struct S {
                #field
                f: u8,
            }
        })
        .unwrap();
        let by_attributes = format(quote::quote! {
            #![doc = "x"]
            mod m {
                #![doc = "Inner."]
            }
            #[doc = " First line."]
            #[doc = ""]
            #[doc = "   indented"]
            #[doc = " last"]
            struct S {
                #[doc = " A field."]
                f: u8,
            }
        })
        .unwrap();
        assert_eq!(printed, by_attributes);
        assert!(printed.contains("    /// A field.\n"), "{printed}");
        // A doc set aside and never printed is no marker in another file.
        drop(inner);
        // A control character in prose printed another way is left as it is.
        let raw = format(quote::quote!(
            #[doc = " a \u{1}2\u{2} b"]
            struct T;
        ))
        .unwrap();
        assert_eq!(raw, "/// a \u{1}2\u{2} b\nstruct T;\n");
        // A marker inside a macro's arguments prints escaped: an error, not a broken doc.
        let doc = lines("Lost.");
        assert!(format(quote::quote!(m! { #doc struct U; })).is_err());
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
