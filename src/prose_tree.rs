//! A lesson's prose ([`Doc`], read from Markdown when the course was built)
//! as [`Markup`]: the one place that decides which element each part of a
//! lesson's text becomes. The page draws it with its controls wired
//! (`ui::prose`); `servicelab build` writes it into the prerendered first
//! screen. Links are checked again here, as the data may come from anywhere.
//!
//! Two kinds of block carry buttons:
//! - a console block's commands get a "Run" button ([`Act::Run`]);
//! - a manifest (`yaml file=NAME`) gets an "Edit" button ([`Act::Open`]).

use crate::engine::lesson::bind::{Piece, Values};
use crate::engine::lesson::doc::{safe_href, ConsoleLine, Doc, Node};
use crate::engine::lesson::Step;
use crate::markup::{el, heading_tag, text, Act, Markup};

/// What the text is drawn against.
pub struct Reading<'a> {
    /// The values of the lesson's placeholders in the student's world.
    pub values: &'a Values,
    /// Commands get Run buttons and manifests are shown. A `Challenge:`
    /// step has neither: the student finds the way.
    pub buttons: bool,
    /// A step file the student edited: its text now.
    pub edited: &'a dyn Fn(&str) -> Option<String>,
    /// Said of every value not there, instead of the world's reason: the
    /// prerendered page has no world yet.
    pub unbound_why: Option<&'a str>,
}

fn not_edited(_: &str) -> Option<String> {
    None
}

impl<'a> Reading<'a> {
    /// Text with values and nothing edited.
    pub fn plain(values: &'a Values) -> Reading<'a> {
        Reading {
            values,
            buttons: true,
            edited: &not_edited,
            unbound_why: None,
        }
    }
}

/// Text with its placeholders filled in from the student's world. A value
/// the world does not have yet reads as what it stands for, with why.
pub fn bound(t: &str, r: &Reading) -> Vec<Markup> {
    if !t.contains('{') {
        return vec![text(t)];
    }
    r.values
        .pieces(t)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => text(t),
            Piece::Value(v) => el("span").class("bound").kid(v).into(),
            Piece::Missing { what, why } => el("span")
                .class("unbound")
                .attr("title", r.unbound_why.map_or(why, str::to_string))
                .kid(format!("<{what}>"))
                .into(),
        })
        .collect()
}

fn prompt() -> Markup {
    el("span")
        .class("console-prompt")
        .attr("aria-hidden", "true")
        .kid("$ ")
        .into()
}

fn console(lines: &[ConsoleLine], r: &Reading) -> Markup {
    let parts = lines.iter().map(|line| -> Markup {
        match line {
            ConsoleLine::Output(t) => el("pre")
                .class("console-output")
                .kid(el("code").kids(bound(t, r)))
                .into(),
            ConsoleLine::Command(cmd) if !r.buttons => el("div")
                .class("console-command")
                .kid(el("code").kid(prompt()).kids(bound(cmd, r)))
                .into(),
            ConsoleLine::Command(cmd) => {
                // The command as it runs in the student's world; one whose
                // value is not there yet cannot run, and says why.
                let ready = r.values.command(cmd);
                let shown = r.values.text(cmd);
                let mut button = el("button")
                    .attr("type", "button")
                    .class("run-button")
                    .attr("aria-label", format!("Run {shown}"));
                if let Err(why) = &ready {
                    let why = r.unbound_why.unwrap_or(why);
                    button = button
                        .attr("title", format!("Not yet: {why}"))
                        .attr("disabled", "");
                }
                el("div")
                    .class("console-command")
                    .kid(el("code").kid(prompt()).kids(bound(cmd, r)))
                    .kid(button.act(Act::Run(ready.unwrap_or_default())).kid("Run"))
                    .into()
            }
        }
    });
    el("div").class("console").kids(parts).into()
}

fn file_block(name: &str, t: &str, r: &Reading) -> Vec<Markup> {
    // A challenge gives no manifest.
    if !r.buttons {
        return vec![];
    }
    let current = (r.edited)(name);
    let edited = current.is_some();
    let mut caption = el("figcaption").kid(el("code").class("file-name").kid(name));
    if edited {
        caption = caption.kid(el("span").class("edited-mark").kid("your edited version"));
    }
    caption = caption.kid(
        el("button")
            .attr("type", "button")
            .class("edit-button")
            .attr("aria-label", format!("Edit {name}"))
            .act(Act::Open(name.to_string()))
            .kid("Edit"),
    );
    let lesson_version = r.values.text(t);
    let mut figure = el("figure")
        .class(if edited {
            "file-block edited"
        } else {
            "file-block"
        })
        .attr("data-file", name)
        .kid(caption)
        .kid(el("pre").kid(el("code").kid(current.unwrap_or_else(|| lesson_version.clone()))));
    if edited {
        figure = figure.kid(
            el("details")
                .class("original")
                .kid(el("summary").kid("The lesson's version"))
                .kid(el("pre").kid(el("code").kid(lesson_version))),
        );
    }
    vec![figure.into()]
}

