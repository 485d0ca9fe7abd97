//! The kinds the simulated API server serves, as discovery lists them
//! (`kubectl api-resources`), and the kinds Kubernetes has that it does not
//! simulate, so that a manifest of one gets an honest message instead of
//! kubectl's "ensure CRDs are installed first".

/// One resource the API server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceInfo {
    /// `services`
    pub name: &'static str,
    pub short_names: &'static [&'static str],
    /// `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
    /// `Service`
    pub kind: &'static str,
}

impl ResourceInfo {
    /// `v1`, `apps/v1`, `discovery.k8s.io/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

const fn res(
    name: &'static str,
    short_names: &'static [&'static str],
    group: &'static str,
    namespaced: bool,
    kind: &'static str,
) -> ResourceInfo {
    ResourceInfo {
        name,
        short_names,
        group,
        version: "v1",
        namespaced,
        kind,
    }
}

/// What the simulated cluster serves, in `kubectl api-resources`' order:
/// by group (the core group first), then by name.
pub const SERVED: &[ResourceInfo] = &[
    res("configmaps", &["cm"], "", true, "ConfigMap"),
    res("endpoints", &["ep"], "", true, "Endpoints"),
    res("events", &["ev"], "", true, "Event"),
    res("namespaces", &["ns"], "", false, "Namespace"),
    res("nodes", &["no"], "", false, "Node"),
    res("pods", &["po"], "", true, "Pod"),
    res("secrets", &[], "", true, "Secret"),
    res("services", &["svc"], "", true, "Service"),
    res("daemonsets", &["ds"], "apps", true, "DaemonSet"),
    res("deployments", &["deploy"], "apps", true, "Deployment"),
    res("replicasets", &["rs"], "apps", true, "ReplicaSet"),
    res("statefulsets", &["sts"], "apps", true, "StatefulSet"),
    res(
        "endpointslices",
        &[],
        "discovery.k8s.io",
        true,
        "EndpointSlice",
    ),
    res("events", &["ev"], "events.k8s.io", true, "Event"),
    res(
        "ingressclasses",
        &[],
        "networking.k8s.io",
        false,
        "IngressClass",
    ),
    res("ingresses", &["ing"], "networking.k8s.io", true, "Ingress"),
    res(
        "networkpolicies",
        &["netpol"],
        "networking.k8s.io",
        true,
        "NetworkPolicy",
    ),
];

const GW: &str = "gateway.networking.k8s.io";

/// What the Gateway API's standard channel adds once its
/// CustomResourceDefinitions are installed (`WorldOptions::gateway`; the
/// API server serves them only then, [`super::Cluster::gateway_api`]).
pub const GATEWAY_API: &[ResourceInfo] = &[
    res("gatewayclasses", &["gc"], GW, false, "GatewayClass"),
    res("gateways", &["gtw"], GW, true, "Gateway"),
    res("httproutes", &[], GW, true, "HTTPRoute"),
    // Still v1beta1 in the standard channel.
    ResourceInfo {
        version: "v1beta1",
        ..res("referencegrants", &["refgrant"], GW, true, "ReferenceGrant")
    },
];

/// The kinds kept as JSON ([`super::objects::Unstructured`]).
pub fn is_unstructured(kind: &str) -> bool {
    matches!(kind, "NetworkPolicy" | "Ingress" | "IngressClass") || is_gateway_api(kind)
}

/// Whether the kind is one of the Gateway API's (a custom resource).
pub fn is_gateway_api(kind: &str) -> bool {
    GATEWAY_API.iter().any(|r| r.kind == kind)
}

/// The served resource of a kind (the built-in ones and the Gateway API's).
pub fn info(kind: &str) -> Option<&'static ResourceInfo> {
    SERVED.iter().chain(GATEWAY_API).find(|r| r.kind == kind)
}

/// Kinds the cluster serves for reading only (what its components report),
/// which a manifest cannot create here.
const READ_ONLY: &[&str] = &["Node", "Event"];

