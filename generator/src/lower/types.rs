//! Lowers schemas into named Rust types (`TypeDef`) and type references (`TypeRef`).

use std::collections::{BTreeMap, HashMap};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::prose;
use crate::adapter::{view, Document, Problem, SchemaView};
use crate::ir::{
    EnumVariant, Example, Field, TaggedVariant, TypeDef, TypeKind, TypeRef, UntaggedVariant,
};
use crate::locate::escape;
use crate::naming::{type_name, value_name, Scope};

/// Names (in the model namespace) that generated code must not shadow.
const RESERVED: &[&str] = &["BTreeMap"];

/// Lowers schemas on demand, each component once, and collects the named types.
pub struct TypeLowerer<'d> {
    doc: &'d Document,
    /// Named types by Rust name; a BTreeMap so output order is the name order.
    pub types: BTreeMap<String, TypeDef>,
    names: Scope,
    /// The Rust name reserved for each component, claimed in document order up front so a
    /// component keeps its own name even when an inline type met earlier wanted it.
    component_names: HashMap<String, String>,
    components: HashMap<String, Lowered>,
    /// Problems found so far.
    pub problems: Vec<Problem>,
    /// Examples met so far, with their types.
    pub examples: Vec<Example>,
    /// References met while their component was still being lowered, with where they were.
    recursive_refs: Vec<(String, String)>,
}

#[derive(Clone)]
enum Lowered {
    InProgress,
    Done(TypeRef),
}

/// A union's tag property and each member's value of it.
type Tagging = (String, Vec<String>);

/// A union member as seen by tag inference.
struct Member<'a> {
    schema: &'a ReferenceOr<Schema>,
    pointer: String,
    component: Option<&'a str>,
}

impl<'d> TypeLowerer<'d> {
    /// A lowerer over one document.
    pub fn new(doc: &'d Document) -> Self {
        let mut names = Scope::with_reserved(RESERVED);
        let mut component_names = HashMap::new();
        if let Some(components) = &doc.api.components {
            for name in components.schemas.keys() {
                component_names.insert(name.clone(), names.claim(&type_name(name)));
            }
        }
        TypeLowerer {
            doc,
            types: BTreeMap::new(),
            names,
            component_names,
            components: HashMap::new(),
            problems: Vec::new(),
            examples: Vec::new(),
            recursive_refs: Vec::new(),
        }
    }

    /// Lowers every component schema, so the SDK has a type for each even when no operation
    /// uses it.
    pub fn lower_components(&mut self) {
        let doc = self.doc;
        if let Some(components) = &doc.api.components {
            for name in components.schemas.keys() {
                let pointer = format!("/components/schemas/{}", escape(name));
                self.component(name, &pointer);
            }
        }
    }

