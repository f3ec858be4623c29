//! A JSON value of a type, written as the Rust that builds it with the SDK's own API, for the
//! docs' examples: structs through their builders (nested objects as nested builders), enums
//! as their variants, unions through their members, arrays as `vec![..]`, maps as
//! `BTreeMap::from([..])`, uuids and dates parsed, and `serde_json::json!` only where the
//! type itself is any JSON. The values come from `lower/samples.rs`, valid against the schema;
//! one that is not (a required property missing) is completed from the field's own sample, so
//! what is written always compiles.

use serde_json::Value;

use super::usage::Usage;
use crate::ir::{Constraints, Field, TypeDef, TypeKind, TypeRef};
use crate::lower::Sampler;

/// Values nest this deep at most (documents built to hurt); deeper, a type's default stands.
const MAX_DEPTH: usize = 96;

/// `let name = <value>;`, annotated with the type where the expression alone does not say it
/// (a list, a map, a scalar to parse).
pub fn binding(usage: &Usage, name: &str, ty: &TypeRef, value: &Value) -> String {
    let expr = value_of(usage, ty, value);
    match ty {
        TypeRef::Named(_) | TypeRef::Json | TypeRef::String => format!("let {name} = {expr};\n"),
        _ => format!("let {name}: {} = {expr};\n", usage.type_path(ty)),
    }
}

/// The expression building `value` as a `ty`, where exactly that type is expected, its
/// continuation lines indented for a statement at the top level.
pub fn value_of(usage: &Usage, ty: &TypeRef, value: &Value) -> String {
    value_at(usage, ty, value, 0)
}

/// The same, written `depth` levels in (a field of a struct literal is one).
pub fn value_at(usage: &Usage, ty: &TypeRef, value: &Value, depth: usize) -> String {
    let writer = Writer {
        usage,
        sampler: Sampler::new(&usage.api().types),
        krate: usage.crate_ident(),
    };
    writer.expr(ty, value, Position::Exact, depth)
}

/// What the place an expression goes to accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Exactly the type.
    Exact,
    /// `impl Into<T>`: a setter of a `String` or JSON field, or of a boxed one.
    Into,
}

struct Writer<'a> {
    usage: &'a Usage<'a>,
    sampler: Sampler<'a>,
    krate: &'a str,
}

