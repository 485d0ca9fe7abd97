//! The editor, a tab of the terminal pane: YAML with line numbers. Save
//! writes the file on the terminal's host (`:w`); Apply saves it, then runs
//! `kubectl apply -f` on it through the same session as the terminal, so
//! errors are the API server's own words. An error is shown above the text
//! and at its line, and the text scrolls to that line, never the page.

use crate::ui::hooks::focus_without_scrolling;
use crate::ui::state::ApplyResult;
use crate::ui::yaml_lines;
use std::rc::Rc;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

/// A file open in the editor. `generation` changes on every opening, so
/// reopening a file starts from its saved text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorFile {
    /// As the terminal names it: `myapp-service.yaml`, or a path.
    pub name: String,
    /// The host it lives on.
    pub host: String,
    pub text: String,
    /// The lesson's version of the file, if it is a lesson's.
    pub original: Option<String>,
    pub generation: u64,
    /// The object `kubectl edit` opened (`name` says which): saving hands
    /// the text back to kubectl instead of writing a file.
    pub kubectl: bool,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub file: Rc<EditorFile>,
    /// The host the terminal is on (where a save goes).
    pub host: AttrValue,
    pub last_apply: Option<Rc<ApplyResult>>,
    pub on_apply: Callback<(String, String)>,
    pub on_save: Callback<(String, String)>,
    pub on_close: Callback<()>,
}

/// The UTF-16 offset of the start of 1-based `line`, for the textarea.
fn line_start(text: &str, line: usize) -> u32 {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.encode_utf16().count() as u32)
        .sum()
}

/// Selects `line` in the textarea and scrolls the textarea (only) to it.
fn show_line(area: &HtmlTextAreaElement, text: &str, line: usize) {
    let start = line_start(text, line);
    let end = line_start(text, line + 1).saturating_sub(1).max(start);
    focus_without_scrolling(area);
    let _ = area.set_selection_range(start, end);
    let height = area.scroll_height() as f64;
    let lines = text.split('\n').count().max(1) as f64;
    let per_line = height / lines;
    let top = (per_line * (line as f64 - 1.0) - area.client_height() as f64 / 3.0).max(0.0);
    area.set_scroll_top(top as i32);
}

