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

/// Where in the front matter a world's object came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldPlace {
    /// The world's options themselves.
    Options,
    /// `world.pods[]`, by name.
    Pod(String),
    /// `world.deployments[]`, by name.
    Deployment(String),
    /// A document of `world.apply`, by its first line within the block.
    ApplyDoc(usize),
}

/// Why a lesson's world cannot be built: kubectl's words, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldError {
    pub place: WorldPlace,
    pub message: String,
}

/// The session at the start of a lesson, or why the world cannot be built.
pub fn start(lesson: &Lesson) -> Result<Session, String> {
    start_checked(lesson).map_err(|e| e.message)
}

/// [`start`], saying where the problem is.
pub fn start_checked(lesson: &Lesson) -> Result<Session, WorldError> {
    let fail = |place: WorldPlace, message: String| WorldError {
        place,
        message: message.trim_end().to_string(),
    };
    let w = &lesson.world;
    let seed = w.seed.unwrap_or(1);
    let mut world = World::empty(WorldOptions {
        nodes: w.nodes,
        cloud: w.cloud,
        seed,
    })
    .map_err(|e| fail(WorldPlace::Options, e.to_string()))?;
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
            .map_err(|e| fail(WorldPlace::Pod(p.name.clone()), e.kubectl_message(None)))?;
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
            .map_err(|e| {
                fail(
                    WorldPlace::Deployment(d.name.clone()),
                    e.kubectl_message(None),
                )
            })?;
    }
    if let Some(text) = &w.apply {
        // kubectl's words for each failure, with `world.apply` as the file.
        const SOURCE: &str = "world.apply";
        let docs = manifest::parse(text).map_err(|e| {
            fail(
                WorldPlace::ApplyDoc(e.line.unwrap_or(1)),
                format!("error: error parsing {SOURCE}: error converting YAML to JSON: {e}"),
            )
        })?;
        for d in docs {
            let place = WorldPlace::ApplyDoc(d.line);
            let mut obj = d
                .result
                .map_err(|e| fail(place.clone(), e.message(SOURCE)))?;
            if obj.namespaced() && obj.meta().namespace.is_none() {
                obj.meta_mut().namespace = Some("default".into());
            }
            if obj.meta().name.is_empty() {
                return Err(fail(place, obj.missing_name_message(SOURCE)));
            }
            world
                .cluster
                .apply_manifest(obj, &d.raw, at)
                .map_err(|e| fail(place, e.kubectl_message(Some(("creating", SOURCE)))))?;
        }
    }
    world.sync();
    Ok(Session::from_world(world, seed))
}

/// The front matter's lines (1-based, in the file), up to its closing `---`.
fn front_matter(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim_end() != "---")
        .map(|(i, l)| (i + 1, l))
        .collect()
}

/// The line of the file a world problem points at.
fn world_line(text: &str, place: &WorldPlace) -> usize {
    let fm = front_matter(text);
    let find = |pred: &dyn Fn(&str) -> bool| fm.iter().find(|(_, l)| pred(l)).map(|(n, _)| *n);
    let world = find(&|l| l.trim_start().starts_with("world:")).unwrap_or(2);
    match place {
        WorldPlace::Options => world,
        WorldPlace::Pod(name) | WorldPlace::Deployment(name) => {
            let wanted = format!("name: {name}");
            find(&|l| l.trim_start().trim_start_matches("- ").trim() == wanted).unwrap_or(world)
        }
        WorldPlace::ApplyDoc(doc_line) => {
            // A block scalar (`apply: |`) keeps the documents' lines one for one.
            match find(&|l| l.trim_start().starts_with("apply:")) {
                Some(key) => {
                    let block = fm
                        .iter()
                        .find(|(n, _)| *n == key)
                        .is_some_and(|(_, l)| l.trim_end().ends_with('|') || l.contains(": |"));
                    if block {
                        key + doc_line
                    } else {
                        key
                    }
                }
                None => world,
            }
        }
    }
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
        run_solution(&mut s, step);
        // The student reads on: what was starting has started.
        s.settle();
    }
    if let Some(step) = lesson.steps.get(n.saturating_sub(1)) {
        enter_step(&mut s, step);
    }
    Ok(s)
}

