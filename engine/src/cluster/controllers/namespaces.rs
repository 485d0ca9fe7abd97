//! The root-CA publisher: every namespace has a `kube-root-ca.crt`
//! ConfigMap with the cluster's CA certificate (pods mount it to trust the
//! API server). A deleted one comes back.

use crate::cluster::objects::ConfigMap;
use crate::cluster::Cluster;

pub(crate) const ROOT_CA: &str = "kube-root-ca.crt";

pub(crate) fn root_ca(c: &mut Cluster, now: i64) {
    let namespaces: Vec<(String, i64)> = c
        .namespaces
        .iter()
        .map(|(n, ns)| (n.clone(), ns.metadata.created_ms))
        .collect();
    for (ns, created) in namespaces {
        let key = (ns.clone(), ROOT_CA.to_string());
        if c.configmaps.contains_key(&key) {
            continue;
        }
        let mut cm = ConfigMap {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            ..Default::default()
        };
        cm.metadata.name = ROOT_CA.into();
        cm.metadata.namespace = Some(ns);
        cm.metadata.annotations.insert(
            "kubernetes.io/description".into(),
            "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".into(),
        );
        cm.data
            .insert("ca.crt".into(), crate::cluster::bootstrap::root_ca_pem());
        c.stamp(&mut cm.metadata, now.max(created));
        c.configmaps.insert(key, cm);
    }
}
