//! `kubectl describe`, as kubectl 1.31 prints it (`pkg/describe`): Services
//! (with their EndpointSlices), Pods, the workload kinds, Endpoints,
//! EndpointSlices, ConfigMaps, Secrets and Nodes. Every describer writes
//! through one tab writer, so label/value columns align per block.

use super::columns::format_endpoint_slices;
use super::{resource_and_names, Args, Resource};
use crate::cluster::apiserver::LAST_APPLIED;
use crate::cluster::objects::*;
use crate::cluster::Cluster;
use crate::map::Map;
use crate::shell::ctx::Ctx;
use crate::shell::tabwriter::DESCRIBE;
use crate::shell::Execution;
use crate::time::Millis;
use serde_json::Value;

/// `printLabelsMultiline`: `Labels:\tk=v` then `\tk2=v2`, or `<none>`.
fn multiline(label: &str, map: &Map<String, String>, out: &mut String) {
    if map.is_empty() {
        out.push_str(&format!("{label}:\t<none>\n"));
        return;
    }
    for (i, (k, v)) in map.iter().enumerate() {
        let head = if i == 0 {
            format!("{label}:")
        } else {
            String::new()
        };
        out.push_str(&format!("{head}\t{k}={v}\n"));
    }
}

/// `printAnnotationsMultiline`: `key: value`, the last-applied
/// configuration hidden, long or multi-line values on lines of their own.
fn annotations(label: &str, map: &Map<String, String>, out: &mut String) {
    let keys: Vec<&String> = map.keys().filter(|k| k.as_str() != LAST_APPLIED).collect();
    if keys.is_empty() {
        out.push_str(&format!("{label}:\t<none>\n"));
        return;
    }
    for (i, k) in keys.iter().enumerate() {
        let head = if i == 0 {
            format!("{label}:")
        } else {
            String::new()
        };
        let value = map[*k].trim_end_matches('\n');
        if value.len() + k.len() + 2 > 140 || value.contains('\n') {
            out.push_str(&format!("{head}\t{k}:\n"));
            for line in value.split('\n') {
                let short = if line.len() > 138 {
                    format!("{}...", &line[..138])
                } else {
                    line.to_string()
                };
                out.push_str(&format!("\t  {short}\n"));
            }
        } else {
            out.push_str(&format!("{head}\t{k}: {value}\n"));
        }
    }
}

/// `Port:\t80/TCP`, `Ports:\t80/TCP, 443/TCP`, or `Port:\t<none>`.
/// The head kubectl's describers share: Name, Namespace, Labels and
/// Annotations.
fn name_and_labels(meta: &ObjectMeta, o: &mut String) {
    o.push_str(&format!(
        "Name:\t{}\nNamespace:\t{}\n",
        meta.name,
        meta.namespace.as_deref().unwrap_or("default")
    ));
    multiline("Labels", &meta.labels, o);
    annotations("Annotations", &meta.annotations, o);
}

fn ports_line(ct: &Container) -> String {
    let list: Vec<String> = ct
        .ports
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.container_port,
                p.protocol.as_deref().unwrap_or("TCP")
            )
        })
        .collect();
    match list.len() {
        0 => "Port:\t<none>".into(),
        1 => format!("Port:\t{}", list[0]),
        _ => format!("Ports:\t{}", list.join(", ")),
    }
}

