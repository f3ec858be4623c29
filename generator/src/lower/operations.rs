//! Lowers paths and operations into resource groups of operations.

use std::collections::{BTreeMap, HashSet};

use heck::ToKebabCase;

use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, StatusCode,
};

use super::prose;
use super::types::TypeLowerer;
use crate::adapter::{view, Document};
use crate::ir::{
    Body, BodyEncoding, Example, FormPart, Group, MultipartForm, Operation, Param, ParamLocation,
    PartKind, ResponseBody, ResponseCase, StatusMatch, Success, TypeRef, Webhook,
};
use crate::locate::escape;
use crate::naming::{self, type_name, value_name, variant_name, Scope};

/// A property holding files, with the media type its schema gives them.
#[derive(Clone, Copy)]
enum FileShape<'d> {
    One(Option<&'d str>),
    Many(Option<&'d str>),
}

/// The group for operations without a tag.
const UNTAGGED: &str = "default";

/// Lowers every operation, grouped by its first tag.
pub fn lower_operations<'d>(doc: &'d Document, types: &mut TypeLowerer<'d>) -> Vec<Group> {
    let api = &doc.api;
    let mut groups: Vec<Group> = api
        .tags
        .iter()
        .map(|tag| new_group(&tag.name, prose(&tag.description)))
        .collect();
    let mut method_scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut error_scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    for (path, item) in &api.paths.paths {
        let path_pointer = format!("/paths/{}", escape(path));
        let item = match doc.path_item(item) {
            Ok(item) => item,
            Err(message) => {
                types.problems.push((path_pointer, message));
                continue;
            }
        };
        for (method, op) in item.iter() {
            let pointer = format!("{path_pointer}/{method}");
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method}{}", path.replace(['/', '{', '}'], "_")));
            if !seen_ids.insert(id.clone()) {
                types.problems.push((
                    format!("{pointer}/operationId"),
                    format!("duplicate operationId `{id}`"),
                ));
                continue;
            }
            let tag = op.tags.first().map_or(UNTAGGED, String::as_str);
            let group_index = match groups.iter().position(|g| g.tag == tag) {
                Some(i) => i,
                None => {
                    groups.push(new_group(tag, None));
                    groups.len() - 1
                }
            };
            let group = &mut groups[group_index];
            let op_type = type_name(&id);
            let method_name = method_scopes
                .entry(group.tag.clone())
                .or_insert_with(|| Scope::with_reserved(&["new", "client"]))
                .claim(&value_name(&id));
            let errors_scope = error_scopes.entry(group.tag.clone()).or_default();
            let error_type = errors_scope.claim(&format!("{op_type}Error"));
            let mut lowering = OperationLowering {
                doc,
                types,
                pointer: &pointer,
                op_type: &op_type,
                body_suffix: "Request",
            };
            let params = lowering.params(&item.parameters, &op.parameters, &path_pointer);
            let mut body = op.request_body.as_ref().and_then(|b| lowering.body(b));
            if let Some(form) = body.as_mut().and_then(|b| b.multipart.as_mut()) {
                form.type_name = errors_scope.claim(&form.type_name);
            }
            let (successes, errors) = lowering.responses(&op.responses);
            let success = success_of(&successes, || {
                errors_scope.claim(&format!("{op_type}Success"))
            });
            let options_type = params
                .iter()
                .any(|p| !p.required)
                .then(|| errors_scope.claim(&format!("{op_type}Options")));
            let accept = accept_header(doc, &op.responses);
            let security = lowering.security(op.security.as_ref().or(api.security.as_ref()));
            let servers = if op.servers.is_empty() {
                &item.servers
            } else {
                &op.servers
            };
            group.operations.push(Operation {
                id,
                method_name,
                http_method: http_method(method),
                // Some documents tell apart operations on one path with a fragment
                // (`/files/{id}#get_shared_link`); a fragment is never sent.
                path: path.split('#').next().unwrap_or(path).to_owned(),
                summary: prose(&op.summary),
                description: prose(&op.description),
                deprecated: op.deprecated,
                params,
                body,
                success,
                successes,
                error_type,
                errors,
                security,
                servers: servers
                    .iter()
                    .map(|s| s.url.trim_end_matches('/').to_owned())
                    .collect(),
                accept,
                options_type,
            });
        }
    }
    groups.retain(|g| !g.operations.is_empty());
    // Group modules sit beside the crate's own modules and name the `Client` methods that
    // return the group clients, which share one namespace.
    let mut modules = naming::group_modules();
    let mut clients = Scope::default();
    // `default` is Cargo's own feature.
    let mut features = Scope::with_reserved(&["default"]);
    for group in &mut groups {
        group.module = modules.claim(&group.module);
        group.type_name = clients.claim(&group.type_name);
        group.feature = features.claim(&feature_name(&group.module));
    }
    groups
}

