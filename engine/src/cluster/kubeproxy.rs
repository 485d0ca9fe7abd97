//! kube-proxy in iptables mode: the rules `syncProxyRules` writes, and how a
//! node installs them.
//!
//! [`render`] is a pure function from the node and the Service ports to the
//! chains kube-proxy feeds to `iptables-restore` (nat and filter, plus the
//! empty canary chains) and the jump rules it ensures in the built-in chains.
//! [`install`] applies them to a host the way `iptables-restore --noflush`
//! and `iptables -C … || iptables -I …` do, so a re-sync changes nothing
//! that did not change.
//!
//! The rules follow `pkg/proxy/iptables/proxier.go` (v1.30/1.31): the same
//! chain names (`KUBE-SVC-` + base32(sha256(servicePortName + "tcp"))[:16]),
//! comments, match order, `statistic` probabilities and `recent` affinity.
//! The configuration is kubeadm's default: masquerade bit 14 (0x4000),
//! `--cluster-cidr` for the local-traffic detector, localhost NodePorts on,
//! no `nfacct`, iptables with `--random-fully`, `nf_conntrack_tcp_be_liberal`
//! off. TCP and UDP ports are programmed (`-m udp -p udp` for kube-dns'
//! `dns` port); `loadBalancerSourceRanges` get their KUBE-FW chain and
//! KUBE-PROXY-FIREWALL drops; health-check NodePorts are accepted in the
//! filter KUBE-NODEPORTS chain. Not modelled: SCTP ports, terminating
//! endpoints, topology hints and `--nodeport-addresses`.

use super::proxy_model::{Affinity, ProxyEndpoint, ProxyNode, ServicePortInfo};
use crate::map::{ByName, Map};
use crate::net::netfilter::{
    AddrSide, Chain, CtState, Match, Probability, Protocol, RecentAction, Rule, Table, Target,
};
use crate::net::Host;
use ipnet::Ipv4Net;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// `--masquerade-bit=14`.
pub const MASQ_MARK: u32 = 0x4000;
/// "Large cluster mode": above this many endpoints kube-proxy drops the
/// comments from SEP and SVC→SEP rules.
pub const LARGE_CLUSTER_ENDPOINTS: usize = 1000;

pub const KUBE_SERVICES: &str = "KUBE-SERVICES";
pub const KUBE_EXTERNAL_SERVICES: &str = "KUBE-EXTERNAL-SERVICES";
pub const KUBE_NODEPORTS: &str = "KUBE-NODEPORTS";
pub const KUBE_POSTROUTING: &str = "KUBE-POSTROUTING";
pub const KUBE_MARK_MASQ: &str = "KUBE-MARK-MASQ";
pub const KUBE_FORWARD: &str = "KUBE-FORWARD";
pub const KUBE_PROXY_FIREWALL: &str = "KUBE-PROXY-FIREWALL";
pub const KUBE_PROXY_CANARY: &str = "KUBE-PROXY-CANARY";
/// The kubelet's chain, which kube-proxy duplicates.
pub const KUBE_FIREWALL: &str = "KUBE-FIREWALL";

const NODEPORTS_COMMENT: &str =
    "kubernetes service nodeports; NOTE: this must be the last rule in this chain";

/// A rule kube-proxy (or the kubelet) ensures in a built-in chain.
#[derive(Debug, Clone, PartialEq)]
pub struct JumpRule {
    pub table: Table,
    pub chain: &'static str,
    pub rule: Rule,
}

/// Everything one sync writes on one node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProxyRules {
    /// User-defined nat chains, by name (`iptables-restore` input).
    pub nat: Map<String, Chain>,
    /// User-defined filter chains, by name.
    pub filter: Map<String, Chain>,
    /// User-defined mangle chains (only the canary).
    pub mangle: Map<String, Chain>,
    /// Jump rules, in the order kube-proxy ensures them; each is inserted at
    /// the top of its chain unless an identical rule is already there.
    pub jumps: Vec<JumpRule>,
}

impl ProxyRules {
    /// How many rules, in all chains of all tables.
    pub fn rule_count(&self) -> usize {
        [&self.nat, &self.filter, &self.mangle]
            .iter()
            .flat_map(|t| t.values())
            .map(|c| c.rules.len())
            .sum::<usize>()
            + self.jumps.len()
    }

    pub fn chains(&self, table: Table) -> &Map<String, Chain> {
        match table {
            Table::Nat => &self.nat,
            Table::Filter => &self.filter,
            Table::Mangle => &self.mangle,
        }
    }
}

/// `portProtoHash`: base32(sha256(s + proto))[:16].
fn hash16(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    crate::encoding::base32_encode(&digest)[..16].to_string()
}

/// An endpoint with the names kube-proxy derives from it.
struct Named<'a> {
    ep: &'a ProxyEndpoint,
    /// `10.244.0.2:80`.
    addr: String,
    /// `KUBE-SEP-…`.
    chain: String,
}

/// `KUBE-SVC-…` for a service port name such as `default/kubernetes:https`
/// and its protocol (`portProtoHash` hashes the lower-case protocol in).
pub fn svc_chain(service_port_name: &str, proto: Protocol) -> String {
    format!("KUBE-SVC-{}", port_proto_hash(service_port_name, proto))
}

/// `KUBE-SVL-…`: the Local-policy chain.
pub fn svl_chain(service_port_name: &str, proto: Protocol) -> String {
    format!("KUBE-SVL-{}", port_proto_hash(service_port_name, proto))
}

/// `KUBE-EXT-…`: the external-destinations chain.
pub fn ext_chain(service_port_name: &str, proto: Protocol) -> String {
    format!("KUBE-EXT-{}", port_proto_hash(service_port_name, proto))
}

/// `KUBE-FW-…`: the load balancer's source-range firewall chain.
pub fn fw_chain(service_port_name: &str, proto: Protocol) -> String {
    format!("KUBE-FW-{}", port_proto_hash(service_port_name, proto))
}

/// `KUBE-SEP-…` for one endpoint (`10.244.0.2:80`).
pub fn sep_chain(service_port_name: &str, proto: Protocol, endpoint: &str) -> String {
    format!(
        "KUBE-SEP-{}",
        hash16(&format!("{service_port_name}{}{endpoint}", proto.name()))
    )
}

fn port_proto_hash(service_port_name: &str, proto: Protocol) -> String {
    hash16(&format!("{service_port_name}{}", proto.name()))
}

