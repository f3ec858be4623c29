//! The intermediate representation: plain owned data, already named and resolved, that the
//! emitters turn into files. Nothing here refers to `openapiv3`.

use serde::Serialize;
use serde_json::Value;

/// A whole API, ready to emit.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// Servers, the first being the default.
    pub servers: Vec<Server>,
    /// Security schemes the document declares.
    pub security_schemes: Vec<SecurityScheme>,
    /// Named types, sorted by name once lowering is done; a [`TypeId`] is a place in it.
    pub types: Vec<TypeDef>,
    /// Operations grouped by tag, in the document's tag order.
    pub groups: Vec<Group>,
    /// The requests the API sends (3.1 `webhooks`), in document order.
    pub webhooks: Vec<Webhook>,
    /// The module holding one decoding function per webhook: `webhooks`, unless a group
    /// already has that name.
    pub webhooks_module: String,
    /// JSON keys of fields marked sensitive, sorted, for redaction in error snippets.
    pub sensitive_fields: Vec<String>,
    /// Every example the document gives, with the type it must decode into.
    pub examples: Vec<Example>,
    /// The types whose names had to be numbered, every name their context gives being taken.
    pub numbered: Vec<NumberedName>,
}

/// A type named with a number: no name its title or place gives was free.
#[derive(Debug, Clone, Serialize)]
pub struct NumberedName {
    /// The name it got, e.g. `KeySet2`.
    pub name: String,
    /// Where its schema is.
    pub pointer: String,
    /// The names it could have had, each taken.
    pub wanted: Vec<String>,
}

/// A request the API sends to its users (a 3.1 webhook), with the payload it carries.
#[derive(Debug, Clone, Serialize)]
pub struct Webhook {
    /// Its key in `webhooks`.
    pub name: String,
    /// The HTTP method it arrives with.
    #[serde(serialize_with = "method_as_str")]
    pub http_method: http::Method,
    /// The function decoding its payload, e.g. `new_pet`.
    pub function: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The payload; `None` when it carries no body.
    pub payload: Option<Body>,
}

/// Templates see a method as its name (`GET`).
fn method_as_str<S: serde::Serializer>(method: &http::Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(method.as_str())
}

/// An example value from the document.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// Where it is, for the test name and messages.
    pub pointer: String,
    /// The type it must decode into.
    pub ty: TypeRef,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// The value.
    pub value: Value,
    /// Why the value cannot decode into the type, when the document's example contradicts
    /// its own schema (a string where a number is declared, a required property missing).
    pub contradiction: Option<String>,
}

/// One server.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// The enum variant naming it, e.g. `Eu`.
    pub variant: String,
    /// The URL, without a trailing slash.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
}

/// One security scheme.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes`.
    pub key: String,
    /// The builder method that sets it, e.g. `personal_access_token`.
    pub method: String,
    /// The builder method that sets a provider for it, e.g. `personal_access_token_provider`.
    pub provider_method: String,
    /// How the credential is sent.
    pub kind: SchemeKind,
    /// `description`.
    pub description: Option<String>,
}

/// How a credential travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>` (RFC 7617).
    Basic,
    /// `Authorization: <scheme> <credential>`: any other HTTP scheme (`Digest`, `HOBA`, a
    /// vendor's own), the scheme as the document writes it, the credential as the user gives it.
    Http(String),
    /// An API key in the named header.
    ApiKeyHeader(String),
    /// An API key in the named query parameter.
    ApiKeyQuery(String),
    /// An API key in the named cookie.
    ApiKeyCookie(String),
}

/// A named type's identity: its place in [`Api::types`]. References hold ids, so a pass can
/// rename a type (its name is data of its [`TypeDef`]) without touching what refers to it, and
/// moving types (a merge, a drop, the final sort) is one renumbering of every id
/// ([`Api::rearrange`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TypeId(pub usize);

/// A named Rust type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// The Rust name: its preferred name ([`Naming::preferred`]) until the naming pass
    /// (`lower/names.rs`) chooses one for every type.
    pub name: String,
    /// How its name is chosen.
    #[serde(skip)]
    pub naming: Naming,
    /// Where it was defined, for messages.
    pub pointer: String,
    /// Doc text: the schema's own until the naming pass adds what `notes` say.
    pub doc: Option<String>,
    /// What its doc says about how it was made, written once every type has its name.
    #[serde(skip)]
    pub notes: Vec<Note>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The schema's `example`, tested to round-trip.
    pub example: Option<Value>,
    /// A value valid against the type's schema: its example when that is valid, otherwise
    /// one synthesised from the type (`lower/samples.rs`); `None` until synthesis runs.
    #[serde(skip)]
    pub sample: Option<Value>,
    /// `minProperties`: a struct's value must hold at least this many properties.
    #[serde(skip)]
    pub min_properties: Option<usize>,
    /// `additionalProperties: false`: a value holds no property its schema does not declare.
    #[serde(skip)]
    pub closed: bool,
    /// What kind of type.
    pub kind: TypeKind,
    /// The Cargo features of the groups that use it, when not every group does; the type
    /// compiles only with one of them on. Empty: always compiled.
    pub features: Vec<String>,
}

