//! Example code for documentation: a compilable snippet calling each operation, with arguments
//! valid against the document: its examples or, failing those, the values `lower/samples.rs`
//! synthesised from the schemas.

use std::fmt::Write as _;

use serde_json::Value;

use super::construct;
use super::signature::{Input, Shape, Signature, Source};
use crate::ir::{
    Api, Group, MultipartForm, Operation, Param, PartKind, ResponseBody, SchemeKind,
    SecurityScheme, Success, TypeRef,
};

/// Builds snippets for one API and crate.
pub struct Usage<'a> {
    api: &'a Api,
    crate_ident: String,
}

impl<'a> Usage<'a> {
    /// Snippets for `api` in the crate named `crate_name`.
    pub fn new(api: &'a Api, crate_name: &str) -> Self {
        Usage {
            api,
            crate_ident: crate_name.replace('-', "_"),
        }
    }

    /// The API the snippets are for.
    pub fn api(&self) -> &'a Api {
        self.api
    }

    /// The crate's name as a path segment, e.g. `konnect_sdk`.
    pub fn crate_ident(&self) -> &str {
        &self.crate_ident
    }

    /// The environment variable examples read the token from, e.g. `KONNECT_TOKEN`.
    pub fn token_variable(&self) -> String {
        let stem = self
            .crate_ident
            .trim_end_matches("_sdk")
            .trim_end_matches("_client");
        format!("{}_TOKEN", stem.to_ascii_uppercase())
    }

    /// The environment variables the examples read a scheme's credential from: the token, or
    /// the user name and password of basic authentication.
    pub fn credential_variables(&self, scheme: &SecurityScheme) -> Vec<String> {
        let token = self.token_variable();
        match scheme.kind {
            SchemeKind::Basic => vec![
                token.replace("_TOKEN", "_USERNAME"),
                token.replace("_TOKEN", "_PASSWORD"),
            ],
            _ => vec![token],
        }
    }

    /// The builder line setting `scheme`'s credential from the environment.
    pub fn credential_setter(&self, scheme: &SecurityScheme) -> String {
        let arguments: Vec<String> = self
            .credential_variables(scheme)
            .iter()
            .map(|variable| format!("std::env::var({variable:?})?"))
            .collect();
        format!("    .{}({})\n", scheme.method, arguments.join(", "))
    }

    /// The builder lines setting a provider for `scheme` that reads the environment.
    pub fn provider_setter(&self, scheme: &SecurityScheme) -> String {
        let read = |variable: &String| format!("std::env::var({variable:?}).unwrap_or_default()");
        let variables = self.credential_variables(scheme);
        let value = match scheme.kind {
            SchemeKind::Basic => format!(
                "{}::BasicCredentials::new({})",
                self.crate_ident,
                variables.iter().map(read).collect::<Vec<_>>().join(", ")
            ),
            _ => format!(
                "{}::SecretString::from({})",
                self.crate_ident,
                variables.iter().map(read).collect::<Vec<_>>().join(", ")
            ),
        };
        format!(
            "    // Called before every attempt: return the current credentials.\n    .{}(|| {value})\n",
            scheme.provider_method
        )
    }

    /// `let client = ...build()?;` authenticated with a scheme `op` accepts.
    pub fn client_setup(&self, op: Option<&Operation>) -> String {
        let scheme = op
            .and_then(|op| op.security.first())
            .and_then(|alternative| alternative.first())
            .or_else(|| self.api.security_schemes.first().map(|s| &s.key));
        let mut code = format!("let client = {}::Client::builder()\n", self.crate_ident);
        if let Some(scheme) =
            scheme.and_then(|key| self.api.security_schemes.iter().find(|s| &s.key == key))
        {
            code.push_str(&self.credential_setter(scheme));
        }
        code.push_str("    .build()?;\n");
        code
    }

    /// The statements that call `op` and print the result (no client set-up).
    pub fn call(&self, group: &Group, op: &Operation) -> String {
        let (prelude, call) = self.call_parts(group, op);
        if op.success.has_value() {
            format!("{prelude}let response = {call}\n    .await?;\nprintln!(\"{{response:?}}\");\n")
        } else {
            format!("{prelude}{call}\n    .await?;\n")
        }
    }

    /// The statements that walk the items of a paginated `op`'s every page and print them
    /// (no client set-up).
    pub fn items_example(&self, group: &Group, op: &Operation) -> String {
        let (prelude, call) = self.call_parts(group, op);
        format!(
            "use futures::StreamExt;\n\n{}\n{prelude}let mut items = {call}\n    .items();\nwhile let Some(item) = items.next().await {{\n    println!(\"{{:?}}\", item?);\n}}\n",
            self.client_setup(Some(op)),
        )
    }

    /// The statements preparing the arguments, and the call expression (not yet awaited):
    /// every argument of the operation's `Signature`, the first optional parameter's setter
    /// and the optional body's.
    pub fn call_parts(&self, group: &Group, op: &Operation) -> (String, String) {
        let sig = Signature::of(group, op);
        let mut prelude = String::new();
        let arguments: Vec<String> = sig
            .arguments
            .iter()
            .map(|input| self.value(group, input, &mut prelude))
            .collect();
        let mut call = format!(
            "client\n    .{}()\n    .{}({})",
            group.module,
            op.method_name,
            arguments.join(", ")
        );
        let first_param = sig
            .setters
            .iter()
            .find(|s| matches!(s.source, Source::Param(_)));
        let body = sig
            .setters
            .iter()
            .find(|s| matches!(s.source, Source::Body(_)));
        for input in first_param.into_iter().chain(body) {
            let value = self.value(group, input, &mut prelude);
            let _ = write!(call, "\n    .{}({value})", input.name);
        }
        (prelude, call)
    }

    /// The expression passing `input` as its shape says, with the statements it needs first.
    fn value(&self, group: &Group, input: &Input, prelude: &mut String) -> String {
        match input.source {
            Source::Param(param) => self.argument(param, &input.shape, prelude),
            Source::Body(body) => match &input.shape {
                Shape::Value(ty) => {
                    let value = body.sample.clone().unwrap_or(Value::Null);
                    prelude.push_str(&construct::binding(self, "body", ty, &value));
                    "body".to_owned()
                }
                Shape::IntoString => "\"text\"".to_owned(),
                Shape::IntoBytes => "b\"bytes\".to_vec()".to_owned(),
                Shape::Form(_) => {
                    if let Some(form) = &body.multipart {
                        self.form_literal(group, form, prelude);
                    }
                    "body".to_owned()
                }
                _ => "()".to_owned(),
            },
        }
    }

    /// An expression of type `ty` holding `value`, which is valid for it.
    pub fn value_of(&self, ty: &TypeRef, value: &Value) -> String {
        construct::value_of(self, ty, value)
    }

    /// The path of a type of a group's module, from outside the crate.
    pub fn group_path(&self, group: &Group, name: &str) -> String {
        format!(
            "{}::{}::{name}",
            self.crate_ident,
            group.module.trim_start_matches("r#")
        )
    }

    /// `let body = Form { ... };`: every file from bytes, every required value from an
    /// example, every optional part left out.
    fn form_literal(&self, group: &Group, form: &MultipartForm, code: &mut String) {
        let krate = &self.crate_ident;
        // Parts varying with a oneOf/anyOf: the first member's form, in its variant.
        if let Some((variant, first)) = form.variants.first() {
            self.form_literal(group, first, code);
            let _ = writeln!(
                code,
                "let body = {krate}::{}::{}::{variant}(body);",
                group.module, form.type_name
            );
            return;
        }
        let file = |name: &str| {
            format!(
                "{krate}::FilePart::bytes(b\"bytes\".to_vec()).file_name(\"{}.bin\")",
                name.escape_default()
            )
        };
        let _ = writeln!(
            code,
            "let body = {krate}::{}::{} {{",
            group.module, form.type_name
        );
        for part in &form.parts {
            let value = match (&part.kind, part.required) {
                (PartKind::File, true) => file(&part.name),
                (PartKind::Files, true) => format!("vec![{}]", file(&part.name)),
                (PartKind::Files, false) => "Vec::new()".to_owned(),
                (_, false) => "None".to_owned(),
                (PartKind::Value(TypeRef::String) | PartKind::Json(TypeRef::String), true) => {
                    "\"string\".to_owned()".to_owned()
                }
                (PartKind::Value(ty) | PartKind::Json(ty), true) => construct::value_at(
                    self,
                    ty,
                    &part.sample.clone().unwrap_or_else(|| self.sample_of(ty)),
                    1,
                ),
            };
            let _ = writeln!(code, "    {}: {value},", part.rust_name);
        }
        for header in form.parts.iter().flat_map(|p| &p.headers) {
            let value = match (&header.ty, header.required) {
                (_, false) => "None".to_owned(),
                (TypeRef::String, true) => "\"string\".to_owned()".to_owned(),
                (ty, true) => construct::value_at(self, ty, &self.sample_of(ty), 1),
            };
            let _ = writeln!(code, "    {}: {value},", header.rust_name);
        }
        if let Some(field) = &form.other_parts {
            let _ = writeln!(code, "    {field}: Vec::new(),");
        }
        code.push_str("};\n");
    }

    /// A whole doctest body: set-up and call, wrapped in a hidden async function.
    pub fn operation_example(&self, group: &Group, op: &Operation) -> String {
        wrap(&format!(
            "{}\n{}",
            self.client_setup(Some(op)),
            self.call(group, op)
        ))
    }

    /// A parameter's sample as `shape` takes it.
    fn argument(&self, param: &Param, shape: &Shape, code: &mut String) -> String {
        let example = param.sample.clone();
        let text = example
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| example.to_string());
        match &param.ty {
            TypeRef::String => format!("{text:?}"),
            TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date => format!("{text:?}.parse()?"),
            TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => text,
            TypeRef::F32 | TypeRef::F64 => {
                if text.contains('.') {
                    text
                } else {
                    format!("{text}.0")
                }
            }
            ty => {
                let name = &param.rust_name;
                code.push_str(&construct::binding(self, name, ty, &example));
                match shape {
                    Shape::Ref(_) | Shape::Slice(_) => format!("&{name}"),
                    _ => name.clone(),
                }
            }
        }
    }

    /// The Rust spelling of a type, from outside the crate.
    pub fn type_path(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::Bool => "bool".into(),
            TypeRef::I32 => "i32".into(),
            TypeRef::I64 => "i64".into(),
            TypeRef::U32 => "u32".into(),
            TypeRef::U64 => "u64".into(),
            TypeRef::F32 => "f32".into(),
            TypeRef::F64 => "f64".into(),
            TypeRef::Uuid => "uuid::Uuid".into(),
            TypeRef::DateTime => "chrono::DateTime<chrono::Utc>".into(),
            TypeRef::Date => "chrono::NaiveDate".into(),
            TypeRef::Json => "serde_json::Value".into(),
            TypeRef::Named(id) => format!(
                "{}::models::{}",
                self.crate_ident,
                self.api.name(*id).trim_start_matches("r#")
            ),
            TypeRef::List(inner) => format!("Vec<{}>", self.type_path(inner)),
            TypeRef::Map(inner) => format!(
                "std::collections::BTreeMap<String, {}>",
                self.type_path(inner)
            ),
            TypeRef::Nullable(inner) => format!("Option<{}>", self.type_path(inner)),
        }
    }

    /// The path of what a call of `op` returns on success, as users write it.
    pub fn success_path(&self, group: &Group, op: &Operation) -> String {
        match &op.success {
            Success::Unit => "()".into(),
            Success::Body(ResponseBody::Json(ty)) => self.type_path(ty),
            Success::Body(ResponseBody::Text) => "String".into(),
            Success::Body(ResponseBody::Bytes) => "bytes::Bytes".into(),
            Success::Body(ResponseBody::Empty) => "()".into(),
            Success::Enum(name) => format!(
                "{}::{}::{name}",
                self.crate_ident,
                group.module.trim_start_matches("r#")
            ),
        }
    }

    /// A test's fake of the group's trait, and code generic over the trait using it: for the
    /// first operation (a `GET` first) whose success value the example can write.
    pub fn fake_example(&self, group: &Group) -> Option<String> {
        let krate = &self.crate_ident;
        let module = group.module.trim_start_matches("r#");
        let answer = |op: &Operation| -> Option<Option<String>> {
            match &op.success {
                Success::Unit => Some(None),
                Success::Body(ResponseBody::Json(ty)) => {
                    let sample = match ty {
                        TypeRef::Named(id) => self.api.ty(*id).sample.clone()?,
                        TypeRef::List(_) => Value::Array(Vec::new()),
                        _ => return None,
                    };
                    Some(Some(self.value_of(ty, &sample)))
                }
                Success::Body(ResponseBody::Text) => Some(Some("\"text\".to_owned()".to_owned())),
                _ => None,
            }
        };
        let (op, answer) = group
            .operations
            .iter()
            .filter(|op| !op.deprecated)
            .filter_map(|op| Some((op, answer(op)?)))
            .min_by_key(|(op, _)| op.http_method != http::Method::GET)?;
        let sig = Signature::of(group, op);
        let success = self.success_path(group, op);
        let error = self.group_path(group, &op.error_type);
        let mut parameters: Vec<String> = sig
            .arguments
            .iter()
            .map(|input| {
                format!(
                    "_{}: {}",
                    input.name.trim_start_matches("r#"),
                    input.shape.text(self, group)
                )
            })
            .collect();
        if let Some(params) = &op.params_type {
            parameters.push(format!("_params: {}", self.group_path(group, params)));
        }
        let mut prelude = String::new();
        let mut arguments: Vec<String> = sig
            .arguments
            .iter()
            .map(|input| self.value(group, input, &mut prelude))
            .collect();
        if op.params_type.is_some() {
            arguments.push("Default::default()".to_owned());
        }
        let (fake, setup, returned) = match &answer {
            Some(value) => (
                format!("struct Fake {{\n    answer: {success},\n}}\n"),
                format!("let fake = Fake {{\n    answer: {value},\n}};\n"),
                "Ok(self.answer.clone())",
            ),
            None => (
                "struct Fake;\n".to_owned(),
                "let fake = Fake;\n".to_owned(),
                "Ok(())",
            ),
        };
        let trait_path = format!("{krate}::{module}::{}", group.trait_name);
        let mut code = format!("use {trait_path};\n\n/// Answers `{}` with a fixed value; every other method of the trait fails.\n{fake}\nimpl {} for Fake {{\n    async fn {}(\n        &self,\n", op.id, group.trait_name, op.method_name);
        for parameter in &parameters {
            let _ = writeln!(code, "        {parameter},");
        }
        let _ = write!(
            code,
            "    ) -> Result<{success}, {krate}::Error<{error}>> {{\n        {returned}\n    }}\n}}\n\n"
        );
        let _ = writeln!(
            code,
            "/// The code under test: generic over the trait, so it takes the `Client` or the fake.\nasync fn fetch(api: &impl {}) -> Result<{success}, Box<dyn std::error::Error>> {{",
            group.trait_name
        );
        for line in prelude.lines() {
            let _ = writeln!(code, "    {line}");
        }
        let _ = write!(
            code,
            "    Ok(api.{}({}).await?)\n}}\n\n",
            op.method_name,
            arguments.join(", ")
        );
        code.push_str(&program(&format!(
            "{setup}let value = fetch(&fake).await?;\nprintln!(\"{{value:?}}\");\n"
        )));
        Some(code)
    }

    /// The value synthesised for a named type (`lower/samples.rs`); `null` for others.
    fn sample_of(&self, ty: &TypeRef) -> Value {
        ty.named()
            .and_then(|id| self.api.ty(id).sample.clone())
            .unwrap_or(Value::Null)
    }
}

