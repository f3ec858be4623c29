//! IR refinements that need every type and operation lowered first.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Constraints, TypeDef, TypeKind, TypeRef};

/// Runs the passes in order.
pub fn refine(api: &mut Api, problems: &mut Vec<(String, String)>) {
    drop_union_tags(api);
    apply_directions(api);
    drop_orphans(api);
    merge_identical(api);
    box_recursion(api);
    check_unboxable(api, problems);
    fill_known_fields(api);
    assign_features(api);
    api.sensitive_fields = api
        .types
        .iter()
        .flat_map(|t| {
            fields(t)
                .iter()
                .filter(|f| f.sensitive)
                .map(|f| f.json_name.clone())
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
}

fn fields(ty: &TypeDef) -> &[crate::ir::Field] {
    match &ty.kind {
        TypeKind::Struct { fields, .. } => fields,
        _ => &[],
    }
}

/// Every named type a type refers to directly, with whether the edge is by value.
fn edges(ty: &TypeDef) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    match &ty.kind {
        TypeKind::Struct {
            fields,
            additional,
            flattened,
        } => {
            for field in fields {
                collect_names(&field.ty, !field.boxed, &mut out);
            }
            out.extend(flattened.iter().map(|f| (f.ty.as_str(), true)));
            // A map holds its values on the heap: no edge by value.
            if let Some(additional) = additional {
                collect_names(&additional.ty, false, &mut out);
            }
        }
        TypeKind::Tagged { variants, .. } => {
            out.extend(variants.iter().map(|v| (v.ty.as_str(), true)))
        }
        TypeKind::Untagged { variants } => {
            for variant in variants {
                collect_names(&variant.ty, true, &mut out);
            }
        }
        TypeKind::Alias { target } => collect_names(target, true, &mut out),
        TypeKind::Enum { .. } => {}
    }
    out
}

fn collect_names<'a>(ty: &'a TypeRef, by_value: bool, out: &mut Vec<(&'a str, bool)>) {
    match ty {
        TypeRef::Named(name) => out.push((name, by_value)),
        TypeRef::List(inner) | TypeRef::Map(inner) => collect_names(inner, false, out),
        TypeRef::Nullable(inner) => collect_names(inner, by_value, out),
        _ => {}
    }
}

/// Members used only inside tagged unions lose their tag field: the union writes it.
fn drop_union_tags(api: &mut Api) {
    let mut tag_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ty in &api.types {
        if let TypeKind::Tagged { tag, variants } = &ty.kind {
            for variant in variants {
                tag_of
                    .entry(variant.ty.clone())
                    .or_default()
                    .insert(tag.clone());
            }
        }
    }
    // An alias names its target without using it: references go to the target directly.
    let used_elsewhere = referenced(api, |ty| {
        !matches!(ty.kind, TypeKind::Tagged { .. } | TypeKind::Alias { .. })
    });
    for ty in &mut api.types {
        let Some(tags) = tag_of.get(&ty.name) else {
            continue;
        };
        if tags.len() != 1 || used_elsewhere.contains(&ty.name) {
            continue;
        }
        if let TypeKind::Struct { fields, .. } = &mut ty.kind {
            fields.retain(|f| !tags.contains(&f.json_name));
        }
    }
}

/// Names referred to by operations and by the types `from` accepts.
fn referenced(api: &Api, from: impl Fn(&TypeDef) -> bool) -> BTreeSet<String> {
    let mut names = Vec::new();
    for ty in api.types.iter().filter(|t| from(t)) {
        names.extend(edges(ty));
    }
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for ty in operation_types(op) {
            collect_names(ty, true, &mut names);
        }
    }
    for ty in webhook_types(api) {
        collect_names(ty, true, &mut names);
    }
    names.into_iter().map(|(n, _)| n.to_owned()).collect()
}

/// The payload types of the webhooks: what the API sends, as a response is.
fn webhook_types(api: &Api) -> impl Iterator<Item = &TypeRef> {
    api.webhooks
        .iter()
        .filter_map(|w| w.payload.as_ref().map(|p| &p.ty))
}

