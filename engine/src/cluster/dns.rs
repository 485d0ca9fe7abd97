//! CoreDNS 1.11 as kubeadm configures it (see [`super::bootstrap::COREFILE`]):
//! the `kubernetes` plugin answers for `cluster.local` (and reverse lookups
//! of cluster addresses) from Services and EndpointSlices, with `pods
//! insecure` and `ttl 30`; anything else is forwarded to the node's
//! resolver, which in this simulated world knows no Internet names and
//! answers NXDOMAIN; `loadbalance` shuffles the A records of an answer.
//!
//! Records a student can ask for:
//! - `SVC.NS.svc.cluster.local` A: the ClusterIP; for a headless Service,
//!   one A per ready endpoint (NXDOMAIN while it has none); for an
//!   ExternalName Service a CNAME to the external name.
//! - `HOST.SVC.NS.svc.cluster.local` A: one endpoint, by its host name (a
//!   StatefulSet pod's name) or its dashed address (`10-244-0-3`).
//! - `_PORT._PROTO.SVC.NS.svc.cluster.local` SRV, and `SVC.NS.svc.cluster.local` SRV.
//! - `10-244-0-3.NS.pod.cluster.local` A (any dashed address, in an existing namespace).
//! - `D.C.B.A.in-addr.arpa` PTR for Service and endpoint addresses.

use super::objects::Service;
use super::{Cluster, CLUSTER_DOMAIN};
use crate::rng::SimRng;
use std::net::Ipv4Addr;

/// `ttl 30` in kubeadm's Corefile.
pub const TTL: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RrType {
    A,
    Aaaa,
    Cname,
    Srv,
    Ptr,
    Soa,
    Ns,
    Mx,
    Txt,
    Any,
}

