//! A large YAML document parsed on two cores. The text is cut before a mapping key near its
//! middle. The part before the cut is a whole document by itself (the mappings the cut is in
//! just end early). The part after it is cut again wherever its indentation drops below where
//! it started, so each piece is a block mapping continuing a mapping the first part opened.
//! The two parts parse at once and the pieces' entries are appended where they belong.
//!
//! The cut is made only where the lines say for certain that it is a key of a block mapping
//! whose ancestors are all block mappings: never in a block scalar, under a sequence, or in a
//! document with directives or several documents. Whatever else could go wrong (a cut in a
//! quoted or flow scalar spanning lines, an alias to an anchor on the other side) makes a
//! part fail to parse or parse to something other than a mapping; the caller then parses the
//! whole text, which also gives its errors their true lines.

use serde_json::{Map, Value};

/// Documents smaller than this are parsed whole: a thread costs more than it saves.
pub const MIN_SPLIT: usize = 256 * 1024;

/// One piece after the cut: a block mapping, and the keys leading to the mapping it continues.
#[derive(Debug, PartialEq)]
pub struct Piece<'a> {
    pub path: Vec<String>,
    pub text: &'a str,
}

/// How a document is cut: the part before, and the pieces after.
#[derive(Debug, PartialEq)]
pub struct Plan<'a> {
    pub head: &'a str,
    pub pieces: Vec<Piece<'a>>,
}

/// Parses `text` in two parts at once with `parse`, or says `None` when it cannot be cut
/// safely or a part does not parse as the cut expects (then parse it whole).
pub fn parse<E: Send>(
    text: &str,
    parse: impl Fn(&str) -> Result<Value, E> + Sync,
) -> Option<Value> {
    if text.len() < MIN_SPLIT {
        return None;
    }
    let plan = plan(text, text.len() / 2)?;
    let (head, pieces) = std::thread::scope(|scope| {
        let head = scope.spawn(|| parse(plan.head).ok());
        let pieces: Option<Vec<Value>> = plan.pieces.iter().map(|p| parse(p.text).ok()).collect();
        (head.join().ok().flatten(), pieces)
    });
    merge(head?, &plan.pieces, pieces?)
}

/// Appends each piece's entries to the mapping its path names.
pub fn merge(mut head: Value, plan: &[Piece<'_>], pieces: Vec<Value>) -> Option<Value> {
    for (piece, value) in plan.iter().zip(pieces) {
        let Value::Object(entries) = value else {
            return None;
        };
        let mut target = &mut head;
        for key in &piece.path {
            target = target.as_object_mut()?.get_mut(key)?;
        }
        let target: &mut Map<String, Value> = target.as_object_mut()?;
        for (key, value) in entries {
            target.insert(key, value);
        }
    }
    Some(head)
}

/// One line as the cut sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Blank, a comment, or the content of a block scalar: no say in the structure.
    Silent,
    /// `key:` with nothing after it: a block collection follows.
    Opens,
    /// `key: value`.
    Entry,
    /// Anything else (a sequence entry, a flow collection, a continuation line...).
    Other,
}

struct Line<'a> {
    start: usize,
    indent: usize,
    kind: Kind,
    /// The key, when the line is a key with a plain, unambiguous name.
    key: Option<&'a str>,
}

/// Where to cut `text` near `target` (a byte offset), or `None` when no cut is certain.
pub fn plan(text: &str, target: usize) -> Option<Plan<'_>> {
    let lines = lines(text)?;
    // The candidate nearest the target: a key line that is not the first entry of its
    // mapping (the mapping must exist in the head) and whose ancestors are all `key:` lines;
    // with the keys and indentations of its ancestors.
    let mut best: Option<(usize, Vec<&str>, Vec<usize>)> = None;
    // The lines above the current one that it could be nested in, outermost first.
    let mut open: Vec<&Line> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.kind == Kind::Silent {
            continue;
        }
        // The shallowest line it closes: a key at its own indentation, its previous sibling.
        let mut closed = None;
        while open.last().is_some_and(|o| o.indent >= line.indent) {
            closed = open.pop();
        }
        let is_key = matches!(line.kind, Kind::Opens | Kind::Entry);
        let follows_sibling = closed.is_some_and(|c: &Line| {
            c.indent == line.indent && matches!(c.kind, Kind::Opens | Kind::Entry)
        });
        let in_mappings = open
            .iter()
            .all(|o| o.key.is_some() && o.kind == Kind::Opens);
        let closer = best
            .as_ref()
            .is_none_or(|(b, _, _)| lines[*b].start.abs_diff(target) > line.start.abs_diff(target));
        if is_key && follows_sibling && in_mappings && closer {
            best = Some((
                i,
                open.iter().filter_map(|o| o.key).collect(),
                open.iter().map(|o| o.indent).collect(),
            ));
        }
        open.push(line);
    }
    let (cut, path, indents) = best?;
    // After the cut, a piece ends at the first line indented less than it started. That line
    // is a key of the mapping of the ancestor indented as much (a sibling of that ancestor),
    // and starts the next piece; a line indented otherwise is not one the cut understands.
    let mut pieces = Vec::new();
    let mut start = cut;
    let mut depth = path.len();
    for (i, line) in lines.iter().enumerate().skip(cut + 1) {
        if line.kind == Kind::Silent || line.indent >= lines[start].indent {
            continue;
        }
        pieces.push(Piece {
            path: path[..depth].iter().map(|k| (*k).to_owned()).collect(),
            text: &text[lines[start].start..line.start],
        });
        depth = indents.iter().position(|&a| a == line.indent)?;
        start = i;
    }
    pieces.push(Piece {
        path: path[..depth].iter().map(|k| (*k).to_owned()).collect(),
        text: &text[lines[start].start..],
    });
    Some(Plan {
        head: &text[..lines[cut].start],
        pieces,
    })
}

