//! Resolves `$ref`s on the raw document before `openapiv3` parses it: a reference to a whole
//! component of its position's kind stays a reference (named types depend on it); any other
//! local reference (into the middle of a schema, into `paths`, to a path item) is replaced by a
//! copy of its target, so lowering only ever meets component references. A schema a pointer
//! leads into that contains the pointer (recursion through a pointer rather than a component)
//! becomes a component of its own, which a named type can hold. Anchors (`$anchor`,
//! `$dynamicAnchor`) become the pointers of the schemas carrying them.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use super::shape::json_type;
use super::walk::{walk, Kind, Path};
use super::Problem;
use crate::locate::escape;

/// The most JSON values copies of reference targets may add up to: beyond it, references that
/// copy references multiply into an unreasonably large document.
const MAX_INLINED: usize = 1 << 20;

/// Resolves the references of `doc` in place; returns what could not be resolved.
pub fn resolve(doc: &mut Value) -> Vec<Problem> {
    instantiate_generics(doc);
    let mut problems = recursive_refs(doc);
    problems.extend(resolve_within(doc, MAX_INLINED));
    problems
}

/// JSON Schema's generics: a component `G` whose `$dynamicRef: "#n"` meets its own
/// `$dynamicAnchor: n` is a template, and a component `C` that refers to `G` and carries
/// `$dynamicAnchor: n` itself is an instance, in which `#n` means `C`'s anchor (the dynamic
/// scope reaches `C` first). Each such `$ref` to `G` inside `C` becomes a copy of `G` whose
/// `$dynamicRef: "#n"` are `$ref`s to `C`'s anchor and whose own anchors are dropped (they
/// are shadowed), so the instance is a type of its own (`G`'s list of nodes a list of `C`s).
fn instantiate_generics(doc: &mut Value) {
    // Only schemas with these keywords matter; most documents have no dynamic anchor at all.
    let mut schemas: Vec<String> = Vec::new();
    let mut dynamic = false;
    walk(
        doc,
        Kind::Document,
        &mut Path::default(),
        &mut |kind, value, path| {
            if kind != Kind::Schema {
                return;
            }
            dynamic |= value.get("$dynamicAnchor").is_some();
            if ["$dynamicAnchor", "$dynamicRef", "$ref"]
                .iter()
                .any(|k| value.get(k).is_some())
            {
                schemas.push(path.pointer());
            }
        },
    );
    if !dynamic {
        return;
    }
    // Per component: its dynamic anchors (name and pointer), the names its dynamic references
    // use, and the components it refers to (with where).
    #[derive(Default)]
    struct Resource {
        anchors: Vec<(String, String)>,
        dynamic_refs: Vec<String>,
        refs: Vec<(String, String)>,
    }
    let mut resources: std::collections::BTreeMap<String, Resource> = Default::default();
    for pointer in &schemas {
        let Some(component) = component_of(pointer) else {
            continue;
        };
        let Some(schema) = doc.pointer(pointer) else {
            continue;
        };
        let resource = resources.entry(component).or_default();
        if let Some(name) = schema.get("$dynamicAnchor").and_then(Value::as_str) {
            resource.anchors.push((name.to_owned(), pointer.clone()));
        }
        if let Some(name) = schema
            .get("$dynamicRef")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .filter(|n| !n.is_empty() && !n.starts_with('/'))
        {
            resource.dynamic_refs.push(name.to_owned());
        }
        if let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .filter(|t| component_of(t).as_deref() == Some(*t))
        {
            resource.refs.push((target.to_owned(), pointer.clone()));
        }
    }
    let mut instances: Vec<(String, Value)> = Vec::new();
    for (component, resource) in &resources {
        for (template, site) in &resource.refs {
            let Some(generic) = resources.get(template).filter(|_| template != component) else {
                continue;
            };
            // The names the template leaves open and this component fills.
            let filled: Vec<(&str, &str)> = generic
                .dynamic_refs
                .iter()
                .filter(|name| generic.anchors.iter().any(|(a, _)| a == *name))
                .filter_map(|name| {
                    let mine: Vec<&(String, String)> =
                        resource.anchors.iter().filter(|(a, _)| a == name).collect();
                    match mine.as_slice() {
                        [(_, at)] => Some((name.as_str(), at.as_str())),
                        _ => None,
                    }
                })
                .collect();
            if filled.is_empty() {
                continue;
            }
            let Some(mut copy) = doc.pointer(template).cloned() else {
                continue;
            };
            let mut inner = Vec::new();
            walk(
                &copy,
                Kind::Schema,
                &mut Path::default(),
                &mut |kind, value, path| {
                    if kind == Kind::Schema && value.is_object() {
                        inner.push(path.pointer());
                    }
                },
            );
            for pointer in inner {
                let Some(Value::Object(schema)) = copy.pointer_mut(&pointer) else {
                    continue;
                };
                schema.shift_remove("$anchor");
                schema.shift_remove("$dynamicAnchor");
                let target = schema
                    .get("$dynamicRef")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix('#'))
                    .and_then(|name| filled.iter().find(|(n, _)| *n == name))
                    .map(|(_, at)| format!("#{at}"));
                if let Some(target) = target {
                    schema.shift_remove("$dynamicRef");
                    schema.insert("$ref".to_owned(), Value::String(target));
                }
            }
            instances.push((site.clone(), copy));
        }
    }
    // Inner places first: putting a copy in place can shift the `allOf` around an outer one.
    instances.sort_by(|a, b| b.0.cmp(&a.0));
    for (site, copy) in instances {
        if let Some(value) = doc.pointer_mut(&site) {
            apply(value, Kind::Schema, Resolution::Inline(copy));
        }
    }
}

