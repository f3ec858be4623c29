//! IR refinements that need every type and operation lowered first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ir::{
    Api, Constraints, Limits, NameSource, Naming, Note, Place, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::naming::type_name;

/// Runs the passes in order.
pub fn refine(api: &mut Api, problems: &mut Vec<(String, String)>) {
    drop_union_tags(api);
    apply_directions(api);
    drop_orphans(api);
    merge_identical(api);
    super::names::assign(api);
    api.sort_types();
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
fn edges(ty: &TypeDef) -> Vec<(TypeId, bool)> {
    let mut out = Vec::new();
    match &ty.kind {
        TypeKind::Struct {
            fields,
            additional,
            flattened,
        } => {
            for field in fields {
                collect_ids(&field.ty, !field.boxed, &mut out);
            }
            out.extend(flattened.iter().map(|f| (f.ty, true)));
            // A map holds its values on the heap: no edge by value.
            if let Some(additional) = additional {
                collect_ids(&additional.ty, false, &mut out);
            }
        }
        TypeKind::Tagged { variants, .. } => out.extend(variants.iter().map(|v| (v.ty, true))),
        TypeKind::Untagged { variants } => {
            for variant in variants {
                collect_ids(&variant.ty, true, &mut out);
            }
        }
        TypeKind::Alias { target } => collect_ids(target, true, &mut out),
        TypeKind::Enum { .. } => {}
    }
    out
}

fn collect_ids(ty: &TypeRef, by_value: bool, out: &mut Vec<(TypeId, bool)>) {
    match ty {
        TypeRef::Named(id) => out.push((*id, by_value)),
        TypeRef::List(inner) | TypeRef::Map(inner) => collect_ids(inner, false, out),
        TypeRef::Nullable(inner) => collect_ids(inner, by_value, out),
        _ => {}
    }
}

/// Members used only inside tagged unions lose their tag field: the union writes it.
fn drop_union_tags(api: &mut Api) {
    let mut tag_of: BTreeMap<TypeId, BTreeSet<String>> = BTreeMap::new();
    for ty in &api.types {
        if let TypeKind::Tagged { tag, variants } = &ty.kind {
            for variant in variants {
                tag_of.entry(variant.ty).or_default().insert(tag.clone());
            }
        }
    }
    // An alias names its target without using it: references go to the target directly.
    let used_elsewhere = referenced(api, |ty| {
        !matches!(ty.kind, TypeKind::Tagged { .. } | TypeKind::Alias { .. })
    });
    for (i, ty) in api.types.iter_mut().enumerate() {
        let Some(tags) = tag_of.get(&TypeId(i)) else {
            continue;
        };
        if tags.len() != 1 || used_elsewhere.contains(&TypeId(i)) {
            continue;
        }
        if let TypeKind::Struct { fields, .. } = &mut ty.kind {
            fields.retain(|f| !tags.contains(&f.json_name));
        }
    }
}

/// Types referred to by operations and by the types `from` accepts.
fn referenced(api: &Api, from: impl Fn(&TypeDef) -> bool) -> BTreeSet<TypeId> {
    let mut ids = Vec::new();
    for ty in api.types.iter().filter(|t| from(t)) {
        ids.extend(edges(ty));
    }
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for ty in operation_types(op) {
            collect_ids(ty, true, &mut ids);
        }
    }
    for ty in webhook_types(api) {
        collect_ids(ty, true, &mut ids);
    }
    ids.into_iter().map(|(id, _)| id).collect()
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
    for (i, ty) in api.types.iter_mut().enumerate() {
        let in_request = requests.contains(&TypeId(i));
        let in_response = responses.contains(&TypeId(i));
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
fn directions(api: &Api) -> (BTreeSet<TypeId>, BTreeSet<TypeId>) {
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
    let shared: BTreeSet<&TypeId> = requests.intersection(&responses).collect();
    let mut split: BTreeSet<TypeId> = api
        .types_with_ids()
        .filter(|(id, t)| {
            shared.contains(id) && fields(t).iter().any(|f| f.read_only || f.write_only)
        })
        .map(|(id, _)| id)
        .collect();
    loop {
        let before = split.len();
        for (id, ty) in api.types_with_ids().filter(|(id, _)| shared.contains(id)) {
            if edges(ty).iter().any(|(to, _)| split.contains(to)) {
                split.insert(id);
            }
        }
        if split.len() == before {
            break;
        }
    }
    if split.is_empty() {
        return;
    }
    // Each split type's copy, named after it.
    let mut copies: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for id in split {
        let original = api.ty(id);
        let mut copy = original.clone();
        let place = Place {
            parent: Some(TypeRef::Named(id)),
            parent_preferred: original.naming.preferred.clone(),
            suffix: "Request".to_owned(),
            role: None,
        };
        copy.naming = Naming {
            preferred: type_name(&format!("{}Request", original.naming.preferred)),
            source: NameSource::Placed { title: None, place },
        };
        copy.name = copy.naming.preferred.clone();
        copy.notes.push(Note::RequestSideOf(TypeRef::Named(id)));
        copy.example = None;
        if let TypeKind::Struct { fields, .. } = &mut copy.kind {
            fields.retain(|f| !f.read_only);
        }
        copies.insert(id, api.push_type(copy));
    }
    for &copy in copies.values() {
        // Nothing refers to an alias, and it keeps naming the response side of a split type.
        if !matches!(api.ty(copy).kind, TypeKind::Alias { .. }) {
            redirect_kind(&mut api.types[copy.0].kind, &copies);
        }
    }
    for &id in copies.keys() {
        if let TypeKind::Struct { fields, .. } = &mut api.types[id.0].kind {
            fields.retain(|f| !f.write_only);
        }
    }
    for op in api.groups.iter_mut().flat_map(|g| &mut g.operations) {
        for ty in op.body.iter_mut().flat_map(|b| b.types_mut()) {
            redirect(ty, &copies);
        }
        for param in &mut op.params {
            redirect(&mut param.ty, &copies);
        }
    }
    api.sort_types();
}

/// Points the references of a type's kind at other types, as `map` says.
/// Rewrites the references a kind holds through `map`; whether any changed.
fn redirect_kind(kind: &mut TypeKind, map: &BTreeMap<TypeId, TypeId>) -> bool {
    let changed = std::cell::Cell::new(false);
    kind.refs_mut(
        &mut |ty| changed.set(redirect(ty, map) | changed.get()),
        &mut |id| {
            if let Some(new) = map.get(id) {
                *id = *new;
                changed.set(true);
            }
        },
    );
    changed.get()
}

/// Rewrites a reference through `map`; whether it changed.
fn redirect(ty: &mut TypeRef, map: &BTreeMap<TypeId, TypeId>) -> bool {
    if let Some(id) = ty.named_mut() {
        if let Some(new) = map.get(id) {
            *id = *new;
            return true;
        }
    }
    false
}

fn reachable(api: &Api, roots: &[TypeRef]) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeId> = Vec::new();
    for root in roots {
        let mut ids = Vec::new();
        collect_ids(root, true, &mut ids);
        stack.extend(ids.into_iter().map(|(id, _)| id));
    }
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(ty) = api.types.get(id.0) {
            stack.extend(edges(ty).into_iter().map(|(to, _)| to));
        }
    }
    seen
}