/// The lines of `text`, or `None` when the document has what the cut does not handle.
fn lines(text: &str) -> Option<Vec<Line<'_>>> {
    let mut out = Vec::new();
    // The indentation of the line that opened the block scalar being read, if any.
    let mut block: Option<usize> = None;
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        let blank = content.trim().is_empty();
        // Inside a block scalar, or blank, or a comment.
        let in_block = block.is_some_and(|opened| blank || indent > opened);
        if !in_block {
            block = None;
        }
        if in_block || blank || content.starts_with('#') {
            out.push(Line {
                start: line_start,
                indent,
                kind: Kind::Silent,
                key: None,
            });
            continue;
        }
        // Tabs cannot indent, directives and document markers mean more than one document.
        if content.starts_with('\t')
            || indent == 0
                && (content.starts_with("---")
                    || content.starts_with("...")
                    || content.starts_with('%'))
        {
            return None;
        }
        if opens_block_scalar(content) {
            block = Some(indent);
        }
        let (kind, key) = classify(content);
        out.push(Line {
            start: line_start,
            indent,
            kind,
            key,
        });
    }
    Some(out)
}

/// Whether a line may end with a block scalar's header (`|`, `>-`, `|2+`...). Erring towards
/// yes only makes fewer lines eligible for a cut.
fn opens_block_scalar(content: &str) -> bool {
    let is_header = |text: &str| {
        text.trim_end()
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|token| {
                let mut chars = token.chars();
                matches!(chars.next(), Some('|' | '>'))
                    && token.len() <= 3
                    && chars.all(|c| matches!(c, '+' | '-' | '1'..='9'))
            })
    };
    is_header(content) || find_pair(content, b" #").is_some_and(|at| is_header(&content[..at]))
}

