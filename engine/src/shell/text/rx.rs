//! Regular expressions with groups, as `sed` and `awk` need them: POSIX
//! basic syntax (`\(…\)`, `\{m,n\}`, and GNU's `\+`, `\?`, `\|`) or
//! extended syntax (`sed -E`, awk), bracket expressions with classes,
//! anchors, GNU's `\w \W \s \S \b \B \< \>`, and back-references in the
//! pattern. A match is the leftmost, then the longest, as POSIX asks, with
//! the groups of the first way found to make it.
//!
//! A backtracking matcher: every step is counted, and a search stops at
//! [`MAX_STEPS`] (the best match found so far stands), so no pattern can
//! take longer than that on a line.

/// Steps one search may take before it settles for what it has.
pub const MAX_STEPS: u64 = 2_000_000;
/// How deep the matcher may nest (the page's stack is small): a single
/// character repeated is matched in a loop, so only groups nest.
const MAX_DEPTH: usize = 400;

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Set { negated: bool, items: Vec<SetItem> },
    Start,
    End,
    WordBoundary(bool),
    WordStart,
    WordEnd,
    Group(Box<Node>, usize),
    Cat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
    Backref(usize),
}

#[derive(Debug, Clone)]
enum SetItem {
    Char(char),
    Range(char, char),
    Class(fn(char) -> bool),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Rx {
    node: Node,
    groups: usize,
    icase: bool,
}

/// A match: the whole and each group, as char ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub groups: Vec<Option<(usize, usize)>>,
}

