//! Lowers paths and operations into resource groups of operations.

use std::collections::{BTreeMap, HashSet};

use heck::ToKebabCase;

use super::prose;
use super::types::{BodyShape, Hint, TypeLowerer};
use crate::adapter::{
    BodyView, Document, MediaView, OperationView, ParamFormat, ParamStyle as SpecStyle,
    ParameterView, Requirement, ResponseView, Schema, ServerView,
};
use crate::ir::{
    Body, BodyEncoding, Example, FieldStyle, FormPart, Group, MultipartForm, Operation, Param,
    ParamLocation, ParamStyle, PartHeader, PartKind, ResponseBody, ResponseCase, StatusMatch,
    Success, TypeRef, Webhook,
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
    let mut groups: Vec<Group> = doc
        .tags()
        .iter()
        .map(|tag| new_group(tag.name, prose(tag.description)))
        .collect();
    let document_security = doc.security();
    let mut method_scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut error_scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    for (path, item) in doc.paths() {
        let path_pointer = format!("/paths/{}", escape(path));
        let item = match item {
            Ok(item) => item,
            Err(message) => {
                types.problems.push((path_pointer, message));
                continue;
            }
        };
        for op in &item.operations {
            let method = op.method;
            let pointer = format!("{path_pointer}/{method}");
            let id = op.id.map_or_else(
                || format!("{method}{}", path.replace(['/', '{', '}'], "_")),
                str::to_owned,
            );
            if !seen_ids.insert(id.clone()) {
                types.problems.push((
                    format!("{pointer}/operationId"),
                    format!("duplicate operationId `{id}`"),
                ));
                continue;
            }
            let tag = op.tags.first().copied().unwrap_or(UNTAGGED);
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
            let mut body = op.body.as_ref().and_then(|b| lowering.body(b));
            if let Some(form) = body.as_mut().and_then(|b| b.multipart.as_mut()) {
                form.type_name = errors_scope.claim(&form.type_name);
                for (_, variant) in &mut form.variants {
                    variant.type_name = errors_scope.claim(&variant.type_name);
                }
            }
            let (successes, errors) = lowering.responses(&op.responses);
            let success = success_of(&successes, || {
                errors_scope.claim(&format!("{op_type}Success"))
            });
            let call_type = errors_scope.claim(&format!("{op_type}Call"));
            let params_type = (params.iter().any(|p| !p.required)
                || body.as_ref().is_some_and(|b| !b.required))
            .then(|| errors_scope.claim(&format!("{op_type}Params")));
            let accept = accept_header(op);
            let security = lowering.security(op.security.as_ref().or(document_security.as_ref()));
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
                summary: prose(op.summary),
                description: prose(op.description),
                deprecated: op.deprecated,
                params,
                body,
                success,
                successes,
                error_enum: error_type.clone(),
                error_type,
                errors,
                security,
                servers: servers.iter().map(ServerView::default_url).collect(),
                accept,
                call_type,
                params_type,
                pagination: None,
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
        // The trait sits in the group's module beside the operations' own types.
        let mut names = Scope::with_reserved(&[group.type_name.as_str()]);
        for op in &group.operations {
            names.reserve(&[op.error_type.as_str(), op.call_type.as_str()]);
            if let Some(name) = &op.params_type {
                names.reserve(&[name.as_str()]);
            }
            if let Success::Enum(name) = &op.success {
                names.reserve(&[name.as_str()]);
            }
            if let Some(form) = op.body.as_ref().and_then(|b| b.multipart.as_ref()) {
                names.reserve(&[form.type_name.as_str()]);
                for (_, variant) in &form.variants {
                    names.reserve(&[variant.type_name.as_str()]);
                }
            }
        }
        group.trait_name = names.claim(&format!("{}Api", group.type_name));
    }
    groups
}

/// Operations of a group that document the same error responses share one enum (a large API
/// would otherwise carry, and compile, hundreds of identical ones), named for what it holds:
/// its variants (`UnauthorizedForbiddenNotFoundError`, `NoDocumentedError` for none), so the
/// name stays when operations come and go. Sets whose variants are the same but not their
/// bodies keep their first operation's name. Decided once types are final, as merged bodies
/// make more sets the same.
pub fn share_errors(groups: &mut [Group]) {
    for group in groups {
        // Every name in the group's module, which the shared names must not take.
        let mut names = Scope::default();
        for op in &group.operations {
            names.claim(&op.error_type);
            if let Success::Enum(name) = &op.success {
                names.claim(name);
            }
            names.claim(&op.call_type);
            if let Some(name) = &op.params_type {
                names.claim(name);
            }
            if let Some(form) = op.body.as_ref().and_then(|b| b.multipart.as_ref()) {
                names.claim(&form.type_name);
                for (_, variant) in &form.variants {
                    names.claim(&variant.type_name);
                }
            }
        }
        // The operations documenting each set, in document order.
        let mut sets: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, op) in group.operations.iter().enumerate() {
            let key = serde_json::to_string(&op.errors).unwrap_or_default();
            match sets.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ops)) => ops.push(i),
                None => sets.push((key, vec![i])),
            }
        }
        let shared: Vec<&Vec<usize>> = sets
            .iter()
            .map(|(_, ops)| ops)
            .filter(|ops| ops.len() > 1)
            .collect();
        let content_name = |ops: &Vec<usize>| {
            let variants: String = group.operations[ops[0]]
                .errors
                .iter()
                .map(|e| e.variant.as_str())
                .collect();
            if variants.is_empty() {
                "NoDocumentedError".to_owned()
            } else {
                format!("{variants}Error")
            }
        };
        let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
        for ops in &shared {
            *wanted.entry(content_name(ops)).or_default() += 1;
        }
        let mut chosen: Vec<(Vec<usize>, String)> = Vec::new();
        for ops in shared {
            let candidate = content_name(ops);
            let name = if wanted[&candidate] == 1 {
                names.claim(&candidate)
            } else {
                group.operations[ops[0]].error_type.clone()
            };
            chosen.push((ops.clone(), name));
        }
        for (ops, name) in chosen {
            for i in ops {
                group.operations[i].error_enum = name.clone();
            }
        }
    }
}

