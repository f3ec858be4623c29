//! The public API of a generated crate as data: every public item of its source files with what
//! its users depend on (a field's type, a variant's payload, a method's signature, the traits a
//! type implements, the Cargo features gating it), read back from the files with `syn`, so two
//! generations can be compared: the stability test (`generator/tests/names.rs`) and
//! `cargo xtask semver`, which lists the breaking changes between them.
//!
//! The runtime (`src/runtime/`) is left out: it is copied verbatim whatever the document says,
//! and its exports are listed by name.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::punctuated::Punctuated;

use crate::emit::File;

/// What a public item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A public module (`keys`).
    Module,
    /// A name the crate root re-exports (`Client`).
    Reexport,
    /// A struct (`models::Key`).
    Struct,
    /// A struct's public field (`models::Key.id`).
    Field,
    /// An enum (`models::KeyState`).
    Enum,
    /// An enum's variant (`models::KeyState::Creating`).
    Variant,
    /// A type alias (`models::Alias`).
    Alias,
    /// A free function (`webhooks::new_pet()`).
    Function,
    /// A public method of a type (`keys::Keys::create_key()`).
    Method,
    /// A trait a type implements, derived or written (`models::Key: Clone`).
    Impl,
    /// A public trait (`keys::KeysApi`); its methods are `Method`s.
    Trait,
}

impl Kind {
    /// How a report names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Module => "module",
            Kind::Reexport => "re-export",
            Kind::Struct => "struct",
            Kind::Field => "field",
            Kind::Enum => "enum",
            Kind::Variant => "variant",
            Kind::Alias => "type alias",
            Kind::Function => "function",
            Kind::Method => "method",
            Kind::Impl => "trait impl",
            Kind::Trait => "trait",
        }
    }

    /// Whether it stands on its own in a module (not a member of a type).
    fn is_top_level(self) -> bool {
        matches!(
            self,
            Kind::Struct | Kind::Enum | Kind::Alias | Kind::Function | Kind::Module | Kind::Trait
        )
    }
}

/// One public item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What it is.
    pub kind: Kind,
    /// What users depend on, as Rust: a field's type, a variant's payload, a method's
    /// signature (its parameters' types, not their names), an alias's target.
    pub signature: String,
    /// The `cfg` conditions it is compiled under (its module's and its own), empty when always.
    pub gate: String,
}

/// Public items by path: `models::Key`, `models::Key.id`, `models::KeyState::Creating`,
/// `models::KeyStatus::as_str()`, `models::Key: Clone`, `keys::Keys::create_key()`.
pub type Surface = BTreeMap<String, Item>;

/// The public API of a crate's files (as the generator emits them, or read from its directory).
pub fn of(files: &[File]) -> Result<Surface, String> {
    let by_path: BTreeMap<&str, &str> = files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();
    let lib = by_path
        .get("src/lib.rs")
        .ok_or_else(|| "the crate has no src/lib.rs".to_owned())?;
    let lib = parse("src/lib.rs", lib)?;
    let mut surface = Surface::new();
    let mut modules: BTreeMap<String, (bool, String)> = BTreeMap::new();
    for item in &lib.items {
        match item {
            syn::Item::Mod(module) if module.content.is_none() => {
                let name = module.ident.to_string();
                let public = matches!(module.vis, syn::Visibility::Public(_));
                let gate = gate(&module.attrs);
                if public {
                    surface.insert(
                        name.clone(),
                        Item {
                            kind: Kind::Module,
                            signature: format!("mod {name}"),
                            gate: gate.clone(),
                        },
                    );
                }
                modules.insert(name, (public, gate));
            }
            syn::Item::Use(reexport) if matches!(reexport.vis, syn::Visibility::Public(_)) => {
                let mut names = Vec::new();
                use_names(&reexport.tree, String::new(), &mut names);
                for (name, path) in names {
                    surface.insert(
                        name,
                        Item {
                            kind: Kind::Reexport,
                            signature: format!("pub use {path}"),
                            gate: gate(&reexport.attrs),
                        },
                    );
                }
            }
            _ => {}
        }
    }
    let mut walker = Walker {
        surface,
        module: String::new(),
        public: true,
        gate: String::new(),
    };
    walker.items(&lib.items);
    for (name, (public, gate)) in &modules {
        if name == "runtime" {
            continue;
        }
        let path = format!("src/{name}.rs");
        let Some(text) = by_path.get(path.as_str()) else {
            continue;
        };
        let file = parse(&path, text)?;
        walker.module = name.clone();
        walker.public = *public;
        walker.gate = gate.clone();
        walker.items(&file.items);
    }
    Ok(walker.surface)
}

