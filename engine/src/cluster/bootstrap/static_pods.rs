//! The control plane as `kubeadm init` writes it: four static pods in
//! `/etc/kubernetes/manifests` on the control-plane node, which its kubelet
//! runs and mirrors into the API server as `COMPONENT-NODENAME` pods. They
//! run with `hostNetwork: true`, so their address is the node's own.
//!
//! The manifests are kubeadm 1.31's, with the node's name and address put
//! in. Their probes are left out: the simulated kubelet would send them
//! over the network to ports whose programs (etcd, the API server) are not
//! simulated, and a failing liveness probe would restart the control plane.

use super::super::objects::*;
use super::super::{Cluster, NodeInfo};

const ETCD: &str = "apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://{ip}:2379
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://{ip}:2379
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --client-cert-auth=true
    - --data-dir=/var/lib/etcd
    - --experimental-initial-corrupt-check=true
    - --experimental-watch-progress-notify-interval=5s
    - --initial-advertise-peer-urls=https://{ip}:2380
    - --initial-cluster={node}=https://{ip}:2380
    - --key-file=/etc/kubernetes/pki/etcd/server.key
    - --listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379
    - --listen-metrics-urls=http://127.0.0.1:2381
    - --listen-peer-urls=https://{ip}:2380
    - --name={node}
    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    - --peer-client-cert-auth=true
    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    - --snapshot-count=10000
    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    image: registry.k8s.io/etcd:3.5.15-0
    imagePullPolicy: IfNotPresent
    name: etcd
    resources:
      requests:
        cpu: 100m
        memory: 100Mi
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
    - mountPath: /etc/kubernetes/pki/etcd
      name: etcd-certs
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/kubernetes/pki/etcd
      type: DirectoryOrCreate
    name: etcd-certs
  - hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
    name: etcd-data
";

const KUBE_APISERVER: &str = "apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: {ip}:6443
  labels:
    component: kube-apiserver
    tier: control-plane
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address={ip}
    - --allow-privileged=true
    - --authorization-mode=Node,RBAC
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --enable-admission-plugins=NodeRestriction
    - --enable-bootstrap-token-auth=true
    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    - --etcd-servers=https://127.0.0.1:2379
    - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
    - --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
    - --proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt
    - --proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key
    - --requestheader-allowed-names=front-proxy-client
    - --requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
    - --requestheader-extra-headers-prefix=X-Remote-Extra-
    - --requestheader-group-headers=X-Remote-Group
    - --requestheader-username-headers=X-Remote-User
    - --secure-port=6443
    - --service-account-issuer=https://kubernetes.default.svc.cluster.local
    - --service-account-key-file=/etc/kubernetes/pki/sa.pub
    - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
    - --service-cluster-ip-range=10.96.0.0/12
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    image: registry.k8s.io/kube-apiserver:v1.31.4
    imagePullPolicy: IfNotPresent
    name: kube-apiserver
    resources:
      requests:
        cpu: 250m
    volumeMounts:
    - mountPath: /etc/ssl/certs
      name: ca-certs
      readOnly: true
    - mountPath: /etc/ca-certificates
      name: etc-ca-certificates
      readOnly: true
    - mountPath: /etc/kubernetes/pki
      name: k8s-certs
      readOnly: true
    - mountPath: /usr/local/share/ca-certificates
      name: usr-local-share-ca-certificates
      readOnly: true
    - mountPath: /usr/share/ca-certificates
      name: usr-share-ca-certificates
      readOnly: true
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/ssl/certs
      type: DirectoryOrCreate
    name: ca-certs
  - hostPath:
      path: /etc/ca-certificates
      type: DirectoryOrCreate
    name: etc-ca-certificates
  - hostPath:
      path: /etc/kubernetes/pki
      type: DirectoryOrCreate
    name: k8s-certs
  - hostPath:
      path: /usr/local/share/ca-certificates
      type: DirectoryOrCreate
    name: usr-local-share-ca-certificates
  - hostPath:
      path: /usr/share/ca-certificates
      type: DirectoryOrCreate
    name: usr-share-ca-certificates
