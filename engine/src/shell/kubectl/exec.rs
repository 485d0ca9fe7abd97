//! `kubectl exec`: run a command inside a pod's network namespace, as root,
//! with the cluster's DNS and only the programs the image ships.

use super::Args;
use crate::cluster::images;
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
    let key = (ns.clone(), pod_name.clone());
    let Some(pod) = s.world.cluster.pods.get(&key).cloned() else {
        exec.err(format!(
            "Error from server (NotFound): pods \"{pod_name}\" not found\n"
        ));
        return 1;
    };
    let container = pod.spec.containers.first().cloned().unwrap_or_default();
    // The container must run (readiness does not matter).
    let running = pod
        .status
        .runtime
        .containers
        .first()
        .is_some_and(|c| c.running());
    if !running {
        exec.err(format!(
            "error: unable to upgrade connection: container not found (\"{}\")\n",
            container.name
        ));
        return 1;
    }
    let Some(host) = s.world.pod_hosts.get(&key).copied() else {
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
        s.enter_host(host);
        return 0;
    }
    if matches!(cmd.as_str(), "sh" | "bash")
        && args.command.get(1).map(String::as_str) == Some("-c")
    {
        let line = args.command.get(2).cloned().unwrap_or_default();
        let code = s.run_line_in(host, &line, exec);
        if code != 0 {
            exec.err(format!("command terminated with exit code {code}\n"));
        }
        return code;
    }
    let code = s.run_words_in(host, &args.command, exec);
    if code != 0 {
        exec.err(format!("command terminated with exit code {code}\n"));
    }
    code
}
