//! What lowering sees of a document: borrowed views in our own types, with references to
//! parameters, bodies, responses, examples and security schemes already followed. `openapiv3`'s
//! model stays behind them, so lowering (and everything after it) never names it.

use openapiv3::{
    APIKeyLocation, AdditionalProperties, Encoding, MediaType, Parameter, ParameterSchemaOrContent,
    PathItem, PathStyle, QueryStyle, ReferenceOr, RequestBody, Response, SchemaKind,
    SecurityScheme, StatusCode, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Document;
use crate::ir::{Limits, ParamLocation, StatusMatch};

/// A schema written in place, or a reference to a component schema (`#/components/schemas/X`).
#[derive(Clone, Copy)]
pub enum SchemaRef<'d> {
    /// `$ref`, as written.
    Ref(&'d str),
    /// A schema written in place.
    Inline(Schema<'d>),
}

impl<'d> SchemaRef<'d> {
    fn of<S: Boxed>(schema: &'d ReferenceOr<S>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(item) => SchemaRef::Inline(Schema(item.unboxed())),
        }
    }
}

/// `openapiv3` holds a schema boxed in some places and not in others.
trait Boxed {
    fn unboxed(&self) -> &openapiv3::Schema;
}

impl Boxed for openapiv3::Schema {
    fn unboxed(&self) -> &openapiv3::Schema {
        self
    }
}

impl Boxed for Box<openapiv3::Schema> {
    fn unboxed(&self) -> &openapiv3::Schema {
        self
    }
}

/// One schema of the document. Its keywords are read through [`Schema::view`] and the
/// accessors below.
#[derive(Clone, Copy)]
pub struct Schema<'d>(&'d openapiv3::Schema);

impl<'d> Schema<'d> {
    pub(super) fn new(schema: &'d openapiv3::Schema) -> Self {
        Schema(schema)
    }

    /// `title`.
    pub fn title(self) -> Option<&'d str> {
        self.0.schema_data.title.as_deref()
    }

    /// `description`.
    pub fn description(self) -> Option<&'d str> {
        self.0.schema_data.description.as_deref()
    }

    /// Whether `null` is allowed (3.0 `nullable`, or `null` among 3.1's types).
    pub fn nullable(self) -> bool {
        self.0.schema_data.nullable
    }

    /// `deprecated: true`.
    pub fn deprecated(self) -> bool {
        self.0.schema_data.deprecated
    }

    /// `readOnly: true`.
    pub fn read_only(self) -> bool {
        self.0.schema_data.read_only
    }

    /// `writeOnly: true`.
    pub fn write_only(self) -> bool {
        self.0.schema_data.write_only
    }

    /// `example` (3.1's `examples` arrive here as their first value).
    pub fn example(self) -> Option<&'d Value> {
        self.0.schema_data.example.as_ref()
    }

    /// `default`.
    pub fn default_value(self) -> Option<&'d Value> {
        self.0.schema_data.default.as_ref()
    }

    /// `discriminator`.
    pub fn discriminator(self) -> Option<Discriminator<'d>> {
        self.0
            .schema_data
            .discriminator
            .as_ref()
            .map(|d| Discriminator {
                property: &d.property_name,
                mapping: d
                    .mapping
                    .iter()
                    .map(|(value, target)| (value.as_str(), target.as_str()))
                    .collect(),
            })
    }

    /// A specification extension (`x-…`), or a keyword the 3.0 model keeps as one (3.1's
    /// `contentMediaType` arrives as `x-content-media-type`).
    pub fn extension(self, name: &str) -> Option<&'d Value> {
        self.0.schema_data.extensions.get(name)
    }

    /// The keywords that give the schema its shape, the same whichever form it was parsed in.
    pub fn view(self) -> SchemaView<'d> {
        view(self.0)
    }
}

/// A schema's `discriminator`.
pub struct Discriminator<'d> {
    /// `propertyName`.
    pub property: &'d str,
    /// `mapping`: tag value to schema reference, in document order.
    pub mapping: Vec<(&'d str, &'d str)>,
}

