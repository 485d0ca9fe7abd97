//! The scheduler and the kubelet, over simulated time.
//!
//! The scheduler binds a pod to a node at once (fewest pods first, then node
//! order). The kubelet then takes it through what a real one does, each
//! step at its own simulated moment:
//!
//! 1. the sandbox: a few hundred milliseconds, then the pod's address from
//!    the node's host-local allocator ([`super::super::ipam`]);
//! 2. each container's image: pulled (`Always` for `:latest` or no tag,
//!    `IfNotPresent` otherwise), with a first pull on a node taking seconds
//!    and the node's pulls one at a time; an image the simulated registry
//!    lacks fails, with the pull back-off;
//! 3. the container starts (`Created`, `Started`); its program runs until
//!    it exits (client images) or forever (servers);
//! 4. its probes run every `periodSeconds` after `initialDelaySeconds`: the
//!    readiness probe decides Ready, the liveness probe restarts it after
//!    `failureThreshold` failures; an exited container is restarted as its
//!    `restartPolicy` says, with the crash-loop back-off.
//!
//! The kubelet never touches the network itself: probes and the commands
//! of client containers are [`KubeletRequest`]s the world runs (over the
//! simulated network, or in the pod's shell) and reports back with
//! [`probe_done`] and [`launch_done`].

use crate::cluster::events::Involved;
use crate::cluster::images;
use crate::cluster::objects::*;
use crate::cluster::probe::{ProbeKind, ProbeSpec};
use crate::cluster::{Cluster, Key};
use crate::map::Set;
use std::collections::HashMap;

/// What the kubelet of one node remembers: the images it has, when its
/// (serialized) image pulls are free again, and its address allocator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeKubelet {
    pub images: Set<String>,
    /// When the node's image pulls (one at a time) are free again.
    pub pull_free_at: Option<i64>,
    /// The host-local IPAM plugin's last reserved address.
    pub last_reserved: Option<std::net::Ipv4Addr>,
    /// When the last sandbox bound to this node is (or was) made.
    pub last_sandbox_at: Option<i64>,
}

/// Sandboxes on one node are made one after another, this far apart at
/// least.
const SANDBOX_GAP_MS: i64 = 60;

/// Something the kubelet needs the world to do at its moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeletRequest {
    pub pod: Key,
    pub container: usize,
    pub what: Request,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Run a probe.
    Probe(ProbeKind, ProbeSpec),
    /// Run the container's command in the pod (a client image's process).
    Launch(Vec<String>),
}

/// A probe's verdict, and the message the kubelet's event gives a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    pub ok: bool,
    pub message: String,
}

/// A deterministic spread of `0..max` for `seed`, so that timings look
/// like a real cluster's without drawing from the seeded generator (which
/// would shift every later random choice).
pub(crate) fn jitter(seed: &str, max: i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    i64::from(crate::text::fnv1a(seed.as_bytes())) % max
}

fn pod_ref(key: &Key, pod: &Pod) -> Involved {
    Involved {
        kind: "Pod".into(),
        namespace: key.0.clone(),
        name: key.1.clone(),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        field_path: String::new(),
    }
}

/// The scheduler's Warning for a pod no node can take, once per pod (the
/// real scheduler repeats it with back-off; once says the same here), with
/// the reasons counted per node as kube-scheduler words them.
fn failed_scheduling(c: &mut Cluster, key: &Key, now: i64) {
    let Some(pod) = c.pods.get_mut(key) else {
        return;
    };
    if pod.status.runtime.unschedulable_told {
        return;
    }
    pod.status.runtime.unschedulable_told = true;
    let pod = pod.clone();
    let involved = pod_ref(key, &pod);
    let (mut unmatched, mut full) = (0, 0);
    for (i, n) in c.nodes.iter().enumerate() {
        if !pod.fits_node(&crate::cluster::node_labels(i, &n.name)) {
            unmatched += 1;
        } else {
            full += 1;
        }
    }
    let total = c.nodes.len();
    let mut reasons = vec![];
    let mut preemption = vec![];
    if full > 0 {
        reasons.push(format!("{full} Too many pods"));
        preemption.push(format!(
            "{full} No preemption victims found for incoming pod"
        ));
    }
    if unmatched > 0 {
        reasons.push(format!(
            "{unmatched} node(s) didn't match Pod's node affinity/selector"
        ));
        preemption.push(format!(
            "{unmatched} Preemption is not helpful for scheduling"
        ));
    }
    let message = format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        reasons.join(", "),
        preemption.join(", ")
    );
    c.record(
        involved,
        "Warning",
        "FailedScheduling",
        message,
        "default-scheduler",
        None,
        now,
    );
}