fn parse(path: &str, text: &str) -> Result<syn::File, String> {
    syn::parse_file(text).map_err(|e| format!("{path}: {e}"))
}

/// The names a `use` tree brings in, with the paths they come from.
fn use_names(tree: &syn::UseTree, prefix: String, out: &mut Vec<(String, String)>) {
    match tree {
        syn::UseTree::Path(path) => use_names(&path.tree, format!("{prefix}{}::", path.ident), out),
        syn::UseTree::Name(name) => {
            out.push((name.ident.to_string(), format!("{prefix}{}", name.ident)))
        }
        syn::UseTree::Rename(rename) => out.push((
            rename.rename.to_string(),
            format!("{prefix}{} as {}", rename.ident, rename.rename),
        )),
        syn::UseTree::Glob(_) => out.push((format!("{prefix}*"), format!("{prefix}*"))),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_names(tree, prefix.clone(), out);
            }
        }
    }
}

struct Walker {
    surface: Surface,
    /// The module being read (`models`), empty at the crate root.
    module: String,
    /// Whether its items can be named from outside (a private module's impls on public types
    /// still count).
    public: bool,
    /// Its `cfg` conditions.
    gate: String,
}

impl Walker {
    fn path(&self, name: &str) -> String {
        if self.module.is_empty() {
            name.to_owned()
        } else {
            format!("{}::{name}", self.module)
        }
    }

    fn gate(&self, attrs: &[syn::Attribute]) -> String {
        let own = gate(attrs);
        match (self.gate.is_empty(), own.is_empty()) {
            (true, _) => own,
            (_, true) => self.gate.clone(),
            _ => format!("{} {own}", self.gate),
        }
    }

    fn add(&mut self, path: String, kind: Kind, signature: String, gate: String) {
        self.surface.insert(
            path,
            Item {
                kind,
                signature,
                gate,
            },
        );
    }

