//! Renders the crate's text files (Cargo.toml, README, per-group docs) from the `minijinja`
//! templates in `templates/`, in strict mode: a variable the template names but the context
//! lacks is an error, not an empty string.

use minijinja::{context, Environment, UndefinedBehavior};
use serde::Serialize;

use super::signature::{Input, Signature, Source};
use super::usage::{program, Usage};
use super::{File, Options};
use crate::error::Error;
use crate::ir::{Api, Group, Operation, ResponseBody, Success};

/// The templates, embedded so the generator is self-contained.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        include_str!("../../../templates/Cargo.toml.j2"),
    ),
    ("README.md", include_str!("../../../templates/README.md.j2")),
    ("group.md", include_str!("../../../templates/group.md.j2")),
    (
        "builders.rs",
        include_str!("../../../templates/builders.rs.j2"),
    ),
];

/// What the templates say about the API itself: a view of the IR's fields they read, so the
/// IR's types (thousands of them, on a large document) are not converted for them.
#[derive(Serialize)]
struct ApiDoc<'a> {
    title: &'a str,
    version: &'a str,
    description: Option<&'a str>,
    servers: &'a [crate::ir::Server],
}

/// A resource group as the docs show it.
#[derive(Serialize)]
struct GroupDoc {
    tag: String,
    title: String,
    module: String,
    feature: String,
    client_type: String,
    overview: Option<String>,
    path: String,
    trait_path: String,
    fake: Option<String>,
    operations: Vec<OperationDoc>,
}

/// An operation as the docs show it.
#[derive(Serialize)]
struct OperationDoc {
    title: String,
    anchor: String,
    method_name: String,
    http: String,
    summary: String,
    description: String,
    example: String,
    call_type: String,
    params: Vec<[String; 5]>,
    response: String,
    errors: Vec<[String; 3]>,
    error_type: String,
    deprecated: bool,
    /// A program walking the items of every page, when the operation is paginated.
    pages: Option<String>,
}

/// The rendered text files.
pub fn files(api: &Api, options: &Options, stamp: &str, usage: &Usage) -> Result<Vec<File>, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // The Markdown files are rustdoc too (the README is the crate's documentation, the group
    // pages are compiled as doctests): the document's prose is cleaned as for doc comments,
    // so an untagged code fence in it is text, not a Rust test.
    env.add_filter("prose", |text: String| super::docs::clean(&text));
    env.set_keep_trailing_newline(true);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| template_error(name, &e))?;
    }
    let crate_ident = options.crate_name.replace('-', "_");
    let groups: Vec<GroupDoc> = api
        .groups
        .iter()
        .map(|g| group_doc(g, usage, &crate_ident))
        .collect();
    let context = context! {
        api => ApiDoc {
            title: &api.title,
            version: &api.version,
            description: api.description.as_deref(),
            servers: &api.servers,
        },
        groups => &groups,
        crate_name => &options.crate_name,
        crate_ident => &crate_ident,
        crate_version => &options.crate_version,
        contract_tests => options.contract_tests,
        runtime_dependency => options.runtime.manifest_line(),
        stamp => stamp,
        token_variable => usage.token_variable(),
        snippets => readme_snippets(api, usage, &crate_ident),
    };
    let render = |name: &str, context: &minijinja::Value| {
        let template = env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        template
            .render(context)
            .map_err(|e| template_error(name, &e))
    };
    let mut files = vec![
        File {
            path: "Cargo.toml".to_owned(),
            contents: render("Cargo.toml", &context)?,
        },
        File {
            path: "README.md".to_owned(),
            contents: render("README.md", &context)?,
        },
    ];
    for group in &groups {
        let context = context! { group => group, crate_ident => &crate_ident, stamp => stamp };
        files.push(File {
            path: group.path.clone(),
            contents: render("group.md", &context)?,
        });
    }
    Ok(files)
}

fn group_doc(group: &Group, usage: &Usage, crate_ident: &str) -> GroupDoc {
    let module = group.module.trim_start_matches("r#").to_owned();
    GroupDoc {
        tag: group.tag.clone(),
        title: group.type_name.clone(),
        feature: group.feature.clone(),
        client_type: format!("{crate_ident}::{module}::{}", group.type_name),
        path: format!("docs/sdks/{module}/README.md"),
        trait_path: usage.group_path(group, &group.trait_name),
        fake: usage.fake_example(group),
        module,
        overview: group.doc.as_deref().map(|d| d.trim().to_owned()),
        operations: group
            .operations
            .iter()
            .map(|op| operation_doc(group, op, usage, crate_ident))
            .collect(),
    }
}