/// `additionalProperties`, when given.
#[derive(Clone, Copy)]
pub enum Additional<'d> {
    /// `true` or `false`.
    Any(bool),
    /// A schema for the values.
    Schema(SchemaRef<'d>),
}

/// What lowering needs from a schema's shape, the same whichever form `openapiv3` parsed it
/// into.
#[derive(Default)]
pub struct SchemaView<'d> {
    /// `type`, if given.
    pub kind: Option<&'d str>,
    /// `format`, if given.
    pub format: Option<&'d str>,
    /// `enum` values.
    pub enumeration: Vec<Value>,
    /// Object properties, in document order.
    pub properties: Vec<(&'d str, SchemaRef<'d>)>,
    /// Required property names.
    pub required: Vec<&'d str>,
    /// `additionalProperties`: `None` when absent.
    pub additional: Option<Additional<'d>>,
    /// Array items.
    pub items: Option<SchemaRef<'d>>,
    /// `oneOf` members.
    pub one_of: Vec<SchemaRef<'d>>,
    /// `anyOf` members.
    pub any_of: Vec<SchemaRef<'d>>,
    /// `allOf` members.
    pub all_of: Vec<SchemaRef<'d>>,
    /// Whether the schema has a `not`.
    pub has_not: bool,
    /// The keywords that only narrow which values are valid, for the value synthesis.
    pub limits: Limits,
}

fn members(list: &[ReferenceOr<openapiv3::Schema>]) -> Vec<SchemaRef<'_>> {
    list.iter().map(SchemaRef::of).collect()
}

fn additional(additional: Option<&AdditionalProperties>) -> Option<Additional<'_>> {
    additional.map(|a| match a {
        AdditionalProperties::Any(any) => Additional::Any(*any),
        AdditionalProperties::Schema(schema) => Additional::Schema(SchemaRef::of(schema)),
    })
}

fn view(schema: &openapiv3::Schema) -> SchemaView<'_> {
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
            v.properties = o
                .properties
                .iter()
                .map(|(k, s)| (k.as_str(), SchemaRef::of(s)))
                .collect();
            v.required = o.required.iter().map(String::as_str).collect();
            v.additional = additional(o.additional_properties.as_ref());
            v.limits.min_properties = o.min_properties;
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.kind = Some("array");
            v.items = a.items.as_ref().map(SchemaRef::of);
            v.limits.min_items = a.min_items;
            v.limits.max_items = a.max_items;
            v.limits.unique_items = a.unique_items;
        }
        SchemaKind::OneOf { one_of } => v.one_of = members(one_of),
        SchemaKind::AnyOf { any_of } => v.any_of = members(any_of),
        SchemaKind::AllOf { all_of } => v.all_of = members(all_of),
        SchemaKind::Not { .. } => v.has_not = true,
        SchemaKind::Any(any) => {
            v.kind = any.typ.as_deref();
            v.format = any.format.as_deref();
            v.enumeration = any.enumeration.clone();
            v.properties = any
                .properties
                .iter()
                .map(|(k, s)| (k.as_str(), SchemaRef::of(s)))
                .collect();
            v.required = any.required.iter().map(String::as_str).collect();
            v.additional = additional(any.additional_properties.as_ref());
            v.items = any.items.as_ref().map(SchemaRef::of);
            v.one_of = members(&any.one_of);
            v.any_of = members(&any.any_of);
            v.all_of = members(&any.all_of);
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

/// `info`.
pub struct Info<'d> {
    /// `title`.
    pub title: &'d str,
    /// `description`.
    pub description: Option<&'d str>,
    /// `version`.
    pub version: &'d str,
}

/// A server: its URL template, the defaults of its variables, and its description.
pub struct ServerView<'d> {
    /// `url`, variables not yet replaced.
    pub url: &'d str,
    /// Each variable's name and `default`.
    pub defaults: Vec<(&'d str, &'d str)>,
    /// `description`.
    pub description: Option<&'d str>,
}

