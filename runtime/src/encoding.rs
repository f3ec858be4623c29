//! Parameters on the wire: path segments, query pairs and header values from any serialisable
//! value.

use std::borrow::Cow;

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

/// How a parameter's value is written: OpenAPI's `style` with its `explode`, decided by the
/// generator from the document (RFC 6570's expansions, as OpenAPI's style table gives them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `a,b` (path, header); an exploded object is `k=v,k2=v2`.
    Simple {
        /// OpenAPI's `explode`.
        explode: bool,
    },
    /// `.a,b`, exploded `.a.b` (path).
    Label {
        /// OpenAPI's `explode`.
        explode: bool,
    },
    /// `;name=a,b`, exploded `;name=a;name=b` (path).
    Matrix {
        /// OpenAPI's `explode`.
        explode: bool,
    },
    /// `name=a,b`, exploded `name=a&name=b`; an exploded object is `k=v&k2=v2` (query, and
    /// cookie: exploded values are one cookie each).
    Form {
        /// OpenAPI's `explode`.
        explode: bool,
    },
    /// `name=a%20b` (query).
    SpaceDelimited,
    /// `name=a%7Cb` (query).
    PipeDelimited,
    /// `name[k]=v`, nested objects nesting their keys, lists of scalars repeating the name,
    /// lists of objects or lists indexing theirs (`name[0][k]=v`) (query).
    DeepObject,
    /// The value as JSON text (a parameter described by `content` with a JSON media type).
    Json,
}

/// A value as one encoded path segment. Empty values and the dot segments `.` and `..` are
/// refused: URL parsers resolve them, which would address another resource.
pub(crate) fn path_segment(name: &str, value: Value, style: Style) -> Result<String, String> {
    let text = match (style, value) {
        // The common case, a string that needs no escaping, is kept as it is.
        (Style::Simple { .. }, Value::String(text)) if is_unreserved(&text) => text,
        (style, value) => segment_text(name, &value, style),
    };
    if text.is_empty() || text == "." || text == ".." {
        return Err(format!(
            "path parameter `{name}` cannot be {:?}: it would address another resource",
            text
        ));
    }
    Ok(text)
}

/// A path parameter's segment as `style` writes it (`null` as nothing).
fn segment_text(name: &str, value: &Value, style: Style) -> String {
    match style {
        _ if value.is_null() => String::new(),
        Style::Label { explode } => {
            let sep = if explode { "." } else { "," };
            format!(".{}", joined(value, sep, explode, encode))
        }
        Style::Matrix { explode } => matrix(name, value, explode),
        Style::Json => encode(&value.to_string()),
        Style::Simple { explode } => joined(value, ",", explode, encode),
        // Query styles have no meaning in a path: written as `simple`.
        _ => joined(value, ",", false, encode),
    }
}

/// Matrix style: `;name=v`, `;name` for an empty value.
fn matrix(name: &str, value: &Value, explode: bool) -> String {
    let key = encode(name);
    let pair = |v: String| {
        if v.is_empty() {
            format!(";{key}")
        } else {
            format!(";{key}={v}")
        }
    };
    match value {
        Value::Array(items) if explode => items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| pair(encode(&scalar(item))))
            .collect(),
        Value::Object(map) if explode => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!(";{}={}", encode(k), encode(&scalar(v))))
            .collect(),
        _ => pair(joined(value, ",", false, encode)),
    }
}

/// Items and object entries joined by `sep`, each written by `write`: `k,v` for an object's
/// entries, or `k=v` when exploded. `null`s are left out.
fn joined(value: &Value, sep: &str, explode: bool, write: fn(&str) -> String) -> String {
    match value {
        Value::Null => String::new(),
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| write(&scalar(item)))
            .collect::<Vec<_>>()
            .join(sep),
        Value::Object(map) => {
            let entries = map.iter().filter(|(_, v)| !v.is_null());
            if explode {
                entries
                    .map(|(k, v)| format!("{}={}", write(k), write(&scalar(v))))
                    .collect::<Vec<_>>()
                    .join(sep)
            } else {
                entries
                    .flat_map(|(k, v)| [write(k), write(&scalar(v))])
                    .collect::<Vec<_>>()
                    .join(sep)
            }
        }
        _ => write(&scalar(value)),
    }
}

