//! Lowers schemas into named Rust types (`TypeDef`) and type references (`TypeRef`).

use std::collections::{BTreeMap, HashMap};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::{constraints, prose};
use crate::adapter::{view, Document, Problem, SchemaView};
use crate::ir::{
    AdditionalField, EnumVariant, Example, Field, TaggedVariant, TypeDef, TypeKind, TypeRef,
    UntaggedVariant,
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

    /// The properties of an object schema (its own and its allOf members'), for a body sent
    /// property by property (multipart); why not, when the schema is not such an object.
    pub fn body_properties(
        &self,
        schema: &'d ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<Vec<ObjectProperty<'d>>, Problem> {
        let (schema, pointer) = self.resolved(schema, pointer)?;
        let gathered = self.gather(schema, &pointer, 0)?;
        if let Some(choice) = gathered.choices.first() {
            return Err((
                choice.pointer.clone(),
                "a multipart body must be one object: its parts cannot vary with oneOf/anyOf"
                    .to_owned(),
            ));
        }
        if gathered.flat.properties.is_empty() {
            return Err((
                pointer,
                "a multipart body must be an object listing its parts in `properties`".to_owned(),
            ));
        }
        let required = gathered.flat.required;
        Ok(gathered
            .flat
            .properties
            .into_iter()
            .map(|property| {
                let resolved = match property.schema {
                    PlainRef::Item(schema) => Some(schema),
                    PlainRef::Reference(reference) => {
                        self.doc.schema_ref(reference).ok().map(|(_, s)| s)
                    }
                };
                let meta = self.metadata(&property.schema);
                ObjectProperty {
                    name: property.name,
                    required: required.contains(&property.name),
                    nullable: meta.nullable,
                    description: meta.description,
                    resolved,
                    property,
                }
            })
            .collect())
    }

    /// Lowers one property from [`body_properties`](Self::body_properties).
    pub fn lower_object_property(&mut self, property: &ObjectProperty<'d>, hint: &str) -> TypeRef {
        self.lower_property(&property.property, hint)
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
        let schema = match doc
            .api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
        {
            Some(ReferenceOr::Item(schema)) => schema,
            Some(ReferenceOr::Reference { .. }) => return self.alias(name),
            None => {
                return self.problem(
                    referenced_at.to_owned(),
                    format!("unresolved reference `#/components/schemas/{name}`: no such schema"),
                )
            }
        };
        self.components.insert(name.to_owned(), Lowered::InProgress);
        let pointer = format!("/components/schemas/{}", escape(name));
        let fixed = self.component_names[name].clone();
        let ty = self.lower_schema(schema, &pointer, name, Some(fixed));
        self.components
            .insert(name.to_owned(), Lowered::Done(ty.clone()));
        ty
    }

    /// A component that is only a reference to another (an alias, possibly the first of a
    /// chain): references to it are references to the end of the chain, and it is kept as a
    /// type alias so the document's name stays in the API.
    fn alias(&mut self, name: &str) -> TypeRef {
        let pointer = format!("/components/schemas/{}", escape(name));
        let ty = match self.doc.schema_ref(&format!("#/components/schemas/{name}")) {
            Ok((target, _)) => {
                let target = target.to_owned();
                self.component(&target, &format!("{pointer}/$ref"))
            }
            Err(message) => self.problem(pointer.clone(), message),
        };
        self.components
            .insert(name.to_owned(), Lowered::Done(ty.clone()));
        let rust_name = self.component_names[name].clone();
        let doc = match &ty {
            TypeRef::Named(target) => format!("`{name}`: another name for `{target}`."),
            _ => format!("`{name}`: another name for the type it refers to."),
        };
        self.types.insert(
            rust_name.clone(),
            TypeDef {
                name: rust_name,
                pointer,
                doc: Some(doc),
                deprecated: false,
                example: None,
                sample: None,
                min_properties: None,
                closed: false,
                kind: TypeKind::Alias { target: ty.clone() },
                features: Vec::new(),
            },
        );
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
                contradiction: None,
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
        // `not` only narrows which values are valid: the rest of the schema gives the type.
        if !v.one_of.is_empty() || !v.any_of.is_empty() || !v.all_of.is_empty() {
            if v.all_of.len() == 1
                && v.properties.is_empty()
                && v.enumeration.is_empty()
                && v.one_of.is_empty()
                && v.any_of.is_empty()
            {
                // `allOf: [X]` plus annotations is X (the 3.1 `$ref`-with-siblings shape).
                return self.lower(&v.all_of[0], &format!("{pointer}/allOf/0"), hint);
            }
            let gathered = match self.gather(schema, pointer, 0) {
                Ok(gathered) => gathered,
                Err((at, message)) => return self.problem(at, message),
            };
            let Gathered {
                flat,
                object_like,
                mut choices,
            } = gathered;
            match choices.len() {
                0 if object_like => {
                    return self.structure(
                        schema,
                        flat.properties,
                        &flat.required,
                        pointer,
                        hint,
                        fixed,
                    )
                }
                // Every allOf member is a scalar with constraints: the first says the type.
                0 if !v.all_of.is_empty() && v.kind.is_none() => {
                    return self.lower(&v.all_of[0], &format!("{pointer}/allOf/0"), hint)
                }
                // Only constraints (alternatives saying what is required): the rest of the
                // schema gives the type.
                0 => {}
                1 => return self.union(schema, choices.remove(0), flat, pointer, hint, fixed),
                _ => return self.problem(
                    choices[1].pointer.clone(),
                    "several oneOf/anyOf lists that must all hold (beside each other or in allOf \
                     members) are not supported yet"
                        .to_owned(),
                ),
            }
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
                sample: None,
                min_properties: view(schema).limits.min_properties,
                closed: matches!(
                    view(schema).additional,
                    Some(AdditionalProperties::Any(false))
                ),
                kind,
                features: Vec::new(),
            },
        );
        TypeRef::Named(name)
    }

    fn object(
        &mut self,
        schema: &'d Schema,
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
        schema: &'d Schema,
        properties: Vec<Property<'d>>,
        required: &[&str],
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let name = self.name_for(schema, hint, fixed);
        let additional = view(schema)
            .additional
            .map(|additional| (additional, format!("{pointer}/additionalProperties")));
        let kind = self.fields(&name, properties, required, additional);
        self.define(name, pointer, schema, kind)
    }

    /// A struct's fields, and the map keeping undeclared properties when `additional` (the
    /// schema's `additionalProperties`, with its pointer) allows them.
    fn fields(
        &mut self,
        name: &str,
        properties: Vec<Property<'d>>,
        required: &[&str],
        additional: Option<(&'d AdditionalProperties, String)>,
    ) -> TypeKind {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for property in properties {
            let meta = self.metadata(&property.schema);
            let constraints = match property.schema {
                PlainRef::Item(schema) => constraints::of(self.doc, schema),
                PlainRef::Reference(reference) => self
                    .doc
                    .schema_ref(reference)
                    .map(|(_, schema)| constraints::of(self.doc, schema))
                    .unwrap_or_default(),
            };
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
                constraints,
            });
        }
        let additional = match additional {
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Json),
            Some((AdditionalProperties::Schema(values), pointer)) => {
                let value = self.lower(values, &pointer, &format!("{name}Value"));
                Some(self.nullable_if(values, value))
            }
            Some((AdditionalProperties::Any(false), _)) | None => None,
        };
        TypeKind::Struct {
            fields,
            additional: additional.map(|ty| AdditionalField {
                name: scope.claim("additional_properties"),
                ty,
            }),
        }
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

    /// What a schema says about objects through its own properties and its allOf members
    /// (followed through references), and the oneOf/anyOf lists among them, which the
    /// properties are merged into.
    fn gather(
        &self,
        schema: &'d Schema,
        pointer: &str,
        depth: usize,
    ) -> Result<Gathered<'d>, Problem> {
        if depth > 32 {
            return Err((
                pointer.to_owned(),
                "allOf nests too deeply (a cycle of allOf references?)".to_owned(),
            ));
        }
        let v = view(schema);
        let mut gathered = Gathered {
            flat: Flat::default(),
            object_like: !v.properties.is_empty() || v.kind == Some("object"),
            choices: Vec::new(),
        };
        for (i, member) in v.all_of.iter().enumerate() {
            let (member, member_pointer) =
                self.resolved(member, &format!("{pointer}/allOf/{i}"))?;
            let inner = self.gather(member, &member_pointer, depth + 1)?;
            gathered.object_like |= inner.object_like;
            for property in inner.flat.properties {
                merge_property(&mut gathered.flat.properties, property);
            }
            gathered.flat.required.extend(inner.flat.required);
            gathered.choices.extend(inner.choices);
        }
        for (name, property) in &v.properties {
            let property = Property {
                name,
                schema: as_plain(property),
                pointer: format!("{pointer}/properties/{}", escape(name)),
            };
            merge_property(&mut gathered.flat.properties, property);
        }
        gathered.flat.required.extend(v.required.iter().copied());
        for (key, members) in [("oneOf", v.one_of), ("anyOf", v.any_of)] {
            // Alternatives that differ only in what they require (`anyOf: [{required: [a]},
            // {required: [b]}]`) constrain values without changing their shape.
            if !members.is_empty() && !members.iter().all(is_constraint_only) {
                gathered.choices.push(Choice {
                    holder: schema,
                    members,
                    pointer: format!("{pointer}/{key}"),
                });
            }
        }
        Ok(gathered)
    }

    /// The properties a schema or reference contributes as an allOf member or union member;
    /// `None` when it is not an object.
    fn flatten(
        &self,
        member: &'d ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<Option<Gathered<'d>>, Problem> {
        let (schema, pointer) = self.resolved(member, pointer)?;
        let gathered = self.gather(schema, &pointer, 0)?;
        Ok(gathered.object_like.then_some(gathered))
    }

    /// The schema a schema-or-reference at `pointer` stands for, with where it is written:
    /// a reference leads to its component (through aliases).
    fn resolved(
        &self,
        schema: &'d ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<(&'d Schema, String), Problem> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let (name, schema) = self
                    .doc
                    .schema_ref(reference)
                    .map_err(|message| (format!("{pointer}/$ref"), message))?;
                Ok((schema, format!("/components/schemas/{}", escape(name))))
            }
            ReferenceOr::Item(schema) => Ok((schema, pointer.to_owned())),
        }
    }

    /// A oneOf/anyOf: a tagged union when a property tells the members apart, an untagged
    /// one otherwise. `shared` holds the properties beside the union (its schema's own and
    /// its allOf members'): each member that is an object gets them merged in, since a value
    /// is one of the members *and* has the shared properties.
    fn union(
        &mut self,
        schema: &'d Schema,
        choice: Choice<'d>,
        shared: Flat<'d>,
        pointer: &str,
        hint: &str,
        fixed: Option<String>,
    ) -> TypeRef {
        let name = self.name_for(schema, hint, fixed);
        let members: Vec<Member<'d>> = choice
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| Member {
                schema: m,
                pointer: format!("{}/{i}", choice.pointer),
                component: match m {
                    ReferenceOr::Reference { reference } => {
                        crate::adapter::component_name(reference, "schemas").ok()
                    }
                    ReferenceOr::Item(_) => None,
                },
            })
            .collect();
        let discriminator = choice
            .holder
            .schema_data
            .discriminator
            .as_ref()
            .or(schema.schema_data.discriminator.as_ref());
        // A discriminator whose value some member does not pin (an inline member without a
        // `const`) cannot route by tag alone: the members are then told apart by shape.
        let tagging = discriminator
            .and_then(|discriminator| self.explicit_tags(discriminator, &members))
            .or_else(|| self.inferred_tags(&members));
        let kind = match tagging {
            Some((tag, values)) => {
                let mut scope = Scope::with_reserved(&["Unknown"]);
                let mut variants = Vec::new();
                for (member, value) in members.iter().zip(values) {
                    let variant = scope.claim(&type_name(&value));
                    let ty = match self.member(member, &shared, &name, &variant) {
                        TypeRef::Named(ty) => ty,
                        _ => {
                            return self.problem(
                                member.pointer.clone(),
                                "a tagged union member must be an object".to_owned(),
                            )
                        }
                    };
                    variants.push(TaggedVariant {
                        name: variant,
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
                    let ty = self.member(member, &shared, &name, &format!("Variant{i}"));
                    let variant = match &ty {
                        TypeRef::Named(n) => n.clone(),
                        other => variant_name_of(other),
                    };
                    // A nullable scalar member (`{type: string, nullable: true}`) makes `null`
                    // one of the union's values: its variant holds an `Option`.
                    let ty = match ty {
                        TypeRef::Named(_) => ty,
                        scalar => self.nullable_if(member.schema, scalar),
                    };
                    variants.push(UntaggedVariant {
                        name: scope.claim(&variant),
                        ty,
                        known_fields: None,
                        constraints: constraints::of_ref(self.doc, member.schema),
                    });
                }
                TypeKind::Untagged { variants }
            }
        };
        self.define(name, pointer, schema, kind)
    }

    /// One union member's type, with the shared properties merged in when it is an object
    /// that lacks some of them; `variant` names a merged type after its variant.
    fn member(
        &mut self,
        member: &Member<'d>,
        shared: &Flat<'d>,
        union_name: &str,
        variant: &str,
    ) -> TypeRef {
        let hint = format!("{union_name}{variant}");
        if shared.properties.is_empty() && shared.required.is_empty() {
            return self.lower(member.schema, &member.pointer, &hint);
        }
        let own = match self.flatten(member.schema, &member.pointer) {
            Ok(Some(own)) if own.choices.is_empty() => own.flat,
            Ok(Some(own)) => {
                return self.problem(
                    own.choices[0].pointer.clone(),
                    "a oneOf/anyOf inside a union member that has properties beside the union \
                     is not supported yet"
                        .to_owned(),
                )
            }
            // Properties say nothing about values that are not objects.
            Ok(None) => return self.lower(member.schema, &member.pointer, &hint),
            Err((at, message)) => return self.problem(at, message),
        };
        let covered = shared
            .properties
            .iter()
            .all(|p| own.properties.iter().any(|q| q.name == p.name))
            && shared.required.iter().all(|r| own.required.contains(r));
        if covered {
            return self.lower(member.schema, &member.pointer, &hint);
        }
        let mut properties = shared.properties.clone();
        for property in own.properties {
            merge_property(&mut properties, property);
        }
        let mut required = shared.required.clone();
        required.extend(own.required);
        // Named after its variant; after its variant again when a component holds that name.
        let candidate = type_name(&hint);
        let name = if self.names.contains(&candidate) {
            self.names.claim(&format!("{candidate}Variant"))
        } else {
            self.names.claim(&candidate)
        };
        let kind = self.fields(&name, properties, &required, None);
        let doc = match member.schema {
            ReferenceOr::Item(schema) => schema.schema_data.description.clone(),
            ReferenceOr::Reference { reference } => self
                .doc
                .schema_ref(reference)
                .ok()
                .and_then(|(_, schema)| schema.schema_data.description.clone()),
        };
        self.types.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                pointer: member.pointer.clone(),
                doc: Some(doc.unwrap_or_else(|| {
                    format!(
                        "The `{variant}` member of `{union_name}`, with the properties beside it."
                    )
                })),
                deprecated: false,
                example: None,
                sample: None,
                min_properties: None,
                closed: false,
                kind,
                features: Vec::new(),
            },
        );
        TypeRef::Named(name)
    }

    /// Tag values from an explicit `discriminator`: each member's mapping key, `const`, or
    /// component name; `None` when some member has none of them.
    fn explicit_tags(
        &self,
        discriminator: &openapiv3::Discriminator,
        members: &[Member<'d>],
    ) -> Option<Tagging> {
        let values = members
            .iter()
            .map(|member| {
                let by_mapping = member.component.and_then(|component| {
                    discriminator
                        .mapping
                        .iter()
                        .find(|(_, target)| {
                            crate::adapter::component_name(target, "schemas").ok()
                                == Some(component)
                        })
                        .map(|(value, _)| value.clone())
                });
                let property = &discriminator.property_name;
                // Without a mapping, a component's own name is its value, unless its schema
                // limits the property to other values.
                let by_name = || {
                    let name = member.component?;
                    match self.property_values(member.schema, property) {
                        Some(values) if !values.iter().any(|v| v == name) => None,
                        _ => Some(name.to_owned()),
                    }
                };
                by_mapping
                    .or_else(|| self.single_value(member.schema, property))
                    .or_else(by_name)
            })
            .collect::<Option<Vec<String>>>()?;
        // Two members under one value could not be told apart by it.
        let mut unique = values.clone();
        unique.sort();
        unique.dedup();
        (unique.len() == values.len()).then(|| (discriminator.property_name.clone(), values))
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
        let flat = self.flatten(member, "").ok()??;
        Some(
            flat.flat
                .properties
                .iter()
                .map(|p| p.name.to_owned())
                .collect(),
        )
    }

    /// The one string value a member's `property` may take, if it is pinned to one.
    fn single_value(&self, member: &'d ReferenceOr<Schema>, property: &str) -> Option<String> {
        match self.property_values(member, property)?.as_slice() {
            [value] => Some(value.clone()),
            _ => None,
        }
    }

    /// The string values a member's `property` is limited to by an `enum` or `const`, if any.
    fn property_values(
        &self,
        member: &'d ReferenceOr<Schema>,
        property: &str,
    ) -> Option<Vec<String>> {
        let flat = self.flatten(member, "").ok()??;
        let found = flat
            .flat
            .properties
            .iter()
            .rev()
            .find(|p| p.name == property)?;
        let schema = match found.schema {
            PlainRef::Item(schema) => schema,
            PlainRef::Reference(reference) => self.doc.schema_ref(reference).ok()?.1,
        };
        let values: Vec<String> = view(schema)
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        (!values.is_empty()).then_some(values)
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

/// A property of an object schema, for lowering a body part by part.
pub struct ObjectProperty<'d> {
    /// The JSON name.
    pub name: &'d str,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Its description (a referenced schema's when it has none of its own).
    pub description: Option<String>,
    /// Its schema, a reference followed; `None` when the reference is broken (lowering it
    /// reports that).
    pub resolved: Option<&'d Schema>,
    property: Property<'d>,
}

