//! The table kubectl prints for each resource (the server's Table columns,
//! `pkg/printers/internalversion/printers.go`) and each object's API form.

use super::Resource;
use crate::cluster::apiserver::sorted;
use crate::cluster::human_duration;
use crate::cluster::objects::*;
use crate::cluster::objects::{list_at, str_at};
use crate::shell::ctx::Ctx;
use serde_json::{json, Value};

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
        Resource::StatefulSets => (vec!["NAME", "READY", "AGE"], vec!["CONTAINERS", "IMAGES"]),
        Resource::DaemonSets => (
            vec![
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::ConfigMaps => (vec!["NAME", "DATA", "AGE"], vec![]),
        Resource::Secrets => (vec!["NAME", "TYPE", "DATA", "AGE"], vec![]),
        Resource::NetworkPolicies => (vec!["NAME", "POD-SELECTOR", "AGE"], vec![]),
        Resource::Ingresses => (
            vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
            vec![],
        ),
        Resource::IngressClasses => (vec!["NAME", "CONTROLLER", "PARAMETERS", "AGE"], vec![]),
        // The CRDs' additionalPrinterColumns (priority 1 under -o wide).
        Resource::GatewayClasses => (
            vec!["NAME", "CONTROLLER", "ACCEPTED", "AGE"],
            vec!["DESCRIPTION"],
        ),
        Resource::Gateways => (
            vec!["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"],
            vec![],
        ),
        Resource::HttpRoutes => (vec!["NAME", "HOSTNAMES", "AGE"], vec![]),
        Resource::ReferenceGrants => (vec!["NAME", "AGE"], vec![]),
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
        // `-o wide` prints all of the second list, in its own order.
        Resource::Events => (
            vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            vec![
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ],
        ),
        Resource::All => (vec![], vec![]),
    }
}

fn age(now: crate::time::Millis, created: crate::time::Millis) -> String {
    human_duration(now - created)
}

/// `listWithMoreString`: at most three entries, then ` + N more...`;
/// `<unset>` when there are none.
fn list_with_more(list: &[String], unset: &str) -> String {
    if list.is_empty() {
        return unset.to_string();
    }
    if list.len() <= 3 {
        list.join(",")
    } else {
        format!("{} + {} more...", list[..3].join(","), list.len() - 3)
    }
}

/// `formatEndpoints` of an Endpoints object: subset by subset, port by
/// port, each Ready address as `ip:port`; `<none>` without subsets.
pub(crate) fn format_endpoints(ep: &Endpoints) -> String {
    if ep.subsets.is_empty() {
        return "<none>".into();
    }
    let mut list = vec![];
    for ss in &ep.subsets {
        if ss.ports.is_empty() {
            list.extend(ss.addresses.iter().map(|a| a.ip.clone()));
            continue;
        }
        for p in &ss.ports {
            list.extend(ss.addresses.iter().map(|a| format!("{}:{}", a.ip, p.port)));
        }
    }
    if list.len() <= 3 {
        list.join(",")
    } else {
        format!("{} + {} more...", list[..3].join(","), list.len() - 3)
    }
}

/// `formatDiscoveryPorts`: each port's number (its name, or `*`, if unset).
fn slice_ports(slice: &EndpointSlice) -> String {
    let list: Vec<String> = slice
        .ports()
        .iter()
        .map(|p| match (p.port, &p.name) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) if !name.is_empty() => name.clone(),
            _ => "*".into(),
        })
        .collect();
    list_with_more(&list, "<unset>")
}

/// `formatDiscoveryEndpoints`: every address of every endpoint, Ready or not.
fn slice_endpoints(slice: &EndpointSlice) -> String {
    let list: Vec<String> = slice
        .endpoints()
        .iter()
        .flat_map(|e| e.addresses.iter().cloned())
        .collect();
    list_with_more(&list, "<unset>")
}

