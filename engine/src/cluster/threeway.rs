//! `kubectl apply`'s patch, as kubectl computes it on the client
//! (`CreateThreeWayMergePatch`): from the configuration applied last time
//! (the `last-applied-configuration` annotation), the file applied now and
//! the live object.
//!
//! - What the file sets that the live object lacks, or has otherwise, is
//!   set (`current` → `modified`, additions and changes only).
//! - What was applied last time and the file no longer has is deleted
//!   (`original` → `modified`, deletions only). Without the annotation the
//!   original is empty: nothing is deleted, so fields set by `create`,
//!   `patch`, `edit` or a controller stay.
//! - Lists Kubernetes declares with a merge key (containers by `name`, a
//!   Service's ports by `port`…) are compared element by element; other
//!   lists are replaced whole when they differ.
//!
//! The result is a strategic merge patch for [`super::patch::strategic_merge`].
//! Total: any input gives a patch, and the depth walked is bounded.

use super::patch::merge_key;
use serde_json::{Map, Value};

/// Deeper than any object the API takes.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy)]
struct Mode {
    /// Record keys of the first map that the second lacks as `null`.
    deletions: bool,
    /// Record what the second adds or changes.
    changes: bool,
}

/// The patch that takes `current` to what `modified` asks, deleting what
/// `original` had and `modified` dropped.
pub fn three_way(original: &Value, modified: &Value, current: &Value) -> Value {
    let delta = diff(
        current,
        modified,
        Mode {
            deletions: false,
            changes: true,
        },
        0,
    );
    let deletions = diff(
        original,
        modified,
        Mode {
            deletions: true,
            changes: false,
        },
        0,
    );
    let patch = merge(deletions, delta, 0);
    match patch {
        Some(p) => p,
        None => Value::Object(Map::new()),
    }
}

/// Whether a patch does nothing (kubectl's `unchanged`).
pub fn is_empty(patch: &Value) -> bool {
    patch.as_object().is_some_and(Map::is_empty)
}