fn class(name: &str) -> Option<fn(char) -> bool> {
    Some(match name {
        "alpha" => |c: char| c.is_ascii_alphabetic(),
        "digit" => |c: char| c.is_ascii_digit(),
        "alnum" => |c: char| c.is_ascii_alphanumeric(),
        "upper" => |c: char| c.is_ascii_uppercase(),
        "lower" => |c: char| c.is_ascii_lowercase(),
        "space" => |c: char| c.is_ascii_whitespace() || c == '\x0b',
        "blank" => |c: char| c == ' ' || c == '\t',
        "punct" => |c: char| c.is_ascii_punctuation(),
        "xdigit" => |c: char| c.is_ascii_hexdigit(),
        "cntrl" => |c: char| c.is_ascii_control(),
        "print" => |c: char| !c.is_control(),
        "graph" => |c: char| !c.is_control() && c != ' ',
        _ => return None,
    })
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

struct Parser<'a> {
    c: &'a [char],
    i: usize,
    ere: bool,
    groups: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn at_alt_end(&self) -> bool {
        match self.peek() {
            None => true,
            Some('|') if self.ere => true,
            Some(')') if self.ere => true,
            Some('\\') if !self.ere => matches!(self.c.get(self.i + 1), Some('|' | ')')),
            _ => false,
        }
    }

    fn alt(&mut self, depth: usize) -> Result<Node, String> {
        if depth > 64 {
            return Err("Regular expression too big".into());
        }
        let mut alts = vec![self.cat(depth)?];
        loop {
            if self.ere && self.peek() == Some('|') {
                self.i += 1;
            } else if !self.ere && self.peek() == Some('\\') && self.c.get(self.i + 1) == Some(&'|')
            {
                self.i += 2;
            } else {
                break;
            }
            alts.push(self.cat(depth)?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Cat(vec![]))
        } else {
            Node::Alt(alts)
        })
    }

    fn cat(&mut self, depth: usize) -> Result<Node, String> {
        let mut items: Vec<Node> = vec![];
        let start = self.i;
        while !self.at_alt_end() {
            let first = self.i == start;
            let atom = self.atom(first, depth)?;
            let atom = self.postfix(atom)?;
            items.push(atom);
        }
        Ok(Node::Cat(items))
    }

    fn postfix(&mut self, mut atom: Node) -> Result<Node, String> {
        loop {
            let (min, max) = match (self.peek(), self.ere) {
                (Some('*'), _) => {
                    self.i += 1;
                    (0, None)
                }
                (Some('+'), true) => {
                    self.i += 1;
                    (1, None)
                }
                (Some('?'), true) => {
                    self.i += 1;
                    (0, Some(1))
                }
                (Some('{'), true) => {
                    self.i += 1;
                    self.interval()?
                }
                (Some('\\'), false) => match self.c.get(self.i + 1) {
                    Some('+') => {
                        self.i += 2;
                        (1, None)
                    }
                    Some('?') => {
                        self.i += 2;
                        (0, Some(1))
                    }
                    Some('{') => {
                        self.i += 2;
                        self.interval()?
                    }
                    _ => return Ok(atom),
                },
                _ => return Ok(atom),
            };
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    fn interval(&mut self) -> Result<(u32, Option<u32>), String> {
        let num = |p: &mut Self| {
            let s = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            (s < p.i).then(|| {
                p.c[s..p.i]
                    .iter()
                    .collect::<String>()
                    .parse::<u32>()
                    .unwrap_or(u32::MAX)
            })
        };
        let min = num(self).unwrap_or(0);
        let max = if self.peek() == Some(',') {
            self.i += 1;
            num(self)
        } else {
            Some(min)
        };
        let close = if self.ere {
            self.peek() == Some('}')
        } else {
            self.peek() == Some('\\') && self.c.get(self.i + 1) == Some(&'}')
        };
        if !close {
            return Err("Unmatched \\{".into());
        }
        self.i += if self.ere { 1 } else { 2 };
        if max.is_some_and(|m| m < min) || min > 255 || max.is_some_and(|m| m > 255) {
            return Err("Invalid content of \\{\\}".into());
        }
        Ok((min, max))
    }

    fn atom(&mut self, first: bool, depth: usize) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Ok(Node::Cat(vec![]));
        };
        self.i += 1;
        Ok(match c {
            '.' => Node::Any,
            '[' => self.set()?,
            '^' if self.ere || first => Node::Start,
            '$' if self.ere || self.at_alt_end() => Node::End,
            '*' if first && !self.ere => Node::Char('*'),
            '(' if self.ere => self.group(depth)?,
            '\\' => {
                let Some(e) = self.peek() else {
                    return Err("Trailing backslash".into());
                };
                self.i += 1;
                match e {
                    '(' if !self.ere => self.group(depth)?,
                    '{' if !self.ere && first => Node::Char('{'),
                    '1'..='9' => Node::Backref(e as usize - '0' as usize),
                    'w' => Node::Set {
                        negated: false,
                        items: vec![SetItem::Class(is_word)],
                    },
                    'W' => Node::Set {
                        negated: true,
                        items: vec![SetItem::Class(is_word)],
                    },
                    's' => Node::Set {
                        negated: false,
                        items: vec![SetItem::Class(|c| c.is_whitespace())],
                    },
                    'S' => Node::Set {
                        negated: true,
                        items: vec![SetItem::Class(|c| c.is_whitespace())],
                    },
                    'b' => Node::WordBoundary(true),
                    'B' => Node::WordBoundary(false),
                    '<' => Node::WordStart,
                    '>' => Node::WordEnd,
                    'n' => Node::Char('\n'),
                    't' => Node::Char('\t'),
                    other => Node::Char(other),
                }
            }
            other => Node::Char(other),
        })
    }

    fn group(&mut self, depth: usize) -> Result<Node, String> {
        self.groups += 1;
        let n = self.groups;
        let inner = self.alt(depth + 1)?;
        let closed = if self.ere {
            self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.c.get(self.i + 1) == Some(&')')
        };
        if !closed {
            return Err("Unmatched ( or \\(".into());
        }
        self.i += if self.ere { 1 } else { 2 };
        Ok(Node::Group(Box::new(inner), n))
    }

    fn set(&mut self) -> Result<Node, String> {
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.i += 1;
        }
        let mut items = vec![];
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err("Unmatched [, [^, [:, [., or [=".into());
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && self.c.get(self.i + 1) == Some(&':') {
                let rest: String = self.c[self.i + 2..].iter().collect();
                let Some(end) = rest.find(":]") else {
                    return Err("Unmatched [, [^, [:, [., or [=".into());
                };
                let name = &rest[..end];
                let Some(f) = class(name) else {
                    return Err("Invalid character class name".into());
                };
                items.push(SetItem::Class(f));
                self.i += 2 + name.chars().count() + 2;
                continue;
            }
            self.i += 1;
            if self.peek() == Some('-') && self.c.get(self.i + 1).is_some_and(|n| *n != ']') {
                let hi = self.c[self.i + 1];
                self.i += 2;
                if hi < c {
                    return Err("Invalid range end".into());
                }
                items.push(SetItem::Range(c, hi));
            } else {
                items.push(SetItem::Char(c));
            }
        }
        Ok(Node::Set { negated, items })
    }
}

impl Rx {
    /// Compiles `pattern`: extended syntax with `ere`, else basic. The
    /// error is the text GNU's regex library gives.
    pub fn new(pattern: &str, ere: bool, icase: bool) -> Result<Rx, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            c: &chars,
            i: 0,
            ere,
            groups: 0,
        };
        let node = p.alt(0)?;
        if p.i < chars.len() {
            return Err("Unmatched ) or \\)".into());
        }
        Ok(Rx {
            node,
            groups: p.groups,
            icase,
        })
    }

    /// How many groups the pattern has.
    pub fn groups(&self) -> usize {
        self.groups
    }

    pub fn is_match(&self, text: &str, steps: &mut u64) -> bool {
        let chars: Vec<char> = text.chars().collect();
        self.find(&chars, 0, steps).is_some()
    }
}

