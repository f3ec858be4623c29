//! The naming pass: every type's Rust name, chosen once the types are final (split, merged,
//! orphans dropped), from what lowering recorded of each ([`Naming`]), so that a name depends on
//! what a type is and where it sits, never on the order the document lists things in.
//!
//! Components keep their own names. Every other type takes the first of its candidates that no
//! other type takes: its title, then its title after the name of the type it sits in
//! (`MetricsApiFilterByFieldEmptyFilters`), then the name its place gives it (`KeySet`, the
//! `set` property of `Key`), then that name with the word for its role (`KeySetProperty`).
//! Types nearer the document's top level choose first, as a child's names start with its
//! parent's; types choosing together that want the same name all move on to their next one, and
//! a title several types carry goes to none of them, so no type gets a bare name that another
//! type of the document could equally claim. Only a type whose every candidate is taken gets a
//! number; [`NumberedName`] says which, and generation reports them.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, NameSource, Note, NumberedName, TypeId, TypeKind, TypeRef};
use crate::naming::{type_name, variant_name, Scope};

/// Type names generated code must not shadow beyond those `type_name` already avoids.
pub const RESERVED: &[&str] = &["BTreeMap"];

/// Names every type and every untagged union's variants, and writes the docs' notes.
pub fn assign(api: &mut Api) {
    let (names, numbered) = choose(api);
    for (def, name) in api.types.iter_mut().zip(names) {
        def.name = name;
    }
    api.numbered = numbered;
    name_variants(api);
    write_notes(api);
}

/// Each type's name, and those that had to be numbered.
fn choose(api: &Api) -> (Vec<String>, Vec<NumberedName>) {
    let count = api.types.len();
    let mut chosen: Vec<Option<String>> = vec![None; count];
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut numbered = Vec::new();
    // Components first, under the names lowering claimed for them (two keys that are one name
    // in Rust, `foo_bar` and `FooBar`, were told apart there by a number).
    for (i, def) in api.types.iter().enumerate() {
        if let NameSource::Component = def.naming.source {
            let name = def.naming.preferred.clone();
            let key = def
                .pointer
                .strip_prefix("/components/schemas/")
                .map(crate::adapter::unescape);
            if let Some(key) = key.filter(|key| type_name(key) != name) {
                numbered.push(NumberedName {
                    name: name.clone(),
                    pointer: def.pointer.clone(),
                    wanted: vec![type_name(&key)],
                });
            }
            taken.insert(name.clone());
            chosen[i] = Some(name);
        }
    }
    // A name several types prefer (a title they share) goes to none of them.
    let mut preferred: BTreeMap<&str, usize> = BTreeMap::new();
    for def in &api.types {
        if !matches!(def.naming.source, NameSource::Component) {
            *preferred.entry(def.naming.preferred.as_str()).or_default() += 1;
        }
    }
    let shared: BTreeSet<String> = preferred
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(name, _)| name.to_owned())
        .collect();
    let depths = depths(api);
    let deepest = depths.iter().copied().max().unwrap_or(0);
    for depth in 1..=deepest {
        let ids: Vec<usize> = (0..count)
            .filter(|&i| depths[i] == depth && chosen[i].is_none())
            .collect();
        // Each type's candidates, and the one it is at.
        let mut pending: Vec<(usize, Vec<String>, usize)> = ids
            .iter()
            .map(|&i| (i, candidates(api, i, &chosen), 0))
            .collect();
        while !pending.is_empty() {
            let mut wanted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (k, (_, candidates, at)) in pending.iter().enumerate() {
                if let Some(name) = candidates.get(*at) {
                    wanted.entry(name.as_str()).or_default().push(k);
                }
            }
            let mut settled: Vec<(usize, String)> = Vec::new();
            let mut moving: Vec<usize> = Vec::new();
            for (name, who) in &wanted {
                let first_and_shared =
                    who.iter().any(|&k| pending[k].2 == 0) && shared.contains(*name);
                if who.len() == 1 && !taken.contains(*name) && !first_and_shared {
                    settled.push((who[0], (*name).to_owned()));
                } else {
                    moving.extend(who);
                }
            }
            for (k, name) in &settled {
                taken.insert(name.clone());
                chosen[pending[*k].0] = Some(name.clone());
            }
            for &k in &moving {
                pending[k].2 += 1;
            }
            // Those out of candidates are numbered, in an order of their own (by where they
            // are), not the document's.
            let mut out: Vec<usize> = (0..pending.len())
                .filter(|&k| pending[k].2 >= pending[k].1.len() && chosen[pending[k].0].is_none())
                .collect();
            out.sort_by(|&a, &b| {
                let (a, b) = (pending[a].0, pending[b].0);
                (&api.types[a].pointer, a).cmp(&(&api.types[b].pointer, b))
            });
            for k in out {
                let (i, candidates, _) = &pending[k];
                let base = candidates
                    .last()
                    .cloned()
                    .unwrap_or_else(|| "Value".to_owned());
                let name = (2..)
                    .map(|n| format!("{base}{n}"))
                    .find(|name| !taken.contains(name))
                    .unwrap_or_else(|| {
                        unreachable!("an unbounded range always yields a free name")
                    });
                taken.insert(name.clone());
                numbered.push(NumberedName {
                    name: name.clone(),
                    pointer: api.types[*i].pointer.clone(),
                    wanted: candidates.clone(),
                });
                chosen[*i] = Some(name);
            }
            pending.retain(|(i, _, _)| chosen[*i].is_none());
        }
    }
    numbered.sort_by(|a, b| a.name.cmp(&b.name));
    let names = chosen
        .into_iter()
        .map(|name| name.unwrap_or_else(|| "Value".to_owned()))
        .collect();
    (names, numbered)
}