/// The scheduler: binds every unbound pod, and gives the kubelet its first step.
pub(crate) fn schedule(c: &mut Cluster, now: i64) {
    // The scheduling queue takes pods in the order they were created, so a
    // lesson's pods (and a controller's) are set up in the order they were
    // made and get their addresses in that order. A pod no node could take
    // is tried again only once a pod is gone: nothing else makes room
    // (nodes and their labels do not change).
    let retry = c.memo.scheduled_after != Some(c.memo.pods_deleted);
    c.memo.scheduled_after = Some(c.memo.pods_deleted);
    let mut queue: Vec<(i64, u64, Key)> = c
        .pods
        .iter()
        .filter(|(_, p)| {
            let rt = &p.status.runtime;
            rt.scheduled_at.is_none() && (retry || !rt.unschedulable_told)
        })
        .map(|(k, p)| (p.metadata.created_ms, p.metadata.created_seq, k.clone()))
        .collect();
    if queue.is_empty() {
        return;
    }
    crate::sort::sort(&mut queue);
    // What each node holds, counted once and kept up to date as pods are
    // bound: all its pods (every one counts against maxPods), those not on
    // the host's network, and each owner's of those.
    let mut all_on_node: HashMap<String, usize> = HashMap::new();
    let mut on_node: HashMap<String, usize> = HashMap::new();
    let mut siblings: HashMap<(String, String), usize> = HashMap::new();
    for p in c.pods.values() {
        let Some(n) = p.spec.node_name.as_ref() else {
            continue;
        };
        *all_on_node.entry(n.clone()).or_default() += 1;
        if p.spec.host_network != Some(true) {
            *on_node.entry(n.clone()).or_default() += 1;
            for o in &p.metadata.owner_references {
                *siblings.entry((n.clone(), o.uid.clone())).or_default() += 1;
            }
        }
    }
    c.spend(c.pods.len() + queue.len() * c.nodes.len());
    for (_, _, key) in queue {
        let Some(pod) = c.pods.get(&key) else {
            continue;
        };
        let at = now.max(pod.metadata.created_ms);
        let node = match pod.spec.node_name.clone() {
            Some(n) => c.node(&n).map(|n| n.name.clone()),
            None => {
                // The default scheduler's scores, in their order of weight:
                // spread a controller's pods over the nodes (the system
                // default topology spread), then the least loaded node.
                // The kubelet's default `maxPods`: a full node takes no
                // more, and a pod no node can take stays Pending.
                let owner = pod.metadata.owner_references.first().map(|o| o.uid.clone());
                // `nodeSelector`: only nodes with every label it names.
                c.nodes
                    .iter()
                    .enumerate()
                    .filter(|(i, n)| pod.fits_node(&crate::cluster::node_labels(*i, &n.name)))
                    .map(|(_, n)| n)
                    .map(|n| {
                        // Every pod counts against the kubelet's maxPods,
                        // the control plane's and the node agents' too.
                        let all = all_on_node.get(&n.name).copied().unwrap_or(0);
                        let here = on_node.get(&n.name).copied().unwrap_or(0);
                        let siblings = match &owner {
                            Some(uid) => siblings
                                .get(&(n.name.clone(), uid.clone()))
                                .copied()
                                .unwrap_or(0),
                            None => 0,
                        };
                        ((siblings, here), all, n)
                    })
                    .filter(|(_, all, _)| *all < crate::cluster::capacity::MAX_PODS_PER_NODE)
                    .min_by_key(|(score, _, _)| *score)
                    .map(|(_, _, n)| n.name.clone())
            }
        };
        let Some(node) = node else {
            failed_scheduling(c, &key, now);
            continue;
        };
        let bound_by_user = pod.spec.node_name.is_some();
        if !bound_by_user {
            *all_on_node.entry(node.clone()).or_default() += 1;
            if pod.spec.host_network != Some(true) {
                *on_node.entry(node.clone()).or_default() += 1;
                for o in &pod.metadata.owner_references {
                    *siblings.entry((node.clone(), o.uid.clone())).or_default() += 1;
                }
            }
        }
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let involved = pod_ref(&key, pod);
        let containers: Vec<ContainerRuntime> = pod
            .spec
            .containers
            .iter()
            .map(|ct| ContainerRuntime::new(&ct.name))
            .collect();
        // The sandbox: the pause container and the CNI's work. The CNI
        // plugin runs once at a time on a node (host-local holds a lock on
        // its store), so sandboxes are made in the order the pods were
        // bound, and addresses follow that order.
        let due = at + 350 + jitter(&format!("{uid}/sandbox"), 400);
        let kubelet = c.kubelets.entry(node.clone()).or_default();
        let due = match kubelet.last_sandbox_at {
            Some(last) if last >= due => last + SANDBOX_GAP_MS,
            _ => due,
        };
        kubelet.last_sandbox_at = Some(due);
        if let Some(p) = c.pods.get_mut(&key) {
            p.spec.node_name = Some(node.clone());
            let rt = &mut p.status.runtime;
            rt.scheduled_at = Some(at);
            rt.sandbox_at = Some(due);
            rt.containers = containers;
            p.status.host_ip = c
                .nodes
                .iter()
                .find(|n| n.name == node)
                .map(|n| n.ip.to_string());
            refresh_status(p, at);
        }
        if !bound_by_user {
            c.record(
                involved,
                "Normal",
                "Scheduled",
                format!("Successfully assigned {}/{} to {node}", key.0, key.1),
                "default-scheduler",
                None,
                at,
            );
        }
        c.changed();
    }
}