/// How a type's name is chosen: the name it would have with nothing else in the way, and
/// where it comes from, which gives the names it takes when another type wants that one.
/// Lowering records it; the naming pass (`lower/names.rs`) chooses every name once the types
/// are final (merged, split, orphans dropped), so a name depends on what the type is and
/// where it sits, never on the order the document lists things.
#[derive(Debug, Clone, Default)]
pub struct Naming {
    /// A component's name, a title's, or its place's: what merges rank identical types by
    /// and what an untagged union names the member's variant after.
    pub preferred: String,
    /// Where the name comes from.
    pub source: NameSource,
}

/// Where a type's name comes from.
#[derive(Debug, Clone, Default)]
pub enum NameSource {
    /// A component schema (or an alias): its own name, claimed before every other.
    #[default]
    Component,
    /// An inline schema, or a type made from another: its title, when it has one, then
    /// names from its place.
    Placed {
        /// `title`.
        title: Option<String>,
        /// Where it sits.
        place: Place,
    },
}

/// Where an inline type sits: in a type (a property, an item, a union member) or under an
/// operation (a parameter, a body, a response), and in what role.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The type it sits in, whose name starts its own: `TypeRef::Named`, or `TypeRef::Json`
    /// when that type is gone (its preferred name then stands in). `None` when it sits
    /// under an operation or a component that is no type of its own (an array).
    pub parent: Option<TypeRef>,
    /// The parent's preferred name, or the text standing for the operation or component.
    pub parent_preferred: String,
    /// What follows the parent's name: `Status` for a property, `Item`, `Variant0`, `Request`.
    pub suffix: String,
    /// The word for its role, added when the name from its place is taken (`Property`,
    /// `Variant`, `Parameter`); `None` when the suffix already says it (`Item`, `Request`).
    pub role: Option<String>,
}

/// What a generated doc says about how a type was made; each names other types, so it is
/// written once every type has its name.
#[derive(Debug, Clone)]
pub enum Note {
    /// A component that is only a reference: "`key`: another name for `Target`." (the alias's
    /// target).
    AliasOf(String),
    /// A union member with the properties beside the union merged in, when its schema has no
    /// description: "The `variant` member of `Union`, with the properties beside it."
    MemberOf {
        /// The variant.
        variant: String,
        /// The union.
        union: TypeRef,
    },
    /// One combination of several unions: "`Union` as A and B: their properties and those
    /// beside them."
    CombinationOf {
        /// The type of the combined unions.
        union: TypeRef,
        /// The members picked, e.g. `Card and Prepaid`.
        labels: String,
    },
    /// The request side of a split type: its doc (or name) and "(as sent in requests: without
    /// the fields only servers set)".
    RequestSideOf(TypeRef),
    /// A component repeating another type's shape, now an alias of it: "The same type as
    /// `Kept`, whose shape this schema repeats."
    SameAs,
}

impl Note {
    /// Every type reference it holds, to rewrite.
    fn refs_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            Note::MemberOf { union, .. } | Note::CombinationOf { union, .. } => Some(union),
            Note::RequestSideOf(ty) => Some(ty),
            Note::AliasOf(_) | Note::SameAs => None,
        }
    }
}

impl TypeDef {
    /// Calls `refs` on every type reference of the definition (its kind's, its place's, its
    /// notes') and `ids` on every bare id.
    pub fn refs_mut(
        &mut self,
        refs: &mut impl FnMut(&mut TypeRef),
        ids: &mut impl FnMut(&mut TypeId),
    ) {
        self.kind.refs_mut(refs, ids);
        self.naming_refs_mut(refs);
    }

    /// Calls `refs` on the type references of its naming and notes (the type it sits in, the
    /// types its doc names), which say where it comes from rather than what it holds.
    pub fn naming_refs_mut(&mut self, refs: &mut impl FnMut(&mut TypeRef)) {
        if let NameSource::Placed {
            place: Place {
                parent: Some(parent),
                ..
            },
            ..
        } = &mut self.naming.source
        {
            refs(parent);
        }
        self.notes
            .iter_mut()
            .filter_map(Note::refs_mut)
            .for_each(refs);
    }
}

