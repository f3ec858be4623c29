//! The one place where spec names become Rust identifiers: case conversion, keywords, collisions.

use std::collections::BTreeSet;

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

/// Type names that would shadow the prelude or the types generated code itself refers to.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Client",
    "ClientBuilder",
    "Error",
    "ByteStream",
    "Call",
    "Response",
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
    if RESERVED_TYPES.contains(&name.as_str()) {
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
/// is not an ASCII letter or digit a word break, so `heck` sees words.
fn ascii_words(raw: &str) -> String {
    deunicode::deunicode(raw)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Hands out names unique within one scope: a second `FooBar` becomes `FooBar2`, then `FooBar3`.
/// Callers feed names in document order, so the outcome is deterministic.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `candidate`, or the first free numbered variant of it.
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        let base = candidate.strip_prefix("r#").unwrap_or(candidate);
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|name| self.taken.insert(name.clone()))
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
    }

    /// Whether `name` is already taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
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
    fn collisions_get_numbered_in_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim(&type_name("foo-bar")), "FooBar");
        assert_eq!(scope.claim(&type_name("foo_bar")), "FooBar2");
        assert_eq!(scope.claim(&type_name("FooBar")), "FooBar3");
        let mut fields = Scope::default();
        assert_eq!(fields.claim("r#type"), "r#type");
        assert_eq!(fields.claim("r#type"), "type2");
    }
}