";

const KUBE_CONTROLLER_MANAGER: &str = "apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-controller-manager
    tier: control-plane
  name: kube-controller-manager
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-controller-manager
    - --allocate-node-cidrs=true
    - --authentication-kubeconfig=/etc/kubernetes/controller-manager.conf
    - --authorization-kubeconfig=/etc/kubernetes/controller-manager.conf
    - --bind-address=127.0.0.1
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --cluster-cidr=10.244.0.0/16
    - --cluster-name=kubernetes
    - --cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt
    - --cluster-signing-key-file=/etc/kubernetes/pki/ca.key
    - --controllers=*,bootstrapsigner,tokencleaner
    - --kubeconfig=/etc/kubernetes/controller-manager.conf
    - --leader-elect=true
    - --requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
    - --root-ca-file=/etc/kubernetes/pki/ca.crt
    - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
    - --service-cluster-ip-range=10.96.0.0/12
    - --use-service-account-credentials=true
    image: registry.k8s.io/kube-controller-manager:v1.31.4
    imagePullPolicy: IfNotPresent
    name: kube-controller-manager
    resources:
      requests:
        cpu: 200m
    volumeMounts:
    - mountPath: /etc/ssl/certs
      name: ca-certs
      readOnly: true
    - mountPath: /etc/kubernetes/pki
      name: k8s-certs
      readOnly: true
    - mountPath: /etc/kubernetes/controller-manager.conf
      name: kubeconfig
      readOnly: true
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/ssl/certs
      type: DirectoryOrCreate
    name: ca-certs
  - hostPath:
      path: /etc/kubernetes/pki
      type: DirectoryOrCreate
    name: k8s-certs
  - hostPath:
      path: /etc/kubernetes/controller-manager.conf
      type: FileOrCreate
    name: kubeconfig
";

const KUBE_SCHEDULER: &str = "apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-scheduler
    tier: control-plane
  name: kube-scheduler
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-scheduler
    - --authentication-kubeconfig=/etc/kubernetes/scheduler.conf
    - --authorization-kubeconfig=/etc/kubernetes/scheduler.conf
    - --bind-address=127.0.0.1
    - --kubeconfig=/etc/kubernetes/scheduler.conf
    - --leader-elect=true
    image: registry.k8s.io/kube-scheduler:v1.31.4
    imagePullPolicy: IfNotPresent
    name: kube-scheduler
    resources:
      requests:
        cpu: 100m
    volumeMounts:
    - mountPath: /etc/kubernetes/scheduler.conf
      name: kubeconfig
      readOnly: true
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/kubernetes/scheduler.conf
      type: FileOrCreate
    name: kubeconfig
";

/// The control plane's components, as their manifests and pods are named.
const COMPONENTS: [&str; 4] = [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
];

/// The four manifests, as `/etc/kubernetes/manifests/NAME.yaml` holds them
/// on `node`.
pub fn manifests(node: &NodeInfo) -> Vec<(&'static str, String)> {
    [
        ("etcd", ETCD),
        ("kube-apiserver", KUBE_APISERVER),
        ("kube-controller-manager", KUBE_CONTROLLER_MANAGER),
        ("kube-scheduler", KUBE_SCHEDULER),
    ]
    .into_iter()
    .map(|(name, text)| {
        (
            name,
            text.replace("{ip}", &node.ip.to_string())
                .replace("{node}", &node.name),
        )
    })
    .collect()
}

/// A hex digest of `seed` of `len` characters: the kubelet's config hash
/// (an md5 of the manifest) looks like this.
fn hex(seed: &str, len: usize) -> String {
    let mut out = String::new();
    let mut round = 0u32;
    while out.len() < len {
        let h = crate::text::fnv1a(format!("{seed}/{round}").as_bytes());
        out.push_str(&format!("{h:08x}"));
        round += 1;
    }
    out.truncate(len);
    out
}

