//! Stage 3: lowers the parsed document into the IR, then refines the IR in a few passes that
//! need the whole picture (which types requests and responses use, recursion, union tags).

mod constraints;
mod examples;
mod names;
mod operations;
mod pagination;
mod passes;
mod samples;
mod types;

use crate::adapter::{Document, KeyLocation, SchemeView};
use crate::error::Error;
use crate::ir::{Api, SchemeKind, SecurityScheme, Server};
use crate::locate::escape;
use crate::naming::{self, type_name, value_name, Scope};

pub use operations::is_json;
pub(crate) use samples::Sampler;

/// Lowers a document into the IR, or reports every problem found.
pub fn lower(doc: &Document) -> Result<Api, Error> {
    let mut types = types::TypeLowerer::new(doc);
    types.lower_components();
    let groups = operations::lower_operations(doc, &mut types);
    let webhooks = operations::lower_webhooks(doc, &mut types);
    types.check_recursion();
    let mut problems = doc.problems.clone();
    problems.append(&mut types.problems);
    let examples = std::mem::take(&mut types.examples);
    let security_schemes = security_schemes(doc, &mut problems);
    let info = doc.info();
    let (type_defs, defined) = types.into_types();
    let mut api = Api {
        title: info.title.to_owned(),
        description: prose(info.description),
        version: info.version.to_owned(),
        servers: servers(doc),
        security_schemes,
        types: type_defs,
        webhooks_module: if groups.iter().any(|g| g.module == "webhooks") {
            "webhook_payloads".to_owned()
        } else {
            "webhooks".to_owned()
        },
        groups,
        webhooks,
        sensitive_fields: Vec::new(),
        examples,
        numbered: Vec::new(),
    };
    api.rearrange(&defined);
    passes::refine(&mut api, &mut problems);
    operations::share_errors(&mut api.groups);
    pagination::detect(doc, &mut api);
    examples::check(&mut api);
    samples::fill(&mut api);
    if problems.is_empty() {
        Ok(api)
    } else {
        Err(doc.source.spec_error(problems))
    }
}

fn servers(doc: &Document) -> Vec<Server> {
    let mut scope = Scope::default();
    // Server variables are replaced by their defaults.
    let urls: Vec<(String, Option<String>)> = doc
        .servers()
        .iter()
        .map(|s| (s.default_url(), prose(s.description)))
        .collect();
    let labels: Vec<String> = urls.iter().map(|(url, _)| server_label(url)).collect();
    let distinct = {
        let mut sorted = labels.clone();
        sorted.sort();
        sorted.dedup();
        sorted.len() == labels.len()
    };
    urls.into_iter()
        .zip(labels)
        .enumerate()
        .map(|(i, ((url, description), label))| Server {
            variant: scope.claim(&if distinct {
                type_name(&label)
            } else {
                format!("Server{i}")
            }),
            url,
            description,
        })
        .collect()
}

/// The first label of a URL's host (`eu` in `https://eu.api.konghq.com`), or the whole URL.
fn server_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', ':']).next().unwrap_or(rest);
    match host.split('.').next() {
        Some(label) if !label.is_empty() && host.contains('.') => label.to_owned(),
        _ => url.to_owned(),
    }
}

fn security_schemes(doc: &Document, problems: &mut Vec<(String, String)>) -> Vec<SecurityScheme> {
    // Every setter and provider setter is claimed in the builder's one scope.
    let mut scope = naming::builder_methods();
    let mut schemes = Vec::new();
    for (key, scheme) in doc.security_schemes() {
        let pointer = format!("/components/securitySchemes/{}", escape(key));
        let scheme = match scheme {
            Ok(scheme) => scheme,
            Err(message) => {
                problems.push((pointer, message));
                continue;
            }
        };
        let kind = match scheme.kind {
            SchemeView::Http { scheme } => match http_scheme(scheme) {
                Ok(kind) => kind,
                Err(message) => {
                    problems.push((format!("{pointer}/scheme"), message));
                    continue;
                }
            },
            // An OAuth 2 or OpenID Connect access token is sent as a bearer token.
            SchemeView::OAuth2 | SchemeView::OpenIdConnect => SchemeKind::Bearer,
            SchemeView::ApiKey { location, name } => {
                let name = name.to_owned();
                match location {
                    KeyLocation::Header => SchemeKind::ApiKeyHeader(name),
                    KeyLocation::Query => SchemeKind::ApiKeyQuery(name),
                    KeyLocation::Cookie => SchemeKind::ApiKeyCookie(name),
                }
            }
        };
        let method = scope.claim_with(&value_name(key), &[naming::PROVIDER_SUFFIX]);
        schemes.push(SecurityScheme {
            key: key.to_owned(),
            provider_method: naming::suffixed(&method, naming::PROVIDER_SUFFIX),
            method,
            kind,
            description: prose(scheme.description),
        });
    }
    schemes
}

/// How an HTTP scheme's credential is sent: bearer and basic as RFC 6750 and RFC 7617 say, any
/// other scheme as `Authorization: <scheme> <credential>` with the credential the user gives.
fn http_scheme(scheme: &str) -> Result<SchemeKind, String> {
    if scheme.eq_ignore_ascii_case("bearer") {
        Ok(SchemeKind::Bearer)
    } else if scheme.eq_ignore_ascii_case("basic") {
        Ok(SchemeKind::Basic)
    } else if !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        Ok(SchemeKind::Http(scheme.to_owned()))
    } else {
        Err(format!(
            "{scheme:?} is not an HTTP authentication scheme name (a token such as `Digest`)"
        ))
    }
}

/// Prose from the document, or `None` when it holds nothing to read (empty or blank), so every
/// emitter falls back to a sentence of its own.
pub(crate) fn prose(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty()).map(str::to_owned)
}
