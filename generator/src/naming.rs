//! The one place where spec names become Rust identifiers: case conversion, keywords, collisions.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves; as identifiers they need `r#` (or a suffix when `r#` is not allowed).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Methods the runtime's `client!` macro defines on the generated crate's `ClientBuilder`,
/// whatever their visibility: inherent methods of one type share a namespace, so a generated
/// setter of the same name would not compile. A test checks this list against `runtime/src/`.
pub const RUNTIME_BUILDER_METHODS: &[&str] = &[
    "attempt_timeout",
    "base_url",
    "basic_credential",
    "basic_credential_provider",
    "build",
    "connect_timeout",
    "credential",
    "credential_provider",
    "hook",
    "http_client",
    "max_body_size",
    "new",
    "read_timeout",
    "redirect",
    "retry",
    "server_url",
    "timeout",
    "user_agent",
];

/// Methods the runtime's `client!` macro defines on the generated crate's `Client`, whatever
/// their visibility.
pub const RUNTIME_CLIENT_METHODS: &[&str] = &["call"];

/// Methods the runtime's `operation_call!` macro defines on an operation's call type (and
/// `apply`, which the generated code defines for it), whatever their visibility; `pages` and
/// `items` are kept for paginated operations. Optional parameters are setters there.
pub const RUNTIME_CALL_METHODS: &[&str] = &[
    "apply",
    "attempt_timeout",
    "base_url",
    "header",
    "into_call",
    "items",
    "max_body_size",
    "pages",
    "retry",
    "send",
    "send_streaming",
    "send_with_response",
    "timeout",
    "with_params",
];

/// The types the runtime exports that the generated crate re-exports at its root.
pub const RUNTIME_EXPORTS: &[&str] = &[
    "ApiError",
    "AsyncTokenProvider",
    "BasicAuthProvider",
    "BasicCredentials",
    "BuildError",
    "ByteStream",
    "Call",
    "DecodeError",
    "Error",
    "ErrorResponses",
    "FilePart",
    "Hook",
    "HookContext",
    "IntoNullable",
    "ItemStream",
    "MissingFields",
    "PageStream",
    "Phase",
    "ProviderError",
    "RedirectPolicy",
    "Response",
    "RetryPolicy",
    "TimeoutKind",
    "TokenFuture",
    "TokenProvider",
];

/// The types the runtime's `client!` macro defines in the generated crate (wrapping the
/// runtime's own of the same names), exported at its root.
pub const CLIENT_TYPES: &[&str] = &["Client", "ClientBuilder"];

/// What the generated crate's root holds besides group modules: its own modules, and the
/// crates it depends on, which a module of the same name would make ambiguous.
const ROOT_MODULES: &[&str] = &[
    "client",
    "models",
    "runtime",
    "tests",
    "std",
    "core",
    "alloc",
    "bytes",
    "chrono",
    "reqwest",
    "sdkgen_runtime",
    "secrecy",
    "serde",
    "serde_json",
    "tokio",
    "uuid",
];

/// The `ClientBuilder` methods the generator writes whatever the document says.
const GENERATED_BUILDER_METHODS: &[&str] = &["server"];

/// The `Client` methods the generator writes whatever the document says.
const GENERATED_CLIENT_METHODS: &[&str] = &["builder"];

/// The suffix of the builder method that sets a scheme's provider.
pub const PROVIDER_SUFFIX: &str = "_provider";

/// The scope of `ClientBuilder` methods, where every credential setter and provider setter is
/// claimed: the runtime's own and the generated ones are taken.
pub fn builder_methods() -> Scope {
    let mut scope = Scope::with_reserved(RUNTIME_BUILDER_METHODS);
    scope.reserve(GENERATED_BUILDER_METHODS);
    scope
}

/// The scope of group modules, which are also the `Client` methods returning the group's
/// client: the crate root's other names and the `Client` methods are taken.
pub fn group_modules() -> Scope {
    let mut scope = Scope::with_reserved(ROOT_MODULES);
    scope.reserve(RUNTIME_CLIENT_METHODS);
    scope.reserve(GENERATED_CLIENT_METHODS);
    scope
}

/// Type names that would shadow the prelude or the types generated code itself refers to; the
/// runtime's exports are reserved too.
const RESERVED_TYPES: &[&str] = &[
    "From",
    "SecretString",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Server",
    "Value",
    "Default",
    "Debug",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "Self",
];

