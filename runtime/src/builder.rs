//! The builders of generated models: [`MissingFields`], what `build()` returns when required
//! fields were not set, and [`model_builder!`](crate::model_builder), which writes a model's
//! builder from one line per field so a crate of a thousand models stays small.

use std::fmt;

/// A model's `build()` was called before every required field was set: names the model and
/// the missing fields, as their JSON properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFields {
    model: &'static str,
    fields: Vec<&'static str>,
}

impl MissingFields {
    /// The fields whose flag is `true`, for `model`; empty when every field is set.
    #[doc(hidden)]
    pub fn check(model: &'static str, fields: &[(&'static str, bool)]) -> Self {
        MissingFields {
            model,
            fields: fields
                .iter()
                .filter(|(_, missing)| *missing)
                .map(|(name, _)| *name)
                .collect(),
        }
    }

    /// The model being built, e.g. `CreatePortal`.
    pub fn model(&self) -> &'static str {
        self.model
    }

    /// The required fields that were not set, as their JSON properties, in declaration order.
    pub fn fields(&self) -> &[&'static str] {
        &self.fields
    }
}

impl fmt::Display for MissingFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.fields.len() == 1 { "" } else { "s" };
        write!(
            f,
            "cannot build `{}`: required field{s} not set: {}",
            self.model,
            self.fields.join(", ")
        )
    }
}

impl std::error::Error for MissingFields {}

/// What the setter of an optional nullable field takes: a value (`T`, or a `&str` for a
/// `String`) to send, or an `Option<T>` whose `None` sends an explicit `null` (where leaving
/// the field unset sends nothing at all).
pub trait IntoNullable<T> {
    /// The value, or `None` for `null`.
    fn into_nullable(self) -> Option<T>;
}

impl<T> IntoNullable<T> for T {
    fn into_nullable(self) -> Option<T> {
        Some(self)
    }
}

impl<T> IntoNullable<T> for Option<T> {
    fn into_nullable(self) -> Option<T> {
        self
    }
}

impl IntoNullable<String> for &str {
    fn into_nullable(self) -> Option<String> {
        Some(self.to_owned())
    }
}

