//! Each paginated operation's description (`ir::Pagination`) as a public static in its group's
//! module, a `Paginated<Page, Item>` for the runtime's `Call::pages` and `Call::items`: where
//! its pages say what comes next, and a function taking a page's items out of it.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::lines;
use super::tokens::{ident, Models};
use super::usage::{wrap, Usage};
use crate::ir::{Group, JsonPath, Operation, PageStyle, PageTotal, Pagination, Wrapping};

/// The static describing `op`'s pages, e.g. `LIST_ADD_ONS_PAGES`: its method's name, which is
/// unique in its group, in upper case.
pub fn static_name(op: &Operation) -> String {
    format!(
        "{}_PAGES",
        op.method_name.trim_start_matches("r#").to_ascii_uppercase()
    )
}

/// The statics of a group's paginated operations.
pub fn statics<'a>(
    group: &'a Group,
    usage: &'a Usage<'a>,
    models: Models<'a>,
) -> impl Iterator<Item = TokenStream> + 'a {
    group.operations.iter().filter_map(move |op| {
        let pagination = op.pagination.as_ref()?;
        Some(one(group, op, pagination, usage, &models))
    })
}

fn one(
    group: &Group,
    op: &Operation,
    pagination: &Pagination,
    usage: &Usage,
    models: &Models,
) -> TokenStream {
    let name = ident(&static_name(op));
    let page = models.success(op);
    let item = models.ty(&pagination.items.item);
    let field = ident(&pagination.items.field);
    let take = match pagination.items.wrapping {
        Wrapping::Bare => quote!(page.#field),
        Wrapping::Option => quote!(page.#field.unwrap_or_default()),
        Wrapping::DoubleOption => quote!(page.#field.flatten().unwrap_or_default()),
    };
    let items_path = &pagination.items.json_name;
    let style = style(&pagination.style);
    let doc = lines(&doc(group, op, pagination, usage));
    quote! {
        #doc
        pub static #name: crate::runtime::Paginated<#page, #item> = crate::runtime::Paginated {
            spec: crate::runtime::PaginationSpec {
                items: &[#items_path],
                style: #style,
            },
            items: |page| #take,
        };
    }
}

fn path(path: &JsonPath) -> TokenStream {
    let keys = &path.0;
    quote!(&[#(#keys),*])
}

fn option(p: Option<&JsonPath>) -> TokenStream {
    match p.map(path) {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    }
}

fn style(style: &PageStyle) -> TokenStream {
    match style {
        PageStyle::PageNumber { param, meta } => {
            let number = option(meta.number.as_ref());
            let size = option(meta.size.as_ref());
            let total = match &meta.total {
                Some(PageTotal::Items(p)) => {
                    let p = path(p);
                    quote!(Some(crate::runtime::PageTotal::Items(#p)))
                }
                Some(PageTotal::Pages(p)) => {
                    let p = path(p);
                    quote!(Some(crate::runtime::PageTotal::Pages(#p)))
                }
                None => quote!(None),
            };
            quote! {
                crate::runtime::PageStyle::PageNumber {
                    param: #param,
                    number: #number,
                    size: #size,
                    total: #total,
                }
            }
        }
        PageStyle::Offset { param, next } => {
            let next = next.iter().map(path);
            quote!(crate::runtime::PageStyle::Offset { param: #param, next: &[#(#next),*] })
        }
        PageStyle::Cursor { param, next } => {
            let next = next.iter().map(path);
            quote!(crate::runtime::PageStyle::Cursor { param: #param, next: &[#(#next),*] })
        }
    }
}

/// What the static is for, how the walk goes, and an example.
fn doc(group: &Group, op: &Operation, pagination: &Pagination, usage: &Usage) -> String {
    let how = match &pagination.style {
        PageStyle::PageNumber { param, .. } => format!(
            "numbered pages (`{param}`), the last being the first that is empty, short, or \
             reaches the total the response gives"
        ),
        PageStyle::Offset { param, next } => format!(
            "an offset (`{param}`) each response hands back ({}) until one does not",
            paths(next)
        ),
        PageStyle::Cursor { param, next } => format!(
            "a cursor (`{param}`) taken from each response's next page ({}) until it has none",
            paths(next)
        ),
    };
    let size = pagination
        .size_param
        .as_ref()
        .map(|size| format!(" The page size (`{size}`) set on the call is kept for every page."))
        .unwrap_or_default();
    format!(
        "How [`{method}`]({client}::{method}) walks its pages, for [`Call::pages`](crate::Call::pages) \
         (a stream of pages) and [`Call::items`](crate::Call::items) (a stream of their `{items}` items): \
         {how}, one call per page, with the call's retries, timeouts and hooks.{size}\n\n\
         # Example\n\n```no_run\n{example}```",
        method = op.method_name.trim_start_matches("r#"),
        client = group.type_name,
        items = pagination.items.json_name,
        example = wrap(&usage.items_example(group, op, &static_name(op))),
    )
}

/// `` `a.b` or `c` ``.
fn paths(paths: &[JsonPath]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}
