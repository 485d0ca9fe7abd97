//! What a lesson's text says about the world, held against the replay.
//!
//! A student trusts the text at exactly the point being taught, so every
//! address, name and count it states must be true in their world. Values
//! the world chooses are best named with placeholders ([`super::bind`]);
//! what is still written as a literal is checked here, step by step,
//! against the world of `servicelab check`'s replay: at the step's start,
//! after each command of its solution, and once it settled.
//!
//! - An address of the pod network, the Service range, the home network
//!   or the cloud's pool must belong to something at that step, and to an
//!   object the sentence names, if it names one: "myapp-pod (10.244.0.3)"
//!   is an error when 10.244.0.3 is whoami's.
//! - A ClusterIP or node port the API server picked at random cannot be
//!   written down: the student's may differ.
//! - A generated pod name (`web-7d9f8c6b5-x2kqz`) and the pod a `kubectl
//!   exec`, `logs` or `describe pod` line names must exist at that step.
//! - A placeholder must have a value at that step.
//!
//! Solutions, checks and probes are not read: the replay runs them.

use super::bind;
use super::Diagnostic;
use crate::cluster::Cluster;
use crate::map::{Map, Set};
use crate::shell::Session;
use std::net::Ipv4Addr;

/// Who has an address.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Owner {
    /// How the owner is said: "whoami's address", "Service web's ClusterIP".
    said: String,
    /// The names a sentence may give it by: the pod, its workloads, the
    /// Services it is an endpoint of, its node.
    names: Vec<String>,
    /// The placeholder that names it, if one does.
    placeholder: Option<String>,
}

/// The facts of the world at one moment of the replay.
#[derive(Debug, Clone)]
pub struct Snapshot {
    owners: Map<Ipv4Addr, Vec<Owner>>,
    /// Every name an object has: pods, Services, workloads, nodes.
    names: Set<String>,
    /// The names of hosts and their interfaces (`node01`, `cni0`).
    hosts: Set<String>,
    pods: Set<String>,
    /// Workloads and their pods, for names like `web-7d9f8c6b5-x2kqz`.
    workloads: Map<String, Vec<String>>,
    /// ClusterIPs and node ports the API server picked (not asked for).
    picked_ips: Map<Ipv4Addr, String>,
    picked_ports: Map<u16, String>,
    /// Load balancer addresses, handed out by the cloud in turn.
    balancers: Map<Ipv4Addr, String>,
    cluster: Cluster,
}

fn owner(said: String, names: Vec<String>, placeholder: Option<String>) -> Owner {
    Owner {
        said,
        names,
        placeholder,
    }
}