/// `UpperCamelCase` name for a type or variant.
pub fn type_name(raw: &str) -> String {
    remembered(&TYPE_NAMES, raw, type_name_of)
}

fn type_name_of(raw: &str) -> String {
    let name = ascii_words(raw).to_upper_camel_case();
    let name = if name.is_empty() {
        "Value".to_owned()
    } else {
        name
    };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{name}")
    } else {
        name
    };
    if RESERVED_TYPES.contains(&name.as_str())
        || RUNTIME_EXPORTS.contains(&name.as_str())
        || CLIENT_TYPES.contains(&name.as_str())
    {
        format!("{name}Type")
    } else {
        name
    }
}

/// `UpperCamelCase` name for an enum variant: variants live in their enum's namespace, so
/// only `Self` is off limits (`Ok`, `Default` and `Error` are fine variant names).
pub fn variant_name(raw: &str) -> String {
    let name = ascii_words(raw).to_upper_camel_case();
    match name.as_str() {
        "" => "Value".to_owned(),
        "Self" => "SelfValue".to_owned(),
        _ if name.starts_with(|c: char| c.is_ascii_digit()) => format!("N{name}"),
        _ => name,
    }
}

/// `snake_case` name for a field, argument, method or module, spelled so `syn` accepts it:
/// keywords come back as `r#type`, the few that cannot be raw get a trailing underscore.
pub fn value_name(raw: &str) -> String {
    remembered(&VALUE_NAMES, raw, value_name_of)
}

fn value_name_of(raw: &str) -> String {
    let name = ascii_words(raw).to_snake_case();
    let name = if name.is_empty() {
        "value".to_owned()
    } else {
        name
    };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    };
    escape_keyword(name)
}

thread_local! {
    static TYPE_NAMES: RefCell<HashMap<Box<str>, String>> = RefCell::new(HashMap::new());
    static VALUE_NAMES: RefCell<HashMap<Box<str>, String>> = RefCell::new(HashMap::new());
}

/// `convert(raw)`, remembered: a large document spells the same few thousand names over a
/// hundred thousand times (`id`, `name`, `created_at`), and case conversion is most of what
/// naming costs. The memory is bounded: past [`REMEMBERED`] names it starts over.
fn remembered(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<Box<str>, String>>>,
    raw: &str,
    convert: fn(&str) -> String,
) -> String {
    cache.with(|cache| {
        if let Some(name) = cache.borrow().get(raw) {
            return name.clone();
        }
        let name = convert(raw);
        let mut cache = cache.borrow_mut();
        if cache.len() >= REMEMBERED {
            cache.clear();
        }
        cache.insert(raw.into(), name.clone());
        name
    })
}

/// How many names each of [`type_name`] and [`value_name`] remembers per thread.
const REMEMBERED: usize = 1 << 16;

/// A name usable as an identifier, escaping keywords.
fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Transliterates to ASCII (`Élève` → `Eleve`, `日本` → `Ri Ben`), then makes everything that
/// is not an ASCII letter or digit a word break, so `heck` sees words, and writes a plural
/// acronym as a word (`ACLs` → `Acls`), which `heck` would otherwise split before its last
/// capital (`ac_ls`, `jw_ts`).
fn ascii_words(raw: &str) -> String {
    let ascii = if raw.is_ascii() {
        std::borrow::Cow::Borrowed(raw)
    } else {
        std::borrow::Cow::Owned(deunicode::deunicode(raw))
    };
    let ascii: Vec<u8> = ascii
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { b } else { b' ' })
        .collect();
    let words = compound_words(acronym_plurals(ascii));
    String::from_utf8(words).unwrap_or_else(|_| unreachable!("only ASCII bytes remain"))
}

/// Product and protocol names whose capitals are not word breaks: heck would make
/// `graph_ql`, `o_auth`, `git_hub` of them. Spelled as written in API descriptions.
const COMPOUND_WORDS: &[&str] = &[
    "GraphQL",
    "OAuth",
    "OpenID",
    "GitHub",
    "GitLab",
    "JavaScript",
    "TypeScript",
    "MySQL",
    "PostgreSQL",
    "NoSQL",
    "MongoDB",
    "DynamoDB",
    "YouTube",
    "LinkedIn",
    "PayPal",
    "DevOps",
    "iOS",
    "macOS",
];

