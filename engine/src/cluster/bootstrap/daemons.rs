//! The node agents every node runs as DaemonSet pods: kube-proxy (kubeadm's
//! addon, in kube-system) and flannel (`kube-flannel.yml` v0.26.1, in its
//! own `kube-flannel` namespace), with their ConfigMaps. Both run with
//! `hostNetwork: true`: their pods' address is their node's.
//!
//! With Canal (`cni: canal`), the network add-on is Calico v3.28's
//! `canal.yaml` instead: the `canal` DaemonSet in kube-system (calico-node
//! and flannel in each pod, on the node's network), its `canal-config`
//! ConfigMap and the `calico-kube-controllers` Deployment. Their probes are
//! left out, as the static pods' are: nothing simulated answers them.
//!
//! The simulated kube-proxy, flannel and Felix (their rules, routes and
//! devices) are the world's; these objects are how the cluster shows them.

use super::super::cni::Cni;
use super::super::object::Object;
use super::super::objects::*;
use super::super::{Cluster, NodeInfo, CLUSTER_AGE_MS};
use super::decoded;

const KUBE_PROXY: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    k8s-app: kube-proxy
  name: kube-proxy
  namespace: kube-system
spec:
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      k8s-app: kube-proxy
  template:
    metadata:
      labels:
        k8s-app: kube-proxy
    spec:
      containers:
      - command:
        - /usr/local/bin/kube-proxy
        - --config=/var/lib/kube-proxy/config.conf
        - --hostname-override=$(NODE_NAME)
        env:
        - name: NODE_NAME
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: spec.nodeName
        image: registry.k8s.io/kube-proxy:v1.31.4
        imagePullPolicy: IfNotPresent
        name: kube-proxy
        securityContext:
          privileged: true
        volumeMounts:
        - mountPath: /var/lib/kube-proxy
          name: kube-proxy
        - mountPath: /run/xtables.lock
          name: xtables-lock
        - mountPath: /lib/modules
          name: lib-modules
          readOnly: true
      hostNetwork: true
      nodeSelector:
        kubernetes.io/os: linux
      priorityClassName: system-node-critical
      serviceAccountName: kube-proxy
      tolerations:
      - operator: Exists
      volumes:
      - configMap:
          name: kube-proxy
        name: kube-proxy
      - hostPath:
          path: /run/xtables.lock
          type: FileOrCreate
        name: xtables-lock
      - hostPath:
          path: /lib/modules
        name: lib-modules
  updateStrategy:
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 1
    type: RollingUpdate
";

const KUBE_FLANNEL_DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-flannel-ds
  namespace: kube-flannel
  labels:
    tier: node
    app: flannel
    k8s-app: flannel
