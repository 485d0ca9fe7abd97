//! A lesson being played: its objectives, its steps and how far the
//! student is, the current step's text with runnable commands and the
//! files it mentions, its goals (a request goal shows "ready" until the
//! student has seen the request), the before/after requests (each opens
//! both paths side by side), a quiz card, hints one at a time, the solution
//! behind a confirmation, and, once every step is done, the recap and the
//! next lesson.
//!
//! A quiz stands where the lesson puts it: what follows it in the step is
//! shown once it is answered, so a prediction is made before the command
//! that settles it. The answer goes into the action log (it survives a
//! reload and travels in a share link). A step's `why` shows once the step
//! is done.

use super::nav_link::NavLink;
use crate::engine::lesson::bind::Values;
use crate::engine::lesson::done::GoalState;
use crate::engine::lesson::{Doc, Lesson, Quiz, Segment, Step};
use crate::engine::map::{Map, Set};
use crate::ui::catalog;
use crate::ui::files::StepFiles;
use crate::ui::judging::{ProbeRow, StepStatus};
use crate::ui::prose::{self, Controls};
use crate::ui::route::Route;
use crate::ui::state::Action;
use std::rc::Rc;
use yew::prelude::*;

/// What a lesson promises its student ("You will be able to …").
pub fn objectives_of(lesson: &Lesson) -> Vec<Doc> {
    lesson.objectives.clone()
}

/// The lesson's recap, shown once every step is done.
pub fn recap_of(lesson: &Lesson) -> Option<Doc> {
    lesson.recap.clone()
}

/// A step whose heading begins `Challenge:`: goals and checks, no
/// commands to click and no manifest given.
pub fn is_challenge(step: &Step) -> bool {
    step.challenge
}

/// Quiz answers: (step, quiz) → choice.
pub type Answers = Rc<Map<(usize, usize), usize>>;

#[derive(Properties, PartialEq)]
pub struct LessonViewProps {
    pub lesson: Rc<Lesson>,
    /// 1-based.
    pub step: usize,
    pub status: Rc<StepStatus>,
    pub done: Rc<Set<usize>>,
    /// Steps that were already so when they opened.
    #[prop_or_default]
    pub given: Rc<Set<usize>>,
    /// Every step is done.
    #[prop_or_default]
    pub finished: bool,
    /// The files the step mentions, as they are now.
    #[prop_or_default]
    pub files: Rc<StepFiles>,
    /// Opened from disk by an author, not built in.
    #[prop_or_default]
    pub preview: bool,
    /// What `servicelab check` says about the previewed file.
    #[prop_or_default]
    pub report: Option<Rc<Vec<String>>>,
    pub on_navigate: Callback<Route>,
    pub on_action: Callback<Action>,
    /// Open a file (by name) in the editor.
    pub on_open_file: Callback<String>,
    /// Open a before/after row's two paths side by side.
    #[prop_or_default]
    pub on_compare: Callback<usize>,
    /// The quizzes answered so far.
    #[prop_or_default]
    pub answers: Answers,
    /// The values of the lesson's placeholders in the student's world.
    #[prop_or_default]
    pub values: Rc<Values>,
    /// The command lines run since the step opened, with their exit status.
    #[prop_or_default]
    pub ran: Rc<Map<String, i32>>,
}

