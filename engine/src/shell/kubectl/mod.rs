//! `kubectl`, as kubectl v1.31 behaves and prints, against the simulated
//! apiserver. It runs from the laptop and from the nodes (both have a
//! kubeconfig for https://192.168.1.2:6443); every call first opens a real
//! connection to the apiserver through the simulated network.

mod api_resources;
mod columns;
mod describe;
mod exec;
mod get;
mod jsonpath;
mod logs;
mod mutate;
mod patch;
mod portforward;
mod wait;

pub(crate) use columns::format_endpoint_slices;
pub(super) use mutate::attached_shell_ended;
pub use patch::EditRequest;

use super::opts::{self, Item, Opt, OptError, Spec};
use super::{Execution, Session};
use crate::cluster::apiserver::ApiError;
use crate::net::ConnectOutcome;
use crate::shell::ctx::Ctx;
use std::net::{Ipv4Addr, SocketAddrV4};

pub const CLIENT_VERSION: &str = "v1.31.4";

/// Parsed command line: positional words and flags.
#[derive(Debug, Default, Clone)]
pub(crate) struct Args {
    pub positional: Vec<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub output: Option<String>,
    pub selector: Option<String>,
    pub files: Vec<String>,
    /// Other `--flag=value` / `--flag value` options.
    pub values: Vec<(String, String)>,
    /// Boolean flags that were given.
    pub bools: Vec<String>,
    /// Words after `--`.
    pub command: Vec<String>,
    pub saw_dashdash: bool,
}

impl Args {
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.bools.iter().any(|b| b == name)
    }

    pub fn ns(&self) -> String {
        self.namespace.clone().unwrap_or_else(|| "default".into())
    }
}

/// Flags that take a value, by long name; short aliases map onto them.
const VALUE_FLAGS: &[&str] = &[
    "namespace",
    "output",
    "selector",
    "filename",
    "image",
    "replicas",
    "port",
    "target-port",
    "type",
    "name",
    "labels",
    "tcp",
    "node-port",
    "protocol",
    "dry-run",
    "restart",
    "container",
    "external-ip",
    "session-affinity",
    "cluster-ip",
    "clusterip",
    "field-selector",
    "validate",
    "timeout",
    "grace-period",
    "api-group",
    "namespaced",
    "sort-by",
    "external-name",
    "from-literal",
    "for",
    "tail",
    "since",
    "patch",
    "address",
    "pod-running-timeout",
    "revision",
    "to-revision",
    "field-manager",
];
const BOOL_FLAGS: &[&str] = &[
    "all-namespaces",
    "show-labels",
    "overwrite",
    "stdin",
    "tty",
    "all",
    "help",
    "watch",
    "command",
    "rm",
    "force",
    "no-headers",
    "client",
    "follow",
    "previous",
    "timestamps",
    "prefix",
    "all-containers",
    "quiet",
    "attach",
    "local",
];

/// The flags with a one-letter shorthand.
const SHORTHANDS: &[(char, &str)] = &[
    ('n', "namespace"),
    ('o', "output"),
    ('l', "selector"),
    ('f', "filename"),
    ('A', "all-namespaces"),
    ('i', "stdin"),
    ('t', "tty"),
    ('c', "container"),
    ('h', "help"),
    ('w', "watch"),
];

/// The shorthands that mean something else in one command: `-f` is
/// `--follow` and `-p` `--previous` in `kubectl logs`, `-p` is `--patch` in
/// `kubectl patch`, `-q` is `--quiet` in `kubectl run`.
fn verb_shorthands(verb: &str) -> &'static [(char, &'static str)] {
    match verb {
        "logs" | "log" => &[('f', "follow"), ('p', "previous")],
        "patch" => &[('p', "patch")],
        "run" => &[('q', "quiet")],
        _ => &[],
    }
}