/// The uid a node's object has (nodes are not stored objects here; their
/// pods' owner references need one).
pub fn node_uid(node: &str) -> String {
    let h = hex(&format!("node/{node}"), 32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The mirror pod the kubelet of `node` posts for one static pod manifest:
/// named `NAME-NODE`, owned by the Node, with the kubelet's `config.*`
/// annotations, bound to the node and tolerating every NoExecute taint (as
/// the kubelet sets for static pods).
pub fn mirror_pod(node: &NodeInfo, manifest: &str) -> Option<Pod> {
    let Some(super::super::object::Object::Pod(mut pod)) = super::decoded(manifest) else {
        return None;
    };
    let hash = hex(manifest, 32);
    pod.metadata.name = format!("{}-{}", pod.metadata.name, node.name);
    let seen_ns = crate::text::fnv1a(hash.as_bytes()) % 1_000_000_000;
    let seen = crate::cluster::rfc3339(node.created_ms).replace('Z', &format!(".{seen_ns:09}Z"));
    for (k, v) in [
        ("kubernetes.io/config.hash", hash.clone()),
        ("kubernetes.io/config.mirror", hash),
        ("kubernetes.io/config.seen", seen),
        ("kubernetes.io/config.source", "file".to_string()),
    ] {
        pod.metadata.annotations.insert(k.into(), v);
    }
    pod.metadata.owner_references.push(OwnerReference {
        api_version: "v1".into(),
        kind: "Node".into(),
        name: node.name.clone(),
        uid: node_uid(&node.name),
        controller: Some(true),
        block_owner_deletion: None,
    });
    pod.spec.node_name = Some(node.name.clone());
    pod.spec.restart_policy = Some("Always".into());
    pod.spec.tolerations = Some(serde_json::json!([
        {"effect": "NoExecute", "operator": "Exists"}
    ]));
    Some(pod)
}

/// The kubelet of the control-plane node posts a mirror pod for every
/// manifest it runs; one deleted through the API is posted again at once.
pub(crate) fn ensure(c: &mut Cluster, now: i64) {
    let Some(node) = c.nodes.first().cloned() else {
        return;
    };
    for name in COMPONENTS {
        let key = ("kube-system".to_string(), format!("{name}-{}", node.name));
        if c.pods.contains_key(&key) {
            continue;
        }
        let Some(manifest) = manifests(&node)
            .into_iter()
            .find(|(n, _)| n == &name)
            .map(|(_, m)| m)
        else {
            continue;
        };
        let Some(mut pod) = mirror_pod(&node, &manifest) else {
            continue;
        };
        c.stamp(&mut pod.metadata, now.max(node.created_ms));
        c.pods.insert(key, pod);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node01() -> NodeInfo {
        NodeInfo {
            name: "node01".into(),
            ip: "192.168.1.2".parse().unwrap(),
            pod_cidr: "10.244.0.0/24".parse().unwrap(),
            created_ms: crate::cluster::CLUSTER_AGE_MS,
        }
    }

    #[test]
    fn every_manifest_decodes_strictly_into_a_mirror_pod() {
        let node = node01();
        let names: Vec<String> = manifests(&node)
            .iter()
            .map(|(_, m)| mirror_pod(&node, m).expect("decodes").metadata.name)
            .collect();
        assert_eq!(
            names,
            [
                "etcd-node01",
                "kube-apiserver-node01",
                "kube-controller-manager-node01",
                "kube-scheduler-node01"
            ]
        );
    }

    #[test]
    fn the_node_address_is_in_the_flags() {
        let node = node01();
        let etcd = mirror_pod(&node, &manifests(&node)[0].1).unwrap();
        let cmd = &etcd.spec.containers[0].command;
        assert!(cmd.contains(
            &"--listen-client-urls=https://127.0.0.1:2379,https://192.168.1.2:2379".to_string()
        ));
        assert!(cmd.contains(&"--initial-cluster=node01=https://192.168.1.2:2380".to_string()));
        assert_eq!(etcd.spec.host_network, Some(true));
    }
}
