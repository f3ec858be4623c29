//! Lowers schemas into named Rust types (`TypeDef`) and type references (`TypeRef`).

use std::collections::HashMap;

use serde_json::Value;

use super::{constraints, prose};
use crate::adapter::{Additional, Discriminator, Document, Problem, Schema, SchemaRef, SchemaView};
use crate::ir::{
    AdditionalField, EnumVariant, Example, Field, FlattenedUnion, NameSource, Naming, Note, Place,
    TaggedVariant, TypeDef, TypeId, TypeKind, TypeRef, UntaggedVariant,
};
use crate::locate::escape;
use crate::naming::{type_name, value_name, Scope};

/// Lowers schemas on demand, each component once, and collects the named types.
pub struct TypeLowerer<'d> {
    doc: &'d Document,
    /// Named types by id: a slot is reserved when a type is met and filled when its
    /// definition is done (a component refers to itself before that).
    pub types: Vec<Option<TypeDef>>,
    /// How each slot's type is named.
    namings: Vec<Naming>,
    /// The Rust name of each component, claimed up front in the order of their keys: two keys
    /// that are one name in Rust (`foo_bar`, `FooBar`) are told apart there, by a number.
    component_names: HashMap<String, String>,
    components: HashMap<String, Lowered>,
    /// Problems found so far.
    pub problems: Vec<Problem>,
    /// Examples met so far, with their types.
    pub examples: Vec<Example>,
    /// References met while their component was still being lowered, with where they were.
    recursive_refs: Vec<(TypeId, String)>,
    /// The type of each inline property schema lowered so far, by its pointer.
    inline_properties: HashMap<String, TypeRef>,
}

#[derive(Clone)]
enum Lowered {
    /// Being lowered, its type to be defined in this slot.
    InProgress(TypeId),
    Done(TypeRef),
}

/// A union's tag property and each member's value of it.
type Tagging = (String, Vec<String>);

/// A union member as seen by tag inference.
struct Member<'a> {
    schema: SchemaRef<'a>,
    pointer: String,
    component: Option<&'a str>,
}

impl<'d> TypeLowerer<'d> {
    /// A lowerer over one document.
    pub fn new(doc: &'d Document) -> Self {
        let mut names = Scope::with_reserved(super::names::RESERVED);
        let mut component_names = HashMap::new();
        // Claimed in the order of the keys, not the document's.
        let mut keys: Vec<&str> = doc
            .component_schemas()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        keys.sort_unstable();
        for name in keys {
            component_names.insert(name.to_owned(), names.claim(&type_name(name)));
        }
        TypeLowerer {
            doc,
            types: Vec::new(),
            namings: Vec::new(),
            component_names,
            components: HashMap::new(),
            problems: Vec::new(),
            examples: Vec::new(),
            recursive_refs: Vec::new(),
            inline_properties: HashMap::new(),
        }
    }

    /// Lowers every component schema, so the SDK has a type for each even when no operation
    /// uses it.
    pub fn lower_components(&mut self) {
        for (name, _) in self.doc.component_schemas() {
            let pointer = format!("/components/schemas/{}", escape(name));
            self.component(name, &pointer);
        }
    }

    /// Lowers a schema or reference found at `pointer`; `hint` names it if it needs a name.
    pub fn lower(&mut self, schema: SchemaRef<'d>, pointer: &str, hint: &Hint) -> TypeRef {
        match schema {
            SchemaRef::Ref(reference) => self.reference(reference, pointer),
            SchemaRef::Inline(schema) => self.lower_schema(schema, pointer, hint, None),
        }
    }

