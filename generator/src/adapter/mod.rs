//! The only module that knows `openapiv3`: normalises the raw document, parses it, resolves
//! `$ref`s and presents schemas through one uniform view for lowering.

mod normalize;
mod refs;
mod shape;
mod walk;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Example, OpenAPI, Parameter, PathItem, ReferenceOr, RequestBody,
    Response, Schema, SchemaKind, SecurityScheme, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::Error;
use crate::load::Source;

pub use normalize::Problem;

/// A parsed document with its source, for lookups and located errors.
pub struct Document {
    /// The parsed 3.0 model (after normalisation).
    pub api: OpenAPI,
    /// The 3.1 `webhooks`, which the 3.0 model has no place for: the requests the API sends.
    pub webhooks: IndexMap<String, ReferenceOr<PathItem>>,
    /// The source it came from.
    pub source: Source,
    /// What normalisation could not express; reported together with lowering's problems.
    pub problems: Vec<Problem>,
}

impl Document {
    /// Normalises and parses a loaded source.
    pub fn parse(mut source: Source) -> Result<Self, Error> {
        let mut value = std::mem::take(&mut source.value);
        let version = value.get("openapi").and_then(Value::as_str).unwrap_or("");
        if let Some(swagger) = value.get("swagger") {
            return Err(source.spec_error(vec![(
                "/swagger".to_owned(),
                format!(
                    "Swagger {} documents are not supported: convert it to OpenAPI 3 first",
                    swagger.as_str().unwrap_or("2.0")
                ),
            )]));
        }
        if !(version.starts_with("3.0") || version.starts_with("3.1")) {
            let found = if version.is_empty() {
                "no `openapi` field".to_owned()
            } else {
                format!("version {version}")
            };
            return Err(source.spec_error(vec![(
                "/openapi".to_owned(),
                format!("only OpenAPI 3.0 and 3.1 are supported, found {found}"),
            )]));
        }
        let mut fatal = refs::resolve(&mut value);
        let mut problems = normalize::normalize(&mut value);
        // The 3.0 model has no place for 3.1's webhooks: they are parsed on their own.
        let webhooks = match value
            .as_object_mut()
            .and_then(|root| root.remove("webhooks"))
        {
            Some(webhooks) => serde_path_to_error::deserialize(&webhooks).unwrap_or_else(|e| {
                let pointer = format!("/webhooks{}", pointer_of(e.path()));
                fatal.push((pointer, clean_serde_message(&e.inner().to_string())));
                IndexMap::new()
            }),
            None => IndexMap::new(),
        };
        let parsed = serde_path_to_error::deserialize::<_, OpenAPI>(&value).map_err(|e| {
            (
                pointer_of(e.path()),
                clean_serde_message(&e.inner().to_string()),
            )
        });
        let api = match parsed {
            Ok(api) if fatal.is_empty() => api,
            Ok(_) => {
                // Lowering would meet the unresolved references again.
                fatal.append(&mut problems);
                return Err(source.spec_error(fatal));
            }
            Err(first) => {
                // serde stops at the first problem and often loses its place: the shape
                // check finds them all, each where it is.
                let mut shape = shape::check(&value);
                if shape.is_empty() {
                    shape.push(first);
                }
                // Normalisation met the worst of them already; each is reported once.
                problems.retain(|(at, _)| !shape.iter().any(|(p, _)| p == at));
                fatal.append(&mut shape);
                fatal.append(&mut problems);
                return Err(source.spec_error(fatal));
            }
        };
        Ok(Document {
            api,
            webhooks,
            source,
            problems,
        })
    }

