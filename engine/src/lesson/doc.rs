//! A lesson's prose as data: the Markdown read once, when the course is
//! built, into a small tree the page renders without a Markdown parser.
//!
//! The tree holds only what the page may show: text, emphasis, code, lists,
//! tables, links whose address cannot run script, and the two controls of a
//! lesson (a console block's commands, a manifest to edit). Raw HTML in a
//! lesson becomes text, so it stays inert; an image keeps only its alt text,
//! since a lesson must not make the page fetch anything.
//!
//! Serialized, a node is one short key: `{"p":["Run ",{"code":"curl"}]}`.

use serde::{Deserialize, Serialize};

/// Markdown, read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Doc(pub Vec<Node>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    /// Text, shown as it is.
    #[serde(rename = "s")]
    Text(String),
    #[serde(rename = "p")]
    Para(Vec<Node>),
    /// A heading of the level written in the lesson (the page shifts it
    /// under its own headings).
    #[serde(rename = "h")]
    Heading(u8, Vec<Node>),
    #[serde(rename = "q")]
    Quote(Vec<Node>),
    /// A bulleted list of items.
    #[serde(rename = "ul")]
    Bullets(Vec<Vec<Node>>),
    /// A numbered list of items, from its first number.
    #[serde(rename = "ol")]
    Numbered(u64, Vec<Vec<Node>>),
    #[serde(rename = "em")]
    Em(Vec<Node>),
    #[serde(rename = "b")]
    Strong(Vec<Node>),
    #[serde(rename = "del")]
    Struck(Vec<Node>),
    /// A link; its address passed [`safe_href`] when the tree was made
    /// (and the page checks again: course data may come from anywhere).
    #[serde(rename = "a")]
    Link {
        href: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        title: String,
        kids: Vec<Node>,
    },
    /// Inline code.
    #[serde(rename = "code")]
    Code(String),
    /// An image's alternative text.
    #[serde(rename = "alt")]
    ImageAlt(Vec<Node>),
    /// A table: the header cells, then the rows of cells.
    #[serde(rename = "table")]
    Table {
        head: Vec<Vec<Node>>,
        rows: Vec<Vec<Vec<Node>>>,
    },
    #[serde(rename = "br")]
    Break,
    #[serde(rename = "hr")]
    Rule,
    /// A code block that is neither a console nor a manifest.
    #[serde(rename = "pre")]
    Pre(String),
    /// A `console` (`sh`, `bash`, `shell`) block: commands to click, and
    /// the output written under them.
    #[serde(rename = "console")]
    Console(Vec<ConsoleLine>),
    /// A `yaml file=NAME` block: a manifest the student can open.
    #[serde(rename = "file")]
    File { name: String, text: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsoleLine {
    /// A `$ ` line, without the prompt.
    #[serde(rename = "cmd")]
    Command(String),
    /// Lines of output between commands.
    #[serde(rename = "out")]
    Output(String),
}

/// Only addresses that cannot run script: web links, in-page anchors and
/// relative paths.
pub fn safe_href(dest: &str) -> Option<String> {
    let lower = dest.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    match scheme {
        Some("http" | "https" | "mailto") => Some(dest.to_string()),
        Some(s) if !s.contains('/') && !s.contains('#') && !s.contains('?') => None,
        _ => Some(dest.to_string()),
    }
}

impl Doc {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Calls `f` with every text the tree holds (prose, code, commands,
    /// output, manifests), e.g. to find the placeholders it names.
    pub fn each_text(&self, f: &mut dyn FnMut(&str)) {
        for n in &self.0 {
            n.each_text(f);
        }
    }

    /// The text of the tree without its markup, e.g. for an accessible
    /// name or a search.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for n in &self.0 {
            n.plain_text_into(&mut out);
        }
        out
    }
}

impl Node {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        let all = |kids: &[Node], f: &mut dyn FnMut(&str)| {
            for k in kids {
                k.each_text(f);
            }
        };
        match self {
            Node::Text(t) | Node::Code(t) | Node::Pre(t) => f(t),
            Node::Para(k)
            | Node::Heading(_, k)
            | Node::Quote(k)
            | Node::Em(k)
            | Node::Strong(k)
            | Node::Struck(k)
            | Node::ImageAlt(k) => all(k, f),
            Node::Link { kids, .. } => all(kids, f),
            Node::Bullets(items) | Node::Numbered(_, items) => {
                for i in items {
                    all(i, f);
                }
            }
            Node::Table { head, rows } => {
                for c in head.iter().chain(rows.iter().flatten()) {
                    all(c, f);
                }
            }
            Node::Break | Node::Rule => {}
            Node::Console(lines) => {
                for l in lines {
                    match l {
                        ConsoleLine::Command(c) | ConsoleLine::Output(c) => f(c),
                    }
                }
            }
            Node::File { text, .. } => f(text),
        }
    }

    fn plain_text_into(&self, out: &mut String) {
        let all = |kids: &[Node], out: &mut String| {
            for k in kids {
                k.plain_text_into(out);
            }
        };
        match self {
            Node::Text(t) | Node::Code(t) | Node::Pre(t) => out.push_str(t),
            Node::Para(k) | Node::Heading(_, k) | Node::Quote(k) => {
                all(k, out);
                out.push('\n');
            }
            Node::Em(k) | Node::Strong(k) | Node::Struck(k) | Node::ImageAlt(k) => all(k, out),
            Node::Link { kids, .. } => all(kids, out),
            Node::Bullets(items) | Node::Numbered(_, items) => {
                for i in items {
                    all(i, out);
                }
            }
            Node::Table { head, rows } => {
                for c in head.iter().chain(rows.iter().flatten()) {
                    all(c, out);
                    out.push(' ');
                }
            }
            Node::Break => out.push('\n'),
            Node::Rule => {}
            Node::Console(lines) => {
                for l in lines {
                    match l {
                        ConsoleLine::Command(c) => {
                            out.push_str("$ ");
                            out.push_str(c);
                            out.push('\n');
                        }
                        ConsoleLine::Output(o) => out.push_str(o),
                    }
                }
            }
            Node::File { text, .. } => out.push_str(text),
        }
    }
}