/// `formatEndpointSlices` (describe): `ip:port` of each slice's first
/// address for the named port; `<none>` when there is no slice at all.
pub(crate) fn format_endpoint_slices(slices: &[&EndpointSlice], port: Option<&str>) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let mut list = vec![];
    for s in slices {
        if s.ports().is_empty() {
            list.extend(
                s.endpoints()
                    .iter()
                    .filter_map(|e| e.addresses.first().cloned()),
            );
            continue;
        }
        for p in s.ports() {
            if port.is_none_or(|n| p.name.as_deref().unwrap_or("") == n) {
                for e in s.endpoints() {
                    if let (Some(a), Some(n)) = (e.addresses.first(), p.port) {
                        list.push(format!("{a}:{n}"));
                    }
                }
            }
        }
    }
    if list.len() <= 3 {
        list.join(",")
    } else {
        format!("{} + {} more...", list[..3].join(","), list.len() - 3)
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

fn containers(t: &PodTemplate) -> (String, String) {
    let names: Vec<&str> = t.spec.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = t.spec.containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

/// An Ingress's load balancer addresses (an IP, else a host name), as
/// `get` and `describe` print them.
pub(crate) fn ingress_addresses(o: &Unstructured) -> Vec<&str> {
    list_at(o.status(), &["loadBalancer", "ingress"])
        .iter()
        .map(|i| match str_at(i, &["ip"]) {
            "" => str_at(i, &["hostname"]),
            ip => ip,
        })
        .collect()
}

/// `printIngress`: CLASS (`<none>` without one), HOSTS (`*` for a rule
/// without host), ADDRESS (the load balancer's), PORTS (`80`, and `443`
/// with TLS).
fn ingress_cells(o: &Unstructured) -> Vec<String> {
    let class = match o.spec().get("ingressClassName").and_then(Value::as_str) {
        Some(c) => c.to_string(),
        None => "<none>".into(),
    };
    let hosts: Vec<&str> = list_at(o.spec(), &["rules"])
        .iter()
        .map(|r| match str_at(r, &["host"]) {
            "" => "*",
            h => h,
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "*".to_string()
    } else {
        hosts.join(",")
    };
    let address = ingress_addresses(o);
    let ports = if list_at(o.spec(), &["tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![class, hosts, address.join(","), ports.to_string()]
}

/// The cells of a Gateway API object between NAME and AGE, and its wide
/// ones: each CRD printer column's JSONPath, printed as the API server's
/// table converter does (nothing when the path finds nothing, a list as
/// JSON, several results joined by commas).
fn gateway_api_cells(o: &Unstructured) -> (Vec<String>, Vec<String>) {
    let cond = |t: &str| {
        list_at(o.status(), &["conditions"])
            .iter()
            .find(|c| str_at(c, &["type"]) == t)
            .map(|c| str_at(c, &["status"]).to_string())
            .unwrap_or_default()
    };
    match o.kind {
        "GatewayClass" => (
            vec![
                str_at(o.spec(), &["controllerName"]).to_string(),
                cond("Accepted"),
            ],
            vec![str_at(o.spec(), &["description"]).to_string()],
        ),
        "Gateway" => {
            let addresses: Vec<&str> = list_at(o.status(), &["addresses"])
                .iter()
                .map(|a| str_at(a, &["value"]))
                .collect();
            (
                vec![
                    str_at(o.spec(), &["gatewayClassName"]).to_string(),
                    addresses.join(","),
                    cond("Programmed"),
                ],
                vec![],
            )
        }
        "HTTPRoute" => (
            vec![match o.spec().get("hostnames") {
                Some(h @ Value::Array(_)) => h.to_string(),
                _ => String::new(),
            }],
            vec![],
        ),
        _ => (vec![], vec![]),
    }
}

fn to_json<T: serde::Serialize>(o: &T) -> Value {
    sorted(serde_json::to_value(o).unwrap_or(Value::Null))
}

/// A Deployment's `status` as the controller writes it, with its
/// `Available` and `Progressing` conditions.
pub(crate) fn deployment_status_json(d: &Deployment) -> Value {
    let st = &d.status;
    let want = d.spec.replicas.unwrap_or(1);
    let total = st.replicas.unwrap_or(0);
    let updated = st.updated_replicas.unwrap_or(0);
    let available = st.available_replicas.unwrap_or(0);
    let ts = crate::cluster::rfc3339(d.metadata.created_ms);
    let min_ok = available >= want - want / 4;
    let done = updated == want && total == want && available == want;
    let hash = crate::cluster::pod_template_hash(&d.spec.template);
    let mut v = json!({
        "conditions": [
            {
                "lastTransitionTime": ts, "lastUpdateTime": ts,
                "message": if min_ok { "Deployment has minimum availability." } else { "Deployment does not have minimum availability." },
                "reason": if min_ok { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" },
                "status": if min_ok { "True" } else { "False" },
                "type": "Available",
            },
            {
                "lastTransitionTime": ts, "lastUpdateTime": ts,
                "message": if done {
                    format!("ReplicaSet \"{}-{hash}\" has successfully progressed.", d.metadata.name)
                } else {
                    format!("ReplicaSet \"{}-{hash}\" is progressing.", d.metadata.name)
                },
                "reason": if done { "NewReplicaSetAvailable" } else { "ReplicaSetUpdated" },
                "status": "True",
                "type": "Progressing",
            },
        ],
        "observedGeneration": 1,
        "replicas": total,
        "updatedReplicas": updated,
    });
    if st.ready_replicas.unwrap_or(0) > 0 {
        v["readyReplicas"] = json!(st.ready_replicas.unwrap_or(0));
    }
    if available > 0 {
        v["availableReplicas"] = json!(available);
    }
    if want.max(total) - available > 0 {
        v["unavailableReplicas"] = json!(want.max(total) - available);
    }
    v
}

/// Lists the objects of one resource type.
pub(crate) fn items(s: &Ctx, r: Resource, ns: Option<&str>) -> Vec<Item> {
    let out = items_uncounted(s, r, ns);
    // Each object is turned into its API form (JSON) and its columns.
    s.read_work(out.len() * ITEM_COST);
    out
}

/// Work for one object [`items`] reads: its JSON form built and dropped.
const ITEM_COST: usize = 1_500;

fn items_uncounted(s: &Ctx, r: Resource, ns: Option<&str>) -> Vec<Item> {
    let c = &s.sim.world.cluster;
    let now = s.sim.now;
    let in_ns = |k: &str| ns.is_none_or(|n| n == k);
    let item =
        |n: &str, meta: &ObjectMeta, cells: Vec<String>, wide: Vec<String>, json: Value| Item {
            namespace: Some(n.to_string()),
            name: meta.name.clone(),
            labels: meta.labels.clone(),
            cells,
            wide,
            json,
        };
    let mut out = vec![];
    match r {
        Resource::Services => {
            for ((n, name), svc) in c.services.iter().filter(|((n, _), _)| in_ns(n)) {
                let cip = match svc.spec.cluster_ip.as_deref() {
                    Some(ip) => ip.to_string(),
                    None => "<none>".into(),
                };
                out.push(item(
                    n,
                    &svc.metadata,
                    vec![
                        name.clone(),
                        svc.type_name().to_string(),
                        cip,
                        external_ip(svc, false),
                        service_ports(svc),
                        age(now, svc.metadata.created_ms),
                    ],
                    vec![svc
                        .spec
                        .selector
                        .as_ref()
                        .map(format_labels)
                        .unwrap_or_else(|| "<none>".into())],
                    to_json(svc),
                ));
            }
        }
        Resource::Pods => {
            for ((n, name), pod) in c.pods.iter().filter(|((n, _), _)| in_ns(n)) {
                let total = pod.spec.containers.len();
                let rt = &pod.status.runtime;
                let ready = rt
                    .containers
                    .iter()
                    .filter(|c| c.running() && c.ready)
                    .count();
                let mut v = serde_json::to_value(pod).unwrap_or(Value::Null);
                v["status"] = pod.status_json();
                // `restartsStr`: the count, and how long ago the last ended.
                let restarts: u32 = rt.containers.iter().map(|c| c.restarts).sum();
                let last = rt
                    .containers
                    .iter()
                    .filter(|c| c.restarts > 0)
                    .filter_map(|c| c.last_state.as_ref().map(|t| t.finished))
                    .max();
                let restarts = match last {
                    Some(t) if restarts > 0 => format!("{restarts} ({} ago)", age(now, t)),
                    _ => restarts.to_string(),
                };
                out.push(item(
                    n,
                    &pod.metadata,
                    vec![
                        name.clone(),
                        format!("{ready}/{total}"),
                        c.pod_status(pod, now),
                        restarts,
                        age(now, pod.metadata.created_ms),
                    ],
                    vec![
                        pod.status.pod_ip.clone().unwrap_or_else(|| "<none>".into()),
                        pod.spec
                            .node_name
                            .clone()
                            .unwrap_or_else(|| "<none>".into()),
                        "<none>".into(),
                        "<none>".into(),
                    ],
                    sorted(v),
                ));
            }
        }
        Resource::Endpoints => {
            for ((n, name), ep) in c.endpoints.iter().filter(|((n, _), _)| in_ns(n)) {
                out.push(item(
                    n,
                    &ep.metadata,
                    vec![
                        name.clone(),
                        format_endpoints(ep),
                        age(now, ep.metadata.created_ms),
                    ],
                    vec![],
                    to_json(ep),
                ));
            }
        }
        Resource::EndpointSlices => {
            for ((n, name), slice) in c.endpoint_slices.iter().filter(|((n, _), _)| in_ns(n)) {
                out.push(item(
                    n,
                    &slice.metadata,
                    vec![
                        name.clone(),
                        slice.address_type.clone(),
                        slice_ports(slice),
                        slice_endpoints(slice),
                        age(now, slice.metadata.created_ms),
                    ],
                    vec![],
                    to_json(slice),
                ));
            }
        }
        Resource::Deployments => {
            for ((n, name), d) in c.deployments.iter().filter(|((n, _), _)| in_ns(n)) {
                let st = &d.status;
                let ready = st.ready_replicas.unwrap_or(0);
                let updated = st.updated_replicas.unwrap_or(0);
                let available = st.available_replicas.unwrap_or(0);
                let want = d.spec.replicas.unwrap_or(1);
                let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
                v["status"] = deployment_status_json(d);
                let (names, images) = containers(&d.spec.template);
                out.push(item(
                    n,
                    &d.metadata,
                    vec![
                        name.clone(),
                        format!("{ready}/{want}"),
                        updated.to_string(),
                        available.to_string(),
                        age(now, d.metadata.created_ms),
                    ],
                    vec![names, images, d.spec.selector.format()],
                    sorted(v),
                ));
            }
        }
        Resource::ReplicaSets => {
            for ((n, name), rs) in c.replicasets.iter().filter(|((n, _), _)| in_ns(n)) {
                let (names, images) = containers(&rs.spec.template);
                out.push(item(
                    n,
                    &rs.metadata,
                    vec![
                        name.clone(),
                        rs.replicas().to_string(),
                        rs.status.replicas.to_string(),
                        rs.status.ready_replicas.unwrap_or(0).to_string(),
                        age(now, rs.metadata.created_ms),
                    ],
                    vec![names, images, rs.spec.selector.format()],
                    to_json(rs),
                ));
            }
        }
        Resource::StatefulSets => {
            for ((n, name), sts) in c.statefulsets.iter().filter(|((n, _), _)| in_ns(n)) {
                let (names, images) = containers(&sts.spec.template);
                out.push(item(
                    n,
                    &sts.metadata,
                    vec![
                        name.clone(),
                        format!(
                            "{}/{}",
                            sts.status.ready_replicas.unwrap_or(0),
                            sts.replicas()
                        ),
                        age(now, sts.metadata.created_ms),
                    ],
                    vec![names, images],
                    to_json(sts),
                ));
            }
        }
        Resource::DaemonSets => {
            for ((n, name), ds) in c.daemonsets.iter().filter(|((n, _), _)| in_ns(n)) {
                let (names, images) = containers(&ds.spec.template);
                let st = &ds.status;
                let node_selector = ds
                    .spec
                    .template
                    .spec
                    .node_selector
                    .as_ref()
                    .and_then(|v| serde_json::from_value::<Labels>(v.clone()).ok())
                    .map(|l| format_labels(&l))
                    .unwrap_or_else(|| "<none>".into());
                out.push(item(
                    n,
                    &ds.metadata,
                    vec![
                        name.clone(),
                        st.desired_number_scheduled.to_string(),
                        st.current_number_scheduled.to_string(),
                        st.number_ready.to_string(),
                        st.updated_number_scheduled.unwrap_or(0).to_string(),
                        st.number_available.unwrap_or(0).to_string(),
                        node_selector,
                        age(now, ds.metadata.created_ms),
                    ],
                    vec![names, images, ds.spec.selector.format()],
                    to_json(ds),
                ));
            }
        }
        Resource::ConfigMaps => {
            for ((n, name), cm) in c.configmaps.iter().filter(|((n, _), _)| in_ns(n)) {
                out.push(item(
                    n,
                    &cm.metadata,
                    vec![
                        name.clone(),
                        (cm.data.len() + cm.binary_data.len()).to_string(),
                        age(now, cm.metadata.created_ms),
                    ],
                    vec![],
                    to_json(cm),
                ));
            }
        }
        Resource::Secrets => {
            for ((n, name), secret) in c.secrets.iter().filter(|((n, _), _)| in_ns(n)) {
                out.push(item(
                    n,
                    &secret.metadata,
                    vec![
                        name.clone(),
                        secret.type_.clone().unwrap_or_else(|| "Opaque".into()),
                        secret.data.len().to_string(),
                        age(now, secret.metadata.created_ms),
                    ],
                    vec![],
                    to_json(secret),
                ));
            }
        }
        Resource::NetworkPolicies => {
            for np in c.objects_of("NetworkPolicy", ns) {
                let selector = selector_at(np.spec(), &["podSelector"]);
                out.push(item(
                    np.namespace(),
                    &np.metadata,
                    vec![
                        np.metadata.name.clone(),
                        selector.format(),
                        age(now, np.metadata.created_ms),
                    ],
                    vec![],
                    to_json(np),
                ));
            }
        }
        Resource::Ingresses | Resource::IngressClasses => {
            let kind = r.kind();
            let cluster_scoped = r == Resource::IngressClasses;
            for o in c
                .objects_of(kind, None)
                .filter(|o| cluster_scoped || in_ns(o.namespace()))
            {
                let cells = if cluster_scoped {
                    vec![
                        str_at(o.spec(), &["controller"]).to_string(),
                        "<none>".into(),
                    ]
                } else {
                    ingress_cells(o)
                };
                let cells = [
                    vec![o.metadata.name.clone()],
                    cells,
                    vec![age(now, o.metadata.created_ms)],
                ]
                .concat();
                let mut it = item(o.namespace(), &o.metadata, cells, vec![], to_json(o));
                if cluster_scoped {
                    it.namespace = None;
                }
                out.push(it);
            }
        }
        Resource::GatewayClasses
        | Resource::Gateways
        | Resource::HttpRoutes
        | Resource::ReferenceGrants => {
            let kind = r.kind();
            for o in c
                .objects_of(kind, None)
                .filter(|o| r == Resource::GatewayClasses || in_ns(o.namespace()))
            {
                let (cells, wide) = gateway_api_cells(o);
                let mut cells = [vec![o.metadata.name.clone()], cells].concat();
                cells.push(age(now, o.metadata.created_ms));
                let mut it = item(o.namespace(), &o.metadata, cells, wide, to_json(o));
                if r == Resource::GatewayClasses {
                    it.namespace = None;
                }
                out.push(it);
            }
        }
        Resource::Nodes => {
            for (i, node) in c.nodes.iter().enumerate() {
                let role = if i == 0 { "control-plane" } else { "<none>" };
                let labels = crate::cluster::node_labels(i, &node.name);
                out.push(Item {
                    namespace: None,
                    name: node.name.clone(),
                    labels: labels.clone(),
                    cells: vec![node.name.clone(), "Ready".into(), role.into(), age(now, node.created_ms), super::CLIENT_VERSION.into()],
                    wide: vec![
                        node.ip.to_string(),
                        "<none>".into(),
                        "Ubuntu 24.04.1 LTS".into(),
                        "6.8.0-49-generic".into(),
                        "containerd://1.7.22".into(),
                    ],
                    json: json!({"apiVersion": "v1", "kind": "Node", "metadata": {"labels": labels, "name": node.name}, "spec": {"podCIDR": node.pod_cidr.to_string(), "podCIDRs": [node.pod_cidr.to_string()]}, "status": {"addresses": [{"address": node.ip.to_string(), "type": "InternalIP"}, {"address": node.name, "type": "Hostname"}]}}),
                });
            }
        }
        Resource::Events => {
            for e in c.events_at(ns, now) {
                let last = age(now, e.last_ms);
                let first = age(now, e.first_ms);
                let source = match &e.host {
                    Some(h) => format!("{}, {h}", e.source),
                    None => e.source.to_string(),
                };
                let mut json = json!({
                    "apiVersion": "v1",
                    "count": e.count,
                    "eventTime": null,
                    "firstTimestamp": crate::cluster::rfc3339(e.first_ms),
                    "involvedObject": {
                        "apiVersion": match e.involved.kind.as_str() {
                            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => "apps/v1",
                            _ => "v1",
                        },
                        "kind": e.involved.kind,
                        "name": e.involved.name,
                        "namespace": e.involved.namespace,
                        "uid": e.involved.uid,
                    },
                    "kind": "Event",
                    "lastTimestamp": crate::cluster::rfc3339(e.last_ms),
                    "message": e.message,
                    "metadata": {
                        "creationTimestamp": crate::cluster::rfc3339(e.first_ms),
                        "name": e.name,
                        "namespace": e.involved.namespace,
                    },
                    "reason": e.reason,
                    "reportingComponent": e.source,
                    "reportingInstance": e.host.clone().unwrap_or_default(),
                    "source": match &e.host {
                        Some(h) => json!({"component": e.source, "host": h}),
                        None => json!({"component": e.source}),
                    },
                    "type": e.type_,
                });
                if !e.involved.field_path.is_empty() {
                    json["involvedObject"]["fieldPath"] = json!(e.involved.field_path);
                }
                out.push(Item {
                    namespace: Some(e.involved.namespace.clone()),
                    name: e.name.clone(),
                    labels: Labels::new(),
                    cells: vec![
                        last.clone(),
                        e.type_.to_string(),
                        e.reason.clone(),
                        e.object(),
                        e.message.clone(),
                    ],
                    wide: vec![
                        last,
                        e.type_.to_string(),
                        e.reason.clone(),
                        e.object(),
                        e.involved.field_path.clone(),
                        source,
                        e.message.clone(),
                        first,
                        e.count.to_string(),
                        e.name.clone(),
                    ],
                    json: sorted(json),
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
                    json: to_json(n),
                });
            }
        }
        Resource::All => {}
    }
    out
}