impl Snapshot {
    /// The facts of `s`'s world. `asked` holds the ClusterIPs and node
    /// ports the lesson's own text asks for (they are not picked).
    pub fn of(s: &Session, asked: &Asked) -> Snapshot {
        let w = s.world();
        let c = &w.cluster;
        let mut owners: Map<Ipv4Addr, Vec<Owner>> = Map::new();
        let mut add = |ip: Ipv4Addr, o: Owner| owners.entry(ip).or_default().push(o);
        // Hosts: the laptop, the router, the nodes and their bridges.
        for h in &w.net.hosts {
            if h.kind == crate::net::HostKind::Pod {
                continue;
            }
            for i in &h.interfaces {
                let Some(a) = i.addr else { continue };
                if a.addr().is_loopback() {
                    continue;
                }
                let said = match i.name.as_str() {
                    "eth0" | "ens4" | "wan0" => format!("{}'s address", h.name),
                    other => format!("{}'s {other} address", h.name),
                };
                add(
                    a.addr(),
                    owner(said, vec![h.name.clone(), i.name.clone()], None),
                );
            }
        }
        let mut names = Set::new();
        let mut pods = Set::new();
        let mut workloads: Map<String, Vec<String>> = Map::new();
        let mut hosts = Set::new();
        for n in &c.nodes {
            names.insert(n.name.clone());
            hosts.insert(n.name.clone());
        }
        // The hosts' own interfaces (`cni0`) name their addresses too.
        for h in &w.net.hosts {
            if h.kind == crate::net::HostKind::Pod {
                continue;
            }
            for i in &h.interfaces {
                let numbered = i.name.chars().any(|c| c.is_ascii_digit());
                if numbered && !i.name.starts_with("veth") {
                    names.insert(i.name.clone());
                    hosts.insert(i.name.clone());
                }
            }
        }
        // Workload names by owner uid, to name a pod's workloads.
        let mut by_uid: Map<String, (String, Option<String>)> = Map::new();
        for rs in c.replicasets.values() {
            let parent = rs.metadata.owner_references.first().map(|o| o.name.clone());
            by_uid.insert(
                rs.metadata.uid.clone().unwrap_or_default(),
                (rs.metadata.name.clone(), parent),
            );
        }
        for m in c
            .statefulsets
            .values()
            .map(|x| &x.metadata)
            .chain(c.daemonsets.values().map(|x| &x.metadata))
        {
            by_uid.insert(m.uid.clone().unwrap_or_default(), (m.name.clone(), None));
        }
        for m in c
            .deployments
            .values()
            .map(|x| &x.metadata)
            .chain(c.statefulsets.values().map(|x| &x.metadata))
            .chain(c.daemonsets.values().map(|x| &x.metadata))
            .chain(c.replicasets.values().map(|x| &x.metadata))
            .chain(c.services.values().map(|x| &x.metadata))
        {
            // The cluster's own components (kube-proxy, coredns, …) are
            // named in prose as programs, not as the owners of addresses.
            if !system(m.namespace.as_deref())
                || c.services.values().any(|s| s.metadata.name == m.name)
            {
                names.insert(m.name.clone());
            }
        }
        // Services by endpoint address.
        let mut serves: Map<String, Vec<String>> = Map::new();
        for (k, slice) in &c.endpoint_slices {
            let Some(svc) = slice.service_name() else {
                continue;
            };
            let _ = k;
            for e in slice.endpoints() {
                for a in &e.addresses {
                    serves.entry(a.clone()).or_default().push(svc.to_string());
                }
            }
        }
        for (k, p) in &c.pods {
            let name = &k.1;
            if !system(Some(&k.0)) {
                names.insert(name.clone());
            }
            pods.insert(name.clone());
            let mut also = vec![name.clone()];
            let mut workload = None;
            for o in &p.metadata.owner_references {
                if let Some((w, parent)) = by_uid.get(&o.uid) {
                    also.push(w.clone());
                    workload = Some(w.clone());
                    if let Some(d) = parent {
                        also.push(d.clone());
                        workload = Some(d.clone());
                    }
                }
            }
            if let Some(w) = &workload {
                workloads.entry(w.clone()).or_default().push(name.clone());
                // The ReplicaSet's own name, too.
                for o in &p.metadata.owner_references {
                    workloads
                        .entry(o.name.clone())
                        .or_default()
                        .push(name.clone());
                }
            }
            if let Some(node) = &p.spec.node_name {
                also.push(node.clone());
            }
            if p.spec.host_network == Some(true) {
                continue;
            }
            let Some(ip) = p
                .status
                .pod_ip
                .as_deref()
                .and_then(|i| i.parse::<Ipv4Addr>().ok())
            else {
                continue;
            };
            also.extend(serves.get(&ip.to_string()).cloned().unwrap_or_default());
            let placeholder = if k.0 == "default" {
                format!("{{podIP:{name}}}")
            } else {
                format!("{{podIP:{}/{name}}}", k.0)
            };
            add(
                ip,
                owner(format!("{name}'s address"), also, Some(placeholder)),
            );
        }
        let mut picked_ips = Map::new();
        let mut picked_ports = Map::new();
        let mut balancers = Map::new();
        for (k, svc) in &c.services {
            let name = &k.1;
            let id = if k.0 == "default" {
                name.clone()
            } else {
                format!("{name}.{}", k.0)
            };
            for ip in svc.spec.cluster_ip.iter().chain(&svc.spec.cluster_ips) {
                let Ok(ip) = ip.parse::<Ipv4Addr>() else {
                    continue;
                };
                add(
                    ip,
                    owner(
                        format!("Service {name}'s ClusterIP"),
                        vec![name.clone()],
                        Some(format!("{{clusterIP:{id}}}")),
                    ),
                );
                if !asked.ips.contains(&ip) && !FIXED_SERVICE_IPS.contains(&ip) {
                    picked_ips.insert(ip, id.clone());
                }
            }
            for ing in &svc.status.load_balancer.ingress {
                if let Some(ip) = ing.ip.as_deref().and_then(|i| i.parse().ok()) {
                    balancers.insert(ip, id.clone());
                    add(
                        ip,
                        owner(
                            format!("Service {name}'s load balancer address"),
                            vec![name.clone()],
                            Some(format!("{{loadBalancerIP:{id}}}")),
                        ),
                    );
                }
            }
            for (i, p) in svc.spec.ports.iter().enumerate() {
                if let Some(n) = p.node_port.and_then(|n| u16::try_from(n).ok()) {
                    if !asked.ports.contains(&n) {
                        let which = if i == 0 {
                            String::new()
                        } else if p.name.is_empty() {
                            format!(":{}", p.port)
                        } else {
                            format!(":{}", p.name)
                        };
                        picked_ports.insert(n, format!("{id}{which}"));
                    }
                }
            }
        }
        Snapshot {
            owners,
            names,
            hosts,
            pods,
            workloads,
            picked_ips,
            picked_ports,
            balancers,
            cluster: c.clone(),
        }
    }
}

