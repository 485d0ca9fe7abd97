//! The kubectl commands that write: apply, create, delete, expose, run,
//! scale, label.

use super::get::{to_json, to_yaml};
use super::{print_api_error, resource_and_names, Args, Resource};
use crate::cluster::apiserver::sorted;
use crate::cluster::apiserver::{Applied, Object};
use crate::cluster::manifest;
use crate::cluster::objects::*;
use crate::shell::ctx::Ctx;
use crate::shell::{Execution, Session};
use serde_json::{json, Value};

/// Reads `-f` sources: a file on the current host, or `-` for stdin.
fn read_sources(
    s: &mut Ctx,
    args: &Args,
    stdin: Option<&str>,
    exec: &mut Execution,
) -> Option<Vec<(String, String)>> {
    let mut out = vec![];
    for f in &args.files {
        if f == "-" {
            out.push(("STDIN".to_string(), stdin.unwrap_or("").to_string()));
        } else if f.starts_with("http://") || f.starts_with("https://") {
            exec.err(format!("error: unable to read URL \"{f}\", server reported 404 Not Found, status code=404\n"));
            return None;
        } else {
            match s.read_file(f) {
                Some(text) => {
                    // Decoding YAML costs a few dozen steps a byte.
                    if !s.charge(text.len() as u64 * 20, exec) {
                        return None;
                    }
                    out.push((f.clone(), text));
                }
                None => {
                    exec.err(format!("error: the path \"{f}\" does not exist\n"));
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// One object read from a manifest: its source, the document as kubectl
/// sends it, and its decoded form.
struct Read {
    source: String,
    raw: serde_json::Value,
    obj: Object,
}

/// Parses every source; prints kubectl's client-side errors. `crds`: the
/// Gateway API's CRDs are installed (else kubectl finds no mapping for its
/// kinds).
fn objects(sources: &[(String, String)], crds: bool, exec: &mut Execution) -> (Vec<Read>, bool) {
    let mut objs = vec![];
    let mut failed = false;
    for (name, text) in sources {
        let docs = match manifest::parse(text) {
            Ok(d) => d,
            Err(e) => {
                exec.err(format!(
                    "error: error parsing {name}: error converting YAML to JSON: {e}\n"
                ));
                failed = true;
                continue;
            }
        };
        for d in docs {
            let unmapped = |o: &Object| {
                (!crds && crate::cluster::kinds::is_gateway_api(o.kind())).then(|| {
                    manifest::DocError::NoKindMatch {
                        name: o.meta().name.clone(),
                        namespace: o.meta().namespace.clone().unwrap_or_default(),
                        kind: o.kind().to_string(),
                        version: d.raw["apiVersion"].as_str().unwrap_or("").to_string(),
                    }
                })
            };
            let result = match d.result {
                Ok(obj) => match unmapped(&obj) {
                    Some(e) => Err(e),
                    None => Ok(obj),
                },
                Err(e) => Err(e),
            };
            match result {
                Ok(obj) => objs.push(Read {
                    source: name.clone(),
                    raw: d.raw,
                    obj,
                }),
                Err(e) => {
                    exec.err(e.message(name));
                    failed = true;
                }
            }
        }
    }
    (objs, failed)
}

fn no_files(exec: &mut Execution, verb: &str) -> i32 {
    exec.err(format!(
        "error: must specify one of -f and -k\n\nSee 'kubectl {verb} -h' for help and examples\n"
    ));
    1
}

/// `--dry-run`: nothing sent (`client`), sent but not stored (`server`),
/// or stored (`none`, the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DryRun {
    None,
    Client,
    Server,
}

fn dry_run(args: &Args, exec: &mut Execution) -> Option<DryRun> {
    match args.value("dry-run") {
        None | Some("none") => Some(DryRun::None),
        Some("client") => Some(DryRun::Client),
        Some("server") => Some(DryRun::Server),
        Some(other) => {
            exec.err(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n"
            ));
            None
        }
    }
}

/// An object as `kubectl create … --dry-run=client -o yaml` prints it:
/// only what the flags set, with the empty fields Go's structs always
/// encode (`creationTimestamp: null`, `resources: {}`, `status: {}`).
fn client_object(obj: &Object, args: &Args) -> Value {
    let mut v = obj.to_value();
    let Some(m) = v.as_object_mut() else {
        return v;
    };
    m.insert("apiVersion".into(), Value::String(obj.api_version()));
    m.insert("kind".into(), Value::String(obj.kind().into()));
    let stamp = |meta: &mut Value| {
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("creationTimestamp".into(), Value::Null);
        }
    };
    let pod_spec = |spec: &mut Value| {
        if let Some(containers) = spec.get_mut("containers").and_then(Value::as_array_mut) {
            for c in containers.iter_mut().filter_map(Value::as_object_mut) {
                c.entry("resources").or_insert_with(|| json!({}));
            }
        }
    };
    if let Some(meta) = m.get_mut("metadata") {
        stamp(meta);
        // kubectl names a namespace only when it was given one.
        if args.namespace.is_none() {
            if let Some(meta) = meta.as_object_mut() {
                meta.remove("namespace");
            }
        }
    }
    match obj {
        Object::Service(_) => {
            m.insert("status".into(), json!({"loadBalancer": {}}));
        }
        Object::Deployment(_) => {
            if let Some(spec) = m.get_mut("spec").and_then(Value::as_object_mut) {
                spec.entry("strategy").or_insert_with(|| json!({}));
                if let Some(t) = spec.get_mut("template") {
                    if let Some(meta) = t.get_mut("metadata") {
                        stamp(meta);
                    }
                    if let Some(ps) = t.get_mut("spec") {
                        pod_spec(ps);
                    }
                }
            }
            m.insert("status".into(), json!({}));
        }
        Object::Pod(_) => {
            if let Some(spec) = m.get_mut("spec") {
                pod_spec(spec);
                if let Some(spec) = spec.as_object_mut() {
                    spec.entry("dnsPolicy")
                        .or_insert_with(|| json!("ClusterFirst"));
                }
            }
            m.insert("status".into(), json!({}));
        }
        _ => {}
    }
    sorted(v)
}

/// Prints `obj` as `-o` asks (`yaml`, `json`, `name`); false when no `-o`.
fn print_object(args: &Args, obj: &Object, v: &Value, exec: &mut Execution) -> bool {
    match args.output.as_deref() {
        Some("yaml") => exec.out(to_yaml(v)),
        Some("json") => exec.out(to_json(v)),
        Some("name") => exec.out(format!("{}/{}\n", obj.resource(), obj.meta().name)),
        _ => return false,
    }
    true
}

/// Creates one object made from flags (`create deployment`, `expose`,
/// `run`…) and prints `resource/name VERB`, or the API error. With
/// `--dry-run=client` nothing is sent and the object is printed as kubectl
/// made it; with `--dry-run=server` the API server checks it and stores
/// nothing.
fn submit(s: &mut Ctx, obj: Object, verb: &str, args: &Args, exec: &mut Execution) -> i32 {
    let Some(dry) = dry_run(args, exec) else {
        return 1;
    };
    let name = obj.meta().name.clone();
    let resource = obj.resource();
    if dry == DryRun::Client {
        if !print_object(args, &obj, &client_object(&obj, args), exec) {
            exec.out(format!("{resource}/{name} {verb} (dry run)\n"));
        }
        return 0;
    }
    let key = (
        obj.meta()
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into()),
        name.clone(),
    );
    let shown = obj.clone();
    // A server dry run: the API server does everything but store it, so a
    // copy of the cluster takes the write.
    let mut copy = (dry == DryRun::Server).then(|| s.sim.world.cluster.clone());
    let cluster = match &mut copy {
        Some(c) => c,
        None => &mut s.sim.world.cluster,
    };
    match cluster.create(obj, s.sim.now) {
        Ok(()) => {
            // Only `-o` needs the stored object (and its encoding costs).
            let printed = args.output.is_some() && {
                let stored = stored_value(cluster, &shown, &key)
                    .unwrap_or_else(|| client_object(&shown, args));
                print_object(args, &shown, &stored, exec)
            };
            if !printed {
                let how = if dry == DryRun::Server {
                    " (server dry run)"
                } else {
                    ""
                };
                exec.out(format!("{resource}/{name} {verb}{how}\n"));
            }
            0
        }
        Err(e) => {
            print_api_error(exec, &e, None);
            1
        }
    }
}

/// The object as the API server stored it, for `-o yaml|json`.
fn stored_value(
    c: &crate::cluster::Cluster,
    obj: &Object,
    key: &(String, String),
) -> Option<Value> {
    let v = match obj {
        Object::Service(_) => c.services.get(key).map(serde_json::to_value),
        Object::Deployment(_) => c.deployments.get(key).map(serde_json::to_value),
        Object::Pod(_) => c.pods.get(key).map(serde_json::to_value),
        _ => None,
    }?
    .ok()?;
    let mut v = v;
    if let Some(m) = v.as_object_mut() {
        m.insert("apiVersion".into(), Value::String(obj.api_version()));
        m.insert("kind".into(), Value::String(obj.kind().into()));
    }
    Some(sorted(v))
}

#[inline(never)]
pub(crate) fn apply(
    s: &mut Ctx,
    args: &Args,
    stdin: Option<&str>,
    exec: &mut Execution,
    _create: bool,
) -> i32 {
    if args.files.is_empty() {
        return no_files(exec, "apply");
    }
    let Some(sources) = read_sources(s, args, stdin, exec) else {
        return 1;
    };
    let (objs, mut failed) = objects(&sources, s.sim.world.cluster.gateway_api, exec);
    let now = s.sim.now;
    for Read {
        source,
        raw,
        mut obj,
    } in objs
    {
        if obj.namespaced() && obj.meta().namespace.is_none() {
            obj.meta_mut().namespace = args.namespace.clone();
        }
        if obj.meta().name.is_empty() {
            exec.err(obj.missing_name_message(&source));
            failed = true;
            continue;
        }
        let name = obj.meta().name.clone();
        let resource = obj.resource();
        // How kubectl names the resource in a failed patch's report.
        let api_version = obj.api_version();
        let kind_version = if api_version.contains('/') {
            api_version
        } else {
            format!("/{api_version}")
        };
        let kind = obj.kind();
        let plural = obj.plural();
        let plural = plural.split('.').next().unwrap_or_default().to_string();
        let namespace = match (obj.namespaced(), obj.meta().namespace.clone()) {
            (true, ns) => ns.unwrap_or_else(|| "default".into()),
            (false, _) => String::new(),
        };
        if s.sim.world.cluster.lacks_last_applied(&obj) {
            let plural = obj.plural();
            let plural = plural.split('.').next().unwrap_or_default();
            exec.err(format!("Warning: resource {plural}/{name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n"));
        }
        match s.sim.world.cluster.apply_manifest(obj, &raw, now) {
            Ok(Applied::Created) => exec.out(format!("{resource}/{name} created\n")),
            Ok(Applied::Configured) => exec.out(format!("{resource}/{name} configured\n")),
            Ok(Applied::Unchanged) => exec.out(format!("{resource}/{name} unchanged\n")),
            Err(e) if e.patch.is_some() => {
                let (group_version, kind, plural) = (kind_version, kind, plural);
                exec.err(format!(
                    "Error from server ({}): error when applying patch:\n{}\nto:\nResource: \"{group_version}, Resource={plural}\", GroupVersionKind: \"{group_version}, Kind={kind}\"\nName: \"{name}\", Namespace: \"{namespace}\"\nfor: \"{source}\": error when patching \"{source}\": {}\n",
                    e.reason.name(),
                    e.patch.as_deref().unwrap_or("{}"),
                    e.message
                ));
                failed = true;
            }
            Err(e) => {
                print_api_error(exec, &e, Some(("creating", &source)));
                failed = true;
            }
        }
    }
    i32::from(failed)
}

fn parse_port(v: &str, flag: &str, exec: &mut Execution) -> Option<i32> {
    match v.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) => {
            exec.err(format!("error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl --help' for usage.\n"));
            None
        }
    }
}

