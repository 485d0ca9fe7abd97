//! `kubectl get`: tables laid out by Go's tabwriter, and `-o wide|yaml|json|name|jsonpath=…`.

use super::{jsonpath, parse_selector, resource_and_names, selector_ok, Args, Resource};
use crate::cluster::objects::{format_labels, Labels, Service};
use crate::cluster::{human_duration, Cluster, EndpointAddr, PortEndpoints};
use crate::shell::tabwriter::TABLE;
use crate::shell::{Execution, Session};
use serde_json::{json, Map, Value};

/// One listed object: its namespace and name, labels, table cells and API form.
pub(crate) struct Item {
    pub namespace: Option<String>,
    pub name: String,
    pub labels: Labels,
    pub cells: Vec<String>,
    pub wide: Vec<String>,
    pub json: Value,
}

pub(crate) fn headers(r: Resource) -> (Vec<&'static str>, Vec<&'static str>) {
    match r {
        Resource::Services => (
            vec![
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            vec!["SELECTOR"],
        ),
        Resource::Pods => (
            vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            vec!["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Resource::Endpoints => (vec!["NAME", "ENDPOINTS", "AGE"], vec![]),
        Resource::EndpointSlices => (
            vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
            vec![],
        ),
        Resource::Deployments => (
            vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::ReplicaSets => (
            vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::Nodes => (
            vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            vec![
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Resource::Namespaces => (vec!["NAME", "STATUS", "AGE"], vec![]),
        Resource::All => (vec![], vec![]),
    }
}

/// Recursively sorts object keys, as kubectl's output (via Go maps) is sorted.
pub(crate) fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn age(now: i64, created: i64) -> String {
    human_duration(now - created)
}

/// `formatEndpoints`: at most three `ip:port`, then ` + N more...`.
pub(crate) fn format_endpoints(addrs: &[String]) -> String {
    if addrs.len() <= 3 {
        addrs.join(",")
    } else {
        format!("{} + {} more...", addrs[..3].join(","), addrs.len() - 3)
    }
}

pub(crate) fn service_ports(svc: &Service) -> String {
    if svc.spec.ports.is_empty() {
        return "<none>".into();
    }
    svc.spec
        .ports
        .iter()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(np) if np != 0 => format!("{}:{np}/{proto}", p.port),
                _ => format!("{}/{proto}", p.port),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn external_ip(svc: &Service, wide: bool) -> String {
    match svc.type_name() {
        "ExternalName" => svc.spec.external_name.clone().unwrap_or_default(),
        "LoadBalancer" => {
            let mut ips: Vec<String> = svc
                .status
                .load_balancer
                .ingress
                .iter()
                .filter_map(|i| i.ip.clone().or_else(|| i.hostname.clone()))
                .collect();
            ips.extend(svc.spec.external_ips.iter().cloned());
            if ips.is_empty() {
                return "<pending>".into();
            }
            let s = ips.join(",");
            if !wide && s.len() > 16 {
                format!("{}...", &s[..13])
            } else {
                s
            }
        }
        _ => {
            if svc.spec.external_ips.is_empty() {
                "<none>".into()
            } else {
                svc.spec.external_ips.join(",")
            }
        }
    }
}

fn service_json(svc: &Service) -> Value {
    serde_json::to_value(svc).unwrap_or(Value::Null)
}

/// The Endpoints of a Service as the API would return them: Ready
/// addresses, not-ready ones apart, one subset per distinct port set.
pub(crate) fn endpoints_cell(cluster: &Cluster, svc: &Service) -> Option<(String, PortEndpoints)> {
    let key_ns = svc.metadata.namespace.clone().unwrap_or_default();
    let eps = if key_ns == "default" && svc.metadata.name == "kubernetes" {
        vec![(
            "https".to_string(),
            cluster.apiserver_endpoint().into_iter().collect(),
        )]
    } else {
        cluster.endpoints(svc)?
    };
    let any = eps.iter().any(|(_, a)| !a.is_empty());
    let ready: Vec<String> = eps
        .iter()
        .flat_map(|(_, a)| {
            a.iter()
                .filter(|a| a.ready)
                .map(|a| format!("{}:{}", a.ip, a.port))
        })
        .collect();
    let cell = if !any {
        "<none>".to_string()
    } else {
        format_endpoints(&ready)
    };
    Some((cell, eps))
}

fn endpoints_json(svc: &Service, eps: &[(String, Vec<EndpointAddr>)]) -> Value {
    let mut addrs = vec![];
    let mut not_ready = vec![];
    if let Some((_, first)) = eps.first() {
        for a in first {
            let v = json!({"ip": a.ip.to_string(), "nodeName": a.node, "targetRef": {"kind": "Pod", "name": a.pod, "namespace": svc.metadata.namespace}});
            if a.ready {
                addrs.push(v);
            } else {
                not_ready.push(v);
            }
        }
    }
    let ports: Vec<Value> = svc
        .spec
        .ports
        .iter()
        .zip(eps.iter())
        .map(|(p, (_, a))| {
            let mut m = json!({"port": a.first().map(|a| a.port).unwrap_or(0), "protocol": p.protocol.clone().unwrap_or_else(|| "TCP".into())});
            if !p.name.is_empty() {
                m["name"] = json!(p.name);
            }
            m
        })
        .collect();
    let mut subset = Map::new();
    if !addrs.is_empty() {
        subset.insert("addresses".into(), Value::Array(addrs));
    }
    if !not_ready.is_empty() {
        subset.insert("notReadyAddresses".into(), Value::Array(not_ready));
    }
    subset.insert("ports".into(), Value::Array(ports));
    let subsets = if subset.len() > 1 {
        vec![Value::Object(subset)]
    } else {
        vec![]
    };
    let mut v = json!({
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": svc.metadata.name, "namespace": svc.metadata.namespace, "labels": svc.metadata.labels, "creationTimestamp": svc.metadata.creation_timestamp},
    });
    if !subsets.is_empty() {
        v["subsets"] = Value::Array(subsets);
    }
    v
}

/// Lists the objects of one resource type.
pub(crate) fn items(s: &Session, r: Resource, ns: Option<&str>) -> Vec<Item> {
    let c = &s.world.cluster;
    let now = s.now as i64;
    let in_ns = |k: &str| ns.is_none_or(|n| n == k);
    let mut out = vec![];
    match r {
        Resource::Services => {
            for ((n, name), svc) in c.services.iter().filter(|((n, _), _)| in_ns(n)) {
                let cip = match svc.spec.cluster_ip.as_deref() {
                    Some(ip) => ip.to_string(),
                    None => "<none>".into(),
                };
                out.push(Item {
                    namespace: Some(n.clone()),
                    name: name.clone(),
                    labels: svc.metadata.labels.clone(),
                    cells: vec![
                        name.clone(),
                        svc.type_name().to_string(),
                        cip,
                        external_ip(svc, false),
                        service_ports(svc),
                        age(now, svc.metadata.created_ms),
                    ],
                    wide: vec![svc
                        .spec
                        .selector
                        .as_ref()
                        .map(format_labels)
                        .unwrap_or_else(|| "<none>".into())],
                    json: service_json(svc),
                });
            }
        }
        Resource::Pods => {
            for ((n, name), pod) in c.pods.iter().filter(|((n, _), _)| in_ns(n)) {
                let total = pod.spec.containers.len();
                let ready = if pod.status.ready { total } else { 0 };
                let mut v = serde_json::to_value(pod).unwrap_or(Value::Null);
                if let Some(st) = v.get_mut("status") {
                    st["podIPs"] = json!(pod
                        .status
                        .pod_ip
                        .iter()
                        .map(|i| json!({"ip": i}))
                        .collect::<Vec<_>>());
                }
                out.push(Item {
                    namespace: Some(n.clone()),
                    name: name.clone(),
                    labels: pod.metadata.labels.clone(),
                    cells: vec![
                        name.clone(),
                        format!("{ready}/{total}"),
                        c.pod_status(pod, now),
                        "0".into(),
                        age(now, pod.metadata.created_ms),
                    ],
                    wide: vec![
                        pod.status.pod_ip.clone().unwrap_or_else(|| "<none>".into()),
                        pod.spec
                            .node_name
                            .clone()
                            .unwrap_or_else(|| "<none>".into()),
                        "<none>".into(),
                        "<none>".into(),
                    ],
                    json: v,
                });
            }
        }
        Resource::Endpoints => {
            for ((n, name), svc) in c.services.iter().filter(|((n, _), _)| in_ns(n)) {
                let Some((cell, eps)) = endpoints_cell(c, svc) else {
                    continue;
                };
                out.push(Item {
                    namespace: Some(n.clone()),
                    name: name.clone(),
                    labels: svc.metadata.labels.clone(),
                    cells: vec![name.clone(), cell, age(now, svc.metadata.created_ms)],
                    wide: vec![],
                    json: endpoints_json(svc, &eps),
                });
            }
        }
        Resource::EndpointSlices => {
            for ((n, name), svc) in c.services.iter().filter(|((n, _), _)| in_ns(n)) {
                let Some((_, eps)) = endpoints_cell(c, svc) else {
                    continue;
                };
                let slice = if n == "default" && name == "kubernetes" {
                    "kubernetes".to_string()
                } else {
                    c.slice_names
                        .get(&(n.clone(), name.clone()))
                        .cloned()
                        .unwrap_or_else(|| name.clone())
                };
                let ports: Vec<String> = {
                    let mut p: Vec<String> = eps
                        .iter()
                        .filter_map(|(_, a)| a.first().map(|a| a.port.to_string()))
                        .collect();
                    p.dedup();
                    if p.is_empty() {
                        vec!["<unset>".into()]
                    } else {
                        p
                    }
                };
                let mut ips: Vec<String> = eps
                    .first()
                    .map(|(_, a)| {
                        a.iter()
                            .filter(|a| a.ready)
                            .map(|a| a.ip.to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                ips.dedup();
                let cell = if ips.is_empty() {
                    "<unset>".to_string()
                } else {
                    format_endpoints(&ips)
                };
                let mut labels = Labels::new();
                labels.insert("kubernetes.io/service-name".into(), name.clone());
                labels.insert(
                    "endpointslice.kubernetes.io/managed-by".into(),
                    "endpointslice-controller.k8s.io".into(),
                );
                out.push(Item {
                    namespace: Some(n.clone()),
                    name: slice.clone(),
                    labels: labels.clone(),
                    cells: vec![slice.clone(), "IPv4".into(), ports.join(","), cell, age(now, svc.metadata.created_ms)],
                    wide: vec![],
                    json: json!({
                        "addressType": "IPv4",
                        "apiVersion": "discovery.k8s.io/v1",
                        "kind": "EndpointSlice",
                        "metadata": {"name": slice, "namespace": n, "labels": labels},
                        "endpoints": eps.first().map(|(_, a)| a.iter().map(|a| json!({"addresses": [a.ip.to_string()], "conditions": {"ready": a.ready}, "nodeName": a.node, "targetRef": {"kind": "Pod", "name": a.pod, "namespace": n}})).collect::<Vec<_>>()).unwrap_or_default(),
                    }),
                });
            }
        }
        Resource::Deployments => {
            for ((n, name), d) in c.deployments.iter().filter(|((n, _), _)| in_ns(n)) {
                let pods: Vec<_> = c
                    .pods
                    .iter()
                    .filter(|(k, p)| {
                        k.0 == *n
                            && crate::cluster::objects::selector_matches(
                                &d.spec.selector.match_labels,
                                &p.metadata.labels,
                            )
                    })
                    .collect();
                let ready = pods.iter().filter(|(_, p)| p.status.ready).count();
                let want = d.spec.replicas.unwrap_or(1);
                let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
                v["status"] = json!({"replicas": pods.len(), "readyReplicas": ready, "availableReplicas": ready, "updatedReplicas": pods.len()});
                out.push(Item {
                    namespace: Some(n.clone()),
                    name: name.clone(),
                    labels: d.metadata.labels.clone(),
                    cells: vec![
                        name.clone(),
                        format!("{ready}/{want}"),
                        pods.len().to_string(),
                        ready.to_string(),
                        age(now, d.metadata.created_ms),
                    ],
                    wide: vec![
                        d.spec
                            .template
                            .spec
                            .containers
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                        d.spec
                            .template
                            .spec
                            .containers
                            .iter()
                            .map(|c| c.image.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                        format_labels(&d.spec.selector.match_labels),
                    ],
                    json: v,
                });
            }
        }
        Resource::ReplicaSets => {
            for ((n, name), rs) in c.replicasets.iter().filter(|((n, _), _)| in_ns(n)) {
                let pods: Vec<_> = c
                    .pods
                    .iter()
                    .filter(|(k, p)| {
                        k.0 == *n && p.metadata.owner_references.iter().any(|o| o.name == *name)
                    })
                    .collect();
                let ready = pods.iter().filter(|(_, p)| p.status.ready).count();
                out.push(Item {
                    namespace: Some(n.clone()),
                    name: name.clone(),
                    labels: rs.metadata.labels.clone(),
                    cells: vec![
                        name.clone(),
                        rs.replicas.to_string(),
                        pods.len().to_string(),
                        ready.to_string(),
                        age(now, rs.metadata.created_ms),
                    ],
                    wide: vec![
                        rs.template.spec.containers.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(","),
                        rs.template.spec.containers.iter().map(|c| c.image.clone()).collect::<Vec<_>>().join(","),
                        format_labels(&rs.selector),
                    ],
                    json: json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rs.metadata, "spec": {"replicas": rs.replicas, "selector": {"matchLabels": rs.selector}, "template": rs.template}}),
                });
            }
        }
        Resource::Nodes => {
            for (i, node) in c.nodes.iter().enumerate() {
                let role = if i == 0 { "control-plane" } else { "<none>" };
                let mut labels = Labels::new();
                labels.insert("kubernetes.io/hostname".into(), node.name.clone());
                labels.insert("kubernetes.io/os".into(), "linux".into());
                if i == 0 {
                    labels.insert(
                        "node-role.kubernetes.io/control-plane".into(),
                        String::new(),
                    );
                }
                out.push(Item {
                    namespace: None,
                    name: node.name.clone(),
                    labels: labels.clone(),
                    cells: vec![node.name.clone(), "Ready".into(), role.into(), age(now, node.created_ms), CLIENT_VERSION_NODE.into()],
                    wide: vec![
                        node.ip.to_string(),
                        "<none>".into(),
                        "Ubuntu 24.04.1 LTS".into(),
                        "6.8.0-49-generic".into(),
                        "containerd://1.7.22".into(),
                    ],
                    json: json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": node.name, "labels": labels}, "spec": {"podCIDR": node.pod_cidr.to_string(), "podCIDRs": [node.pod_cidr.to_string()]}, "status": {"addresses": [{"address": node.ip.to_string(), "type": "InternalIP"}, {"address": node.name, "type": "Hostname"}]}}),
                });
            }
        }
        Resource::Namespaces => {
            for (name, n) in &c.namespaces {
                out.push(Item {
                    namespace: None,
                    name: name.clone(),
                    labels: n.metadata.labels.clone(),
                    cells: vec![
                        name.clone(),
                        "Active".into(),
                        age(now, n.metadata.created_ms),
                    ],
                    wide: vec![],
                    json: serde_json::to_value(n).unwrap_or(Value::Null),
                });
            }
        }
        Resource::All => {}
    }
    out
}

const CLIENT_VERSION_NODE: &str = "v1.31.4";

/// YAML as kubectl prints it. Go's encoder double-quotes the strings that
/// need quoting (numbers, timestamps) where libyaml's emitter single-quotes
/// them, so quotes are converted, and RFC 3339 timestamps are quoted.
pub(crate) fn to_yaml(v: &Value) -> String {
    let raw = serde_norway::to_string(v).unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let fixed = match line.split_once(": ") {
            Some((k, val))
                if val.len() >= 2
                    && val.starts_with('\'')
                    && val.ends_with('\'')
                    && !val[1..val.len() - 1].contains(['\'', '"', '\\']) =>
            {
                format!("{k}: \"{}\"", &val[1..val.len() - 1])
            }
            Some((k, val)) if looks_like_timestamp(val) => format!("{k}: \"{val}\""),
            _ => line.to_string(),
        };
        out.push_str(&fixed);
        out.push('\n');
    }
    out
}

fn looks_like_timestamp(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[19] == b'Z'
}

fn to_json(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    let _ = serde::Serialize::serialize(v, &mut ser);
    String::from_utf8(buf).unwrap_or_default() + "\n"
}

#[inline(never)]
pub(crate) fn get(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    if args.positional.is_empty() {
        exec.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n");
        return 1;
    }
    let targets = match resource_and_names(&args.positional) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let selector = match args.selector.as_deref().map(parse_selector).transpose() {
        Ok(s) => s,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let ns_name = args.ns();
    if !args.all_namespaces
        && !s.world.cluster.namespaces.contains_key(&ns_name)
        && targets.iter().any(|(r, _)| r.namespaced())
    {
        // kubectl lists an empty result for a namespace that does not exist.
    }
    let ns = if args.all_namespaces {
        None
    } else {
        Some(ns_name.as_str())
    };
    let output = args.output.clone().unwrap_or_default();
    let wide = output == "wide";
    let mut status = 0;
    let mut printed_any = false;
    let mut collected: Vec<(Resource, Item)> = vec![];

    // Expand `all` into the resources it stands for.
    let mut expanded = vec![];
    for (r, n) in targets {
        if r == Resource::All {
            for rr in [
                Resource::Pods,
                Resource::Services,
                Resource::Deployments,
                Resource::ReplicaSets,
            ] {
                expanded.push((rr, n.clone()));
            }
        } else {
            expanded.push((r, n));
        }
    }
    let multi_kind = {
        let mut kinds: Vec<Resource> = expanded.iter().map(|(r, _)| *r).collect();
        kinds.dedup();
        kinds.len() > 1
    };

    let mut tables = String::new();
    let mut last_kind: Option<Resource> = None;
    for (r, name) in &expanded {
        let all = items(s, *r, if r.namespaced() { ns } else { None });
        let mut chosen: Vec<Item> = match name {
            Some(n) => match all.into_iter().find(|i| &i.name == n) {
                Some(i) => vec![i],
                None => {
                    exec.err(format!(
                        "Error from server (NotFound): {} \"{n}\" not found\n",
                        r.plural()
                    ));
                    status = 1;
                    continue;
                }
            },
            None => all,
        };
        if let Some(sel) = &selector {
            chosen.retain(|i| selector_ok(sel, &i.labels));
        }
        if output.is_empty() || wide || args.has("show-labels") {
            if chosen.is_empty() {
                continue;
            }
            if last_kind != Some(*r) {
                if printed_any {
                    tables.push('\n');
                }
                let (h, w) = headers(*r);
                let mut t = String::new();
                let mut hs: Vec<&str> = vec![];
                if args.all_namespaces && r.namespaced() {
                    hs.push("NAMESPACE");
                }
                hs.extend(h);
                if wide {
                    hs.extend(w);
                }
                if args.has("show-labels") {
                    hs.push("LABELS");
                }
                if !args.has("no-headers") {
                    t.push_str(&hs.join("\t"));
                    t.push('\n');
                }
                for i in &chosen {
                    let mut cells = vec![];
                    if args.all_namespaces && r.namespaced() {
                        cells.push(i.namespace.clone().unwrap_or_default());
                    }
                    let mut row = i.cells.clone();
                    if multi_kind {
                        row[0] = format!("{}/{}", r.singular(), row[0]);
                    }
                    cells.extend(row);
                    if wide {
                        cells.extend(i.wide.clone());
                    }
                    if args.has("show-labels") {
                        cells.push(format_labels(&i.labels));
                    }
                    t.push_str(&cells.join("\t"));
                    t.push('\n');
                }
                tables.push_str(&TABLE.format(&t));
                printed_any = true;
                last_kind = Some(*r);
            }
        } else {
            collected.extend(chosen.into_iter().map(|i| (*r, i)));
        }
    }
    if output.is_empty() || wide || args.has("show-labels") {
        if !printed_any && status == 0 {
            match ns {
                Some(n) if expanded.iter().any(|(r, _)| r.namespaced()) => {
                    exec.err(format!("No resources found in {n} namespace.\n"))
                }
                _ => exec.err("No resources found\n"),
            }
        }
        exec.out(tables);
        return status;
    }
    let single = expanded.len() == 1 && expanded[0].1.is_some();
    let values: Vec<Value> = collected
        .iter()
        .map(|(_, i)| sorted(i.json.clone()))
        .collect();
    let doc = if single && values.len() == 1 {
        values[0].clone()
    } else {
        json!({"apiVersion": "v1", "items": values, "kind": "List", "metadata": {"resourceVersion": ""}})
    };
    match output.as_str() {
        "yaml" => exec.out(to_yaml(&doc)),
        "json" => exec.out(to_json(&doc)),
        "name" => {
            for (r, i) in &collected {
                exec.out(format!("{}/{}\n", r.singular(), i.name));
            }
        }
        o if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {
            let t = o.split_once('=').map(|x| x.1).unwrap_or("");
            match jsonpath::apply(t, &doc) {
                Ok(text) => exec.out(text),
                Err(e) => {
                    exec.err(e);
                    return 1;
                }
            }
        }
        o if o.starts_with("custom-columns=") => {
            let spec = &o["custom-columns=".len()..];
            let cols: Vec<(&str, &str)> =
                spec.split(',').filter_map(|c| c.split_once(':')).collect();
            let mut t = cols.iter().map(|(h, _)| *h).collect::<Vec<_>>().join("\t") + "\n";
            for v in &values {
                let row: Vec<String> = cols
                    .iter()
                    .map(|(_, p)| {
                        let tpl = format!("{{{p}}}");
                        jsonpath::apply(&tpl, v)
                            .ok()
                            .filter(|x| !x.is_empty())
                            .unwrap_or_else(|| "<none>".into())
                    })
                    .collect();
                t.push_str(&row.join("\t"));
                t.push('\n');
            }
            exec.out(TABLE.format(&t));
        }
        other => {
            exec.err(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"));
            return 1;
        }
    }
    status
}