/// The earliest moment the kubelet has something to do, if it has.
pub(crate) fn next_due(c: &Cluster) -> Option<i64> {
    let mut next: Option<i64> = None;
    let mut take = |t: i64| next = Some(next.map_or(t, |n: i64| n.min(t)));
    for pod in c.pods.values() {
        let rt = &pod.status.runtime;
        if rt.scheduled_at.is_none() {
            continue;
        }
        if !rt.sandbox_ready {
            if let Some(t) = rt.sandbox_at {
                take(t);
            }
            continue;
        }
        for ct in &rt.containers {
            if let Some((t, _)) = &ct.next {
                take(*t);
            }
            if let Some(t) = ct.readiness.next_at {
                take(t);
            }
            if let Some(t) = ct.liveness.next_at {
                take(t);
            }
        }
    }
    next
}

/// Whether work is under way that a moment's patience finishes: a pod not
/// yet started, an image being pulled, a probe that has not yet judged its
/// container, or one whose verdict is changing. A pod that cannot start (an
/// image that does not exist) or that crash-loops is settled: waiting does
/// not change what it is.
pub(crate) fn pending(c: &Cluster) -> bool {
    c.pods.iter().any(|(_, pod)| {
        let rt = &pod.status.runtime;
        if rt.scheduled_at.is_none() {
            // Unschedulable pods wait for a node that is not coming.
            return false;
        }
        if !rt.sandbox_ready {
            return true;
        }
        rt.containers.iter().enumerate().any(|(i, ct)| {
            let creating = matches!(
                ct.next,
                Some((_, Due::EnsureImage | Due::Pulled { .. } | Due::Start))
            ) && ct.pull_failures == 0
                && ct.restarts == 0;
            let spec = pod.spec.containers.get(i);
            let readiness_open = ct.running()
                && spec
                    .and_then(|s| ProbeSpec::of(s, ProbeKind::Readiness))
                    .is_some_and(|p| {
                        !ct.readiness.judged
                            || (ct.ready && ct.readiness.failures > 0)
                            || (!ct.ready && ct.readiness.successes > 0)
                            || ct.readiness.failures.min(p.failure_threshold)
                                != ct.readiness.failures
                    });
            creating || readiness_open
        })
    })
}

/// The pull policy of a container: as given, or the API server's default
/// (`Always` for `:latest` or no tag, `IfNotPresent` otherwise).
pub fn pull_policy(ct: &Container) -> String {
    if let Some(p) = ct.image_pull_policy.as_ref().and_then(|v| v.as_str()) {
        if matches!(p, "Always" | "IfNotPresent" | "Never") {
            return p.to_string();
        }
    }
    if ct.image.contains('@') {
        return "IfNotPresent".into();
    }
    match images::tag(&ct.image).as_deref() {
        None | Some("latest") => "Always".into(),
        Some(_) => "IfNotPresent".into(),
    }
}

/// Go's `time.Duration` of whole milliseconds, as the kubelet prints one
/// (`421ms`, `2.134s`, `1m3.5s`).
pub fn go_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = |ms: i64| {
        let whole = ms / 1000;
        let frac = ms % 1000;
        if frac == 0 {
            format!("{whole}s")
        } else {
            let f = format!("{frac:03}");
            format!("{whole}.{}s", f.trim_end_matches('0'))
        }
    };
    let h = ms / 3_600_000;
    let m = ms / 60_000 % 60;
    let rest = ms % 60_000;
    if h > 0 {
        format!("{h}h{m}m{}", secs(rest))
    } else if m > 0 {
        format!("{m}m{}", secs(rest))
    } else {
        secs(ms)
    }
}

