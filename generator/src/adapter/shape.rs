//! Checks what JSON type each field of each object of the raw document holds, so that a
//! document `openapiv3` refuses is reported problem by problem, each at its own pointer (serde
//! stops at the first and loses the place inside untagged enums such as `ReferenceOr`).
//! The checks mirror what `openapiv3` accepts; unknown fields are ignored, as it does.

use serde_json::{Map, Value};

use super::walk::{walk, Kind, Path};
use super::Problem;

/// Every shape problem of `doc`, in document order.
pub fn check(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(
        doc,
        Kind::Document,
        &mut Path::default(),
        &mut |kind, value, path| {
            let mut report = |at: &str, message: String| {
                problems.push((format!("{}{at}", path.pointer()), message));
            };
            let Value::Object(object) = value else {
                report(
                    "",
                    format!("expected {}, found {}", a(kind), json_type(value)),
                );
                return;
            };
            // A reference left in place names a component; its siblings are not read.
            if object.contains_key("$ref") {
                return;
            }
            check_object(kind, object, &mut report);
        },
    );
    problems
}

/// What a field must hold.
#[derive(Clone, Copy)]
enum Expect {
    Str,
    Bool,
    Num,
    UInt,
    /// A map, of what.
    Of(&'static str),
    /// A list, of what.
    List(&'static str),
    /// A list of strings, called this.
    Names(&'static str),
    /// A map of strings.
    StringMap,
    /// A schema or a boolean.
    SchemaOrBool,
}

use Expect::{Bool, List, Names, Num, Of, SchemaOrBool, Str, StringMap, UInt};

/// Each kind's fields that are not objects with a kind of their own (those are checked when
/// the walk visits them) and the fields it cannot do without.
fn fields(kind: Kind) -> (&'static [(&'static str, Expect)], &'static [&'static str]) {
    match kind {
        Kind::Document => (
            &[
                ("openapi", Str),
                ("info", Of("fields")),
                ("servers", List("servers")),
                ("paths", Of("path items")),
                ("security", List("security requirements")),
                ("tags", List("tags")),
                ("externalDocs", Of("fields")),
            ],
            &["openapi", "info", "paths"],
        ),
        Kind::Components => (
            &[
                ("schemas", Of("schemas")),
                ("responses", Of("responses")),
                ("parameters", Of("parameters")),
                ("examples", Of("examples")),
                ("requestBodies", Of("request bodies")),
                ("headers", Of("headers")),
                ("securitySchemes", Of("security schemes")),
                ("links", Of("links")),
                ("callbacks", Of("callbacks")),
                ("pathItems", Of("path items")),
            ],
            &[],
        ),
        Kind::PathItem => (
            &[
                ("summary", Str),
                ("description", Str),
                ("servers", List("servers")),
                ("parameters", List("parameters")),
            ],
            &[],
        ),
        Kind::Operation => (
            &[
                ("tags", Names("tag names")),
                ("summary", Str),
                ("description", Str),
                ("externalDocs", Of("fields")),
                ("operationId", Str),
                ("parameters", List("parameters")),
                ("responses", Of("responses by status")),
                ("callbacks", Of("callbacks")),
                ("deprecated", Bool),
                ("security", List("security requirements")),
                ("servers", List("servers")),
            ],
            &["responses"],
        ),
        Kind::Parameter => (
            &[
                ("name", Str),
                ("in", Str),
                ("description", Str),
                ("required", Bool),
                ("deprecated", Bool),
                ("allowEmptyValue", Bool),
                ("style", Str),
                ("explode", Bool),
                ("allowReserved", Bool),
                ("content", Of("media types")),
                ("examples", Of("examples")),
            ],
            &["name", "in"],
        ),
        Kind::Header => (
            &[
                ("description", Str),
                ("style", Str),
                ("required", Bool),
                ("deprecated", Bool),
                ("content", Of("media types")),
                ("examples", Of("examples")),
            ],
            &[],
        ),
        Kind::RequestBody => (
            &[
                ("description", Str),
                ("content", Of("media types")),
                ("required", Bool),
            ],
            &[],
        ),
        Kind::Response => (
            &[
                ("description", Str),
                ("headers", Of("headers")),
                ("content", Of("media types")),
                ("links", Of("links")),
            ],
            &["description"],
        ),
        Kind::MediaType => (
            &[("examples", Of("examples")), ("encoding", Of("encodings"))],
            &[],
        ),
        Kind::Encoding => (
            &[
                ("contentType", Str),
                ("headers", Of("headers")),
                ("style", Str),
                ("explode", Bool),
                ("allowReserved", Bool),
            ],
            &[],
        ),
        Kind::Example => (
            &[
                ("summary", Str),
                ("description", Str),
                ("externalValue", Str),
            ],
            &[],
        ),
        Kind::Link => (
            &[
                ("operationRef", Str),
                ("operationId", Str),
                ("parameters", Of("values")),
                ("description", Str),
                ("server", Of("fields")),
            ],
            &[],
        ),
        Kind::SecurityScheme => (&[("type", Str), ("description", Str)], &["type"]),
        Kind::Callback => (&[], &[]),
        Kind::Schema => (
            &[
                ("title", Str),
                ("description", Str),
                ("type", Str),
                ("format", Str),
                ("pattern", Str),
                ("nullable", Bool),
                ("readOnly", Bool),
                ("writeOnly", Bool),
                ("deprecated", Bool),
                ("uniqueItems", Bool),
                ("exclusiveMinimum", Bool),
                ("exclusiveMaximum", Bool),
                ("multipleOf", Num),
                ("minimum", Num),
                ("maximum", Num),
                ("minLength", UInt),
                ("maxLength", UInt),
                ("minItems", UInt),
                ("maxItems", UInt),
                ("minProperties", UInt),
                ("maxProperties", UInt),
                ("required", Names("property names")),
                ("enum", List("values")),
                ("properties", Of("schemas")),
                ("additionalProperties", SchemaOrBool),
                ("items", Of("fields (a schema)")),
                ("not", Of("fields (a schema)")),
                ("allOf", List("schemas")),
                ("oneOf", List("schemas")),
                ("anyOf", List("schemas")),
                ("discriminator", Of("fields")),
                ("externalDocs", Of("fields")),
                ("xml", Of("fields")),
            ],
            &[],
        ),
    }
}