/// The shapes a named type takes.
#[derive(Debug, Clone, Serialize)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// Its fields in document order.
        fields: Vec<Field>,
        /// Properties beyond the declared ones (`additionalProperties` beside `properties`),
        /// kept in a map field; `None` when the schema does not allow them.
        additional: Option<AdditionalField>,
        /// Unions whose members' properties sit beside the fields (`#[serde(flatten)]`):
        /// several unions that must all hold at once, too many combinations to spell out,
        /// whose members share no property with each other or with the fields.
        flattened: Vec<FlattenedUnion>,
    },
    /// A string enum.
    Enum {
        /// Its values.
        variants: Vec<EnumVariant>,
        /// Whether unknown values decode into an `Unknown(String)` variant.
        open: bool,
    },
    /// A union told apart by one property's value.
    Tagged {
        /// The JSON property carrying the tag.
        tag: String,
        /// One per member.
        variants: Vec<TaggedVariant>,
    },
    /// A union tried member by member.
    Untagged {
        /// In the order they are tried.
        variants: Vec<UntaggedVariant>,
    },
    /// Another name for a type: a component that is only a reference to another. Nothing
    /// refers to an alias; references go to its target.
    Alias {
        /// The type at the end of the chain of references.
        target: TypeRef,
    },
}

impl TypeKind {
    /// Every type it refers to, in order, once per reference.
    pub fn referred(&self) -> Vec<TypeId> {
        let mut out = Vec::new();
        match self {
            TypeKind::Struct {
                fields,
                additional,
                flattened,
            } => {
                out.extend(fields.iter().filter_map(|f| f.ty.named()));
                out.extend(additional.iter().filter_map(|a| a.ty.named()));
                out.extend(flattened.iter().map(|u| u.ty));
            }
            TypeKind::Tagged { variants, .. } => out.extend(variants.iter().map(|v| v.ty)),
            TypeKind::Untagged { variants } => {
                out.extend(variants.iter().filter_map(|v| v.ty.named()))
            }
            TypeKind::Alias { target } => out.extend(target.named()),
            TypeKind::Enum { .. } => {}
        }
        out
    }

    /// Calls `refs` on every type reference in it and `ids` on every bare id (tagged members,
    /// flattened unions).
    pub fn refs_mut(
        &mut self,
        refs: &mut impl FnMut(&mut TypeRef),
        ids: &mut impl FnMut(&mut TypeId),
    ) {
        match self {
            TypeKind::Struct {
                fields,
                additional,
                flattened,
            } => {
                fields.iter_mut().for_each(|f| refs(&mut f.ty));
                if let Some(additional) = additional {
                    refs(&mut additional.ty);
                }
                flattened.iter_mut().for_each(|u| ids(&mut u.ty));
            }
            TypeKind::Tagged { variants, .. } => variants.iter_mut().for_each(|v| ids(&mut v.ty)),
            TypeKind::Untagged { variants } => variants.iter_mut().for_each(|v| refs(&mut v.ty)),
            TypeKind::Alias { target } => refs(target),
            TypeKind::Enum { .. } => {}
        }
    }
}

/// A union field whose member's properties sit beside the struct's own.
#[derive(Debug, Clone, Serialize)]
pub struct FlattenedUnion {
    /// The Rust field name, e.g. `payment`.
    pub name: String,
    /// The union type.
    pub ty: TypeId,
}

/// The map field a struct keeps undeclared properties in.
#[derive(Debug, Clone, Serialize)]
pub struct AdditionalField {
    /// The Rust name, usually `additional_properties`.
    pub name: String,
    /// The type of each value.
    pub ty: TypeRef,
}

/// A struct field.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The Rust name (possibly `r#type`).
    pub name: String,
    /// The JSON property.
    pub json_name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// Its type, before `Option` wrapping.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Its value must never be printed.
    pub sensitive: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly: true`: only servers send it.
    pub read_only: bool,
    /// `writeOnly: true`: only clients send it.
    pub write_only: bool,
    /// Whether the field needs a `Box` to break a recursive type.
    pub boxed: bool,
    /// Optional, nullable and sent by clients: `Option<Option<T>>`, so a request can tell
    /// "leave alone" (absent) from "clear" (`null`).
    pub double_option: bool,
    /// What its schema says about valid values beyond the type.
    #[serde(skip)]
    pub constraints: Constraints,
}

/// How a field's value is wrapped in its struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Wrapping {
    /// `T`: required and never `null`.
    Bare,
    /// `Option<T>`: optional or nullable.
    Option,
    /// `Option<Option<T>>`: optional and nullable in a type clients send.
    DoubleOption,
}

impl Field {
    /// How its value is wrapped in the struct.
    pub fn wrapping(&self) -> Wrapping {
        if self.double_option {
            Wrapping::DoubleOption
        } else if !self.required || self.nullable {
            Wrapping::Option
        } else {
            Wrapping::Bare
        }
    }
}

/// A string enum value.
#[derive(Debug, Clone, Serialize)]
pub struct EnumVariant {
    /// The Rust variant.
    pub name: String,
    /// The JSON string.
    pub value: String,
}

/// A tagged union member.
#[derive(Debug, Clone, Serialize)]
pub struct TaggedVariant {
    /// The Rust variant.
    pub name: String,
    /// The tag's value for this member.
    pub tag_value: String,
    /// The member's struct.
    pub ty: TypeId,
}

/// An untagged union member.
#[derive(Debug, Clone, Serialize)]
pub struct UntaggedVariant {
    /// The Rust variant: `label`, or its type's preferred name (its kind's for a type that
    /// is not named: `String`, `List`), unique within the union; given by the naming pass.
    pub name: String,
    /// What the variant is named after when not its type (a combination of union members,
    /// `CardPrepaid`).
    pub label: Option<String>,
    /// Its type.
    pub ty: TypeRef,
    /// Its known JSON properties, for the exact-match pass; `None` when it is not an object.
    pub known_fields: Option<Vec<String>>,
    /// What the member's schema says beyond its type (a scalar member's pattern or length).
    #[serde(skip)]
    pub constraints: Constraints,
}

/// A reference to a type from a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `uuid::Uuid`.
    Uuid,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// Any JSON: `serde_json::Value`.
    Json,
    /// A generated type.
    Named(TypeId),
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`: an array item or map value that may be `null`.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The named type inside, if any (`Vec<Option<Foo>>` names `Foo`).
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.named(),
            _ => None,
        }
    }

    /// The named type inside, to rewrite.
    pub fn named_mut(&mut self) -> Option<&mut TypeId> {
        match self {
            TypeRef::Named(id) => Some(id),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.named_mut()
            }
            _ => None,
        }
    }
}

