//! Where each kind of OpenAPI object sits in a raw document: a walk that visits every object
//! with its kind and pointer, for the passes that work on the raw value (reference resolution,
//! shape checks) before `openapiv3` sees it.

use std::fmt::Write;

use serde_json::Value;

/// The kind of object a position in the document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The root.
    Document,
    /// `components`.
    Components,
    /// An entry of `paths`, `components.pathItems` or a callback.
    PathItem,
    /// `get`, `post`, ... of a path item.
    Operation,
    /// A parameter.
    Parameter,
    /// A header of a response or an encoding.
    Header,
    /// A request body.
    RequestBody,
    /// A response.
    Response,
    /// A media type of a `content` map.
    MediaType,
    /// An encoding of a media type.
    Encoding,
    /// A named example.
    Example,
    /// A link of a response.
    Link,
    /// A callback: a map of expressions to path items.
    Callback,
    /// A security scheme.
    SecurityScheme,
    /// A schema.
    Schema,
}

impl Kind {
    /// The `components` section holding reusable objects of this kind, when `openapiv3`
    /// keeps references to it (it has no `pathItems`, and operation callbacks cannot be
    /// references there).
    pub fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    /// The kind's name in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::Components => "components object",
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::Header => "header",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::MediaType => "media type",
            Kind::Encoding => "encoding",
            Kind::Example => "example",
            Kind::Link => "link",
            Kind::Callback => "callback",
            Kind::SecurityScheme => "security scheme",
            Kind::Schema => "schema",
        }
    }
}

/// The HTTP methods a path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where the walk is: the segments of a JSON pointer, rendered only when a visitor asks.
#[derive(Default)]
pub struct Path<'v>(Vec<Segment<'v>>);

enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

impl Path<'_> {
    /// The RFC 6901 pointer.
    pub fn pointer(&self) -> String {
        let mut pointer = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Key(key) => {
                    pointer.push('/');
                    for c in key.chars() {
                        match c {
                            '~' => pointer.push_str("~0"),
                            '/' => pointer.push_str("~1"),
                            c => pointer.push(c),
                        }
                    }
                }
                Segment::Index(i) => {
                    let _ = write!(pointer, "/{i}");
                }
            }
        }
        pointer
    }
}

/// Calls `visit` on `value` (of kind `kind`, at `path`) and every object inside it that the
/// OpenAPI structure gives a kind, parents first, in document order. Data (examples,
/// defaults, enums, extensions) is not entered. A position holding the wrong JSON type is
/// visited but not entered: reporting it is the visitor's business.
pub fn walk<'v>(
    value: &'v Value,
    kind: Kind,
    path: &mut Path<'v>,
    visit: &mut impl FnMut(Kind, &'v Value, &Path<'v>),
) {
    visit(kind, value, path);
    let Value::Object(map) = value else {
        return;
    };
    for (key, value) in map {
        let Some((child_kind, layout)) = child(kind, key, value) else {
            continue;
        };
        path.0.push(Segment::Key(key));
        match (layout, value) {
            (Layout::One, _) => walk(value, child_kind, path, visit),
            (Layout::Map | Layout::MapSkippingExtensions, Value::Object(entries)) => {
                for (name, entry) in entries {
                    if layout == Layout::MapSkippingExtensions && name.starts_with("x-") {
                        continue;
                    }
                    path.0.push(Segment::Key(name));
                    walk(entry, child_kind, path, visit);
                    path.0.pop();
                }
            }
            (Layout::List, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    path.0.push(Segment::Index(i));
                    walk(item, child_kind, path, visit);
                    path.0.pop();
                }
            }
            _ => {}
        }
        path.0.pop();
    }
}

