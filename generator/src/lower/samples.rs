//! Value synthesis: for every type, parameter and request body, a JSON value valid against the
//! document's schema, which the docs' examples and the contract tests send. The document's own
//! values come first (`example`, `examples`, `default`, `const`, the first `enum` value) when
//! they are valid; otherwise a value is built from the type and the [`Constraints`] lowering
//! recorded: formats, lengths, bounds, simple patterns, required properties, `minItems`, the
//! first union member that works. Recursion stops at optional fields and empty arrays.

use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{json, Map, Value};

use crate::ir::{
    Api, BodyEncoding, Constraints, ParamLocation, PartKind, TypeDef, TypeId, TypeKind, TypeRef,
};

/// Values nest deeper than this only through recursion; deeper, arrays stay empty.
const MAX_DEPTH: usize = 12;
/// Checking examples stops this deep (documents built to hurt).
const MAX_CHECK_DEPTH: usize = 64;

/// Fills every `sample` of the IR: types, parameters, bodies and multipart value parts.
pub fn fill(api: &mut Api) {
    let (type_samples, params, bodies) = {
        let sampler = Sampler::new(&api.types);
        let types: Vec<Option<Value>> = api
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| {
                Some(sampler.named(TypeId(i), t, &Constraints::default(), 0, &mut Vec::new()))
            })
            .collect();
        let mut params = Vec::new();
        let mut bodies = Vec::new();
        for op in api.groups.iter().flat_map(|g| &g.operations) {
            for param in &op.params {
                let mut c = param.constraints.clone();
                // An empty path segment would address another resource (the SDK refuses it).
                if param.location == ParamLocation::Path && c.limits.min_length.unwrap_or(0) == 0 {
                    c.limits.min_length = Some(1);
                }
                // The parameter's own example comes before its schema's.
                if let Some(example) = &param.example {
                    c.examples.insert(0, example.clone());
                }
                // A query object (a deepObject filter) is sent with every optional property:
                // Prism checks the properties of one it does not get as if they were there, and
                // each is one more thing for it to check.
                let fullest = match param.ty.named().and_then(|id| sampler.def(id)) {
                    Some((id, def))
                        if param.location == ParamLocation::Query
                            && param.ty == TypeRef::Named(id)
                            && matches!(def.kind, TypeKind::Struct { .. }) =>
                    {
                        let value = sampler.fullest(id, def, 0, &mut Vec::new());
                        sampler.valid(&value, &param.ty, &c).then_some(value)
                    }
                    _ => None,
                };
                params.push(fullest.unwrap_or_else(|| sampler.sample(&param.ty, &c)));
            }
            bodies.push(op.body.as_ref().map(|body| {
                let value = match body.encoding {
                    BodyEncoding::Json | BodyEncoding::Form => {
                        let c = Constraints {
                            examples: body.examples.clone(),
                            ..Constraints::default()
                        };
                        Some(sampler.sample(&body.ty, &c))
                    }
                    _ => None,
                };
                let parts: Vec<Option<Value>> = body
                    .multipart
                    .iter()
                    .flat_map(|m| &m.parts)
                    .map(|part| match &part.kind {
                        PartKind::Value(ty) | PartKind::Json(ty) => {
                            Some(sampler.sample(ty, &part.constraints))
                        }
                        PartKind::File | PartKind::Files => None,
                    })
                    .collect();
                (value, parts)
            }));
        }
        (types, params, bodies)
    };
    for (def, sample) in api.types.iter_mut().zip(type_samples) {
        def.sample = sample;
    }
    let mut params = params.into_iter();
    let mut bodies = bodies.into_iter();
    for op in api.groups.iter_mut().flat_map(|g| &mut g.operations) {
        for param in &mut op.params {
            param.sample = params.next().unwrap_or(Value::Null);
        }
        if let (Some(body), Some(Some((value, parts)))) = (&mut op.body, bodies.next()) {
            body.sample = value;
            let form_parts = body.multipart.iter_mut().flat_map(|m| &mut m.parts);
            for (part, sample) in form_parts.zip(parts) {
                part.sample = sample;
            }
        }
    }
}

/// Builds and checks values against the IR's types.
pub struct Sampler<'a> {
    types: &'a [TypeDef],
}

impl<'a> Sampler<'a> {
    /// A sampler over these types, a [`TypeId`] being a place among them.
    pub fn new(types: &'a [TypeDef]) -> Self {
        Sampler { types }
    }

    /// The type an id stands for, with its id.
    fn def(&self, id: TypeId) -> Option<(TypeId, &'a TypeDef)> {
        self.types.get(id.0).map(|def| (id, def))
    }

    /// A value of `ty` that `c` accepts.
    pub fn sample(&self, ty: &TypeRef, c: &Constraints) -> Value {
        self.value(ty, c, 0, &mut Vec::new())
    }

