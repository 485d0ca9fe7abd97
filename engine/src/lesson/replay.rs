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
        cni: w.cni,
        gateway: w.gateway,
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
        // A manifest may name what the world chose: `{podIP:web#1}`.
        let text = super::bind::render(&s.world().cluster, &f.content);
        s.put_file("laptop", &f.name, &text);
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
        .map(|cmd| (cmd.clone(), run_solution_command(s, cmd)))
        .collect()
}

/// One command of a solution, as `servicelab shell` runs it: the native
/// step of time first, and its placeholders read from the world.
pub fn run_solution_command(s: &mut Session, cmd: &str) -> crate::shell::Execution {
    s.pass(crate::shell::time::NATIVE_STEP_MS);
    let line = super::bind::render(&s.world().cluster, cmd);
    s.run(&line)
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
        let url = match super::bind::resolve(&s.world().cluster, &p.url) {
            Ok(u) => u,
            Err(why) => {
                let problem = format!("probe {when} step \"{}\": {}: {why}", step.title, p.url);
                out.push(Diagnostic::new(&lesson.path, text, p.line, 3, problem));
                continue;
            }
        };
        let from = super::bind::render(&s.world().cluster, &p.from);
        let problem = match s.request(&from, &url) {
            None => format!("probe: there is no host or pod named `{from}`"),
            Some(o) if !matches_expect(&o.observed, want) => format!(
                "probe {when} step \"{}\": curl from {} to {} gave {}, the probe says {want}",
                step.title, p.from, url, o.observed
            ),
            Some(_) => continue,
        };
        out.push(Diagnostic::new(&lesson.path, text, p.line, 3, problem));
    }
}

/// What a quiz's probe saw, in the terms its choices predict.
struct Seen {
    /// Which predictions it bears out.
    fits: Box<dyn Fn(&Prediction) -> bool>,
    /// What happened, as a sentence for the author.
    said: String,
}

/// Makes a quiz's probe in the world `s`.
fn ask(s: &Session, p: &QuizProbe) -> Result<Seen, String> {
    let c = &s.world().cluster;
    // `from` may be a workload's pod: `{pod:web#1}`.
    let p = &QuizProbe {
        from: super::bind::render(c, &p.from),
        ..p.clone()
    };
    match &p.ask {
        QuizAsk::Request { url } => {
            let url = super::bind::resolve(c, url)?;
            let o = s
                .request(&p.from, &url)
                .ok_or_else(|| format!("there is no host or pod named `{}`", p.from))?;
            let said = format!(
                "curl from {} to {url} gives {}. {}.",
                p.from,
                o.observed,
                crate::lesson::checks::why(&o)
            );
            let observed = o.observed.clone();
            Ok(Seen {
                fits: Box::new(move |want| match want {
                    Prediction::Request(e) => matches_expect(&observed, e),
                    _ => false,
                }),
                said,
            })
        }
        QuizAsk::Responders { url, requests } => {
            let url = super::bind::resolve(c, url)?;
            let outcomes = s
                .requests(&p.from, &url, *requests)
                .ok_or_else(|| format!("there is no host or pod named `{}`", p.from))?;
            let mut who: Vec<String> = outcomes
                .iter()
                .filter_map(|o| o.answered_by.clone())
                .collect();
            crate::sort::sort(&mut who);
            who.dedup();
            let n = who.len();
            let said = format!(
                "{requests} requests from {} to {url} are answered by {n} different pod(s){}.",
                p.from,
                if who.is_empty() {
                    String::new()
                } else {
                    format!(": {}", who.join(", "))
                }
            );
            Ok(Seen {
                fits: Box::new(move |want| *want == Prediction::Pods(n)),
                said,
            })
        }
        QuizAsk::Dns { name, rr_type } => {
            use crate::shell::dns::DnsStatus;
            let name = super::bind::render_all(c, name)?;
            let l = s
                .dns_lookup(&p.from, &name, *rr_type)
                .ok_or_else(|| format!("there is no host or pod named `{}`", p.from))?;
            let norm = |a: &str| a.trim_end_matches('.').to_ascii_lowercase();
            let mut got: Vec<String> = l.answers.iter().map(|a| norm(a)).collect();
            crate::sort::sort(&mut got);
            let status = l.status.clone();
            let said = match &status {
                DnsStatus::Answered if !got.is_empty() => format!(
                    "a DNS {} lookup of {name} from {} answers {}.",
                    rr_type.name(),
                    p.from,
                    got.join(", ")
                ),
                DnsStatus::Answered => format!(
                    "a DNS {} lookup of {name} from {} gets no {} record.",
                    rr_type.name(),
                    p.from,
                    rr_type.name()
                ),
                DnsStatus::NxDomain => {
                    format!("a DNS lookup of {name} from {} gets NXDOMAIN.", p.from)
                }
                DnsStatus::TimedOut => format!(
                    "a DNS lookup of {name} from {} times out: no server answers.",
                    p.from
                ),
                other => format!("a DNS lookup of {name} from {} ends {other:?}.", p.from),
            };
            let world = c.clone();
            Ok(Seen {
                fits: Box::new(move |want| match (want, &status) {
                    (Prediction::NoSuchName, DnsStatus::NxDomain) => true,
                    (Prediction::NoServer, DnsStatus::TimedOut) => true,
                    (Prediction::Answers(a), DnsStatus::Answered) => {
                        let mut want: Vec<String> = a
                            .iter()
                            .map(|x| norm(&super::bind::render(&world, x)))
                            .collect();
                        crate::sort::sort(&mut want);
                        want == got
                    }
                    _ => false,
                }),
                said,
            })
        }
    }
}