/// Writes a model's builder: a struct holding every field (required ones as `Option`s until
/// set), a setter per field, `build()`, and the model's `builder()`. Generated code calls it,
/// one line per field: `name "json": SetterParameter => StoredType = how,` where `how` says
/// what the setter stores: `some` (`Some(value.into())`), `null` (`Some` of
/// [`IntoNullable::into_nullable`], for `Option<Option<T>>` fields) or `set` (`value.into()`).
/// `build()` returns `Result<Model, MissingFields>` when there are required fields, and the
/// model itself when there are none.
///
/// ```
/// mod models {
///     #[derive(Debug, PartialEq)]
///     #[non_exhaustive]
///     pub struct Pet {
///         pub name: String,
///         pub age: Option<u32>,
///     }
///     pub mod builders {
///         sdkgen_runtime::model_builder! {
///             super::Pet as "Pet" => PetBuilder;
///             required { name "name": impl Into<String> => String, }
///             optional { age "age": u32 => Option<u32> = some, }
///         }
///     }
/// }
///
/// let pet = models::Pet::builder().name("Rex").age(3).build().unwrap();
/// assert_eq!(pet, models::Pet { name: "Rex".to_owned(), age: Some(3) });
/// let error = models::Pet::builder().age(3).build().unwrap_err();
/// assert_eq!(error.to_string(), "cannot build `Pet`: required field not set: name");
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! model_builder {
    (
        $model:path as $label:literal => $builder:ident;
        required { }
        optional { $($opt:ident $opt_json:literal : $opt_param:ty => $opt_ty:ty = $wrap:ident,)* }
    ) => {
        $crate::model_builder!(@common $model, $label, $builder; ; $($opt $opt_json : $opt_param => $opt_ty = $wrap,)*);

        impl $builder {
            /// Builds the value: every field is optional.
            pub fn build(self) -> $model {
                // A struct expression takes a type alias where it does not take a `path`.
                type Model = $model;
                Model { $($opt: self.$opt,)* }
            }
        }
    };
    (
        $model:path as $label:literal => $builder:ident;
        required { $($req:ident $req_json:literal : $req_param:ty => $req_ty:ty,)* }
        optional { $($opt:ident $opt_json:literal : $opt_param:ty => $opt_ty:ty = $wrap:ident,)* }
    ) => {
        $crate::model_builder!(@common $model, $label, $builder;
            $($req $req_json : $req_param => ::std::option::Option<$req_ty> = some,)*;
            $($opt $opt_json : $opt_param => $opt_ty = $wrap,)*);

        impl $builder {
            /// Builds the value, or names the required fields not set.
            pub fn build(self) -> ::std::result::Result<$model, $crate::MissingFields> {
                let missing = $crate::MissingFields::check($label, &[$(($req_json, self.$req.is_none()),)*]);
                let ($(::std::option::Option::Some($req),)*) = ($(self.$req,)*) else {
                    return ::std::result::Result::Err(missing);
                };
                type Model = $model;
                ::std::result::Result::Ok(Model { $($req,)* $($opt: self.$opt,)* })
            }
        }
    };
    (@store some $value:ident) => {
        ::std::option::Option::Some(::std::convert::Into::into($value))
    };
    (@store null $value:ident) => {
        ::std::option::Option::Some($crate::IntoNullable::into_nullable($value))
    };
    (@store set $value:ident) => {
        ::std::convert::Into::into($value)
    };
    (@common $model:path, $label:literal, $builder:ident;
        $($req:ident $req_json:literal : $req_param:ty => $req_ty:ty = $req_wrap:ident,)*;
        $($opt:ident $opt_json:literal : $opt_param:ty => $opt_ty:ty = $wrap:ident,)*
    ) => {
        #[doc = concat!("Builds a [`", $label, "`]: a setter per field, then `build()`.")]
        #[derive(Clone, Default)]
        #[must_use = "a builder does nothing until built"]
        pub struct $builder {
            $($req: $req_ty,)*
            $($opt: $opt_ty,)*
        }

        impl $builder {
            $(
                #[doc = concat!("Sets `", $req_json, "` (required).")]
                pub fn $req(mut self, value: $req_param) -> Self {
                    self.$req = $crate::model_builder!(@store $req_wrap value);
                    self
                }
            )*
            $(
                #[doc = concat!("Sets `", $opt_json, "`.")]
                pub fn $opt(mut self, value: $opt_param) -> Self {
                    self.$opt = $crate::model_builder!(@store $wrap value);
                    self
                }
            )*
        }

        impl $model {
            #[doc = concat!("Starts building a `", $label, "`: set its fields, then call `build()`.")]
            pub fn builder() -> $builder {
                <$builder as ::std::default::Default>::default()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::MissingFields;

    mod models {
        use std::collections::BTreeMap;

        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct Pet {
            pub r#type: String,
            pub name: String,
            pub tags: Vec<String>,
            pub age: Option<u32>,
            pub owner: Option<Option<String>>,
            pub extra: BTreeMap<String, i64>,
        }

        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct Filter {
            pub limit: Option<u32>,
        }

        pub mod builders {
            crate::model_builder! {
                super::Pet as "Pet" => PetBuilder;
                required {
                    r#type "type": impl Into<String> => String,
                    name "name": impl Into<String> => String,
                    tags "tags": Vec<String> => Vec<String>,
                }
                optional {
                    age "age": u32 => Option<u32> = some,
                    owner "owner": impl crate::IntoNullable<String> => Option<Option<String>> = null,
                    extra "extra": std::collections::BTreeMap<String, i64> => std::collections::BTreeMap<String, i64> = set,
                }
            }
            crate::model_builder! {
                super::Filter as "Filter" => FilterBuilder;
                required {}
                optional { limit "limit": u32 => Option<u32> = some, }
            }
        }
    }

    use models::{Filter, Pet};

    #[test]
    fn a_builder_with_every_required_field_set_builds_the_model() {
        let pet = Pet::builder()
            .r#type("dog")
            .name("Rex")
            .tags(vec!["good".to_owned()])
            .owner(None)
            .extra([("legs".to_owned(), 4)].into())
            .build()
            .expect("every required field is set");
        assert_eq!(pet.r#type, "dog");
        assert_eq!(pet.name, "Rex");
        assert_eq!(pet.tags, ["good"]);
        assert_eq!(pet.age, None);
        assert_eq!(
            pet.owner,
            Some(None),
            "an explicit null is kept apart from absent"
        );
        assert_eq!(pet.extra["legs"], 4);
        let pet = Pet::builder()
            .r#type("cat")
            .name("Tom")
            .tags(Vec::new())
            .age(3)
            .owner("Ann")
            .build()
            .expect("builds");
        assert_eq!(
            (pet.age, pet.owner),
            (Some(3), Some(Some("Ann".to_owned())))
        );
        assert!(pet.extra.is_empty());
    }

    #[test]
    fn a_nullable_field_takes_a_value_or_an_explicit_null() {
        let build = |pet: models::builders::PetBuilder| {
            pet.r#type("dog")
                .name("Rex")
                .tags(Vec::new())
                .build()
                .unwrap()
                .owner
        };
        assert_eq!(build(Pet::builder()), None, "unset: absent");
        assert_eq!(build(Pet::builder().owner(None)), Some(None), "None: null");
        assert_eq!(
            build(Pet::builder().owner("Ann")),
            Some(Some("Ann".to_owned()))
        );
        let owner = Some("Bo".to_owned());
        assert_eq!(
            build(Pet::builder().owner(owner)),
            Some(Some("Bo".to_owned()))
        );
    }

    #[test]
    fn build_names_every_required_field_not_set() {
        let error = Pet::builder().name("Rex").age(3).build().unwrap_err();
        assert_eq!(error.model(), "Pet");
        assert_eq!(error.fields(), ["type", "tags"]);
        assert_eq!(
            error.to_string(),
            "cannot build `Pet`: required fields not set: type, tags"
        );
        let error = Pet::builder().build().unwrap_err();
        assert_eq!(error.fields(), ["type", "name", "tags"]);
    }

    #[test]
    fn a_model_without_required_fields_builds_infallibly() {
        let filter: Filter = Filter::builder().limit(10).build();
        assert_eq!(filter.limit, Some(10));
        assert_eq!(Filter::builder().build().limit, None);
    }

    #[test]
    fn missing_fields_lists_only_the_flagged_fields() {
        let missing = MissingFields::check("M", &[("a", false), ("b", true)]);
        assert_eq!(missing.fields(), ["b"]);
        assert_eq!(
            missing.to_string(),
            "cannot build `M`: required field not set: b"
        );
    }
}