impl ServerView<'_> {
    /// The URL with every variable replaced by its default, without a trailing `/`.
    pub fn default_url(&self) -> String {
        let mut url = self.url.to_owned();
        for (name, default) in &self.defaults {
            url = url.replace(&format!("{{{name}}}"), default);
        }
        url.trim_end_matches('/').to_owned()
    }
}

/// A tag: a resource group.
pub struct TagView<'d> {
    /// `name`.
    pub name: &'d str,
    /// `description`.
    pub description: Option<&'d str>,
}

/// How a security scheme sends its credential.
pub enum SchemeView<'d> {
    /// `type: http` with its `scheme` (`bearer`, `basic`, any other name).
    Http {
        /// `scheme`.
        scheme: &'d str,
    },
    /// `type: oauth2`: an access token.
    OAuth2,
    /// `type: openIdConnect`: an access token.
    OpenIdConnect,
    /// `type: apiKey`, in a header, the query or a cookie.
    ApiKey {
        /// `in`.
        location: KeyLocation,
        /// `name`.
        name: &'d str,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A security scheme with its description.
pub struct SecuritySchemeView<'d> {
    /// Its kind.
    pub kind: SchemeView<'d>,
    /// `description`.
    pub description: Option<&'d str>,
}

/// A security requirement: the names of the schemes that must all be satisfied.
pub type Requirement<'d> = Vec<&'d str>;

/// A path item: its operations, parameters and servers.
pub struct PathItemView<'d> {
    /// Parameters common to its operations, references followed.
    pub parameters: Vec<Result<ParameterView<'d>, String>>,
    /// Its `servers` URLs.
    pub servers: Vec<ServerView<'d>>,
    /// Its operations, in the fixed order of the methods.
    pub operations: Vec<OperationView<'d>>,
}

/// One operation.
pub struct OperationView<'d> {
    /// The method, as its key in the path item (lower case).
    pub method: &'d str,
    /// `operationId`.
    pub id: Option<&'d str>,
    /// `tags`.
    pub tags: Vec<&'d str>,
    /// `summary`.
    pub summary: Option<&'d str>,
    /// `description`.
    pub description: Option<&'d str>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Its own parameters, references followed.
    pub parameters: Vec<Result<ParameterView<'d>, String>>,
    /// `requestBody`, its reference followed.
    pub body: Option<Result<BodyView<'d>, String>>,
    /// `responses` (`default` last), references followed.
    pub responses: Vec<(StatusMatch, Result<ResponseView<'d>, String>)>,
    /// `security`, when the operation gives its own.
    pub security: Option<Vec<Requirement<'d>>>,
    /// Its `servers`.
    pub servers: Vec<ServerView<'d>>,
}

/// The serialization style of a parameter (`style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `simple` (path and header default).
    Simple,
    /// `label`.
    Label,
    /// `matrix`.
    Matrix,
    /// `form` (query and cookie default).
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

impl ParamStyle {
    /// Its name in the document.
    pub fn keyword(self) -> &'static str {
        match self {
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
        }
    }
}

/// A parameter.
pub struct ParameterView<'d> {
    /// `name`.
    pub name: &'d str,
    /// `in`.
    pub location: ParamLocation,
    /// `style`, or its default for the location.
    pub style: ParamStyle,
    /// `explode`, when given.
    pub explode: Option<bool>,
    /// `required: true`.
    pub required: bool,
    /// `description`.
    pub description: Option<&'d str>,
    /// `example`.
    pub example: Option<&'d Value>,
    /// `schema`, or `content`.
    pub format: ParamFormat<'d>,
}

/// How a parameter's or a header's value is described.
pub enum ParamFormat<'d> {
    /// By a `schema`, written in the parameter's style.
    Schema(SchemaRef<'d>),
    /// By `content`: a media type (one, says OpenAPI) and the schema of the text it holds.
    Content(Vec<(&'d str, MediaView<'d>)>),
}

/// A Header Object: a header of a multipart part (or of a response).
pub struct HeaderView<'d> {
    /// `description`.
    pub description: Option<&'d str>,
    /// `required: true`.
    pub required: bool,
    /// `schema`, or `content`.
    pub format: ParamFormat<'d>,
}

