//! Stage 1b: apply an OpenAPI Overlay 1.0 document to the loaded document, before the adapter.
//!
//! An overlay adapts a document we do not own (a vendored upstream file, kept byte for byte)
//! with a reviewable list of actions. Each action's `target` is an RFC 9535 JSONPath; its
//! `update` is merged into every node the path selects (objects merged key by key, recursively;
//! arrays appended to; anything else replaced), or, with `remove: true`, every selected node is
//! removed from the object or array holding it. Actions apply in order, each to the result of
//! the previous ones (Overlay 1.0, "Action Object"). `extends` is checked to be a string and
//! otherwise informational: the document is the one the overlay is given with (`--spec`).
//!
//! An action whose target selects nothing is an error here, although the specification makes it
//! a no-op: an overlay is written against one version of its document, and an action that no
//! longer matches (a renamed schema, a moved property) would otherwise silently stop doing what
//! it was written for, such as marking a secret sensitive. The message names the action, so the
//! fix (update or delete it) is one edit away.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::error::Error;
use crate::load::Source;

/// One step of a node's location: a key of an object or an index of an array.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Name(String),
    Index(usize),
}

/// Applies the overlay to `document`'s value. Every problem of the overlay (its shape, a
/// target that does not parse or selects nothing, an update that does not fit its target) is
/// reported at once, each at its JSON pointer and line in the overlay's file.
pub fn apply(document: &mut Source, overlay: &Source) -> Result<(), Error> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let actions = check_shape(&overlay.value, &mut problems);
    if !problems.is_empty() {
        return Err(overlay.spec_error(problems));
    }
    for (index, action) in actions {
        let at = format!("/actions/{index}");
        if let Err((pointer, message)) =
            apply_action(&mut document.value, action, &at, &document.file)
        {
            problems.push((pointer, message));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(overlay.spec_error(problems))
    }
}

/// The actions of a well-formed overlay, with their indices; every deviation from Overlay 1.0's
/// fixed fields goes into `problems`.
fn check_shape<'a>(
    overlay: &'a Value,
    problems: &mut Vec<(String, String)>,
) -> Vec<(usize, &'a Map<String, Value>)> {
    let Some(root) = overlay.as_object() else {
        problems.push((
            String::new(),
            "an overlay is an object with `overlay`, `info` and `actions`".to_owned(),
        ));
        return Vec::new();
    };
    unknown_fields(
        root,
        "",
        &["overlay", "info", "extends", "actions"],
        problems,
    );
    match root.get("overlay") {
        Some(Value::String(v)) if v.starts_with("1.0.") || v == "1.0" => {}
        Some(Value::String(v)) => problems.push((
            "/overlay".to_owned(),
            format!("overlay version `{v}` is not supported (1.0.x is)"),
        )),
        Some(_) => problems.push((
            "/overlay".to_owned(),
            "`overlay` is the version string, e.g. \"1.0.0\"".to_owned(),
        )),
        None => problems.push((
            String::new(),
            "`overlay` (the Overlay version, \"1.0.0\") is missing: is this an overlay?".to_owned(),
        )),
    }
    match root.get("info") {
        Some(Value::Object(info)) => {
            unknown_fields(info, "/info", &["title", "version"], problems);
            for field in ["title", "version"] {
                if !info.get(field).is_some_and(Value::is_string) {
                    problems.push((
                        "/info".to_owned(),
                        format!("`info.{field}` is required and is a string"),
                    ));
                }
            }
        }
        _ => problems.push((
            "/info".to_owned(),
            "`info` is required: an object with `title` and `version`".to_owned(),
        )),
    }
    if root.get("extends").is_some_and(|e| !e.is_string()) {
        problems.push((
            "/extends".to_owned(),
            "`extends` is the URI of the document the overlay is for".to_owned(),
        ));
    }
    let Some(actions) = root.get("actions").and_then(Value::as_array) else {
        problems.push((
            "/actions".to_owned(),
            "`actions` is required: a list of actions".to_owned(),
        ));
        return Vec::new();
    };
    if actions.is_empty() {
        problems.push((
            "/actions".to_owned(),
            "`actions` lists at least one action".to_owned(),
        ));
    }
    let mut valid = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        let at = format!("/actions/{index}");
        let Some(action) = action.as_object() else {
            problems.push((
                at,
                "an action is an object with `target` and `update` or `remove`".to_owned(),
            ));
            continue;
        };
        let before = problems.len();
        unknown_fields(
            action,
            &at,
            &["target", "description", "update", "remove"],
            problems,
        );
        match action.get("target") {
            Some(Value::String(target)) => {
                if let Err(e) = JsonPath::parse(target) {
                    problems.push((
                        format!("{at}/target"),
                        format!(
                            "`{target}` is not a JSONPath (RFC 9535): {} (at character {})",
                            e.message(),
                            e.position() + 1
                        ),
                    ));
                }
            }
            _ => problems.push((
                at.clone(),
                "`target` (a JSONPath, e.g. `$.components.schemas.Pet`) is required".to_owned(),
            )),
        }
        if action.get("description").is_some_and(|d| !d.is_string()) {
            problems.push((
                format!("{at}/description"),
                "`description` is a string".to_owned(),
            ));
        }
        let remove = match action.get("remove") {
            None => false,
            Some(Value::Bool(remove)) => *remove,
            Some(_) => {
                problems.push((format!("{at}/remove"), "`remove` is a boolean".to_owned()));
                continue;
            }
        };
        if remove && action.contains_key("update") {
            problems.push((
                at.clone(),
                "an action either updates or removes its target, not both (Overlay 1.0 ignores \
                 `update` beside `remove: true`, which is surely not what was meant)"
                    .to_owned(),
            ));
        }
        if !remove && !action.contains_key("update") {
            problems.push((
                at.clone(),
                "the action does nothing: give it `update` or `remove: true`".to_owned(),
            ));
        }
        if problems.len() == before {
            valid.push((index, action));
        }
    }
    valid
}

