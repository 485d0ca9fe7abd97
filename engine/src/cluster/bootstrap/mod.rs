//! What `kubeadm init` leaves in a new cluster: the four namespaces, the
//! `kubernetes` Service at 10.96.0.1, CoreDNS (a two-replica Deployment in
//! kube-system, its `coredns` ConfigMap with kubeadm's Corefile) behind the
//! `kube-dns` Service at 10.96.0.10; the control plane's static pods
//! ([`static_pods`]); and the node agents kube-proxy and flannel
//! ([`daemons`]), as `kubectl apply -f kube-flannel.yml` adds the latter.

use super::objects::*;
use super::{apiserver, images, Cluster, CLUSTER_AGE_MS, DNS_IP};

mod daemons;
pub mod logs;
pub mod static_pods;
pub mod traefik;

/// The control plane's mirror pods and the node agents' objects. Called
/// once the rest is reconciled, with the cluster's components on a random
/// generator of their own (see [`Cluster::bootstrap`]).
pub(super) fn components(c: &mut Cluster) {
    let Some(control_plane) = c.nodes.first().cloned() else {
        return;
    };
    c.static_pods = true;
    static_pods::ensure(c, CLUSTER_AGE_MS);
    let cni = c.cni;
    daemons::install(c, &control_plane, cni);
}

/// A manifest through the same reading as `kubectl apply`: the page then
/// carries one path from YAML to objects, not one decoder per kind and per
/// reader.
pub(super) fn decoded(manifest: &str) -> Option<super::object::Object> {
    super::manifest::parse(manifest)
        .ok()?
        .into_iter()
        .next()?
        .result
        .ok()
}

/// kubeadm's Corefile (v1.31): the kubernetes plugin answers
/// `cluster.local` with `pods insecure`, `ttl 30`, and everything else is
/// forwarded to the node's resolver.
pub const COREFILE: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
";