#[inline(never)]
pub(crate) fn create(s: &mut Ctx, args: &Args, stdin: Option<&str>, exec: &mut Execution) -> i32 {
    let now = s.sim.now;
    let ns = args.namespace.clone();
    let mut pos = args.positional.iter().map(String::as_str);
    let what = pos.next();
    let obj = match what {
        None => {
            if args.files.is_empty() {
                return no_files(exec, "create");
            }
            let Some(sources) = read_sources(s, args, stdin, exec) else {
                return 1;
            };
            let (objs, mut failed) = objects(&sources, s.sim.world.cluster.gateway_api, exec);
            for Read {
                source, mut obj, ..
            } in objs
            {
                if obj.namespaced() && obj.meta().namespace.is_none() {
                    obj.meta_mut().namespace = ns.clone();
                }
                let name = obj.meta().name.clone();
                let resource = obj.resource();
                match s.sim.world.cluster.create(obj, now) {
                    Ok(()) => exec.out(format!("{resource}/{name} created\n")),
                    Err(e) => {
                        print_api_error(exec, &e, Some(("creating", &source)));
                        failed = true;
                    }
                }
            }
            return i32::from(failed);
        }
        Some("namespace" | "ns") => {
            let Some(name) = pos.next() else {
                exec.err("error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n");
                return 1;
            };
            let mut n = Namespace::default();
            n.metadata.name = name.into();
            Object::Namespace(n)
        }
        Some("deployment" | "deploy") => {
            let Some(name) = pos.next() else {
                exec.err("error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples\n");
                return 1;
            };
            let Some(image) = args.value("image") else {
                exec.err("error: required flag(s) \"image\" not set\n");
                return 1;
            };
            let replicas = match args
                .value("replicas")
                .map(|v| parse_port(v, "replicas", exec))
            {
                Some(None) => return 1,
                Some(Some(r)) => r,
                None => 1,
            };
            let port = match args.value("port").map(|p| parse_port(p, "port", exec)) {
                Some(None) => return 1,
                Some(Some(p)) => Some(p),
                None => None,
            };
            let d = Deployment::generated(
                name,
                ns.clone(),
                image,
                replicas,
                Labels::new(),
                port,
                args.command.clone(),
            );
            Object::Deployment(d)
        }
        Some("service" | "svc") => {
            let ty = match pos.next() {
                Some("clusterip") => "ClusterIP",
                Some("nodeport") => "NodePort",
                Some("loadbalancer") => "LoadBalancer",
                Some("externalname") => "ExternalName",
                Some(other) => {
                    exec.err(format!(
                        "error: unknown command \"{other}\" for \"kubectl create service\"\n"
                    ));
                    return 1;
                }
                None => {
                    exec.err("Create a service using a specified subcommand.\n\nAliases:\nservice, svc\n\nAvailable Commands:\n  clusterip      Create a ClusterIP service\n  externalname   Create an ExternalName service\n  loadbalancer   Create a LoadBalancer service\n  nodeport       Create a NodePort service\n");
                    return 1;
                }
            };
            let Some(name) = pos.next() else {
                exec.err("error: exactly one NAME is required, got 0\n");
                return 1;
            };
            let mut svc = Service::default();
            svc.metadata.name = name.into();
            svc.metadata.namespace = ns.clone();
            svc.metadata.labels.insert("app".into(), name.into());
            svc.spec.type_ = Some(ty.into());
            svc.spec.selector = Some([("app".to_string(), name.to_string())].into());
            if let Some(ip) = args.value("clusterip") {
                svc.spec.cluster_ip = Some(ip.to_string());
            }
            let tcp: Vec<&str> = args
                .values
                .iter()
                .filter(|(k, _)| k == "tcp")
                .map(|(_, v)| v.as_str())
                .collect();
            if ty == "ExternalName" {
                match args.value("external-name") {
                    Some(target) => svc.spec.external_name = Some(target.to_string()),
                    None => {
                        exec.err("error: required flag(s) \"external-name\" not set\n");
                        return 1;
                    }
                }
            } else if tcp.is_empty() {
                exec.err("error: at least one tcp port specifier must be provided\n");
                return 1;
            }
            for spec in tcp {
                let (port, target) = spec.split_once(':').unwrap_or((spec, spec));
                let Some(p) = parse_port(port, "tcp", exec) else {
                    return 1;
                };
                let target = match target.parse::<i32>() {
                    Ok(t) => IntOrString::Int(t),
                    Err(_) => IntOrString::Str(target.to_string()),
                };
                let mut sp = ServicePort {
                    // kubectl names the port after the flag's text, ':'
                    // made '-' (`--tcp=80` is "80", `--tcp=80:8080` "80-8080").
                    name: spec.replace(':', "-"),
                    port: p,
                    protocol: Some("TCP".into()),
                    target_port: Some(target),
                    ..Default::default()
                };
                if let Some(np) = args.value("node-port") {
                    let Some(np) = parse_port(np, "node-port", exec) else {
                        return 1;
                    };
                    sp.node_port = Some(np);
                }
                svc.spec.ports.push(sp);
            }
            Object::Service(svc)
        }
        Some("configmap" | "cm") => {
            let Some(name) = pos.next() else {
                exec.err("error: exactly one NAME is required, got 0\nSee 'kubectl create configmap -h' for help and examples\n");
                return 1;
            };
            let Some(data) = literal_sources(args, exec) else {
                return 1;
            };
            let mut cm = ConfigMap::default();
            cm.metadata.name = name.into();
            cm.metadata.namespace = ns.clone();
            cm.data = data;
            Object::ConfigMap(cm)
        }
        Some("secret") => {
            match pos.next() {
                Some("generic") => {}
                Some(other) => {
                    exec.err(format!(
                        "error: unknown command \"{other}\" for \"kubectl create secret\"\n"
                    ));
                    return 1;
                }
                None => {
                    exec.err("Create a secret with specified type.\n\n A docker-registry type secret is for accessing a container registry.\n\n A generic type secret indicate an Opaque secret type.\n\n A tls type secret holds private key and certificate for TLS.\n\nAvailable Commands:\n  docker-registry   Create a secret for use with a Docker registry\n  generic           Create a secret from a local file, directory, or literal value\n  tls               Create a TLS secret\n\nUsage:\n  kubectl create secret (docker-registry | generic | tls) [options]\n\nUse \"kubectl create secret <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n");
                    return 1;
                }
            }
            let Some(name) = pos.next() else {
                exec.err("error: exactly one NAME is required, got 0\nSee 'kubectl create secret generic -h' for help and examples\n");
                return 1;
            };
            let Some(data) = literal_sources(args, exec) else {
                return 1;
            };
            let mut secret = Secret::default();
            secret.metadata.name = name.into();
            secret.metadata.namespace = ns.clone();
            secret.type_ = Some("Opaque".into());
            // kubectl sends the bytes; on the wire they are base64.
            secret.data = data
                .into_iter()
                .map(|(k, v)| (k, crate::encoding::base64_encode(v.as_bytes())))
                .collect();
            Object::Secret(secret)
        }
        Some(other) => {
            exec.err(format!(
                "error: unknown command \"{other}\" for \"kubectl create\"\n"
            ));
            return 1;
        }
    };
    submit(s, obj, "created", args, exec)
}

