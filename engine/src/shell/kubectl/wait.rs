//! `kubectl wait` and `kubectl rollout`: they watch the cluster while
//! simulated time passes, step by step, until what they wait for happens
//! or their time is up. No real time passes; the clock moves as far as the
//! wait took.

use super::columns::items;
use super::{parse_selector, resource_and_names, selector_ok, Args, Resource};
use crate::shell::ctx::Ctx;
use crate::shell::time::parse_go_duration;
use crate::shell::{Execution, Session};
use crate::time::Millis;
use serde_json::Value;

/// What `--for` asks.
enum Condition {
    /// `condition=Ready` (`=true` by default): a status condition.
    Status {
        name: String,
        value: String,
    },
    Delete,
    Create,
    /// `jsonpath='{.status.phase}'=Running`, or any value when none is given.
    JsonPath {
        template: String,
        value: String,
    },
}

/// `RelaxedJSONPathExpression`: `.status.phase` or `{.status.phase}`.
fn relaxed(path: &str) -> Result<String, String> {
    let p = path.trim();
    if p.is_empty() {
        return Err("jsonpath expression cannot be empty".into());
    }
    let inner = p
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(p);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    Ok(format!("{{.{inner}}}"))
}

/// kubectl's `splitJSONPathInput`: split on a single `=`, not on `==`.
fn split_jsonpath(input: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            if chars.peek() == Some(&'=') {
                chars.next();
                cur.push_str("==");
                continue;
            }
            out.push(std::mem::take(&mut cur));
            continue;
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    let lower = text.to_ascii_lowercase();
    if lower == "delete" {
        return Ok(Condition::Delete);
    }
    if lower == "create" {
        return Ok(Condition::Create);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Condition::Status {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        let parts = split_jsonpath(rest);
        if parts.is_empty() || parts.len() > 2 {
            return Err("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into());
        }
        let template = relaxed(&parts[0])?;
        // The template must parse as kubectl's JSONPath.
        super::jsonpath::apply(&template, &Value::Null)?;
        let value = match parts.get(1) {
            Some(v) => {
                let v = v.trim_matches(['\'', '"']).to_string();
                if v.is_empty() {
                    return Err("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3".into());
                }
                v
            }
            None => String::new(),
        };
        return Ok(Condition::JsonPath { template, value });
    }
    Err(format!("unrecognized condition: \"{text}\""))
}

/// The object's API form, if it exists.
fn object(s: &Ctx, r: Resource, ns: &str, name: &str) -> Option<Value> {
    items(s, r, r.namespaced().then_some(ns))
        .into_iter()
        .find(|i| i.name == name)
        .map(|i| i.json)
}

fn met(cond: &Condition, obj: Option<&Value>) -> bool {
    match cond {
        Condition::Delete => obj.is_none(),
        Condition::Create => obj.is_some(),
        Condition::Status { name, value } => obj
            .and_then(|o| o.pointer("/status/conditions"))
            .and_then(Value::as_array)
            .is_some_and(|conds| {
                conds.iter().any(|c| {
                    c.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case(name))
                        && c.get("status")
                            .and_then(Value::as_str)
                            .is_some_and(|st| st.eq_ignore_ascii_case(value))
                })
            }),
        Condition::JsonPath { template, value } => {
            obj.is_some_and(|o| match super::jsonpath::apply(template, o) {
                Ok(got) if value.is_empty() => !got.is_empty(),
                Ok(got) => got == *value,
                Err(_) => false,
            })
        }
    }
}

/// The timeout flag, kubectl's default if absent.
fn timeout(args: &Args, default: Millis, exec: &mut Execution) -> Option<Millis> {
    match args.value("timeout") {
        None => Some(default),
        Some(t) => match parse_go_duration(t) {
            Ok(ms) => Some(ms),
            Err(e) => {
                exec.err(format!(
                    "error: invalid argument \"{t}\" for \"--timeout\" flag: {e}\n"
                ));
                None
            }
        },
    }
}

/// The objects named on the command line, or chosen by `-l` / `--all`.
fn targets(s: &Ctx, args: &Args, exec: &mut Execution) -> Option<Vec<(Resource, String)>> {
    let listed = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return None;
        }
    };
    if listed.is_empty() {
        exec.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
        return None;
    }
    let ns = args.ns();
    let selector = match args.selector.as_deref().map(parse_selector).transpose() {
        Ok(sel) => sel,
        Err(e) => {
            exec.err(e);
            return None;
        }
    };
    let mut out = vec![];
    for (r, name) in listed {
        match name {
            Some(n) => out.push((r, n)),
            None if selector.is_some() || args.has("all") => {
                for i in items(s, r, r.namespaced().then_some(ns.as_str())) {
                    if selector
                        .as_ref()
                        .is_none_or(|sel| selector_ok(sel, &i.labels))
                    {
                        out.push((r, i.name));
                    }
                }
            }
            None => {
                exec.err("error: resource(s) were provided, but no name was specified\n");
                return None;
            }
        }
    }
    Some(out)
}

