//! `kubectl exec`: run a command inside a pod's network namespace, as root,
//! with the cluster's DNS and only the programs the image ships.

use super::Args;
use crate::cluster::images;
use crate::shell::ctx::Ctx;
use crate::shell::{Execution, Session};

#[inline(never)]
pub(crate) fn exec(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let Some(pod_name) = args.positional.first().cloned() else {
        exec.err("error: pod, type/name or --filename must be specified\n");
        return 1;
    };
    let pod_name = pod_name
        .strip_prefix("pod/")
        .unwrap_or(&pod_name)
        .to_string();
    if !args.saw_dashdash {
        if args.positional.len() > 1 {
            exec.err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n");
        } else {
            exec.err("error: you must specify at least one command for the container\n");
        }
        return 1;
    }
    if args.command.is_empty() {
        exec.err("error: you must specify at least one command for the container\n");
        return 1;
    }
    let ns = args.ns();
    // `deploy/NAME`, `svc/NAME`…: one of the pods it selects, as kubectl's
    // attachable-pod lookup picks it (a running, ready one first).
    let pod_name = match pod_name.split_once('/') {
        Some((kind, name)) => match pod_of(&s.ctx(), &ns, kind, name) {
            Ok(p) => p,
            Err(message) => {
                exec.err(message);
                return 1;
            }
        },
        None => pod_name,
    };
    let key = (ns.clone(), pod_name.clone());
    let Some(pod) = s.sim.world.cluster.pods.get(&key).cloned() else {
        exec.err(format!(
            "Error from server (NotFound): pods \"{pod_name}\" not found\n"
        ));
        return 1;
    };
    let index = match args.value("container") {
        Some(name) => match pod.spec.containers.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                exec.err(format!("Error from server (BadRequest): container {name} is not valid for pod {pod_name}\n"));
                return 1;
            }
        },
        None => {
            if pod.spec.containers.len() > 1 {
                let names: Vec<&str> = pod
                    .spec
                    .containers
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect();
                exec.err(format!(
                    "Defaulted container \"{}\" out of: {}\n",
                    names[0],
                    names.join(", ")
                ));
            }
            0
        }
    };
    let container = pod.spec.containers.get(index).cloned().unwrap_or_default();
    // The container must run (readiness does not matter).
    let running = pod
        .status
        .runtime
        .containers
        .get(index)
        .is_some_and(|c| c.running());
    if !running {
        exec.err(format!(
            "error: unable to upgrade connection: container not found (\"{}\")\n",
            container.name
        ));
        return 1;
    }
    let Some(host) = s.sim.world.pod_hosts.get(&key).copied() else {
        exec.err(format!(
            "error: unable to upgrade connection: container not found (\"{}\")\n",
            container.name
        ));
        return 1;
    };
    let cmd = args.command[0].clone();
    if !images::has_command(&container.image, &cmd) {
        exec.err(format!("error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{cmd}\": executable file not found in $PATH: unknown\n"));
        return 126;
    }
    let interactive = args.has("stdin") && args.has("tty");
    if matches!(cmd.as_str(), "sh" | "bash") && args.command.len() == 1 {
        if !interactive {
            // A shell with no terminal and no input exits at once.
            return 0;
        }
        s.enter_host(host, &cmd);
        return 0;
    }
    // Without -t the container's output is a pipe back to kubectl, not a
    // terminal: curl draws its meter, ls lists one name a line.
    let tty = s.term.rt.tty;
    s.term.rt.tty = tty && args.has("tty");
    let code = if matches!(cmd.as_str(), "sh" | "bash")
        && args.command.get(1).map(String::as_str) == Some("-c")
    {
        let line = args.command.get(2).cloned().unwrap_or_default();
        s.run_line_in(host, &line, exec)
    } else {
        s.run_words_in(host, &args.command, exec)
    };
    s.term.rt.tty = tty;
    if code != 0 {
        exec.err(format!("command terminated with exit code {code}\n"));
    }
    code
}

/// The pod `kubectl exec KIND/NAME` runs in: for a pod, itself; for a
/// workload or a Service, one of the pods its selector matches, running
/// and ready ones first, then the oldest.
fn pod_of(s: &Ctx, ns: &str, kind: &str, name: &str) -> Result<String, String> {
    let c = &s.sim.world.cluster;
    let key = (ns.to_string(), name.to_string());
    let not_found =
        |plural: &str| format!("Error from server (NotFound): {plural} \"{name}\" not found\n");
    let selector: crate::cluster::objects::LabelSelector = match kind {
        "pod" | "pods" | "po" => return Ok(name.to_string()),
        "deployment" | "deployments" | "deploy" | "deployment.apps" | "deployments.apps" => c
            .deployments
            .get(&key)
            .ok_or_else(|| not_found("deployments.apps"))?
            .spec
            .selector
            .clone(),
        "replicaset" | "replicasets" | "rs" => c
            .replicasets
            .get(&key)
            .ok_or_else(|| not_found("replicasets.apps"))?
            .spec
            .selector
            .clone(),
        "statefulset" | "statefulsets" | "sts" => c
            .statefulsets
            .get(&key)
            .ok_or_else(|| not_found("statefulsets.apps"))?
            .spec
            .selector
            .clone(),
        "daemonset" | "daemonsets" | "ds" => c
            .daemonsets
            .get(&key)
            .ok_or_else(|| not_found("daemonsets.apps"))?
            .spec
            .selector
            .clone(),
        "service" | "services" | "svc" => {
            let svc = c.services.get(&key).ok_or_else(|| not_found("services"))?;
            match &svc.spec.selector {
                Some(sel) if !sel.is_empty() => crate::cluster::objects::LabelSelector {
                    match_labels: sel.clone(),
                    ..Default::default()
                },
                _ => {
                    return Err(format!(
                        "error: invalid service '{name}': Service is defined without a selector\n"
                    ))
                }
            }
        }
        other => {
            return Err(format!(
                "error: the server doesn't have a resource type \"{other}\"\n"
            ))
        }
    };
    let mut pods: Vec<(&crate::cluster::objects::Pod, &String)> = c
        .pods
        .iter()
        .filter(|((pns, _), p)| {
            pns == ns && !selector.is_empty() && selector.matches(&p.metadata.labels)
        })
        .map(|((_, n), p)| (p, n))
        .collect();
    crate::sort::sort_by_key(&mut pods, |(p, n)| {
        let running = p
            .status
            .runtime
            .containers
            .first()
            .is_some_and(|c| c.running());
        (
            !running,
            !p.status.ready,
            p.metadata.created_ms,
            (*n).clone(),
        )
    });
    pods.first()
        .map(|(_, n)| (*n).clone())
        .ok_or_else(|| "error: no pods found\n".to_string())
}