/// Whether a chain name is one kube-proxy writes and deletes (`isServiceChainName`).
pub fn is_service_chain(name: &str) -> bool {
    [
        "KUBE-SVC-",
        "KUBE-SVL-",
        "KUBE-SEP-",
        "KUBE-FW-",
        "KUBE-EXT-",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

/// The chains kube-proxy owns in a table: replaced wholesale on every sync.
fn owned(table: Table, name: &str) -> bool {
    match table {
        Table::Nat => {
            is_service_chain(name)
                || [
                    KUBE_SERVICES,
                    KUBE_NODEPORTS,
                    KUBE_POSTROUTING,
                    KUBE_MARK_MASQ,
                    KUBE_PROXY_CANARY,
                ]
                .contains(&name)
        }
        Table::Filter => [
            KUBE_SERVICES,
            KUBE_EXTERNAL_SERVICES,
            KUBE_FORWARD,
            KUBE_NODEPORTS,
            KUBE_PROXY_FIREWALL,
            KUBE_FIREWALL,
            KUBE_PROXY_CANARY,
        ]
        .contains(&name),
        Table::Mangle => name == KUBE_PROXY_CANARY,
    }
}

fn comment(s: impl Into<String>) -> Match {
    Match::Comment(s.into())
}

fn jump(chain: &str) -> Target {
    Target::Jump(chain.to_string())
}

fn dst(ip: Ipv4Addr) -> Match {
    Match::Destination {
        negated: false,
        net: Ipv4Net::from(ip),
    }
}

/// `-m PROTO -p PROTO [--dport N]`, kube-proxy's order.
fn proto_match(proto: Protocol, dport: Option<u16>) -> [Match; 2] {
    let module = match proto {
        Protocol::Udp => Match::Udp { dport },
        _ => Match::Tcp { dport },
    };
    [module, Match::Protocol(proto)]
}

fn ctstate(states: &[CtState]) -> Match {
    Match::Conntrack {
        negated: false,
        states: states.to_vec(),
    }
}

/// `-m comment --comment C -m tcp -p tcp -d IP --dport P`, kube-proxy's
/// argument order for a VIP rule.
fn vip_matches(c: String, proto: Protocol, ip: Ipv4Addr, port: u16) -> Vec<Match> {
    let mut m = vec![comment(c)];
    m.extend(proto_match(proto, Some(port)));
    m.push(dst(ip));
    m
}

/// A Service port's endpoints as kube-proxy sees them: sorted by their
/// `ip:port` string (`byEndpoint`), duplicates dropped.
fn sorted_endpoints(svc: &ServicePortInfo) -> Vec<&ProxyEndpoint> {
    let mut eps: Vec<(String, &ProxyEndpoint)> = svc
        .endpoints
        .iter()
        .map(|e| (format!("{}:{}", e.ip, e.port), e))
        .collect();
    crate::sort::sort_by(&mut eps, |a, b| a.0.cmp(&b.0));
    eps.dedup_by(|a, b| a.0 == b.0);
    eps.into_iter().map(|(_, e)| e).collect()
}

/// One table's chains as a sync writes them: chain names are hashes, so
/// they are gathered in the order first named and sorted once at the end.
type Chains = ByName<Chain>;

/// The rules in all of a table's chains.
fn rule_count(chains: &Chains) -> usize {
    chains.iter().map(|(_, c)| c.rules.len()).sum()
}

struct Writer<'a> {
    node: &'a ProxyNode,
    large_cluster: bool,
    nat: Chains,
    filter: Chains,
}

impl Writer<'_> {
    fn nat(&mut self, chain: &str, matches: Vec<Match>, target: Target) {
        self.nat
            .get_or_insert_with(chain, Chain::default)
            .rules
            .push(Rule::new(matches, target));
    }

    fn filter(&mut self, chain: &str, matches: Vec<Match>, target: Target) {
        self.filter
            .get_or_insert_with(chain, Chain::default)
            .rules
            .push(Rule::new(matches, target));
    }

    fn declare_nat(&mut self, chain: &str) {
        self.nat.get_or_insert_with(chain, Chain::default);
    }

    /// `appendServiceCommentLocked`: no comment in large cluster mode.
    fn service_comment(&self, c: String) -> Vec<Match> {
        if self.large_cluster {
            vec![]
        } else {
            vec![comment(c)]
        }
    }

    fn not_local(&self) -> Match {
        Match::Source {
            negated: true,
            net: self.node.cluster_cidr,
        }
    }

    fn local(&self) -> Match {
        Match::Source {
            negated: false,
            net: self.node.cluster_cidr,
        }
    }

    /// `writeServiceToEndpointRules`.
    fn service_to_endpoints(
        &mut self,
        spn: &str,
        svc: &ServicePortInfo,
        chain: &str,
        endpoints: &[&Named<'_>],
    ) {
        if let Affinity::ClientIp { timeout_seconds } = svc.affinity {
            for ep in endpoints {
                let mut m = self.service_comment(format!("{spn} -> {}", ep.addr));
                m.push(Match::Recent {
                    name: ep.chain.clone(),
                    action: RecentAction::Check {
                        seconds: timeout_seconds,
                        reap: true,
                    },
                });
                self.nat(chain, m, Target::Jump(ep.chain.clone()));
            }
        }
        let n = endpoints.len();
        for (i, ep) in endpoints.iter().enumerate() {
            let mut m = self.service_comment(format!("{spn} -> {}", ep.addr));
            if i + 1 < n {
                m.push(Match::Statistic(Probability::one_in(n - i)));
            }
            self.nat(chain, m, Target::Jump(ep.chain.clone()));
        }
    }

    fn service(&mut self, svc: &ServicePortInfo) {
        let Some(cluster_ip) = svc.cluster_ip else {
            // Headless: DNS answers with the pods; no rules at all.
            return;
        };
        let spn = svc.service_port_name();
        let proto = svc.protocol;
        let hash = port_proto_hash(&spn, proto);
        let svc_chain = format!("KUBE-SVC-{hash}");
        let svl_chain = format!("KUBE-SVL-{hash}");
        let ext_chain = format!("KUBE-EXT-{hash}");
        let fw_chain = format!("KUBE-FW-{hash}");

        let externally_accessible = svc.node_port.is_some()
            || !svc.external_ips.is_empty()
            || !svc.load_balancer_ips.is_empty();
        let internal_local = svc.internal_policy_local;
        let external_local = svc.external_policy_local && externally_accessible;
        let uses_cluster_endpoints = !internal_local || externally_accessible;
        let uses_local_endpoints = internal_local || external_local;

        // CategorizeEndpoints, with Ready endpoints only.
        let ready: Vec<Named<'_>> = sorted_endpoints(svc)
            .into_iter()
            .filter(|e| e.ready)
            .map(|ep| {
                let addr = format!("{}:{}", ep.ip, ep.port);
                let chain = sep_chain(&spn, proto, &addr);
                Named { ep, addr, chain }
            })
            .collect();
        let ready: Vec<&Named<'_>> = ready.iter().collect();
        let mut has_endpoints = false;
        let cluster: Vec<&Named<'_>> = if uses_cluster_endpoints {
            ready.clone()
        } else {
            vec![]
        };
        has_endpoints |= !cluster.is_empty();
        let mut local: Vec<&Named<'_>> = vec![];
        if uses_local_endpoints {
            has_endpoints |= !ready.is_empty();
            local = ready
                .iter()
                .copied()
                .filter(|e| e.ep.node == self.node.name)
                .collect();
        }
        let reachable: Vec<&Named<'_>> = if !uses_local_endpoints {
            cluster.clone()
        } else if !uses_cluster_endpoints {
            local.clone()
        } else {
            let mut r = cluster.clone();
            r.extend(
                local
                    .iter()
                    .filter(|l| !cluster.iter().any(|c| c.addr == l.addr)),
            );
            r
        };

        let uses_cluster_chain = !cluster.is_empty() && uses_cluster_endpoints;
        let uses_local_chain = !local.is_empty() && uses_local_endpoints;
        let (internal_chain, has_internal) = if internal_local {
            (&svl_chain, has_endpoints && !local.is_empty())
        } else {
            (&svc_chain, has_endpoints)
        };
        let (external_policy_chain, has_external) = if external_local {
            (&svl_chain, has_endpoints && !local.is_empty())
        } else {
            (&svc_chain, has_endpoints)
        };
        let uses_ext_chain = has_endpoints && externally_accessible;
        // 0.0.0.0/0 among the ranges means "allow any", as no ranges do.
        let source_ranges: Vec<Ipv4Net> = if svc
            .load_balancer_source_ranges
            .iter()
            .any(|r| r.prefix_len() == 0)
        {
            vec![]
        } else {
            svc.load_balancer_source_ranges.clone()
        };
        let uses_fw_chain =
            has_endpoints && !svc.load_balancer_ips.is_empty() && !source_ranges.is_empty();
        let load_balancer_chain = if uses_fw_chain { &fw_chain } else { &ext_chain };

        let (internal_filter, external_filter, filter_comment) = if !has_endpoints {
            (
                Target::Reject,
                Target::Reject,
                format!("{spn} has no endpoints"),
            )
        } else {
            (
                Target::Drop,
                Target::Drop,
                format!("{spn} has no local endpoints"),
            )
        };

        // The cluster IP.
        if has_internal {
            self.nat(
                KUBE_SERVICES,
                vip_matches(format!("{spn} cluster IP"), proto, cluster_ip, svc.port),
                jump(internal_chain),
            );
        } else {
            self.filter(
                KUBE_SERVICES,
                vip_matches(filter_comment.clone(), proto, cluster_ip, svc.port),
                internal_filter,
            );
        }

        // External IPs.
        for ip in &svc.external_ips {
            if has_endpoints {
                self.nat(
                    KUBE_SERVICES,
                    vip_matches(format!("{spn} external IP"), proto, *ip, svc.port),
                    jump(&ext_chain),
                );
            }
            if !has_external {
                self.filter(
                    KUBE_EXTERNAL_SERVICES,
                    vip_matches(filter_comment.clone(), proto, *ip, svc.port),
                    external_filter.clone(),
                );
            }
        }

        // Load-balancer ingress.
        for ip in &svc.load_balancer_ips {
            if has_endpoints {
                self.nat(
                    KUBE_SERVICES,
                    vip_matches(format!("{spn} loadbalancer IP"), proto, *ip, svc.port),
                    jump(load_balancer_chain),
                );
            }
            if uses_fw_chain {
                let fw = fw_chain.clone();
                self.filter(
                    KUBE_PROXY_FIREWALL,
                    vip_matches(
                        format!("{spn} traffic not accepted by {fw}"),
                        proto,
                        *ip,
                        svc.port,
                    ),
                    Target::Drop,
                );
            }
        }
        if !has_external {
            for ip in &svc.load_balancer_ips {
                self.filter(
                    KUBE_EXTERNAL_SERVICES,
                    vip_matches(filter_comment.clone(), proto, *ip, svc.port),
                    external_filter.clone(),
                );
            }
        }

        // The NodePort. (The `-d 127.0.0.0/8 … -m nfacct` twin needs nfacct.)
        if let Some(np) = svc.node_port {
            if has_endpoints {
                let mut m = vec![comment(spn.clone())];
                m.extend(proto_match(proto, Some(np)));
                self.nat(KUBE_NODEPORTS, m, jump(&ext_chain));
            }
            if !has_external {
                let mut m = vec![
                    comment(filter_comment.clone()),
                    Match::AddrType {
                        negated: false,
                        side: AddrSide::Dst,
                    },
                ];
                m.extend(proto_match(proto, Some(np)));
                self.filter(KUBE_EXTERNAL_SERVICES, m, external_filter.clone());
            }
        }

        // The health-check port: accepted whether or not this node has a
        // local endpoint; kube-proxy's server answers 200 or 503 on it.
        if let Some(hc) = svc.health_check_node_port {
            let mut m = vec![comment(format!("{spn} health check node port"))];
            m.extend(proto_match(Protocol::Tcp, Some(hc)));
            self.filter(KUBE_NODEPORTS, m, Target::Accept);
        }

        // Internal traffic: masquerade off-cluster sources.
        if has_internal {
            let mut m = vip_matches(format!("{spn} cluster IP"), proto, cluster_ip, svc.port);
            m.push(self.not_local());
            self.nat(internal_chain, m, jump(KUBE_MARK_MASQ));
        }

        // External traffic.
        if uses_ext_chain {
            self.declare_nat(&ext_chain);
            if !external_local {
                self.nat(
                    &ext_chain,
                    vec![comment(format!(
                        "masquerade traffic for {spn} external destinations"
                    ))],
                    jump(KUBE_MARK_MASQ),
                );
            } else {
                self.nat(
                    &ext_chain,
                    vec![
                        comment(format!("pod traffic for {spn} external destinations")),
                        self.local(),
                    ],
                    jump(&svc_chain),
                );
                let src_local = Match::AddrType {
                    negated: false,
                    side: AddrSide::Src,
                };
                self.nat(
                    &ext_chain,
                    vec![
                        comment(format!(
                            "masquerade LOCAL traffic for {spn} external destinations"
                        )),
                        src_local.clone(),
                    ],
                    jump(KUBE_MARK_MASQ),
                );
                self.nat(
                    &ext_chain,
                    vec![
                        comment(format!(
                            "route LOCAL traffic for {spn} external destinations"
                        )),
                        src_local,
                    ],
                    jump(&svc_chain),
                );
            }
            if has_external {
                self.nat(&ext_chain, vec![], jump(external_policy_chain));
            }
        }

        // The firewall: listed sources go on to the EXT chain; anything that
        // falls off the end is not DNATed and meets KUBE-PROXY-FIREWALL.
        if uses_fw_chain {
            self.declare_nat(&fw_chain);
            let lb_comment = format!("{spn} loadbalancer IP");
            let mut allow_from_node = false;
            for cidr in &source_ranges {
                self.nat(
                    &fw_chain,
                    vec![
                        comment(lb_comment.clone()),
                        Match::Source {
                            negated: false,
                            net: *cidr,
                        },
                    ],
                    jump(&ext_chain),
                );
                allow_from_node |= self.node.ip.is_some_and(|ip| cidr.contains(&ip));
            }
            if allow_from_node {
                for ip in &svc.load_balancer_ips {
                    self.nat(
                        &fw_chain,
                        vec![
                            comment(lb_comment.clone()),
                            Match::Source {
                                negated: false,
                                net: Ipv4Net::from(*ip),
                            },
                        ],
                        jump(&ext_chain),
                    );
                }
            }
            self.nat(
                &fw_chain,
                vec![comment(format!(
                    "other traffic to {spn} will be dropped by KUBE-PROXY-FIREWALL"
                ))],
                Target::None,
            );
        }

        if uses_cluster_chain {
            self.declare_nat(&svc_chain);
            self.service_to_endpoints(&spn, svc, &svc_chain, &cluster);
        }
        if uses_local_chain {
            self.declare_nat(&svl_chain);
            self.service_to_endpoints(&spn, svc, &svl_chain, &local);
        }

        for ep in reachable {
            let sep = &ep.chain;
            let base = self.service_comment(spn.clone());
            let mut hairpin = base.clone();
            hairpin.push(Match::Source {
                negated: false,
                net: Ipv4Net::from(ep.ep.ip),
            });
            self.nat(sep, hairpin, jump(KUBE_MARK_MASQ));
            let mut m = base;
            if matches!(svc.affinity, Affinity::ClientIp { .. }) {
                m.push(Match::Recent {
                    name: sep.clone(),
                    action: RecentAction::Set,
                });
            }
            m.extend(proto_match(proto, None));
            self.nat(
                sep,
                m,
                Target::Dnat {
                    to: ep.ep.ip,
                    port: Some(ep.ep.port),
                },
            );
        }
    }
}

