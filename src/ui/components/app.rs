//! The page: owns the one [`State`], follows the page address, saves the
//! student's work, and lays out the panes (lesson, terminal, editor,
//! network). Effects live here; everything they change goes through the
//! reducer.

use super::editor::{Editor, EditorFile};
use super::lesson_list::LessonList;
use super::lesson_view::LessonView;
use super::terminal::Terminal;
use super::topology_view::TopologyView;
use super::trace_panel::TracePanel;
use crate::engine::lesson::replay::check_file;
use crate::engine::WorldOptions;
use crate::ui::codec::{self, Origin, Record};
use crate::ui::completion::{self, Completion};
use crate::ui::crash_guard::{self, Doing};
use crate::ui::opening;
use crate::ui::route::Route;
use crate::ui::state::{Action, Scope, Stash, State};
use crate::ui::storage::{self, Store};
use std::rc::Rc;
use web_sys::HtmlInputElement;
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

fn location_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// Puts `route` in the address bar without reloading (and without a
/// `hashchange`): a new history entry, or a replacement of the current one.
fn show_route(route: &Route, replace: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let hash = route.to_hash();
    let _ = if replace {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash))
    } else {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash))
    };
}

/// The record a share link carries: the home page's scratch world is shared
/// as a sandbox.
fn share_record(state: &State) -> Record {
    state.record().unwrap_or_else(|| Record {
        origin: Origin::Sandbox(match &state.scope {
            Scope::Sandbox { options, .. } => *options,
            Scope::Lesson { .. } => WorldOptions::default(),
        }),
        start_step: 0,
        done: vec![],
        shared: false,
        acts: (*state.log).clone(),
    })
}

fn share_url(state: &State) -> String {
    let payload = codec::to_link(&share_record(state));
    let base = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!(
                "{}{}{}",
                l.origin().ok()?,
                l.pathname().ok()?,
                l.search().ok()?
            ))
        })
        .unwrap_or_default();
    format!("{base}{}", Route::Share(payload).to_hash())
}

const NEW_MANIFEST: &str = "apiVersion: v1
kind: Service
metadata:
  name: myapp-service
spec:
  type: NodePort
  selector:
    app: myapp
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30008
";

/// What the page runs, unseen, on a copy of the world once it is up: a
/// connection that is answered, a packet that stops, and a Service applied.
const WARM_UP: &str = "curl -s -m 1 http://192.168.1.1 ; curl -s -m 1 http://10.244.0.2
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata:
  name: warm-up
spec:
  selector:
    app: warm-up
  ports:
  - port: 80
EOF
";

