//! `kubectl logs`: what a container wrote, as the kubelet keeps it. The
//! lines come from the container's program as it ran in the simulation:
//! nginx's entrypoint and access log (one line per request it answered,
//! with the client address as the pod saw it), http-echo's request lines,
//! a client container's command's output.

use super::{parse_selector, selector_ok, Args, Resource};
use crate::cluster::objects::{ContainerState, LogLine, Pod};
use crate::shell::ctx::Ctx;
use crate::shell::Execution;

/// The pods `TYPE/NAME` stands for: a pod, or the pods of a workload's
/// selector (or a Service's).
fn pods_of(s: &Ctx, r: Resource, ns: &str, name: &str) -> Option<Vec<String>> {
    let c = &s.sim.world.cluster;
    let key = (ns.to_string(), name.to_string());
    let matches = |labels: &crate::map::Map<String, String>,
                   sel: &crate::cluster::objects::LabelSelector| {
        !sel.is_empty() && sel.matches(labels)
    };
    let selector = match r {
        Resource::Pods => return c.pods.contains_key(&key).then(|| vec![name.to_string()]),
        Resource::Deployments => c.deployments.get(&key)?.spec.selector.clone(),
        Resource::ReplicaSets => c.replicasets.get(&key)?.spec.selector.clone(),
        Resource::StatefulSets => c.statefulsets.get(&key)?.spec.selector.clone(),
        Resource::DaemonSets => c.daemonsets.get(&key)?.spec.selector.clone(),
        Resource::Services => crate::cluster::objects::LabelSelector {
            match_labels: c
                .services
                .get(&key)?
                .spec
                .selector
                .clone()
                .unwrap_or_default(),
            match_expressions: vec![],
        },
        _ => return None,
    };
    let mut pods: Vec<(&String, &Pod)> = c
        .pods
        .iter()
        .filter(|(k, p)| k.0 == ns && matches(&p.metadata.labels, &selector))
        .map(|(k, p)| (&k.1, p))
        .collect();
    // `podutils.ByLogging`: running and ready pods first, then the older.
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
    Some(pods.into_iter().map(|(n, _)| n.clone()).collect())
}

/// `2026-11-26T09:00:05.123456789Z `: `--timestamps`' prefix.
fn timestamp(at: crate::time::Millis) -> String {
    let base = crate::cluster::rfc3339(at);
    let ms = at.rem_euclid(1000);
    // The runtime's nanoseconds: the milliseconds and a deterministic rest.
    let rest = crate::text::fnv1a(format!("{at}").as_bytes()) % 1_000_000;
    format!("{}.{ms:03}{rest:06}Z ", base.trim_end_matches('Z'))
}

#[inline(never)]
pub(crate) fn logs(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let ns = args.ns();
    let tail = match args.value("tail") {
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n >= -1 => Some(n),
            Ok(_) => {
                exec.err("error: --tail must be greater than or equal to -1\n");
                return 1;
            }
            Err(_) => {
                exec.err(format!("error: invalid argument \"{t}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax\nSee 'kubectl logs --help' for usage.\n"));
                return 1;
            }
        },
        None => None,
    };
    let mut pods: Vec<String> = vec![];
    let by_selector = args.selector.is_some();
    if let Some(sel) = &args.selector {
        if !args.positional.is_empty() {
            exec.err("error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n");
            return 1;
        }
        let sel = match parse_selector(sel) {
            Ok(s) => s,
            Err(e) => {
                exec.err(e);
                return 1;
            }
        };
        pods = s
            .sim
            .world
            .cluster
            .pods
            .iter()
            .filter(|(k, p)| k.0 == ns && selector_ok(&sel, &p.metadata.labels))
            .map(|(k, _)| k.1.clone())
            .collect();
        if pods.is_empty() {
            exec.err(format!("No resources found in {ns} namespace.\n"));
            return 0;
        }
    } else {
        let mut pos = args.positional.iter();
        let Some(first) = pos.next() else {
            exec.err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n");
            return 1;
        };
        let (r, name) = match first.split_once('/') {
            Some((t, n)) => match Resource::parse(t) {
                Some(r) => (r, n.to_string()),
                None => {
                    exec.err(super::unknown_resource(t));
                    return 1;
                }
            },
            None => (Resource::Pods, first.clone()),
        };
        // `kubectl logs POD CONTAINER`, the old form.
        let positional_container = pos.next().cloned();
        match pods_of(s, r, &ns, &name) {
            Some(list) if !list.is_empty() => {
                if r != Resource::Pods && list.len() > 1 {
                    exec.err(format!(
                        "Found {} pods, using pod/{}\n",
                        list.len(),
                        list[0]
                    ));
                }
                pods.push(list[0].clone());
            }
            Some(_) => {
                exec.err(
                    "error: timed out waiting for the condition
",
                );
                return 1;
            }
            None if r.namespaced() && r != Resource::All => {
                exec.err(format!(
                    "Error from server (NotFound): {} \"{name}\" not found\n",
                    r.plural()
                ));
                return 1;
            }
            None => {
                exec.err(format!("error: cannot get the logs from {}\n", r.plural()));
                return 1;
            }
        }
        if let Some(c) = positional_container {
            if args.value("container").is_none() {
                return show(s, args, exec, &ns, &pods, Some(c), tail, false);
            }
        }
    }
    let container = args.value("container").map(str::to_string);
    let tail = tail.or(by_selector.then_some(10));
    show(s, args, exec, &ns, &pods, container, tail, by_selector)
}