    /// The schema a `#/components/schemas/...` reference names, following components that
    /// are themselves only a reference (aliases) to the schema at the end of the chain.
    pub fn schema_ref(&self, reference: &str) -> Result<(&str, &Schema), String> {
        let schemas = self.api.components.as_ref().map(|c| &c.schemas);
        let mut current = reference;
        let mut seen: Vec<&str> = Vec::new();
        loop {
            let name = unescape(component_name(current, "schemas")?);
            match schemas.and_then(|s| s.get_key_value(&name)) {
                Some((name, ReferenceOr::Item(schema))) => return Ok((name.as_str(), schema)),
                Some((name, ReferenceOr::Reference { reference })) => {
                    if seen.contains(&name.as_str()) {
                        seen.push(name);
                        return Err(format!(
                            "a cycle of aliases: {} (each component is only a reference to the next)",
                            seen.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" -> ")
                        ));
                    }
                    seen.push(name);
                    current = reference;
                }
                None => return Err(format!("unresolved reference `{current}`: no such schema")),
            }
        }
    }

    /// Follows a parameter reference.
    pub fn parameter<'a>(
        &'a self,
        item: &'a ReferenceOr<Parameter>,
    ) -> Result<&'a Parameter, String> {
        resolve(item, "parameters", |c| &c.parameters, self)
    }

    /// Follows a request body reference.
    pub fn request_body<'a>(
        &'a self,
        item: &'a ReferenceOr<RequestBody>,
    ) -> Result<&'a RequestBody, String> {
        resolve(item, "requestBodies", |c| &c.request_bodies, self)
    }

    /// Follows a response reference.
    pub fn response<'a>(&'a self, item: &'a ReferenceOr<Response>) -> Result<&'a Response, String> {
        resolve(item, "responses", |c| &c.responses, self)
    }

    /// Follows an example reference.
    pub fn example<'a>(&'a self, item: &'a ReferenceOr<Example>) -> Result<&'a Example, String> {
        resolve(item, "examples", |c| &c.examples, self)
    }

    /// A path item. Reference resolution copied every referenced path item in place, as
    /// `openapiv3` has no `components.pathItems` to look them up in.
    pub fn path_item<'a>(
        &'a self,
        item: &'a ReferenceOr<PathItem>,
    ) -> Result<&'a PathItem, String> {
        match item {
            ReferenceOr::Item(item) => Ok(item),
            ReferenceOr::Reference { reference } => Err(format!(
                "path item reference `{reference}` was left unresolved"
            )),
        }
    }

    /// Follows a security scheme reference.
    pub fn security_scheme<'a>(
        &'a self,
        item: &'a ReferenceOr<SecurityScheme>,
    ) -> Result<&'a SecurityScheme, String> {
        resolve(item, "securitySchemes", |c| &c.security_schemes, self)
    }
}

fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    kind: &str,
    table: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    doc: &'a Document,
) -> Result<&'a T, String> {
    let mut current = item;
    // Bounded so a cycle of references is an error, not a hang.
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let name = unescape(component_name(reference, kind)?);
                current = doc
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| table(c).get(&name))
                    .ok_or_else(|| {
                        format!("unresolved reference `{reference}`: no such component")
                    })?;
            }
        }
    }
    Err(format!("cyclic reference chain in `#/components/{kind}`"))
}

/// The component name in `#/components/<kind>/<name>`.
pub fn component_name<'r>(reference: &'r str, kind: &str) -> Result<&'r str, String> {
    reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(kind))
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|name| !name.contains('/'))
        .ok_or_else(|| {
            format!("unsupported reference `{reference}`: only local `#/components/{kind}/<name>` references are supported")
        })
}

/// The pointer-ready form of a component name (JSON pointer unescaping of `~0`/`~1`).
pub fn unescape(name: &str) -> String {
    name.replace("~1", "/").replace("~0", "~")
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(crate::locate::escape(key)),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .fold(String::new(), |acc, s| format!("{acc}/{s}"))
}

fn clean_serde_message(message: &str) -> String {
    if message.contains("did not match any variant of untagged enum ReferenceOr") {
        "neither a valid `$ref` nor a valid inline object of the expected kind".to_owned()
    } else {
        message.to_owned()
    }
}

/// What lowering needs from a schema, the same whichever shape `openapiv3` parsed it into.
#[derive(Default)]
pub struct SchemaView<'a> {
    /// `type`, if given.
    pub kind: Option<&'a str>,
    /// `format`, if given.
    pub format: Option<&'a str>,
    /// `enum` values.
    pub enumeration: Vec<Value>,
    /// Object properties, in document order.
    pub properties: Vec<(&'a str, &'a ReferenceOr<Box<Schema>>)>,
    /// Required property names.
    pub required: Vec<&'a str>,
    /// `additionalProperties`: `None` when absent.
    pub additional: Option<&'a AdditionalProperties>,
    /// Array items.
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// `oneOf` members.
    pub one_of: &'a [ReferenceOr<Schema>],
    /// `anyOf` members.
    pub any_of: &'a [ReferenceOr<Schema>],
    /// `allOf` members.
    pub all_of: &'a [ReferenceOr<Schema>],
    /// Whether the schema has a `not`.
    pub has_not: bool,
    /// The keywords that only narrow which values are valid, for the value synthesis.
    pub limits: Limits,
}

pub use crate::ir::Limits;

