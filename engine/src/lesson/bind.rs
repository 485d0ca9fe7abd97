//! Values from the student's world, named in a lesson's text.
//!
//! The cluster is alive: pods get their addresses from the node's
//! allocator, the API server picks ClusterIPs and node ports, a controller
//! names its pods at random. A lesson that writes such a value down can be
//! contradicted by the student's terminal, so it names the value instead,
//! and the page reads it from the student's own world (`servicelab check`
//! from the replay):
//!
//! | placeholder | the value |
//! |---|---|
//! | `{podIP:myapp-pod}` | the pod's address |
//! | `{pod:web#2}` | the name of the second pod of workload `web` |
//! | `{node:myapp-pod}` | the node the pod runs on |
//! | `{clusterIP:web}` | the Service's ClusterIP |
//! | `{nodePort:web}` | the node port of its first port; `{nodePort:web:8080}`, `{nodePort:web:http}` for another |
//! | `{loadBalancerIP:web}` | the first address of its load balancer |
//! | `{endpoints:web}` | its ready endpoints as `describe` prints them (`10.244.0.2:80,10.244.0.3:80`); `{endpoints:web:http}` for another port |
//!
//! A Service is `NAME` or `NAME.NAMESPACE` (a Service name has no dot); a
//! pod is `NAME` or `NAMESPACE/NAME`, and `WORKLOAD#N` is the N-th pod
//! (from 1) of a Deployment, StatefulSet, DaemonSet or ReplicaSet, in the
//! order the pods were created (`NAMESPACE/WORKLOAD#N` in another
//! namespace).
//!
//! In a URL every `{` opens a placeholder. In prose a placeholder is
//! recognised by its kind (`{podIP:`…), so `{app: web}` in a manifest or
//! `{.spec.clusterIP}` in a jsonpath stay as they are; a kind that is
//! almost one we know (`{podIp:…}`) is an error, so a typo is not shown to
//! the student as text.

use crate::cluster::objects::{Pod, Service};
use crate::cluster::Cluster;

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PodIP,
    Pod,
    Node,
    ClusterIP,
    NodePort,
    LoadBalancerIP,
    Endpoints,
}

const KINDS: [(&str, Kind); 7] = [
    ("podIP", Kind::PodIP),
    ("pod", Kind::Pod),
    ("node", Kind::Node),
    ("clusterIP", Kind::ClusterIP),
    ("nodePort", Kind::NodePort),
    ("loadBalancerIP", Kind::LoadBalancerIP),
    ("endpoints", Kind::Endpoints),
];

impl Kind {
    fn parse(word: &str) -> Option<Kind> {
        KINDS.iter().find(|(w, _)| *w == word).map(|(_, k)| *k)
    }

    pub fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(w, _)| *w)
            .unwrap_or("")
    }

    fn of_pod(self) -> bool {
        matches!(self, Kind::PodIP | Kind::Pod | Kind::Node)
    }
}

/// What a placeholder names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Service {
        namespace: String,
        name: String,
        /// `nodePort` and `endpoints`: a port by number or name.
        port: Option<String>,
    },
    Pod {
        namespace: String,
        name: String,
    },
    /// The `rank`-th pod (from 1) of a workload.
    Ranked {
        namespace: String,
        workload: String,
        rank: usize,
    },
}

/// One placeholder found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Byte range of the braces and what they hold.
    pub span: (usize, usize),
    pub kind: Kind,
    pub target: Target,
}

/// A placeholder that cannot be read, and where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Byte offset of its `{`.
    pub at: usize,
    pub message: String,
}

const EXAMPLES: &str = "`{podIP:NAME}`, `{pod:WORKLOAD#1}`, `{node:POD}`, `{clusterIP:NAME}`, `{nodePort:NAME}`, `{loadBalancerIP:NAME}` or `{endpoints:NAME}`";