fn operation_doc(group: &Group, op: &Operation, usage: &Usage, crate_ident: &str) -> OperationDoc {
    let title = crate::naming::type_name(&op.id);
    let sig = Signature::of(group, op);
    let row = |input: &Input, required: bool| {
        let name = input.name.trim_start_matches("r#");
        let example = match input.source {
            Source::Param(p) => p
                .example
                .as_ref()
                .map(|e| cell(&e.as_str().map_or_else(|| e.to_string(), str::to_owned)))
                .unwrap_or_default(),
            Source::Body(_) => String::new(),
        };
        let description = match input.source {
            Source::Param(p) => format!(
                "{} ({} `{}`)",
                p.doc.as_deref().unwrap_or(""),
                p.location.label(),
                p.name
            ),
            Source::Body(_) => input.doc(),
        };
        [
            if required {
                format!("`{name}`")
            } else {
                // Called, so as Rust spells it (`.r#where(..)`).
                format!("`.{}(..)`", input.name)
            },
            format!("`{}`", input.shape.text(usage, group)),
            if required {
                ":heavy_check_mark:"
            } else {
                ":heavy_minus_sign:"
            }
            .to_owned(),
            cell(&description),
            example,
        ]
    };
    let params: Vec<[String; 5]> = sig
        .arguments
        .iter()
        .map(|input| row(input, true))
        .chain(sig.setters.iter().map(|input| row(input, false)))
        .collect();
    let error_type = format!(
        "{crate_ident}::{}::{}",
        group.module.trim_start_matches("r#"),
        op.error_type
    );
    let mut errors: Vec<[String; 3]> = op
        .errors
        .iter()
        .map(|e| {
            [
                format!("`{}::{}`", op.error_type, e.variant),
                e.status.label(),
                e.content_type
                    .clone()
                    .unwrap_or_else(|| "(none)".to_owned()),
            ]
        })
        .collect();
    errors.push([
        "`Error::UnexpectedStatus`".to_owned(),
        "any other 4XX, 5XX".to_owned(),
        "\\*/\\*".to_owned(),
    ]);
    OperationDoc {
        anchor: title.to_ascii_lowercase(),
        title,
        method_name: op.method_name.trim_start_matches("r#").to_owned(),
        http: format!("{} {}", op.http_method, op.path),
        summary: op.summary.clone().unwrap_or_default(),
        description: op
            .description
            .clone()
            .or_else(|| op.summary.clone())
            .unwrap_or_default()
            .trim()
            .to_owned(),
        example: program(&format!(
            "{}\n{}",
            usage.client_setup(Some(op)),
            usage.call(group, op)
        )),
        call_type: usage.group_path(group, &op.call_type),
        params,
        response: match &op.success {
            Success::Unit => "`()` (no body)".to_owned(),
            _ => format!("`{}`", usage.success_path(group, op)),
        },
        errors,
        error_type,
        deprecated: op.deprecated,
        pages: op
            .pagination
            .as_ref()
            .map(|_| program(&usage.items_example(group, op))),
    }
}

/// Text that fits in one Markdown table cell.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// The README's code: every snippet is a complete program, compiled as a doctest.
#[derive(Serialize)]
struct ReadmeSnippets {
    quick_start: Option<String>,
    errors: Option<String>,
    auth: Vec<(String, String, String)>,
    provider: Option<String>,
    server: Option<String>,
    retries: String,
    timeouts: String,
    http_client: String,
    hooks: String,
    response: Option<String>,
    /// The items of the first paginated operation, page after page.
    pages: Option<String>,
}

