//! `.pages()` and `.items()` on the call type of each paginated operation (`ir::Pagination`),
//! in an `impl` block of their own beside the call type, over a static describing its pages
//! (a `Paginated<Page, Item>`: where its pages say what comes next, and a function taking a
//! page's items out of it) that the runtime's `Call::pages` and `Call::items` walk.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::lines;
use super::tokens::{ident, Models};
use crate::ir::{Group, JsonPath, Operation, PageStyle, PageTotal, Pagination, Wrapping};

/// The static describing `op`'s pages, e.g. `LIST_ADD_ONS_PAGES`: its method's name, which is
/// unique in its group, in upper case.
fn static_name(op: &Operation) -> String {
    format!(
        "{}_PAGES",
        op.method_name.trim_start_matches("r#").to_ascii_uppercase()
    )
}

/// The walks of a group's paginated operations: a static and an `impl` block each.
pub fn items<'a>(group: &'a Group, models: Models<'a>) -> impl Iterator<Item = TokenStream> + 'a {
    group.operations.iter().filter_map(move |op| {
        let pagination = op.pagination.as_ref()?;
        Some(one(group, op, pagination, &models))
    })
}

fn one(group: &Group, op: &Operation, pagination: &Pagination, models: &Models) -> TokenStream {
    let name = ident(&static_name(op));
    let call = ident(&op.call_type);
    let error = ident(&op.error_type);
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
    let static_doc = format!(
        " How `{}` walks its pages: {}.",
        op.id,
        how(&pagination.style)
    );
    let walk = walk(group, op, pagination);
    let pages_doc = lines(&format!(
        "The pages of the list, each fetched when the stream gets to it.\n\n{walk}"
    ));
    let items_doc = lines(&format!(
        "The `{}` items of every page, in order; each page is fetched when the stream gets to \
         it.\n\n{walk}",
        pagination.items.json_name
    ));
    quote! {
        #[doc = #static_doc]
        static #name: crate::runtime::Paginated<#page, #item> = crate::runtime::Paginated {
            spec: crate::runtime::PaginationSpec {
                items: &[#items_path],
                style: #style,
            },
            items: |page| #take,
        };

        impl #call {
            #pages_doc
            pub fn pages(self) -> crate::PageStream<#page, #error> {
                self.into_call().pages(&#name)
            }

            #items_doc
            pub fn items(self) -> crate::ItemStream<#item, #error> {
                self.into_call().items(&#name)
            }
        }
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

/// How the next page is found, and when the walk ends.
fn how(style: &PageStyle) -> String {
    match style {
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
    }
}

/// What the streams' docs say of the walk: how it goes, what it keeps, how it ends.
fn walk(group: &Group, op: &Operation, pagination: &Pagination) -> String {
    let size = pagination
        .size_param
        .as_ref()
        .map(|size| format!(" The page size (`{size}`) set on the call is kept for every page."))
        .unwrap_or_default();
    format!(
        "{}, one call per page, with this call's retries, timeouts and hooks, starting at the \
         page it asks for.{size} The stream ends after the last page, or after the first \
         error, which it yields. See [`{method}`]({client}::{method}).",
        upper_first(&how(&pagination.style)),
        method = op.method_name.trim_start_matches("r#"),
        client = group.type_name,
    )
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `` `a.b` or `c` ``.
fn paths(paths: &[JsonPath]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}