/// A schema carrying `$anchor` or `$dynamicAnchor`.
struct Anchor {
    name: String,
    dynamic: bool,
    pointer: String,
}

/// The component schema a pointer is inside, as its pointer (`/components/schemas/A`).
fn component_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    Some(format!(
        "/components/schemas/{}",
        rest.split('/').next().unwrap_or(rest)
    ))
}

/// JSON Schema's `$recursiveRef: "#"` (2019-09) and `$dynamicRef: "#"` (2020-12) refer to the
/// schema resource they are in: in an OpenAPI document, the component schema around them.
/// `$dynamicRef: "#name"` refers to the schema whose `$dynamicAnchor` is `name`, and `$ref:
/// "#name"` to the one whose `$anchor` (or `$dynamicAnchor`) is: the one in the same component
/// when there is one there, else the document's only one. (A dynamic reference resolves
/// against the outermost schema of the evaluation holding the anchor; a generated type is one
/// type whatever refers to it, so the anchor it is written beside, or the document's single
/// one, is the type.) Each becomes a `$ref` to that schema's pointer.
fn recursive_refs(doc: &mut Value) -> Vec<Problem> {
    let mut found: Vec<(String, &'static str, String)> = Vec::new();
    let mut anchors: Vec<Anchor> = Vec::new();
    walk(
        doc,
        Kind::Document,
        &mut Path::default(),
        &mut |kind, value, path| {
            if kind != Kind::Schema {
                return;
            }
            for keyword in ["$recursiveRef", "$dynamicRef"] {
                if let Some(target) = value.get(keyword) {
                    found.push((
                        path.pointer(),
                        keyword,
                        target.as_str().unwrap_or("").to_owned(),
                    ));
                }
            }
            if let Some(target) = value.get("$ref").and_then(Value::as_str) {
                if target.starts_with('#') && !target.starts_with("#/") && target != "#" {
                    found.push((path.pointer(), "$ref", target.to_owned()));
                }
            }
            for (keyword, dynamic) in [("$anchor", false), ("$dynamicAnchor", true)] {
                if let Some(name) = value.get(keyword).and_then(Value::as_str) {
                    anchors.push(Anchor {
                        name: name.to_owned(),
                        dynamic,
                        pointer: path.pointer(),
                    });
                }
            }
        },
    );
    let mut problems = Vec::new();
    for (pointer, keyword, target) in found {
        let component = component_of(&pointer);
        let at = format!("{pointer}/{}", escape(keyword));
        let reference = match (target.as_str(), component) {
            ("#", Some(component)) => format!("#{component}"),
            ("#", None) => {
                problems.push((
                    at,
                    format!("`{keyword}: \"#\"` outside a component schema refers to no schema"),
                ));
                continue;
            }
            (_, component) => {
                let Some(name) = target.strip_prefix('#').filter(|n| !n.starts_with('/')) else {
                    problems.push((
                        at,
                        format!("`{keyword}` to {target:?}: only `\"#\"` and anchors (`\"#name\"`) are references within the document"),
                    ));
                    continue;
                };
                // A dynamic reference looks for dynamic anchors; any reference finds plain ones.
                let dynamic = keyword == "$dynamicRef";
                let named: Vec<&Anchor> = anchors
                    .iter()
                    .filter(|a| a.name == name && (a.dynamic || !dynamic))
                    .collect();
                let nearby: Vec<&Anchor> = named
                    .iter()
                    .copied()
                    .filter(|a| component.is_some() && component_of(&a.pointer) == component)
                    .collect();
                let chosen = match (nearby.as_slice(), named.as_slice()) {
                    ([one], _) | ([], [one]) => one.pointer.clone(),
                    // The resolver reports a `$ref` to no anchor, as it reports every `$ref`
                    // leading nowhere.
                    ([], []) if keyword == "$ref" => continue,
                    ([], []) => {
                        let kind = if dynamic { "$dynamicAnchor" } else { "$anchor" };
                        problems.push((
                            at,
                            format!("`{keyword}: {target:?}` names no schema: no `{kind}: {name:?}` in the document"),
                        ));
                        continue;
                    }
                    _ => {
                        problems.push((
                            at,
                            format!("`{keyword}: {target:?}` is ambiguous: several schemas carry the anchor `{name}`"),
                        ));
                        // Reported here: the resolver need not report it again.
                        if let Some(Value::Object(schema)) = doc.pointer_mut(&pointer) {
                            schema.remove(keyword);
                        }
                        continue;
                    }
                };
                format!("#{chosen}")
            }
        };
        if let Some(Value::Object(schema)) = doc.pointer_mut(&pointer) {
            schema.remove(keyword);
            schema.insert("$ref".to_owned(), Value::String(reference));
        }
    }
    problems
}

/// How many rounds of making recursive targets components resolution may take: each round
/// makes at least one, and real documents need one or two.
const MAX_HOIST_ROUNDS: usize = 16;

fn resolve_within(doc: &mut Value, limit: usize) -> Vec<Problem> {
    let mut round = 0;
    let (sites, resolutions, problems) = loop {
        round += 1;
        let sites = sites(doc, Kind::Document);
        let mut resolver = Resolver {
            doc,
            problems: Vec::new(),
            limit,
            inlined: 0,
            expanding: Vec::new(),
            recursive: Vec::new(),
            hoist: round < MAX_HOIST_ROUNDS,
        };
        let resolutions: Vec<Resolution> = sites
            .iter()
            .map(|site| resolver.resolve(&site.reference, site.kind, &site.pointer))
            .collect();
        if resolver.recursive.is_empty() {
            break (sites, resolutions, resolver.problems);
        }
        // Schemas that contain a pointer to themselves become components, and the pointers
        // component references; then resolution starts again on the changed document.
        let recursive = resolver.recursive;
        for target in recursive {
            hoist(doc, &target);
        }
    };
    // Innermost first: a schema's `$ref` siblings are resolved before the schema's own
    // reference moves into its `allOf`.
    for (site, resolution) in sites.iter().zip(resolutions).rev() {
        if matches!(resolution, Resolution::Keep | Resolution::Failed) {
            continue;
        }
        if let Some(value) = doc.pointer_mut(&site.pointer) {
            apply(value, site.kind, resolution);
        }
    }
    problems
}

/// A `$ref` found in the document.
struct Site {
    /// Where the object holding the `$ref` is, relative to the walked value.
    pointer: String,
    /// What kind of object the position holds.
    kind: Kind,
    /// The `$ref` value.
    reference: Value,
}

/// The `$ref`s inside `value`, an object of kind `kind`, in document order.
fn sites(value: &Value, kind: Kind) -> Vec<Site> {
    let mut found = Vec::new();
    walk(
        value,
        kind,
        &mut Path::default(),
        &mut |kind, value, path| {
            if let Some(reference) = value.get("$ref") {
                found.push(Site {
                    pointer: path.pointer(),
                    kind,
                    reference: reference.clone(),
                });
            }
        },
    );
    found
}

enum Resolution {
    /// The reference names a component: it stays.
    Keep,
    /// The reference names a component, spelled differently from how lowering looks it up.
    Rename(String),
    /// A copy of the target takes the reference's place.
    Inline(Value),
    /// Reported; the reference stays as it is.
    Failed,
}

struct Resolver<'d> {
    doc: &'d Value,
    problems: Vec<Problem>,
    /// How many values copies may add up to.
    limit: usize,
    /// How many values copies have added so far.
    inlined: usize,
    /// Where the references being expanded sit in the document, outermost first.
    expanding: Vec<Vec<String>>,
    /// Schemas met that contain a pointer to themselves, to make components of.
    recursive: Vec<Vec<String>>,
    /// Whether such schemas are collected (rather than reported).
    hoist: bool,
}

