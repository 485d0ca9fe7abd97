//! Patterns: regular expressions as `grep` reads them, and shell globs.
//!
//! The regex subset is what people type at a prompt: literal text, `.`,
//! `*`, `^`, `$`, bracket expressions (`[a-z]`, `[^0-9]`, `[[:digit:]]`),
//! groups, alternation, `+`, `?` and intervals (`{2,3}`), in POSIX basic
//! syntax (`\(`, `\|`, `\+`, `\?`, `\{…\}` as GNU grep spells them) or
//! extended syntax (`grep -E`), plus GNU's `\w` `\W` `\s` `\S` `\b` `\B`
//! `\<` `\>`. Back-references are not supported (`\1` matches `1`).
//!
//! Matching compiles to a small instruction list run as a Pike VM (Thompson
//! simulation): time is linear in the line for a given pattern, and no
//! pattern can recurse or loop forever. Matches are leftmost-longest, as
//! POSIX asks. Error messages are GNU grep's.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegexError {
    UnmatchedBracket,
    UnmatchedParen,
    UnmatchedRParen,
    UnmatchedBrace,
    BadInterval,
    InvalidRange,
    InvalidClassName,
    TrailingBackslash,
    ClassSyntax,
    TooBig,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RegexError::UnmatchedBracket => "Unmatched [, [^, [:, [., or [=",
            RegexError::UnmatchedParen => "Unmatched ( or \\(",
            RegexError::UnmatchedRParen => "Unmatched ) or \\)",
            RegexError::UnmatchedBrace => "Unmatched \\{",
            RegexError::BadInterval => "Invalid content of \\{\\}",
            RegexError::InvalidRange => "Invalid range end",
            RegexError::InvalidClassName => "Invalid character class name",
            RegexError::TrailingBackslash => "Trailing backslash",
            RegexError::ClassSyntax => "character class syntax is [[:space:]], not [:space:]",
            RegexError::TooBig => "Regular expression too big",
        })
    }
}

/// How a pattern is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Syntax {
    /// `-E`: extended regular expressions.
    pub extended: bool,
    /// `-F`: fixed strings.
    pub fixed: bool,
    /// `-i`
    pub ignore_case: bool,
    /// `-w`: the match must be a whole word.
    pub word: bool,
    /// `-x`: the match must be the whole line.
    pub line: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Assert {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
    WordStart,
    WordEnd,
    NotAfterWord,
    NotBeforeWord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Alpha,
    Digit,
    Alnum,
    Upper,
    Lower,
    Space,
    Blank,
    Punct,
    Xdigit,
    Print,
    Graph,
    Cntrl,
    Word,
}

impl Class {
    fn named(name: &str) -> Option<Class> {
        Some(match name {
            "alpha" => Class::Alpha,
            "digit" => Class::Digit,
            "alnum" => Class::Alnum,
            "upper" => Class::Upper,
            "lower" => Class::Lower,
            "space" => Class::Space,
            "blank" => Class::Blank,
            "punct" => Class::Punct,
            "xdigit" => Class::Xdigit,
            "print" => Class::Print,
            "graph" => Class::Graph,
            "cntrl" => Class::Cntrl,
            _ => return None,
        })
    }