/// Inline types nothing refers to any more (the type of a dropped tag or read-only field).
/// Component types stay: they are part of the API's vocabulary even when no operation uses them.
/// Examples of dropped types go with them.
fn drop_orphans(api: &mut Api) {
    loop {
        let used = referenced(api, |_| true);
        let kept: Vec<TypeId> = api
            .types_with_ids()
            .filter(|(id, t)| is_component(&t.pointer) || used.contains(id))
            .map(|(id, _)| id)
            .collect();
        if kept.len() == api.types.len() {
            break;
        }
        let kept_set: BTreeSet<TypeId> = kept.iter().copied().collect();
        api.examples
            .retain(|e| e.ty.named().is_none_or(|id| kept_set.contains(&id)));
        api.rearrange(&kept);
    }
}

/// Types of the same shape are emitted once: documents repeat inline schemas (the same enum
/// under ten properties, the same error body under every status), which would otherwise become
/// `Foo`, `Foo2` … `Foo11`. Of each set of identical types one is kept, a component before an
/// inline type, then the shortest preferred name, then the first by name, then by where it is,
/// so the choice does not depend on document order; references to the others lead to it. A component among the others stays
/// as an alias of the kept type, since its name is part of the API's vocabulary. Repeated until
/// nothing changes, as types that differed only by which duplicate they referred to become
/// identical in turn. Shapes are compared after the direction passes, so two types merge only
/// when their Rust definitions would be the same; docs do not count.
fn merge_identical(api: &mut Api) {
    // Types are first grouped by a cheap digest of what their shapes must share (names, not
    // references, so merging never changes it); only where a group holds more than one is
    // the full shape written out and compared.
    let mut groups: HashMap<u64, Vec<TypeId>> = HashMap::new();
    for (id, ty) in api.types_with_ids() {
        if let Some(digest) = shape_digest(ty) {
            groups.entry(digest).or_default().push(id);
        }
    }
    let mut keys: BTreeMap<TypeId, String> = BTreeMap::new();
    let mut stale: BTreeSet<TypeId> = groups
        .into_values()
        .filter(|group| group.len() > 1)
        .flatten()
        .collect();
    // Ids stay as they are until the end: a round rewrites only the references to what it
    // merged, so only the types holding one need their shape written out again.
    let mut removed: BTreeSet<TypeId> = BTreeSet::new();
    loop {
        for id in std::mem::take(&mut stale) {
            match shape_key(api.ty(id)) {
                Some(key) => keys.insert(id, key),
                None => keys.remove(&id),
            };
        }
        let mut sets: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
        for (id, key) in &keys {
            sets.entry(key.as_str()).or_default().push(*id);
        }
        let mut merged: BTreeMap<TypeId, TypeId> = BTreeMap::new();
        for set in sets.values().filter(|set| set.len() > 1) {
            let rank = |id: &&TypeId| {
                let ty = api.ty(**id);
                let name = ty.naming.preferred.as_str();
                (
                    !is_component(&ty.pointer),
                    name.len(),
                    name,
                    ty.pointer.as_str(),
                    **id,
                )
            };
            let Some(&kept) = set.iter().min_by_key(rank) else {
                continue;
            };
            for &id in set.iter().filter(|&&id| id != kept) {
                merged.insert(id, kept);
            }
        }
        if merged.is_empty() {
            break;
        }
        let gone: BTreeMap<TypeId, TypeId> = merged
            .iter()
            .filter(|(id, _)| !is_component(&api.ty(**id).pointer))
            .map(|(id, kept)| (*id, *kept))
            .collect();
        for i in 0..api.types.len() {
            let id = TypeId(i);
            let ty = &mut api.types[i];
            if redirect_kind(&mut ty.kind, &merged) && keys.contains_key(&id) {
                stale.insert(id);
            }
            // Where a type comes from changes only when that type is gone: a component
            // duplicate stays, as an alias, and what sits in it keeps its name.
            ty.naming_refs_mut(&mut |r| {
                redirect(r, &gone);
            });
            if let Some(&kept) = merged.get(&id) {
                ty.notes.push(Note::SameAs);
                ty.example = None;
                ty.kind = TypeKind::Alias {
                    target: TypeRef::Named(kept),
                };
                keys.remove(&id);
                stale.remove(&id);
            }
        }
        api.type_refs_mut(|ty| {
            redirect(ty, &merged);
        });
        removed.extend(gone.into_keys());
    }
    // Inline duplicates vanish; component duplicates stay, as aliases.
    if !removed.is_empty() {
        let kept: Vec<TypeId> = (0..api.types.len())
            .map(TypeId)
            .filter(|id| !removed.contains(id))
            .collect();
        api.rearrange(&kept);
    }
}