/// Operations sharing a tag.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The tag as written.
    pub tag: String,
    /// The group client type, e.g. `PersonalAccessTokens`.
    pub type_name: String,
    /// The accessor and module name, e.g. `personal_access_tokens`.
    pub module: String,
    /// The Cargo feature that compiles it, e.g. `personal-access-tokens`.
    pub feature: String,
    /// The trait of its operations, which `Client` implements and a test's fake can,
    /// e.g. `PersonalAccessTokensApi`.
    pub trait_name: String,
    /// The tag's description.
    pub doc: Option<String>,
    /// In document order.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId` as written.
    pub id: String,
    /// The method name, e.g. `create_personal_access_token`.
    pub method_name: String,
    /// The HTTP method.
    #[serde(serialize_with = "method_as_str")]
    pub http_method: http::Method,
    /// The path template.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Parameters: required ones first, each group in document order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// What a call returns on success.
    pub success: Success,
    /// The documented responses that count as success (`1XX`..`3XX`, and `default` when no
    /// `2XX` is documented), exact statuses first, then ranges, then `default`.
    pub successes: Vec<ResponseCase>,
    /// The error type's name, e.g. `CreatePersonalAccessTokenError`: the error enum, or an
    /// alias of the enum it shares with other operations of its group.
    pub error_type: String,
    /// The enum holding its errors: its own (`error_type`), or the one operations of its group
    /// that document the same error responses share, named for what it holds
    /// (`UnauthorizedForbiddenNotFoundError`).
    pub error_enum: String,
    /// Documented error responses (`4XX`, `5XX`, and `default`), in matching order as above.
    pub errors: Vec<ResponseCase>,
    /// Security alternatives (OR) of scheme keys (AND); empty for none.
    pub security: Vec<Vec<String>>,
    /// Operation-level server URLs.
    pub servers: Vec<String>,
    /// The `Accept` header.
    pub accept: String,
    /// The type a call of it is (`ListUsersCall`): what its method returns, with a setter
    /// per optional parameter.
    pub call_type: String,
    /// The struct of its optional parameters and optional body (`ListUsersParams`), when it
    /// has any: what the call's setters fill, and what the group trait's method takes.
    pub params_type: Option<String>,
    /// How its pages are walked, when it lists a collection page by page
    /// (`lower/pagination.rs`).
    pub pagination: Option<Pagination>,
}

/// How a paginated list operation's pages are walked: the style, which names the query
/// parameter moving from page to page and where the response says what comes next, and the
/// response field holding each page's items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pagination {
    /// How the next page is asked for, and when there is none.
    pub style: PageStyle,
    /// The query parameter setting the page size, when the operation has one.
    pub size_param: Option<String>,
    /// The field of the response holding the page's items.
    pub items: PageItems,
    /// Where it was decided from.
    pub source: PaginationSource,
}