/// Reads what is between the braces of `{kind:…}`.
fn read(kind_word: &str, rest: &str) -> Result<(Kind, Target), String> {
    let inner = format!("{kind_word}:{rest}");
    let Some(kind) = Kind::parse(kind_word) else {
        let near = KINDS
            .iter()
            .map(|(w, _)| *w)
            .find(|w| {
                w.eq_ignore_ascii_case(kind_word) || crate::text::edit_distance(w, kind_word) <= 2
            })
            .map(|w| format!(", did you mean `{w}`?"))
            .unwrap_or_else(|| format!(": expected {EXAMPLES}"));
        return Err(format!(
            "unknown placeholder `{kind_word}` in `{{{inner}}}`{near}"
        ));
    };
    let names_nothing = || {
        format!(
            "`{{{inner}}}` names no {}: write `{{{kind_word}:NAME}}`",
            if kind.of_pod() { "pod" } else { "Service" }
        )
    };
    if rest.trim().is_empty() || rest.chars().any(char::is_whitespace) {
        return Err(names_nothing());
    }
    if kind.of_pod() {
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, n)) => (ns, n),
            None => ("default", rest),
        };
        if namespace.is_empty() || name.is_empty() {
            return Err(names_nothing());
        }
        let target = match name.split_once('#') {
            Some((workload, rank)) => {
                let rank = rank.parse::<usize>().ok().filter(|r| *r >= 1).ok_or_else(|| {
                    format!("`{{{inner}}}`: after `#` comes the pod's rank in its workload, from 1: `{{{kind_word}:{workload}#1}}`")
                })?;
                if workload.is_empty() {
                    return Err(names_nothing());
                }
                Target::Ranked {
                    namespace: namespace.into(),
                    workload: workload.into(),
                    rank,
                }
            }
            None => Target::Pod {
                namespace: namespace.into(),
                name: name.into(),
            },
        };
        return Ok((kind, target));
    }
    let (service, port) = match rest.split_once(':') {
        Some((s, p)) if matches!(kind, Kind::NodePort | Kind::Endpoints) => (s, Some(p)),
        Some(_) => {
            return Err(format!(
                "`{{{inner}}}`: only `nodePort` and `endpoints` name a port after the Service"
            ))
        }
        None => (rest, None),
    };
    let (name, namespace) = service.split_once('.').unwrap_or((service, "default"));
    if name.is_empty() || namespace.is_empty() || port == Some("") || name.contains('/') {
        return Err(names_nothing());
    }
    Ok((
        kind,
        Target::Service {
            namespace: namespace.into(),
            name: name.into(),
            port: port.map(str::to_string),
        },
    ))
}

/// The placeholders of a URL: every `{` opens one.
pub fn scan_url(url: &str) -> Result<Vec<Placeholder>, Malformed> {
    let mut out = vec![];
    let mut from = 0;
    while let Some(open) = url[from..].find('{').map(|i| i + from) {
        let Some(close) = url[open..].find('}').map(|i| i + open) else {
            return Err(Malformed {
                at: open,
                message: format!(
                    "`{}` opens a placeholder that never closes: write `{{nodePort:NAME}}`",
                    &url[open..]
                ),
            });
        };
        let inner = &url[open + 1..close];
        let Some((kind, rest)) = inner.split_once(':') else {
            return Err(Malformed {
                at: open,
                message: format!("`{{{inner}}}` names no value: write {EXAMPLES}"),
            });
        };
        let (kind, target) = read(kind, rest).map_err(|message| Malformed { at: open, message })?;
        out.push(Placeholder {
            span: (open, close + 1),
            kind,
            target,
        });
        from = close + 1;
    }
    Ok(out)
}

