//! Finds the line of a JSON pointer in YAML or JSON text, for error messages.
//!
//! Runs only when there is an error to report, so it re-parses the text with an event parser
//! that keeps positions (serde_yaml's values carry none).

use yaml_rust2::parser::{Event, Parser};

/// The 1-based line where the node at `pointer` starts, if it exists.
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    lines_of(text, &[pointer]).pop().flatten()
}

/// The lines of several pointers in one pass over the text. A pointer that does not exist
/// resolves to its deepest existing ancestor, which is where a reader should look.
pub fn lines_of(text: &str, pointers: &[&str]) -> Vec<Option<usize>> {
    let targets: Vec<Vec<String>> = pointers.iter().map(|p| split_pointer(p)).collect();
    let mut best: Vec<(usize, Option<usize>)> = vec![(0, None); targets.len()];
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    while let Ok((event, marker)) = parser.next_token() {
        let line = marker.line();
        match event {
            Event::StreamEnd => break,
            Event::MappingStart(..)
            | Event::SequenceStart(..)
            | Event::Scalar(..)
            | Event::Alias(_) => {
                // Is this node a key of the enclosing mapping?
                if let Some(Frame::Mapping {
                    expecting_key: true,
                    ..
                }) = stack.last()
                {
                    if let Event::Scalar(key, ..) = &event {
                        if let Some(Frame::Mapping {
                            expecting_key,
                            key: k,
                            key_line,
                        }) = stack.last_mut()
                        {
                            *expecting_key = false;
                            *k = key.clone();
                            *key_line = line;
                        }
                        continue;
                    }
                }
                // It is a value: compute its path segment.
                // A mapping value is reported at its key's line, where a reader looks for it.
                let mut line = line;
                let segment = match stack.last_mut() {
                    Some(Frame::Mapping {
                        expecting_key,
                        key,
                        key_line,
                    }) => {
                        *expecting_key = true;
                        line = *key_line;
                        Some(key.clone())
                    }
                    Some(Frame::Sequence { next }) => {
                        *next += 1;
                        Some((*next - 1).to_string())
                    }
                    None => None,
                };
                if let Some(segment) = &segment {
                    path.push(segment.clone());
                }
                record(&targets, &mut best, &path, line);
                match event {
                    Event::MappingStart(..) => stack.push(Frame::Mapping {
                        expecting_key: true,
                        key: String::new(),
                        key_line: line,
                    }),
                    Event::SequenceStart(..) => stack.push(Frame::Sequence { next: 0 }),
                    _ => {
                        if segment.is_some() {
                            path.pop();
                        }
                    }
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if !stack.is_empty() {
                    path.pop();
                }
            }
            _ => {}
        }
    }
    best.into_iter().map(|(_, line)| line).collect()
}

enum Frame {
    Mapping {
        expecting_key: bool,
        key: String,
        key_line: usize,
    },
    Sequence {
        next: usize,
    },
}

/// Keeps, per target, the line of the deepest node on its path seen so far.
fn record(
    targets: &[Vec<String>],
    best: &mut [(usize, Option<usize>)],
    path: &[String],
    line: usize,
) {
    for (target, best) in targets.iter().zip(best.iter_mut()) {
        if path.len() <= target.len()
            && target[..path.len()] == *path
            && (best.1.is_none() || path.len() > best.0)
        {
            *best = (path.len(), Some(line));
        }
    }
}

/// Splits an RFC 6901 pointer into unescaped segments.
pub fn split_pointer(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Escapes one segment for an RFC 6901 pointer.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "openapi: 3.1.0\npaths:\n  /a/{id}:\n    get:\n      operationId: x\n      tags:\n        - one\n        - two\n";

    #[test]
    fn finds_mapping_values_and_sequence_items() {
        assert_eq!(line_of(YAML, "/paths/~1a~1{id}/get/operationId"), Some(5));
        assert_eq!(line_of(YAML, "/paths/~1a~1{id}/get/tags/1"), Some(8));
        assert_eq!(line_of(YAML, "/openapi"), Some(1));
    }

    #[test]
    fn missing_pointer_falls_back_to_deepest_ancestor() {
        assert_eq!(line_of(YAML, "/paths/~1a~1{id}/get/responses"), Some(4));
    }

    #[test]
    fn works_on_json() {
        let json = "{\n  \"a\": {\n    \"b\": [1,\n      2]\n  }\n}";
        assert_eq!(line_of(json, "/a/b/1"), Some(4));
    }
}
