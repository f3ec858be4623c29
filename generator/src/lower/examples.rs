//! Checks each example of the document against the type it must decode into, as the
//! generated code will decode it, so an example that contradicts its own schema (a string
//! where a number is declared, a required property missing) is reported by its round-trip
//! test as ignored, with the reason, rather than failing the generated crate's tests.

use serde_json::Value;

use crate::ir::{Api, TypeDef, TypeKind, TypeRef};

/// Examples nest deeper than this only in documents built to hurt; they are not checked.
const MAX_DEPTH: usize = 64;

/// Records on every example why it contradicts its type, if it does.
pub fn check(api: &mut Api) {
    let checker = Checker { types: &api.types };
    let found: Vec<Option<String>> = api
        .examples
        .iter()
        .map(|example| {
            if example.nullable && example.value.is_null() {
                return None;
            }
            checker
                .fits(&example.value, &example.ty, &mut Vec::new(), 0)
                .err()
        })
        .collect();
    for (example, contradiction) in api.examples.iter_mut().zip(found) {
        example.contradiction = contradiction;
    }
}

struct Checker<'a> {
    types: &'a [TypeDef],
}

impl Checker<'_> {
    /// Whether `value` decodes into `ty`; why not, with the path where it fails.
    fn fits(
        &self,
        value: &Value,
        ty: &TypeRef,
        path: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let wrong = |expected: &str, path: &[String]| Err(mismatch(path, expected, value));
        match ty {
            TypeRef::Json => Ok(()),
            TypeRef::Nullable(inner) => match value {
                Value::Null => Ok(()),
                _ => self.fits(value, inner, path, depth + 1),
            },
            TypeRef::String => match value {
                Value::String(_) => Ok(()),
                _ => wrong("a string", path),
            },
            TypeRef::Bool => match value {
                Value::Bool(_) => Ok(()),
                _ => wrong("a boolean", path),
            },
            TypeRef::I32 => integer(value, i64::from(i32::MIN), i64::from(i32::MAX), path),
            TypeRef::I64 => integer(value, i64::MIN, i64::MAX, path),
            TypeRef::U32 => integer(value, 0, i64::from(u32::MAX), path),
            TypeRef::U64 => match value {
                Value::Number(n) if n.is_u64() => Ok(()),
                _ => wrong("an integer of at least 0", path),
            },
            TypeRef::F32 | TypeRef::F64 => match value {
                Value::Number(_) => Ok(()),
                _ => wrong("a number", path),
            },
            TypeRef::Uuid => match value {
                Value::String(s) if is_uuid(s) => Ok(()),
                _ => wrong("a UUID", path),
            },
            TypeRef::DateTime => match value {
                Value::String(s) if is_date_time(s) => Ok(()),
                _ => wrong("an RFC 3339 date-time", path),
            },
            TypeRef::Date => match value {
                Value::String(s) if is_date(s) => Ok(()),
                _ => wrong("a date (YYYY-MM-DD)", path),
            },
            TypeRef::List(inner) => match value {
                Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
                    path.push(i.to_string());
                    let fits = self.fits(item, inner, path, depth + 1);
                    path.pop();
                    fits
                }),
                _ => wrong("an array", path),
            },
            TypeRef::Map(inner) => match value {
                Value::Object(map) => map.iter().try_for_each(|(key, item)| {
                    path.push(key.clone());
                    let fits = self.fits(item, inner, path, depth + 1);
                    path.pop();
                    fits
                }),
                _ => wrong("an object", path),
            },
            TypeRef::Named(id) => match self.types.get(id.0) {
                Some(def) => self.fits_named(value, def, path, depth),
                None => Ok(()),
            },
        }
    }

    fn fits_named(
        &self,
        value: &Value,
        def: &TypeDef,
        path: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), String> {
        match &def.kind {
            TypeKind::Struct {
                fields,
                additional,
                flattened,
            } => {
                let Value::Object(map) = value else {
                    return Err(mismatch(path, "an object", value));
                };
                // A flattened union reads the whole object.
                for union in flattened {
                    self.fits(value, &TypeRef::Named(union.ty), path, depth + 1)?;
                }
                if let Some(additional) = additional {
                    for (key, item) in map {
                        if fields.iter().any(|f| &f.json_name == key) {
                            continue;
                        }
                        path.push(key.clone());
                        let fits = self.fits(item, &additional.ty, path, depth + 1);
                        path.pop();
                        fits?;
                    }
                }
                for field in fields {
                    // `Option` fields may be absent or null; others must hold a value.
                    let optional = !field.required || field.nullable || field.double_option;
                    path.push(field.json_name.clone());
                    let fits = match map.get(&field.json_name) {
                        None if optional => Ok(()),
                        None => Err(format!("`{}` is required but missing", path.join("."))),
                        Some(Value::Null) if optional => Ok(()),
                        Some(item) => self.fits(item, &field.ty, path, depth + 1),
                    };
                    path.pop();
                    fits?;
                }
                Ok(())
            }
            TypeKind::Enum { variants, open } => match value {
                Value::String(_) if *open => Ok(()),
                Value::String(s) if variants.iter().any(|v| &v.value == s) => Ok(()),
                _ => Err(mismatch(
                    path,
                    &format!("one of the values of `{}`", def.name),
                    value,
                )),
            },
            TypeKind::Tagged { tag, variants } => {
                let Value::Object(map) = value else {
                    return Err(mismatch(path, "an object", value));
                };
                let tag_value = map.get(tag).and_then(Value::as_str);
                // A tag the SDK does not know decodes as the union's `Unknown`.
                match variants
                    .iter()
                    .find(|v| Some(v.tag_value.as_str()) == tag_value)
                {
                    Some(variant) => self.fits(value, &TypeRef::Named(variant.ty), path, depth + 1),
                    None => Ok(()),
                }
            }
            TypeKind::Untagged { variants } => {
                let mut reasons = Vec::new();
                for variant in variants {
                    match self.fits(value, &variant.ty, path, depth + 1) {
                        Ok(()) => return Ok(()),
                        Err(reason) => reasons.push(format!("{}: {reason}", variant.name)),
                    }
                }
                Err(format!(
                    "{} matches no member of `{}` ({})",
                    place(path),
                    def.name,
                    reasons.join("; ")
                ))
            }
            TypeKind::Alias { target } => self.fits(value, target, path, depth + 1),
        }
    }
}