/// Overlay 1.0 objects have fixed fields and `x-` extensions only.
fn unknown_fields(
    object: &Map<String, Value>,
    at: &str,
    known: &[&str],
    problems: &mut Vec<(String, String)>,
) {
    for key in object.keys() {
        if !key.starts_with("x-") && !known.contains(&key.as_str()) {
            problems.push((
                format!("{at}/{}", escape(key)),
                format!(
                    "`{key}` is not a field of this Overlay 1.0 object (fields: {}; or `x-` \
                     extensions)",
                    known.join(", ")
                ),
            ));
        }
    }
}

fn apply_action(
    document: &mut Value,
    action: &Map<String, Value>,
    at: &str,
    file: &str,
) -> Result<(), (String, String)> {
    let target = action["target"].as_str().unwrap_or_default();
    let path = JsonPath::parse(target).map_err(|e| (format!("{at}/target"), e.to_string()))?;
    let mut locations: Vec<Vec<Step>> = path
        .query_located(document)
        .dedup()
        .iter()
        .map(|node| {
            node.location()
                .iter()
                .map(|element| match element.as_index() {
                    Some(i) => Step::Index(i),
                    None => Step::Name(element.as_name().unwrap_or_default().to_owned()),
                })
                .collect()
        })
        .collect();
    if locations.is_empty() {
        return Err((
            format!("{at}/target"),
            format!(
                "`{target}` selects nothing in {file}: the action would do nothing (Overlay 1.0 \
                 allows that, we do not: the overlay was written for another version of the \
                 document, so update or delete this action)"
            ),
        ));
    }
    if action.get("remove") == Some(&Value::Bool(true)) {
        // Later siblings and children first, so the indices of the rest stay valid.
        locations.sort_by(|a, b| b.cmp(a));
        for location in &locations {
            let Some((last, parent)) = location.split_last() else {
                return Err((
                    format!("{at}/target"),
                    "`remove` cannot remove the whole document".to_owned(),
                ));
            };
            match (node_mut(document, parent), last) {
                (Some(Value::Object(map)), Step::Name(name)) => {
                    map.shift_remove(name);
                }
                (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
                    items.remove(*i);
                }
                _ => {}
            }
        }
        return Ok(());
    }
    let update = &action["update"];
    for location in &locations {
        let Some(node) = node_mut(document, location) else {
            continue;
        };
        match (node, update) {
            (Value::Object(node), Value::Object(update)) => merge(node, update),
            (Value::Array(items), update) => items.push(update.clone()),
            (Value::Object(_), _) => {
                return Err((
                    format!("{at}/update"),
                    format!(
                        "`{target}` selects an object ({}), so `update` must be an object of \
                         the properties to merge into it",
                        pointer(location)
                    ),
                ))
            }
            (_, _) => {
                return Err((
                    format!("{at}/target"),
                    format!(
                        "`{target}` selects a value that is neither an object nor an array ({}); \
                         target the object holding it and update the property there",
                        pointer(location)
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// Overlay 1.0's merge: the update's properties replace the target's of the same name, new
/// ones are added; objects under the same name are merged in turn and arrays appended to, so
/// an update adds to a nested list (`required`, `tags`) rather than replacing it.
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(value)) => merge(existing, value),
            (Some(Value::Array(existing)), Value::Array(value)) => {
                existing.extend(value.iter().cloned());
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn node_mut<'v>(value: &'v mut Value, location: &[Step]) -> Option<&'v mut Value> {
    location.iter().try_fold(value, |node, step| match step {
        Step::Name(name) => node.as_object_mut()?.get_mut(name),
        Step::Index(i) => node.as_array_mut()?.get_mut(*i),
    })
}

/// The JSON pointer of a location, as messages show it.
fn pointer(location: &[Step]) -> String {
    let mut text = String::from("#");
    for step in location {
        text.push('/');
        match step {
            Step::Name(name) => text.push_str(&escape(name)),
            Step::Index(i) => text.push_str(&i.to_string()),
        }
    }
    text
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn source(file: &str, text: &str) -> Source {
        Source::parse(file, text.to_owned()).expect("parses")
    }

    fn applied(document: &str, overlay: &str) -> Result<Value, String> {
        let mut document = source("api.yaml", document);
        apply(&mut document, &source("overlay.yaml", overlay))
            .map(|()| document.value)
            .map_err(|e| e.to_string())
    }

    const DOC: &str = "\
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Token:
      type: object
      required: [id]
      properties:
        id: {type: string}
        secret: {type: string, description: The token.}
        tags: {type: array, items: {type: string}}
    Other: {type: string}
";

    fn overlay(actions: &str) -> String {
        format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}")
    }

    #[test]
    fn update_merges_objects_deeply_and_keeps_the_rest() {
        let value = applied(
            DOC,
            &overlay(
                "  - target: $.components.schemas.Token.properties.secret\n    \
                 update: {x-sensitive: true, description: Shown once.}\n",
            ),
        )
        .unwrap();
        assert_eq!(
            value["components"]["schemas"]["Token"]["properties"]["secret"],
            json!({"type": "string", "description": "Shown once.", "x-sensitive": true})
        );
        assert_eq!(
            value["components"]["schemas"]["Other"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn update_of_an_object_merges_nested_objects_and_appends_nested_arrays() {
        let value = applied(
            DOC,
            &overlay(
                "  - target: $.components.schemas.Token\n    update:\n      \
                 required: [secret]\n      properties: {secret: {format: password}, new: {type: integer}}\n",
            ),
        )
        .unwrap();
        let token = &value["components"]["schemas"]["Token"];
        assert_eq!(token["required"], json!(["id", "secret"]));
        assert_eq!(
            token["properties"]["secret"],
            json!({"type": "string", "description": "The token.", "format": "password"})
        );
        assert_eq!(token["properties"]["new"], json!({"type": "integer"}));
        assert_eq!(token["properties"]["id"], json!({"type": "string"}));
    }

    #[test]
    fn update_of_an_array_appends_the_value() {
        let value = applied(
            DOC,
            &overlay("  - target: $.components.schemas.Token.required\n    update: secret\n"),
        )
        .unwrap();
        assert_eq!(
            value["components"]["schemas"]["Token"]["required"],
            json!(["id", "secret"])
        );
    }

    #[test]
    fn a_scalar_in_an_update_replaces_the_target_value() {
        let value = applied(
            DOC,
            &overlay("  - target: $.info\n    update: {title: Konnect API}\n"),
        )
        .unwrap();
        assert_eq!(
            value["info"],
            json!({"title": "Konnect API", "version": "1"})
        );
    }

    #[test]
    fn update_applies_to_every_selected_node() {
        let value = applied(
            DOC,
            &overlay(
                "  - target: $.components.schemas.Token.properties[?@.type == 'string']\n    \
                 update: {x-checked: true}\n",
            ),
        )
        .unwrap();
        let properties = &value["components"]["schemas"]["Token"]["properties"];
        assert_eq!(properties["id"]["x-checked"], json!(true));
        assert_eq!(properties["secret"]["x-checked"], json!(true));
        assert_eq!(properties["tags"].get("x-checked"), None);
    }

    #[test]
    fn remove_deletes_object_members_and_array_items() {
        let value = applied(
            DOC,
            &overlay(
                "  - target: $.components.schemas.Other\n    remove: true\n  \
                 - target: $.components.schemas.Token.required[0]\n    remove: true\n",
            ),
        )
        .unwrap();
        assert_eq!(value["components"]["schemas"].get("Other"), None);
        assert_eq!(
            value["components"]["schemas"]["Token"]["required"],
            json!([])
        );
    }

    #[test]
    fn remove_of_several_array_items_removes_exactly_those() {
        let value = applied(
            "list: [a, b, c, d, e]\n",
            &overlay("  - target: $.list[?@ == 'b' || @ == 'd']\n    remove: true\n"),
        )
        .unwrap();
        assert_eq!(value["list"], json!(["a", "c", "e"]));
    }

    #[test]
    fn actions_apply_in_order_each_to_the_previous_result() {
        let value = applied(
            DOC,
            &overlay(
                "  - target: $.components.schemas\n    update: {Added: {type: object}}\n  \
                 - target: $.components.schemas.Added\n    update: {description: Then described.}\n",
            ),
        )
        .unwrap();
        assert_eq!(
            value["components"]["schemas"]["Added"],
            json!({"type": "object", "description": "Then described."})
        );
    }

    #[test]
    fn a_target_that_selects_nothing_is_an_error_naming_the_action() {
        let error = applied(
            DOC,
            &overlay(
                "  - target: $.info\n    update: {x-a: 1}\n  \
                 - target: $.components.schemas.Missing\n    update: {x-sensitive: true}\n",
            ),
        )
        .unwrap_err();
        assert_eq!(
            error,
            "overlay.yaml: 1 problem(s):\n  - #/actions/1/target (line 6): \
             `$.components.schemas.Missing` selects nothing in api.yaml: the action would do \
             nothing (Overlay 1.0 allows that, we do not: the overlay was written for another \
             version of the document, so update or delete this action)"
        );
    }

    #[test]
    fn a_malformed_overlay_lists_every_problem_at_its_line() {
        let error = applied(
            DOC,
            "overlay: 2.0.0\ninfo: {title: t}\nactions:\n  - target: $.info[\n    update: {}\n  \
             - target: $.info\n  - target: $.info\n    remove: yes please\n    upgrade: {}\n",
        )
        .unwrap_err();
        insta::assert_snapshot!(error, @r"
        overlay.yaml: 6 problem(s):
          - #/overlay (line 1): overlay version `2.0.0` is not supported (1.0.x is)
          - #/info (line 2): `info.version` is required and is a string
          - #/actions/0/target (line 4): `$.info[` is not a JSONPath (RFC 9535): parser error (at character 7)
          - #/actions/1 (line 6): the action does nothing: give it `update` or `remove: true`
          - #/actions/2/remove (line 8): `remove` is a boolean
          - #/actions/2/upgrade (line 9): `upgrade` is not a field of this Overlay 1.0 object (fields: target, description, update, remove; or `x-` extensions)
        ");
    }

    #[test]
    fn an_update_that_does_not_fit_its_target_is_an_error() {
        let error = applied(
            DOC,
            &overlay("  - target: $.components.schemas.Token\n    update: [1]\n"),
        )
        .unwrap_err();
        assert!(error.contains("must be an object"), "{error}");
        let error = applied(
            DOC,
            &overlay("  - target: $.info.title\n    update: {a: 1}\n"),
        )
        .unwrap_err();
        assert!(
            error.contains("neither an object nor an array (#/info/title)"),
            "{error}"
        );
    }

    #[test]
    fn removing_the_whole_document_is_refused() {
        let error = applied(DOC, &overlay("  - target: $\n    remove: true\n")).unwrap_err();
        assert!(
            error.contains("cannot remove the whole document"),
            "{error}"
        );
    }
}