fn operation_types(op: &crate::ir::Operation) -> impl Iterator<Item = &TypeRef> {
    op.params
        .iter()
        .map(|p| &p.ty)
        .chain(op.body.iter().flat_map(|b| b.types()))
        .chain(op.response_types())
}

/// Which types requests and responses reach. Request-only types lose `readOnly` fields,
/// response-only types lose `writeOnly` ones, and optional nullable fields of request types
/// become `Option<Option<T>>`.
fn apply_directions(api: &mut Api) {
    split_shared_types(api);
    let (requests, responses) = directions(api);
    for ty in &mut api.types {
        let in_request = requests.contains(&ty.name);
        let in_response = responses.contains(&ty.name);
        let TypeKind::Struct { fields, .. } = &mut ty.kind else {
            continue;
        };
        if in_request && !in_response {
            fields.retain(|f| !f.read_only);
        }
        if in_response && !in_request {
            fields.retain(|f| !f.write_only);
        }
        for field in fields {
            field.double_option = in_request && field.nullable && !field.required;
        }
    }
}

/// The named types requests reach and those responses reach.
fn directions(api: &Api) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        request_roots.extend(op.body.iter().flat_map(|b| b.types()).cloned());
        request_roots.extend(op.params.iter().map(|p| p.ty.clone()));
        response_roots.extend(op.response_types().cloned());
    }
    response_roots.extend(webhook_types(api).cloned());
    (
        reachable(api, &request_roots),
        reachable(api, &response_roots),
    )
}

/// A type both requests and responses use, whose `readOnly` or `writeOnly` fields would make
/// the two differ, becomes two: the response keeps the name, the request side gets a
/// `…Request` copy. Types on both sides that refer to a split type are split too, so the
/// request side refers only to request types.
fn split_shared_types(api: &mut Api) {
    let (requests, responses) = directions(api);
    let shared: BTreeSet<&String> = requests.intersection(&responses).collect();
    let mut split: BTreeSet<String> = api
        .types
        .iter()
        .filter(|t| {
            shared.contains(&t.name) && fields(t).iter().any(|f| f.read_only || f.write_only)
        })
        .map(|t| t.name.clone())
        .collect();
    loop {
        let before = split.len();
        for ty in api.types.iter().filter(|t| shared.contains(&t.name)) {
            if edges(ty).iter().any(|(name, _)| split.contains(*name)) {
                split.insert(ty.name.clone());
            }
        }
        if split.len() == before {
            break;
        }
    }
    if split.is_empty() {
        return;
    }
    let mut taken: BTreeSet<String> = api.types.iter().map(|t| t.name.clone()).collect();
    let renamed: BTreeMap<String, String> = split
        .iter()
        .map(|name| {
            let mut candidate = format!("{name}Request");
            let mut n = 2;
            while taken.contains(&candidate) {
                candidate = format!("{name}Request{n}");
                n += 1;
            }
            taken.insert(candidate.clone());
            (name.clone(), candidate)
        })
        .collect();
    let mut copies = Vec::new();
    for ty in api.types.iter().filter(|t| split.contains(&t.name)) {
        let mut copy = ty.clone();
        copy.name = renamed[&ty.name].clone();
        copy.doc = Some(format!(
            "{} (as sent in requests: without the fields only servers set)",
            ty.doc.clone().unwrap_or_else(|| ty.name.clone())
        ));
        copy.example = None;
        rename_refs(&mut copy.kind, &renamed);
        if let TypeKind::Struct { fields, .. } = &mut copy.kind {
            fields.retain(|f| !f.read_only);
        }
        copies.push(copy);
    }
    for ty in api.types.iter_mut().filter(|t| split.contains(&t.name)) {
        if let TypeKind::Struct { fields, .. } = &mut ty.kind {
            fields.retain(|f| !f.write_only);
        }
    }
    api.types.extend(copies);
    api.types.sort_by(|a, b| a.name.cmp(&b.name));
    for op in api.groups.iter_mut().flat_map(|g| &mut g.operations) {
        for ty in op.body.iter_mut().flat_map(|b| b.types_mut()) {
            rename_ref(ty, &renamed);
        }
        for param in &mut op.params {
            rename_ref(&mut param.ty, &renamed);
        }
    }
}