impl Resolver<'_> {
    /// Records a problem once: a target copied to several places has its problems once.
    fn report(&mut self, pointer: String, message: String) {
        if !self
            .problems
            .iter()
            .any(|(p, m)| *p == pointer && *m == message)
        {
            self.problems.push((pointer, message));
        }
    }

    /// Resolves a reference of a position of kind `kind` whose object sits at `origin` in
    /// the document (the references of a copy sit, in the document, inside the copied
    /// target: problems are reported there, once).
    fn resolve(&mut self, reference: &Value, kind: Kind, origin: &str) -> Resolution {
        let at = || format!("{origin}/$ref");
        let Some(reference) = reference.as_str() else {
            let found = json_type(reference);
            self.report(at(), format!("`$ref` must be a string, found {found}"));
            return Resolution::Failed;
        };
        // Most references name a component plainly: they are checked without parsing.
        if let Some(name) = kind.section().and_then(|section| {
            reference
                .strip_prefix("#/components/")?
                .strip_prefix(section)?
                .strip_prefix('/')
                .filter(|name| !name.contains(['/', '~', '%']))
                .map(|name| (section, name))
        }) {
            if self.component(name.0, name.1) {
                return Resolution::Keep;
            }
        }
        let target = match parse(reference) {
            Ok(target) => target,
            Err(message) => {
                self.report(at(), message);
                return Resolution::Failed;
            }
        };
        if let (Some(section), [components, in_section, name]) = (kind.section(), &target[..]) {
            if components == "components" && in_section == section {
                if !self.component(section, name) {
                    let noun = kind.noun();
                    let message = format!("unresolved reference `{reference}`: no such {noun}");
                    self.report(at(), message);
                    return Resolution::Failed;
                }
                let canonical = format!("#/components/{section}/{}", escape(name));
                return if canonical == reference {
                    Resolution::Keep
                } else {
                    Resolution::Rename(canonical)
                };
            }
        }
        let Some((target, found)) = lookup(self.doc, &target) else {
            let message =
                format!("unresolved reference `{reference}`: the document has nothing there");
            self.report(at(), message);
            return Resolution::Failed;
        };
        let origin_segments = crate::locate::split_pointer(origin);
        let contains_itself = self
            .expanding
            .iter()
            .chain([&origin_segments])
            .any(|place| place.starts_with(&target));
        if contains_itself && kind == Kind::Schema && self.hoist {
            if !self.recursive.contains(&target) {
                self.recursive.push(target);
            }
            return Resolution::Failed;
        }
        if contains_itself {
            let noun = kind.noun();
            let message = format!("`{reference}` contains this reference, so copying it in place would never end; make the {noun} a component and refer to that");
            self.report(at(), message);
            return Resolution::Failed;
        }
        let size = count(found);
        if self.inlined + size > self.limit {
            // Reported once: every later copy would be over the limit too.
            if self.inlined <= self.limit {
                self.inlined = self.limit + 1;
                let limit = self.limit;
                let message = format!("copying `{reference}` here would make the document more than {limit} values larger: references to places that are not components multiply; make the target a component");
                self.report(at(), message);
            }
            return Resolution::Failed;
        }
        self.inlined += size;
        let mut copy = found.clone();
        let inner = sites(&copy, kind);
        self.expanding.push(origin_segments);
        let target = join(&target);
        let resolutions: Vec<Resolution> = inner
            .iter()
            .map(|site| {
                let origin = format!("{target}{}", site.pointer);
                self.resolve(&site.reference, site.kind, &origin)
            })
            .collect();
        self.expanding.pop();
        for (site, resolution) in inner.iter().zip(resolutions).rev() {
            if let Some(value) = copy.pointer_mut(&site.pointer) {
                apply(value, site.kind, resolution);
            }
        }
        Resolution::Inline(copy)
    }

    /// Whether `components.<section>` has `name`.
    fn component(&self, section: &str, name: &str) -> bool {
        self.doc
            .get("components")
            .and_then(|c| c.get(section))
            .and_then(|s| s.get(name))
            .is_some()
    }
}