/// The three ways of walking pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PageStyle {
    /// Numbered pages (`page[number]`, `page`), from the caller's or the server's first.
    PageNumber {
        /// The query parameter holding the page number.
        param: String,
        /// What the response says about where the page sits, for the stop rule.
        meta: PageMeta,
    },
    /// An offset (`offset`) the response hands back for the next page: stop once it is
    /// absent, `null` or empty.
    Offset {
        /// The query parameter holding the offset.
        param: String,
        /// Where the response holds the next offset: the first path present wins.
        next: Vec<JsonPath>,
    },
    /// A cursor (`page[after]`, `cursor`): the response's next-page URI (whose query holds the
    /// cursor parameter) or the cursor itself; stop once it is absent, `null` or empty.
    Cursor {
        /// The query parameter holding the cursor.
        param: String,
        /// Where the response holds the next URI or cursor: the first path present wins
        /// (several when the field sits in the members of a union at different depths).
        next: Vec<JsonPath>,
    },
}

/// What a numbered page's response says about where it sits; each part optional. Without a
/// total the last page is the first empty one, or the first shorter than the size the
/// response reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageMeta {
    /// The page's number (`meta.page.number`).
    pub number: Option<JsonPath>,
    /// The page size the server used (`meta.page.size`).
    pub size: Option<JsonPath>,
    /// How many there are in all (`meta.page.total`).
    pub total: Option<PageTotal>,
}

/// What a numbered page's total counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PageTotal {
    /// Items in the whole collection: the last page is the one reaching it (`number * size`).
    Items(JsonPath),
    /// Pages: the last page is the one numbered so.
    Pages(JsonPath),
}

/// A path of JSON property names from the response body's root, e.g. `meta.page.next`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct JsonPath(pub Vec<String>);

impl std::fmt::Display for JsonPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// The field of a page (the operation's success type, a struct) holding its items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageItems {
    /// The field's Rust name, e.g. `data`.
    pub field: String,
    /// Its JSON property, e.g. `data`.
    pub json_name: String,
    /// How the list is wrapped in the page's struct.
    pub wrapping: Wrapping,
    /// The type of one item.
    pub item: TypeRef,
}

/// Where an operation's pagination was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PaginationSource {
    /// Its parameters and response shape.
    Detected,
    /// Its `x-speakeasy-pagination` extension.
    Extension,
}

impl Api {
    /// The type an id stands for.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The name of the type an id stands for.
    pub fn name(&self, id: TypeId) -> &str {
        &self.types[id.0].name
    }

    /// The types with their ids, in order.
    pub fn types_with_ids(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.types.iter().enumerate().map(|(i, t)| (TypeId(i), t))
    }

    /// Adds a type, returning its id.
    pub fn push_type(&mut self, def: TypeDef) -> TypeId {
        self.types.push(def);
        TypeId(self.types.len() - 1)
    }

    /// Keeps the types `order` lists, in that order, and renumbers every id in the API to
    /// match. A reference to a type left out becomes `serde_json::Value`: only references to
    /// types that never came to be (after a reported problem) are left out while referred to.
    pub fn rearrange(&mut self, order: &[TypeId]) {
        let mut new_ids: Vec<Option<TypeId>> = vec![None; self.types.len()];
        for (new, old) in order.iter().enumerate() {
            new_ids[old.0] = Some(TypeId(new));
        }
        let mut old: Vec<Option<TypeDef>> = std::mem::take(&mut self.types)
            .into_iter()
            .map(Some)
            .collect();
        self.types = order
            .iter()
            .filter_map(|id| old.get_mut(id.0).and_then(Option::take))
            .collect();
        let remap = |ty: &mut TypeRef| {
            if let Some(id) = ty.named_mut() {
                match new_ids.get(id.0).copied().flatten() {
                    Some(new) => *id = new,
                    None => *ty = TypeRef::Json,
                }
            }
        };
        self.all_type_refs_mut(remap, |id| {
            if let Some(new) = new_ids.get(id.0).copied().flatten() {
                *id = new;
            }
        });
    }

    /// Sorts the types by name (the order they are emitted in), renumbering every id.
    pub fn sort_types(&mut self) {
        let mut order: Vec<TypeId> = (0..self.types.len()).map(TypeId).collect();
        order.sort_by(|a, b| self.types[a.0].name.cmp(&self.types[b.0].name));
        self.rearrange(&order);
    }

    /// Calls `refs` on every type reference of the API, the type definitions' included, and
    /// `ids` on every id held without a reference around it (a tagged union's members, a
    /// flattened union).
    pub fn all_type_refs_mut(
        &mut self,
        mut refs: impl FnMut(&mut TypeRef),
        mut ids: impl FnMut(&mut TypeId),
    ) {
        for def in &mut self.types {
            def.refs_mut(&mut refs, &mut ids);
        }
        self.type_refs_mut(refs);
    }