/// Every byte but RFC 3986's unreserved ones percent-encoded: the value stays one component
/// whatever it holds, and the delimiters a style adds stay apart from it.
pub(crate) fn encode(text: &str) -> String {
    if is_unreserved(text) {
        return text.to_owned();
    }
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// Whether `text` is only RFC 3986's unreserved characters, which no position escapes.
fn is_unreserved(text: &str) -> bool {
    text.bytes().all(|b| UNRESERVED[usize::from(b)])
}

fn verbatim(text: &str) -> String {
    text.to_owned()
}

/// A value as a header or simple-style string: arrays and objects comma-separated.
/// A string is borrowed as it is.
pub(crate) fn scalar(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::String(s) => Cow::Borrowed(s),
        Value::Bool(_) | Value::Number(_) => Cow::Owned(value.to_string()),
        Value::Array(items) => Cow::Owned(items.iter().map(scalar).collect::<Vec<_>>().join(",")),
        Value::Object(map) => Cow::Owned(
            map.iter()
                .flat_map(|(k, v)| [Cow::Borrowed(k.as_str()), scalar(v)])
                .collect::<Vec<_>>()
                .join(","),
        ),
    }
}

/// A header value (`simple` style, or JSON text); `None` for `null`.
pub(crate) fn header_value(value: &Value, style: Style) -> Option<String> {
    match (value, style) {
        (Value::Null, _) => None,
        (_, Style::Json) => Some(value.to_string()),
        (_, Style::Simple { explode }) => Some(joined(value, ",", explode, verbatim)),
        _ => Some(joined(value, ",", false, verbatim)),
    }
}

/// The cookies a cookie parameter is written as, each a name and the items of its value
/// (joined by commas when sent; not yet checked): one cookie, its items comma-separated
/// (`form`); or, exploded, one cookie per item under the parameter's name and one per entry of
/// an object under the entry's key, as OpenAPI 3.2's `cookie` style writes them (form style's
/// `&` has no meaning in a `Cookie` header).
pub(crate) fn cookies(name: &str, value: &Value, style: Style) -> Vec<(String, Vec<String>)> {
    let items = |value: &Value| -> Vec<String> {
        match value {
            Value::Array(items) => items
                .iter()
                .filter(|item| !item.is_null())
                .map(|item| scalar(item).into_owned())
                .collect(),
            Value::Object(map) => map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), scalar(v).into_owned()])
                .collect(),
            _ => vec![scalar(value).into_owned()],
        }
    };
    match (value, style) {
        (Value::Null, _) => Vec::new(),
        (_, Style::Json) => vec![(name.to_owned(), vec![value.to_string()])],
        (Value::Array(list), Style::Form { explode: true }) => list
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| (name.to_owned(), vec![scalar(item).into_owned()]))
            .collect(),
        (Value::Object(map), Style::Form { explode: true }) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), vec![scalar(v).into_owned()]))
            .collect(),
        _ => vec![(name.to_owned(), items(value))],
    }
}