/// Lowers the 3.1 `webhooks`: each method of each webhook with its payload, whose types
/// become models like request bodies' do.
pub fn lower_webhooks<'d>(doc: &'d Document, types: &mut TypeLowerer<'d>) -> Vec<Webhook> {
    let mut functions = Scope::default();
    let mut webhooks = Vec::new();
    for (name, item) in &doc.webhooks {
        let item_pointer = format!("/webhooks/{}", escape(name));
        let item = match doc.path_item(item) {
            Ok(item) => item,
            Err(message) => {
                types
                    .problems
                    .push((format!("{item_pointer}/$ref"), message));
                continue;
            }
        };
        let methods: Vec<_> = item.iter().collect();
        for (method, op) in &methods {
            let pointer = format!("{item_pointer}/{method}");
            // One function per webhook; the method joins the name when it has several.
            let base = match (&op.operation_id, methods.len()) {
                (Some(id), _) => id.clone(),
                (None, 1) => name.clone(),
                (None, _) => format!("{name} {method}"),
            };
            let op_type = type_name(&base);
            let mut lowering = OperationLowering {
                doc,
                types,
                pointer: &pointer,
                op_type: &op_type,
                body_suffix: "Payload",
            };
            let payload = op.request_body.as_ref().and_then(|b| lowering.body(b));
            webhooks.push(Webhook {
                name: name.clone(),
                http_method: http_method(method),
                function: functions.claim(&value_name(&base)),
                summary: prose(&op.summary),
                description: prose(&op.description),
                deprecated: op.deprecated,
                payload,
            });
        }
    }
    webhooks
}

/// The method of a path item's operation, which `openapiv3` gives in lower case.
fn http_method(method: &str) -> http::Method {
    // Every method a path item can hold is a valid token, upper-cased or not.
    http::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap_or(http::Method::GET)
}

/// A Cargo feature name for a module: kebab-case, starting with a letter or digit.
fn feature_name(module: &str) -> String {
    let name = module.trim_start_matches("r#").to_kebab_case();
    if name.is_empty() {
        "group".to_owned()
    } else {
        name
    }
}

fn new_group(tag: &str, doc: Option<String>) -> Group {
    Group {
        tag: tag.to_owned(),
        type_name: type_name(tag),
        module: value_name(tag),
        feature: String::new(),
        doc,
        operations: Vec::new(),
    }
}

fn accept_header(doc: &Document, responses: &openapiv3::Responses) -> String {
    let mut types: Vec<String> = Vec::new();
    for response in responses.responses.values().chain(responses.default.iter()) {
        if let Ok(response) = doc.response(response) {
            // Only what a header value can carry as is (visible ASCII): the SDK sends the
            // header from a compile-time constant.
            let sendable = |media: &&String| {
                media
                    .bytes()
                    .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
            };
            for media in response.content.keys().filter(sendable) {
                if !types.contains(media) {
                    types.push(media.clone());
                }
            }
        }
    }
    if types.is_empty() {
        "*/*".to_owned()
    } else {
        types.join(", ")
    }
}

/// What a media type carries, decided from its essence (parameters such as `charset`
/// ignored), for request and response bodies alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