/// Moves the schema at `target` into `components.schemas` under a name made from where it was,
/// leaving a reference to it in its place: a schema holding a pointer to itself is then a
/// named type the pointer (now leading through the reference) can refer to.
fn hoist(doc: &mut Value, target: &[String]) {
    let Some(schema) = doc.pointer(&join(target)).cloned() else {
        return;
    };
    let words: Vec<&str> = target
        .iter()
        .map(String::as_str)
        .filter(|s| {
            !matches!(
                *s,
                "components" | "schemas" | "properties" | "content" | "schema"
            )
        })
        .map(|s| match s {
            "items" => "item",
            "additionalProperties" => "value",
            other => other,
        })
        .collect();
    let base = words.join(" ").to_upper_camel_case();
    let base = if base.is_empty() {
        "Schema".to_owned()
    } else {
        base
    };
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    let name = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|name| !schemas.contains_key(name))
        .unwrap_or(base);
    schemas.insert(name.clone(), schema);
    let reference =
        serde_json::json!({ "$ref": format!("#/components/schemas/{}", escape(&name)) });
    if let Some(place) = doc.pointer_mut(&join(target)) {
        *place = reference;
    }
}

/// Puts a resolution in place of the object holding the `$ref`.
fn apply(value: &mut Value, kind: Kind, resolution: Resolution) {
    let Value::Object(object) = value else {
        return;
    };
    let copy = match resolution {
        Resolution::Keep | Resolution::Failed => return,
        Resolution::Rename(reference) => {
            object.insert("$ref".to_owned(), Value::String(reference));
            return;
        }
        Resolution::Inline(copy) => copy,
    };
    object.shift_remove("$ref");
    if object.is_empty() {
        *value = copy;
        return;
    }
    // What sits beside the reference says more about this use of the target.
    let siblings = std::mem::take(object);
    *value = if kind == Kind::Schema {
        // A schema is the target and also its siblings.
        with_all_of(siblings, copy)
    } else {
        match copy {
            Value::Object(mut copy) => {
                copy.extend(siblings);
                Value::Object(copy)
            }
            // Not an object: the shape check reports it where the reference was.
            other => other,
        }
    };
}