    fn has(self, c: char) -> bool {
        match self {
            Class::Alpha => c.is_alphabetic(),
            Class::Digit => c.is_ascii_digit(),
            Class::Alnum => c.is_alphanumeric(),
            Class::Upper => c.is_uppercase(),
            Class::Lower => c.is_lowercase(),
            Class::Space => c.is_whitespace(),
            Class::Blank => c == ' ' || c == '\t',
            Class::Punct => c.is_ascii_punctuation(),
            Class::Xdigit => c.is_ascii_hexdigit(),
            Class::Print => !c.is_control(),
            Class::Graph => !c.is_control() && !c.is_whitespace(),
            Class::Cntrl => c.is_control(),
            Class::Word => is_word(c),
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Set {
    negated: bool,
    chars: Vec<char>,
    ranges: Vec<(char, char)>,
    classes: Vec<Class>,
}

impl Set {
    fn has_exact(&self, c: char) -> bool {
        self.chars.contains(&c)
            || self.ranges.iter().any(|&(a, b)| a <= c && c <= b)
            || self.classes.iter().any(|k| k.has(c))
    }

    fn matches(&self, c: char, icase: bool) -> bool {
        let hit =
            self.has_exact(c) || (icase && (self.has_exact(lower(c)) || self.has_exact(upper(c))));
        hit != self.negated
    }

    fn class(k: Class, negated: bool) -> Set {
        Set {
            negated,
            classes: vec![k],
            ..Set::default()
        }
    }
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Empty,
    Char(char),
    Any,
    Set(Set),
    Assert(Assert),
    Cat(Vec<Node>),
    Alt(Vec<Node>),
    Rep(Box<Node>, u32, Option<u32>),
}

/// Intervals larger than this are "too big", as in GNU (RE_DUP_MAX).
const DUP_MAX: u32 = 32767;
/// Compiled programs larger than this are refused.
const MAX_PROGRAM: usize = 20_000;

struct ReParser {
    c: Vec<char>,
    i: usize,
    ere: bool,
}

impl ReParser {
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.c.get(self.i + 1).copied()
    }

    /// At `|` (ERE) or `\|` (BRE).
    fn at_alt(&self) -> bool {
        if self.ere {
            self.peek() == Some('|')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('|')
        }
    }

    /// At `)` closing a group (ERE, inside one) or `\)` (BRE).
    fn at_close(&self, depth: usize) -> bool {
        if self.ere {
            depth > 0 && self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        }
    }

    fn alt(&mut self, depth: usize) -> Result<Node, RegexError> {
        if depth > 64 {
            return Err(RegexError::TooBig);
        }
        let mut branches = vec![self.cat(depth)?];
        while self.at_alt() {
            self.i += if self.ere { 1 } else { 2 };
            branches.push(self.cat(depth)?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn cat(&mut self, depth: usize) -> Result<Node, RegexError> {
        let mut items: Vec<Node> = vec![];
        while let Some(c) = self.peek() {
            if self.at_alt() || self.at_close(depth) {
                break;
            }
            let at_start = items.is_empty() || items == [Node::Assert(Assert::Start)];
            let atom = match c {
                // A leading `*` is literal.
                '*' if at_start => {
                    self.i += 1;
                    Node::Char('*')
                }
                '^' if self.ere || items.is_empty() => {
                    self.i += 1;
                    Node::Assert(Assert::Start)
                }
                '$' if self.ere || self.dollar_is_anchor(depth) => {
                    self.i += 1;
                    Node::Assert(Assert::End)
                }
                '.' => {
                    self.i += 1;
                    Node::Any
                }
                '[' => {
                    self.i += 1;
                    Node::Set(self.set()?)
                }
                '(' if self.ere => {
                    self.i += 1;
                    let inner = self.alt(depth + 1)?;
                    if self.peek() != Some(')') {
                        return Err(RegexError::UnmatchedParen);
                    }
                    self.i += 1;
                    inner
                }
                '\\' => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return Err(RegexError::TrailingBackslash);
                    };
                    self.i += 1;
                    match e {
                        '(' if !self.ere => {
                            let inner = self.alt(depth + 1)?;
                            if !(self.peek() == Some('\\') && self.peek2() == Some(')')) {
                                return Err(RegexError::UnmatchedParen);
                            }
                            self.i += 2;
                            inner
                        }
                        'w' => Node::Set(Set::class(Class::Word, false)),
                        'W' => Node::Set(Set::class(Class::Word, true)),
                        's' => Node::Set(Set::class(Class::Space, false)),
                        'S' => Node::Set(Set::class(Class::Space, true)),
                        'b' => Node::Assert(Assert::WordBoundary),
                        'B' => Node::Assert(Assert::NotWordBoundary),
                        '<' => Node::Assert(Assert::WordStart),
                        '>' => Node::Assert(Assert::WordEnd),
                        '`' => Node::Assert(Assert::Start),
                        '\'' => Node::Assert(Assert::End),
                        '{' if !self.ere && at_start => Node::Char('{'),
                        e => Node::Char(e),
                    }
                }
                c => {
                    self.i += 1;
                    Node::Char(c)
                }
            };
            let atom = self.postfix(atom)?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Cat(items),
        })
    }

    /// In basic syntax `$` anchors only at the end of the pattern, a group
    /// or a branch.
    fn dollar_is_anchor(&self, depth: usize) -> bool {
        let next = self.i + 1;
        if next == self.c.len() {
            return true;
        }
        self.c[next] == '\\'
            && match self.c.get(next + 1) {
                Some(')') => depth > 0,
                Some('|') => true,
                _ => false,
            }
    }

    fn postfix(&mut self, mut atom: Node) -> Result<Node, RegexError> {
        // Each repetition wraps the last: `a{2}{3}…` nests as deep as it is
        // long. `a**` is `a*` (as GNU grep reads it); other chains stop at a
        // depth no pattern needs, before the nesting reaches the stack.
        let mut nested = 0;
        loop {
            let (min, max) = match (self.peek(), self.peek2()) {
                (Some('*'), _) => {
                    self.i += 1;
                    (0, None)
                }
                (Some('+'), _) if self.ere => {
                    self.i += 1;
                    (1, None)
                }
                (Some('?'), _) if self.ere => {
                    self.i += 1;
                    (0, Some(1))
                }
                (Some('\\'), Some('+')) if !self.ere => {
                    self.i += 2;
                    (1, None)
                }
                (Some('\\'), Some('?')) if !self.ere => {
                    self.i += 2;
                    (0, Some(1))
                }
                (Some('{'), _) if self.ere => match self.interval(self.i + 1, "}")? {
                    Some((min, max, end)) => {
                        self.i = end;
                        (min, max)
                    }
                    // Not an interval: a literal `{`, as GNU grep -E reads it.
                    None => return Ok(atom),
                },
                (Some('\\'), Some('{')) if !self.ere => match self.interval(self.i + 2, "\\}")? {
                    Some((min, max, end)) => {
                        self.i = end;
                        (min, max)
                    }
                    None => return Err(RegexError::BadInterval),
                },
                _ => return Ok(atom),
            };
            if (min, max) == (0, None) && matches!(atom, Node::Rep(_, 0, None)) {
                continue;
            }
            nested += 1;
            if nested > MAX_REPEAT_NESTING {
                return Err(RegexError::TooBig);
            }
            atom = Node::Rep(Box::new(atom), min, max);
        }
    }

    /// Reads `m`, `m,`, `,n` or `m,n` followed by `close`, starting at `from`.
    /// `None` when the text is not an interval.
    #[allow(clippy::type_complexity)]
    fn interval(
        &self,
        from: usize,
        close: &str,
    ) -> Result<Option<(u32, Option<u32>, usize)>, RegexError> {
        let close: Vec<char> = close.chars().collect();
        let mut j = from;
        let mut text = String::new();
        loop {
            if j >= self.c.len() {
                return if self.ere {
                    Ok(None)
                } else {
                    Err(RegexError::UnmatchedBrace)
                };
            }
            if self.c[j..].starts_with(&close) {
                break;
            }
            text.push(self.c[j]);
            j += 1;
        }
        let end = j + close.len();
        let num = |s: &str| -> Result<Option<u32>, ()> {
            if s.is_empty() {
                Ok(None)
            } else if s.chars().all(|c| c.is_ascii_digit()) {
                Ok(Some(s.parse::<u32>().unwrap_or(u32::MAX)))
            } else {
                Err(())
            }
        };
        let parsed = match text.split_once(',') {
            None => num(&text).map(|n| n.map(|n| (n, Some(n)))),
            Some((a, b)) => match (num(a), num(b)) {
                (Ok(a), Ok(b)) => Ok(Some((a.unwrap_or(0), b))),
                _ => Err(()),
            },
        };
        match parsed {
            Ok(Some((min, max))) => {
                if max.is_some_and(|m| m < min) {
                    return Err(RegexError::BadInterval);
                }
                if min > DUP_MAX || max.is_some_and(|m| m > DUP_MAX) {
                    return Err(RegexError::TooBig);
                }
                Ok(Some((min, max, end)))
            }
            _ if self.ere => Ok(None),
            _ => Err(RegexError::BadInterval),
        }
    }

    /// After `[`: a bracket expression up to its `]`.
    fn set(&mut self) -> Result<Set, RegexError> {
        let start = self.i;
        let mut set = Set::default();
        if self.peek() == Some('^') {
            set.negated = true;
            self.i += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(RegexError::UnmatchedBracket);
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && matches!(self.peek2(), Some(':' | '.' | '=')) {
                let kind = self.peek2().unwrap_or(':');
                let from = self.i + 2;
                let mut j = from;
                while j + 1 < self.c.len() && !(self.c[j] == kind && self.c[j + 1] == ']') {
                    j += 1;
                }
                if j + 1 >= self.c.len() {
                    return Err(RegexError::UnmatchedBracket);
                }
                let name: String = self.c[from..j].iter().collect();
                self.i = j + 2;
                if kind == ':' {
                    set.classes
                        .push(Class::named(&name).ok_or(RegexError::InvalidClassName)?);
                } else {
                    set.chars.extend(name.chars());
                }
                continue;
            }
            self.i += 1;
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let end = self.peek2().unwrap_or(c);
                self.i += 2;
                if end < c {
                    return Err(RegexError::InvalidRange);
                }
                set.ranges.push((c, end));
            } else {
                set.chars.push(c);
            }
        }
        // `[:space:]` where `[[:space:]]` was meant.
        let inner: String = self.c[start..self.i - 1].iter().collect();
        if inner.len() >= 2 && inner.starts_with(':') && inner.ends_with(':') {
            return Err(RegexError::ClassSyntax);
        }
        Ok(set)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Inst {
    Char(char),
    Any,
    Set(usize),
    Assert(Assert),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled pattern (or several, from `-e` or a pattern with newlines).
#[derive(Debug, Clone)]
pub struct Regex {
    prog: Vec<Inst>,
    sets: Vec<Set>,
    icase: bool,
}

struct Compiler {
    prog: Vec<Inst>,
    sets: Vec<Set>,
    icase: bool,
}

impl Compiler {
    fn emit(&mut self, i: Inst) -> Result<usize, RegexError> {
        if self.prog.len() >= MAX_PROGRAM {
            return Err(RegexError::TooBig);
        }
        self.prog.push(i);
        Ok(self.prog.len() - 1)
    }

    fn node(&mut self, n: &Node) -> Result<(), RegexError> {
        match n {
            Node::Empty => {}
            Node::Char(c) => {
                let c = if self.icase { lower(*c) } else { *c };
                self.emit(Inst::Char(c))?;
            }
            Node::Any => {
                self.emit(Inst::Any)?;
            }
            Node::Set(s) => {
                self.sets.push(s.clone());
                self.emit(Inst::Set(self.sets.len() - 1))?;
            }
            Node::Assert(a) => {
                self.emit(Inst::Assert(*a))?;
            }
            Node::Cat(items) => {
                for i in items {
                    self.node(i)?;
                }
            }
            Node::Alt(branches) => {
                let mut jumps = vec![];
                for (k, b) in branches.iter().enumerate() {
                    if k + 1 < branches.len() {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(b)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, next);
                    } else {
                        self.node(b)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Node::Rep(inner, min, max) => {
                for _ in 0..*min {
                    self.node(inner)?;
                }
                match max {
                    None => {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(inner)?;
                        self.emit(Inst::Jmp(split))?;
                        let end = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        let mut splits = vec![];
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.node(inner)?;
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.prog[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Regex {
    /// Compiles `pattern` as grep would. A pattern with newlines is several
    /// patterns; a line matching any of them matches.
    #[cfg(test)]
    pub fn new(pattern: &str, syntax: Syntax) -> Result<Regex, RegexError> {
        Regex::any_of(&pattern.split('\n').collect::<Vec<_>>(), syntax)
    }

    /// A line matches if any of `patterns` matches it.
    pub fn any_of(patterns: &[&str], syntax: Syntax) -> Result<Regex, RegexError> {
        let mut alts = vec![];
        for p in patterns {
            let node = if syntax.fixed {
                Node::Cat(p.chars().map(Node::Char).collect())
            } else {
                let mut rp = ReParser {
                    c: p.chars().collect(),
                    i: 0,
                    ere: syntax.extended,
                };
                let n = rp.alt(0)?;
                if rp.i < rp.c.len() {
                    // Only an unbalanced group end stops the parser early.
                    return Err(if syntax.extended {
                        RegexError::UnmatchedParen
                    } else {
                        RegexError::UnmatchedRParen
                    });
                }
                n
            };
            let node = if syntax.line {
                Node::Cat(vec![
                    Node::Assert(Assert::Start),
                    node,
                    Node::Assert(Assert::End),
                ])
            } else if syntax.word {
                Node::Cat(vec![
                    Node::Assert(Assert::NotAfterWord),
                    node,
                    Node::Assert(Assert::NotBeforeWord),
                ])
            } else {
                node
            };
            alts.push(node);
        }
        let mut c = Compiler {
            prog: vec![],
            sets: vec![],
            icase: syntax.ignore_case,
        };
        c.node(&Node::Alt(alts))?;
        c.emit(Inst::Match)?;
        Ok(Regex {
            prog: c.prog,
            sets: c.sets,
            icase: c.icase,
        })
    }

    /// Instructions in the program: the steps per character at worst.
    pub fn size(&self) -> usize {
        self.prog.len()
    }

    pub fn is_match(&self, line: &str) -> bool {
        let chars: Vec<char> = line.chars().collect();
        self.find_at(&chars, 0).is_some()
    }

    /// The leftmost-longest match starting at or after `from`, as char indices.
    pub fn find_at(&self, line: &[char], from: usize) -> Option<(usize, usize)> {
        let n = line.len();
        let mut seen = vec![usize::MAX; self.prog.len()];
        let mut clist: Vec<(usize, usize)> = vec![];
        let mut nlist: Vec<(usize, usize)> = vec![];
        let mut best: Option<(usize, usize)> = None;
        let mut stack = vec![];
        for pos in from..=n {
            if best.is_none() {
                self.add(&mut clist, &mut seen, &mut stack, 0, pos, pos, line);
            }
            if clist.is_empty() {
                if best.is_some() {
                    break;
                }
                continue;
            }
            for &(pc, start) in &clist {
                if best.is_some_and(|(s, _)| start > s) {
                    continue;
                }
                let ok = match &self.prog[pc] {
                    Inst::Match => {
                        match best {
                            Some((s, e)) if s < start || (s == start && e >= pos) => {}
                            _ => best = Some((start, pos)),
                        }
                        false
                    }
                    Inst::Char(c) => pos < n && self.char_eq(line[pos], *c),
                    Inst::Any => pos < n && line[pos] != '\n',
                    Inst::Set(i) => pos < n && self.sets[*i].matches(line[pos], self.icase),
                    _ => false,
                };
                if ok {
                    self.add(
                        &mut nlist,
                        &mut seen,
                        &mut stack,
                        pc + 1,
                        start,
                        pos + 1,
                        line,
                    );
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
            nlist.clear();
            if pos == n {
                break;
            }
        }
        best
    }

    fn char_eq(&self, c: char, pat: char) -> bool {
        c == pat || (self.icase && lower(c) == pat)
    }

    /// Adds the thread at `pc` and everything reachable from it without
    /// consuming a character (the generation mark `seen[pc] == pos` keeps
    /// the first, earliest-starting thread at each instruction).
    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        list: &mut Vec<(usize, usize)>,
        seen: &mut [usize],
        stack: &mut Vec<usize>,
        pc: usize,
        start: usize,
        pos: usize,
        line: &[char],
    ) {
        stack.clear();
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if pc >= self.prog.len() || seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match &self.prog[pc] {
                Inst::Jmp(t) => stack.push(*t),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Assert(a) => {
                    if assert_holds(*a, line, pos) {
                        stack.push(pc + 1);
                    }
                }
                _ => list.push((pc, start)),
            }
        }
    }
}

fn assert_holds(a: Assert, line: &[char], pos: usize) -> bool {
    let before = pos > 0 && line.get(pos - 1).is_some_and(|&c| is_word(c));
    let after = line.get(pos).is_some_and(|&c| is_word(c));
    match a {
        Assert::Start => pos == 0,
        Assert::End => pos == line.len(),
        Assert::WordBoundary => before != after,
        Assert::NotWordBoundary => before == after,
        Assert::WordStart => !before && after,
        Assert::WordEnd => before && !after,
        Assert::NotAfterWord => !before,
        Assert::NotBeforeWord => !after,
    }
}

/// One element of a glob.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    /// `*`: any run of characters.
    Star,
    /// `?`: one character.
    Any,
    Char(char),
    /// `[…]`: one character in (or, negated, not in) the ranges.
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Atom {
    fn takes(&self, c: char) -> bool {
        match self {
            Atom::Star | Atom::Any => true,
            Atom::Char(x) => *x == c,
            Atom::Set { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// A shell glob, compiled. Matching runs every position of the pattern at
/// once (a Thompson simulation), so it takes at most `text × pattern`
/// steps, whatever the pattern: no backtracking to blow up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    atoms: Vec<Atom>,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        let p: Vec<char> = pattern.chars().collect();
        // A `[` with no `]` after it is literal at once: looking for one
        // from every `[` of `[[[[…` was quadratic.
        let last_close = p.iter().rposition(|&c| c == ']');
        let mut atoms = vec![];
        let mut i = 0;
        while i < p.len() {
            match p[i] {
                '*' => {
                    if atoms.last() != Some(&Atom::Star) {
                        atoms.push(Atom::Star);
                    }
                    i += 1;
                }
                '?' => {
                    atoms.push(Atom::Any);
                    i += 1;
                }
                '[' => match last_close
                    .filter(|&c| c > i + 1)
                    .and_then(|_| glob_set(&p, i))
                {
                    Some((negated, ranges, next)) => {
                        atoms.push(Atom::Set { negated, ranges });
                        i = next;
                    }
                    // No closing `]`: the `[` is literal.
                    None => {
                        atoms.push(Atom::Char('['));
                        i += 1;
                    }
                },
                '\\' if i + 1 < p.len() => {
                    atoms.push(Atom::Char(p[i + 1]));
                    i += 2;
                }
                c => {
                    atoms.push(Atom::Char(c));
                    i += 1;
                }
            }
        }
        Glob { atoms }
    }

    /// The text the glob matches when it has no wildcards.
    pub fn literal(&self) -> Option<String> {
        self.atoms
            .iter()
            .map(|a| match a {
                Atom::Char(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// The same glob read right to left (for suffixes).
    pub fn reversed(&self) -> Glob {
        let mut atoms = self.atoms.clone();
        atoms.reverse();
        Glob { atoms }
    }

    /// Positions reachable without reading a character from those in `live`.
    fn close(&self, live: &mut [bool]) {
        for (i, atom) in self.atoms.iter().enumerate() {
            if live[i] && *atom == Atom::Star {
                live[i + 1] = true;
            }
        }
    }

    /// Every `end` such that the glob matches `text[start..end]`, in
    /// increasing order, and the steps it took (for the work budget); `None`
    /// if it would take more than `max_steps`.
    pub fn match_ends(
        &self,
        text: &[char],
        start: usize,
        max_steps: u64,
    ) -> Option<(Vec<usize>, u64)> {
        let m = self.atoms.len();
        let mut live = vec![false; m + 1];
        let mut next = vec![false; m + 1];
        live[0] = true;
        self.close(&mut live);
        let mut ends = vec![];
        let mut steps = 0u64;
        let mut pos = start;
        loop {
            if live[m] {
                ends.push(pos);
            }
            if pos == text.len() || !live.iter().any(|&l| l) {
                break;
            }
            let c = text[pos];
            next.fill(false);
            for (i, atom) in self.atoms.iter().enumerate() {
                if live[i] && atom.takes(c) {
                    let to = if *atom == Atom::Star { i } else { i + 1 };
                    next[to] = true;
                }
            }
            self.close(&mut next);
            // A step costs a few units: every position, plus the bookkeeping.
            steps += 4 * (m as u64 + 1);
            if steps > max_steps {
                return None;
            }
            std::mem::swap(&mut live, &mut next);
            pos += 1;
        }
        Some((ends, steps))
    }

    /// Whether the glob matches all of `text` (file names: short).
    pub fn matches(&self, text: &[char]) -> bool {
        self.match_ends(text, 0, u64::MAX)
            .is_some_and(|(ends, _)| ends.last() == Some(&text.len()))
    }
}

/// A glob bracket expression read: whether it is negated, its ranges, and
/// the index after its `]`.
/// Repetitions of a repetition (`a{2}{3}{4}…`) one pattern may chain.
const MAX_REPEAT_NESTING: usize = 64;

type GlobSet = (bool, Vec<(char, char)>, usize);

/// A glob bracket expression at `p[at]`; `None` without a closing `]`.
fn glob_set(p: &[char], at: usize) -> Option<GlobSet> {
    let mut i = at + 1;
    let negated = matches!(p.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = vec![];
    let mut first = true;
    loop {
        let &ch = p.get(i)?;
        if ch == ']' && !first {
            return Some((negated, ranges, i + 1));
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            ranges.push((ch, p[i + 2]));
            i += 3;
        } else {
            ranges.push((ch, ch));
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bre(p: &str) -> Regex {
        Regex::new(p, Syntax::default()).unwrap()
    }

    fn ere(p: &str) -> Regex {
        Regex::new(
            p,
            Syntax {
                extended: true,
                ..Syntax::default()
            },
        )
        .unwrap()
    }

    fn find(r: &Regex, s: &str) -> Option<(usize, usize)> {
        r.find_at(&s.chars().collect::<Vec<_>>(), 0)
    }

    #[test]
    fn literals_anchors_and_dots() {
        assert!(bre("nginx").is_match("pod/nginx-7c5ddbdf54-abcde"));
        assert!(!bre("nginx").is_match("web"));
        assert!(bre("^pod").is_match("pod/x"));
        assert!(!bre("^pod").is_match("a pod"));
        assert!(bre("Running$").is_match("x 1/1 Running"));
        assert!(!bre("Running$").is_match("Running 0"));
        assert!(bre("a.c").is_match("abc"));
        assert!(!bre("a.c").is_match("ac"));
        assert!(bre("^$").is_match(""));
        // In basic syntax `^` and `$` are literal away from the ends.
        assert!(bre("a^b$c").is_match("a^b$c"));
        assert!(bre("").is_match("anything"));
    }

    #[test]
    fn stars_sets_and_classes() {
        assert_eq!(find(&bre("ab*"), "xabbbc"), Some((1, 5)));
        assert_eq!(find(&bre("*a"), "x*a"), Some((1, 3)));
        assert!(bre("[0-9][0-9]*/TCP").is_match("80:30008/TCP"));
        assert!(bre("[^a-z]").is_match("abc1"));
        assert!(!bre("[^a-z]").is_match("abc"));
        assert!(bre("[[:digit:]]").is_match("x9"));
        assert!(bre("[]a]").is_match("]"));
        assert!(bre("a[.]b").is_match("a.b"));
        assert!(!bre("a[.]b").is_match("axb"));
        assert!(bre("\\w\\+").is_match("_"));
        assert!(bre("\\<web\\>").is_match("my web pod"));
        assert!(!bre("\\<web\\>").is_match("webapp"));
    }

    #[test]
    fn groups_alternation_and_intervals() {
        assert!(ere("(ab)+c").is_match("ababc"));
        assert!(ere("Running|Pending").is_match("Pending"));
        assert!(bre("Running\\|Pending").is_match("Pending"));
        assert!(bre("\\(ab\\)\\{2\\}").is_match("abab"));
        assert!(!bre("^\\(ab\\)\\{2\\}$").is_match("ab"));
        assert!(ere("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$").is_match("10.244.0.2"));
        assert!(!ere("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$").is_match("10.244.0"));
        assert!(ere("colou?r").is_match("color"));
        // In basic syntax `+`, `?`, `|`, `(` and `{` are literal.
        assert!(bre("a+b").is_match("a+b"));
        assert!(!bre("a+b").is_match("aab"));
        assert!(bre("(x)").is_match("(x)"));
        // `{` that starts no interval is literal in extended syntax.
        assert!(ere("a{1").is_match("a{1"));
        assert!(ere("a)").is_match("a)"));
    }

    #[test]
    fn leftmost_longest() {
        assert_eq!(find(&ere("a|ab|abc"), "xabcd"), Some((1, 4)));
        assert_eq!(find(&ere("b+"), "abbbcbb"), Some((1, 4)));
        assert_eq!(find(&ere("x*"), "abc"), Some((0, 0)));
        let r = ere("[0-9]+");
        let line: Vec<char> = "a 12 b 345".chars().collect();
        assert_eq!(r.find_at(&line, 0), Some((2, 4)));
        assert_eq!(r.find_at(&line, 4), Some((7, 10)));
    }

    #[test]
    fn options() {
        let icase = Syntax {
            ignore_case: true,
            ..Syntax::default()
        };
        assert!(Regex::new("NGINX", icase).unwrap().is_match("nginx"));
        assert!(Regex::new("[A-Z]x", icase).unwrap().is_match("ax"));
        let fixed = Syntax {
            fixed: true,
            ..Syntax::default()
        };
        assert!(Regex::new("a.b*", fixed).unwrap().is_match("xa.b*"));
        assert!(!Regex::new("a.b*", fixed).unwrap().is_match("axb"));
        let word = Syntax {
            word: true,
            ..Syntax::default()
        };
        assert!(Regex::new("web", word).unwrap().is_match("svc web-2"));
        assert!(!Regex::new("web", word).unwrap().is_match("webapp"));
        let line = Syntax {
            line: true,
            ..Syntax::default()
        };
        assert!(!Regex::new("web", line).unwrap().is_match("webapp"));
        assert!(Regex::new("a\nb", Syntax::default()).unwrap().is_match("b"));
    }

    #[test]
    fn errors_read_like_grep() {
        let e = |p: &str, extended| {
            Regex::new(
                p,
                Syntax {
                    extended,
                    ..Syntax::default()
                },
            )
            .unwrap_err()
            .to_string()
        };
        assert_eq!(e("[a", false), "Unmatched [, [^, [:, [., or [=");
        assert_eq!(e("a\\)", false), "Unmatched ) or \\)");
        assert_eq!(e("\\(a", false), "Unmatched ( or \\(");
        assert_eq!(e("(a", true), "Unmatched ( or \\(");
        assert_eq!(e("a\\{1", false), "Unmatched \\{");
        assert_eq!(e("a\\{x\\}", false), "Invalid content of \\{\\}");
        assert_eq!(e("a\\{3,1\\}", false), "Invalid content of \\{\\}");
        assert_eq!(e("[z-a]", false), "Invalid range end");
        assert_eq!(e("a\\", false), "Trailing backslash");
        assert_eq!(
            e("[:space:]", false),
            "character class syntax is [[:space:]], not [:space:]"
        );
        assert_eq!(e("[[:nope:]]", false), "Invalid character class name");
        assert_eq!(e("a{99999}", true), "Regular expression too big");
        assert_eq!(e("(a{1000}){1000}", true), "Regular expression too big");
    }

    #[test]
    fn pathological_patterns_stay_linear() {
        let r = ere("(a*)*b");
        let s = "a".repeat(5000);
        assert!(!r.is_match(&s));
        assert!(ere("(|a)*").is_match("aaa"));
        assert!(ere("()*").is_match(""));
    }

    #[test]
    fn chained_repetitions_never_reach_the_stack() {
        let stars = format!("a{}", "*".repeat(100_000));
        assert!(bre(&stars).is_match("aaa"));
        assert!(ere(&format!("^b{}c$", "*".repeat(100_000))).is_match("bbbc"));
        assert!(ere(&format!("a{}", "?*+".repeat(10))).is_match("a"));
        let intervals = format!("a{}", "{1}".repeat(100_000));
        assert_eq!(
            Regex::new(
                &intervals,
                Syntax {
                    extended: true,
                    ..Syntax::default()
                }
            )
            .err(),
            Some(RegexError::TooBig)
        );
    }

    fn glob_match(pattern: &str, name: &str) -> bool {
        Glob::new(pattern).matches(&name.chars().collect::<Vec<_>>())
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.yaml", "svc.yaml"));
        assert!(!glob_match("*.yaml", "svc.yml"));
        assert!(glob_match("pod-?", "pod-1"));
        assert!(glob_match("[a-c]*", "banana"));
        assert!(!glob_match("[!a-c]*", "banana"));
        assert!(glob_match("\\*", "*"));
        assert!(!glob_match("\\*", "x"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYbc"));
        assert!(glob_match("[x", "[x"));
        assert!(glob_match("[]a]", "]"));
        assert!(glob_match("[!]]", "a"));
        assert!(glob_match("[[x]", "x"));
        assert!(glob_match("[]", "[]"));
        // Unclosed brackets are literal, found so in one pass however many.
        let many = "[".repeat(100_000);
        assert!(glob_match(&many[..3], "[[["));
        assert!(!glob_match(&many, "["));
        let closed = format!("{}]", "[".repeat(100_000));
        assert!(glob_match(&closed, "["));
        assert!(glob_match("**x", "abx"));
        assert!(!glob_match("?", ""));
        let g = Glob::new("a*");
        let text: Vec<char> = "xaab".chars().collect();
        assert_eq!(g.match_ends(&text, 1, 100).unwrap().0, vec![2, 3, 4]);
        assert_eq!(g.match_ends(&text, 0, 100).unwrap().0, Vec::<usize>::new());
        assert_eq!(g.match_ends(&text, 1, 3), None);
    }
}
