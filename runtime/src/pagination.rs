//! Walking a paginated list operation page by page: [`Call::pages`] and [`Call::items`] turn a
//! call of its first page into a [`Stream`] that sends one ordinary call per page (the same
//! parameters, retries, timeouts and hooks), lazily, as the stream is polled. The operation's
//! [`Paginated`] description says which query parameter moves from page to page, where each
//! page's body says what comes next and how to take its items; an error ends the stream after
//! it is yielded.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use serde_json::Value;

use crate::call::Call;
use crate::error::{Error, ErrorResponses};
use crate::spec::{PageStyle, PageTotal, Paginated, PaginationSpec};

type Boxed<V, E> = Pin<Box<dyn Stream<Item = Result<V, Error<E>>> + Send>>;

/// The pages of a list, each a decoded response body; from [`Call::pages`]. Each page is
/// fetched when the stream is polled for it, and the stream ends after the last page, or
/// after the first error.
#[must_use = "a stream does nothing until polled"]
pub struct PageStream<T, E> {
    inner: Boxed<T, E>,
}

/// The items of a list, page after page; from [`Call::items`]. A page is fetched when the
/// items of the one before are used up; the stream ends after the last page's items, or
/// after the first error.
#[must_use = "a stream does nothing until polled"]
pub struct ItemStream<I, E> {
    inner: Boxed<I, E>,
}

impl<T, E> Stream for PageStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<I, E> Stream for ItemStream<I, E> {
    type Item = Result<I, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T, E> fmt::Debug for PageStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

impl<I, E> fmt::Debug for ItemStream<I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}

impl<T: Send + 'static, E: ErrorResponses> Call<T, E> {
    /// The pages of the list this call asks for, each its decoded body, fetched one call per
    /// page as the stream is polled; `list` is the operation's description (generated beside
    /// it). The walk starts at the page the call asks for (a page number, offset or cursor set
    /// on it), keeps every other parameter (the page size among them) and ends after the last
    /// page, or after the first error.
    pub fn pages<I>(self, list: &'static Paginated<T, I>) -> PageStream<T, E> {
        let walk = Walk {
            position: Position::start(&self, &list.spec),
            next: Some(self),
            spec: &list.spec,
        };
        PageStream {
            inner: Box::pin(futures_util::stream::unfold(walk, Walk::step)),
        }
    }

    /// The items of every page, in order: [`pages`](Call::pages), each page's items taken
    /// out of it.
    pub fn items<I: Send + 'static>(self, list: &'static Paginated<T, I>) -> ItemStream<I, E> {
        use futures_util::stream::{self, StreamExt};
        let take = list.items;
        let inner = self.pages(list).flat_map(move |page| match page {
            Ok(page) => stream::iter(take(page).into_iter().map(Ok)).left_stream(),
            Err(error) => stream::once(async move { Err(error) }).right_stream(),
        });
        ItemStream {
            inner: Box::pin(inner),
        }
    }
}

/// Where a walk is: the page number or the cursor (offset) of the page it asks for next.
#[derive(Debug, Clone, PartialEq)]
enum Position {
    /// A numbered page.
    Number(u64),
    /// The offset or cursor sent, `None` for a first page asked for without one.
    Token(Option<String>),
}

impl Position {
    /// Where a call starts: the page number, offset or cursor its caller set.
    fn start<T: Send + 'static, E: ErrorResponses>(
        call: &Call<T, E>,
        spec: &PaginationSpec,
    ) -> Self {
        match spec.style {
            PageStyle::PageNumber { param, .. } => Position::Number(
                call.query_value(param)
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or(1),
            ),
            PageStyle::Offset { param, .. } | PageStyle::Cursor { param, .. } => {
                Position::Token(call.query_value(param))
            }
        }
    }
}

/// A walk through the pages: the call of the next page, if there is one.
struct Walk<T, E> {
    next: Option<Call<T, E>>,
    position: Position,
    spec: &'static PaginationSpec,
}