    fn value(&self, ty: &TypeRef, c: &Constraints, depth: usize, stack: &mut Vec<TypeId>) -> Value {
        // Only documents built to hurt nest this deep (5000 inline objects in each other).
        if depth > MAX_CHECK_DEPTH {
            return Value::Null;
        }
        // The document's own values first: examples, defaults, then `enum`/`const` values.
        for candidate in c.examples.iter().chain(&c.values) {
            if self.valid(candidate, ty, c) {
                return candidate.clone();
            }
        }
        match ty {
            TypeRef::Nullable(inner) => self.value(inner, c, depth, stack),
            TypeRef::String => json!(string(c)),
            TypeRef::Bool => json!(true),
            TypeRef::I32 => integer(c, i32::MIN.into(), i32::MAX.into()),
            TypeRef::I64 => integer(c, i64::MIN, i64::MAX),
            TypeRef::U32 => integer(c, 0, u32::MAX.into()),
            TypeRef::U64 => integer(c, 0, i64::MAX),
            TypeRef::F32 | TypeRef::F64 => number(c),
            TypeRef::Uuid => json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            TypeRef::DateTime => json!("2025-01-01T00:00:00Z"),
            TypeRef::Date => json!("2025-01-01"),
            // An untyped schema with string keywords is most likely a string.
            TypeRef::Json if c.format.is_some() || c.limits.pattern.is_some() => json!(string(c)),
            TypeRef::Json => json!({}),
            TypeRef::List(inner) => {
                let items = c.items.as_deref().cloned().unwrap_or_default();
                let recursive = inner.named().is_some_and(|n| stack.contains(&n));
                let wanted = if depth >= MAX_DEPTH || recursive {
                    0
                } else {
                    1
                };
                let count = c
                    .limits
                    .min_items
                    .unwrap_or(0)
                    .max(wanted)
                    .min(c.limits.max_items.unwrap_or(usize::MAX));
                let mut values: Vec<Value> = Vec::new();
                for i in 0..count {
                    let item = self.value(inner, &items, depth + 1, stack);
                    values.push(if c.limits.unique_items {
                        vary(item, i)
                    } else {
                        item
                    });
                }
                Value::Array(values)
            }
            TypeRef::Map(inner) => {
                let mut map = Map::new();
                if c.limits.min_properties.unwrap_or(0) > 0 {
                    let value = self.value(inner, &Constraints::default(), depth + 1, stack);
                    map.insert("key".to_owned(), value);
                }
                Value::Object(map)
            }
            TypeRef::Named(id) => match self.def(*id) {
                Some((id, def)) => self.named(id, def, c, depth, stack),
                None => json!({}),
            },
        }
    }

    fn named(
        &self,
        id: TypeId,
        def: &TypeDef,
        c: &Constraints,
        depth: usize,
        stack: &mut Vec<TypeId>,
    ) -> Value {
        let ty = TypeRef::Named(id);
        if let Some(example) = &def.example {
            if self.valid(example, &ty, c) {
                return example.clone();
            }
        }
        stack.push(id);
        let value = match &def.kind {
            TypeKind::Struct {
                fields, flattened, ..
            } => {
                let mut map = Map::new();
                // Each flattened union's members write their properties into the same object.
                for union in flattened {
                    let recursive = stack.contains(&union.ty);
                    let union = TypeRef::Named(union.ty);
                    if recursive || depth >= MAX_DEPTH {
                        continue;
                    }
                    if let Value::Object(part) =
                        self.value(&union, &Constraints::default(), depth + 1, stack)
                    {
                        map.extend(part);
                    }
                }
                // Required fields, then optional ones until `minProperties` is met.
                let wanted = def.min_properties.unwrap_or(0);
                let required = fields.iter().filter(|f| f.required).count();
                let optional = fields
                    .iter()
                    .filter(|f| !f.required && !f.read_only)
                    .take(wanted.saturating_sub(required));
                let chosen: Vec<_> = fields
                    .iter()
                    .filter(|f| f.required)
                    .chain(optional)
                    .collect();
                for field in chosen {
                    let recursive = field.ty.named().is_some_and(|n| stack.contains(&n));
                    let value = if field.nullable && (recursive || depth >= MAX_DEPTH) {
                        Value::Null
                    } else {
                        self.value(&field.ty, &field.constraints, depth + 1, stack)
                    };
                    map.insert(field.json_name.clone(), value);
                }
                Value::Object(map)
            }
            TypeKind::Enum { variants, .. } => {
                variants.first().map_or(json!("value"), |v| json!(v.value))
            }
            TypeKind::Tagged { tag, variants } => variants
                .iter()
                .map(|variant| {
                    let member = TypeRef::Named(variant.ty);
                    let mut value = self.value(&member, &Constraints::default(), depth + 1, stack);
                    if let Value::Object(map) = &mut value {
                        map.insert(tag.clone(), json!(variant.tag_value));
                    }
                    value
                })
                .find(|value| self.valid(value, &ty, &Constraints::default()))
                .unwrap_or_else(|| json!({})),
            TypeKind::Untagged { variants } => {
                // The first member whose value no other member also accepts (a `oneOf` must
                // match exactly one), trying each member's smallest value, then its value with
                // every optional field (what tells apart members that require nothing); else
                // the first member's.
                let unique = |values: &[Value]| {
                    values
                        .iter()
                        .enumerate()
                        .find(|(i, value)| {
                            variants.iter().enumerate().all(|(j, other)| {
                                j == *i || !self.valid(value, &other.ty, &other.constraints)
                            })
                        })
                        .map(|(_, v)| v.clone())
                };
                let smallest: Vec<Value> = variants
                    .iter()
                    .map(|v| self.value(&v.ty, &v.constraints, depth + 1, stack))
                    .collect();
                unique(&smallest)
                    .or_else(|| {
                        let fullest: Vec<Value> = variants
                            .iter()
                            .map(|v| match v.ty.named().and_then(|id| self.def(id)) {
                                Some((id, def)) if matches!(def.kind, TypeKind::Struct { .. }) => {
                                    self.fullest(id, def, depth + 1, stack)
                                }
                                _ => self.value(&v.ty, &v.constraints, depth + 1, stack),
                            })
                            .collect();
                        unique(&fullest)
                    })
                    .or_else(|| smallest.into_iter().next())
                    .unwrap_or_else(|| json!({}))
            }
            TypeKind::Alias { target } => self.value(target, c, depth + 1, stack),
        };
        stack.pop();
        value
    }