/// Writes each of [`COMPOUND_WORDS`] as one capitalised word (`GraphQL` or, starting a camel-case
/// name, `graphQL` → `Graphql`), so case conversion gives `graphql` and `Graphql`, where the name
/// is not going on in lower case (`OAuthority` is left alone).
/// The lower-case letters some of [`COMPOUND_WORDS`] start with.
static COMPOUND_STARTS: [bool; 256] = {
    let mut table = [false; 256];
    let mut w = 0;
    while w < COMPOUND_WORDS.len() {
        table[COMPOUND_WORDS[w].as_bytes()[0].to_ascii_lowercase() as usize] = true;
        w += 1;
    }
    table
};

fn compound_words(mut text: Vec<u8>) -> Vec<u8> {
    let mut i = 0;
    while i < text.len() {
        // Only a word starting with this letter can start here; most letters start none.
        let first = text[i].to_ascii_lowercase();
        if !COMPOUND_STARTS[usize::from(first)] {
            i += 1;
            continue;
        }
        let found = COMPOUND_WORDS.iter().map(|w| w.as_bytes()).find(|word| {
            word[0].to_ascii_lowercase() == first
                && text.get(i + 1..i + word.len()) == Some(&word[1..])
                && !text.get(i + word.len()).is_some_and(u8::is_ascii_lowercase)
        });
        match found {
            Some(word) => {
                text[i] = text[i].to_ascii_uppercase();
                text[i + 1..i + word.len()].make_ascii_lowercase();
                i += word.len();
            }
            None => i += 1,
        }
    }
    text
}

/// Keeps an acronym's plural one word: `ACLs` becomes `Acls`, so case conversion gives `acls`
/// and `Acls` rather than `ac_ls` and `AcLs` (heck starts a word at an upper-case letter
/// followed by a lower-case one). An acronym is two or more capitals; its plural is a lower-case
/// `s` that ends the word (what follows is not a lower-case letter).
fn acronym_plurals(mut text: Vec<u8>) -> Vec<u8> {
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && text[i].is_ascii_uppercase() {
            i += 1;
        }
        let plural = i - start >= 2
            && text.get(i) == Some(&b's')
            && !text.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        if plural {
            text[start + 1..i].make_ascii_lowercase();
        }
    }
    text
}

/// `name` with `suffix` appended (`r#type` gives `type_provider`).
pub fn suffixed(name: &str, suffix: &str) -> String {
    format!("{}{suffix}", name.strip_prefix("r#").unwrap_or(name))
}

/// Hands out names unique within one scope: a second `FooBar` becomes `FooBar2`, then `FooBar3`.
/// Callers feed names in document order, so the outcome is deterministic.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// Per base name, the number [`Scope::claim`] last found its numbered variant free at:
    /// every number below it is taken (names are never given back), so the next search may
    /// start there instead of at 2. Without it, a base claimed n times costs n² lookups (a large document has
    /// hundreds of inline schemas named alike before identical ones merge).
    searched: std::collections::HashMap<String, usize>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            searched: std::collections::HashMap::new(),
        }
    }

    /// Takes `names` as well.
    pub fn reserve(&mut self, names: &[&str]) {
        self.taken.extend(names.iter().map(|s| (*s).to_owned()));
    }

    /// Claims `candidate` together with the names derived from it by `suffixes` (`api` and
    /// `api_provider`), or the first numbered variant for which all of them are free, so a
    /// derived name never collides with another claim, before or after.
    pub fn claim_with(&mut self, candidate: &str, suffixes: &[&str]) -> String {
        let free = |taken: &BTreeSet<String>, name: &str| {
            !taken.contains(name)
                && suffixes
                    .iter()
                    .all(|suffix| !taken.contains(&suffixed(name, suffix)))
        };
        let name = if free(&self.taken, candidate) {
            candidate.to_owned()
        } else {
            let base = candidate.strip_prefix("r#").unwrap_or(candidate);
            (2..)
                .map(|n| format!("{base}{n}"))
                .find(|name| free(&self.taken, name))
                .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
        };
        for suffix in suffixes {
            self.taken.insert(suffixed(&name, suffix));
        }
        self.taken.insert(name.clone());
        name
    }

    /// Claims `candidate`, or the first free numbered variant of it.
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        let base = candidate.strip_prefix("r#").unwrap_or(candidate);
        let taken = &self.taken;
        let name = numbered(&mut self.searched, base, |name| !taken.contains(name));
        self.taken.insert(name.clone());
        name
    }

    /// Whether `name` is already taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// The first `{base}{n}`, n from 2, that `free` accepts. Numbers below the one the last