/// `describeContainerHostPorts`: each port's host port (0 when unset).
fn host_ports(ct: &Container) -> String {
    if ct.ports.is_empty() {
        return "<none>".into();
    }
    ct.ports
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.host_port.unwrap_or(0),
                p.protocol.as_deref().unwrap_or("TCP")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `Liveness:` and `Readiness:` lines (`DescribeProbe`).
fn probes(ct: &Container, o: &mut String) {
    use crate::cluster::probe::{ProbeKind, ProbeSpec};
    if let Some(p) = ProbeSpec::of(ct, ProbeKind::Liveness) {
        o.push_str(&format!("    Liveness:\t{}\n", p.describe()));
    }
    if let Some(p) = ProbeSpec::of(ct, ProbeKind::Readiness) {
        o.push_str(&format!("    Readiness:\t{}\n", p.describe()));
    }
}

/// `describeContainerEnvVars`: each variable, a `fieldRef` as
/// `(v1:spec.nodeName)` after its value in `pod` (none in a template).
fn env(ct: &Container, pod: Option<&Pod>, o: &mut String) {
    let vars: Vec<&Value> = ct
        .env
        .as_ref()
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if vars.is_empty() {
        o.push_str("    Environment:\t<none>\n");
        return;
    }
    o.push_str("    Environment:\n");
    for var in vars {
        let name = var.get("name").and_then(Value::as_str).unwrap_or("");
        let field = var.get("valueFrom").and_then(|v| v.get("fieldRef"));
        match field {
            Some(f) => {
                let path = f.get("fieldPath").and_then(Value::as_str).unwrap_or("");
                let version = f.get("apiVersion").and_then(Value::as_str).unwrap_or("v1");
                let value = pod.map_or(String::new(), |p| match path {
                    "metadata.name" => p.metadata.name.clone(),
                    "metadata.namespace" => p.metadata.namespace.clone().unwrap_or_default(),
                    "spec.nodeName" => p.spec.node_name.clone().unwrap_or_default(),
                    "spec.serviceAccountName" => p.spec.service_account(),
                    "status.podIP" => p.status.pod_ip.clone().unwrap_or_default(),
                    "status.hostIP" => p.status.host_ip.clone().unwrap_or_default(),
                    _ => String::new(),
                });
                o.push_str(&format!("      {name}:\t{value} ({version}:{path})\n"));
            }
            None => {
                let value = var.get("value").and_then(Value::as_str).unwrap_or("");
                for (i, line) in value.split('\n').enumerate() {
                    if i == 0 {
                        o.push_str(&format!("      {name}:\t{line}\n"));
                    } else {
                        o.push_str(&format!("      \t{line}\n"));
                    }
                }
            }
        }
    }
}

/// `describeContainerVolumes`: `PATH from VOLUME (ro|rw)`.
fn mounts(ct: &Container, o: &mut String) {
    let list: Vec<&Value> = ct
        .volume_mounts
        .as_ref()
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if list.is_empty() {
        o.push_str("    Mounts:\t<none>\n");
        return;
    }
    o.push_str("    Mounts:\n");
    for m in list {
        let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("");
        let ro = m.get("readOnly").and_then(Value::as_bool) == Some(true);
        let mut flags = if ro { "ro" } else { "rw" }.to_string();
        if !text("subPath").is_empty() {
            flags.push_str(&format!(",path={:?}", text("subPath")));
        }
        o.push_str(&format!(
            "      {} from {} ({flags})\n",
            text("mountPath"),
            text("name")
        ));
    }
}

/// `printPodTolerationsMultiline`, sorted by key as kubectl sorts them.
fn tolerations(label: &str, list: &[Toleration], o: &mut String) {
    if list.is_empty() {
        o.push_str(&format!("{label}:\t<none>\n"));
        return;
    }
    let mut list = list.to_vec();
    crate::sort::sort_by(&mut list, |a, b| a.key.cmp(&b.key));
    for (i, t) in list.iter().enumerate() {
        let head = if i == 0 {
            format!("{label}:")
        } else {
            String::new()
        };
        o.push_str(&format!("{head}\t{}\n", t.describe()));
    }
}

/// `describeVolumes` for the sources the cluster's own pods use: hostPath
/// and configMap; `indent` is the template's two spaces, or none.
fn volumes(spec: &PodSpec, indent: &str, o: &mut String) {
    let list: Vec<&Value> = spec
        .volumes
        .as_ref()
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if list.is_empty() {
        o.push_str(&format!("{indent}Volumes:\t<none>\n"));
        return;
    }
    o.push_str(&format!("{indent}Volumes:\n"));
    let name_indent = if indent.is_empty() { "" } else { " " };
    for v in list {
        let name = v.get("name").and_then(Value::as_str).unwrap_or("");
        o.push_str(&format!("  {name_indent}{name}:\n"));
        if let Some(h) = v.get("hostPath") {
            o.push_str(&format!(
                "    Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                h.get("path").and_then(Value::as_str).unwrap_or(""),
                h.get("type").and_then(Value::as_str).unwrap_or("")
            ));
        } else if let Some(c) = v.get("configMap") {
            o.push_str(&format!(
                "    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                c.get("name").and_then(Value::as_str).unwrap_or(""),
                c.get("optional").and_then(Value::as_bool).unwrap_or(false)
            ));
        } else {
            o.push_str("    <unknown>\n");
        }
    }
}

/// The containers of a template, under `title` (`Containers`, `Init Containers`).
fn template_containers(title: &str, list: &[Container], o: &mut String) {
    if list.is_empty() {
        o.push_str(&format!("  {title}: <none>\n"));
    } else {
        o.push_str(&format!("  {title}:\n"));
    }
    for ct in list {
        o.push_str(&format!("   {}:\n", ct.name));
        o.push_str(&format!("    Image:\t{}\n", ct.image));
        o.push_str(&format!("    {}\n", ports_line(ct)));
        o.push_str(&format!("    Host Port:\t{}\n", host_ports(ct)));
        if !ct.command.is_empty() {
            o.push_str("    Command:\n");
            for c in &ct.command {
                o.push_str(&format!("      {c}\n"));
            }
        }
        if !ct.args.is_empty() {
            o.push_str("    Args:\n");
            for a in &ct.args {
                o.push_str(&format!("      {a}\n"));
            }
        }
        probes(ct, o);
        env(ct, None, o);
        mounts(ct, o);
    }
}

/// `DescribePodTemplate`.
pub(super) fn pod_template(t: &PodTemplate, o: &mut String) {
    o.push_str("Pod Template:\n");
    multiline("  Labels", &t.metadata.labels, o);
    if !t.metadata.annotations.is_empty() {
        annotations("  Annotations", &t.metadata.annotations, o);
    }
    if t.spec.service_account_name.is_some() {
        o.push_str(&format!(
            "  Service Account:\t{}\n",
            t.spec.service_account()
        ));
    }
    let init: Vec<Container> = t
        .spec
        .init_containers
        .clone()
        .and_then(|v| crate::cluster::objects::wire::decode_object(v, "PodSpec").ok())
        .unwrap_or_default();
    if !init.is_empty() {
        template_containers("Init Containers", &init, o);
    }
    template_containers("Containers", &t.spec.containers, o);
    volumes(&t.spec, "  ", o);
    if let Some(class) = t.spec.priority_class_name.as_ref().and_then(Value::as_str) {
        o.push_str(&format!("  Priority Class Name:\t{class}\n"));
    }
    let selector = Pod {
        spec: t.spec.clone(),
        ..Default::default()
    }
    .node_selector();
    multiline("  Node-Selectors", &selector, o);
    tolerations("  Tolerations", &t.spec.tolerations(), o);
}

/// `N Running / N Waiting / N Succeeded / N Failed` of the pods `owner` controls.
fn pods_status(c: &Cluster, ns: &str, kind: &str, owner: &str) -> String {
    let pods: Vec<&Pod> = c
        .pods
        .iter()
        .filter(|(k, p)| {
            k.0 == ns
                && p.metadata
                    .owner_references
                    .iter()
                    .any(|o| o.kind == kind && o.name == owner)
        })
        .map(|(_, p)| p)
        .collect();
    let running = pods
        .iter()
        .filter(|p| p.status.phase.as_deref() == Some("Running"))
        .count();
    let waiting = pods.len() - running;
    format!("{running} Running / {waiting} Waiting / 0 Succeeded / 0 Failed")
}

/// RFC 1123 with a numeric zone, as Go's `time.RFC1123Z` prints it.
fn rfc1123z(ms: Millis) -> String {
    crate::time::DateTime::at(ms)
        .http()
        .replace(" GMT", " +0000")
}

/// `DescribeEvents`: the object's events, oldest last-seen first, with an
/// age, `(xN over AGE)` for repeated ones, and the reporting component.
fn events(c: &Cluster, kind: &str, ns: &str, meta: &ObjectMeta, now: i64, o: &mut String) {
    let list = c.events_of(kind, ns, &meta.name, meta.uid.as_deref(), now);
    if list.is_empty() {
        o.push_str("Events:\t<none>\n");
        return;
    }
    o.push_str(
        "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n",
    );
    let age = |t: Millis| crate::cluster::human_duration(now - t);
    for e in list {
        let interval = if e.count > 1 {
            format!("{} (x{} over {})", age(e.last_ms), e.count, age(e.first_ms))
        } else {
            age(e.first_ms)
        };
        o.push_str(&format!(
            "  {}\t{}\t{interval}\t{}\t{}\n",
            e.type_,
            e.reason,
            e.source,
            e.message.trim()
        ));
    }
}

pub(crate) fn describe_service(c: &Cluster, svc: &Service, now: Millis) -> String {
    let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
    let mut o = String::new();
    o.push_str(&format!("Name:\t{}\n", svc.metadata.name));
    o.push_str(&format!("Namespace:\t{ns}\n"));
    multiline("Labels", &svc.metadata.labels, &mut o);
    annotations("Annotations", &svc.metadata.annotations, &mut o);
    o.push_str(&format!(
        "Selector:\t{}\n",
        svc.spec
            .selector
            .as_ref()
            .map(format_labels)
            .unwrap_or_else(|| "<none>".into())
    ));
    let ty = svc.type_name();
    o.push_str(&format!("Type:\t{ty}\n"));
    if let Some(p) = &svc.spec.ip_family_policy {
        o.push_str(&format!("IP Family Policy:\t{p}\n"));
    }
    if svc.spec.ip_families.is_empty() {
        o.push_str("IP Families:\t<none>\n");
    } else {
        o.push_str(&format!(
            "IP Families:\t{}\n",
            svc.spec.ip_families.join(",")
        ));
    }
    o.push_str(&format!(
        "IP:\t{}\n",
        svc.spec.cluster_ip.clone().unwrap_or_default()
    ));
    if svc.spec.cluster_ips.is_empty() {
        o.push_str("IPs:\t<none>\n");
    } else {
        o.push_str(&format!("IPs:\t{}\n", svc.spec.cluster_ips.join(",")));
    }
    if !svc.spec.external_ips.is_empty() {
        o.push_str(&format!(
            "External IPs:\t{}\n",
            svc.spec.external_ips.join(",")
        ));
    }
    if let Some(ip) = svc
        .spec
        .load_balancer_ip
        .as_deref()
        .filter(|i| !i.is_empty())
    {
        o.push_str(&format!("Desired LoadBalancer IP:\t{ip}\n"));
    }
    if let Some(n) = svc.spec.external_name.as_deref().filter(|n| !n.is_empty()) {
        o.push_str(&format!("External Name:\t{n}\n"));
    }
    if !svc.status.load_balancer.ingress.is_empty() {
        let list: Vec<String> = svc
            .status
            .load_balancer
            .ingress
            .iter()
            .filter_map(|i| {
                let a = i.ip.clone().or_else(|| i.hostname.clone())?;
                Some(match &i.ip_mode {
                    Some(m) if i.ip.is_some() => format!("{a} ({m})"),
                    _ => a,
                })
            })
            .collect();
        o.push_str(&format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    let slices = c.slices_of(ns, &svc.metadata.name);
    for p in &svc.spec.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            p.name.as_str()
        };
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        o.push_str(&format!("Port:\t{name}\t{}/{proto}\n", p.port));
        let tp = match &p.target_port {
            Some(IntOrString::Str(s)) => s.clone(),
            Some(IntOrString::Int(n)) => n.to_string(),
            None => p.port.to_string(),
        };
        o.push_str(&format!("TargetPort:\t{tp}/{proto}\n"));
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            o.push_str(&format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        o.push_str(&format!(
            "Endpoints:\t{}\n",
            format_endpoint_slices(&slices, Some(&p.name))
        ));
    }
    o.push_str(&format!(
        "Session Affinity:\t{}\n",
        svc.spec.session_affinity.as_deref().unwrap_or("None")
    ));
    if let Some(e) = &svc.spec.external_traffic_policy {
        o.push_str(&format!("External Traffic Policy:\t{e}\n"));
    }
    if let Some(i) = &svc.spec.internal_traffic_policy {
        o.push_str(&format!("Internal Traffic Policy:\t{i}\n"));
    }
    if let Some(h) = svc.spec.health_check_node_port.filter(|h| *h != 0) {
        o.push_str(&format!("HealthCheck NodePort:\t{h}\n"));
    }
    if !svc.spec.load_balancer_source_ranges.is_empty() {
        o.push_str(&format!(
            "LoadBalancer Source Ranges:\t{}\n",
            svc.spec.load_balancer_source_ranges.join(",")
        ));
    }
    events(c, "Service", ns, &svc.metadata, now, &mut o);
    DESCRIBE.format(&o)
}

fn describe_endpoints(ep: &Endpoints) -> String {
    let mut o = String::new();
    name_and_labels(&ep.metadata, &mut o);
    o.push_str("Subsets:\n");
    for ss in &ep.subsets {
        let list = |a: &[EndpointAddress]| {
            let ips: Vec<&str> = a.iter().map(|a| a.ip.as_str()).collect();
            if ips.is_empty() {
                "<none>".to_string()
            } else {
                ips.join(",")
            }
        };
        o.push_str(&format!("  Addresses:\t{}\n", list(&ss.addresses)));
        o.push_str(&format!(
            "  NotReadyAddresses:\t{}\n",
            list(&ss.not_ready_addresses)
        ));
        if !ss.ports.is_empty() {
            o.push_str("  Ports:\n    Name\tPort\tProtocol\n    ----\t----\t--------\n");
            for p in &ss.ports {
                let name = if p.name.is_empty() {
                    "<unset>"
                } else {
                    &p.name
                };
                o.push_str(&format!(
                    "    {name}\t{}\t{}\n",
                    p.port,
                    p.protocol.as_deref().unwrap_or("TCP")
                ));
            }
        }
        o.push('\n');
    }
    o.push_str("Events:\t<none>\n");
    DESCRIBE.format(&o)
}

fn describe_endpoint_slice(slice: &EndpointSlice) -> String {
    let mut o = String::new();
    name_and_labels(&slice.metadata, &mut o);
    o.push_str(&format!("AddressType:\t{}\n", slice.address_type));
    if slice.ports().is_empty() {
        o.push_str("Ports: <unset>\n");
    } else {
        o.push_str("Ports:\n  Name\tPort\tProtocol\n  ----\t----\t--------\n");
        for p in slice.ports() {
            let name = p
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let port = p
                .port
                .map(|n| n.to_string())
                .unwrap_or_else(|| "<unset>".into());
            o.push_str(&format!(
                "  {name}\t{port}\t{}\n",
                p.protocol.as_deref().unwrap_or("TCP")
            ));
        }
    }
    if slice.endpoints().is_empty() {
        o.push_str("Endpoints: <none>\n");
    } else {
        o.push_str("Endpoints:\n");
        for e in slice.endpoints() {
            let addrs = if e.addresses.is_empty() {
                "<none>".to_string()
            } else {
                e.addresses.join(", ")
            };
            o.push_str(&format!("  - Addresses:\t{addrs}\n"));
            o.push_str("    Conditions:\n");
            let ready = e
                .conditions
                .ready
                .map(|r| r.to_string())
                .unwrap_or_else(|| "<unset>".into());
            o.push_str(&format!("      Ready:\t{ready}\n"));
            o.push_str(&format!(
                "    Hostname:\t{}\n",
                e.hostname.as_deref().unwrap_or("<unset>")
            ));
            if let Some(r) = &e.target_ref {
                o.push_str(&format!(
                    "    TargetRef:\t{}/{}\n",
                    r.kind.as_deref().unwrap_or(""),
                    r.name.as_deref().unwrap_or("")
                ));
            }
            o.push_str(&format!(
                "    NodeName:\t{}\n",
                e.node_name.as_deref().unwrap_or("<unset>")
            ));
            o.push_str(&format!(
                "    Zone:\t{}\n",
                e.zone.as_deref().unwrap_or("<unset>")
            ));
        }
    }
    o.push_str("Events:\t<none>\n");
    DESCRIBE.format(&o)
}

fn describe_statefulset(c: &Cluster, ns: &str, sts: &StatefulSet, now: Millis) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "Name:\t{}\nNamespace:\t{ns}\nCreationTimestamp:\t{}\nSelector:\t{}\n",
        sts.metadata.name,
        rfc1123z(sts.metadata.created_ms),
        sts.spec.selector.format()
    ));
    multiline("Labels", &sts.metadata.labels, &mut o);
    annotations("Annotations", &sts.metadata.annotations, &mut o);
    o.push_str(&format!(
        "Replicas:\t{} desired | {} total\n",
        sts.replicas(),
        sts.status.replicas
    ));
    o.push_str("Update Strategy:\tRollingUpdate\n  Partition:\t0\n");
    o.push_str(&format!(
        "Pods Status:\t{}\n",
        pods_status(c, ns, "StatefulSet", &sts.metadata.name)
    ));
    pod_template(&sts.spec.template, &mut o);
    o.push_str("Volume Claims:\t<none>\n");
    events(c, "StatefulSet", ns, &sts.metadata, now, &mut o);
    DESCRIBE.format(&o)
}