    /// A struct's value with every field clients send, optional ones too.
    fn fullest(&self, id: TypeId, def: &TypeDef, depth: usize, stack: &mut Vec<TypeId>) -> Value {
        let TypeKind::Struct { fields, .. } = &def.kind else {
            return json!({});
        };
        stack.push(id);
        let mut map = Map::new();
        for field in fields.iter().filter(|f| !f.read_only) {
            let recursive = field.ty.named().is_some_and(|n| stack.contains(&n));
            if recursive && !field.required {
                continue;
            }
            let value = self.value(&field.ty, &field.constraints, depth + 1, stack);
            map.insert(field.json_name.clone(), value);
        }
        stack.pop();
        Value::Object(map)
    }

    /// Whether `value` is valid for `ty` under `c`: it decodes into the type and keeps the
    /// constraints recorded for it and for every field inside.
    pub fn valid(&self, value: &Value, ty: &TypeRef, c: &Constraints) -> bool {
        self.check(value, ty, c, 0)
    }

    fn check(&self, value: &Value, ty: &TypeRef, c: &Constraints, depth: usize) -> bool {
        if depth > MAX_CHECK_DEPTH {
            return true;
        }
        if !c.values.is_empty() && !c.values.contains(value) {
            return false;
        }
        let fits = match ty {
            TypeRef::Nullable(inner) => value.is_null() || self.check(value, inner, c, depth + 1),
            TypeRef::Json => true,
            TypeRef::String => value.is_string(),
            TypeRef::Bool => value.is_boolean(),
            TypeRef::I32 => in_range(value, i32::MIN.into(), i32::MAX.into()),
            TypeRef::I64 => value.is_i64(),
            TypeRef::U32 => in_range(value, 0, u32::MAX.into()),
            TypeRef::U64 => value.is_u64(),
            TypeRef::F32 | TypeRef::F64 => value.is_number(),
            TypeRef::Uuid => value.as_str().is_some_and(|s| format_ok("uuid", s)),
            TypeRef::DateTime => value.as_str().is_some_and(|s| format_ok("date-time", s)),
            TypeRef::Date => value.as_str().is_some_and(|s| format_ok("date", s)),
            TypeRef::List(inner) => match value {
                Value::Array(items) => {
                    let item_c = c.items.as_deref().cloned().unwrap_or_default();
                    items
                        .iter()
                        .all(|i| self.check(i, inner, &item_c, depth + 1))
                }
                _ => false,
            },
            TypeRef::Map(inner) => match value {
                Value::Object(map) => map
                    .values()
                    .all(|v| self.check(v, inner, &Constraints::default(), depth + 1)),
                _ => false,
            },
            TypeRef::Named(id) => match self.types.get(id.0) {
                Some(def) => self.check_named(value, def, c, depth),
                None => true,
            },
        };
        fits && (value.is_null() || limits_ok(value, c))
    }