/// Kinds a Kubernetes 1.31 cluster serves that this one does not simulate:
/// (kind, apiVersion, resource, short names).
pub const NOT_SIMULATED: &[(&str, &str, &str, &[&str])] = &[
    ("Binding", "v1", "bindings", &[]),
    ("ComponentStatus", "v1", "componentstatuses", &["cs"]),
    ("Event", "v1", "events", &["ev"]),
    ("LimitRange", "v1", "limitranges", &["limits"]),
    (
        "PersistentVolumeClaim",
        "v1",
        "persistentvolumeclaims",
        &["pvc"],
    ),
    ("PersistentVolume", "v1", "persistentvolumes", &["pv"]),
    ("PodTemplate", "v1", "podtemplates", &[]),
    (
        "ReplicationController",
        "v1",
        "replicationcontrollers",
        &["rc"],
    ),
    ("ResourceQuota", "v1", "resourcequotas", &["quota"]),
    ("ServiceAccount", "v1", "serviceaccounts", &["sa"]),
    ("ControllerRevision", "apps/v1", "controllerrevisions", &[]),
    ("Job", "batch/v1", "jobs", &[]),
    ("CronJob", "batch/v1", "cronjobs", &["cj"]),
    (
        "HorizontalPodAutoscaler",
        "autoscaling/v2",
        "horizontalpodautoscalers",
        &["hpa"],
    ),
    (
        "HorizontalPodAutoscaler",
        "autoscaling/v1",
        "horizontalpodautoscalers",
        &["hpa"],
    ),
    (
        "PodDisruptionBudget",
        "policy/v1",
        "poddisruptionbudgets",
        &["pdb"],
    ),
    ("Role", "rbac.authorization.k8s.io/v1", "roles", &[]),
    (
        "RoleBinding",
        "rbac.authorization.k8s.io/v1",
        "rolebindings",
        &[],
    ),
    (
        "ClusterRole",
        "rbac.authorization.k8s.io/v1",
        "clusterroles",
        &[],
    ),
    (
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io/v1",
        "clusterrolebindings",
        &[],
    ),
    (
        "StorageClass",
        "storage.k8s.io/v1",
        "storageclasses",
        &["sc"],
    ),
    ("CSIDriver", "storage.k8s.io/v1", "csidrivers", &[]),
    (
        "PriorityClass",
        "scheduling.k8s.io/v1",
        "priorityclasses",
        &["pc"],
    ),
    ("Lease", "coordination.k8s.io/v1", "leases", &[]),
    ("RuntimeClass", "node.k8s.io/v1", "runtimeclasses", &[]),
    (
        "CustomResourceDefinition",
        "apiextensions.k8s.io/v1",
        "customresourcedefinitions",
        &["crd", "crds"],
    ),
    (
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1",
        "mutatingwebhookconfigurations",
        &[],
    ),
    (
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1",
        "validatingwebhookconfigurations",
        &[],
    ),
    (
        "CertificateSigningRequest",
        "certificates.k8s.io/v1",
        "certificatesigningrequests",
        &["csr"],
    ),
    (
        "APIService",
        "apiregistration.k8s.io/v1",
        "apiservices",
        &[],
    ),
];

/// The served resource for a manifest's `apiVersion` and `kind`.
/// The Gateway API's kinds are found whether or not their CRDs are
/// installed: the API server says which ([`super::Cluster::serves`]).
pub fn served(api_version: &str, kind: &str) -> Option<&'static ResourceInfo> {
    SERVED
        .iter()
        .find(|r| r.kind == kind && r.api_version() == api_version && !READ_ONLY.contains(&r.kind))
        .or_else(|| {
            // The standard channel serves v1beta1 beside v1 for the kinds
            // that reached v1.
            GATEWAY_API.iter().find(|r| {
                r.kind == kind
                    && (api_version == r.api_version() || api_version == format!("{GW}/v1beta1"))
            })
        })
}

/// Whether Kubernetes 1.31 has this kind at this version, unsimulated here.
pub fn not_simulated(api_version: &str, kind: &str) -> bool {
    NOT_SIMULATED
        .iter()
        .any(|(k, v, _, _)| *k == kind && *v == api_version)
}

/// Whether `word` names (in any of kubectl's spellings) a resource type
/// Kubernetes has but this cluster does not simulate; returns its plural.
pub fn unsimulated_resource(word: &str) -> Option<&'static str> {
    let w = word.to_ascii_lowercase();
    NOT_SIMULATED
        .iter()
        .find_map(|(kind, version, plural, short)| {
            let group = version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
            let singular = kind.to_ascii_lowercase();
            let matches = w == *plural
                || w == singular
                || short.contains(&w.as_str())
                || (!group.is_empty()
                    && (w == format!("{plural}.{group}") || w == format!("{singular}.{group}")));
            matches.then_some(*plural)
        })
}

/// The simulated kinds, as an honest message lists them.
pub fn simulated_kinds() -> String {
    let mut kinds: Vec<&str> = SERVED
        .iter()
        .chain(GATEWAY_API)
        .filter(|r| !READ_ONLY.contains(&r.kind))
        .map(|r| r.kind)
        .collect();
    crate::sort::sort(&mut kinds);
    kinds.join(", ")
}

/// The simulated resource types, as `kubectl get` names them.
pub fn simulated_resources() -> String {
    let mut names: Vec<&str> = SERVED.iter().chain(GATEWAY_API).map(|r| r.name).collect();
    crate::sort::sort(&mut names);
    names.dedup();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_kinds_map_to_their_versions() {
        assert_eq!(served("v1", "Service").map(|r| r.name), Some("services"));
        assert_eq!(
            served("discovery.k8s.io/v1", "EndpointSlice").map(|r| r.name),
            Some("endpointslices")
        );
        assert!(served("apps/v1beta1", "Deployment").is_none());
        assert!(served("v1", "service").is_none());
        assert!(not_simulated("batch/v1", "Job"));
        assert!(!not_simulated("batch/v2", "Job"));
        assert_eq!(unsimulated_resource("jobs.batch"), Some("jobs"));
        assert_eq!(unsimulated_resource("jobs"), Some("jobs"));
        assert_eq!(unsimulated_resource("ing"), None);
        assert_eq!(
            unsimulated_resource("hpa"),
            Some("horizontalpodautoscalers")
        );
        assert_eq!(unsimulated_resource("netpol"), None);
        assert_eq!(
            served("networking.k8s.io/v1", "NetworkPolicy").map(|r| r.name),
            Some("networkpolicies")
        );
        assert_eq!(unsimulated_resource("svc"), None);
    }
}
