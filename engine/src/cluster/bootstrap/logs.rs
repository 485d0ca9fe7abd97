//! What the cluster's own programs write when they start, as `kubectl logs`
//! shows it: klog lines from the Kubernetes components and flannel, zap's
//! JSON from etcd, CoreDNS's banner. Only the start is kept: these programs
//! are not simulated beyond it.

use crate::cluster::images::repository;
use crate::cluster::objects::{Container, LogLine, Pod};
use crate::time::DateTime;

/// Microseconds past `at`'s second, spread by `seed` and the line's index.
fn micros(at: i64, seed: &str, i: usize) -> (i64, u32) {
    let spread = crate::text::fnv1a(format!("{seed}/{i}").as_bytes()) % 900;
    let ms = at + (i as i64) * 3 + i64::from(spread) / 300;
    let us = (ms.rem_euclid(1000) as u32) * 1000 + spread;
    (ms, us)
}

/// klog's header: `I1116 09:00:03.123456       1 server.go:142] `.
fn klog(level: char, ms: i64, us: u32, place: &str) -> String {
    let t = DateTime::at(ms);
    format!(
        "{level}{:02}{:02} {:02}:{:02}:{:02}.{us:06} {:>7} {place}] ",
        t.month, t.day, t.hour, t.minute, t.second, 1
    )
}

/// zap's timestamp, as etcd writes it.
fn zap_ts(ms: i64, us: u32) -> String {
    DateTime::at(ms)
        .rfc3339()
        .replace('Z', &format!(".{us:06}Z"))
}