/// `--labels=a=b,c=d`, as kubectl's `ParseLabels`: `None` when a pair has
/// no `=` or an empty key.
fn parse_labels(spec: &str) -> Option<Labels> {
    spec.split(',')
        .map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (!k.is_empty()).then(|| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// `--from-literal=key=value` flags, split as kubectl's
/// `ParseLiteralSource` does: at the first `=`, which may not lead.
fn literal_sources(args: &Args, exec: &mut Execution) -> Option<crate::map::Map<String, String>> {
    // Gathered, then sorted once.
    let mut data = Vec::new();
    for (_, source) in args.values.iter().filter(|(k, _)| k == "from-literal") {
        match source.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                data.push((key.to_string(), value.to_string()));
            }
            _ => {
                exec.err(format!(
                    "error: invalid literal source {source}, expected key=value\n"
                ));
                return None;
            }
        }
    }
    Some(data.into_iter().collect())
}

#[inline(never)]
pub(crate) fn delete(s: &mut Ctx, args: &Args, stdin: Option<&str>, exec: &mut Execution) -> i32 {
    let now = s.sim.now;
    let ns = args.ns();
    let mut failed = false;
    if !args.files.is_empty() {
        let Some(sources) = read_sources(s, args, stdin, exec) else {
            return 1;
        };
        let (objs, f) = objects(&sources, s.sim.world.cluster.gateway_api, exec);
        failed |= f;
        for Read { source, obj, .. } in objs {
            let name = obj.meta().name.clone();
            let obj_ns = obj.meta().namespace.clone().unwrap_or_else(|| ns.clone());
            match s
                .sim
                .world
                .cluster
                .delete(&obj.plural(), &obj_ns, &name, now)
            {
                Ok(()) => exec.out(format!("{} \"{name}\" deleted\n", obj.resource())),
                Err(e) => {
                    print_api_error(exec, &e, Some(("deleting", &source)));
                    failed = true;
                }
            }
        }
        return i32::from(failed);
    }
    let targets = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    if targets.is_empty() {
        exec.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
        return 1;
    }
    for (r, name) in targets {
        let names: Vec<String> = match name {
            Some(n) => vec![n],
            None => {
                if !args.has("all") && args.selector.is_none() {
                    exec.err("error: resource(s) were provided, but no name was specified\n");
                    return 1;
                }
                let sel = args
                    .selector
                    .as_deref()
                    .map(super::parse_selector)
                    .transpose()
                    .ok()
                    .flatten();
                super::columns::items(s, r, Some(&ns))
                    .into_iter()
                    .filter(|i| {
                        sel.as_ref()
                            .is_none_or(|sl| super::selector_ok(sl, &i.labels))
                    })
                    .map(|i| i.name)
                    .collect()
            }
        };
        for n in names {
            let plural = r.plural();
            if r == Resource::Nodes {
                exec.err(format!(
                    "error: deleting {plural} is not simulated: the world's nodes are fixed\n"
                ));
                failed = true;
                continue;
            }
            match s.sim.world.cluster.delete(&plural, &ns, &n, now) {
                Ok(()) => exec.out(format!("{} \"{n}\" deleted\n", r.singular())),
                Err(e) => {
                    print_api_error(exec, &e, None);
                    failed = true;
                }
            }
        }
    }
    i32::from(failed)
}

