//! The terminal pane: the terminal, and the editor as a second tab in the
//! same place (opened by `vi FILE`, a step's "Open" button, or "New
//! manifest"), so editing never moves the page. Its toolbar: undo, reset,
//! a new manifest (which asks for a name and never overwrites a file) and
//! share.

use super::editor::{Editor, EditorFile};
use super::terminal::Terminal;
use crate::engine::shell::Completion;
use crate::ui::hooks::{focus_after_render, focus_id, use_pending_focus};
use crate::ui::share::share_url;
use crate::ui::state::{valid_file_name, Action, Stash, State};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TerminalPaneProps {
    pub state: UseReducerHandle<State>,
    pub on_action: Callback<Action>,
    pub editor: Option<Rc<EditorFile>>,
    /// (name, host, text, the lesson's version)
    pub on_open_editor: Callback<(String, String, String, Option<String>)>,
    pub on_close_editor: Callback<()>,
    pub on_swap_stash: Callback<()>,
    /// Changes when the terminal tab must come forward (a command clicked
    /// in the lesson).
    #[prop_or_default]
    pub show_terminal: u64,
    /// A command's simulated time has played out in the terminal.
    #[prop_or_default]
    pub on_played: Callback<u64>,
}

/// The editor's Apply, Save and Close.
type EditorActions = (
    Callback<(String, String)>,
    Callback<(String, String)>,
    Callback<()>,
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Terminal,
    Editor,
}