type Caps = Vec<Option<(usize, usize)>>;

struct Matcher<'a> {
    rx: &'a Rx,
    text: &'a [char],
    caps: Caps,
    /// The longest end found so far, with its groups.
    best: Option<(usize, Caps)>,
    steps: u64,
    depth: usize,
}

impl Matcher<'_> {
    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.rx.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn in_set(&self, items: &[SetItem], c: char) -> bool {
        let test = |c: char| {
            items.iter().any(|it| match it {
                SetItem::Char(x) => *x == c,
                SetItem::Range(lo, hi) => (*lo..=*hi).contains(&c),
                SetItem::Class(f) => f(c),
            })
        };
        test(c) || (self.rx.icase && (test(c.to_ascii_lowercase()) || test(c.to_ascii_uppercase())))
    }

    /// Matches `node` at `pos`, then calls `k` with where it ended; `k`
    /// returns true to stop the search (never, here: every way is tried
    /// for the longest, within the step budget).
    fn run(
        &mut self,
        node: &Node,
        pos: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> bool,
    ) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS || self.depth > MAX_DEPTH {
            return true;
        }
        self.depth += 1;
        let stop = self.step(node, pos, k);
        self.depth -= 1;
        stop
    }

    /// Whether `node` matches exactly one character: repeated, it is
    /// matched in a loop.
    fn single(&self, node: &Node, pos: usize) -> Option<bool> {
        let t = self.text.get(pos);
        match node {
            Node::Char(c) => Some(t.is_some_and(|t| self.eq(*t, *c))),
            Node::Any => Some(t.is_some_and(|t| *t != '\n')),
            Node::Set { negated, items } => {
                Some(t.is_some_and(|t| self.in_set(items, *t) != *negated))
            }
            _ => None,
        }
    }

    fn step(
        &mut self,
        node: &Node,
        pos: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> bool,
    ) -> bool {
        let text = self.text;
        match node {
            Node::Char(c) => match text.get(pos) {
                Some(t) if self.eq(*t, *c) => k(self, pos + 1),
                _ => false,
            },
            Node::Any => match text.get(pos) {
                Some(t) if *t != '\n' => k(self, pos + 1),
                _ => false,
            },
            Node::Set { negated, items } => match text.get(pos) {
                Some(t) if self.in_set(items, *t) != *negated => k(self, pos + 1),
                _ => false,
            },
            Node::Start => pos == 0 && k(self, pos),
            Node::End => pos == text.len() && k(self, pos),
            Node::WordBoundary(want) => {
                let before = pos > 0 && is_word(text[pos - 1]);
                let after = text.get(pos).is_some_and(|c| is_word(*c));
                ((before != after) == *want) && k(self, pos)
            }
            Node::WordStart => {
                let before = pos > 0 && is_word(text[pos - 1]);
                let after = text.get(pos).is_some_and(|c| is_word(*c));
                !before && after && k(self, pos)
            }
            Node::WordEnd => {
                let before = pos > 0 && is_word(text[pos - 1]);
                let after = text.get(pos).is_some_and(|c| is_word(*c));
                before && !after && k(self, pos)
            }
            Node::Backref(n) => {
                let Some(Some((s, e))) = self.caps.get(*n).cloned() else {
                    return false;
                };
                let len = e - s;
                if pos + len > text.len() {
                    return false;
                }
                for i in 0..len {
                    if !self.eq(text[pos + i], text[s + i]) {
                        return false;
                    }
                }
                k(self, pos + len)
            }
            Node::Group(inner, n) => {
                let n = *n;
                let saved = self.caps[n];
                let stop = self.run(inner, pos, &mut |m: &mut Self, end| {
                    let before = m.caps[n];
                    m.caps[n] = Some((pos, end));
                    let stop = k(m, end);
                    m.caps[n] = before;
                    stop
                });
                self.caps[n] = saved;
                stop
            }
            Node::Cat(items) => self.cat(items, pos, k),
            Node::Alt(alts) => {
                for a in alts {
                    if self.run(a, pos, k) {
                        return true;
                    }
                }
                false
            }
            Node::Repeat(inner, min, max) => {
                if self.single(inner, pos).is_some() {
                    // Greedy over one character at a time, longest first.
                    let limit = max.map_or(usize::MAX, |m| m as usize);
                    let mut n = 0;
                    while n < limit && self.single(inner, pos + n) == Some(true) {
                        n += 1;
                        self.steps += 1;
                    }
                    let min = *min as usize;
                    if n < min {
                        return false;
                    }
                    for count in (min..=n).rev() {
                        if k(self, pos + count) {
                            return true;
                        }
                    }
                    return false;
                }
                self.repeat(inner, *min, *max, 0, pos, usize::MAX, k)
            }
        }
    }

    fn cat(
        &mut self,
        items: &[Node],
        pos: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> bool,
    ) -> bool {
        match items.split_first() {
            None => k(self, pos),
            Some((first, rest)) => self.run(first, pos, &mut |m: &mut Self, p| m.cat(rest, p, k)),
        }
    }

    /// `count` repetitions so far; greedy, and an empty repetition ends
    /// the loop (so `(a*)*` cannot spin).
    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &mut self,
        inner: &Node,
        min: u32,
        max: Option<u32>,
        count: u32,
        pos: usize,
        last: usize,
        k: &mut dyn FnMut(&mut Self, usize) -> bool,
    ) -> bool {
        if max.is_none_or(|m| count < m) && pos != last {
            let stop = self.run(inner, pos, &mut |m: &mut Self, p| {
                m.repeat(inner, min, max, count + 1, p, pos, k)
            });
            if stop {
                return true;
            }
        }
        count >= min && k(self, pos)
    }
}