fn check_object(kind: Kind, object: &Map<String, Value>, report: &mut impl FnMut(&str, String)) {
    let (fields, required) = fields(kind);
    check_fields(object, fields, required, "", report);
    let field = |key: &str| object.get(key).and_then(Value::as_str);
    match kind {
        Kind::Document => {
            if let Some(Value::Object(info)) = object.get("info") {
                let fields = [("title", Str), ("version", Str), ("description", Str)];
                check_fields(info, &fields, &["title", "version"], "/info", report);
            }
            each_object(object, "servers", &[("url", Str)], &["url"], report);
            each_object(object, "tags", &[("name", Str)], &["name"], report);
            security(object, report);
        }
        Kind::Operation => {
            if let Some(Value::Object(responses)) = object.get("responses") {
                for key in responses.keys() {
                    if !is_status(key) && key != "default" && !key.starts_with("x-") {
                        report(
                            &format!("/responses/{}", crate::locate::escape(key)),
                            format!("`{key}` is not a status: use a code such as 200, a range such as 4XX, or default"),
                        );
                    }
                }
            }
            each_object(object, "servers", &[("url", Str)], &["url"], report);
            security(object, report);
        }
        Kind::PathItem => each_object(object, "servers", &[("url", Str)], &["url"], report),
        Kind::Parameter => {
            let styles: &[&str] = match field("in") {
                Some("path") => &["matrix", "label", "simple"],
                Some("query") => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                Some("header") => &["simple"],
                Some("cookie") => &["form"],
                Some(other) => {
                    report(
                        "/in",
                        format!("`{other}` is not a parameter location: use path, query, header or cookie"),
                    );
                    &[]
                }
                None => &[],
            };
            if let (Some(style), false) = (field("style"), styles.is_empty()) {
                if !styles.contains(&style) {
                    report(
                        "/style",
                        format!(
                            "`{style}` is not a style of this location: use {}",
                            styles.join(", ")
                        ),
                    );
                }
            }
            schema_or_content(object, report);
        }
        Kind::Header => {
            if let Some(style) = field("style").filter(|s| *s != "simple") {
                report(
                    "/style",
                    format!("`{style}` is not a header style: use simple"),
                );
            }
            schema_or_content(object, report);
        }
        Kind::Link
            if !object.contains_key("operationRef") && !object.contains_key("operationId") =>
        {
            report(
                "",
                "a link needs `operationRef` or `operationId`".to_owned(),
            );
        }
        Kind::SecurityScheme => {
            let (fields, required): (&[(&str, Expect)], &[&str]) = match field("type") {
                Some("apiKey") => (&[("name", Str), ("in", Str)], &["name", "in"]),
                Some("http") => (&[("scheme", Str), ("bearerFormat", Str)], &["scheme"]),
                Some("oauth2") => (&[("flows", Of("flows"))], &["flows"]),
                Some("openIdConnect") => (&[("openIdConnectUrl", Str)], &["openIdConnectUrl"]),
                Some(other) => {
                    report(
                        "/type",
                        format!("`{other}` is not a security scheme type: use apiKey, http, oauth2 or openIdConnect"),
                    );
                    (&[], &[])
                }
                None => (&[], &[]),
            };
            check_fields(object, fields, required, "", report);
            if field("type") == Some("apiKey") {
                if let Some(other) =
                    field("in").filter(|l| !["query", "header", "cookie"].contains(l))
                {
                    report(
                        "/in",
                        format!(
                            "`{other}` is not an API key location: use query, header or cookie"
                        ),
                    );
                }
            }
        }
        Kind::Schema => {
            if let Some(Value::Object(discriminator)) = object.get("discriminator") {
                let fields = [("propertyName", Str), ("mapping", StringMap)];
                check_fields(
                    discriminator,
                    &fields,
                    &["propertyName"],
                    "/discriminator",
                    report,
                );
            }
        }
        _ => {}
    }
}