/// Work for each pod a kubelet step looks at.
const POD_STEP_COST: usize = 110;

/// Does everything the kubelet has to do at or before `now`, oldest first,
/// and returns the requests for the world, due at `now`.
pub(crate) fn step(c: &mut Cluster, now: i64) -> Vec<KubeletRequest> {
    let mut requests = vec![];
    // Every pod is looked at (and, to find the next step, again).
    c.spend(c.pods.len() * POD_STEP_COST);
    // Sandboxes first, in the order they are due: the CNI's address
    // allocator hands out addresses in that order.
    let mut due: Vec<(i64, u64, Key)> = c
        .pods
        .iter()
        .filter_map(|(k, p)| {
            let rt = &p.status.runtime;
            let at = rt.sandbox_at.filter(|t| *t <= now && !rt.sandbox_ready)?;
            Some((at, p.metadata.created_seq, k.clone()))
        })
        .collect();
    crate::sort::sort(&mut due);
    for (_, _, key) in &due {
        sandbox(c, key, now);
    }
    let keys: Vec<Key> = c.pods.keys().cloned().collect();
    for key in keys {
        let n = c.pods.get(&key).map_or(0, |p| p.spec.containers.len());
        for i in 0..n {
            // A container's steps can chain at the same moment (a pull that
            // needs no time, a program that exits at once): a few rounds.
            for _ in 0..8 {
                let due = c
                    .pods
                    .get(&key)
                    .and_then(|p| p.status.runtime.containers.get(i))
                    .and_then(|ct| ct.next.clone())
                    .filter(|(t, _)| *t <= now);
                let Some((at, what)) = due else { break };
                if let Some(p) = c.pods.get_mut(&key) {
                    p.status.runtime.containers[i].next = None;
                }
                if let Some(r) = container_step(c, &key, i, at, what) {
                    requests.push(r);
                }
            }
            for kind in [ProbeKind::Readiness, ProbeKind::Liveness] {
                let Some(pod) = c.pods.get_mut(&key) else {
                    continue;
                };
                let Some(ct) = pod.status.runtime.containers.get_mut(i) else {
                    continue;
                };
                let track = match kind {
                    ProbeKind::Readiness => &mut ct.readiness,
                    ProbeKind::Liveness => &mut ct.liveness,
                };
                let Some(at) = track.next_at.filter(|t| *t <= now) else {
                    continue;
                };
                let Some(spec) = pod
                    .spec
                    .containers
                    .get(i)
                    .and_then(|s| ProbeSpec::of(s, kind))
                else {
                    track.next_at = None;
                    continue;
                };
                // The next tick, one period on.
                track.next_at = Some(at + spec.period_ms);
                requests.push(KubeletRequest {
                    pod: key.clone(),
                    container: i,
                    what: Request::Probe(kind, spec),
                });
            }
        }
        if let Some(p) = c.pods.get_mut(&key) {
            refresh_status(p, now);
        }
    }
    requests
}

/// The sandbox is made: the pod gets its address, and its first container
/// its first step.
fn sandbox(c: &mut Cluster, key: &Key, now: i64) {
    let Some(pod) = c.pods.get(key) else { return };
    let rt = &pod.status.runtime;
    let Some(at) = rt.sandbox_at.filter(|t| *t <= now && !rt.sandbox_ready) else {
        return;
    };
    let Some(node) = pod.spec.node_name.clone().and_then(|n| c.node(&n).cloned()) else {
        return;
    };
    let ip = if pod.spec.host_network == Some(true) {
        Some(node.ip)
    } else {
        crate::cluster::ipam::allocate(c, &node, key)
    };
    let Some(ip) = ip else {
        // The node's range is full: the CNI fails, and the kubelet retries.
        if let Some(p) = c.pods.get_mut(key) {
            p.status.runtime.sandbox_at = Some(now + 10_000);
        }
        return;
    };
    if let Some(p) = c.pods.get_mut(key) {
        p.status.pod_ip = Some(ip.to_string());
        p.status.runtime.sandbox_ready = true;
        if let Some(first) = p.status.runtime.containers.first_mut() {
            first.next = Some((at, Due::EnsureImage));
        }
        refresh_status(p, at);
    }
    c.changed();
}