impl Writer<'_> {
    fn expr(&self, ty: &TypeRef, value: &Value, position: Position, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "Default::default()".to_owned();
        }
        match ty {
            TypeRef::Nullable(inner) => match value {
                Value::Null => "None".to_owned(),
                value => call(
                    "Some",
                    &self.expr(inner, value, Position::Exact, depth + 1),
                    depth,
                ),
            },
            TypeRef::Json => format!(
                "{}::serde_json::json!({})",
                self.krate,
                indent(&pretty(value), depth)
            ),
            TypeRef::String => {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                match position {
                    Position::Into => format!("{text:?}"),
                    Position::Exact => format!("{text:?}.to_owned()"),
                }
            }
            TypeRef::Bool => value.as_bool().unwrap_or_default().to_string(),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
                Value::Number(n) => (n.as_f64().unwrap_or_default().trunc() as i64).to_string(),
                _ => "0".to_owned(),
            },
            TypeRef::F32 | TypeRef::F64 => {
                let text = value.as_f64().unwrap_or_default().to_string();
                if text.contains(['.', 'e', 'E']) || text.contains("inf") || text.contains("NaN") {
                    text
                } else {
                    format!("{text}.0")
                }
            }
            TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date => {
                let text = value.as_str().map_or_else(
                    || self.sampler.sample(ty, &Constraints::default()).to_string(),
                    str::to_owned,
                );
                format!("{text:?}.parse()?")
            }
            TypeRef::List(inner) => match value.as_array() {
                Some(items) if !items.is_empty() => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|item| self.expr(inner, item, Position::Exact, depth + 1))
                        .collect();
                    list("vec![", &items, "]", depth)
                }
                _ => "Vec::new()".to_owned(),
            },
            TypeRef::Map(inner) => match value.as_object() {
                Some(map) if !map.is_empty() => {
                    let entries: Vec<String> = map
                        .iter()
                        .map(|(key, item)| {
                            let item = self.expr(inner, item, Position::Exact, depth + 1);
                            format!("({key:?}.to_owned(), {item})")
                        })
                        .collect();
                    list("std::collections::BTreeMap::from([", &entries, "])", depth)
                }
                _ => "std::collections::BTreeMap::new()".to_owned(),
            },
            TypeRef::Named(id) => self.named(self.usage.api().ty(*id), value, depth),
        }
    }

    /// `<crate>::models::Name`.
    fn path(&self, def: &TypeDef) -> String {
        format!(
            "{}::models::{}",
            self.krate,
            def.name.trim_start_matches("r#")
        )
    }

    fn named(&self, def: &TypeDef, value: &Value, depth: usize) -> String {
        let path = self.path(def);
        match &def.kind {
            TypeKind::Alias { target } => self.expr(target, value, Position::Exact, depth),
            TypeKind::Enum { variants, open } => {
                let text = value.as_str().unwrap_or_default();
                match variants.iter().find(|v| v.value == text) {
                    Some(variant) => format!("{path}::{}", variant.name.trim_start_matches("r#")),
                    None if *open => format!("{path}::Unknown({text:?}.to_owned())"),
                    None => match variants.first() {
                        Some(first) => format!("{path}::{}", first.name.trim_start_matches("r#")),
                        None => "Default::default()".to_owned(),
                    },
                }
            }
            TypeKind::Tagged { tag, variants } => {
                let tag_value = value.get(tag).and_then(Value::as_str);
                match variants
                    .iter()
                    .find(|v| Some(v.tag_value.as_str()) == tag_value)
                {
                    Some(variant) => {
                        // The union writes the tag; the member's struct may not hold it.
                        let member = TypeRef::Named(variant.ty);
                        let inner =
                            self.expr(&member, &without(value, tag), Position::Exact, depth + 1);
                        call(&format!("{path}::{}", variant.name), &inner, depth)
                    }
                    None => call(
                        &format!("{path}::Unknown"),
                        &self.expr(&TypeRef::Json, value, Position::Exact, depth + 1),
                        depth,
                    ),
                }
            }
            TypeKind::Untagged { variants } => {
                // The first member the value is valid for, as decoding picks it; failing
                // that, the first of the same JSON kind, or the first.
                let chosen = variants
                    .iter()
                    .find(|v| self.sampler.valid(value, &v.ty, &v.constraints))
                    .or_else(|| variants.iter().find(|v| same_kind(self, &v.ty, value)))
                    .or_else(|| variants.first());
                match chosen {
                    Some(variant) => call(
                        &format!("{path}::{}", variant.name),
                        &self.expr(&variant.ty, value, Position::Exact, depth + 1),
                        depth,
                    ),
                    None => "Default::default()".to_owned(),
                }
            }
            TypeKind::Struct {
                fields,
                additional,
                flattened,
            } => {
                let empty = serde_json::Map::new();
                let map = value.as_object().unwrap_or(&empty);
                let mut setters = Vec::new();
                for field in fields {
                    if let Some(setter) = self.setter(field, map.get(&field.json_name), depth) {
                        setters.push(setter);
                    }
                }
                for union in flattened {
                    let ty = TypeRef::Named(union.ty);
                    let union_value = self.expr(&ty, value, Position::Exact, depth + 2);
                    setters.push(call(&format!(".{}", union.name), &union_value, depth + 1));
                }
                if let Some(additional) = additional {
                    let extra: serde_json::Map<String, Value> = map
                        .iter()
                        .filter(|(key, _)| !fields.iter().any(|f| &f.json_name == *key))
                        .map(|(key, item)| (key.clone(), item.clone()))
                        .collect();
                    if !extra.is_empty() {
                        let ty = TypeRef::Map(Box::new(additional.ty.clone()));
                        let extra =
                            self.expr(&ty, &Value::Object(extra), Position::Exact, depth + 2);
                        setters.push(call(&format!(".{}", additional.name), &extra, depth + 1));
                    }
                }
                let fallible = !flattened.is_empty() || fields.iter().any(is_required);
                let build = if fallible { ".build()?" } else { ".build()" };
                let pad = "    ".repeat(depth + 1);
                let mut out = format!("{path}::builder()");
                for setter in setters {
                    out.push('\n');
                    out.push_str(&pad);
                    out.push_str(&setter);
                }
                if out.contains('\n') {
                    out.push('\n');
                    out.push_str(&pad);
                }
                out.push_str(build);
                out
            }
        }
    }

    /// `.field(value)`, or nothing when the value leaves the field at its default (absent, or
    /// `null` where the field is an `Option`).
    fn setter(&self, field: &Field, value: Option<&Value>, depth: usize) -> Option<String> {
        let sampled;
        let value = match value {
            Some(value) => value,
            None if is_required(field) => {
                sampled = self.sampler.sample(&field.ty, &field.constraints);
                &sampled
            }
            None => return None,
        };
        // Setters sit one level in from the builder, their arguments one more.
        let setter = format!(".{}", field.name);
        if field.double_option {
            // `impl IntoNullable<T>`: the value, or `None` for `null`; a value to parse needs
            // `Some` to say which type it parses into, a boxed one its box.
            let inner = match value {
                Value::Null => "None".to_owned(),
                value if field.boxed => call(
                    "Box::new",
                    &self.expr(&field.ty, value, Position::Exact, depth + 3),
                    depth + 2,
                ),
                value if matches!(field.ty, TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date) => {
                    call(
                        "Some",
                        &self.expr(&field.ty, value, Position::Exact, depth + 3),
                        depth + 2,
                    )
                }
                value => self.expr(&field.ty, value, Position::Into, depth + 2),
            };
            return Some(call(&setter, &inner, depth + 1));
        }
        if value.is_null() && !is_required(field) {
            return None;
        }
        let position = if field.boxed || matches!(field.ty, TypeRef::String | TypeRef::Json) {
            Position::Into
        } else {
            Position::Exact
        };
        let argument = self.expr(&field.ty, value, position, depth + 2);
        Some(call(&setter, &argument, depth + 1))
    }
}