#[inline(never)]
pub(crate) fn expose(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let targets = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let Some((r, Some(name))) = targets.into_iter().next() else {
        exec.err("error: You must provide one or more resources by argument or filename.\n");
        return 1;
    };
    let ns = args.ns();
    let c = &s.sim.world.cluster;
    // The Service gets the selector, and the labels, of what it exposes,
    // and (without --port) every port it declares, with its protocol.
    let container_ports = |containers: &[Container]| -> Vec<(i32, String)> {
        containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .map(|p| {
                (
                    p.container_port,
                    p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                )
            })
            .collect()
    };
    let (selector, ports, labels): (Labels, Vec<(i32, String)>, Labels) = match r {
        Resource::Deployments => match c.deployments.get(&(ns.clone(), name.clone())) {
            Some(d) => (
                d.spec.selector.match_labels.clone(),
                container_ports(&d.spec.template.spec.containers),
                d.metadata.labels.clone(),
            ),
            None => {
                exec.err(format!(
                    "Error from server (NotFound): deployments.apps \"{name}\" not found\n"
                ));
                return 1;
            }
        },
        Resource::Pods => match c.pods.get(&(ns.clone(), name.clone())) {
            Some(p) => (
                p.metadata.labels.clone(),
                container_ports(&p.spec.containers),
                p.metadata.labels.clone(),
            ),
            None => {
                exec.err(format!(
                    "Error from server (NotFound): pods \"{name}\" not found\n"
                ));
                return 1;
            }
        },
        Resource::Services => match c.services.get(&(ns.clone(), name.clone())) {
            Some(svc) => (
                svc.spec.selector.clone().unwrap_or_default(),
                svc.spec
                    .ports
                    .iter()
                    .map(|p| (p.port, p.protocol.clone().unwrap_or_else(|| "TCP".into())))
                    .collect(),
                svc.metadata.labels.clone(),
            ),
            None => {
                exec.err(format!(
                    "Error from server (NotFound): services \"{name}\" not found\n"
                ));
                return 1;
            }
        },
        other => {
            exec.err(format!("error: cannot expose a {}\n", other.singular()));
            return 1;
        }
    };
    if selector.is_empty() {
        exec.err(format!("error: couldn't retrieve selectors via --selector flag or introspection: the {} has no labels\n", r.singular()));
        return 1;
    }
    let port_list: Vec<i32> = match args.value("port") {
        Some(p) => match parse_port(p, "port", exec) {
            Some(p) => vec![p],
            None => return 1,
        },
        None if ports.is_empty() => {
            exec.err("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n");
            return 1;
        }
        None => ports.iter().map(|(p, _)| *p).collect(),
    };
    let target = args.value("target-port").map(|t| match t.parse::<i32>() {
        Ok(n) => IntOrString::Int(n),
        Err(_) => IntOrString::Str(t.to_string()),
    });
    let service_ports = expose_ports(&port_list, &ports, args.value("protocol"), target.as_ref());
    let svc_name = args.value("name").unwrap_or(&name).to_string();
    let mut svc = Service::default();
    svc.metadata.name = svc_name.clone();
    svc.metadata.namespace = Some(ns);
    svc.metadata.labels = match args.value("labels") {
        Some(given) => match parse_labels(given) {
            Some(l) => l,
            None => {
                exec.err(format!("error: invalid label spec: {given}\n"));
                return 1;
            }
        },
        None => labels,
    };
    svc.spec.selector = Some(selector);
    svc.spec.type_ = args.value("type").map(str::to_string);
    svc.spec.ports = service_ports;
    if let Some(ip) = args.value("external-ip") {
        svc.spec.external_ips.push(ip.to_string());
    }
    if let Some(a) = args.value("session-affinity") {
        svc.spec.session_affinity = Some(a.to_string());
    }
    if let Some(ip) = args.value("cluster-ip") {
        svc.spec.cluster_ip = Some(ip.to_string());
    }
    submit(s, Object::Service(svc), "exposed", args, exec)
}