/// The map patch from `a` to `b`, or `None` when there is nothing to say.
fn diff(a: &Value, b: &Value, mode: Mode, depth: usize) -> Option<Value> {
    let (Value::Object(a), Value::Object(b)) = (a, b) else {
        return None;
    };
    if depth > MAX_DEPTH {
        return None;
    }
    let mut out = Map::new();
    for (k, bv) in b {
        match a.get(k) {
            None => {
                if mode.changes && !bv.is_null() {
                    out.insert(k.clone(), bv.clone());
                }
            }
            Some(av) if av == bv => {}
            Some(av) => match (av, bv) {
                (Value::Object(_), Value::Object(_)) => {
                    if let Some(sub) = diff(av, bv, mode, depth + 1) {
                        out.insert(k.clone(), sub);
                    }
                }
                (Value::Array(ai), Value::Array(bi)) => {
                    match merge_key(k, bi).or_else(|| merge_key(k, ai)) {
                        Some(key) if keyed(ai, key) && keyed(bi, key) => {
                            if let Some(items) = diff_list(ai, bi, key, mode, depth) {
                                out.insert(k.clone(), Value::Array(items));
                            }
                        }
                        _ => {
                            if mode.changes {
                                out.insert(k.clone(), bv.clone());
                            }
                        }
                    }
                }
                _ => {
                    if mode.changes && !bv.is_null() {
                        out.insert(k.clone(), bv.clone());
                    } else if mode.deletions && bv.is_null() {
                        out.insert(k.clone(), Value::Null);
                    }
                }
            },
        }
    }
    if mode.deletions {
        for k in a.keys() {
            if !b.contains_key(k) {
                out.insert(k.clone(), Value::Null);
            }
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// Whether every element of a list carries its merge key (a list that
/// does not cannot be merged by key, and is compared whole).
fn keyed(items: &[Value], key: &str) -> bool {
    items.iter().all(|i| i.get(key).is_some())
}

/// The element directives that take list `a` to list `b`: each changed or
/// new element (with its key), and `$patch: delete` for each one gone.
fn diff_list(a: &[Value], b: &[Value], key: &str, mode: Mode, depth: usize) -> Option<Vec<Value>> {
    let mut out = vec![];
    for bi in b {
        let id = bi.get(key);
        match a.iter().find(|ai| ai.get(key) == id) {
            None => {
                if mode.changes {
                    out.push(bi.clone());
                }
            }
            Some(ai) => {
                if let Some(Value::Object(mut sub)) = diff(ai, bi, mode, depth + 1) {
                    if let Some(id) = id {
                        sub.insert(key.to_string(), id.clone());
                    }
                    out.push(Value::Object(sub));
                }
            }
        }
    }
    if mode.deletions {
        for ai in a {
            let id = ai.get(key);
            if !b.iter().any(|bi| bi.get(key) == id) {
                if let Some(id) = id {
                    let mut d = Map::new();
                    d.insert("$patch".into(), Value::String("delete".into()));
                    d.insert(key.to_string(), id.clone());
                    out.push(Value::Object(d));
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The deletions and the changes as one patch: maps merge key by key, and
/// a list's element directives are put together.
fn merge(a: Option<Value>, b: Option<Value>, depth: usize) -> Option<Value> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(Value::Object(mut a)), Some(Value::Object(b))) if depth <= MAX_DEPTH => {
            for (k, bv) in b {
                let merged = merge(a.remove(&k), Some(bv), depth + 1);
                if let Some(v) = merged {
                    a.insert(k, v);
                }
            }
            Some(Value::Object(a))
        }
        (Some(Value::Array(mut a)), Some(Value::Array(b))) => {
            a.extend(b);
            Some(Value::Array(a))
        }
        // A change wins over a deletion of the same field.
        (_, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::patch::strategic_merge;
    use serde_json::json;

    fn applied(original: Value, modified: Value, current: Value) -> Value {
        let p = three_way(&original, &modified, &current);
        strategic_merge(&current, &p).unwrap()
    }

    #[test]
    fn without_the_annotation_nothing_is_deleted() {
        let live =
            json!({"spec": {"selector": {"app": "web", "tier": "front"}, "type": "NodePort"}});
        let file = json!({"spec": {"selector": {"app": "web"}, "type": "NodePort"}});
        let out = applied(Value::Null, file, live);
        assert_eq!(
            out["spec"]["selector"],
            json!({"app": "web", "tier": "front"})
        );
    }

    #[test]
    fn what_was_applied_and_is_gone_is_deleted() {
        let last = json!({"spec": {"selector": {"app": "web", "tier": "front"}}});
        let live = json!({"spec": {"selector": {"app": "web", "tier": "front", "extra": "x"}, "clusterIP": "10.96.0.5"}});
        let file = json!({"spec": {"selector": {"app": "web"}}});
        let out = applied(last, file, live);
        // `tier` was applied and is gone; `extra` and the clusterIP were never applied.
        assert_eq!(
            out,
            json!({"spec": {"selector": {"app": "web", "extra": "x"}, "clusterIP": "10.96.0.5"}})
        );
    }

    #[test]
    fn ports_merge_by_port_and_keep_what_the_server_filled_in() {
        let last = json!({"spec": {"ports": [{"port": 80}, {"port": 443}]}});
        let live = json!({"spec": {"ports": [
            {"port": 80, "nodePort": 30080, "protocol": "TCP"},
            {"port": 443, "nodePort": 30443, "protocol": "TCP"}
        ]}});
        let file = json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}]}});
        let out = applied(last, file, live);
        assert_eq!(
            out["spec"]["ports"],
            json!([{"port": 80, "nodePort": 30080, "protocol": "TCP", "targetPort": 8080}])
        );
    }

    #[test]
    fn containers_merge_by_name_and_other_lists_are_replaced() {
        let last =
            json!({"spec": {"containers": [{"name": "a", "image": "nginx", "args": ["-x"]}]}});
        let live = json!({"spec": {"containers": [{"name": "a", "image": "nginx", "args": ["-x"], "imagePullPolicy": "Always"}]}});
        let file = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1.27", "args": ["-y"]}, {"name": "b", "image": "busybox"}]}});
        let out = applied(last, file, live);
        assert_eq!(
            out["spec"]["containers"],
            json!([
                {"name": "a", "image": "nginx:1.27", "args": ["-y"], "imagePullPolicy": "Always"},
                {"name": "b", "image": "busybox"}
            ])
        );
    }

    #[test]
    fn the_same_file_again_is_an_empty_patch() {
        let file = json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}});
        let live = json!({"metadata": {"name": "s", "uid": "u"}, "spec": {"ports": [{"port": 80, "protocol": "TCP"}], "clusterIP": "10.96.0.9"}});
        assert!(is_empty(&three_way(&file, &file, &live)));
    }
}