/// Whether the builder must be given the field: neither optional nor nullable.
pub fn is_required(field: &Field) -> bool {
    field.required && !field.nullable && !field.double_option
}

/// Whether a value is of the JSON kind a type takes (an object for a struct, a string for an
/// enum...), to pick a union member when none accepts the value whole.
fn same_kind(writer: &Writer, ty: &TypeRef, value: &Value) -> bool {
    match ty {
        TypeRef::Nullable(inner) => value.is_null() || same_kind(writer, inner, value),
        TypeRef::Json => true,
        TypeRef::String | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date => value.is_string(),
        TypeRef::Bool => value.is_boolean(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => {
            value.is_i64() || value.is_u64()
        }
        TypeRef::F32 | TypeRef::F64 => value.is_number(),
        TypeRef::List(_) => value.is_array(),
        TypeRef::Map(_) => value.is_object(),
        TypeRef::Named(id) => match &writer.usage.api().ty(*id).kind {
            TypeKind::Struct { .. } | TypeKind::Tagged { .. } => value.is_object(),
            TypeKind::Enum { .. } => value.is_string(),
            TypeKind::Alias { target } => same_kind(writer, target, value),
            TypeKind::Untagged { variants } => {
                variants.iter().any(|v| same_kind(writer, &v.ty, value))
            }
        },
    }
}

/// The object without `key`.
fn without(value: &Value, key: &str) -> Value {
    let mut value = value.clone();
    if let Value::Object(map) = &mut value {
        map.shift_remove(key);
    }
    value
}

/// `head(argument)`; an argument of several lines (written one level in from `depth`) on lines
/// of its own, as rustfmt puts it.
fn call(head: &str, argument: &str, depth: usize) -> String {
    if argument.contains('\n') {
        let inner = "    ".repeat(depth + 1);
        let outer = "    ".repeat(depth);
        format!("{head}(\n{inner}{argument},\n{outer})")
    } else {
        format!("{head}({argument})")
    }
}

/// Items between `open` and `close`: on one line when short, else one per line.
fn list(open: &str, items: &[String], close: &str, depth: usize) -> String {
    let one_line = format!("{open}{}{close}", items.join(", "));
    if one_line.len() <= 60 && !one_line.contains('\n') {
        return one_line;
    }
    let pad = "    ".repeat(depth + 1);
    let mut out = open.to_owned();
    for item in items {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(item);
        out.push(',');
    }
    out.push('\n');
    out.push_str(&"    ".repeat(depth));
    out.push_str(close);
    out
}

/// JSON, which `serde_json::json!` accepts as is: on one line when short, else pretty.
fn pretty(value: &Value) -> String {
    let compact = value.to_string();
    if compact.len() <= 60 {
        return compact;
    }
    serde_json::to_string_pretty(value).unwrap_or(compact)
}

/// Continuation lines indented to the depth the text is written at.
fn indent(text: &str, depth: usize) -> String {
    text.replace('\n', &format!("\n{}", "    ".repeat(depth)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const DOC: &str = r"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      operationId: create-pet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '204': {description: ok}
components:
  schemas:
    Pet:
      type: object
      required: [name, kind]
      properties:
        name: {type: string}
        kind: {type: string, enum: [cat, dog]}
        id: {type: string, format: uuid}
        tags: {type: array, items: {type: string}}
        scores: {type: object, additionalProperties: {type: integer}}
        extra: {}
        note: {type: string, nullable: true}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      type: object
      properties:
        name: {type: string}
";

    fn render(value: &Value) -> String {
        let api = crate::lower_str("t.yaml", DOC).expect("lowers");
        let usage = Usage::new(&api, "pet-sdk");
        let pet = api.types.iter().position(|t| t.name == "Pet").expect("Pet");
        value_of(&usage, &TypeRef::Named(crate::ir::TypeId(pet)), value)
    }

    #[test]
    fn a_value_is_written_with_builders_variants_and_parsed_scalars() {
        let value = json!({
            "name": "Rex",
            "kind": "dog",
            "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "tags": ["a", "b"],
            "scores": {"x": 1},
            "extra": {"any": [1]},
            "note": null,
            "owner": {"name": "Ann"},
            "undeclared": true,
        });
        assert_eq!(
            render(&value),
            r#"pet_sdk::models::Pet::builder()
    .name("Rex")
    .kind(pet_sdk::models::PetKind::Dog)
    .id("3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?)
    .tags(vec!["a".to_owned(), "b".to_owned()])
    .scores(std::collections::BTreeMap::from([("x".to_owned(), 1)]))
    .extra(pet_sdk::serde_json::json!({"any":[1]}))
    .note(None)
    .owner(
        pet_sdk::models::Owner::builder()
            .name("Ann")
            .build(),
    )
    .build()?"#
        );
    }

    #[test]
    fn a_required_field_the_value_lacks_is_filled_from_its_own_sample() {
        let rendered = render(&json!({"name": "Rex", "note": "old"}));
        assert!(
            rendered.contains(".kind(pet_sdk::models::PetKind::Cat)"),
            "{rendered}"
        );
        assert!(rendered.contains(".note(\"old\")"), "{rendered}");
        assert!(
            !rendered.contains(".owner("),
            "absent optional fields stay unset"
        );
    }
}