/// The component's start-up lines, at simulated time `at`, for a
/// container of `pod` on `node` (whose address is `ip`); empty for an image
/// that is not one of the cluster's own.
pub fn startup(ct: &Container, pod: &Pod, node: &str, ip: &str, at: i64) -> Vec<LogLine> {
    let repo = repository(&ct.image);
    let seed = pod.metadata.uid.clone().unwrap_or_default();
    let lines: Vec<(char, &str, String)> = match repo.as_str() {
        "registry.k8s.io/kube-apiserver" => vec![
            ('I', "options.go:228", format!("external host was not specified, using {ip}")),
            ('I', "server.go:142", "Version: v1.31.4".into()),
            ('I', "server.go:144", "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"".into()),
            ('I', "shared_informer.go:313", "Waiting for caches to sync for node_authorizer".into()),
            ('I', "plugins.go:157", "Loaded 13 mutating admission controller(s) successfully in the following order: NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,TaintNodesByCondition,Priority,DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,RuntimeClass,DefaultIngressClass,MutatingAdmissionPolicy,MutatingAdmissionWebhook.".into()),
            ('I', "instance.go:232", "Using reconciler: lease".into()),
            ('I', "secure_serving.go:213", "Serving securely on [::]:6443".into()),
            ('I', "controller.go:615", "quota admission added evaluator for: namespaces".into()),
            ('I', "controller.go:615", "quota admission added evaluator for: serviceaccounts".into()),
            ('I', "alloc.go:330", "\"allocated clusterIPs\" service=\"default/kubernetes\" clusterIPs={\"IPv4\":\"10.96.0.1\"}".into()),
            ('I', "alloc.go:330", "\"allocated clusterIPs\" service=\"kube-system/kube-dns\" clusterIPs={\"IPv4\":\"10.96.0.10\"}".into()),
            ('I', "controller.go:615", "quota admission added evaluator for: deployments.apps".into()),
            ('I', "controller.go:615", "quota admission added evaluator for: daemonsets.apps".into()),
            ('I', "controller.go:615", "quota admission added evaluator for: replicasets.apps".into()),
        ],
        "registry.k8s.io/kube-controller-manager" => vec![
            ('I', "serving.go:386", "Generated self-signed cert in-memory".into()),
            ('I', "controllermanager.go:197", "\"Starting\" version=\"v1.31.4\"".into()),
            ('I', "controllermanager.go:199", "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"".into()),
            ('I', "secure_serving.go:213", "Serving securely on 127.0.0.1:10257".into()),
            ('I', "leaderelection.go:254", "attempting to acquire leader lease kube-system/kube-controller-manager...".into()),
            ('I', "leaderelection.go:268", "successfully acquired lease kube-system/kube-controller-manager".into()),
            ('I', "range_allocator.go:422", format!("\"Set node PodCIDR\" node=\"{node}\" podCIDRs=[\"10.244.0.0/24\"]")),
        ],
        "registry.k8s.io/kube-scheduler" => vec![
            ('I', "serving.go:386", "Generated self-signed cert in-memory".into()),
            ('W', "authentication.go:368", "Error looking up in-cluster authentication configuration: configmaps \"extension-apiserver-authentication\" is forbidden: User \"system:kube-scheduler\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"kube-system\"".into()),
            ('I', "server.go:167", "\"Starting Kubernetes Scheduler\" version=\"v1.31.4\"".into()),
            ('I', "server.go:169", "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"".into()),
            ('I', "secure_serving.go:213", "Serving securely on 127.0.0.1:10259".into()),
            ('I', "leaderelection.go:254", "attempting to acquire leader lease kube-system/kube-scheduler...".into()),
            ('I', "leaderelection.go:268", "successfully acquired lease kube-system/kube-scheduler".into()),
        ],
        "registry.k8s.io/kube-proxy" => vec![
            ('I', "server_linux.go:66", "\"Using iptables proxy\"".into()),
            ('I', "server.go:677", format!("\"Successfully retrieved node IP(s)\" IPs=[\"{ip}\"]")),
            ('I', "conntrack.go:60", "\"Setting nf_conntrack_max\" nfConntrackMax=131072".into()),
            ('E', "server.go:234", "\"Kube-proxy configuration may be incomplete or incorrect\" err=\"nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`\"".into()),
            ('I', "server.go:243", "kube-proxy running in dual-stack mode, IPv4-primary".into()),
            ('I', "server_linux.go:169", "\"Using iptables Proxier\"".into()),
            ('I', "proxier.go:255", "\"Setting route_localnet=1 to allow node-ports on localhost; to change this either disable iptables.localhostNodePorts (--iptables-localhost-nodeports) or set nodePortAddresses (--nodeport-addresses) to filter loopback addresses\" ipFamily=\"IPv4\"".into()),
            ('I', "server.go:483", "\"Version info\" version=\"v1.31.4\"".into()),
            ('I', "server.go:485", "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"".into()),
            ('I', "config.go:199", "\"Starting service config controller\"".into()),
            ('I', "shared_informer.go:313", "Waiting for caches to sync for service config".into()),
            ('I', "config.go:105", "\"Starting endpoint slice config controller\"".into()),
            ('I', "shared_informer.go:313", "Waiting for caches to sync for endpoint slice config".into()),
            ('I', "config.go:328", "\"Starting node config controller\"".into()),
            ('I', "shared_informer.go:313", "Waiting for caches to sync for node config".into()),
            ('I', "shared_informer.go:320", "Caches are synced for node config".into()),
            ('I', "shared_informer.go:320", "Caches are synced for service config".into()),
            ('I', "shared_informer.go:320", "Caches are synced for endpoint slice config".into()),
        ],
        "flannel/flannel" => {
            let subnet = pod_subnet(ip);
            vec![
                ('I', "main.go:212", "CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network etcdKeyfile: etcdCertfile: etcdCAFile: etcdUsername: etcdPassword: version:false kubeSubnetMgr:true kubeApiUrl: kubeAnnotationPrefix:flannel.alpha.coreos.com kubeConfigFile: iface:[] ifaceRegex:[] ipMasq:true ifaceCanReach: subnetFile:/run/flannel/subnet.env publicIP: publicIPv6: subnetLeaseRenewMargin:60 healthzIP:0.0.0.0 healthzPort:0 iptablesResyncSeconds:5 iptablesForwardRules:true netConfPath:/etc/kube-flannel/net-conf.json setNodeNetworkUnavailable:true}".into()),
                ('W', "client_config.go:659", "Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.".into()),
                ('I', "kube.go:139", "Waiting 10m0s for node controller to sync".into()),
                ('I', "kube.go:469", "Starting kube subnet manager".into()),
                ('I', "kube.go:146", "Node controller sync successful".into()),
                ('I', "main.go:232", format!("Created subnet manager: Kubernetes Subnet Manager - {node}")),
                ('I', "main.go:235", "Installing signal handlers".into()),
                ('I', "main.go:469", "Found network config - Backend type: vxlan".into()),
                ('I', "match.go:211", "Determining IP address of default interface".into()),
                ('I', "match.go:264", format!("Using interface with name eth0 and address {ip}")),
                ('I', "match.go:286", format!("Defaulting external address to interface address ({ip})")),
                ('I', "vxlan.go:141", "VXLAN config: VNI=1 Port=0 GBP=false Learning=false DirectRouting=false".into()),
                ('I', "main.go:344", "Setting up masking rules".into()),
                ('I', "main.go:366", "Changing default FORWARD chain policy to ACCEPT".into()),
                ('I', "iptables.go:290", "generated 7 rules".into()),
                ('I', "main.go:394", "Wrote subnet file to /run/flannel/subnet.env".into()),
                ('I', "main.go:398", "Running backend.".into()),
                ('I', "vxlan_network.go:65", "watching for new subnet leases".into()),
                ('I', "kube.go:490", format!("Creating the node lease for IPv4. This is the n.Spec.PodCIDRs: [{subnet}]")),
                ('I', "main.go:419", "Waiting for all goroutines to exit".into()),
                ('I', "iptables.go:283", "bootstrap done".into()),
            ]
        }
        "registry.k8s.io/etcd" => return etcd(ct, pod, node, ip, at),
        "calico/node" => {
            return [
                (9, "startup/startup.go 431", "Early log level set to info".to_string()),
                (9, "startup/utils.go 126", format!("Using NODENAME environment for node name {node}")),
                (9, "startup/utils.go 138", "Determined node name: ".to_string() + node),
                (9, "startup/startup.go 227", "CALICO_NETWORKING_BACKEND is none - no BGP daemon running".into()),
                (58, "felix/daemon.go 382", "Successfully loaded configuration.".into()),
                (58, "felix/int_dataplane.go 1062", "Starting the dataplane driver".into()),
            ]
            .into_iter()
            .enumerate()
            .map(|(i, (pid, place, msg))| {
                let (ms, _) = micros(at, &seed, i);
                let t = DateTime::at(ms);
                LogLine {
                    at: ms,
                    text: format!(
                        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} [INFO][{pid}] {place}: {msg}",
                        t.year,
                        t.month,
                        t.day,
                        t.hour,
                        t.minute,
                        t.second,
                        ms.rem_euclid(1000)
                    ),
                }
            })
            .collect();
        }
        "registry.k8s.io/coredns/coredns" | "coredns/coredns" => {
            return [
                ".:53",
                "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
                "CoreDNS-1.11.3",
                "linux/amd64, go1.21.11, a6338e9",
            ]
            .iter()
            .map(|t| LogLine {
                at,
                text: t.to_string(),
            })
            .collect();
        }
        _ => return vec![],
    };
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (level, place, msg))| {
            let (ms, us) = micros(at, &seed, i);
            LogLine {
                at: ms,
                text: format!("{}{msg}", klog(level, ms, us, place)),
            }
        })
        .collect()
}

/// The node's pod subnet, from its flannel.1-less view: node N's address
/// 192.168.1.(N+1) owns 10.244.(N-1).0/24.
fn pod_subnet(ip: &str) -> String {
    let last: u8 = ip
        .rsplit('.')
        .next()
        .and_then(|o| o.parse().ok())
        .unwrap_or(2);
    format!("10.244.{}.0/24", last.saturating_sub(2))
}

/// etcd 3.5's zap lines, JSON, one object a line.
fn etcd(ct: &Container, pod: &Pod, node: &str, ip: &str, at: i64) -> Vec<LogLine> {
    let seed = pod.metadata.uid.clone().unwrap_or_default();
    let member = format!(
        "{:016x}",
        crate::text::fnv1a(format!("{node}/member").as_bytes()) as u64 * 0x9e37_79b9
    );
    let cluster = format!(
        "{:016x}",
        crate::text::fnv1a(format!("{node}/cluster").as_bytes()) as u64 * 0x85eb_ca6b
    );
    let args = serde_json::to_string(&ct.command).unwrap_or_default();
    let entries: Vec<(&str, &str, String)> = vec![
        ("info", "etcdmain/etcd.go:73", format!("\"msg\":\"Running: \",\"args\":{args}")),
        ("info", "embed/etcd.go:128", format!("\"msg\":\"configuring peer listeners\",\"listen-peer-urls\":[\"https://{ip}:2380\"]")),
        ("info", "embed/etcd.go:496", "\"msg\":\"starting with peer TLS\",\"tls-info\":\"cert = /etc/kubernetes/pki/etcd/peer.crt, key = /etc/kubernetes/pki/etcd/peer.key, client-cert=, client-key=, trusted-ca = /etc/kubernetes/pki/etcd/ca.crt, client-cert-auth = true, crl-file = \",\"cipher-suites\":[]".into()),
        ("info", "embed/etcd.go:136", format!("\"msg\":\"configuring client listeners\",\"listen-client-urls\":[\"https://127.0.0.1:2379\",\"https://{ip}:2379\"]")),
        ("info", "embed/etcd.go:310", format!("\"msg\":\"starting an etcd server\",\"etcd-version\":\"3.5.15\",\"git-sha\":\"9a5533382\",\"go-version\":\"go1.21.12\",\"go-os\":\"linux\",\"go-arch\":\"amd64\",\"max-cpu-set\":2,\"max-cpu-available\":2,\"member-initialized\":false,\"name\":\"{node}\",\"data-dir\":\"/var/lib/etcd\",\"wal-dir\":\"\",\"wal-dir-dedicated\":\"\",\"member-dir\":\"/var/lib/etcd/member\",\"force-new-cluster\":false,\"heartbeat-interval\":\"100ms\",\"election-timeout\":\"1s\",\"initial-election-tick-advance\":true,\"snapshot-count\":10000,\"max-wals\":5,\"max-snapshots\":5,\"snapshot-catchup-entries\":5000,\"initial-advertise-peer-urls\":[\"https://{ip}:2380\"],\"listen-peer-urls\":[\"https://{ip}:2380\"],\"advertise-client-urls\":[\"https://{ip}:2379\"],\"listen-client-urls\":[\"https://127.0.0.1:2379\",\"https://{ip}:2379\"],\"listen-metrics-urls\":[\"http://127.0.0.1:2381\"],\"cors\":[\"*\"],\"host-whitelist\":[\"*\"],\"initial-cluster\":\"{node}=https://{ip}:2380\",\"initial-cluster-state\":\"new\",\"initial-cluster-token\":\"etcd-cluster\",\"quota-backend-bytes\":2147483648,\"max-request-bytes\":1572864,\"max-concurrent-streams\":4294967295,\"pre-vote\":true,\"initial-corrupt-check\":true,\"corrupt-check-time-interval\":\"0s\",\"compact-check-time-enabled\":false,\"compact-check-time-interval\":\"1m0s\",\"auto-compaction-mode\":\"periodic\",\"auto-compaction-retention\":\"0s\",\"auto-compaction-interval\":\"0s\",\"discovery-url\":\"\",\"discovery-proxy\":\"\",\"downgrade-check-interval\":\"5s\"")),
        ("info", "raft/raft.go:1019", format!("\"msg\":\"{member} became leader at term 2\"")),
        ("info", "etcdserver/server.go:2118", format!("\"msg\":\"published local member to cluster through raft\",\"local-member-id\":\"{member}\",\"local-member-attributes\":\"{{Name:{node} ClientURLs:[https://{ip}:2379]}}\",\"request-path\":\"/0/members/{member}/attributes\",\"cluster-id\":\"{cluster}\",\"publish-timeout\":\"7s\"")),
        ("info", "embed/serve.go:103", "\"msg\":\"ready to serve client requests\"".into()),
        ("info", "etcdmain/main.go:44", "\"msg\":\"notifying init daemon\"".into()),
        ("info", "etcdmain/main.go:50", "\"msg\":\"successfully notified init daemon\"".into()),
        ("info", "embed/serve.go:250", "\"msg\":\"serving client traffic securely\",\"traffic\":\"grpc+http\",\"address\":\"127.0.0.1:2379\"".into()),
        ("info", "embed/serve.go:250", format!("\"msg\":\"serving client traffic securely\",\"traffic\":\"grpc+http\",\"address\":\"{ip}:2379\"")),
    ];
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (level, caller, rest))| {
            let (ms, us) = micros(at, &seed, i);
            LogLine {
                at: ms,
                text: format!(
                    "{{\"level\":\"{level}\",\"ts\":\"{}\",\"caller\":\"{caller}\",{rest}}}",
                    zap_ts(ms, us)
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn klog_headers_read_as_klog_writes_them() {
        let h = klog('I', 0, 123_456, "server.go:142");
        assert_eq!(h, "I1126 09:00:00.123456       1 server.go:142] ");
    }

    #[test]
    fn etcd_writes_json() {
        let ct = Container {
            image: "registry.k8s.io/etcd:3.5.15-0".into(),
            command: vec!["etcd".into()],
            ..Default::default()
        };
        let lines = startup(&ct, &Pod::default(), "node01", "192.168.1.2", 0);
        assert!(lines.len() > 5);
        for l in &lines {
            let v: serde_json::Value = serde_json::from_str(&l.text).expect("JSON");
            assert_eq!(v["level"], "info");
        }
    }
}