impl Usage<'_> {
    /// `examples/tour.rs`: one call in every resource group, against the API or a mock server
    /// named by `<PREFIX>_BASE_URL`.
    pub fn tour(&self) -> String {
        let token = self.token_variable();
        let base = token.replace("_TOKEN", "_BASE_URL");
        let mut body = String::new();
        let scheme = self.api.security_schemes.first();
        let _ = writeln!(body, "let client = {}::Client::builder()", self.crate_ident);
        let mut variables = format!("{base}=http://127.0.0.1:4010");
        if let Some(scheme) = scheme {
            body.push_str(&self.credential_setter(scheme));
            for variable in self.credential_variables(scheme) {
                let _ = write!(variables, " {variable}=any");
            }
        }
        let _ = writeln!(
            body,
            "    .base_url(std::env::var({base:?})?)\n    .build()?;\n"
        );
        for group in &self.api.groups {
            let op = group
                .operations
                .iter()
                .filter(|op| !op.deprecated)
                .min_by_key(|op| !(op.http_method == http::Method::GET && op.success.has_value()));
            if let Some(op) = op {
                let _ = writeln!(body, "println!(\"{}: {}\");", group.tag, op.id);
                body.push_str(&self.call(group, op));
                body.push('\n');
            }
        }
        let run = format!(
            "{variables} cargo run -p {} --example tour",
            self.crate_ident.replace('_', "-")
        );
        format!(
            "//! A tour of the SDK: one call in each resource group.\n//!\n//! Start a mock server of the API on port 4010 (in this SDK's repository: `cargo xtask mock`),\n//! then run `{run}`\n#![cfg_attr(rustfmt, rustfmt::skip)]\n\n{}",
            program(&body)
        )
    }
}

/// A complete program around example statements, for Markdown: copied as is, it runs.
pub fn program(body: &str) -> String {
    let mut out = String::from(
        "#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    for line in body.trim_end().lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("    Ok(())\n}\n");
    out
}

/// A hidden async function around example statements, so `?` and `.await` work in doctests.
pub fn wrap(body: &str) -> String {
    let mut out =
        String::from("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    out.push_str(body.trim_end());
    out.push_str("\n# Ok(())\n# }\n");
    out
}