/// A request body.
pub struct BodyView<'d> {
    /// `required: true`.
    pub required: bool,
    /// `description`.
    pub description: Option<&'d str>,
    /// `content`, in document order.
    pub content: Vec<(&'d str, MediaView<'d>)>,
}

/// A response.
pub struct ResponseView<'d> {
    /// `description`.
    pub description: &'d str,
    /// `content`, in document order.
    pub content: Vec<(&'d str, MediaView<'d>)>,
}

/// A Media Type Object: the schema of a body, its examples, and how multipart parts are
/// encoded.
pub struct MediaView<'d> {
    /// `schema`.
    pub schema: Option<SchemaRef<'d>>,
    /// `example`.
    pub example: Option<&'d Value>,
    /// `examples`, each by name: its `value` (`None` for an `externalValue` one), references
    /// followed.
    pub examples: Vec<(&'d str, Result<Option<&'d Value>, String>)>,
    /// `encoding`, per property.
    pub encoding: Vec<(&'d str, EncodingView<'d>)>,
}

/// How one multipart part, or one field of a form body, is encoded.
pub struct EncodingView<'d> {
    /// `contentType`.
    pub content_type: Option<&'d str>,
    /// The part's `headers`, by name, references followed.
    pub headers: Vec<(&'d str, Result<HeaderView<'d>, String>)>,
    /// `style` (form bodies).
    pub style: Option<ParamStyle>,
    /// `explode` (form bodies), its default (true for `form`) written in by the adapter.
    pub explode: bool,
}