    /// Lowers a schema or reference found at `pointer`; `hint` names it if it needs a name.
    pub fn lower<S: AsSchema>(
        &mut self,
        schema: &'d ReferenceOr<S>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(item) => self.lower_schema(item.as_schema(), pointer, hint, None),
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> TypeRef {
        match crate::adapter::component_name(reference, "schemas") {
            Ok(name) => {
                let name = crate::adapter::unescape(name);
                self.component(&name, &format!("{pointer}/$ref"))
            }
            Err(message) => self.problem(format!("{pointer}/$ref"), message),
        }
    }

    fn component(&mut self, name: &str, referenced_at: &str) -> TypeRef {
        match self.components.get(name) {
            Some(Lowered::Done(ty)) => return ty.clone(),
            // A recursive reference: the component will be a named type under its claimed name
            // (a post-pass reports it if it turned out to be an alias, which cannot recurse).
            Some(Lowered::InProgress) => {
                let rust_name = self.component_names[name].clone();
                self.recursive_refs
                    .push((rust_name.clone(), referenced_at.to_owned()));
                return TypeRef::Named(rust_name);
            }
            None => {}
        }
        let doc = self.doc;
        let Some(ReferenceOr::Item(schema)) = doc
            .api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
        else {
            let message = match doc.schema_ref(&format!("#/components/schemas/{name}")) {
                Err(message) => message,
                Ok(_) => format!("unresolved reference to schema `{name}`"),
            };
            return self.problem(referenced_at.to_owned(), message);
        };
        self.components.insert(name.to_owned(), Lowered::InProgress);
        let pointer = format!("/components/schemas/{}", escape(name));
        let fixed = self.component_names[name].clone();
        let ty = self.lower_schema(schema, &pointer, name, Some(fixed));
        self.components
            .insert(name.to_owned(), Lowered::Done(ty.clone()));
        ty
    }

    /// Reports recursive references to components that never became a named type: aliases
    /// that refer back to themselves, which no Rust type can express.
    pub fn check_recursion(&mut self) {
        for (name, at) in std::mem::take(&mut self.recursive_refs) {
            if !self.types.contains_key(&name) {
                self.problems.push((
                    at,
                    format!(
                        "`{name}` refers to itself without ever being an object (a cyclic $ref)"
                    ),
                ));
            }
        }
    }

    fn problem(&mut self, pointer: String, message: String) -> TypeRef {
        self.problems.push((pointer, message));
        TypeRef::Json
    }

    fn name_for(&mut self, schema: &Schema, hint: &str, fixed: Option<String>) -> String {
        fixed.unwrap_or_else(|| {
            let base = schema.schema_data.title.as_deref().unwrap_or(hint);
            self.names.claim(&type_name(base))
        })
    }

    fn lower_schema(
        &mut self,
        schema: &'d Schema,
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let ty = self.lower_shape(schema, pointer, hint, fixed);
        if let Some(value) = &schema.schema_data.example {
            self.examples.push(Example {
                pointer: format!("{pointer}/example"),
                ty: ty.clone(),
                nullable: schema.schema_data.nullable,
                value: value.clone(),
            });
        }
        ty
    }

    fn lower_shape(
        &mut self,
        schema: &'d Schema,
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let v = view(schema);
        if v.has_not {
            return self.problem(
                pointer.to_owned(),
                "`not` schemas are not supported".to_owned(),
            );
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            if !v.properties.is_empty() {
                return self.problem(
                    pointer.to_owned(),
                    "a schema with both properties and oneOf/anyOf is not supported".to_owned(),
                );
            }
            let (key, members) = if v.one_of.is_empty() {
                ("anyOf", v.any_of)
            } else {
                ("oneOf", v.one_of)
            };
            return self.union(schema, members, &format!("{pointer}/{key}"), hint, fixed);
        }
        if !v.all_of.is_empty() {
            return self.all_of(schema, &v, pointer, hint, fixed);
        }
        let strings: Vec<&str> = v.enumeration.iter().filter_map(Value::as_str).collect();
        if !strings.is_empty() && matches!(v.kind, Some("string") | None) {
            return self.string_enum(schema, strings, pointer, hint, fixed);
        }
        match v.kind {
            Some("string") => match v.format {
                Some("uuid") => TypeRef::Uuid,
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                _ => TypeRef::String,
            },
            Some("integer") => match v.format {
                Some("int32" | "int16" | "int8") => TypeRef::I32,
                Some("uint32" | "uint16" | "uint8") => TypeRef::U32,
                Some("uint64" | "uint") => TypeRef::U64,
                _ => TypeRef::I64,
            },
            Some("number") => match v.format {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Some("boolean") => TypeRef::Bool,
            Some("array") => match v.items {
                Some(items) => {
                    let item =
                        self.lower(items, &format!("{pointer}/items"), &format!("{hint}Item"));
                    TypeRef::List(Box::new(self.nullable_if(items, item)))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            Some("object") | None if !v.properties.is_empty() => {
                self.object(schema, &v, pointer, hint, fixed)
            }
            Some("object") => match v.additional {
                Some(AdditionalProperties::Schema(values)) => {
                    let value = self.lower(
                        values,
                        &format!("{pointer}/additionalProperties"),
                        &format!("{hint}Value"),
                    );
                    TypeRef::Map(Box::new(self.nullable_if(values, value)))
                }
                _ => TypeRef::Map(Box::new(TypeRef::Json)),
            },
            None => TypeRef::Json,
            Some(other) => self.problem(
                format!("{pointer}/type"),
                format!("unsupported type `{other}`"),
            ),
        }
    }

    /// Wraps an item or value type in `Option` when its schema allows `null`.
    fn nullable_if<S: AsSchema>(&self, schema: &ReferenceOr<S>, ty: TypeRef) -> TypeRef {
        let nullable = match schema {
            ReferenceOr::Item(item) => item.as_schema().schema_data.nullable,
            ReferenceOr::Reference { reference } => self
                .doc
                .schema_ref(reference)
                .is_ok_and(|(_, s)| s.schema_data.nullable),
        };
        if nullable {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    fn string_enum(
        &mut self,
        schema: &Schema,
        values: Vec<&str>,
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let name = self.name_for(schema, hint, fixed);
        let open = schema
            .schema_data
            .extensions
            .get("x-speakeasy-unknown-values")
            .is_some_and(|v| v == "allow");
        let mut scope = Scope::with_reserved(if open { &["Unknown"] } else { &[] });
        let mut variants: Vec<EnumVariant> = Vec::new();
        for value in values {
            if variants.iter().any(|v| v.value == value) {
                continue;
            }
            variants.push(EnumVariant {
                name: scope.claim(&type_name(value)),
                value: value.to_owned(),
            });
        }
        self.define(name, pointer, schema, TypeKind::Enum { variants, open })
    }

    fn define(&mut self, name: String, pointer: &str, schema: &Schema, kind: TypeKind) -> TypeRef {
        let data = &schema.schema_data;
        self.types.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                pointer: pointer.to_owned(),
                doc: prose(&data.description).or_else(|| prose(&data.title)),
                deprecated: data.deprecated,
                example: data.example.clone(),
                kind,
                features: Vec::new(),
            },
        );
        TypeRef::Named(name)
    }

    fn object(
        &mut self,
        schema: &Schema,
        v: &SchemaView<'d>,
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let properties: Vec<Property<'d>> = v
            .properties
            .iter()
            .map(|(name, schema)| Property {
                name,
                schema: as_plain(schema),
                pointer: format!("{pointer}/properties/{}", escape(name)),
            })
            .collect();
        let required: Vec<&str> = v.required.clone();
        self.structure(schema, properties, &required, pointer, hint, fixed)
    }

    fn structure(
        &mut self,
        schema: &Schema,
        properties: Vec<Property<'d>>,
        required: &[&str],
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let name = self.name_for(schema, hint, fixed);
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for property in properties {
            let meta = self.metadata(&property.schema);
            let ty = self.lower_property(&property, &format!("{name}{}", type_name(property.name)));
            fields.push(Field {
                name: scope.claim(&value_name(property.name)),
                json_name: property.name.to_owned(),
                doc: meta.description,
                ty,
                required: required.contains(&property.name),
                nullable: meta.nullable,
                sensitive: meta.sensitive,
                deprecated: meta.deprecated,
                read_only: meta.read_only,
                write_only: meta.write_only,
                boxed: false,
                double_option: false,
            });
        }
        self.define(name, pointer, schema, TypeKind::Struct { fields })
    }

    fn lower_property(&mut self, property: &Property<'d>, hint: &str) -> TypeRef {
        match property.schema {
            PlainRef::Reference(reference) => self.reference(reference, &property.pointer),
            PlainRef::Item(schema) => self.lower_schema(schema, &property.pointer, hint, None),
        }
    }

    /// Annotations of a property: its own, or, for a bare `$ref`, the referenced schema's.
    fn metadata(&self, schema: &PlainRef<'d>) -> Metadata {
        let target = match schema {
            PlainRef::Item(schema) => Some(*schema),
            PlainRef::Reference(reference) => self.doc.schema_ref(reference).ok().map(|(_, s)| s),
        };
        let Some(schema) = target else {
            return Metadata::default();
        };
        let data = &schema.schema_data;
        let v = view(schema);
        // A `$ref` with siblings arrives as `allOf: [$ref]` plus the siblings: the referenced
        // schema's description stands in when the siblings carry none.
        let inherited = v.all_of.first().and_then(|first| match first {
            ReferenceOr::Reference { reference } => {
                self.doc.schema_ref(reference).ok().map(|(_, s)| s)
            }
            ReferenceOr::Item(_) => None,
        });
        Metadata {
            description: prose(&data.description)
                .or_else(|| inherited.and_then(|s| prose(&s.schema_data.description))),
            nullable: data.nullable || inherited.is_some_and(|s| s.schema_data.nullable),
            sensitive: data
                .extensions
                .get("x-sensitive")
                .is_some_and(|v| v == true)
                || v.format == Some("password"),
            deprecated: data.deprecated,
            read_only: data.read_only,
            write_only: data.write_only,
        }
    }

    fn all_of(
        &mut self,
        schema: &'d Schema,
        v: &SchemaView<'d>,
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let members = v.all_of;
        if members.len() == 1 && v.properties.is_empty() && v.enumeration.is_empty() {
            // `allOf: [X]` plus annotations is X (the 3.1 `$ref`-with-siblings shape).
            return self.lower(&members[0], &format!("{pointer}/allOf/0"), hint);
        }
        let mut properties: Vec<Property<'d>> = Vec::new();
        let mut required: Vec<&'d str> = Vec::new();
        let mut object_like = !v.properties.is_empty();
        for (i, member) in members.iter().enumerate() {
            let member_pointer = format!("{pointer}/allOf/{i}");
            match self.flatten(member, &member_pointer, 0) {
                Ok(Some(flat)) => {
                    object_like = true;
                    for property in flat.properties {
                        merge_property(&mut properties, property, self.doc);
                    }
                    required.extend(flat.required);
                }
                Ok(None) => {}
                Err(message) => {
                    return self.problem(member_pointer, message);
                }
            }
        }
        for (name, property) in &v.properties {
            let property = Property {
                name,
                schema: as_plain(property),
                pointer: format!("{pointer}/properties/{}", escape(name)),
            };
            merge_property(&mut properties, property, self.doc);
        }
        required.extend(v.required.iter().copied());
        if !object_like {
            // Every member is a scalar with constraints: the first member says the type.
            return self.lower(&members[0], &format!("{pointer}/allOf/0"), hint);
        }
        self.structure(schema, properties, &required, pointer, hint, fixed)
    }

    /// The properties an `allOf` member contributes; `None` when it is not an object.
    fn flatten(
        &self,
        member: &'d ReferenceOr<Schema>,
        pointer: &str,
        depth: usize,
    ) -> Result<Option<Flat<'d>>, String> {
        if depth > 32 {
            return Err("allOf nests too deeply (a cycle of allOf references?)".to_owned());
        }
        let (schema, pointer) = match member {
            ReferenceOr::Reference { reference } => {
                let (name, schema) = self.doc.schema_ref(reference)?;
                (schema, format!("/components/schemas/{}", escape(name)))
            }
            ReferenceOr::Item(schema) => (schema, pointer.to_owned()),
        };
        let v = view(schema);
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            return Err("an allOf member that is a oneOf/anyOf is not supported".to_owned());
        }
        let mut flat = Flat {
            properties: Vec::new(),
            required: Vec::new(),
        };
        let mut object_like = !v.properties.is_empty() || v.kind == Some("object");
        for (i, inner) in v.all_of.iter().enumerate() {
            if let Some(inner) = self.flatten(inner, &format!("{pointer}/allOf/{i}"), depth + 1)? {
                object_like = true;
                flat.properties.extend(inner.properties);
                flat.required.extend(inner.required);
            }
        }
        for (name, property) in &v.properties {
            flat.properties.push(Property {
                name,
                schema: as_plain(property),
                pointer: format!("{pointer}/properties/{}", escape(name)),
            });
        }
        flat.required.extend(v.required.iter().copied());
        Ok(object_like.then_some(flat))
    }

    fn union(
        &mut self,
        schema: &'d Schema,
        members: &'d [ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let name = self.name_for(schema, hint, fixed);
        let members: Vec<Member<'d>> = members
            .iter()
            .enumerate()
            .map(|(i, m)| Member {
                schema: m,
                pointer: format!("{pointer}/{i}"),
                component: match m {
                    ReferenceOr::Reference { reference } => {
                        crate::adapter::component_name(reference, "schemas").ok()
                    }
                    ReferenceOr::Item(_) => None,
                },
            })
            .collect();
        let tagging = match &schema.schema_data.discriminator {
            Some(discriminator) => self.explicit_tags(discriminator, &members, pointer),
            None => Ok(self.inferred_tags(&members)),
        };
        let tagging = match tagging {
            Ok(tagging) => tagging,
            Err((at, message)) => return self.problem(at, message),
        };
        let kind = match tagging {
            Some((tag, values)) => {
                let mut scope = Scope::with_reserved(&["Unknown"]);
                let mut variants = Vec::new();
                for (member, value) in members.iter().zip(values) {
                    let hint = format!("{name}{}", type_name(&value));
                    let ty = match self.lower(member.schema, &member.pointer, &hint) {
                        TypeRef::Named(ty) => ty,
                        _ => {
                            return self.problem(
                                member.pointer.clone(),
                                "a tagged union member must be an object".to_owned(),
                            )
                        }
                    };
                    variants.push(TaggedVariant {
                        name: scope.claim(&type_name(&value)),
                        tag_value: value,
                        ty,
                    });
                }
                TypeKind::Tagged { tag, variants }
            }
            None => {
                let mut scope = Scope::default();
                let mut variants = Vec::new();
                for (i, member) in members.iter().enumerate() {
                    let ty =
                        self.lower(member.schema, &member.pointer, &format!("{name}Variant{i}"));
                    let variant = match &ty {
                        TypeRef::Named(n) => n.clone(),
                        other => variant_name_of(other),
                    };
                    variants.push(UntaggedVariant {
                        name: scope.claim(&variant),
                        ty,
                        known_fields: None,
                    });
                }
                TypeKind::Untagged { variants }
            }
        };
        self.define(
            name,
            pointer.rsplit_once('/').map_or(pointer, |(p, _)| p),
            schema,
            kind,
        )
    }

    /// Tag values from an explicit `discriminator`.
    fn explicit_tags(
        &self,
        discriminator: &openapiv3::Discriminator,
        members: &[Member<'d>],
        pointer: &str,
    ) -> Result<Option<Tagging>, Problem> {
        let mut values = Vec::new();
        for member in members {
            let by_mapping = member.component.and_then(|component| {
                discriminator
                    .mapping
                    .iter()
                    .find(|(_, target)| {
                        crate::adapter::component_name(target, "schemas").ok() == Some(component)
                    })
                    .map(|(value, _)| value.clone())
            });
            let value = by_mapping
                .or_else(|| self.single_value(member.schema, &discriminator.property_name))
                .or_else(|| member.component.map(str::to_owned));
            match value {
                Some(value) => values.push(value),
                None => {
                    return Err((
                        member.pointer.clone(),
                        format!(
                            "cannot tell this member's `{}` value: give it a $ref, a discriminator mapping or a const",
                            discriminator.property_name
                        ),
                    ))
                }
            }
        }
        let _ = pointer;
        Ok(Some((discriminator.property_name.clone(), values)))
    }

    /// A tag inferred from a property every member pins to one distinct string value.
    fn inferred_tags(&self, members: &[Member<'d>]) -> Option<Tagging> {
        let first = members.first()?;
        let candidates = self.object_properties(first.schema)?;
        candidates.into_iter().find_map(|property| {
            let values: Option<Vec<String>> = members
                .iter()
                .map(|m| self.single_value(m.schema, &property))
                .collect();
            let values = values?;
            let mut unique = values.clone();
            unique.sort();
            unique.dedup();
            (unique.len() == values.len()).then_some((property, values))
        })
    }

    /// Property names of an object member (following refs and allOf).
    fn object_properties(&self, member: &'d ReferenceOr<Schema>) -> Option<Vec<String>> {
        let flat = self.flatten(member, "", 0).ok()??;
        Some(flat.properties.iter().map(|p| p.name.to_owned()).collect())
    }

    /// The one string value a member's `property` may take, if it is pinned to one.
    fn single_value(&self, member: &'d ReferenceOr<Schema>, property: &str) -> Option<String> {
        let flat = self.flatten(member, "", 0).ok()??;
        let found = flat.properties.iter().rev().find(|p| p.name == property)?;
        let schema = match found.schema {
            PlainRef::Item(schema) => schema,
            PlainRef::Reference(reference) => self.doc.schema_ref(reference).ok()?.1,
        };
        match view(schema).enumeration.as_slice() {
            [Value::String(value)] => Some(value.clone()),
            _ => None,
        }
    }
}

/// Lets `lower` take both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
pub trait AsSchema {
    /// The schema.
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

/// A property's schema with the box taken off.
#[derive(Clone, Copy)]
enum PlainRef<'a> {
    Reference(&'a str),
    Item(&'a Schema),
}

fn as_plain(schema: &ReferenceOr<Box<Schema>>) -> PlainRef<'_> {
    match schema {
        ReferenceOr::Reference { reference } => PlainRef::Reference(reference),
        ReferenceOr::Item(schema) => PlainRef::Item(schema),
    }
}

struct Property<'a> {
    name: &'a str,
    schema: PlainRef<'a>,
    pointer: String,
}

struct Flat<'a> {
    properties: Vec<Property<'a>>,
    required: Vec<&'a str>,
}

#[derive(Default)]
struct Metadata {
    description: Option<String>,
    nullable: bool,
    sensitive: bool,
    deprecated: bool,
    read_only: bool,
    write_only: bool,
}

/// Adds an `allOf` member's property: a later definition overrides an earlier one, except
/// that a definition carrying only annotations (e.g. `{example: 409}`) never replaces a typed one.
fn merge_property<'a>(properties: &mut Vec<Property<'a>>, property: Property<'a>, doc: &Document) {
    match properties.iter().position(|p| p.name == property.name) {
        Some(i) if is_annotation_only(&property.schema, doc) => {
            let _ = i;
        }
        Some(i) => properties[i] = property,
        None => properties.push(property),
    }
}

fn is_annotation_only(schema: &PlainRef<'_>, _doc: &Document) -> bool {
    match schema {
        PlainRef::Reference(_) => false,
        PlainRef::Item(schema) => {
            let v = view(schema);
            v.kind.is_none()
                && v.enumeration.is_empty()
                && v.properties.is_empty()
                && v.items.is_none()
                && v.one_of.is_empty()
                && v.any_of.is_empty()
                && v.all_of.is_empty()
                && v.additional.is_none()
        }
    }
}

fn variant_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::List(_) => "List".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Nullable(inner) => variant_name_of(inner),
    }
}