#[component]
pub fn App(props: &AppProps) -> Html {
    let follow = props.route.is_none();
    let state = use_reducer({
        let props = props.clone();
        move || {
            let route = props.route.clone().unwrap_or_else(location_route);
            let opening = opening::for_route(&route, props.store.as_ref(), &props.options);
            if let Some(store) = &props.store {
                guard(store, &opening.scope.work_key(), Doing::Replay);
            }
            State::open(&opening)
        }
    });
    let dispatcher = state.dispatcher();
    // The latest state, for the callbacks kept stable across renders.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    // Every action that runs the engine is marked first (`crash_guard`), and
    // the mark is rubbed out once its result is saved.
    // The real time of the last act: the time between two acts passes in
    // the simulated cluster too (recorded, so that replays see the same).
    let last_act_at = use_mut_ref(js_sys::Date::now);
    let on_action = {
        let dispatcher = dispatcher.clone();
        let latest = latest.clone();
        let store = props.store.clone();
        use_callback((), move |action: Action, _| {
            if matches!(action, Action::Run(_) | Action::Apply { .. }) {
                let now = js_sys::Date::now();
                let waited = (now - *last_act_at.borrow()).max(0.0) as u64;
                *last_act_at.borrow_mut() = now;
                if waited > 0 {
                    dispatcher.dispatch(Action::Wait(waited));
                }
            }
            if let Some(store) = &store {
                let state = latest.borrow();
                let doing = match &action {
                    Action::Run(line) => Some(Doing::Act {
                        index: state.log.len(),
                        what: line.clone(),
                    }),
                    Action::Apply { file, .. } => Some(Doing::Act {
                        index: state.log.len(),
                        what: format!("the editor's apply of {file}"),
                    }),
                    Action::Undo | Action::ResetStep => Some(Doing::Replay),
                    _ => None,
                };
                let key = match &action {
                    Action::Open(o) => Some((o.scope.work_key(), Doing::Replay)),
                    _ => doing.map(|d| (state.work_key(), d)),
                };
                if let Some((key, doing)) = key {
                    guard(store, &key, doing);
                }
            }
            dispatcher.dispatch(action)
        })
    };

    // Where the page is, for callbacks registered once (the address bar's).
    let current = use_mut_ref(|| state.route());
    *current.borrow_mut() = state.route();

    // After the student moves to another step or lesson, the focus goes to
    // its title (the control they used may be gone), not at page load.
    let focus_title = use_mut_ref(|| false);
    let navigate = {
        let dispatcher = dispatcher.clone();
        let current = current.clone();
        let focus_title = focus_title.clone();
        let store = props.store.clone();
        let options = props.options.clone();
        Callback::from(move |route: Route| {
            let action = match (&*current.borrow(), &route) {
                (Route::Lesson { id: a, .. }, Route::Lesson { id: b, step }) if a == b => {
                    Action::Goto(*step)
                }
                (Route::Preview { .. }, Route::Preview { step }) => Action::Goto(*step),
                (here, there) if here == there => return,
                _ => Action::Open(Rc::new(opening::for_route(
                    &route,
                    store.as_ref(),
                    &options,
                ))),
            };
            *focus_title.borrow_mut() = true;
            dispatcher.dispatch(action);
        })
    };

    // The address bar: followed when it changes (back, forward, a typed
    // address), and kept showing where the page is.
    {
        let navigate = navigate.clone();
        use_effect_with(follow, move |follow| {
            let listener = follow.then(|| {
                web_sys::window().map(|w| {
                    gloo_events::EventListener::new(&w, "hashchange", move |_| {
                        navigate.emit(location_route())
                    })
                })
            });
            move || drop(listener)
        });
    }
    // Also after every change: a share link opened over the same lesson
    // and step leaves the route as it was, and the address must still
    // stop showing the link (a reload would open it again).
    use_effect_with((state.route(), state.revision), move |(route, _)| {
        if follow {
            let here = location_route();
            if here != *route {
                show_route(route, matches!(here, Route::Share(_) | Route::Unknown(_)));
            }
        }
    });

    {
        let focus_title = focus_title.clone();
        use_effect_with((state.route(), state.revision), move |_| {
            if std::mem::take(&mut *focus_title.borrow_mut()) {
                let document = web_sys::window().and_then(|w| w.document());
                let title = document.and_then(|d| {
                    d.get_element_by_id("step-title")
                        .or_else(|| d.get_element_by_id("lesson-pane-heading"))
                });
                if let Some(title) = title
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = title.focus();
                }
            }
        });
    }

    // The goals and the before/after table are judged after a command's
    // output is on screen: in the next task, once the browser has painted.
    let refresh_timer = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    {
        let dispatcher = dispatcher.clone();
        use_effect_with((state.revision, state.stale), move |(_, stale)| {
            if *stale {
                let dispatcher = dispatcher.clone();
                *refresh_timer.borrow_mut() =
                    Some(gloo_timers::callback::Timeout::new(0, move || {
                        dispatcher.dispatch(Action::Refresh)
                    }));
            }
        });
    }

    // The student's work, saved after every change; then the engine's work
    // is safe, and its crash mark goes.
    {
        let state = state.clone();
        let store = props.store.clone();
        use_effect_with(state.revision, move |_| {
            if let Some(store) = store {
                let record = state.record().unwrap_or_else(|| share_record(&state));
                store.save(&state.work_key(), &codec::encode(&record));
                crash_guard::clear(&store, &state.work_key());
            }
        });
    }

    // The browser compiles wasm lazily, a function on its first call: the
    // first packet a student sends, or the first manifest applied, would pay
    // several ms compiling the packet walk, curl, the YAML decoder and the
    // API server. A second after the page is up, `WARM_UP` runs on a
    // throwaway copy of the world to compile them while the student reads;
    // nothing of it is kept or shown.
    {
        // The handle, not the session: this runs on every render, and only
        // the first render's effect copies the world.
        let state = state.clone();
        let warm_up = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
        use_effect_with((), move |_| {
            *warm_up.borrow_mut() = Some(gloo_timers::callback::Timeout::new(1_000, move || {
                let mut copy = state.session.clone();
                let _ = copy.run(WARM_UP);
            }));
        });
    }

    // The picture follows the world one frame after the terminal: a command's
    // output is painted in the frame after Enter, and the path it drew (tens
    // of new SVG and list nodes, the costliest layout of the page) is drawn
    // once that frame is on screen. A timeout set from an animation-frame
    // callback runs after the frame's paint.
    let picture = use_state(|| (state.topology.clone(), state.last_trace.clone()));
    {
        let picture = picture.clone();
        use_effect_with(
            (state.topology.clone(), state.last_trace.clone()),
            move |now| {
                if *picture != *now {
                    let now = now.clone();
                    let draw = wasm_bindgen::closure::Closure::once_into_js(move || {
                        gloo_timers::callback::Timeout::new(0, move || picture.set(now)).forget();
                    });
                    if let Some(window) = web_sys::window() {
                        let _ = window
                            .request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&draw));
                    }
                }
            },
        );
    }

    // Packet stepping: back to the whole path whenever a new packet is drawn.
    let hop = use_state(|| None::<usize>);
    {
        let hop = hop.clone();
        use_effect_with(picture.1.clone(), move |_| hop.set(None));
    }
    let on_hop = {
        let hop = hop.clone();
        Callback::from(move |h: Option<usize>| hop.set(h))
    };

    // The editor.
    let editor = use_state(|| None::<Rc<EditorFile>>);
    let generation = use_mut_ref(|| 0u64);
    let open_file = {
        let editor = editor.clone();
        let latest = latest.clone();
        let generation = generation.clone();
        use_callback((), move |name: String, _| {
            let state = latest.borrow().clone();
            let text = state
                .file_text(&name)
                .or_else(|| {
                    state.lesson().and_then(|l| {
                        l.steps
                            .iter()
                            .flat_map(|s| &s.files)
                            .find(|f| f.name == name)
                            .map(|f| f.content.clone())
                    })
                })
                .unwrap_or_else(|| NEW_MANIFEST.to_string());
            *generation.borrow_mut() += 1;
            editor.set(Some(Rc::new(EditorFile {
                name,
                text,
                generation: *generation.borrow(),
            })));
        })
    };
    // Opening a file takes the focus there.
    use_effect_with(editor.as_ref().map(|f| f.generation), |g| {
        if g.is_some() {
            if let Some(area) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("editor-text"))
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = area.focus();
            }
        }
    });
    let on_apply = on_action.reform(|(file, text): (String, String)| Action::Apply { file, text });
    let close_editor = {
        let editor = editor.clone();
        Callback::from(move |_| {
            editor.set(None);
            focus_terminal();
        })
    };

    // Authors: a lesson file from disk.
    let preview_errors = use_state(|| None::<Rc<Vec<String>>>);
    let report = use_state(|| None::<Rc<Vec<String>>>);
    let on_preview = {
        let preview_errors = preview_errors.clone();
        let report = report.clone();
        let dispatcher = dispatcher.clone();
        let store = props.store.clone();
        Callback::from(
            move |(name, text): (String, String)| match opening::preview(&name, &text) {
                Ok(opening) => {
                    if let Some(store) = &store {
                        store.save(storage::PREVIEW_FILE_KEY, &format!("{name}\n{text}"));
                        store.remove(storage::PREVIEW_KEY);
                    }
                    let diagnostics = check_file(&name, &text);
                    report.set(Some(Rc::new(
                        diagnostics.iter().map(ToString::to_string).collect(),
                    )));
                    preview_errors.set(None);
                    dispatcher.dispatch(Action::Open(Rc::new(opening)));
                }
                Err(errors) => preview_errors.set(Some(Rc::new(errors))),
            },
        )
    };

    let complete = {
        let state = state.clone();
        Callback::from(move |before: String| -> Completion {
            completion::complete(&state.session, &before)
        })
    };

    // Share.
    let share = use_state(|| None::<String>);
    let on_share = {
        let share = share.clone();
        let state = state.clone();
        Callback::from(move |_: MouseEvent| share.set(Some(share_url(&state))))
    };
    let copy_share = {
        let share = share.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(url), Some(window)) = (share.as_ref(), web_sys::window()) {
                let _ = window.navigator().clipboard().write_text(url);
            }
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        e.target_unchecked_into::<HtmlInputElement>().select();
    });

    // Work kept aside (a share link opened over the student's own work):
    // swap it back in. Undo with nothing left to undo since the link does
    // the same, so Undo always leads back to the student's own work.
    let swap_stash = {
        let store = props.store.clone();
        let latest = latest.clone();
        let on_action = on_action.clone();
        let options = props.options.clone();
        Callback::from(move |_: MouseEvent| {
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
    let can_undo = state.log.iter().any(|a| a.is_command());
    let undo_returns = !can_undo && state.stash == Some(Stash::Own);
    let undo = if undo_returns {
        swap_stash.clone()
    } else {
        on_action.reform(|_: MouseEvent| Action::Undo)
    };
    let reset = on_action.reform(|_: MouseEvent| Action::ResetStep);
    let dismiss = on_action.reform(|_: MouseEvent| Action::DismissNotice);
    let new_file = {
        let open_file = open_file.clone();
        Callback::from(move |_: MouseEvent| open_file.emit("manifest.yaml".to_string()))
    };
    let skip = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        focus_terminal();
    });

    let lesson_pane = match &state.scope {
        Scope::Lesson {
            lesson, preview, ..
        } => html! {
            <LessonView
                lesson={lesson.clone()}
                step={state.step}
                status={state.status.clone()}
                done={state.done.clone()}
                preview={*preview}
                report={(*report).clone()}
                on_navigate={navigate.clone()}
                on_action={on_action.clone()}
                on_open_file={open_file.clone()}
            />
        },
        Scope::Sandbox { options, saved } => html! {
            <>
                if *saved {
                    <p class="sandbox-badge">
                        { format!(
                            "Sandbox: {} node(s), {}.",
                            options.nodes,
                            if options.cloud { "on a cloud" } else { "bare metal" }
                        ) }
                    </p>
                }
                <LessonList
                    on_navigate={navigate.clone()}
                    progress={Rc::new(opening::progress(props.store.as_ref()))}
                    on_preview={on_preview.clone()}
                    preview_errors={(*preview_errors).clone()}
                />
            </>
        },
    };
    let in_lesson = state.lesson().is_some();

    html! {
        <div class="app">
            <a class="skip-link" href="#terminal-input" onclick={skip}>{ "Skip to the terminal" }</a>
            <header class="app-header">
                <h1 class="app-name">{ "servicelab" }</h1>
                <p class="tagline">
                    { "Kubernetes Services, simulated in your browser. Type a command in the terminal and watch where the packet goes." }
                </p>
                if let Some(stash) = state.stash {
                    <p class="stash-bar">
                        { match stash {
                            Stash::Own => "This is a world from a share link; your own work here is kept. ",
                            Stash::Shared => "A world from a share link is kept beside your work. ",
                        } }
                        <button type="button" class="link-button" onclick={swap_stash.clone()}>
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
            <main class={classes!("workspace", editor.is_some().then_some("with-editor"))}>
                <section class="pane lesson-pane" aria-labelledby="lesson-pane-heading">
                    { lesson_pane }
                </section>
                <div class="middle">
                <section class="pane terminal-pane" aria-labelledby="terminal-heading">
                    <div class="pane-head">
                        <h2 id="terminal-heading">{ "Terminal" }</h2>
                        <div class="toolbar" role="group" aria-label="Terminal actions">
                            <button type="button" onclick={undo} disabled={!can_undo && !undo_returns}>
                                { if undo_returns { "Undo (back to your work)" } else { "Undo last command" } }
                            </button>
                            <button type="button" onclick={reset}>{ if in_lesson { "Reset step" } else { "Reset world" } }</button>
                            <button type="button" onclick={new_file}>{ "New manifest" }</button>
                            <button type="button" onclick={on_share}>{ "Share" }</button>
                        </div>
                    </div>
                    if let Some(url) = share.as_ref() {
                        <div class="share-box">
                            <label for="share-url">{ format!("A link to this world ({} command(s) replayed when opened):", state.log.iter().filter(|a| a.is_command()).count()) }</label>
                            <input id="share-url" type="text" readonly=true value={url.clone()} onfocus={select_all} />
                            <button type="button" onclick={copy_share}>{ "Copy link" }</button>
                        </div>
                    }
                    <Terminal
                        prompt={AttrValue::from(state.prompt())}
                        scrollback={state.scrollback.clone()}
                        history={state.history.clone()}
                        live_from={state.live_from}
                        complete={Some(complete)}
                        {on_action}
                    />
                    <p class="hint" id="terminal-keys">
                        { "Enter runs a line; Up and Down recall; Tab completes (on an empty line, or after Esc, Tab moves on); Ctrl+L clears; Ctrl+C abandons a line. " }
                        if !in_lesson {
                            { "Try " }<code>{ "curl http://10.244.0.2" }</code>
                            { " from the laptop, then " }<code>{ "ssh node01" }</code>
                            { " and try again. " }<code>{ "help" }</code>{ " lists every command." }
                        }
                    </p>
                </section>
                if let Some(file) = editor.as_ref() {
                    <section class="pane editor-pane" aria-labelledby="editor-heading">
                        <h2 id="editor-heading">{ "Editor" }</h2>
                        <Editor
                            key={file.generation.to_string()}
                            file={file.clone()}
                            host={AttrValue::from(state.session.current_host().to_string())}
                            last_apply={state.last_apply.clone()}
                            {on_apply}
                            on_close={close_editor}
                        />
                    </section>
                }
                </div>
                <section class="pane network-pane" aria-labelledby="network-heading">
                    <h2 id="network-heading">{ "Network" }</h2>
                    <TopologyView topology={picture.0.clone()} trace={picture.1.clone()} hop={*hop} />
                    <TracePanel trace={picture.1.clone()} hop={*hop} {on_hop} />
                </section>
            </main>
        </div>
    }
}

fn focus_terminal() {
    if let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("terminal-input"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = input.focus();
    }
}

fn guard(store: &Store, key: &str, doing: Doing) {
    crash_guard::mark(
        store,
        &crash_guard::Mark {
            key: key.to_string(),
            doing,
        },
    );
}