fn describe_daemonset(c: &Cluster, ns: &str, ds: &DaemonSet, now: Millis) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "Name:\t{}\nSelector:\t{}\nNode-Selector:\t{}\n",
        ds.metadata.name,
        ds.spec.selector.format(),
        format_labels(
            &Pod {
                spec: ds.spec.template.spec.clone(),
                ..Default::default()
            }
            .node_selector()
        )
    ));
    multiline("Labels", &ds.metadata.labels, &mut o);
    annotations("Annotations", &ds.metadata.annotations, &mut o);
    let st = &ds.status;
    o.push_str(&format!(
        "Desired Number of Nodes Scheduled: {}\nCurrent Number of Nodes Scheduled: {}\nNumber of Nodes Scheduled with Up-to-date Pods: {}\nNumber of Nodes Scheduled with Available Pods: {}\nNumber of Nodes Misscheduled: {}\n",
        st.desired_number_scheduled,
        st.current_number_scheduled,
        st.updated_number_scheduled.unwrap_or(0),
        st.number_available.unwrap_or(0),
        st.number_misscheduled
    ));
    o.push_str(&format!(
        "Pods Status:\t{}\n",
        pods_status(c, ns, "DaemonSet", &ds.metadata.name)
    ));
    pod_template(&ds.spec.template, &mut o);
    events(c, "DaemonSet", ns, &ds.metadata, now, &mut o);
    DESCRIBE.format(&o)
}

