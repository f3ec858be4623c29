//! What a schema says about valid values beyond their type (`format`, bounds, `pattern`,
//! `enum`, the document's `example` and `default`), recorded in the IR as [`Constraints`] so
//! value synthesis (`samples.rs`) never goes back to the parsed document.

use serde_json::Value;

use crate::adapter::{Document, Schema, SchemaRef};
use crate::ir::Constraints;

/// Array items nest deeper than this only in documents built to hurt.
const MAX_DEPTH: usize = 8;

/// The constraints of a schema or of the one a reference names.
pub fn of_ref(doc: &Document, schema: SchemaRef<'_>) -> Constraints {
    of_ref_at(doc, schema, 0)
}

fn of_ref_at(doc: &Document, schema: SchemaRef<'_>, depth: usize) -> Constraints {
    match doc.resolve(schema) {
        Ok((schema, _)) => of_at(doc, schema, depth),
        Err(_) => Constraints::default(),
    }
}

/// The constraints of a schema, following `$ref`-with-siblings (`allOf: [X]` plus keywords):
/// the siblings' keywords win over X's.
pub fn of(doc: &Document, schema: Schema<'_>) -> Constraints {
    of_at(doc, schema, 0)
}

fn of_at(doc: &Document, schema: Schema<'_>, depth: usize) -> Constraints {
    if depth > MAX_DEPTH {
        return Constraints::default();
    }
    let v = schema.view();
    let mut own = Constraints {
        format: v
            .format
            .filter(|f| !matches!(*f, "uuid" | "date-time" | "date"))
            .map(str::to_owned),
        limits: v.limits.clone(),
        // String enums are types of their own; other values (numbers, `const` on a type that
        // is not a string) stay constraints.
        values: if v.enumeration.iter().all(Value::is_string) {
            Vec::new()
        } else {
            v.enumeration
                .iter()
                .filter(|e| !e.is_null())
                .cloned()
                .collect()
        },
        examples: schema
            .example()
            .into_iter()
            .chain(schema.default_value())
            .cloned()
            .collect(),
        items: v
            .items
            .map(|items| Box::new(of_ref_at(doc, items, depth + 1)))
            .filter(|c| !c.is_empty()),
    };
    // `allOf: [X]` with annotations, or every member a constraint on one scalar: the members'
    // constraints hold too, under the schema's own.
    for member in v.all_of {
        let inherited = of_ref_at(doc, member, depth + 1);
        merge(&mut own, inherited);
    }
    own
}

/// Fills what `own` leaves unsaid from `inherited`.
fn merge(own: &mut Constraints, inherited: Constraints) {
    let l = &mut own.limits;
    let i = inherited.limits;
    l.pattern = l.pattern.take().or(i.pattern);
    l.min_length = l.min_length.or(i.min_length);
    l.max_length = l.max_length.or(i.max_length);
    if l.minimum.is_none() {
        l.minimum = i.minimum;
        l.exclusive_minimum = i.exclusive_minimum;
    }
    if l.maximum.is_none() {
        l.maximum = i.maximum;
        l.exclusive_maximum = i.exclusive_maximum;
    }
    l.multiple_of = l.multiple_of.or(i.multiple_of);
    l.min_items = l.min_items.or(i.min_items);
    l.max_items = l.max_items.or(i.max_items);
    l.unique_items |= i.unique_items;
    l.min_properties = l.min_properties.or(i.min_properties);
    own.format = own.format.take().or(inherited.format);
    if own.values.is_empty() {
        own.values = inherited.values;
    }
    own.examples.extend(inherited.examples);
    if own.items.is_none() {
        own.items = inherited.items;
    }
}