impl<T: Send + 'static, E: ErrorResponses> Walk<T, E> {
    /// Fetches the next page, and prepares the call of the one after it when there is one.
    async fn step(mut self) -> Option<(Result<T, Error<E>>, Self)> {
        let call = self.next.take()?;
        let mut after = call.fork();
        let (response, body) = match call.send_keeping_body().await {
            Ok(page) => page,
            // `next` is empty: the stream ends after the error.
            Err(error) => return Some((Err(error), self)),
        };
        if let Some((position, value)) = next_page(self.spec, &self.position, &body) {
            let param = match self.spec.style {
                PageStyle::PageNumber { param, .. }
                | PageStyle::Offset { param, .. }
                | PageStyle::Cursor { param, .. } => param,
            };
            after.replace_query(param, &value);
            self.position = position;
            self.next = Some(after);
        }
        Some((Ok(response.body), self))
    }
}

/// Where the page after the one whose body is `body` is, and the value of the page
/// parameter asking for it; `None` after the last page.
fn next_page(spec: &PaginationSpec, at: &Position, body: &Bytes) -> Option<(Position, Value)> {
    let (body, count) = signals(spec, body)?;
    match (&spec.style, at) {
        (
            PageStyle::PageNumber {
                number,
                size,
                total,
                ..
            },
            Position::Number(asked),
        ) => {
            let count = count as u64;
            let number = number.and_then(|p| whole(&body, p)).unwrap_or(*asked);
            let size = size.and_then(|p| whole(&body, p));
            let last = count == 0
                || size.is_some_and(|size| count < size)
                || match total {
                    Some(PageTotal::Items(path)) => whole(&body, path)
                        .zip(size)
                        .is_some_and(|(total, size)| number.saturating_mul(size) >= total),
                    Some(PageTotal::Pages(path)) => {
                        whole(&body, path).is_some_and(|pages| number >= pages)
                    }
                    None => false,
                };
            let next = number.checked_add(1).filter(|_| !last)?;
            Some((Position::Number(next), Value::from(next)))
        }
        (PageStyle::Offset { param: _, next }, Position::Token(sent)) => {
            let value = first(&body, next)?;
            let token = match value {
                Value::String(text) => text.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            // The same offset again would fetch the same page for ever.
            if token.is_empty() || sent.as_ref() == Some(&token) {
                return None;
            }
            Some((Position::Token(Some(token)), value.clone()))
        }
        (PageStyle::Cursor { param, next }, Position::Token(sent)) => {
            let cursor = cursor(first(&body, next)?.as_str()?, param)?;
            if sent.as_ref() == Some(&cursor) {
                return None;
            }
            Some((Position::Token(Some(cursor.clone())), Value::String(cursor)))
        }
        // A position of another style is never made for a spec.
        _ => None,
    }
}

/// What a page's body says about the next page: the values at the paths `spec` names (in a
/// body holding only them) and how many items the page holds. The body decoded into its type
/// already; this reads it once more as JSON, entering only the objects on those paths and
/// skipping everything else (the items are counted, not built). `None` when it is no JSON.
fn signals(spec: &PaginationSpec, body: &[u8]) -> Option<(Value, usize)> {
    let mut paths: Vec<&[&str]> = Vec::new();
    match &spec.style {
        PageStyle::PageNumber {
            number,
            size,
            total,
            ..
        } => {
            paths.extend(number.iter().chain(size).copied());
            paths.extend(total.map(|t| match t {
                PageTotal::Items(p) | PageTotal::Pages(p) => p,
            }));
        }
        PageStyle::Offset { next, .. } | PageStyle::Cursor { next, .. } => paths.extend(*next),
    }
    let mut found = Found {
        body: Value::Object(serde_json::Map::new()),
        count: 0,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let seek = Seek {
        paths: &paths,
        items: spec.items,
        depth: 0,
        at: Vec::new(),
        found: &mut found,
    };
    serde::de::DeserializeSeed::deserialize(seek, &mut deserializer).ok()?;
    Some((found.body, found.count))
}

/// What [`Seek`] collects.
struct Found {
    body: Value,
    count: usize,
}

/// Reads the values at `paths` (and the length of the list at `items`) out of a JSON value,
/// skipping the rest.
struct Seek<'a, 's> {
    paths: &'a [&'s [&'s str]],
    items: &'s [&'s str],
    depth: usize,
    /// The keys leading here.
    at: Vec<String>,
    found: &'a mut Found,
}

impl<'de> serde::de::DeserializeSeed<'de> for Seek<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Seek<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::IgnoredAny;
        let depth = self.depth;
        while let Some(key) = map.next_key::<String>()? {
            let on = |path: &[&str]| path.get(depth) == Some(&key.as_str());
            let is_items = self.items.len() == depth + 1 && on(self.items);
            let toward_items = self.items.len() > depth + 1 && on(self.items);
            let here: Vec<&[&str]> = self.paths.iter().copied().filter(|p| on(p)).collect();
            let mut at = self.at.clone();
            at.push(key);
            if is_items {
                self.found.count = map.next_value_seed(Count)?;
            } else if here.iter().any(|p| p.len() == depth + 1) {
                let value: Value = map.next_value()?;
                insert(&mut self.found.body, &at, value);
            } else if !here.is_empty() || toward_items {
                map.next_value_seed(Seek {
                    paths: &here,
                    items: self.items,
                    depth: depth + 1,
                    at,
                    found: &mut *self.found,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The length of a list, 0 for anything else.
struct Count;

impl<'de> serde::de::DeserializeSeed<'de> for Count {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Count {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok(count)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(0)
    }

    fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_str<E>(self, _: &str) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(0)
    }
}

/// Puts `value` at the path `at` of `body`, making the objects on the way.
fn insert(body: &mut Value, at: &[String], value: Value) {
    let mut here = body;
    for key in &at[..at.len() - 1] {
        let Value::Object(map) = here else { return };
        here = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    if let (Value::Object(map), Some(last)) = (here, at.last()) {
        map.insert(last.clone(), value);
    }
}

/// The value at `path` in `body`, unless absent or `null`.
fn lookup<'v>(body: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter()
        .try_fold(body, |value, key| value.get(key))
        .filter(|value| !value.is_null())
}

/// The value at the first of `paths` present in `body`.
fn first<'v>(body: &'v Value, paths: &[&[&str]]) -> Option<&'v Value> {
    paths.iter().find_map(|path| lookup(body, path))
}

/// A whole, non-negative number at `path` (`10` or `10.0`: documents type page metadata as
/// `number`).
fn whole(body: &Value, path: &[&str]) -> Option<u64> {
    let value = lookup(body, path)?;
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
            .map(|f| f as u64)
    })
}

/// The cursor a body's `next` gives for `param`: the value of `param` in the query of a
/// URI or path (`/v2/things?page%5Bafter%5D=abc`), or the text itself when it is no URI.
/// `None` when it is empty, or a URI without the parameter.
fn cursor(next: &str, param: &str) -> Option<String> {
    if next.is_empty() {
        return None;
    }
    let is_uri = next.starts_with('/') || next.contains('?') || next.contains("://");
    if !is_uri {
        return Some(next.to_owned());
    }
    let base = reqwest::Url::parse("http://localhost/").ok()?;
    let url = base.join(next).ok()?;
    url.query_pairs()
        .find(|(name, _)| name == param)
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    static NUMBERED: PaginationSpec = PaginationSpec {
        items: &["data"],
        style: PageStyle::PageNumber {
            param: "page[number]",
            number: Some(&["meta", "page", "number"]),
            size: Some(&["meta", "page", "size"]),
            total: Some(PageTotal::Items(&["meta", "page", "total"])),
        },
    };

    fn body(value: Value) -> Bytes {
        Bytes::from(value.to_string())
    }

    fn page(number: u64, size: u64, total: u64, count: usize) -> Bytes {
        body(json!({
            "data": vec![json!({}); count],
            "meta": {"page": {"number": number as f64, "size": size as f64, "total": total as f64}},
        }))
    }

    #[test]
    fn signals_are_read_without_the_rest_of_the_body() {
        static SPEC: PaginationSpec = PaginationSpec {
            items: &["result", "items"],
            style: PageStyle::Cursor {
                param: "after",
                next: &[&["meta", "next"], &["meta", "page", "next"]],
            },
        };
        let page = json!({
            "result": {"items": [{"meta": {"next": "inside an item"}}, 2, [3]], "other": 1},
            "meta": {"page": {"next": "c2", "size": 2}, "links": [{"next": "x"}]},
            "next": "at the root",
        });
        let (body, count) = signals(&SPEC, page.to_string().as_bytes()).unwrap();
        assert_eq!(count, 3);
        assert_eq!(body, json!({"meta": {"page": {"next": "c2"}}}));
        // A path through something other than an object holds nothing.
        let odd = json!({"result": null, "meta": [{"next": "y"}]});
        let (body, count) = signals(&SPEC, odd.to_string().as_bytes()).unwrap();
        assert_eq!((body, count), (json!({}), 0));
        assert!(signals(&SPEC, b"not json").is_none());
    }

    #[test]
    fn numbered_pages_stop_at_the_total_a_short_page_or_an_empty_one() {
        let at = Position::Number(1);
        let next = next_page(&NUMBERED, &at, &page(1, 2, 5, 2));
        assert_eq!(next, Some((Position::Number(2), json!(2))));
        assert_eq!(next_page(&NUMBERED, &at, &page(3, 2, 6, 2)), None);
        assert_eq!(next_page(&NUMBERED, &at, &page(2, 2, 9, 1)), None);
        assert_eq!(next_page(&NUMBERED, &at, &page(2, 2, 9, 0)), None);
        // The body's number wins over the one asked for.
        let next = next_page(&NUMBERED, &at, &page(4, 2, 20, 2));
        assert_eq!(next, Some((Position::Number(5), json!(5))));
    }

    #[test]
    fn numbered_pages_without_metadata_stop_on_an_empty_page() {
        static BARE: PaginationSpec = PaginationSpec {
            items: &["items"],
            style: PageStyle::PageNumber {
                param: "page",
                number: None,
                size: None,
                total: Some(PageTotal::Pages(&["pages"])),
            },
        };
        let at = Position::Number(3);
        let full = body(json!({"items": [1, 2], "pages": 5}));
        assert_eq!(
            next_page(&BARE, &at, &full),
            Some((Position::Number(4), json!(4)))
        );
        let last = body(json!({"items": [1, 2], "pages": 3}));
        assert_eq!(next_page(&BARE, &at, &last), None);
        assert_eq!(next_page(&BARE, &at, &body(json!({"items": []}))), None);
        assert_eq!(next_page(&BARE, &at, &body(json!({}))), None);
    }

    #[test]
    fn offsets_come_from_the_body_until_absent_null_empty_or_repeated() {
        static OFFSET: PaginationSpec = PaginationSpec {
            items: &["data"],
            style: PageStyle::Offset {
                param: "offset",
                next: &[&["offset"]],
            },
        };
        let at = Position::Token(None);
        let next = next_page(&OFFSET, &at, &body(json!({"data": [1], "offset": "b2Zm"})));
        assert_eq!(
            next,
            Some((Position::Token(Some("b2Zm".into())), json!("b2Zm")))
        );
        for end in [
            json!({"data": [1]}),
            json!({"offset": null}),
            json!({"offset": ""}),
        ] {
            assert_eq!(next_page(&OFFSET, &at, &body(end)), None);
        }
        let again = Position::Token(Some("b2Zm".into()));
        assert_eq!(
            next_page(&OFFSET, &again, &body(json!({"offset": "b2Zm"}))),
            None
        );
    }

    #[test]
    fn cursors_are_read_from_next_links_or_taken_as_they_are() {
        assert_eq!(
            cursor(
                "/v2/things?page%5Bsize%5D=2&page%5Bafter%5D=YWJj%3D",
                "page[after]"
            ),
            Some("YWJj=".into())
        );
        assert_eq!(
            cursor("https://h.example/v2/things?page[after]=x", "page[after]"),
            Some("x".into())
        );
        assert_eq!(cursor("/v2/things?page[size]=2", "page[after]"), None);
        assert_eq!(
            cursor("opaque-token", "page[after]"),
            Some("opaque-token".into())
        );
        assert_eq!(cursor("", "page[after]"), None);
        static CURSOR: PaginationSpec = PaginationSpec {
            items: &["data"],
            style: PageStyle::Cursor {
                param: "page[after]",
                next: &[&["meta", "next"], &["meta", "page", "next"]],
            },
        };
        let at = Position::Token(None);
        let linked = body(json!({"meta": {"page": {"next": "/x?page%5Bafter%5D=c2"}}}));
        assert_eq!(
            next_page(&CURSOR, &at, &linked),
            Some((Position::Token(Some("c2".into())), json!("c2")))
        );
        let last = body(json!({"meta": {"page": {"next": null}}}));
        assert_eq!(next_page(&CURSOR, &at, &last), None);
    }
}