/// The placeholders of prose (or of any text a lesson shows), and the
/// malformed ones. Only `{WORD:` where WORD is a kind, or almost one, is
/// read as a placeholder; any other brace is text.
pub fn scan_text(text: &str) -> (Vec<Placeholder>, Vec<Malformed>) {
    let mut found = vec![];
    let mut bad = vec![];
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(open) = text[i..].find('{').map(|p| p + i) {
        i = open + 1;
        let word_end = text[open + 1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(text.len(), |p| p + open + 1);
        let word = &text[open + 1..word_end];
        if word.is_empty() || bytes.get(word_end) != Some(&b':') {
            continue;
        }
        // `{nodePort: 30008}` is a YAML mapping (a check's fields), not a
        // placeholder: a placeholder has no space after its colon.
        if bytes
            .get(word_end + 1)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            continue;
        }
        let known = Kind::parse(word).is_some();
        let near = !known
            && word.len() >= 3
            && KINDS.iter().any(|(w, _)| {
                w.eq_ignore_ascii_case(word)
                    || (word.chars().any(|c| c.is_ascii_uppercase())
                        && crate::text::edit_distance(w, word) <= 2)
            });
        if !known && !near {
            continue;
        }
        // A placeholder ends at the first `}`, on its own line.
        let close = text[word_end..]
            .find(['}', '\n'])
            .map(|p| p + word_end)
            .filter(|p| bytes[*p] == b'}');
        let Some(close) = close else {
            bad.push(Malformed {
                at: open,
                message: format!(
                    "`{}` opens a placeholder that never closes: write `{{{word}:NAME}}`",
                    text[open..].lines().next().unwrap_or("")
                ),
            });
            continue;
        };
        match read(word, &text[word_end + 1..close]) {
            Ok((kind, target)) => found.push(Placeholder {
                span: (open, close + 1),
                kind,
                target,
            }),
            Err(message) => bad.push(Malformed { at: open, message }),
        }
        i = close + 1;
    }
    (found, bad)
}

/// What a placeholder stands for, in words: shown where its value is not
/// there yet (`<whoami's node port>`).
pub fn describe(p: &Placeholder) -> String {
    let who = match &p.target {
        Target::Service {
            namespace, name, ..
        }
        | Target::Pod { namespace, name } => {
            if namespace == "default" {
                name.clone()
            } else {
                format!("{namespace}/{name}")
            }
        }
        Target::Ranked {
            namespace,
            workload,
            rank,
        } => {
            let w = if namespace == "default" {
                workload.clone()
            } else {
                format!("{namespace}/{workload}")
            };
            format!("{w}'s pod {rank}")
        }
    };
    let port = match &p.target {
        Target::Service { port: Some(p), .. } => format!(" for port {p}"),
        _ => String::new(),
    };
    match p.kind {
        Kind::PodIP => format!("{who}'s address"),
        Kind::Pod => format!("the name of {who}"),
        Kind::Node => format!("{who}'s node"),
        Kind::ClusterIP => format!("{who}'s ClusterIP"),
        Kind::NodePort => format!("{who}'s node port{port}"),
        Kind::LoadBalancerIP => format!("{who}'s load balancer address"),
        Kind::Endpoints => format!("{who}'s endpoints{port}"),
    }
}

/// The pods of a workload, in the order they were created.
pub fn workload_pods<'a>(c: &'a Cluster, namespace: &str, workload: &str) -> Option<Vec<&'a Pod>> {
    let key = (namespace.to_string(), workload.to_string());
    let uid_of = |m: &crate::cluster::objects::ObjectMeta| m.uid.clone().unwrap_or_default();
    let owners: Vec<String> = if let Some(d) = c.deployments.get(&key) {
        let uid = uid_of(&d.metadata);
        c.replicasets
            .iter()
            .filter(|(k, rs)| {
                k.0 == namespace && rs.metadata.owner_references.iter().any(|o| o.uid == uid)
            })
            .map(|(_, rs)| uid_of(&rs.metadata))
            .collect()
    } else if let Some(s) = c.statefulsets.get(&key) {
        vec![uid_of(&s.metadata)]
    } else if let Some(d) = c.daemonsets.get(&key) {
        vec![uid_of(&d.metadata)]
    } else if let Some(r) = c.replicasets.get(&key) {
        vec![uid_of(&r.metadata)]
    } else {
        return None;
    };
    let mut pods: Vec<&Pod> = c
        .pods
        .iter()
        .filter(|(k, p)| {
            k.0 == namespace
                && p.metadata
                    .owner_references
                    .iter()
                    .any(|o| owners.contains(&o.uid))
        })
        .map(|(_, p)| p)
        .collect();
    crate::sort::sort_by_key(&mut pods, |p| {
        (p.metadata.created_ms, p.metadata.created_seq)
    });
    Some(pods)
}

