//! Serde helpers for shapes derive cannot express: tagged unions whose members do not carry
//! the tag, "absent" versus "null" in request bodies, and fast date-time decoding.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};

/// Serialises a union member and adds its tag property.
pub fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    tag_key: &str,
    tag_value: &str,
    body: &T,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(body).map_err(S::Error::custom)?;
    match &mut value {
        serde_json::Value::Object(map) => {
            map.insert(
                tag_key.to_owned(),
                serde_json::Value::String(tag_value.to_owned()),
            );
        }
        _ => {
            return Err(S::Error::custom(
                "a tagged union member must serialise to a JSON object",
            ))
        }
    }
    value.serialize(serializer)
}

/// Decodes an already-buffered JSON value, reporting failures in the caller's error type.
pub fn from_value<T: DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// One member of an untagged union, as [`untagged`] tries it.
pub struct Member<T> {
    /// The member's name, for the error.
    pub name: &'static str,
    /// The properties it declares, when it says which: a value with a key outside them is
    /// only tried in the second round.
    pub known: Option<&'static [&'static str]>,
    /// Decodes the member into the union.
    pub decode: fn(serde_json::Value) -> Result<T, serde_json::Error>,
}

/// Decodes an untagged union: its members are tried in order, first those whose known
/// properties cover every key of the value, then all of them; the error says why each one
/// failed.
pub fn untagged<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    union: &str,
    members: &[Member<T>],
) -> Result<T, D::Error> {
    use serde::de::Error as _;
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let covers = |known: &[&str]| {
        value
            .as_object()
            .is_some_and(|object| object.keys().all(|key| known.contains(&key.as_str())))
    };
    let exact = members.iter().filter(|m| m.known.is_some_and(covers));
    let mut failures: Vec<String> = Vec::new();
    for member in exact.chain(members) {
        match (member.decode)(value.clone()) {
            Ok(decoded) => return Ok(decoded),
            Err(error) => failures.push(format!("{}: {error}", member.name)),
        }
    }
    Err(D::Error::custom(format!(
        "no variant of {union} matched: {}",
        failures.join("; ")
    )))
}

/// `Option<Option<T>>` fields: absent is `None` (leave alone), `null` is `Some(None)` (clear),
/// a value is `Some(Some(v))`. Use with `#[serde(default, skip_serializing_if = "Option::is_none")]`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `null` for `Some(None)` and the value for `Some(Some(v))`.
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(Some(inner)) => inner.serialize(serializer),
            _ => serializer.serialize_none(),
        }
    }

    /// Reads `null` as `Some(None)`; an absent field never reaches here (`default` makes it `None`).
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// Decodes an RFC 3339 `date-time` with chrono's dedicated parser, several times faster than
/// the general one behind `DateTime`'s `Deserialize` (which is still the fallback, so nothing
/// that decoded before is refused). Use with `#[serde(deserialize_with = "...")]`.
pub fn date_time<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<chrono::DateTime<chrono::Utc>, D::Error> {
    deserializer.deserialize_str(DateTimeVisitor)
}

/// [`date_time`] for `Option` fields: `null` is `None`.
pub fn optional_date_time<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error> {
    deserializer.deserialize_option(OptionalDateTimeVisitor)
}

struct DateTimeVisitor;

impl serde::de::Visitor<'_> for DateTimeVisitor {
    type Value = chrono::DateTime<chrono::Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RFC 3339 date-time string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        match chrono::DateTime::parse_from_rfc3339(value) {
            Ok(time) => Ok(time.with_timezone(&chrono::Utc)),
            Err(_) => value.parse().map_err(E::custom),
        }
    }
}

struct OptionalDateTimeVisitor;