/// A digest of part of what [`shape_key`] holds (the kind, the fields' names and
/// requiredness, the variants' names): types with the same shape have the same digest.
fn shape_digest(ty: &TypeDef) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    (ty.closed, ty.min_properties).hash(&mut hasher);
    match &ty.kind {
        TypeKind::Alias { .. } => return None,
        TypeKind::Struct {
            fields,
            additional,
            flattened,
        } => {
            (0u8, fields.len(), additional.is_some(), flattened.len()).hash(&mut hasher);
            for field in fields {
                (
                    &field.name,
                    &field.json_name,
                    field.required,
                    field.nullable,
                )
                    .hash(&mut hasher);
            }
        }
        TypeKind::Enum { variants, open } => {
            (1u8, variants.len(), open).hash(&mut hasher);
            for variant in variants {
                (&variant.name, &variant.value).hash(&mut hasher);
            }
        }
        TypeKind::Tagged { tag, variants } => {
            (2u8, tag, variants.len()).hash(&mut hasher);
            for variant in variants {
                (&variant.name, &variant.tag_value).hash(&mut hasher);
            }
        }
        TypeKind::Untagged { variants } => {
            (3u8, variants.len()).hash(&mut hasher);
            for variant in variants {
                variant.name.hash(&mut hasher);
            }
        }
    }
    Some(hasher.finish())
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

