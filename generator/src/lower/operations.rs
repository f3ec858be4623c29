//! Lowers paths and operations into resource groups of operations.

use std::collections::{BTreeMap, HashSet};

use heck::ToKebabCase;

use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, StatusCode,
};

use super::types::TypeLowerer;
use crate::adapter::Document;
use crate::ir::{
    Body, BodyEncoding, ErrorCase, Example, Group, Operation, Param, ParamLocation, SuccessStatus,
    TypeRef,
};
use crate::locate::escape;
use crate::naming::{type_name, value_name, Scope};

/// The group for operations without a tag.
const UNTAGGED: &str = "default";

/// Lowers every operation, grouped by its first tag.
pub fn lower_operations<'d>(doc: &'d Document, types: &mut TypeLowerer<'d>) -> Vec<Group> {
    let api = &doc.api;
    let mut groups: Vec<Group> = api
        .tags
        .iter()
        .map(|tag| new_group(&tag.name, tag.description.clone()))
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
            };
            let params = lowering.params(&item.parameters, &op.parameters, &path_pointer);
            let body = op.request_body.as_ref().and_then(|b| lowering.body(b));
            let (success, success_statuses, errors) = lowering.responses(&op.responses);
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
                http_method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                params,
                body,
                success,
                success_statuses,
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
    // Group modules sit beside the crate's own modules; group clients share one namespace.
    let mut modules = Scope::with_reserved(&[
        "models", "client", "runtime", "tests", "std", "core", "serde",
    ]);
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

/// How a request body of this media type is encoded, if the SDK can send it.
fn body_encoding(media: &str) -> Option<BodyEncoding> {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if is_json(&essence) {
        Some(BodyEncoding::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(BodyEncoding::Form)
    } else if essence.starts_with("text/") {
        Some(BodyEncoding::Text)
    } else if essence == "application/octet-stream"
        || essence == "*/*"
        || essence.starts_with("image/")
    {
        Some(BodyEncoding::Binary)
    } else {
        None
    }
}

/// Whether a media type carries JSON.
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

struct OperationLowering<'a, 'd> {
    doc: &'d Document,
    types: &'a mut TypeLowerer<'d>,
    pointer: &'a str,
    op_type: &'a str,
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
                Parameter::Cookie { .. } => {
                    self.problem(
                        format!("{pointer}/in"),
                        "cookie parameters are not supported",
                    );
                    continue;
                }
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
                doc: data.description.clone(),
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
            .map(|(media, content)| (media, content, body_encoding(media)))
            .filter(|(_, _, encoding)| encoding.is_some())
            .min_by_key(|(_, _, encoding)| *encoding != Some(BodyEncoding::Json));
        let Some((media, content, Some(encoding))) = chosen else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.problem(
                format!("{pointer}/content"),
                format!(
                    "unsupported request content type(s) {}: JSON, form, text and binary bodies are supported",
                    found.join(", ")
                ),
            );
            return None;
        };
        let ty = match (&content.schema, encoding) {
            (_, BodyEncoding::Text) => TypeRef::String,
            (_, BodyEncoding::Binary) => TypeRef::Json,
            (Some(schema), _) => self.types.lower(
                schema,
                &format!("{pointer}/content/{}/schema", escape(media)),
                &format!("{}Request", self.op_type),
            ),
            (None, _) => TypeRef::Json,
        };
        if encoding == BodyEncoding::Json {
            self.media_examples(
                content,
                &format!("{pointer}/content/{}", escape(media)),
                &ty,
            );
        }
        Some(Body {
            ty,
            encoding,
            required: body.required,
            content_type: media.clone(),
            doc: body.description.clone(),
        })
    }

    fn responses(
        &mut self,
        responses: &'d openapiv3::Responses,
    ) -> (Option<TypeRef>, Vec<SuccessStatus>, Vec<ErrorCase>) {
        let mut success: Option<TypeRef> = None;
        let mut statuses = Vec::new();
        let mut errors = Vec::new();
        let mut variants = Scope::default();
        let mut informational = Vec::new();
        for (code, response) in &responses.responses {
            let (status, range) = match *code {
                StatusCode::Code(status) => (status, false),
                // `4XX`/`5XX` describe every error of the class; other ranges fall through to
                // the unexpected-status error, body kept.
                StatusCode::Range(class @ (4 | 5)) => (class * 100, true),
                StatusCode::Range(_) => continue,
            };
            let pointer = format!("{}/responses/{status}", self.pointer);
            let response = match self.doc.response(response) {
                Ok(response) => response,
                Err(message) => {
                    self.problem(pointer, message);
                    continue;
                }
            };
            let json = response.content.iter().find(|(m, _)| is_json(m));
            let content_type = json
                .map(|(m, _)| m.clone())
                .or_else(|| response.content.keys().next().cloned());
            let hint = if range {
                format!(
                    "{}{}",
                    self.op_type,
                    if status == 400 {
                        "ClientError"
                    } else {
                        "ServerError"
                    }
                )
            } else if (200..300).contains(&status) {
                format!("{}Response", self.op_type)
            } else {
                format!("{}{}", self.op_type, reason(status))
            };
            let ty = json.map(|(media, content)| match &content.schema {
                Some(schema) => self.types.lower(
                    schema,
                    &format!("{pointer}/content/{}/schema", escape(media)),
                    &hint,
                ),
                None => TypeRef::Json,
            });
            if let (Some((media, content)), Some(ty)) = (json, &ty) {
                self.media_examples(content, &format!("{pointer}/content/{}", escape(media)), ty);
            }
            if (200..300).contains(&status) {
                if ty.is_none() && !response.content.is_empty() {
                    self.problem(
                        format!("{pointer}/content"),
                        "only JSON or empty success responses are supported".to_owned(),
                    );
                    continue;
                }
                match (&success, &ty) {
                    (Some(existing), Some(ty)) if existing != ty => {
                        self.problem(
                            pointer.clone(),
                            "success statuses with different body types are not supported",
                        );
                    }
                    (None, Some(ty)) => success = Some(ty.clone()),
                    _ => {}
                }
                statuses.push(SuccessStatus {
                    status,
                    has_body: ty.is_some(),
                    content_type,
                    description: response.description.clone(),
                });
            } else if !range && status < 200 || (300..400).contains(&status) {
                // Informational and redirect statuses carry no body the SDK decodes.
                informational.push(SuccessStatus {
                    status,
                    has_body: false,
                    content_type,
                    description: response.description.clone(),
                });
            } else if status >= 400 {
                let name = match (range, status) {
                    (true, 400) => "ClientError".to_owned(),
                    (true, _) => "ServerError".to_owned(),
                    (false, _) => reason(status),
                };
                errors.push(ErrorCase {
                    status,
                    range,
                    variant: variants.claim(&name),
                    ty,
                    content_type,
                    description: response.description.clone(),
                });
            }
        }
        // Exact statuses are matched before the ranges that contain them.
        errors.sort_by_key(|e| e.range);
        // An operation documenting only redirects or a protocol switch succeeds with them.
        if success.is_none() {
            statuses.extend(informational);
        }
        if success.is_some() && statuses.iter().any(|s| !s.has_body) {
            self.problem(
                format!("{}/responses", self.pointer),
                "an operation whose success statuses mix bodies and no bodies is not supported",
            );
        }
        (success, statuses, errors)
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

/// The variant name for an error status: its reason phrase, e.g. `NotFound`.
fn reason(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or_else(|| format!("Status{status}"), type_name)
}
