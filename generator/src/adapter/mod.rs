//! The only module that knows `openapiv3`: normalises the raw document, parses it, resolves
//! `$ref`s and presents the document to lowering through views of our own (`model`).

mod model;
mod normalize;
mod refs;
mod shape;
mod walk;

use indexmap::IndexMap;
use openapiv3::{
    Example, OpenAPI, Parameter, PathItem, ReferenceOr, RequestBody, Response, SecurityScheme,
};
use serde::Deserialize as _;
use serde_json::Value;

use crate::error::Error;
use crate::load::Source;

pub use model::{
    Additional, BodyView, Discriminator, EncodingView, HeaderView, Info, KeyLocation, MediaView,
    OperationView, ParamFormat, ParamStyle, ParameterView, PathItemView, Requirement, ResponseView,
    Schema, SchemaRef, SchemaView, SchemeView, SecuritySchemeView, ServerView, TagView,
};
pub use normalize::Problem;

/// A parsed document with its source, for lookups and located errors.
pub struct Document {
    /// The parsed 3.0 model (after normalisation), read through the views in `model`.
    api: OpenAPI,
    /// The 3.1 `webhooks`, which the 3.0 model has no place for: the requests the API sends.
    webhooks: IndexMap<String, ReferenceOr<PathItem>>,
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
        explicit_explode(&mut value);
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
        // Tracking the path costs a fifth of the parse: it is only taken to say where a
        // document that does not parse went wrong.
        let parsed = deserialize(&mut value).or_else(|()| {
            serde_path_to_error::deserialize::<_, OpenAPI>(&value).map_err(|e| {
                (
                    pointer_of(e.path()),
                    clean_serde_message(&e.inner().to_string()),
                )
            })
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

    /// The document as the 3.0 model holds it (3.1 constructs rewritten), serialised back to
    /// JSON: what a tool that reads only OpenAPI 3.0 can be given.
    pub fn to_openapi30(&self) -> Result<Value, serde_json::Error> {
        let mut value = serde_json::to_value(&self.api)?;
        value["openapi"] = Value::String("3.0.3".to_owned());
        Ok(value)
    }

    /// The schema a `#/components/schemas/...` reference names, following components that
    /// are themselves only a reference (aliases) to the schema at the end of the chain.
    pub fn schema_ref(&self, reference: &str) -> Result<(&str, Schema<'_>), String> {
        let schemas = self.api.components.as_ref().map(|c| &c.schemas);
        let mut current = reference;
        let mut seen: Vec<&str> = Vec::new();
        loop {
            let name = unescape(component_name(current, "schemas")?);
            match schemas.and_then(|s| s.get_key_value(&name)) {
                Some((name, ReferenceOr::Item(schema))) => {
                    return Ok((name.as_str(), Schema::new(schema)))
                }
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
    fn parameter<'a>(&'a self, item: &'a ReferenceOr<Parameter>) -> Result<&'a Parameter, String> {
        resolve(item, "parameters", |c| &c.parameters, self)
    }

    /// Follows a request body reference.
    fn request_body<'a>(
        &'a self,
        item: &'a ReferenceOr<RequestBody>,
    ) -> Result<&'a RequestBody, String> {
        resolve(item, "requestBodies", |c| &c.request_bodies, self)
    }

    /// Follows a response reference.
    fn response<'a>(&'a self, item: &'a ReferenceOr<Response>) -> Result<&'a Response, String> {
        resolve(item, "responses", |c| &c.responses, self)
    }

    /// Follows an example reference.
    fn example<'a>(&'a self, item: &'a ReferenceOr<Example>) -> Result<&'a Example, String> {
        resolve(item, "examples", |c| &c.examples, self)
    }

    /// A path item. Reference resolution copied every referenced path item in place, as
    /// `openapiv3` has no `components.pathItems` to look them up in.
    fn path_item<'a>(&'a self, item: &'a ReferenceOr<PathItem>) -> Result<&'a PathItem, String> {
        match item {
            ReferenceOr::Item(item) => Ok(item),
            ReferenceOr::Reference { reference } => Err(format!(
                "path item reference `{reference}` was left unresolved"
            )),
        }
    }

    /// Follows a header reference.
    fn header<'a>(
        &'a self,
        item: &'a ReferenceOr<openapiv3::Header>,
    ) -> Result<&'a openapiv3::Header, String> {
        resolve(item, "headers", |c| &c.headers, self)
    }

    /// Follows a security scheme reference.
    fn security_scheme<'a>(
        &'a self,
        item: &'a ReferenceOr<SecurityScheme>,
    ) -> Result<&'a SecurityScheme, String> {
        resolve(item, "securitySchemes", |c| &c.security_schemes, self)
    }
}

/// Writes out `explode: true` on every encoding object of `form` style (named or by default)
/// that does not say: `openapiv3` reads a missing `explode` as `false`, where OpenAPI's
/// default for `form` is `true`.
fn explicit_explode(doc: &mut Value) {
    let mut found = Vec::new();
    walk::walk(
        doc,
        walk::Kind::Document,
        &mut walk::Path::default(),
        &mut |kind, value, path| {
            let form = value
                .get("style")
                .is_none_or(|style| style.as_str() == Some("form"));
            if kind == walk::Kind::Encoding && value.get("explode").is_none() && form {
                found.push(path.pointer());
            }
        },
    );
    for pointer in found {
        if let Some(Value::Object(encoding)) = doc.pointer_mut(&pointer) {
            encoding.insert("explode".to_owned(), Value::Bool(true));
        }
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

/// Parses the normalised document into the 3.0 model, its `components` on a second thread:
/// they are half of a large document and parse on their own. `Err` if either part does not
/// parse (the caller parses again, tracking where).
fn deserialize(value: &mut Value) -> Result<OpenAPI, ()> {
    let Some(components) = value.get_mut("components") else {
        return OpenAPI::deserialize(&*value).map_err(drop);
    };
    // Left as `null` in its place, so the rest parses without it and keys keep their order.
    let components = std::mem::take(components);
    let (rest, parsed) = std::thread::scope(|scope| {
        let parsed = scope.spawn(|| Option::<openapiv3::Components>::deserialize(&components));
        let rest = OpenAPI::deserialize(&*value);
        (rest, parsed.join())
    });
    value["components"] = components;
    match (rest, parsed) {
        (Ok(mut api), Ok(Ok(components))) => {
            api.components = components;
            Ok(api)
        }
        (_, Err(panic)) => std::panic::resume_unwind(panic),
        _ => Err(()),
    }
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