/// kubectl expose's service generator: one Service port per port (several
/// are named `port-1`, `port-2`…; a port declared for both TCP and UDP
/// becomes `port-N-tcp` and `port-N-udp`), each with the protocol the
/// object declares for it unless `--protocol` says, and the target port
/// `--target-port` or the port itself.
fn expose_ports(
    port_list: &[i32],
    declared: &[(i32, String)],
    protocol_flag: Option<&str>,
    target: Option<&IntOrString>,
) -> Vec<ServicePort> {
    let mut out = vec![];
    let several = port_list.len() > 1;
    for (i, port) in port_list.iter().enumerate() {
        let name = if several {
            format!("port-{}", i + 1)
        } else {
            String::new()
        };
        let protocols: Vec<&str> = declared
            .iter()
            .filter(|(p, _)| p == port)
            .map(|(_, proto)| proto.as_str())
            .collect();
        let mut push = |name: String, protocol: &str| {
            out.push(ServicePort {
                name,
                port: *port,
                protocol: Some(protocol.to_string()),
                target_port: Some(target.cloned().unwrap_or(IntOrString::Int(*port))),
                ..Default::default()
            })
        };
        match (protocol_flag, protocols.as_slice()) {
            (Some(p), _) => push(name, p),
            (None, [one]) => push(name, one),
            (None, []) => push(name, "TCP"),
            (None, many) => {
                for p in many {
                    push(format!("port-{}-{}", i + 1, p.to_lowercase()), p);
                }
            }
        }
    }
    out
}