    fn items(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Struct(s) if self.public && is_pub(&s.vis) && !doctest(&s.attrs) => {
                    let path = self.path(&s.ident.to_string());
                    let gate = self.gate(&s.attrs);
                    let signature = format!("struct {}{}", s.ident, tokens(&s.generics));
                    self.add(path.clone(), Kind::Struct, signature, gate.clone());
                    self.derives(&path, &s.attrs, &gate);
                    for (i, field) in s.fields.iter().enumerate() {
                        if !is_pub(&field.vis) {
                            continue;
                        }
                        let name = field
                            .ident
                            .as_ref()
                            .map_or_else(|| i.to_string(), ToString::to_string);
                        self.add(
                            format!("{path}.{name}"),
                            Kind::Field,
                            tokens(&field.ty),
                            gate.clone(),
                        );
                    }
                }
                syn::Item::Enum(e) if self.public && is_pub(&e.vis) => {
                    let path = self.path(&e.ident.to_string());
                    let gate = self.gate(&e.attrs);
                    let signature = format!("enum {}{}", e.ident, tokens(&e.generics));
                    self.add(path.clone(), Kind::Enum, signature, gate.clone());
                    self.derives(&path, &e.attrs, &gate);
                    for variant in &e.variants {
                        self.add(
                            format!("{path}::{}", variant.ident),
                            Kind::Variant,
                            format!("{}{}", variant.ident, tokens(&variant.fields)),
                            gate.clone(),
                        );
                    }
                }
                syn::Item::Type(t) if self.public && is_pub(&t.vis) => {
                    let path = self.path(&t.ident.to_string());
                    let signature = format!(
                        "type {}{} = {}",
                        t.ident,
                        tokens(&t.generics),
                        tokens(&t.ty)
                    );
                    let gate = self.gate(&t.attrs);
                    self.add(path, Kind::Alias, signature, gate);
                }
                syn::Item::Fn(f) if self.public && is_pub(&f.vis) => {
                    let path = format!("{}()", self.path(&f.sig.ident.to_string()));
                    let gate = self.gate(&f.attrs);
                    self.add(path, Kind::Function, signature(&f.sig), gate);
                }
                syn::Item::Impl(i) => self.implementation(i),
                syn::Item::Trait(t) if self.public && is_pub(&t.vis) => {
                    let path = self.path(&t.ident.to_string());
                    let gate = self.gate(&t.attrs);
                    let declared = format!("trait {}{}", t.ident, tokens(&t.generics));
                    self.add(path.clone(), Kind::Trait, declared, gate.clone());
                    for item in &t.items {
                        if let syn::TraitItem::Fn(f) = item {
                            // A method without a default is one more for every implementor.
                            let required = if f.default.is_none() {
                                " (required)"
                            } else {
                                ""
                            };
                            self.add(
                                format!("{path}::{}()", f.sig.ident),
                                Kind::Method,
                                format!("{}{required}", signature(&f.sig)),
                                gate.clone(),
                            );
                        }
                    }
                }
                // An operation's call type, which the runtime's macro declares: the struct,
                // its types as written (success, error, params), and the traits it gets.
                syn::Item::Macro(m)
                    if self.public
                        && m.mac
                            .path
                            .segments
                            .last()
                            .is_some_and(|s| s.ident == "operation_call") =>
                {
                    let tokens: Vec<proc_macro2::TokenTree> =
                        m.mac.tokens.clone().into_iter().collect();
                    let mut rest = tokens.as_slice();
                    // Doc attributes: `#` and a bracketed group.
                    while let [proc_macro2::TokenTree::Punct(p), proc_macro2::TokenTree::Group(_), tail @ ..] =
                        rest
                    {
                        if p.as_char() != '#' {
                            break;
                        }
                        rest = tail;
                    }
                    let Some(proc_macro2::TokenTree::Ident(name)) = rest.first() else {
                        continue;
                    };
                    let path = self.path(&name.to_string());
                    let gate = self.gate(&m.attrs);
                    let declared: proc_macro2::TokenStream = rest.iter().cloned().collect();
                    self.add(
                        path.clone(),
                        Kind::Struct,
                        format!("struct {}", compact(&declared.to_string())),
                        gate.clone(),
                    );
                    for name in ["Debug", "IntoFuture"] {
                        self.add(
                            format!("{path}: {name}"),
                            Kind::Impl,
                            format!("impl {name}"),
                            gate.clone(),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    /// Each derived trait is an impl of its own: adding one is no change, removing one is.
    fn derives(&mut self, path: &str, attrs: &[syn::Attribute], gate: &str) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let Ok(traits) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            for name in traits {
                let name = trait_name(&name);
                self.add(
                    format!("{path}: {name}"),
                    Kind::Impl,
                    format!("impl {name}"),
                    gate.to_owned(),
                );
            }
        }
    }

    fn implementation(&mut self, i: &syn::ItemImpl) {
        let Some(owner) = self_path(&i.self_ty, &self.module) else {
            return;
        };
        let gate = self.gate(&i.attrs);
        if let Some((_, name, _)) = &i.trait_ {
            let name = trait_name(name);
            self.add(
                format!("{owner}: {name}"),
                Kind::Impl,
                format!("impl {name}"),
                gate,
            );
            return;
        }
        for item in &i.items {
            if let syn::ImplItem::Fn(f) = item {
                if !is_pub(&f.vis) {
                    continue;
                }
                let gate = match (gate.is_empty(), self::gate(&f.attrs)) {
                    (_, own) if own.is_empty() => gate.clone(),
                    (true, own) => own,
                    (false, own) => format!("{gate} {own}"),
                };
                self.add(
                    format!("{owner}::{}()", f.sig.ident),
                    Kind::Method,
                    signature(&f.sig),
                    gate,
                );
            }
        }
    }
}

/// A trait by its last name, without generics, whether derived or written out (`Debug` for
/// `std::fmt::Debug`, `Deserialize` for `serde::Deserialize<'de>`).
fn trait_name(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The path an impl's type is named by from outside: `crate::models::Key` is `models::Key`,
/// `crate::Client` is `Client`, `Keys<'a>` in `keys` is `keys::Keys`.
fn self_path(ty: &syn::Type, module: &str) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments.split_first() {
        Some((first, rest)) if first == "crate" => Some(rest.join("::")),
        Some(_) if module.is_empty() => Some(segments.join("::")),
        Some(_) => Some(format!("{module}::{}", segments.join("::"))),
        None => None,
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Whether an item is compiled only for doctests (the group docs' holders).
fn doctest(attrs: &[syn::Attribute]) -> bool {
    gate(attrs).contains("doctest")
}

/// The `cfg` attributes among `attrs`, as written.
fn gate(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| compact(&a.meta.to_token_stream().to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A function's signature as callers see it: qualifiers, generics, the receiver, the
/// parameters' types (their names are the function's own business) and the result.
fn signature(sig: &syn::Signature) -> String {
    let inputs: Vec<String> = sig
        .inputs
        .iter()
        .map(|input| match input {
            syn::FnArg::Receiver(receiver) => tokens(receiver),
            syn::FnArg::Typed(typed) => tokens(&typed.ty),
        })
        .collect();
    let qualifiers = [
        sig.constness.is_some().then_some("const "),
        sig.asyncness.is_some().then_some("async "),
        sig.unsafety.is_some().then_some("unsafe "),
    ]
    .into_iter()
    .flatten()
    .collect::<String>();
    let output = match &sig.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, ty) => format!(" -> {}", tokens(ty)),
    };
    let clause = sig
        .generics
        .where_clause
        .as_ref()
        .map(|w| format!(" {}", tokens(w)))
        .unwrap_or_default();
    format!(
        "{qualifiers}fn {}{}({}){output}{clause}",
        sig.ident,
        tokens(&sig.generics),
        inputs.join(", ")
    )
}

fn tokens(node: &impl ToTokens) -> String {
    compact(&node.to_token_stream().to_string())
}

/// Token text without the spaces `proc_macro2` puts around punctuation (`Option<String>`, not
/// `Option < String >`).
fn compact(text: &str) -> String {
    let mut out = text.to_owned();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
        ("& ", "&"),
        ("' ", "'"),
        (" ;", ";"),
        (" (", "("),
        ("# ", "#"),
    ] {
        out = out.replace(from, to);
    }
    out.replace("->", " -> ").replace("  ", " ")
}

/// How one public item differs between two generations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The item's path in the old crate.
    pub path: String,
    /// What it is.
    pub kind: Kind,
    /// What happened to it.
    pub what: What,
    /// Whether code using the old crate may stop compiling.
    pub breaking: bool,
}

/// What happened to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// It is gone.
    Removed,
    /// It is under another name, the same otherwise (with its members).
    Renamed(String),
    /// Its signature changed (a field's type, a method's parameters).
    Changed {
        /// Before.
        from: String,
        /// After.
        to: String,
    },
    /// It is compiled under other Cargo features.
    Gated {
        /// Before.
        from: String,
        /// After.
        to: String,
    },
    /// It is new. A field of a struct that was there breaks struct literals, a variant of an
    /// enum that was there breaks exhaustive matches; anything else new breaks nothing.
    Added,
}

/// The differences from `old` to `new`, breaking ones first, each group in path order. An
/// item's members go with it: a removed struct is one change, not one per field.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let old_members = members(old);
    let new_members = members(new);
    let gone = |path: &str| old.contains_key(path) && !new.contains_key(path);
    let fresh = |path: &str| new.contains_key(path) && !old.contains_key(path);
    let removed: Vec<&String> = old
        .keys()
        .filter(|p| gone(p) && !owner_of(p).is_some_and(gone))
        .collect();
    let added: Vec<&String> = new
        .keys()
        .filter(|p| fresh(p) && !owner_of(p).is_some_and(fresh))
        .collect();
    let renames = renames(old, new, &old_members, &new_members, &removed, &added);
    let renamed_to: BTreeSet<&String> = renames.values().collect();
    let mut changes = Vec::new();
    for path in &removed {
        changes.push(Change {
            path: (*path).clone(),
            kind: old[*path].kind,
            what: match renames.get(*path) {
                Some(to) => What::Renamed(to.clone()),
                None => What::Removed,
            },
            breaking: true,
        });
    }
    let regated: BTreeSet<&String> = old
        .iter()
        .filter(|(p, item)| new.get(*p).is_some_and(|after| after.gate != item.gate))
        .map(|(p, _)| p)
        .collect();
    for (path, before) in old {
        let Some(after) = new.get(path) else { continue };
        let (what, breaking) = if before.signature != after.signature {
            let what = What::Changed {
                from: before.signature.clone(),
                to: after.signature.clone(),
            };
            (what, true)
        } else if before.gate != after.gate
            && !owner_of(path).is_some_and(|owner| regated.iter().any(|g| g.as_str() == owner))
        {
            let what = What::Gated {
                from: before.gate.clone(),
                to: after.gate.clone(),
            };
            (what, narrower(&before.gate, &after.gate))
        } else {
            continue;
        };
        changes.push(Change {
            path: path.clone(),
            kind: before.kind,
            what,
            breaking,
        });
    }
    for path in added {
        if renamed_to.contains(path) {
            continue;
        }
        let item = &new[path];
        let owner_existed = owner_of(path).is_some_and(|owner| old.contains_key(owner));
        let breaking = owner_existed && matches!(item.kind, Kind::Field | Kind::Variant);
        changes.push(Change {
            path: path.clone(),
            kind: item.kind,
            what: What::Added,
            breaking,
        });
    }
    changes.sort_by(|a, b| (!a.breaking, &a.path).cmp(&(!b.breaking, &b.path)));
    changes
}

/// The Cargo features a gate compiles an item under, any one of them sufficing; `None` for
/// always, or for a gate that says more than features (then compared as written).
fn features(gate: &str) -> Option<BTreeSet<&str>> {
    if gate.is_empty() || gate.matches("cfg(").count() != 1 {
        return None;
    }
    let inner = gate.strip_prefix("cfg(")?.strip_suffix(')')?;
    let inner = inner
        .strip_prefix("any(")
        .and_then(|i| i.strip_suffix(')'))
        .unwrap_or(inner);
    inner
        .split(", ")
        .map(|f| f.strip_prefix("feature = \"")?.strip_suffix('"'))
        .collect()
}

/// Whether an item compiles under fewer sets of features than before: gated where it was not,
/// or no longer under a feature it was under (one more feature opening it breaks nothing).
fn narrower(from: &str, to: &str) -> bool {
    match (from.is_empty(), to.is_empty()) {
        (_, true) => false,
        (true, false) => true,
        (false, false) => match (features(from), features(to)) {
            (Some(from), Some(to)) => !from.is_subset(&to),
            _ => true,
        },
    }
}

/// The item a member belongs to: `models::Key` for `models::Key.id`, `models::Key::as_str()`
/// and `models::Key: Clone`; the module for a top-level item.
fn owner_of(path: &str) -> Option<&str> {
    if let Some((owner, _)) = path.split_once(": ") {
        return Some(owner);
    }
    if let Some((owner, _)) = path.rsplit_once('.') {
        return Some(owner);
    }
    path.trim_end_matches("()")
        .rsplit_once("::")
        .map(|(owner, _)| owner)
}

/// Each item's members, by the item's path.
fn members(surface: &Surface) -> BTreeMap<&str, Vec<&String>> {
    let mut out: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for path in surface.keys() {
        if let Some(owner) = owner_of(path) {
            out.entry(owner).or_default().push(path);
        }
    }
    out
}

/// `text` with every whole-word `name` replaced by `Self`.
fn without_name(text: &str, name: &str) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_word) || after.is_some_and(is_word) {
            out.push_str(name);
        } else {
            out.push_str("Self");
        }
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    out
}