/// Runs a step's solution as `servicelab shell` would: the native step of
/// time before each command. Returns each command with what it did.
fn run_solution(s: &mut Session, step: &Step) -> Vec<(String, crate::shell::Execution)> {
    step.solution
        .iter()
        .map(|cmd| {
            s.pass(crate::shell::time::NATIVE_STEP_MS);
            (cmd.clone(), s.run(cmd))
        })
        .collect()
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
        let url = match super::placeholders::resolve(s, &p.url) {
            Ok(u) => u,
            Err(why) => {
                let problem = format!("probe {when} step \"{}\": {}: {why}", step.title, p.url);
                out.push(Diagnostic::new(&lesson.path, text, p.line, 3, problem));
                continue;
            }
        };
        let problem = match s.request(&p.from, &url) {
            None => format!("probe: there is no host or pod named `{}`", p.from),
            Some(o) if !matches_expect(&o.observed, want) => format!(
                "probe {when} step \"{}\": curl from {} to {} gave {}, the probe says {want}",
                step.title, p.from, url, o.observed
            ),
            Some(_) => continue,
        };
        out.push(Diagnostic::new(&lesson.path, text, p.line, 3, problem));
    }
}

/// Checks the quizzes of `step` whose probe is made at `phase`: the marked
/// answer must predict what the engine does, so a quiz can never lie.
fn quizzes(
    s: &Session,
    lesson: &Lesson,
    text: &str,
    step: &Step,
    phase: Phase,
    out: &mut Vec<Diagnostic>,
) {
    for q in &step.quizzes {
        let Some(p) = &q.probe else { continue };
        if p.after != matches!(phase, Phase::After) {
            continue;
        }
        let answer = &q.choices[q.answer];
        let Some(want) = &answer.expect else { continue };
        let url = match super::placeholders::resolve(s, &p.url) {
            Ok(u) => u,
            Err(why) => {
                let problem = format!("quiz probe: {}: {why}", p.url);
                out.push(Diagnostic::new(&lesson.path, text, q.line, 1, problem));
                continue;
            }
        };
        let problem = match s.request(&p.from, &url) {
            None => format!("quiz probe: there is no host or pod named `{}`", p.from),
            Some(o) if !matches_expect(&o.observed, want) => {
                let right = q
                    .choices
                    .iter()
                    .find(|c| {
                        c.expect
                            .as_ref()
                            .is_some_and(|e| matches_expect(&o.observed, e))
                    })
                    .map(|c| format!(" The choice that says so is \"{}\".", c.text))
                    .unwrap_or_else(|| " No choice says so.".to_string());
                format!(
                    "quiz: the answer \"{}\" predicts {want}, but curl from {} to {} gives {}. {}.{right}",
                    answer.text,
                    p.from,
                    url,
                    o.observed,
                    crate::lesson::checks::why(&o),
                )
            }
            Some(_) => continue,
        };
        out.push(Diagnostic::new(&lesson.path, text, q.line, 1, problem));
    }
}

/// Replays a parsed lesson; every problem is a diagnostic at the line of the
/// step, check or probe concerned. `text` is the file's source, for carets.
pub fn replay(lesson: &Lesson, text: &str) -> Vec<Diagnostic> {
    let path = &lesson.path;
    let mut out = vec![];
    let mut s = match start_checked(lesson) {
        Ok(s) => s,
        Err(e) => {
            let line = world_line(text, &e.place);
            let col = text
                .lines()
                .nth(line.saturating_sub(1))
                .map(|l| l.len() - l.trim_start().len() + 1)
                .unwrap_or(1);
            out.push(Diagnostic::new(
                path,
                text,
                line,
                col,
                format!("the world cannot be built: {}", e.message),
            ));
            return out;
        }
    };
    for step in &lesson.steps {
        enter_step(&mut s, step);
        probes(&s, lesson, text, step, Phase::Before, &mut out);
        quizzes(&s, lesson, text, step, Phase::Before, &mut out);
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
        for (cmd, e) in run_solution(&mut s, step) {
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
        // Checks judge the settled world; the session itself settles too,
        // as the student reads the next step.
        s.settle();
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
            } else if !step.solution.is_empty() && super::done::seen(&s, c, &made) == Some(false) {
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
        quizzes(&s, lesson, text, step, Phase::After, &mut out);
    }
    out
}

/// Parses then replays: everything `servicelab check` says about one file.
#[cfg(feature = "authoring")]
pub fn check_file(path: &str, text: &str) -> Vec<Diagnostic> {
    match parse::parse_lesson(path, text) {
        Err(errs) => errs,
        Ok(lesson) => replay(&lesson, text),
    }
}