fn pod<'a>(c: &'a Cluster, target: &Target) -> Result<&'a Pod, String> {
    match target {
        Target::Pod { namespace, name } => c
            .pods
            .get(&(namespace.clone(), name.clone()))
            .ok_or_else(|| format!("there is no pod named {name} in namespace {namespace}")),
        Target::Ranked {
            namespace,
            workload,
            rank,
        } => {
            let pods = workload_pods(c, namespace, workload).ok_or_else(|| {
                format!("there is no Deployment, StatefulSet, DaemonSet or ReplicaSet named {workload} in namespace {namespace}")
            })?;
            pods.get(rank - 1).copied().ok_or_else(|| {
                format!(
                    "{workload} has {} pod(s), so it has no pod {rank}",
                    pods.len()
                )
            })
        }
        Target::Service { .. } => Err("a Service is not a pod".into()),
    }
}

fn service<'a>(c: &'a Cluster, namespace: &str, name: &str) -> Result<&'a Service, String> {
    c.services
        .get(&(namespace.to_string(), name.to_string()))
        .ok_or_else(|| format!("there is no Service named {name} in namespace {namespace} yet"))
}

/// A placeholder's value in the world, or one sentence on why it has none
/// (yet).
pub fn value(c: &Cluster, p: &Placeholder) -> Result<String, String> {
    if p.kind.of_pod() {
        let pod = pod(c, &p.target)?;
        let name = &pod.metadata.name;
        return match p.kind {
            Kind::Pod => Ok(name.clone()),
            Kind::Node => pod
                .spec
                .node_name
                .clone()
                .ok_or_else(|| format!("{name} is not on a node yet (it is Pending)")),
            _ => pod
                .status
                .pod_ip
                .clone()
                .filter(|ip| !ip.is_empty())
                .ok_or_else(|| format!("{name} has no address yet")),
        };
    }
    let Target::Service {
        namespace,
        name,
        port,
    } = &p.target
    else {
        return Err("a pod is not a Service".into());
    };
    let svc = service(c, namespace, name)?;
    match p.kind {
        Kind::NodePort => node_port(svc, port.as_deref()),
        Kind::ClusterIP => match svc.spec.cluster_ip.as_deref() {
            Some(ip) if ip != "None" && !ip.is_empty() => Ok(ip.to_string()),
            _ => Err(format!("Service {name} has no ClusterIP")),
        },
        Kind::LoadBalancerIP => svc
            .status
            .load_balancer
            .ingress
            .iter()
            .find_map(|i| i.ip.clone())
            .ok_or_else(|| {
                format!(
                    "Service {name} has no load balancer address yet (its EXTERNAL-IP is <pending> or <none>)"
                )
            }),
        _ => endpoints(c, svc, port.as_deref()),
    }
}

fn chosen_port<'a>(
    svc: &'a Service,
    port: Option<&str>,
) -> Result<&'a crate::cluster::objects::ServicePort, String> {
    let name = &svc.metadata.name;
    let chosen = match port {
        None => svc.spec.ports.first(),
        Some(p) => svc
            .spec
            .ports
            .iter()
            .find(|sp| sp.name == p || sp.port.to_string() == p),
    };
    chosen.ok_or_else(|| match port {
        None => format!("Service {name} has no ports"),
        Some(p) => format!("Service {name} has no port {p}"),
    })
}

