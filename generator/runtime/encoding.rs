//! Parameters on the wire: path segments, query pairs and header values from any serialisable
//! value.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// Everything but RFC 3986's unreserved characters is encoded, so a value stays one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value as one encoded path segment. Empty values and the dot segments `.` and `..` are
/// refused: URL parsers resolve them, which would address another resource.
pub(crate) fn path_segment(name: &str, value: &Value) -> Result<String, String> {
    let text = scalar(value);
    if text.is_empty() || text == "." || text == ".." {
        return Err(format!(
            "path parameter `{name}` cannot be {text:?}: it would address another resource"
        ));
    }
    Ok(utf8_percent_encode(&text, SEGMENT).to_string())
}

/// A value as a header or simple-style string: arrays and objects comma-separated.
pub(crate) fn scalar(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [k.clone(), scalar(v)])
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Query pairs: `null` is omitted, arrays repeat the name (form, exploded), objects use
/// `name[key]` (deepObject).
pub(crate) fn query_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                if !item.is_null() {
                    out.push((name.to_owned(), scalar(item)));
                }
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                query_pairs(&format!("{name}[{key}]"), item, out);
            }
        }
        _ => out.push((name.to_owned(), scalar(value))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn path_values_stay_in_their_segment() {
        let segment = |v: Value| path_segment("id", &v);
        assert_eq!(segment(json!("../x")).unwrap(), "..%2Fx");
        assert_eq!(segment(json!("a/b?c")).unwrap(), "a%2Fb%3Fc");
        assert_eq!(segment(json!("100%")).unwrap(), "100%25");
        assert_eq!(segment(json!("é #")).unwrap(), "%C3%A9%20%23");
        assert_eq!(segment(json!(42)).unwrap(), "42");
        assert!(segment(json!("..")).is_err());
        assert!(segment(json!(".")).is_err());
        assert!(segment(json!("")).is_err());
    }

    #[test]
    fn query_values_flatten() {
        let mut out = Vec::new();
        query_pairs("page[size]", &json!(10), &mut out);
        query_pairs("tag", &json!(["a", "b"]), &mut out);
        query_pairs("filter", &json!({"name": {"contains": "x"}}), &mut out);
        query_pairs("absent", &json!(null), &mut out);
        let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("page[size]", "10"),
                ("tag", "a"),
                ("tag", "b"),
                ("filter[name][contains]", "x")
            ]
        );
    }
}