    /// Calls `f` on every type reference outside the type definitions: parameters, bodies,
    /// responses (and the success type decided from them), webhook payloads, examples.
    pub fn type_refs_mut(&mut self, mut f: impl FnMut(&mut TypeRef)) {
        for op in self.groups.iter_mut().flat_map(|g| &mut g.operations) {
            op.params.iter_mut().for_each(|p| f(&mut p.ty));
            op.body
                .iter_mut()
                .flat_map(Body::types_mut)
                .for_each(&mut f);
            for case in op.successes.iter_mut().chain(&mut op.errors) {
                if let ResponseBody::Json(ty) = &mut case.body {
                    f(ty);
                }
            }
            if let Success::Body(ResponseBody::Json(ty)) = &mut op.success {
                f(ty);
            }
            if let Some(pagination) = &mut op.pagination {
                f(&mut pagination.items.item);
            }
        }
        for payload in self.webhooks.iter_mut().filter_map(|w| w.payload.as_mut()) {
            payload.types_mut().for_each(&mut f);
        }
        self.examples.iter_mut().for_each(|e| f(&mut e.ty));
    }
}

impl Operation {
    /// The JSON types of its responses, success and error alike.
    pub fn response_types(&self) -> impl Iterator<Item = &TypeRef> {
        self.successes
            .iter()
            .chain(&self.errors)
            .filter_map(|r| r.body.json())
    }
}

/// What a call returns on success, decided once from the success responses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Success {
    /// No success response has a body: `()`.
    Unit,
    /// Every success response has this same body.
    Body(ResponseBody),
    /// The success responses differ (a body and none, or different bodies): the named enum
    /// in the group's module, one variant per response.
    Enum(String),
}

impl Success {
    /// Whether a call returns a value worth looking at (anything but `()`).
    pub fn has_value(&self) -> bool {
        *self != Success::Unit
    }
}

/// The statuses one documented response stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StatusMatch {
    /// One status, e.g. `404`.
    Code(u16),
    /// A class, e.g. `4XX` is `Range(4)`.
    Range(u16),
    /// `default`: every status not documented otherwise (on the success side, every `2XX`).
    Default,
}

impl StatusMatch {
    /// How the document writes it: `404`, `4XX` or `default`.
    pub fn label(&self) -> String {
        match self {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Range(class) => format!("{class}XX"),
            StatusMatch::Default => "default".to_owned(),
        }
    }

    /// Whether it stands for several statuses, so a value of it keeps the status it came with.
    pub fn is_many(&self) -> bool {
        !matches!(self, StatusMatch::Code(_))
    }
}

/// What a response body is decoded into, decided once from its media type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ResponseBody {
    /// No content.
    Empty,
    /// JSON (`application/json`, every `+json` type) into this type.
    Json(TypeRef),
    /// Text (`text/*`, YAML, XML, CSV) as a `String`.
    Text,
    /// Anything else (images, PDFs, `application/octet-stream`, unknown types) as bytes.
    Bytes,
}

impl ResponseBody {
    /// The JSON type it decodes into, if any.
    pub fn json(&self) -> Option<&TypeRef> {
        match self {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        }
    }
}

/// One documented response.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseCase {
    /// The statuses it stands for.
    pub status: StatusMatch,
    /// Its variant in the success or error enum, e.g. `NotFound`.
    pub variant: String,
    /// Its body.
    pub body: ResponseBody,
    /// Its media type.
    pub content_type: Option<String>,
    /// The response description.
    pub description: String,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A cookie, in the `Cookie` header.
    Cookie,
}

impl ParamLocation {
    /// How the document writes it (`in`).
    pub fn label(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// How a parameter's value is written: OpenAPI's `style` with its `explode`, or `content`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamStyle {
    /// `a,b` (path, header); an exploded object is `k=v,k2=v2`.
    Simple {
        /// `explode`.
        explode: bool,
    },
    /// `.a,b`, exploded `.a.b` (path).
    Label {
        /// `explode`.
        explode: bool,
    },
    /// `;name=a,b`, exploded `;name=a;name=b` (path).
    Matrix {
        /// `explode`.
        explode: bool,
    },
    /// `name=a,b`, exploded `name=a&name=b` (query); a cookie exploded is one cookie per item.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `name=a%20b` (query, not exploded: exploded it is `form`).
    SpaceDelimited,
    /// `name=a%7Cb` (query, not exploded: exploded it is `form`).
    PipeDelimited,
    /// `name[k]=v` (query).
    DeepObject,
    /// Described by `content` of a JSON media type: the value as JSON text.
    Json,
}

impl ParamStyle {
    /// The style a location has when the document names none (`explode` defaulting as
    /// OpenAPI says: true for `form`, false otherwise).
    pub fn default_for(location: ParamLocation) -> Self {
        match location {
            ParamLocation::Path | ParamLocation::Header => ParamStyle::Simple { explode: false },
            ParamLocation::Query | ParamLocation::Cookie => ParamStyle::Form { explode: true },
        }
    }
}

/// One parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// The Rust argument or field name.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// How its value is written there.
    pub style: ParamStyle,
    /// Its type.
    pub ty: TypeRef,
    /// Required parameters are arguments; optional ones are setters of the call.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
    /// An example value, when the spec gives one.
    pub example: Option<Value>,
    /// What its schema says about valid values beyond the type.
    #[serde(skip)]
    pub constraints: Constraints,
    /// A valid value: its example when valid, otherwise synthesised (`lower/samples.rs`).
    #[serde(skip)]
    pub sample: Value,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    /// Its type (for JSON and form bodies; text is `String`, binary and multipart bodies have
    /// none of their own).
    pub ty: TypeRef,
    /// How it is written on the wire.
    pub encoding: BodyEncoding,
    /// Whether it must be sent.
    pub required: bool,
    /// The media type.
    pub content_type: String,
    /// Doc text.
    pub doc: Option<String>,
    /// For a multipart body, the struct users fill and its parts.
    pub multipart: Option<MultipartForm>,
    /// For a form body, the fields its `encoding` writes in a style of their own (the others
    /// repeat their name for each item of a list and nest an object's keys in brackets).
    pub field_styles: Vec<FieldStyle>,
    /// The media type's examples (`example`, then each of `examples`).
    #[serde(skip)]
    pub examples: Vec<Value>,
    /// A valid JSON (or form) body: the first valid example, otherwise synthesised from the
    /// type (`lower/samples.rs`); `None` for text, binary and multipart bodies.
    #[serde(skip)]
    pub sample: Option<Value>,
}