spec:
  selector:
    matchLabels:
      app: flannel
  template:
    metadata:
      labels:
        tier: node
        app: flannel
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - key: kubernetes.io/os
                operator: In
                values:
                - linux
      hostNetwork: true
      priorityClassName: system-node-critical
      tolerations:
      - operator: Exists
        effect: NoSchedule
      serviceAccountName: flannel
      initContainers:
      - name: install-cni-plugin
        image: docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2
        command:
        - cp
        args:
        - -f
        - /flannel
        - /opt/cni/bin/flannel
        volumeMounts:
        - name: cni-plugin
          mountPath: /opt/cni/bin
      - name: install-cni
        image: docker.io/flannel/flannel:v0.26.1
        command:
        - cp
        args:
        - -f
        - /etc/kube-flannel/cni-conf.json
        - /etc/cni/net.d/10-flannel.conflist
        volumeMounts:
        - name: cni
          mountPath: /etc/cni/net.d
        - name: flannel-cfg
          mountPath: /etc/kube-flannel/
      containers:
      - name: kube-flannel
        image: docker.io/flannel/flannel:v0.26.1
        command:
        - /opt/bin/flanneld
        args:
        - --ip-masq
        - --kube-subnet-mgr
        resources:
          requests:
            cpu: \"100m\"
            memory: \"50Mi\"
        securityContext:
          privileged: false
          capabilities:
            add: [\"NET_ADMIN\", \"NET_RAW\"]
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: EVENT_QUEUE_DEPTH
          value: \"5000\"
        volumeMounts:
        - name: run
          mountPath: /run/flannel
        - name: flannel-cfg
          mountPath: /etc/kube-flannel/
        - name: xtables-lock
          mountPath: /run/xtables.lock
      volumes:
      - name: run
        hostPath:
          path: /run/flannel
      - name: cni-plugin
        hostPath:
          path: /opt/cni/bin
      - name: cni
        hostPath:
          path: /etc/cni/net.d
      - name: flannel-cfg
        configMap:
          name: kube-flannel-cfg
      - name: xtables-lock
        hostPath:
          path: /run/xtables.lock
          type: FileOrCreate
";

const CANAL_DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    k8s-app: canal
  name: canal
  namespace: kube-system
spec:
  selector:
    matchLabels:
      k8s-app: canal
  template:
    metadata:
      labels:
        k8s-app: canal
    spec:
      containers:
      - env:
        - name: DATASTORE_TYPE
          value: kubernetes
        - name: USE_POD_CIDR
          value: \"true\"
        - name: WAIT_FOR_DATASTORE
          value: \"true\"
        - name: NODENAME
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: spec.nodeName
        - name: CALICO_NETWORKING_BACKEND
          value: none
        - name: CLUSTER_TYPE
          value: k8s,canal
        - name: FELIX_IPTABLESREFRESHINTERVAL
          value: \"60\"
        - name: IP
        - name: CALICO_DISABLE_FILE_LOGGING
          value: \"true\"
        - name: FELIX_DEFAULTENDPOINTTOHOSTACTION
          value: ACCEPT
        - name: FELIX_IPV6SUPPORT
          value: \"false\"
        - name: FELIX_HEALTHENABLED
          value: \"true\"
        image: docker.io/calico/node:v3.28.2
        imagePullPolicy: IfNotPresent
        name: calico-node
        resources:
          requests:
            cpu: 250m
        securityContext:
          privileged: true
        volumeMounts:
        - mountPath: /host/etc/cni/net.d
          name: cni-net-dir
        - mountPath: /lib/modules
          name: lib-modules
          readOnly: true
        - mountPath: /run/xtables.lock
          name: xtables-lock
        - mountPath: /var/run/calico
          name: var-run-calico
        - mountPath: /var/lib/calico
          name: var-lib-calico
      - command:
        - /opt/bin/flanneld
        - --ip-masq
        - --kube-subnet-mgr
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: metadata.name
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
        - name: FLANNELD_IFACE
          valueFrom:
            configMapKeyRef:
              key: canal_iface
              name: canal-config
        - name: FLANNELD_IP_MASQ
          valueFrom:
            configMapKeyRef:
              key: masquerade
              name: canal-config
        image: docker.io/flannel/flannel:v0.24.4
        imagePullPolicy: IfNotPresent
        name: kube-flannel
        securityContext:
          privileged: true
        volumeMounts:
        - mountPath: /run/xtables.lock
          name: xtables-lock
        - mountPath: /etc/kube-flannel/
          name: flannel-cfg
      hostNetwork: true
      initContainers:
      - command:
        - /opt/cni/bin/install
        env:
        - name: CNI_CONF_NAME
          value: 10-canal.conflist
        - name: CNI_NETWORK_CONFIG
          valueFrom:
            configMapKeyRef:
              key: cni_network_config
              name: canal-config
        - name: KUBERNETES_NODE_NAME
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: spec.nodeName
        - name: CNI_MTU
          valueFrom:
            configMapKeyRef:
              key: veth_mtu
              name: canal-config
        - name: SLEEP
          value: \"false\"
        image: docker.io/calico/cni:v3.28.2
        imagePullPolicy: IfNotPresent
        name: install-cni
        securityContext:
          privileged: true
        volumeMounts:
        - mountPath: /host/opt/cni/bin
          name: cni-bin-dir
        - mountPath: /host/etc/cni/net.d
          name: cni-net-dir
      nodeSelector:
        kubernetes.io/os: linux
      priorityClassName: system-node-critical
      serviceAccountName: canal
      terminationGracePeriodSeconds: 0
      tolerations:
      - effect: NoSchedule
        operator: Exists
      - key: CriticalAddonsOnly
        operator: Exists
      - effect: NoExecute
        operator: Exists
      volumes:
      - hostPath:
          path: /lib/modules
        name: lib-modules
      - hostPath:
          path: /var/run/calico
          type: DirectoryOrCreate
        name: var-run-calico
      - hostPath:
          path: /var/lib/calico
          type: DirectoryOrCreate
        name: var-lib-calico
      - hostPath:
          path: /run/xtables.lock
          type: FileOrCreate
        name: xtables-lock
      - configMap:
          name: canal-config
        name: flannel-cfg
      - hostPath:
          path: /opt/cni/bin
          type: DirectoryOrCreate
        name: cni-bin-dir
      - hostPath:
          path: /etc/cni/net.d
        name: cni-net-dir
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 1
    type: RollingUpdate
";

/// Canal's controllers (node and load balancer), on the pod network.
const CALICO_KUBE_CONTROLLERS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    k8s-app: calico-kube-controllers
  name: calico-kube-controllers
  namespace: kube-system
spec:
  replicas: 1
  selector:
    matchLabels:
      k8s-app: calico-kube-controllers
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        k8s-app: calico-kube-controllers
      name: calico-kube-controllers
      namespace: kube-system
    spec:
      containers:
      - env:
        - name: ENABLED_CONTROLLERS
          value: node
        - name: DATASTORE_TYPE
          value: kubernetes
        image: docker.io/calico/kube-controllers:v3.28.2
        imagePullPolicy: IfNotPresent
        name: calico-kube-controllers
      nodeSelector:
        kubernetes.io/os: linux
      priorityClassName: system-cluster-critical
      serviceAccountName: calico-kube-controllers
      tolerations:
      - key: CriticalAddonsOnly
        operator: Exists
      - effect: NoSchedule
        key: node-role.kubernetes.io/master
      - effect: NoSchedule
        key: node-role.kubernetes.io/control-plane
";

/// Canal's CNI configuration: Calico's plugin with host-local IPAM from the
/// node's pod CIDR, and portmap.
const CANAL_CNI_CONF: &str = "{
  \"name\": \"k8s-pod-network\",
  \"cniVersion\": \"0.3.1\",
  \"plugins\": [
    {
      \"type\": \"calico\",
      \"log_level\": \"info\",
      \"log_file_path\": \"/var/log/calico/cni/cni.log\",
      \"datastore_type\": \"kubernetes\",
      \"nodename\": \"__KUBERNETES_NODE_NAME__\",
      \"mtu\": __CNI_MTU__,
      \"ipam\": {
          \"type\": \"host-local\",
          \"subnet\": \"usePodCidr\"
      },
      \"policy\": {
          \"type\": \"k8s\"
      },
      \"kubernetes\": {
          \"kubeconfig\": \"__KUBECONFIG_FILEPATH__\"
      }
    },
    {
      \"type\": \"portmap\",
      \"snat\": true,
      \"capabilities\": {\"portMappings\": true}
    }
  ]
}";

