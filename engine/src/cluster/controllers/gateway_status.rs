//! Traefik's status updates: once its pod runs, it writes what its
//! provider made of each GatewayClass, Gateway and HTTPRoute
//! ([`crate::cluster::traefik::read`]). A condition keeps its
//! `lastTransitionTime` while its status, reason and message stay.

use crate::cluster::traefik;
use crate::cluster::{rfc3339, Cluster};
use serde_json::Value;

pub(in crate::cluster) fn reconcile(c: &mut Cluster, now: i64) {
    if !traefik::traefik_running(c) {
        return;
    }
    let reading = traefik::read(c);
    c.spend(reading.work);
    for (key, mut status) in reading.statuses {
        let Some(old) = c.objects.get(&key) else {
            continue;
        };
        let before = old.body.get("status").cloned().unwrap_or(Value::Null);
        stamp_transitions(&mut status, &before, &rfc3339(now));
        if status != before {
            let mut meta =
                std::mem::take(&mut c.objects.get_mut(&key).expect("read above").metadata);
            c.bump(&mut meta);
            let obj = c.objects.get_mut(&key).expect("read above");
            obj.metadata = meta;
            obj.body.insert("status".into(), status);
        }
    }
}

/// Every condition in `status` (at any depth) gets the time of its last
/// transition: the one in `before` when nothing of it changed, else `now`.
fn stamp_transitions(status: &mut Value, before: &Value, now: &str) {
    let mut old = vec![];
    collect(before, &mut old);
    stamp(status, &old, now);
}

fn same(a: &Value, b: &Value) -> bool {
    ["type", "status", "reason", "message"]
        .iter()
        .all(|k| a.get(*k) == b.get(*k))
}

fn collect<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("lastTransitionTime") && m.contains_key("type") {
                out.push(v);
            }
            m.values().for_each(|c| collect(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect(c, out)),
        _ => {}
    }
}

fn stamp(v: &mut Value, old: &[&Value], now: &str) {
    match v {
        Value::Object(m) => {
            if m.contains_key("lastTransitionTime") && m.contains_key("type") {
                let this = Value::Object(m.clone());
                let t = old
                    .iter()
                    .find(|o| same(o, &this))
                    .and_then(|o| o.get("lastTransitionTime").cloned())
                    .unwrap_or_else(|| Value::String(now.to_string()));
                m.insert("lastTransitionTime".into(), t);
            }
            m.values_mut().for_each(|c| stamp(c, old, now));
        }
        Value::Array(a) => a.iter_mut().for_each(|c| stamp(c, old, now)),
        _ => {}
    }
}