/// An `application/x-www-form-urlencoded` body: the object's fields, flattened as query pairs
/// in the style `styles` gives them, else lists repeating the name and objects nesting their
/// keys in brackets.
pub(crate) fn form(value: &Value, styles: &[(&str, Style)]) -> Result<String, String> {
    let Value::Object(map) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut pairs = Vec::new();
    for (name, item) in map {
        let style = styles
            .iter()
            .find(|(field, _)| field == name)
            .map_or(Style::DeepObject, |(_, style)| *style);
        query_pairs(name, item, style, &mut pairs);
    }
    Ok(pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&"))
}

/// A query parameter as percent-encoded `name=value` pairs, as `style` writes it; `null` is
/// omitted, as are `null` items and entries.
pub(crate) fn query_pairs(
    name: &str,
    value: &Value,
    style: Style,
    out: &mut Vec<(String, String)>,
) {
    if value.is_null() {
        return;
    }
    let mut push = |k: &str, v: String| out.push((encode(k), v));
    match style {
        Style::Json => push(name, encode(&value.to_string())),
        Style::DeepObject => deep_object(name, value, out),
        Style::Form { explode: true } => match value {
            Value::Array(items) => {
                for item in items.iter().filter(|item| !item.is_null()) {
                    push(name, encode(&scalar(item)));
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    match item {
                        Value::Null => {}
                        Value::Array(items) => {
                            for item in items.iter().filter(|item| !item.is_null()) {
                                push(key, encode(&scalar(item)));
                            }
                        }
                        _ => push(key, encode(&scalar(item))),
                    }
                }
            }
            _ => push(name, encode(&scalar(value))),
        },
        Style::SpaceDelimited => push(name, joined(value, "%20", false, encode)),
        Style::PipeDelimited => push(name, joined(value, "%7C", false, encode)),
        // `form` unexploded, and path styles, which have no meaning in a query.
        _ => push(name, joined(value, ",", false, encode)),
    }
}

/// `name[key]=value`, nesting objects; lists repeat the name.
///
/// OpenAPI leaves `deepObject` undefined for lists. A list of scalars repeats the name, as
/// `form` exploded does; a list holding objects or lists indexes its items, `name[0][k]=v`
/// (the bracket convention of Rack, PHP and `qs`), since joining an object's keys and values
/// with commas into one value would lose which is which.
fn deep_object(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            for (index, item) in items.iter().enumerate() {
                deep_object(&format!("{name}[{index}]"), item, out);
            }
        }
        Value::Array(items) => {
            for item in items.iter().filter(|item| !item.is_null()) {
                out.push((encode(name), encode(&scalar(item))));
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                deep_object(&format!("{name}[{key}]"), item, out);
            }
        }
        _ => out.push((encode(name), encode(&scalar(value)))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SIMPLE: Style = Style::Simple { explode: false };
    const FORM: Style = Style::Form { explode: true };

    fn query(name: &str, value: Value, style: Style) -> Vec<String> {
        let mut out = Vec::new();
        query_pairs(name, &value, style, &mut out);
        out.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    #[test]
    fn path_values_stay_in_their_segment() {
        let segment = |v: Value| path_segment("id", v, SIMPLE);
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
    fn path_styles_follow_openapi_table() {
        let list = || json!(["blue", "black", "brown"]);
        // Keys in sorted order: without `preserve_order`, serde_json sorts them.
        let object = || json!({"B": 150, "G": 200, "R": 100});
        let segment = |v: Value, style| path_segment("color", v, style).unwrap();
        assert_eq!(segment(list(), SIMPLE), "blue,black,brown");
        assert_eq!(segment(object(), SIMPLE), "B,150,G,200,R,100");
        assert_eq!(
            segment(object(), Style::Simple { explode: true }),
            "B=150,G=200,R=100"
        );
        assert_eq!(
            segment(json!("blue"), Style::Label { explode: false }),
            ".blue"
        );
        assert_eq!(
            segment(list(), Style::Label { explode: false }),
            ".blue,black,brown"
        );
        assert_eq!(
            segment(list(), Style::Label { explode: true }),
            ".blue.black.brown"
        );
        assert_eq!(
            segment(object(), Style::Label { explode: true }),
            ".B=150.G=200.R=100"
        );
        assert_eq!(
            segment(json!("blue"), Style::Matrix { explode: false }),
            ";color=blue"
        );
        assert_eq!(
            segment(json!(""), Style::Matrix { explode: false }),
            ";color"
        );
        assert_eq!(
            segment(list(), Style::Matrix { explode: false }),
            ";color=blue,black,brown"
        );
        assert_eq!(
            segment(list(), Style::Matrix { explode: true }),
            ";color=blue;color=black;color=brown"
        );
        assert_eq!(
            segment(object(), Style::Matrix { explode: true }),
            ";B=150;G=200;R=100"
        );
        assert_eq!(
            segment(json!({"a": "x/y"}), Style::Json),
            "%7B%22a%22%3A%22x%2Fy%22%7D"
        );
        // A label of a dot would make a dot segment.
        assert!(path_segment("id", json!("."), Style::Label { explode: false }).is_err());
        assert!(path_segment("id", json!(""), Style::Label { explode: false }).is_err());
    }

    #[test]
    fn form_bodies_encode_fields() {
        let body = form(
            &json!({"grant_type": "device code", "client_id": "a&b", "skip": null}),
            &[],
        )
        .unwrap();
        // Field order follows serde_json's map order, which a feature can change: compare sorted.
        let mut fields: Vec<&str> = body.split('&').collect();
        fields.sort_unstable();
        assert_eq!(fields, ["client_id=a%26b", "grant_type=device%20code"]);
        assert!(form(&json!([1]), &[]).is_err());
        let styles = [("ids", Style::PipeDelimited), ("meta", Style::Json)];
        let body = form(
            &json!({"ids": [1, 2], "meta": {"a": 1}, "tags": ["x", "y"]}),
            &styles,
        );
        assert_eq!(
            body.unwrap(),
            "ids=1%7C2&meta=%7B%22a%22%3A1%7D&tags=x&tags=y"
        );
    }

    #[test]
    fn query_styles_follow_openapi_table() {
        let list = || json!(["blue", "black", "brown"]);
        assert_eq!(
            query("color", list(), FORM),
            ["color=blue", "color=black", "color=brown"]
        );
        assert_eq!(
            query("color", list(), Style::Form { explode: false }),
            ["color=blue,black,brown"]
        );
        assert_eq!(
            query("color", list(), Style::SpaceDelimited),
            ["color=blue%20black%20brown"]
        );
        assert_eq!(
            query("color", list(), Style::PipeDelimited),
            ["color=blue%7Cblack%7Cbrown"]
        );
        // A delimiter inside a value is encoded, so the value stays one item.
        assert_eq!(
            query("tag", json!(["a,b", "c d"]), Style::Form { explode: false }),
            ["tag=a%2Cb,c%20d"]
        );
        let mut sorted = query("color", json!({"R": 100, "G": [1, 2], "B": null}), FORM);
        sorted.sort();
        assert_eq!(sorted, ["G=1", "G=2", "R=100"]);
        assert_eq!(
            query("color", json!({"R": 100}), Style::Form { explode: false }),
            ["color=R,100"]
        );
        assert_eq!(
            query("color", json!({"R": 100}), Style::SpaceDelimited),
            ["color=R%20100"]
        );
        assert_eq!(
            query("filter", json!({"a": [1]}), Style::Json),
            ["filter=%7B%22a%22%3A%5B1%5D%7D"]
        );
        assert_eq!(query("x", json!("a b&c"), FORM), ["x=a%20b%26c"]);
        assert!(query("x", json!(null), Style::PipeDelimited).is_empty());
    }

    #[test]
    fn query_values_flatten() {
        let mut out = Vec::new();
        query_pairs("page[size]", &json!(10), FORM, &mut out);
        query_pairs("tag", &json!(["a", "b"]), FORM, &mut out);
        query_pairs(
            "filter",
            &json!({"name": {"contains": "x"}}),
            Style::DeepObject,
            &mut out,
        );
        query_pairs("absent", &json!(null), FORM, &mut out);
        let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("page%5Bsize%5D", "10"),
                ("tag", "a"),
                ("tag", "b"),
                ("filter%5Bname%5D%5Bcontains%5D", "x")
            ]
        );
    }

    #[test]
    fn headers_and_cookies_follow_their_styles() {
        assert_eq!(header_value(&json!(["a", "b c"]), SIMPLE).unwrap(), "a,b c");
        assert_eq!(
            header_value(&json!({"G": 2, "R": 1}), Style::Simple { explode: true }).unwrap(),
            "G=2,R=1"
        );
        assert_eq!(
            header_value(&json!({"a": 1}), Style::Json).unwrap(),
            r#"{"a":1}"#
        );
        assert_eq!(header_value(&json!(null), SIMPLE), None);
        let pairs = |v: Value, style| {
            cookies("ids", &v, style)
                .into_iter()
                .map(|(k, v)| format!("{k}={}", v.join(",")))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            pairs(json!(["a", "b", null]), Style::Form { explode: false }),
            ["ids=a,b"]
        );
        assert_eq!(pairs(json!(["a", "b"]), FORM), ["ids=a", "ids=b"]);
        assert_eq!(pairs(json!({"G": 2, "R": 1}), FORM), ["G=2", "R=1"]);
        assert_eq!(
            pairs(json!({"G": 2, "R": 1}), Style::Form { explode: false }),
            ["ids=G,2,R,1"]
        );
        assert_eq!(pairs(json!(7), FORM), ["ids=7"]);
        assert!(pairs(json!(null), FORM).is_empty());
    }

    #[test]
    fn path_values_keep_only_unreserved_characters() {
        let segment = |v: Value| path_segment("id", v, SIMPLE).unwrap();
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
        // The items' delimiter stays a comma; a comma inside an item is encoded.
        assert_eq!(segment(json!(["a", "b/c", "d,e"])), "a,b%2Fc,d%2Ce");
        assert!(path_segment("id", json!(null), SIMPLE).is_err());
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
            Style::DeepObject,
            &mut out,
        );
        query_pairs("list", &json!([null, "x"]), FORM, &mut out);
        query_pairs("empty", &json!([]), FORM, &mut out);
        // Object key order depends on serde_json's `preserve_order` feature: compare sorted.
        let mut pairs: Vec<(&str, &str)> =
            out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("filter%5Bactive%5D", "true"),
                ("filter%5Bids%5D%5Boeq%5D", "1"),
                ("filter%5Bids%5D%5Boeq%5D", "2"),
                ("list", "x"),
            ]
        );
    }

    #[test]
    fn deep_object_lists_of_objects_index_their_items() {
        let mut out = Vec::new();
        query_pairs(
            "items",
            &json!([{"price": "p,1", "quantity": 2}, {"price": "p2", "tags": ["a", "b"]}]),
            Style::DeepObject,
            &mut out,
        );
        query_pairs("grid", &json!([[1, 2], [3]]), Style::DeepObject, &mut out);
        let mut pairs: Vec<(&str, &str)> =
            out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("grid%5B0%5D", "1"),
                ("grid%5B0%5D", "2"),
                ("grid%5B1%5D", "3"),
                ("items%5B0%5D%5Bprice%5D", "p%2C1"),
                ("items%5B0%5D%5Bquantity%5D", "2"),
                ("items%5B1%5D%5Bprice%5D", "p2"),
                ("items%5B1%5D%5Btags%5D", "a"),
                ("items%5B1%5D%5Btags%5D", "b"),
            ]
        );
    }
}