/// flannel's network configuration: the cluster's pod network and the
/// vxlan backend (kube-flannel's default).
pub const NET_CONF: &str = "{
  \"Network\": \"10.244.0.0/16\",
  \"EnableNFTables\": false,
  \"Backend\": {
    \"Type\": \"vxlan\"
  }
}
";

const CNI_CONF: &str = "{
  \"name\": \"cbr0\",
  \"cniVersion\": \"0.3.1\",
  \"plugins\": [
    {
      \"type\": \"flannel\",
      \"delegate\": {
        \"hairpinMode\": true,
        \"isDefaultGateway\": true
      }
    },
    {
      \"type\": \"portmap\",
      \"capabilities\": {
        \"portMappings\": true
      }
    }
  ]
}
";

/// kubeadm's KubeProxyConfiguration: `mode: \"\"` is iptables on Linux.
const KUBE_PROXY_CONFIG: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: \"\"
  burst: 0
  contentType: \"\"
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: \"\"
  interfaceNamePrefix: \"\"
detectLocalMode: \"\"
enableProfiling: false
healthzBindAddress: \"\"
hostnameOverride: \"\"
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: \"\"
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: \"0\"
    text:
      infoBufferSize: \"0\"
  verbosity: 0
metricsBindAddress: \"\"
mode: \"\"
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: \"\"
showHiddenMetricsForVersion: \"\"
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: \"\"
  rootHnsEndpointName: \"\"
  sourceVip: \"\"
";

const KUBE_PROXY_KUBECONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://{ip}:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
";

fn config_map(ns: &str, name: &str, labels: &[(&str, &str)], data: &[(&str, String)]) -> ConfigMap {
    let mut cm = ConfigMap {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        ..Default::default()
    };
    cm.metadata.name = name.into();
    cm.metadata.namespace = Some(ns.into());
    for (k, v) in labels {
        cm.metadata.labels.insert(k.to_string(), v.to_string());
    }
    for (k, v) in data {
        cm.data.insert(k.to_string(), v.clone());
    }
    cm
}