/// The flags kubectl takes here, as the shell's one option parser reads
/// them with pflag's rules: the lists above, with their shorthands.
fn flag_spec(verb: &str) -> Vec<Opt> {
    let special = verb_shorthands(verb);
    let short = |name: &str| {
        special
            .iter()
            .find(|(_, l)| *l == name)
            .or_else(|| {
                SHORTHANDS
                    .iter()
                    .find(|(c, l)| *l == name && !special.iter().any(|(sc, _)| sc == c))
            })
            .map(|(c, _)| *c)
    };
    VALUE_FLAGS
        .iter()
        .map(|n| (n, true))
        .chain(BOOL_FLAGS.iter().map(|n| (n, false)))
        .map(|(name, value)| Opt {
            name,
            short: short(name),
            long: Some(name),
            value,
        })
        .collect()
}

pub(crate) fn parse_args(verb: &str, words: &[String]) -> Result<Args, OptError> {
    let spec = flag_spec(verb);
    let parsed = opts::parse(words, &Spec::pflag(&spec))?;
    let mut a = Args::default();
    for item in &parsed.items {
        match item {
            Item::Operand(w) => a.positional.push(w.clone()),
            Item::Opt(name, Some(v)) => match *name {
                "namespace" => a.namespace = Some(v.clone()),
                "output" => a.output = Some(v.clone()),
                "selector" => a.selector = Some(v.clone()),
                "filename" => a.files.push(v.clone()),
                other => a.values.push((other.to_string(), v.clone())),
            },
            Item::Opt(name, None) => {
                if *name == "all-namespaces" {
                    a.all_namespaces = true;
                }
                a.bools.push(name.to_string());
            }
        }
    }
    if let Some(command) = parsed.after_dashdash {
        a.saw_dashdash = true;
        a.command = command;
    }
    Ok(a)
}

/// The resource types kubectl knows here, from any of their spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resource {
    Services,
    Pods,
    Endpoints,
    EndpointSlices,
    Deployments,
    ReplicaSets,
    StatefulSets,
    DaemonSets,
    ConfigMaps,
    Secrets,
    NetworkPolicies,
    Ingresses,
    IngressClasses,
    GatewayClasses,
    Gateways,
    HttpRoutes,
    ReferenceGrants,
    Nodes,
    Namespaces,
    Events,
    All,
}

impl Resource {
    pub fn parse(s: &str) -> Option<Resource> {
        let s = s.to_ascii_lowercase();
        if s == "all" {
            return Some(Resource::All);
        }
        // `NAME`, its singular, its short names, and each with `.GROUP`.
        let info = crate::cluster::kinds::SERVED
            .iter()
            .chain(crate::cluster::kinds::GATEWAY_API)
            .find(|r| {
                let singular = r.kind.to_ascii_lowercase();
                let qualified = |w: &str| !r.group.is_empty() && s == format!("{w}.{}", r.group);
                s == r.name
                    || s == singular
                    || r.short_names.contains(&s.as_str())
                    || qualified(r.name)
                    || qualified(&singular)
            })?;
        Some(match info.name {
            "services" => Resource::Services,
            "pods" => Resource::Pods,
            "endpoints" => Resource::Endpoints,
            "endpointslices" => Resource::EndpointSlices,
            "deployments" => Resource::Deployments,
            "replicasets" => Resource::ReplicaSets,
            "statefulsets" => Resource::StatefulSets,
            "daemonsets" => Resource::DaemonSets,
            "configmaps" => Resource::ConfigMaps,
            "secrets" => Resource::Secrets,
            "networkpolicies" => Resource::NetworkPolicies,
            "ingresses" => Resource::Ingresses,
            "ingressclasses" => Resource::IngressClasses,
            "gatewayclasses" => Resource::GatewayClasses,
            "gateways" => Resource::Gateways,
            "httproutes" => Resource::HttpRoutes,
            "referencegrants" => Resource::ReferenceGrants,
            "nodes" => Resource::Nodes,
            "namespaces" => Resource::Namespaces,
            "events" => Resource::Events,
            _ => return None,
        })
    }