/// The image's name as the node's image store keys it.
fn image_key(image: &str) -> String {
    format!(
        "{}:{}",
        images::repository(image),
        images::tag(image).unwrap_or_else(|| "latest".into())
    )
}

/// One step of one container.
fn container_step(
    c: &mut Cluster,
    key: &Key,
    i: usize,
    at: i64,
    what: Due,
) -> Option<KubeletRequest> {
    let pod = c.pods.get(key)?.clone();
    let spec = pod.spec.containers.get(i)?.clone();
    let node = pod.spec.node_name.clone().unwrap_or_default();
    let involved = pod_ref(key, &pod).container(&spec.name);
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let restarts = pod.status.runtime.containers.get(i)?.restarts;
    let seed = format!("{uid}/{}/{restarts}", spec.name);
    let kubelet = |c: &mut Cluster, type_: &'static str, reason: &str, msg: String, t: i64| {
        c.record(
            involved.clone(),
            type_,
            reason,
            msg,
            "kubelet",
            Some(node.clone()),
            t,
        )
    };
    let set_next = |c: &mut Cluster, next: Option<(i64, Due)>| {
        if let Some(p) = c.pods.get_mut(key) {
            p.status.runtime.containers[i].next = next;
        }
    };
    let set_waiting = |c: &mut Cluster, reason: &str| {
        if let Some(p) = c.pods.get_mut(key) {
            p.status.runtime.containers[i].state = ContainerState::Waiting {
                reason: reason.into(),
            };
        }
    };
    c.changed();
    match what {
        Due::EnsureImage => {
            let policy = pull_policy(&spec);
            let ikey = image_key(&spec.image);
            let state = c.kubelets.entry(node.clone()).or_default();
            let present = state.images.contains(&ikey);
            let known = images::known(&spec.image, &spec.args).is_some();
            if present && policy != "Always" {
                kubelet(
                    c,
                    "Normal",
                    "Pulled",
                    format!(
                        "Container image \"{}\" already present on machine",
                        spec.image
                    ),
                    at,
                );
                set_next(c, Some((at + 40 + jitter(&seed, 60), Due::Start)));
                return None;
            }
            if policy == "Never" {
                kubelet(
                    c,
                    "Warning",
                    "ErrImageNeverPull",
                    format!(
                        "Container image \"{}\" is not present with pull policy of Never",
                        spec.image
                    ),
                    at,
                );
                set_waiting(c, "ErrImageNeverPull");
                return None;
            }
            kubelet(
                c,
                "Normal",
                "Pulling",
                format!("Pulling image \"{}\"", spec.image),
                at,
            );
            if !known {
                set_next(c, Some((at + 900 + jitter(&seed, 400), Due::PullFailed)));
                return None;
            }
            let size = images::size(&spec.image);
            // A registry round trip for what is cached; the layers otherwise.
            let pull_ms = if present {
                250 + jitter(&seed, 400)
            } else {
                400 + (size / 40_000) as i64 + jitter(&seed, 300)
            };
            let state = c.kubelets.entry(node.clone()).or_default();
            let start = state.pull_free_at.map_or(at, |free| at.max(free));
            state.pull_free_at = Some(start + pull_ms);
            set_next(
                c,
                Some((
                    start + pull_ms,
                    Due::Pulled {
                        pulling_at: at,
                        pull_ms,
                        size,
                    },
                )),
            );
            None
        }
        Due::Pulled {
            pulling_at,
            pull_ms,
            size,
        } => {
            c.kubelets
                .entry(node.clone())
                .or_default()
                .images
                .insert(image_key(&spec.image));
            kubelet(
                c,
                "Normal",
                "Pulled",
                format!(
                    "Successfully pulled image \"{}\" in {} ({} including waiting). Image size: {size} bytes.",
                    spec.image,
                    go_duration(pull_ms),
                    go_duration(at - pulling_at)
                ),
                at,
            );
            set_next(c, Some((at + 40 + jitter(&seed, 60), Due::Start)));
            None
        }
        Due::PullFailed => {
            let repo = images::repository(&spec.image);
            let reference = format!(
                "docker.io/{}{}:{}",
                if repo.contains('/') { "" } else { "library/" },
                repo,
                images::tag(&spec.image).unwrap_or_else(|| "latest".into())
            );
            kubelet(
                c,
                "Warning",
                "Failed",
                format!(
                    "Failed to pull image \"{}\": failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
                    spec.image
                ),
                at,
            );
            kubelet(c, "Warning", "Failed", "Error: ErrImagePull".into(), at);
            set_waiting(c, "ErrImagePull");
            if let Some(p) = c.pods.get_mut(key) {
                p.status.runtime.containers[i].pull_failures += 1;
            }
            set_next(c, Some((at + 1000 + jitter(&seed, 500), Due::PullBackOff)));
            None
        }
        Due::PullBackOff => {
            kubelet(
                c,
                "Normal",
                "BackOff",
                format!("Back-off pulling image \"{}\"", spec.image),
                at,
            );
            kubelet(c, "Warning", "Failed", "Error: ImagePullBackOff".into(), at);
            set_waiting(c, "ImagePullBackOff");
            let failures = c
                .pods
                .get(key)
                .map_or(1, |p| p.status.runtime.containers[i].pull_failures);
            set_next(c, Some((at + backoff_ms(failures), Due::EnsureImage)));
            None
        }
        Due::Start => {
            kubelet(
                c,
                "Normal",
                "Created",
                format!("Created container {}", spec.name),
                at,
            );
            // A command the image does not have: the runtime cannot start it.
            if let images::MainProcess::Runs(argv) = images::main_process(&spec) {
                let program = argv.first().cloned().unwrap_or_default();
                if program.is_empty() || !images::has_command(&spec.image, &program) {
                    let message = format!("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown");
                    kubelet(c, "Warning", "Failed", format!("Error: {message}"), at);
                    terminate(c, key, i, at, 128, "StartError");
                    if let Some(p) = c.pods.get_mut(key) {
                        let ct = &mut p.status.runtime.containers[i];
                        if let ContainerState::Terminated(t) = &mut ct.state {
                            t.message = message.clone();
                        }
                        if let Some(t) = &mut ct.last_state {
                            t.message = message;
                        }
                    }
                    return None;
                }
            }
            kubelet(
                c,
                "Normal",
                "Started",
                format!("Started container {}", spec.name),
                at,
            );
            let process = images::main_process(&spec);
            let startup = crate::cluster::startup_logs::startup_log(&spec, &pod, &node, at);
            if let Some(p) = c.pods.get_mut(key) {
                let ct = &mut p.status.runtime.containers[i];
                ct.state = ContainerState::Running { since: at };
                ct.readiness = ProbeTrack::default();
                ct.liveness = ProbeTrack::default();
                ct.log.extend(startup);
                if let Some(r) = ProbeSpec::of(&spec, ProbeKind::Readiness) {
                    ct.ready = false;
                    ct.readiness.next_at = Some(at + r.initial_delay_ms);
                } else {
                    ct.ready = true;
                }
                if let Some(l) = ProbeSpec::of(&spec, ProbeKind::Liveness) {
                    ct.liveness.next_at = Some(at + l.initial_delay_ms);
                }
                // The next container of the pod starts after this one.
                if let Some(next) = p.status.runtime.containers.get_mut(i + 1) {
                    if next.next.is_none() && next.restarts == 0 && !next.running() {
                        next.next = Some((at, Due::EnsureImage));
                    }
                }
            }
            match process {
                images::MainProcess::Serves | images::MainProcess::Forever => None,
                images::MainProcess::Exits { after_ms, code } => {
                    set_next(c, Some((at + after_ms, Due::Exit(code))));
                    None
                }
                images::MainProcess::Runs(argv) => Some(KubeletRequest {
                    pod: key.clone(),
                    container: i,
                    what: Request::Launch(argv),
                }),
            }
        }
        Due::Exit(code) => {
            let reason = match code {
                0 => "Completed",
                // The runtime could not start the process (not in the image).
                128 => "StartError",
                _ => "Error",
            };
            terminate(c, key, i, at, code, reason);
            None
        }
        Due::Restart => {
            if let Some(p) = c.pods.get_mut(key) {
                let ct = &mut p.status.runtime.containers[i];
                ct.restarts += 1;
                ct.previous_log = std::mem::take(&mut ct.log);
                ct.connections = 0;
                ct.state = ContainerState::Waiting {
                    reason: "ContainerCreating".into(),
                };
            }
            set_next(c, Some((at, Due::EnsureImage)));
            None
        }
    }
}