    fn check_named(&self, value: &Value, def: &TypeDef, c: &Constraints, depth: usize) -> bool {
        let none = Constraints::default();
        match &def.kind {
            TypeKind::Struct {
                fields,
                additional,
                flattened,
            } => {
                let Value::Object(map) = value else {
                    return false;
                };
                // Flattened unions take the keys the fields leave: each must accept the value,
                // and what they hold is not extra.
                if !flattened.is_empty() {
                    let unions = flattened.iter().all(|union| {
                        self.check(value, &TypeRef::Named(union.ty), &none, depth + 1)
                    });
                    let declared = fields.iter().all(|field| match map.get(&field.json_name) {
                        None => !field.required,
                        Some(Value::Null) => field.nullable || field.double_option,
                        Some(item) => self.check(item, &field.ty, &field.constraints, depth + 1),
                    });
                    return unions && declared;
                }
                let declared = fields.iter().all(|field| match map.get(&field.json_name) {
                    None => !field.required,
                    Some(Value::Null) => field.nullable || field.double_option,
                    Some(item) => self.check(item, &field.ty, &field.constraints, depth + 1),
                });
                let extra = additional.as_ref().is_none_or(|additional| {
                    map.iter()
                        .filter(|(key, _)| !fields.iter().any(|f| &f.json_name == *key))
                        .all(|(_, item)| self.check(item, &additional.ty, &none, depth + 1))
                });
                let closed = !def.closed
                    || additional.is_some()
                    || map
                        .keys()
                        .all(|key| fields.iter().any(|f| &f.json_name == key));
                declared && extra && closed && def.min_properties.is_none_or(|min| map.len() >= min)
            }
            TypeKind::Enum { variants, .. } => value
                .as_str()
                .is_some_and(|s| variants.iter().any(|v| v.value == s)),
            TypeKind::Tagged { tag, variants } => {
                let tag_value = value.get(tag).and_then(Value::as_str);
                variants
                    .iter()
                    .find(|v| Some(v.tag_value.as_str()) == tag_value)
                    .is_some_and(|v| {
                        // The tag is the union's; the member's struct may not declare it.
                        let mut member = value.clone();
                        if let Value::Object(map) = &mut member {
                            map.shift_remove(tag);
                        }
                        self.check(&member, &TypeRef::Named(v.ty), &none, depth + 1)
                    })
            }
            TypeKind::Untagged { variants } => variants
                .iter()
                .any(|v| self.check(value, &v.ty, &v.constraints, depth + 1)),
            TypeKind::Alias { target } => self.check(value, target, c, depth + 1),
        }
    }
}

/// Whether a value keeps the length, bound, pattern, format and count keywords of `c`.
fn limits_ok(value: &Value, c: &Constraints) -> bool {
    let l = &c.limits;
    match value {
        Value::String(s) => {
            let length = s.chars().count();
            l.min_length.is_none_or(|min| length >= min)
                && l.max_length.is_none_or(|max| length <= max)
                && l.pattern.as_deref().is_none_or(|p| pattern_ok(p, s))
                && c.format.as_deref().is_none_or(|f| format_ok(f, s))
        }
        Value::Number(n) => {
            let Some(x) = n.as_f64() else { return true };
            let above = l.minimum.is_none_or(|min| {
                if l.exclusive_minimum {
                    x > min
                } else {
                    x >= min
                }
            });
            let below = l.maximum.is_none_or(|max| {
                if l.exclusive_maximum {
                    x < max
                } else {
                    x <= max
                }
            });
            let multiple = l
                .multiple_of
                .is_none_or(|m| m <= 0.0 || ((x / m) - (x / m).round()).abs() < 1e-9);
            above && below && multiple
        }
        Value::Array(items) => {
            l.min_items.is_none_or(|min| items.len() >= min)
                && l.max_items.is_none_or(|max| items.len() <= max)
        }
        Value::Object(map) => l.min_properties.is_none_or(|min| map.len() >= min),
        _ => true,
    }
}

fn in_range(value: &Value, min: i64, max: i64) -> bool {
    value.as_i64().is_some_and(|n| (min..=max).contains(&n))
}

/// Whether `text` matches the ECMAScript `pattern`; a pattern the `regex` crate cannot read
/// (lookaround, backreferences) accepts everything, as the server is the judge of it.
fn pattern_ok(pattern: &str, text: &str) -> bool {
    compiled(pattern).is_none_or(|re| re.is_match(text))
}

thread_local! {
    /// Compiled patterns: a document repeats the same few hundred patterns thousands of times.
    static PATTERNS: std::cell::RefCell<std::collections::HashMap<String, Option<regex::Regex>>> =
        Default::default();
}

/// `pattern` compiled once per thread; `None` when the `regex` crate cannot read it.
fn compiled(pattern: &str) -> Option<regex::Regex> {
    PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(found) = cache.get(pattern) {
            return found.clone();
        }
        // Bounded, for inputs built to hurt (the fuzzer's).
        if cache.len() > 4096 {
            cache.clear();
        }
        let re = regex::Regex::new(pattern).ok();
        cache.insert(pattern.to_owned(), re.clone());
        re
    })
}

/// Whether `text` has the `format`; formats not known here accept everything.
fn format_ok(format: &str, text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        "uuid" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
                && parts
                    .iter()
                    .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        "date" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.iter().map(|p| p.len()).eq([4, 2, 2]) && parts.iter().all(|p| digits(p))
        }
        "date-time" => {
            text.len() >= 20
                && text.is_char_boundary(10)
                && format_ok("date", &text[..10])
                && matches!(text.as_bytes()[10], b'T' | b't')
                && (text.ends_with(['Z', 'z']) || text[11..].contains(['+', '-']))
        }
        "email" => text
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        "uri" | "url" => {
            text.split_once("://").is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme.bytes().all(|b| b.is_ascii_alphanumeric())
                    && !rest.is_empty()
            }) && !text.contains(' ')
        }
        "ipv4" => {
            let parts: Vec<&str> = text.split('.').collect();
            parts.len() == 4 && parts.iter().all(|p| digits(p) && p.parse::<u8>().is_ok())
        }
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        "hostname" => {
            !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
        _ => true,
    }
}