/// `siblings` with `member` first in its `allOf`.
fn with_all_of(mut siblings: Map<String, Value>, member: Value) -> Value {
    match siblings.get_mut("allOf") {
        Some(Value::Array(members)) => members.insert(0, member),
        None => {
            siblings.insert("allOf".to_owned(), Value::Array(vec![member]));
        }
        Some(_) => {
            return serde_json::json!({ "allOf": [member, Value::Object(siblings)] });
        }
    }
    Value::Object(siblings)
}

/// The unescaped segments of a local reference's JSON pointer.
fn parse(reference: &str) -> Result<Vec<String>, String> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(format!(
            "unsupported reference `{reference}`: only references within this document (`#/...`) are supported"
        ));
    };
    let pointer = percent_decode(fragment)
        .ok_or_else(|| format!("invalid reference `{reference}`: bad percent-encoding"))?;
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "unresolved reference `{reference}`: no schema carries the anchor (`$anchor` or `$dynamicAnchor`) it names"
        ));
    }
    Ok(crate::locate::split_pointer(&pointer))
}

/// Decodes `%XX` escapes of a URI fragment; `None` when they do not make UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// RFC 6901 evaluation of unescaped segments, following a `$ref` met on the way (a pointer
/// into `/paths/~1a` finds its way when that path item is itself a reference). Returns the
/// place the value really is, and the value.
fn lookup<'v>(doc: &'v Value, segments: &[String]) -> Option<(Vec<String>, &'v Value)> {
    lookup_within(doc, segments, 0)
}