/// The rules kube-proxy writes on `node` for `services` (one entry per
/// Service port, in the order given; headless ones are skipped).
pub fn render(node: &ProxyNode, services: &[ServicePortInfo]) -> ProxyRules {
    let mut w = Writer {
        node,
        large_cluster: large_cluster(services),
        nat: Chains::default(),
        filter: Chains::default(),
    };
    w.header();
    for svc in services {
        w.service(svc);
    }
    w.finish()
}

/// One Service port's share of a sync: the rules it adds to each chain,
/// in order (its own chains, and its lines in the shared ones).
#[derive(Debug, Clone, Default)]
struct Fragment {
    nat: Chains,
    filter: Chains,
}

/// What kube-proxy keeps of one node's last sync: each Service port's
/// rules, with what they were rendered from.
#[derive(Debug, Clone)]
struct NodeRender {
    node: ProxyNode,
    large_cluster: bool,
    /// `namespace/name:port/protocol`, in the order rendered.
    ports: Vec<(String, ServicePortInfo, Fragment)>,
}

/// kube-proxy's memory between syncs: a Service port that did not change
/// is not rendered again (its chain names are SHA-256 hashes, the most of
/// a sync's cost); its rules are reused, in the same order, so the result
/// is what [`render`] makes. A cache: it never makes two worlds different.
#[derive(Debug, Clone, Default)]
pub struct RenderCache {
    nodes: Map<String, NodeRender>,
}