fn items(list: &[Vec<Node>], r: &Reading, shift: u8) -> Vec<Markup> {
    list.iter()
        .map(|i| el("li").kids(nodes(i, r, shift)).into())
        .collect()
}

fn node(n: &Node, r: &Reading, shift: u8) -> Vec<Markup> {
    let kids = |k: &[Node]| nodes(k, r, shift);
    let one = |m: crate::markup::Element| vec![Markup::El(m)];
    match n {
        Node::Text(t) => bound(t, r),
        Node::Para(k) => one(el("p").kids(kids(k))),
        Node::Heading(level, k) => one(el(heading_tag(level.saturating_add(shift))).kids(kids(k))),
        Node::Quote(k) => one(el("blockquote").kids(kids(k))),
        Node::Bullets(list) => one(el("ul").kids(items(list, r, shift))),
        Node::Numbered(start, list) => one(el("ol")
            .attr("start", start.to_string())
            .kids(items(list, r, shift))),
        Node::Em(k) => one(el("em").kids(kids(k))),
        Node::Strong(k) => one(el("strong").kids(kids(k))),
        Node::Struck(k) => one(el("del").kids(kids(k))),
        Node::Link {
            href,
            title,
            kids: k,
        } => match safe_href(href) {
            Some(href) => {
                let external = href.starts_with("http");
                one(el("a")
                    .attr("href", href)
                    .attr_opt("title", (!title.is_empty()).then(|| title.clone()))
                    .attr_opt("target", external.then_some("_blank"))
                    .attr_opt("rel", external.then_some("noopener noreferrer"))
                    .kids(kids(k)))
            }
            None => kids(k),
        },
        Node::Code(t) => one(el("code").kids(bound(t, r))),
        // Only the image's text: an image from elsewhere would be a request
        // from the page.
        Node::ImageAlt(k) => one(el("span").class("image-alt").kids(kids(k))),
        Node::Table { head, rows } => {
            let head = el("tr").kids(
                head.iter()
                    .map(|c| el("th").attr("scope", "col").kids(kids(c)).into()),
            );
            let rows = rows.iter().map(|row| {
                el("tr")
                    .kids(row.iter().map(|c| el("td").kids(kids(c)).into()))
                    .into()
            });
            one(el("table")
                .class("prose-table")
                .kid(el("thead").kid(head))
                .kid(el("tbody").kids(rows)))
        }
        Node::Break => one(el("br")),
        Node::Rule => one(el("hr")),
        Node::Pre(t) => one(el("pre").kid(el("code").kids(bound(t, r)))),
        Node::Console(lines) => vec![console(lines, r)],
        Node::File { name, text } => file_block(name, text, r),
    }
}

fn nodes(kids: &[Node], r: &Reading, shift: u8) -> Vec<Markup> {
    kids.iter().flat_map(|k| node(k, r, shift)).collect()
}

/// `doc` as markup. Headings are shifted down by `shift` levels (a step's
/// `###` under the page's `h3` step title becomes an `h5`), never past `h6`.
pub fn render(doc: &Doc, r: &Reading, shift: u8) -> Vec<Markup> {
    nodes(&doc.0, r, shift)
}

/// Words of `text` that look like a manifest's name (`web.yaml`).
fn manifest_names(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .filter(|w| {
            (w.ends_with(".yaml") || w.ends_with(".yml")) && w.len() > 5 && !w.starts_with('.')
        })
}

/// The files a step names, in order: its own blocks, then the manifests its
/// text and commands mention (the page shows those the lesson or the
/// laptop has).
pub fn step_file_names(step: &Step) -> Vec<String> {
    let mut names: Vec<String> = step.files.iter().map(|f| f.name.clone()).collect();
    let prose = step.prose_text();
    let mentioned = std::iter::once(prose.as_str())
        .chain(step.commands.iter().map(String::as_str))
        .flat_map(manifest_names);
    for name in mentioned {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}