impl<'de> serde::de::Visitor<'de> for OptionalDateTimeVisitor {
    type Value = Option<chrono::DateTime<chrono::Utc>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RFC 3339 date-time string or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        date_time(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Deserialize)]
    struct Circle {
        radius: f64,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Labelled {
        radius: f64,
        #[serde(default)]
        label: Option<String>,
    }

    #[derive(Debug, PartialEq)]
    enum Shape {
        Labelled(Labelled),
        Circle(Circle),
    }

    const SHAPE: &[super::Member<Shape>] = &[
        super::Member {
            name: "Labelled",
            known: None,
            decode: |v| serde_json::from_value(v).map(Shape::Labelled),
        },
        super::Member {
            name: "Circle",
            known: Some(&["radius"]),
            decode: |v| serde_json::from_value(v).map(Shape::Circle),
        },
    ];

    fn shape(json: &str) -> Result<Shape, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        super::untagged(&mut de, "Shape", SHAPE)
    }

    #[test]
    fn untagged_members_whose_known_fields_cover_the_value_come_first() {
        // Both decode `{"radius": 1}`; the one that declares exactly its keys wins although
        // it is listed second.
        assert_eq!(
            shape(r#"{"radius": 1}"#).unwrap(),
            Shape::Circle(Circle { radius: 1.0 })
        );
        // A key outside `Circle`'s: every member in order.
        assert_eq!(
            shape(r#"{"radius": 1, "label": "a"}"#).unwrap(),
            Shape::Labelled(Labelled {
                radius: 1.0,
                label: Some("a".to_owned())
            })
        );
        let error = shape(r#"{"side": 1}"#).unwrap_err().to_string();
        assert!(
            error.starts_with("no variant of Shape matched: Labelled: missing field `radius`; Circle: missing field `radius`"),
            "{error}"
        );
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "super::double_option"
        )]
        expires_at: Option<Option<String>>,
    }

    #[test]
    fn double_option_tells_absent_from_null() {
        for (value, json) in [
            (None, "{}"),
            (Some(None), r#"{"expires_at":null}"#),
            (Some(Some("x".to_owned())), r#"{"expires_at":"x"}"#),
        ] {
            let patch = Patch { expires_at: value };
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
            assert_eq!(serde_json::from_str::<Patch>(json).unwrap(), patch);
        }
    }

    #[derive(Serialize)]
    struct Member {
        name: &'static str,
    }

    struct Tagged(Member);

    impl Serialize for Tagged {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize_tagged(serializer, "type", "oauth", &self.0)
        }
    }

    #[test]
    fn tagged_members_gain_their_tag() {
        let json = serde_json::to_value(Tagged(Member { name: "n" })).unwrap();
        assert_eq!(json, serde_json::json!({"name": "n", "type": "oauth"}));
    }

    #[test]
    fn tagged_members_must_be_objects() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::serialize_tagged(serializer, "type", "x", &42)
            }
        }
        assert!(serde_json::to_string(&Bad).is_err());
    }

    #[test]
    fn tagged_member_tag_wins_over_a_field_of_the_same_name() {
        #[derive(Serialize)]
        struct WithType {
            r#type: &'static str,
        }
        struct Tagged(WithType);
        impl Serialize for Tagged {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::serialize_tagged(serializer, "type", "oauth", &self.0)
            }
        }
        let json = serde_json::to_value(Tagged(WithType { r#type: "other" })).unwrap();
        assert_eq!(json, serde_json::json!({"type": "oauth"}));
    }

    #[test]
    fn from_value_reports_in_the_callers_error_type() {
        let ok: Result<u32, serde_json::Error> = super::from_value(serde_json::json!(7));
        assert_eq!(ok.unwrap(), 7);
        let bad: Result<u32, serde_json::Error> = super::from_value(serde_json::json!("x"));
        assert!(bad.unwrap_err().to_string().contains("invalid type"));
    }

    #[test]
    fn double_option_of_numbers_and_objects() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Patch {
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "super::double_option"
            )]
            labels: Option<Option<std::collections::BTreeMap<String, u32>>>,
        }
        let value: Patch = serde_json::from_str(r#"{"labels":{"a":1}}"#).unwrap();
        assert_eq!(value.labels, Some(Some([("a".to_owned(), 1)].into())));
        assert!(serde_json::from_str::<Patch>(r#"{"labels":"x"}"#).is_err());
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Times {
        #[serde(deserialize_with = "super::date_time")]
        at: chrono::DateTime<chrono::Utc>,
        #[serde(default, deserialize_with = "super::optional_date_time")]
        until: Option<chrono::DateTime<chrono::Utc>>,
    }

    #[test]
    fn date_times_decode_fast_and_as_before() {
        let decode = |json: &str| serde_json::from_str::<Times>(json);
        let expected: chrono::DateTime<chrono::Utc> = "2022-11-04T20:10:06.927Z".parse().unwrap();
        for at in [
            "2022-11-04T20:10:06.927Z",
            "2022-11-04T22:10:06.927+02:00",
            "2022-11-04t20:10:06.927z",
            // Not RFC 3339, but chrono's general parser (the fallback) takes it.
            "2022-11-04 20:10:06.927Z",
        ] {
            let times = decode(&format!(r#"{{"at": "{at}"}}"#)).unwrap();
            assert_eq!(
                times,
                Times {
                    at: expected,
                    until: None
                },
                "{at}"
            );
        }
        let times = decode(r#"{"at": "2022-11-04T20:10:06.927Z", "until": null}"#).unwrap();
        assert_eq!(times.until, None);
        let times =
            decode(r#"{"at": "2022-11-04T20:10:06.927Z", "until": "2022-11-04T20:10:06.927Z"}"#)
                .unwrap();
        assert_eq!(times.until, Some(expected));
        assert!(decode(r#"{"at": "yesterday"}"#).is_err());
        assert!(decode(r#"{"at": null}"#).is_err());
        assert!(decode(r#"{"at": 12}"#).is_err());
        assert!(decode(r#"{}"#).is_err());
        let from_value: Times =
            serde_json::from_value(serde_json::json!({"at": "2022-11-04T20:10:06.927Z"})).unwrap();
        assert_eq!(from_value.at, expected);
    }
}
