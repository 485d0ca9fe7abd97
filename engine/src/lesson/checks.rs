//! Judging a world by its outcome, not by the keystrokes that made it. Every
//! check either passes or says, in one sentence, what is still missing; a
//! request that stops says at which hop and by which rule.

use super::*;
use crate::cluster::objects::{format_labels, selector_matches, IntOrString, Service};
use crate::shell::{Observed, RequestOutcome, Session};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub passed: bool,
    /// What the check looks for, e.g. "curl from laptop to http://… gives 200 OK".
    pub goal: String,
    /// Why it fails (empty when it passes).
    pub problem: String,
}

/// What the request gets if made now, in words: the goal's problem is the
/// world's answer today, not something the student has seen.
fn made_now(observed: &Observed) -> String {
    let what = match observed {
        Observed::Status(_) => format!("gets {observed}"),
        Observed::Refused => "is refused".to_string(),
        Observed::Timeout => "times out".to_string(),
        Observed::Unreachable => "gets no route to host".to_string(),
        Observed::Unresolved => "cannot resolve the host".to_string(),
        Observed::Failed(_) => format!("fails with {observed}"),
    };
    format!("made now, it {what}")
}

/// Whether what a request did is what a check or a probe expects.
pub fn matches_expect(o: &Observed, e: &Expect) -> bool {
    matches!(
        (o, e),
        (Observed::Refused, Expect::Refused)
            | (Observed::Timeout, Expect::Timeout)
            | (Observed::Unreachable, Expect::Unreachable)
            | (Observed::Unresolved, Expect::Unresolved)
    ) || matches!((o, e), (Observed::Status(a), Expect::Status(b)) if a == b)
}

/// Where and why a request stopped, from its trace.
pub fn why(outcome: &RequestOutcome) -> String {
    match &outcome.trace {
        Some(t) => match &t.outcome {
            Some(crate::net::TraceOutcome::Answered { host, process }) => {
                format!("{process} on {host} answered")
            }
            Some(_) => {
                let s = t.summary();
                s.trim_end_matches('.').to_string()
            }
            None => String::new(),
        },
        None => String::new(),
    }
}

