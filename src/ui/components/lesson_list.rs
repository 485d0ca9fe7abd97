//! The home of the lesson pane: the course, a free world to build, and a
//! lesson file to preview (for authors).

use super::author_panel::AuthorPanel;
use super::nav_link::NavLink;
use crate::engine::world::{Cni, MAX_NODES};
use crate::engine::WorldOptions;
use crate::ui::catalog;
use crate::ui::route::Route;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Where a student is in a lesson, from their saved work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonProgress {
    pub id: String,
    pub step: usize,
    /// Steps done (given ones included).
    pub done: usize,
}

impl LessonProgress {
    /// Every step of a lesson of `steps` steps is done.
    pub fn finished(&self, steps: usize) -> bool {
        self.done >= steps
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonListProps {
    pub on_navigate: Callback<Route>,
    #[prop_or_default]
    pub progress: Rc<Vec<LessonProgress>>,
    /// A lesson file was opened: its name and text.
    /// Play a lesson file an author opened: name, text, step.
    pub on_preview: Callback<(String, String, usize)>,
}

#[component]
fn SandboxForm(props: &SandboxFormProps) -> Html {
    let nodes = use_state(|| 2u8);
    let cloud = use_state(|| false);
    let onchange_nodes = {
        let nodes = nodes.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(n) = select.value().parse() {
                nodes.set(n);
            }
        })
    };
    let set_cloud = |value: bool| {
        let cloud = cloud.clone();
        Callback::from(move |_: Event| cloud.set(value))
    };
    let cni = use_state(Cni::default);
    let set_cni = |value: Cni| {
        let cni = cni.clone();
        Callback::from(move |_: Event| cni.set(value))
    };
    let gateway = use_state(|| false);
    let toggle_gateway = {
        let gateway = gateway.clone();
        Callback::from(move |_: Event| gateway.set(!*gateway))
    };
    let onsubmit = {
        let (nodes, cloud, cni, gateway) =
            (nodes.clone(), cloud.clone(), cni.clone(), gateway.clone());
        let on_navigate = props.on_navigate.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_navigate.emit(Route::Sandbox(WorldOptions {
                nodes: *nodes,
                cloud: *cloud,
                cni: *cni,
                gateway: *gateway,
                ..WorldOptions::default()
            }));
        })
    };
    html! {
        <details class="sandbox-form">
            <summary id="sandbox-heading">{ "Sandbox: a world of your own" }</summary>
            <p>{ "No lesson, no checks: build a cluster of 1 to 8 nodes and try anything." }</p>
            <form {onsubmit}>
                <label for="sandbox-nodes">{ "Nodes" }</label>
                <select id="sandbox-nodes" onchange={onchange_nodes}>
                    { for (1..=MAX_NODES).map(|n| html! {
                        <option value={n.to_string()} selected={n == *nodes}>{ n.to_string() }</option>
                    }) }
                </select>
                <fieldset>
                    <legend>{ "Where it runs" }</legend>
                    <label>
                        <input type="radio" name="sandbox-where" checked={!*cloud} onchange={set_cloud(false)} />
                        { " Bare metal (LoadBalancer stays <pending>)" }
                    </label>
                    <label>
                        <input type="radio" name="sandbox-where" checked={*cloud} onchange={set_cloud(true)} />
                        { " A cloud (LoadBalancer gets an external IP)" }
                    </label>
                </fieldset>
                <fieldset>
                    <legend>{ "Pod network" }</legend>
                    <label>
                        <input type="radio" name="sandbox-cni" checked={*cni == Cni::Flannel} onchange={set_cni(Cni::Flannel)} />
                        { " flannel (NetworkPolicy is stored, not enforced)" }
                    </label>
                    <label>
                        <input type="radio" name="sandbox-cni" checked={*cni == Cni::Canal} onchange={set_cni(Cni::Canal)} />
                        { " Canal (Calico enforces NetworkPolicy)" }
                    </label>
                </fieldset>
                <label class="sandbox-gateway">
                    <input type="checkbox" checked={*gateway} onchange={toggle_gateway} />
                    { " The Gateway API, served by Traefik" }
                </label>
                <button type="submit">{ "Build this world" }</button>
            </form>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct SandboxFormProps {
    on_navigate: Callback<Route>,
}

#[component]
pub fn LessonList(props: &LessonListProps) -> Html {
    let sources = catalog::sources();
    let item = |b: &catalog::Source| {
        let id = b.id().to_string();
        let steps = b.steps();
        let progress = props.progress.iter().find(|p| p.id == id);
        let route = Route::Lesson {
            id: id.clone(),
            step: progress.map_or(1, |p| p.step),
        };
        let finished = progress.is_some_and(|p| p.finished(steps));
        let status = progress.map(|p| {
            if finished {
                format!("Finished: {steps} of {steps} steps done")
            } else {
                format!(
                    "In progress: {} of {steps} steps done, at step {}",
                    p.done, p.step
                )
            }
        });
        let meta = match b.minutes() {
            Some(m) => format!("{steps} steps · about {m} min"),
            None => format!("{steps} steps"),
        };
        let title = b.title().to_string();
        html! {
            <li class={classes!("lesson-item", finished.then_some("finished"))} data-lesson={id.clone()}>
                <NavLink {route} on_navigate={props.on_navigate.clone()} class="lesson-link">
                    { title }
                </NavLink>
                if finished {
                    <span class="finished-mark"><span aria-hidden="true">{ "✓ " }</span>{ "finished" }</span>
                }
                <p class="lesson-summary">{ b.summary().to_string() }</p>
                <p class="lesson-meta">
                    { meta }
                    if let Some(p) = progress {
                        <span class="progress-bar" aria-hidden="true">
                            <span style={format!("width: {}%", (p.done * 100 / steps.max(1)).min(100))}></span>
                        </span>
                    }
                </p>
                if let Some(status) = status {
                    <p class="lesson-progress">{ status }</p>
                }
                if !b.head.objectives.is_empty() {
                    <details class="lesson-objectives">
                        <summary>{ "What you will be able to do" }</summary>
                        <ul>{ for b.head.objectives.iter().map(|o| html! {
                            <li>{ crate::ui::prose::render(o, &crate::ui::prose::Controls::default(), 3) }</li>
                        }) }</ul>
                    </details>
                }
            </li>
        }
    };
    // Lessons by course, in the order the courses first appear: the first
    // course's lessons name none (the Services course), a later course's
    // lessons say `course:` in their front matter.
    let mut courses: Vec<(Option<String>, Vec<Html>)> = vec![];
    for b in sources.iter() {
        let course = b.head.course.clone();
        let html = item(b);
        match courses.iter_mut().find(|(c, _)| *c == course) {
            Some((_, items)) => items.push(html),
            None => courses.push((course, vec![html])),
        }
    }
    let several = courses.len() > 1;
    let sections = courses.into_iter().enumerate().map(|(i, (course, items))| {
        let id = if i == 0 {
            "course-heading".to_string()
        } else {
            format!("course-heading-{}", i + 1)
        };
        let title = match (several, course) {
            (false, _) => "The course".to_string(),
            (true, Some(name)) => name,
            (true, None) => "Services".to_string(),
        };
        html! {
            <section class="course" aria-labelledby={id.clone()}>
                <h3 {id}>{ title }</h3>
                <ol class="lesson-list">{ for items }</ol>
            </section>
        }
    });
    let authoring = crate::ui::authoring::AVAILABLE;
    html! {
        <div class="lesson-home">
            // On the authors' page, their files come first.
            if authoring {
                <AuthorPanel on_play={props.on_preview.clone()} />
            }
            if let Some(problem) = catalog::problem() {
                <section class="course" aria-labelledby="course-heading">
                    <h3 id="course-heading">{ "The course" }</h3>
                    <p class="notice course-problem" role="alert">
                        { format!("This site's course could not be read: {problem}. The sandbox below still works.") }
                    </p>
                </section>
            }
            { for sections }
            <SandboxForm on_navigate={props.on_navigate.clone()} />
            if !authoring {
                <p class="author-link">
                    { "Writing a lesson? " }
                    <a href="author/">{ "The authors' page" }</a>
                    { " checks a lesson file as servicelab check does and plays it." }
                </p>
            }
        </div>
    }
}