    fn info(self) -> Option<&'static crate::cluster::kinds::ResourceInfo> {
        let name = match self {
            Resource::Services => "services",
            Resource::Pods => "pods",
            Resource::Endpoints => "endpoints",
            Resource::EndpointSlices => "endpointslices",
            Resource::Deployments => "deployments",
            Resource::ReplicaSets => "replicasets",
            Resource::StatefulSets => "statefulsets",
            Resource::DaemonSets => "daemonsets",
            Resource::ConfigMaps => "configmaps",
            Resource::Secrets => "secrets",
            Resource::NetworkPolicies => "networkpolicies",
            Resource::Ingresses => "ingresses",
            Resource::IngressClasses => "ingressclasses",
            Resource::GatewayClasses => "gatewayclasses",
            Resource::Gateways => "gateways",
            Resource::HttpRoutes => "httproutes",
            Resource::ReferenceGrants => "referencegrants",
            Resource::Nodes => "nodes",
            Resource::Namespaces => "namespaces",
            Resource::Events => "events",
            Resource::All => return None,
        };
        crate::cluster::kinds::SERVED
            .iter()
            .chain(crate::cluster::kinds::GATEWAY_API)
            .find(|r| r.name == name)
    }

    /// One of the Gateway API's kinds: served only once its CRDs are.
    pub fn is_gateway_api(self) -> bool {
        matches!(
            self,
            Resource::GatewayClasses
                | Resource::Gateways
                | Resource::HttpRoutes
                | Resource::ReferenceGrants
        )
    }

    /// The plural the API uses in messages (`services "x" not found`,
    /// `deployments.apps "x" not found`).
    pub fn plural(self) -> String {
        match self.info() {
            Some(i) if i.group.is_empty() => i.name.to_string(),
            Some(i) => format!("{}.{}", i.name, i.group),
            None => "all".into(),
        }
    }

    /// `service`, `deployment.apps`: the prefix of `-o name` and of messages.
    pub fn singular(self) -> String {
        match self.info() {
            Some(i) if i.group.is_empty() => i.kind.to_ascii_lowercase(),
            Some(i) => format!("{}.{}", i.kind.to_ascii_lowercase(), i.group),
            None => "all".into(),
        }
    }

    pub fn namespaced(self) -> bool {
        self.info().is_none_or(|i| i.namespaced)
    }

    /// `/v1`, `apps/v1`: how the API server names a group and version in
    /// its `GroupVersionResource` messages.
    pub fn info_group_version(self) -> String {
        match self.info() {
            Some(i) if i.group.is_empty() => format!("/{}", i.version),
            Some(i) => format!("{}/{}", i.group, i.version),
            None => String::new(),
        }
    }

    /// The kind, as API errors name it (`The Pod "x" is invalid`).
    pub fn kind(self) -> &'static str {
        self.info().map_or("", |i| i.kind)
    }
}

/// kubectl's error for a resource type it does not know, or this
/// simulator's honest one for a type Kubernetes has that it does not model.
pub(crate) fn unknown_resource(word: &str) -> String {
    match crate::cluster::kinds::unsimulated_resource(word) {
        Some(plural) => format!(
            "error: the resource type \"{plural}\" exists in Kubernetes but is not simulated here; the simulated types are {}\n",
            crate::cluster::kinds::simulated_resources()
        ),
        None => format!("error: the server doesn't have a resource type \"{word}\"\n"),
    }
}

/// kubectl's way of printing an API error (`checkErr`).
pub(crate) fn print_api_error(exec: &mut Execution, err: &ApiError, source: Option<(&str, &str)>) {
    exec.err(err.kubectl_message(source));
}

fn usage_hint(sub: &str) -> String {
    if sub.is_empty() {
        "See 'kubectl --help' for usage.\n".to_string()
    } else {
        format!("See 'kubectl {sub} --help' for usage.\n")
    }
}

const KUBECTL_HELP: &str = "kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster

Basic Commands (Intermediate):
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  wait            Experimental: Wait for a specific condition on one or many resources

Settings Commands:
  label           Update the labels on a resource

Other Commands:
  api-resources   Print the supported API resources on the server
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.
";