fn readme_snippets(api: &Api, usage: &Usage, crate_ident: &str) -> ReadmeSnippets {
    // The quick start calls the first operation that reads something.
    let chosen = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .filter(|(_, op)| !op.deprecated)
        .find(|(_, op)| op.http_method == http::Method::GET && op.success.has_value())
        .or_else(|| {
            api.groups
                .first()
                .and_then(|g| g.operations.first().map(|op| (g, op)))
        });
    let builder = |setter: &str| {
        format!("let client = {crate_ident}::Client::builder()\n{setter}    .build()?;\n")
    };
    let first_scheme = api.security_schemes.first();
    let auth_setter = first_scheme
        .map(|s| usage.credential_setter(s))
        .unwrap_or_default();
    let errors = chosen.and_then(|(group, op)| {
        let first = op.errors.first()?;
        let (pattern, shown) = match (&first.body, first.status.is_many()) {
            (ResponseBody::Empty, false) => (first.variant.clone(), ""),
            (ResponseBody::Empty, true) => (format!("{} {{ .. }}", first.variant), ""),
            (_, false) => (format!("{}(body)", first.variant), "{body:?}"),
            (_, true) => (format!("{} {{ body, .. }}", first.variant), "{body:?}"),
        };
        let (prelude, call) = usage.call_parts(group, op);
        Some(program(&format!(
            "{}\n{prelude}let result = {call}\n    .await;\nmatch result {{\n    Ok(value) => println!(\"{{value:?}}\"),\n    Err({crate_ident}::Error::Api(error)) => match error.error() {{\n        {crate_ident}::{}::{}::{pattern} => eprintln!(\"{}: {shown}\"),\n        other => eprintln!(\"{{}}: {{other:?}}\", error.status()),\n    }},\n    Err(other) => eprintln!(\"{{other}}\"),\n}}\n",
            usage.client_setup(Some(op)),
            group.module,
            op.error_type,
            first.description.replace(['"', '{', '}'], "'"),
        )))
    });
    let response = chosen.filter(|(_, op)| op.success.has_value()).map(|(group, op)| {
        let (prelude, call) = usage.call_parts(group, op);
        program(&format!(
            "{}\n{prelude}let response = {call}\n    .send_with_response()\n    .await?;\nprintln!(\"{{}} {{:?}}\", response.status, response.headers.get(\"x-request-id\"));\nlet body = response.into_body();\nprintln!(\"{{body:?}}\");\n",
            usage.client_setup(Some(op))
        ))
    });
    ReadmeSnippets {
        quick_start: chosen.map(|(group, op)| program(&format!("{}\n{}", usage.client_setup(Some(op)), usage.call(group, op)))),
        errors,
        auth: api
            .security_schemes
            .iter()
            .map(|s| {
                (s.key.clone(), s.description.clone().unwrap_or_default().trim().to_owned(), program(&builder(&usage.credential_setter(s))))
            })
            .collect(),
        provider: first_scheme.map(|s| program(&builder(&usage.provider_setter(s)))),
        server: api.servers.get(1).map(|s| program(&builder(&format!("{auth_setter}    .server({crate_ident}::Server::{})\n", s.variant)))),
        retries: program(&builder(&format!(
            "{auth_setter}    .retry(\n        {crate_ident}::RetryPolicy::default()\n            .max_attempts(5)\n            .initial_interval(std::time::Duration::from_millis(200))\n            .max_interval(std::time::Duration::from_secs(10)),\n    )\n"
        ))),
        timeouts: program(&builder(&format!(
            "{auth_setter}    .connect_timeout(std::time::Duration::from_secs(5))\n    .attempt_timeout(std::time::Duration::from_secs(20))\n    .timeout(std::time::Duration::from_secs(90))\n"
        ))),
        http_client: program(&format!(
            "let http = {crate_ident}::reqwest::Client::builder()\n    .pool_max_idle_per_host(4)\n    .build()?;\n{}",
            builder(&format!("{auth_setter}    .http_client(http)\n"))
        )),
        hooks: format!(
            "struct RequestLogger;\n\nimpl {crate_ident}::Hook for RequestLogger {{\n    fn before_request(&self, context: &{crate_ident}::HookContext, request: &mut {crate_ident}::reqwest::Request) {{\n        request.headers_mut().insert(\"x-correlation-id\", {crate_ident}::reqwest::header::HeaderValue::from_static(\"my-app\"));\n        eprintln!(\"{{}} attempt {{}}\", context.operation_id, context.attempt);\n    }}\n}}\n\n{}",
            program(&builder(&format!("{auth_setter}    .hook(RequestLogger)\n")))
        ),
        response,
        pages: api
            .groups
            .iter()
            .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
            .find(|(_, op)| op.pagination.is_some() && !op.deprecated)
            .map(|(group, op)| program(&usage.items_example(group, op))),
    }
}

/// Renders one of the templates that write Rust (no prose filter: what they are given is code).
pub fn render(name: &str, context: minijinja::Value) -> Result<String, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    let source = TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, source)| source);
    env.add_template(name, source)
        .map_err(|e| template_error(name, &e))?;
    env.get_template(name)
        .and_then(|template| template.render(context))
        .map_err(|e| template_error(name, &e))
}

fn template_error(name: &str, error: &minijinja::Error) -> Error {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Error::Template {
        name: name.to_owned(),
        message,
    }
}
