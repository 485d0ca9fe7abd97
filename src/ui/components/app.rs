//! The page: owns the one [`State`], and lays the work out. On a laptop the
//! lesson is a column at the left, the terminal (with the editor as its
//! second tab) and the network share the rest, each pane scrolling on its
//! own; on a phone the three are panes the student moves between. The
//! effects live in named hooks (`ui::hooks`); everything they change goes
//! through the reducer.

use super::editor::EditorFile;
use super::home::Home;
use super::lesson_view::LessonView;
use super::network_pane::{NetworkFocus, NetworkPane};
use super::step_bar::StepBar;
use super::terminal_pane::TerminalPane;
use crate::engine::WorldOptions;
use crate::ui::hooks::{self, focus_id};
use crate::ui::opening;
use crate::ui::route::Route;
use crate::ui::state::{Action, Scope, Stash, State};
use crate::ui::storage::{self, Store};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    /// The world of the home page, or why the page address did not describe one.
    pub options: Result<WorldOptions, String>,
    /// Where to start. `None`: the page address, followed as it changes
    /// (the real page); `Some`: there, without touching the address (tests).
    pub route: Option<Route>,
    /// Where the student's work is kept; `None`: nowhere.
    pub store: Option<Store>,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            options: Ok(WorldOptions::default()),
            route: Some(Route::Home),
            store: None,
        }
    }
}

/// The pane shown on a phone, where one pane fits at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Lesson,
    Terminal,
    Network,
}

impl Pane {
    fn name(self) -> &'static str {
        match self {
            Pane::Lesson => "lesson",
            Pane::Terminal => "terminal",
            Pane::Network => "network",
        }
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let follow = props.route.is_none();
    let state = use_reducer({
        let props = props.clone();
        move || {
            let route = props.route.clone().unwrap_or_else(hooks::location_route);
            let opening = opening::for_address(&route, props.store.as_ref(), &props.options, true);
            if let Some(store) = &props.store {
                crate::ui::crash_guard::mark(
                    store,
                    &crate::ui::crash_guard::Mark {
                        key: opening.scope.work_key(),
                        doing: crate::ui::crash_guard::Doing::Replay,
                    },
                );
            }
            State::open(&opening)
        }
    });
    let dispatcher = state.dispatcher();
    let on_action = hooks::use_guarded_actions(state.clone(), props.store.clone());
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();

    // The pane on a phone; on a wide screen all three are in view.
    let pane = use_state(|| Pane::Lesson);
    let network_focus = use_state(|| NetworkFocus::Packet);

    // Where the page is, for callbacks registered once (the address bar's).
    let current = use_mut_ref(|| state.route());
    *current.borrow_mut() = state.route();
    let focus_title = hooks::use_focus_title(state.route(), state.revision);
    let navigate = {
        let dispatcher = dispatcher.clone();
        let current = current.clone();
        let focus_title = focus_title.clone();
        let store = props.store.clone();
        let options = props.options.clone();
        let pane = pane.clone();
        let network_focus = network_focus.clone();
        Callback::from(move |route: Route| {
            let action = match (&*current.borrow(), &route) {
                (Route::Lesson { id: a, .. }, Route::Lesson { id: b, step }) if a == b => {
                    Action::Goto(*step)
                }
                (Route::Preview { .. }, Route::Preview { step }) => Action::Goto(*step),
                (here, there) if here == there => return,
                _ => Action::Open(Rc::new(opening::for_address(
                    &route,
                    store.as_ref(),
                    &options,
                    false,
                ))),
            };
            *focus_title.borrow_mut() = true;
            pane.set(Pane::Lesson);
            network_focus.set(NetworkFocus::Packet);
            dispatcher.dispatch(action);
        })
    };
    hooks::use_address(follow, state.route(), state.revision, navigate.clone());
    hooks::use_judge_after_paint(dispatcher.clone(), state.revision, state.stale);
    hooks::use_saving(state.clone(), props.store.clone());
    hooks::use_warm_up(state.clone());