/// The crash-loop and pull back-off: nothing the first time, then 10 s,
/// doubling up to five minutes.
fn backoff_ms(times: u32) -> i64 {
    if times == 0 {
        return 0;
    }
    (10_000i64 << (times - 1).min(5)).min(300_000)
}

/// The container's process ended (exited, or was killed): what the
/// `restartPolicy` does next.
fn terminate(c: &mut Cluster, key: &Key, i: usize, at: i64, code: i32, reason: &str) {
    let Some(p) = c.pods.get_mut(key) else { return };
    let policy = p
        .spec
        .restart_policy
        .clone()
        .unwrap_or_else(|| "Always".into());
    let name = p
        .spec
        .containers
        .get(i)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let uid = p.metadata.uid.clone().unwrap_or_default();
    let involved = pod_ref(key, p).container(&name);
    let node = p.spec.node_name.clone();
    let ct = &mut p.status.runtime.containers[i];
    let started = ct.started_at().unwrap_or(at);
    let done = Terminated {
        reason: reason.to_string(),
        exit_code: code,
        started,
        finished: at,
        message: String::new(),
    };
    ct.ready = false;
    ct.readiness = ProbeTrack::default();
    ct.liveness = ProbeTrack::default();
    let restart = match policy.as_str() {
        "Never" => false,
        "OnFailure" => code != 0,
        _ => true,
    };
    ct.last_state = Some(done.clone());
    if !restart {
        ct.state = ContainerState::Terminated(done);
        ct.next = None;
        c.changed();
        return;
    }
    let delay = backoff_ms(ct.restarts);
    ct.state = ContainerState::Terminated(done);
    ct.next = Some((at + delay.max(1), Due::Restart));
    if delay > 0 {
        ct.state = ContainerState::Waiting {
            reason: "CrashLoopBackOff".into(),
        };
        c.record(
            involved,
            "Warning",
            "BackOff",
            format!(
                "Back-off restarting failed container {name} in pod {}_{}({uid})",
                key.1, key.0
            ),
            "kubelet",
            node,
            at,
        );
    }
    c.changed();
}