fn node_port(svc: &Service, port: Option<&str>) -> Result<String, String> {
    let sp = chosen_port(svc, port)?;
    sp.node_port.map(|n| n.to_string()).ok_or_else(|| {
        format!(
            "Service {} is of type {} and has no node port",
            svc.metadata.name,
            svc.type_name()
        )
    })
}

fn endpoints(c: &Cluster, svc: &Service, port: Option<&str>) -> Result<String, String> {
    let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
    let port_name = if svc.spec.ports.is_empty() {
        None
    } else {
        Some(chosen_port(svc, port)?.name.clone())
    };
    let slices = c.slices_of(ns, &svc.metadata.name);
    Ok(crate::shell::format_endpoint_slices(
        &slices,
        port_name.as_deref(),
    ))
}

/// A piece of a text whose placeholders were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// A placeholder's value in the world.
    Value(String),
    /// A placeholder with no value yet: what it stands for, and why.
    Missing {
        what: String,
        why: String,
    },
}

/// A text cut into its literal parts and its placeholders' values.
pub fn pieces<'a>(c: &Cluster, text: &'a str) -> Vec<Piece<'a>> {
    let (found, _) = scan_text(text);
    let mut out = vec![];
    let mut last = 0;
    for p in &found {
        if p.span.0 > last {
            out.push(Piece::Text(&text[last..p.span.0]));
        }
        out.push(match value(c, p) {
            Ok(v) => Piece::Value(v),
            Err(why) => Piece::Missing {
                what: describe(p),
                why,
            },
        });
        last = p.span.1;
    }
    if last < text.len() {
        out.push(Piece::Text(&text[last..]));
    }
    out
}

/// A text with its placeholders' values; a value not there yet is shown
/// as what it stands for, `<whoami's node port>`.
pub fn render(c: &Cluster, text: &str) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    pieces(c, text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_string(),
            Piece::Value(v) => v,
            Piece::Missing { what, .. } => format!("<{what}>"),
        })
        .collect()
}

/// A text with its placeholders' values, or the first reason one has none.
pub fn render_all(c: &Cluster, text: &str) -> Result<String, String> {
    let mut out = String::new();
    for p in pieces(c, text) {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Value(v) => out.push_str(&v),
            Piece::Missing { why, .. } => return Err(why),
        }
    }
    Ok(out)
}

/// What is wrong with the placeholders of a URL, for the lesson parser.
pub fn problem(url: &str) -> Option<String> {
    scan_url(url).err().map(|m| m.message)
}

/// The URL with each placeholder replaced by its value in the world, or
/// one sentence on why a value is not there yet.
pub fn resolve(c: &Cluster, url: &str) -> Result<String, String> {
    let found = scan_url(url).map_err(|m| m.message)?;
    let mut out = String::new();
    let mut last = 0;
    for p in &found {
        out.push_str(&url[last..p.span.0]);
        out.push_str(&value(c, p)?);
        last = p.span.1;
    }
    out.push_str(&url[last..]);
    Ok(out)
}

/// A URL for showing: its placeholders' values, or what they stand for.
pub fn show_url(c: &Cluster, url: &str) -> String {
    let Ok(found) = scan_url(url) else {
        return url.to_string();
    };
    let mut out = String::new();
    let mut last = 0;
    for p in &found {
        out.push_str(&url[last..p.span.0]);
        match value(c, p) {
            Ok(v) => out.push_str(&v),
            Err(_) => out.push_str(&format!("<{}>", describe(p))),
        }
        last = p.span.1;
    }
    out.push_str(&url[last..]);
    out
}

/// A placeholder's value, or what it stands for and why it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Known(String),
    Missing { what: String, why: String },
}

/// The values of a lesson's placeholders in one world: what the page
/// shows in the lesson's text. Compared by value, so the text is drawn
/// again only when a value changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Values(crate::map::Map<String, Value>);