/// The namespaces of the cluster's own components.
fn system(namespace: Option<&str>) -> bool {
    matches!(namespace, Some("kube-system" | "kube-flannel"))
}

/// The kube-apiserver's and kube-dns' addresses are the same on every
/// kubeadm cluster.
const FIXED_SERVICE_IPS: [Ipv4Addr; 2] =
    [Ipv4Addr::new(10, 96, 0, 1), Ipv4Addr::new(10, 96, 0, 10)];

/// ClusterIPs and node ports the lesson itself asks for (in a manifest,
/// a command or the world), so they are not chosen at random.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    ips: Set<Ipv4Addr>,
    ports: Set<u16>,
}

impl Asked {
    /// What `text` (a whole lesson file) asks for: `clusterIP: X`,
    /// `--clusterip=X`, `nodePort: N`, `--node-port=N`.
    pub fn of(text: &str) -> Asked {
        let mut a = Asked::default();
        for line in text.lines() {
            let l = line.trim().trim_start_matches("- ");
            for key in ["clusterIP:", "--clusterip=", "--cluster-ip="] {
                if let Some(v) = find_value(l, key) {
                    if let Ok(ip) = v.parse() {
                        a.ips.insert(ip);
                    }
                }
            }
            for key in ["nodePort:", "--node-port="] {
                if let Some(v) = find_value(l, key) {
                    if let Ok(n) = v.parse() {
                        a.ports.insert(n);
                    }
                }
            }
        }
        a
    }
}

fn find_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(key)? + key.len();
    let v = line[at..].trim_start().trim_start_matches(['"', '\'']);
    let end = v
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(v.len());
    Some(&v[..end])
}

/// The cluster's own ranges, the pod network and the Service range:
/// an address there must belong to something, and to what the sentence
/// names. Addresses of the home network and the internet are the world's
/// fixed layout (node01 is 192.168.1.2 in every lesson), and a lesson may
/// well speak of one nobody has (a curl that finds no host).
fn in_cluster(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    a == 10 && (b == 244 || (96..112).contains(&b))
}

/// Words that say the name next to them is an object's.
const KIND_WORDS: [&str; 14] = [
    "pod",
    "pods",
    "Pod",
    "Service",
    "service",
    "Services",
    "Deployment",
    "deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "node",
    "endpoint",
    "endpoints",
];