/// A running container's process exited with `code`.
pub(crate) fn process_exited(c: &mut Cluster, key: &Key, i: usize, now: i64, code: i32) {
    let running = c
        .pods
        .get(key)
        .and_then(|p| p.status.runtime.containers.get(i))
        .is_some_and(ContainerRuntime::running);
    if running {
        terminate(
            c,
            key,
            i,
            now,
            code,
            if code == 0 { "Completed" } else { "Error" },
        );
        if let Some(p) = c.pods.get_mut(key) {
            refresh_status(p, now);
        }
    }
}

/// A running container's image was changed (`kubectl set image`, a patch
/// of the pod): the kubelet stops it and starts the new image.
pub(crate) fn image_changed(c: &mut Cluster, key: &Key, i: usize, now: i64) {
    let Some(p) = c.pods.get(key) else { return };
    let Some(ct) = p.status.runtime.containers.get(i) else {
        return;
    };
    if !ct.running() {
        return;
    }
    let name = ct.name.clone();
    let involved = pod_ref(key, p).container(&name);
    let node = p.spec.node_name.clone();
    c.record(
        involved,
        "Normal",
        "Killing",
        format!("Container {name} definition changed, will be restarted"),
        "kubelet",
        node,
        now,
    );
    terminate(c, key, i, now, 0, "Completed");
}

/// What a probe found, as the kubelet acts on it.
pub(crate) fn probe_done(
    c: &mut Cluster,
    req: &KubeletRequest,
    kind: ProbeKind,
    spec: &ProbeSpec,
    result: ProbeResult,
    now: i64,
) {
    let key = &req.pod;
    let i = req.container;
    let Some(pod) = c.pods.get(key) else { return };
    let Some(ct) = pod.status.runtime.containers.get(i) else {
        return;
    };
    if !ct.running() {
        return;
    }
    let name = ct.name.clone();
    let involved = pod_ref(key, pod).container(&name);
    let node = pod.spec.node_name.clone();
    if !result.ok {
        c.record(
            involved.clone(),
            "Warning",
            "Unhealthy",
            format!("{} probe failed: {}", kind.title(), result.message),
            "kubelet",
            node.clone(),
            now,
        );
    }
    let Some(p) = c.pods.get_mut(key) else { return };
    let ct = &mut p.status.runtime.containers[i];
    let track = match kind {
        ProbeKind::Readiness => &mut ct.readiness,
        ProbeKind::Liveness => &mut ct.liveness,
    };
    track.judged = true;
    if result.ok {
        track.successes += 1;
        track.failures = 0;
    } else {
        track.failures += 1;
        track.successes = 0;
    }
    let (successes, failures) = (track.successes, track.failures);
    match kind {
        ProbeKind::Readiness => {
            let ready = if ct.ready {
                failures < spec.failure_threshold
            } else {
                successes >= spec.success_threshold
            };
            if ready != ct.ready {
                ct.ready = ready;
                c.changed();
            }
        }
        ProbeKind::Liveness => {
            if failures >= spec.failure_threshold {
                c.record(
                    involved,
                    "Normal",
                    "Killing",
                    format!("Container {name} failed liveness probe, will be restarted"),
                    "kubelet",
                    node,
                    now,
                );
                terminate(c, key, i, now, 0, "Completed");
            }
        }
    }
    if let Some(p) = c.pods.get_mut(key) {
        refresh_status(p, now);
    }
}

