//! NetworkPolicy's semantics that do not depend on the CNI: which policies
//! select a pod, per direction. A pod is isolated for ingress (or egress)
//! when at least one policy in its namespace selects it with that type in
//! its `policyTypes`. Whether anything enforces that is the CNI's business:
//! flannel, the world's CNI, does not.

use super::objects::{list_at, selector_at, Labels, Unstructured};
use super::Cluster;

/// A direction of traffic, as `policyTypes` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
}

/// Whether `policy` applies to a pod of namespace `ns` with `labels` in
/// `direction`: same namespace, its podSelector matches the labels, and the
/// direction is one of its policyTypes (which the API server defaulted).
pub fn selects(policy: &Unstructured, ns: &str, labels: &Labels, direction: Direction) -> bool {
    let spec = policy.spec();
    ns == policy.namespace()
        && selector_at(spec, &["podSelector"]).matches(labels)
        && list_at(spec, &["policyTypes"])
            .iter()
            .any(|t| t.as_str() == Some(direction.name()))
}

impl Cluster {
    /// The policies that isolate the pod `ns`/`name` in `direction`.
    pub fn policies_isolating<'a>(
        &'a self,
        ns: &'a str,
        name: &str,
        direction: Direction,
    ) -> impl Iterator<Item = &'a Unstructured> + 'a {
        let labels = self
            .pods
            .get(&(ns.to_string(), name.to_string()))
            .map(|p| &p.metadata.labels);
        self.objects_of("NetworkPolicy", Some(ns))
            .filter(move |p| labels.is_some_and(|l| selects(p, ns, l, direction)))
    }
}
