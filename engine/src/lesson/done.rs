//! When a step is done, in one place for the page and `servicelab check`.
//!
//! A step is **done** when every check of it passes in the student's world
//! and, for each check about requests (`request`, `responders`), the student
//! has also *seen* it: since the step opened, they ran a curl from that
//! host to that URL that ended that way (for `responders`: that was
//! answered). The world being ready is not enough; the student sees the
//! outcome with their own command. Checks about state (a Service, pods,
//! endpoints, where the terminal is) need no seeing: the state is what the
//! student made.
//!
//! A step whose checks all pass when it opens, and that has no request to
//! see, was **given**: already true before the student did anything (an
//! observation step). The page says so, rather than "you did it".
//!
//! `servicelab check` holds the course to the same rule: the solution of a
//! step must make the requests of its checks itself.

use super::checks::{evaluate, matches_expect, CheckResult};
use super::{Check, CheckKind};
use crate::shell::{Observed, RequestMade, Session};

/// A URL as curl reads it, for comparing: the scheme defaults to `http`,
/// the host is case-insensitive, and a lone `/` path is no path.
fn normal(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = match (scheme, host.strip_suffix(":80")) {
        ("http", Some(h)) => h.to_string(),
        _ => host,
    };
    format!(
        "{}://{host}/{}",
        scheme.to_ascii_lowercase(),
        path.trim_end_matches('/')
    )
}

/// Whether two URLs name the same thing, as curl would fetch it.
pub fn same_url(a: &str, b: &str) -> bool {
    normal(a) == normal(b)
}

/// Whether the check asks the student to see a request, and if so whether
/// one of `made` shows it. `None`: a check about state, nothing to see. A
/// URL's placeholders (`{nodePort:web}`) are read from the world `s`, so
/// the student's `curl` of the port their Service got counts.
pub fn seen(s: &Session, check: &Check, made: &[RequestMade]) -> Option<bool> {
    // Only what the world answers now: a request made before a write to
    // the cluster is not evidence of it.
    let now = s.cluster_writes();
    let made: Vec<&RequestMade> = made.iter().filter(|m| m.writes == now).collect();
    let c = &s.world().cluster;
    let url = |u: &str| super::bind::resolve(c, u).unwrap_or_else(|_| u.to_string());
    let from = |f: &str| super::bind::render(c, f);
    match &check.kind {
        CheckKind::Request(r) => {
            let want = url(&r.url);
            Some(made.iter().any(|m| {
                m.from == from(&r.from)
                    && same_url(&m.url, &want)
                    && matches_expect(&m.observed, &r.expect)
            }))
        }
        CheckKind::Responders(r) => {
            // Judged on one run of the student's own requests (one command
            // line, such as a loop): how many different pods answered it.
            let want = url(&r.url);
            let mut runs: crate::map::Map<u64, Vec<&str>> = Default::default();
            for m in made {
                if m.from == from(&r.from)
                    && same_url(&m.url, &want)
                    && matches!(m.observed, Observed::Status(_))
                {
                    if let Some(who) = &m.answered_by {
                        runs.entry(m.line).or_default().push(who);
                    }
                }
            }
            let spread = runs.values().any(|who| {
                let mut pods = who.clone();
                crate::sort::sort(&mut pods);
                pods.dedup();
                who.len() >= 2
                    && r.at_least.is_none_or(|a| pods.len() >= a)
                    && r.at_most.is_none_or(|b| pods.len() <= b)
            });
            Some(spread)
        }
        _ => None,
    }
}

/// Whether the step asks the student to see any request.
pub fn has_requests(checks: &[Check]) -> bool {
    checks
        .iter()
        .any(|c| matches!(c.kind, CheckKind::Request(_) | CheckKind::Responders(_)))
}

/// How a check stands for the student.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalState {
    /// The world does not satisfy it yet.
    Todo,
    /// The world satisfies it, but the student has not seen the request.
    Ready,
    /// Reached, and seen when it is about a request.
    Done,
}

/// A check's state from its result in the world and the requests made.
pub fn goal_state(s: &Session, check: &Check, passes: bool, made: &[RequestMade]) -> GoalState {
    match (passes, seen(s, check, made)) {
        (false, _) => GoalState::Todo,
        (true, Some(false)) => GoalState::Ready,
        (true, _) => GoalState::Done,
    }
}

/// How a step stands in the student's world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Each check's result in the world (goal and problem in words).
    pub checks: Vec<CheckResult>,
    /// Each check's state for the student.
    pub goals: Vec<GoalState>,
    /// Every goal is reached and the student had nothing to do or see: the
    /// step was so when it opened.
    pub given: bool,
}

impl Judgement {
    /// Every goal reached (and seen).
    pub fn done(&self) -> bool {
        self.goals.iter().all(|g| *g == GoalState::Done)
    }
}

