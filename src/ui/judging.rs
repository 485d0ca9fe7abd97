//! How the current step stands, as the page shows it: its checks judged
//! in the student's world (`lesson::done::judge`, the same rule as
//! `servicelab check`), and the before/after table of its probes, each
//! request made at the step's start and now, with its packet's path told.

use crate::engine::explain::Story;
use crate::engine::lesson::bind::Values;
use crate::engine::lesson::checks::CheckResult;
use crate::engine::lesson::done::GoalState;
use crate::engine::lesson::{replay, Lesson, Step};
use crate::engine::net::Trace;
use crate::engine::{Session, Topology};
use std::rc::Rc;

/// What a request gave: in words (`200 OK`), and its packet's path, told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub text: String,
    pub trace: Option<Rc<Trace>>,
    pub story: Option<Rc<Story>>,
}

/// One row of the before/after table: a probe's request at the step's
/// start and now, each with its path (for the side-by-side comparison).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRow {
    pub from: String,
    pub url: String,
    pub before: Rc<Observation>,
    pub now: Rc<Observation>,
    /// The world at the step's start, as the picture draws it.
    pub before_topology: Rc<Topology>,
    /// What the lesson says the request gives once the step is done.
    pub after: Option<String>,
}

impl ProbeRow {
    /// Whether "now" is what the lesson promises after the step.
    pub fn reached(&self) -> Option<bool> {
        self.after.as_ref().map(|a| *a == self.now.text)
    }
}

/// How the current step stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepStatus {
    pub checks: Vec<CheckResult>,
    /// Each check's state for the student: a request goal is `Ready` until
    /// the student has seen it (see `lesson::done`).
    pub goals: Vec<GoalState>,
    pub probes: Vec<ProbeRow>,
}

impl StepStatus {
    /// Every goal reached (and seen).
    pub fn passed(&self) -> bool {
        self.goals.iter().all(|g| *g == GoalState::Done)
    }

    /// The world is ready, but some request is yet to be seen.
    pub fn ready(&self) -> bool {
        !self.passed() && self.goals.iter().all(|g| *g != GoalState::Todo)
    }
}

/// The step's start, for the before/after table: what each probe gave
/// then, and the world as the picture drew it.
#[derive(Debug, Clone, PartialEq)]
pub struct Before {
    pub step: usize,
    probes: Rc<Vec<Rc<Observation>>>,
    topology: Rc<Topology>,
}

impl Before {
    /// The probes of `s` made in `session`, the world at step `step`'s start.
    pub fn at(session: &Session, step: usize, s: &Step) -> Before {
        Before {
            step,
            probes: Rc::new(
                s.probes
                    .iter()
                    .map(|p| observed(session, &p.from, &p.url))
                    .collect(),
            ),
            topology: Rc::new(session.topology()),
        }
    }
}

fn observed(session: &Session, from: &str, url: &str) -> Rc<Observation> {
    let from = &crate::engine::lesson::bind::render(&session.world().cluster, from);
    let url = match crate::engine::lesson::bind::resolve(&session.world().cluster, url) {
        Ok(u) => u,
        Err(why) => {
            return Rc::new(Observation {
                text: format!("not yet: {why}"),
                trace: None,
                story: None,
            })
        }
    };
    Rc::new(match session.request(from, &url) {
        Some(o) => {
            let story = o.trace.as_ref().map(|t| Rc::new(session.story(t)));
            Observation {
                text: o.observed.to_string(),
                trace: o.trace.map(Rc::new),
                story,
            }
        }
        None => Observation {
            text: format!("no host {from}"),
            trace: None,
            story: None,
        },
    })
}

impl Before {
    /// The step's start as the lesson sets it up (its world replayed to the
    /// step); a lesson that cannot be replayed shows `?` for each probe,
    /// over the world as it is drawn now.
    pub fn of(lesson: &Lesson, step_no: usize, step: &Step, topology: &Rc<Topology>) -> Before {
        match replay::start_at(lesson, step_no) {
            Ok(start) => Before::at(&start, step_no, step),
            Err(_) => Before {
                step: step_no,
                probes: Rc::new(
                    step.probes
                        .iter()
                        .map(|_| {
                            Rc::new(Observation {
                                text: "?".into(),
                                trace: None,
                                story: None,
                            })
                        })
                        .collect(),
                ),
                topology: topology.clone(),
            },
        }
    }
}

/// The before/after table: each probe of `step` at its start and now.
pub fn probe_rows(
    session: &Session,
    step: &Step,
    before: &Before,
    values: &Values,
) -> Vec<ProbeRow> {
    step.probes
        .iter()
        .zip(before.probes.iter())
        .map(|(p, b)| ProbeRow {
            from: p.from.clone(),
            url: values.text(&p.url),
            before: b.clone(),
            now: observed(session, &p.from, &p.url),
            before_topology: before.topology.clone(),
            after: p.after.as_ref().map(|a| a.to_string()),
        })
        .collect()
}