#[inline(never)]
pub(crate) fn run_pod(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let Some(name) = args.positional.first().cloned() else {
        exec.err("error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n");
        return 1;
    };
    let Some(image) = args.value("image") else {
        exec.err("error: required flag(s) \"image\" not set\n");
        return 1;
    };
    let stdin = args.has("stdin");
    let tty = args.has("tty");
    let attach = stdin || args.has("attach");
    if tty && !stdin {
        exec.err("error: -i/--stdin is required for containers with -t/--tty=true\nSee 'kubectl run -h' for help and examples\n");
        return 1;
    }
    let remove = args.has("rm");
    if remove && !attach {
        exec.err("error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples\n");
        return 1;
    }
    let restart = args.value("restart").unwrap_or("Always").to_string();
    if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
        exec.err(format!(
            "error: invalid restart policy: {restart}\nSee 'kubectl run -h' for help and examples\n"
        ));
        return 1;
    }
    let mut pod = Pod::default();
    pod.metadata.name = name.clone();
    pod.metadata.namespace = args.namespace.clone();
    match args.value("labels") {
        Some(l) => {
            let mut labels = Vec::new();
            for kv in l.split(',') {
                let Some((k, v)) = kv.split_once('=') else {
                    exec.err(format!("error: invalid label spec: {kv}\n"));
                    return 1;
                };
                labels.push((k.to_string(), v.to_string()));
            }
            pod.metadata.labels.extend(labels);
        }
        None => {
            pod.metadata.labels.insert("run".into(), name.clone());
        }
    }
    let mut ct = Container {
        name: name.clone(),
        image: image.into(),
        ..Default::default()
    };
    if let Some(p) = args.value("port") {
        let Some(p) = parse_port(p, "port", exec) else {
            return 1;
        };
        ct.ports.push(ContainerPort {
            container_port: p,
            ..Default::default()
        });
    }
    if args.has("command") {
        ct.command = args.command.clone();
    } else {
        ct.args = args.command.clone();
    }
    if stdin {
        ct.stdin = Some(true);
        ct.stdin_once = Some(true);
    }
    if tty {
        ct.tty = Some(true);
    }
    pod.spec.containers.push(ct);
    pod.spec.restart_policy = Some(restart.clone());
    if !attach {
        return submit(&mut s.ctx(), Object::Pod(pod), "created", args, exec);
    }
    // Attached: kubectl creates the pod and waits for it to run.
    let now = s.sim.now;
    if let Err(e) = s.sim.world.cluster.create(Object::Pod(pod), now) {
        print_api_error(exec, &e, None);
        return 1;
    }
    s.sim.world.sync();
    let ns = args.ns();
    let key = (ns.clone(), name.clone());
    let timeout = match args.value("pod-running-timeout") {
        Some(t) => match crate::shell::time::parse_go_duration(t) {
            Ok(ms) => ms,
            Err(e) => {
                exec.err(format!(
                    "error: invalid argument \"{t}\" for \"--pod-running-timeout\" flag: {e}\n"
                ));
                return 1;
            }
        },
        None => 60_000,
    };
    let phase = |s: &Session| {
        s.sim
            .world
            .cluster
            .pods
            .get(&key)
            .and_then(|p| p.status.phase.clone())
            .unwrap_or_default()
    };
    let deadline = s.sim.now + timeout;
    let started = s.wait_until(deadline, exec, |s, _| {
        let p = phase(s);
        p == "Succeeded"
            || p == "Failed"
            || (p == "Running"
                && s.sim
                    .world
                    .cluster
                    .pods
                    .get(&key)
                    .is_some_and(|p| p.status.ready))
    });
    if !started {
        if s.term.rt.budget.exhausted().is_some() {
            return 1;
        }
        if remove {
            remove_pod(&mut s.ctx(), &key, exec);
        }
        exec.err("error: timed out waiting for the condition\n");
        return 1;
    }
    let interactive_shell = {
        let pod = &s.sim.world.cluster.pods[&key];
        let spec = &pod.spec.containers[0];
        phase(s) == "Running"
            && stdin
            && crate::cluster::images::main_process(spec)
                == crate::cluster::images::MainProcess::Forever
            && {
                let argv: Vec<&String> = spec.command.iter().chain(spec.args.iter()).collect();
                argv.is_empty()
                    || argv.len() == 1
                        && matches!(
                            argv[0].rsplit('/').next().unwrap_or(""),
                            "sh" | "bash" | "ash" | "zsh"
                        )
            }
    };
    if interactive_shell {
        if !args.has("quiet") {
            exec.err("If you don't see a command prompt, try pressing enter.\n");
        }
        if let Some(host) = s.sim.world.pod_hosts.get(&key).copied() {
            // The shell the container runs: its command's first word.
            let program = s
                .sim
                .world
                .cluster
                .pods
                .get(&key)
                .and_then(|p| p.spec.containers.first())
                .and_then(|c| c.command.iter().chain(c.args.iter()).next().cloned())
                .unwrap_or_default();
            s.enter_host(host, &program);
            let depth = s.term.logins.len();
            s.term
                .rt
                .attached
                .push(crate::shell::lang::interp::Attached {
                    depth,
                    pod: key,
                    remove,
                });
        }
        return 0;
    }
    // The command's output, as the attach streams it, until it exits.
    if phase(s) == "Running" && restart != "Always" {
        let deadline = s.sim.now + 600_000;
        s.wait_until(deadline, exec, |s, _| {
            matches!(phase(s).as_str(), "Succeeded" | "Failed")
        });
    }
    if let Some(p) = s.sim.world.cluster.pods.get(&key) {
        let text: String = p
            .status
            .runtime
            .containers
            .first()
            .map(|c| {
                c.log
                    .iter()
                    .map(|l| format!("{}\n", l.text))
                    .collect::<String>()
            })
            .unwrap_or_default();
        exec.out(text);
    }
    finish_attached(&mut s.ctx(), &key, remove, exec)
}

