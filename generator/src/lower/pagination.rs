//! Which operations list a collection page by page, and how their pages are walked
//! (`ir::Pagination`): decided once, on the final IR, from each operation's query parameters
//! and the shape of its success body, or from its `x-speakeasy-pagination` extension, which
//! wins where it is present and usable.
//!
//! The rules are conventions many APIs share, not one document's names: a page parameter
//! (`page[number]`, `page`, `offset`, `page[after]`, `cursor`...), a list field holding the
//! items (`data`, `items`, `results`...), and, in the body within three levels, what says where
//! the next page is (`next`, `offset`) or where this one sits (`number`, `size`, `total`).
//! Names are compared by their letters and digits only, case folded: `page[size]`, `page_size`
//! and `pageSize` are one name.

use std::collections::HashMap;

use serde_json::Value;

use crate::adapter::Document;
use crate::ir::{
    Api, Field, JsonPath, PageItems, PageMeta, PageStyle, PageTotal, Pagination, PaginationSource,
    ParamLocation, ResponseBody, Success, TypeKind, TypeRef,
};

/// Query parameters holding a cursor.
const CURSOR_PARAMS: &[&str] = &[
    "pageafter",
    "after",
    "cursor",
    "pagecursor",
    "pagetoken",
    "nexttoken",
    "continuationtoken",
    "startingafter",
];
/// Query parameters holding a page number (when numeric).
const NUMBER_PARAMS: &[&str] = &["pagenumber", "page"];
/// Query parameters holding an offset.
const OFFSET_PARAMS: &[&str] = &["offset", "pageoffset"];
/// Query parameters setting the page size.
const SIZE_PARAMS: &[&str] = &[
    "pagesize",
    "size",
    "limit",
    "perpage",
    "pagelimit",
    "maxresults",
];
/// List fields holding a page's items, preferred in this order.
const ITEM_FIELDS: &[&str] = &[
    "data", "items", "results", "records", "entries", "values", "elements", "content",
];
/// Body fields holding the next page's URI or cursor.
const NEXT_FIELDS: &[&str] = &[
    "next",
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "endcursor",
];
/// Body fields holding the next page's offset (a token, not an echo of the request's number).
const OFFSET_FIELDS: &[&str] = &["offset", "nextoffset"];
/// Body fields holding a numbered page's number, size and totals.
const NUMBER_FIELDS: &[&str] = &["number", "pagenumber", "currentpage"];
const SIZE_FIELDS: &[&str] = &["size", "pagesize", "perpage"];
const TOTAL_ITEMS_FIELDS: &[&str] = &["total", "totalcount", "totalitems", "totalelements"];
const TOTAL_PAGES_FIELDS: &[&str] = &["totalpages", "pagecount", "numpages", "lastpage"];
/// How deep in the body the page fields are looked for (`meta.page.next` is three).
const MAX_DEPTH: usize = 3;

/// Sets `pagination` on every operation that lists a collection page by page.
pub fn detect(doc: &Document, api: &mut Api) {
    let extensions: HashMap<(&str, &str), &Value> = doc
        .operation_extensions("x-speakeasy-pagination")
        .into_iter()
        .map(|(path, method, value)| ((path.split('#').next().unwrap_or(path), method), value))
        .collect();
    let found: Vec<Vec<Option<Pagination>>> = api
        .groups
        .iter()
        .map(|group| {
            group
                .operations
                .iter()
                .map(|op| {
                    let method = op.http_method.as_str().to_ascii_lowercase();
                    let extension = extensions.get(&(op.path.as_str(), method.as_str()));
                    let page = page_fields(api, &op.success)?;
                    let query: Vec<(&str, &TypeRef)> = op
                        .params
                        .iter()
                        .filter(|p| p.location == ParamLocation::Query)
                        .map(|p| (p.name.as_str(), &p.ty))
                        .collect();
                    extension
                        .and_then(|ext| from_extension(api, page, &query, ext))
                        .or_else(|| from_shape(api, page, &query))
                })
                .collect()
        })
        .collect();
    for (group, found) in api.groups.iter_mut().zip(found) {
        for (op, pagination) in group.operations.iter_mut().zip(found) {
            op.pagination = pagination;
        }
    }
}

