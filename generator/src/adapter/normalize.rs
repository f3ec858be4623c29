//! Rewrites OpenAPI 3.1 constructs into their 3.0 equivalents on the raw JSON value, so that
//! `openapiv3` (a 3.0 model) sees everything the document says. Nothing is dropped silently:
//! what has no 3.0 equivalent is reported with its pointer.

use serde_json::{json, Map, Value};

use crate::locate::escape;

/// A problem found while normalising: the pointer and what is wrong.
pub type Problem = (String, String);

/// Normalises `doc` in place; returns the constructs it could not express.
pub fn normalize(doc: &mut Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let is_31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    if let Some(root) = doc.as_object_mut() {
        // 3.1 documents may describe only webhooks; the 3.0 model insists on `paths`.
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
    }
    let mut walker = Walker {
        is_31,
        problems: &mut problems,
    };
    walker.document(doc, String::new());
    problems
}

struct Walker<'a> {
    is_31: bool,
    problems: &'a mut Vec<Problem>,
}

impl Walker<'_> {
    /// Walks the non-schema part of the document looking for schema positions.
    fn document(&mut self, value: &mut Value, pointer: String) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let child_pointer = format!("{pointer}/{}", escape(key));
                    match key.as_str() {
                        // Example payloads are data, not document structure (a schema's
                        // `default` is data too, but schemas are walked by `schema`; here a
                        // `default` is the response for every other status).
                        "example" | "examples" => {}
                        "schema" => self.schema(child, child_pointer),
                        "schemas" if pointer == "/components" => {
                            if let Value::Object(schemas) = child {
                                for (name, schema) in schemas.iter_mut() {
                                    self.schema(
                                        schema,
                                        format!("{child_pointer}/{}", escape(name)),
                                    );
                                }
                            }
                        }
                        _ => self.document(child, child_pointer),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.document(item, format!("{pointer}/{i}"));
                }
            }
            _ => {}
        }
    }

    /// Normalises one schema and the schemas inside it.
    fn schema(&mut self, value: &mut Value, pointer: String) {
        // 3.1 allows boolean schemas: `true` accepts anything, `false` nothing.
        if let Value::Bool(accept) = value {
            *value = if *accept {
                Value::Object(Map::new())
            } else {
                serde_json::json!({ "not": {} })
            };
            return;
        }
        let Value::Object(map) = value else {
            self.problems.push((
                pointer,
                "a schema must be an object or a boolean".to_owned(),
            ));
            return;
        };
        if self.is_31 {
            self.rewrite_31(map);
        }
        for (key, child) in map.iter_mut() {
            let child_pointer = format!("{pointer}/{}", escape(key));
            match key.as_str() {
                "properties" | "patternProperties" | "$defs" | "definitions" => {
                    if let Value::Object(props) = child {
                        for (name, schema) in props.iter_mut() {
                            self.schema(schema, format!("{child_pointer}/{}", escape(name)));
                        }
                    }
                }
                "items" | "not" | "additionalProperties" | "contains" | "propertyNames"
                    if child.is_object()
                        || (key != "additionalProperties" && child.is_boolean()) =>
                {
                    self.schema(child, child_pointer);
                }
                "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                    if let Value::Array(members) = child {
                        for (i, member) in members.iter_mut().enumerate() {
                            self.schema(member, format!("{child_pointer}/{i}"));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn rewrite_31(&mut self, map: &mut Map<String, Value>) {
        // `type: [T, "null"]` is 3.0's `type: T, nullable: true`.
        if let Some(Value::Array(types)) = map.get("type") {
            let mut rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            let nullable = rest.len() < types.len();
            match rest.len() {
                0 => {
                    map.remove("type");
                }
                1 => {
                    map.insert("type".to_owned(), rest.remove(0));
                }
                _ => split_types(map, rest),
            }
            if nullable {
                map.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
        if map.get("type").is_some_and(|t| t == "null") {
            map.remove("type");
            map.insert("nullable".to_owned(), Value::Bool(true));
            map.insert("enum".to_owned(), serde_json::json!([null]));
        }
        // A nullable enum lists `null` among its values; 3.0 says `nullable` instead.
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            if values.len() > 1 && values.iter().any(Value::is_null) {
                values.retain(|v| !v.is_null());
                map.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
        // A string whose content is bytes as they are (a `contentMediaType`, with no
        // `contentEncoding` or one that leaves the bytes alone) is 3.0's `format: binary`. The
        // media type, which 3.0 has no place for, is kept as an extension for multipart parts.
        if let Some(media) = map.get("contentMediaType").cloned() {
            map.insert("x-content-media-type".to_owned(), media);
        }
        let raw = match map.get("contentEncoding") {
            None => map.contains_key("contentMediaType"),
            Some(encoding) => encoding.as_str().is_some_and(|e| {
                ["binary", "8bit", "7bit"].contains(&e.to_ascii_lowercase().as_str())
            }),
        };
        if raw && map.get("type").is_none_or(|t| t == "string") && !map.contains_key("format") {
            map.insert("format".to_owned(), Value::from("binary"));
        }
        // `const: v` is a one-value enum; the value is what makes a union member recognisable.
        if let Some(value) = map.remove("const") {
            map.entry("enum")
                .or_insert_with(|| Value::Array(vec![value]));
        }
        if let Some(Value::Array(mut examples)) = map.remove("examples") {
            if !examples.is_empty() {
                map.entry("example").or_insert_with(|| examples.remove(0));
            }
        }
        for (key, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if map.get(key).is_some_and(Value::is_number) {
                if let Some(limit) = map.remove(key) {
                    map.insert(bound.to_owned(), limit);
                    map.insert(key.to_owned(), Value::Bool(true));
                }
            }
        }
        // `{oneOf: [X, {type: "null"}]}` is a nullable X.
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get_mut(key) {
                let before = members.len();
                members.retain(|m| !is_null_schema(m));
                if members.len() < before {
                    map.insert("nullable".to_owned(), Value::Bool(true));
                    if let Some(Value::Array(members)) = map.get(key) {
                        if members.len() == 1 {
                            let only = members[0].clone();
                            map.remove(key);
                            map.insert("allOf".to_owned(), Value::Array(vec![only]));
                        }
                    }
                }
            }
        }
        // A `$ref` with siblings is legal in 3.1 and means "this schema and also the siblings".
        if map.contains_key("$ref") && map.len() > 1 {
            if let Some(reference) = map.remove("$ref") {
                let mut member = Map::new();
                member.insert("$ref".to_owned(), reference);
                let all_of = map
                    .entry("allOf")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(all_of) = all_of {
                    all_of.insert(0, Value::Object(member));
                }
            }
        }
    }
}

/// The keywords that constrain only instances of one JSON type.
fn keywords_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "string" => &[
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "contentEncoding",
            "contentMediaType",
        ],
        "integer" | "number" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
        "array" => &[
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
        ],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "minProperties",
            "maxProperties",
            "propertyNames",
        ],
        _ => &[],
    }
}

/// `type: [A, B, ...]` (`null` already taken out) is `anyOf` one schema per type, each with the
/// keywords that constrain that type; annotations stay on the whole. A `format` or `enum`
/// goes only to the types whose values it can describe.
fn split_types(map: &mut Map<String, Value>, kinds: Vec<Value>) {
    map.remove("type");
    let enumeration = map.remove("enum");
    let mut members = Vec::new();
    for kind in &kinds {
        let name = kind.as_str().unwrap_or_default();
        let mut member = Map::new();
        member.insert("type".to_owned(), kind.clone());
        for key in keywords_of(name) {
            if let Some(value) = map.get(*key) {
                if *key == "format" && !format_fits(value, name) {
                    continue;
                }
                member.insert((*key).to_owned(), value.clone());
            }
        }
        if let Some(Value::Array(values)) = &enumeration {
            let fitting: Vec<Value> = values
                .iter()
                .filter(|v| value_fits(v, name))
                .cloned()
                .collect();
            if fitting.is_empty() {
                continue;
            }
            member.insert("enum".to_owned(), Value::Array(fitting));
        }
        members.push(Value::Object(member));
    }
    for kind in &kinds {
        for key in keywords_of(kind.as_str().unwrap_or_default()) {
            map.remove(*key);
        }
    }
    let union = Value::Array(members);
    // A schema that already has an `anyOf` must satisfy both: the two meet in an `allOf`.
    match map.remove("anyOf") {
        Some(existing) => {
            let mut both = vec![json!({ "anyOf": existing }), json!({ "anyOf": union })];
            if let Some(Value::Array(all_of)) = map.remove("allOf") {
                both.splice(0..0, all_of);
            }
            map.insert("allOf".to_owned(), Value::Array(both));
        }
        None => {
            map.insert("anyOf".to_owned(), union);
        }
    }
}

/// Whether a `format` names values of this type (`int64` is not a string format).
fn format_fits(format: &Value, kind: &str) -> bool {
    let numeric = matches!(
        format.as_str(),
        Some(
            "int8"
                | "int16"
                | "int32"
                | "int64"
                | "uint8"
                | "uint16"
                | "uint32"
                | "uint64"
                | "float"
                | "double"
        )
    );
    match kind {
        "integer" | "number" => numeric,
        _ => !numeric,
    }
}

fn value_fits(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").is_some_and(|t| t == "null")
        && schema.as_object().is_some_and(|m| m.len() == 1)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn normalized(schema: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let problems = normalize(&mut doc);
        assert!(problems.is_empty(), "{problems:?}");
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn rewrites_31_constructs() {
        assert_eq!(
            normalized(json!({"type": ["string", "null"], "enum": ["a", null]})),
            json!({"type": "string", "enum": ["a"], "nullable": true})
        );
        assert_eq!(
            normalized(json!({"properties": {"kind": {"const": "oauth"}}})),
            json!({"properties": {"kind": {"enum": ["oauth"]}}})
        );
        assert_eq!(
            normalized(json!({"type": "integer", "exclusiveMinimum": 0, "examples": [3]})),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "example": 3})
        );
        assert_eq!(
            normalized(json!({"$ref": "#/components/schemas/T", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert_eq!(
            normalized(json!({"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
    }

    #[test]
    fn schemas_of_default_responses_are_normalised() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {
            "default": {"description": "d", "content": {"application/json": {
                "schema": {"type": ["string", "null"]}
            }}}
        }}}}});
        assert!(normalize(&mut doc).is_empty());
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["default"]["content"]["application/json"]
                ["schema"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn raw_content_is_binary_and_keeps_its_media_type() {
        assert_eq!(
            normalized(json!({"type": "string", "contentMediaType": "image/png"})),
            json!({"type": "string", "contentMediaType": "image/png", "x-content-media-type": "image/png", "format": "binary"})
        );
        assert_eq!(
            normalized(json!({"type": "string", "contentEncoding": "binary"})),
            json!({"type": "string", "contentEncoding": "binary", "format": "binary"})
        );
        // Base64 is text: the value is the encoded string.
        assert_eq!(
            normalized(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "contentEncoding": "base64"})
        );
    }

    #[test]
    fn examples_are_left_alone() {
        let data = json!({"type": ["string", "null"], "const": 1});
        let schema = json!({"type": "object", "example": data, "default": data});
        assert_eq!(normalized(schema.clone()), schema);
    }

    #[test]
    fn several_types_become_a_union_of_one_schema_per_type() {
        assert_eq!(
            normalized(json!({
                "type": ["integer", "string", "null"],
                "description": "A port or a name.",
                "minimum": 1,
                "maxLength": 8,
                "format": "int32",
                "enum": [80, "http", null],
            })),
            json!({
                "description": "A port or a name.",
                "nullable": true,
                "anyOf": [
                    {"type": "integer", "minimum": 1, "format": "int32", "enum": [80]},
                    {"type": "string", "maxLength": 8, "enum": ["http"]},
                ],
            })
        );
        assert_eq!(
            normalized(
                json!({"type": ["array", "object"], "items": {"type": "string"}, "properties": {"a": {"type": "string"}}, "anyOf": [{"required": ["a"]}]})
            ),
            json!({"allOf": [
                {"anyOf": [{"required": ["a"]}]},
                {"anyOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object", "properties": {"a": {"type": "string"}}},
                ]},
            ]})
        );
    }
}
