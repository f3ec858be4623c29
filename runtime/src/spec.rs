//! What the generated code describes: the API as a whole and each operation, as statics the
//! runtime reads. A leaf: it names nothing else of the runtime.

use reqwest::header::HeaderValue;

/// The API as a whole: emitted once by the generator.
#[derive(Debug)]
pub struct ApiSpec {
    /// The first server of the description: used when nothing else is chosen.
    pub default_server: &'static str,
    /// `crate-name/version`.
    pub user_agent: &'static str,
    /// The security schemes.
    pub security_schemes: &'static [SchemeSpec],
    /// JSON keys whose values are redacted from every error message.
    pub sensitive_fields: &'static [&'static str],
}

/// One security scheme.
#[derive(Debug)]
pub struct SchemeSpec {
    /// Its key in the description, e.g. `personalAccessToken`.
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// How a credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// `Authorization: <scheme> <credential>`, the credential as the user gives it: any other
    /// HTTP authentication scheme.
    Http(&'static str),
    /// In the named header.
    ApiKeyHeader(&'static str),
    /// As the named query parameter.
    ApiKeyQuery(&'static str),
    /// As the named cookie.
    ApiKeyCookie(&'static str),
}

/// One operation: emitted by the generator as a static beside its method.
#[derive(Debug)]
pub struct OperationSpec {
    /// The id in the description.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The path, with `{name}` placeholders.
    pub path_template: &'static str,
    /// Alternatives (any one will do) of schemes (all needed); empty when none is needed.
    pub security: &'static [&'static [&'static str]],
    /// Servers this operation is pinned to; empty to use the client's.
    pub servers: &'static [&'static str],
    /// The `Accept` header.
    pub accept: HeaderValue,
}

/// A paginated list operation whose pages are `T` and items `I`: emitted by the generator as
/// a static beside the operation, for [`Call::pages`](crate::Call::pages) and
/// [`Call::items`](crate::Call::items).
pub struct Paginated<T, I> {
    /// How its pages are walked.
    pub spec: PaginationSpec,
    /// Takes a page's items out of it.
    pub items: fn(T) -> Vec<I>,
}

impl<T, I> std::fmt::Debug for Paginated<T, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginated")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// How a paginated list operation's pages are walked. Paths are JSON property names from the
/// response body's root.
#[derive(Debug)]
pub struct PaginationSpec {
    /// Where a page holds its items, e.g. `["data"]`.
    pub items: &'static [&'static str],
    /// How the next page is asked for, and when there is none.
    pub style: PageStyle,
}

/// The three ways of walking pages.
#[derive(Debug)]
pub enum PageStyle {
    /// Numbered pages: the next page is the one after this page's number (the body's, else
    /// the one asked for, else 1). The last page is the first one that is empty, shorter than
    /// the page size the body reports, or that reaches the body's total.
    PageNumber {
        /// The query parameter holding the page number, e.g. `page[number]`.
        param: &'static str,
        /// Where the body holds the page's number.
        number: Option<&'static [&'static str]>,
        /// Where the body holds the page size the server used.
        size: Option<&'static [&'static str]>,
        /// Where the body holds the total, and what it counts.
        total: Option<PageTotal>,
    },
    /// An offset the body hands back for the next page (the first of `next` present); the
    /// last page is the one without it (absent, `null` or empty).
    Offset {
        /// The query parameter holding the offset, e.g. `offset`.
        param: &'static str,
        /// Where the body may hold the next offset.
        next: &'static [&'static [&'static str]],
    },
    /// A cursor: the body's next-page URI, whose query holds the cursor parameter, or the
    /// cursor itself (the first of `next` present); the last page is the one without it.
    Cursor {
        /// The query parameter holding the cursor, e.g. `page[after]`.
        param: &'static str,
        /// Where the body may hold the next URI or cursor.
        next: &'static [&'static [&'static str]],
    },
}

/// What a numbered page's total counts.
#[derive(Debug, Clone, Copy)]
pub enum PageTotal {
    /// Items in the whole collection, at this path.
    Items(&'static [&'static str]),
    /// Pages, at this path.
    Pages(&'static [&'static str]),
}