#[allow(clippy::too_many_arguments)]
fn show(
    s: &mut Ctx,
    args: &Args,
    exec: &mut Execution,
    ns: &str,
    pods: &[String],
    container: Option<String>,
    tail: Option<i64>,
    many: bool,
) -> i32 {
    let now = s.sim.now;
    let previous = args.has("previous");
    let mut out = String::new();
    for pod_name in pods {
        let Some(pod) = s
            .sim
            .world
            .cluster
            .pods
            .get(&(ns.to_string(), pod_name.clone()))
        else {
            continue;
        };
        let names: Vec<String> = pod.spec.containers.iter().map(|c| c.name.clone()).collect();
        let chosen: Vec<String> = if args.has("all-containers") {
            names.clone()
        } else {
            match &container {
                Some(c) => vec![c.clone()],
                None => {
                    let first = names.first().cloned().unwrap_or_default();
                    if names.len() > 1 && !many {
                        exec.err(format!(
                            "Defaulted container \"{first}\" out of: {}\n",
                            names.join(", ")
                        ));
                    }
                    vec![first]
                }
            }
        };
        for cname in chosen {
            let Some(i) = names.iter().position(|n| *n == cname) else {
                exec.err(format!(
                    "error: container {cname} is not valid for pod {pod_name}\n"
                ));
                return 1;
            };
            let Some(rt) = pod.status.runtime.containers.get(i) else {
                exec.err(format!("Error from server (BadRequest): container \"{cname}\" in pod \"{pod_name}\" is waiting to start: ContainerCreating\n"));
                return 1;
            };
            let lines: &Vec<LogLine> = if previous {
                if rt.restarts == 0 {
                    exec.err(format!("Error from server (BadRequest): previous terminated container \"{cname}\" in pod \"{pod_name}\" not found\n"));
                    return 1;
                }
                &rt.previous_log
            } else {
                // A container that never ran has no log to read.
                if let ContainerState::Waiting { reason } = &rt.state {
                    if rt.restarts == 0 && rt.last_state.is_none() {
                        let why = match reason.as_str() {
                            "ErrImagePull" | "ImagePullBackOff" => {
                                "trying and failing to pull image".to_string()
                            }
                            other => other.to_string(),
                        };
                        exec.err(format!("Error from server (BadRequest): container \"{cname}\" in pod \"{pod_name}\" is waiting to start: {why}\n"));
                        return 1;
                    }
                }
                &rt.log
            };
            let visible: Vec<&LogLine> = lines.iter().filter(|l| l.at <= now).collect();
            let skip = match tail {
                Some(n) if n >= 0 => visible.len().saturating_sub(n as usize),
                _ => 0,
            };
            for l in &visible[skip..] {
                if args.has("prefix") {
                    out.push_str(&format!("[pod/{pod_name}/{cname}] "));
                }
                if args.has("timestamps") {
                    out.push_str(&timestamp(l.at));
                }
                out.push_str(&l.text);
                out.push('\n');
            }
        }
    }
    // `-f` would keep following: in the simulation the stream ends where
    // the log ends, as if Ctrl+C were pressed at once.
    if !s.charge(out.len() as u64, exec) {
        return 1;
    }
    exec.out(out);
    0
}
