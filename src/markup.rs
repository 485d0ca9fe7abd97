//! A small tree of HTML elements, the one form of lesson prose both front
//! ends draw: the page turns it into Yew nodes (`ui::prose`), and
//! `servicelab build` writes it as HTML text into the page it prerenders
//! (`prerender`), so the first screen the browser paints before the wasm
//! has run is the same markup the app then draws.
//!
//! Text is always text: [`write_html`] escapes it, and the page makes text
//! nodes of it, so no lesson can inject markup.

/// What a button does once the app runs (the prerendered page's buttons do
/// nothing until then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// Run this command line in the terminal.
    Run(String),
    /// Open this lesson file in the editor.
    Open(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Markup {
    Text(String),
    El(Element),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub kids: Vec<Markup>,
    /// A button's action.
    pub act: Option<Act>,
}

/// An element with no attributes and no children yet.
pub fn el(tag: &'static str) -> Element {
    Element {
        tag,
        attrs: vec![],
        kids: vec![],
        act: None,
    }
}

pub fn text(t: impl Into<String>) -> Markup {
    Markup::Text(t.into())
}

impl Element {
    pub fn attr(mut self, key: &'static str, value: impl Into<String>) -> Element {
        self.attrs.push((key, value.into()));
        self
    }

    /// An attribute only when there is a value (Yew leaves `None` out).
    pub fn attr_opt(self, key: &'static str, value: Option<impl Into<String>>) -> Element {
        match value {
            Some(v) => self.attr(key, v),
            None => self,
        }
    }

    pub fn class(self, class: &str) -> Element {
        self.attr("class", class)
    }

    pub fn kid(mut self, kid: impl Into<Markup>) -> Element {
        self.kids.push(kid.into());
        self
    }

    pub fn kids(mut self, kids: impl IntoIterator<Item = Markup>) -> Element {
        self.kids.extend(kids);
        self
    }

    pub fn act(mut self, act: Act) -> Element {
        self.act = Some(act);
        self
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl From<Element> for Markup {
    fn from(e: Element) -> Markup {
        Markup::El(e)
    }
}

impl From<&str> for Markup {
    fn from(t: &str) -> Markup {
        Markup::Text(t.to_string())
    }
}

impl From<String> for Markup {
    fn from(t: String) -> Markup {
        Markup::Text(t)
    }
}

/// `h1`…`h6` for a level, clamped.
pub fn heading_tag(level: u8) -> &'static str {
    match level {
        0 | 1 => "h1",
        2 => "h2",
        3 => "h3",
        4 => "h4",
        5 => "h5",
        _ => "h6",
    }
}

/// Elements HTML writes without a closing tag.
fn void(tag: &str) -> bool {
    matches!(tag, "br" | "hr" | "img" | "input" | "meta" | "link")
}

fn escape_into(s: &str, attr: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// The markup as HTML text, every text and attribute value escaped.
pub fn write_html(nodes: &[Markup], out: &mut String) {
    for n in nodes {
        match n {
            Markup::Text(t) => escape_into(t, false, out),
            Markup::El(e) => {
                out.push('<');
                out.push_str(e.tag);
                for (k, v) in &e.attrs {
                    out.push(' ');
                    out.push_str(k);
                    out.push_str("=\"");
                    escape_into(v, true, out);
                    out.push('"');
                }
                out.push('>');
                if void(e.tag) {
                    continue;
                }
                write_html(&e.kids, out);
                out.push_str("</");
                out.push_str(e.tag);
                out.push('>');
            }
        }
    }
}

/// The markup as HTML text.
pub fn to_html(nodes: &[Markup]) -> String {
    let mut out = String::new();
    write_html(nodes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let m = el("p")
            .attr("title", "a \"quote\" & <tag>")
            .kid("<script>alert(1)</script> & more")
            .kid(el("br"))
            .into();
        assert_eq!(
            to_html(&[m]),
            "<p title=\"a &quot;quote&quot; &amp; &lt;tag&gt;\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more<br></p>"
        );
    }
}