fn rename_refs(kind: &mut TypeKind, renamed: &BTreeMap<String, String>) {
    match kind {
        TypeKind::Struct {
            fields,
            additional,
            flattened,
        } => {
            fields
                .iter_mut()
                .for_each(|f| rename_ref(&mut f.ty, renamed));
            if let Some(additional) = additional {
                rename_ref(&mut additional.ty, renamed);
            }
            for union in flattened {
                if let Some(new) = renamed.get(&union.ty) {
                    union.ty = new.clone();
                }
            }
        }
        TypeKind::Tagged { variants, .. } => {
            for variant in variants {
                if let Some(new) = renamed.get(&variant.ty) {
                    variant.ty = new.clone();
                }
            }
        }
        TypeKind::Untagged { variants } => variants
            .iter_mut()
            .for_each(|v| rename_ref(&mut v.ty, renamed)),
        // Nothing refers to an alias, and it keeps naming the response side of a split type.
        TypeKind::Enum { .. } | TypeKind::Alias { .. } => {}
    }
}

fn rename_ref(ty: &mut TypeRef, renamed: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(new) = renamed.get(name) {
                *name = new.clone();
            }
        }
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            rename_ref(inner, renamed)
        }
        _ => {}
    }
}

fn reachable(api: &Api, roots: &[TypeRef]) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &TypeDef> =
        api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    for root in roots {
        let mut names = Vec::new();
        collect_names(root, true, &mut names);
        stack.extend(names.into_iter().map(|(n, _)| n));
    }
    while let Some(name) = stack.pop() {
        if !seen.insert(name.to_owned()) {
            continue;
        }
        if let Some(ty) = by_name.get(name) {
            stack.extend(edges(ty).into_iter().map(|(n, _)| n));
        }
    }
    seen
}

/// Inline types nothing refers to any more (the type of a dropped tag or read-only field).
/// Component types stay: they are part of the API's vocabulary even when no operation uses them.
fn drop_orphans(api: &mut Api) {
    loop {
        let used = referenced(api, |_| true);
        let before = api.types.len();
        api.types
            .retain(|t| is_component(&t.pointer) || used.contains(&t.name));
        if api.types.len() == before {
            break;
        }
    }
    let names: BTreeSet<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    let kept: Vec<bool> = api
        .examples
        .iter()
        .map(|e| mentions_only(&e.ty, &names))
        .collect();
    let mut keep = kept.into_iter();
    api.examples.retain(|_| keep.next().unwrap_or(true));
}