#[component]
pub fn TerminalPane(props: &TerminalPaneProps) -> Html {
    let state = &props.state;
    let tab = use_state(|| Tab::Terminal);
    use_pending_focus();
    // A newly opened file brings its tab forward and takes the focus,
    // without scrolling the page.
    {
        let tab = tab.clone();
        use_effect_with(
            props.editor.as_ref().map(|f| f.generation),
            move |g| match g {
                Some(_) => {
                    tab.set(Tab::Editor);
                    focus_after_render("editor-text");
                }
                None => tab.set(Tab::Terminal),
            },
        );
    }
    {
        let tab = tab.clone();
        use_effect_with(props.show_terminal, move |n| {
            if *n > 0 {
                tab.set(Tab::Terminal);
            }
        });
    }
    let show = |to: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| {
            tab.set(to);
            focus_after_render(match to {
                Tab::Terminal => "terminal-input",
                Tab::Editor => "editor-text",
            });
        })
    };
    // Left and Right move between the tabs, as in any tab list.
    let on_tabs_key = {
        let tab = tab.clone();
        let has_editor = props.editor.is_some();
        Callback::from(move |e: KeyboardEvent| {
            if !has_editor || !matches!(e.key().as_str(), "ArrowLeft" | "ArrowRight") {
                return;
            }
            e.prevent_default();
            let to = if *tab == Tab::Terminal {
                Tab::Editor
            } else {
                Tab::Terminal
            };
            tab.set(to);
            focus_id(match to {
                Tab::Terminal => "tab-terminal",
                Tab::Editor => "tab-editor",
            });
        })
    };

    let complete = {
        let session = state.session.clone();
        Callback::from(move |before: String| -> Completion { session.complete(&before) })
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

    // New manifest: a name first; an existing file is opened, not replaced.
    let naming = use_state(|| false);
    let new_name = use_state(String::new);
    let new_problem = use_state(|| None::<String>);
    let start_new = {
        let naming = naming.clone();
        let new_problem = new_problem.clone();
        Callback::from(move |_: MouseEvent| {
            naming.set(true);
            new_problem.set(None);
            focus_after_render("new-file-name");
        })
    };
    let on_new_name = {
        let new_name = new_name.clone();
        Callback::from(move |e: InputEvent| {
            new_name.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let create = {
        let new_name = new_name.clone();
        let new_problem = new_problem.clone();
        let naming = naming.clone();
        let state = state.clone();
        let open = props.on_open_editor.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_string();
            if !valid_file_name(&name) {
                new_problem.set(Some(
                    "A file name is letters, digits, dots, dashes and underscores, like web-service.yaml.".into(),
                ));
                return;
            }
            let host = state.session.current_host().to_string();
            if state.file_text(&name).is_some() {
                new_problem.set(Some(format!(
                    "{name} already exists on {host}: choose another name, or open it with vi {name}."
                )));
                return;
            }
            naming.set(false);
            new_name.set(String::new());
            open.emit((name, host, String::new(), None));
        })
    };
    let cancel_new = {
        let naming = naming.clone();
        Callback::from(move |_: MouseEvent| naming.set(false))
    };

    let can_undo = state.log.iter().any(|a| a.is_command());
    let undo_returns = !can_undo && state.stash == Some(Stash::Own);
    let undo = if undo_returns {
        props.on_swap_stash.reform(|_: MouseEvent| ())
    } else {
        props.on_action.reform(|_: MouseEvent| Action::Undo)
    };
    let in_lesson = state.lesson().is_some();
    let reset = props.on_action.reform(|_: MouseEvent| Action::ResetStep);
    let on_editor = *tab == Tab::Editor && props.editor.is_some();
    let host = state.session.current_host().to_string();

    // The editor's Apply, Save and Close: a file's, or `kubectl edit`'s,
    // whose save hands the text back to kubectl and whose close is
    // quitting without saving.
    let editor_actions: EditorActions = match &props.editor {
        Some(file) if file.kubectl => {
            let done = {
                let (on_action, close) = (props.on_action.clone(), props.on_close_editor.clone());
                Callback::from(move |(_, text): (String, String)| {
                    close.emit(());
                    on_action.emit(Action::EditDone(text));
                })
            };
            let opened = file.text.clone();
            (
                done.clone(),
                done.clone(),
                done.reform(move |_: ()| (String::new(), opened.clone())),
            )
        }
        _ => (
            props
                .on_action
                .reform(|(file, text): (String, String)| Action::Apply { file, text }),
            props
                .on_action
                .reform(|(file, text): (String, String)| Action::Save { file, text }),
            props.on_close_editor.clone(),
        ),
    };

    html! {
        <section id="terminal-pane" class="pane terminal-pane" aria-labelledby="terminal-heading">
            <h2 id="terminal-heading" class="visually-hidden">{ "Terminal and editor" }</h2>
            <div class="pane-head">
                <div class="tabs" role="tablist" aria-label="Terminal and editor" onkeydown={on_tabs_key}>
                    <button type="button" role="tab" id="tab-terminal" class="tab"
                        aria-selected={(!on_editor).to_string()} aria-controls="terminal-panel"
                        tabindex={if on_editor { "-1" } else { "0" }}
                        onclick={show(Tab::Terminal)}>
                        { "Terminal" }<span class="tab-note">{ format!(" · {host}") }</span>
                    </button>
                    if let Some(file) = &props.editor {
                        <button type="button" role="tab" id="tab-editor" class="tab"
                            aria-selected={on_editor.to_string()} aria-controls="editor-panel"
                            tabindex={if on_editor { "0" } else { "-1" }}
                            onclick={show(Tab::Editor)}>
                            { file.name.clone() }
                        </button>
                    }
                </div>
                <div class="toolbar" role="group" aria-label="Terminal actions">
                    <button type="button" onclick={undo} disabled={!can_undo && !undo_returns}>
                        { if undo_returns { "Undo (back to your work)" } else { "Undo last command" } }
                    </button>
                    <button type="button" onclick={reset}>{ if in_lesson { "Reset step" } else { "Reset world" } }</button>
                    <button type="button" onclick={start_new}>{ "New manifest" }</button>
                    <button type="button" onclick={on_share}>{ "Share" }</button>
                </div>
            </div>
            if *naming {
                <form class="new-file" onsubmit={create}>
                    <label for="new-file-name">{ format!("Name of the new file (in the home directory on {host})") }</label>
                    <input id="new-file-name" type="text" value={(*new_name).clone()} oninput={on_new_name}
                        placeholder="web-service.yaml" spellcheck="false" autocomplete="off"
                        aria-invalid={new_problem.is_some().to_string()} aria-describedby="new-file-problem" />
                    <button type="submit" class="primary">{ "Create" }</button>
                    <button type="button" onclick={cancel_new}>{ "Cancel" }</button>
                    <p id="new-file-problem" class="form-problem" role="alert">
                        { (*new_problem).clone().unwrap_or_default() }
                    </p>
                </form>
            }
            if let Some(url) = share.as_ref() {
                <div class="share-box">
                    <label for="share-url">{ format!("A link to this world ({} command(s) replayed when opened):", state.log.iter().filter(|a| a.is_command()).count()) }</label>
                    <input id="share-url" type="text" readonly=true value={url.clone()} onfocus={select_all} />
                    <button type="button" onclick={copy_share}>{ "Copy link" }</button>
                </div>
            }
            <div id="terminal-panel" class="tab-panel" role="tabpanel" aria-labelledby="tab-terminal" hidden={on_editor}>
                <Terminal
                    prompt={AttrValue::from(state.prompt())}
                    scrollback={state.scrollback.clone()}
                    history={state.history.clone()}
                    live_from={state.live_from}
                    complete={Some(complete)}
                    on_action={props.on_action.clone()}
                    on_played={props.on_played.clone()}
                    world={AttrValue::from(state.work_key())}
                />
                <p class="hint" id="terminal-keys">
                    { "Enter runs; Up and Down recall; Tab completes (Esc, then Tab, moves on); Ctrl+C abandons; vi FILE and kubectl edit open the editor. " }
                    if !in_lesson {
                        { "Try " }<code>{ "curl http://10.244.0.2" }</code>{ ", then " }<code>{ "ssh node01" }</code>{ "; " }<code>{ "help" }</code>{ " lists the commands." }
                    }
                </p>
            </div>
            if let Some(file) = &props.editor {
                <div id="editor-panel" class="tab-panel" role="tabpanel" aria-labelledby="tab-editor" hidden={!on_editor}>
                    <Editor
                        key={file.generation.to_string()}
                        file={file.clone()}
                        host={AttrValue::from(host.clone())}
                        last_apply={state.last_apply.clone()}
                        on_apply={editor_actions.0.clone()}
                        on_save={editor_actions.1.clone()}
                        on_close={editor_actions.2.clone()}
                    />
                </div>
            }
        </section>
    }
}
