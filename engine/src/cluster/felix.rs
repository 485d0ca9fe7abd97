//! Calico's Felix as Canal runs it on each node: the filter table's `cali-`
//! chains that enforce NetworkPolicy on the node's pods, and the ipsets
//! those chains read. Modelled on Felix 3.28's rule renderer
//! (`felix/rules/endpoints.go`, `static.go`, `policy.go`):
//!
//! - `FORWARD` jumps to `cali-FORWARD` first; a packet leaving a pod's
//!   `cali…` veth goes through `cali-from-wl-dispatch` to that pod's
//!   `cali-fw-…` chain (its egress), and one entering a pod's veth through
//!   `cali-to-wl-dispatch` to its `cali-tw-…` chain (its ingress).
//! - A workload chain accepts replies (conntrack), clears the mark bits,
//!   and, when policies select the pod in that direction, jumps to each
//!   policy's `cali-pi-…`/`cali-po-…` chain, returns if one set the accept
//!   mark (0x10000), and otherwise ends in `End of tier default. Drop if no
//!   policies passed packet`. With no policy, the namespace's and the
//!   service account's profiles (`cali-pri-kns.NS`) accept.
//! - A policy chain has one rule per allowed peer and protocol, matching
//!   the peers' addresses in an ipset (`cali40s:…`), and sets the accept
//!   mark, each followed by a return.
//!
//! Rule comments are Felix's rule hashes (`cali:` + 16 characters): a
//! SHA-224 chained over the chain's name and each rule as Felix renders
//! it; long chain names are shortened as Felix's `GetLengthLimitedID` does.
//! Calico always lets a host reach its own pods (kubelet's probes), so the
//! node's own traffic to its pods passes no policy.

use super::objects::{at, list_at, selector_at, str_at, LabelSelector, Unstructured};
use super::policy::{selects, Direction};
use super::Cluster;
use crate::map::{ByName, Map};
use crate::net::netfilter::{Chain, CtState, IpSet, Match, Protocol, Rule, Table, Target};
use crate::net::Host;
use ipnet::Ipv4Net;
use sha2::{Digest, Sha224, Sha256};
use std::net::Ipv4Addr;

/// The pods' gateway: an address nobody owns; the node's veth answers ARP
/// for it (proxy ARP).
pub const POD_GATEWAY: Ipv4Addr = Ipv4Addr::new(169, 254, 1, 1);

/// Felix's mark bits (the defaults Canal runs with).
const MARK_ACCEPT: u32 = 0x10000;
const MARK_PASS: u32 = 0x20000;
const MARK_SCRATCH: u32 = 0xc0000;

/// iptables' longest chain name.
const MAX_CHAIN_NAME: usize = 28;