impl LessonViewProps {
    fn route(&self, step: usize) -> Route {
        if self.preview {
            Route::Preview { step }
        } else {
            Route::Lesson {
                id: self.lesson.id.clone(),
                step,
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct ProbeTableProps {
    rows: Vec<ProbeRow>,
    on_compare: Callback<usize>,
}

/// The step's probes at its start and now, as rows that fit any width;
/// each opens both paths side by side.
#[component]
fn ProbeTable(props: &ProbeTableProps) -> Html {
    if props.rows.is_empty() {
        return Html::default();
    }
    html! {
        <section class="probes" aria-labelledby="probes-heading">
            <h4 id="probes-heading">{ "Before and after" }</h4>
            <ul id="probe-table" class="probe-table">
                { for props.rows.iter().enumerate().map(|(i, r)| {
                    let changed = r.before.text != r.now.text;
                    let summary = format!("{} → {}: {} → {}", r.from, r.url, r.before.text, r.now.text);
                    let compare = props.on_compare.reform(move |_: MouseEvent| i);
                    html! {
                        <li class={classes!("probe", changed.then_some("changed"))} data-summary={summary}>
                            <p class="probe-request"><code>{ format!("{} → {}", r.from, r.url) }</code></p>
                            <dl class="probe-results">
                                <div><dt>{ "At the step's start" }</dt><dd class="before">{ r.before.text.clone() }</dd></div>
                                <div>
                                    <dt>{ "Now" }</dt>
                                    <dd class="now">
                                        { r.now.text.clone() }
                                        if changed {
                                            <span class="changed-mark">{ " (changed)" }</span>
                                        }
                                    </dd>
                                </div>
                                if let (Some(after), Some(reached)) = (&r.after, r.reached()) {
                                    <div>
                                        <dt>{ "When the step is done" }</dt>
                                        <dd class="after">
                                            <span class={classes!("glyph", if reached { "ok" } else { "no" })} aria-hidden="true">
                                                { if reached { "✓ " } else { "… " } }
                                            </span>
                                            { after.clone() }
                                            <span class="visually-hidden">{ if reached { " (reached)" } else { " (not yet)" } }</span>
                                        </dd>
                                    </div>
                                }
                            </dl>
                            <button type="button" class="compare-button" onclick={compare}
                                aria-label={format!("Compare paths: {} → {}, at the step's start and now", r.from, r.url)}>
                                { "Compare paths" }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ProseProps {
    doc: Doc,
    controls: Controls,
    shift: u8,
}

/// Lesson prose, drawn again only when it changes (not after every
/// command the student runs).
#[component]
fn Prose(props: &ProseProps) -> Html {
    prose::render(&props.doc, &props.controls, props.shift)
}

#[derive(Properties, PartialEq)]
pub struct ObjectivesProps {
    pub items: Rc<Vec<Doc>>,
    #[prop_or_default]
    pub values: Rc<Values>,
    /// Unfolded: the lesson's first visit. Afterwards they fold, so the
    /// step's first instruction is in view.
    #[prop_or(true)]
    pub open: bool,
}

/// What the student will be able to do, at the top of a lesson.
#[component]
pub fn Objectives(props: &ObjectivesProps) -> Html {
    if props.items.is_empty() {
        return Html::default();
    }
    let controls = Controls::reading(props.values.clone());
    html! {
        <details class="objectives" open={props.open}>
            <summary>{ "What you will be able to do" }</summary>
            <ul>{ for props.items.iter().map(|o| html! { <li>{ prose::render(o, &controls, 3) }</li> }) }</ul>
        </details>
    }
}

#[derive(Properties, PartialEq)]
pub struct QuizCardProps {
    pub quiz: Rc<Quiz>,
    /// The choice made, if any (it goes into the action log).
    #[prop_or_default]
    pub chosen: Option<usize>,
    pub on_choose: Callback<usize>,
    /// Tells the quizzes of a page apart.
    #[prop_or_default]
    pub id: AttrValue,
    /// The values of the lesson's placeholders in the student's world.
    #[prop_or_default]
    pub values: Rc<Values>,
}

/// A question: choices as buttons; once chosen, whether it was right, and
/// the explanation of that choice (never a scolding).
#[component]
pub fn QuizCard(props: &QuizCardProps) -> Html {
    let q = &props.quiz;
    let heading = format!("quiz{}-question", props.id);
    // Answering disables the choices (the pressed one had the focus, which
    // a disabled button drops): the focus goes to the feedback, which is
    // read out, once it is drawn. The pane does not move (the feedback
    // opens under the choices the student looks at).
    let feedback = format!("quiz{}-feedback", props.id);
    crate::ui::hooks::use_pending_focus();
    let reading = Controls::reading(props.values.clone());
    // A question with a probe predicts what a request will do.
    let tag = if q.probe.is_some() {
        "Predict"
    } else {
        "Question"
    };
    html! {
        <section class="quiz" aria-labelledby={heading.clone()} data-answered={props.chosen.is_some().to_string()}>
            <div id={heading.clone()} class="quiz-question">
                <span class="quiz-tag">{ tag }</span>
                <Prose doc={q.question.clone()} controls={reading.clone()} shift={3} />
            </div>
            <ul class="quiz-choices">
                { for q.choices.iter().enumerate().map(|(i, c)| {
                    let state = match props.chosen {
                        Some(_) if i == q.answer => Some("right"),
                        Some(ch) if ch == i => Some("wrong"),
                        _ => None,
                    };
                    let onclick = {
                        let on_choose = props.on_choose.clone();
                        let feedback = feedback.clone();
                        Callback::from(move |_: MouseEvent| {
                            on_choose.emit(i);
                            crate::ui::hooks::focus_after_render(&feedback);
                        })
                    };
                    html! {
                        <li>
                            <button type="button" class={classes!("quiz-choice", state)}
                                aria-pressed={(props.chosen == Some(i)).to_string()}
                                disabled={props.chosen.is_some()} {onclick}>
                                { prose::bound(&c.text, &props.values) }
                                if state == Some("right") { <span class="visually-hidden">{ " (the answer)" }</span> }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if let Some(c) = props.chosen {
                <div id={feedback.clone()} tabindex="-1" class={classes!("quiz-explain", if c == q.answer { "right" } else { "wrong" })} role="status">
                    <p class="quiz-verdict"><strong>{
                        if c == q.answer {
                            "Yes.".to_string()
                        } else {
                            format!("Not quite: the answer is “{}”.", q.choices.get(q.answer).map(|a| props.values.text(&a.text)).unwrap_or_default())
                        }
                    }</strong></p>
                    if let Some(text) = q.explanation(c) {
                        <Prose doc={text.clone()} controls={reading.clone()} shift={3} />
                    }
                    if c != q.answer {
                        if let Some(right) = q.explain.get(q.answer).filter(|_| q.explain.len() > 1) {
                            <Prose doc={right.clone()} controls={reading.clone()} shift={3} />
                        }
                    }
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonCompleteProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub recap: Option<Doc>,
    /// The next lesson, if there is one.
    #[prop_or_default]
    pub next: Option<(Route, AttrValue)>,
    pub on_navigate: Callback<Route>,
    #[prop_or_default]
    pub values: Rc<Values>,
}

/// Every step done: the lesson is marked finished, its recap, the way on.
#[component]
pub fn LessonComplete(props: &LessonCompleteProps) -> Html {
    html! {
        <section class="lesson-complete" aria-labelledby="complete-heading">
            <h4 id="complete-heading"><span aria-hidden="true">{ "✓ " }</span>{ format!("Lesson finished: {}", props.title) }</h4>
            if let Some(recap) = &props.recap {
                <div class="recap"><Prose doc={recap.clone()} controls={Controls::reading(props.values.clone())} shift={4} /></div>
            } else {
                <p>{ "Every step is done." }</p>
            }
            <p class="complete-actions">
                if let Some((route, title)) = &props.next {
                    <NavLink route={route.clone()} on_navigate={props.on_navigate.clone()} class="button primary next-lesson">
                        { format!("Next lesson: {title} →") }
                    </NavLink>
                } else {
                    <NavLink route={Route::Home} on_navigate={props.on_navigate.clone()} class="button primary">
                        { "All lessons" }
                    </NavLink>
                }
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct StepViewProps {
    view: Rc<StepViewData>,
}

/// What a step view needs (the lesson view's props, shared).
#[derive(PartialEq)]
struct StepViewData {
    lesson: Rc<Lesson>,
    step: usize,
    status: Rc<StepStatus>,
    files: Rc<StepFiles>,
    done: bool,
    given: bool,
    finished: bool,
    next: Option<Route>,
    previous: Option<Route>,
    next_lesson: Option<(Route, AttrValue)>,
    on_navigate: Callback<Route>,
    on_action: Callback<Action>,
    on_open_file: Callback<String>,
    on_compare: Callback<usize>,
    answers: Answers,
    values: Rc<Values>,
    ran: Rc<Map<String, i32>>,
}

/// Whether a quiz the goals would answer is still to be answered, and if
/// so whether it is in view.
#[derive(Clone, Copy, PartialEq)]
enum Waiting {
    No,
    /// The question is in view, above.
    Shown,
    /// The question is further on, behind a command to run.
    Ahead,
}

/// The sentence at the top of the goals.
fn state_line(v: &StepViewData, waiting: Waiting) -> Html {
    let status = &v.status;
    if waiting != Waiting::No && !status.checks.is_empty() {
        let words = if waiting == Waiting::Shown {
            "Answer the question above first: the goals would give its answer away."
        } else {
            "Run the step's commands: a question comes after them, and the goals show once you have answered it."
        };
        return html! {
            <p id="step-state" class="step-state waiting" data-passed="false">
                <span class="glyph" aria-hidden="true">{ "? " }</span>
                { words }
            </p>
        };
    }
    let reached = status
        .goals
        .iter()
        .filter(|g| **g == GoalState::Done)
        .count();
    if status.checks.is_empty() {
        return html! {
            <p id="step-state" class="step-state info">
                { "Nothing to check in this step: read, try the commands, then go on." }
            </p>
        };
    }
    if v.given {
        return html! {
            <p id="step-state" class="step-state given" data-passed="true" data-given="true">
                <span class="glyph" aria-hidden="true">{ "○ " }</span>
                { "Already so when you arrived: nothing to do here but look, then go on." }
            </p>
        };
    }
    if status.passed() || v.done {
        let words = if status.passed() {
            "Step done: you reached every goal."
        } else {
            "You finished this step earlier; the goals below are judged on the world as it is now."
        };
        return html! {
            <p id="step-state" class="step-state done" data-passed={status.passed().to_string()}>
                <span class="glyph" aria-hidden="true">{ "✓ " }</span>{ words }
            </p>
        };
    }
    if status.ready() {
        return html! {
            <p id="step-state" class="step-state ready" data-passed="false" data-ready="true">
                <span class="glyph" aria-hidden="true">{ "◐ " }</span>
                { "Almost: the world is ready. Make the request yourself and see how it ends." }
            </p>
        };
    }
    html! {
        <p id="step-state" class="step-state todo" data-passed="false">
            <span class="glyph" aria-hidden="true">{ "○ " }</span>
            { match status.checks.len() {
                1 => "Not yet: the goal is not reached.".to_string(),
                n => format!("Not yet: {reached} of {n} goals reached."),
            } }
        </p>
    }
}

/// One step. Its hints and solution are revealed here and forgotten when
/// the step changes (the component is keyed by step).
#[component]
fn StepView(props: &StepViewProps) -> Html {
    let v = &props.view;
    let hints_shown = use_state(|| 0usize);
    // The solution: hidden, asked for (confirm), shown.
    let solution = use_state(|| 0u8);
    let step = v.lesson.steps.get(v.step.wrapping_sub(1));
    let challenge = step.is_some_and(is_challenge);
    // Text after a console block the student chose to read before
    // running its commands (by its segment's index).
    let read_on = use_state(Set::<usize>::new);
    let controls = (*use_memo(
        (
            v.on_action.clone(),
            v.on_open_file.clone(),
            v.files.clone(),
            challenge,
            v.values.clone(),
        ),
        |(on_action, open, files, challenge, values)| Controls {
            run: on_action.reform(Action::Run),
            open: open.clone(),
            files: files.clone(),
            buttons: !challenge,
            values: values.clone(),
        },
    ))
    .clone();
    let reading = Controls::reading(v.values.clone());
    let Some(step) = step else {
        return Html::default();
    };
    let count = v.lesson.steps.len();
    let status = &v.status;
    let show_hint = {
        let hints_shown = hints_shown.clone();
        Callback::from(move |_: MouseEvent| hints_shown.set(*hints_shown + 1))
    };
    let set_solution = |to: u8| {
        let solution = solution.clone();
        Callback::from(move |_: MouseEvent| solution.set(to))
    };
    // The solution as it runs in the student's world.
    let solution_lines: Vec<String> = step.solution.iter().map(|l| v.values.text(l)).collect();
    let run_solution = {
        let on_action = v.on_action.clone();
        let lines = solution_lines.clone();
        Callback::from(move |_: MouseEvent| {
            for line in &lines {
                on_action.emit(Action::Run(line.clone()));
            }
        })
    };
    let last = v.step == count;
    let answered = |k: usize| v.answers.get(&(v.step, k)).copied();
    let step_done = v.done || status.passed();
    // The text up to the first quiz not yet answered; the rest waits. Text
    // after a console block waits too, until the student has run its last
    // command with success, or all of its commands (it talks about what they
    // print), and text after the goals until they are reached; or until the
    // student reads on.
    let status_of = |c: &String| {
        v.ran
            .get(&crate::ui::state::normal_command(&v.values.text(c)))
            .copied()
    };
    let has_run = |cmds: &[String]| {
        cmds.last().and_then(status_of) == Some(0) || cmds.iter().all(|c| status_of(c).is_some())
    };
    let stop = step.segments.iter().enumerate().position(|(i, s)| match s {
        Segment::Quiz(k) => answered(*k).is_none(),
        Segment::Ran(cmds) => !has_run(cmds) && !read_on.contains(&i),
        Segment::Goals => !status.passed() && !v.done && !read_on.contains(&i),
        Segment::Prose(_) => false,
    });
    let shown = stop.map_or(step.segments.len(), |i| i + 1);
    let gate = stop.and_then(|i| match &step.segments[i] {
        Segment::Ran(cmds) => Some((i, Some(cmds.len()))),
        Segment::Goals => Some((i, None)),
        _ => None,
    });
    // A quiz before the goals (anywhere, if the step's text does not place
    // them), not yet answered: its answer must not show in the goals, the
    // state line or the explanation.
    let goals_at = step
        .segments
        .iter()
        .position(|s| matches!(s, Segment::Goals))
        .unwrap_or(step.segments.len());
    let waiting = step
        .segments
        .iter()
        .enumerate()
        .take(goals_at)
        .find(|(_, s)| matches!(s, Segment::Quiz(k) if answered(*k).is_none()))
        .map_or(Waiting::No, |(i, _)| {
            if i < shown {
                Waiting::Shown
            } else {
                Waiting::Ahead
            }
        });
    // Everything there is to read is shown: "What happened" comes last.
    let all_read = stop.is_none();
    // "What happened" tells what the step's commands print (its last
    // console block often looks at what the goals made): it waits until
    // the student has run them, as text after a console block does, or
    // reads on. Its key among the read-on marks is past the segments'.
    let why_key = step.segments.len();
    let looked = step.commands.is_empty() || has_run(&step.commands) || read_on.contains(&why_key);
    // A diagnosis not yet done keeps the goals' causes to be asked for.
    let hold = (step.diagnosis || v.lesson.diagnosis) && !step_done;
    html! {
        <section class={classes!("step", challenge.then_some("challenge"))} aria-labelledby="step-title" data-step={v.step.to_string()}>
            <h3 id="step-title" tabindex="-1">
                { format!("Step {} of {count}: {}", v.step, step.title) }
            </h3>
            if challenge {
                <p class="challenge-note">{ "A challenge: the goal and its checks, and no commands to click. Hints come one at a time if you want them." }</p>
            }
            if !v.files.files.is_empty() && !challenge {
                <div class="step-files" role="group" aria-label="Files in this step">
                    <span class="step-files-label">{ "Files:" }</span>
                    { for v.files.files.iter().map(|f| {
                        let name = f.name.clone();
                        let open = v.on_open_file.reform(move |_: MouseEvent| name.clone());
                        html! {
                            <button type="button" class={classes!("file-chip", f.edited().then_some("edited"))} onclick={open}>
                                { f.name.clone() }
                                if f.edited() { <span class="edited-mark">{ "edited" }</span> }
                                <span class="visually-hidden">{ ": open it in the editor" }</span>
                            </button>
                        }
                    }) }
                </div>
            }
            if v.step == 1 && !v.lesson.intro.is_empty() {
                <div class="intro"><Prose doc={v.lesson.intro.clone()} controls={controls.clone()} shift={2} /></div>
            }
            <div class="step-text">
                { for step.segments.iter().take(shown).map(|s| match s {
                    Segment::Prose(doc) => html! { <Prose doc={doc.clone()} controls={controls.clone()} shift={2} /> },
                    Segment::Quiz(k) => match step.quizzes.get(*k) {
                        Some(q) => {
                            let k = *k;
                            let on_choose = v.on_action.reform(move |choice| Action::Answer { quiz: k, choice });
                            html! {
                                <QuizCard quiz={Rc::new(q.clone())} chosen={answered(k)}
                                    id={AttrValue::from(format!("{}-{k}", v.step))} {on_choose}
                                    values={v.values.clone()} />
                            }
                        }
                        None => Html::default(),
                    },
                    Segment::Ran(_) | Segment::Goals => Html::default(),
                }) }
                if let Some((i, commands)) = gate {
                    <div class="run-waiting" role="group" aria-label="The text goes on once you have done what is above">
                        <p>{ match commands {
                            Some(1) => "Run the command above to read on: the text goes on with what it prints.",
                            Some(_) => "Run the commands above to read on: the text goes on with what they print.",
                            None => "Reach the goals of this step to read on: the text goes on with the world as it is then.",
                        } }</p>
                        <button type="button" class="read-on" onclick={{
                            let read_on = read_on.clone();
                            Callback::from(move |_: MouseEvent| {
                                let mut set = (*read_on).clone();
                                set.insert(i);
                                read_on.set(set);
                            })
                        }}>{ if commands.is_some() { "Read on without running it" } else { "Read on anyway" } }</button>
                    </div>
                } else if shown < step.segments.len() {
                    <p class="quiz-waiting">{ "Answer the question to read on: the step goes on with the command that tells." }</p>
                }
            </div>

            if let (Some(why), true) = (&step.why, step_done && waiting == Waiting::No && all_read) {
                if looked {
                    <section class="why" aria-labelledby="why-heading">
                        <h4 id="why-heading">{ "What happened" }</h4>
                        <Prose doc={why.clone()} controls={reading.clone()} shift={3} />
                    </section>
                } else {
                    <div class="run-waiting why-waiting" role="group" aria-label="What happened comes once you have run the step's commands">
                        <p>{ if step.commands.len() == 1 {
                            "Run the step's command to see what happened: it speaks of what the command prints."
                        } else {
                            "Run the step's commands to see what happened: it speaks of what they print."
                        } }</p>
                        <button type="button" class="read-on" onclick={{
                            let read_on = read_on.clone();
                            Callback::from(move |_: MouseEvent| {
                                let mut set = (*read_on).clone();
                                set.insert(why_key);
                                read_on.set(set);
                            })
                        }}>{ "Read on without running them" }</button>
                    </div>
                }
            }

            <section class="checks" aria-labelledby="checks-heading">
                <h4 id="checks-heading">{ "Goals of this step" }</h4>
                <div role="status">{ state_line(v, waiting) }</div>
                if waiting == Waiting::No && !status.checks.is_empty() {
                    <ul class="check-list">
                        { for status.checks.iter().zip(status.goals.iter()).map(|(c, g)| {
                            let (class, glyph, said) = match g {
                                GoalState::Done => ("passed", "✓", "Reached: "),
                                GoalState::Ready => ("ready", "◐", "Ready, not seen yet: "),
                                GoalState::Todo => ("failed", "○", "Not yet: "),
                            };
                            html! {
                                <li class={classes!("check", class)} data-passed={(*g == GoalState::Done).to_string()} data-goal={class}>
                                    <span class="glyph" aria-hidden="true">{ glyph }</span>
                                    <span class="visually-hidden">{ said }</span>
                                    <span class="goal">{ c.goal.clone() }</span>
                                    if *g == GoalState::Todo && !c.problem.is_empty() {
                                        if hold {
                                            // A diagnosis: what is missing is the cause to find.
                                            <details class="problem held">
                                                <summary>{ "What is missing? (the step leaves this to you)" }</summary>
                                                <p class="problem">{ c.problem.clone() }</p>
                                            </details>
                                        } else {
                                            <p class="problem">{ c.problem.clone() }</p>
                                        }
                                    }
                                    if *g == GoalState::Ready {
                                        <p class="problem">{ "The world is ready: run this request yourself to see it, and the goal ticks." }</p>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>

            if waiting == Waiting::No {
                <ProbeTable rows={status.probes.clone()} on_compare={v.on_compare.clone()} />
            }

            if !step.hints.is_empty() {
                <section class="hints" aria-labelledby="hints-heading">
                    <h4 id="hints-heading">{ "Hints" }</h4>
                    if *hints_shown > 0 {
                        <ol class="hint-list">
                            { for step.hints.iter().take(*hints_shown).map(|h| html! {
                                <li><Prose doc={h.clone()} controls={controls.clone()} shift={3} /></li>
                            }) }
                        </ol>
                    }
                    if *hints_shown < step.hints.len() {
                        <button type="button" onclick={show_hint}>
                            { if *hints_shown == 0 {
                                format!("Show a hint (1 of {})", step.hints.len())
                            } else {
                                format!("Show another hint ({} of {})", *hints_shown + 1, step.hints.len())
                            } }
                        </button>
                    }
                </section>
            }

            if !step.solution.is_empty() {
                <section class="solution" aria-labelledby="solution-heading">
                    <h4 id="solution-heading">{ "Solution" }</h4>
                    if waiting != Waiting::No {
                        // Predict, then observe: the solution runs what the
                        // question asks the student to foresee.
                        <p class="solution-waiting">{ "Answer the question first: the solution runs the commands whose result it asks you to predict." }</p>
                    } else if *solution == 0 {
                        <button type="button" aria-expanded="false" onclick={set_solution(1)}>{ "Show the solution" }</button>
                    } else if *solution == 1 {
                        <div class="confirm" role="group" aria-label="Show the solution?">
                            <p>{ if step.hints.len() > *hints_shown { "Sure? A hint may be enough, and finding it yourself is what sticks." } else { "Sure? Trying once more is what makes it stick." } }</p>
                            <button type="button" class="primary" onclick={set_solution(2)}>{ "Yes, show the solution" }</button>
                            <button type="button" onclick={set_solution(0)}>{ "Not yet" }</button>
                        </div>
                    } else {
                        <button type="button" aria-expanded="true" aria-controls="solution-lines" onclick={set_solution(0)}>{ "Hide the solution" }</button>
                        <div id="solution-lines">
                            <pre class="solution-lines"><code>{ solution_lines.join("\n") }</code></pre>
                            <button type="button" class="run-solution" onclick={run_solution}>{ "Run the solution" }</button>
                        </div>
                    }
                </section>
            }

            if last && v.finished {
                <LessonComplete
                    title={AttrValue::from(v.lesson.title.clone())}
                    recap={recap_of(&v.lesson)}
                    next={v.next_lesson.clone()}
                    on_navigate={v.on_navigate.clone()}
                    values={v.values.clone()}
                />
            }

        </section>
    }
}

/// The lesson after `id` in the course, with its title.
pub fn next_lesson(id: &str) -> Option<(Route, AttrValue)> {
    let sources = catalog::sources();
    let i = sources.iter().position(|s| s.id() == id)?;
    let next = sources.get(i + 1)?;
    Some((
        Route::Lesson {
            id: next.id().to_string(),
            step: 1,
        },
        AttrValue::from(next.title().to_string()),
    ))
}

#[component]
pub fn LessonView(props: &LessonViewProps) -> Html {
    let lesson = &props.lesson;
    let count = lesson.steps.len();
    let step = props.step.clamp(1, count.max(1));
    let minutes = lesson.minutes;
    let data = Rc::new(StepViewData {
        lesson: lesson.clone(),
        step,
        status: props.status.clone(),
        files: props.files.clone(),
        done: props.done.contains(&step),
        given: props.given.contains(&step),
        finished: props.finished,
        next: (props.step < count).then(|| props.route(props.step + 1)),
        previous: (props.step > 1).then(|| props.route(props.step - 1)),
        next_lesson: if props.preview {
            None
        } else {
            next_lesson(&lesson.id)
        },
        on_navigate: props.on_navigate.clone(),
        on_action: props.on_action.clone(),
        on_open_file: props.on_open_file.clone(),
        on_compare: props.on_compare.clone(),
        answers: props.answers.clone(),
        values: props.values.clone(),
        ran: props.ran.clone(),
    });
    let key = format!("{}/{}", lesson.id, props.step);
    let done_count = (1..=count).filter(|n| props.done.contains(n)).count();
    // Another lesson or step opens at its top (the pane keeps its scroll
    // position otherwise: a next lesson opened far down in its text).
    use_effect_with(key.clone(), |_| {
        if let Some(pane) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("lesson-pane"))
        {
            pane.set_scroll_top(0);
        }
    });
    // The objectives are unfolded on the lesson's first visit (its first
    // step, nothing done yet), as the step opens: finishing the step does
    // not fold them under the student's eyes.
    let first_visit = *use_memo(key.clone(), |_| props.step == 1 && done_count == 0);
    html! {
        <article class={classes!("lesson", props.finished.then_some("finished"))} aria-labelledby="lesson-pane-heading" data-lesson={lesson.id.clone()}>
            <header class="lesson-head">
                <p class="back">
                    <NavLink route={Route::Home} on_navigate={props.on_navigate.clone()}>{ "← All lessons" }</NavLink>
                </p>
                <h2 id="lesson-pane-heading" tabindex="-1">{ lesson.title.clone() }</h2>
                <p class="lesson-meta">
                    { format!("{done_count} of {count} steps done") }
                    if let Some(m) = minutes { { format!(" · about {m} min") } }
                    if props.finished {
                        <span class="finished-mark"><span aria-hidden="true">{ " ✓ " }</span>{ "finished" }</span>
                    }
                </p>
                <Objectives key={key.clone()} items={Rc::new(objectives_of(lesson))} values={props.values.clone()} open={first_visit} />
                if props.preview {
                    <p class="preview-badge">{ format!("Preview of {}, opened from disk", lesson.path) }</p>
                    if let Some(report) = &props.report {
                        if report.is_empty() {
                            <p class="check-ok">{ "✓ servicelab check: no problems (every step's solution replays)." }</p>
                        } else {
                            <div class="diagnostics" role="alert">
                                <p>{ format!("servicelab check found {} problem(s):", report.len()) }</p>
                                <pre>{ report.join("\n\n") }</pre>
                            </div>
                        }
                    }
                }
                <nav class="steps-nav" aria-label="Steps of this lesson">
                    <ol>
                        { for lesson.steps.iter().enumerate().map(|(i, s)| {
                            let n = i + 1;
                            let done = props.done.contains(&n);
                            let given = props.given.contains(&n);
                            let (glyph, said) = match (done, given) {
                                (true, true) => ("○", " (already so when you arrived)"),
                                (true, false) => ("✓", " (done)"),
                                _ => ("", ""),
                            };
                            html! {
                                <li class={classes!(done.then_some("done"), given.then_some("given"), (n == props.step).then_some("current"), is_challenge(s).then_some("challenge"))}>
                                    <NavLink route={props.route(n)} on_navigate={props.on_navigate.clone()}
                                        current={(n == props.step).then_some(AttrValue::from("step"))}>
                                        <span class="glyph" aria-hidden="true">{ glyph }</span>
                                        { s.title.clone() }
                                        if !said.is_empty() {
                                            <span class="visually-hidden">{ said }</span>
                                        }
                                    </NavLink>
                                </li>
                            }
                        }) }
                    </ol>
                </nav>
            </header>
            <StepView {key} view={data} />
        </article>
    }
}