/// `kubectl wait --for=condition=Ready pod/x` (also `--for=delete`,
/// `--for=create`, `--for=jsonpath=…`), with `--timeout` (30s).
#[inline(never)]
pub(crate) fn wait(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let cond = match parse_condition(args.value("for").unwrap_or("")) {
        Ok(c) => c,
        Err(e) => {
            exec.err(format!("error: {e}\n"));
            return 1;
        }
    };
    let Some(limit) = timeout(args, 30_000, exec) else {
        return 1;
    };
    let Some(targets) = targets(&s.ctx(), args, exec) else {
        return 1;
    };
    if targets.is_empty() {
        exec.err("error: no matching resources found\n");
        return 1;
    }
    let ns = args.ns();
    for (r, name) in targets {
        let exists = object(&s.ctx(), r, &ns, &name).is_some();
        if !exists && !matches!(cond, Condition::Delete | Condition::Create) {
            exec.err(format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                r.plural()
            ));
            return 1;
        }
        let deadline = s.sim.now + limit;
        let done = s.wait_until(deadline, exec, |s, _| {
            met(&cond, object(&s.ctx(), r, &ns, &name).as_ref())
        });
        if !done {
            if s.term.rt.budget.exhausted().is_some() {
                return 1;
            }
            let what = r.plural();
            let resource = what.split('.').next().unwrap_or(&what);
            exec.err(format!(
                "error: timed out waiting for the condition on {resource}/{name}\n"
            ));
            return 1;
        }
        exec.out(format!("{}/{name} condition met\n", r.singular()));
    }
    0
}

const ROLLOUT_HELP: &str = "Manage the rollout of one or many resources.

 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc

  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo

  # Restart a deployment
  kubectl rollout restart deployment/abc

  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use \"kubectl rollout <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// `kubectl rollout status|restart`.
#[inline(never)]
pub(crate) fn rollout(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let Some(sub) = args.positional.first().cloned() else {
        exec.out(ROLLOUT_HELP);
        return 0;
    };
    let mut rest = args.clone();
    rest.positional.remove(0);
    match sub.as_str() {
        "status" => status(s, &rest, exec),
        "restart" => restart(&mut s.ctx(), &rest, exec),
        "history" => history(&mut s.ctx(), &rest, exec),
        "undo" => undo(&mut s.ctx(), &rest, exec),
        "pause" | "resume" => {
            exec.err(format!(
                "error: kubectl rollout {sub} is not simulated here; the simulated ones are status, restart, history and undo\n"
            ));
            1
        }
        other => {
            exec.err(format!(
                "error: unknown command \"{other}\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage.\n"
            ));
            1
        }
    }
}

