//! `kubectl describe` for Services (exactly as kubectl 1.31 prints them),
//! Pods, Deployments and Nodes.

use super::get::{endpoints_cell, format_endpoints};
use super::{resource_and_names, Args, Resource};
use crate::cluster::apiserver::LAST_APPLIED;
use crate::cluster::objects::{format_labels, IntOrString, Labels, Service};
use crate::cluster::Cluster;
use crate::shell::tabwriter::DESCRIBE;
use crate::shell::{Execution, Session};
use std::collections::BTreeMap;

fn multiline(label: &str, map: &BTreeMap<String, String>, out: &mut String) {
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

fn visible_annotations(a: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    a.iter()
        .filter(|(k, _)| k.as_str() != LAST_APPLIED)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub(crate) fn describe_service(c: &Cluster, svc: &Service) -> String {
    let mut o = String::new();
    o.push_str(&format!("Name:\t{}\n", svc.metadata.name));
    o.push_str(&format!(
        "Namespace:\t{}\n",
        svc.metadata.namespace.as_deref().unwrap_or("default")
    ));
    multiline("Labels", &svc.metadata.labels, &mut o);
    multiline(
        "Annotations",
        &visible_annotations(&svc.metadata.annotations),
        &mut o,
    );
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
    if ty != "ExternalName" {
        o.push_str(&format!(
            "IP Family Policy:\t{}\n",
            svc.spec
                .ip_family_policy
                .as_deref()
                .unwrap_or("SingleStack")
        ));
        o.push_str(&format!(
            "IP Families:\t{}\n",
            svc.spec.ip_families.join(",")
        ));
        let ip = svc.spec.cluster_ip.clone().unwrap_or_default();
        o.push_str(&format!("IP:\t{ip}\n"));
        o.push_str(&format!("IPs:\t{}\n", svc.spec.cluster_ips.join(",")));
    }
    if !svc.spec.external_ips.is_empty() {
        o.push_str(&format!(
            "External IPs:\t{}\n",
            svc.spec.external_ips.join(",")
        ));
    }
    if let Some(n) = &svc.spec.external_name {
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
                    Some(m) => format!("{a} ({m})"),
                    None => a,
                })
            })
            .collect();
        o.push_str(&format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    let eps = endpoints_cell(c, svc).map(|(_, e)| e).unwrap_or_default();
    for (i, p) in svc.spec.ports.iter().enumerate() {
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
        // kubectl ≥ 1.31 reads EndpointSlices: no ready endpoint prints an empty value.
        let ready: Vec<String> = eps
            .get(i)
            .map(|(_, a)| {
                a.iter()
                    .filter(|a| a.ready)
                    .map(|a| format!("{}:{}", a.ip, a.port))
                    .collect()
            })
            .unwrap_or_default();
        o.push_str(&format!("Endpoints:\t{}\n", format_endpoints(&ready)));
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
    o.push_str("Events:\t<none>\n");
    DESCRIBE.format(&o)
}

fn describe_pod(c: &Cluster, ns: &str, name: &str, now: i64) -> Option<String> {
    let pod = c.pods.get(&(ns.to_string(), name.to_string()))?;
    let node = pod.spec.node_name.clone().unwrap_or_default();
    let node_ip = c.node(&node).map(|n| n.ip.to_string()).unwrap_or_default();
    let start = crate::cluster::rfc3339(pod.metadata.created_ms);
    let status = c.pod_status(pod, now);
    let mut o = String::new();
    o.push_str(&format!(
        "Name:\t{name}\nNamespace:\t{ns}\nPriority:\t0\nService Account:\tdefault\n"
    ));
    o.push_str(&format!("Node:\t{node}/{node_ip}\nStart Time:\t{start}\n"));
    multiline("Labels", &pod.metadata.labels, &mut o);
    multiline(
        "Annotations",
        &visible_annotations(&pod.metadata.annotations),
        &mut o,
    );
    o.push_str(&format!(
        "Status:\t{}\n",
        pod.status.phase.as_deref().unwrap_or("Pending")
    ));
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    o.push_str(&format!("IP:\t{ip}\nIPs:\n  IP:\t{ip}\n"));
    if let Some(owner) = pod.metadata.owner_references.first() {
        o.push_str(&format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    o.push_str("Containers:\n");
    for ct in &pod.spec.containers {
        o.push_str(&format!("  {}:\n", ct.name));
        o.push_str(&format!("    Image:\t{}\n", ct.image));
        match ct.ports.first() {
            Some(p) => o.push_str(&format!(
                "    Port:\t{}/{}\n",
                p.container_port,
                p.protocol.as_deref().unwrap_or("TCP")
            )),
            None => o.push_str("    Port:\t<none>\n"),
        }
        o.push_str("    Host Port:\t<none>\n");
        if pod.status.ready {
            o.push_str(&format!(
                "    State:\tRunning\n      Started:\t{start}\n    Ready:\tTrue\n"
            ));
        } else {
            o.push_str(&format!(
                "    State:\tWaiting\n      Reason:\t{status}\n    Ready:\tFalse\n"
            ));
        }
        o.push_str("    Restart Count:\t0\n    Environment:\t<none>\n");
    }
    let t = |b: bool| if b { "True " } else { "False " };
    o.push_str("Conditions:\n  Type\tStatus\n");
    o.push_str(&format!(
        "  PodReadyToStartContainers \t{}\n",
        t(pod.status.pod_ip.is_some())
    ));
    o.push_str(&format!("  Initialized \t{}\n", t(true)));
    o.push_str(&format!("  Ready \t{}\n", t(pod.status.ready)));
    o.push_str(&format!("  ContainersReady \t{}\n", t(pod.status.ready)));
    o.push_str(&format!(
        "  PodScheduled \t{}\n",
        t(pod.spec.node_name.is_some())
    ));
    o.push_str("QoS Class:\tBestEffort\nNode-Selectors:\t<none>\nTolerations:\tnode.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n\tnode.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n");
    if pod.status.ready {
        o.push_str("Events:\t<none>\n");
    } else {
        let image = pod
            .spec
            .containers
            .first()
            .map(|c| c.image.clone())
            .unwrap_or_default();
        o.push_str(
            "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n",
        );
        o.push_str(&format!(
            "  Warning\tFailed\t{}\tkubelet\tFailed to pull image \"{image}\": failed to pull and unpack image \"docker.io/library/{image}:latest\": failed to resolve reference \"docker.io/library/{image}:latest\": pull access denied, repository does not exist or may require authorization\n",
            crate::cluster::human_duration(now - pod.metadata.created_ms)
        ));
    }
    Some(DESCRIBE.format(&o))
}

fn describe_deployment(c: &Cluster, ns: &str, name: &str) -> Option<String> {
    let d = c.deployments.get(&(ns.to_string(), name.to_string()))?;
    let pods: Vec<_> = c
        .pods
        .iter()
        .filter(|(k, p)| {
            k.0 == ns
                && crate::cluster::objects::selector_matches(
                    &d.spec.selector.match_labels,
                    &p.metadata.labels,
                )
        })
        .collect();
    let ready = pods.iter().filter(|(_, p)| p.status.ready).count();
    let want = d.spec.replicas.unwrap_or(1);
    let mut o = String::new();
    o.push_str(&format!(
        "Name:\t{name}\nNamespace:\t{ns}\nCreationTimestamp:\t{}\n",
        d.metadata.creation_timestamp.clone().unwrap_or_default()
    ));
    multiline("Labels", &d.metadata.labels, &mut o);
    let mut ann: Labels = visible_annotations(&d.metadata.annotations);
    ann.insert("deployment.kubernetes.io/revision".into(), "1".into());
    multiline("Annotations", &ann, &mut o);
    o.push_str(&format!(
        "Selector:\t{}\n",
        format_labels(&d.spec.selector.match_labels)
    ));
    o.push_str(&format!(
        "Replicas:\t{want} desired | {} updated | {} total | {ready} available | {} unavailable\n",
        pods.len(),
        pods.len(),
        pods.len() - ready
    ));
    o.push_str("StrategyType:\tRollingUpdate\nMinReadySeconds:\t0\nRollingUpdateStrategy:\t25% max unavailable, 25% max surge\n");
    o.push_str("Pod Template:\n");
    o.push_str(&format!(
        "  Labels:\t{}\n",
        format_labels(&d.spec.template.metadata.labels).replace(',', "\n\t")
    ));
    o.push_str("  Containers:\n");
    for ct in &d.spec.template.spec.containers {
        o.push_str(&format!("   {}:\n    Image:\t{}\n", ct.name, ct.image));
        match ct.ports.first() {
            Some(p) => o.push_str(&format!(
                "    Port:\t{}/{}\n",
                p.container_port,
                p.protocol.as_deref().unwrap_or("TCP")
            )),
            None => o.push_str("    Port:\t<none>\n"),
        }
        o.push_str("    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n");
    }
    o.push_str("  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n");
    let rs = c
        .replicasets
        .iter()
        .find(|(k, r)| k.0 == ns && r.deployment == name && r.replicas > 0)
        .map(|(k, r)| format!("{} ({}/{} replicas created)", k.1, pods.len(), r.replicas))
        .unwrap_or_else(|| "<none>".into());
    o.push_str(&format!("NewReplicaSet:\t{rs}\nEvents:\t<none>\n"));
    Some(DESCRIBE.format(&o))
}

fn describe_node(c: &Cluster, name: &str, now: i64) -> Option<String> {
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
fn names_in<V>(objects: &BTreeMap<crate::cluster::Key, V>, ns: &str) -> Vec<String> {
    objects
        .keys()
        .filter(|k| k.0 == ns)
        .map(|k| k.1.clone())
        .collect()
}

#[inline(never)]
pub(crate) fn describe(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let targets = match resource_and_names(&args.positional) {
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
    let now = s.now as i64;
    let c = &s.world.cluster;
    let mut docs = vec![];
    let mut status = 0;
    for (r, name) in targets {
        let names: Vec<String> = match &name {
            Some(n) => vec![n.clone()],
            None => match r {
                Resource::Services => names_in(&c.services, &ns),
                Resource::Pods => names_in(&c.pods, &ns),
                Resource::Deployments => names_in(&c.deployments, &ns),
                Resource::Nodes => c.nodes.iter().map(|n| n.name.clone()).collect(),
                _ => vec![],
            },
        };
        for n in names {
            let text = match r {
                Resource::Services => c
                    .services
                    .get(&(ns.clone(), n.clone()))
                    .map(|svc| describe_service(c, svc)),
                Resource::Pods => describe_pod(c, &ns, &n, now),
                Resource::Deployments => describe_deployment(c, &ns, &n),
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