/// Judges a check on the settled world (see [`Session::settle`]): what is
/// starting has started, so no check depends on how fast the student typed.
pub fn evaluate(s: &Session, check: &Check) -> CheckResult {
    // State is judged as it is now, as the terminal shows it: a pod still
    // starting is not Running yet. A request is judged on the settled world
    // (what the student's own curl will meet once it has started); the
    // student must also have seen it (see `done`), so no goal about a
    // request ticks ahead of the terminal.
    let settled;
    let s = if s.has_pending()
        && matches!(check.kind, CheckKind::Request(_) | CheckKind::Responders(_))
    {
        settled = s.settled();
        &settled
    } else {
        s
    };
    let c = &s.world().cluster;
    let (goal, problem) = match &check.kind {
        CheckKind::Request(r) => {
            // `from` may be a workload's pod: `{pod:web#1}`.
            let from = bind::render(c, &r.from);
            let r = &RequestCheck { from, ..r.clone() };
            let shown = bind::show_url(c, &r.url);
            let needle = r.body_contains.as_deref().map(|n| bind::render_all(c, n));
            let with_host = r
                .host
                .as_deref()
                .map(|h| format!(" with the header Host: {h}"))
                .unwrap_or_default();
            let mut goal = format!(
                "curl from {} to {shown}{with_host} {}",
                r.from,
                r.expect.phrase()
            );
            if let Some(n) = &r.body_contains {
                goal.push_str(&format!(", with \"{}\" in the page", bind::render(c, n)));
            }
            let url = match bind::resolve(c, &r.url) {
                Ok(u) => u,
                Err(problem) => return failed(goal, problem),
            };
            let needle = match needle.transpose() {
                Ok(n) => n,
                Err(problem) => return failed(goal, problem),
            };
            match s.request_as(&r.from, &url, r.host.as_deref()) {
                None => (
                    goal,
                    format!("there is no host or pod named {} yet", r.from),
                ),
                Some(o) => {
                    let mut problem = String::new();
                    if !matches_expect(&o.observed, &r.expect) {
                        let w = why(&o);
                        problem = made_now(&o.observed);
                        if !w.is_empty() {
                            problem.push_str(&format!(": {w}"));
                        }
                    } else if let Some(needle) = &needle {
                        if !o.body.contains(needle.as_str()) {
                            problem = format!("the page does not contain \"{needle}\"");
                        }
                    }
                    (goal, problem)
                }
            }
        }
        CheckKind::Service(sc) => {
            let goal = describe_service_goal(sc);
            let ns = sc.namespace.clone().unwrap_or_else(|| "default".into());
            let candidates: Vec<&Service> = c
                .services
                .iter()
                .filter(|(k, _)| k.0 == ns && sc.name.as_ref().is_none_or(|n| *n == k.1))
                .filter(|(k, _)| !(k.0 == "default" && k.1 == "kubernetes"))
                .map(|(_, v)| v)
                .collect();
            if candidates.is_empty() {
                let problem = match &sc.name {
                    Some(n) => format!("there is no Service named {n} in namespace {ns}"),
                    None => format!("there is no Service in namespace {ns} yet"),
                };
                (goal, problem)
            } else {
                // The candidate with the fewest differences explains best what is missing.
                let mut best: Option<Vec<String>> = None;
                for svc in candidates {
                    let diffs = service_diffs(s, sc, svc);
                    if best.as_ref().is_none_or(|b| diffs.len() < b.len()) {
                        best = Some(diffs);
                    }
                }
                let diffs = best.unwrap_or_default();
                (goal, diffs.join("; "))
            }
        }
        CheckKind::Pod(pc) => {
            // A name may be a workload's pod by rank: `{pod:web#1}`.
            let shown = PodCheck {
                name: pc.name.as_ref().map(|n| bind::render(c, n)),
                ..pc.clone()
            };
            let pc = &shown;
            let ns = pc.namespace.clone().unwrap_or_else(|| "default".into());
            let want_status = pc.status.clone().unwrap_or_else(|| "Running".into());
            let want_count = pc.count.unwrap_or(1);
            let mut goal = match &pc.name {
                Some(n) => format!("pod {n} is {want_status}"),
                None => format!("{want_count} pod(s) are {want_status}"),
            };
            if !pc.labels.is_empty() {
                goal.push_str(&format!(" with labels {}", format_labels(&pc.labels)));
            }
            let now = s.now();
            let matching: Vec<_> = c
                .pods
                .iter()
                .filter(|(k, p)| {
                    k.0 == ns
                        && pc.name.as_ref().is_none_or(|n| *n == k.1)
                        && selector_matches(&pc.labels, &p.metadata.labels)
                })
                .collect();
            let good = matching
                .iter()
                .filter(|(_, p)| c.pod_status(p, now) == want_status)
                .count();
            let problem = if good >= want_count {
                String::new()
            } else if matching.is_empty() {
                match &pc.name {
                    Some(n) => format!("there is no pod named {n}"),
                    None => "no pod has these labels".to_string(),
                }
            } else {
                let states: Vec<String> = matching
                    .iter()
                    .map(|(k, p)| format!("{} is {}", k.1, c.pod_status(p, now)))
                    .collect();
                format!("found {good} of {want_count}: {}", states.join(", "))
            };
            (goal, problem)
        }
        CheckKind::Deployment(dc) => {
            let ns = dc.namespace.clone().unwrap_or_else(|| "default".into());
            let goal = match dc.replicas {
                Some(r) => format!("deployment {} has {r} ready replicas", dc.name),
                None => format!("deployment {} is ready", dc.name),
            };
            let problem = match c.deployments.get(&(ns.clone(), dc.name.clone())) {
                None => format!("there is no deployment named {}", dc.name),
                Some(d) => {
                    let pods: Vec<_> = c
                        .pods
                        .iter()
                        .filter(|(k, p)| {
                            k.0 == ns
                                && selector_matches(
                                    &d.spec.selector.match_labels,
                                    &p.metadata.labels,
                                )
                        })
                        .collect();
                    let ready = pods.iter().filter(|(_, p)| p.status.ready).count() as i32;
                    let want = dc.replicas.unwrap_or(d.spec.replicas.unwrap_or(1));
                    if d.spec.replicas.unwrap_or(1) != want {
                        format!("it asks for {} replicas", d.spec.replicas.unwrap_or(1))
                    } else if dc.ready.unwrap_or(true) && ready < want {
                        format!("{ready} of {want} replicas are ready")
                    } else {
                        String::new()
                    }
                }
            };
            (goal, problem)
        }
        CheckKind::Endpoints(ec) => {
            // Addresses may name pods: `{podIP:web#1}:80`.
            let shown = EndpointsCheck {
                addresses: ec
                    .addresses
                    .as_ref()
                    .map(|a| a.iter().map(|x| bind::render(c, x)).collect()),
                ..ec.clone()
            };
            let rendered: Result<Option<Vec<String>>, String> = ec
                .addresses
                .as_ref()
                .map(|a| a.iter().map(|x| bind::render_all(c, x)).collect())
                .transpose();
            let ec = &shown;
            let ns = ec.namespace.clone().unwrap_or_else(|| "default".into());
            let goal = match (&ec.addresses, ec.count) {
                (Some(a), _) if a.is_empty() => {
                    format!("Service {} has no ready endpoint", ec.service)
                }
                (Some(a), _) => format!(
                    "Service {} has exactly the ready endpoints {}",
                    ec.service,
                    a.join(", ")
                ),
                (None, Some(n)) => format!(
                    "Service {} has {n} ready endpoint{}",
                    ec.service,
                    if n == 1 { "" } else { "s" }
                ),
                (None, None) => format!("Service {} has ready endpoints", ec.service),
            };
            let problem = match (c.services.get(&(ns, ec.service.clone())), rendered) {
                (_, Err(why)) => why,
                (None, _) => format!("there is no Service named {}", ec.service),
                (Some(svc), Ok(_)) => endpoints_problem(s, svc, ec),
            };
            (goal, problem)
        }
        CheckKind::Dns(dc) => {
            // The name and the answers may name values: `{clusterIP:db}`.
            let rendered = bind::render_all(c, &dc.name).and_then(|name| {
                let answers = dc
                    .answers
                    .as_ref()
                    .map(|a| a.iter().map(|x| bind::render_all(c, x)).collect())
                    .transpose()?;
                Ok(DnsCheck {
                    from: bind::render(c, &dc.from),
                    name,
                    answers,
                    ..dc.clone()
                })
            });
            let shown = DnsCheck {
                from: bind::render(c, &dc.from),
                name: bind::render(c, &dc.name),
                answers: dc
                    .answers
                    .as_ref()
                    .map(|a| a.iter().map(|x| bind::render(c, x)).collect()),
                ..dc.clone()
            };
            let dc = &shown;
            let goal = match &dc.answers {
                Some(a) if a.is_empty() => format!("{} does not resolve from {}", dc.name, dc.from),
                Some(a) => format!(
                    "a DNS {} query for {} from {} answers {}",
                    dc.rr_type.name(),
                    dc.name,
                    dc.from,
                    a.join(", ")
                ),
                None => format!(
                    "a DNS {} query for {} from {} gets an answer",
                    dc.rr_type.name(),
                    dc.name,
                    dc.from
                ),
            };
            let problem = match rendered {
                Err(why) => why,
                Ok(dc) => match s.dns_lookup(&dc.from, &dc.name, dc.rr_type) {
                    None => format!("there is no host or pod named {} yet", dc.from),
                    Some(l) => dns_problem(&dc, &l),
                },
            };
            (goal, problem)
        }
        CheckKind::At(h) => {
            let goal = format!("the terminal is on {h}");
            let here = s.current_host();
            let problem = if here == h {
                String::new()
            } else {
                format!("it is on {here}")
            };
            (goal, problem)
        }
        CheckKind::Responders(rc) => {
            // The goal is judged on the student's own requests (see
            // `done::seen`); the world is first sampled with the check's
            // own requests, to say whether it can be reached at all.
            let rc = &RespondersCheck {
                from: bind::render(c, &rc.from),
                ..rc.clone()
            };
            let goal = responders_goal(rc, &bind::show_url(c, &rc.url));
            let url = match bind::resolve(c, &rc.url) {
                Ok(u) => u,
                Err(problem) => return failed(goal, problem),
            };
            match s.requests(&rc.from, &url, rc.requests) {
                None => (
                    goal,
                    format!("there is no host or pod named {} yet", rc.from),
                ),
                Some(outcomes) => {
                    let mut who: Vec<String> = outcomes
                        .iter()
                        .filter_map(|o| o.answered_by.clone())
                        .collect();
                    let answered = who.len();
                    crate::sort::sort(&mut who);
                    who.dedup();
                    let n = who.len();
                    let problem = if answered < rc.requests {
                        let failed = outcomes.iter().find(|o| o.answered_by.is_none());
                        format!(
                            "not ready: {} of the {} test requests servicelab sent to see whether the world can do it failed{}",
                            rc.requests - answered,
                            rc.requests,
                            failed
                                .map(|f| format!(" ({}: {})", f.observed, why(f)))
                                .unwrap_or_default()
                        )
                    } else if rc.at_least.is_some_and(|a| n < a)
                        || rc.at_most.is_some_and(|b| n > b)
                    {
                        format!(
                            "not ready: the {} test requests servicelab sent to see whether the world can do it were answered by {}: {}",
                            rc.requests,
                            if n == 1 { "one pod".to_string() } else { format!("{n} pods") },
                            who.join(", ")
                        )
                    } else {
                        String::new()
                    };
                    (goal, problem)
                }
            }
        }
    };
    CheckResult {
        passed: problem.is_empty(),
        goal,
        problem,
    }
}