/// A client container's command ran: its output is its log, and it exits
/// with its status after the time it took.
pub(crate) fn launch_done(
    c: &mut Cluster,
    req: &KubeletRequest,
    output: &str,
    code: i32,
    took_ms: i64,
    now: i64,
) {
    let Some(p) = c.pods.get_mut(&req.pod) else {
        return;
    };
    let Some(ct) = p.status.runtime.containers.get_mut(req.container) else {
        return;
    };
    for line in output.lines() {
        ct.log.push(LogLine {
            at: now,
            text: line.to_string(),
        });
    }
    if ct.running() {
        ct.next = Some((now + took_ms.max(5), Due::Exit(code)));
    }
    c.changed();
}

/// The pod's phase, STATUS reason and Ready condition, from its containers.
pub(crate) fn refresh_status(p: &mut Pod, now: i64) {
    let rt = &p.status.runtime;
    let total = p.spec.containers.len();
    let running = rt.containers.iter().filter(|c| c.running()).count();
    let all_ready = total > 0
        && rt.containers.len() == total
        && rt.containers.iter().all(|c| c.running() && c.ready);
    let terminated: Vec<&Terminated> = rt
        .containers
        .iter()
        .filter_map(|c| match &c.state {
            ContainerState::Terminated(t) if c.next.is_none() => Some(t),
            _ => None,
        })
        .collect();
    let phase = if rt.scheduled_at.is_none() {
        "Pending"
    } else if total > 0 && terminated.len() == total {
        if terminated.iter().all(|t| t.exit_code == 0) {
            "Succeeded"
        } else {
            "Failed"
        }
    } else if running > 0 || rt.containers.iter().any(|c| c.restarts > 0) {
        "Running"
    } else {
        "Pending"
    };
    let reason = pod_reason(p);
    let ready_before = p.status.ready;
    p.status.phase = Some(phase.into());
    p.status.reason = reason;
    p.status.ready = all_ready;
    if ready_before != all_ready || p.status.runtime.ready_since.is_none() {
        p.status.runtime.ready_since = Some(now);
    }
}

/// kubectl's STATUS column (`printPod`): the last container's waiting or
/// terminated reason, else the phase.
fn pod_reason(p: &Pod) -> String {
    let rt = &p.status.runtime;
    if rt.scheduled_at.is_none() {
        return "Pending".into();
    }
    let mut reason: Option<String> = None;
    let mut has_running = false;
    for ct in rt.containers.iter().rev() {
        match &ct.state {
            ContainerState::Waiting { reason: r } if !r.is_empty() => reason = Some(r.clone()),
            ContainerState::Terminated(t) if !t.reason.is_empty() => {
                reason = Some(t.reason.clone())
            }
            ContainerState::Terminated(t) => reason = Some(format!("ExitCode:{}", t.exit_code)),
            ContainerState::Running { .. } if ct.ready => has_running = true,
            _ => {}
        }
    }
    match reason {
        Some(r) if r == "Completed" && has_running => "Running".into(),
        Some(r) => r,
        None => "Running".into(),
    }
}

/// The port a Service's `targetPort` means on `pod`: a number as it is, a
/// name looked up among the pod's container ports.
pub(crate) fn resolve_target_port(
    pod: &Pod,
    target: Option<&IntOrString>,
    port: i32,
) -> Option<i32> {
    match target {
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::Str(name)) => pod
            .spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .find(|p| &p.name == name)
            .map(|p| p.container_port),
        None => Some(port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(421), "421ms");
        assert_eq!(go_duration(2134), "2.134s");
        assert_eq!(go_duration(2100), "2.1s");
        assert_eq!(go_duration(3000), "3s");
        assert_eq!(go_duration(63_500), "1m3.5s");
        assert_eq!(go_duration(0), "0s");
    }

    #[test]
    fn back_off_doubles_to_five_minutes() {
        assert_eq!(backoff_ms(0), 0);
        assert_eq!(backoff_ms(1), 10_000);
        assert_eq!(backoff_ms(2), 20_000);
        assert_eq!(backoff_ms(6), 300_000);
        assert_eq!(backoff_ms(60), 300_000);
    }
}