/// Object names that are also words of plain English prose: in a
/// sentence they count as names only with a sign that they are one.
const COMMON_WORDS: [&str; 40] = [
    "web", "client", "server", "echo", "search", "home", "api", "app", "db", "backend", "frontend",
    "front", "back", "gateway", "legacy", "local", "test", "demo", "default", "data", "cache",
    "proxy", "blog", "shop", "store", "admin", "main", "public", "external", "internal", "agent",
    "worker", "catalog", "payments", "checkout", "visits", "hello", "green", "blue", "canary",
];

/// One piece of text read as a unit: a sentence of prose, a line of a
/// code block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Prose,
    /// A `$ ` line: a command.
    Command,
    /// A line of output or of a manifest.
    Line,
}

/// The lesson text to check: byte ranges of the file, and how each is read.
struct Chunk {
    start: usize,
    end: usize,
    unit: Unit,
}

/// Cuts `text[from..to]` (part of a lesson file) into sentences and lines,
/// leaving out the blocks the replay runs (solutions, checks, probes) and
/// the front matter.
fn chunks(text: &str, from: usize, to: usize) -> Vec<Chunk> {
    let mut out = vec![];
    let mut fence: Option<(String, String)> = None;
    let mut para: Option<usize> = None;
    let mut pos = from;
    let flush = |para: &mut Option<usize>, end: usize, out: &mut Vec<Chunk>| {
        if let Some(start) = para.take() {
            sentences(text, start, end, out);
        }
    };
    for line in text[from..to].split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if let Some((marker, kind)) = &fence {
            if trimmed.starts_with(marker.as_str())
                && trimmed
                    .trim_start_matches(marker.chars().next().unwrap_or('`'))
                    .trim()
                    .is_empty()
            {
                fence = None;
                continue;
            }
            match kind.as_str() {
                "solution" | "check" | "probe" => {}
                "hint" | "why" | "recap" | "quiz" => {
                    // Prose inside: a line each, read as sentences.
                    sentences(text, start, start + body.len(), &mut out);
                }
                "console" | "sh" | "bash" | "shell" => out.push(Chunk {
                    start,
                    end: start + body.len(),
                    unit: if trimmed.starts_with("$ ") {
                        Unit::Command
                    } else {
                        Unit::Line
                    },
                }),
                _ => out.push(Chunk {
                    start,
                    end: start + body.len(),
                    unit: Unit::Line,
                }),
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut para, start, &mut out);
            let marker: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            let kind = trimmed[marker.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            fence = Some((marker, kind));
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut para, start, &mut out);
            continue;
        }
        // A list item, a table row or a heading starts a new unit.
        let new_unit = trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed.starts_with('|')
            || trimmed.starts_with('#')
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if new_unit {
            flush(&mut para, start, &mut out);
        }
        if para.is_none() {
            para = Some(start);
        }
    }
    flush(&mut para, pos.min(to), &mut out);
    out
}

/// Splits prose at the ends of sentences (`. `, `? `, `! `, `; `).
fn sentences(text: &str, start: usize, end: usize, out: &mut Vec<Chunk>) {
    let s = &text[start..end];
    let b = s.as_bytes();
    let mut push = |from: usize, to: usize| {
        let piece = &s[from..to];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if lead + trail < piece.len() {
            out.push(Chunk {
                start: start + from + lead,
                end: start + to - trail,
                unit: Unit::Prose,
            });
        }
    };
    let mut from = 0;
    for i in 0..b.len() {
        let ends = matches!(b[i], b'.' | b'?' | b'!' | b';')
            && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace());
        if ends {
            push(from, i + 1);
            from = i + 1;
        }
    }
    push(from, b.len());
}