/// What the member `key` of an object of kind `kind` holds, if it holds objects with a kind.
/// (One pass over the members, rather than a lookup of each possible key: the walk visits
/// every schema of the document.)
fn child(kind: Kind, key: &str, value: &Value) -> Option<(Kind, Layout)> {
    use Layout::{List, Map, MapSkippingExtensions, One};
    Some(match (kind, key) {
        (Kind::Document, "paths" | "webhooks") => (Kind::PathItem, MapSkippingExtensions),
        (Kind::Document, "components") => (Kind::Components, One),
        (Kind::Components, _) => (
            match key {
                "schemas" => Kind::Schema,
                "responses" => Kind::Response,
                "parameters" => Kind::Parameter,
                "examples" => Kind::Example,
                "requestBodies" => Kind::RequestBody,
                "headers" => Kind::Header,
                "securitySchemes" => Kind::SecurityScheme,
                "links" => Kind::Link,
                "callbacks" => Kind::Callback,
                "pathItems" => Kind::PathItem,
                _ => return None,
            },
            Map,
        ),
        (Kind::PathItem | Kind::Operation, "parameters") => (Kind::Parameter, List),
        (Kind::PathItem, method) if METHODS.contains(&method) => (Kind::Operation, One),
        (Kind::Operation, "requestBody") => (Kind::RequestBody, One),
        (Kind::Operation, "responses") => (Kind::Response, MapSkippingExtensions),
        (Kind::Operation, "callbacks") => (Kind::Callback, Map),
        (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => (Kind::Schema, One),
        (Kind::Parameter | Kind::Header | Kind::MediaType, "examples") => (Kind::Example, Map),
        (Kind::Parameter | Kind::Header | Kind::RequestBody | Kind::Response, "content") => {
            (Kind::MediaType, Map)
        }
        (Kind::Response | Kind::Encoding, "headers") => (Kind::Header, Map),
        (Kind::Response, "links") => (Kind::Link, Map),
        (Kind::MediaType, "encoding") => (Kind::Encoding, Map),
        // A callback maps expressions to path items.
        (Kind::Callback, expression) if !expression.starts_with("x-") && expression != "$ref" => {
            (Kind::PathItem, One)
        }
        (
            Kind::Schema,
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
        ) => (Kind::Schema, Map),
        (Kind::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => (Kind::Schema, List),
        (
            Kind::Schema,
            "items"
            | "additionalItems"
            | "not"
            | "additionalProperties"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else",
        ) => match value {
            // `items` may also be a list (an old draft's tuple), `additionalProperties` a boolean.
            Value::Array(_) => (Kind::Schema, List),
            Value::Object(_) => (Kind::Schema, One),
            _ => return None,
        },
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    One,
    Map,
    MapSkippingExtensions,
    List,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kinds(doc: &Value) -> Vec<(String, Kind)> {
        let mut found = Vec::new();
        walk(
            doc,
            Kind::Document,
            &mut Path::default(),
            &mut |kind, _, path| {
                found.push((path.pointer(), kind));
            },
        );
        found
    }

    #[test]
    fn visits_every_object_with_its_kind_and_skips_data() {
        let doc = json!({
            "paths": {
                "/a/{id}": {
                    "get": {
                        "parameters": [{"$ref": "#/components/parameters/P"}],
                        "responses": {
                            "default": {"content": {"application/json": {
                                "schema": {"items": {"type": "string"}, "example": {"$ref": "data"}},
                                "examples": {"e": {"$ref": "#/components/examples/E"}}
                            }}},
                            "x-note": {"content": {}}
                        }
                    }
                },
                "x-extension": {"get": {}}
            },
            "components": {"pathItems": {"I": {"post": {}}}, "schemas": {"S": {"properties": {"default": {"allOf": [{}]}}}}}
        });
        let found = kinds(&doc);
        let expected = [
            ("", Kind::Document),
            ("/paths/~1a~1{id}", Kind::PathItem),
            ("/paths/~1a~1{id}/get", Kind::Operation),
            ("/paths/~1a~1{id}/get/parameters/0", Kind::Parameter),
            ("/paths/~1a~1{id}/get/responses/default", Kind::Response),
            (
                "/paths/~1a~1{id}/get/responses/default/content/application~1json",
                Kind::MediaType,
            ),
            (
                "/paths/~1a~1{id}/get/responses/default/content/application~1json/schema",
                Kind::Schema,
            ),
            (
                "/paths/~1a~1{id}/get/responses/default/content/application~1json/schema/items",
                Kind::Schema,
            ),
            (
                "/paths/~1a~1{id}/get/responses/default/content/application~1json/examples/e",
                Kind::Example,
            ),
            ("/components", Kind::Components),
            ("/components/pathItems/I", Kind::PathItem),
            ("/components/pathItems/I/post", Kind::Operation),
            ("/components/schemas/S", Kind::Schema),
            ("/components/schemas/S/properties/default", Kind::Schema),
            (
                "/components/schemas/S/properties/default/allOf/0",
                Kind::Schema,
            ),
        ];
        let expected: Vec<(String, Kind)> = expected
            .iter()
            .map(|(p, k)| ((*p).to_owned(), *k))
            .collect();
        assert_eq!(found, expected);
    }
}