/// The name of a pod's host-side veth, as Calico's CNI plugin picks it:
/// `cali` + the first 11 hex digits of SHA-1(`namespace.pod`).
pub fn veth_name(namespace: &str, pod: &str) -> String {
    use sha1::Sha1;
    let digest = Sha1::digest(format!("{namespace}.{pod}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("cali{}", &hex[..11])
}

/// Felix's `GetLengthLimitedID`: `prefix + suffix`, or, when that is too
/// long, `prefix + "_" +` the start of base64url(SHA-256(suffix)).
fn length_limited(prefix: &str, suffix: &str) -> String {
    let total = prefix.len() + suffix.len();
    if total > MAX_CHAIN_NAME || (total == MAX_CHAIN_NAME && suffix.starts_with('_')) {
        let hash = crate::encoding::base64url_nopad_encode(&Sha256::digest(suffix.as_bytes()));
        let left = MAX_CHAIN_NAME - 1 - prefix.len();
        format!("{prefix}_{}", &hash[..left])
    } else {
        format!("{prefix}{suffix}")
    }
}

/// One rule as Felix builds it: each match and the action with the text
/// Felix renders for it (which its hash is computed over) and the
/// netfilter form the walk evaluates.
struct FelixRule {
    comment: Option<String>,
    matches: Vec<(String, Match)>,
    action: (String, Target),
}

impl FelixRule {
    fn new(action: (String, Target)) -> FelixRule {
        FelixRule {
            comment: None,
            matches: vec![],
            action,
        }
    }

    fn comment(mut self, c: &str) -> FelixRule {
        self.comment = Some(c.to_string());
        self
    }

    fn when(mut self, text: String, m: Match) -> FelixRule {
        self.matches.push((text, m));
        self
    }

    fn when_iface(self, out: bool, name: &str) -> FelixRule {
        let (text, m) = iface_match(out, name);
        self.when(text, m)
    }

    fn mark_clear(self, mark: u32) -> FelixRule {
        self.when(
            format!("-m mark --mark 0/{mark:#x}"),
            Match::Mark {
                negated: false,
                value: 0,
                mask: mark,
            },
        )
    }

    fn mark_set(self, mark: u32) -> FelixRule {
        self.when(
            format!("-m mark --mark {mark:#x}/{mark:#x}"),
            Match::Mark {
                negated: false,
                value: mark,
                mask: mark,
            },
        )
    }

    fn ctstate(self, text: &str, states: Vec<CtState>) -> FelixRule {
        self.when(
            format!("-m conntrack --ctstate {text}"),
            Match::Conntrack {
                negated: false,
                states,
            },
        )
    }

    /// `-A CHAIN HASH …`: the text Felix hashes.
    fn render_for_hash(&self, chain: &str) -> String {
        let mut parts = vec!["-A".to_string(), chain.to_string(), "HASH".to_string()];
        if let Some(c) = &self.comment {
            parts.push(format!("-m comment --comment \"{c}\""));
        }
        parts.extend(self.matches.iter().map(|(t, _)| t.clone()));
        parts.push(self.action.0.clone());
        parts.join(" ")
    }
}

fn jump(chain: &str) -> (String, Target) {
    (format!("--jump {chain}"), Target::Jump(chain.to_string()))
}

fn goto(chain: &str) -> (String, Target) {
    (format!("--goto {chain}"), Target::Goto(chain.to_string()))
}

fn ret() -> (String, Target) {
    ("--jump RETURN".into(), Target::Return)
}

fn drop() -> (String, Target) {
    ("--jump DROP".into(), Target::Drop)
}

fn accept() -> (String, Target) {
    ("--jump ACCEPT".into(), Target::Accept)
}

fn set_mark(mark: u32) -> (String, Target) {
    (
        format!("--jump MARK --set-mark {mark:#x}/{mark:#x}"),
        Target::SetXmark {
            value: mark,
            mask: mark,
        },
    )
}

fn clear_mark(mark: u32) -> (String, Target) {
    (
        format!("--jump MARK --set-mark 0/{mark:#x}"),
        Target::SetXmark {
            value: 0,
            mask: mark,
        },
    )
}

fn iface_match(out: bool, name: &str) -> (String, Match) {
    if out {
        (
            format!("--out-interface {name}"),
            Match::OutInterface {
                negated: false,
                name: name.to_string(),
            },
        )
    } else {
        (
            format!("--in-interface {name}"),
            Match::InInterface {
                negated: false,
                name: name.to_string(),
            },
        )
    }
}

/// Felix's rule hashes of a chain: SHA-224 over the chain's name, then
/// over the previous hash and each rule's text in turn; base64url, 16
/// characters.
fn rule_hashes(chain: &str, rules: &[FelixRule]) -> Vec<String> {
    let mut hash = Sha224::digest(chain.as_bytes()).to_vec();
    rules
        .iter()
        .map(|r| {
            let mut s = Sha224::new();
            s.update(&hash);
            s.update(r.render_for_hash(chain).as_bytes());
            hash = s.finalize().to_vec();
            crate::encoding::base64url_nopad_encode(&hash)[..16].to_string()
        })
        .collect()
}

/// A chain's rules as netfilter holds them: Felix's hash comment first,
/// then its own comment, then the matches.
fn to_chain(name: &str, rules: Vec<FelixRule>) -> Chain {
    let hashes = rule_hashes(name, &rules);
    Chain {
        policy: None,
        rules: rules
            .into_iter()
            .zip(hashes)
            .map(|(r, h)| {
                let mut matches = vec![Match::Comment(format!("cali:{h}"))];
                matches.extend(r.comment.map(Match::Comment));
                matches.extend(r.matches.into_iter().map(|(_, m)| m));
                Rule::new(matches, r.action.1)
            })
            .collect(),
    }
}

/// A pod Felix sees: a workload endpoint.
struct Endpoint<'a> {
    namespace: &'a str,
    iface: String,
    service_account: String,
    policies_in: Vec<&'a Unstructured>,
    policies_out: Vec<&'a Unstructured>,
}

/// What Felix writes on one node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FelixRules {
    pub chains: Map<String, Chain>,
    pub ipsets: Map<String, IpSet>,
}