/// The pod `kubectl run --rm` created is deleted, as its deferred removal does.
fn remove_pod(s: &mut Ctx, key: &crate::cluster::Key, exec: &mut Execution) {
    let now = s.sim.now;
    if s.sim
        .world
        .cluster
        .delete("pods", &key.0, &key.1, now)
        .is_ok()
    {
        exec.out(format!("pod \"{}\" deleted\n", key.1));
    }
    s.sim.world.sync();
}

/// After the attached command: the pod removed (`--rm`), and kubectl's
/// status from how the container ended.
fn finish_attached(
    s: &mut Ctx,
    key: &crate::cluster::Key,
    remove: bool,
    exec: &mut Execution,
) -> i32 {
    let ended = s.sim.world.cluster.pods.get(key).map(|p| {
        let phase = p.status.phase.clone().unwrap_or_default();
        let term = p
            .status
            .runtime
            .containers
            .first()
            .and_then(|c| match &c.state {
                crate::cluster::objects::ContainerState::Terminated(t) => {
                    Some((t.exit_code, t.reason.clone(), t.message.clone()))
                }
                _ => None,
            });
        (phase, term)
    });
    if remove {
        remove_pod(s, key, exec);
    }
    match ended {
        Some((phase, Some((code, reason, message)))) if phase == "Failed" && code != 0 => {
            // `uexec.CodeExitError`: the reason, then the runtime's message.
            let mut text = format!("pod {}/{} terminated ({reason})\n{message}", key.0, key.1);
            if !text.ends_with('\n') {
                text.push('\n');
            }
            exec.err(text);
            code
        }
        _ => 0,
    }
}

/// The shell `kubectl run -it` attached to exited: the container ends
/// with it; `--rm` deletes the pod.
pub(crate) fn attached_shell_ended(
    s: &mut Ctx,
    a: &crate::shell::lang::interp::Attached,
    code: i32,
    exec: &mut Execution,
) {
    let now = s.sim.now;
    let policy = s
        .sim
        .world
        .cluster
        .pods
        .get(&a.pod)
        .and_then(|p| p.spec.restart_policy.clone())
        .unwrap_or_else(|| "Always".into());
    crate::cluster::kubelet_process_exited(&mut s.sim.world.cluster, &a.pod, 0, now, code);
    s.sim.world.sync();
    if policy == "Always" {
        exec.out(format!(
            "Session ended, resume using 'kubectl attach {} -c {} -i -t' command when the pod is running\n",
            a.pod.1, a.pod.1
        ));
    }
    if a.remove {
        remove_pod(s, &a.pod, exec);
    }
}

