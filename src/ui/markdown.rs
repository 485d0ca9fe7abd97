//! A lesson's Markdown, turned straight into Yew nodes: no HTML string is
//! ever parsed by the browser, so a lesson cannot inject markup or script
//! (raw HTML in a lesson shows as text).
//!
//! Two kinds of fenced block become controls:
//! - a `console` (`sh`, `bash`, `shell`) block's `$ ` lines get a "Run"
//!   button that runs the command in the terminal;
//! - a `yaml file=NAME` block gets an "Edit" button that opens NAME in the
//!   editor.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
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
}

impl Default for Controls {
    fn default() -> Self {
        Controls {
            run: Callback::noop(),
            open: Callback::noop(),
            files: Default::default(),
            buttons: true,
        }
    }
}

enum Frame {
    Root,
    Paragraph,
    Heading(u8),
    BlockQuote,
    List(Option<u64>),
    Item,
    Emphasis,
    Strong,
    Strikethrough,
    Link(String, String),
    Image,
    Table,
    TableHead,
    TableRow,
    TableCell,
    /// Anything else: its children, unwrapped.
    Plain,
}

/// Only addresses that cannot run script: web links, in-page anchors and
/// relative paths.
fn safe_href(dest: &str) -> Option<String> {
    let lower = dest.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    match scheme {
        Some("http" | "https" | "mailto") => Some(dest.to_string()),
        Some(s) if !s.contains('/') && !s.contains('#') && !s.contains('?') => None,
        _ => Some(dest.to_string()),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn console(code: &str, controls: &Controls) -> Html {
    let mut parts: Vec<Html> = vec![];
    let mut output = String::new();
    let flush = |output: &mut String, parts: &mut Vec<Html>| {
        if !output.is_empty() {
            let text = std::mem::take(output);
            parts.push(html! { <pre class="console-output"><code>{ text }</code></pre> });
        }
    };
    for line in code.lines() {
        match line.strip_prefix("$ ") {
            Some(cmd) if !controls.buttons => {
                flush(&mut output, &mut parts);
                parts.push(html! {
                    <div class="console-command">
                        <code><span class="console-prompt" aria-hidden="true">{ "$ " }</span>{ cmd.trim().to_string() }</code>
                    </div>
                });
            }
            Some(cmd) => {
                flush(&mut output, &mut parts);
                let cmd = cmd.trim().to_string();
                let onclick = {
                    let run = controls.run.clone();
                    let cmd = cmd.clone();
                    Callback::from(move |_: MouseEvent| run.emit(cmd.clone()))
                };
                parts.push(html! {
                    <div class="console-command">
                        <code><span class="console-prompt" aria-hidden="true">{ "$ " }</span>{ cmd.clone() }</code>
                        <button type="button" class="run-button" aria-label={format!("Run {cmd}")} {onclick}>
                            { "Run" }
                        </button>
                    </div>
                });
            }
            None => {
                output.push_str(line);
                output.push('\n');
            }
        }
    }
    flush(&mut output, &mut parts);
    html! { <div class="console">{ for parts }</div> }
}

fn code_block(info: &str, code: String, controls: &Controls) -> Html {
    let mut words = info.split_whitespace();
    let lang = words.next().unwrap_or("");
    let file = words.find_map(|w| w.strip_prefix("file=").map(|f| f.trim_matches('"')));
    match (lang, file) {
        ("console" | "sh" | "bash" | "shell", _) => console(&code, controls),
        // A challenge gives no manifest.
        (_, Some(_)) if !controls.buttons => Html::default(),
        (_, Some(file)) => {
            let onclick = {
                let open = controls.open.clone();
                let file = file.to_string();
                Callback::from(move |_: MouseEvent| open.emit(file.clone()))
            };
            let state = controls.files.get(file);
            let edited = state.is_some_and(|f| f.edited());
            let shown = match state.and_then(|f| f.current.clone()) {
                Some(current) if edited => current,
                _ => code.clone(),
            };
            html! {
                <figure class={classes!("file-block", edited.then_some("edited"))} data-file={file.to_string()}>
                    <figcaption>
                        <code class="file-name">{ file.to_string() }</code>
                        if edited {
                            <span class="edited-mark">{ "your edited version" }</span>
                        }
                        <button type="button" class="edit-button" aria-label={format!("Edit {file}")} {onclick}>
                            { "Edit" }
                        </button>
                    </figcaption>
                    <pre><code>{ shown }</code></pre>
                    if edited {
                        <details class="original">
                            <summary>{ "The lesson's version" }</summary>
                            <pre><code>{ code }</code></pre>
                        </details>
                    }
                </figure>
            }
        }
        _ => html! { <pre><code>{ code }</code></pre> },
    }
}

/// Renders `markdown`. Headings are shifted down by `shift` levels (a step's
/// `###` under the page's `h3` step title becomes an `h5`), never past `h6`.
pub fn render(markdown: &str, controls: &Controls, shift: u8) -> Html {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut stack: Vec<(Frame, Vec<Html>)> = vec![(Frame::Root, vec![])];
    let mut code: Option<(String, String)> = None;
    let mut in_head = false;

    let push = |stack: &mut Vec<(Frame, Vec<Html>)>, node: Html| {
        if let Some((_, children)) = stack.last_mut() {
            children.push(node);
        }
    };

    for event in parser {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((info, text)) = code.take() {
                    let node = code_block(&info, text, controls);
                    push(&mut stack, node);
                }
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, text)) = code.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Start(tag) => {
                let frame = match tag {
                    Tag::Paragraph => Frame::Paragraph,
                    Tag::Heading { level, .. } => Frame::Heading(heading_level(level)),
                    Tag::BlockQuote(_) => Frame::BlockQuote,
                    Tag::List(start) => Frame::List(start),
                    Tag::Item => Frame::Item,
                    Tag::Emphasis => Frame::Emphasis,
                    Tag::Strong => Frame::Strong,
                    Tag::Strikethrough => Frame::Strikethrough,
                    Tag::Link {
                        dest_url, title, ..
                    } => Frame::Link(dest_url.to_string(), title.to_string()),
                    Tag::Image { .. } => Frame::Image,
                    Tag::Table(_) => Frame::Table,
                    Tag::TableHead => {
                        in_head = true;
                        Frame::TableHead
                    }
                    Tag::TableRow => Frame::TableRow,
                    Tag::TableCell => Frame::TableCell,
                    _ => Frame::Plain,
                };
                stack.push((frame, vec![]));
            }
            Event::End(_) => {
                let Some((frame, children)) = stack.pop() else {
                    continue;
                };
                let node = match frame {
                    Frame::Root => {
                        stack.push((Frame::Root, children));
                        continue;
                    }
                    Frame::Paragraph => html! { <p>{ for children }</p> },
                    Frame::Heading(level) => {
                        let tag = format!("h{}", (level + shift).min(6));
                        html! { <@{tag}>{ for children }</@> }
                    }
                    Frame::BlockQuote => html! { <blockquote>{ for children }</blockquote> },
                    Frame::List(Some(start)) => {
                        html! { <ol start={start.to_string()}>{ for children }</ol> }
                    }
                    Frame::List(None) => html! { <ul>{ for children }</ul> },
                    Frame::Item => html! { <li>{ for children }</li> },
                    Frame::Emphasis => html! { <em>{ for children }</em> },
                    Frame::Strong => html! { <strong>{ for children }</strong> },
                    Frame::Strikethrough => html! { <del>{ for children }</del> },
                    Frame::Link(dest, title) => match safe_href(&dest) {
                        Some(href) => {
                            let external = href.starts_with("http");
                            let title = (!title.is_empty()).then_some(title);
                            html! {
                                <a {href} {title}
                                    target={external.then_some("_blank")}
                                    rel={external.then_some("noopener noreferrer")}>
                                    { for children }
                                </a>
                            }
                        }
                        None => html! { <>{ for children }</> },
                    },
                    // Only the image's text: lessons are read offline, and an
                    // image from elsewhere would be a request from the page.
                    Frame::Image => html! { <span class="image-alt">{ for children }</span> },
                    Frame::Table => {
                        let mut children = children.into_iter();
                        let head = children.next();
                        html! {
                            <table class="prose-table">{ for head }<tbody>{ for children }</tbody></table>
                        }
                    }
                    Frame::TableHead => {
                        in_head = false;
                        html! { <thead><tr>{ for children }</tr></thead> }
                    }
                    Frame::TableRow => html! { <tr>{ for children }</tr> },
                    Frame::TableCell if in_head => html! { <th scope="col">{ for children }</th> },
                    Frame::TableCell => html! { <td>{ for children }</td> },
                    Frame::Plain => html! { <>{ for children }</> },
                };
                push(&mut stack, node);
            }
            Event::Text(t) => push(&mut stack, html! { { t.to_string() } }),
            Event::Code(t) => push(&mut stack, html! { <code>{ t.to_string() }</code> }),
            // Raw HTML is shown, never interpreted.
            Event::Html(t) | Event::InlineHtml(t) => push(&mut stack, html! { { t.to_string() } }),
            Event::SoftBreak => push(&mut stack, html! { { "\n" } }),
            Event::HardBreak => push(&mut stack, html! { <br /> }),
            Event::Rule => push(&mut stack, html! { <hr /> }),
            _ => {}
        }
    }
    let children = stack.into_iter().flat_map(|(_, c)| c);
    html! { <>{ for children }</> }
}