impl PartialEq for RenderCache {
    fn eq(&self, _: &RenderCache) -> bool {
        true
    }
}

impl RenderCache {
    /// [`render`], reusing what did not change since the node's last
    /// sync; and how many rules had to be rendered anew.
    pub fn render(
        &mut self,
        node: &ProxyNode,
        services: &[ServicePortInfo],
    ) -> (ProxyRules, usize) {
        let large_cluster = large_cluster(services);
        let last = self
            .nodes
            .remove(&node.name)
            .filter(|n| n.node == *node && n.large_cluster == large_cluster);
        // Each port's last fragment, found by its key and taken once.
        let mut last: Vec<_> = last
            .map(|n| n.ports)
            .unwrap_or_default()
            .into_iter()
            .map(Some)
            .collect();
        let index: HashMap<String, usize> = last
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((p.as_ref()?.0.clone(), i)))
            .collect();
        let mut w = Writer {
            node,
            large_cluster,
            nat: Chains::default(),
            filter: Chains::default(),
        };
        w.header();
        let mut ports = Vec::with_capacity(services.len());
        let mut rendered = 0;
        for svc in services {
            let key = format!("{}/{}", svc.service_port_name(), svc.protocol.name());
            let reused = index.get(&key).and_then(|&i| last[i].take());
            let fragment = match reused {
                Some((_, info, fragment)) if info == *svc => fragment,
                _ => {
                    let mut own = Writer {
                        node,
                        large_cluster,
                        nat: Chains::default(),
                        filter: Chains::default(),
                    };
                    own.service(svc);
                    let fragment = Fragment {
                        nat: own.nat,
                        filter: own.filter,
                    };
                    rendered += rule_count(&fragment.nat) + rule_count(&fragment.filter);
                    fragment
                }
            };
            w.append(&fragment);
            ports.push((key, svc.clone(), fragment));
        }
        self.nodes.insert(
            node.name.clone(),
            NodeRender {
                node: node.clone(),
                large_cluster,
                ports,
            },
        );
        (w.finish(), rendered)
    }
}

/// "Large cluster mode": more endpoints than kube-proxy writes comments for.
fn large_cluster(services: &[ServicePortInfo]) -> bool {
    let total_endpoints: usize = services
        .iter()
        .filter(|s| s.cluster_ip.is_some())
        .map(|s| s.endpoints.len())
        .sum();
    total_endpoints > LARGE_CLUSTER_ENDPOINTS
}

impl Writer<'_> {
    /// The rules before any Service's: the masquerade chains and the
    /// localnet guard.
    fn header(&mut self) {
        for c in [
            KUBE_SERVICES,
            KUBE_EXTERNAL_SERVICES,
            KUBE_FORWARD,
            KUBE_NODEPORTS,
            KUBE_PROXY_FIREWALL,
            KUBE_FIREWALL,
            KUBE_PROXY_CANARY,
        ] {
            self.filter.get_or_insert_with(c, Chain::default);
        }
        for c in [
            KUBE_SERVICES,
            KUBE_NODEPORTS,
            KUBE_POSTROUTING,
            KUBE_MARK_MASQ,
            KUBE_PROXY_CANARY,
        ] {
            self.declare_nat(c);
        }

        self.nat(
            KUBE_POSTROUTING,
            vec![Match::Mark {
                negated: true,
                value: MASQ_MARK,
                mask: MASQ_MARK,
            }],
            Target::Return,
        );
        // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
        self.nat(
            KUBE_POSTROUTING,
            vec![],
            Target::SetXmark {
                value: MASQ_MARK,
                mask: 0,
            },
        );
        self.nat(
            KUBE_POSTROUTING,
            vec![comment("kubernetes service traffic requiring SNAT")],
            Target::Masquerade { random_fully: true },
        );
        self.nat(
            KUBE_MARK_MASQ,
            vec![],
            Target::SetXmark {
                value: MASQ_MARK,
                mask: MASQ_MARK,
            },
        );
        // route_localnet's guard (localhost NodePorts are on).
        let loopback: Ipv4Net = "127.0.0.0/8".parse().expect("literal");
        self.filter(
            KUBE_FIREWALL,
            vec![
                comment("block incoming localnet connections"),
                Match::Destination {
                    negated: false,
                    net: loopback,
                },
                Match::Source {
                    negated: true,
                    net: loopback,
                },
                Match::Conntrack {
                    negated: true,
                    states: vec![CtState::Related, CtState::Established, CtState::Dnat],
                },
            ],
            Target::Drop,
        );
    }

    /// A Service port's rules, rendered before, after those so far.
    fn append(&mut self, fragment: &Fragment) {
        for (mine, theirs) in [
            (&mut self.nat, &fragment.nat),
            (&mut self.filter, &fragment.filter),
        ] {
            for (name, chain) in theirs.iter() {
                mine.get_or_insert_with(name, Chain::default)
                    .rules
                    .extend(chain.rules.iter().cloned());
            }
        }
    }

    /// The rules after every Service's, and the whole sync.
    fn finish(mut self) -> ProxyRules {
        // The tail-call to the NodePorts chain: after every service portal.
        self.nat(
            KUBE_SERVICES,
            vec![
                comment(NODEPORTS_COMMENT),
                Match::AddrType {
                    negated: false,
                    side: AddrSide::Dst,
                },
            ],
            jump(KUBE_NODEPORTS),
        );

        self.filter(
            KUBE_FORWARD,
            vec![ctstate(&[CtState::Invalid])],
            Target::Drop,
        );
        self.filter(
            KUBE_FORWARD,
            vec![
                comment("kubernetes forwarding rules"),
                Match::Mark {
                    negated: false,
                    value: MASQ_MARK,
                    mask: MASQ_MARK,
                },
            ],
            Target::Accept,
        );
        self.filter(
            KUBE_FORWARD,
            vec![
                comment("kubernetes forwarding conntrack rule"),
                ctstate(&[CtState::Related, CtState::Established]),
            ],
            Target::Accept,
        );

        let mut mangle = Map::new();
        mangle.insert(KUBE_PROXY_CANARY.to_string(), Chain::default());
        ProxyRules {
            nat: self.nat.into_map(),
            filter: self.filter.into_map(),
            mangle,
            jumps: jump_rules(),
        }
    }
}

