//! The first screen: what this is in one line, and one obvious way in (the
//! first lesson, or where the student left off); then the course, a
//! sandbox and, folded away, the authors' preview.

use super::lesson_list::{LessonList, LessonProgress};
use super::nav_link::NavLink;
use crate::engine::WorldOptions;
use crate::ui::catalog;
use crate::ui::route::Route;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    /// The sandbox's world, when this is the sandbox page.
    #[prop_or_default]
    pub sandbox: Option<WorldOptions>,
    pub on_navigate: Callback<Route>,
    #[prop_or_default]
    pub progress: Rc<Vec<LessonProgress>>,
    /// Play a lesson file an author opened: name, text, step.
    pub on_preview: Callback<(String, String, usize)>,
}

/// Where to go in: the first lesson begun and not finished, else the first
/// lesson not begun, else the first.
fn way_in(progress: &[LessonProgress]) -> Option<(Route, String)> {
    let sources = catalog::sources();
    let title = |s: &catalog::Source| s.title().to_string();
    let started = sources.iter().find_map(|s| {
        progress
            .iter()
            .find(|p| p.id == s.id() && !p.finished(s.steps()))
            .map(|p| (s, p.step))
    });
    if let Some((s, step)) = started {
        return Some((
            Route::Lesson {
                id: s.id().to_string(),
                step,
            },
            format!("Continue “{}”, step {step} of {}", title(s), s.steps()),
        ));
    }
    let fresh = sources
        .iter()
        .position(|s| !progress.iter().any(|p| p.id == s.id()));
    let (s, first) = match fresh {
        Some(0) | None => (sources.first()?, true),
        Some(i) => (&sources[i], false),
    };
    Some((
        Route::Lesson {
            id: s.id().to_string(),
            step: 1,
        },
        if first && progress.is_empty() {
            format!("Start the first lesson: “{}”", title(s))
        } else {
            format!("Next lesson: “{}”", title(s))
        },
    ))
}

#[component]
pub fn Home(props: &HomeProps) -> Html {
    let start = way_in(&props.progress);
    html! {
        <div class="home">
            if let Some(options) = props.sandbox {
                <p class="sandbox-badge">
                    { format!(
                        "Sandbox: {} node(s), {}, {}{}. No lesson, no checks.",
                        options.nodes,
                        if options.cloud { "on a cloud" } else { "bare metal" },
                        match options.cni {
                            crate::engine::world::Cni::Flannel => "flannel",
                            crate::engine::world::Cni::Canal => "Canal (NetworkPolicy enforced)",
                        },
                        if options.gateway { ", Traefik serving the Gateway API" } else { "" }
                    ) }
                </p>
            }
            <h2 id="lesson-pane-heading" tabindex="-1" class="hero-title">
                { "See how a Kubernetes Service moves a packet" }
            </h2>
            <p class="hero-line">
                { "Type real curl and kubectl into a simulated cluster, and watch each packet travel, hop by hop, or stop, and see why." }
            </p>
            if let Some((route, label)) = start {
                <p class="hero-action">
                    <NavLink {route} on_navigate={props.on_navigate.clone()} class="button primary big start-link">
                        { label }{ " →" }
                    </NavLink>
                </p>
            }
            <LessonList
                on_navigate={props.on_navigate.clone()}
                progress={props.progress.clone()}
                on_preview={props.on_preview.clone()}
            />
        </div>
    }
}