/// Types of the same shape are emitted once: documents repeat inline schemas (the same enum
/// under ten properties, the same error body under every status), which would otherwise become
/// `Foo`, `Foo2` … `Foo11`. Of each set of identical types one is kept, a component before an
/// inline type, then the shortest name, then the first by name, so the choice does not depend
/// on document order; references to the others lead to it. A component among the others stays
/// as an alias of the kept type, since its name is part of the API's vocabulary. Repeated until
/// nothing changes, as types that differed only by which duplicate they referred to become
/// identical in turn. Shapes are compared after the direction passes, so two types merge only
/// when their Rust definitions would be the same; docs do not count.
fn merge_identical(api: &mut Api) {
    loop {
        let mut sets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, ty) in api.types.iter().enumerate() {
            if let Some(shape) = shape_key(ty) {
                sets.entry(shape).or_default().push(i);
            }
        }
        let mut renamed: BTreeMap<String, String> = BTreeMap::new();
        for set in sets.values().filter(|set| set.len() > 1) {
            let rank = |&&i: &&usize| {
                let ty = &api.types[i];
                (!is_component(&ty.pointer), ty.name.len(), ty.name.as_str())
            };
            let Some(&kept) = set.iter().min_by_key(rank) else {
                continue;
            };
            for &i in set.iter().filter(|&&i| i != kept) {
                renamed.insert(api.types[i].name.clone(), api.types[kept].name.clone());
            }
        }
        if renamed.is_empty() {
            return;
        }
        api.types
            .retain(|t| !renamed.contains_key(&t.name) || is_component(&t.pointer));
        for ty in &mut api.types {
            match renamed.get(&ty.name) {
                Some(kept) => {
                    let note =
                        format!("The same type as `{kept}`, whose shape this schema repeats.");
                    ty.doc = Some(match ty.doc.take() {
                        Some(doc) => format!("{doc}\n\n{note}"),
                        None => note,
                    });
                    ty.example = None;
                    ty.kind = TypeKind::Alias {
                        target: TypeRef::Named(kept.clone()),
                    };
                }
                None => {
                    rename_refs(&mut ty.kind, &renamed);
                    if let TypeKind::Alias { target } = &mut ty.kind {
                        rename_ref(target, &renamed);
                    }
                }
            }
        }
        api.type_refs_mut(|ty| rename_ref(ty, &renamed));
    }
}

/// What makes two types the same: their kind, docs aside, and what their schemas say about
/// valid values beyond it (the value synthesis reads those, so types that differ only there
/// stay apart); `None` for aliases, which are names rather than shapes.
fn shape_key(ty: &TypeDef) -> Option<String> {
    let mut kind = ty.kind.clone();
    let constraints = match &mut kind {
        TypeKind::Alias { .. } => return None,
        TypeKind::Struct { fields, .. } => {
            fields.iter_mut().for_each(|f| f.doc = None);
            limits(fields.iter().map(|f| &f.constraints))
        }
        TypeKind::Untagged { variants } => limits(variants.iter().map(|v| &v.constraints)),
        TypeKind::Enum { .. } | TypeKind::Tagged { .. } => String::new(),
    };
    let kind = serde_json::to_string(&kind).ok()?;
    Some(format!(
        "{kind}|{constraints}|{}|{:?}",
        ty.closed, ty.min_properties
    ))
}

/// The constraints that say which values are valid (the document's examples of them aside).
fn limits<'a>(constraints: impl Iterator<Item = &'a Constraints>) -> String {
    let valid: Vec<Constraints> = constraints
        .map(|c| Constraints {
            examples: Vec::new(),
            ..c.clone()
        })
        .collect();
    format!("{valid:?}")
}

fn is_component(pointer: &str) -> bool {
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

fn mentions_only(ty: &TypeRef, names: &BTreeSet<&str>) -> bool {
    ty.named().is_none_or(|name| names.contains(name))
}

/// Boxes struct fields that would otherwise make a type contain itself.
fn box_recursion(api: &mut Api) {
    let index = TypeIndex::new(&api.types);
    for i in 0..api.types.len() {
        let owner = api.types[i].name.clone();
        let targets: Vec<(usize, String)> = fields(&api.types[i])
            .iter()
            .enumerate()
            .filter_map(|(f, field)| match &field.ty {
                TypeRef::Named(name) => Some((f, name.clone())),
                _ => None,
            })
            .collect();
        // Fields boxed so far break cycles for the later ones, so each query sees them.
        for (f, target) in targets {
            if index.reaches_by_value(&api.types, &target, &owner) {
                if let TypeKind::Struct { fields, .. } = &mut api.types[i].kind {
                    fields[f].boxed = true;
                }
            }
        }
    }
}

/// Positions of the types by name, built once per pass: the passes ask many reachability
/// questions and names do not change while they run.
struct TypeIndex(BTreeMap<String, usize>);

impl TypeIndex {
    fn new(types: &[TypeDef]) -> Self {
        Self(
            types
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.clone(), i))
                .collect(),
        )
    }

    /// Whether `from` holds a `to` by value, directly or through other types.
    fn reaches_by_value(&self, types: &[TypeDef], from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(name) = stack.pop() {
            if name == to {
                return true;
            }
            if !seen.insert(name) {
                continue;
            }
            if let Some(&i) = self.0.get(name) {
                stack.extend(
                    edges(&types[i])
                        .into_iter()
                        .filter(|(_, by_value)| *by_value)
                        .map(|(n, _)| n),
                );
            }
        }
        false
    }
}