/// What a `responders` check asks of the student's requests.
pub fn responders_goal(rc: &RespondersCheck, url: &str) -> String {
    format!(
        "one run of your requests from {} to {url} is answered by {}",
        rc.from,
        match (rc.at_least, rc.at_most) {
            (Some(a), Some(b)) if a == b => format!("exactly {a} different pod(s)"),
            (Some(a), Some(b)) => format!("{a} to {b} different pods"),
            (Some(a), None) => format!("at least {a} different pods"),
            (None, Some(1)) => "one pod only".into(),
            (None, Some(b)) => format!("at most {b} different pods"),
            (None, None) => "any pods".into(),
        }
    )
}

/// "a" or "an", as the next word is said.
fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

fn failed(goal: String, problem: String) -> CheckResult {
    CheckResult {
        passed: false,
        goal,
        problem,
    }
}

/// The Service's EndpointSlices that kube-proxy uses: those with a port
/// named as one of the Service's ports (a slice whose ports match none of
/// them serves nothing, whatever addresses it lists).
fn serving_slices<'a>(
    s: &'a Session,
    svc: &Service,
) -> Vec<&'a crate::cluster::objects::EndpointSlice> {
    let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
    s.world()
        .cluster
        .slices_of(ns, &svc.metadata.name)
        .into_iter()
        .filter(|slice| {
            slice.ports().iter().any(|p| {
                let name = p.name.as_deref().unwrap_or("");
                svc.spec.ports.iter().any(|sp| sp.name == name)
            })
        })
        .collect()
}