    // The editor: a tab of the terminal pane.
    let editor = use_state(|| None::<Rc<EditorFile>>);
    let generation = use_mut_ref(|| 0u64);
    let open_editor = {
        let editor = editor.clone();
        let generation = generation.clone();
        let pane = pane.clone();
        Callback::from(
            move |(name, host, text, original): (String, String, String, Option<String>)| {
                *generation.borrow_mut() += 1;
                editor.set(Some(Rc::new(EditorFile {
                    name,
                    host,
                    text,
                    original,
                    generation: *generation.borrow(),
                    kubectl: false,
                })));
                pane.set(Pane::Terminal);
            },
        )
    };
    // A lesson's file, by name: the student's copy on the laptop if there
    // is one, else the lesson's text.
    let open_file = {
        let latest = latest.clone();
        let open_editor = open_editor.clone();
        use_callback((), move |name: String, _| {
            let state = latest.borrow().clone();
            let lesson_text = state.lesson().and_then(|l| {
                l.steps
                    .iter()
                    .flat_map(|s| &s.files)
                    .find(|f| f.name == name)
                    .map(|f| f.content.clone())
            });
            let host = state.session.current_host().to_string();
            let text = state
                .file_text(&name)
                .or_else(|| lesson_text.clone())
                .unwrap_or_default();
            open_editor.emit((name, host, text, lesson_text));
        })
    };
    // `vi FILE` in the terminal.
    {
        let open_editor = open_editor.clone();
        let edit = state.edit.clone();
        use_effect_with(edit.as_ref().map(|e| e.id), move |_| {
            if let Some(e) = edit {
                let r = &e.request;
                // A path in the home directory reads as its name.
                let home_name = r
                    .path
                    .rsplit_once('/')
                    .filter(|(dir, _)| dir.starts_with("/home/") || *dir == "/root")
                    .filter(|(dir, _)| dir.matches('/').count() <= 2)
                    .map(|(_, n)| n.to_string());
                let name = home_name.unwrap_or_else(|| r.path.clone());
                open_editor.emit((
                    name,
                    r.host.clone(),
                    r.text.clone().unwrap_or_default(),
                    None,
                ));
            }
        });
    }
    // `kubectl edit` in the terminal: the object in the editor.
    {
        let editor = editor.clone();
        let generation = generation.clone();
        let pane = pane.clone();
        let open = state.kubectl_edit.clone();
        let host = state.session.current_host().to_string();
        use_effect_with(open.as_ref().map(|e| e.id), move |_| {
            if let Some(e) = open {
                *generation.borrow_mut() += 1;
                editor.set(Some(Rc::new(EditorFile {
                    name: format!("{}/{}", e.request.singular, e.request.name),
                    host,
                    text: e.request.text.clone(),
                    original: None,
                    generation: *generation.borrow(),
                    kubectl: true,
                })));
                pane.set(Pane::Terminal);
            }
        });
    }
    let close_editor = {
        let editor = editor.clone();
        Callback::from(move |_| {
            editor.set(None);
            focus_id("terminal-input");
        })
    };
    // Another lesson (or the sandbox) is another world: a file left open
    // in the editor belonged to the last one, and Apply would carry it over.
    {
        let editor = editor.clone();
        use_effect_with(state.work_key(), move |_| editor.set(None));
    }

    // Authors: a lesson file from disk.
    let report = use_state(|| None::<Rc<Vec<String>>>);
    let on_preview = {
        let report = report.clone();
        let dispatcher = dispatcher.clone();
        let store = props.store.clone();
        Callback::from(move |(name, text, step): (String, String, usize)| {
            // A file that does not parse has no lesson to play: the authors'
            // panel shows its problems itself.
            if let Ok(opening) = opening::preview(&name, &text, step) {
                if let Some(store) = &store {
                    store.save(storage::PREVIEW_FILE_KEY, &format!("{name}\n{text}"));
                    store.remove(storage::PREVIEW_KEY);
                }
                report.set(Some(Rc::new(crate::ui::authoring::check(&name, &text))));
                dispatcher.dispatch(Action::Open(Rc::new(opening)));
            }
        })
    };

