//! Tab completion, the way bash with kubectl's completion script does it:
//! commands first, then kubectl's verbs, resource types and the names of
//! the objects in the simulated cluster, hosts for `ssh`, files for `-f`.
//!
//! Pure: it reads the session, changes nothing.

use crate::engine::shell::{COMMANDS, KUBECTL_VERBS as VERBS};
use crate::engine::Session;

const TYPES: &[&str] = &[
    "all",
    "deployments",
    "endpoints",
    "endpointslices",
    "events",
    "namespaces",
    "nodes",
    "pods",
    "replicasets",
    "services",
];

/// The result of pressing Tab.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// The text before the cursor, completed as far as it is unambiguous.
    pub line: String,
    /// When Tab could not go further and several words fit: all of them,
    /// for bash's second-Tab listing.
    pub candidates: Vec<String>,
}

fn names<'a, V>(
    map: &'a std::collections::BTreeMap<(String, String), V>,
    ns: &'a str,
) -> impl Iterator<Item = String> + 'a {
    map.keys().filter(move |k| k.0 == ns).map(|k| k.1.clone())
}

/// The names of objects of a kubectl resource type (as typed: `svc`, `pods`…).
fn objects(session: &Session, kind: &str, ns: &str) -> Vec<String> {
    let c = &session.world().cluster;
    match kind.to_ascii_lowercase().as_str() {
        "po" | "pod" | "pods" => names(&c.pods, ns).collect(),
        "svc" | "service" | "services" | "ep" | "endpoints" => names(&c.services, ns).collect(),
        "deploy" | "deployment" | "deployments" => names(&c.deployments, ns).collect(),
        "rs" | "replicaset" | "replicasets" => names(&c.replicasets, ns).collect(),
        "no" | "node" | "nodes" => c.nodes.iter().map(|n| n.name.clone()).collect(),
        "ns" | "namespace" | "namespaces" => c.namespaces.keys().cloned().collect(),
        _ => vec![],
    }
}

/// Files in the home directory of the terminal's host.
fn files(session: &Session) -> Vec<String> {
    let world = session.world();
    let Some(machine) = world
        .net
        .host_id(session.current_host())
        .and_then(|h| world.machine(h))
    else {
        return vec![];
    };
    let home = if machine.user == "root" {
        "/root/".to_string()
    } else {
        format!("/home/{}/", machine.user)
    };
    machine
        .files
        .keys()
        .filter_map(|p| p.strip_prefix(&home))
        .filter(|p| !p.contains('/'))
        .map(str::to_string)
        .collect()
}

fn kubectl(session: &Session, args: &[&str]) -> Vec<String> {
    let ns = args
        .windows(2)
        .find(|w| w[0] == "-n" || w[0] == "--namespace")
        .map(|w| w[1])
        .unwrap_or("default");
    match args.last() {
        Some(&("-f" | "--filename")) => return files(session),
        Some(&("-n" | "--namespace")) => return objects(session, "namespaces", ns),
        Some(&("-o" | "--output")) => {
            return ["wide", "yaml", "json", "name"].map(String::from).to_vec()
        }
        _ => {}
    }
    // Positional words, without flags and their values.
    let mut positional = vec![];
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if matches!(
            *a,
            "-f" | "--filename" | "-n" | "--namespace" | "-o" | "--output" | "-l" | "--selector"
        ) {
            skip = true;
        } else if !a.starts_with('-') {
            positional.push(*a);
        }
    }
    let owned = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match positional.as_slice() {
        [] => owned(VERBS),
        ["get" | "describe" | "delete" | "label"] => owned(TYPES),
        ["get" | "describe" | "delete" | "label", kind, ..] => objects(session, kind, ns),
        ["exec" | "logs" | "port-forward"] => objects(session, "pods", ns),
        ["rollout"] => owned(&["history", "restart", "status", "undo"]),
        ["rollout", _] => owned(&["deployment"]),
        ["rollout", _, kind] => objects(session, kind, ns),
        ["edit" | "patch" | "wait"] => owned(TYPES),
        ["edit" | "patch" | "wait", kind, ..] => objects(session, kind, ns),
        ["expose" | "scale"] => owned(&["deployment", "pod", "service"]),
        ["expose" | "scale", kind] => objects(session, kind, ns),
        ["create"] => owned(&["deployment", "namespace", "service"]),
        ["create", "service" | "svc"] => owned(&["clusterip", "loadbalancer", "nodeport"]),
        ["apply"] => owned(&["-f"]),
        _ => vec![],
    }
}

fn candidates(session: &Session, words: &[&str]) -> Vec<String> {
    let words = match words.first() {
        Some(&"sudo") => &words[1..],
        _ => words,
    };
    match words {
        [] => COMMANDS.iter().map(|s| s.to_string()).collect(),
        ["ssh", ..] => session
            .world()
            .cluster
            .nodes
            .iter()
            .map(|n| n.name.clone())
            .collect(),
        ["kubectl" | "k", args @ ..] => kubectl(session, args),
        ["cat" | "less" | "more" | "head" | "tail" | "cp" | "mv" | "rm" | "wc" | "grep" | "sort", ..] => {
            files(session)
        }
        ["ip"] => vec!["addr".into(), "neigh".into(), "route".into()],
        [.., "-t"] if words[0] == "iptables" || words[0] == "iptables-save" => {
            vec!["filter".into(), "nat".into()]
        }
        _ => vec![],
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(end);
    }
    first[..end].to_string()
}

/// Completes the word before the cursor (`before` is the text up to it).
pub fn complete(session: &Session, before: &str) -> Completion {
    // Only the last command of `a && b | c` matters.
    let start = ["&&", "||", ";", "|"]
        .iter()
        .filter_map(|sep| before.rfind(sep).map(|i| i + sep.len()))
        .max()
        .unwrap_or(0);
    let segment = &before[start..];
    let word_start = segment
        .rfind(char::is_whitespace)
        .map(|i| i + 1)
        .unwrap_or(0);
    let current = &segment[word_start..];
    let words: Vec<&str> = segment[..word_start].split_whitespace().collect();
    let mut found: Vec<String> = candidates(session, &words)
        .into_iter()
        .filter(|c| c.starts_with(current))
        .collect();
    servicelab_engine::sort::sort(&mut found);
    found.dedup();
    let keep = &before[..start + word_start];
    match found.len() {
        0 => Completion {
            line: before.to_string(),
            candidates: vec![],
        },
        1 => Completion {
            line: format!("{keep}{} ", found[0]),
            candidates: vec![],
        },
        _ => {
            let prefix = common_prefix(&found);
            if prefix.len() > current.len() {
                Completion {
                    line: format!("{keep}{prefix}"),
                    candidates: vec![],
                }
            } else {
                Completion {
                    line: before.to_string(),
                    candidates: found,
                }
            }
        }
    }
}