/// The Ready addresses a Service's EndpointSlices give it, one per address.
fn ready_addresses(s: &Session, svc: &Service) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for slice in serving_slices(s, svc) {
        for ep in slice.endpoints().iter().filter(|e| e.is_ready()) {
            if let Some(a) = ep.addresses.first() {
                if !out.contains(a) {
                    out.push(a.clone());
                }
            }
        }
    }
    out
}

fn ready_endpoints(s: &Session, svc: &Service) -> usize {
    ready_addresses(s, svc).len()
}

/// The Ready endpoints of a Service as `ip:port`, from its slices.
fn ready_ip_ports(s: &Session, svc: &Service) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for slice in serving_slices(s, svc) {
        for ep in slice.endpoints().iter().filter(|e| e.is_ready()) {
            let Some(a) = ep.addresses.first() else {
                continue;
            };
            for p in slice.ports() {
                if let Some(port) = p.port {
                    let entry = format!("{a}:{port}");
                    if !out.contains(&entry) {
                        out.push(entry);
                    }
                }
            }
        }
    }
    out
}

fn endpoints_problem(s: &Session, svc: &Service, ec: &EndpointsCheck) -> String {
    let ips = ready_addresses(s, svc);
    if let Some(want) = &ec.addresses {
        let with_ports = ready_ip_ports(s, svc);
        let missing: Vec<&String> = want
            .iter()
            .filter(|w| {
                if w.contains(':') {
                    !with_ports.contains(w)
                } else {
                    !ips.contains(w)
                }
            })
            .collect();
        let extra: Vec<&String> = ips
            .iter()
            .filter(|ip| {
                !want
                    .iter()
                    .any(|w| w == *ip || w.split(':').next() == Some(ip.as_str()))
            })
            .collect();
        if missing.is_empty() && extra.is_empty() {
            return String::new();
        }
        let have = if with_ports.is_empty() {
            "none".to_string()
        } else {
            with_ports.join(", ")
        };
        return format!("its ready endpoints are {have}");
    }
    match ec.count {
        Some(n) if ips.len() != n => format!("it has {}", ips.len()),
        _ => String::new(),
    }
}

