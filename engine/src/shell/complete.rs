//! Tab completion, the way bash with kubectl's completion script does it:
//! commands first, then kubectl's verbs, resource types (any spelling
//! kubectl itself accepts: `svc`, `po`, `deploy`…) and the names of the
//! objects in the cluster, hosts for `ssh`, files of the home directory.
//!
//! Pure: it reads the session and changes nothing.

use super::kubectl::Resource;
use super::{Session, COMMANDS};

/// The result of pressing Tab.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// The text before the cursor, completed as far as it is unambiguous.
    pub line: String,
    /// When Tab could not go further and several words fit: all of them,
    /// for bash's second-Tab listing.
    pub candidates: Vec<String>,
}

/// kubectl's verbs that this kubectl runs.
use super::KUBECTL_VERBS as VERBS;

/// The resource types offered after `get`, `describe`… (kubectl's plural
/// names; a test keeps each one known to kubectl's own table).
pub(crate) const TYPES: &[&str] = &[
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

/// The names of the objects of a resource type, as typed (`svc`, `pods`…),
/// in namespace `ns`.
fn objects(session: &Session, kind: &str, ns: &str) -> Vec<String> {
    let c = &session.world().cluster;
    let in_ns = |k: &(String, String)| (k.0 == ns).then(|| k.1.clone());
    match Resource::parse(kind) {
        Some(Resource::Pods) => c.pods.keys().filter_map(in_ns).collect(),
        Some(Resource::Services | Resource::Endpoints | Resource::EndpointSlices) => {
            c.services.keys().filter_map(in_ns).collect()
        }
        Some(Resource::Deployments) => c.deployments.keys().filter_map(in_ns).collect(),
        Some(Resource::ReplicaSets) => c.replicasets.keys().filter_map(in_ns).collect(),
        Some(Resource::Nodes) => c.nodes.iter().map(|n| n.name.clone()).collect(),
        Some(Resource::Namespaces) => c.namespaces.keys().cloned().collect(),
        _ => vec![],
    }
}

fn kubectl(session: &Session, args: &[&str]) -> Vec<String> {
    let ns = args
        .windows(2)
        .find(|w| w[0] == "-n" || w[0] == "--namespace")
        .map(|w| w[1])
        .unwrap_or("default");
    match args.last() {
        Some(&("-f" | "--filename")) => return session.home_files(),
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
        ["cat" | "less" | "more" | "head" | "tail" | "cp" | "mv" | "rm" | "wc" | "grep" | "sort"
        | "vi" | "vim" | "nano", ..] => session.home_files(),
        ["ip"] => vec!["addr".into(), "neigh".into(), "route".into()],
        [first, .., "-t"] if *first == "iptables" || *first == "iptables-save" => {
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

impl Session {
    /// Completes the word before the cursor; `before` is the text up to it.
    pub fn complete(&self, before: &str) -> Completion {
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
        let mut found: Vec<String> = candidates(self, &words)
            .into_iter()
            .filter(|c| c.starts_with(current))
            .collect();
        crate::sort::sort(&mut found);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::WorldOptions;

    fn session() -> Session {
        Session::new(WorldOptions::default()).unwrap()
    }

    fn line(s: &Session, before: &str) -> String {
        s.complete(before).line
    }

    #[test]
    fn commands_verbs_types_names_and_hosts() {
        let mut s = session();
        assert_eq!(line(&s, "hostn"), "hostname ");
        assert_eq!(line(&s, "kubectl appl"), "kubectl apply ");
        // apply, api-resources: bash stops at what they share.
        assert_eq!(line(&s, "kubectl a"), "kubectl ap");
        assert_eq!(
            line(&s, "kubectl get svc kub"),
            "kubectl get svc kubernetes "
        );
        assert_eq!(line(&s, "k get po my"), "k get po myapp-pod ");
        assert_eq!(line(&s, "ssh no"), "ssh node01 ");
        assert_eq!(
            line(&s, "curl -s x && kubectl descr"),
            "curl -s x && kubectl describe "
        );
        assert_eq!(line(&s, "sudo iptables -t n"), "sudo iptables -t nat ");
        // Several fit: the common part, then the list.
        let c = s.complete("kubectl get de");
        assert_eq!(c.line, "kubectl get deployments ");
        let c = s.complete("kubectl get end");
        assert_eq!(c.line, "kubectl get endpoints");
        let c = s.complete("kubectl get endpoints");
        assert_eq!(c.candidates, ["endpoints", "endpointslices"]);
        // Files of the home directory, for -f and the editors.
        s.put_file("laptop", "myapp-service.yaml", "x");
        assert_eq!(
            line(&s, "kubectl apply -f my"),
            "kubectl apply -f myapp-service.yaml "
        );
        assert_eq!(line(&s, "vi my"), "vi myapp-service.yaml ");
        assert_eq!(line(&s, "nothing-fits-this"), "nothing-fits-this");
    }

    #[test]
    fn every_type_offered_is_one_kubectl_knows() {
        for t in TYPES {
            assert!(Resource::parse(t).is_some(), "{t}");
        }
    }
}