#[inline(never)]
pub(crate) fn scale(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let Some(replicas) = args.value("replicas") else {
        exec.err("error: required flag(s) \"replicas\" not set\n");
        return 1;
    };
    let Some(replicas_wanted) = parse_port(replicas, "replicas", exec) else {
        return 1;
    };
    let targets = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let ns = args.ns();
    let mut failed = false;
    // `-l SELECTOR` or `--all` stand for the names.
    let mut named = vec![];
    for (r, name) in targets {
        match name {
            Some(n) => named.push((r, n)),
            None if args.selector.is_some() || args.has("all") => {
                let sel = match args.selector.as_deref().map(super::parse_selector) {
                    Some(Err(e)) => {
                        exec.err(e);
                        return 1;
                    }
                    Some(Ok(sel)) => Some(sel),
                    None => None,
                };
                for i in super::columns::items(s, r, Some(&ns)) {
                    if sel
                        .as_ref()
                        .is_none_or(|sl| super::selector_ok(sl, &i.labels))
                    {
                        named.push((r, i.name));
                    }
                }
            }
            None => {
                exec.err("error: resource(s) were provided, but no name was specified\n");
                return 1;
            }
        }
    }
    for (r, name) in named {
        if !matches!(
            r,
            Resource::Deployments | Resource::ReplicaSets | Resource::StatefulSets
        ) {
            exec.err(format!(
                "error: no scaler has been implemented for {{\"\" \"{}\"}}\n",
                r.singular()
            ));
            failed = true;
            continue;
        }
        let key = (ns.clone(), name.clone());
        let now = s.sim.now;
        match s
            .sim
            .world
            .cluster
            .scale(&r.plural(), &key, replicas_wanted, now)
        {
            Ok(()) => exec.out(format!("{}/{name} scaled\n", r.singular())),
            Err(e) => {
                print_api_error(exec, &e, None);
                failed = true;
            }
        }
    }
    i32::from(failed)
}

#[inline(never)]
pub(crate) fn label(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let mut pos = args.positional.clone();
    let changes: Vec<String> = pos
        .iter()
        .filter(|p| p.contains('=') || p.ends_with('-'))
        .cloned()
        .collect();
    pos.retain(|p| !changes.contains(p));
    let targets = match resource_and_names(&pos, s.sim.world.cluster.gateway_api) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    if changes.is_empty() {
        exec.err("error: at least one label update is required\n");
        return 1;
    }
    // kubectl's own checks of each `key=value` before it sends anything;
    // keys are the API server's to judge.
    for ch in changes.iter().filter(|c| c.contains('=')) {
        let parts: Vec<&str> = ch.split('=').collect();
        if parts.len() != 2 {
            exec.err(format!("error: invalid label spec: {ch}\n"));
            return 1;
        }
        if let Some(problem) = crate::cluster::validation::label_value_problem(parts[1]) {
            exec.err(format!("error: invalid label value: \"{ch}\": {problem}\n"));
            return 1;
        }
    }
    let ns = args.ns();
    let overwrite = args.has("overwrite");
    let mut failed = false;
    // `-l SELECTOR` or `--all` stand for the names.
    let mut named = vec![];
    for (r, name) in targets {
        match name {
            Some(n) => named.push((r, n)),
            None if args.selector.is_some() || args.has("all") => {
                let sel = match args.selector.as_deref().map(super::parse_selector) {
                    Some(Err(e)) => {
                        exec.err(e);
                        return 1;
                    }
                    Some(Ok(sel)) => Some(sel),
                    None => None,
                };
                for i in super::columns::items(s, r, Some(&ns)) {
                    if sel
                        .as_ref()
                        .is_none_or(|sl| super::selector_ok(sl, &i.labels))
                    {
                        named.push((r, i.name));
                    }
                }
            }
            None => {
                exec.err("error: resource(s) were provided, but no name was specified\n");
                return 1;
            }
        }
    }
    for (r, name) in named {
        // What kubectl does: read the object, change its labels, and send
        // the change to the API server, which validates and stores it as
        // any other write (a new resourceVersion; the controllers and
        // kube-proxy see it because the store changed).
        let Some(mut obj) = super::patch::current(s, r, &ns, &name) else {
            exec.err(format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                r.plural()
            ));
            failed = true;
            continue;
        };
        let Some(meta) = obj.get_mut("metadata").and_then(|m| m.as_object_mut()) else {
            failed = true;
            continue;
        };
        let labels = meta
            .entry("labels")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if !labels.is_object() {
            *labels = serde_json::Value::Object(Default::default());
        }
        let Some(labels) = labels.as_object_mut() else {
            continue;
        };
        let before = labels.clone();
        let mut only_removals = true;
        for ch in &changes {
            if let Some(k) = ch.strip_suffix('-') {
                labels.remove(k);
            } else if let Some((k, v)) = ch.split_once('=') {
                only_removals = false;
                if let Some(old) = labels.get(k).and_then(|o| o.as_str()) {
                    if !overwrite && old != v {
                        exec.err(format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false\n"
                        ));
                        return 1;
                    }
                }
                labels.insert(k.into(), serde_json::Value::String(v.into()));
            }
        }
        if *labels != before {
            if let Err(message) = super::patch::send(s, obj) {
                exec.err(message);
                failed = true;
                continue;
            }
        }
        let verb = if only_removals {
            "unlabeled"
        } else {
            "labeled"
        };
        exec.out(format!("{}/{name} {verb}\n", r.singular()));
    }
    i32::from(failed)
}