impl RrType {
    pub fn name(self) -> &'static str {
        match self {
            RrType::A => "A",
            RrType::Aaaa => "AAAA",
            RrType::Cname => "CNAME",
            RrType::Srv => "SRV",
            RrType::Ptr => "PTR",
            RrType::Soa => "SOA",
            RrType::Ns => "NS",
            RrType::Mx => "MX",
            RrType::Txt => "TXT",
            RrType::Any => "ANY",
        }
    }

    pub fn parse(s: &str) -> Option<RrType> {
        Some(match s.to_ascii_uppercase().as_str() {
            "A" => RrType::A,
            "AAAA" => RrType::Aaaa,
            "CNAME" => RrType::Cname,
            "SRV" => RrType::Srv,
            "PTR" => RrType::Ptr,
            "SOA" => RrType::Soa,
            "NS" => RrType::Ns,
            "MX" => RrType::Mx,
            "TXT" => RrType::Txt,
            "ANY" => RrType::Any,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rcode {
    NoError,
    ServFail,
    NxDomain,
    Refused,
}

impl Rcode {
    pub fn code(self) -> u8 {
        match self {
            Rcode::NoError => 0,
            Rcode::ServFail => 2,
            Rcode::NxDomain => 3,
            Rcode::Refused => 5,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::ServFail => "SERVFAIL",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::Refused => "REFUSED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rdata {
    A(Ipv4Addr),
    Cname(String),
    Ptr(String),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Soa {
        mname: String,
        rname: String,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
    Ns(String),
}

impl Rdata {
    pub fn rr_type(&self) -> RrType {
        match self {
            Rdata::A(_) => RrType::A,
            Rdata::Cname(_) => RrType::Cname,
            Rdata::Ptr(_) => RrType::Ptr,
            Rdata::Srv { .. } => RrType::Srv,
            Rdata::Soa { .. } => RrType::Soa,
            Rdata::Ns(_) => RrType::Ns,
        }
    }

    /// The record data in master-file form (`10.96.0.1`, `0 100 80 web.default.svc.cluster.local.`).
    pub fn text(&self) -> String {
        match self {
            Rdata::A(ip) => ip.to_string(),
            Rdata::Cname(t) | Rdata::Ptr(t) | Rdata::Ns(t) => t.clone(),
            Rdata::Srv {
                priority,
                weight,
                port,
                target,
            } => format!("{priority} {weight} {port} {target}"),
            Rdata::Soa {
                mname,
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => format!("{mname} {rname} {serial} {refresh} {retry} {expire} {minimum}"),
        }
    }
}

/// One resource record; names are absolute (`…cluster.local.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub ttl: u32,
    pub data: Rdata,
}

/// A response, as CoreDNS builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub rcode: Rcode,
    /// `aa`: the kubernetes plugin answers with authority.
    pub authoritative: bool,
    /// `ra`: set on what `forward` relays from upstream.
    pub recursion_available: bool,
    pub answers: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
}

/// Makes a name absolute and lower-case: `Web.Default` → `web.default.`.
pub fn fqdn(name: &str) -> String {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    format!("{n}.")
}

fn zone_soa(c: &Cluster) -> Record {
    let serial = (crate::time::EPOCH_UNIX as i64 + c.last_change_ms.div_euclid(1000)).max(0) as u32;
    Record {
        name: format!("{CLUSTER_DOMAIN}."),
        ttl: TTL,
        data: Rdata::Soa {
            mname: format!("ns.dns.{CLUSTER_DOMAIN}."),
            rname: format!("hostmaster.{CLUSTER_DOMAIN}."),
            serial,
            refresh: 7200,
            retry: 1800,
            expire: 86400,
            minimum: TTL,
        },
    }
}

/// An endpoint of a Service as CoreDNS names it.
struct Named {
    ip: Ipv4Addr,
    /// The slice's hostname, else the dashed address.
    label: String,
}

/// The ready endpoints of a Service, one per address.
fn ready_endpoints(c: &Cluster, ns: &str, svc: &str) -> Vec<Named> {
    let mut out: Vec<Named> = vec![];
    for slice in c.slices_of(ns, svc) {
        if slice.address_type != "IPv4" {
            continue;
        }
        for ep in slice.endpoints() {
            if !ep.is_ready() {
                continue;
            }
            let Some(ip) = ep
                .addresses
                .first()
                .and_then(|a| a.parse::<Ipv4Addr>().ok())
            else {
                continue;
            };
            if out.iter().any(|n| n.ip == ip) {
                continue;
            }
            let label = ep
                .hostname
                .clone()
                .unwrap_or_else(|| ip.to_string().replace('.', "-"));
            out.push(Named { ip, label });
        }
    }
    out
}

/// The ports the slices of a Service carry, by name and protocol.
fn endpoint_ports(c: &Cluster, ns: &str, svc: &str) -> Vec<(String, String, u16)> {
    let mut out = vec![];
    for slice in c.slices_of(ns, svc) {
        for p in slice.ports() {
            let Some(port) = p.port.and_then(|p| u16::try_from(p).ok()) else {
                continue;
            };
            let entry = (
                p.name.clone().unwrap_or_default(),
                p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                port,
            );
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    out
}

fn headless(svc: &Service) -> bool {
    svc.spec.cluster_ip.as_deref() == Some("None")
}

/// CoreDNS's SRV weights: records of one priority share 100
/// (`floor(100 / n)` each).
fn srv_records(name: &str, mut targets: Vec<(u16, String)>) -> Vec<Record> {
    let n = targets.len().max(1) as u16;
    targets
        .drain(..)
        .map(|(port, target)| Record {
            name: name.to_string(),
            ttl: TTL,
            data: Rdata::Srv {
                priority: 0,
                weight: 100 / n,
                port,
                target,
            },
        })
        .collect()
}

fn a(name: &str, ip: Ipv4Addr) -> Record {
    Record {
        name: name.to_string(),
        ttl: TTL,
        data: Rdata::A(ip),
    }
}

/// What CoreDNS answers to `qname` (any case, with or without the final dot).
pub fn resolve(c: &Cluster, qname: &str, qtype: RrType, rng: &mut SimRng) -> Response {
    let name = fqdn(qname);
    let mut r =
        if name == format!("{CLUSTER_DOMAIN}.") || name.ends_with(&format!(".{CLUSTER_DOMAIN}.")) {
            cluster_zone(c, &name, qtype)
        } else if name.ends_with(".in-addr.arpa.") {
            reverse(c, &name, qtype)
        } else {
            forwarded()
        };
    // `loadbalance`: the A records of an answer in a random order.
    let count = r
        .answers
        .iter()
        .filter(|x| x.data.rr_type() == RrType::A)
        .count();
    if count > 1 {
        let (mut recs, others): (Vec<Record>, Vec<Record>) = r
            .answers
            .drain(..)
            .partition(|x| x.data.rr_type() == RrType::A);
        for i in (1..recs.len()).rev() {
            let j = rng.range_inclusive(0, i as u64) as usize;
            recs.swap(i, j);
        }
        r.answers = others;
        r.answers.extend(recs);
    }
    r
}

/// What the upstream says to a name outside the cluster: the simulated
/// world has no Internet, so nothing is known there.
fn forwarded() -> Response {
    Response {
        rcode: Rcode::NxDomain,
        authoritative: false,
        recursion_available: true,
        answers: vec![],
        authority: vec![],
        additional: vec![],
    }
}

fn authoritative(c: &Cluster, rcode: Rcode, answers: Vec<Record>) -> Response {
    let authority = if answers.is_empty() {
        vec![zone_soa(c)]
    } else {
        vec![]
    };
    Response {
        rcode,
        authoritative: true,
        recursion_available: false,
        answers,
        authority,
        additional: vec![],
    }
}

fn nxdomain(c: &Cluster) -> Response {
    authoritative(c, Rcode::NxDomain, vec![])
}

fn nodata(c: &Cluster) -> Response {
    authoritative(c, Rcode::NoError, vec![])
}

fn cluster_zone(c: &Cluster, name: &str, qtype: RrType) -> Response {
    let zone = format!("{CLUSTER_DOMAIN}.");
    if name == zone {
        return match qtype {
            RrType::Soa => authoritative(c, Rcode::NoError, vec![zone_soa(c)]),
            RrType::Ns => authoritative(
                c,
                Rcode::NoError,
                vec![Record {
                    name: zone.clone(),
                    ttl: TTL,
                    data: Rdata::Ns(format!("ns.dns.{zone}")),
                }],
            ),
            _ => nodata(c),
        };
    }
    let rest = name
        .strip_suffix(&format!(".{zone}"))
        .unwrap_or_default()
        .to_string();
    let labels: Vec<&str> = rest.split('.').collect();
    match labels.as_slice() {
        ["svc"] | ["pod"] => nodata(c),
        [.., "svc"] => service_names(c, name, &labels[..labels.len() - 1], qtype),
        [dashed, ns, "pod"] => {
            let ip = dashed.replace('-', ".").parse::<Ipv4Addr>();
            match (ip, c.namespaces.contains_key(*ns)) {
                (Ok(ip), true) if dashed.split('-').count() == 4 => match qtype {
                    RrType::A | RrType::Any => authoritative(c, Rcode::NoError, vec![a(name, ip)]),
                    _ => nodata(c),
                },
                _ => nxdomain(c),
            }
        }
        [ns, "pod"] if c.namespaces.contains_key(*ns) => nodata(c),
        _ => nxdomain(c),
    }
}

/// Names under `svc.cluster.local`: `labels` are what precede `svc`.
fn service_names(c: &Cluster, name: &str, labels: &[&str], qtype: RrType) -> Response {
    match labels {
        [ns] => {
            if c.namespaces.contains_key(*ns) {
                nodata(c)
            } else {
                nxdomain(c)
            }
        }
        [svc_name, ns] => {
            let Some(svc) = c.services.get(&(ns.to_string(), svc_name.to_string())) else {
                return nxdomain(c);
            };
            service(c, name, ns, svc, qtype)
        }
        [endpoint, svc_name, ns] if !endpoint.starts_with('_') => {
            if !c
                .services
                .contains_key(&(ns.to_string(), svc_name.to_string()))
            {
                return nxdomain(c);
            }
            let found: Vec<Ipv4Addr> = ready_endpoints(c, ns, svc_name)
                .into_iter()
                .filter(|e| e.label == *endpoint)
                .map(|e| e.ip)
                .collect();
            if found.is_empty() {
                return nxdomain(c);
            }
            match qtype {
                RrType::A | RrType::Any => authoritative(
                    c,
                    Rcode::NoError,
                    found.into_iter().map(|ip| a(name, ip)).collect(),
                ),
                _ => nodata(c),
            }
        }
        [port, proto, svc_name, ns] if port.starts_with('_') && proto.starts_with('_') => {
            let Some(svc) = c.services.get(&(ns.to_string(), svc_name.to_string())) else {
                return nxdomain(c);
            };
            let port_name = &port[1..];
            let protocol = proto[1..].to_ascii_uppercase();
            let ports: Vec<(String, u16)> = if headless(svc) {
                endpoint_ports(c, ns, svc_name)
                    .into_iter()
                    .filter(|(n, p, _)| n == port_name && *p == protocol)
                    .map(|(n, _, p)| (n, p))
                    .collect()
            } else {
                svc.spec
                    .ports
                    .iter()
                    .filter(|p| {
                        p.name == port_name && p.protocol.as_deref().unwrap_or("TCP") == protocol
                    })
                    .map(|p| (p.name.clone(), p.port as u16))
                    .collect()
            };
            if ports.is_empty() || port_name.is_empty() {
                return nxdomain(c);
            }
            match qtype {
                RrType::Srv | RrType::Any => srv(c, name, ns, svc, &ports),
                _ => nodata(c),
            }
        }
        _ => nxdomain(c),
    }
}

/// The SRV records of a Service's `ports`, with their targets' A records
/// in the additional section.
fn srv(c: &Cluster, name: &str, ns: &str, svc: &Service, ports: &[(String, u16)]) -> Response {
    let svc_fqdn = format!("{}.{ns}.svc.{CLUSTER_DOMAIN}.", svc.metadata.name);
    let mut targets = vec![];
    let mut additional = vec![];
    if headless(svc) {
        for e in ready_endpoints(c, ns, &svc.metadata.name) {
            let target = format!("{}.{svc_fqdn}", e.label);
            for (_, port) in ports {
                targets.push((*port, target.clone()));
            }
            additional.push(a(&target, e.ip));
        }
    } else if let Some(ip) = svc.spec.cluster_ip.as_deref().and_then(|i| i.parse().ok()) {
        for (_, port) in ports {
            targets.push((*port, svc_fqdn.clone()));
        }
        additional.push(a(&svc_fqdn, ip));
    }
    if targets.is_empty() {
        return nxdomain(c);
    }
    let mut r = authoritative(c, Rcode::NoError, srv_records(name, targets));
    r.additional = additional;
    r
}

fn service(c: &Cluster, name: &str, ns: &str, svc: &Service, qtype: RrType) -> Response {
    if svc.type_name() == "ExternalName" {
        let external = svc.spec.external_name.as_deref().unwrap_or_default();
        // CoreDNS serves an ExternalName only when it is a name: one that
        // reads as an IP address is left out (as kubernetes.io warns, such
        // names are not resolved), so the Service's own name is NXDOMAIN.
        if external
            .trim_end_matches('.')
            .parse::<std::net::Ipv4Addr>()
            .is_ok()
        {
            return nxdomain(c);
        }
        let target = fqdn(external);
        let mut answers = vec![Record {
            name: name.to_string(),
            ttl: TTL,
            data: Rdata::Cname(target.clone()),
        }];
        // The target is looked up too: inside the cluster CoreDNS answers
        // it itself; outside, upstream knows nothing in this world.
        if matches!(qtype, RrType::A | RrType::Any)
            && target.ends_with(&format!(".{CLUSTER_DOMAIN}."))
        {
            let mut rng = SimRng::new(0);
            let inner = resolve(c, &target, RrType::A, &mut rng);
            answers.extend(inner.answers);
        }
        return authoritative(c, Rcode::NoError, answers);
    }
    if headless(svc) {
        let eps = ready_endpoints(c, ns, &svc.metadata.name);
        if eps.is_empty() {
            return nxdomain(c);
        }
        return match qtype {
            RrType::A | RrType::Any => authoritative(
                c,
                Rcode::NoError,
                eps.into_iter().map(|e| a(name, e.ip)).collect(),
            ),
            RrType::Srv => {
                let ports: Vec<(String, u16)> = endpoint_ports(c, ns, &svc.metadata.name)
                    .into_iter()
                    .map(|(n, _, p)| (n, p))
                    .collect();
                srv(c, name, ns, svc, &ports)
            }
            _ => nodata(c),
        };
    }
    let Some(ip) = svc.spec.cluster_ip.as_deref().and_then(|i| i.parse().ok()) else {
        return nxdomain(c);
    };
    match qtype {
        RrType::A | RrType::Any => authoritative(c, Rcode::NoError, vec![a(name, ip)]),
        RrType::Srv => {
            let ports: Vec<(String, u16)> = svc
                .spec
                .ports
                .iter()
                .map(|p| (p.name.clone(), p.port as u16))
                .collect();
            srv(c, name, ns, svc, &ports)
        }
        _ => nodata(c),
    }
}

/// PTR records for Service and endpoint addresses; other addresses fall
/// through to `forward`.
fn reverse(c: &Cluster, name: &str, qtype: RrType) -> Response {
    let Some(ip) = name.strip_suffix(".in-addr.arpa.").and_then(|r| {
        let mut o: Vec<&str> = r.split('.').collect();
        o.reverse();
        o.join(".").parse::<Ipv4Addr>().ok()
    }) else {
        return forwarded();
    };
    let mut targets = vec![];
    for ((ns, svc_name), svc) in &c.services {
        if svc.spec.cluster_ip.as_deref() == Some(ip.to_string().as_str()) {
            targets.push(format!("{svc_name}.{ns}.svc.{CLUSTER_DOMAIN}."));
        }
        for e in ready_endpoints(c, ns, svc_name) {
            if e.ip == ip {
                targets.push(format!("{}.{svc_name}.{ns}.svc.{CLUSTER_DOMAIN}.", e.label));
            }
        }
    }
    if targets.is_empty() {
        return forwarded();
    }
    match qtype {
        RrType::Ptr | RrType::Any => authoritative(
            c,
            Rcode::NoError,
            targets
                .into_iter()
                .map(|t| Record {
                    name: name.to_string(),
                    ttl: TTL,
                    data: Rdata::Ptr(t),
                })
                .collect(),
        ),
        _ => nodata(c),
    }
}

/// The search path of a pod in `namespace` (kubelet, `ClusterFirst`).
pub fn search_path(namespace: &str) -> Vec<String> {
    vec![
        format!("{namespace}.svc.{CLUSTER_DOMAIN}"),
        format!("svc.{CLUSTER_DOMAIN}"),
        CLUSTER_DOMAIN.to_string(),
    ]
}

/// A pod's `/etc/resolv.conf` as the kubelet writes it for `ClusterFirst`.
pub fn resolv_conf(namespace: &str) -> String {
    format!(
        "search {}\nnameserver {}\noptions ndots:5\n",
        search_path(namespace).join(" "),
        super::DNS_IP
    )
}

/// A pod's `/etc/resolv.conf` as the kubelet asks the runtime to write it
/// for its `dnsPolicy` and `dnsConfig`: `ClusterFirst` (the default) is the
/// cluster's search path and CoreDNS with `dnsConfig` appended; `Default` is
/// the node's upstream (`upstream`); `None` is `dnsConfig` alone. Options
/// given twice keep the last value (the kubelet merges them by name).
pub fn pod_resolv_conf(
    namespace: &str,
    policy: Option<&str>,
    dns_config: Option<&serde_json::Value>,
    upstream: Ipv4Addr,
) -> String {
    let strings = |key: &str| -> Vec<String> {
        dns_config
            .and_then(|c| c.get(key))
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (mut servers, mut searches, mut options): (
        Vec<String>,
        Vec<String>,
        Vec<(String, String)>,
    ) = match policy.unwrap_or("ClusterFirst") {
        "None" => (vec![], vec![], vec![]),
        "Default" => (vec![upstream.to_string()], vec![], vec![]),
        _ => (
            vec![super::DNS_IP.to_string()],
            search_path(namespace),
            vec![("ndots".into(), "5".into())],
        ),
    };
    for v in strings("nameservers") {
        if !servers.contains(&v) {
            servers.push(v);
        }
    }
    for v in strings("searches") {
        if !searches.contains(&v) {
            searches.push(v);
        }
    }
    let extra = dns_config
        .and_then(|c| c.get("options"))
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    for o in extra {
        let Some(name) = o.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let value = o
            .get("value")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        match options.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => options.push((name.to_string(), value)),
        }
    }
    let mut out = String::new();
    if !searches.is_empty() {
        out.push_str(&format!("search {}\n", searches.join(" ")));
    }
    for server in &servers {
        out.push_str(&format!("nameserver {server}\n"));
    }
    if !options.is_empty() {
        let list: Vec<String> = options
            .iter()
            .map(|(n, v)| {
                if v.is_empty() {
                    n.clone()
                } else {
                    format!("{n}:{v}")
                }
            })
            .collect();
        out.push_str(&format!("options {}\n", list.join(" ")));
    }
    out
}

/// The size of the response on the wire (what `dig` reports as `MSG SIZE
/// rcvd`): header, question, records and the OPT record echoing the
/// client's 8-byte cookie when the query had EDNS. CoreDNS compresses
/// names only when a UDP answer would exceed 1480 bytes.
pub fn wire_size(qname: &str, resp: &Response, edns: bool) -> usize {
    let plain = encoded_size(qname, resp, edns, false);
    if plain > 1480 {
        encoded_size(qname, resp, edns, true)
    } else {
        plain
    }
}

fn encoded_size(qname: &str, resp: &Response, edns: bool, compress: bool) -> usize {
    let mut names: Vec<String> = vec![];
    let name = |n: &str, names: &mut Vec<String>| {
        if compress {
            name_size(n, names)
        } else {
            uncompressed(n)
        }
    };
    let mut size = 12;
    size += name(&fqdn(qname), &mut names) + 4;
    for r in resp
        .answers
        .iter()
        .chain(&resp.authority)
        .chain(&resp.additional)
    {
        size += name(&r.name, &mut names) + 10;
        size += match &r.data {
            Rdata::A(_) => 4,
            Rdata::Cname(t) | Rdata::Ptr(t) | Rdata::Ns(t) => name(t, &mut names),
            // Targets of SRV are never compressed (RFC 2782).
            Rdata::Srv { target, .. } => 6 + uncompressed(target),
            Rdata::Soa { mname, rname, .. } => {
                name(mname, &mut names) + name(rname, &mut names) + 20
            }
        };
    }
    if edns {
        // Root name, type, class, TTL, length, and a COOKIE option of 8 bytes.
        size += 11 + 4 + 8;
    }
    size
}

fn uncompressed(name: &str) -> usize {
    let n = name.trim_end_matches('.');
    if n.is_empty() {
        1
    } else {
        n.len() + 2
    }
}

/// The encoded size of `name`, pointing at a suffix already written.
fn name_size(name: &str, seen: &mut Vec<String>) -> usize {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    if n.is_empty() {
        return 1;
    }
    let labels: Vec<&str> = n.split('.').collect();
    let mut size = 0;
    for i in 0..labels.len() {
        let suffix = labels[i..].join(".");
        if seen.contains(&suffix) {
            return size + 2;
        }
        seen.push(suffix);
        size += labels[i].len() + 1;
    }
    size + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_size_compresses_names() {
        let resp = Response {
            rcode: Rcode::NoError,
            authoritative: true,
            recursion_available: false,
            answers: vec![a(
                "kubernetes.default.svc.cluster.local.",
                "10.96.0.1".parse().unwrap(),
            )],
            authority: vec![],
            additional: vec![],
        };
        // 12 + (38 + 4) + (38 + 10 + 4) + 23 (OPT with an 8-byte cookie):
        // CoreDNS does not compress a small answer.
        assert_eq!(
            wire_size("kubernetes.default.svc.cluster.local", &resp, true),
            129
        );
        let mut seen = vec![];
        assert_eq!(name_size("a.cluster.local.", &mut seen), 17);
        assert_eq!(name_size("b.cluster.local.", &mut seen), 4);
    }

    #[test]
    fn srv_weights_share_one_hundred() {
        let recs = srv_records(
            "x.",
            vec![(1, "a.".into()), (2, "b.".into()), (3, "c.".into())],
        );
        assert!(recs
            .iter()
            .all(|r| matches!(r.data, Rdata::Srv { weight: 33, .. })));
    }
}