/// Checks the quizzes of `step` whose probe is made at `when`: the marked
/// answer must predict what the engine does, so a quiz can never lie.
fn quizzes(
    s: &Session,
    lesson: &Lesson,
    text: &str,
    step: &Step,
    when: When,
    out: &mut Vec<Diagnostic>,
) {
    for q in &step.quizzes {
        let Some(p) = &q.probe else { continue };
        if p.when != when {
            continue;
        }
        let answer = &q.choices[q.answer];
        let Some(want) = &answer.expect else { continue };
        let seen = match ask(s, p) {
            Ok(seen) => seen,
            Err(why) => {
                out.push(Diagnostic::new(
                    &lesson.path,
                    text,
                    q.line,
                    1,
                    format!("quiz probe: {why}"),
                ));
                continue;
            }
        };
        if (seen.fits)(want) {
            continue;
        }
        let right = q
            .choices
            .iter()
            .find(|c| c.expect.as_ref().is_some_and(|e| (seen.fits)(e)))
            .map(|c| format!(" The choice that says so is \"{}\".", c.text))
            .unwrap_or_else(|| " No choice says so.".to_string());
        let problem = format!(
            "quiz: the answer \"{}\" predicts {want}, but {}{right}",
            answer.text, seen.said,
        );
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
    // The text's facts, held against the world of each step.
    let reader = facts::Reader::new(path, text);
    let asked = facts::Asked::of(text);
    let parts = TextParts::of(lesson, &reader);
    let mut all: Vec<facts::Snapshot> = vec![];
    let settled_snapshot = |s: &Session| {
        if s.has_pending() {
            facts::Snapshot::of(&s.settled(), &asked)
        } else {
            facts::Snapshot::of(s, &asked)
        }
    };
    for (n, step) in lesson.steps.iter().enumerate() {
        enter_step(&mut s, step);
        let mut snaps = vec![settled_snapshot(&s)];
        if n == 0 {
            if let Some((from, to)) = parts.intro {
                reader.check(from, to, &snaps, &mut out);
            }
        }
        probes(&s, lesson, text, step, Phase::Before, &mut out);
        quizzes(&s, lesson, text, step, When::Before, &mut out);
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
        let mut ran = vec![];
        for (i, cmd) in step.solution.iter().enumerate() {
            let e = run_solution_command(&mut s, cmd);
            quizzes(&s, lesson, text, step, When::AfterCommand(i + 1), &mut out);
            snaps.push(facts::Snapshot::of(&s, &asked));
            ran.push((cmd.clone(), e));
        }
        for (line, (cmd, e)) in ran.into_iter().enumerate() {
            made.extend(e.requests.iter().cloned().map(|mut r| {
                r.line = line as u64;
                r
            }));
            if e.status != 0 {
                // At the command's own line, with what it printed: the
                // cause is usually there (an nslookup that found one name
                // and not another exits 1 too).
                let at = step.solution_lines.get(line).copied().unwrap_or(step.line);
                let col = text
                    .lines()
                    .nth(at.saturating_sub(1))
                    .map_or(1, |l| l.len() - l.trim_start().len() + 1);
                out.push(
                    Diagnostic::new(
                        path,
                        text,
                        at,
                        col,
                        format!(
                            "solution command `{}` exited with status {}",
                            cmd.lines().next().unwrap_or(""),
                            e.status
                        ),
                    )
                    .with_note(printed(&e.text())),
                );
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
        quizzes(&s, lesson, text, step, When::After, &mut out);
        snaps.push(facts::Snapshot::of(&s, &asked));
        let (from, to) = parts.steps[n];
        match parts.recap {
            Some((rf, rt)) if rf >= from && rt <= to => {
                reader.check(from, rf, &snaps, &mut out);
                reader.check(rt, to, &snaps, &mut out);
            }
            _ => reader.check(from, to, &snaps, &mut out),
        }
        if let (Some(first), Some(last)) = (snaps.first(), snaps.last()) {
            all.push(first.clone());
            all.push(last.clone());
        }
    }
    // What speaks of the whole lesson: its objectives and its recap.
    for (from, to) in parts.whole {
        reader.check(from, to, &all, &mut out);
    }
    out
}

/// What a failed command printed, for a message: its first 20 lines and
/// 2 KiB at most.
fn printed(output: &str) -> String {
    const LINES: usize = 20;
    const BYTES: usize = 2048;
    if output.trim().is_empty() {
        return "it printed nothing".into();
    }
    let mut out = String::from("it printed:\n");
    let lines: Vec<&str> = output.trim_end().lines().collect();
    for l in lines.iter().take(LINES) {
        if out.len() + l.len() > BYTES {
            break;
        }
        out.push_str("  ");
        out.push_str(l);
        out.push('\n');
    }
    let shown = out.lines().count() - 1;
    if shown < lines.len() {
        out.push_str(&format!("  … ({} more lines)\n", lines.len() - shown));
    }
    out
}

/// Where each part of a lesson's text is, as byte ranges of the file.
struct TextParts {
    /// Between the front matter and the first step.
    intro: Option<(usize, usize)>,
    /// Each step, from its heading to the next.
    steps: Vec<(usize, usize)>,
    /// The recap block.
    recap: Option<(usize, usize)>,
    /// What speaks of the whole lesson: the front matter's title, summary
    /// and objectives, and the recap.
    whole: Vec<(usize, usize)>,
}

impl TextParts {
    fn of(lesson: &Lesson, r: &facts::Reader<'_>) -> TextParts {
        let text = r.text;
        let lines: Vec<&str> = text.lines().collect();
        // The front matter's closing line.
        let fm_end = lines
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, l)| l.trim_end() == "---")
            .map_or(1, |(i, _)| i + 1);
        let mut whole = vec![];
        let mut in_objectives = false;
        for (i, l) in lines.iter().enumerate().take(fm_end).skip(1) {
            let top = !l.starts_with(' ') && !l.starts_with('-');
            if top {
                in_objectives = l.starts_with("objectives:");
            }
            let wanted =
                l.starts_with("title:") || l.starts_with("summary:") || (in_objectives && !top);
            if wanted {
                let from = r.offset(i + 1);
                whole.push((from, from + l.len()));
            }
        }
        let starts: Vec<usize> = lesson.steps.iter().map(|s| r.offset(s.line)).collect();
        let body = r.offset(fm_end + 1);
        let intro = starts.first().map(|first| (body, *first));
        let steps = starts
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, starts.get(i + 1).copied().unwrap_or(text.len())))
            .collect();
        let recap = lines
            .iter()
            .position(|l| l.trim_start().starts_with("```recap"))
            .map(|open| {
                let close = lines
                    .iter()
                    .enumerate()
                    .skip(open + 1)
                    .find(|(_, l)| l.trim() == "```")
                    .map_or(lines.len(), |(i, _)| i + 1);
                (r.offset(open + 1), r.offset(close + 1))
            });
        whole.extend(recap);
        TextParts {
            intro,
            steps,
            recap,
            whole,
        }
    }
}

/// Parses then replays: everything `servicelab check` says about one file.
#[cfg(feature = "authoring")]
pub fn check_file(path: &str, text: &str) -> Vec<Diagnostic> {
    match parse::parse_lesson(path, text) {
        Err(errs) => errs,
        Ok(lesson) => replay(&lesson, text),
    }
}