/// The parent type of type `i`, when it sits in one that is still there.
fn parent(api: &Api, i: usize) -> Option<usize> {
    match &api.types[i].naming.source {
        NameSource::Placed { place, .. } => match place.parent {
            Some(TypeRef::Named(TypeId(p))) if p < api.types.len() => Some(p),
            _ => None,
        },
        NameSource::Component => None,
    }
}

/// How deep each type sits: components at 0, a type in no other type (under an operation) at
/// 1, a type in another one deeper than it. A chain of parents that loops (a type merged into
/// one sitting in it) is cut where it was entered, which then counts as sitting in no type.
fn depths(api: &Api) -> Vec<usize> {
    let count = api.types.len();
    let mut depths: Vec<Option<usize>> = vec![None; count];
    for start in 0..count {
        // Up the parents to a type whose depth is known, recording the way.
        let mut chain: Vec<usize> = Vec::new();
        let mut at = start;
        let (base, lead) = loop {
            if let Some(known) = depths[at] {
                break (known, chain.len());
            }
            if let Some(entered) = chain.iter().position(|&c| c == at) {
                depths[at] = Some(1);
                // The loop beyond `at` hangs from it; the way in hangs from `at` too.
                for (n, &i) in chain[entered + 1..].iter().rev().enumerate() {
                    depths[i] = Some(2 + n);
                }
                break (1, entered);
            }
            chain.push(at);
            if let NameSource::Component = api.types[at].naming.source {
                depths[at] = Some(0);
                chain.pop();
                break (0, chain.len());
            }
            match parent(api, at) {
                Some(p) => at = p,
                None => {
                    depths[at] = Some(1);
                    chain.pop();
                    break (1, chain.len());
                }
            }
        };
        for (n, &i) in chain[..lead].iter().rev().enumerate() {
            depths[i] = Some(base + n + 1);
        }
    }
    depths.into_iter().map(Option::unwrap_or_default).collect()
}