/// What a line (its indentation removed) is, and its key when it is a plain one.
fn classify(content: &str) -> (Kind, Option<&str>) {
    let first = content.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>%@`".contains(first) {
        return (Kind::Other, None);
    }
    let (key, rest) =
        if let Some(quote @ ('\'' | '"')) = Some(first).filter(|c| matches!(c, '\'' | '"')) {
            // A quoted key: plain text between the quotes, no escapes.
            let Some(end) = content[1..].find(quote).map(|e| e + 1) else {
                return (Kind::Other, None);
            };
            let key = &content[1..end];
            if key.contains('\\') || content[end + 1..].starts_with(quote) {
                return (Kind::Other, None);
            }
            match content[end + 1..].strip_prefix(':') {
                Some(rest) if rest.is_empty() || rest.starts_with([' ', '\t']) => (key, rest),
                _ => return (Kind::Other, None),
            }
        } else {
            let Some(colon) =
                find_pair(content, b": ").or_else(|| content.strip_suffix(':').map(|k| k.len()))
            else {
                return (Kind::Other, None);
            };
            let key = &content[..colon];
            if find_pair(key, b" #").is_some() || key.contains(['\'', '"', '{', '[']) {
                return (Kind::Other, None);
            }
            (key, &content[colon + 1..])
        };
    let rest = rest.trim();
    let kind = if rest.is_empty() || rest.starts_with('#') {
        Kind::Opens
    } else {
        Kind::Entry
    };
    // Only names that read as the same string whatever YAML schema resolves them can be
    // followed into the parsed value.
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./{}$~+".contains(c))
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || "_/$".contains(c))
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
            .iter()
            .any(|word| key.eq_ignore_ascii_case(word));
    (kind, plain.then_some(key))
}

/// Where the two bytes `pair` first occur in `text`: on lines of a few dozen bytes a plain
/// scan is several times faster than setting up `str::find`'s substring search, and the cut
/// reads every line of a large document before either part can start parsing.
fn find_pair(text: &str, pair: &[u8; 2]) -> Option<usize> {
    text.as_bytes().windows(2).position(|w| w == pair)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Result<Value, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    /// The document parsed as cut near `target`, if it is cut there.
    fn cut(text: &str, target: usize) -> Option<Value> {
        let plan = plan(text, target)?;
        let head = whole(plan.head).ok()?;
        let pieces: Option<Vec<Value>> = plan.pieces.iter().map(|p| whole(p.text).ok()).collect();
        merge(head, &plan.pieces, pieces?)
    }

    /// Every YAML document of the repository, cut at tenths of its length, parses to
    /// what it parses to whole.
    #[test]
    fn cut_documents_parse_as_whole_ones() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut dirs = vec![
            root.join("spec"),
            root.join("spec/upstream"),
            root.join("generator/tests/fixtures/ok"),
            root.join("generator/tests/fixtures/err"),
            root.join("generator/tests/specs"),
            root.join("sdk-tests"),
        ];
        let mut cuts = 0;
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.map(|e| e.unwrap().path()) {
                if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let expected = whole(&text).ok();
                // Large documents at fewer places: each cut parses all of it again.
                let tenths: &[usize] = if text.len() > MIN_SPLIT {
                    &[3, 5, 7]
                } else {
                    &[1, 2, 3, 4, 5, 6, 7, 8, 9]
                };
                for &tenth in tenths {
                    if let Some(value) = cut(&text, text.len() * tenth / 10) {
                        cuts += 1;
                        assert_eq!(
                            Some(&value),
                            expected.as_ref(),
                            "{} cut at {tenth}/10",
                            path.display()
                        );
                    }
                }
            }
        }
        assert!(cuts > 100, "only {cuts} cuts made");
    }

    const DOC: &str = "\
a:
  b:
    c: 1
    d: |
      e: 2
      f: 3
    g: 4
  h:
  - i: 5
    j: 6
  k: 7
l: 8
";

    #[test]
    fn a_cut_is_never_inside_a_block_scalar_or_a_sequence() {
        for target in 0..DOC.len() {
            let Some(plan) = plan(DOC, target) else {
                continue;
            };
            let at = plan.head.len();
            let line = DOC[at..].lines().next().unwrap();
            assert!(
                ["    g: 4", "  h:", "  k: 7", "l: 8", "    d: |"].contains(&line),
                "cut before {line:?}"
            );
            assert_eq!(cut(DOC, target), whole(DOC).ok(), "cut before {line:?}");
        }
    }

    #[test]
    fn the_pieces_after_a_cut_continue_the_mappings_above_it() {
        let plan = plan(DOC, DOC.find("    g: 4").unwrap()).unwrap();
        let pieces: Vec<(Vec<String>, &str)> = plan
            .pieces
            .iter()
            .map(|p| (p.path.clone(), p.text))
            .collect();
        assert_eq!(
            pieces,
            [
                (vec!["a".to_owned(), "b".to_owned()], "    g: 4\n"),
                (vec!["a".to_owned()], "  h:\n  - i: 5\n    j: 6\n  k: 7\n"),
                (vec![], "l: 8\n"),
            ]
        );
    }

    #[test]
    fn what_a_cut_cannot_be_sure_of_is_not_cut_or_does_not_parse() {
        // The first entry of a mapping: the head would hold no mapping to continue.
        assert_eq!(plan("a:\n  b: 1\n", 4), None);
        // Indented unlike its siblings: the whole document is invalid, the cut must not
        // make it valid.
        assert_eq!(plan("a:\n  b: 1\n c: 2\n", 11), None);
        // Several documents, directives.
        assert_eq!(plan("a: 1\n---\nb: 2\nc: 3\n", 14), None);
        assert_eq!(plan("%YAML 1.2\n---\na: 1\nb: 2\n", 19), None);
        // Under a flow mapping, an anchor: not `key:` ancestors.
        assert_eq!(plan("a: {\n  b: 1,\n  c: 2\n}\n", 14), None);
        assert_eq!(
            plan("a: &x\n  b: 1\n  c: 2\n", 13).map(|p| p.head.len()),
            None
        );
        // An alias to an anchor before the cut: the piece does not parse alone.
        let aliased = "a: &x 1\nb: *x\n";
        assert!(plan(aliased, 8).is_some());
        assert_eq!(cut(aliased, 8), None);
        // A cut inside a quoted scalar spanning lines: the head does not parse.
        let quoted = "a:\n  b: \"one\n  c: two\"\n  d: 1\n";
        assert_eq!(cut(quoted, quoted.find("  c:").unwrap()), None);
    }
}