/// An IPv4 address written in `s`, with its offset, unless it is part of
/// a prefix (`10.244.0.0/16`) or of a longer dotted word.
fn addresses(s: &str) -> Vec<(usize, Ipv4Addr, Option<u16>)> {
    let b = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.');
        if !(b[i].is_ascii_digit() && boundary) {
            i += 1;
            continue;
        }
        let end = s[i..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map_or(s.len(), |p| p + i);
        let word = s[i..end].trim_end_matches('.');
        let after = &s[i + word.len()..];
        // A prefix is not an address, but a /32 is one host's (as
        // iptables prints a rule's destination).
        let prefix: String = after
            .strip_prefix('/')
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let cidr = !prefix.is_empty() && prefix != "32";
        let letter_after = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-');
        if let (Ok(ip), false, false) = (word.parse::<Ipv4Addr>(), cidr, letter_after) {
            let port = after
                .strip_prefix(':')
                .map(|p| p.split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
                .and_then(|p| p.parse().ok());
            out.push((i, ip, port));
        }
        i = end.max(i + 1);
    }
    out
}

/// Whether `name` appears in `s` as a word, and where.
fn find_word(s: &str, name: &str) -> Vec<usize> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    s.match_indices(name)
        .filter(|(i, _)| {
            let before = s[..*i].chars().next_back();
            let after = s[i + name.len()..].chars().next();
            !before.is_some_and(is_name)
                && before != Some('.')
                && before != Some('/')
                && !after.is_some_and(is_name)
                && !(after == Some('.')
                    && s[i + name.len() + 1..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric()))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The objects a sentence names, and where (first mention).
fn named(s: &str, names: &Set<String>) -> Vec<(usize, String)> {
    let mut out = vec![];
    for n in names {
        for at in find_word(s, n) {
            let distinctive = n.contains('-') || n.chars().any(|c| c.is_ascii_digit());
            let quoted = s[..at].ends_with('`') && s[at + n.len()..].starts_with('`');
            let word_before = s[..at]
                .trim_end_matches(['`', '*', '(', ' '])
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("");
            let word_after = s[at + n.len()..]
                .trim_start_matches(['`', '*', ')', ' ', '\''])
                .trim_start_matches('s')
                .split(|c: char| !c.is_ascii_alphabetic())
                .find(|w| !w.is_empty())
                .unwrap_or("");
            let kind_word = KIND_WORDS.contains(&word_before) || KIND_WORDS.contains(&word_after);
            // A name that is not also a common word is a name wherever it
            // stands (`whoami`, `redis`); `web` or `client` needs more.
            let plain = !COMMON_WORDS.contains(&n.as_str());
            // "from client": where a request starts, not whose address it is.
            let source = word_before == "from" || word_before == "From";
            if (distinctive || quoted || kind_word || plain) && !source {
                out.push((at, n.clone()));
                break;
            }
        }
    }
    crate::sort::sort(&mut out);
    out
}

/// Replaces each placeholder with spaces, so that its text is neither an
/// address nor a name.
fn masked(s: &str) -> String {
    let (found, _) = bind::scan_text(s);
    let mut out = s.to_string();
    for p in found.iter().rev() {
        out.replace_range(p.span.0..p.span.1, &" ".repeat(p.span.1 - p.span.0));
    }
    out
}

/// What the text of one part of a lesson gets wrong about its world.
pub struct Reader<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub line_starts: Vec<usize>,
}

impl<'a> Reader<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Reader<'a> {
        Reader {
            path,
            text,
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// The byte offset where 1-based `line` starts.
    pub fn offset(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    fn diag(&self, at: usize, message: String) -> Diagnostic {
        let line = match self.line_starts.binary_search(&at) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.text[self.line_starts[line]..at].chars().count() + 1;
        Diagnostic::new(self.path, self.text, line + 1, col, message)
    }

    /// Checks `text[from..to]` against the snapshots of its moment.
    pub fn check(&self, from: usize, to: usize, snaps: &[Snapshot], out: &mut Vec<Diagnostic>) {
        if snaps.is_empty() || from >= to {
            return;
        }
        let names: Set<String> = snaps.iter().flat_map(|s| s.names.clone()).collect();
        for ch in chunks(self.text, from, to) {
            let raw = &self.text[ch.start..ch.end];
            self.placeholders(ch.start, raw, snaps, out);
            let s = masked(raw);
            let said = match ch.unit {
                Unit::Command => vec![],
                // A line of output names its objects plainly: `whoami  1/1 …`.
                Unit::Line => names
                    .iter()
                    .filter_map(|n| find_word(&s, n).first().map(|at| (*at, n.clone())))
                    .collect(),
                Unit::Prose => named(&s, &names),
            };
            for (at, ip, port) in addresses(&s) {
                let pos = ch.start + at;
                if let Some(m) = self.address(ip, port, &said, snaps) {
                    out.push(self.diag(pos, m));
                }
            }
            self.pod_names(ch.start, &s, ch.unit, snaps, out);
        }
    }

    /// Each placeholder must have a value at some moment of the step.
    fn placeholders(&self, start: usize, raw: &str, snaps: &[Snapshot], out: &mut Vec<Diagnostic>) {
        for p in bind::scan_text(raw).0 {
            let mut why = None;
            for snap in snaps {
                match bind::value(&snap.cluster, &p) {
                    Ok(_) => {
                        why = None;
                        break;
                    }
                    Err(w) => why = why.or(Some(w)),
                }
            }
            if let Some(why) = why {
                let text = &raw[p.span.0..p.span.1];
                out.push(self.diag(
                    start + p.span.0,
                    format!("{text} has no value at this step: {why}"),
                ));
            }
        }
    }

    /// What is wrong with a literal address, if anything.
    fn address(
        &self,
        ip: Ipv4Addr,
        port: Option<u16>,
        said: &[(usize, String)],
        snaps: &[Snapshot],
    ) -> Option<String> {
        let owners: Vec<&Owner> = snaps
            .iter()
            .flat_map(|s| s.owners.get(&ip).into_iter().flatten())
            .collect();
        let picked = snaps.iter().find_map(|s| s.picked_ips.get(&ip));
        if let Some(svc) = picked {
            return Some(format!(
                "{ip} is the ClusterIP the API server picked for {svc}; a student's may differ: write {{clusterIP:{svc}}}"
            ));
        }
        let balancer = snaps.iter().find_map(|s| s.balancers.get(&ip));
        if let Some(svc) = balancer {
            return Some(format!(
                "{ip} is the address the cloud gave {svc}'s load balancer; a student's may differ: write {{loadBalancerIP:{svc}}}"
            ));
        }
        if let Some(port) = port.filter(|p| (30000..=32767).contains(p)) {
            let is_node = owners
                .iter()
                .any(|o| o.names.iter().any(|n| n.starts_with("node")));
            if let (true, Some(svc)) = (
                is_node,
                snaps.iter().find_map(|s| s.picked_ports.get(&port)),
            ) {
                return Some(format!(
                    "{port} is the node port the API server picked for {svc}; a student's may differ: write {{nodePort:{svc}}}"
                ));
            }
        }
        let suggest = |name: &str| -> String {
            let snap = snaps.last().expect("checked: not empty");
            let c = &snap.cluster;
            let in_pods = ip.octets()[0] == 10 && ip.octets()[1] == 244;
            if c.pods.keys().any(|k| k.1 == name) {
                format!(" (use {{podIP:{name}}})")
            } else if c.services.keys().any(|k| k.1 == name) {
                if in_pods {
                    format!(" (use {{endpoints:{name}}}, or {{podIP:POD}} for one of its pods)")
                } else {
                    format!(" (use {{clusterIP:{name}}})")
                }
            } else if snap.workloads.contains_key(name) {
                format!(" (use {{podIP:{name}#1}} for its first pod)")
            } else {
                String::new()
            }
        };
        if !in_cluster(ip) {
            return None;
        }
        if owners.is_empty() {
            let first = said.first().map(|(_, n)| n.as_str());
            return Some(format!(
                "{ip} is nobody's address at this step: no pod, Service or host has it{}",
                first
                    .map(|n| format!("; the text names {n}{}", suggest(n)))
                    .unwrap_or_default()
            ));
        }
        // Whose address it is matters for the cluster's objects: a pod's
        // or a Service's address can be swapped for another's. A host's
        // (node01's cni0) is what a pod sees or a route goes through, and
        // a sentence may well name a pod beside it.
        if !owners.iter().any(|o| o.placeholder.is_some()) {
            return None;
        }
        // Only the cluster's objects count: a sentence that names a route's
        // device (`dev cni0`) or a node besides says nothing of whose the
        // address is.
        let hosts: Set<&String> = snaps.iter().flat_map(|s| s.hosts.iter()).collect();
        let said: Vec<&(usize, String)> = said.iter().filter(|(_, n)| !hosts.contains(n)).collect();
        if said.is_empty() {
            return None;
        }
        let owned = owners
            .iter()
            .any(|o| said.iter().any(|(_, n)| o.names.contains(n)));
        if owned {
            return None;
        }
        let who: Vec<&str> = {
            let mut v: Vec<&str> = owners.iter().map(|o| o.said.as_str()).collect();
            v.dedup();
            v
        };
        let name = &said[0].1;
        Some(format!(
            "{ip} is {} at this step; the text names {name}{}",
            who.join(" and "),
            suggest(name)
        ))
    }

    /// Generated pod names and the pods commands name must exist.
    fn pod_names(
        &self,
        start: usize,
        s: &str,
        unit: Unit,
        snaps: &[Snapshot],
        out: &mut Vec<Diagnostic>,
    ) {
        let pods: Set<&String> = snaps.iter().flat_map(|x| x.pods.iter()).collect();
        let workloads: Map<&String, Set<&String>> = {
            let mut m: Map<&String, Set<&String>> = Map::new();
            for snap in snaps {
                for (w, ps) in &snap.workloads {
                    m.entry(w).or_default().extend(ps.iter());
                }
            }
            m
        };
        let mut claimed: Vec<(usize, String)> = vec![];
        let mut generated_names: Vec<(usize, String, String)> = vec![];
        // A workload's name, a dash and a generated suffix.
        for w in workloads.keys() {
            for (i, _) in s.match_indices(w.as_str()) {
                let before = s[..i].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
                    continue;
                }
                let rest = &s[i + w.len()..];
                let Some(tail) = rest.strip_prefix('-') else {
                    continue;
                };
                let word: String = tail
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let parts: Vec<&str> = word.split('-').collect();
                let generated = |p: &str| {
                    p.len() == 5
                        && p.bytes()
                            .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
                };
                let looks = match parts.as_slice() {
                    [suffix] => generated(suffix),
                    [hash, suffix] => {
                        (6..=10).contains(&hash.len())
                            && hash.bytes().all(|b| b.is_ascii_alphanumeric())
                            && generated(suffix)
                    }
                    _ => false,
                };
                if looks {
                    generated_names.push((i, format!("{w}-{word}"), w.to_string()));
                }
            }
        }
        // The pod of `kubectl exec|logs|attach POD`, `describe|delete|get pod POD`.
        if unit == Unit::Command {
            let words: Vec<&str> = s.split_whitespace().collect();
            if let Some(k) = words.iter().position(|w| *w == "kubectl") {
                let args: Vec<&str> = words[k + 1..]
                    .iter()
                    .copied()
                    .take_while(|w| *w != "--" && !w.starts_with('|') && *w != "&&" && *w != ";")
                    .collect();
                let plain: Vec<&str> = {
                    let mut v = vec![];
                    let mut skip = false;
                    for a in &args {
                        if skip {
                            skip = false;
                            continue;
                        }
                        if matches!(
                            *a,
                            "-n" | "--namespace" | "-c" | "--container" | "-l" | "-o"
                        ) {
                            skip = true;
                            continue;
                        }
                        if !a.starts_with('-') {
                            v.push(*a);
                        }
                    }
                    v
                };
                let pod = match plain.as_slice() {
                    ["exec" | "logs" | "attach", p, ..] => Some(*p),
                    ["describe" | "delete" | "get", "pod" | "pods" | "po", p, ..] => Some(*p),
                    _ => None,
                };
                if let Some(p) = pod.map(|p| p.strip_prefix("pod/").unwrap_or(p)) {
                    let plain_name = !p.contains('/')
                        && !p.contains('$')
                        && p.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
                        });
                    if plain_name && !generated_names.iter().any(|(_, n, _)| n == p) {
                        if let Some(at) = find_word(s, p).first() {
                            claimed.push((*at, p.to_string()));
                        }
                    }
                }
            }
        }
        // One name, matched by a Deployment and by its ReplicaSet: the
        // Deployment's name reads best.
        crate::sort::sort_by_key(&mut generated_names, |(at, _, w)| (*at, w.len()));
        generated_names.dedup_by_key(|(at, _, _)| *at);
        // A name a controller made up at random differs in the student's
        // world: it must be a placeholder, whether or not it exists here.
        for (at, name, workload) in generated_names {
            let rank = snaps.iter().find_map(|snap| {
                let ns = snap
                    .cluster
                    .pods
                    .keys()
                    .find(|k| k.1 == name)
                    .map(|k| k.0.clone())?;
                let ranked = bind::workload_pods(&snap.cluster, &ns, &workload)?;
                let wl = ranked
                    .iter()
                    .position(|p| p.metadata.name == name)
                    .map(|i| i + 1)?;
                Some((ns, wl))
            });
            let (w, rank) = match &rank {
                Some((ns, r)) if ns == "default" => (workload.clone(), *r),
                Some((ns, r)) => (format!("{ns}/{workload}"), *r),
                None => {
                    claimed.push((at, name));
                    continue;
                }
            };
            out.push(self.diag(
                start + at,
                format!(
                    "{name} is a name the controller made up at random; the student's pod has another: write {{pod:{w}#{rank}}}"
                ),
            ));
        }
        for (at, name) in claimed {
            if pods.contains(&name) {
                continue;
            }
            let of = workloads
                .iter()
                .find(|(w, _)| name.starts_with(&format!("{w}-")))
                .map(|(w, ps)| {
                    let list: Vec<&str> = ps.iter().map(|p| p.as_str()).collect();
                    format!(
                        "; {w}'s pods are {} (write {{pod:{w}#1}} for the first)",
                        list.join(", ")
                    )
                })
                .unwrap_or_default();
            out.push(self.diag(
                start + at,
                format!("there is no pod named {name} at this step{of}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_found_but_not_prefixes() {
        let found: Vec<String> = addresses(
            "to 10.244.0.2:80, not 10.244.0.0/16 or 1.2.3.4.5; 192.168.1.2. -d 10.96.0.10/32",
        )
        .into_iter()
        .map(|(_, ip, p)| format!("{ip}{}", p.map(|p| format!(":{p}")).unwrap_or_default()))
        .collect();
        assert_eq!(found, vec!["10.244.0.2:80", "192.168.1.2", "10.96.0.10"]);
    }

    #[test]
    fn prose_is_cut_into_sentences_and_blocks_into_lines() {
        let text = "One 10.244.0.2 here. Two there.\n\n```console\n$ curl 10.244.0.2\nout\n```\n\n```solution\ncurl x\n```\n- item\n";
        let c = chunks(text, 0, text.len());
        let got: Vec<(&str, Unit)> = c.iter().map(|c| (&text[c.start..c.end], c.unit)).collect();
        assert_eq!(
            got,
            vec![
                ("One 10.244.0.2 here.", Unit::Prose),
                ("Two there.", Unit::Prose),
                ("$ curl 10.244.0.2", Unit::Command),
                ("out", Unit::Line),
                ("- item", Unit::Prose),
            ]
        );
    }

    #[test]
    fn names_count_when_they_are_clearly_names() {
        let names: Set<String> = ["web", "myapp-pod", "node01"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let got = named("the web page of myapp-pod on node01", &names);
        assert!(named("a request from myapp-pod", &names).is_empty());
        assert_eq!(
            got.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
            vec!["myapp-pod", "node01"]
        );
        let got = named("the `web` Service", &names);
        assert_eq!(got.len(), 1);
        let got = named("Service web answers", &names);
        assert_eq!(got.len(), 1);
    }
}
