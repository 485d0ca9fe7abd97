//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE…`: kubectl listens on
//! the host's loopback and carries each connection, through the API server
//! and the pod's kubelet, into the pod (see `shell/forward.rs`).
//!
//! It runs until it is stopped. Run in the background (`&`) it stays, as a
//! job, until `kill`; in the foreground it holds the terminal in a session
//! that allows it (the page, until Ctrl+C), and otherwise (the native
//! terminal) ends at once, as if Ctrl+C had been pressed.

use super::{Args, Resource};
use crate::cluster::objects::{IntOrString, Pod};
use crate::shell::lang::jobs::Forward;
use crate::shell::{Execution, Session};

/// The pod `TYPE/NAME` forwards to, and how a Service's port maps to it.
fn target(
    s: &Session,
    r: Resource,
    ns: &str,
    name: &str,
) -> Result<(String, Option<String>), String> {
    let c = &s.sim.world.cluster;
    let key = (ns.to_string(), name.to_string());
    let not_found = || {
        format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            r.plural()
        )
    };
    let selector = match r {
        Resource::Pods => {
            return c
                .pods
                .contains_key(&key)
                .then(|| (name.to_string(), None))
                .ok_or_else(not_found)
        }
        Resource::Services => {
            let svc = c.services.get(&key).ok_or_else(not_found)?;
            match &svc.spec.selector {
                Some(sel) if !sel.is_empty() => crate::cluster::objects::LabelSelector {
                    match_labels: sel.clone(),
                    match_expressions: vec![],
                },
                _ => {
                    return Err(format!(
                        "error: cannot attach to *v1.Service: invalid service '{name}': Service is defined without a selector\n"
                    ))
                }
            }
        }
        Resource::Deployments => c
            .deployments
            .get(&key)
            .ok_or_else(not_found)?
            .spec
            .selector
            .clone(),
        Resource::ReplicaSets => c
            .replicasets
            .get(&key)
            .ok_or_else(not_found)?
            .spec
            .selector
            .clone(),
        Resource::StatefulSets => c
            .statefulsets
            .get(&key)
            .ok_or_else(not_found)?
            .spec
            .selector
            .clone(),
        Resource::DaemonSets => c
            .daemonsets
            .get(&key)
            .ok_or_else(not_found)?
            .spec
            .selector
            .clone(),
        other => {
            return Err(format!(
                "error: cannot attach to *v1.{}: selector for *v1.{} not implemented\n",
                other.kind(),
                other.kind()
            ))
        }
    };
    let mut pods: Vec<(&String, &Pod)> = c
        .pods
        .iter()
        .filter(|(k, p)| k.0 == ns && !selector.is_empty() && selector.matches(&p.metadata.labels))
        .map(|(k, p)| (&k.1, p))
        .collect();
    crate::sort::sort_by(&mut pods, |a, b| {
        let rank = |p: &Pod| {
            (
                p.status.phase.as_deref() != Some("Running"),
                !p.status.ready,
                p.metadata.created_ms,
            )
        };
        rank(a.1).cmp(&rank(b.1)).then(a.0.cmp(b.0))
    });
    match pods.first() {
        Some((n, _)) => Ok((
            (*n).clone(),
            (r == Resource::Services).then(|| name.to_string()),
        )),
        None => Err("error: timed out waiting for the condition\n".into()),
    }
}

/// A `REMOTE` port: a number, a container port's name, or (for a Service)
/// the Service's port, which kubectl maps to the pod's target port.
fn remote_port(
    s: &Session,
    ns: &str,
    pod: &Pod,
    service: Option<&str>,
    spec: &str,
) -> Result<u16, String> {
    if let Some(svc_name) = service {
        let svc = s
            .sim
            .world
            .cluster
            .services
            .get(&(ns.to_string(), svc_name.to_string()));
        let port = svc.and_then(|svc| {
            svc.spec
                .ports
                .iter()
                .find(|p| p.port.to_string() == spec || (!p.name.is_empty() && p.name == spec))
        });
        let Some(port) = port else {
            return Err(format!(
                "error: Service {svc_name} does not have a service port {spec}\n"
            ));
        };
        let target = crate::cluster::resolve_target_port(pod, port.target_port.as_ref(), port.port);
        return target.and_then(|t| u16::try_from(t).ok()).ok_or_else(|| {
            format!(
                "error: Pod '{}' does not have a named port '{}'\n",
                pod.metadata.name,
                match &port.target_port {
                    Some(IntOrString::Str(n)) => n.clone(),
                    _ => spec.to_string(),
                }
            )
        });
    }
    if let Ok(n) = spec.parse::<u16>() {
        return if n == 0 {
            Err("error: Remote port must be > 0
"
            .to_string())
        } else {
            Ok(n)
        };
    }
    pod.spec
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .find(|p| p.name == spec)
        .and_then(|p| u16::try_from(p.container_port).ok())
        .ok_or_else(|| {
            format!(
                "error: Pod '{}' does not have a named port '{spec}'\n",
                pod.metadata.name
            )
        })
}