#[derive(Clone)]
struct Property<'a> {
    name: &'a str,
    schema: PlainRef<'a>,
    pointer: String,
}

#[derive(Default)]
struct Flat<'a> {
    properties: Vec<Property<'a>>,
    required: Vec<&'a str>,
}

/// What a schema and its allOf members say: properties, and oneOf/anyOf lists.
struct Gathered<'a> {
    flat: Flat<'a>,
    /// Whether anything in it says "object" (properties, or `type: object`).
    object_like: bool,
    choices: Vec<Choice<'a>>,
}

/// A oneOf or anyOf list, with the schema holding it (whose discriminator tells its members
/// apart).
struct Choice<'a> {
    holder: &'a Schema,
    members: &'a [ReferenceOr<Schema>],
    pointer: String,
}

/// A member that only adds constraints (`required`, `not`, bounds) and no shape of its own.
fn is_constraint_only(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Reference { .. } => false,
        ReferenceOr::Item(schema) => {
            let v = view(schema);
            v.kind.is_none()
                && v.properties.is_empty()
                && v.items.is_none()
                && v.enumeration.is_empty()
                && v.one_of.is_empty()
                && v.any_of.is_empty()
                && v.all_of.is_empty()
                && v.additional.is_none()
        }
    }
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
fn merge_property<'a>(properties: &mut Vec<Property<'a>>, property: Property<'a>) {
    match properties.iter().position(|p| p.name == property.name) {
        Some(_) if is_annotation_only(&property.schema) => {}
        Some(i) => properties[i] = property,
        None => properties.push(property),
    }
}

fn is_annotation_only(schema: &PlainRef<'_>) -> bool {
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