/// Lowers the 3.1 `webhooks`: each method of each webhook with its payload, whose types
/// become models like request bodies' do.
pub fn lower_webhooks<'d>(doc: &'d Document, types: &mut TypeLowerer<'d>) -> Vec<Webhook> {
    let mut functions = Scope::default();
    let mut webhooks = Vec::new();
    for (name, item) in doc.webhook_items() {
        let item_pointer = format!("/webhooks/{}", escape(name));
        let item = match item {
            Ok(item) => item,
            Err(message) => {
                types
                    .problems
                    .push((format!("{item_pointer}/$ref"), message));
                continue;
            }
        };
        let several = item.operations.len() > 1;
        for op in &item.operations {
            let method = op.method;
            let pointer = format!("{item_pointer}/{method}");
            // One function per webhook; the method joins the name when it has several.
            let base = match (op.id, several) {
                (Some(id), _) => id.to_owned(),
                (None, false) => name.to_owned(),
                (None, true) => format!("{name} {method}"),
            };
            let op_type = type_name(&base);
            let mut lowering = OperationLowering {
                doc,
                types,
                pointer: &pointer,
                op_type: &op_type,
                body_suffix: "Payload",
            };
            let payload = op.body.as_ref().and_then(|b| lowering.body(b));
            webhooks.push(Webhook {
                name: name.to_owned(),
                http_method: http_method(method),
                function: functions.claim(&value_name(&base)),
                summary: prose(op.summary),
                description: prose(op.description),
                deprecated: op.deprecated,
                payload,
            });
        }
    }
    webhooks
}

/// The method of a path item's operation, given by its key in lower case.
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
        trait_name: String::new(),
        doc,
        operations: Vec::new(),
    }
}