/// What `rollout status` says of a workload now, and whether it is done.
fn rollout_message(s: &Ctx, r: Resource, ns: &str, name: &str) -> Option<(String, bool)> {
    let c = &s.sim.world.cluster;
    let key = (ns.to_string(), name.to_string());
    match r {
        Resource::Deployments => {
            let d = c.deployments.get(&key)?;
            let want = d.spec.replicas.unwrap_or(1);
            let st = &d.status;
            let updated = st.updated_replicas.unwrap_or(0);
            let total = st.replicas.unwrap_or(0);
            let available = st.available_replicas.unwrap_or(0);
            Some(if updated < want {
                (format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {want} new replicas have been updated...\n"), false)
            } else if total > updated {
                (format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...\n", total - updated), false)
            } else if available < updated {
                (format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...\n"), false)
            } else {
                (
                    format!("deployment \"{name}\" successfully rolled out\n"),
                    true,
                )
            })
        }
        Resource::DaemonSets => {
            let d = c.daemonsets.get(&key)?;
            let st = &d.status;
            let desired = st.desired_number_scheduled;
            let updated = st.updated_number_scheduled.unwrap_or(0);
            let available = st.number_available.unwrap_or(0);
            Some(if updated < desired {
                (format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated...\n"), false)
            } else if available < desired {
                (format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available...\n"), false)
            } else {
                (
                    format!("daemon set \"{name}\" successfully rolled out\n"),
                    true,
                )
            })
        }
        Resource::StatefulSets => {
            let sts = c.statefulsets.get(&key)?;
            let want = sts.replicas();
            let ready = sts.status.ready_replicas.unwrap_or(0);
            let updated = sts.status.updated_replicas.unwrap_or(0);
            Some(if ready < want {
                (
                    format!("Waiting for {} pods to be ready...\n", want - ready),
                    false,
                )
            } else if updated < want {
                (format!("Waiting for partitioned roll out to finish: {updated} out of {want} new pods have been updated...\n"), false)
            } else {
                // The API server defaults `rollingUpdate.partition` to 0.
                (
                    format!(
                        "partitioned roll out complete: {updated} new pods have been updated...\n"
                    ),
                    true,
                )
            })
        }
        _ => None,
    }
}

/// How long a rollout may make no progress (`progressDeadlineSeconds`).
const PROGRESS_DEADLINE_MS: Millis = 600_000;

fn status(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let Some(targets) = targets(&s.ctx(), args, exec) else {
        return 1;
    };
    let Some(limit) = timeout(args, 0, exec) else {
        return 1;
    };
    let ns = args.ns();
    if targets.is_empty() {
        exec.err(format!("No resources found in {ns} namespace.\n"));
        return 0;
    }
    for (r, name) in targets {
        if !matches!(
            r,
            Resource::Deployments | Resource::DaemonSets | Resource::StatefulSets
        ) {
            exec.err(format!(
                "error: no status viewer has been implemented for {}\n",
                r.kind()
            ));
            return 1;
        }
        if rollout_message(&s.ctx(), r, &ns, &name).is_none() {
            exec.err(format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                r.plural()
            ));
            return 1;
        }
        // The watch reports each change of the object's status, and
        // kubectl prints its status line each time.
        let start = s.sim.now;
        let mut last: Option<Value> = None;
        let deadline = start
            + if limit > 0 {
                limit
            } else {
                PROGRESS_DEADLINE_MS
            };
        let done = s.wait_until(deadline, exec, |s, exec| {
            let Some((msg, done)) = rollout_message(&s.ctx(), r, &ns, &name) else {
                return true;
            };
            let seen = object(&s.ctx(), r, &ns, &name).and_then(|o| o.get("status").cloned());
            if last.is_none() || last != seen {
                exec.out(msg);
                last = seen.or(Some(Value::Null));
            }
            done
        });
        if rollout_message(&s.ctx(), r, &ns, &name).is_none() {
            exec.err("error: object has been deleted\n");
            return 1;
        }
        if !done {
            if s.term.rt.budget.exhausted().is_some() {
                return 1;
            }
            if limit > 0 {
                exec.err("error: timed out waiting for the condition\n");
            } else {
                exec.err(format!(
                    "error: {} \"{name}\" exceeded its progress deadline\n",
                    r.kind().to_ascii_lowercase()
                ));
            }
            return 1;
        }
    }
    0
}

fn restart(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let Some(targets) = targets(s, args, exec) else {
        return 1;
    };
    let ns = args.ns();
    if targets.is_empty() {
        exec.err(format!("No resources found in {ns} namespace.\n"));
        return 0;
    }
    let now = s.sim.now;
    let stamp = crate::cluster::rfc3339(now);
    let mut failed = false;
    for (r, name) in targets {
        let key = (ns.clone(), name.clone());
        let c = &mut s.sim.world.cluster;
        let template = match r {
            Resource::Deployments => c.deployments.get_mut(&key).map(|d| &mut d.spec.template),
            Resource::DaemonSets => c.daemonsets.get_mut(&key).map(|d| &mut d.spec.template),
            Resource::StatefulSets => c.statefulsets.get_mut(&key).map(|d| &mut d.spec.template),
            _ => {
                exec.err(format!(
                    "error: {} \"{name}\" restarting is not supported\n",
                    r.plural()
                ));
                failed = true;
                continue;
            }
        };
        let Some(template) = template else {
            exec.err(format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                r.plural()
            ));
            failed = true;
            continue;
        };
        let ann = &mut template.metadata.annotations;
        if ann.get("kubectl.kubernetes.io/restartedAt") == Some(&stamp) {
            exec.err(format!("error: failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another\n"));
            failed = true;
            continue;
        }
        ann.insert("kubectl.kubernetes.io/restartedAt".into(), stamp.clone());
        c.changed();
        c.reconcile(now);
        exec.out(format!("{}/{name} restarted\n", r.singular()));
    }
    i32::from(failed)
}

/// A Deployment's ReplicaSets by revision (`deployment.kubernetes.io/revision`).
fn revisions(s: &Ctx, ns: &str, name: &str) -> Vec<(i64, crate::cluster::objects::ReplicaSet)> {
    let mut out: Vec<(i64, crate::cluster::objects::ReplicaSet)> = s
        .sim
        .world
        .cluster
        .replicasets
        .iter()
        .filter(|(k, rs)| k.0 == ns && rs.deployment() == Some(name))
        .filter_map(|(_, rs)| {
            let rev = rs
                .metadata
                .annotations
                .get("deployment.kubernetes.io/revision")?
                .parse()
                .ok()?;
            Some((rev, rs.clone()))
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    out
}

/// A revision flag's number (`--revision`, `--to-revision`), 0 when absent.
fn revision_flag(args: &Args, flag: &str, exec: &mut Execution) -> Option<i64> {
    match args.value(flag) {
        None => Some(0),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            Ok(_) => {
                exec.err(format!("error: revision must be a positive integer: {v}\n"));
                None
            }
            Err(_) => {
                exec.err(format!(
                    "error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout {} -h' for help and examples\n",
                    if flag == "revision" { "history" } else { "undo" }
                ));
                None
            }
        },
    }
}

/// `kubectl rollout history`: a Deployment's revisions from its
/// ReplicaSets, or one revision's pod template with `--revision`.
fn history(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let Some(targets) = targets(s, args, exec) else {
        return 1;
    };
    let Some(wanted) = revision_flag(args, "revision", exec) else {
        return 1;
    };
    let ns = args.ns();
    let mut failed = false;
    for (r, name) in targets {
        if r != Resource::Deployments {
            exec.err(format!(
                "error: kubectl rollout history of {} (kept in ControllerRevisions) is not simulated here; that of deployments is\n",
                r.plural()
            ));
            failed = true;
            continue;
        }
        if !s
            .sim
            .world
            .cluster
            .deployments
            .contains_key(&(ns.clone(), name.clone()))
        {
            exec.err(format!(
                "Error from server (NotFound): deployments.apps \"{name}\" not found\n"
            ));
            failed = true;
            continue;
        }
        let revs = revisions(s, &ns, &name);
        if wanted > 0 {
            let Some((_, rs)) = revs.iter().find(|(n, _)| *n == wanted) else {
                exec.err("error: unable to find the specified revision\n");
                failed = true;
                continue;
            };
            let mut o = String::new();
            super::describe::pod_template(&rs.spec.template, &mut o);
            exec.out(format!(
                "deployment.apps/{name} with revision #{wanted}\n{}\n",
                crate::shell::tabwriter::DESCRIBE.format(&o)
            ));
            continue;
        }
        let mut t = String::from("REVISION\tCHANGE-CAUSE\n");
        for (n, rs) in &revs {
            let cause = rs
                .metadata
                .annotations
                .get("kubernetes.io/change-cause")
                .cloned()
                .unwrap_or_else(|| "<none>".into());
            t.push_str(&format!("{n}\t{cause}\n"));
        }
        exec.out(format!(
            "deployment.apps/{name} \n{}\n",
            crate::shell::tabwriter::DESCRIBE.format(&t)
        ));
    }
    i32::from(failed)
}

/// `kubectl rollout undo`: the Deployment's template set back to that of
/// the previous revision's ReplicaSet (or `--to-revision`'s); the
/// controller then rolls out to it.
fn undo(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let Some(targets) = targets(s, args, exec) else {
        return 1;
    };
    let Some(to) = revision_flag(args, "to-revision", exec) else {
        return 1;
    };
    let ns = args.ns();
    let now = s.sim.now;
    let mut failed = false;
    for (r, name) in targets {
        if r != Resource::Deployments {
            exec.err(format!(
                "error: kubectl rollout undo of {} (kept in ControllerRevisions) is not simulated here; that of deployments is\n",
                r.plural()
            ));
            failed = true;
            continue;
        }
        let key = (ns.clone(), name.clone());
        let Some(d) = s.sim.world.cluster.deployments.get(&key).cloned() else {
            exec.err(format!(
                "Error from server (NotFound): deployments.apps \"{name}\" not found\n"
            ));
            failed = true;
            continue;
        };
        let revs = revisions(s, &ns, &name);
        // `deploymentRevision`: the asked revision, or the newest but one.
        let target = if to > 0 {
            match revs.iter().find(|(n, _)| *n == to) {
                Some((_, rs)) => rs.clone(),
                None => {
                    exec.err(format!(
                        "error: unable to find specified revision {to} in history\n"
                    ));
                    failed = true;
                    continue;
                }
            }
        } else {
            match revs.len().checked_sub(2).and_then(|i| revs.get(i)) {
                Some((_, rs)) => rs.clone(),
                None => {
                    exec.err(format!(
                        "error: no rollout history found for deployment \"{name}\"\n"
                    ));
                    failed = true;
                    continue;
                }
            }
        };
        let mut template = target.spec.template.clone();
        template.metadata.labels.remove("pod-template-hash");
        if template == d.spec.template {
            exec.out(format!(
                "deployment.apps/{name} skipped rollback (current template already matches revision {to})\n"
            ));
            continue;
        }
        let mut next = d.clone();
        next.spec.template = template;
        match s
            .sim
            .world
            .cluster
            .update(crate::cluster::apiserver::Object::Deployment(next), now)
        {
            Ok(_) => exec.out(format!("deployment.apps/{name} rolled back\n")),
            Err(e) => {
                super::print_api_error(exec, &e, None);
                failed = true;
            }
        }
    }
    i32::from(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_as_kubectl_reads_them() {
        assert!(matches!(
            parse_condition("condition=Ready"),
            Ok(Condition::Status { ref name, ref value }) if name == "Ready" && value == "true"
        ));
        assert!(matches!(parse_condition("Delete"), Ok(Condition::Delete)));
        assert!(matches!(
            parse_condition("jsonpath={.status.phase}=Running"),
            Ok(Condition::JsonPath { ref template, ref value }) if template == "{.status.phase}" && value == "Running"
        ));
        assert_eq!(
            parse_condition("ready").err(),
            Some("unrecognized condition: \"ready\"".to_string())
        );
        assert_eq!(split_jsonpath("a==b=c"), vec!["a==b", "c"]);
    }
}
