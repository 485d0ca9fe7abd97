//! A lesson being played: its steps, the current step's text with runnable
//! commands and editable manifests, what the step asks for and how far the
//! student is, the before/after table, hints, the solution, and the way on.

use super::nav_link::NavLink;
use crate::engine::lesson::Lesson;
use crate::engine::lesson::{Doc, Segment};
use crate::ui::prose::{self, Controls};
use crate::ui::route::Route;
use crate::ui::state::{Action, ProbeRow, StepStatus};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonViewProps {
    pub lesson: Rc<Lesson>,
    /// 1-based.
    pub step: usize,
    pub status: Rc<StepStatus>,
    pub done: Rc<BTreeSet<usize>>,
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
}

/// The step's probes at its start and now, as a small table.
#[component]
fn ProbeTable(props: &ProbeTableProps) -> Html {
    if props.rows.is_empty() {
        return Html::default();
    }
    html! {
        <section class="probes" aria-labelledby="probes-heading">
            <h4 id="probes-heading">{ "Before and after" }</h4>
            <div class="table-scroll" tabindex="0">
                <table id="probe-table" class="probe-table">
                    <caption class="visually-hidden">{ "Each request at the start of this step and now" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Request" }</th>
                            <th scope="col">{ "At the step's start" }</th>
                            <th scope="col">{ "Now" }</th>
                            <th scope="col">{ "When the step is done" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for props.rows.iter().map(|r| {
                            let changed = r.before != r.now;
                            let summary = format!("{} → {}: {} → {}", r.from, r.url, r.before, r.now);
                            html! {
                                <tr class={classes!("probe", changed.then_some("changed"))} data-summary={summary}>
                                    <th scope="row"><code>{ format!("{} → {}", r.from, r.url) }</code></th>
                                    <td class="before">{ r.before.clone() }</td>
                                    <td class="now">
                                        { r.now.clone() }
                                        if changed {
                                            <span class="changed-mark">{ " (changed)" }</span>
                                        }
                                    </td>
                                    <td class="after">
                                        if let (Some(after), Some(reached)) = (&r.after, r.reached()) {
                                            <span class={classes!("glyph", if reached { "ok" } else { "no" })} aria-hidden="true">
                                                { if reached { "✓ " } else { "✗ " } }
                                            </span>
                                            { after.clone() }
                                            <span class="visually-hidden">{ if reached { " (reached)" } else { " (not yet)" } }</span>
                                        } else {
                                            { "—" }
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
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
struct StepViewProps {
    view: Rc<LessonViewPropsData>,
}

/// What a step view needs (the lesson view's props, shared).
#[derive(PartialEq)]
struct LessonViewPropsData {
    lesson: Rc<Lesson>,
    step: usize,
    status: Rc<StepStatus>,
    next: Option<Route>,
    previous: Option<Route>,
    on_navigate: Callback<Route>,
    on_action: Callback<Action>,
    on_open_file: Callback<String>,
}

/// One step. Its hints and solution are revealed here and forgotten when
/// the step changes (the component is keyed by step).
#[component]
fn StepView(props: &StepViewProps) -> Html {
    let v = &props.view;
    let hints_shown = use_state(|| 0usize);
    let solution_shown = use_state(|| false);
    let controls = (*use_memo(
        (v.on_action.clone(), v.on_open_file.clone()),
        |(on_action, open)| Controls {
            run: on_action.reform(Action::Run),
            open: open.clone(),
        },
    ))
    .clone();
    let Some(step) = v.lesson.steps.get(v.step - 1) else {
        return Html::default();
    };
    let count = v.lesson.steps.len();
    let status = &v.status;
    let reached = status.checks.iter().filter(|c| c.passed).count();
    let state_line = if status.checks.is_empty() {
        html! {
            <p id="step-state" class="step-state info">
                { "Nothing to check in this step: read, try the commands, then go on." }
            </p>
        }
    } else if status.passed() {
        html! {
            <p id="step-state" class="step-state done" data-passed="true">
                <span class="glyph" aria-hidden="true">{ "✓ " }</span>
                { "Step done: every goal is reached." }
            </p>
        }
    } else {
        html! {
            <p id="step-state" class="step-state todo" data-passed="false">
                <span class="glyph" aria-hidden="true">{ "✗ " }</span>
                { format!("Not yet: {reached} of {} goal(s) reached.", status.checks.len()) }
            </p>
        }
    };
    let show_hint = {
        let hints_shown = hints_shown.clone();
        Callback::from(move |_: MouseEvent| hints_shown.set(*hints_shown + 1))
    };
    let toggle_solution = {
        let solution_shown = solution_shown.clone();
        Callback::from(move |_: MouseEvent| solution_shown.set(!*solution_shown))
    };
    let run_solution = {
        let on_action = v.on_action.clone();
        let lines = step.solution.clone();
        Callback::from(move |_: MouseEvent| {
            for line in &lines {
                on_action.emit(Action::Run(line.clone()));
            }
        })
    };
    let reset = v.on_action.reform(|_: MouseEvent| Action::ResetStep);
    html! {
        <section class="step" aria-labelledby="step-title" data-step={v.step.to_string()}>
            <h3 id="step-title" tabindex="-1">{ format!("Step {} of {count}: {}", v.step, step.title) }</h3>
            if v.step == 1 && !v.lesson.intro.is_empty() {
                <div class="intro"><Prose doc={v.lesson.intro.clone()} controls={controls.clone()} shift={2} /></div>
            }
            <div class="step-text">
                { for step.segments.iter().filter_map(|s| match s {
                    Segment::Prose(doc) => Some(html! { <Prose doc={doc.clone()} controls={controls.clone()} shift={2} /> }),
                    Segment::Quiz(_) => None,
                }) }
            </div>

            <section class="checks" aria-labelledby="checks-heading">
                <h4 id="checks-heading">{ "Goals of this step" }</h4>
                <div role="status">{ state_line }</div>
                if !status.checks.is_empty() {
                    <ul class="check-list">
                        { for status.checks.iter().map(|c| html! {
                            <li class={classes!("check", if c.passed { "passed" } else { "failed" })} data-passed={c.passed.to_string()}>
                                <span class="glyph" aria-hidden="true">{ if c.passed { "✓" } else { "✗" } }</span>
                                <span class="visually-hidden">{ if c.passed { "Reached: " } else { "Not yet: " } }</span>
                                <span class="goal">{ c.goal.clone() }</span>
                                if !c.passed && !c.problem.is_empty() {
                                    <p class="problem">{ c.problem.clone() }</p>
                                }
                            </li>
                        }) }
                    </ul>
                }
            </section>

            <ProbeTable rows={status.probes.clone()} />

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
                    <button type="button" aria-expanded={solution_shown.to_string()} aria-controls="solution-lines" onclick={toggle_solution}>
                        { if *solution_shown { "Hide the solution" } else { "Show the solution" } }
                    </button>
                    if *solution_shown {
                        <div id="solution-lines">
                            <pre class="solution-lines" tabindex="0"><code>{ step.solution.join("\n") }</code></pre>
                            <button type="button" class="run-solution" onclick={run_solution}>{ "Run the solution" }</button>
                        </div>
                    }
                </section>
            }

            <nav class="step-nav" aria-label="Steps">
                if let Some(route) = v.previous.clone() {
                    <NavLink {route} on_navigate={v.on_navigate.clone()} class="button">{ "← Previous step" }</NavLink>
                }
                <button type="button" onclick={reset}>{ "Reset step" }</button>
                if let Some(route) = v.next.clone() {
                    <NavLink {route} on_navigate={v.on_navigate.clone()} class="button primary">{ "Next step →" }</NavLink>
                } else {
                    <NavLink route={Route::Home} on_navigate={v.on_navigate.clone()} class="button">{ "All lessons" }</NavLink>
                }
            </nav>
        </section>
    }
}

#[component]
pub fn LessonView(props: &LessonViewProps) -> Html {
    let lesson = &props.lesson;
    let count = lesson.steps.len();
    let data = Rc::new(LessonViewPropsData {
        lesson: lesson.clone(),
        step: props.step.clamp(1, count.max(1)),
        status: props.status.clone(),
        next: (props.step < count).then(|| props.route(props.step + 1)),
        previous: (props.step > 1).then(|| props.route(props.step - 1)),
        on_navigate: props.on_navigate.clone(),
        on_action: props.on_action.clone(),
        on_open_file: props.on_open_file.clone(),
    });
    let key = format!("{}/{}", lesson.id, props.step);
    html! {
        <article class="lesson" aria-labelledby="lesson-pane-heading" data-lesson={lesson.id.clone()}>
            <p class="back">
                <NavLink route={Route::Home} on_navigate={props.on_navigate.clone()}>{ "← All lessons" }</NavLink>
            </p>
            <h2 id="lesson-pane-heading" tabindex="-1">{ lesson.title.clone() }</h2>
            if props.preview {
                <p class="preview-badge">{ format!("Preview of {}, opened from disk", lesson.path) }</p>
                if let Some(report) = &props.report {
                    if report.is_empty() {
                        <p class="check-ok">{ "✓ servicelab check: no problems (every step's solution replays)." }</p>
                    } else {
                        <div class="diagnostics" role="alert">
                            <p>{ format!("servicelab check found {} problem(s):", report.len()) }</p>
                            <pre tabindex="0">{ report.join("\n\n") }</pre>
                        </div>
                    }
                }
            }
            <nav class="steps-nav" aria-label="Steps of this lesson">
                <ol>
                    { for lesson.steps.iter().enumerate().map(|(i, s)| {
                        let n = i + 1;
                        let done = props.done.contains(&n);
                        html! {
                            <li class={classes!(done.then_some("done"), (n == props.step).then_some("current"))}>
                                <NavLink route={props.route(n)} on_navigate={props.on_navigate.clone()}
                                    current={(n == props.step).then_some(AttrValue::from("step"))}>
                                    <span class="glyph" aria-hidden="true">{ if done { "✓ " } else { "" } }</span>
                                    { s.title.clone() }
                                    if done {
                                        <span class="visually-hidden">{ " (done)" }</span>
                                    }
                                </NavLink>
                            </li>
                        }
                    }) }
                </ol>
            </nav>
            <StepView {key} view={data} />
        </article>
    }
}