#[inline(never)]
pub(crate) fn run(
    s: &mut Session,
    words: &[String],
    stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    // Global flags may come before the command (`kubectl -n kube-system get
    // pods`): the command is the first word that is neither a flag nor the
    // value of one.
    let mut at = 0;
    while let Some(w) = words.get(at) {
        if !w.starts_with('-') || w == "-" {
            break;
        }
        let long = w.trim_start_matches('-');
        let takes_value = !w.contains('=')
            && if w.starts_with("--") {
                VALUE_FLAGS.contains(&long)
            } else {
                long.len() == 1
                    && long.chars().next().is_some_and(|c| {
                        SHORTHANDS
                            .iter()
                            .any(|(s, l)| *s == c && VALUE_FLAGS.contains(l))
                    })
            };
        at += if takes_value { 2 } else { 1 };
    }
    let Some(sub) = words.get(at).cloned() else {
        exec.out(KUBECTL_HELP);
        return 0;
    };
    let rest: Vec<String> = words[..at]
        .iter()
        .chain(&words[at + 1..])
        .cloned()
        .collect();
    let args = match parse_args(&sub, &rest) {
        Ok(a) => a,
        Err(e) => {
            let msg = e.pflag();
            exec.err(msg);
            exec.err(usage_hint(&sub));
            return 1;
        }
    };
    if args.has("help") || sub == "help" || sub == "--help" || sub == "-h" {
        exec.out(KUBECTL_HELP);
        return 0;
    }
    if sub == "version" {
        let server = if reach_apiserver(&mut s.ctx()).is_ok() {
            format!("Server Version: {CLIENT_VERSION}\n")
        } else {
            String::new()
        };
        exec.out(format!(
            "Client Version: {CLIENT_VERSION}\nKustomize Version: v5.4.2\n{server}"
        ));
        return 0;
    }
    if let Some(ns) = &args.namespace {
        if ns.is_empty() {
            exec.err("error: a namespace must be specified\n");
            return 1;
        }
    }
    if !s.spend_packet("kubectl", exec) {
        return 1;
    }
    if let Err(msg) = reach_apiserver(&mut s.ctx()) {
        exec.err(msg);
        return 1;
    }
    // Each verb is `#[inline(never)]`, so the browser compiles only the verbs
    // a student uses (see `Session::run_command`).
    let status = match sub.as_str() {
        "get" => get::get(&s.ctx(), &args, exec),
        "describe" => describe::describe(&s.ctx(), &args, exec),
        "apply" => mutate::apply(&mut s.ctx(), &args, stdin, exec, false),
        "create" => mutate::create(&mut s.ctx(), &args, stdin, exec),
        "delete" => mutate::delete(&mut s.ctx(), &args, stdin, exec),
        "expose" => mutate::expose(&mut s.ctx(), &args, exec),
        "run" => mutate::run_pod(s, &args, exec),
        "scale" => mutate::scale(&mut s.ctx(), &args, exec),
        "label" => mutate::label(&mut s.ctx(), &args, exec),
        "exec" => exec::exec(s, &args, exec),
        "logs" | "log" => logs::logs(&mut s.ctx(), &args, exec),
        "wait" => wait::wait(s, &args, exec),
        "rollout" => wait::rollout(s, &args, exec),
        "patch" => patch::patch(&mut s.ctx(), &args, exec),
        "edit" => patch::edit(s, &args, exec),
        "port-forward" => portforward::port_forward(s, &args, exec),
        "api-resources" => {
            let crds = s.sim.world.cluster.gateway_api;
            api_resources::api_resources(&args, crds, exec)
        }
        "cluster-info" => {
            exec.out("Kubernetes control plane is running at https://192.168.1.2:6443\nCoreDNS is running at https://192.168.1.2:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
            0
        }
        other => {
            exec.err(format!(
                "error: unknown command \"{other}\" for \"kubectl\"\n"
            ));
            let suggestion = [
                "get",
                "describe",
                "apply",
                "create",
                "delete",
                "expose",
                "run",
                "scale",
                "label",
                "exec",
                "logs",
                "wait",
                "rollout",
                "patch",
                "edit",
                "port-forward",
                "api-resources",
            ]
            .into_iter()
            .find(|c| crate::text::edit_distance(c, other) <= 2);
            if let Some(c) = suggestion {
                exec.err(format!("\nDid you mean this?\n\t{c}\n\n"));
            }
            exec.err("Run 'kubectl --help' for usage.\n");
            1
        }
    };
    // The network is derived from the cluster: once the command is done,
    // bring pods' namespaces and kube-proxy's rules up to date if the
    // cluster changed (its store's version says so; a read changes
    // nothing and costs nothing here). What it costs (each node's rules
    // rendered) is counted where it is done, and charged after the command.
    s.sim.world.sync_if_changed();
    status
}

/// kubectl talks to the apiserver over the simulated network, so it fails
/// where the network would make it fail.
fn reach_apiserver(s: &mut Ctx) -> Result<(), String> {
    let here = s.here();
    if s.sim.world.pod_hosts.values().any(|h| *h == here) {
        return Err("bash: kubectl: command not found\n".into());
    }
    let server = s
        .sim
        .world
        .cluster
        .nodes
        .first()
        .map(|n| n.ip)
        .unwrap_or(Ipv4Addr::new(192, 168, 1, 2));
    let port = s.sim.ephemeral_port();
    let now = s.sim.now;
    let r = s.sim.world.net.connect(
        here,
        port,
        SocketAddrV4::new(server, 6443),
        now,
        &mut s.sim.rng,
    );
    match r.outcome {
        ConnectOutcome::Established { .. } => Ok(()),
        ConnectOutcome::Refused { .. } => Err(format!(
            "The connection to the server {server}:6443 was refused - did you specify the right host or port?\n"
        )),
        _ => {
            s.advance(32_000);
            Err(format!(
                "Unable to connect to the server: dial tcp {server}:6443: i/o timeout\n"
            ))
        }
    }
}

/// Splits `svc/name` or `svc name` into a resource and names.
/// `crds`: the Gateway API's CRDs are installed (else its kinds are
/// unknown to the server, as on a cluster without them).
pub(crate) fn resource_and_names(
    args: &[String],
    crds: bool,
) -> Result<Vec<(Resource, Option<String>)>, String> {
    let parse = |w: &str| {
        Resource::parse(w)
            .filter(|r| crds || !r.is_gateway_api())
            .ok_or_else(|| unknown_resource(w))
    };
    let mut out = vec![];
    let Some(first) = args.first() else {
        return Ok(out);
    };
    if first.contains('/') {
        for a in args {
            let Some((r, n)) = a.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n".into());
            };
            let res = parse(r)?;
            out.push((res, Some(n.to_string())));
        }
        return Ok(out);
    }
    let mut types = vec![];
    for t in first.split(',') {
        types.push(parse(t)?);
    }
    if args.len() == 1 {
        out.extend(types.into_iter().map(|t| (t, None)));
    } else {
        for t in types {
            for n in &args[1..] {
                out.push((t, Some(n.clone())));
            }
        }
    }
    Ok(out)
}

/// Parses `-l app=web,tier!=db` into equality (`=`/`==`) and inequality terms.
pub(crate) fn parse_selector(s: &str) -> Result<Vec<(String, String, bool)>, String> {
    let mut out = vec![];
    for term in s.split(',').filter(|t| !t.is_empty()) {
        if let Some((k, v)) = term.split_once("!=") {
            out.push((k.trim().to_string(), v.trim().to_string(), false));
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            out.push((k.trim().to_string(), v.trim().to_string(), true));
        } else {
            // A bare key means "has the label"; express it as a wildcard.
            out.push((term.trim().to_string(), "*".into(), true));
        }
    }
    if out.iter().any(|(k, _, _)| k.is_empty()) {
        return Err(format!("error: unable to parse requirement: {s}\n"));
    }
    Ok(out)
}

pub(crate) fn selector_ok(
    sel: &[(String, String, bool)],
    labels: &crate::map::Map<String, String>,
) -> bool {
    sel.iter().all(|(k, v, eq)| {
        let got = labels.get(k);
        match (v.as_str(), eq) {
            ("*", true) => got.is_some(),
            (_, true) => got == Some(v),
            (_, false) => got != Some(v),
        }
    })
}
