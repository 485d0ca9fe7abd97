//! Events, as the API server stores them: what the scheduler, the kubelet
//! and the controllers report about an object. An event repeated (same
//! object, reason, message and source) is counted, not stored again, as the
//! client-side correlator does; events live for an hour (the API server's
//! `--event-ttl`).

use super::Cluster;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// What makes two events the same (to count, not store, a repeat), hashed.
fn identity(involved: &Involved, type_: &str, reason: &str, message: &str, source: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (
        &involved.kind,
        &involved.namespace,
        &involved.name,
        &involved.uid,
        &involved.field_path,
    )
        .hash(&mut h);
    (type_, reason, message, source).hash(&mut h);
    h.finish()
}

/// How long the API server keeps an event.
pub const EVENT_TTL_MS: i64 = 3_600_000;
/// The most events the simulation keeps (the oldest go first).
pub const MAX_EVENTS: usize = 2_000;

/// The object an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Involved {
    /// `Pod`, `ReplicaSet`, `Deployment`, `Service`…
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// The part of it (`spec.containers{nginx}` for a container's events);
    /// empty for the whole object.
    pub field_path: String,
}

impl Involved {
    /// The same object, one of its containers.
    pub fn container(&self, name: &str) -> Involved {
        Involved {
            field_path: format!("spec.containers{{{name}}}"),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `OBJECT.HEX`: the object's name and the first time, in nanoseconds.
    pub name: String,
    pub involved: Involved,
    /// `Normal` or `Warning`.
    pub type_: &'static str,
    pub reason: String,
    pub message: String,
    /// The component that reported it: `kubelet`, `default-scheduler`…
    pub source: &'static str,
    /// The node, for the kubelet's events.
    pub host: Option<String>,
    pub first_ms: i64,
    pub last_ms: i64,
    pub count: u32,
}

impl Event {
    /// `pod/web-7695dff45d-5mb6k`: the OBJECT column.
    pub fn object(&self) -> String {
        format!(
            "{}/{}",
            self.involved.kind.to_ascii_lowercase(),
            self.involved.name
        )
    }
}

impl Cluster {
    /// Records an event at `now` (or counts it again).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &mut self,
        involved: Involved,
        type_: &'static str,
        reason: &str,
        message: String,
        source: &'static str,
        host: Option<String>,
        now: i64,
    ) {
        // Expired events go (once a moment: records made at the same
        // moment would find nothing more to remove).
        if self.memo.events_pruned_at != Some(now) {
            let before = self.events.len();
            self.events.retain(|e| e.last_ms >= now - EVENT_TTL_MS);
            if self.events.len() != before {
                self.memo.event_index = None;
            }
            self.memo.events_pruned_at = Some(now);
        }
        // The same event again is found by its identity's hash, not by
        // comparing it with every event kept.
        let id = identity(&involved, type_, reason, &message, source);
        let candidates = self.event_index().get(&id).cloned().unwrap_or_default();
        let same = candidates.into_iter().find(|&i| {
            self.events.get(i).is_some_and(|e| {
                e.involved == involved
                    && e.reason == reason
                    && e.message == message
                    && e.source == source
                    && e.type_ == type_
            })
        });
        if let Some(e) = same.and_then(|i| self.events.get_mut(i)) {
            e.count += 1;
            e.last_ms = e.last_ms.max(now);
            return;
        }
        if self.events.len() >= MAX_EVENTS {
            // The oldest tenth at once: the rest keep their places.
            self.events.drain(..MAX_EVENTS / 10);
            self.memo.event_index = None;
        }
        let at = self.events.len();
        self.event_index().entry(id).or_default().push(at);
        let nanos = (crate::time::EPOCH_UNIX as i64 * 1000 + now) as i128 * 1_000_000
            + self.events.len() as i128;
        self.events.push(Event {
            name: format!("{}.{:x}", involved.name, nanos.max(0)),
            involved,
            type_,
            reason: reason.to_string(),
            message,
            source,
            host,
            first_ms: now,
            last_ms: now,
            count: 1,
        });
    }

    /// Where each kept event is, by its identity's hash (made again after
    /// events are removed).
    fn event_index(&mut self) -> &mut HashMap<u64, Vec<usize>> {
        let events = &self.events;
        self.memo.event_index.get_or_insert_with(|| {
            let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
            for (i, e) in events.iter().enumerate() {
                let id = identity(&e.involved, e.type_, &e.reason, &e.message, e.source);
                index.entry(id).or_default().push(i);
            }
            index
        })
    }

    /// The events of `namespace` (all, with `None`) still kept at `now`,
    /// in the API server's list order (by name).
    pub fn events_at(&self, namespace: Option<&str>, now: i64) -> Vec<&Event> {
        let mut out: Vec<&Event> = self
            .events
            .iter()
            .filter(|e| namespace.is_none_or(|ns| e.involved.namespace == ns))
            .filter(|e| e.last_ms >= now - EVENT_TTL_MS && e.first_ms <= now)
            .collect();
        crate::sort::sort_by(&mut out, |a, b| {
            a.involved
                .namespace
                .cmp(&b.involved.namespace)
                .then(a.name.cmp(&b.name))
        });
        out
    }

    /// The events about one object (by kind and name; and uid when known),
    /// oldest last-seen first, as `kubectl describe` lists them.
    pub fn events_of(
        &self,
        kind: &str,
        ns: &str,
        name: &str,
        uid: Option<&str>,
        now: i64,
    ) -> Vec<&Event> {
        let mut out: Vec<&Event> = self
            .events_at(Some(ns), now)
            .into_iter()
            .filter(|e| {
                e.involved.kind == kind
                    && e.involved.name == name
                    && uid.is_none_or(|u| e.involved.uid == u)
            })
            .collect();
        crate::sort::sort_by(&mut out, |a, b| a.last_ms.cmp(&b.last_ms));
        out
    }
}
