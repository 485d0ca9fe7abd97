//! A lesson's prose, drawn from the course data ([`Doc`]): the Markdown was
//! read when the course was built, so the page carries no Markdown parser.
//! Every node becomes a Yew node; no HTML string is ever parsed by the
//! browser, so a lesson (or hand-edited course data) cannot inject markup or
//! script. Links are checked again here, as the data may come from anywhere.
//!
//! Two kinds of block become controls:
//! - a console block's commands get a "Run" button that runs the command in
//!   the terminal;
//! - a manifest (`yaml file=NAME`) gets an "Edit" button that opens NAME in
//!   the editor.

use crate::engine::lesson::bind::{Piece, Values};
use crate::engine::lesson::doc::{safe_href, ConsoleLine, Doc, Node};
use std::rc::Rc;
use yew::prelude::*;

/// What the controls in the text do.
#[derive(Clone, PartialEq)]
pub struct Controls {
    /// Run a command line in the terminal.
    pub run: Callback<String>,
    /// Open a lesson file (by name) in the editor.
    pub open: Callback<String>,
    /// The step's files as they are now: a file the student edited is
    /// shown as theirs.
    pub files: std::rc::Rc<crate::ui::files::StepFiles>,
    /// Commands get Run buttons and manifests are shown. A `Challenge:`
    /// step has neither: the student finds the way.
    pub buttons: bool,
    /// The values of the lesson's placeholders in the student's world.
    pub values: Rc<Values>,
}

impl Default for Controls {
    fn default() -> Self {
        Controls {
            run: Callback::noop(),
            open: Callback::noop(),
            files: Default::default(),
            buttons: true,
            values: Default::default(),
        }
    }
}

impl Controls {
    /// Controls that only fill in values: for text with no commands.
    pub fn reading(values: Rc<Values>) -> Controls {
        Controls {
            values,
            ..Controls::default()
        }
    }
}

/// Text with its placeholders filled in from the student's world. A value
/// the world does not have yet reads as what it stands for, with why.
pub fn bound(text: &str, values: &Values) -> Html {
    if !text.contains('{') {
        return html! { { text.to_string() } };
    }
    let parts = values.pieces(text).into_iter().map(|p| match p {
        Piece::Text(t) => html! { { t.to_string() } },
        Piece::Value(v) => html! { <span class="bound">{ v }</span> },
        Piece::Missing { what, why } => html! {
            <span class="unbound" title={why}>{ format!("<{what}>") }</span>
        },
    });
    html! { <>{ for parts }</> }
}

fn console(lines: &[ConsoleLine], controls: &Controls) -> Html {
    let values = &controls.values;
    let parts = lines.iter().map(|line| match line {
        ConsoleLine::Output(text) => {
            html! { <pre class="console-output"><code>{ bound(text, values) }</code></pre> }
        }
        ConsoleLine::Command(cmd) if !controls.buttons => html! {
            <div class="console-command">
                <code><span class="console-prompt" aria-hidden="true">{ "$ " }</span>{ bound(cmd, values) }</code>
            </div>
        },
        ConsoleLine::Command(cmd) => {
            // The command as it runs in the student's world; one whose
            // value is not there yet cannot run, and says why.
            let ready = values.command(cmd);
            let shown = values.text(cmd);
            let onclick = {
                let run = controls.run.clone();
                let line = ready.clone().unwrap_or_default();
                Callback::from(move |_: MouseEvent| run.emit(line.clone()))
            };
            let (disabled, title) = match &ready {
                Ok(_) => (false, None),
                Err(why) => (true, Some(format!("Not yet: {why}"))),
            };
            html! {
                <div class="console-command">
                    <code><span class="console-prompt" aria-hidden="true">{ "$ " }</span>{ bound(cmd, values) }</code>
                    <button type="button" class="run-button" aria-label={format!("Run {shown}")} {title} {disabled} {onclick}>
                        { "Run" }
                    </button>
                </div>
            }
        }
    });
    html! { <div class="console">{ for parts }</div> }
}

