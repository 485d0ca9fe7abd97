//! The lesson's way on, under the lesson pane and last in the page's order:
//! Previous step and Next step (or, on the last step, the next lesson).
//! It is the place a keyboard reaches after the terminal and the network,
//! so a student who ran a command and looked at its packet moves on in a
//! few Tab presses, whatever the length of the step's text.

use super::lesson_view::next_lesson;
use super::nav_link::NavLink;
use crate::engine::lesson::Lesson;
use crate::ui::route::Route;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StepBarProps {
    pub lesson: Rc<Lesson>,
    /// 1-based.
    pub step: usize,
    /// Opened from disk by an author.
    #[prop_or_default]
    pub preview: bool,
    /// The step is done (Next step is the primary action).
    pub done: bool,
    /// Every step is done.
    pub finished: bool,
    pub on_navigate: Callback<Route>,
}

#[component]
pub fn StepBar(props: &StepBarProps) -> Html {
    let count = props.lesson.steps.len();
    let step = props.step.clamp(1, count.max(1));
    let route = |n: usize| {
        if props.preview {
            Route::Preview { step: n }
        } else {
            Route::Lesson {
                id: props.lesson.id.clone(),
                step: n,
            }
        }
    };
    let next_lesson = (!props.preview)
        .then(|| next_lesson(&props.lesson.id))
        .flatten();
    html! {
        <nav class="step-bar step-nav" aria-label="Steps">
            if step > 1 {
                <NavLink route={route(step - 1)} on_navigate={props.on_navigate.clone()} class="button">{ "← Previous step" }</NavLink>
            }
            <span class="step-of">{ format!("Step {step} of {count}") }</span>
            if step < count {
                <NavLink route={route(step + 1)} on_navigate={props.on_navigate.clone()} class={classes!("button", "next-step", props.done.then_some("primary"))}>{ "Next step →" }</NavLink>
            } else if let (true, Some((route, title))) = (props.finished, next_lesson) {
                <NavLink {route} on_navigate={props.on_navigate.clone()} class="button primary next-step">{ format!("Next lesson: {title} →") }</NavLink>
            } else {
                <NavLink route={Route::Home} on_navigate={props.on_navigate.clone()} class="button next-step">{ "All lessons" }</NavLink>
            }
        </nav>
    }
}