impl Matcher<'_> {
    /// The search from one start: every way is tried, the longest kept.
    fn search(&mut self, start: usize) {
        let node = &self.rx.node;
        self.run(node, start, &mut |m: &mut Self, end| {
            if m.best.as_ref().is_none_or(|(e, _)| end > *e) {
                m.best = Some((end, m.caps.clone()));
            }
            false
        });
    }
}

impl Rx {
    fn search_from(&self, text: &[char], start: usize, steps: &mut u64) -> Option<(usize, Caps)> {
        let mut m = Matcher {
            rx: self,
            text,
            caps: vec![None; self.groups + 1],
            best: None,
            steps: 0,
            depth: 0,
        };
        m.search(start);
        *steps += m.steps;
        m.best
    }

    /// The leftmost-longest match at or after `from`; `steps` counts the
    /// work done (the caller charges it).
    pub fn find(&self, text: &[char], from: usize, steps: &mut u64) -> Option<Found> {
        for start in from..=text.len() {
            if let Some((end, caps)) = self.search_from(text, start, steps) {
                return Some(Found {
                    start,
                    end,
                    groups: caps[1..].to_vec(),
                });
            }
            if *steps > MAX_STEPS * 2 {
                return None;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Span = Option<(usize, usize)>;

    fn find(p: &str, ere: bool, text: &str) -> Option<(usize, usize, Vec<Span>)> {
        let rx = Rx::new(p, ere, false).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let mut steps = 0;
        rx.find(&chars, 0, &mut steps)
            .map(|f| (f.start, f.end, f.groups))
    }

    #[test]
    fn leftmost_longest_with_groups() {
        assert_eq!(find("a*", false, "baaa"), Some((0, 0, vec![])));
        assert_eq!(find("a\\+", false, "baaa"), Some((1, 4, vec![])));
        assert_eq!(
            find("(a|ab)(c|bcd)", true, "abcd"),
            Some((0, 4, vec![Some((0, 1)), Some((1, 4))]))
        );
        assert_eq!(
            find("\\(x\\)\\1", false, "axxb"),
            Some((1, 3, vec![Some((1, 2))]))
        );
        assert_eq!(
            find("[[:digit:]]\\{2,3\\}", false, "a12345"),
            Some((1, 4, vec![]))
        );
        assert_eq!(find("^$", false, ""), Some((0, 0, vec![])));
        assert!(find("x", true, "abc").is_none());
    }

    #[test]
    fn errors_read_as_gnu_regex() {
        assert_eq!(
            Rx::new("\\(a", false, false).unwrap_err(),
            "Unmatched ( or \\("
        );
        assert_eq!(
            Rx::new("[a", false, false).unwrap_err(),
            "Unmatched [, [^, [:, [., or [="
        );
        assert_eq!(Rx::new("a{2", true, false).unwrap_err(), "Unmatched \\{");
    }

    #[test]
    fn a_long_line_matches_without_deep_recursion() {
        let text: Vec<char> = format!("x{}y", "a".repeat(200_000)).chars().collect();
        let rx = Rx::new("xa*y", false, false).unwrap();
        let mut steps = 0;
        assert_eq!(
            rx.find(&text, 0, &mut steps).map(|f| f.end),
            Some(text.len())
        );
        let rx = Rx::new("x.*", true, false).unwrap();
        assert_eq!(
            rx.find(&text, 0, &mut steps).map(|f| f.end),
            Some(text.len())
        );
    }

    #[test]
    fn a_pathological_pattern_stops_at_its_budget() {
        let rx = Rx::new("(a*)*(a*)*b", true, false).unwrap();
        let text: Vec<char> = "a".repeat(40).chars().collect();
        let mut steps = 0;
        assert!(rx.find(&text, 0, &mut steps).is_none());
        assert!(steps <= MAX_STEPS * 3 + 1000, "{steps}");
    }
}