/// The uniform view of a schema.
pub fn view(schema: &Schema) -> SchemaView<'_> {
    fn format<T>(
        f: &VariantOrUnknownOrEmpty<T>,
        known: impl Fn(&T) -> &'static str,
    ) -> Option<&str> {
        match f {
            VariantOrUnknownOrEmpty::Item(item) => Some(known(item)),
            VariantOrUnknownOrEmpty::Unknown(s) => Some(s.as_str()),
            VariantOrUnknownOrEmpty::Empty => None,
        }
    }
    let mut v = SchemaView::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.kind = Some("string");
            v.format = format(&s.format, |f| match f {
                openapiv3::StringFormat::Date => "date",
                openapiv3::StringFormat::DateTime => "date-time",
                openapiv3::StringFormat::Password => "password",
                openapiv3::StringFormat::Byte => "byte",
                openapiv3::StringFormat::Binary => "binary",
            });
            v.enumeration = s
                .enumeration
                .iter()
                .map(|e| e.clone().map_or(Value::Null, Value::String))
                .collect();
            v.limits.pattern = s.pattern.clone();
            v.limits.min_length = s.min_length;
            v.limits.max_length = s.max_length;
        }
        SchemaKind::Type(Type::Number(n)) => {
            v.kind = Some("number");
            v.format = format(&n.format, |f| match f {
                openapiv3::NumberFormat::Float => "float",
                openapiv3::NumberFormat::Double => "double",
            });
            v.enumeration = n
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::from))
                .collect();
            v.limits.minimum = n.minimum;
            v.limits.maximum = n.maximum;
            v.limits.exclusive_minimum = n.exclusive_minimum;
            v.limits.exclusive_maximum = n.exclusive_maximum;
            v.limits.multiple_of = n.multiple_of;
        }
        SchemaKind::Type(Type::Integer(n)) => {
            v.kind = Some("integer");
            v.format = format(&n.format, |f| match f {
                openapiv3::IntegerFormat::Int32 => "int32",
                openapiv3::IntegerFormat::Int64 => "int64",
            });
            v.enumeration = n
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::from))
                .collect();
            // i64 bounds are exact in f64 up to 2^53, far beyond any document's.
            v.limits.minimum = n.minimum.map(|m| m as f64);
            v.limits.maximum = n.maximum.map(|m| m as f64);
            v.limits.exclusive_minimum = n.exclusive_minimum;
            v.limits.exclusive_maximum = n.exclusive_maximum;
            v.limits.multiple_of = n.multiple_of.map(|m| m as f64);
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            v.kind = Some("boolean");
            v.enumeration = b
                .enumeration
                .iter()
                .map(|e| e.map_or(Value::Null, Value::Bool))
                .collect();
        }
        SchemaKind::Type(Type::Object(o)) => {
            v.kind = Some("object");
            v.properties = o.properties.iter().map(|(k, s)| (k.as_str(), s)).collect();
            v.required = o.required.iter().map(String::as_str).collect();
            v.additional = o.additional_properties.as_ref();
            v.limits.min_properties = o.min_properties;
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.kind = Some("array");
            v.items = a.items.as_ref();
            v.limits.min_items = a.min_items;
            v.limits.max_items = a.max_items;
            v.limits.unique_items = a.unique_items;
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::Not { .. } => v.has_not = true,
        SchemaKind::Any(any) => {
            v.kind = any.typ.as_deref();
            v.format = any.format.as_deref();
            v.enumeration = any.enumeration.clone();
            v.properties = any
                .properties
                .iter()
                .map(|(k, s)| (k.as_str(), s))
                .collect();
            v.required = any.required.iter().map(String::as_str).collect();
            v.additional = any.additional_properties.as_ref();
            v.items = any.items.as_ref();
            v.one_of = &any.one_of;
            v.any_of = &any.any_of;
            v.all_of = &any.all_of;
            v.has_not = any.not.is_some();
            v.limits = Limits {
                pattern: any.pattern.clone(),
                min_length: any.min_length,
                max_length: any.max_length,
                minimum: any.minimum,
                maximum: any.maximum,
                exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
                exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
                multiple_of: any.multiple_of,
                min_items: any.min_items,
                max_items: any.max_items,
                unique_items: any.unique_items.unwrap_or(false),
                min_properties: any.min_properties,
            };
            if v.kind.is_none() && (!v.properties.is_empty() || v.additional.is_some()) {
                v.kind = Some("object");
            }
        }
    }
    v
}