/// The fields of the struct every success decodes into.
fn page_fields<'a>(api: &'a Api, success: &Success) -> Option<&'a [Field]> {
    let Success::Body(ResponseBody::Json(TypeRef::Named(id))) = success else {
        return None;
    };
    match &api.ty(*id).kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        _ => None,
    }
}

/// A name by its letters and digits, case folded: `page[size]`, `page_size`, `pageSize` are
/// all `pagesize`.
fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_number(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 | TypeRef::F32 | TypeRef::F64
    )
}

fn is_scalar(ty: &TypeRef) -> bool {
    is_number(ty) || *ty == TypeRef::String
}

/// The first query parameter (in the order `names` lists them) whose name is one of `names`
/// and whose type `fits`.
fn param<'q>(
    query: &[(&'q str, &TypeRef)],
    names: &[&str],
    fits: fn(&TypeRef) -> bool,
) -> Option<&'q str> {
    names.iter().find_map(|wanted| {
        query
            .iter()
            .find(|(name, ty)| key(name) == *wanted && fits(ty))
            .map(|(name, _)| *name)
    })
}

/// The field holding the items: the first list named as items usually are, or the only list.
fn items(fields: &[Field]) -> Option<PageItems> {
    let lists: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(f.ty, TypeRef::List(_)))
        .collect();
    let field = ITEM_FIELDS
        .iter()
        .find_map(|wanted| lists.iter().find(|f| key(&f.json_name) == *wanted))
        .or(match lists.as_slice() {
            [only] => Some(only),
            _ => None,
        })?;
    page_items(field)
}

fn page_items(field: &Field) -> Option<PageItems> {
    let TypeRef::List(item) = &field.ty else {
        return None;
    };
    Some(PageItems {
        field: field.name.clone(),
        json_name: field.json_name.clone(),
        wrapping: field.wrapping(),
        item: (**item).clone(),
    })
}

/// Every field within [`MAX_DEPTH`] levels of the body whose name is one of `names` and whose
/// type `fits`, shallowest first, through nested structs and the members of untagged unions
/// (a field the members hold at different depths is found at each). Lists are not entered.
fn find(api: &Api, fields: &[Field], names: &[&str], fits: fn(&TypeRef) -> bool) -> Vec<JsonPath> {
    let mut found = Vec::new();
    let mut level: Vec<(Vec<String>, &[Field])> = vec![(Vec::new(), fields)];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for (path, fields) in level {
            for field in fields {
                let mut here = path.clone();
                here.push(field.json_name.clone());
                let ty = match &field.ty {
                    TypeRef::Nullable(inner) => inner,
                    ty => ty,
                };
                if names.contains(&key(&field.json_name).as_str()) && fits(ty) {
                    found.push(JsonPath(here.clone()));
                }
                if let TypeRef::Named(id) = ty {
                    for inner in struct_fields(api, *id) {
                        next.push((here.clone(), inner));
                    }
                }
            }
        }
        level = next;
    }
    found.dedup();
    found
}