fn file_block(name: &str, text: &str, controls: &Controls) -> Html {
    // A challenge gives no manifest.
    if !controls.buttons {
        return Html::default();
    }
    let onclick = {
        let open = controls.open.clone();
        let name = name.to_string();
        Callback::from(move |_: MouseEvent| open.emit(name.clone()))
    };
    let state = controls.files.get(name);
    let edited = state.is_some_and(|f| f.edited());
    let shown = match state.and_then(|f| f.current.clone()) {
        Some(current) if edited => current,
        _ => controls.values.text(text),
    };
    html! {
        <figure class={classes!("file-block", edited.then_some("edited"))} data-file={name.to_string()}>
            <figcaption>
                <code class="file-name">{ name.to_string() }</code>
                if edited {
                    <span class="edited-mark">{ "your edited version" }</span>
                }
                <button type="button" class="edit-button" aria-label={format!("Edit {name}")} {onclick}>
                    { "Edit" }
                </button>
            </figcaption>
            <pre><code>{ shown }</code></pre>
            if edited {
                <details class="original">
                    <summary>{ "The lesson's version" }</summary>
                    <pre><code>{ controls.values.text(text) }</code></pre>
                </details>
            }
        </figure>
    }
}

fn nodes(kids: &[Node], controls: &Controls, shift: u8) -> Html {
    html! { <>{ for kids.iter().map(|k| node(k, controls, shift)) }</> }
}

fn node(n: &Node, controls: &Controls, shift: u8) -> Html {
    let kids = |k: &[Node]| nodes(k, controls, shift);
    match n {
        Node::Text(t) => bound(t, &controls.values),
        Node::Para(k) => html! { <p>{ kids(k) }</p> },
        Node::Heading(level, k) => {
            let tag = format!("h{}", level.saturating_add(shift).clamp(1, 6));
            html! { <@{tag}>{ kids(k) }</@> }
        }
        Node::Quote(k) => html! { <blockquote>{ kids(k) }</blockquote> },
        Node::Bullets(items) => {
            html! { <ul>{ for items.iter().map(|i| html! { <li>{ kids(i) }</li> }) }</ul> }
        }
        Node::Numbered(start, items) => html! {
            <ol start={start.to_string()}>{ for items.iter().map(|i| html! { <li>{ kids(i) }</li> }) }</ol>
        },
        Node::Em(k) => html! { <em>{ kids(k) }</em> },
        Node::Strong(k) => html! { <strong>{ kids(k) }</strong> },
        Node::Struck(k) => html! { <del>{ kids(k) }</del> },
        Node::Link {
            href,
            title,
            kids: k,
        } => match safe_href(href) {
            Some(href) => {
                let external = href.starts_with("http");
                let title = (!title.is_empty()).then(|| title.clone());
                html! {
                    <a {href} {title}
                        target={external.then_some("_blank")}
                        rel={external.then_some("noopener noreferrer")}>
                        { kids(k) }
                    </a>
                }
            }
            None => kids(k),
        },
        Node::Code(t) => html! { <code>{ bound(t, &controls.values) }</code> },
        // Only the image's text: an image from elsewhere would be a request
        // from the page.
        Node::ImageAlt(k) => html! { <span class="image-alt">{ kids(k) }</span> },
        Node::Table { head, rows } => html! {
            <table class="prose-table">
                <thead><tr>{ for head.iter().map(|c| html! { <th scope="col">{ kids(c) }</th> }) }</tr></thead>
                <tbody>{ for rows.iter().map(|r| html! {
                    <tr>{ for r.iter().map(|c| html! { <td>{ kids(c) }</td> }) }</tr>
                }) }</tbody>
            </table>
        },
        Node::Break => html! { <br /> },
        Node::Rule => html! { <hr /> },
        Node::Pre(t) => html! { <pre><code>{ bound(t, &controls.values) }</code></pre> },
        Node::Console(lines) => console(lines, controls),
        Node::File { name, text } => file_block(name, text, controls),
    }
}

/// Draws `doc`. Headings are shifted down by `shift` levels (a step's
/// `###` under the page's `h3` step title becomes an `h5`), never past `h6`.
pub fn render(doc: &Doc, controls: &Controls, shift: u8) -> Html {
    nodes(&doc.0, controls, shift)
}