/// A media type without its parameters, lower case.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn media_kind(media: &str) -> MediaKind {
    let essence = essence(media);
    let (kind, subtype) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
    if subtype == "json" || subtype.ends_with("+json") {
        MediaKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if kind == "multipart" {
        MediaKind::Multipart
    } else if kind == "text"
        || matches!(
            subtype,
            "yaml" | "x-yaml" | "xml" | "csv" | "x-ndjson" | "javascript" | "graphql" | "sql"
        )
        || subtype.ends_with("+xml")
        || subtype.ends_with("+yaml")
    {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// How a request body of this media type is encoded, if the SDK can send it: of the multipart
/// types, only `multipart/form-data` (every part named, as forms write them).
fn body_encoding(media: &str) -> Option<BodyEncoding> {
    match media_kind(media) {
        MediaKind::Json => Some(BodyEncoding::Json),
        MediaKind::Form => Some(BodyEncoding::Form),
        MediaKind::Multipart => {
            (essence(media) == "multipart/form-data").then_some(BodyEncoding::Multipart)
        }
        MediaKind::Text => Some(BodyEncoding::Text),
        MediaKind::Binary => Some(BodyEncoding::Binary),
    }
}

/// Whether a media type carries JSON.
pub fn is_json(media: &str) -> bool {
    media_kind(media) == MediaKind::Json
}

/// What a call returns, from its success responses: one type when they agree, an enum
/// (named by `enum_name`, called only then) when they differ.
fn success_of(successes: &[ResponseCase], enum_name: impl FnOnce() -> String) -> Success {
    let Some(first) = successes.first() else {
        return Success::Unit;
    };
    if successes.iter().all(|s| s.body == first.body) {
        match &first.body {
            ResponseBody::Empty => Success::Unit,
            body => Success::Body(body.clone()),
        }
    } else {
        Success::Enum(enum_name())
    }
}

struct OperationLowering<'a, 'd> {
    doc: &'d Document,
    types: &'a mut TypeLowerer<'d>,
    pointer: &'a str,
    op_type: &'a str,
    /// Names an inline body type after the operation: `…Request`, or `…Payload` for what
    /// a webhook carries.
    body_suffix: &'static str,
}

impl<'d> OperationLowering<'_, 'd> {
    fn problem(&mut self, pointer: String, message: impl Into<String>) {
        self.types.problems.push((pointer, message.into()));
    }

    fn params(
        &mut self,
        path_level: &'d [ReferenceOr<Parameter>],
        op_level: &'d [ReferenceOr<Parameter>],
        path_pointer: &str,
    ) -> Vec<Param> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut merged: Vec<(String, &'d ReferenceOr<Parameter>)> = Vec::new();
        let located = path_level
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("{path_pointer}/parameters/{i}"), p))
            .chain(
                op_level
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("{}/parameters/{i}", self.pointer), p)),
            );
        for (pointer, param) in located {
            let key = self
                .doc
                .parameter(param)
                .map(|p| (p.parameter_data_ref().name.clone(), location_key(p)));
            let existing = merged.iter().position(|(_, other)| {
                let other = self
                    .doc
                    .parameter(other)
                    .map(|p| (p.parameter_data_ref().name.clone(), location_key(p)));
                key.is_ok() && other == key
            });
            match existing {
                Some(i) => merged[i] = (pointer, param),
                None => merged.push((pointer, param)),
            }
        }
        let mut scope = Scope::with_reserved(&["body", "options"]);
        let mut params = Vec::new();
        for (pointer, param) in merged {
            let param = match self.doc.parameter(param) {
                Ok(param) => param,
                Err(message) => {
                    self.problem(pointer, message);
                    continue;
                }
            };
            let (location, supported) = match param {
                Parameter::Path { style, .. } => {
                    (ParamLocation::Path, matches!(style, PathStyle::Simple))
                }
                Parameter::Query { style, .. } => (
                    ParamLocation::Query,
                    matches!(style, QueryStyle::Form | QueryStyle::DeepObject),
                ),
                Parameter::Header { .. } => (ParamLocation::Header, true),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, true),
            };
            if !supported {
                let style = match param {
                    Parameter::Query { style, .. } => format!("{style:?}"),
                    Parameter::Path { style, .. } => format!("{style:?}"),
                    _ => String::new(),
                };
                self.problem(
                    format!("{pointer}/style"),
                    format!("the `{style}` parameter style is not supported (path: simple; query: form, deepObject)"),
                );
                continue;
            }
            let data = param.parameter_data_ref();
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schema,
                ParameterSchemaOrContent::Content(_) => {
                    self.problem(
                        format!("{pointer}/content"),
                        "parameters described by `content` are not supported",
                    );
                    continue;
                }
            };
            if location == ParamLocation::Cookie && !self.cookie_fits(&data.name, schema, &pointer)
            {
                continue;
            }
            let hint = format!("{}{}", self.op_type, type_name(&data.name));
            let ty = self
                .types
                .lower(schema, &format!("{pointer}/schema"), &hint);
            params.push(Param {
                name: data.name.clone(),
                rust_name: scope.claim(&value_name(&data.name)),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: prose(&data.description),
                constraints: super::constraints::of_ref(self.doc, schema),
                sample: serde_json::Value::Null,
                example: data.example.clone().or_else(|| match schema {
                    ReferenceOr::Item(schema) => schema.schema_data.example.clone(),
                    ReferenceOr::Reference { reference } => self
                        .doc
                        .schema_ref(reference)
                        .ok()
                        .and_then(|(_, s)| s.schema_data.example.clone()),
                }),
            });
        }
        // Required parameters become positional arguments, in document order.
        params.sort_by_key(|p| !p.required);
        params
    }

    /// Whether a cookie parameter can be sent as one `name=value` cookie: its name an HTTP
    /// token, its value one scalar (form style has no agreed way to put a list or an object
    /// in a cookie).
    fn cookie_fits(
        &mut self,
        name: &str,
        schema: &'d ReferenceOr<openapiv3::Schema>,
        pointer: &str,
    ) -> bool {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if name.is_empty() || !name.bytes().all(token) {
            self.problem(
                format!("{pointer}/name"),
                format!("{name:?} is not a valid cookie name (an HTTP token: letters, digits and !#$%&'*+-.^_`|~)"),
            );
            return false;
        }
        let resolved = match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                self.doc.schema_ref(reference).ok().map(|(_, s)| s)
            }
        };
        let kind = resolved.and_then(|s| view(s).kind);
        if matches!(kind, Some("array" | "object")) {
            self.problem(
                format!("{pointer}/schema"),
                format!("cookie parameter `{name}` is an {}: a cookie holds one value (string, number or boolean)", kind.unwrap_or_default()),
            );
            return false;
        }
        true
    }

    fn body(&mut self, body: &'d ReferenceOr<openapiv3::RequestBody>) -> Option<Body> {
        let pointer = format!("{}/requestBody", self.pointer);
        let body = match self.doc.request_body(body) {
            Ok(body) => body,
            Err(message) => {
                self.problem(pointer, message);
                return None;
            }
        };
        // JSON is preferred when several media types are offered.
        let chosen = body
            .content
            .iter()
            .filter_map(|(media, content)| Some((media, content, body_encoding(media)?)))
            .min_by_key(|(_, _, encoding)| *encoding != BodyEncoding::Json);
        let Some((media, content, encoding)) = chosen else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.problem(
                format!("{pointer}/content"),
                format!(
                    "request content type(s) {}: of the multipart types only multipart/form-data is supported",
                    found.join(", ")
                ),
            );
            return None;
        };
        let media_pointer = format!("{pointer}/content/{}", escape(media));
        let multipart = if encoding == BodyEncoding::Multipart {
            Some(self.multipart(content, &media_pointer)?)
        } else {
            None
        };
        let ty = match (&content.schema, encoding) {
            (_, BodyEncoding::Text) => TypeRef::String,
            (_, BodyEncoding::Binary | BodyEncoding::Multipart) => TypeRef::Json,
            (Some(schema), _) => self.types.lower(
                schema,
                &format!("{pointer}/content/{}/schema", escape(media)),
                &format!("{}{}", self.op_type, self.body_suffix),
            ),
            (None, _) => TypeRef::Json,
        };
        let recorded = self.types.examples.len();
        if encoding == BodyEncoding::Json {
            self.media_examples(
                content,
                &format!("{pointer}/content/{}", escape(media)),
                &ty,
            );
        }
        let examples = self.types.examples[recorded..]
            .iter()
            .map(|e| e.value.clone())
            .collect();
        Some(Body {
            ty,
            encoding,
            required: body.required,
            content_type: media.clone(),
            doc: prose(&body.description),
            multipart,
            examples,
            sample: None,
        })
    }

    /// A `multipart/form-data` body, part by part: binary properties are files, the others
    /// values lowered as usual. Its struct is named once the operation's names are claimed.
    fn multipart(
        &mut self,
        content: &'d openapiv3::MediaType,
        pointer: &str,
    ) -> Option<MultipartForm> {
        let Some(schema) = &content.schema else {
            self.problem(
                pointer.to_owned(),
                "a multipart body needs a schema listing its parts",
            );
            return None;
        };
        let properties = match self
            .types
            .body_properties(schema, &format!("{pointer}/schema"))
        {
            Ok(properties) => properties,
            Err((at, message)) => {
                self.problem(at, message);
                return None;
            }
        };
        let mut failed = false;
        for (name, encoding) in &content.encoding {
            let at = format!("{pointer}/encoding/{}", escape(name));
            if !properties.iter().any(|p| p.name == name) {
                self.problem(
                    at,
                    format!("`encoding` names `{name}`, which the body's schema does not declare"),
                );
                failed = true;
            } else if !encoding.headers.is_empty() {
                self.problem(
                    format!("{at}/headers"),
                    "headers of a multipart part are not supported",
                );
                failed = true;
            }
        }
        let hint = format!("{}Form", self.op_type);
        let mut scope = Scope::default();
        let mut parts = Vec::new();
        for property in &properties {
            let declared = content
                .encoding
                .get(property.name)
                .and_then(|e| e.content_type.as_deref());
            let shape = property.resolved.and_then(|s| self.file_shape(s));
            // A list of accepted types (`image/png, image/jpeg`) or a wildcard names no one
            // type to send: the user says which.
            let single = declared.filter(|t| !t.contains(',') && !t.contains('*'));
            let declared_kind = declared.map(|t| media_kind(t.split(',').next().unwrap_or("")));
            let is_list = property
                .resolved
                .is_some_and(|s| view(s).kind == Some("array"));
            let kind = match (shape, declared_kind) {
                (Some(FileShape::One(_)), _) => PartKind::File,
                (Some(FileShape::Many(_)), _) => PartKind::Files,
                (_, Some(MediaKind::Binary | MediaKind::Form | MediaKind::Multipart)) => {
                    if is_list {
                        PartKind::Files
                    } else {
                        PartKind::File
                    }
                }
                (_, Some(MediaKind::Json)) => PartKind::Json(self.types.lower_object_property(
                    property,
                    &format!("{hint}{}", type_name(property.name)),
                )),
                _ => PartKind::Value(self.types.lower_object_property(
                    property,
                    &format!("{hint}{}", type_name(property.name)),
                )),
            };
            let media = match shape {
                Some(FileShape::One(media) | FileShape::Many(media)) => media,
                _ => None,
            };
            let mut doc = property.description.clone();
            if let Some(list) = declared.filter(|t| Some(*t) != single) {
                let note = format!("Accepted media types: {list}.");
                doc = Some(match doc {
                    Some(text) => format!("{text}\n\n{note}"),
                    None => note,
                });
            }
            parts.push(FormPart {
                name: property.name.to_owned(),
                rust_name: scope.claim(&value_name(property.name)),
                doc,
                kind,
                required: property.required && !property.nullable,
                content_type: single.or(media).map(str::to_owned),
                constraints: property
                    .resolved
                    .map(|schema| super::constraints::of(self.doc, schema))
                    .unwrap_or_default(),
                sample: None,
            });
        }
        (!failed).then_some(MultipartForm {
            type_name: hint,
            parts,
        })
    }

    /// Whether a schema is a file (`type: string, format: binary`, which 3.1's
    /// `contentMediaType` becomes) or a list of files, with the media type it gives.
    fn file_shape(&self, schema: &'d openapiv3::Schema) -> Option<FileShape<'d>> {
        let v = view(schema);
        let media = |schema: &'d openapiv3::Schema| {
            schema
                .schema_data
                .extensions
                .get("x-content-media-type")
                .and_then(|m| m.as_str())
        };
        if matches!(v.kind, Some("string") | None) && v.format == Some("binary") {
            return Some(FileShape::One(media(schema)));
        }
        if v.kind == Some("array") {
            let item = match v.items? {
                ReferenceOr::Item(item) => item.as_ref(),
                ReferenceOr::Reference { reference } => self.doc.schema_ref(reference).ok()?.1,
            };
            if let Some(FileShape::One(media)) = self.file_shape(item) {
                return Some(FileShape::Many(media));
            }
        }
        None
    }

    /// The documented responses, split into the success side and the error side, each in
    /// matching order (exact statuses, then ranges, then `default`).
    fn responses(
        &mut self,
        responses: &'d openapiv3::Responses,
    ) -> (Vec<ResponseCase>, Vec<ResponseCase>) {
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let mut success_variants = Scope::default();
        let mut error_variants = Scope::default();
        let documented = responses
            .responses
            .iter()
            .map(|(code, response)| match *code {
                StatusCode::Code(status) => (StatusMatch::Code(status), response),
                StatusCode::Range(class) => (StatusMatch::Range(class), response),
            })
            .chain(
                responses
                    .default
                    .iter()
                    .map(|response| (StatusMatch::Default, response)),
            );
        let mut default = None;
        for (status, response) in documented {
            let label = status.label();
            let pointer = format!("{}/responses/{}", self.pointer, escape(&label));
            let response = match self.doc.response(response) {
                Ok(response) => response,
                Err(message) => {
                    self.problem(pointer, message);
                    continue;
                }
            };
            let class = match status {
                StatusMatch::Code(code) => code / 100,
                StatusMatch::Range(class) => class,
                StatusMatch::Default => {
                    default = Some((pointer, response));
                    continue;
                }
            };
            if !(1..=5).contains(&class) {
                self.problem(
                    pointer,
                    format!("`{label}` is not an HTTP status: statuses run from 100 to 599"),
                );
                continue;
            }
            let (side, variants) = if class < 4 {
                (&mut successes, &mut success_variants)
            } else {
                (&mut errors, &mut error_variants)
            };
            // Inline body types: `…Response` on the success side, `…NotFound` on the other.
            let hint = if class < 4 {
                format!("{}Response", self.op_type)
            } else {
                format!("{}{}", self.op_type, response_word(status))
            };
            let case = self.response(status, response, &pointer, &hint, variants);
            side.push(case);
        }
        // `default` is every status not documented otherwise: on the success side when no
        // 2XX is documented (it then describes the successes too), and on the error side.
        let documents_2xx = successes.iter().any(|s| {
            matches!(
                s.status,
                StatusMatch::Code(200..=299) | StatusMatch::Range(2)
            )
        });
        let documents_default = default.is_some();
        if let Some((pointer, response)) = default {
            let hint = if documents_2xx {
                format!("{}Default", self.op_type)
            } else {
                format!("{}Response", self.op_type)
            };
            let case = self.response(
                StatusMatch::Default,
                response,
                &pointer,
                &hint,
                &mut error_variants,
            );
            if !documents_2xx {
                successes.push(ResponseCase {
                    variant: success_variants.claim(&case.variant),
                    ..case.clone()
                });
            }
            errors.push(case);
        }
        // A document that describes no success still has operations that succeed: any 2XX.
        if !documents_2xx && !documents_default {
            successes.push(ResponseCase {
                status: StatusMatch::Range(2),
                variant: success_variants.claim("Success"),
                body: ResponseBody::Empty,
                content_type: None,
                description: "Any 2XX status (the description documents no success response)."
                    .to_owned(),
            });
        }
        let order = |s: &ResponseCase| match s.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        };
        successes.sort_by_key(order);
        errors.sort_by_key(order);
        (successes, errors)
    }

    /// One response: its body kind, from its preferred media type (JSON when offered).
    fn response(
        &mut self,
        status: StatusMatch,
        response: &'d openapiv3::Response,
        pointer: &str,
        hint: &str,
        variants: &mut Scope,
    ) -> ResponseCase {
        let chosen = response
            .content
            .iter()
            .min_by_key(|(media, _)| media_kind(media) != MediaKind::Json);
        let body = match chosen {
            None => ResponseBody::Empty,
            Some((media, content)) => match media_kind(media) {
                MediaKind::Json => {
                    let media_pointer = format!("{pointer}/content/{}", escape(media));
                    let ty = match &content.schema {
                        Some(schema) => {
                            self.types
                                .lower(schema, &format!("{media_pointer}/schema"), hint)
                        }
                        None => TypeRef::Json,
                    };
                    self.media_examples(content, &media_pointer, &ty);
                    ResponseBody::Json(ty)
                }
                MediaKind::Text | MediaKind::Form => ResponseBody::Text,
                MediaKind::Binary | MediaKind::Multipart => ResponseBody::Bytes,
            },
        };
        ResponseCase {
            status,
            variant: variants.claim(&response_word(status)),
            body,
            content_type: chosen.map(|(media, _)| media.clone()),
            description: response.description.clone(),
        }
    }

    /// Records a media type's `example` and `examples` for the round-trip tests.
    fn media_examples(&mut self, content: &openapiv3::MediaType, pointer: &str, ty: &TypeRef) {
        let single = content
            .example
            .iter()
            .map(|value| (format!("{pointer}/example"), value));
        let mut named = Vec::new();
        for (name, example) in &content.examples {
            let at = format!("{pointer}/examples/{}", escape(name));
            match self.doc.example(example) {
                Ok(example) => {
                    if let Some(value) = &example.value {
                        named.push((format!("{at}/value"), value));
                    }
                }
                Err(message) => self.problem(at, message),
            }
        }
        let found: Vec<_> = single.chain(named).collect();
        for (pointer, value) in found {
            self.types.examples.push(Example {
                pointer,
                ty: ty.clone(),
                nullable: false,
                value: value.clone(),
                contradiction: None,
            });
        }
    }

    fn security(
        &mut self,
        requirements: Option<&'d Vec<openapiv3::SecurityRequirement>>,
    ) -> Vec<Vec<String>> {
        let declared = self
            .doc
            .api
            .components
            .as_ref()
            .map(|c| &c.security_schemes);
        let mut alternatives = Vec::new();
        for (i, requirement) in requirements.into_iter().flatten().enumerate() {
            let mut schemes: Vec<String> = Vec::new();
            for name in requirement.keys() {
                if declared.is_none_or(|d| !d.contains_key(name)) {
                    self.problem(
                        format!("{}/security/{i}", self.pointer),
                        format!("security requirement names `{name}`, which components.securitySchemes does not declare"),
                    );
                }
                schemes.push(name.clone());
            }
            alternatives.push(schemes);
        }
        alternatives
    }
}

fn location_key(param: &Parameter) -> &'static str {
    match param {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// The variant name for a response: a status's reason phrase (`NotFound`), a range's class
/// (`ClientError`), or `Default`.
fn response_word(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => http::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map_or_else(|| format!("Status{code}"), variant_name),
        StatusMatch::Range(class) => match class {
            1 => "Informational",
            2 => "Success",
            3 => "Redirection",
            4 => "ClientError",
            _ => "ServerError",
        }
        .to_owned(),
        StatusMatch::Default => "Default".to_owned(),
    }
}