/// A string keeping `c`'s format, pattern and length.
fn string(c: &Constraints) -> String {
    let l = &c.limits;
    let min = l.min_length.unwrap_or(0);
    let max = l.max_length.unwrap_or(usize::MAX).max(min);
    let fits = |s: &str| {
        let n = s.chars().count();
        n >= min && n <= max && l.pattern.as_deref().is_none_or(|p| pattern_ok(p, s))
    };
    if let Some(pattern) = &l.pattern {
        if let Some(found) = from_pattern(pattern, min, max) {
            return found;
        }
    }
    let base = match c.format.as_deref() {
        Some("email") => "user@example.com",
        Some("uri" | "url" | "uri-reference" | "iri") => "https://example.com",
        Some("hostname" | "idn-hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("byte") => "c3RyaW5n",
        Some("time") => "12:00:00Z",
        Some("duration") => "P1D",
        Some("password") => "secret-value",
        _ => "string",
    };
    if fits(base) {
        return base.to_owned();
    }
    // Lengthened with letters, or cut, to fit the bounds.
    let mut text: String = base.chars().take(max).collect();
    while text.chars().count() < min {
        text.push('a');
    }
    text
}

/// A string matching `pattern` with a length within `min..=max`, when the pattern is simple
/// enough to build from (literals, classes, repetitions, groups, alternations).
fn from_pattern(pattern: &str, min: usize, max: usize) -> Option<String> {
    thread_local! {
        static MADE: std::cell::RefCell<std::collections::HashMap<(String, usize, usize), Option<String>>> =
            Default::default();
    }
    let key = (pattern.to_owned(), min, max);
    if let Some(found) = MADE.with(|made| made.borrow().get(&key).cloned()) {
        return found;
    }
    let made = build_from_pattern(pattern, min, max);
    MADE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() > 4096 {
            cache.clear();
        }
        cache.insert(key, made.clone());
    });
    made
}

fn build_from_pattern(pattern: &str, min: usize, max: usize) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(true)
        .build()
        .parse(pattern)
        .ok()?;
    let regex = compiled(pattern)?;
    // Unbounded repetitions are stretched until the text is long enough.
    for stretch in 0..=min.min(256) {
        let mut out = String::new();
        build(&hir, stretch, &mut out)?;
        let n = out.chars().count();
        if regex.is_match(&out) && n >= min && n <= max {
            return Some(out);
        }
        if n > max {
            break;
        }
    }
    None
}

fn build(hir: &Hir, stretch: usize, out: &mut String) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            // A letter or digit reads best when the class has one.
            let nice = ['a', 'A', '0']
                .into_iter()
                .find(|c| ranges.iter().any(|r| r.start() <= *c && *c <= r.end()));
            let printable = ranges
                .iter()
                .flat_map(|r| {
                    [
                        r.start(),
                        char::from_u32(r.start() as u32 + 1).unwrap_or(r.start()),
                    ]
                })
                .find(|c| {
                    !c.is_control()
                        && !c.is_whitespace()
                        && ranges.iter().any(|r| r.start() <= *c && *c <= r.end())
                });
            out.push(
                nice.or(printable)
                    .or_else(|| ranges.first().map(|r| r.start()))?,
            );
        }
        HirKind::Class(Class::Bytes(class)) => {
            out.push(char::from(class.ranges().first()?.start()));
        }
        HirKind::Repetition(rep) => {
            let count = match rep.max {
                Some(max) => (rep.min as usize + stretch).min(max as usize),
                None => rep.min as usize + stretch,
            }
            .max(rep.min as usize);
            for _ in 0..count.min(1024) {
                build(&rep.sub, stretch, out)?;
            }
        }
        HirKind::Capture(capture) => build(&capture.sub, stretch, out)?,
        HirKind::Concat(items) => {
            for item in items {
                build(item, stretch, out)?;
            }
        }
        HirKind::Alternation(items) => build(items.first()?, stretch, out)?,
    }
    Some(())
}

/// An integer within `c`'s bounds and the type's, a multiple of `multipleOf`.
fn integer(c: &Constraints, type_min: i64, type_max: i64) -> Value {
    let l = &c.limits;
    let mut low = type_min as f64;
    let mut high = type_max as f64;
    if let Some(min) = l.minimum {
        low = low.max(if l.exclusive_minimum {
            min.floor() + 1.0
        } else {
            min.ceil()
        });
    }
    if let Some(max) = l.maximum {
        high = high.min(if l.exclusive_maximum {
            max.ceil() - 1.0
        } else {
            max.floor()
        });
    }
    let mut n = 1f64.clamp(low, high.max(low));
    if let Some(m) = l.multiple_of.filter(|m| *m >= 1.0) {
        n = (n / m).ceil() * m;
        if n > high {
            n = (high / m).floor() * m;
        }
    }
    json!(n as i64)
}