/// The DaemonSets, as their manifests decode: kube-proxy and the network
/// add-on's.
pub fn daemonsets(cni: Cni) -> Vec<DaemonSet> {
    let network = match cni {
        Cni::Flannel => KUBE_FLANNEL_DS,
        Cni::Canal => CANAL_DS,
    };
    [KUBE_PROXY, network]
        .into_iter()
        .filter_map(|m| match decoded(m) {
            Some(Object::DaemonSet(d)) => Some(d),
            _ => None,
        })
        .collect()
}

/// Stores kube-proxy's and flannel's objects, as kubeadm's addon phase and
/// `kubectl apply -f kube-flannel.yml` leave them; the DaemonSet
/// controller then makes their pods.
pub(crate) fn install(c: &mut Cluster, control_plane: &NodeInfo, cni: Cni) {
    let kube_proxy = config_map(
        "kube-system",
        "kube-proxy",
        &[("app", "kube-proxy")],
        &[
            ("config.conf", KUBE_PROXY_CONFIG.to_string()),
            (
                "kubeconfig.conf",
                KUBE_PROXY_KUBECONFIG.replace("{ip}", &control_plane.ip.to_string()),
            ),
        ],
    );
    let network = match cni {
        Cni::Flannel => {
            flannel_namespace(c);
            config_map(
                "kube-flannel",
                "kube-flannel-cfg",
                &[("app", "flannel"), ("k8s-app", "flannel"), ("tier", "node")],
                &[
                    ("cni-conf.json", CNI_CONF.to_string()),
                    ("net-conf.json", NET_CONF.to_string()),
                ],
            )
        }
        Cni::Canal => {
            if let Some(Object::Deployment(mut d)) = decoded(CALICO_KUBE_CONTROLLERS) {
                c.stamp(&mut d.metadata, CLUSTER_AGE_MS);
                c.deployments
                    .insert(("kube-system".into(), "calico-kube-controllers".into()), d);
            }
            config_map(
                "kube-system",
                "canal-config",
                &[],
                &[
                    ("canal_iface", String::new()),
                    ("cni_network_config", CANAL_CNI_CONF.to_string()),
                    ("masquerade", "true".into()),
                    ("net-conf.json", CANAL_NET_CONF.to_string()),
                    ("typha_service_name", "none".into()),
                    ("veth_mtu", "0".into()),
                ],
            )
        }
    };
    for mut cm in [kube_proxy, network] {
        c.stamp(&mut cm.metadata, CLUSTER_AGE_MS);
        let key = (
            cm.metadata.namespace.clone().unwrap_or_default(),
            cm.metadata.name.clone(),
        );
        c.configmaps.insert(key, cm);
    }

    for mut ds in daemonsets(cni) {
        c.stamp(&mut ds.metadata, CLUSTER_AGE_MS);
        let key = (
            ds.metadata.namespace.clone().unwrap_or_default(),
            ds.metadata.name.clone(),
        );
        c.daemonsets.insert(key, ds);
    }
}

/// canal.yaml's flannel configuration (it has no `EnableNFTables`).
const CANAL_NET_CONF: &str = "{
  \"Network\": \"10.244.0.0/16\",
  \"Backend\": {
    \"Type\": \"vxlan\"
  }
}
";

/// `kube-flannel.yml`'s own namespace.
fn flannel_namespace(c: &mut Cluster) {
    let mut ns = Namespace {
        api_version: "v1".into(),
        kind: "Namespace".into(),
        ..Default::default()
    };
    ns.metadata.name = "kube-flannel".into();
    for (k, v) in [
        ("k8s-app", "flannel"),
        ("kubernetes.io/metadata.name", "kube-flannel"),
        ("pod-security.kubernetes.io/enforce", "privileged"),
    ] {
        ns.metadata.labels.insert(k.into(), v.into());
    }
    c.stamp(&mut ns.metadata, CLUSTER_AGE_MS);
    c.namespaces.insert("kube-flannel".into(), ns);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_manifests_decode_strictly() {
        let names: Vec<String> = daemonsets(Cni::Flannel)
            .into_iter()
            .map(|d| d.metadata.name)
            .collect();
        assert_eq!(names, ["kube-proxy", "kube-flannel-ds"]);
        let names: Vec<String> = daemonsets(Cni::Canal)
            .into_iter()
            .map(|d| d.metadata.name)
            .collect();
        assert_eq!(names, ["kube-proxy", "canal"]);
        assert!(matches!(
            decoded(CALICO_KUBE_CONTROLLERS),
            Some(Object::Deployment(_))
        ));
    }
}