fn accept_header(op: &OperationView) -> String {
    let mut types: Vec<&str> = Vec::new();
    for (_, response) in &op.responses {
        if let Ok(response) = response {
            // Only what a header value can carry as is (visible ASCII): the SDK sends the
            // header from a compile-time constant.
            let sendable = |media: &&str| {
                media
                    .bytes()
                    .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
            };
            for (media, _) in &response.content {
                if sendable(media) && !types.contains(media) {
                    types.push(media);
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

/// How a request body of this media type is encoded.
fn body_encoding(media: &str) -> BodyEncoding {
    match media_kind(media) {
        MediaKind::Json => BodyEncoding::Json,
        MediaKind::Form => BodyEncoding::Form,
        MediaKind::Multipart => BodyEncoding::Multipart,
        MediaKind::Text => BodyEncoding::Text,
        MediaKind::Binary => BodyEncoding::Binary,
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
        path_level: &[Result<ParameterView<'d>, String>],
        op_level: &[Result<ParameterView<'d>, String>],
        path_pointer: &str,
    ) -> Vec<Param> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut merged: Vec<(String, &Result<ParameterView<'d>, String>)> = Vec::new();
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
        let key =
            |p: &Result<ParameterView<'d>, String>| p.as_ref().ok().map(|p| (p.name, p.location));
        for (pointer, param) in located {
            let existing = merged
                .iter()
                .position(|(_, other)| key(param).is_some() && key(other) == key(param));
            match existing {
                Some(i) => merged[i] = (pointer, param),
                None => merged.push((pointer, param)),
            }
        }
        // Optional parameters are setters of the operation's call: the call's own methods,
        // its optional body's setter and a paginated list's streams (`lower/pagination.rs`
        // decides which lists page once types are final, so every call keeps them free)
        // are taken.
        let mut scope = Scope::with_reserved(naming::RUNTIME_CALL_METHODS);
        scope.reserve(&["body", "params", "pages", "items"]);
        let mut params = Vec::new();
        for (pointer, param) in merged {
            let param = match param {
                Ok(param) => param,
                Err(message) => {
                    self.problem(pointer, message.clone());
                    continue;
                }
            };
            let location = param.location;
            let style = style_of(param.style, param.explode);
            // A parameter described by `content` is its media type's text: JSON as JSON, any
            // other type the value as it is (style and explode do not apply).
            let (schema, schema_pointer, style) = match &param.format {
                ParamFormat::Schema(schema) => (Some(*schema), format!("{pointer}/schema"), style),
                ParamFormat::Content(content) => {
                    let Some((media, media_type)) = content.first() else {
                        self.problem(
                            format!("{pointer}/content"),
                            "`content` must hold one media type",
                        );
                        continue;
                    };
                    let style = if is_json(media) {
                        ParamStyle::Json
                    } else {
                        match location {
                            ParamLocation::Path | ParamLocation::Header => {
                                ParamStyle::Simple { explode: false }
                            }
                            ParamLocation::Query | ParamLocation::Cookie => {
                                ParamStyle::Form { explode: false }
                            }
                        }
                    };
                    (
                        media_type.schema,
                        format!("{pointer}/content/{}/schema", escape(media)),
                        style,
                    )
                }
            };
            if location == ParamLocation::Cookie && !self.cookie_fits(param.name, &pointer) {
                continue;
            }
            let hint = Hint::text(self.op_type, &type_name(param.name), Some("Parameter"));
            let ty = match schema {
                Some(schema) => self.types.lower(schema, &schema_pointer, &hint),
                None => TypeRef::Json,
            };
            params.push(Param {
                name: param.name.to_owned(),
                rust_name: scope.claim(&value_name(param.name)),
                location,
                style,
                ty,
                required: param.required || location == ParamLocation::Path,
                doc: prose(param.description),
                constraints: schema
                    .map(|schema| super::constraints::of_ref(self.doc, schema))
                    .unwrap_or_default(),
                sample: serde_json::Value::Null,
                example: param
                    .example
                    .or_else(|| {
                        self.doc
                            .resolve(schema?)
                            .ok()
                            .and_then(|(schema, _)| schema.example())
                    })
                    .cloned(),
            });
        }
        // Required parameters become positional arguments, in document order.
        params.sort_by_key(|p| !p.required);
        params
    }

    /// Whether a cookie parameter's name is an HTTP token, as a cookie's name must be.
    fn cookie_fits(&mut self, name: &str, pointer: &str) -> bool {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if name.is_empty() || !name.bytes().all(token) {
            self.problem(
                format!("{pointer}/name"),
                format!("{name:?} is not a valid cookie name (an HTTP token: letters, digits and !#$%&'*+-.^_`|~)"),
            );
            return false;
        }
        true
    }

    fn body(&mut self, body: &Result<BodyView<'d>, String>) -> Option<Body> {
        let pointer = format!("{}/requestBody", self.pointer);
        let body = match body {
            Ok(body) => body,
            Err(message) => {
                self.problem(pointer, message.clone());
                return None;
            }
        };
        // JSON is preferred when several media types are offered.
        let chosen = body
            .content
            .iter()
            .map(|(media, content)| (*media, content, body_encoding(media)))
            .min_by_key(|(_, _, encoding)| *encoding != BodyEncoding::Json);
        let Some((media, content, encoding)) = chosen else {
            self.problem(
                format!("{pointer}/content"),
                "a request body must list at least one media type in `content`",
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
                *schema,
                &format!("{pointer}/content/{}/schema", escape(media)),
                &Hint::text(self.op_type, self.body_suffix, Some("Body")),
            ),
            (None, _) => TypeRef::Json,
        };
        // A form body's `encoding` says how some fields are written: a style, or a JSON type
        // (an entry saying neither leaves its field as the others are).
        let field_styles = if encoding == BodyEncoding::Form {
            content
                .encoding
                .iter()
                .filter_map(|(name, field)| {
                    let style = match (field.style, field.content_type) {
                        (Some(style), _) => style_of(style, Some(field.explode)),
                        (None, Some(media)) if is_json(media) => ParamStyle::Json,
                        (None, _) => return None,
                    };
                    Some(FieldStyle {
                        name: (*name).to_owned(),
                        style,
                    })
                })
                .collect()
        } else {
            Vec::new()
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
            content_type: media.to_owned(),
            doc: prose(body.description),
            multipart,
            field_styles,
            examples,
            sample: None,
        })
    }

    /// A multipart body, part by part: binary properties are files, the others values
    /// lowered as usual, and parts the schema does not list (it lists none, or allows
    /// `additionalProperties`) a list of named files. Its struct is named once the operation's
    /// names are claimed.
    fn multipart(&mut self, content: &MediaView<'d>, pointer: &str) -> Option<MultipartForm> {
        let mut shapes = match content.schema {
            None => vec![BodyShape {
                label: None,
                properties: Vec::new(),
                others: true,
            }],
            Some(schema) => match self.types.body_shapes(schema, &format!("{pointer}/schema")) {
                Ok(found) => found,
                Err((at, message)) => {
                    self.problem(at, message);
                    return None;
                }
            },
        };
        let mut failed = false;
        for (name, _) in &content.encoding {
            let declared = shapes
                .iter()
                .any(|shape| shape.properties.iter().any(|p| p.name == *name));
            if !declared {
                self.problem(
                    format!("{pointer}/encoding/{}", escape(name)),
                    format!("`encoding` names `{name}`, which the body's schema does not declare"),
                );
                failed = true;
            }
        }
        let hint = format!("{}Form", self.op_type);
        if let [shape] = shapes.as_slice() {
            if shape.label.is_none() {
                let shape = shapes.remove(0);
                let form = self.form_of(shape, content, pointer, hint)?;
                return (!failed).then_some(form);
            }
        }
        // Parts varying with a oneOf/anyOf: a form per member, and an enum of them.
        let mut names = Scope::default();
        let mut variants = Vec::new();
        for shape in shapes {
            let label = shape.label.clone().unwrap_or_default();
            let variant = names.claim(&type_name(&label));
            let form = self.form_of(shape, content, pointer, format!("{hint}{variant}"))?;
            variants.push((variant, form));
        }
        (!failed).then_some(MultipartForm {
            type_name: hint,
            parts: Vec::new(),
            other_parts: None,
            variants,
        })
    }

    /// One form: its parts, their headers, and the field for parts it does not list.
    fn form_of(
        &mut self,
        shape: BodyShape<'d>,
        content: &MediaView<'d>,
        pointer: &str,
        hint: String,
    ) -> Option<MultipartForm> {
        let BodyShape {
            properties, others, ..
        } = shape;
        let mut failed = false;
        let mut scope = Scope::default();
        let mut parts = Vec::new();
        for property in &properties {
            let declared = content
                .encoding
                .iter()
                .find(|(name, _)| *name == property.name)
                .and_then(|(_, e)| e.content_type);
            let shape = property.resolved.and_then(|s| self.file_shape(s));
            // A list of accepted types (`image/png, image/jpeg`) or a wildcard names no one
            // type to send: the user says which.
            let single = declared.filter(|t| !t.contains(',') && !t.contains('*'));
            let declared_kind = declared.map(|t| media_kind(t.split(',').next().unwrap_or("")));
            let is_list = property
                .resolved
                .is_some_and(|s| s.view().kind == Some("array"));
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
                    &Hint::text(&hint, &type_name(property.name), Some("Part")),
                )),
                _ => PartKind::Value(self.types.lower_object_property(
                    property,
                    &Hint::text(&hint, &type_name(property.name), Some("Part")),
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
                headers: Vec::new(),
                constraints: property
                    .resolved
                    .map(|schema| super::constraints::of(self.doc, schema))
                    .unwrap_or_default(),
                sample: None,
            });
        }
        // Each part's documented headers are fields of the form too, named after the part,
        // claimed once every part has its name.
        for part in &mut parts {
            let Some((_, encoding)) = content.encoding.iter().find(|(name, _)| *name == part.name)
            else {
                continue;
            };
            let at = format!("{pointer}/encoding/{}", escape(&part.name));
            for (header, value) in &encoding.headers {
                // The part's media type is its `contentType`, never a header (OpenAPI says
                // such an entry is ignored).
                if header.eq_ignore_ascii_case("content-type") {
                    continue;
                }
                let header_pointer = format!("{at}/headers/{}", escape(header));
                let header_def = match value {
                    Ok(header_def) => header_def,
                    Err(message) => {
                        self.problem(header_pointer, message.clone());
                        failed = true;
                        continue;
                    }
                };
                let ty = match &header_def.format {
                    ParamFormat::Schema(schema) => self.types.lower(
                        *schema,
                        &format!("{header_pointer}/schema"),
                        &Hint::text(
                            &hint,
                            &format!("{}{}", type_name(&part.name), type_name(header)),
                            Some("Header"),
                        ),
                    ),
                    ParamFormat::Content(content) => {
                        match content
                            .first()
                            .and_then(|(media, m)| Some((media, m.schema?)))
                        {
                            Some((media, schema)) => self.types.lower(
                                schema,
                                &format!("{header_pointer}/content/{}/schema", escape(media)),
                                &Hint::text(
                                    &hint,
                                    &format!("{}{}", type_name(&part.name), type_name(header)),
                                    Some("Header"),
                                ),
                            ),
                            None => TypeRef::Json,
                        }
                    }
                };
                part.headers.push(PartHeader {
                    name: (*header).to_owned(),
                    rust_name: scope.claim(&value_name(&format!("{}_{header}", part.name))),
                    doc: prose(header_def.description),
                    ty,
                    required: header_def.required,
                });
            }
        }
        let other_parts = others.then(|| scope.claim("other_parts"));
        (!failed).then_some(MultipartForm {
            type_name: hint,
            parts,
            other_parts,
            variants: Vec::new(),
        })
    }

    /// Whether a schema is a file (`type: string, format: binary`, which 3.1's
    /// `contentMediaType` becomes) or a list of files, with the media type it gives.
    fn file_shape(&self, schema: Schema<'d>) -> Option<FileShape<'d>> {
        let v = schema.view();
        let media = |schema: Schema<'d>| {
            schema
                .extension("x-content-media-type")
                .and_then(|m| m.as_str())
        };
        if matches!(v.kind, Some("string") | None) && v.format == Some("binary") {
            return Some(FileShape::One(media(schema)));
        }
        if v.kind == Some("array") {
            let (item, _) = self.doc.resolve(v.items?).ok()?;
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
        responses: &[(StatusMatch, Result<ResponseView<'d>, String>)],
    ) -> (Vec<ResponseCase>, Vec<ResponseCase>) {
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let mut success_variants = Scope::default();
        let mut error_variants = Scope::default();
        let mut default = None;
        for (status, response) in responses {
            let status = *status;
            let label = status.label();
            let pointer = format!("{}/responses/{}", self.pointer, escape(&label));
            let response = match response {
                Ok(response) => response,
                Err(message) => {
                    self.problem(pointer, message.clone());
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
                Hint::text(self.op_type, "Response", Some(&response_word(status)))
            } else {
                Hint::text(self.op_type, &response_word(status), Some("Response"))
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
                Hint::text(self.op_type, "Default", Some("Response"))
            } else {
                Hint::text(self.op_type, "Response", Some("Default"))
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
        response: &ResponseView<'d>,
        pointer: &str,
        hint: &Hint,
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
                    let ty = match content.schema {
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
            content_type: chosen.map(|(media, _)| (*media).to_owned()),
            description: response.description.to_owned(),
        }
    }

    /// Records a media type's `example` and `examples` for the round-trip tests.
    fn media_examples(&mut self, content: &MediaView<'d>, pointer: &str, ty: &TypeRef) {
        let single = content
            .example
            .iter()
            .map(|value| (format!("{pointer}/example"), *value));
        let mut named = Vec::new();
        for (name, example) in &content.examples {
            let at = format!("{pointer}/examples/{}", escape(name));
            match example {
                Ok(Some(value)) => named.push((format!("{at}/value"), *value)),
                Ok(None) => {}
                Err(message) => self.problem(at, message.clone()),
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

    fn security(&mut self, requirements: Option<&Vec<Requirement<'d>>>) -> Vec<Vec<String>> {
        let mut alternatives = Vec::new();
        for (i, requirement) in requirements.into_iter().flatten().enumerate() {
            let mut schemes: Vec<String> = Vec::new();
            for name in requirement {
                if !self.doc.declares_scheme(name) {
                    self.problem(
                        format!("{}/security/{i}", self.pointer),
                        format!("security requirement names `{name}`, which components.securitySchemes does not declare"),
                    );
                }
                schemes.push((*name).to_owned());
            }
            alternatives.push(schemes);
        }
        alternatives
    }
}

/// A parameter's style with its `explode` (`true` by default for `form`, `false` otherwise),
/// as parameters and the fields of form bodies use it.
fn style_of(style: SpecStyle, explode: Option<bool>) -> ParamStyle {
    match (style, explode) {
        (SpecStyle::Simple, _) => ParamStyle::Simple {
            explode: explode.unwrap_or(false),
        },
        (SpecStyle::Label, _) => ParamStyle::Label {
            explode: explode.unwrap_or(false),
        },
        (SpecStyle::Matrix, _) => ParamStyle::Matrix {
            explode: explode.unwrap_or(false),
        },
        (SpecStyle::Form, _) => ParamStyle::Form {
            explode: explode.unwrap_or(true),
        },
        // Exploded, a delimited list repeats its name, as `form` does.
        (SpecStyle::SpaceDelimited | SpecStyle::PipeDelimited, Some(true)) => {
            ParamStyle::Form { explode: true }
        }
        (SpecStyle::SpaceDelimited, _) => ParamStyle::SpaceDelimited,
        (SpecStyle::PipeDelimited, _) => ParamStyle::PipeDelimited,
        (SpecStyle::DeepObject, _) => ParamStyle::DeepObject,
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
