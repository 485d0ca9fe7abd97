//! The three patches the API server applies (`kubectl patch --type`):
//!
//! - strategic merge (the default): maps merge, `null` deletes a key, and
//!   the lists Kubernetes declares with a merge key (containers by `name`,
//!   a container's ports by `containerPort`, a Service's ports by `port`,
//!   env and volumes by `name`…) merge element by element; other lists are
//!   replaced. `$patch: replace` and `$patch: delete` directives work.
//! - JSON merge patch (RFC 7386): maps merge, `null` deletes, lists replace.
//! - JSON patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy` and
//!   `test` operations on JSON pointers, with the error texts of the
//!   json-patch library the API server uses.
//!
//! Every function is total: any input gives a value or an error, never a
//! panic, and the depth of what is walked is bounded. What a patch can
//! make is bounded as it is applied, as the API server bounds it: a JSON
//! patch's `copy` operations may add [`MAX_COPY_BYTES`] in all, and it has
//! at most [`MAX_OPERATIONS`]; a merge patch adds at most its own size.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, VecDeque};

/// Deeper than any object the API takes.
const MAX_DEPTH: usize = 64;

/// `maxJSONPatchOperations`: the most operations the API server applies.
pub const MAX_OPERATIONS: usize = 10_000;

/// `JSONPatchMaxCopyBytes`: what the `copy` operations of one JSON patch may
/// add in all (the server arms json-patch's `AccumulatedCopySizeLimit`
/// with it: twice etcd's request limit, for JSON against protobuf).
pub const MAX_COPY_BYTES: usize = 3 << 20;

/// The bytes `v` takes as compact JSON, counted without building the text
/// (as json-patch measures a copy); `None` past `limit`.
pub fn json_len<T: Serialize + ?Sized>(v: &T, limit: usize) -> Option<usize> {
    struct Count {
        bytes: usize,
        limit: usize,
    }
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.bytes += buf.len();
            if self.bytes > self.limit {
                return Err(std::io::Error::other("over the limit"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count { bytes: 0, limit };
    serde_json::to_writer(&mut count, v).ok()?;
    Some(count.bytes)
}

/// RFC 7386: JSON merge patch.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    merge_patch_at(target, patch, 0)
}

fn merge_patch_at(target: &Value, patch: &Value, depth: usize) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    if depth > MAX_DEPTH {
        return target.clone();
    }
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge_patch_at(out.get(k).unwrap_or(&Value::Null), v, depth + 1);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

/// The merge key Kubernetes declares for a list field (`patchMergeKey`),
/// judged by the field's name and, for `ports`, its elements.
pub(crate) fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "hostAliases" => Some("ip"),
        "ports" => {
            if items.iter().any(|i| i.get("containerPort").is_some()) {
                Some("containerPort")
            } else {
                Some("port")
            }
        }
        _ => None,
    }
}

/// A strategic merge patch of `original`.
pub fn strategic_merge(original: &Value, patch: &Value) -> Result<Value, String> {
    strategic_at(original, patch, 0)
}

fn strategic_at(original: &Value, patch: &Value, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("the patch is nested too deeply".into());
    }
    let Value::Object(p) = patch else {
        return Ok(patch.clone());
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut m = p.clone();
        m.remove("$patch");
        return Ok(Value::Object(m));
    }
    if let Some(d) = p.get("$patch").and_then(Value::as_str) {
        if d != "delete" && d != "merge" {
            return Err(format!("Unknown patch type: {d}"));
        }
    }
    let mut out = match original {
        Value::Object(o) => o.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            out.remove(k);
            continue;
        }
        let merged = match (out.get(k), v) {
            (Some(Value::Array(orig)), Value::Array(items)) => {
                match merge_key(k, items).or_else(|| merge_key(k, orig)) {
                    Some(key) => Value::Array(merge_list(orig, items, key, depth)?),
                    None => Value::Array(
                        items
                            .iter()
                            .filter(|i| i.get("$patch").and_then(Value::as_str) != Some("delete"))
                            .cloned()
                            .collect(),
                    ),
                }
            }
            (Some(o @ Value::Object(_)), Value::Object(_)) => strategic_at(o, v, depth + 1)?,
            (_, Value::Object(m)) if m.get("$patch").and_then(Value::as_str) == Some("delete") => {
                out.remove(k);
                continue;
            }
            (_, Value::Object(_)) => strategic_at(&Value::Null, v, depth + 1)?,
            _ => v.clone(),
        };
        out.insert(k.clone(), merged);
    }
    Ok(Value::Object(out))
}