/// The constraints that say which values are valid (the document's examples of them aside),
/// written out; most say nothing, and are written as nothing.
fn limits<'a>(constraints: impl Iterator<Item = &'a Constraints>) -> String {
    let mut out = String::new();
    for c in constraints {
        write_valid(c, &mut out);
        out.push(';');
    }
    out
}

fn write_valid(c: &Constraints, out: &mut String) {
    use std::fmt::Write as _;
    if c.format.is_none()
        && c.limits == Limits::default()
        && c.values.is_empty()
        && c.items.is_none()
    {
        return;
    }
    let _ = write!(out, "{:?}|{:?}|{:?}|", c.format, c.limits, c.values);
    if let Some(items) = &c.items {
        out.push('[');
        write_valid(items, out);
        out.push(']');
    }
}

fn is_component(pointer: &str) -> bool {
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// Boxes struct fields that would otherwise make a type contain itself.
fn box_recursion(api: &mut Api) {
    for i in 0..api.types.len() {
        let owner = TypeId(i);
        let targets: Vec<(usize, TypeId)> = fields(&api.types[i])
            .iter()
            .enumerate()
            .filter_map(|(f, field)| match &field.ty {
                TypeRef::Named(id) => Some((f, *id)),
                _ => None,
            })
            .collect();
        // Fields boxed so far break cycles for the later ones, so each query sees them.
        for (f, target) in targets {
            if reaches_by_value(&api.types, target, owner) {
                if let TypeKind::Struct { fields, .. } = &mut api.types[i].kind {
                    fields[f].boxed = true;
                }
            }
        }
    }
}

/// Whether `from` holds a `to` by value, directly or through other types.
fn reaches_by_value(types: &[TypeDef], from: TypeId, to: TypeId) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if !seen.insert(id) {
            continue;
        }
        if let Some(ty) = types.get(id.0) {
            stack.extend(
                edges(ty)
                    .into_iter()
                    .filter(|(_, by_value)| *by_value)
                    .map(|(to, _)| to),
            );
        }
    }
    false
}

/// A union that contains itself through union members alone (`B: oneOf: [B]`) has no struct
/// field to box: no Rust type can hold it.
fn check_unboxable(api: &Api, problems: &mut Vec<(String, String)>) {
    for (id, ty) in api.types_with_ids() {
        if matches!(ty.kind, TypeKind::Tagged { .. } | TypeKind::Untagged { .. })
            && edges(ty)
                .iter()
                .any(|(to, by_value)| *by_value && reaches_by_value(&api.types, *to, id))
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
    let used_by: Vec<(String, BTreeSet<TypeId>)> = api
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
    for (i, ty) in api.types.iter_mut().enumerate() {
        let features: Vec<String> = used_by
            .iter()
            .filter(|(_, ids)| ids.contains(&TypeId(i)))
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
        api.types_with_ids()
            .filter(|(_, t)| t.features.is_empty() && !matches!(t.kind, TypeKind::Alias { .. }))
            .map(|(id, _)| TypeRef::Named(id)),
    );
    let always = reachable(api, &roots);
    for id in always {
        api.types[id.0].features.clear();
    }
    // An alias compiles exactly when its target does.
    for i in 0..api.types.len() {
        if let TypeKind::Alias { target } = &api.types[i].kind {
            if let Some(target) = target.named() {
                api.types[i].features = api.types[target.0].features.clone();
            }
        }
    }
}

/// Untagged members that are structs list their JSON properties for the exact-match pass.
fn fill_known_fields(api: &mut Api) {
    let known: Vec<Option<Vec<String>>> = api
        .types
        .iter()
        .map(|t| match &t.kind {
            // A struct keeping undeclared properties accepts any key: no exact-match pass.
            TypeKind::Struct {
                fields,
                additional: None,
                flattened,
            } if flattened.is_empty() => Some(fields.iter().map(|f| f.json_name.clone()).collect()),
            _ => None,
        })
        .collect();
    for ty in &mut api.types {
        if let TypeKind::Untagged { variants } = &mut ty.kind {
            for variant in variants {
                if let TypeRef::Named(id) = &variant.ty {
                    variant.known_fields = known[id.0].clone();
                }
            }
        }
    }
}