/// Removed top-level items matched to added ones of the same kind whose members are the same
/// (names aside): renames. Only one-to-one matches count.
fn renames(
    old: &Surface,
    new: &Surface,
    old_members: &BTreeMap<&str, Vec<&String>>,
    new_members: &BTreeMap<&str, Vec<&String>>,
    removed: &[&String],
    added: &[&String],
) -> BTreeMap<String, String> {
    type Shape = (Kind, Vec<(String, String)>);
    let shape = |surface: &Surface, members: &BTreeMap<&str, Vec<&String>>, path: &str| -> Shape {
        let name = path.rsplit("::").next().unwrap_or(path);
        let own = &surface[path];
        let mut parts = vec![(String::new(), without_name(&own.signature, name))];
        for member in members.get(path).into_iter().flatten() {
            parts.push((
                member[path.len()..].to_owned(),
                without_name(&surface[*member].signature, name),
            ));
        }
        (own.kind, parts)
    };
    let mut by_shape: BTreeMap<Shape, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for path in removed.iter().filter(|p| old[**p].kind.is_top_level()) {
        let key = shape(old, old_members, path);
        by_shape.entry(key).or_default().0.push((*path).clone());
    }
    for path in added.iter().filter(|p| new[**p].kind.is_top_level()) {
        if let Some(entry) = by_shape.get_mut(&shape(new, new_members, path)) {
            entry.1.push((*path).clone());
        }
    }
    by_shape
        .into_values()
        .filter_map(|(from, to)| match (from.as_slice(), to.as_slice()) {
            ([from], [to]) => Some((from.clone(), to.clone())),
            _ => None,
        })
        .collect()
}