/// Merges a list by its merge key: a patch element with a known key merges
/// into the first element with that key (or deletes it, with `$patch:
/// delete`), a new one is appended. Elements are found by their key's
/// text, in one pass over each list.
fn merge_list(
    orig: &[Value],
    patch: &[Value],
    key: &str,
    depth: usize,
) -> Result<Vec<Value>, String> {
    let mut out: Vec<Option<Value>> = orig.iter().cloned().map(Some).collect();
    // Where the elements with each key are, first first.
    let mut at: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (i, o) in orig.iter().enumerate() {
        if let Some(id) = o.get(key) {
            at.entry(id.to_string()).or_default().push_back(i);
        }
    }
    for item in patch {
        let Some(id) = item.get(key) else {
            // An element without its merge key cannot be placed.
            return Err(format!(
                "map: {item} does not contain declared merge key: {key}"
            ));
        };
        let places = at.entry(id.to_string()).or_default();
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (places.front().copied(), delete) {
            (Some(i), true) => {
                out[i] = None;
                places.pop_front();
            }
            (None, true) => {}
            (Some(i), false) => {
                let merged =
                    strategic_at(out[i].as_ref().unwrap_or(&Value::Null), item, depth + 1)?;
                out[i] = Some(merged);
            }
            (None, false) => {
                places.push_back(out.len());
                out.push(Some(strategic_at(&Value::Null, item, depth + 1)?));
            }
        }
    }
    Ok(out.into_iter().flatten().collect())
}

/// What went wrong applying a JSON patch, as the API server reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonPatchError {
    /// The patch is not a list of operations (`json: cannot unmarshal…`).
    NotAList(String),
    /// An operation cannot apply (`BadRequest` with json-patch's text).
    BadRequest(String),
    /// A `test` failed (the server's 422).
    TestFailed(String),
    /// The `copy` operations would add more than [`MAX_COPY_BYTES`]
    /// (json-patch's text; the server answers 422).
    CopyTooLarge(String),
    /// More than [`MAX_OPERATIONS`] (the server's 413).
    TooManyOperations(usize),
}

/// A JSON pointer's tokens (`/spec/ports/0` → `spec`, `ports`, `0`).
fn pointer(path: &str) -> Option<Vec<String>> {
    if path.is_empty() {
        return Some(vec![]);
    }
    let rest = path.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// The container a pointer's last token is in, and that token.
fn parent<'a>(doc: &'a mut Value, tokens: &[String]) -> Option<(&'a mut Value, String)> {
    let (last, init) = tokens.split_last()?;
    let mut cur = doc;
    for t in init {
        cur = match cur {
            Value::Object(m) => m.get_mut(t)?,
            Value::Array(a) => {
                let i: usize = t.parse().ok()?;
                a.get_mut(i)?
            }
            _ => return None,
        };
    }
    Some((cur, last.clone()))
}