fn dns_problem(dc: &DnsCheck, l: &crate::shell::dns::DnsLookup) -> String {
    use crate::shell::dns::DnsStatus;
    let why = |t: &Option<crate::net::Trace>| {
        t.as_ref()
            .map(|t| format!(": {}", t.summary().trim_end_matches('.')))
            .unwrap_or_default()
    };
    let norm = |a: &str| a.trim_end_matches('.').to_ascii_lowercase();
    let want: Option<Vec<String>> = dc
        .answers
        .as_ref()
        .map(|a| a.iter().map(|x| norm(x)).collect());
    match &l.status {
        DnsStatus::TimedOut => format!("the query timed out{}", why(&l.trace)),
        DnsStatus::Refused => format!("the query was refused{}", why(&l.trace)),
        DnsStatus::Failed(rcode) => format!("the server answered {rcode}"),
        DnsStatus::NxDomain => match &want {
            Some(w) if w.is_empty() => String::new(),
            _ => format!("the server answered NXDOMAIN for {}", l.name),
        },
        DnsStatus::Answered => {
            let mut got: Vec<String> = l.answers.iter().map(|a| norm(a)).collect();
            crate::sort::sort(&mut got);
            let shown = if got.is_empty() {
                format!("no {} record", dc.rr_type.name())
            } else {
                got.join(", ")
            };
            match want {
                None if got.is_empty() => {
                    format!("{} has {shown}", l.name)
                }
                None => String::new(),
                Some(mut w) => {
                    crate::sort::sort(&mut w);
                    if w == got {
                        String::new()
                    } else {
                        format!("{} answers {shown}", l.name)
                    }
                }
            }
        }
    }
}