#[cfg(feature = "authoring")]
pub use reading::from_markdown;

/// A line of Markdown read as inline content (no paragraph around it):
/// an objective, a title.
#[cfg(feature = "authoring")]
pub fn inline_markdown(markdown: &str) -> Doc {
    let mut d = from_markdown(markdown);
    if let [Node::Para(kids)] = d.0.as_mut_slice() {
        return Doc(std::mem::take(kids));
    }
    d
}

#[cfg(feature = "authoring")]
mod reading {
    use super::*;
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

    enum Frame {
        Root,
        Para,
        Heading(u8),
        Quote,
        /// A list collects its items as they end.
        List(Option<u64>, Vec<Vec<Node>>),
        Item,
        Em,
        Strong,
        Struck,
        Link(String, String),
        Image,
        /// A table collects its header and rows; a row, its cells.
        Table(Vec<Vec<Node>>, Vec<Vec<Vec<Node>>>),
        Row(Vec<Vec<Node>>),
        Cell,
        /// Anything else: its children, unwrapped.
        Plain,
    }

    type Stack = Vec<(Frame, Vec<Node>)>;

    fn push(stack: &mut Stack, node: Node) {
        if let Some((_, kids)) = stack.last_mut() {
            // Adjacent text merges, so the tree stays small.
            if let (Node::Text(t), Some(Node::Text(prev))) = (&node, kids.last_mut()) {
                prev.push_str(t);
                return;
            }
            kids.push(node);
        }
    }

    fn console(code: &str) -> Node {
        let mut lines = vec![];
        let mut output = String::new();
        for line in code.lines() {
            match line.strip_prefix("$ ") {
                Some(cmd) => {
                    if !output.is_empty() {
                        lines.push(ConsoleLine::Output(std::mem::take(&mut output)));
                    }
                    lines.push(ConsoleLine::Command(cmd.trim().to_string()));
                }
                None => {
                    output.push_str(line);
                    output.push('\n');
                }
            }
        }
        if !output.is_empty() {
            lines.push(ConsoleLine::Output(output));
        }
        Node::Console(lines)
    }

    fn code_block(info: &str, text: String) -> Node {
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("");
        let file = words.find_map(|w| w.strip_prefix("file=").map(|f| f.trim_matches('"')));
        match (lang, file) {
            ("console" | "sh" | "bash" | "shell", _) => console(&text),
            (_, Some(name)) => Node::File {
                name: name.to_string(),
                text,
            },
            _ => Node::Pre(text),
        }
    }

    /// Closes the innermost frame: its node goes to the frame around it.
    fn close(stack: &mut Stack) {
        let Some((frame, kids)) = stack.pop() else {
            return;
        };
        let node = match frame {
            Frame::Root => {
                stack.push((Frame::Root, kids));
                return;
            }
            Frame::Para => Node::Para(kids),
            Frame::Heading(level) => Node::Heading(level, kids),
            Frame::Quote => Node::Quote(kids),
            Frame::List(Some(n), items) => Node::Numbered(n, items),
            Frame::List(None, items) => Node::Bullets(items),
            Frame::Item => {
                if let Some((Frame::List(_, items), _)) = stack.last_mut() {
                    items.push(kids);
                }
                return;
            }
            Frame::Em => Node::Em(kids),
            Frame::Strong => Node::Strong(kids),
            Frame::Struck => Node::Struck(kids),
            Frame::Link(dest, title) => match safe_href(&dest) {
                Some(href) => Node::Link { href, title, kids },
                None => {
                    for k in kids {
                        push(stack, k);
                    }
                    return;
                }
            },
            Frame::Image => Node::ImageAlt(kids),
            Frame::Cell => {
                if let Some((Frame::Row(cells), _)) = stack.last_mut() {
                    cells.push(kids);
                }
                return;
            }
            // The header is a row pulldown-cmark opens as `TableHead`.
            Frame::Row(cells) => {
                if let Some((Frame::Table(head, rows), _)) = stack.last_mut() {
                    if head.is_empty() && rows.is_empty() {
                        *head = cells;
                    } else {
                        rows.push(cells);
                    }
                }
                return;
            }
            Frame::Table(head, rows) => Node::Table { head, rows },
            Frame::Plain => {
                for k in kids {
                    push(stack, k);
                }
                return;
            }
        };
        push(stack, node);
    }