/// `iptablesKubeletJumpChains` then `iptablesJumpChains`, each ensured with
/// `EnsureRule(Prepend, …)`. The kubelet's KUBE-FIREWALL jumps come first
/// (the kubelet starts before kube-proxy), so on a fresh node they end up
/// below kube-proxy's, as on a real node.
fn jump_rules() -> Vec<JumpRule> {
    let new = || ctstate(&[CtState::New]);
    let j = |table, chain, mut extra: Vec<Match>, c: &str, to: &str| {
        if !c.is_empty() {
            extra.push(comment(c));
        }
        JumpRule {
            table,
            chain,
            rule: Rule::new(extra, jump(to)),
        }
    };
    use Table::{Filter, Nat};
    vec![
        j(Filter, "INPUT", vec![], "", KUBE_FIREWALL),
        j(Filter, "OUTPUT", vec![], "", KUBE_FIREWALL),
        j(
            Filter,
            "INPUT",
            vec![new()],
            "kubernetes externally-visible service portals",
            KUBE_EXTERNAL_SERVICES,
        ),
        j(
            Filter,
            "FORWARD",
            vec![new()],
            "kubernetes externally-visible service portals",
            KUBE_EXTERNAL_SERVICES,
        ),
        j(
            Filter,
            "INPUT",
            vec![],
            "kubernetes health check service ports",
            KUBE_NODEPORTS,
        ),
        j(
            Filter,
            "FORWARD",
            vec![new()],
            "kubernetes service portals",
            KUBE_SERVICES,
        ),
        j(
            Filter,
            "OUTPUT",
            vec![new()],
            "kubernetes service portals",
            KUBE_SERVICES,
        ),
        j(
            Filter,
            "FORWARD",
            vec![],
            "kubernetes forwarding rules",
            KUBE_FORWARD,
        ),
        j(
            Filter,
            "INPUT",
            vec![new()],
            "kubernetes load balancer firewall",
            KUBE_PROXY_FIREWALL,
        ),
        j(
            Filter,
            "OUTPUT",
            vec![new()],
            "kubernetes load balancer firewall",
            KUBE_PROXY_FIREWALL,
        ),
        j(
            Filter,
            "FORWARD",
            vec![new()],
            "kubernetes load balancer firewall",
            KUBE_PROXY_FIREWALL,
        ),
        j(
            Nat,
            "OUTPUT",
            vec![],
            "kubernetes service portals",
            KUBE_SERVICES,
        ),
        j(
            Nat,
            "PREROUTING",
            vec![],
            "kubernetes service portals",
            KUBE_SERVICES,
        ),
        j(
            Nat,
            "POSTROUTING",
            vec![],
            "kubernetes postrouting rules",
            KUBE_POSTROUTING,
        ),
    ]
}