/// The fields a named type's values hold: a struct's, or each untagged member's.
fn struct_fields(api: &Api, id: crate::ir::TypeId) -> Vec<&[Field]> {
    match &api.ty(id).kind {
        TypeKind::Struct { fields, .. } => vec![fields.as_slice()],
        TypeKind::Untagged { variants } => variants
            .iter()
            .filter_map(|v| v.ty.named())
            .filter_map(|member| match &api.ty(member).kind {
                TypeKind::Struct { fields, .. } => Some(fields.as_slice()),
                _ => None,
            })
            .collect(),
        TypeKind::Alias { target } => target
            .named()
            .map(|target| struct_fields(api, target))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// What a numbered page's body says about where it sits.
fn page_meta(api: &Api, fields: &[Field]) -> PageMeta {
    let first = |names: &[&str]| find(api, fields, names, is_number).into_iter().next();
    PageMeta {
        number: first(NUMBER_FIELDS),
        size: first(SIZE_FIELDS),
        total: first(TOTAL_PAGES_FIELDS)
            .map(PageTotal::Pages)
            .or_else(|| first(TOTAL_ITEMS_FIELDS).map(PageTotal::Items)),
    }
}

/// Pagination from the parameters and the body's shape.
fn from_shape(api: &Api, fields: &[Field], query: &[(&str, &TypeRef)]) -> Option<Pagination> {
    let items = items(fields)?;
    let size_param = param(query, SIZE_PARAMS, is_number).map(str::to_owned);
    let style = if let Some(param) = param(query, CURSOR_PARAMS, is_scalar) {
        let next = find(api, fields, NEXT_FIELDS, |ty| *ty == TypeRef::String);
        (!next.is_empty()).then(|| PageStyle::Cursor {
            param: param.to_owned(),
            next,
        })?
    } else if let Some(param) = param(query, NUMBER_PARAMS, is_number) {
        PageStyle::PageNumber {
            param: param.to_owned(),
            meta: page_meta(api, fields),
        }
    } else if let Some(param) = param(query, OFFSET_PARAMS, is_scalar) {
        // An offset the body echoes as a number is the request's own, not the next one's:
        // only a token (a string) is fed back.
        let next = find(api, fields, OFFSET_FIELDS, |ty| *ty == TypeRef::String);
        (!next.is_empty()).then(|| PageStyle::Offset {
            param: param.to_owned(),
            next,
        })?
    } else {
        return None;
    };
    Some(Pagination {
        style,
        size_param,
        items,
        source: PaginationSource::Detected,
    })
}

/// Pagination as `x-speakeasy-pagination` describes it: `offsetLimit` with a `page` input
/// (numbered pages; `numPages` the total in pages), or `cursor` with a `cursor` input and a
/// `nextCursor` output; its `limit` input is the page size and `results` the items. `None`
/// when it describes something else (a counted offset, a `url` next link) or names what the
/// operation does not have: the shape decides then.
fn from_extension(
    api: &Api,
    fields: &[Field],
    query: &[(&str, &TypeRef)],
    ext: &Value,
) -> Option<Pagination> {
    let inputs = ext.get("inputs")?.as_array()?;
    let input = |kind: &str| {
        inputs.iter().find_map(|input| {
            let name = input.get("name")?.as_str()?;
            (input.get("type")?.as_str()? == kind
                && input.get("in").and_then(Value::as_str) == Some("parameters"))
            .then(|| query.iter().find(|(q, _)| *q == name).map(|(q, _)| *q))?
        })
    };
    let outputs = ext.get("outputs");
    let output = |name: &str| {
        outputs
            .and_then(|o| o.get(name))
            .and_then(Value::as_str)
            .and_then(json_path)
    };
    let items = match output("results") {
        Some(JsonPath(path)) => match path.as_slice() {
            [name] => page_items(fields.iter().find(|f| &f.json_name == name)?)?,
            _ => return None,
        },
        None => items(fields)?,
    };
    let style = match ext.get("type")?.as_str()? {
        "offsetLimit" => {
            let param = input("page")?;
            let mut meta = page_meta(api, fields);
            if let Some(pages) = output("numPages") {
                meta.total = Some(PageTotal::Pages(pages));
            }
            PageStyle::PageNumber {
                param: param.to_owned(),
                meta,
            }
        }
        "cursor" => PageStyle::Cursor {
            param: input("cursor")?.to_owned(),
            next: vec![output("nextCursor")?],
        },
        _ => return None,
    };
    Some(Pagination {
        style,
        size_param: input("limit").map(str::to_owned),
        items,
        source: PaginationSource::Extension,
    })
}

/// A JSONPath of plain member names (`$.meta.page.next`) as a path; `None` for anything else.
fn json_path(text: &str) -> Option<JsonPath> {
    let rest = text.strip_prefix("$.")?;
    let parts: Vec<String> = rest.split('.').map(str::to_owned).collect();
    parts
        .iter()
        .all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
        .then_some(JsonPath(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_by_letters_and_digits() {
        assert_eq!(key("page[size]"), "pagesize");
        assert_eq!(key("page_size"), "pagesize");
        assert_eq!(key("pageSize"), "pagesize");
        assert_eq!(key("page[after]"), "pageafter");
    }

    #[test]
    fn extension_paths_are_plain_member_names() {
        assert_eq!(
            json_path("$.meta.page.total"),
            Some(JsonPath(vec!["meta".into(), "page".into(), "total".into()]))
        );
        assert_eq!(json_path("$.data[0]"), None);
        assert_eq!(json_path("data"), None);
        assert_eq!(json_path("$..next"), None);
    }
}