/// A number within `c`'s bounds.
fn number(c: &Constraints) -> Value {
    let l = &c.limits;
    let mut n: f64 = 1.5;
    if let Some(m) = l.multiple_of.filter(|m| *m > 0.0) {
        n = m;
    }
    if let Some(min) = l.minimum {
        if n < min || (l.exclusive_minimum && n <= min) {
            n = if l.exclusive_minimum { min + 0.5 } else { min };
        }
    }
    if let Some(max) = l.maximum {
        if n > max || (l.exclusive_maximum && n >= max) {
            n = if l.exclusive_maximum { max - 0.5 } else { max };
        }
    }
    json!(n)
}

/// Makes the `i`th item of a `uniqueItems` list differ from the others.
fn vary(value: Value, i: usize) -> Value {
    match value {
        Value::String(s) if i > 0 => Value::String(format!("{s}{i}")),
        Value::Number(n) if i > 0 => n
            .as_i64()
            .map_or(Value::Number(n.clone()), |n| json!(n + i as i64)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumVariant, Field, Limits, TaggedVariant, UntaggedVariant};

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.to_owned(),
            naming: Default::default(),
            pointer: String::new(),
            doc: None,
            notes: Vec::new(),
            deprecated: false,
            example: None,
            sample: None,
            min_properties: None,
            closed: false,
            kind,
            features: Vec::new(),
        }
    }

    fn field(name: &str, ty: TypeRef, required: bool, constraints: Constraints) -> Field {
        Field {
            name: name.to_owned(),
            json_name: name.to_owned(),
            doc: None,
            ty,
            required,
            nullable: false,
            sensitive: false,
            deprecated: false,
            read_only: false,
            write_only: false,
            boxed: false,
            double_option: false,
            constraints,
        }
    }

    fn limits(f: impl FnOnce(&mut Limits)) -> Constraints {
        let mut c = Constraints::default();
        f(&mut c.limits);
        c
    }

    fn format(f: &str) -> Constraints {
        Constraints {
            format: Some(f.to_owned()),
            ..Constraints::default()
        }
    }

    fn sample(ty: TypeRef, c: Constraints) -> Value {
        Sampler::new(&[]).sample(&ty, &c)
    }

    #[test]
    fn the_documents_example_comes_first_then_default_then_enum() {
        let c = Constraints {
            examples: vec![json!("from-example"), json!("from-default")],
            ..Constraints::default()
        };
        assert_eq!(sample(TypeRef::String, c), json!("from-example"));
        let c = Constraints {
            values: vec![json!(3), json!(5)],
            ..Constraints::default()
        };
        assert_eq!(sample(TypeRef::I64, c), json!(3));
    }

    #[test]
    fn an_example_that_breaks_its_schema_is_passed_over() {
        // A number where a string is declared, and a string shorter than minLength.
        let c = Constraints {
            examples: vec![json!(12), json!("ab"), json!("abcd")],
            limits: Limits {
                min_length: Some(3),
                ..Limits::default()
            },
            ..Constraints::default()
        };
        assert_eq!(sample(TypeRef::String, c), json!("abcd"));
        let c = Constraints {
            examples: vec![json!("not-an-email")],
            ..format("email")
        };
        assert_eq!(sample(TypeRef::String, c), json!("user@example.com"));
    }

    #[test]
    fn formats_give_values_of_their_form() {
        for (f, expected) in [
            ("email", "user@example.com"),
            ("uri", "https://example.com"),
            ("url", "https://example.com"),
            ("ipv4", "192.0.2.1"),
            ("ipv6", "2001:db8::1"),
            ("hostname", "example.com"),
        ] {
            let value = sample(TypeRef::String, format(f));
            assert_eq!(value, json!(expected), "{f}");
            assert!(format_ok(f, value.as_str().unwrap()), "{f}");
        }
        assert!(format_ok(
            "uuid",
            sample(TypeRef::Uuid, Constraints::default())
                .as_str()
                .unwrap()
        ));
        assert!(format_ok(
            "date-time",
            sample(TypeRef::DateTime, Constraints::default())
                .as_str()
                .unwrap()
        ));
        assert!(format_ok(
            "date",
            sample(TypeRef::Date, Constraints::default())
                .as_str()
                .unwrap()
        ));
    }

    #[test]
    fn lengths_are_kept() {
        let long = sample(TypeRef::String, limits(|l| l.min_length = Some(10)));
        assert_eq!(long.as_str().unwrap().len(), 10);
        let short = sample(TypeRef::String, limits(|l| l.max_length = Some(3)));
        assert_eq!(short, json!("str"));
    }

    #[test]
    fn simple_patterns_are_followed() {
        for pattern in [
            r"^[a-z0-9-]+$",
            r"^\d{3}-\d{4}$",
            r"^(kpat|spat)_[A-Za-z0-9]{10,}$",
            r"^arn:aws:iam::\d{12}:role/.+$",
            r"^#[0-9a-fA-F]{6}$",
        ] {
            let value = sample(
                TypeRef::String,
                limits(|l| l.pattern = Some(pattern.to_owned())),
            );
            let text = value.as_str().unwrap();
            assert!(
                regex::Regex::new(pattern).unwrap().is_match(text),
                "{pattern}: {text}"
            );
        }
        // With a minimum length, repetitions stretch.
        let c = limits(|l| {
            l.pattern = Some("^[a-z]+$".to_owned());
            l.min_length = Some(5);
        });
        assert_eq!(sample(TypeRef::String, c), json!("aaaaa"));
    }

    #[test]
    fn numbers_keep_their_bounds() {
        assert_eq!(
            sample(TypeRef::I64, limits(|l| l.minimum = Some(10.0))),
            json!(10)
        );
        let c = limits(|l| {
            l.minimum = Some(10.0);
            l.exclusive_minimum = true;
        });
        assert_eq!(sample(TypeRef::I64, c), json!(11));
        assert_eq!(
            sample(TypeRef::I32, limits(|l| l.maximum = Some(0.0))),
            json!(0)
        );
        assert_eq!(
            sample(
                TypeRef::I64,
                limits(|l| {
                    l.minimum = Some(3.0);
                    l.multiple_of = Some(5.0);
                })
            ),
            json!(5)
        );
        let x = sample(
            TypeRef::F64,
            limits(|l| {
                l.minimum = Some(0.0);
                l.maximum = Some(1.0);
            }),
        );
        assert!((0.0..=1.0).contains(&x.as_f64().unwrap()));
    }

    #[test]
    fn structs_hold_their_required_fields_only() {
        let types = vec![def(
            "Thing",
            TypeKind::Struct {
                fields: vec![
                    field(
                        "name",
                        TypeRef::String,
                        true,
                        limits(|l| l.min_length = Some(8)),
                    ),
                    field("note", TypeRef::String, false, Constraints::default()),
                    field(
                        "tags",
                        TypeRef::List(Box::new(TypeRef::String)),
                        true,
                        limits(|l| l.min_items = Some(2)),
                    ),
                ],
                additional: None,
                flattened: Vec::new(),
            },
        )];
        let value =
            Sampler::new(&types).sample(&TypeRef::Named(TypeId(0)), &Constraints::default());
        assert_eq!(
            value,
            json!({"name": "stringaa", "tags": ["string", "string"]})
        );
    }

    #[test]
    fn min_properties_brings_in_optional_fields() {
        let mut patch = def(
            "Patch",
            TypeKind::Struct {
                fields: vec![
                    field("name", TypeRef::String, false, Constraints::default()),
                    field("note", TypeRef::String, false, Constraints::default()),
                ],
                additional: None,
                flattened: Vec::new(),
            },
        );
        patch.min_properties = Some(1);
        let types = vec![patch];
        let ty = TypeRef::Named(TypeId(0));
        let sampler = Sampler::new(&types);
        assert_eq!(
            sampler.sample(&ty, &Constraints::default()),
            json!({"name": "string"})
        );
        assert!(!sampler.valid(&json!({}), &ty, &Constraints::default()));
    }

    #[test]
    fn path_parameters_are_never_empty() {
        // The document's own example is an empty string, which would address another resource.
        let api = crate::lower_str(
            "t.yaml",
            r"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: get-thing
      parameters:
        - {name: id, in: path, required: true, example: '', schema: {type: string}}
      responses:
        '204': {description: none}
",
        )
        .expect("lowers");
        let param = &api.groups[0].operations[0].params[0];
        assert_eq!(param.sample, json!("string"));
    }

    #[test]
    fn a_types_valid_example_is_used_and_an_invalid_one_is_not() {
        let mut thing = def(
            "Thing",
            TypeKind::Struct {
                fields: vec![field("id", TypeRef::I64, true, Constraints::default())],
                additional: None,
                flattened: Vec::new(),
            },
        );
        thing.example = Some(json!({"id": 7}));
        let types = vec![thing.clone()];
        let ty = TypeRef::Named(TypeId(0));
        assert_eq!(
            Sampler::new(&types).sample(&ty, &Constraints::default()),
            json!({"id": 7})
        );
        thing.example = Some(json!({"id": "seven"}));
        let types = vec![thing];
        assert_eq!(
            Sampler::new(&types).sample(&ty, &Constraints::default()),
            json!({"id": 1})
        );
    }

    #[test]
    fn unions_take_the_first_member_that_works() {
        let types = vec![
            def(
                "A",
                TypeKind::Struct {
                    fields: vec![field("a", TypeRef::String, false, Constraints::default())],
                    additional: None,
                    flattened: Vec::new(),
                },
            ),
            def(
                "B",
                TypeKind::Struct {
                    fields: vec![field("b", TypeRef::I64, true, Constraints::default())],
                    additional: None,
                    flattened: Vec::new(),
                },
            ),
            // A's value `{}` is not a B (B requires `b`), so A is taken.
            def(
                "U",
                TypeKind::Untagged {
                    variants: vec![
                        UntaggedVariant {
                            name: "A".into(),
                            label: None,
                            ty: TypeRef::Named(TypeId(0)),
                            known_fields: None,
                            constraints: Constraints::default(),
                        },
                        UntaggedVariant {
                            name: "B".into(),
                            label: None,
                            ty: TypeRef::Named(TypeId(1)),
                            known_fields: None,
                            constraints: Constraints::default(),
                        },
                    ],
                },
            ),
            def(
                "T",
                TypeKind::Tagged {
                    tag: "kind".into(),
                    variants: vec![TaggedVariant {
                        name: "B".into(),
                        tag_value: "b".into(),
                        ty: TypeId(1),
                    }],
                },
            ),
            def(
                "E",
                TypeKind::Enum {
                    variants: vec![EnumVariant {
                        name: "On".into(),
                        value: "on".into(),
                    }],
                    open: false,
                },
            ),
        ];
        let sampler = Sampler::new(&types);
        let none = Constraints::default();
        assert_eq!(sampler.sample(&TypeRef::Named(TypeId(2)), &none), json!({}));
        assert_eq!(
            sampler.sample(&TypeRef::Named(TypeId(3)), &none),
            json!({"b": 1, "kind": "b"})
        );
        assert_eq!(
            sampler.sample(&TypeRef::Named(TypeId(4)), &none),
            json!("on")
        );
    }

    #[test]
    fn closed_members_that_require_nothing_are_told_apart_by_their_optional_fields() {
        let closed = |name: &str, field_name: &str| {
            let mut d = def(
                name,
                TypeKind::Struct {
                    fields: vec![field(
                        field_name,
                        TypeRef::String,
                        false,
                        Constraints::default(),
                    )],
                    additional: None,
                    flattened: Vec::new(),
                },
            );
            d.closed = true;
            d
        };
        let member = |name: &str, id: usize| UntaggedVariant {
            name: name.into(),
            label: None,
            ty: TypeRef::Named(TypeId(id)),
            known_fields: None,
            constraints: Constraints::default(),
        };
        let types = vec![
            closed("Service", "service"),
            closed("Plane", "control_plane"),
            def(
                "Either",
                TypeKind::Untagged {
                    variants: vec![member("Service", 0), member("Plane", 1)],
                },
            ),
        ];
        let sampler = Sampler::new(&types);
        let value = sampler.sample(&TypeRef::Named(TypeId(2)), &Constraints::default());
        // `{}` would match both members of the `oneOf`.
        assert_eq!(value, json!({"service": "string"}));
        assert!(!sampler.valid(&value, &TypeRef::Named(TypeId(1)), &Constraints::default()));
    }

    #[test]
    fn a_scalar_members_constraints_hold() {
        let port = UntaggedVariant {
            name: "Port".into(),
            label: None,
            ty: TypeRef::String,
            known_fields: None,
            constraints: limits(|l| l.pattern = Some(r"^(\d{1,5}|\d{1,5}-\d{1,5})$".into())),
        };
        let types = vec![def(
            "Ports",
            TypeKind::Untagged {
                variants: vec![port],
            },
        )];
        let value =
            Sampler::new(&types).sample(&TypeRef::Named(TypeId(0)), &Constraints::default());
        assert_eq!(value, json!("0"));
    }

    #[test]
    fn recursion_stops_at_optional_fields_and_empty_arrays() {
        let types = vec![def(
            "Node",
            TypeKind::Struct {
                fields: vec![
                    field("name", TypeRef::String, true, Constraints::default()),
                    field(
                        "children",
                        TypeRef::List(Box::new(TypeRef::Named(TypeId(0)))),
                        true,
                        Constraints::default(),
                    ),
                    field(
                        "parent",
                        TypeRef::Named(TypeId(0)),
                        false,
                        Constraints::default(),
                    ),
                ],
                additional: None,
                flattened: Vec::new(),
            },
        )];
        let value =
            Sampler::new(&types).sample(&TypeRef::Named(TypeId(0)), &Constraints::default());
        assert_eq!(value, json!({"name": "string", "children": []}));
    }

    #[test]
    fn array_items_keep_their_own_constraints() {
        let c = Constraints {
            items: Some(Box::new(format("email"))),
            limits: Limits {
                min_items: Some(2),
                unique_items: true,
                ..Limits::default()
            },
            ..Constraints::default()
        };
        let value = sample(TypeRef::List(Box::new(TypeRef::String)), c.clone());
        assert_eq!(value, json!(["user@example.com", "user@example.com1"]));
        assert!(!Sampler::new(&[]).valid(
            &json!(["nope"]),
            &TypeRef::List(Box::new(TypeRef::String)),
            &c
        ));
    }
}