/// The names type `i` may take, best first.
fn candidates(api: &Api, i: usize, chosen: &[Option<String>]) -> Vec<String> {
    let def = &api.types[i];
    let NameSource::Placed { title, place } = &def.naming.source else {
        return vec![def.naming.preferred.clone()];
    };
    let parent_name = parent(api, i)
        .and_then(|p| chosen[p].clone())
        .unwrap_or_else(|| place.parent_preferred.clone());
    let from_place = type_name(&format!("{parent_name}{}", place.suffix));
    let mut out = Vec::new();
    if let Some(title) = title {
        let title = type_name(title);
        out.push(title.clone());
        // After the type it sits in, unless the title already says it (`KeySet` in `Key`).
        if place.parent.is_some() && !title.starts_with(&parent_name) {
            out.push(type_name(&format!("{parent_name}{title}")));
        }
    }
    out.push(from_place.clone());
    if let Some(role) = &place.role {
        if !from_place.ends_with(role.as_str()) {
            out.push(type_name(&format!("{from_place}{role}")));
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|name| seen.insert(name.clone()));
    out
}

/// Untagged variants are named after their label, or their type's preferred name (a scalar's
/// kind), unique within their union. A type named from its place in the union
/// (`InstanceStateCreating`) gives its variant the rest of its name (`Creating`).
fn name_variants(api: &mut Api) {
    let preferred: Vec<String> = api
        .types
        .iter()
        .map(|t| t.naming.preferred.clone())
        .collect();
    for def in &mut api.types {
        let union = def.naming.preferred.as_str();
        if let TypeKind::Untagged { variants } = &mut def.kind {
            let mut scope = Scope::default();
            for variant in variants {
                let candidate = match &variant.label {
                    Some(label) => label.clone(),
                    None => kind_name(&variant.ty, &preferred),
                };
                let candidate = match candidate.strip_prefix(union) {
                    Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => {
                        variant_name(rest)
                    }
                    _ => candidate,
                };
                variant.name = scope.claim(&candidate);
            }
        }
    }
}

/// What a variant holding `ty` is called: a named type's preferred name, else its kind.
fn kind_name(ty: &TypeRef, preferred: &[String]) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::Named(id) => preferred
            .get(id.0)
            .cloned()
            .unwrap_or_else(|| "Value".into()),
        TypeRef::List(_) => "List".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Nullable(inner) => kind_name(inner, preferred),
    }
}

/// Writes each type's notes into its doc, now that every type has its name.
fn write_notes(api: &mut Api) {
    let name = |api: &Api, ty: &TypeRef| match ty {
        TypeRef::Named(id) if id.0 < api.types.len() => Some(api.types[id.0].name.clone()),
        _ => None,
    };
    for i in 0..api.types.len() {
        if api.types[i].notes.is_empty() {
            continue;
        }
        let mut doc = api.types[i].doc.clone();
        let target = match &api.types[i].kind {
            TypeKind::Alias { target } => name(api, target),
            _ => None,
        };
        for note in &api.types[i].notes {
            doc = Some(match note {
                Note::AliasOf(key) => match &target {
                    Some(target) => format!("`{key}`: another name for `{target}`."),
                    None => format!("`{key}`: another name for the type it refers to."),
                },
                Note::MemberOf { variant, union } => match doc {
                    Some(doc) => doc,
                    None => format!(
                        "The `{variant}` member of `{}`, with the properties beside it.",
                        name(api, union).unwrap_or_else(|| "its union".to_owned())
                    ),
                },
                Note::CombinationOf { union, labels } => format!(
                    "`{}` as {labels}: their properties and those beside them.",
                    name(api, union).unwrap_or_else(|| "Its type".to_owned())
                ),
                Note::RequestSideOf(original) => format!(
                    "{} (as sent in requests: without the fields only servers set)",
                    doc.or_else(|| name(api, original))
                        .unwrap_or_else(|| "This type".to_owned())
                ),
                Note::SameAs => {
                    let note = format!(
                        "The same type as `{}`, whose shape this schema repeats.",
                        target.clone().unwrap_or_default()
                    );
                    match doc {
                        Some(doc) => format!("{doc}\n\n{note}"),
                        None => note,
                    }
                }
            });
        }
        api.types[i].doc = doc;
    }
}
