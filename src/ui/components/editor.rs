//! The manifest editor: YAML with line numbers. "Apply" saves the file on
//! the terminal's host and runs `kubectl apply -f` on it through the same
//! session as the terminal, so errors are the API server's own words; each
//! is shown next to the line it is about.

use crate::ui::state::{valid_file_name, ApplyResult};
use crate::ui::yaml_lines;
use std::rc::Rc;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// A file opened in the editor. `generation` changes on every opening, so
/// reopening a file starts from its saved text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorFile {
    pub name: String,
    pub text: String,
    pub generation: u64,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub file: Rc<EditorFile>,
    /// The host the file is saved on.
    pub host: AttrValue,
    pub last_apply: Option<Rc<ApplyResult>>,
    pub on_apply: Callback<(String, String)>,
    pub on_close: Callback<()>,
}

/// The UTF-16 offset of the start of 1-based `line`, for the textarea.
fn line_start(text: &str, line: usize) -> u32 {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.encode_utf16().count() as u32)
        .sum()
}

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let name = use_state(|| props.file.name.clone());
    let draft = use_state(|| props.file.text.clone());
    // The text as it was applied: error lines refer to it.
    let applied = use_state(|| None::<(String, String)>);
    let area_ref = use_node_ref();
    let gutter_ref = use_node_ref();

    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let onname = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<HtmlInputElement>().value())
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
    let name_ok = valid_file_name(&name);
    let onapply = {
        let (name, draft, applied) = (name.clone(), draft.clone(), applied.clone());
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if valid_file_name(&name) {
                applied.set(Some(((*name).clone(), (*draft).clone())));
                on_apply.emit(((*name).clone(), (*draft).clone()));
            }
        })
    };
    let onclose = props.on_close.reform(|_: MouseEvent| ());

    // The last apply of this file, and where its messages point.
    let result = props
        .last_apply
        .as_ref()
        .filter(|r| applied.as_ref().is_some_and(|(n, _)| *n == r.file));
    let located = match (result, applied.as_ref()) {
        (Some(r), Some((_, text))) if r.status != 0 => yaml_lines::locate(text, &r.output),
        _ => vec![],
    };
    let error_lines: Vec<usize> = located.iter().filter_map(|l| l.line).collect();
    let goto = |line: usize| {
        let area_ref = area_ref.clone();
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                let start = line_start(&draft, line);
                let end = line_start(&draft, line + 1).saturating_sub(1).max(start);
                let _ = area.focus();
                let _ = area.set_selection_range(start, end);
            }
        })
    };
    let lines = draft.split('\n').count().max(1);

    html! {
        <form class="editor" onsubmit={onapply}>
            <div class="editor-head">
                <label for="editor-name">{ "File" }</label>
                <input id="editor-name" type="text" value={(*name).clone()} oninput={onname}
                    aria-invalid={(!name_ok).to_string()} spellcheck="false" autocomplete="off" />
                <span class="editor-host">{ format!("saved in the home directory on {}", props.host) }</span>
            </div>
            if !name_ok {
                <p class="editor-problem">{ "A file name is letters, digits, dots, dashes and underscores, like myapp-service.yaml." }</p>
            }
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
                    aria-label={format!("Contents of {}", *name)}
                    aria-describedby="editor-result"
                    spellcheck="false"
                    autocapitalize="off"
                    wrap="off"
                    rows={lines.clamp(8, 24).to_string()}
                    value={(*draft).clone()}
                    {oninput}
                    {onscroll}
                />
            </div>
            <div class="editor-actions">
                <button type="submit" class="primary" disabled={!name_ok}>{ "Apply" }</button>
                <span class="editor-apply-says">{ format!("saves the file, then runs kubectl apply -f {}", *name) }</span>
                <button type="button" onclick={onclose}>{ "Close editor" }</button>
            </div>
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
        </form>
    }
}