pub(super) fn kubeadm(c: &mut Cluster) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let mut n = Namespace {
            api_version: "v1".into(),
            kind: "Namespace".into(),
            ..Default::default()
        };
        n.metadata.name = ns.into();
        n.metadata
            .labels
            .insert("kubernetes.io/metadata.name".into(), ns.into());
        c.stamp(&mut n.metadata, CLUSTER_AGE_MS);
        c.namespaces.insert(ns.into(), n);
    }

    let mut kubernetes = Service {
        api_version: "v1".into(),
        kind: "Service".into(),
        ..Default::default()
    };
    kubernetes.metadata.name = "kubernetes".into();
    kubernetes.metadata.namespace = Some("default".into());
    kubernetes
        .metadata
        .labels
        .insert("component".into(), "apiserver".into());
    kubernetes
        .metadata
        .labels
        .insert("provider".into(), "kubernetes".into());
    kubernetes.spec.cluster_ip = Some("10.96.0.1".into());
    kubernetes.spec.ports.push(ServicePort {
        name: "https".into(),
        port: 443,
        target_port: Some(IntOrString::Int(6443)),
        ..Default::default()
    });
    apiserver::default_service(&mut kubernetes);
    kubernetes.spec.cluster_ips = vec!["10.96.0.1".into()];
    c.stamp(&mut kubernetes.metadata, CLUSTER_AGE_MS);
    c.services
        .insert(("default".into(), "kubernetes".into()), kubernetes);

    let mut dns = Service {
        api_version: "v1".into(),
        kind: "Service".into(),
        ..Default::default()
    };
    dns.metadata.name = "kube-dns".into();
    dns.metadata.namespace = Some("kube-system".into());
    for (k, v) in [
        ("k8s-app", "kube-dns"),
        ("kubernetes.io/cluster-service", "true"),
        ("kubernetes.io/name", "CoreDNS"),
    ] {
        dns.metadata.labels.insert(k.into(), v.into());
    }
    dns.metadata
        .annotations
        .insert("prometheus.io/port".into(), "9153".into());
    dns.metadata
        .annotations
        .insert("prometheus.io/scrape".into(), "true".into());
    dns.spec.selector = Some([("k8s-app".to_string(), "kube-dns".to_string())].into());
    dns.spec.cluster_ip = Some(DNS_IP.to_string());
    for (name, port, proto) in [
        ("dns", 53, "UDP"),
        ("dns-tcp", 53, "TCP"),
        ("metrics", 9153, "TCP"),
    ] {
        dns.spec.ports.push(ServicePort {
            name: name.into(),
            port,
            protocol: Some(proto.into()),
            target_port: Some(IntOrString::Int(port)),
            ..Default::default()
        });
    }
    apiserver::default_service(&mut dns);
    dns.spec.cluster_ips = vec![DNS_IP.to_string()];
    c.stamp(&mut dns.metadata, CLUSTER_AGE_MS);
    c.services
        .insert(("kube-system".into(), "kube-dns".into()), dns);

    let mut corefile = ConfigMap {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        ..Default::default()
    };
    corefile.metadata.name = "coredns".into();
    corefile.metadata.namespace = Some("kube-system".into());
    corefile
        .data
        .insert("Corefile".into(), COREFILE.to_string());
    c.stamp(&mut corefile.metadata, CLUSTER_AGE_MS);
    c.configmaps
        .insert(("kube-system".into(), "coredns".into()), corefile);

    // CoreDNS: a Deployment of two replicas in kube-system.
    let mut coredns = Deployment {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        ..Default::default()
    };
    coredns.metadata.name = "coredns".into();
    coredns.metadata.namespace = Some("kube-system".into());
    coredns
        .metadata
        .labels
        .insert("k8s-app".into(), "kube-dns".into());
    coredns.spec.replicas = Some(2);
    coredns
        .spec
        .selector
        .match_labels
        .insert("k8s-app".into(), "kube-dns".into());
    coredns
        .spec
        .template
        .metadata
        .labels
        .insert("k8s-app".into(), "kube-dns".into());
    let port = |name: &str, container_port: i32, protocol: &str| ContainerPort {
        name: name.into(),
        container_port,
        protocol: Some(protocol.into()),
        host_port: None,
    };
    coredns.spec.template.spec.containers.push(Container {
        name: "coredns".into(),
        image: images::COREDNS.into(),
        args: vec!["-conf".into(), "/etc/coredns/Corefile".into()],
        ports: vec![
            port("dns", 53, "UDP"),
            port("dns-tcp", 53, "TCP"),
            port("metrics", 9153, "TCP"),
        ],
        resources: Some(serde_json::json!({
            "limits": {"memory": "170Mi"},
            "requests": {"cpu": "100m", "memory": "70Mi"}
        })),
        ..Default::default()
    });
    let spec = &mut coredns.spec.template.spec;
    spec.dns_policy = Some(serde_json::json!("Default"));
    spec.node_selector = Some(serde_json::json!({"kubernetes.io/os": "linux"}));
    spec.priority_class_name = Some(serde_json::json!("system-cluster-critical"));
    spec.service_account_name = Some(serde_json::json!("coredns"));
    spec.tolerations = Some(serde_json::json!([
        {"key": "CriticalAddonsOnly", "operator": "Exists"},
        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}
    ]));
    c.stamp(&mut coredns.metadata, CLUSTER_AGE_MS);
    c.deployments
        .insert(("kube-system".into(), "coredns".into()), coredns);
}

/// The cluster's CA certificate, as the root-CA publisher copies it into
/// every namespace's `kube-root-ca.crt` ConfigMap. Not a usable
/// certificate: the bytes are made up, deterministically.
pub(super) fn root_ca_pem() -> String {
    let mut bytes = Vec::with_capacity(760);
    let mut h: u32 = 0x2f6b_6361;
    for _ in 0..760 {
        h ^= h << 13;
        h ^= h >> 17;
        h ^= h << 5;
        bytes.push((h >> 24) as u8);
    }
    let body = crate::encoding::base64_encode(&bytes);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}