/// How one field of an `application/x-www-form-urlencoded` body is written.
#[derive(Debug, Clone, Serialize)]
pub struct FieldStyle {
    /// The field's name.
    pub name: String,
    /// Its style, as a query parameter's.
    pub style: ParamStyle,
}

impl Body {
    /// Every type the body refers to: its own and its parts'.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        let parts = self.multipart.iter().flat_map(|m| m.all_parts());
        let all = parts.flat_map(|p| {
            p.kind
                .ty()
                .into_iter()
                .chain(p.headers.iter().map(|h| &h.ty))
        });
        std::iter::once(&self.ty).chain(all)
    }

    /// The same, to rewrite.
    pub fn types_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        let parts = self.multipart.iter_mut().flat_map(|m| m.all_parts_mut());
        let all = parts.flat_map(|p| {
            p.kind
                .ty_mut()
                .into_iter()
                .chain(p.headers.iter_mut().map(|h| &mut h.ty))
        });
        std::iter::once(&mut self.ty).chain(all)
    }
}

/// A multipart body: a struct of the operation's own (its fields may hold files,
/// which no serde model can), one field per part.
#[derive(Debug, Clone, Serialize)]
pub struct MultipartForm {
    /// The struct, in the group's module, e.g. `UploadDocumentForm`.
    pub type_name: String,
    /// In document order.
    pub parts: Vec<FormPart>,
    /// The field holding parts the document does not list (a list of named files), when the
    /// schema allows them: it lists no properties, or allows `additionalProperties`.
    pub other_parts: Option<String>,
    /// When the parts vary with a oneOf/anyOf: the type is an enum of these forms, one per
    /// member (its Rust variant and its form), and `parts` is empty.
    pub variants: Vec<(String, MultipartForm)>,
}

impl MultipartForm {
    /// Every part of it, its variants' included.
    pub fn all_parts(&self) -> Box<dyn Iterator<Item = &FormPart> + '_> {
        Box::new(
            self.parts
                .iter()
                .chain(self.variants.iter().flat_map(|(_, form)| form.all_parts())),
        )
    }

    /// The same, to rewrite.
    pub fn all_parts_mut(&mut self) -> Box<dyn Iterator<Item = &mut FormPart> + '_> {
        Box::new(
            self.parts.iter_mut().chain(
                self.variants
                    .iter_mut()
                    .flat_map(|(_, form)| form.all_parts_mut()),
            ),
        )
    }
}

/// One property of a multipart body: one part, or one per item of a list.
#[derive(Debug, Clone, Serialize)]
pub struct FormPart {
    /// The part's name on the wire.
    pub name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// What it holds.
    pub kind: PartKind,
    /// Listed in `required` and not nullable: the field is not an `Option`.
    pub required: bool,
    /// The part's media type when the document says (an `encoding` entry's `contentType`, or a
    /// file's `contentMediaType`); files default to `application/octet-stream`, JSON to
    /// `application/json`, scalars to none (`text/plain` by RFC 7578).
    pub content_type: Option<String>,
    /// The headers the document gives the part (its `encoding` entry's `headers`), each a
    /// field of the form struct.
    pub headers: Vec<PartHeader>,
    /// What its schema says about valid values beyond the type.
    #[serde(skip)]
    pub constraints: Constraints,
    /// A valid value for a value part (`lower/samples.rs`); `None` for files.
    #[serde(skip)]
    pub sample: Option<Value>,
}