    // Work kept aside (a share link opened over the student's own work):
    // swap it back in.
    let swap_stash = {
        let store = props.store.clone();
        let latest = latest.clone();
        let on_action = on_action.clone();
        let options = props.options.clone();
        Callback::from(move |_: ()| {
            let Some(store) = &store else { return };
            let state = latest.borrow().clone();
            opening::swap_stash(store, &state.work_key());
            let route = state.route();
            on_action.emit(Action::Open(Rc::new(opening::for_route(
                &route,
                Some(store),
                &options,
            ))));
        })
    };
    let dismiss = on_action.reform(|_: MouseEvent| Action::DismissNotice);
    let skip = {
        let pane = pane.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            pane.set(Pane::Terminal);
            focus_id("terminal-input");
        })
    };
    // A command clicked in the lesson runs in the terminal, which comes
    // forward (its tab, and on a phone its pane).
    let show_terminal = use_state(|| 0u64);
    let lesson_action = {
        let on_action = on_action.clone();
        let pane = pane.clone();
        let show_terminal = show_terminal.clone();
        Callback::from(move |action: Action| {
            if matches!(action, Action::Run(_)) {
                pane.set(Pane::Terminal);
                show_terminal.set(*show_terminal + 1);
            }
            on_action.emit(action)
        })
    };
    let on_compare = {
        let network_focus = network_focus.clone();
        let pane = pane.clone();
        Callback::from(move |row: usize| {
            network_focus.set(NetworkFocus::Compare(row));
            pane.set(Pane::Network);
            focus_id("network-heading");
        })
    };
    let close_compare = {
        let network_focus = network_focus.clone();
        Callback::from(move |_| network_focus.set(NetworkFocus::Packet))
    };

    // What the goals show waits while a slow command (curl's timeout)
    // plays out in the terminal: a goal must not tick before its answer is
    // on screen.
    let played = use_state(|| None::<u64>);
    let on_played = {
        let played = played.clone();
        Callback::from(move |id: u64| played.set(Some(id)))
    };
    let now = || {
        (
            state.step,
            state.status.clone(),
            state.done.clone(),
            state.finished(),
        )
    };
    let shown = use_mut_ref(now);
    let playing = super::terminal::slow_entry(&state.scrollback, state.live_from)
        .is_some_and(|(id, _)| *played != Some(id));
    if !playing || shown.borrow().0 != state.step {
        *shown.borrow_mut() = now();
    }
    let (_, shown_status, shown_done, shown_finished) = shown.borrow().clone();
    let step_done = shown_done.contains(&state.step) || shown_status.passed();

    let lesson_pane = match &state.scope {
        Scope::Lesson {
            lesson, preview, ..
        } => html! {
            <LessonView
                lesson={lesson.clone()}
                step={state.step}
                status={shown_status.clone()}
                done={shown_done}
                given={state.given.clone()}
                finished={shown_finished}
                files={state.files.clone()}
                preview={*preview}
                report={(*report).clone()}
                on_navigate={navigate.clone()}
                on_action={lesson_action}
                on_open_file={open_file.clone()}
                on_compare={on_compare}
                answers={state.answers.clone()}
                values={state.values.clone()}
                ran={state.ran.clone()}
            />
        },
        Scope::Sandbox { options, saved } => html! {
            <Home
                sandbox={saved.then_some(*options)}
                on_navigate={navigate.clone()}
                progress={Rc::new(opening::progress(props.store.as_ref()))}
                on_preview={on_preview}
            />
        },
    };

    let switch = |to: Pane, label: &'static str| {
        let pane_state = pane.clone();
        let onclick = Callback::from(move |_: MouseEvent| pane_state.set(to));
        html! {
            <button type="button" class="pane-switch" aria-pressed={(*pane == to).to_string()}
                aria-controls={format!("{}-pane", to.name())} {onclick}>
                { label }
            </button>
        }
    };

    html! {
        <div class="app" data-pane={pane.name()}>
            <a class="skip-link" href="#terminal-input" onclick={skip}>{ "Skip to the terminal" }</a>
            <header class="app-header">
                <h1 class="app-name"><a href="#/">{ "servicelab" }</a></h1>
                <p class="tagline">{ "Kubernetes Services, simulated in your browser" }</p>
                if let Some(stash) = state.stash {
                    <p class="stash-bar">
                        { match stash {
                            Stash::Own => "This is a world from a share link; your own work here is kept. ",
                            Stash::Shared => "A world from a share link is kept beside your work. ",
                        } }
                        <button type="button" class="link-button" onclick={swap_stash.reform(|_: MouseEvent| ())}>
                            { match stash {
                                Stash::Own => "Back to your work",
                                Stash::Shared => "Open the shared world",
                            } }
                        </button>
                    </p>
                }
                <div class="notice-area" role="status">
                    if let Some(notice) = &state.notice {
                        <p class="notice">
                            <span class="notice-glyph" aria-hidden="true">{ "ℹ " }</span>
                            { notice.clone() }
                            <button type="button" class="link-button" onclick={dismiss}>{ "Dismiss" }</button>
                        </p>
                    }
                </div>
            </header>
            <nav class="pane-switcher" aria-label="Panes">
                { switch(Pane::Lesson, if state.lesson().is_some() { "Lesson" } else { "Start" }) }
                { switch(Pane::Terminal, "Terminal") }
                { switch(Pane::Network, "Network") }
            </nav>
            <main class="workspace">
                <section id="lesson-pane" class="pane lesson-pane" aria-labelledby="lesson-pane-heading">
                    { lesson_pane }
                </section>
                <TerminalPane
                    state={state.clone()}
                    on_action={on_action.clone()}
                    editor={(*editor).clone()}
                    on_open_editor={open_editor}
                    on_close_editor={close_editor}
                    on_swap_stash={swap_stash}
                    show_terminal={*show_terminal}
                    {on_played}
                />
                <NetworkPane
                    topology={state.topology.clone()}
                    trace={state.last_trace.clone()}
                    story={state.story.clone()}
                    status={shown_status}
                    focus={(*network_focus).clone()}
                    on_close_compare={close_compare}
                    hold_fix={state.current_step().is_some_and(|s| s.diagnosis || state.lesson().is_some_and(|l| l.diagnosis)) && !state.done.contains(&state.step)}
                />
                if let Scope::Lesson { lesson, preview, .. } = &state.scope {
                    <StepBar
                        lesson={lesson.clone()}
                        step={state.step}
                        preview={*preview}
                        done={step_done}
                        finished={shown_finished}
                        on_navigate={navigate.clone()}
                    />
                }
            </main>
        </div>
    }
}