/// Checks `fields` of `object`, which sits at `at` below the visited object.
fn check_fields(
    object: &Map<String, Value>,
    fields: &[(&str, Expect)],
    required: &[&str],
    at: &str,
    report: &mut impl FnMut(&str, String),
) {
    for name in required {
        if !object.contains_key(*name) {
            report(at, format!("missing field `{name}`"));
        }
    }
    for (name, expect) in fields {
        let Some(value) = object.get(*name) else {
            continue;
        };
        let fits = match expect {
            Str => value.is_string(),
            Bool => value.is_boolean(),
            Num => value.is_number(),
            UInt => value.is_u64(),
            Of(_) => value.is_object(),
            List(_) => value.is_array(),
            Names(_) => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            StringMap => value
                .as_object()
                .is_some_and(|map| map.values().all(Value::is_string)),
            SchemaOrBool => value.is_object() || value.is_boolean(),
        };
        if !fits {
            let expected = match expect {
                Str => "a string".to_owned(),
                Bool => "a boolean".to_owned(),
                Num => "a number".to_owned(),
                UInt => "a non-negative integer".to_owned(),
                Of(what) => format!("a map of {what}"),
                List(what) => format!("a list of {what}"),
                Names(what) => format!("a list of {what}"),
                StringMap => "a map of strings".to_owned(),
                SchemaOrBool => "a schema or a boolean".to_owned(),
            };
            let found = match (expect, value) {
                (Names(_), Value::Array(items)) => {
                    let odd = items.iter().find(|i| !i.is_string()).unwrap_or(value);
                    format!("a list holding {}", json_type(odd))
                }
                (StringMap, Value::Object(map)) => {
                    let odd = map.values().find(|v| !v.is_string()).unwrap_or(value);
                    format!("a map holding {}", json_type(odd))
                }
                _ => json_type(value).to_owned(),
            };
            report(
                &format!("{at}/{}", crate::locate::escape(name)),
                format!("expected {expected}, found {found}"),
            );
        }
    }
}

