//! `servicelab check`: build each lesson's world, and for every step make sure
//! the checks fail before the solution and pass after it, and that the probes
//! show the before and after the lesson promises.

use super::checks::{evaluate, matches_expect};
use super::*;
use crate::cluster::apiserver::Object;
use crate::cluster::manifest;
use crate::cluster::objects::{Container, ContainerPort, Deployment, ObjectMeta, Pod};
use crate::shell::Session;
use crate::world::{World, WorldOptions, ARTICLE_POD_AGE_MS};

/// The session at the start of a lesson, or why the world cannot be built.
pub fn start(lesson: &Lesson) -> Result<Session, String> {
    let w = &lesson.world;
    let seed = w.seed.unwrap_or(1);
    let mut world = World::empty(WorldOptions {
        nodes: w.nodes,
        cloud: w.cloud,
        seed,
    })
    .map_err(|e| e.to_string())?;
    let at = ARTICLE_POD_AGE_MS;
    for p in &w.pods {
        let mut ct = Container {
            name: p.name.clone(),
            image: p.image.clone(),
            args: p.args.clone(),
            ..Default::default()
        };
        if let Some(port) = p.port {
            ct.ports.push(ContainerPort {
                container_port: port.into(),
                ..Default::default()
            });
        }
        let pod = Pod {
            metadata: ObjectMeta {
                name: p.name.clone(),
                namespace: Some("default".into()),
                labels: p.labels.clone(),
                ..Default::default()
            },
            spec: crate::cluster::objects::PodSpec {
                containers: vec![ct],
                node_name: p.node.clone(),
                ..Default::default()
            },
            ..Default::default()
        };
        world
            .cluster
            .create(Object::Pod(pod), at)
            .map_err(|e| format!("pod {}: {}", p.name, e.message))?;
    }
    for d in &w.deployments {
        let dep = Deployment::generated(
            &d.name,
            Some("default".into()),
            &d.image,
            d.replicas,
            d.labels.clone(),
            d.port.map(i32::from),
            d.args.clone(),
        );
        world
            .cluster
            .create(Object::Deployment(dep), at)
            .map_err(|e| format!("deployment {}: {}", d.name, e.message))?;
    }
    if let Some(text) = &w.apply {
        let docs = manifest::parse(text).map_err(|e| format!("world.apply: {e}"))?;
        for d in docs {
            let obj = d.result.map_err(|e| format!("world.apply: {e:?}"))?;
            world
                .cluster
                .apply(obj, at)
                .map_err(|e| format!("world.apply: {}", e.message))?;
        }
    }
    world.sync();
    Ok(Session::from_world(world, seed))
}

/// Writes a step's files into the laptop's home directory.
pub fn enter_step(s: &mut Session, step: &Step) {
    for f in &step.files {
        s.put_file("laptop", &f.name, &f.content);
    }
}

/// The session at the start of step `n` (1-based): the solutions of the
/// earlier steps have run.
pub fn start_at(lesson: &Lesson, n: usize) -> Result<Session, String> {
    let mut s = start(lesson)?;
    for step in lesson.steps.iter().take(n.saturating_sub(1)) {
        enter_step(&mut s, step);
        for cmd in &step.solution {
            s.run(cmd);
        }
    }
    if let Some(step) = lesson.steps.get(n.saturating_sub(1)) {
        enter_step(&mut s, step);
    }
    Ok(s)
}

#[derive(Clone, Copy)]
enum Phase {
    Before,
    After,
}

/// Checks a step's probes against what they promise for `phase`.
fn probes(
    s: &Session,
    lesson: &Lesson,
    text: &str,
    step: &Step,
    phase: Phase,
    out: &mut Vec<Diagnostic>,
) {
    for p in &step.probes {
        let (want, when) = match phase {
            Phase::Before => (&p.before, "before"),
            Phase::After => (&p.after, "after"),
        };
        let Some(want) = want else { continue };
        let problem = match s.request(&p.from, &p.url) {
            None => format!("probe: there is no host or pod named `{}`", p.from),
            Some(o) if !matches_expect(&o.observed, want) => format!(
                "probe {when} step \"{}\": curl from {} to {} gave {}, the probe says {want}",
                step.title, p.from, p.url, o.observed
            ),
            Some(_) => continue,
        };
        out.push(Diagnostic::new(&lesson.path, text, p.line, 3, problem));
    }
}

/// Replays a parsed lesson; every problem is a diagnostic at the line of the
/// step, check or probe concerned. `text` is the file's source, for carets.
pub fn replay(lesson: &Lesson, text: &str) -> Vec<Diagnostic> {
    let path = &lesson.path;
    let mut out = vec![];
    let mut s = match start(lesson) {
        Ok(s) => s,
        Err(e) => {
            out.push(Diagnostic::new(
                path,
                text,
                2,
                1,
                format!("the world cannot be built: {e}"),
            ));
            return out;
        }
    };
    for step in &lesson.steps {
        enter_step(&mut s, step);
        probes(&s, lesson, text, step, Phase::Before, &mut out);
        if step.fails_before && !step.checks.is_empty() {
            let all_pass = step.checks.iter().all(|c| evaluate(&s, c).passed);
            if all_pass {
                out.push(Diagnostic::new(
                    path,
                    text,
                    step.line,
                    1,
                    format!("the checks of step \"{}\" already pass before its solution runs; write ```check passes-before if that is intended", step.title),
                ));
            }
        }
        let mut made = vec![];
        for cmd in &step.solution {
            let e = s.run(cmd);
            made.extend(e.requests.iter().cloned());
            if e.status != 0 {
                let first = e.text().lines().next().unwrap_or("").to_string();
                out.push(Diagnostic::new(
                    path,
                    text,
                    step.line,
                    1,
                    format!(
                        "solution command `{}` exited with status {}: {first}",
                        cmd.lines().next().unwrap_or(""),
                        e.status
                    ),
                ));
            }
        }
        for c in &step.checks {
            let r = evaluate(&s, c);
            if !r.passed {
                out.push(Diagnostic::new(
                    path,
                    text,
                    c.line,
                    3,
                    format!(
                        "after the solution, check failed: {}: {}",
                        r.goal, r.problem
                    ),
                ));
            } else if !step.solution.is_empty() && super::done::seen(c, &made) == Some(false) {
                // A step is done once the student saw the request (see
                // `done`); the solution must show it too.
                out.push(Diagnostic::new(
                    path,
                    text,
                    c.line,
                    3,
                    format!(
                        "the solution never makes the request of this check ({}); a step is done only once the student has seen it, so the solution must make it too",
                        r.goal
                    ),
                ));
            }
        }
        probes(&s, lesson, text, step, Phase::After, &mut out);
    }
    out
}

/// Parses then replays: everything `servicelab check` says about one file.
pub fn check_file(path: &str, text: &str) -> Vec<Diagnostic> {
    match parse::parse_lesson(path, text) {
        Err(errs) => errs,
        Ok(lesson) => replay(&lesson, text),
    }
}