#[inline(never)]
pub(crate) fn port_forward(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let mut pos = args.positional.iter();
    let Some(what) = pos.next() else {
        exec.err("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n");
        return 1;
    };
    let specs: Vec<String> = pos.cloned().collect();
    if specs.is_empty() {
        exec.err("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n");
        return 1;
    }
    if let Some(addr) = args.value("address") {
        if !addr
            .split(',')
            .all(|a| a == "localhost" || a == "127.0.0.1")
        {
            exec.err(format!(
                "error: port-forward on --address {addr} is not simulated here; it listens on localhost\n"
            ));
            return 1;
        }
    }
    let (r, name) = match what.split_once('/') {
        Some((t, n)) => match Resource::parse(t) {
            Some(r) => (r, n.to_string()),
            None => {
                exec.err(super::unknown_resource(t));
                return 1;
            }
        },
        None => (Resource::Pods, what.clone()),
    };
    let ns = args.ns();
    let (pod_name, service) = match target(s, r, &ns, &name) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let key = (ns.clone(), pod_name.clone());
    let Some(pod) = s.sim.world.cluster.pods.get(&key).cloned() else {
        exec.err(format!(
            "Error from server (NotFound): pods \"{pod_name}\" not found\n"
        ));
        return 1;
    };
    if pod.status.phase.as_deref() != Some("Running") {
        exec.err(format!(
            "error: unable to forward port because pod is not running. Current status={}\n",
            pod.status.phase.as_deref().unwrap_or("Pending")
        ));
        return 1;
    }
    let mut forwards = vec![];
    for spec in &specs {
        let (local, remote) = match spec.split_once(':') {
            Some((l, r)) => (l.to_string(), r.to_string()),
            None => (spec.clone(), spec.clone()),
        };
        let remote = match remote_port(s, &ns, &pod, service.as_deref(), &remote) {
            Ok(p) => p,
            Err(e) => {
                exec.err(e);
                return 1;
            }
        };
        let local = if local.is_empty() {
            // A free port the kernel picks.
            s.sim.ephemeral_port()
        } else {
            match local.parse::<u16>() {
                Ok(p) if p > 0 => p,
                _ => {
                    exec.err(format!("error: Error parsing local port '{local}': strconv.ParseUint: parsing \"{local}\": invalid syntax\n"));
                    return 1;
                }
            }
        };
        forwards.push((local, remote));
    }
    let here = s.here();
    for (local, remote) in &forwards {
        let taken = s.forward_on(*local).is_some()
            || s.sim
                .world
                .net
                .host(here)
                .listener(
                    crate::net::netfilter::Protocol::Tcp,
                    std::net::Ipv4Addr::LOCALHOST,
                    *local,
                )
                .is_some();
        let denied = *local < 1024 && s.user() != "root";
        if taken || denied {
            let why = if denied {
                "permission denied"
            } else {
                "address already in use"
            };
            exec.err(format!("Unable to listen on port {local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{local}: bind: {why} unable to create listener: Error listen tcp6 [::1]:{local}: bind: {why}]\n"));
            exec.err(format!(
                "error: unable to listen on any of the requested ports: [{{{local} {remote}}}]\n"
            ));
            return 1;
        }
    }
    for (local, remote) in &forwards {
        exec.out(format!(
            "Forwarding from 127.0.0.1:{local} -> {remote}\nForwarding from [::1]:{local} -> {remote}\n"
        ));
    }
    // One forward per command here (the first): it is what connections reach.
    let (local, remote) = forwards[0];
    let forward = Forward {
        host: here,
        local,
        pod: key,
        port: remote,
    };
    if s.keep_forward(forward.clone()) {
        // A background job: it keeps running.
        return 0;
    }
    if s.term.foreground_jobs {
        s.term.foreground = Some(forward);
        exec.running = true;
    }
    // Natively: as if Ctrl+C were pressed at once.
    0
}