    /// Reads Markdown (CommonMark with tables and strikethrough) into a tree.
    pub fn from_markdown(markdown: &str) -> Doc {
        let parser = Parser::new_ext(
            markdown,
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
        );
        let mut stack: Stack = vec![(Frame::Root, vec![])];
        let mut code: Option<(String, String)> = None;
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
                        push(&mut stack, code_block(&info, text));
                    }
                }
                Event::Text(t) if code.is_some() => {
                    if let Some((_, text)) = code.as_mut() {
                        text.push_str(&t);
                    }
                }
                Event::Start(tag) => {
                    let frame = match tag {
                        Tag::Paragraph => Frame::Para,
                        Tag::Heading { level, .. } => Frame::Heading(level as u8),
                        Tag::BlockQuote(_) => Frame::Quote,
                        Tag::List(start) => Frame::List(start, vec![]),
                        Tag::Item => Frame::Item,
                        Tag::Emphasis => Frame::Em,
                        Tag::Strong => Frame::Strong,
                        Tag::Strikethrough => Frame::Struck,
                        Tag::Link {
                            dest_url, title, ..
                        } => Frame::Link(dest_url.to_string(), title.to_string()),
                        Tag::Image { .. } => Frame::Image,
                        Tag::Table(_) => Frame::Table(vec![], vec![]),
                        Tag::TableHead | Tag::TableRow => Frame::Row(vec![]),
                        Tag::TableCell => Frame::Cell,
                        _ => Frame::Plain,
                    };
                    stack.push((frame, vec![]));
                }
                Event::End(_) => close(&mut stack),
                Event::Text(t) => push(&mut stack, Node::Text(t.to_string())),
                Event::Code(t) => push(&mut stack, Node::Code(t.to_string())),
                // Raw HTML is shown, never interpreted.
                Event::Html(t) | Event::InlineHtml(t) => {
                    push(&mut stack, Node::Text(t.to_string()))
                }
                Event::SoftBreak => push(&mut stack, Node::Text("\n".into())),
                Event::HardBreak => push(&mut stack, Node::Break),
                Event::Rule => push(&mut stack, Node::Rule),
                _ => {}
            }
        }
        Doc(stack.into_iter().flat_map(|(_, k)| k).collect())
    }
}

#[cfg(all(test, feature = "authoring"))]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Text(s.into())
    }

    #[test]
    fn prose_becomes_a_small_tree() {
        let d = from_markdown("Run `curl`, *now*.\n\n- one\n- **two**\n\n3. three\n");
        assert_eq!(
            d.0,
            vec![
                Node::Para(vec![
                    text("Run "),
                    Node::Code("curl".into()),
                    text(", "),
                    Node::Em(vec![text("now")]),
                    text(".")
                ]),
                Node::Bullets(vec![
                    vec![text("one")],
                    vec![Node::Strong(vec![text("two")])]
                ]),
                Node::Numbered(3, vec![vec![text("three")]]),
            ]
        );
        let json = serde_json::to_string(&d).unwrap();
        assert!(
            json.starts_with(r#"[{"p":[{"s":"Run "},{"code":"curl"}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Doc>(&json).unwrap(), d);
    }

    #[test]
    fn controls_html_and_links() {
        let d = from_markdown(
            "```console\n$ kubectl get svc\nNAME\n$ curl x\n```\n\n```yaml file=a.yaml\nkind: Service\n```\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](https://k8s.io \"K\") ![pic](http://e/p.png)\n",
        );
        assert_eq!(
            d.0[0],
            Node::Console(vec![
                ConsoleLine::Command("kubectl get svc".into()),
                ConsoleLine::Output("NAME\n".into()),
                ConsoleLine::Command("curl x".into()),
            ])
        );
        assert_eq!(
            d.0[1],
            Node::File {
                name: "a.yaml".into(),
                text: "kind: Service\n".into()
            }
        );
        assert_eq!(d.0[2], text("<script>alert(1)</script>\n"));
        assert_eq!(
            d.0[3],
            Node::Para(vec![
                text("x "),
                Node::Link {
                    href: "https://k8s.io".into(),
                    title: "K".into(),
                    kids: vec![text("y")]
                },
                text(" "),
                Node::ImageAlt(vec![text("pic")]),
            ])
        );
    }

    #[test]
    fn tables_and_nested_lists() {
        let d = from_markdown("| a | b |\n|---|---|\n| `1` | 2 |\n\n- x\n  - y\n");
        assert_eq!(
            d.0[0],
            Node::Table {
                head: vec![vec![text("a")], vec![text("b")]],
                rows: vec![vec![vec![Node::Code("1".into())], vec![text("2")]]],
            }
        );
        assert_eq!(
            d.0[1],
            Node::Bullets(vec![vec![text("x"), Node::Bullets(vec![vec![text("y")]])]])
        );
        assert_eq!(d.plain_text(), "a b 1 2 xy");
    }
}
