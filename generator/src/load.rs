//! Stage 1: read a YAML or JSON document into a JSON value, keeping the text for locating errors.

use std::path::Path;

use crate::error::{Diagnostic, Error, Location};
use crate::locate;

mod split;

/// The document as read: its text (to find lines) and its value.
pub struct Source {
    /// The file's name, as shown in messages.
    pub file: String,
    /// The raw text.
    pub text: String,
    /// The parsed document.
    pub value: serde_json::Value,
}

impl Source {
    /// Reads and parses a file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&path.display().to_string(), text)
    }

    /// Parses text: JSON when it starts with `{`, YAML otherwise (YAML 1.2 is a superset of JSON,
    /// but serde_json is several times faster and reports better positions on JSON).
    pub fn parse(file: &str, text: String) -> Result<Self, Error> {
        let value = if text.trim_start().starts_with('{') {
            serde_json::from_str(&text).map_err(|e| Error::Syntax {
                file: file.to_owned(),
                format: "JSON",
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })?
        } else {
            let parse = |text: &str| serde_yaml::from_str::<YamlValue>(text).map(|v| v.0);
            // A large document is parsed in two parts at once; one that cannot be cut for
            // certain, or does not parse, is parsed whole (which also locates its errors).
            split::parse(&text, parse)
                .map_or_else(|| parse(&text), Ok)
                .map_err(|e| {
                    let (line, column) = e
                        .location()
                        .map(|l| (l.line(), l.column()))
                        .unwrap_or((1, 1));
                    Error::Syntax {
                        file: file.to_owned(),
                        format: "YAML",
                        line,
                        column,
                        message: strip_position(&e.to_string()),
                    }
                })?
        };
        Ok(Source {
            file: file.to_owned(),
            text,
            value,
        })
    }

    /// The location of a JSON pointer in this document.
    pub fn locate(&self, pointer: &str) -> Location {
        Location {
            pointer: pointer.to_owned(),
            line: locate::line_of(&self.text, pointer),
        }
    }

    /// Turns located-later problems into the spec error, resolving their lines in one pass.
    pub fn spec_error(&self, problems: Vec<(String, String)>) -> Error {
        let pointers: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        let lines = locate::lines_of(&self.text, &pointers);
        let mut diagnostics: Vec<Diagnostic> = problems
            .into_iter()
            .zip(lines)
            .map(|((pointer, message), line)| Diagnostic {
                location: Location { pointer, line },
                message,
            })
            .collect();
        diagnostics.sort_by(|a, b| {
            (a.location.line, &a.location.pointer).cmp(&(b.location.line, &b.location.pointer))
        });
        Error::Spec {
            file: self.file.clone(),
            diagnostics,
        }
    }
}

/// Parsers append " at line X column Y"; we report the position in fields of our own.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A JSON value read from YAML. serde_yaml hands integers beyond 64 bits to `visit_i128` and
/// `visit_u128`, which `serde_json::Value` refuses; JSON input turns them into floats, and so
/// does this, so a document loads the same in either syntax.
struct YamlValue(serde_json::Value);

impl<'de> serde::Deserialize<'de> for YamlValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(YamlValue)
    }
}

struct ValueVisitor;

impl<'de> serde::de::Visitor<'de> for ValueVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i128<E>(self, v: i128) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Into::into))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Self::Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Into::into))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        serde::Deserialize::deserialize(d).map(|YamlValue(v)| v)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(YamlValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        // Keys are read as strings, as `serde_json::Value` does: `200:` is the key "200".
        while let Some((key, YamlValue(value))) = map.next_entry::<String, YamlValue>()? {
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// A float as JSON: like serde_json, a non-finite one (YAML's `.inf`, `.nan`) becomes null.
fn float(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> serde_json::Value {
        match Source::parse("t.yaml", text.to_owned()) {
            Ok(source) => source.value,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn integers_beyond_64_bits_load_as_floats_as_in_json() {
        let yaml =
            value("a: -9223372036854776000\nb: 18446744073709551616\nc: 0x1ffffffffffffffff\n");
        let json = value(
            r#"{"a": -9223372036854776000, "b": 18446744073709551616, "c": 36893488147419103231}"#,
        );
        assert_eq!(yaml, json);
        assert_eq!(yaml["a"].as_f64(), Some(-9223372036854775808.0));
        assert!(yaml["b"].is_f64());
    }

    #[test]
    fn yaml_scalars_keep_their_json_types() {
        let v = value("200: {a: 1, b: -2, c: 1.5, d: true, e: ~, f: x, g: 18446744073709551615}\n");
        assert_eq!(
            v,
            serde_json::json!({"200": {"a": 1, "b": -2, "c": 1.5, "d": true, "e": null, "f": "x", "g": 18446744073709551615u64}})
        );
    }
}