impl Values {
    /// The values of every placeholder of `lesson` in the world `c`.
    pub fn of(lesson: &super::Lesson, c: &Cluster) -> Values {
        let mut map = crate::map::Map::new();
        let mut add = |text: &str| {
            if !text.contains('{') {
                return;
            }
            for p in scan_text(text).0 {
                let key = text[p.span.0..p.span.1].to_string();
                if map.contains_key(&key) {
                    continue;
                }
                let v = match value(c, &p) {
                    Ok(v) => Value::Known(v),
                    Err(why) => Value::Missing {
                        what: describe(&p),
                        why,
                    },
                };
                map.insert(key, v);
            }
        };
        lesson.each_text(&mut add);
        Values(map)
    }

    /// A text cut into literal parts and values, as [`pieces`] does, from
    /// the values found.
    pub fn pieces<'a>(&self, text: &'a str) -> Vec<Piece<'a>> {
        if !text.contains('{') {
            return vec![Piece::Text(text)];
        }
        let (found, _) = scan_text(text);
        let mut out = vec![];
        let mut last = 0;
        for p in &found {
            if p.span.0 > last {
                out.push(Piece::Text(&text[last..p.span.0]));
            }
            out.push(match self.0.get(&text[p.span.0..p.span.1]) {
                Some(Value::Known(v)) => Piece::Value(v.clone()),
                Some(Value::Missing { what, why }) => Piece::Missing {
                    what: what.clone(),
                    why: why.clone(),
                },
                None => Piece::Missing {
                    what: describe(p),
                    why: "the page does not know this value".into(),
                },
            });
            last = p.span.1;
        }
        if last < text.len() {
            out.push(Piece::Text(&text[last..]));
        }
        out
    }

    /// The text with its values; a missing one as `<what it stands for>`.
    pub fn text(&self, text: &str) -> String {
        self.pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Value(v) => v,
                Piece::Missing { what, .. } => format!("<{what}>"),
            })
            .collect()
    }

    /// A command with its values, or why it cannot run yet.
    pub fn command(&self, cmd: &str) -> Result<String, String> {
        let mut out = String::new();
        for p in self.pieces(cmd) {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(v) => out.push_str(&v),
                Piece::Missing { why, .. } => return Err(why),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Session;

    #[test]
    fn url_placeholders_are_read_or_refused_with_a_reason() {
        assert!(problem("http://192.168.1.2:{nodePort:web}").is_none());
        assert!(problem("http://{clusterIP:web.shop}/").is_none());
        assert!(problem("http://192.168.1.2:{nodePort:web:http}").is_none());
        assert!(problem("http://{podIP:web#2}").is_none());
        assert!(problem("http://{podIP:shop/web#2}").is_none());
        assert!(problem("http://x:{nodeport:web}").unwrap().starts_with(
            "unknown placeholder `nodeport` in `{nodeport:web}`, did you mean `nodePort`?"
        ));
        assert!(problem("http://x:{nodePort:web")
            .unwrap()
            .contains("never closes"));
        assert!(problem("http://x:{web}")
            .unwrap()
            .contains("names no value"));
        assert!(problem("http://{clusterIP:web:80}")
            .unwrap()
            .contains("only `nodePort` and `endpoints`"));
        assert!(problem("http://x:{nodePort:}")
            .unwrap()
            .contains("names no Service"));
        assert!(problem("http://{podIP:web#0}").unwrap().contains("rank"));
        assert!(problem("http://{podIP:web#x}").unwrap().contains("rank"));
    }

    #[test]
    fn prose_braces_that_are_not_placeholders_stay_text() {
        for text in [
            "labels: {app: web}",
            "-o jsonpath='{.spec.clusterIP}'",
            "{range .items[*]}{.metadata.name}{\"\\n\"}{end}",
            "echo {a,b}",
            "${HOME}",
            "{}",
            "{ podIP: x }",
            "{app:web}",
            "- service: {nodePort: 30008, clusterIP: None}",
            "- {name: web, node: node01}",
        ] {
            let (found, bad) = scan_text(text);
            assert!(
                found.is_empty() && bad.is_empty(),
                "{text}: {found:?} {bad:?}"
            );
        }
        let (found, bad) = scan_text("curl http://{podIP:myapp-pod}/ and {nodePort:web:8080}.");
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].span, (12, 29));
        let (_, bad) = scan_text("the address {podIp:myapp-pod} and {clusterip:web}");
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(bad[0].message.contains("did you mean `podIP`?"), "{bad:?}");
        assert_eq!(bad[0].at, 12);
        let (_, bad) = scan_text("{podIP:myapp-pod\nnext line}");
        assert!(bad[0].message.contains("never closes"), "{bad:?}");
        let (_, bad) = scan_text("{podIP:}");
        assert!(bad[0].message.contains("names no pod"), "{bad:?}");
    }

    #[test]
    fn placeholders_read_the_students_world() {
        let mut s = Session::new(crate::world::WorldOptions::default()).unwrap();
        let c = |s: &Session| s.world().cluster.clone();
        let url = "http://192.168.1.2:{nodePort:web}/";
        assert_eq!(
            resolve(&c(&s), url),
            Err("there is no Service named web in namespace default yet".into())
        );
        assert_eq!(
            show_url(&c(&s), url),
            "http://192.168.1.2:<web's node port>/"
        );
        let e = s.run("kubectl create service clusterip web --tcp=80:80");
        assert_eq!(e.status, 0, "{}", e.text());
        assert_eq!(
            resolve(&c(&s), url),
            Err("Service web is of type ClusterIP and has no node port".into())
        );
        let ip = resolve(&c(&s), "{clusterIP:web}").unwrap();
        let range: ipnet::Ipv4Net = "10.96.0.0/12".parse().unwrap();
        assert!(
            range.contains(&ip.parse::<std::net::Ipv4Addr>().unwrap()),
            "{ip}"
        );
        s.run("kubectl delete service web");
        s.run("kubectl create service nodeport web --tcp=80:80 --node-port=30123");
        assert_eq!(resolve(&c(&s), url).unwrap(), "http://192.168.1.2:30123/");
        assert_eq!(
            resolve(&c(&s), "http://x:{nodePort:web:81}"),
            Err("Service web has no port 81".into())
        );
        assert_eq!(
            render(
                &c(&s),
                "myapp-pod is {podIP:myapp-pod} on {node:myapp-pod}."
            ),
            "myapp-pod is 10.244.0.2 on node01."
        );
        assert_eq!(
            render(&c(&s), "{podIP:nothere} and {pod:web#1}"),
            "<nothere's address> and <the name of web's pod 1>"
        );
    }

    #[test]
    fn a_workloads_pods_rank_by_creation() {
        let mut s = Session::new(crate::world::WorldOptions::default()).unwrap();
        let e = s.run("kubectl create deployment web --image=nginx --replicas=3");
        assert_eq!(e.status, 0, "{}", e.text());
        s.settle();
        let c = s.world().cluster.clone();
        let names: Vec<String> = (1..=3)
            .map(|n| render_all(&c, &format!("{{pod:web#{n}}}")).unwrap())
            .collect();
        let ips: Vec<String> = (1..=3)
            .map(|n| render_all(&c, &format!("{{podIP:web#{n}}}")).unwrap())
            .collect();
        // Created in turn, set up in turn: addresses follow the ranks.
        assert_eq!(ips, vec!["10.244.0.3", "10.244.0.4", "10.244.0.5"]);
        let wide = s.run("kubectl get pods -o wide").text();
        for (n, ip) in names.iter().zip(&ips) {
            assert!(
                wide.lines()
                    .any(|l| l.starts_with(n.as_str()) && l.contains(ip.as_str())),
                "{n} {ip}\n{wide}"
            );
        }
        assert_eq!(
            render_all(&c, "{pod:web#4}"),
            Err("web has 3 pod(s), so it has no pod 4".into())
        );
        let eps = render_all(&c, "{endpoints:web}");
        assert_eq!(
            eps,
            Err("there is no Service named web in namespace default yet".into())
        );
    }
}