/// A report of `changes`, for people: counts, then each breaking change, then the others.
pub fn report(changes: &[Change]) -> String {
    use std::fmt::Write as _;
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!(
        "{} public item(s) changed, {breaking} breaking\n",
        changes.len()
    );
    for (title, wanted) in [("breaking", true), ("compatible", false)] {
        let chosen: Vec<&Change> = changes.iter().filter(|c| c.breaking == wanted).collect();
        if chosen.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({}):", chosen.len());
        for change in chosen {
            let kind = change.kind.label();
            let line = match &change.what {
                What::Removed => format!("removed {kind} `{}`", change.path),
                What::Renamed(to) => format!("renamed {kind} `{}` to `{to}`", change.path),
                What::Changed { from, to } => {
                    format!("changed {kind} `{}`: `{from}` -> `{to}`", change.path)
                }
                What::Gated { from, to } => match (features(from), features(to)) {
                    (Some(before), Some(after)) => {
                        let list = |set: BTreeSet<&&str>| {
                            set.into_iter()
                                .map(|f| format!("`{f}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        let gained = list(after.iter().filter(|f| !before.contains(*f)).collect());
                        let lost = list(before.iter().filter(|f| !after.contains(*f)).collect());
                        let mut text = format!("{kind} `{}` compiled under", change.path);
                        if !gained.is_empty() {
                            text.push_str(&format!(" features {gained} too"));
                        }
                        if !lost.is_empty() {
                            if !gained.is_empty() {
                                text.push(',');
                            }
                            text.push_str(&format!(" no longer under {lost}"));
                        }
                        text
                    }
                    _ => format!(
                        "{kind} `{}` compiled under other features: `{}` -> `{}`",
                        change.path,
                        if from.is_empty() { "always" } else { from },
                        if to.is_empty() { "always" } else { to }
                    ),
                },
                What::Added if change.breaking && change.kind == Kind::Field => {
                    format!(
                        "added field `{}` (struct literals must name it)",
                        change.path
                    )
                }
                What::Added if change.breaking => format!(
                    "added variant `{}` (exhaustive matches must handle it)",
                    change.path
                ),
                What::Added => format!("added {kind} `{}`", change.path),
            };
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of(models: &str) -> Surface {
        let files = [
            File {
                path: "src/lib.rs".to_owned(),
                contents: "pub mod models;\n#[cfg(feature = \"pets\")]\npub mod pets;\nmod client;\npub use runtime::{Client, Error};\n".to_owned(),
            },
            File {
                path: "src/models.rs".to_owned(),
                contents: models.to_owned(),
            },
            File {
                path: "src/pets.rs".to_owned(),
                contents: "pub struct Pets<'a> { client: &'a crate::Client }\nimpl<'a> Pets<'a> {\n    pub fn get_pet(&self, pet_id: &str) -> crate::Call<crate::models::Pet> { todo!() }\n    fn hidden(&self) {}\n}\n".to_owned(),
            },
            File {
                path: "src/client.rs".to_owned(),
                contents: "impl crate::Client {\n    #[cfg(feature = \"pets\")]\n    pub fn pets(&self) -> crate::pets::Pets<'_> { todo!() }\n}\n".to_owned(),
            },
        ];
        of(&files).expect("parses")
    }

    const PET: &str = "#[derive(Debug, Clone)]\npub struct Pet {\n    pub name: String,\n    pub kind: Option<PetKind>,\n}\n#[derive(Debug, Clone, Copy)]\npub enum PetKind {\n    Cat,\n    Dog,\n}\nimpl PetKind {\n    pub const fn as_str(&self) -> &'static str { todo!() }\n}\nimpl std::fmt::Display for PetKind {\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { todo!() }\n}\n";

    #[test]
    fn public_items_are_read_with_what_users_depend_on() {
        let surface = crate_of(PET);
        let get = |path: &str| {
            surface
                .get(path)
                .map(|i| (i.signature.as_str(), i.gate.as_str()))
        };
        assert_eq!(get("models::Pet"), Some(("struct Pet", "")));
        assert_eq!(get("models::Pet.kind"), Some(("Option<PetKind>", "")));
        assert_eq!(get("models::PetKind::Cat"), Some(("Cat", "")));
        assert_eq!(get("models::PetKind: Display"), Some(("impl Display", "")));
        assert_eq!(get("models::PetKind: Copy"), Some(("impl Copy", "")));
        assert_eq!(
            get("models::PetKind::as_str()"),
            Some(("const fn as_str(&self) -> &'static str", ""))
        );
        // Parameter names are the method's own business; private methods are not API.
        assert_eq!(
            get("pets::Pets::get_pet()"),
            Some((
                "fn get_pet(&self, &str) -> crate::Call<crate::models::Pet>",
                "cfg(feature = \"pets\")"
            ))
        );
        assert!(!surface.contains_key("pets::Pets::hidden()"));
        assert_eq!(
            get("Client::pets()").map(|(_, g)| g),
            Some("cfg(feature = \"pets\")")
        );
        assert_eq!(get("Error"), Some(("pub use runtime::Error", "")));
    }

    #[test]
    fn call_types_and_group_traits_are_read() {
        let pets = "crate::runtime::operation_call! {\n    #[doc = \" A call.\"]\n    GetPetCall<crate::models::Pet, GetPetError>, GetPetParams\n}\nimpl GetPetCall {\n    fn apply(self) -> crate::Call<crate::models::Pet, GetPetError> { todo!() }\n    pub fn limit(mut self, limit: i64) -> Self { todo!() }\n}\npub trait PetsApi {\n    fn get_pet(&self, pet_id: &str, params: GetPetParams) -> impl std::future::Future<Output = ()> + Send { async {} }\n    fn must(&self);\n}\n";
        let files = [
            File {
                path: "src/lib.rs".to_owned(),
                contents: "pub mod pets;\n".to_owned(),
            },
            File {
                path: "src/pets.rs".to_owned(),
                contents: pets.to_owned(),
            },
        ];
        let surface = of(&files).expect("parses");
        let get = |path: &str| surface.get(path).map(|i| (i.kind, i.signature.as_str()));
        assert_eq!(
            get("pets::GetPetCall"),
            Some((
                Kind::Struct,
                "struct GetPetCall<crate::models::Pet, GetPetError>, GetPetParams"
            ))
        );
        assert!(surface.contains_key("pets::GetPetCall: IntoFuture"));
        assert_eq!(
            get("pets::GetPetCall::limit()"),
            Some((Kind::Method, "fn limit(mut self, i64) -> Self"))
        );
        assert!(!surface.contains_key("pets::GetPetCall::apply()"));
        assert_eq!(get("pets::PetsApi"), Some((Kind::Trait, "trait PetsApi")));
        assert_eq!(
            get("pets::PetsApi::get_pet()"),
            Some((
                Kind::Method,
                "fn get_pet(&self, &str, GetPetParams) -> impl std::future::Future<Output =()> + Send"
            ))
        );
        assert_eq!(
            get("pets::PetsApi::must()"),
            Some((Kind::Method, "fn must(&self) (required)"))
        );
    }

    fn changes(before: &str, after: &str) -> Vec<(String, What, bool)> {
        compare(&crate_of(before), &crate_of(after))
            .into_iter()
            .map(|c| (c.path, c.what, c.breaking))
            .collect()
    }

    #[test]
    fn changes_are_told_apart_breaking_or_not() {
        let after =
            PET.replace(
                "pub kind: Option<PetKind>,",
                "pub kind: PetKind,\n    pub age: Option<u32>,",
            )
            .replace("    Dog,\n", "    Dog,\n    Bird,\n")
            .replace(
                "#[derive(Debug, Clone, Copy)]",
                "#[derive(Debug, Clone, PartialEq)]",
            ) + "pub struct Owner {\n    pub name: String,\n}\n";
        assert_eq!(
            changes(PET, &after),
            vec![
                ("models::Pet.age".to_owned(), What::Added, true),
                (
                    "models::Pet.kind".to_owned(),
                    What::Changed {
                        from: "Option<PetKind>".to_owned(),
                        to: "PetKind".to_owned()
                    },
                    true
                ),
                ("models::PetKind: Copy".to_owned(), What::Removed, true),
                ("models::PetKind::Bird".to_owned(), What::Added, true),
                ("models::Owner".to_owned(), What::Added, false),
                ("models::PetKind: PartialEq".to_owned(), What::Added, false),
            ]
        );
    }

    #[test]
    fn a_type_under_another_name_is_a_rename_with_its_members() {
        let after = PET.replace("PetKind", "Species");
        assert_eq!(
            changes(PET, &after),
            vec![
                (
                    "models::Pet.kind".to_owned(),
                    What::Changed {
                        from: "Option<PetKind>".to_owned(),
                        to: "Option<Species>".to_owned()
                    },
                    true
                ),
                (
                    "models::PetKind".to_owned(),
                    What::Renamed("models::Species".to_owned()),
                    true
                ),
            ]
        );
    }

    #[test]
    fn a_type_gated_otherwise_is_one_change() {
        let after = PET.replace(
            "#[derive(Debug, Clone, Copy)]",
            "#[cfg(feature = \"pets\")]\n#[derive(Debug, Clone, Copy)]",
        );
        let found = changes(PET, &after);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "models::PetKind");
    }
}