/// What an empty file's placeholder shows: the skeleton of the kind of
/// object its name suggests (`web-pod.yaml` a Pod, `web-service.yaml` a
/// Service), else the fields every manifest starts with.
pub fn skeleton(file: &str) -> String {
    let base = file.rsplit('/').next().unwrap_or(file);
    let stem = base
        .strip_suffix(".yaml")
        .or_else(|| base.strip_suffix(".yml"))
        .unwrap_or(base)
        .to_ascii_lowercase();
    let has = |w: &str| stem.split(['-', '_', '.']).any(|p| p == w);
    let name = ["-pod", "-service", "-svc", "-deployment", "-deploy"]
        .iter()
        .find_map(|s| stem.strip_suffix(s))
        .unwrap_or(&stem)
        .to_string();
    if has("pod") {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: …\nspec:\n  containers:\n  - name: …\n    image: …")
    } else if has("deployment") || has("deploy") {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: …\n  selector:\n    matchLabels:\n      app: …\n  template:\n    …")
    } else if has("service") || has("svc") {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: …\n  ports:\n  - port: …")
    } else {
        format!("apiVersion: …\nkind: …   (Pod, Service, Deployment…)\nmetadata:\n  name: {name}")
    }
}

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let name = props.file.name.clone();
    let draft = use_state(|| props.file.text.clone());
    // The text as last saved from here, and as applied: error lines refer
    // to the applied text.
    let saved = use_state(|| props.file.text.clone());
    let applied = use_state(|| None::<String>);
    let area_ref = use_node_ref();
    let gutter_ref = use_node_ref();

    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let onscroll = {
        let (area_ref, gutter_ref) = (area_ref.clone(), gutter_ref.clone());
        Callback::from(move |_: Event| {
            if let (Some(a), Some(g)) = (area_ref.cast::<Element>(), gutter_ref.cast::<Element>()) {
                g.set_scroll_top(a.scroll_top());
            }
        })
    };
    // `kubectl edit` holds the terminal: its host cannot change meanwhile.
    let kubectl = props.file.kubectl;
    let here = kubectl || props.host.as_str() == props.file.host;
    let save = {
        let (draft, saved) = (draft.clone(), saved.clone());
        let on_save = props.on_save.clone();
        let name = name.clone();
        Callback::from(move |_: ()| {
            saved.set((*draft).clone());
            on_save.emit((name.clone(), (*draft).clone()));
        })
    };
    let onapply = {
        let (draft, saved, applied) = (draft.clone(), saved.clone(), applied.clone());
        let on_apply = props.on_apply.clone();
        let name = name.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if here {
                saved.set((*draft).clone());
                applied.set(Some((*draft).clone()));
                on_apply.emit((name.clone(), (*draft).clone()));
            }
        })
    };
    // Ctrl+S saves, as editors do.
    let onkeydown = {
        let save = save.clone();
        Callback::from(move |e: KeyboardEvent| {
            if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("s") {
                e.prevent_default();
                if here {
                    save.emit(());
                }
            }
        })
    };
    let onsave = save.reform(|_: MouseEvent| ());
    let onclose = props.on_close.reform(|_: MouseEvent| ());

    // The last apply of this file from here, and where its messages point.
    let result = props
        .last_apply
        .as_ref()
        .filter(|r| applied.is_some() && r.file == name);
    let located = match (result, applied.as_ref()) {
        (Some(r), Some(text)) if r.status != 0 => yaml_lines::locate(text, &r.output),
        _ => vec![],
    };
    let error_lines: Vec<usize> = located.iter().filter_map(|l| l.line).collect();
    // A new error: the text goes to its first line.
    {
        let area_ref = area_ref.clone();
        let draft = draft.clone();
        let first = error_lines.first().copied();
        use_effect_with((result.cloned(), first), move |(_, first)| {
            if let (Some(line), Some(area)) = (first, area_ref.cast::<HtmlTextAreaElement>()) {
                show_line(&area, &draft, *line);
            }
        });
    }
    let goto = |line: usize| {
        let area_ref = area_ref.clone();
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                show_line(&area, &draft, line);
            }
        })
    };
    let lines = draft.split('\n').count().max(1);
    let unsaved = *draft != *saved;
    let edited = props.file.original.as_ref().is_some_and(|o| *o != *draft);

    html! {
        <form class="editor" onsubmit={onapply}>
            if kubectl {
                <div class="editor-head">
                    <code class="editor-file">{ format!("kubectl edit {name}") }</code>
                    <span class="editor-host">{ "kubectl waits: save to send the change to the API server" }</span>
                    <span class="editor-buttons">
                        <button type="submit" class="primary">{ "Save and close" }</button>
                        <button type="button" onclick={onclose.clone()}>{ "Close without saving" }</button>
                    </span>
                </div>
            } else {
            <div class="editor-head">
                <code class="editor-file">{ name.clone() }</code>
                <span class="editor-host">
                    { format!("on {}", props.file.host) }
                    { if unsaved { " · not saved yet" } else { " · saved" } }
                    { if edited { " · your version (the lesson's differs)" } else { "" } }
                </span>
                <span class="editor-buttons">
                    <button type="button" onclick={onsave} disabled={!here}>{ "Save" }</button>
                    <button type="submit" class="primary" disabled={!here}>{ "Apply" }</button>
                    <button type="button" onclick={onclose}>{ "Close" }</button>
                </span>
            </div>
            }
            if !here {
                <p class="editor-problem">
                    { format!("This file is on {}, and the terminal is now on {}: go back there (exit) to save or apply it.", props.file.host, props.host) }
                </p>
            }
            <div id="editor-result" role="status">
                if let Some(r) = result {
                    if r.status == 0 {
                        <p class="apply-ok"><span aria-hidden="true">{ "✓ " }</span>{ format!("Applied. {}", r.output.trim()) }</p>
                    } else {
                        <div class="apply-errors">
                            <p><span aria-hidden="true">{ "✗ " }</span>{ "The API server refused it:" }</p>
                            <ul>
                                { for located.iter().map(|l| html! {
                                    <li>
                                        if let Some(line) = l.line {
                                            <button type="button" class="goto-line" onclick={goto(line)}>{ format!("Line {line}") }</button>
                                            { " " }
                                        }
                                        <code>{ l.message.clone() }</code>
                                    </li>
                                }) }
                            </ul>
                        </div>
                    }
                }
            </div>
            <div class="editor-body">
                <pre class="gutter" ref={gutter_ref} aria-hidden="true">
                    { for (1..=lines).map(|n| {
                        let error = error_lines.contains(&n);
                        html! {
                            <span class={classes!("line-number", error.then_some("error-line"))}>
                                { if error { format!("⚠{n}\n") } else { format!("{n}\n") } }
                            </span>
                        }
                    }) }
                </pre>
                <textarea
                    id="editor-text"
                    ref={area_ref.clone()}
                    aria-label={format!("Contents of {name}")}
                    aria-describedby="editor-result"
                    spellcheck="false"
                    autocapitalize="off"
                    wrap="off"
                    placeholder={skeleton(&name)}
                    value={(*draft).clone()}
                    {oninput}
                    {onscroll}
                    {onkeydown}
                />
            </div>
            <p class="hint editor-says">{
                if kubectl {
                    "Save and close (or Ctrl+S) sends the object back to kubectl, which updates it in the cluster; Close without saving changes nothing.".to_string()
                } else {
                    format!("Save writes {name}; Apply saves it, then runs kubectl apply -f {name} in the terminal. Ctrl+S saves.")
                }
            }</p>
        </form>
    }
}