/// search for `base` found are not tried again: they were all taken then, and still are.
fn numbered(
    searched: &mut std::collections::HashMap<String, usize>,
    base: &str,
    free: impl Fn(&str) -> bool,
) -> String {
    let start = searched.get(base).copied().unwrap_or(2);
    let (n, name) = (start..)
        .map(|n| (n, format!("{base}{n}")))
        .find(|(_, name)| free(name))
        .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"));
    searched.insert(base.to_owned(), n);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_identifiers() {
        assert_eq!(type_name("foo-bar"), "FooBar");
        assert_eq!(type_name("Result"), "ResultType");
        assert_eq!(type_name("self"), "SelfType");
        assert_eq!(type_name("2fa"), "N2fa");
        assert_eq!(type_name("héllo wörld"), "HelloWorld");
        assert_eq!(type_name("Élève"), "Eleve");
        assert_eq!(value_name("日本"), "ri_ben");
        assert_eq!(type_name("!!!"), "ValueType");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("Self"), "self_");
        assert_eq!(value_name("page[size]"), "page_size");
        assert_eq!(value_name("createdAt"), "created_at");
        assert_eq!(value_name("1st"), "_1st");
        assert_eq!(variant_name("OK"), "Ok");
        assert_eq!(variant_name("Self"), "SelfValue");
        assert_eq!(variant_name("304"), "N304");
    }

    #[test]
    fn acronym_plurals_stay_one_word() {
        // Tags and names of this shape in real documents (Konnect's ACLs, JWTs, SNIs, AI
        // Gateway SNIs; IDs, URLs, APIs, CAs elsewhere).
        assert_eq!(value_name("ACLs"), "acls");
        assert_eq!(type_name("ACLs"), "Acls");
        assert_eq!(value_name("JWTs"), "jwts");
        assert_eq!(type_name("JWTs"), "Jwts");
        assert_eq!(value_name("SNIs"), "snis");
        assert_eq!(value_name("AI Gateway SNIs"), "ai_gateway_snis");
        assert_eq!(value_name("listACLs"), "list_acls");
        assert_eq!(
            value_name("get-consumer-group-ACLs"),
            "get_consumer_group_acls"
        );
        assert_eq!(type_name("ACLsPlugin"), "AclsPlugin");
        assert_eq!(value_name("userIDs"), "user_ids");
        assert_eq!(value_name("CAs"), "cas");
        assert_eq!(type_name("redirect_URIs"), "RedirectUris");
        // Not plurals: a single capital, a lower-case word going on, a capital after the run.
        assert_eq!(value_name("As"), "r#as");
        assert_eq!(value_name("APIsettings"), "ap_isettings");
        assert_eq!(value_name("HTTPServer"), "http_server");
        assert_eq!(value_name("ACL"), "acl");
        assert_eq!(type_name("APIKey"), "ApiKey");
        assert_eq!(value_name("listAPIsForPortal"), "list_apis_for_portal");
        assert_eq!(value_name("ACLsList"), "acls_list");
        assert_eq!(value_name("Ids"), "ids");
    }

    #[test]
    fn product_names_stay_one_word() {
        // Konnect's GraphQL Cost Decorations and DeGraphQL Routes; OAuth and GitHub elsewhere.
        assert_eq!(
            value_name("GraphQL Cost Decorations"),
            "graphql_cost_decorations"
        );
        assert_eq!(type_name("GraphQLCostDecoration"), "GraphqlCostDecoration");
        assert_eq!(
            value_name("graphQLCostDecorationId"),
            "graphql_cost_decoration_id"
        );
        assert_eq!(value_name("DeGraphQL Routes"), "de_graphql_routes");
        assert_eq!(type_name("OAuth2Client"), "Oauth2Client");
        assert_eq!(value_name("GitHubApp"), "github_app");
        assert_eq!(value_name("iOSBundleId"), "ios_bundle_id");
        // Going on in lower case: another word.
        assert_eq!(value_name("OAuthority"), "o_authority");
    }

    #[test]
    fn derived_names_are_claimed_with_their_base() {
        let mut scope = builder_methods();
        let mut claim = |raw: &str| {
            let method = scope.claim_with(&value_name(raw), &[PROVIDER_SUFFIX]);
            let provider = suffixed(&method, PROVIDER_SUFFIX);
            (method, provider)
        };
        assert_eq!(claim("api"), ("api".into(), "api_provider".into()));
        // `apiProvider` wants the name `api`'s provider setter took.
        assert_eq!(
            claim("apiProvider"),
            ("api_provider2".into(), "api_provider2_provider".into())
        );
        // The runtime's own methods are never handed out, derived or not.
        assert_eq!(
            claim("credential"),
            ("credential2".into(), "credential2_provider".into())
        );
        assert_eq!(
            claim("basic_credential"),
            (
                "basic_credential2".into(),
                "basic_credential2_provider".into()
            )
        );
        assert_eq!(
            claim("server"),
            ("server2".into(), "server2_provider".into())
        );
        assert_eq!(claim("type"), ("r#type".into(), "type_provider".into()));
        // Claimed in the other order, the pair still stays together.
        let mut scope = builder_methods();
        assert_eq!(
            scope.claim_with("key_provider", &[PROVIDER_SUFFIX]),
            "key_provider"
        );
        assert_eq!(scope.claim_with("key", &[PROVIDER_SUFFIX]), "key2");
        let mut modules = group_modules();
        assert_eq!(modules.claim(&value_name("Call")), "call2");
        assert_eq!(modules.claim(&value_name("builder")), "builder2");
        assert_eq!(modules.claim(&value_name("reqwest")), "reqwest2");
        assert_eq!(type_name("TokenProvider"), "TokenProviderType");
        assert_eq!(type_name("From"), "FromType");
    }

    /// The runtime's names, read from its source: the methods its `client!` macro defines in
    /// `impl ClientBuilder` and `impl Client` (any visibility), and what `lib.rs` exports with
    /// `pub use`.
    fn runtime_names() -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
        fn use_leaves(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
            match tree {
                syn::UseTree::Path(path) => use_leaves(&path.tree, out),
                syn::UseTree::Name(name) => {
                    out.insert(name.ident.to_string());
                }
                syn::UseTree::Rename(rename) => {
                    out.insert(rename.rename.to_string());
                }
                syn::UseTree::Group(group) => {
                    group.items.iter().for_each(|tree| use_leaves(tree, out))
                }
                syn::UseTree::Glob(_) => panic!("a glob export hides which names it exports"),
            }
        }
        /// The `fn` names of every `impl <type> { ... }` in a macro's body.
        fn macro_methods(
            tokens: proc_macro2::TokenStream,
            methods: &mut std::collections::BTreeMap<String, BTreeSet<String>>,
        ) {
            use proc_macro2::{Delimiter, TokenTree};
            let tokens: Vec<TokenTree> = tokens.into_iter().collect();
            for (i, token) in tokens.iter().enumerate() {
                match (token, tokens.get(i + 1), tokens.get(i + 2)) {
                    (
                        TokenTree::Ident(keyword),
                        Some(TokenTree::Ident(ty)),
                        Some(TokenTree::Group(body)),
                    ) if keyword == "impl" && body.delimiter() == Delimiter::Brace => {
                        let names = methods.entry(ty.to_string()).or_default();
                        let body: Vec<TokenTree> = body.stream().into_iter().collect();
                        for pair in body.windows(2) {
                            if let [TokenTree::Ident(f), TokenTree::Ident(name)] = pair {
                                if f == "fn" {
                                    names.insert(name.to_string());
                                }
                            }
                        }
                    }
                    (TokenTree::Group(group), _, _) => macro_methods(group.stream(), methods),
                    _ => {}
                }
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src");
        let mut methods = std::collections::BTreeMap::new();
        let mut exports = BTreeSet::new();
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).expect("the runtime directory is readable") {
            let path = entry.expect("a runtime file").path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("a runtime file is readable");
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for item in &file.items {
                match item {
                    syn::Item::Macro(mac) if mac.ident.as_ref().is_some_and(|i| i == "client") => {
                        macro_methods(mac.mac.tokens.clone(), &mut methods);
                    }
                    syn::Item::Use(export)
                        if path.ends_with("lib.rs")
                            && matches!(export.vis, syn::Visibility::Public(_)) =>
                    {
                        use_leaves(&export.tree, &mut exports);
                    }
                    _ => {}
                }
            }
        }
        assert!(
            files >= 12,
            "the runtime's files were not found in {}",
            dir.display()
        );
        let builder = methods.remove("ClientBuilder").unwrap_or_default();
        let client = methods.remove("Client").unwrap_or_default();
        assert!(!builder.is_empty(), "the `client!` macro was not found");
        (builder, client, exports)
    }

    #[test]
    fn every_method_of_a_call_type_is_reserved() {
        /// Every `fn` name in a token tree.
        fn functions(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
            use proc_macro2::TokenTree;
            let tokens: Vec<TokenTree> = tokens.into_iter().collect();
            for pair in tokens.windows(2) {
                if let [TokenTree::Ident(f), TokenTree::Ident(name)] = pair {
                    if f == "fn" {
                        out.insert(name.to_string());
                    }
                }
            }
            for token in tokens {
                if let TokenTree::Group(group) = token {
                    functions(group.stream(), out);
                }
            }
        }
        let text = include_str!("../../runtime/src/operation_call.rs");
        let file = syn::parse_file(text).expect("the runtime's operation_call.rs parses");
        let mut names = BTreeSet::new();
        for item in &file.items {
            if let syn::Item::Macro(mac) = item {
                functions(mac.mac.tokens.clone(), &mut names);
            }
        }
        // A trait's method, called through the trait by `.await`: no setter can shadow it.
        names.remove("into_future");
        assert!(
            names.contains("timeout"),
            "the macro was not read: {names:?}"
        );
        for name in &names {
            assert!(
                RUNTIME_CALL_METHODS.contains(&name.as_str()),
                "`{name}` of `operation_call!` is not in RUNTIME_CALL_METHODS"
            );
        }
    }

    #[test]
    fn every_runtime_name_is_reserved() {
        let (builder, client, exports) = runtime_names();
        let listed = |names: &[&str]| {
            names
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<BTreeSet<_>>()
        };
        // Each list is exactly what the runtime defines: a name the runtime gains fails here
        // until the generator stops handing it out, and a name it drops stops being reserved.
        assert_eq!(
            builder,
            listed(RUNTIME_BUILDER_METHODS),
            "update RUNTIME_BUILDER_METHODS"
        );
        assert_eq!(
            client,
            listed(RUNTIME_CLIENT_METHODS),
            "update RUNTIME_CLIENT_METHODS"
        );
        let mut expected = listed(RUNTIME_EXPORTS);
        expected.extend(listed(CLIENT_TYPES));
        assert_eq!(exports, expected, "update RUNTIME_EXPORTS");
        let mut methods = builder_methods();
        for name in &builder {
            assert!(
                methods.contains(name),
                "builder method `{name}` is not reserved"
            );
            assert_ne!(&methods.claim_with(name, &[PROVIDER_SUFFIX]), name);
        }
        let mut modules = group_modules();
        for name in &client {
            assert_ne!(&modules.claim(name), name, "client method `{name}`");
        }
        for name in &exports {
            assert_ne!(&type_name(name), name, "runtime export `{name}`");
        }
    }

    #[test]
    fn every_dependency_of_the_generated_crate_is_a_reserved_module() {
        let manifest = include_str!("../../templates/Cargo.toml.j2");
        let dependencies = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .expect("the template has a [dependencies] table");
        let mut modules = group_modules();
        let mut count = 0;
        for line in dependencies.lines() {
            let Some((name, _)) = line.split_once(" = ") else {
                continue;
            };
            count += 1;
            let module = name.trim().replace('-', "_");
            assert_ne!(modules.claim(&module), module, "dependency `{module}`");
        }
        assert!(count >= 7, "{count} dependencies found in the template");
        // The runtime's line is filled in from the options.
        assert!(dependencies.contains("{{ runtime_dependency }}"));
        assert_ne!(modules.claim("sdkgen_runtime"), "sdkgen_runtime");
    }

    #[test]
    fn collisions_get_numbered_in_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim(&type_name("foo-bar")), "FooBar");
        assert_eq!(scope.claim(&type_name("foo_bar")), "FooBar2");
        assert_eq!(scope.claim(&type_name("FooBar")), "FooBar3");
        let mut fields = Scope::default();
        assert_eq!(fields.claim("r#type"), "r#type");
        assert_eq!(fields.claim("r#type"), "type2");
    }

    #[test]
    fn numbering_skips_names_taken_between_claims() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("Foo"), "Foo");
        assert_eq!(scope.claim("Foo"), "Foo2");
        scope.reserve(&["Foo3", "Foo5"]);
        assert_eq!(scope.claim("Foo"), "Foo4");
        assert_eq!(scope.claim("Foo"), "Foo6");
        // A name derived by a suffix does not hold up the plain numbering.
        assert_eq!(scope.claim_with("Bar", &["Provider"]), "Bar");
        scope.reserve(&["Bar2Provider"]);
        assert_eq!(scope.claim_with("Bar", &["Provider"]), "Bar3");
        assert_eq!(scope.claim("Bar"), "Bar2");
    }
}