fn describe_service_goal(sc: &ServiceCheck) -> String {
    let first = sc.type_.as_deref().unwrap_or("Service");
    let mut g = format!("{} ", article(first));
    if let Some(t) = &sc.type_ {
        g.push_str(t);
        g.push(' ');
    }
    g.push_str("Service");
    if let Some(n) = &sc.name {
        g.push_str(&format!(" named {n}"));
    }
    if let Some(ns) = sc.namespace.as_deref().filter(|ns| *ns != "default") {
        g.push_str(&format!(" in namespace {ns}"));
    }
    let mut parts = vec![];
    if let Some(sel) = &sc.selector {
        parts.push(format!("selector {}", format_labels(sel)));
    }
    if let Some(p) = sc.port {
        parts.push(format!("port {p}"));
    }
    if let Some(t) = &sc.target_port {
        parts.push(format!("targetPort {t}"));
    }
    if let Some(n) = sc.node_port {
        parts.push(format!("nodePort {n}"));
    }
    if let Some(e) = &sc.external_ip {
        parts.push(format!("external IP {e}"));
    }
    if let Some(a) = &sc.session_affinity {
        parts.push(format!("sessionAffinity {a}"));
    }
    if let Some(e) = &sc.external_traffic_policy {
        parts.push(format!("externalTrafficPolicy {e}"));
    }
    if let Some(n) = sc.endpoints {
        parts.push(format!(
            "at least {n} ready endpoint{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if let Some(ip) = &sc.cluster_ip {
        parts.push(format!("clusterIP {ip}"));
    }
    if let Some(n) = &sc.external_name {
        parts.push(format!("externalName {n}"));
    }
    if !parts.is_empty() {
        g.push_str(" with ");
        g.push_str(&parts.join(", "));
    }
    g
}

fn service_diffs(s: &Session, sc: &ServiceCheck, svc: &Service) -> Vec<String> {
    let name = &svc.metadata.name;
    let mut d = vec![];
    if let Some(t) = &sc.type_ {
        if svc.type_name() != t {
            d.push(format!("{name} is of type {}, not {t}", svc.type_name()));
        }
    }
    if let Some(sel) = &sc.selector {
        let have = svc.spec.selector.clone().unwrap_or_default();
        if &have != sel {
            d.push(format!(
                "{name} selects {}, not {}",
                format_labels(&have),
                format_labels(sel)
            ));
        }
    }
    let port = sc
        .port
        .and_then(|p| svc.spec.ports.iter().find(|sp| sp.port == p));
    if let Some(p) = sc.port {
        if port.is_none() {
            let have: Vec<String> = svc.spec.ports.iter().map(|p| p.port.to_string()).collect();
            d.push(format!("{name} exposes port {}, not {p}", have.join(",")));
        }
    }
    let ports: Vec<_> = match port {
        Some(p) => vec![p],
        None => svc.spec.ports.iter().collect(),
    };
    if let Some(t) = &sc.target_port {
        if !ports.iter().any(|p| {
            p.target_port.as_ref() == Some(t)
                || (p.target_port.is_none() && *t == IntOrString::Int(p.port))
        }) {
            let have: Vec<String> = ports
                .iter()
                .filter_map(|p| p.target_port.as_ref().map(|t| t.to_string()))
                .collect();
            d.push(format!(
                "{name} sends to targetPort {}, not {t}",
                have.join(",")
            ));
        }
    }
    if let Some(n) = sc.node_port {
        if !ports.iter().any(|p| p.node_port == Some(n)) {
            let have: Vec<String> = ports
                .iter()
                .filter_map(|p| p.node_port.map(|n| n.to_string()))
                .collect();
            if have.is_empty() {
                d.push(format!("{name} has no nodePort (expected {n})"));
            } else {
                d.push(format!("{name} has nodePort {}, not {n}", have.join(",")));
            }
        }
    }
    if let Some(e) = &sc.external_ip {
        let assigned = !svc.status.load_balancer.ingress.is_empty();
        match e.as_str() {
            "pending" if assigned => d.push(format!("{name} has an external IP")),
            "assigned" if !assigned => d.push(format!("{name}'s external IP is <pending>")),
            _ => {}
        }
    }
    if let Some(a) = &sc.session_affinity {
        let have = svc.spec.session_affinity.as_deref().unwrap_or("None");
        if have != a {
            d.push(format!("{name} has sessionAffinity {have}, not {a}"));
        }
    }
    if let Some(e) = &sc.external_traffic_policy {
        let have = svc
            .spec
            .external_traffic_policy
            .as_deref()
            .unwrap_or("Cluster");
        if have != e {
            d.push(format!("{name} has externalTrafficPolicy {have}, not {e}"));
        }
    }
    if let Some(want) = &sc.cluster_ip {
        let have = svc.spec.cluster_ip.clone().unwrap_or_default();
        let assigned = !have.is_empty() && have != "None";
        let ok = match want.as_str() {
            "None" => have == "None",
            "assigned" => assigned,
            ip => have == ip,
        };
        if !ok {
            let shown = if have.is_empty() {
                "no clusterIP".to_string()
            } else {
                format!("clusterIP {have}")
            };
            let wanted = if want == "assigned" {
                "an assigned one".to_string()
            } else {
                want.clone()
            };
            d.push(format!("{name} has {shown}, not {wanted}"));
        }
    }
    if let Some(want) = &sc.external_name {
        let have = svc.spec.external_name.clone().unwrap_or_default();
        if have.trim_end_matches('.') != want.trim_end_matches('.') {
            if have.is_empty() {
                d.push(format!("{name} has no externalName (expected {want})"));
            } else {
                d.push(format!("{name} has externalName {have}, not {want}"));
            }
        }
    }
    if let Some(n) = sc.endpoints {
        let have = ready_endpoints(s, svc);
        if have < n {
            let ns = svc.metadata.namespace.as_deref().unwrap_or("default");
            let matching = svc.spec.selector.as_ref().map(|sel| {
                s.world()
                    .cluster
                    .pods
                    .iter()
                    .filter(|(k, p)| k.0 == ns && selector_matches(sel, &p.metadata.labels))
                    .count()
            });
            let why = match matching {
                None => {
                    "it has no selector, so only endpoints written by hand give it some".to_string()
                }
                Some(0) => "its selector matches no pod in its namespace".to_string(),
                Some(m) if m > have => {
                    format!("its selector matches {m} pod(s), and {have} of them are ready")
                }
                Some(_) => "not enough pods match its selector".to_string(),
            };
            d.push(format!(
                "{name} has {have} ready endpoint{}, not {n}: {why}",
                if have == 1 { "" } else { "s" }
            ));
        }
    }
    d
}