/// Checks each object of the list `key` (servers, tags).
fn each_object(
    object: &Map<String, Value>,
    key: &str,
    fields: &[(&str, Expect)],
    required: &[&str],
    report: &mut impl FnMut(&str, String),
) {
    let Some(Value::Array(items)) = object.get(key) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let at = format!("/{key}/{i}");
        match item {
            Value::Object(item) => check_fields(item, fields, required, &at, report),
            other => report(
                &at,
                format!("expected a map of fields, found {}", json_type(other)),
            ),
        }
    }
}

/// Security requirements: maps of scheme names to lists of scopes.
fn security(object: &Map<String, Value>, report: &mut impl FnMut(&str, String)) {
    let Some(Value::Array(requirements)) = object.get("security") else {
        return;
    };
    for (i, requirement) in requirements.iter().enumerate() {
        let at = format!("/security/{i}");
        let Value::Object(requirement) = requirement else {
            let found = json_type(requirement);
            report(
                &at,
                format!("expected a map of scheme names to scopes, found {found}"),
            );
            continue;
        };
        let fields: Vec<(&str, Expect)> = requirement
            .keys()
            .map(|name| (name.as_str(), Names("scopes")))
            .collect();
        check_fields(requirement, &fields, &[], &at, report);
    }
}

/// A parameter or header says its type with exactly one of `schema` and `content`.
fn schema_or_content(object: &Map<String, Value>, report: &mut impl FnMut(&str, String)) {
    match (
        object.contains_key("schema"),
        object.contains_key("content"),
    ) {
        (true, true) => report("", "give `schema` or `content`, not both".to_owned()),
        (false, false) => report("", "missing field `schema` (or `content`)".to_owned()),
        _ => {}
    }
}

fn is_status(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() == 3
        && matches!(bytes[0], b'1'..=b'9')
        && (bytes[1..].iter().all(u8::is_ascii_digit)
            || bytes[1..].iter().all(|b| b.eq_ignore_ascii_case(&b'x')))
}

fn a(kind: Kind) -> String {
    let noun = kind.noun();
    format!("a {noun} (a map of fields)")
}

/// How a message names a JSON value's type.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reports_every_problem_at_its_own_pointer() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": 1},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "p", "in": "body", "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": true,
                        "properties": {"n": {"type": "integer", "minLength": -1}, "m": 5}
                    }}}},
                    "2xx": {"description": 5},
                    "oops": {"description": "bad key"}
                }
            }}}
        });
        let problems = check(&doc);
        let expected = [
            ("/info", "missing field `version`"),
            ("/info/title", "expected a string, found a number"),
            ("/paths/~1a/get/responses/oops", "`oops` is not a status: use a code such as 200, a range such as 4XX, or default"),
            ("/paths/~1a/get/parameters/0/in", "`body` is not a parameter location: use path, query, header or cookie"),
            ("/paths/~1a/get/responses/200/content/application~1json/schema/required", "expected a list of property names, found a boolean"),
            ("/paths/~1a/get/responses/200/content/application~1json/schema/properties/n/minLength", "expected a non-negative integer, found a number"),
            ("/paths/~1a/get/responses/200/content/application~1json/schema/properties/m", "expected a schema (a map of fields), found a number"),
            ("/paths/~1a/get/responses/2xx/description", "expected a string, found a number"),
        ];
        let expected: Vec<Problem> = expected
            .iter()
            .map(|(p, m)| ((*p).to_owned(), (*m).to_owned()))
            .collect();
        assert_eq!(problems, expected);
    }

    #[test]
    fn a_well_formed_document_has_no_problems() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://example.test"}],
            "security": [{"key": []}],
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"responses": {"2XX": {"description": "ok"}, "default": {"$ref": "#/components/responses/E"}}}
            }},
            "components": {
                "responses": {"E": {"description": "error"}},
                "securitySchemes": {"key": {"type": "apiKey", "name": "k", "in": "header"}},
                "schemas": {"S": {"type": "object", "required": ["a"], "additionalProperties": false,
                    "discriminator": {"propertyName": "a", "mapping": {"x": "#/components/schemas/S"}}}}
            }
        });
        assert_eq!(check(&doc), []);
    }
}
