//! Which operations are paginated, and how (`lower/pagination.rs`): each style on a small
//! document, lists that are not paginated, the extension winning over the shape, and the
//! counts over the whole Konnect API.

use std::collections::BTreeMap;
use std::path::Path;

use sdkgen::ir::{
    Api, JsonPath, Operation, PageMeta, PageStyle, PageTotal, Pagination, PaginationSource,
    TypeRef, Wrapping,
};

/// A document with one `GET /things` operation of the given query parameters (YAML list
/// items) and success body schema (a YAML mapping), and a `Thing` component.
fn document(params: &str, body: &str, extra: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{ title: Things, version: "1" }}
paths:
  /things:
    get:
      operationId: list-things
      tags: [Things]
      parameters:
{params}
      responses:
        "200":
          description: A page.
          content:
            application/json:
              schema:
{body}
{extra}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {{ type: string }}
"#,
        params = indent(params, 8),
        body = indent(body, 16),
        extra = indent(extra, 6),
    )
}

fn indent(text: &str, by: usize) -> String {
    text.lines()
        .map(|line| format!("{}{line}", " ".repeat(by)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn only_operation(api: &Api) -> &Operation {
    let ops: Vec<&Operation> = api.groups.iter().flat_map(|g| &g.operations).collect();
    assert_eq!(ops.len(), 1);
    ops[0]
}

fn pagination(params: &str, body: &str, extra: &str) -> Option<Pagination> {
    let text = document(params, body, extra);
    let api = sdkgen::lower_str("things.yaml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let op = only_operation(&api);
    if let Some(p) = &op.pagination {
        let TypeRef::Named(id) = p.items.item else {
            panic!("items of {:?}", p.items.item)
        };
        assert_eq!(api.name(id), "Thing");
    }
    op.pagination.clone()
}

fn path(text: &str) -> JsonPath {
    JsonPath(text.split('.').map(str::to_owned).collect())
}

const QUERY: &str = "- { name: 'QUERY', in: query, schema: { type: TYPE } }";

fn query(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(name, ty)| QUERY.replace("QUERY", name).replace("TYPE", ty))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn numbered_pages_read_number_size_and_total_from_the_meta() {
    let body = r#"type: object
required: [data, meta]
properties:
  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  meta:
    type: object
    properties:
      page:
        type: object
        properties:
          number: { type: number }
          size: { type: number }
          total: { type: number }"#;
    let found = pagination(
        &query(&[
            ("page[size]", "integer"),
            ("page[number]", "integer"),
            ("filter", "string"),
        ]),
        body,
        "",
    )
    .expect("paginated");
    assert_eq!(
        found.style,
        PageStyle::PageNumber {
            param: "page[number]".into(),
            meta: PageMeta {
                number: Some(path("meta.page.number")),
                size: Some(path("meta.page.size")),
                total: Some(PageTotal::Items(path("meta.page.total"))),
            },
        }
    );
    assert_eq!(found.size_param.as_deref(), Some("page[size]"));
    assert_eq!(found.items.json_name, "data");
    assert_eq!(found.items.wrapping, Wrapping::Bare);
    assert_eq!(found.source, PaginationSource::Detected);
}

#[test]
fn numbered_pages_without_meta_stop_on_an_empty_page() {
    let body = r#"type: object
properties:
  results: { type: array, items: { $ref: '#/components/schemas/Thing' } }"#;
    let found = pagination(
        &query(&[("page", "integer"), ("per_page", "integer")]),
        body,
        "",
    )
    .expect("paginated");
    assert_eq!(
        found.style,
        PageStyle::PageNumber {
            param: "page".into(),
            meta: PageMeta::default(),
        }
    );
    assert_eq!(found.size_param.as_deref(), Some("per_page"));
    assert_eq!(found.items.field, "results");
    assert_eq!(found.items.wrapping, Wrapping::Option);
}

#[test]
fn offsets_are_fed_from_the_body() {
    let body = r#"type: object
properties:
  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  offset: { type: string, nullable: true }
  next: { type: string }"#;
    let found = pagination(
        &query(&[("offset", "string"), ("size", "integer")]),
        body,
        "",
    )
    .expect("paginated");
    assert_eq!(
        found.style,
        PageStyle::Offset {
            param: "offset".into(),
            next: vec![path("offset")],
        }
    );
    assert_eq!(found.size_param.as_deref(), Some("size"));
}

#[test]
fn an_offset_the_body_echoes_as_a_number_is_not_followed() {
    let body = r#"type: object
properties:
  items: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  offset: { type: integer }
  total: { type: integer }"#;
    assert_eq!(
        pagination(
            &query(&[("offset", "integer"), ("limit", "integer")]),
            body,
            ""
        ),
        None
    );
}

#[test]
fn cursors_come_from_the_next_link_wherever_union_members_hold_it() {
    let body = r#"type: object
properties:
  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  meta:
    anyOf:
      - type: object
        properties:
          page:
            type: object
            required: [next]
            properties:
              next: { type: string, nullable: true }
      - type: object
        required: [next]
        properties:
          next: { type: string, nullable: true }
          previous: { type: string, nullable: true }"#;
    let found = pagination(
        &query(&[
            ("page[size]", "integer"),
            ("page[after]", "string"),
            ("page[before]", "string"),
        ]),
        body,
        "",
    )
    .expect("paginated");
    assert_eq!(
        found.style,
        PageStyle::Cursor {
            param: "page[after]".into(),
            next: vec![path("meta.next"), path("meta.page.next")],
        }
    );
}

#[test]
fn a_cursor_without_a_next_field_is_not_followed() {
    let body = r#"type: object
properties:
  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }"#;
    assert_eq!(pagination(&query(&[("cursor", "string")]), body, ""), None);
}

#[test]
fn lists_without_a_page_parameter_are_not_paginated() {
    let body = r#"type: object
properties:
  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  meta:
    type: object
    properties:
      total: { type: integer }"#;
    assert_eq!(pagination(&query(&[("filter", "string")]), body, ""), None);
    // A page parameter on an operation answering with one object.
    let single = r#"type: object
properties:
  id: { type: string }
  tags: { type: array, items: { type: string } }
  links: { type: array, items: { type: string } }"#;
    assert_eq!(
        pagination(&query(&[("page[number]", "integer")]), single, ""),
        None
    );
    // A bare array has no field to hold the page's metadata.
    let array = "type: array\nitems: { $ref: '#/components/schemas/Thing' }";
    assert_eq!(pagination(&query(&[("page", "integer")]), array, ""), None);
}

#[test]
fn the_speakeasy_extension_wins_over_the_shape() {
    let body = r#"type: object
properties:
  items: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  meta:
    type: object
    properties:
      number: { type: integer }
      count: { type: integer }"#;
    let extension = r#"x-speakeasy-pagination:
  type: offsetLimit
  inputs:
    - { name: p, in: parameters, type: page }
    - { name: n, in: parameters, type: limit }
  outputs:
    results: $.items
    numPages: $.meta.count"#;
    let params = query(&[("p", "integer"), ("n", "integer")]);
    let found = pagination(&params, body, extension).expect("paginated");
    assert_eq!(found.source, PaginationSource::Extension);
    assert_eq!(found.items.json_name, "items");
    assert_eq!(found.size_param.as_deref(), Some("n"));
    assert_eq!(
        found.style,
        PageStyle::PageNumber {
            param: "p".into(),
            meta: PageMeta {
                number: Some(path("meta.number")),
                size: None,
                total: Some(PageTotal::Pages(path("meta.count"))),
            },
        }
    );
    // Without it, nothing names `p` a page number.
    assert_eq!(pagination(&params, body, ""), None);
    // A cursor extension names the cursor and where the next one is.
    let cursor = r#"x-speakeasy-pagination:
  type: cursor
  inputs:
    - { name: from, in: parameters, type: cursor }
  outputs:
    nextCursor: $.meta.last_id"#;
    let body = r#"type: object
properties:
  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }
  meta: { type: object, properties: { last_id: { type: string } } }"#;
    let found = pagination(&query(&[("from", "string")]), body, cursor).expect("paginated");
    assert_eq!(
        found.style,
        PageStyle::Cursor {
            param: "from".into(),
            next: vec![path("meta.last_id")],
        }
    );
}

/// The whole Konnect API: 149 paginated list operations. Kong's description has 150 with the
/// parameters of a style; the 150th, `POST /v3/portals/{portalId}/teams/{teamId}/assigned-roles`,
/// takes `page[number]` and `page[size]` but answers with the one role it assigned. Two of the
/// 40 cursor lists find their next page only through the overlay, which documents the
/// `page.next` upstream leaves out of their responses.
#[test]
fn the_whole_konnect_api_paginates_in_three_styles() {
    let upstream = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/upstream");
    let api = sdkgen::lower_path(
        &upstream.join("konnect.yaml"),
        Some(&upstream.join("konnect.overlay.yaml")),
    )
    .unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        let Some(p) = &op.pagination else { continue };
        let style = match &p.style {
            PageStyle::PageNumber { param, meta } => {
                let total = match &meta.total {
                    Some(PageTotal::Items(_)) => "items",
                    Some(PageTotal::Pages(_)) => "pages",
                    None => "none",
                };
                format!("page-number {param} total={total}")
            }
            PageStyle::Offset { param, next } => format!("offset {param} next={next:?}"),
            PageStyle::Cursor { param, next } => format!(
                "cursor {param} next={}",
                next.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        };
        let size = p.size_param.as_deref().unwrap_or("-");
        *counts
            .entry(format!(
                "{style} size={size} items={} {:?}",
                p.items.json_name, p.source
            ))
            .or_default() += 1;
    }
    let text: String = counts.iter().map(|(k, n)| format!("{n:4} {k}\n")).collect();
    println!("{text}");
    let total = |prefix: &str| {
        counts
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    assert_eq!(
        (total("page-number"), total("offset"), total("cursor")),
        (67, 42, 40),
        "{text}"
    );
}