fn get<'a>(doc: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    let mut cur = doc;
    for t in tokens {
        cur = match cur {
            Value::Object(m) => m.get(t)?,
            Value::Array(a) => a.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn add(doc: &mut Value, tokens: &[String], value: Value) -> Result<(), ()> {
    if tokens.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (container, last) = parent(doc, tokens).ok_or(())?;
    match container {
        Value::Object(m) => {
            m.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>().map_err(|_| ())?
            };
            if i > a.len() {
                return Err(());
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(()),
    }
}

fn remove(doc: &mut Value, tokens: &[String]) -> Option<Value> {
    let (container, last) = parent(doc, tokens)?;
    match container {
        Value::Object(m) => m.remove(&last),
        Value::Array(a) => {
            let i: usize = last.parse().ok()?;
            (i < a.len()).then(|| a.remove(i))
        }
        _ => None,
    }
}

/// RFC 6902: applies a list of operations.
pub fn json_patch(doc: &Value, ops: &Value) -> Result<Value, JsonPatchError> {
    let Value::Array(list) = ops else {
        let what = match ops {
            Value::Object(_) => "object",
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
            _ => "null",
        };
        return Err(JsonPatchError::NotAList(format!(
            "json: cannot unmarshal {what} into Go value of type jsonpatch.Patch"
        )));
    };
    if list.len() > MAX_OPERATIONS {
        return Err(JsonPatchError::TooManyOperations(list.len()));
    }
    let mut out = doc.clone();
    let mut copied = 0usize;
    for op in list {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let bad = |s: String| JsonPatchError::BadRequest(s);
        let tokens = pointer(path);
        match kind {
            "add" => {
                let value = op
                    .get("value")
                    .cloned()
                    .ok_or_else(|| bad("add operation must have a value".into()))?;
                let ok = tokens.is_some_and(|t| add(&mut out, &t, value).is_ok());
                if !ok {
                    return Err(bad(format!(
                        "jsonpatch add operation does not apply: doc is missing path: \"{path}\""
                    )));
                }
            }
            "remove" => {
                let gone = tokens.and_then(|t| remove(&mut out, &t));
                if gone.is_none() {
                    return Err(bad(format!(
                        "jsonpatch remove operation does not apply: doc is missing path: \"{path}\""
                    )));
                }
            }
            "replace" => {
                let value = op.get("value").cloned().unwrap_or(Value::Null);
                let ok = tokens.is_some_and(|t| {
                    if t.is_empty() {
                        out = value.clone();
                        return true;
                    }
                    get(&out, &t).is_some()
                        && remove(&mut out, &t).is_some()
                        && add(&mut out, &t, value).is_ok()
                });
                if !ok {
                    return Err(bad(format!(
                        "jsonpatch replace operation does not apply: doc is missing key: {path}"
                    )));
                }
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(Value::as_str).unwrap_or("");
                if kind == "copy" {
                    // Measured before it is made: a patch that doubles the
                    // object with each copy stops at the limit, not at
                    // gigabytes.
                    if let Some(v) = pointer(from).and_then(|f| get(&out, &f)) {
                        let size = json_len(v, usize::MAX).unwrap_or(usize::MAX);
                        copied = copied.saturating_add(size);
                        if copied > MAX_COPY_BYTES {
                            return Err(JsonPatchError::CopyTooLarge(format!(
                                "Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {MAX_COPY_BYTES}"
                            )));
                        }
                    }
                }
                let value = pointer(from).and_then(|f| {
                    if kind == "move" {
                        remove(&mut out, &f)
                    } else {
                        get(&out, &f).cloned()
                    }
                });
                let Some(value) = value else {
                    return Err(bad(format!(
                        "jsonpatch {kind} operation does not apply: doc is missing from path: \"{from}\""
                    )));
                };
                let ok = tokens.is_some_and(|t| add(&mut out, &t, value).is_ok());
                if !ok {
                    return Err(bad(format!(
                        "jsonpatch {kind} operation does not apply: doc is missing destination path: \"{path}\""
                    )));
                }
            }
            "test" => {
                let want = op.get("value").unwrap_or(&Value::Null);
                let got = tokens.and_then(|t| get(&out, &t));
                if got != Some(want) {
                    return Err(JsonPatchError::TestFailed(format!(
                        "testing value {path} failed: test failed"
                    )));
                }
            }
            other => return Err(bad(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let orig = json!({"spec": {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "busybox"}]}});
        let p = json!({"spec": {"containers": [{"name": "b", "image": "alpine"}]}});
        let out = strategic_merge(&orig, &p).unwrap();
        assert_eq!(out["spec"]["containers"][0]["image"], "nginx");
        assert_eq!(out["spec"]["containers"][1]["image"], "alpine");
        let del = json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}});
        let out = strategic_merge(&orig, &del).unwrap();
        assert_eq!(out["spec"]["containers"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn merge_patch_replaces_lists_and_deletes_nulls() {
        let orig = json!({"a": [1, 2], "b": {"c": 1, "d": 2}});
        let out = merge_patch(&orig, &json!({"a": [3], "b": {"c": null}}));
        assert_eq!(out, json!({"a": [3], "b": {"d": 2}}));
    }

    #[test]
    fn json_patch_operations() {
        let doc = json!({"spec": {"ports": [{"port": 80}]}});
        let out = json_patch(
            &doc,
            &json!([{"op": "replace", "path": "/spec/ports/0/port", "value": 8080},
                     {"op": "add", "path": "/spec/ports/-", "value": {"port": 443}}]),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"spec": {"ports": [{"port": 8080}, {"port": 443}]}})
        );
        assert_eq!(
            json_patch(&doc, &json!([{"op": "remove", "path": "/spec/nope"}])),
            Err(JsonPatchError::BadRequest(
                "jsonpatch remove operation does not apply: doc is missing path: \"/spec/nope\""
                    .into()
            ))
        );
        assert!(matches!(
            json_patch(&doc, &json!({"op": "add"})),
            Err(JsonPatchError::NotAList(_))
        ));
    }

    #[test]
    fn copies_stop_at_the_servers_limit_before_they_are_made() {
        let doc = json!({"a": "x".repeat(1 << 20)});
        let copy = |to: &str| json!({"op": "copy", "from": "/a", "path": to});
        let two = json!([copy("/b"), copy("/c")]);
        assert_eq!(json_patch(&doc, &two).unwrap()["c"], doc["a"]);
        let three = json!([copy("/b"), copy("/c"), copy("/d")]);
        assert_eq!(
            json_patch(&doc, &three),
            Err(JsonPatchError::CopyTooLarge(
                "Unable to complete the copy, the accumulated size increase of copy is 3145734, exceeding the limit 3145728".into()
            ))
        );
        let many = Value::Array(vec![json!({"op": "test", "path": "", "value": 1}); 10_001]);
        assert_eq!(
            json_patch(&doc, &many),
            Err(JsonPatchError::TooManyOperations(10_001))
        );
    }

    #[test]
    fn merge_lists_find_elements_by_key_in_one_pass() {
        let orig = json!({"env": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}, {"name": "b"}]});
        let p = json!({"env": [{"name": "a", "$patch": "delete"}, {"name": "a", "value": "3"}, {"name": "c"}, {"name": "c", "value": "4"}]});
        assert_eq!(
            strategic_merge(&orig, &p).unwrap(),
            json!({"env": [{"name": "a", "value": "3"}, {"name": "b"}, {"name": "c", "value": "4"}]})
        );
        // Ten thousand new elements into ten thousand: linear, not a search each.
        let list = |from: usize| -> Vec<Value> {
            (from..from + 10_000)
                .map(|i| json!({"name": format!("v{i}")}))
                .collect()
        };
        let out = strategic_merge(&json!({"env": list(0)}), &json!({"env": list(10_000)})).unwrap();
        assert_eq!(out["env"].as_array().map(Vec::len), Some(20_000));
    }
}