fn integer(value: &Value, min: i64, max: i64, path: &[String]) -> Result<(), String> {
    match value.as_i64() {
        Some(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(mismatch(
            path,
            &format!("an integer from {min} to {max}"),
            value,
        )),
    }
}

fn place(path: &[String]) -> String {
    if path.is_empty() {
        "the value".to_owned()
    } else {
        format!("`{}`", path.join("."))
    }
}

fn mismatch(path: &[String], expected: &str, found: &Value) -> String {
    let found = match found {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => "a string".to_owned(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    format!("{} should be {expected}, but is {found}", place(path))
}

/// The forms the `uuid` crate reads: hyphenated, simple, braced and URN.
fn is_uuid(text: &str) -> bool {
    let text = text.strip_prefix("urn:uuid:").unwrap_or(text);
    let text = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let digits: Vec<char> = text.chars().filter(|c| *c != '-').collect();
    let hyphens = text.len() - digits.len();
    digits.len() == 32
        && (hyphens == 0 || hyphens == 4)
        && digits.iter().all(char::is_ascii_hexdigit)
}

/// `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// An RFC 3339 date-time: a date, `T` (or a space), a time, and an offset or `Z`.
fn is_date_time(text: &str) -> bool {
    let Some((date, rest)) = text.get(..10).zip(text.get(10..)) else {
        return false;
    };
    let mut rest = rest.chars();
    if !is_date(date) || !matches!(rest.next(), Some('T' | 't' | ' ')) {
        return false;
    }
    let time: String = rest.collect();
    let bytes = time.as_bytes();
    let clock = bytes.len() >= 8
        && bytes[2] == b':'
        && bytes[5] == b':'
        && [0, 1, 3, 4, 6, 7]
            .iter()
            .all(|&i| bytes[i].is_ascii_digit());
    let zone = time.ends_with(['Z', 'z']) || time.get(8..).is_some_and(|t| t.contains(['+', '-']));
    clock && zone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_and_uuids_are_told_from_other_strings() {
        assert!(is_date_time("2012-12-12T10:53:43-08:00"));
        assert!(is_date_time("2021-01-01T00:00:00.000Z"));
        assert!(!is_date_time("2022-01-01"));
        assert!(!is_date_time("2022-01-01T10:00:00"));
        assert!(is_date("2022-01-01"));
        assert!(!is_date("2022-1-01"));
        assert!(is_uuid("5f9fd312-a987-4628-b4c5-bb4f4fddd5f7"));
        assert!(is_uuid("5f9fd312a9874628b4c5bb4f4fddd5f7"));
        assert!(!is_uuid("not-a-uuid"));
    }
}