/// A header of a multipart part, set on each of its parts.
#[derive(Debug, Clone, Serialize)]
pub struct PartHeader {
    /// The header's name.
    pub name: String,
    /// The form struct's field holding it, e.g. `file_x_rate_limit`.
    pub rust_name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// Its value's type.
    pub ty: TypeRef,
    /// `required: true`: the field is not an `Option`.
    pub required: bool,
}

/// What a multipart part holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PartKind {
    /// One file (`format: binary`, `contentMediaType`, or a non-text `encoding` type).
    File,
    /// Files, one part each under the same name.
    Files,
    /// A value: scalars as text, objects as JSON, each item of a list its own part.
    Value(TypeRef),
    /// A value sent whole as one JSON part (its `encoding` says a JSON type).
    Json(TypeRef),
}

impl PartKind {
    /// The value's type, if it is not a file.
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            PartKind::Value(ty) | PartKind::Json(ty) => Some(ty),
            PartKind::File | PartKind::Files => None,
        }
    }

    fn ty_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            PartKind::Value(ty) | PartKind::Json(ty) => Some(ty),
            PartKind::File | PartKind::Files => None,
        }
    }
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BodyEncoding {
    /// JSON from a model.
    Json,
    /// `application/x-www-form-urlencoded` from a model's top-level fields.
    Form,
    /// Text sent as is (`text/plain` and other `text/*`).
    Text,
    /// Bytes sent as is (`application/octet-stream` and other binary types).
    Binary,
    /// A multipart body (`multipart/form-data`, `multipart/mixed`...) from the operation's
    /// form struct ([`Body::multipart`]).
    Multipart,
}

/// What a schema says about valid values beyond their type: the facts that value synthesis
/// needs so the values it makes are valid against the document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Limits {
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum` (exclusive when `exclusive_minimum`).
    pub minimum: Option<f64>,
    /// `maximum` (exclusive when `exclusive_maximum`).
    pub maximum: Option<f64>,
    /// `exclusiveMinimum: true`.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum: true`.
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<usize>,
}

/// What the document says about the valid values of a field, parameter or array item beyond
/// their Rust type: what value synthesis needs to make values the document accepts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// `format`, when the type does not already say it (`email`, `uri`, `ipv4`...).
    pub format: Option<String>,
    /// The keywords that narrow valid values.
    pub limits: Limits,
    /// `enum` (or `const`) values, when the type does not already list them (numbers).
    pub values: Vec<Value>,
    /// The document's own values for it, best first: `example` (or the first of `examples`),
    /// then `default`.
    pub examples: Vec<Value>,
    /// The same for an array's items.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    /// Whether it says nothing.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      operationId: list-pets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
        kind: {type: string, enum: [cat, dog]}
    Owner:
      type: object
      properties:
        name: {type: string}
";

    /// Every reference of the API as the name it leads to.
    fn references(api: &Api) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = api
            .types
            .iter()
            .map(|t| {
                let referred = t.kind.referred().into_iter();
                (
                    t.name.clone(),
                    referred.map(|id| api.name(id).to_owned()).collect(),
                )
            })
            .collect();
        out.sort();
        let mut api = api.clone();
        let names: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
        let mut outside = Vec::new();
        api.type_refs_mut(|ty| outside.extend(ty.named().map(|id| names[id.0].clone())));
        out.push(("(operations)".to_owned(), outside));
        out
    }

    #[test]
    fn rearranging_types_keeps_every_reference_on_its_type() {
        let mut api = crate::lower_str("t.yaml", DOC).expect("lowers");
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Owner", "Pet", "PetKind"]);
        let before = references(&api);
        api.rearrange(&[TypeId(2), TypeId(0), TypeId(1)]);
        assert_eq!(api.types[0].name, "PetKind");
        assert_eq!(references(&api), before);
        api.sort_types();
        assert_eq!(references(&api), before);
    }

    #[test]
    fn a_reference_to_a_type_left_out_becomes_json() {
        let mut api = crate::lower_str("t.yaml", DOC).expect("lowers");
        // Owner (0) left out: Pet's `owner` field is any JSON.
        api.rearrange(&[TypeId(1), TypeId(2)]);
        let TypeKind::Struct { fields, .. } = &api.types[0].kind else {
            panic!("Pet is a struct");
        };
        assert_eq!(fields[0].ty, TypeRef::Json);
        assert_eq!(fields[1].ty, TypeRef::Named(TypeId(1)));
    }

    #[test]
    fn renaming_a_type_renames_it_wherever_it_is_used() {
        let mut api = crate::lower_str("t.yaml", DOC).expect("lowers");
        api.types[0].name = "Human".to_owned();
        let pet = references(&api)
            .into_iter()
            .find(|(name, _)| name == "Pet")
            .map(|(_, referred)| referred);
        assert_eq!(pet, Some(vec!["Human".to_owned(), "PetKind".to_owned()]));
    }
}