impl Document {
    /// `info`.
    pub fn info(&self) -> Info<'_> {
        let info = &self.api.info;
        Info {
            title: &info.title,
            description: info.description.as_deref(),
            version: &info.version,
        }
    }

    /// The document's `servers`.
    pub fn servers(&self) -> Vec<ServerView<'_>> {
        servers(&self.api.servers)
    }

    /// The document's `tags`, in order.
    pub fn tags(&self) -> Vec<TagView<'_>> {
        self.api
            .tags
            .iter()
            .map(|t| TagView {
                name: &t.name,
                description: t.description.as_deref(),
            })
            .collect()
    }

    /// The component schemas, by name, in document order.
    pub fn component_schemas(&self) -> Vec<(&str, SchemaRef<'_>)> {
        self.api
            .components
            .iter()
            .flat_map(|c| &c.schemas)
            .map(|(name, schema)| (name.as_str(), SchemaRef::of(schema)))
            .collect()
    }

    /// The component schema with this name, if there is one.
    pub fn component_schema(&self, name: &str) -> Option<SchemaRef<'_>> {
        self.api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .map(SchemaRef::of)
    }

    /// The schema a schema-or-reference stands for, with the component's name when it is a
    /// reference (aliases followed to the end of their chain).
    pub fn resolve<'d>(
        &'d self,
        schema: SchemaRef<'d>,
    ) -> Result<(Schema<'d>, Option<&'d str>), String> {
        match schema {
            SchemaRef::Inline(schema) => Ok((schema, None)),
            SchemaRef::Ref(reference) => self
                .schema_ref(reference)
                .map(|(name, schema)| (schema, Some(name))),
        }
    }

    /// The declared security schemes, by name, references followed.
    pub fn security_schemes(&self) -> Vec<(&str, Result<SecuritySchemeView<'_>, String>)> {
        let Some(components) = &self.api.components else {
            return Vec::new();
        };
        components
            .security_schemes
            .iter()
            .map(|(name, scheme)| {
                let view = self.security_scheme(scheme).map(|scheme| match scheme {
                    SecurityScheme::HTTP {
                        scheme,
                        description,
                        ..
                    } => SecuritySchemeView {
                        kind: SchemeView::Http { scheme },
                        description: description.as_deref(),
                    },
                    SecurityScheme::OAuth2 { description, .. } => SecuritySchemeView {
                        kind: SchemeView::OAuth2,
                        description: description.as_deref(),
                    },
                    SecurityScheme::OpenIDConnect { description, .. } => SecuritySchemeView {
                        kind: SchemeView::OpenIdConnect,
                        description: description.as_deref(),
                    },
                    SecurityScheme::APIKey {
                        location,
                        name,
                        description,
                        ..
                    } => SecuritySchemeView {
                        kind: SchemeView::ApiKey {
                            location: match location {
                                APIKeyLocation::Header => KeyLocation::Header,
                                APIKeyLocation::Query => KeyLocation::Query,
                                APIKeyLocation::Cookie => KeyLocation::Cookie,
                            },
                            name,
                        },
                        description: description.as_deref(),
                    },
                });
                (name.as_str(), view)
            })
            .collect()
    }

    /// Whether `components.securitySchemes` declares this name.
    pub fn declares_scheme(&self, name: &str) -> bool {
        self.api
            .components
            .as_ref()
            .is_some_and(|c| c.security_schemes.contains_key(name))
    }

    /// The document's `security`, applying to operations that give none of their own.
    pub fn security(&self) -> Option<Vec<Requirement<'_>>> {
        self.api.security.as_deref().map(requirements)
    }

    /// `paths`, in document order, each path item's reference followed.
    pub fn paths(&self) -> Vec<(&str, Result<PathItemView<'_>, String>)> {
        self.api
            .paths
            .paths
            .iter()
            .map(|(path, item)| (path.as_str(), self.path_item_view(item)))
            .collect()
    }

    /// Every operation's specification extension `name` (`x-…`) where it has one, with the
    /// operation's path (as written) and method (lower case), in document order.
    pub fn operation_extensions(&self, name: &str) -> Vec<(&str, &str, &Value)> {
        self.api
            .paths
            .paths
            .iter()
            .filter_map(|(path, item)| Some((path.as_str(), self.path_item(item).ok()?)))
            .flat_map(|(path, item)| {
                item.iter()
                    .filter_map(move |(method, op)| Some((path, method, op.extensions.get(name)?)))
            })
            .collect()
    }

    /// 3.1 `webhooks`, in document order, each path item's reference followed.
    pub fn webhook_items(&self) -> Vec<(&str, Result<PathItemView<'_>, String>)> {
        self.webhooks
            .iter()
            .map(|(name, item)| (name.as_str(), self.path_item_view(item)))
            .collect()
    }

    fn path_item_view<'d>(
        &'d self,
        item: &'d ReferenceOr<PathItem>,
    ) -> Result<PathItemView<'d>, String> {
        let item = self.path_item(item)?;
        Ok(PathItemView {
            parameters: item
                .parameters
                .iter()
                .map(|p| self.parameter_view(p))
                .collect(),
            servers: servers(&item.servers),
            operations: item
                .iter()
                .map(|(method, op)| OperationView {
                    method,
                    id: op.operation_id.as_deref(),
                    tags: op.tags.iter().map(String::as_str).collect(),
                    summary: op.summary.as_deref(),
                    description: op.description.as_deref(),
                    deprecated: op.deprecated,
                    parameters: op
                        .parameters
                        .iter()
                        .map(|p| self.parameter_view(p))
                        .collect(),
                    body: op.request_body.as_ref().map(|b| self.body_view(b)),
                    responses: op
                        .responses
                        .responses
                        .iter()
                        .map(|(code, response)| {
                            let status = match *code {
                                StatusCode::Code(status) => StatusMatch::Code(status),
                                StatusCode::Range(class) => StatusMatch::Range(class),
                            };
                            (status, response)
                        })
                        .chain(
                            op.responses
                                .default
                                .iter()
                                .map(|response| (StatusMatch::Default, response)),
                        )
                        .map(|(status, response)| (status, self.response_view(response)))
                        .collect(),
                    security: op.security.as_deref().map(requirements),
                    servers: servers(&op.servers),
                })
                .collect(),
        })
    }

    fn parameter_view<'d>(
        &'d self,
        param: &'d ReferenceOr<Parameter>,
    ) -> Result<ParameterView<'d>, String> {
        let param = self.parameter(param)?;
        let (location, style) = match param {
            Parameter::Path { style, .. } => (
                ParamLocation::Path,
                match style {
                    PathStyle::Simple => ParamStyle::Simple,
                    PathStyle::Label => ParamStyle::Label,
                    PathStyle::Matrix => ParamStyle::Matrix,
                },
            ),
            Parameter::Query { style, .. } => (ParamLocation::Query, query_style(style)),
            Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple),
            Parameter::Cookie { .. } => (ParamLocation::Cookie, ParamStyle::Form),
        };
        let data = param.parameter_data_ref();
        Ok(ParameterView {
            name: &data.name,
            location,
            style,
            explode: data.explode,
            required: data.required,
            description: data.description.as_deref(),
            example: data.example.as_ref(),
            format: self.format(&data.format),
        })
    }

    fn format<'d>(&'d self, format: &'d ParameterSchemaOrContent) -> ParamFormat<'d> {
        match format {
            ParameterSchemaOrContent::Schema(schema) => ParamFormat::Schema(SchemaRef::of(schema)),
            ParameterSchemaOrContent::Content(content) => {
                ParamFormat::Content(self.content(content))
            }
        }
    }

    fn body_view<'d>(&'d self, body: &'d ReferenceOr<RequestBody>) -> Result<BodyView<'d>, String> {
        let body = self.request_body(body)?;
        Ok(BodyView {
            required: body.required,
            description: body.description.as_deref(),
            content: self.content(&body.content),
        })
    }

    fn response_view<'d>(
        &'d self,
        response: &'d ReferenceOr<Response>,
    ) -> Result<ResponseView<'d>, String> {
        let response = self.response(response)?;
        Ok(ResponseView {
            description: &response.description,
            content: self.content(&response.content),
        })
    }

    fn content<'d>(
        &'d self,
        content: &'d indexmap::IndexMap<String, MediaType>,
    ) -> Vec<(&'d str, MediaView<'d>)> {
        content
            .iter()
            .map(|(media, m)| (media.as_str(), self.media(m)))
            .collect()
    }

    fn media<'d>(&'d self, m: &'d MediaType) -> MediaView<'d> {
        MediaView {
            schema: m.schema.as_ref().map(SchemaRef::of),
            example: m.example.as_ref(),
            examples: m
                .examples
                .iter()
                .map(|(name, example)| {
                    let value = self.example(example).map(|e| e.value.as_ref());
                    (name.as_str(), value)
                })
                .collect(),
            encoding: m
                .encoding
                .iter()
                .map(|(name, e)| (name.as_str(), self.encoding(e)))
                .collect(),
        }
    }

    fn encoding<'d>(&'d self, e: &'d Encoding) -> EncodingView<'d> {
        EncodingView {
            content_type: e.content_type.as_deref(),
            headers: e
                .headers
                .iter()
                .map(|(name, header)| {
                    let view = self.header(header).map(|h| HeaderView {
                        description: h.description.as_deref(),
                        required: h.required,
                        format: self.format(&h.format),
                    });
                    (name.as_str(), view)
                })
                .collect(),
            style: e.style.as_ref().map(query_style),
            explode: e.explode,
        }
    }
}

fn query_style(style: &QueryStyle) -> ParamStyle {
    match style {
        QueryStyle::Form => ParamStyle::Form,
        QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
        QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
        QueryStyle::DeepObject => ParamStyle::DeepObject,
    }
}

fn servers(servers: &[openapiv3::Server]) -> Vec<ServerView<'_>> {
    servers
        .iter()
        .map(|s| ServerView {
            url: &s.url,
            defaults: s
                .variables
                .iter()
                .flatten()
                .map(|(name, v)| (name.as_str(), v.default.as_str()))
                .collect(),
            description: s.description.as_deref(),
        })
        .collect()
}

fn requirements(list: &[openapiv3::SecurityRequirement]) -> Vec<Requirement<'_>> {
    list.iter()
        .map(|r| r.keys().map(String::as_str).collect())
        .collect()
}