    /// The shapes a body sent property by property (multipart) takes: one, the object's
    /// properties (its own and its allOf members'); or, when they vary with a oneOf/anyOf of
    /// objects, one per member, with the properties beside the union merged in. Each says
    /// whether it allows other properties (`additionalProperties` given and not `false`, or
    /// no properties at all). Why not, when the schema is not made of objects that way.
    pub fn body_shapes(
        &self,
        schema: SchemaRef<'d>,
        pointer: &str,
    ) -> Result<Vec<BodyShape<'d>>, Problem> {
        let (schema, pointer) = self.resolved(schema, pointer)?;
        let gathered = self.gather(schema, &pointer, 0)?;
        let allows = |schema: Schema<'d>| {
            matches!(
                schema.view().additional,
                Some(Additional::Any(true) | Additional::Schema(_))
            )
        };
        if gathered.choices.is_empty() {
            let others = gathered.flat.properties.is_empty() || allows(schema);
            return Ok(vec![BodyShape {
                label: None,
                properties: self.object_properties_of(gathered.flat),
                others,
            }]);
        }
        // One shape per way of meeting every union, as `combined` spells out a type's.
        let start = vec![Pick {
            labels: Vec::new(),
            object: Some(gathered.flat.clone()),
            others: Vec::new(),
        }];
        let too_many = || {
            (
                pointer.clone(),
                format!(
                    "a multipart body's parts vary in more than {MAX_COMBINATIONS} ways \
                     (its oneOf/anyOf lists combined), too many for a form each"
                ),
            )
        };
        let picks = gathered
            .choices
            .iter()
            .try_fold(start, |picks, choice| {
                let alternatives = self.alternatives(choice, 0)?;
                product(picks, alternatives)
            })
            .map_err(|e| match e {
                Expansion::TooMany => too_many(),
                Expansion::Problem(problem) => problem,
            })?;
        if picks.len() > MAX_COMBINATIONS {
            return Err(too_many());
        }
        let mut shapes = Vec::new();
        for pick in picks {
            let (Some(flat), []) = (pick.object, pick.others.as_slice()) else {
                let at = pick
                    .others
                    .first()
                    .map_or(pointer.clone(), |(_, at)| at.clone());
                return Err((
                    at,
                    "each member of a multipart body's oneOf/anyOf must be an object listing \
                     its parts"
                        .to_owned(),
                ));
            };
            let others = flat.properties.is_empty() || allows(schema);
            shapes.push(BodyShape {
                label: Some(pick.labels.iter().map(|l| type_name(l)).collect()),
                properties: self.object_properties_of(flat),
                others,
            });
        }
        Ok(shapes)
    }

    /// The properties of `flat`, each with what a body part needs to know.
    fn object_properties_of(&self, flat: Flat<'d>) -> Vec<ObjectProperty<'d>> {
        let required = flat.required;
        flat.properties
            .into_iter()
            .map(|property| {
                let resolved = self.doc.resolve(property.schema).ok().map(|(s, _)| s);
                let meta = self.metadata(property.schema);
                ObjectProperty {
                    name: property.name,
                    required: required.contains(&property.name),
                    nullable: meta.nullable,
                    description: meta.description,
                    resolved,
                    property,
                }
            })
            .collect()
    }

    /// Lowers one property from [`body_shapes`](Self::body_shapes).
    pub fn lower_object_property(&mut self, property: &ObjectProperty<'d>, hint: &Hint) -> TypeRef {
        self.lower_property(&property.property, NameIn::Hint(hint))
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
            Some(Lowered::InProgress(id)) => {
                let id = *id;
                self.recursive_refs.push((id, referenced_at.to_owned()));
                return TypeRef::Named(id);
            }
            None => {}
        }
        let schema = match self.doc.component_schema(name) {
            Some(SchemaRef::Inline(schema)) => schema,
            Some(SchemaRef::Ref(_)) => return self.alias(name),
            None => {
                return self.problem(
                    referenced_at.to_owned(),
                    format!("unresolved reference `#/components/schemas/{name}`: no such schema"),
                )
            }
        };
        let fixed = self.reserve_component(name);
        self.components
            .insert(name.to_owned(), Lowered::InProgress(fixed));
        let pointer = format!("/components/schemas/{}", escape(name));
        // Inline types of a component that is no type of its own (a list) are named after it.
        let hint = Hint::text(name, "", None);
        let mut ty = self.lower_schema(schema, &pointer, &hint, Some(fixed));
        // A list or map of itself (`items` referring to the component, or a pointer into it
        // that became one): references met while lowering it name it, so it is a named type,
        // a one-variant union around the list (the list is the indirection that makes it
        // finite).
        let refers_to_itself = self.recursive_refs.iter().any(|(n, _)| *n == fixed);
        let indirect = matches!(&ty, TypeRef::List(_) | TypeRef::Map(_));
        if refers_to_itself && indirect && !self.is_defined(fixed) {
            let variant = UntaggedVariant {
                name: String::new(),
                label: None,
                ty,
                known_fields: None,
                constraints: constraints::of(self.doc, schema),
            };
            ty = self.define(
                fixed,
                &pointer,
                schema,
                TypeKind::Untagged {
                    variants: vec![variant],
                },
            );
        }
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
        // An alias used inside its own target was defined while the target was lowered.
        if let Some(Lowered::Done(done)) = self.components.get(name) {
            return done.clone();
        }
        self.components
            .insert(name.to_owned(), Lowered::Done(ty.clone()));
        let id = self.reserve_component(name);
        self.fill(
            id,
            TypeDef {
                notes: vec![Note::AliasOf(name.to_owned())],
                ..blank(&pointer, TypeKind::Alias { target: ty.clone() })
            },
        );
        ty
    }

    /// Reports recursive references to components that never became a named type: aliases
    /// that refer back to themselves, which no Rust type can express.
    pub fn check_recursion(&mut self) {
        for (id, at) in std::mem::take(&mut self.recursive_refs) {
            if !self.is_defined(id) {
                let name = &self.namings[id.0].preferred;
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

    /// A slot for a type: `fixed` (a component's), or a new one named by the schema's title
    /// or, without one, by where it sits.
    fn name_for(&mut self, schema: Schema<'d>, hint: &Hint, fixed: Option<TypeId>) -> TypeId {
        fixed.unwrap_or_else(|| {
            let title = schema.title().map(str::to_owned);
            self.reserve(hint.naming(title))
        })
    }

    /// Reserves a slot for a component's type.
    fn reserve_component(&mut self, key: &str) -> TypeId {
        self.reserve(Naming {
            preferred: self.component_names[key].clone(),
            source: NameSource::Component,
        })
    }

    /// Reserves a slot for a type named as `naming` says.
    fn reserve(&mut self, naming: Naming) -> TypeId {
        self.types.push(None);
        self.namings.push(naming);
        TypeId(self.types.len() - 1)
    }

    /// Defines the type of a reserved slot (its name and naming are the slot's).
    fn fill(&mut self, id: TypeId, mut def: TypeDef) -> TypeRef {
        def.naming = self.namings[id.0].clone();
        def.name = def.naming.preferred.clone();
        self.types[id.0] = Some(def);
        TypeRef::Named(id)
    }

    /// Where something inside the type of slot `id` sits: its preferred name, then `suffix`.
    fn hint_in(&self, id: TypeId, suffix: &str, role: Option<&str>) -> Hint {
        Hint {
            place: Place {
                parent: Some(TypeRef::Named(id)),
                parent_preferred: self.namings[id.0].preferred.clone(),
                suffix: suffix.to_owned(),
                role: role.map(str::to_owned),
            },
        }
    }

    /// Whether a slot's type is defined.
    fn is_defined(&self, id: TypeId) -> bool {
        self.types[id.0].is_some()
    }

    /// The types defined, with the names their slots were claimed under, each at its id (an
    /// empty slot's type, whose name was claimed for a type that never came to be, is there
    /// to keep the ids; nothing valid refers to it).
    pub fn into_types(self) -> (Vec<TypeDef>, Vec<TypeId>) {
        let defined = (0..self.types.len())
            .map(TypeId)
            .filter(|id| self.types[id.0].is_some())
            .collect();
        let types = self
            .types
            .into_iter()
            .zip(self.namings)
            .map(|(def, naming)| {
                def.unwrap_or_else(|| TypeDef {
                    name: naming.preferred.clone(),
                    naming,
                    ..blank(
                        "",
                        TypeKind::Alias {
                            target: TypeRef::Json,
                        },
                    )
                })
            })
            .collect();
        (types, defined)
    }

    fn lower_schema(
        &mut self,
        schema: Schema<'d>,
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        let ty = self.lower_shape(schema, pointer, hint, fixed);
        if let Some(value) = schema.example() {
            self.examples.push(Example {
                pointer: format!("{pointer}/example"),
                ty: ty.clone(),
                nullable: schema.nullable(),
                value: value.clone(),
                contradiction: None,
            });
        }
        ty
    }

    fn lower_shape(
        &mut self,
        schema: Schema<'d>,
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        let v = schema.view();
        // `not` only narrows which values are valid: the rest of the schema gives the type.
        if !v.one_of.is_empty() || !v.any_of.is_empty() || !v.all_of.is_empty() {
            if v.all_of.len() == 1
                && v.properties.is_empty()
                && v.enumeration.is_empty()
                && v.one_of.is_empty()
                && v.any_of.is_empty()
            {
                // `allOf: [X]` plus annotations is X (the 3.1 `$ref`-with-siblings shape).
                return self.lower(v.all_of[0], &format!("{pointer}/allOf/0"), hint);
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
                    return self.lower(v.all_of[0], &format!("{pointer}/allOf/0"), hint)
                }
                // Only constraints (alternatives saying what is required): the rest of the
                // schema gives the type.
                0 => {}
                1 => return self.union(schema, choices.remove(0), flat, pointer, hint, fixed),
                _ => return self.combined(schema, &choices, flat, pointer, hint, fixed),
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
                    let item = self.lower(
                        items,
                        &format!("{pointer}/items"),
                        &hint.child("Item", None),
                    );
                    TypeRef::List(Box::new(self.nullable_if(items, item)))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            Some("object") | None if !v.properties.is_empty() => {
                self.object(schema, &v, pointer, hint, fixed)
            }
            Some("object") => match v.additional {
                Some(Additional::Schema(values)) => {
                    let value = self.lower(
                        values,
                        &format!("{pointer}/additionalProperties"),
                        &hint.child("Value", None),
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
    fn nullable_if(&self, schema: SchemaRef<'d>, ty: TypeRef) -> TypeRef {
        if self.doc.resolve(schema).is_ok_and(|(s, _)| s.nullable()) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    fn string_enum(
        &mut self,
        schema: Schema<'d>,
        values: Vec<&str>,
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        let id = self.name_for(schema, hint, fixed);
        let open = schema
            .extension("x-speakeasy-unknown-values")
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
        self.define(id, pointer, schema, TypeKind::Enum { variants, open })
    }

    fn define(&mut self, id: TypeId, pointer: &str, schema: Schema<'d>, kind: TypeKind) -> TypeRef {
        self.fill(
            id,
            TypeDef {
                doc: prose(schema.description()).or_else(|| prose(schema.title())),
                deprecated: schema.deprecated(),
                example: schema.example().cloned(),
                min_properties: schema.view().limits.min_properties,
                closed: matches!(schema.view().additional, Some(Additional::Any(false))),
                ..blank(pointer, kind)
            },
        )
    }

    fn object(
        &mut self,
        schema: Schema<'d>,
        v: &SchemaView<'d>,
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        let properties: Vec<Property<'d>> = v
            .properties
            .iter()
            .map(|(name, schema)| Property {
                name,
                schema: *schema,
                pointer: format!("{pointer}/properties/{}", escape(name)),
            })
            .collect();
        let required: Vec<&str> = v.required.clone();
        self.structure(schema, properties, &required, pointer, hint, fixed)
    }

    fn structure(
        &mut self,
        schema: Schema<'d>,
        properties: Vec<Property<'d>>,
        required: &[&str],
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        let id = self.name_for(schema, hint, fixed);
        let additional = schema
            .view()
            .additional
            .map(|additional| (additional, format!("{pointer}/additionalProperties")));
        let kind = self.fields(id, properties, required, additional);
        self.define(id, pointer, schema, kind)
    }

    /// A struct's fields, and the map keeping undeclared properties when `additional` (the
    /// schema's `additionalProperties`, with its pointer) allows them.
    fn fields(
        &mut self,
        owner: TypeId,
        properties: Vec<Property<'d>>,
        required: &[&str],
        additional: Option<(Additional<'d>, String)>,
    ) -> TypeKind {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for property in properties {
            let meta = self.metadata(property.schema);
            let constraints = match self.doc.resolve(property.schema) {
                Ok((schema, _)) => constraints::of(self.doc, schema),
                Err(_) => Default::default(),
            };
            let ty = self.lower_property(&property, NameIn::Type(owner));
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
            Some((Additional::Any(true), _)) => Some(TypeRef::Json),
            Some((Additional::Schema(values), pointer)) => {
                let value = self.lower(values, &pointer, &self.hint_in(owner, "Value", None));
                Some(self.nullable_if(values, value))
            }
            Some((Additional::Any(false), _)) | None => None,
        };
        TypeKind::Struct {
            fields,
            additional: additional.map(|ty| AdditionalField {
                name: scope.claim("additional_properties"),
                ty,
            }),
            flattened: Vec::new(),
        }
    }

    /// A property's type; an inline one is named in the component declaring it, or as `name_in`
    /// says.
    fn lower_property(&mut self, property: &Property<'d>, name_in: NameIn<'_>) -> TypeRef {
        match property.schema {
            SchemaRef::Ref(reference) => self.reference(reference, &property.pointer),
            // A property merged into several structs (each member of a union with the
            // properties beside it) is one type, lowered once, named after the component
            // declaring it whichever struct meets it first.
            SchemaRef::Inline(schema) => {
                if let Some(ty) = self.inline_properties.get(&property.pointer) {
                    return ty.clone();
                }
                let suffix = type_name(property.name);
                let declared = property
                    .pointer
                    .strip_prefix("/components/schemas/")
                    .and_then(|rest| rest.split_once("/properties/"))
                    .filter(|(_, name)| !name.contains('/'))
                    .and_then(|(component, _)| {
                        let component = crate::adapter::unescape(component);
                        // In the component's type when it is one, else after its name.
                        match self.components.get(&component) {
                            Some(Lowered::InProgress(id))
                            | Some(Lowered::Done(TypeRef::Named(id))) => {
                                Some(self.hint_in(*id, &suffix, Some("Property")))
                            }
                            _ => self
                                .component_names
                                .get(&component)
                                .map(|name| Hint::text(name, &suffix, Some("Property"))),
                        }
                    });
                let hint = declared.unwrap_or_else(|| match name_in {
                    NameIn::Hint(hint) => hint.clone(),
                    NameIn::Type(owner) => self.hint_in(owner, &suffix, Some("Property")),
                });
                let ty = self.lower_schema(schema, &property.pointer, &hint, None);
                self.inline_properties
                    .insert(property.pointer.clone(), ty.clone());
                ty
            }
        }
    }

    /// Annotations of a property: its own, or, for a bare `$ref`, the referenced schema's.
    fn metadata(&self, schema: SchemaRef<'d>) -> Metadata {
        let Ok((schema, _)) = self.doc.resolve(schema) else {
            return Metadata::default();
        };
        let v = schema.view();
        // A `$ref` with siblings arrives as `allOf: [$ref]` plus the siblings: the referenced
        // schema's description stands in when the siblings carry none.
        let inherited = v.all_of.first().and_then(|first| match first {
            SchemaRef::Ref(reference) => self.doc.schema_ref(reference).ok().map(|(_, s)| s),
            SchemaRef::Inline(_) => None,
        });
        Metadata {
            description: prose(schema.description())
                .or_else(|| inherited.and_then(|s| prose(s.description()))),
            nullable: schema.nullable() || inherited.is_some_and(|s| s.nullable()),
            sensitive: schema.extension("x-sensitive").is_some_and(|v| v == true)
                || v.format == Some("password"),
            deprecated: schema.deprecated(),
            read_only: schema.read_only(),
            write_only: schema.write_only(),
        }
    }

    /// What a schema says about objects through its own properties and its allOf members
    /// (followed through references), and the oneOf/anyOf lists among them, which the
    /// properties are merged into.
    fn gather(
        &self,
        schema: Schema<'d>,
        pointer: &str,
        depth: usize,
    ) -> Result<Gathered<'d>, Problem> {
        if depth > 32 {
            return Err((
                pointer.to_owned(),
                "allOf nests too deeply (a cycle of allOf references?)".to_owned(),
            ));
        }
        let v = schema.view();
        let mut gathered = Gathered {
            flat: Flat::default(),
            object_like: !v.properties.is_empty() || v.kind == Some("object"),
            choices: Vec::new(),
        };
        for (i, member) in v.all_of.iter().enumerate() {
            let (member, member_pointer) =
                self.resolved(*member, &format!("{pointer}/allOf/{i}"))?;
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
                schema: *property,
                pointer: format!("{pointer}/properties/{}", escape(name)),
            };
            merge_property(&mut gathered.flat.properties, property);
        }
        gathered.flat.required.extend(v.required.iter().copied());
        for (key, members) in [("oneOf", v.one_of), ("anyOf", v.any_of)] {
            // Alternatives that differ only in what they require (`anyOf: [{required: [a]},
            // {required: [b]}]`) constrain values without changing their shape.
            if !members.is_empty() && !members.iter().all(|m| is_constraint_only(*m)) {
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
        member: SchemaRef<'d>,
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
        schema: SchemaRef<'d>,
        pointer: &str,
    ) -> Result<(Schema<'d>, String), Problem> {
        match self.doc.resolve(schema) {
            Ok((schema, Some(name))) => {
                Ok((schema, format!("/components/schemas/{}", escape(name))))
            }
            Ok((schema, None)) => Ok((schema, pointer.to_owned())),
            Err(message) => Err((format!("{pointer}/$ref"), message)),
        }
    }

    /// A oneOf/anyOf: a tagged union when a property tells the members apart, an untagged
    /// one otherwise. `shared` holds the properties beside the union (its schema's own and
    /// its allOf members'): each member that is an object gets them merged in, since a value
    /// is one of the members *and* has the shared properties.
    fn union(
        &mut self,
        schema: Schema<'d>,
        choice: Choice<'d>,
        shared: Flat<'d>,
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        // A member that is itself a union, beside shared properties: the value is one of its
        // members and has the shared properties, which the combinations spell out.
        let has_shared = !shared.properties.is_empty() || !shared.required.is_empty();
        if has_shared
            && choice.members.iter().enumerate().any(|(i, m)| {
                self.resolved(*m, &format!("{}/{i}", choice.pointer))
                    .and_then(|(schema, at)| self.gather(schema, &at, 0))
                    .is_ok_and(|g| !g.choices.is_empty())
            })
        {
            return self.combined(schema, &[choice], shared, pointer, hint, fixed);
        }
        let id = self.name_for(schema, hint, fixed);
        let members: Vec<Member<'d>> = choice
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| Member {
                schema: *m,
                pointer: format!("{}/{i}", choice.pointer),
                component: match m {
                    SchemaRef::Ref(reference) => {
                        crate::adapter::component_name(reference, "schemas").ok()
                    }
                    SchemaRef::Inline(_) => None,
                },
            })
            .collect();
        let discriminator = choice.holder.discriminator().or(schema.discriminator());
        // A discriminator whose value some member does not pin (an inline member without a
        // `const`) cannot route by tag alone: the members are then told apart by shape.
        let tagging = discriminator
            .and_then(|discriminator| self.explicit_tags(&discriminator, &members))
            .or_else(|| self.inferred_tags(&members));
        let kind = match tagging {
            Some((tag, values)) => {
                let mut scope = Scope::with_reserved(&["Unknown"]);
                let mut variants = Vec::new();
                for (member, value) in members.iter().zip(values) {
                    let variant = scope.claim(&type_name(&value));
                    let ty = match self.member(member, &shared, id, &variant) {
                        TypeRef::Named(id) => id,
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
                let mut variants = Vec::new();
                let labels = self.member_labels(&choice.members);
                for (member, label) in members.iter().zip(labels) {
                    let ty = self.member(member, &shared, id, &type_name(&label));
                    // A nullable scalar member (`{type: string, nullable: true}`) makes `null`
                    // one of the union's values: its variant holds an `Option`.
                    let ty = match ty {
                        TypeRef::Named(_) => ty,
                        scalar => self.nullable_if(member.schema, scalar),
                    };
                    variants.push(UntaggedVariant {
                        name: String::new(),
                        label: None,
                        ty,
                        known_fields: None,
                        constraints: constraints::of_ref(self.doc, member.schema),
                    });
                }
                TypeKind::Untagged { variants }
            }
        };
        self.define(id, pointer, schema, kind)
    }

    /// One union member's type, with the shared properties merged in when it is an object
    /// that lacks some of them; `variant` names a merged type after its variant.
    fn member(
        &mut self,
        member: &Member<'d>,
        shared: &Flat<'d>,
        union: TypeId,
        variant: &str,
    ) -> TypeRef {
        let hint = self.hint_in(union, variant, Some("Variant"));
        if shared.properties.is_empty() && shared.required.is_empty() {
            return self.lower(member.schema, &member.pointer, &hint);
        }
        let own = match self.flatten(member.schema, &member.pointer) {
            Ok(Some(own)) if own.choices.is_empty() => own.flat,
            // `union` hands members holding unions of their own to `combined`: never dropped.
            Ok(Some(own)) => {
                return self.problem(
                    own.choices[0].pointer.clone(),
                    "internal error: a union inside a union member beside shared properties \
                     reached the single-union merge"
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
        // Named after its variant (its title aside: the type is the member and more).
        let id = self.reserve(hint.naming(None));
        let kind = self.fields(id, properties, &required, None);
        let doc = self
            .doc
            .resolve(member.schema)
            .ok()
            .and_then(|(schema, _)| schema.description())
            .map(str::to_owned);
        self.fill(
            id,
            TypeDef {
                doc,
                notes: vec![Note::MemberOf {
                    variant: variant.to_owned(),
                    union: TypeRef::Named(union),
                }],
                ..blank(&member.pointer, kind)
            },
        )
    }

    /// Several unions that must all hold at once (`allOf` members that are unions, a union
    /// beside another, a union member that is itself a union beside shared properties): one
    /// variant per way of picking a member of each, its properties those of the picked members
    /// and the shared ones. Picks that no value can meet (an object and a string) are left
    /// out; picks of scalars agree on one type. Beyond [`MAX_COMBINATIONS`] picks, unions whose
    /// members are objects sharing no property with another union or the shared properties
    /// are fields of a struct, flattened; otherwise the picks are spelled out up to
    /// [`MAX_PRODUCT`]. Beyond that, or when no pick is possible, the type is JSON
    /// (`serde_json::Value`) and its doc says why.
    fn combined(
        &mut self,
        schema: Schema<'d>,
        choices: &[Choice<'d>],
        shared: Flat<'d>,
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        let start = vec![Pick {
            labels: Vec::new(),
            object: None,
            others: Vec::new(),
        }];
        let picks = choices.iter().try_fold(start, |picks, choice| {
            let alternatives = self.alternatives(choice, 0)?;
            product(picks, alternatives)
        });
        let many = match &picks {
            Ok(picks) => picks.len() > MAX_COMBINATIONS,
            Err(Expansion::TooMany) => true,
            Err(Expansion::Problem(_)) => false,
        };
        if many && self.disjoint(choices, &shared) {
            return self.flattened(schema, choices, shared, pointer, hint, fixed);
        }
        let id = self.name_for(schema, hint, fixed);
        let picks = match picks {
            Ok(picks) => picks,
            Err(Expansion::TooMany) => {
                let why = format!(
                    "its unions (oneOf/anyOf lists that must all hold at once) combine in more \
                     than {MAX_PRODUCT} ways, too many for one variant each, and their members \
                     share properties, so no struct can hold them side by side"
                );
                return self.opaque(id, pointer, schema, &why);
            }
            Err(Expansion::Problem((at, message))) => return self.problem(at, message),
        };
        let mut seen: Vec<TypeRef> = Vec::new();
        // Each variant's label (`None`: named after its type), its type, and for a struct its
        // properties and id.
        let mut variants: Vec<(Option<String>, TypeRef, Option<StructPick<'d>>)> = Vec::new();
        for pick in picks {
            let label: String = pick.labels.iter().map(|l| type_name(l)).collect();
            let label = if label.is_empty() {
                "Value".to_owned()
            } else {
                label
            };
            match (pick.object, pick.others.as_slice()) {
                // Only objects picked: one struct of every property that comes with them.
                (Some(object), []) => {
                    let mut properties = shared.properties.clone();
                    for property in object.properties.iter().cloned() {
                        merge_property(&mut properties, property);
                    }
                    let mut required = shared.required.clone();
                    required.extend(object.required.iter().copied());
                    let hint = self.hint_in(id, &label, Some("Variant"));
                    let struct_id = self.reserve(hint.naming(None));
                    let kind = self.fields(struct_id, properties.clone(), &required, None);
                    let ty = self.fill(
                        struct_id,
                        TypeDef {
                            notes: vec![Note::CombinationOf {
                                union: TypeRef::Named(id),
                                labels: pick.labels.join(" and "),
                            }],
                            ..blank(pointer, kind)
                        },
                    );
                    let flat = Flat {
                        properties,
                        required,
                    };
                    variants.push((Some(label), ty, Some((flat, struct_id))));
                }
                // Only scalars (or lists) picked: they must all be the one type.
                (None, [(first, first_pointer), rest @ ..]) => {
                    let hint = self.hint_in(id, &label, Some("Variant"));
                    let ty = self.lower(*first, first_pointer, &hint);
                    let agree = rest.iter().all(|(other, other_pointer)| {
                        self.lower(*other, other_pointer, &hint) == ty
                    });
                    if agree && !seen.contains(&ty) {
                        seen.push(ty.clone());
                        variants.push((None, ty, None));
                    }
                }
                // An object and something else: no value is both.
                _ => {}
            }
        }
        if variants.is_empty() {
            let why = "no value meets all of its unions (oneOf/anyOf lists that must all hold \
                       at once) together";
            return self.opaque(id, pointer, schema, why);
        }
        // A property every variant pins to its own value tells them apart.
        let flats: Option<Vec<&Flat<'d>>> = variants
            .iter()
            .map(|(_, _, f)| f.as_ref().map(|(flat, _)| flat))
            .collect();
        let tagging = flats.and_then(|flats| self.tag_of_flats(&flats));
        let kind = match tagging {
            Some((tag, values)) => {
                // Every variant is a struct, named after its label, when a tag was found.
                let mut scope = Scope::default();
                TypeKind::Tagged {
                    tag,
                    variants: variants
                        .into_iter()
                        .zip(values)
                        .filter_map(|((label, _, flat), value)| {
                            Some(TaggedVariant {
                                name: scope.claim(&label?),
                                tag_value: value,
                                ty: flat?.1,
                            })
                        })
                        .collect(),
                }
            }
            None => TypeKind::Untagged {
                variants: variants
                    .into_iter()
                    .map(|(label, ty, _)| UntaggedVariant {
                        name: String::new(),
                        label,
                        ty,
                        known_fields: None,
                        constraints: Default::default(),
                    })
                    .collect(),
            },
        };
        self.define(id, pointer, schema, kind)
    }

    /// Whether every member of every union is an object with no union of its own, and no
    /// property belongs to two unions or to a union and the shared properties: each union can
    /// then read the object's keys on its own (a flattened field).
    fn disjoint(&self, choices: &[Choice<'d>], shared: &Flat<'d>) -> bool {
        let mut seen: Vec<&str> = shared.properties.iter().map(|p| p.name).collect();
        for choice in choices {
            let mut names: Vec<&str> = Vec::new();
            for (i, member) in choice.members.iter().enumerate() {
                let gathered = self.flatten(*member, &format!("{}/{i}", choice.pointer));
                match gathered {
                    Ok(Some(g)) if g.choices.is_empty() => {
                        names.extend(g.flat.properties.iter().map(|p| p.name));
                    }
                    _ => return false,
                }
            }
            if names.iter().any(|n| seen.contains(n)) {
                return false;
            }
            names.sort_unstable();
            names.dedup();
            seen.extend(names);
        }
        true
    }

    /// A struct of the shared properties with each union a flattened field, for unions
    /// [`disjoint`](Self::disjoint) says can sit side by side.
    fn flattened(
        &mut self,
        schema: Schema<'d>,
        choices: &[Choice<'d>],
        shared: Flat<'d>,
        pointer: &str,
        hint: &Hint,
        fixed: Option<TypeId>,
    ) -> TypeRef {
        let id = self.name_for(schema, hint, fixed);
        let mut kind = self.fields(id, shared.properties, &shared.required, None);
        let TypeKind::Struct {
            fields, flattened, ..
        } = &mut kind
        else {
            return self.problem(
                pointer.to_owned(),
                "internal error: not a struct".to_owned(),
            );
        };
        let mut scope = Scope::default();
        for field in fields.iter() {
            scope.claim(&field.name);
        }
        let mut unions = Vec::new();
        for (i, choice) in choices.iter().enumerate() {
            // Named after its members when they are few, else after its position.
            let labels: Vec<String> = self
                .member_labels(&choice.members)
                .iter()
                .map(|label| type_name(label))
                .collect();
            let suffix = if labels.len() <= 3 {
                labels.join("Or")
            } else {
                format!("Choice{}", i + 1)
            };
            let union_hint = self.hint_in(id, &suffix, Some("Union"));
            let ty = self.union(
                choice.holder,
                choice.clone(),
                Flat::default(),
                &choice.pointer,
                &union_hint,
                None,
            );
            let Some(union) = ty.named() else {
                return ty;
            };
            unions.push(FlattenedUnion {
                name: scope.claim(&value_name(&suffix)),
                ty: union,
            });
        }
        *flattened = unions;
        self.define(id, pointer, schema, kind)
    }

    /// A type no typed shape can hold soundly: `serde_json::Value` under the schema's name,
    /// its doc saying why. References go to `serde_json::Value` itself.
    fn opaque(&mut self, id: TypeId, pointer: &str, schema: Schema<'d>, why: &str) -> TypeRef {
        let described = prose(schema.description());
        let doc = match described {
            Some(text) => format!("{text}\n\nAny JSON value: {why}."),
            None => format!("Any JSON value: {why}."),
        };
        self.fill(
            id,
            TypeDef {
                doc: Some(doc),
                deprecated: schema.deprecated(),
                ..blank(
                    pointer,
                    TypeKind::Alias {
                        target: TypeRef::Json,
                    },
                )
            },
        );
        TypeRef::Json
    }

    /// The ways of meeting one oneOf/anyOf list: each member, or, for a member that holds
    /// unions of its own, each way of meeting them with the member's properties.
    fn alternatives(&self, choice: &Choice<'d>, depth: usize) -> Result<Vec<Pick<'d>>, Expansion> {
        if depth > 8 {
            return Err(Expansion::Problem((
                choice.pointer.clone(),
                "unions nest too deeply (a cycle of oneOf/anyOf references?)".to_owned(),
            )));
        }
        let mut all = Vec::new();
        let labels = self.member_labels(&choice.members);
        for ((i, member), label) in choice.members.iter().enumerate().zip(labels) {
            let member_pointer = format!("{}/{i}", choice.pointer);
            let gathered = self
                .resolved(*member, &member_pointer)
                .and_then(|(schema, at)| self.gather(schema, &at, 0))
                .map_err(Expansion::Problem)?;
            if !gathered.object_like && gathered.choices.is_empty() {
                all.push(Pick {
                    labels: vec![label],
                    object: None,
                    others: vec![(*member, member_pointer)],
                });
                if all.len() > MAX_PRODUCT {
                    return Err(Expansion::TooMany);
                }
                continue;
            }
            // A member holding unions of its own and nothing saying "object" may be met by a
            // scalar member of them.
            let own = Pick {
                labels: Vec::new(),
                object: gathered.object_like.then_some(gathered.flat),
                others: Vec::new(),
            };
            if gathered.choices.is_empty() {
                all.push(Pick {
                    labels: vec![label],
                    ..own
                });
                if all.len() > MAX_PRODUCT {
                    return Err(Expansion::TooMany);
                }
                continue;
            }
            let mut picks = vec![own];
            for inner in &gathered.choices {
                picks = product(picks, self.alternatives(inner, depth + 1)?)?;
            }
            all.extend(picks);
            if all.len() > MAX_PRODUCT {
                return Err(Expansion::TooMany);
            }
        }
        Ok(all)
    }

    /// What each member of a union is called where it has no name of its own (an untitled
    /// member's type, a member merged with the properties beside the union, the variants of
    /// combinations): its component's name or its title; for a member pinned to one string,
    /// that value; `Object` for the union's only object member, `Enum` for its only string
    /// enum; else its position. A label two members would share is their positions instead.
    fn member_labels(&self, members: &[SchemaRef<'d>]) -> Vec<String> {
        let is_object = |m: &SchemaRef<'d>| self.flatten(*m, "").is_ok_and(|g| g.is_some());
        let is_enum = |m: &SchemaRef<'d>| {
            self.doc.resolve(*m).is_ok_and(|(s, _)| {
                let v = s.view();
                v.enumeration.len() > 1
                    && v.enumeration.iter().all(Value::is_string)
                    && matches!(v.kind, Some("string") | None)
            })
        };
        let objects = members.iter().filter(|m| is_object(m)).count();
        let enums = members.iter().filter(|m| is_enum(m)).count();
        let labels: Vec<Option<String>> = members
            .iter()
            .map(|member| match member {
                SchemaRef::Ref(reference) => crate::adapter::component_name(reference, "schemas")
                    .ok()
                    .map(crate::adapter::unescape),
                SchemaRef::Inline(schema) => {
                    let v = schema.view();
                    match (schema.title(), v.enumeration.as_slice()) {
                        (Some(title), _) => Some(title.to_owned()),
                        (None, [Value::String(value)]) if v.properties.is_empty() => {
                            Some(value.clone())
                        }
                        _ if objects == 1 && is_object(member) => Some("Object".to_owned()),
                        _ if enums == 1 && is_enum(member) => Some("Enum".to_owned()),
                        _ => None,
                    }
                }
            })
            .collect();
        labels
            .iter()
            .enumerate()
            .map(|(i, label)| match label {
                Some(label)
                    if labels
                        .iter()
                        .filter(|other| other.as_deref().map(type_name) == Some(type_name(label)))
                        .count()
                        == 1 =>
                {
                    label.clone()
                }
                _ => format!("Variant{i}"),
            })
            .collect()
    }

    /// A property every one of `flats` pins to one string value, a different one each.
    fn tag_of_flats(&self, flats: &[&Flat<'d>]) -> Option<Tagging> {
        let first = flats.first()?;
        first.properties.iter().find_map(|candidate| {
            let values: Option<Vec<String>> = flats
                .iter()
                .map(|flat| {
                    let found = flat
                        .properties
                        .iter()
                        .rev()
                        .find(|p| p.name == candidate.name)?;
                    let (schema, _) = self.doc.resolve(found.schema).ok()?;
                    match schema.view().enumeration.as_slice() {
                        [Value::String(value)] => Some(value.clone()),
                        _ => None,
                    }
                })
                .collect();
            let values = values?;
            let mut unique = values.clone();
            unique.sort();
            unique.dedup();
            (unique.len() == values.len()).then(|| (candidate.name.to_owned(), values))
        })
    }

    /// Tag values from an explicit `discriminator`: each member's mapping key, `const`, or
    /// component name; `None` when some member has none of them.
    fn explicit_tags(
        &self,
        discriminator: &Discriminator<'d>,
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
                        .map(|(value, _)| (*value).to_owned())
                });
                let property = discriminator.property;
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
        (unique.len() == values.len()).then(|| (discriminator.property.to_owned(), values))
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
    fn object_properties(&self, member: SchemaRef<'d>) -> Option<Vec<String>> {
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
    fn single_value(&self, member: SchemaRef<'d>, property: &str) -> Option<String> {
        match self.property_values(member, property)?.as_slice() {
            [value] => Some(value.clone()),
            _ => None,
        }
    }

    /// The string values a member's `property` is limited to by an `enum` or `const`, if any.
    fn property_values(&self, member: SchemaRef<'d>, property: &str) -> Option<Vec<String>> {
        let flat = self.flatten(member, "").ok()??;
        let found = flat
            .flat
            .properties
            .iter()
            .rev()
            .find(|p| p.name == property)?;
        let (schema, _) = self.doc.resolve(found.schema).ok()?;
        let values: Vec<String> = schema
            .view()
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        (!values.is_empty()).then_some(values)
    }
}

/// A type defined at `pointer` with nothing said of it beyond its kind; its name and naming
/// are its slot's ([`TypeLowerer::fill`]).
fn blank(pointer: &str, kind: TypeKind) -> TypeDef {
    TypeDef {
        name: String::new(),
        naming: Naming::default(),
        pointer: pointer.to_owned(),
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

/// Where a property's inline type is named when no component declares it: as a hint says, or
/// in the type holding the property, after the property.
#[derive(Clone, Copy)]
enum NameIn<'h> {
    Hint(&'h Hint),
    Type(TypeId),
}

/// Where a schema sits, which names its type when it has no title ([`Place`]).
#[derive(Debug, Clone)]
pub struct Hint {
    place: Place,
}

impl Hint {
    /// Under an operation, or a component that is no type of its own: `text` then `suffix`,
    /// e.g. `CreateUser` and `Request`.
    pub fn text(text: &str, suffix: &str, role: Option<&str>) -> Hint {
        Hint {
            place: Place {
                parent: None,
                parent_preferred: text.to_owned(),
                suffix: suffix.to_owned(),
                role: role.map(str::to_owned),
            },
        }
    }

    /// Something inside what this hint names: the same parent, `suffix` added to its own
    /// (`Item` of a list, `Value` of a map), in `role`.
    pub fn child(&self, suffix: &str, role: Option<&str>) -> Hint {
        let mut place = self.place.clone();
        place.suffix.push_str(suffix);
        place.role = role.map(str::to_owned);
        Hint { place }
    }

    /// The name it gives a type without a title.
    pub fn preferred(&self) -> String {
        type_name(&format!(
            "{}{}",
            self.place.parent_preferred, self.place.suffix
        ))
    }

    /// How a type sitting here with `title` is named.
    fn naming(&self, title: Option<String>) -> Naming {
        Naming {
            preferred: title.as_deref().map_or_else(|| self.preferred(), type_name),
            source: NameSource::Placed {
                title,
                place: self.place.clone(),
            },
        }
    }
}

/// One shape of a body sent part by part.
pub struct BodyShape<'d> {
    /// For a member of a oneOf/anyOf, its name (component, title or position).
    pub label: Option<String>,
    /// Its properties, in document order.
    pub properties: Vec<ObjectProperty<'d>>,
    /// Whether properties it does not list may be sent too.
    pub others: bool,
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
    pub resolved: Option<Schema<'d>>,
    property: Property<'d>,
}

#[derive(Clone)]
struct Property<'a> {
    name: &'a str,
    schema: SchemaRef<'a>,
    pointer: String,
}

/// The most variants several unions holding at once combine into when they could instead be
/// flattened fields of one struct: each variant is a struct, and their number is the product
/// of the unions' sizes.
const MAX_COMBINATIONS: usize = 16;

/// The most variants several unions holding at once may combine into at all; beyond it the
/// type is JSON.
const MAX_PRODUCT: usize = 256;

/// One way of meeting several unions: the members picked (their labels), the properties that
/// come with the object members among them, and the members that are not objects.
struct Pick<'a> {
    labels: Vec<String>,
    object: Option<Flat<'a>>,
    others: Vec<(SchemaRef<'a>, String)>,
}

/// A combination that is a struct: the properties that come with it, and the struct's id.
type StructPick<'a> = (Flat<'a>, TypeId);

/// Why unions could not be combined.
enum Expansion {
    /// Into more than [`MAX_PRODUCT`] ways.
    TooMany,
    /// A member could not be read.
    Problem(Problem),
}

/// Every pick of `left` with every pick of `right`; more than [`MAX_PRODUCT`] is refused
/// before any is built.
fn product<'a>(left: Vec<Pick<'a>>, right: Vec<Pick<'a>>) -> Result<Vec<Pick<'a>>, Expansion> {
    if left.len() * right.len() > MAX_PRODUCT {
        return Err(Expansion::TooMany);
    }
    let mut out = Vec::with_capacity(left.len() * right.len());
    for l in &left {
        for r in &right {
            let object = match (&l.object, &r.object) {
                (Some(a), Some(b)) => {
                    let mut merged = a.clone();
                    for property in b.properties.iter().cloned() {
                        merge_property(&mut merged.properties, property);
                    }
                    merged.required.extend(b.required.iter().copied());
                    Some(merged)
                }
                (Some(a), None) | (None, Some(a)) => Some(a.clone()),
                (None, None) => None,
            };
            out.push(Pick {
                labels: l.labels.iter().chain(&r.labels).cloned().collect(),
                object,
                others: l.others.iter().chain(&r.others).cloned().collect(),
            });
        }
    }
    Ok(out)
}

#[derive(Default, Clone)]
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
#[derive(Clone)]
struct Choice<'a> {
    holder: Schema<'a>,
    members: Vec<SchemaRef<'a>>,
    pointer: String,
}

/// A member that only adds constraints (`required`, `not`, bounds) and no shape of its own.
fn is_constraint_only(member: SchemaRef<'_>) -> bool {
    match member {
        SchemaRef::Ref(_) => false,
        SchemaRef::Inline(schema) => {
            let v = schema.view();
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
        Some(_) if is_annotation_only(property.schema) => {}
        Some(i) => properties[i] = property,
        None => properties.push(property),
    }
}

fn is_annotation_only(schema: SchemaRef<'_>) -> bool {
    match schema {
        SchemaRef::Ref(_) => false,
        SchemaRef::Inline(schema) => {
            let v = schema.view();
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