fn describe_replicaset(c: &Cluster, ns: &str, rs: &ReplicaSet, now: Millis) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "Name:\t{}\nNamespace:\t{ns}\nSelector:\t{}\n",
        rs.metadata.name,
        rs.spec.selector.format()
    ));
    multiline("Labels", &rs.metadata.labels, &mut o);
    annotations("Annotations", &rs.metadata.annotations, &mut o);
    if let Some(owner) = rs
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))
    {
        o.push_str(&format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    o.push_str(&format!(
        "Replicas:\t{} current / {} desired\n",
        rs.status.replicas,
        rs.replicas()
    ));
    o.push_str(&format!(
        "Pods Status:\t{}\n",
        pods_status(c, ns, "ReplicaSet", &rs.metadata.name)
    ));
    pod_template(&rs.spec.template, &mut o);
    events(c, "ReplicaSet", ns, &rs.metadata, now, &mut o);
    DESCRIBE.format(&o)
}

fn describe_config_map(cm: &ConfigMap) -> String {
    let mut o = String::new();
    name_and_labels(&cm.metadata, &mut o);
    o.push_str("\nData\n====\n");
    for (k, v) in &cm.data {
        o.push_str(&format!("{k}:\n----\n{v}\n\n"));
    }
    o.push_str("\nBinaryData\n====\n");
    for (k, v) in &cm.binary_data {
        let n = crate::encoding::base64_decode(v.as_bytes())
            .map(|b| b.len())
            .unwrap_or(0);
        o.push_str(&format!("{k}: {n} bytes\n"));
    }
    o.push_str("\nEvents:\t<none>\n");
    DESCRIBE.format(&o)
}

/// `describeNetworkPolicy`: the spec in words, rule by rule.
fn describe_network_policy(np: &Unstructured) -> String {
    let mut o = String::new();
    let created = crate::cluster::rfc3339(np.metadata.created_ms)
        .replace('T', " ")
        .replace('Z', " +0000 UTC");
    o.push_str(&format!(
        "Name:\t{}\nNamespace:\t{}\nCreated on:\t{created}\n",
        np.metadata.name,
        np.namespace()
    ));
    multiline("Labels", &np.metadata.labels, &mut o);
    annotations("Annotations", &np.metadata.annotations, &mut o);
    let spec = np.spec();
    o.push_str("Spec:\n  PodSelector: ");
    let selector = selector_at(spec, &["podSelector"]);
    if selector.is_empty() {
        o.push_str("    <none> (Allowing the specific traffic to all pods in this namespace)\n");
    } else {
        o.push_str(&format!("    {}\n", selector.format()));
    }
    let types = list_at(spec, &["policyTypes"]);
    let has = |t: &str| types.iter().any(|v| v.as_str() == Some(t));
    for (dir, peers, word) in [("ingress", "from", "From"), ("egress", "to", "To")] {
        let title = if dir == "ingress" {
            "Ingress"
        } else {
            "Egress"
        };
        if has(title) {
            o.push_str(&format!("  Allowing {dir} traffic:\n"));
            policy_rules(list_at(spec, &[dir]), dir, peers, word, &mut o);
        } else {
            o.push_str(&format!("  Not affecting {dir} traffic\n"));
        }
    }
    let names: Vec<&str> = types.iter().filter_map(|t| t.as_str()).collect();
    let names = if names.is_empty() {
        "<none>".to_string()
    } else {
        names.join(", ")
    };
    o.push_str(&format!("  Policy Types: {names}\n"));
    DESCRIBE.format(&o)
}

/// kubectl's generic describer for a custom resource: name, namespace,
/// labels and annotations, then every other field in key order
/// (`printUnstructuredContent`), each name as `smartLabelFor` spells it.
fn describe_custom_resource(o: &Unstructured) -> String {
    let mut out = format!(
        "Name:\t{}\nNamespace:\t{}\n",
        o.metadata.name,
        o.namespace()
    );
    multiline("Labels", &o.metadata.labels, &mut out);
    annotations("Annotations", &o.metadata.annotations, &mut out);
    let Value::Object(mut all) =
        crate::cluster::apiserver::sorted(serde_json::to_value(o).unwrap_or(Value::Null))
    else {
        return DESCRIBE.format(&out);
    };
    if let Some(Value::Object(meta)) = all.get_mut("metadata") {
        for k in [
            "name",
            "namespace",
            "labels",
            "annotations",
            "managedFields",
        ] {
            meta.remove(k);
        }
    }
    unstructured_content(&all, 0, &mut out);
    out.push_str("Events:\t<none>\n");
    DESCRIBE.format(&out)
}

fn unstructured_content(m: &serde_json::Map<String, Value>, level: usize, out: &mut String) {
    let pad = "  ".repeat(level);
    let mut keys: Vec<&String> = m.keys().collect();
    crate::sort::sort(&mut keys);
    for k in keys {
        let label = smart_label(k);
        match &m[k] {
            Value::Object(child) => {
                out.push_str(&format!("{pad}{label}:\n"));
                unstructured_content(child, level + 1, out);
            }
            Value::Array(items) => {
                out.push_str(&format!("{pad}{label}:\n"));
                for item in items {
                    match item {
                        Value::Object(child) => unstructured_content(child, level + 1, out),
                        other => out.push_str(&format!("{pad}  {}\n", go_value(other))),
                    }
                }
            }
            other => out.push_str(&format!("{pad}{label}:\t{}\n", go_value(other))),
        }
    }
}

/// A JSON scalar as Go's `%v` prints it.
fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// `smartLabelFor`: `gatewayClassName` → `Gateway Class Name`, `apiVersion`
/// → `API Version`; a name with other characters than letters and `-`
/// stays as it is.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let mut parts: Vec<String> = vec![];
    for c in field.chars() {
        let new_word = match parts.last() {
            None => true,
            Some(w) => {
                let last = w.chars().last().unwrap_or(' ');
                c.is_uppercase() && !last.is_uppercase()
            }
        };
        if new_word {
            parts.push(c.to_string());
        } else if let Some(w) = parts.last_mut() {
            w.push(c);
        }
    }
    parts
        .into_iter()
        .map(|p| {
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&p.to_uppercase().as_str()) {
                p.to_uppercase()
            } else {
                let mut cs = p.chars();
                match cs.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `describeIngressV1`: the class, the default backend, each rule's host
/// and paths with each backend's endpoints (`describeBackendV1`).
fn describe_ingress(c: &Cluster, ing: &Unstructured) -> String {
    let ns = ing.namespace();
    let backend = |b: &Value| -> String {
        let svc = at(b, &["service"]);
        let name = str_at(svc, &["name"]);
        if !c
            .endpoints
            .contains_key(&(ns.to_string(), name.to_string()))
        {
            return format!("<error: endpoints {name:?} not found>");
        }
        let Some(service) = c.services.get(&(ns.to_string(), name.to_string())) else {
            return format!("<error: services {name:?} not found>");
        };
        let number = at(svc, &["port", "number"]).as_i64();
        let pname = str_at(svc, &["port", "name"]);
        let port_name = service
            .spec
            .ports
            .iter()
            .find(|p| number == Some(i64::from(p.port)) || (!pname.is_empty() && p.name == pname))
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let shown = match number {
            Some(n) => n.to_string(),
            None => pname.to_string(),
        };
        format!(
            "{name}:{shown} ({})",
            format_endpoint_slices(&c.slices_of(ns, name), Some(&port_name))
        )
    };
    let mut o = format!("Name:\t{}\n", ing.metadata.name);
    multiline("Labels", &ing.metadata.labels, &mut o);
    let address = super::columns::ingress_addresses(ing);
    o.push_str(&format!(
        "Namespace:\t{ns}\nAddress:\t{}\nIngress Class:\t{}\n",
        address.join(","),
        ing.spec()
            .get("ingressClassName")
            .and_then(Value::as_str)
            .unwrap_or("<none>")
    ));
    let default = match ing.spec().get("defaultBackend") {
        Some(d) => backend(d),
        None => "<default>".into(),
    };
    o.push_str(&format!("Default backend:\t{default}\n"));
    o.push_str("Rules:\n  Host\tPath\tBackends\n  ----\t----\t--------\n");
    let mut count = 0;
    for rule in list_at(ing.spec(), &["rules"]) {
        let Some(http) = rule.get("http") else {
            continue;
        };
        count += 1;
        let host = match str_at(rule, &["host"]) {
            "" => "*",
            h => h,
        };
        o.push_str(&format!("  {host}\t\n"));
        for p in list_at(http, &["paths"]) {
            o.push_str(&format!(
                "  \t{} \t{}\n",
                str_at(p, &["path"]),
                backend(at(p, &["backend"]))
            ));
        }
    }
    if count == 0 {
        o.push_str(&format!("  *\t*\t{default}\n"));
    }
    annotations("Annotations", &ing.metadata.annotations, &mut o);
    o.push_str("Events:\t<none>\n");
    DESCRIBE.format(&o)
}

/// `printNetworkPolicySpecIngressFrom` and `…EgressTo`.
fn policy_rules(rules: &[Value], dir: &str, peers: &str, word: &str, o: &mut String) {
    const I: &str = "    ";
    if rules.is_empty() {
        o.push_str(&format!(
            "{I}<none> (Selected pods are isolated for {dir} connectivity)\n"
        ));
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let ports = list_at(rule, &["ports"]);
        if ports.is_empty() {
            o.push_str(&format!(
                "{I}To Port: <any> (traffic allowed to all ports)\n"
            ));
        }
        for port in ports {
            let proto = match str_at(port, &["protocol"]) {
                "" => "TCP",
                p => p,
            };
            // A nil `*IntOrString` prints as Go's `<nil>`.
            let number = match at(port, &["port"]) {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => "<nil>".into(),
            };
            match at(port, &["endPort"]).as_i64() {
                Some(end) => o.push_str(&format!("{I}To Port Range: {number}-{end}/{proto}\n")),
                None => o.push_str(&format!("{I}To Port: {number}/{proto}\n")),
            }
        }
        let list = list_at(rule, &[peers]);
        if list.is_empty() {
            let what = if dir == "ingress" {
                "source"
            } else {
                "destination"
            };
            o.push_str(&format!(
                "{I}{word}: <any> (traffic not restricted by {what})\n"
            ));
        }
        for peer in list {
            o.push_str(&format!("{I}{word}:\n"));
            let pods = peer
                .get("podSelector")
                .map(|_| selector_at(peer, &["podSelector"]));
            let namespaces = peer
                .get("namespaceSelector")
                .map(|_| selector_at(peer, &["namespaceSelector"]));
            if let Some(ns) = &namespaces {
                o.push_str(&format!("  {I}NamespaceSelector: {}\n", ns.format()));
            }
            if let Some(pods) = &pods {
                o.push_str(&format!("  {I}PodSelector: {}\n", pods.format()));
            }
            if pods.is_none() && namespaces.is_none() {
                if let Some(block) = peer.get("ipBlock") {
                    let except: Vec<&str> = list_at(block, &["except"])
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    o.push_str(&format!(
                        "  {I}IPBlock:\n    {I}CIDR: {}\n    {I}Except: {}\n",
                        str_at(block, &["cidr"]),
                        except.join(", ")
                    ));
                }
            }
        }
        if i + 1 != rules.len() {
            o.push_str(&format!("{I}----------\n"));
        }
    }
}

fn describe_secret(secret: &Secret) -> String {
    let mut o = String::new();
    name_and_labels(&secret.metadata, &mut o);
    o.push_str(&format!(
        "\nType:\t{}\n\nData\n====\n",
        secret.type_.as_deref().unwrap_or("Opaque")
    ));
    for (k, n) in secret.data_sizes() {
        o.push_str(&format!("{k}:\t{n} bytes\n"));
    }
    DESCRIBE.format(&o)
}

fn describe_pod(c: &Cluster, ns: &str, name: &str, now: Millis) -> Option<String> {
    let pod = c.pods.get(&(ns.to_string(), name.to_string()))?;
    let node = pod.spec.node_name.clone();
    let node_ip = node
        .as_deref()
        .and_then(|n| c.node(n))
        .map(|n| n.ip.to_string())
        .unwrap_or_default();
    let rt = &pod.status.runtime;
    let ts = crate::cluster::rfc3339;
    let mut o = String::new();
    o.push_str(&format!(
        "Name:\t{name}\nNamespace:\t{ns}\nPriority:\t{}\n",
        pod.spec.priority.unwrap_or(0)
    ));
    if let Some(class) = pod
        .spec
        .priority_class_name
        .as_ref()
        .and_then(Value::as_str)
    {
        o.push_str(&format!("Priority Class Name:\t{class}\n"));
    }
    // The ServiceAccount admission plugin leaves mirror pods alone.
    if !pod
        .metadata
        .annotations
        .contains_key("kubernetes.io/config.mirror")
    {
        o.push_str(&format!(
            "Service Account:\t{}\n",
            pod.spec.service_account()
        ));
    }
    match &node {
        Some(n) => o.push_str(&format!("Node:\t{n}/{node_ip}\n")),
        None => o.push_str("Node:\t<none>\n"),
    }
    if let Some(at) = rt.scheduled_at {
        o.push_str(&format!("Start Time:\t{}\n", rfc1123z(at)));
    }
    multiline("Labels", &pod.metadata.labels, &mut o);
    annotations("Annotations", &pod.metadata.annotations, &mut o);
    o.push_str(&format!(
        "Status:\t{}\n",
        pod.status.phase.as_deref().unwrap_or("Pending")
    ));
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    if ip.is_empty() {
        o.push_str("IP:\t\nIPs:\t<none>\n");
    } else {
        o.push_str(&format!("IP:\t{ip}\nIPs:\n  IP:\t{ip}\n"));
    }
    if let Some(owner) = pod.metadata.owner_references.first() {
        o.push_str(&format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    o.push_str("Containers:\n");
    for (i, ct) in pod.spec.containers.iter().enumerate() {
        let run = rt.containers.get(i);
        o.push_str(&format!("  {}:\n", ct.name));
        if let Some(r) = run.filter(|r| !matches!(r.state, ContainerState::Waiting { .. })) {
            o.push_str(&format!(
                "    Container ID:\tcontainerd://{}\n",
                container_id(pod, &r.name, r.restarts)
            ));
        } else {
            o.push_str("    Container ID:\t\n");
        }
        o.push_str(&format!("    Image:\t{}\n", ct.image));
        let image_id = run
            .filter(|r| r.running() || r.restarts > 0)
            .map(|_| {
                let repo = crate::cluster::images::repository(&ct.image);
                let full = if repo.contains('/') {
                    format!("docker.io/{repo}")
                } else {
                    format!("docker.io/library/{repo}")
                };
                format!("{full}@sha256:{}", hex_digest(&ct.image))
            })
            .unwrap_or_default();
        o.push_str(&format!("    Image ID:\t{image_id}\n"));
        o.push_str(&format!("    {}\n", ports_line(ct)));
        o.push_str(&format!("    Host Port:\t{}\n", host_ports(ct)));
        if !ct.command.is_empty() {
            o.push_str("    Command:\n");
            for c in &ct.command {
                o.push_str(&format!("      {c}\n"));
            }
        }
        if !ct.args.is_empty() {
            o.push_str("    Args:\n");
            for a in &ct.args {
                o.push_str(&format!("      {a}\n"));
            }
        }
        let terminated = |label: &str, t: &Terminated, o: &mut String| {
            let message = if t.message.is_empty() {
                String::new()
            } else {
                format!("      Message:\t{}\n", t.message)
            };
            let started = if t.reason == "StartError" {
                "Thu, 01 Jan 1970 00:00:00 +0000".to_string()
            } else {
                rfc1123z(t.started)
            };
            o.push_str(&format!(
                "    {label}:\tTerminated\n      Reason:\t{}\n{message}      Exit Code:\t{}\n      Started:\t{started}\n      Finished:\t{}\n",
                t.reason,
                t.exit_code,
                rfc1123z(t.finished)
            ));
        };
        match run.map(|r| &r.state) {
            Some(ContainerState::Running { since }) => {
                o.push_str(&format!(
                    "    State:\tRunning\n      Started:\t{}\n",
                    rfc1123z(*since)
                ));
            }
            Some(ContainerState::Terminated(t)) => terminated("State", t, &mut o),
            Some(ContainerState::Waiting { reason }) => {
                o.push_str(&format!("    State:\tWaiting\n      Reason:\t{reason}\n"));
            }
            None => o.push_str("    State:\tWaiting\n      Reason:\tPending\n"),
        }
        if let Some(t) = run
            .filter(|r| r.restarts > 0)
            .and_then(|r| r.last_state.as_ref())
        {
            terminated("Last State", t, &mut o);
        }
        let ready = run.is_some_and(|r| r.running() && r.ready);
        o.push_str(&format!(
            "    Ready:\t{}\n    Restart Count:\t{}\n",
            if ready { "True" } else { "False" },
            run.map_or(0, |r| r.restarts)
        ));
        probes(ct, &mut o);
        env(ct, Some(pod), &mut o);
    }
    let t = |b: bool| if b { "True " } else { "False " };
    o.push_str("Conditions:\n  Type\tStatus\n");
    if rt.scheduled_at.is_some() {
        o.push_str(&format!(
            "  PodReadyToStartContainers \t{}\n",
            t(rt.sandbox_ready)
        ));
        o.push_str(&format!("  Initialized \t{}\n", t(true)));
        o.push_str(&format!("  Ready \t{}\n", t(pod.status.ready)));
        o.push_str(&format!("  ContainersReady \t{}\n", t(pod.status.ready)));
    }
    o.push_str(&format!(
        "  PodScheduled \t{}\n",
        t(rt.scheduled_at.is_some())
    ));
    let _ = ts;
    o.push_str(&format!("QoS Class:\t{}\n", pod.spec.qos_class()));
    multiline("Node-Selectors", &pod.node_selector(), &mut o);
    tolerations("Tolerations", &pod.spec.effective_tolerations(), &mut o);
    events(c, "Pod", ns, &pod.metadata, now, &mut o);
    Some(DESCRIBE.format(&o))
}

fn describe_deployment(c: &Cluster, ns: &str, name: &str, now: Millis) -> Option<String> {
    let d = c.deployments.get(&(ns.to_string(), name.to_string()))?;
    let want = d.spec.replicas.unwrap_or(1);
    let st = &d.status;
    let total = st.replicas.unwrap_or(0);
    let updated = st.updated_replicas.unwrap_or(0);
    let available = st.available_replicas.unwrap_or(0);
    let unavailable = (want.max(total) - available).max(0);
    let mut o = String::new();
    o.push_str(&format!(
        "Name:\t{name}\nNamespace:\t{ns}\nCreationTimestamp:\t{}\n",
        rfc1123z(d.metadata.created_ms)
    ));
    multiline("Labels", &d.metadata.labels, &mut o);
    annotations("Annotations", &d.metadata.annotations, &mut o);
    o.push_str(&format!("Selector:\t{}\n", d.spec.selector.format()));
    o.push_str(&format!(
        "Replicas:\t{want} desired | {updated} updated | {total} total | {available} available | {unavailable} unavailable\n"
    ));
    let strategy = d.spec.strategy.as_ref();
    let recreate = strategy
        .and_then(|s| s.get("type"))
        .and_then(|t| t.as_str())
        == Some("Recreate");
    if recreate {
        o.push_str("StrategyType:\tRecreate\nMinReadySeconds:\t0\n");
    } else {
        let rolling = strategy.and_then(|s| s.get("rollingUpdate"));
        let text = |key: &str| match rolling.and_then(|r| r.get(key)) {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => "25%".into(),
        };
        o.push_str(&format!(
            "StrategyType:\tRollingUpdate\nMinReadySeconds:\t0\nRollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
            text("maxUnavailable"),
            text("maxSurge")
        ));
    }
    pod_template(&d.spec.template, &mut o);
    // The conditions the Deployment controller keeps.
    let hash = crate::cluster::pod_template_hash(&d.spec.template);
    let new_name = format!("{name}-{hash}");
    let done = updated == want && total == want && available == want;
    let min_ok = available >= want - (want / 4);
    o.push_str("Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n");
    o.push_str(&format!(
        "  Available \t{}\t{}\n",
        if min_ok { "True" } else { "False" },
        if min_ok {
            "MinimumReplicasAvailable"
        } else {
            "MinimumReplicasUnavailable"
        }
    ));
    o.push_str(&format!(
        "  Progressing \tTrue\t{}\n",
        if done {
            "NewReplicaSetAvailable"
        } else {
            "ReplicaSetUpdated"
        }
    ));
    let by_labels = |list: Vec<(&String, &ReplicaSet)>| {
        if list.is_empty() {
            return "<none>".to_string();
        }
        list.iter()
            .map(|(n, r)| {
                format!(
                    "{n} ({}/{} replicas created)",
                    r.status.replicas,
                    r.replicas()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let owned: Vec<(&String, &ReplicaSet)> = c
        .replicasets
        .iter()
        .filter(|(k, r)| k.0 == ns && r.deployment() == Some(name))
        .map(|(k, r)| (&k.1, r))
        .collect();
    let old: Vec<(&String, &ReplicaSet)> = owned
        .iter()
        .filter(|(n, r)| **n != new_name && r.replicas() != 0)
        .copied()
        .collect();
    let new: Vec<(&String, &ReplicaSet)> = owned
        .iter()
        .filter(|(n, _)| **n == new_name)
        .copied()
        .collect();
    o.push_str(&format!(
        "OldReplicaSets:\t{}\nNewReplicaSet:\t{}\n",
        by_labels(old),
        by_labels(new)
    ));
    events(c, "Deployment", ns, &d.metadata, now, &mut o);
    Some(DESCRIBE.format(&o))
}

fn describe_node(c: &Cluster, name: &str, now: Millis) -> Option<String> {
    let (i, n) = c.nodes.iter().enumerate().find(|(_, n)| n.name == name)?;
    let mut o = String::new();
    let role = if i == 0 { "control-plane" } else { "<none>" };
    o.push_str(&format!("Name:\t{name}\nRoles:\t{role}\n"));
    o.push_str(&format!(
        "Labels:\tkubernetes.io/hostname={name}\n\tkubernetes.io/os=linux\n"
    ));
    o.push_str(&format!(
        "CreationTimestamp:\t{}\n",
        crate::cluster::rfc3339(n.created_ms)
    ));
    o.push_str("Taints:\t<none>\nUnschedulable:\tfalse\n");
    o.push_str(&format!(
        "Addresses:\n  InternalIP:\t{}\n  Hostname:\t{name}\n",
        n.ip
    ));
    o.push_str("System Info:\n  Kernel Version:\t6.8.0-49-generic\n  OS Image:\tUbuntu 24.04.1 LTS\n  Container Runtime Version:\tcontainerd://1.7.22\n  Kubelet Version:\tv1.31.4\n  Kube-Proxy Version:\tv1.31.4\n");
    o.push_str(&format!(
        "PodCIDR:\t{}\nPodCIDRs:\t{}\n",
        n.pod_cidr, n.pod_cidr
    ));
    let pods: Vec<_> = c
        .pods
        .iter()
        .filter(|(_, p)| p.spec.node_name.as_deref() == Some(name))
        .collect();
    o.push_str(&format!(
        "Non-terminated Pods:\t({} in total)\n",
        pods.len()
    ));
    o.push_str("  Namespace\tName\tAge\n  ---------\t----\t---\n");
    for (k, p) in pods {
        o.push_str(&format!(
            "  {}\t{}\t{}\n",
            k.0,
            k.1,
            crate::cluster::human_duration(now - p.metadata.created_ms)
        ));
    }
    o.push_str("Events:\t<none>\n");
    Some(DESCRIBE.format(&o))
}

/// The names of a namespace's objects, in the API's (alphabetical) order.
#[inline(never)]
pub(crate) fn describe(s: &Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let targets = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => {
            exec.err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
            return 1;
        }
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let ns = args.ns();
    let now = s.sim.now;
    let mut docs = vec![];
    let mut status = 0;
    for (r, name) in targets {
        let names: Vec<String> = match &name {
            Some(n) => vec![n.clone()],
            None => {
                let selector = match args.selector.as_deref().map(super::parse_selector) {
                    Some(Ok(sel)) => Some(sel),
                    Some(Err(e)) => {
                        exec.err(e);
                        return 1;
                    }
                    None => None,
                };
                let names: Vec<String> = super::columns::items(s, r, Some(&ns))
                    .into_iter()
                    .filter(|i| {
                        selector
                            .as_ref()
                            .is_none_or(|sel| super::selector_ok(sel, &i.labels))
                    })
                    .map(|i| i.name)
                    .collect();
                if names.is_empty() {
                    exec.err(if r.namespaced() {
                        format!("No resources found in {ns} namespace.\n")
                    } else {
                        "No resources found\n".to_string()
                    });
                }
                names
            }
        };
        let c = &s.sim.world.cluster;
        for n in names {
            let key = (ns.clone(), n.clone());
            let text = match r {
                Resource::Services => c
                    .services
                    .get(&key)
                    .map(|svc| describe_service(c, svc, now)),
                Resource::Pods => describe_pod(c, &ns, &n, now),
                Resource::Deployments => describe_deployment(c, &ns, &n, now),
                Resource::ReplicaSets => c
                    .replicasets
                    .get(&key)
                    .map(|rs| describe_replicaset(c, &ns, rs, now)),
                Resource::StatefulSets => c
                    .statefulsets
                    .get(&key)
                    .map(|sts| describe_statefulset(c, &ns, sts, now)),
                Resource::DaemonSets => c
                    .daemonsets
                    .get(&key)
                    .map(|ds| describe_daemonset(c, &ns, ds, now)),
                Resource::Endpoints => c.endpoints.get(&key).map(describe_endpoints),
                Resource::EndpointSlices => {
                    c.endpoint_slices.get(&key).map(describe_endpoint_slice)
                }
                Resource::ConfigMaps => c.configmaps.get(&key).map(describe_config_map),
                Resource::Secrets => c.secrets.get(&key).map(describe_secret),
                Resource::NetworkPolicies => c
                    .objects
                    .get(&("NetworkPolicy", key.0.clone(), key.1.clone()))
                    .map(describe_network_policy),
                Resource::GatewayClasses
                | Resource::Gateways
                | Resource::HttpRoutes
                | Resource::ReferenceGrants => c
                    .objects
                    .get(&(
                        r.kind(),
                        if r.namespaced() {
                            key.0.clone()
                        } else {
                            String::new()
                        },
                        key.1.clone(),
                    ))
                    .map(describe_custom_resource),
                Resource::Ingresses => c
                    .objects
                    .get(&("Ingress", key.0.clone(), key.1.clone()))
                    .map(|i| describe_ingress(c, i)),
                Resource::Nodes => describe_node(c, &n, now),
                other => {
                    exec.err(format!(
                        "error: describing {} is not supported by this simulator\n",
                        other.plural()
                    ));
                    status = 1;
                    continue;
                }
            };
            match text {
                Some(t) => docs.push(t),
                None => {
                    exec.err(format!(
                        "Error from server (NotFound): {} \"{n}\" not found\n",
                        r.plural()
                    ));
                    status = 1;
                }
            }
        }
    }
    exec.out(docs.join("\n\n"));
    status
}