/// The name Felix gives a Kubernetes NetworkPolicy's policy chain.
pub fn policy_chain(direction: Direction, policy: &Unstructured) -> String {
    let prefix = match direction {
        Direction::Ingress => "cali-pi-",
        Direction::Egress => "cali-po-",
    };
    length_limited(
        prefix,
        &format!(
            "{}/knp.default.{}",
            policy.namespace(),
            policy.metadata.name
        ),
    )
}

/// Felix's rules for `node`, from the pods, namespaces and policies.
pub fn render(cluster: &Cluster, node: &str) -> FelixRules {
    let mut out = FelixRules::default();
    let policies: Vec<&Unstructured> = cluster.objects_of("NetworkPolicy", None).collect();
    let mut endpoints: Vec<Endpoint> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.spec.node_name.as_deref() == Some(node))
        .filter(|(_, p)| p.spec.host_network != Some(true))
        .filter(|(_, p)| p.status.pod_ip.is_some())
        .map(|((ns, name), p)| {
            let labels = &p.metadata.labels;
            let of = |d| {
                policies
                    .iter()
                    .copied()
                    .filter(|pol| selects(pol, ns, labels, d))
                    .collect()
            };
            Endpoint {
                namespace: ns,
                iface: veth_name(ns, name),
                service_account: p
                    .spec
                    .service_account_name
                    .as_ref()
                    .and_then(|v| v.as_str())
                    .unwrap_or("default")
                    .to_string(),
                policies_in: of(Direction::Ingress),
                policies_out: of(Direction::Egress),
            }
        })
        .collect();
    crate::sort::sort_by(&mut endpoints, |a, b| a.iface.cmp(&b.iface));

    // Named by hashes, in their hundreds: gathered, sorted once at the end.
    let mut chains: ByName<Vec<FelixRule>> = ByName::default();
    chains.insert(
        "cali-FORWARD",
        vec![
            FelixRule::new(clear_mark(MARK_PASS | MARK_SCRATCH)),
            FelixRule::new(jump("cali-from-hep-forward")).mark_clear(MARK_ACCEPT),
            FelixRule::new(jump("cali-from-wl-dispatch")).when_iface(false, "cali+"),
            FelixRule::new(jump("cali-to-wl-dispatch")).when_iface(true, "cali+"),
            FelixRule::new(jump("cali-to-hep-forward")),
            FelixRule::new(jump("cali-cidr-block")),
        ],
    );
    for empty in [
        "cali-from-hep-forward",
        "cali-to-hep-forward",
        "cali-cidr-block",
    ] {
        chains.insert(empty, vec![]);
    }
    chains.insert(
        "cali-INPUT",
        vec![FelixRule::new(goto("cali-wl-to-host")).when_iface(false, "cali+")],
    );
    chains.insert(
        "cali-wl-to-host",
        vec![
            FelixRule::new(jump("cali-from-wl-dispatch")),
            FelixRule::new(accept()).comment("Configured DefaultEndpointToHostAction"),
        ],
    );
    for (chain, out, prefix) in [
        ("cali-from-wl-dispatch", false, "cali-fw-"),
        ("cali-to-wl-dispatch", true, "cali-tw-"),
    ] {
        let mut rules: Vec<FelixRule> = endpoints
            .iter()
            .map(|e| {
                FelixRule::new(goto(&length_limited(prefix, &e.iface))).when_iface(out, &e.iface)
            })
            .collect();
        rules.push(FelixRule::new(drop()).comment("Unknown interface"));
        chains.insert(chain, rules);
    }

    let mut profiles = vec![];
    for e in &endpoints {
        let kns = format!("kns.{}", e.namespace);
        let ksa = format!("ksa.{}.{}", e.namespace, e.service_account);
        for (dir, prefix, profile_prefix, policies) in [
            (Direction::Ingress, "cali-tw-", "cali-pri-", &e.policies_in),
            (Direction::Egress, "cali-fw-", "cali-pro-", &e.policies_out),
        ] {
            let mut rules = vec![
                FelixRule::new(accept()).ctstate(
                    "RELATED,ESTABLISHED",
                    vec![CtState::Related, CtState::Established],
                ),
                FelixRule::new(drop()).ctstate("INVALID", vec![CtState::Invalid]),
                FelixRule::new(clear_mark(MARK_ACCEPT | MARK_PASS)),
            ];
            if !policies.is_empty() {
                rules.push(FelixRule::new(clear_mark(MARK_PASS)).comment("Start of tier default"));
                for p in policies.iter() {
                    rules.push(FelixRule::new(jump(&policy_chain(dir, p))).mark_clear(MARK_PASS));
                    rules.push(
                        FelixRule::new(ret())
                            .comment("Return if policy accepted")
                            .mark_set(MARK_ACCEPT),
                    );
                }
                rules.push(
                    FelixRule::new(drop())
                        .comment("End of tier default. Drop if no policies passed packet")
                        .mark_clear(MARK_PASS),
                );
            }
            for profile in [&kns, &ksa] {
                let name = length_limited(profile_prefix, profile);
                rules.push(FelixRule::new(jump(&name)));
                rules.push(
                    FelixRule::new(ret())
                        .comment("Return if profile accepted")
                        .mark_set(MARK_ACCEPT),
                );
                profiles.push((name, profile.starts_with("kns.")));
            }
            rules.push(FelixRule::new(drop()).comment("Drop if no profiles matched"));
            chains.insert(&length_limited(prefix, &e.iface), rules);
        }
        for (dir, list) in [
            (Direction::Ingress, &e.policies_in),
            (Direction::Egress, &e.policies_out),
        ] {
            for p in list.iter() {
                let name = policy_chain(dir, p);
                if !chains.contains(&name) {
                    let rules = policy_rules(cluster, p, dir, &mut out.ipsets);
                    chains.insert(&name, rules);
                }
            }
        }
    }
    // A namespace's profile accepts everything (Kubernetes' default);
    // a service account's has no rules of its own.
    for (name, is_namespace) in profiles {
        let rules = if is_namespace {
            vec![
                FelixRule::new(set_mark(MARK_ACCEPT)),
                FelixRule::new(ret()).mark_set(MARK_ACCEPT),
            ]
        } else {
            vec![]
        };
        chains.get_or_insert_with(&name, || rules);
    }
    out.chains = chains
        .into_map()
        .into_iter()
        .map(|(name, rules)| {
            let chain = to_chain(&name, rules);
            (name, chain)
        })
        .collect();
    out
}