/// Judges a step's `checks` in the student's world `s`, with the requests
/// `made` since the step opened; `acted`: the student ran or saved
/// something since. What the page shows and marks, from one place.
pub fn judge(s: &Session, checks: &[Check], made: &[RequestMade], acted: bool) -> Judgement {
    let results: Vec<CheckResult> = checks.iter().map(|c| evaluate(s, c)).collect();
    let goals = checks
        .iter()
        .zip(&results)
        .map(|(c, r)| goal_state(s, c, r.passed, made))
        .collect();
    let given = !acted && !has_requests(checks);
    Judgement {
        checks: results,
        goals,
        given,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::{Expect, RequestCheck};

    fn request(from: &str, url: &str, expect: Expect) -> Check {
        Check {
            line: 1,
            kind: CheckKind::Request(RequestCheck {
                from: from.into(),
                url: url.into(),
                expect,
                body_contains: None,
                host: None,
            }),
        }
    }

    fn made(from: &str, url: &str, observed: Observed) -> RequestMade {
        RequestMade {
            from: from.into(),
            url: url.into(),
            observed,
            answered_by: None,
            line: 0,
            // The default world's writes (its setup): made on the world
            // as it is.
            writes: Session::new(crate::world::WorldOptions::default())
                .expect("the default world")
                .cluster_writes(),
        }
    }

    #[test]
    fn servicelab_check_wants_the_solution_to_make_its_requests() {
        let lesson = |solution: &str| {
            format!(
                "---\ntitle: T\nworld:\n  nodes: 1\n  pods:\n  - {{name: web, image: nginx, node: node01, labels: {{app: web}}}}\n---\n\n## Open it\n\n```check\n- request: {{from: laptop, url: \"http://192.168.1.2:30008\", expect: 200}}\n```\n\n```solution\nkubectl create service nodeport web --tcp=80:80 --node-port=30008\n{solution}```\n"
            )
        };
        let diags = crate::lesson::replay::check_file("t.md", &lesson(""));
        assert_eq!(diags.len(), 1, "{diags:?}");
        let text = diags[0].to_string();
        assert!(text.starts_with("t.md:12:3: the solution never makes the request of this check (curl from laptop to http://192.168.1.2:30008 gets 200 OK)"), "{text}");
        let diags = crate::lesson::replay::check_file(
            "t.md",
            &lesson("curl -s http://192.168.1.2:30008 > /dev/null\n"),
        );
        assert_eq!(diags, vec![]);
    }

    #[test]
    fn urls_compare_as_curl_reads_them() {
        assert!(same_url("http://192.168.1.2:30008", "192.168.1.2:30008/"));
        assert!(same_url("http://10.244.0.2", "http://10.244.0.2:80/"));
        assert!(same_url("http://Web/", "http://web"));
        assert!(!same_url("http://10.244.0.2", "http://10.244.0.3"));
        assert!(!same_url("http://a/x", "http://a/y"));
        assert!(!same_url("https://a", "http://a"));
    }

    #[test]
    fn a_request_goal_is_ready_until_the_student_sees_it() {
        let c = request("laptop", "http://192.168.1.2:30008", Expect::Status(200));
        let s = Session::new(crate::world::WorldOptions::default()).unwrap();
        assert_eq!(goal_state(&s, &c, false, &[]), GoalState::Todo);
        assert_eq!(goal_state(&s, &c, true, &[]), GoalState::Ready);
        let other_host = made("node01", "http://192.168.1.2:30008", Observed::Status(200));
        let refused = made("laptop", "http://192.168.1.2:30008", Observed::Refused);
        assert_eq!(
            goal_state(&s, &c, true, &[other_host, refused]),
            GoalState::Ready
        );
        let ok = made("laptop", "192.168.1.2:30008", Observed::Status(200));
        assert_eq!(goal_state(&s, &c, true, &[ok]), GoalState::Done);
        assert!(has_requests(&[c]));
    }

    #[test]
    fn a_placeholder_goal_is_seen_at_the_port_the_service_got() {
        let mut s = Session::new(crate::world::WorldOptions::default()).unwrap();
        s.run("kubectl create service nodeport myapp --tcp=80:80");
        let port = s
            .run("kubectl get svc myapp -o jsonpath='{.spec.ports[0].nodePort}'")
            .text();
        let c = request(
            "laptop",
            "http://192.168.1.2:{nodePort:myapp}",
            Expect::Refused,
        );
        // Made after the Service was created, on the world as it is.
        let at = |p: &str| RequestMade {
            writes: s.cluster_writes(),
            ..made(
                "laptop",
                &format!("http://192.168.1.2:{p}"),
                Observed::Refused,
            )
        };
        assert_eq!(seen(&s, &c, &[at("30999")]), Some(false));
        assert_eq!(seen(&s, &c, &[at(&port)]), Some(true));
    }
}