/// Installs a sync's rules on a node: kube-proxy's chains are replaced (and
/// stale service chains deleted), other chains are left alone, and each jump
/// rule is inserted at the top of its built-in chain unless it is already
/// there. Installing the same rules twice changes nothing.
pub fn install(host: &mut Host, rules: &ProxyRules) {
    for table in [Table::Mangle, Table::Filter, Table::Nat] {
        host.netfilter
            .sync_user_chains(table, |name| owned(table, name), rules.chains(table));
    }
    for j in &rules.jumps {
        let present = host
            .netfilter
            .chain(j.table, j.chain)
            .is_some_and(|c| c.rules.contains(&j.rule));
        if !present {
            host.netfilter.insert(j.table, j.chain, 0, j.rule.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Netfilter;

    fn node(name: &str) -> ProxyNode {
        ProxyNode {
            name: name.to_string(),
            cluster_cidr: "10.244.0.0/16".parse().unwrap(),
            ip: None,
        }
    }

    fn ep(ip: &str, node: &str) -> ProxyEndpoint {
        ProxyEndpoint {
            ip: ip.parse().unwrap(),
            port: 80,
            node: node.to_string(),
            ready: true,
        }
    }

    fn kubernetes() -> ServicePortInfo {
        ServicePortInfo {
            namespace: "default".into(),
            name: "kubernetes".into(),
            port_name: "https".into(),
            cluster_ip: Some("10.96.0.1".parse().unwrap()),
            port: 443,
            node_port: None,
            external_ips: vec![],
            load_balancer_ips: vec![],
            external_policy_local: false,
            internal_policy_local: false,
            protocol: Protocol::Tcp,
            load_balancer_source_ranges: vec![],
            health_check_node_port: None,
            affinity: Affinity::None,
            endpoints: vec![ProxyEndpoint {
                ip: "192.168.1.2".parse().unwrap(),
                port: 6443,
                node: "node01".into(),
                ready: true,
            }],
        }
    }

    /// §4 of the reference: `myapp-service`, NodePort 30008, three endpoints.
    fn myapp() -> ServicePortInfo {
        ServicePortInfo {
            namespace: "default".into(),
            name: "myapp-service".into(),
            port_name: String::new(),
            cluster_ip: Some("10.106.1.12".parse().unwrap()),
            port: 80,
            node_port: Some(30008),
            external_ips: vec![],
            load_balancer_ips: vec![],
            external_policy_local: false,
            internal_policy_local: false,
            protocol: Protocol::Tcp,
            load_balancer_source_ranges: vec![],
            health_check_node_port: None,
            affinity: Affinity::None,
            endpoints: vec![
                ep("10.244.0.2", "node01"),
                ep("10.244.0.3", "node01"),
                ep("10.244.0.4", "node01"),
            ],
        }
    }

    /// The cache's rules are [`render`]'s, whatever changed since the last
    /// sync, and only what changed is rendered again.
    #[test]
    fn cached_syncs_render_what_render_does() {
        let mut cache = RenderCache::default();
        let with = |n: usize, eps: usize| -> Vec<ServicePortInfo> {
            let mut v = vec![kubernetes()];
            for i in 0..n {
                let mut s = myapp();
                s.name = format!("s{i}");
                s.cluster_ip = Some(std::net::Ipv4Addr::new(10, 96, 1, i as u8));
                s.node_port = Some(30000 + i as u16);
                s.endpoints.truncate(eps);
                v.push(s);
            }
            v
        };
        let a = node("node01");
        let b = node("node02");
        let mut total = 0;
        for (services, on) in [
            (with(3, 3), &a),
            (with(3, 3), &a),
            (with(4, 3), &a),
            (with(4, 1), &a),
            (with(2, 1), &b),
            (with(2, 0), &a),
            (with(5, 2), &b),
        ] {
            let (rules, rendered) = cache.render(on, &services);
            assert_eq!(rules, render(on, &services));
            total += rendered;
        }
        // The same sync again renders nothing.
        let services = with(5, 2);
        let (_, rendered) = cache.render(&b, &services);
        assert_eq!(rendered, 0);
        assert!(total > 0);
        // Past a thousand endpoints every comment goes: all anew.
        let mut big = with(1, 3);
        big[1].endpoints = (0..1001)
            .map(|i| ep(&format!("10.244.{}.{}", i / 250, i % 250 + 1), "node01"))
            .collect();
        let (rules, rendered) = cache.render(&b, &big);
        assert_eq!(rules, render(&b, &big));
        assert!(rendered > 1001);
    }

    fn installed(services: &[ServicePortInfo]) -> Host {
        let mut host = Host::new("node01", crate::net::HostKind::Node);
        install(&mut host, &render(&node("node01"), services));
        host
    }

    fn lines(nf: &Netfilter, table: Table) -> Vec<String> {
        nf.save_table(table)
            .lines()
            .filter(|l| l.starts_with("-A "))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn chain_names_match_kube_proxy() {
        assert_eq!(
            svc_chain("default/kubernetes:https", Protocol::Tcp),
            "KUBE-SVC-NPX46M4PTMTKRN6Y"
        );
        assert_eq!(
            svc_chain("ns1/svc1:p80", Protocol::Tcp),
            "KUBE-SVC-XPGD46QRK7WJZT7O"
        );
        assert_eq!(
            svc_chain("default/myapp-service", Protocol::Tcp),
            "KUBE-SVC-HV6ZUR45AI72VIJI"
        );
        assert_eq!(
            ext_chain("default/myapp-service", Protocol::Tcp),
            "KUBE-EXT-HV6ZUR45AI72VIJI"
        );
        assert_eq!(
            sep_chain("default/myapp-service", Protocol::Tcp, "10.244.0.2:80"),
            "KUBE-SEP-Q5JOQ2TNM742LKJL"
        );
        assert_eq!(
            sep_chain("default/myapp-service", Protocol::Tcp, "10.244.0.3:80"),
            "KUBE-SEP-IWHWVFBAZZGGLST3"
        );
        assert_eq!(
            sep_chain("default/myapp-service", Protocol::Tcp, "10.244.0.4:80"),
            "KUBE-SEP-Q3GOWWVB2EKSFZT2"
        );
        // The golden test's ns3/svc3 and ns5/svc5.
        assert_eq!(
            svc_chain("ns3/svc3:p80", Protocol::Tcp),
            "KUBE-SVC-X27LE4BHSL4DOUIK"
        );
        assert_eq!(
            sep_chain("ns3/svc3:p80", Protocol::Tcp, "10.180.0.3:80"),
            "KUBE-SEP-OYPFS5VJICHGATKP"
        );
        assert_eq!(
            sep_chain("ns5/svc5:p80", Protocol::Tcp, "10.180.0.3:80"),
            "KUBE-SEP-I77PXRDZVX7PMWMN"
        );
    }

    /// The worked example renders to exactly §4b's `iptables-save -t nat` lines.
    #[test]
    fn worked_example_matches_iptables_save() {
        let host = installed(&[kubernetes(), myapp()]);
        let expected = r#"-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-EXT-HV6ZUR45AI72VIJI -m comment --comment "masquerade traffic for default/myapp-service external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-HV6ZUR45AI72VIJI -j KUBE-SVC-HV6ZUR45AI72VIJI
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/myapp-service" -m tcp --dport 30008 -j KUBE-EXT-HV6ZUR45AI72VIJI
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-IWHWVFBAZZGGLST3 -s 10.244.0.3/32 -m comment --comment "default/myapp-service" -j KUBE-MARK-MASQ
-A KUBE-SEP-IWHWVFBAZZGGLST3 -p tcp -m comment --comment "default/myapp-service" -m tcp -j DNAT --to-destination 10.244.0.3:80
-A KUBE-SEP-Q3GOWWVB2EKSFZT2 -s 10.244.0.4/32 -m comment --comment "default/myapp-service" -j KUBE-MARK-MASQ
-A KUBE-SEP-Q3GOWWVB2EKSFZT2 -p tcp -m comment --comment "default/myapp-service" -m tcp -j DNAT --to-destination 10.244.0.4:80
-A KUBE-SEP-Q5JOQ2TNM742LKJL -s 10.244.0.2/32 -m comment --comment "default/myapp-service" -j KUBE-MARK-MASQ
-A KUBE-SEP-Q5JOQ2TNM742LKJL -p tcp -m comment --comment "default/myapp-service" -m tcp -j DNAT --to-destination 10.244.0.2:80
-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
-A KUBE-SERVICES -d 10.106.1.12/32 -p tcp -m comment --comment "default/myapp-service cluster IP" -m tcp --dport 80 -j KUBE-SVC-HV6ZUR45AI72VIJI
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-HV6ZUR45AI72VIJI ! -s 10.244.0.0/16 -d 10.106.1.12/32 -p tcp -m comment --comment "default/myapp-service cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-HV6ZUR45AI72VIJI -m comment --comment "default/myapp-service -> 10.244.0.2:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-Q5JOQ2TNM742LKJL
-A KUBE-SVC-HV6ZUR45AI72VIJI -m comment --comment "default/myapp-service -> 10.244.0.3:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-IWHWVFBAZZGGLST3
-A KUBE-SVC-HV6ZUR45AI72VIJI -m comment --comment "default/myapp-service -> 10.244.0.4:80" -j KUBE-SEP-Q3GOWWVB2EKSFZT2"#;
        let got = lines(&host.netfilter, Table::Nat);
        // §4b lists this service's rules and the kubernetes portal; the
        // kubernetes Service's own SVC/SEP chains are "other rules".
        let ours: Vec<&String> = got
            .iter()
            .filter(|l| {
                !l.contains("KUBE-SVC-NPX46M4PTMTKRN6Y ") || l.starts_with("-A KUBE-SERVICES")
            })
            .filter(|l| !l.contains("default/kubernetes:https\""))
            .collect();
        let want: Vec<&str> = expected.lines().collect();
        assert_eq!(ours, want, "\n{}", host.netfilter.save_table(Table::Nat));
    }

    #[test]
    fn chain_declarations_are_sorted_like_iptables_save() {
        let host = installed(&[myapp()]);
        let save = host.netfilter.save_table(Table::Nat);
        let decl: Vec<&str> = save.lines().filter(|l| l.starts_with(':')).collect();
        assert_eq!(
            decl,
            [
                ":PREROUTING ACCEPT [0:0]",
                ":INPUT ACCEPT [0:0]",
                ":OUTPUT ACCEPT [0:0]",
                ":POSTROUTING ACCEPT [0:0]",
                ":KUBE-EXT-HV6ZUR45AI72VIJI - [0:0]",
                ":KUBE-MARK-MASQ - [0:0]",
                ":KUBE-NODEPORTS - [0:0]",
                ":KUBE-POSTROUTING - [0:0]",
                ":KUBE-PROXY-CANARY - [0:0]",
                ":KUBE-SEP-IWHWVFBAZZGGLST3 - [0:0]",
                ":KUBE-SEP-Q3GOWWVB2EKSFZT2 - [0:0]",
                ":KUBE-SEP-Q5JOQ2TNM742LKJL - [0:0]",
                ":KUBE-SERVICES - [0:0]",
                ":KUBE-SVC-HV6ZUR45AI72VIJI - [0:0]",
            ]
        );
    }

    /// The filter table of a real kubeadm node, kube-proxy's part.
    #[test]
    fn filter_table_jumps_and_fixed_chains() {
        let host = installed(&[myapp()]);
        let got = lines(&host.netfilter, Table::Filter);
        let expected = r#"-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"#;
        assert_eq!(got, expected.lines().collect::<Vec<_>>());
    }

    #[test]
    fn installing_twice_changes_nothing() {
        let rules = render(&node("node01"), &[kubernetes(), myapp()]);
        let mut host = Host::new("node01", crate::net::HostKind::Node);
        install(&mut host, &rules);
        let once = host.netfilter.clone();
        install(&mut host, &rules);
        assert_eq!(host.netfilter, once);
        // A later sync without the Service removes its chains.
        install(&mut host, &render(&node("node01"), &[kubernetes()]));
        let nat = host.netfilter.save_table(Table::Nat);
        assert!(!nat.contains("HV6ZUR45AI72VIJI"), "{nat}");
        assert!(!nat.contains("KUBE-SEP-Q5JOQ2TNM742LKJL"), "{nat}");
        assert_eq!(nat.matches("-A PREROUTING").count(), 1);
    }

    /// §4d: no endpoints, so no nat chains and two REJECT rules.
    #[test]
    fn no_endpoints_rejects() {
        let mut svc = myapp();
        svc.endpoints.clear();
        let host = installed(&[svc]);
        let nat = lines(&host.netfilter, Table::Nat);
        assert!(!nat.iter().any(|l| l.contains("myapp")), "{nat:#?}");
        assert!(nat.contains(&"-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS".to_string()));
        let filter = lines(&host.netfilter, Table::Filter);
        for want in [
            "-A KUBE-SERVICES -d 10.106.1.12/32 -p tcp -m comment --comment \"default/myapp-service has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable",
            "-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"default/myapp-service has no endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 30008 -j REJECT --reject-with icmp-port-unreachable",
        ] {
            assert!(filter.contains(&want.to_string()), "{filter:#?}");
        }
    }

    #[test]
    fn unready_endpoints_are_not_used() {
        let mut svc = myapp();
        for e in &mut svc.endpoints {
            e.ready = false;
        }
        let host = installed(&[svc]);
        assert!(lines(&host.netfilter, Table::Filter)
            .iter()
            .any(|l| l.contains("has no endpoints")));
    }

    #[test]
    fn headless_services_get_no_rules() {
        let mut svc = myapp();
        svc.cluster_ip = None;
        let host = installed(&[svc]);
        let all = host.netfilter.save_table(Table::Nat) + &host.netfilter.save_table(Table::Filter);
        assert!(!all.contains("myapp"), "{all}");
    }

    /// eTP Local on a node without an endpoint: DROP in the filter table,
    /// and the short-circuits in KUBE-EXT for local and pod traffic.
    #[test]
    fn external_policy_local_without_local_endpoint_drops() {
        let mut svc = myapp();
        svc.external_policy_local = true;
        let rules = render(&node("node02"), &[svc]);
        let mut host = Host::new("node02", crate::net::HostKind::Node);
        install(&mut host, &rules);
        let filter = lines(&host.netfilter, Table::Filter);
        assert!(filter.contains(&"-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"default/myapp-service has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 30008 -j DROP".to_string()), "{filter:#?}");
        let nat = lines(&host.netfilter, Table::Nat);
        let ext: Vec<&String> = nat
            .iter()
            .filter(|l| l.starts_with("-A KUBE-EXT-HV6ZUR45AI72VIJI"))
            .collect();
        assert_eq!(
            ext,
            [
                "-A KUBE-EXT-HV6ZUR45AI72VIJI -s 10.244.0.0/16 -m comment --comment \"pod traffic for default/myapp-service external destinations\" -j KUBE-SVC-HV6ZUR45AI72VIJI",
                "-A KUBE-EXT-HV6ZUR45AI72VIJI -m comment --comment \"masquerade LOCAL traffic for default/myapp-service external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
                "-A KUBE-EXT-HV6ZUR45AI72VIJI -m comment --comment \"route LOCAL traffic for default/myapp-service external destinations\" -m addrtype --src-type LOCAL -j KUBE-SVC-HV6ZUR45AI72VIJI",
            ]
        );
        assert!(!nat.iter().any(|l| l.contains("KUBE-SVL-")), "{nat:#?}");

        // On the node with the pods, the last rule goes to the Local chain.
        let host = installed(&[ServicePortInfo {
            external_policy_local: true,
            ..myapp()
        }]);
        let nat = lines(&host.netfilter, Table::Nat);
        assert!(
            nat.contains(&"-A KUBE-EXT-HV6ZUR45AI72VIJI -j KUBE-SVL-HV6ZUR45AI72VIJI".to_string())
        );
        assert!(nat.contains(&"-A KUBE-SVL-HV6ZUR45AI72VIJI -m comment --comment \"default/myapp-service -> 10.244.0.4:80\" -j KUBE-SEP-Q3GOWWVB2EKSFZT2".to_string()), "{nat:#?}");
    }

    #[test]
    fn internal_policy_local_without_local_endpoint_drops_the_cluster_ip() {
        let svc = ServicePortInfo {
            internal_policy_local: true,
            protocol: Protocol::Tcp,
            load_balancer_source_ranges: vec![],
            health_check_node_port: None,
            node_port: None,
            ..myapp()
        };
        let host = {
            let mut h = Host::new("node02", crate::net::HostKind::Node);
            install(&mut h, &render(&node("node02"), &[svc]));
            h
        };
        let filter = lines(&host.netfilter, Table::Filter);
        assert!(filter.contains(&"-A KUBE-SERVICES -d 10.106.1.12/32 -p tcp -m comment --comment \"default/myapp-service has no local endpoints\" -m tcp --dport 80 -j DROP".to_string()), "{filter:#?}");
    }

    /// ns5/svc5 of the golden test: ClientIP affinity.
    #[test]
    fn affinity_rules() {
        let svc = ServicePortInfo {
            namespace: "ns5".into(),
            name: "svc5".into(),
            port_name: "p80".into(),
            cluster_ip: Some("172.30.0.45".parse().unwrap()),
            affinity: Affinity::ClientIp {
                timeout_seconds: 10800,
            },
            node_port: None,
            endpoints: vec![ep("10.180.0.3", "node01")],
            ..myapp()
        };
        let host = installed(&[svc]);
        let nat = lines(&host.netfilter, Table::Nat);
        for want in [
            "-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 -> 10.180.0.3:80\" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -j KUBE-SEP-I77PXRDZVX7PMWMN",
            "-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 -> 10.180.0.3:80\" -j KUBE-SEP-I77PXRDZVX7PMWMN",
            "-A KUBE-SEP-I77PXRDZVX7PMWMN -p tcp -m comment --comment \"ns5/svc5:p80\" -m recent --set --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.3:80",
        ] {
            assert!(nat.contains(&want.to_string()), "missing {want}\n{nat:#?}");
        }
        // The affinity checks come before the load-balancing rules.
        let svc_rules: Vec<&String> = nat
            .iter()
            .filter(|l| l.starts_with("-A KUBE-SVC-NUKIZ6OKUXPJNT4C"))
            .collect();
        assert!(svc_rules[1].contains("--rcheck"), "{svc_rules:#?}");
    }

    /// kube-proxy sorts endpoints by their `ip:port` string, so .10 sorts before .2.
    #[test]
    fn endpoints_sort_as_strings() {
        let svc = ServicePortInfo {
            endpoints: vec![ep("10.244.0.2", "node01"), ep("10.244.0.10", "node01")],
            ..myapp()
        };
        let host = installed(&[svc]);
        let nat = lines(&host.netfilter, Table::Nat);
        let to_sep: Vec<&String> = nat
            .iter()
            .filter(|l| l.starts_with("-A KUBE-SVC-HV6ZUR45AI72VIJI -m comment"))
            .collect();
        assert!(to_sep[0].contains("10.244.0.10:80") && to_sep[0].contains("0.50000000000"));
        assert!(to_sep[1].contains("10.244.0.2:80"));
    }

    #[test]
    fn large_clusters_drop_endpoint_comments() {
        let eps: Vec<ProxyEndpoint> = (0..1001u32)
            .map(|i| ProxyEndpoint {
                ip: Ipv4Addr::from(0x0af4_0000 + i + 2),
                port: 80,
                node: "node01".into(),
                ready: true,
            })
            .collect();
        let svc = ServicePortInfo {
            endpoints: eps,
            ..myapp()
        };
        let rules = render(&node("node01"), &[svc]);
        let sep = rules
            .nat
            .get(&sep_chain(
                "default/myapp-service",
                Protocol::Tcp,
                "10.244.0.2:80",
            ))
            .unwrap();
        assert!(sep.rules.iter().all(|r| r.comment().is_none()));
        let svc = rules.nat.get("KUBE-SVC-HV6ZUR45AI72VIJI").unwrap();
        assert!(
            svc.rules[0].comment().is_some(),
            "the masquerade rule keeps its comment"
        );
        assert!(svc.rules[1].comment().is_none());
    }

    #[test]
    fn external_and_load_balancer_ips() {
        let svc = ServicePortInfo {
            external_ips: vec!["192.168.1.200".parse().unwrap()],
            load_balancer_ips: vec!["203.0.113.100".parse().unwrap()],
            ..myapp()
        };
        let host = installed(&[svc]);
        let nat = lines(&host.netfilter, Table::Nat);
        assert!(nat.contains(&"-A KUBE-SERVICES -d 192.168.1.200/32 -p tcp -m comment --comment \"default/myapp-service external IP\" -m tcp --dport 80 -j KUBE-EXT-HV6ZUR45AI72VIJI".to_string()), "{nat:#?}");
        assert!(nat.contains(&"-A KUBE-SERVICES -d 203.0.113.100/32 -p tcp -m comment --comment \"default/myapp-service loadbalancer IP\" -m tcp --dport 80 -j KUBE-EXT-HV6ZUR45AI72VIJI".to_string()), "{nat:#?}");
        // The nodeports tail rule is still last.
        let services: Vec<&String> = nat
            .iter()
            .filter(|l| l.starts_with("-A KUBE-SERVICES"))
            .collect();
        assert!(services.last().unwrap().contains("-j KUBE-NODEPORTS"));
    }

    /// kube-dns' three ports as a kubeadm node's `iptables-save` prints them.
    #[test]
    fn kube_dns_rules_name_their_protocol() {
        let port = |name: &str, protocol: Protocol, p: u16| ServicePortInfo {
            namespace: "kube-system".into(),
            name: "kube-dns".into(),
            port_name: name.into(),
            protocol,
            cluster_ip: Some("10.96.0.10".parse().unwrap()),
            port: p,
            node_port: None,
            endpoints: vec![ProxyEndpoint {
                ip: "10.244.0.254".parse().unwrap(),
                port: p,
                node: "node01".into(),
                ready: true,
            }],
            ..myapp()
        };
        let host = installed(&[
            port("dns", Protocol::Udp, 53),
            port("dns-tcp", Protocol::Tcp, 53),
            port("metrics", Protocol::Tcp, 9153),
        ]);
        let nat = lines(&host.netfilter, Table::Nat);
        for want in [
            r#"-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU"#,
            r#"-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4"#,
            r#"-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:metrics cluster IP" -m tcp --dport 9153 -j KUBE-SVC-JD5MR3NA4I4DYORP"#,
        ] {
            assert!(nat.iter().any(|l| l == want), "{want}\n{nat:#?}");
        }
        assert!(nat.iter().any(
            |l| l.contains("-p udp") && l.contains("-j DNAT --to-destination 10.244.0.254:53")
        ));
    }

    /// `loadBalancerSourceRanges`: a KUBE-FW chain in nat, a DROP in filter.
    #[test]
    fn source_ranges_write_a_firewall_chain() {
        let svc = ServicePortInfo {
            load_balancer_ips: vec!["203.0.113.100".parse().unwrap()],
            load_balancer_source_ranges: vec!["192.168.1.0/24".parse().unwrap()],
            ..myapp()
        };
        let node = ProxyNode {
            ip: Some("192.168.1.2".parse().unwrap()),
            ..node("node01")
        };
        let mut host = Host::new("node01", crate::net::HostKind::Node);
        install(&mut host, &render(&node, &[svc]));
        let nat = lines(&host.netfilter, Table::Nat);
        let fw = fw_chain("default/myapp-service", Protocol::Tcp);
        let expected = [
            format!(
                r#"-A KUBE-SERVICES -d 203.0.113.100/32 -p tcp -m comment --comment "default/myapp-service loadbalancer IP" -m tcp --dport 80 -j {fw}"#
            ),
            format!(
                r#"-A {fw} -s 192.168.1.0/24 -m comment --comment "default/myapp-service loadbalancer IP" -j KUBE-EXT-HV6ZUR45AI72VIJI"#
            ),
            // The node is inside the range, so the VIP may be its source too.
            format!(
                r#"-A {fw} -s 203.0.113.100/32 -m comment --comment "default/myapp-service loadbalancer IP" -j KUBE-EXT-HV6ZUR45AI72VIJI"#
            ),
            format!(
                r#"-A {fw} -m comment --comment "other traffic to default/myapp-service will be dropped by KUBE-PROXY-FIREWALL""#
            ),
        ];
        for want in &expected {
            assert!(nat.contains(want), "{want}\n{nat:#?}");
        }
        let filter = lines(&host.netfilter, Table::Filter);
        let drop = format!(
            r#"-A KUBE-PROXY-FIREWALL -d 203.0.113.100/32 -p tcp -m comment --comment "default/myapp-service traffic not accepted by {fw}" -m tcp --dport 80 -j DROP"#
        );
        assert!(filter.contains(&drop), "{filter:#?}");
    }

    #[test]
    fn a_zero_source_range_allows_everyone() {
        let svc = ServicePortInfo {
            load_balancer_ips: vec!["203.0.113.100".parse().unwrap()],
            load_balancer_source_ranges: vec!["0.0.0.0/0".parse().unwrap()],
            ..myapp()
        };
        let host = installed(&[svc]);
        assert!(!lines(&host.netfilter, Table::Nat)
            .iter()
            .any(|l| l.contains("KUBE-FW-")));
    }

    #[test]
    fn health_check_node_port_is_accepted() {
        let svc = ServicePortInfo {
            health_check_node_port: Some(32123),
            ..myapp()
        };
        let host = installed(&[svc]);
        let filter = lines(&host.netfilter, Table::Filter);
        assert!(filter.contains(&r#"-A KUBE-NODEPORTS -p tcp -m comment --comment "default/myapp-service health check node port" -m tcp --dport 32123 -j ACCEPT"#.to_string()), "{filter:#?}");
    }
}