/// A rule's ports of one protocol: numbers and ranges, and names.
type Ports = (Vec<(u16, u16)>, Vec<String>);

/// A peer of a policy rule: whose addresses it allows.
enum Peer {
    Any,
    /// Pods chosen by a pod selector, a namespace selector, or both.
    Pods {
        namespaces: Option<LabelSelector>,
        pods: Option<LabelSelector>,
    },
    Block {
        cidr: Ipv4Net,
        except: Vec<Ipv4Net>,
    },
}

/// The rules of one policy's chain in `direction`: for each rule of the
/// policy, each peer and each protocol of its ports, a match that sets
/// the accept mark, then a return once it is set.
fn policy_rules(
    cluster: &Cluster,
    policy: &Unstructured,
    direction: Direction,
    ipsets: &mut Map<String, IpSet>,
) -> Vec<FelixRule> {
    let (list, peers_key, side) = match direction {
        Direction::Ingress => ("ingress", "from", "src"),
        Direction::Egress => ("egress", "to", "dst"),
    };
    let ns = policy.namespace();
    let mut rules = vec![];
    for rule in list_at(policy.spec(), &[list]) {
        let peers: Vec<Peer> = match at(rule, &[peers_key]).as_array() {
            Some(ps) if !ps.is_empty() => ps.iter().filter_map(peer).collect(),
            _ => vec![Peer::Any],
        };
        // Ports by protocol (TCP when unsaid), numbers and ranges apart
        // from names.
        let mut by_proto: Map<&str, Ports> = Map::new();
        for p in list_at(rule, &["ports"]) {
            let proto = match str_at(p, &["protocol"]) {
                "" => "TCP",
                other => other,
            };
            let entry = by_proto.entry(proto).or_default();
            match at(p, &["port"]) {
                v if v.is_u64() => {
                    let lo = v.as_u64().unwrap_or(0) as u16;
                    let hi = at(p, &["endPort"]).as_u64().map_or(lo, |e| e as u16);
                    entry.0.push((lo, hi));
                }
                v if v.is_string() => entry.1.push(v.as_str().unwrap_or("").to_string()),
                _ => {}
            }
        }
        // One rule per protocol; with no ports, one rule for any.
        let protos: Vec<Option<(&str, Ports)>> = if by_proto.is_empty() {
            vec![None]
        } else {
            by_proto.into_iter().map(Some).collect()
        };
        for peer in &peers {
            for proto in &protos {
                let mut r = FelixRule::new(set_mark(MARK_ACCEPT));
                if let Some((p, _)) = proto {
                    let (name, protocol) = match *p {
                        "UDP" => ("udp", Protocol::Udp),
                        _ => ("tcp", Protocol::Tcp),
                    };
                    r = r.when(format!("-p {name}"), Match::Protocol(protocol));
                }
                match peer {
                    Peer::Any => {}
                    Peer::Pods { namespaces, pods } => {
                        let set = selector_set(cluster, ns, namespaces.as_ref(), pods.as_ref());
                        let name = set_name(&set.0);
                        r = r.when(
                            format!("-m set --match-set {name} {side}"),
                            Match::Set {
                                negated: false,
                                name: name.clone(),
                                flags: side.into(),
                            },
                        );
                        ipsets.insert(
                            name,
                            IpSet {
                                nets: set.1,
                                ip_ports: vec![],
                            },
                        );
                    }
                    Peer::Block { cidr, except } => {
                        let (flag, src) = if side == "src" {
                            ("--source", true)
                        } else {
                            ("--destination", false)
                        };
                        let net = |negated: bool, net: Ipv4Net| {
                            if src {
                                Match::Source { negated, net }
                            } else {
                                Match::Destination { negated, net }
                            }
                        };
                        r = r.when(format!("{flag} {cidr}"), net(false, *cidr));
                        for e in except {
                            r = r.when(format!("! {flag} {e}"), net(true, *e));
                        }
                    }
                }
                if let Some((p, (nums, names))) = proto {
                    if !nums.is_empty() {
                        let text = nums
                            .iter()
                            .map(|(lo, hi)| {
                                if lo == hi {
                                    lo.to_string()
                                } else {
                                    format!("{lo}:{hi}")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(",");
                        r = r.when(
                            format!("-m multiport --destination-ports {text}"),
                            Match::Multiport {
                                dports: nums.clone(),
                            },
                        );
                    }
                    for port_name in names {
                        // A named port: the pods that declare it, each with
                        // its number (an ip,port set on the destination).
                        let (name, set) = named_port_set(cluster, p, port_name);
                        r = r.when(
                            format!("-m set --match-set {name} dst,dst"),
                            Match::Set {
                                negated: false,
                                name: name.clone(),
                                flags: "dst,dst".into(),
                            },
                        );
                        ipsets.insert(name, set);
                    }
                }
                rules.push(r);
                rules.push(FelixRule::new(ret()).mark_set(MARK_ACCEPT));
            }
        }
    }
    rules
}

fn peer(v: &serde_json::Value) -> Option<Peer> {
    if let Some(block) = at(v, &["ipBlock"]).as_object() {
        let cidr = block.get("cidr")?.as_str()?.parse().ok()?;
        let except = block
            .get("except")
            .and_then(|e| e.as_array())
            .map(|e| e.iter().filter_map(|x| x.as_str()?.parse().ok()).collect())
            .unwrap_or_default();
        return Some(Peer::Block { cidr, except });
    }
    let has = |k: &str| !at(v, &[k]).is_null();
    Some(Peer::Pods {
        namespaces: has("namespaceSelector").then(|| selector_at(v, &["namespaceSelector"])),
        pods: has("podSelector").then(|| selector_at(v, &["podSelector"])),
    })
}

/// The selector as Calico writes it for the ipset's name, and the
/// addresses of the pods it chooses: a pod selector alone chooses in the
/// policy's namespace; with a namespace selector, in the namespaces it
/// chooses.
fn selector_set(
    cluster: &Cluster,
    policy_ns: &str,
    namespaces: Option<&LabelSelector>,
    pods: Option<&LabelSelector>,
) -> (String, Vec<Ipv4Net>) {
    let pod_terms = pods.map(LabelSelector::format).unwrap_or_default();
    let text = match namespaces {
        None => format!(
            "(projectcalico.org/orchestrator == 'k8s' && {pod_terms}) && projectcalico.org/namespace == '{policy_ns}'"
        ),
        Some(n) => format!(
            "(projectcalico.org/orchestrator == 'k8s' && {pod_terms}) && pcns.{}",
            n.format()
        ),
    };
    let mut nets: Vec<Ipv4Net> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.spec.host_network != Some(true))
        .filter(|((ns, _), p)| {
            let ns_ok = match namespaces {
                None => ns == policy_ns,
                Some(sel) => cluster
                    .namespaces
                    .get(ns)
                    .is_some_and(|n| sel.matches(&n.metadata.labels)),
            };
            ns_ok && pods.is_none_or(|sel| sel.matches(&p.metadata.labels))
        })
        .filter_map(|(_, p)| p.status.pod_ip.as_deref()?.parse::<Ipv4Addr>().ok())
        .filter_map(|ip| Ipv4Net::new(ip, 32).ok())
        .collect();
    crate::sort::sort(&mut nets);
    (text, nets)
}

/// Felix's name for a selector's ipset: `cali40s:` and 23 characters of
/// base64url(SHA-224(selector)).
fn set_name(selector: &str) -> String {
    let hash = crate::encoding::base64url_nopad_encode(&Sha224::digest(selector.as_bytes()));
    format!("cali40s:{}", &hash[..23])
}

/// The ipset of a named port: every pod's address with the number its
/// container gives the name (Felix's `cali40n:` sets).
fn named_port_set(cluster: &Cluster, proto: &str, port: &str) -> (String, IpSet) {
    let hash = crate::encoding::base64url_nopad_encode(&Sha224::digest(
        format!("{proto}:{port}").as_bytes(),
    ));
    let protocol = match proto {
        "UDP" => Protocol::Udp,
        _ => Protocol::Tcp,
    };
    let mut ip_ports = vec![];
    for p in cluster.pods.values() {
        let Some(ip) = p.status.pod_ip.as_deref().and_then(|i| i.parse().ok()) else {
            continue;
        };
        for c in &p.spec.containers {
            for cp in &c.ports {
                if cp.name == port {
                    if let Ok(number) = u16::try_from(cp.container_port) {
                        ip_ports.push((ip, protocol, number));
                    }
                }
            }
        }
    }
    (
        format!("cali40n:{}", &hash[..23]),
        IpSet {
            nets: vec![],
            ip_ports,
        },
    )
}

/// Felix's chains and ipsets on `host`, and its jumps: `-j cali-FORWARD`
/// and `-j cali-INPUT` first in FORWARD and INPUT, and at the end of
/// FORWARD the accept of what a policy accepted.
pub fn install(host: &mut Host, rules: &FelixRules) {
    let nf = &mut host.netfilter;
    nf.replace_user_chains(
        Table::Filter,
        |name| name.starts_with("cali-"),
        rules.chains.clone(),
    );
    nf.ipsets.retain(|name, _| !name.starts_with("cali"));
    nf.ipsets.extend(rules.ipsets.clone());
    for (builtin, target) in [("FORWARD", "cali-FORWARD"), ("INPUT", "cali-INPUT")] {
        let chain = to_chain(builtin, vec![FelixRule::new(jump(target))]);
        let rule = chain.rules.into_iter().next().expect("one rule");
        if !nf
            .chain(Table::Filter, builtin)
            .is_some_and(|c| c.rules.contains(&rule))
        {
            nf.insert(Table::Filter, builtin, 0, rule);
        }
    }
    let appended = to_chain(
        "FORWARD",
        vec![
            FelixRule::new(accept())
                .comment("Policy explicitly accepted packet.")
                .mark_set(MARK_ACCEPT),
            FelixRule::new(set_mark(MARK_ACCEPT)),
        ],
    );
    for rule in appended.rules {
        if !nf
            .chain(Table::Filter, "FORWARD")
            .is_some_and(|c| c.rules.contains(&rule))
        {
            nf.append(Table::Filter, "FORWARD", rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hashes read from a Calico node's `iptables-save`: the algorithm and
    /// the rendering agree with Felix's where a real dump shows them.
    #[test]
    fn rule_hashes_are_felixs() {
        let forward = rule_hashes(
            "cali-FORWARD",
            &[FelixRule::new(clear_mark(MARK_PASS | MARK_SCRATCH))],
        );
        assert_eq!(forward[0], "vjrMJCRpqwy5oRoX");
        let whole = rule_hashes(
            "cali-FORWARD",
            &[
                FelixRule::new(clear_mark(MARK_PASS | MARK_SCRATCH)),
                FelixRule::new(jump("cali-from-hep-forward")).mark_clear(MARK_ACCEPT),
                FelixRule::new(jump("cali-from-wl-dispatch")).when_iface(false, "cali+"),
                FelixRule::new(jump("cali-to-wl-dispatch")).when_iface(true, "cali+"),
                FelixRule::new(jump("cali-to-hep-forward")),
                FelixRule::new(jump("cali-cidr-block")),
            ],
        );
        assert_eq!(
            whole,
            [
                "vjrMJCRpqwy5oRoX",
                "A_sPAO0mcxbT9mOV",
                "8ZoYfO5HKXWbB3pk",
                "jdEuaPBe14V2hutn",
                "12bc6HljsMKsmfr-",
                "NOSxoaGx8OIstr1z"
            ]
        );
        // The jumps Felix inserts first in FORWARD and INPUT.
        let fwd = rule_hashes("FORWARD", &[FelixRule::new(jump("cali-FORWARD"))]);
        assert_eq!(fwd, ["wUHhoiAYhphO9Mso"]);
        let input = rule_hashes("INPUT", &[FelixRule::new(jump("cali-INPUT"))]);
        assert_eq!(input, ["Cz_u1IQiXIMmKD4c"]);
    }

    #[test]
    fn veth_names_are_calicos() {
        let v = veth_name("default", "web");
        assert!(v.starts_with("cali") && v.len() == 15, "{v}");
    }

    #[test]
    fn long_names_are_shortened_as_felix_does() {
        assert_eq!(
            length_limited("cali-pri-", "kns.default"),
            "cali-pri-kns.default"
        );
        let long = length_limited("cali-pi-", "default/knp.default.deny-all");
        assert_eq!(long.len(), MAX_CHAIN_NAME);
        assert!(long.starts_with("cali-pi-_"));
    }
}
