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

/// RFC 3986's unreserved bytes, by value.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// A value as one encoded path segment. Empty values and the dot segments `.` and `..` are
/// refused: URL parsers resolve them, which would address another resource.
pub(crate) fn path_segment(name: &str, value: Value) -> Result<String, String> {
    let text = match value {
        Value::String(text) => text,
        other => scalar(&other),
    };
    if text.is_empty() || text == "." || text == ".." {
        return Err(format!(
            "path parameter `{name}` cannot be {text:?}: it would address another resource"
        ));
    }
    // Identifiers (UUIDs, slugs, numbers) usually need no encoding: keep the string as is.
    if text.bytes().all(|b| UNRESERVED[usize::from(b)]) {
        return Ok(text);
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

/// An `application/x-www-form-urlencoded` body: the object's fields, flattened as query pairs.
pub(crate) fn form(value: &Value) -> Result<String, String> {
    let Value::Object(map) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut pairs = Vec::new();
    for (name, item) in map {
        query_pairs(name, item, &mut pairs);
    }
    Ok(pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, SEGMENT),
                utf8_percent_encode(v, SEGMENT)
            )
        })
        .collect::<Vec<_>>()
        .join("&"))
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
        let segment = |v: Value| path_segment("id", v);
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
    fn form_bodies_encode_fields() {
        let body =
            form(&json!({"grant_type": "device code", "client_id": "a&b", "skip": null})).unwrap();
        // Field order follows serde_json's map order, which a feature can change: compare sorted.
        let mut fields: Vec<&str> = body.split('&').collect();
        fields.sort_unstable();
        assert_eq!(fields, ["client_id=a%26b", "grant_type=device%20code"]);
        assert!(form(&json!([1])).is_err());
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

    #[test]
    fn path_values_keep_only_unreserved_characters() {
        let segment = |v: Value| path_segment("id", v).unwrap();
        assert_eq!(segment(json!("AZaz09-._~")), "AZaz09-._~");
        assert_eq!(segment(json!("{other}")), "%7Bother%7D");
        assert_eq!(
            segment(json!("a+b=c&d;e,f:g@h")),
            "a%2Bb%3Dc%26d%3Be%2Cf%3Ag%40h"
        );
        assert_eq!(segment(json!("..\\x#y")), "..%5Cx%23y");
        assert_eq!(segment(json!("...")), "...");
        assert_eq!(segment(json!("日本")), "%E6%97%A5%E6%9C%AC");
        assert_eq!(segment(json!(true)), "true");
        assert_eq!(segment(json!(-1.5)), "-1.5");
        assert_eq!(segment(json!(["a", "b/c"])), "a%2Cb%2Fc");
        assert!(path_segment("id", json!(null)).is_err());
    }

    #[test]
    fn scalars_render_without_quotes() {
        assert_eq!(scalar(&json!("x y")), "x y");
        assert_eq!(scalar(&json!(3)), "3");
        assert_eq!(scalar(&json!(false)), "false");
        assert_eq!(scalar(&json!(null)), "");
        assert_eq!(scalar(&json!([1, "a"])), "1,a");
        assert_eq!(scalar(&json!({"k": "v"})), "k,v");
    }

    #[test]
    fn query_objects_nest_and_skip_nulls() {
        let mut out = Vec::new();
        query_pairs(
            "filter",
            &json!({"ids": {"oeq": [1, 2]}, "active": true, "gone": null}),
            &mut out,
        );
        query_pairs("list", &json!([null, "x"]), &mut out);
        query_pairs("empty", &json!([]), &mut out);
        // Object key order depends on serde_json's `preserve_order` feature: compare sorted.
        let mut pairs: Vec<(&str, &str)> =
            out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("filter[active]", "true"),
                ("filter[ids][oeq]", "1"),
                ("filter[ids][oeq]", "2"),
                ("list", "x"),
            ]
        );
    }
}