fn lookup_within<'v>(
    doc: &'v Value,
    segments: &[String],
    depth: usize,
) -> Option<(Vec<String>, &'v Value)> {
    let mut place = Vec::with_capacity(segments.len());
    let mut value = doc;
    for segment in segments {
        if let Some(child) = child(value, segment) {
            value = child;
        } else {
            // Bounded so references that lead to each other fail rather than loop.
            let reference = value.get("$ref")?.as_str()?;
            if depth > 32 {
                return None;
            }
            let (found, target) = lookup_within(doc, &parse(reference).ok()?, depth + 1)?;
            (place, value) = (found, child(target, segment)?);
        }
        place.push(segment.clone());
    }
    Some((place, value))
}

fn child<'v>(value: &'v Value, segment: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => {
            let canonical = segment == "0" || !segment.starts_with('0');
            if !canonical || !segment.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            items.get(segment.parse::<usize>().ok()?)
        }
        _ => None,
    }
}

/// The JSON pointer of unescaped segments.
fn join(segments: &[String]) -> String {
    segments.iter().map(|s| format!("/{}", escape(s))).collect()
}

/// How many JSON values `value` is made of.
fn count(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count).sum(),
        Value::Array(items) => items.iter().map(count).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resolved(mut doc: Value) -> (Value, Vec<Problem>) {
        let problems = resolve(&mut doc);
        (doc, problems)
    }

    #[test]
    fn recursive_references_name_the_component_they_are_in() {
        let (doc, problems) = resolved(json!({"components": {"schemas": {"Filter": {
            "properties": {"filters": {"items": {"oneOf": [
                {"$ref": "#/components/schemas/Other"},
                {"$recursiveRef": "#"},
                {"$dynamicRef": "#"},
            ]}}}
        }, "Other": {"type": "string"}}}}));
        assert!(problems.is_empty(), "{problems:?}");
        let members =
            &doc["components"]["schemas"]["Filter"]["properties"]["filters"]["items"]["oneOf"];
        assert_eq!(members[1], json!({"$ref": "#/components/schemas/Filter"}));
        assert_eq!(members[2], json!({"$ref": "#/components/schemas/Filter"}));
        let (_, problems) =
            resolved(json!({"components": {"schemas": {"A": {"$dynamicRef": "other#meta"}}}}));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "/components/schemas/A/$dynamicRef");
    }

    #[test]
    fn component_references_of_their_own_kind_stay() {
        let doc = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/P"}],
                "responses": {"200": {"$ref": "#/components/responses/R"}}
            }}},
            "components": {
                "parameters": {"P": {"name": "p", "in": "query"}},
                "responses": {"R": {"description": "r", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A~1B"}
                }}}},
                "schemas": {"A/B": {"type": "string"}, "C D": {"$ref": "#/components/schemas/C%20D"}}
            }
        });
        let (after, problems) = resolved(doc.clone());
        assert_eq!(problems, []);
        let mut expected = doc;
        // Percent-encoding is spelled out the way lowering looks components up.
        expected["components"]["schemas"]["C D"] = json!({"$ref": "#/components/schemas/C D"});
        assert_eq!(after, expected);
    }

    #[test]
    fn other_references_are_replaced_by_a_copy_of_their_target() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {
                "/a": {"$ref": "#/components/pathItems/A", "summary": "mine"},
                "/b": {"get": {
                    "parameters": [{"$ref": "#/paths/~1c/get/parameters/0"}],
                    "responses": {"200": {"$ref": "#/paths/~1a/get/responses/200"}}
                }},
                "/c": {"get": {"parameters": [{"name": "c", "in": "query"}]}}
            },
            "components": {
                "pathItems": {"A": {"summary": "theirs", "get": {"responses": {"200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/S/properties/inner", "description": "d"
                    }}}
                }}}}},
                "schemas": {"S": {"properties": {"inner": {"type": "object", "properties": {
                    "s": {"$ref": "#/components/schemas/S"}
                }}}}}
            }
        });
        let (after, problems) = resolved(doc);
        assert_eq!(problems, []);
        let inner =
            json!({"type": "object", "properties": {"s": {"$ref": "#/components/schemas/S"}}});
        let response = json!({"description": "ok", "content": {"application/json": {"schema": {
            "description": "d", "allOf": [inner]
        }}}});
        assert_eq!(
            after["paths"]["/a"],
            json!({"summary": "mine", "get": {"responses": {"200": response}}})
        );
        assert_eq!(after["paths"]["/b"]["get"]["responses"]["200"], response);
        assert_eq!(
            after["paths"]["/b"]["get"]["parameters"][0],
            json!({"name": "c", "in": "query"})
        );
        // The copied target keeps its own reference to the component.
        assert_eq!(
            after["components"]["pathItems"]["A"]["get"]["responses"]["200"]["description"],
            "ok"
        );
    }

    #[test]
    fn unresolvable_references_are_located_errors() {
        let doc = json!({
            "components": {"schemas": {
                "Missing": {"properties": {"a": {"$ref": "#/components/schemas/Nope"}}},
                "Nowhere": {"items": {"$ref": "#/components/schemas/Missing/properties/zzz"}},
                "External": {"items": {"$ref": "other.yaml#/X"}},
                "Anchor": {"items": {"$ref": "#node"}},
                "Number": {"items": {"$ref": 5}}
            }},
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}]}}}
        });
        let (_, problems) = resolved(doc);
        let at: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            at,
            [
                "/components/schemas/Missing/properties/a/$ref",
                "/components/schemas/Nowhere/items/$ref",
                "/components/schemas/External/items/$ref",
                "/components/schemas/Anchor/items/$ref",
                "/components/schemas/Number/items/$ref",
                "/paths/~1a/get/parameters/0/$ref",
            ]
        );
        assert!(
            problems[0].1.contains("no such schema"),
            "{}",
            problems[0].1
        );
        assert!(problems[1].1.contains("nothing there"), "{}", problems[1].1);
        assert!(
            problems[2].1.contains("within this document"),
            "{}",
            problems[2].1
        );
        assert!(
            problems[3].1.contains("no schema carries the anchor"),
            "{}",
            problems[3].1
        );
        assert!(
            problems[4].1.contains("found a number"),
            "{}",
            problems[4].1
        );
        assert!(problems[5].1.contains("never end"), "{}", problems[5].1);
    }

    #[test]
    fn a_schema_holding_a_pointer_to_itself_becomes_a_component() {
        let doc = json!({"components": {"schemas": {"Node": {"properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"type": "object", "properties": {
                "label": {"type": "string"},
                "children": {"$ref": "#/components/schemas/Node/properties/children"},
                "first": {"$ref": "#/components/schemas/Node/properties/children/items"}
            }}}
        }}}}});
        let (after, problems) = resolved(doc);
        assert_eq!(problems, []);
        let schemas = &after["components"]["schemas"];
        assert_eq!(
            schemas["Node"]["properties"]["children"],
            json!({"$ref": "#/components/schemas/NodeChildren"})
        );
        // A pointer into the moved schema finds it through the reference left behind; the
        // items contain a pointer to themselves too, so they are a component in turn.
        assert_eq!(
            schemas["NodeChildren"]["items"],
            json!({"$ref": "#/components/schemas/NodeChildrenItem"})
        );
        assert_eq!(
            schemas["NodeChildrenItem"]["properties"]["first"],
            json!({"$ref": "#/components/schemas/NodeChildrenItem"})
        );
        assert_eq!(
            schemas["NodeChildrenItem"]["properties"]["children"],
            json!({"$ref": "#/components/schemas/NodeChildren"})
        );
    }

    #[test]
    fn anchors_name_the_schema_carrying_them() {
        let doc = json!({"components": {"schemas": {
            "Tree": {"$dynamicAnchor": "node", "properties": {
                "kids": {"items": {"$dynamicRef": "#node"}},
                "leaf": {"$ref": "#leaf"}
            }},
            "Other": {"$defs": {"l": {"$anchor": "leaf", "type": "string"}}},
            "Twice": {"properties": {"a": {"$anchor": "dup"}, "b": {"$anchor": "dup"}}},
            "User": {"properties": {"x": {"$ref": "#dup"}, "y": {"$dynamicRef": "#leaf"}}}
        }}});
        let (after, problems) = resolved(doc);
        let schemas = &after["components"]["schemas"];
        assert_eq!(
            schemas["Tree"]["properties"]["kids"]["items"],
            json!({"$ref": "#/components/schemas/Tree"})
        );
        assert_eq!(
            schemas["Tree"]["properties"]["leaf"],
            json!({"$anchor": "leaf", "type": "string"})
        );
        let at: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            at,
            [
                "/components/schemas/User/properties/x/$ref",
                "/components/schemas/User/properties/y/$dynamicRef"
            ],
            "{problems:?}"
        );
        assert!(problems[0].1.contains("ambiguous"), "{problems:?}");
        assert!(problems[1].1.contains("no `$dynamicAnchor"), "{problems:?}");
    }

    #[test]
    fn a_component_filling_a_templates_dynamic_anchor_gets_its_own_copy() {
        let doc = json!({"components": {"schemas": {
            "Tree": {"$dynamicAnchor": "node", "type": "object", "properties": {
                "children": {"type": "array", "items": {"$dynamicRef": "#node"}}
            }},
            "LabelledTree": {
                "$ref": "#/components/schemas/Tree",
                "$dynamicAnchor": "node",
                "properties": {"label": {"type": "string"}}
            }
        }}});
        let (after, problems) = resolved(doc);
        assert_eq!(problems, []);
        let schemas = &after["components"]["schemas"];
        // The template's own nodes are trees; the instance's are labelled trees.
        assert_eq!(
            schemas["Tree"]["properties"]["children"]["items"],
            json!({"$ref": "#/components/schemas/Tree"})
        );
        assert_eq!(
            schemas["LabelledTree"]["allOf"][0]["properties"]["children"]["items"],
            json!({"$ref": "#/components/schemas/LabelledTree"})
        );
        assert_eq!(
            schemas["LabelledTree"]["allOf"][0].get("$dynamicAnchor"),
            None
        );
        assert_eq!(
            schemas["LabelledTree"]["properties"]["label"]["type"],
            "string"
        );
    }

    #[test]
    fn a_problem_inside_a_copied_target_is_reported_once_where_it_is() {
        let doc = json!({
            "components": {"schemas": {
                "A": {"properties": {"b": {"items": {"$ref": "#/components/schemas/Nope"}}}},
                "C": {"properties": {"x": {"$ref": "#/components/schemas/A/properties/b"}}},
                "D": {"properties": {"y": {"$ref": "#/components/schemas/A/properties/b"}}}
            }}
        });
        let (_, problems) = resolved(doc);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].0,
            "/components/schemas/A/properties/b/items/$ref"
        );
    }

    #[test]
    fn references_that_multiply_are_bounded() {
        // Each level copies the one below twice: 2^30 copies if nothing stopped it.
        let mut defs = Map::new();
        defs.insert("l0".to_owned(), json!({"type": "string"}));
        for level in 1..=30 {
            let below = json!({"$ref": format!("#/x-defs/l{}", level - 1)});
            defs.insert(
                format!("l{level}"),
                json!({"allOf": [below.clone(), below]}),
            );
        }
        let doc = json!({
            "x-defs": defs,
            "components": {"schemas": {"Big": {"$ref": "#/x-defs/l30"}}}
        });
        let mut doc = doc;
        let problems = resolve_within(&mut doc, 1000);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].1.contains("more than 1000 values larger"),
            "{problems:?}"
        );
    }

    #[test]
    fn pointers_follow_references_on_the_way() {
        let doc = json!({
            "paths": {
                "/a": {"$ref": "#/components/pathItems/A"},
                "/b": {"get": {"responses": {"200": {"$ref": "#/paths/~1a/get/responses/200"}}}}
            },
            "components": {"pathItems": {"A": {"get": {"responses": {"200": {"description": "ok"}}}}}}
        });
        let (after, problems) = resolved(doc);
        assert_eq!(problems, []);
        assert_eq!(
            after["paths"]["/b"]["get"]["responses"]["200"],
            json!({"description": "ok"})
        );
    }
}