/// A union that contains itself through union members alone (`B: oneOf: [B]`) has no struct
/// field to box: no Rust type can hold it.
fn check_unboxable(api: &Api, problems: &mut Vec<(String, String)>) {
    let index = TypeIndex::new(&api.types);
    for ty in &api.types {
        if matches!(ty.kind, TypeKind::Tagged { .. } | TypeKind::Untagged { .. })
            && edges(ty).iter().any(|(name, by_value)| {
                *by_value && index.reaches_by_value(&api.types, name, &ty.name)
            })
        {
            problems.push((
                ty.pointer.clone(),
                format!("`{}` contains itself through oneOf/anyOf members alone, which no type can hold", ty.name),
            ));
        }
    }
}

/// A type used by some groups but not all compiles only with one of their features on, so a
/// crate that enables one group does not compile the others' models.
fn assign_features(api: &mut Api) {
    let used_by: Vec<(String, BTreeSet<String>)> = api
        .groups
        .iter()
        .map(|group| {
            let roots: Vec<TypeRef> = group
                .operations
                .iter()
                .flat_map(operation_types)
                .cloned()
                .collect();
            (group.feature.clone(), reachable(api, &roots))
        })
        .collect();
    for ty in &mut api.types {
        let features: Vec<String> = used_by
            .iter()
            .filter(|(_, names)| names.contains(&ty.name))
            .map(|(feature, _)| feature.clone())
            .collect();
        if features.len() < used_by.len() && !features.is_empty() {
            ty.features = features;
        }
    }
    // What is always compiled (types every group or no group uses, and the webhooks'
    // payloads) must find every type it refers to: those are always compiled too. Aliases
    // follow their target instead.
    let mut roots: Vec<TypeRef> = webhook_types(api).cloned().collect();
    roots.extend(
        api.types
            .iter()
            .filter(|t| t.features.is_empty() && !matches!(t.kind, TypeKind::Alias { .. }))
            .map(|t| TypeRef::Named(t.name.clone())),
    );
    let always = reachable(api, &roots);
    for ty in api.types.iter_mut().filter(|t| always.contains(&t.name)) {
        ty.features.clear();
    }
    // An alias compiles exactly when its target does.
    let features_of: BTreeMap<String, Vec<String>> = api
        .types
        .iter()
        .map(|t| (t.name.clone(), t.features.clone()))
        .collect();
    for ty in &mut api.types {
        if let TypeKind::Alias { target } = &ty.kind {
            if let Some(features) = target.named().and_then(|name| features_of.get(name)) {
                ty.features = features.clone();
            }
        }
    }
}

/// Untagged members that are structs list their JSON properties for the exact-match pass.
fn fill_known_fields(api: &mut Api) {
    let known: BTreeMap<String, Vec<String>> = api
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            // A struct keeping undeclared properties accepts any key: no exact-match pass.
            TypeKind::Struct {
                fields,
                additional: None,
                flattened,
            } if flattened.is_empty() => Some((
                t.name.clone(),
                fields.iter().map(|f| f.json_name.clone()).collect(),
            )),
            _ => None,
        })
        .collect();
    for ty in &mut api.types {
        if let TypeKind::Untagged { variants } = &mut ty.kind {
            for variant in variants {
                if let TypeRef::Named(name) = &variant.ty {
                    variant.known_fields = known.get(name).cloned();
                }
            }
        }
    }
}
