//! `sed`, as GNU sed 4.9 (Ubuntu 24.04) runs a script and words its
//! errors: options `-n`, `-e`, `-f`, `-i[SUFFIX]`, `-E`/`-r`, `-s`;
//! addresses (a line, `$`, `/regex/` and `\%regex%` with `I`,
//! `first~step`, ranges with `addr,+N` and `addr,~N`, `0,/re/`, `!`);
//! commands `s` (flags `g`, `p`, `N`, `i`), `d`, `D`, `p`, `P`, `n`, `N`,
//! `q`, `Q`, `=`, `a`, `i`, `c`, `y`, `h`, `H`, `g`, `G`, `x`, `l`, `b`,
//! `t`, `T`, `:label`, `{…}` and `#` comments. `e`, `r`, `R`, `w`, `W`,
//! `F`, `z`, `v` and the `e` and `w` flags of `s` are not simulated and say
//! so in sed's words.

use super::rx::Rx;
use super::Tool;
use crate::shell::budget::{self, Limit};
use crate::shell::opts::{self, flag, long, valued, Opt, Spec};

const USAGE: &str = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
";

const VERSION: &str = "sed (GNU sed) 4.9
Packaged by Debian
Copyright (C) 2022 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.

Written by Jay Fenlason, Tom Lord, Ken Pizzini,
Paolo Bonzini, Jim Meyering, and Assaf Gordon.

This sed program was built without SELinux support.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
E-mail bug reports to: <bug-sed@gnu.org>.
";

#[derive(Debug, Clone)]
enum Addr {
    Line(usize),
    Last,
    /// `None`: the last regex used.
    Re(Option<Rx>),
    Step(usize, usize),
    Zero,
}

#[derive(Debug, Clone)]
enum End {
    Addr(Addr),
    Plus(usize),
    Multiple(usize),
}

#[derive(Debug, Clone)]
enum Repl {
    Text(String),
    Whole,
    Group(usize),
}

#[derive(Debug, Clone)]
enum Cmd {
    /// `{`: the index just past its `}`.
    Block(usize),
    EndBlock,
    Subst {
        rx: Option<Rx>,
        repl: Vec<Repl>,
        global: bool,
        nth: usize,
        print: bool,
    },
    Delete,
    DeleteFirst,
    Print,
    PrintFirst,
    Next,
    AppendNext,
    Quit(i32),
    QuitSilent(i32),
    LineNumber,
    Append(String),
    Insert(String),
    Change(String),
    Translate(Vec<char>, Vec<char>),
    Hold,
    HoldAppend,
    Get,
    GetAppend,
    Exchange,
    List,
    Label,
    Branch(String),
    BranchIfSub(String),
    BranchUnlessSub(String),
}

#[derive(Debug, Clone)]
struct Command {
    a1: Option<Addr>,
    a2: Option<End>,
    negate: bool,
    cmd: Cmd,
    /// A range is open, and where a `+N` range ends.
    active: bool,
    until: usize,
    /// For a label: its name.
    label: String,
}

/// A script error: where (1-based character of the expression) and what.
struct ScriptError {
    at: usize,
    what: String,
}

struct Compiler<'a> {
    c: Vec<char>,
    i: usize,
    ere: bool,
    out: &'a mut Vec<Command>,
    blocks: Vec<usize>,
}

fn err(at: usize, what: impl Into<String>) -> ScriptError {
    ScriptError {
        at,
        what: what.into(),
    }
}

impl Compiler<'_> {
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.i += 1;
        }
    }

    fn number(&mut self) -> Option<usize> {
        let s = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        (s < self.i).then(|| {
            self.c[s..self.i]
                .iter()
                .collect::<String>()
                .parse()
                .unwrap_or(usize::MAX)
        })
    }

    /// Text up to an unescaped `delim`; `\delim` is the delimiter itself,
    /// `\n` a newline. `None` when the text ends first.
    fn delimited(&mut self, delim: char, regex: bool) -> Option<String> {
        let mut s = String::new();
        while let Some(c) = self.next() {
            if c == delim {
                return Some(s);
            }
            if c == '\\' {
                match self.next() {
                    Some(d) if d == delim => s.push(d),
                    Some('n') => s.push('\n'),
                    Some(o) => {
                        s.push('\\');
                        s.push(o);
                    }
                    None => return None,
                }
                continue;
            }
            if c == '\n' && !regex {
                s.push(c);
                continue;
            }
            s.push(c);
        }
        None
    }

    fn regex(&mut self, text: &str, icase: bool) -> Result<Option<Rx>, ScriptError> {
        if text.is_empty() {
            return Ok(None);
        }
        Rx::new(text, self.ere, icase)
            .map(Some)
            .map_err(|e| err(self.i, e))
    }

    fn address(&mut self) -> Result<Option<Addr>, ScriptError> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let n = self.number().unwrap_or(0);
                if self.peek() == Some('~') {
                    self.i += 1;
                    let step = self.number().unwrap_or(0);
                    return Ok(Some(Addr::Step(n, step)));
                }
                Ok(Some(if n == 0 { Addr::Zero } else { Addr::Line(n) }))
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') | Some('\\') => {
                let delim = if self.next() == Some('\\') {
                    self.next()
                        .ok_or_else(|| err(self.i, "unterminated address regex"))?
                } else {
                    '/'
                };
                let Some(text) = self.delimited(delim, true) else {
                    return Err(err(self.i, "unterminated address regex"));
                };
                let mut icase = false;
                while matches!(self.peek(), Some('I' | 'M')) {
                    icase |= self.peek() == Some('I');
                    self.i += 1;
                }
                Ok(Some(Addr::Re(self.regex(&text, icase)?)))
            }
            _ => Ok(None),
        }
    }

    /// The text of `a`, `i`, `c`: GNU's one-liner form (`a text`) or the
    /// POSIX one (`a\` and the text on the next lines).
    fn text_arg(&mut self) -> String {
        self.skip_blanks();
        if self.peek() == Some('\\') {
            self.i += 1;
            if self.peek() == Some('\n') {
                self.i += 1;
            }
        }
        let mut s = String::new();
        while let Some(c) = self.next() {
            match c {
                '\\' => match self.next() {
                    Some('\n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some(o) => s.push(o),
                    None => {}
                },
                '\n' => break,
                other => s.push(other),
            }
        }
        s
    }

    fn label(&mut self) -> String {
        self.skip_blanks();
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c == ';' || c == '\n' {
                break;
            }
            s.push(c);
            self.i += 1;
        }
        s.trim_end().to_string()
    }

    /// After a command: blanks, then `;`, a newline, `}`, `#` or the end.
    fn end_of_command(&mut self) -> Result<(), ScriptError> {
        self.skip_blanks();
        match self.peek() {
            None | Some('}') | Some('#') => Ok(()),
            Some(';' | '\n') => {
                self.i += 1;
                Ok(())
            }
            Some(_) => Err(err(self.i + 1, "extra characters after command")),
        }
    }

    fn replacement(&self, text: &str) -> Vec<Repl> {
        let mut out = vec![];
        let mut lit = String::new();
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '&' => {
                    out.push(Repl::Text(std::mem::take(&mut lit)));
                    out.push(Repl::Whole);
                }
                '\\' => match it.next() {
                    Some(d @ '0'..='9') => {
                        out.push(Repl::Text(std::mem::take(&mut lit)));
                        out.push(if d == '0' {
                            Repl::Whole
                        } else {
                            Repl::Group(d as usize - '0' as usize)
                        });
                    }
                    Some('n') => lit.push('\n'),
                    Some('t') => lit.push('\t'),
                    Some('&') => lit.push('&'),
                    Some(o) => lit.push(o),
                    None => lit.push('\\'),
                },
                other => lit.push(other),
            }
        }
        out.push(Repl::Text(lit));
        out
    }

    fn substitute(&mut self) -> Result<Cmd, ScriptError> {
        let Some(delim) = self.next() else {
            return Err(err(self.i, "unterminated `s' command"));
        };
        if delim == '\n' || delim == '\\' {
            return Err(err(self.i, "unterminated `s' command"));
        }
        let Some(pattern) = self.delimited(delim, true) else {
            return Err(err(self.i, "unterminated `s' command"));
        };
        let Some(repl_text) = self.delimited(delim, false) else {
            return Err(err(self.i, "unterminated `s' command"));
        };
        let (mut global, mut print, mut icase, mut nth) = (false, false, false, 0usize);
        loop {
            match self.peek() {
                Some('g') => {
                    if global {
                        return Err(err(self.i + 1, "multiple `g' options to `s' command"));
                    }
                    global = true;
                }
                Some('p') => {
                    if print {
                        return Err(err(self.i + 1, "multiple `p' options to `s' command"));
                    }
                    print = true;
                }
                Some('i' | 'I') => icase = true,
                Some('m' | 'M') => {}
                Some(c) if c.is_ascii_digit() => {
                    if nth != 0 {
                        return Err(err(self.i + 1, "multiple number options to `s' command"));
                    }
                    nth = self.number().unwrap_or(0);
                    if nth == 0 {
                        return Err(err(self.i, "number option to `s' command may not be zero"));
                    }
                    continue;
                }
                Some('e') => return Err(err(self.i + 1, "option `e' not supported")),
                Some('w') => {
                    return Err(err(
                        self.i + 1,
                        "the `w' flag of `s' is not simulated here (no file is written)",
                    ))
                }
                Some(' ' | '\t' | ';' | '\n' | '}' | '#') | None => break,
                Some(_) => return Err(err(self.i + 1, "unknown option to `s'")),
            }
            self.i += 1;
        }
        let rx = self.regex(&pattern, icase)?;
        let repl = self.replacement(&repl_text);
        let groups = rx.as_ref().map_or(9, Rx::groups);
        for r in &repl {
            if let Repl::Group(n) = r {
                if *n > groups {
                    return Err(err(
                        self.i,
                        format!("invalid reference \\{n} on `s' command's RHS"),
                    ));
                }
            }
        }
        Ok(Cmd::Subst {
            rx,
            repl,
            global,
            nth: nth.max(1),
            print,
        })
    }

    fn translate(&mut self) -> Result<Cmd, ScriptError> {
        let Some(delim) = self.next() else {
            return Err(err(self.i, "unterminated `y' command"));
        };
        let (Some(a), Some(b)) = (self.delimited(delim, false), self.delimited(delim, false))
        else {
            return Err(err(self.i, "unterminated `y' command"));
        };
        let unescape = |s: &str| -> Vec<char> {
            let mut out = vec![];
            let mut it = s.chars();
            while let Some(c) = it.next() {
                if c == '\\' {
                    match it.next() {
                        Some('n') => out.push('\n'),
                        Some('\\') => out.push('\\'),
                        Some(o) => out.push(o),
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        let (a, b) = (unescape(&a), unescape(&b));
        if a.len() != b.len() {
            return Err(err(self.i, "strings for `y' command are different lengths"));
        }
        Ok(Cmd::Translate(a, b))
    }

    fn compile(&mut self) -> Result<(), ScriptError> {
        loop {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | ';')) {
                self.i += 1;
            }
            let Some(_) = self.peek() else { break };
            if self.peek() == Some('#') {
                while !matches!(self.next(), Some('\n') | None) {}
                continue;
            }
            let a1 = self.address()?;
            let mut a2 = None;
            if a1.is_some() && self.peek() == Some(',') {
                self.i += 1;
                self.skip_blanks();
                a2 = match self.peek() {
                    Some('+') => {
                        self.i += 1;
                        Some(End::Plus(self.number().unwrap_or(0)))
                    }
                    Some('~') => {
                        self.i += 1;
                        Some(End::Multiple(self.number().unwrap_or(0)))
                    }
                    _ => match self.address()? {
                        Some(a) => Some(End::Addr(a)),
                        None => return Err(err(self.i, "unexpected `,'")),
                    },
                };
            }
            if matches!(a1, Some(Addr::Zero)) && !matches!(a2, Some(End::Addr(Addr::Re(_)))) {
                return Err(err(self.i, "invalid usage of line address 0"));
            }
            self.skip_blanks();
            let mut negate = false;
            while self.peek() == Some('!') {
                if negate {
                    return Err(err(self.i + 1, "multiple `!'s"));
                }
                negate = true;
                self.i += 1;
                self.skip_blanks();
            }
            let Some(c) = self.next() else {
                return Err(err(self.i, "missing command"));
            };
            let at = self.i;
            let has_addr = a1.is_some();
            let mut label = String::new();
            let cmd = match c {
                '{' => {
                    self.blocks.push(self.out.len());
                    Cmd::Block(0)
                }
                '}' => {
                    if has_addr {
                        return Err(err(at, "`}' doesn't want any addresses"));
                    }
                    let Some(open) = self.blocks.pop() else {
                        return Err(err(at, "unexpected `}'"));
                    };
                    let here = self.out.len() + 1;
                    self.out[open].cmd = Cmd::Block(here);
                    Cmd::EndBlock
                }
                's' => self.substitute()?,
                'y' => self.translate()?,
                'd' => Cmd::Delete,
                'D' => Cmd::DeleteFirst,
                'p' => Cmd::Print,
                'P' => Cmd::PrintFirst,
                'n' => Cmd::Next,
                'N' => Cmd::AppendNext,
                'q' | 'Q' => {
                    if a2.is_some() {
                        return Err(err(at, "command only uses one address"));
                    }
                    self.skip_blanks();
                    let code = self.number().unwrap_or(0) as i32;
                    if c == 'q' {
                        Cmd::Quit(code)
                    } else {
                        Cmd::QuitSilent(code)
                    }
                }
                '=' => Cmd::LineNumber,
                'a' => Cmd::Append(self.text_arg()),
                'i' => Cmd::Insert(self.text_arg()),
                'c' => Cmd::Change(self.text_arg()),
                'h' => Cmd::Hold,
                'H' => Cmd::HoldAppend,
                'g' => Cmd::Get,
                'G' => Cmd::GetAppend,
                'x' => Cmd::Exchange,
                'l' => Cmd::List,
                ':' => {
                    if has_addr {
                        return Err(err(at, ": doesn't want any addresses"));
                    }
                    label = self.label();
                    if label.is_empty() {
                        return Err(err(at, "\":\" lacks a label"));
                    }
                    Cmd::Label
                }
                'b' => Cmd::Branch(self.label()),
                't' => Cmd::BranchIfSub(self.label()),
                'T' => Cmd::BranchUnlessSub(self.label()),
                'e' => return Err(err(at, "`e' command not supported")),
                'r' | 'R' | 'w' | 'W' | 'F' | 'z' | 'v' | 'L' => {
                    return Err(err(at, format!("the `{c}' command is not simulated here")))
                }
                other => return Err(err(at, format!("unknown command: `{other}'"))),
            };
            let text_cmd = matches!(c, 'a' | 'i' | 'c' | ':' | 'b' | 't' | 'T' | '{');
            self.out.push(Command {
                a1,
                a2,
                negate,
                cmd,
                active: false,
                until: 0,
                label,
            });
            if !text_cmd {
                self.end_of_command()?;
            }
        }
        if !self.blocks.is_empty() {
            return Err(err(0, "unmatched `{'"));
        }
        Ok(())
    }
}

/// How the script ended a cycle.
enum Flow {
    Continue,
    /// `d`: no autoprint, next cycle.
    Delete,
    /// `D` with a newline left: restart without reading.
    Restart,
    Quit(i32, bool),
}

struct State {
    lines: Vec<String>,
    /// The next line to read.
    next: usize,
    line_no: usize,
    pattern: String,
    hold: String,
    out: String,
    append: String,
    quiet: bool,
    substituted: bool,
    last_re: Option<Rx>,
    steps: u64,
}

impl State {
    fn is_last(&self) -> bool {
        self.next >= self.lines.len()
    }

    fn emit(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn flush_append(&mut self) {
        let a = std::mem::take(&mut self.append);
        self.out.push_str(&a);
    }

    fn regex_matches(&mut self, rx: &Option<Rx>) -> bool {
        let rx = match rx {
            Some(r) => {
                self.last_re = Some(r.clone());
                r.clone()
            }
            None => match &self.last_re {
                Some(r) => r.clone(),
                None => return false,
            },
        };
        rx.is_match(&self.pattern, &mut self.steps)
    }

    fn addr_matches(&mut self, a: &Addr) -> bool {
        match a {
            Addr::Line(n) => self.line_no == *n,
            Addr::Last => self.is_last(),
            Addr::Zero => false,
            Addr::Step(first, step) => {
                if *step == 0 {
                    self.line_no == *first
                } else {
                    self.line_no >= *first && (self.line_no - first).is_multiple_of(*step)
                }
            }
            Addr::Re(rx) => self.regex_matches(rx),
        }
    }

    fn selects(&mut self, c: &mut Command) -> bool {
        let hit = match (&c.a1, &c.a2) {
            (None, _) => true,
            (Some(a1), None) => {
                let a1 = a1.clone();
                self.addr_matches(&a1)
            }
            (Some(a1), Some(end)) => {
                let (a1, end) = (a1.clone(), end.clone());
                if c.active {
                    let done = match &end {
                        End::Addr(Addr::Line(n)) => self.line_no >= *n,
                        End::Addr(a) => self.addr_matches(a),
                        End::Plus(_) => self.line_no >= c.until,
                        End::Multiple(m) => *m == 0 || self.line_no.is_multiple_of(*m),
                    };
                    if done {
                        c.active = false;
                    }
                    true
                } else {
                    let starts = match a1 {
                        Addr::Zero => true,
                        a => self.addr_matches(&a),
                    };
                    if starts {
                        // The end is looked for from the next line on (a
                        // line number already passed closes the range).
                        c.active = match &end {
                            End::Addr(Addr::Line(n)) => *n > self.line_no,
                            End::Addr(a) if matches!(c.a1, Some(Addr::Zero)) => {
                                !self.addr_matches(a)
                            }
                            End::Addr(_) => true,
                            End::Plus(n) => {
                                c.until = self.line_no + n;
                                *n > 0
                            }
                            End::Multiple(m) => *m > 0 && !self.line_no.is_multiple_of(*m),
                        };
                    }
                    starts
                }
            }
        };
        hit != c.negate
    }

    fn read_next(&mut self) -> Option<String> {
        let l = self.lines.get(self.next).cloned()?;
        self.next += 1;
        self.line_no += 1;
        Some(l)
    }

    fn substitute(&mut self, rx: &Option<Rx>, repl: &[Repl], global: bool, nth: usize) -> bool {
        let rx = match rx {
            Some(r) => {
                self.last_re = Some(r.clone());
                r.clone()
            }
            None => match &self.last_re {
                Some(r) => r.clone(),
                None => return false,
            },
        };
        let text: Vec<char> = self.pattern.chars().collect();
        let mut out = String::new();
        let mut pos = 0;
        let mut count = 0;
        let mut done = false;
        let mut last = 0;
        while pos <= text.len() {
            let Some(f) = rx.find(&text, pos, &mut self.steps) else {
                break;
            };
            count += 1;
            if count >= nth {
                out.extend(&text[last..f.start]);
                for r in repl {
                    match r {
                        Repl::Text(t) => out.push_str(t),
                        Repl::Whole => out.extend(&text[f.start..f.end]),
                        Repl::Group(n) => {
                            if let Some(Some((s, e))) = f.groups.get(n - 1) {
                                out.extend(&text[*s..*e]);
                            }
                        }
                    }
                }
                last = f.end;
                done = true;
                if !global {
                    break;
                }
            }
            if f.end == f.start {
                // An empty match: step past one character.
                if f.end < text.len() && count >= nth {
                    out.push(text[f.end]);
                    last = f.end + 1;
                }
                pos = f.end + 1;
            } else {
                pos = f.end;
            }
            if out.len() > budget::MAX_VALUE {
                break;
            }
        }
        if done {
            if last < text.len() {
                out.extend(&text[last..]);
            }
            self.pattern = out;
        }
        done
    }
}

/// `l`: the pattern space unambiguously, `\` escapes, `$` at the end,
/// wrapped at 70 characters.
fn list(s: &str) -> String {
    let mut body = String::new();
    for c in s.chars() {
        match c {
            '\\' => body.push_str("\\\\"),
            '\n' => body.push_str("\\n"),
            '\t' => body.push_str("\\t"),
            '\x07' => body.push_str("\\a"),
            '\x08' => body.push_str("\\b"),
            '\x0c' => body.push_str("\\f"),
            '\r' => body.push_str("\\r"),
            '\x0b' => body.push_str("\\v"),
            c if c.is_control() => body.push_str(&format!("\\{:03o}", c as u32)),
            c => body.push(c),
        }
    }
    let mut out = String::new();
    let chars: Vec<char> = body.chars().collect();
    for chunk in chars.chunks(69) {
        out.extend(chunk);
        if chunk.len() == 69 {
            out.push_str("\\\n");
        }
    }
    out.push('$');
    out
}

/// Runs the program over `lines`; the output, and the exit status `q`
/// asked for.
fn execute(
    prog: &mut [Command],
    lines: Vec<String>,
    quiet: bool,
    cx: &mut Tool,
) -> (String, Option<i32>) {
    let mut st = State {
        lines,
        next: 0,
        line_no: 0,
        pattern: String::new(),
        hold: String::new(),
        out: String::new(),
        append: String::new(),
        quiet,
        substituted: false,
        last_re: None,
        steps: 0,
    };
    let mut restart = false;
    'cycle: loop {
        if !restart {
            let Some(line) = st.read_next() else { break };
            st.pattern = line;
            st.substituted = false;
        }
        restart = false;
        let mut pc = 0;
        let mut flow = Flow::Continue;
        while pc < prog.len() {
            if st.steps > budget::MAX_VALUE as u64 || st.out.len() > budget::MAX_VALUE {
                break 'cycle;
            }
            st.steps += 1;
            let mut c = prog[pc].clone();
            let selected = st.selects(&mut c);
            prog[pc].active = c.active;
            prog[pc].until = c.until;
            if !selected {
                pc = match c.cmd {
                    Cmd::Block(after) => after,
                    _ => pc + 1,
                };
                continue;
            }
            pc += 1;
            match &c.cmd {
                Cmd::Block(_) | Cmd::EndBlock | Cmd::Label => {}
                Cmd::Subst {
                    rx,
                    repl,
                    global,
                    nth,
                    print,
                } => {
                    if st.substitute(rx, repl, *global, *nth) {
                        st.substituted = true;
                        if *print {
                            let p = st.pattern.clone();
                            st.emit(&p);
                        }
                    }
                }
                Cmd::Delete => {
                    flow = Flow::Delete;
                    break;
                }
                Cmd::DeleteFirst => match st.pattern.find('\n') {
                    Some(i) => {
                        st.pattern = st.pattern[i + 1..].to_string();
                        flow = Flow::Restart;
                        break;
                    }
                    None => {
                        flow = Flow::Delete;
                        break;
                    }
                },
                Cmd::Print => {
                    let p = st.pattern.clone();
                    st.emit(&p);
                }
                Cmd::PrintFirst => {
                    let p = st.pattern.split('\n').next().unwrap_or("").to_string();
                    st.emit(&p);
                }
                Cmd::Next => {
                    if !st.quiet {
                        let p = st.pattern.clone();
                        st.emit(&p);
                    }
                    st.flush_append();
                    match st.read_next() {
                        Some(l) => st.pattern = l,
                        None => {
                            flow = Flow::Quit(0, true);
                            st.quiet = true;
                            break;
                        }
                    }
                }
                Cmd::AppendNext => match st.read_next() {
                    Some(l) => {
                        st.pattern.push('\n');
                        st.pattern.push_str(&l);
                    }
                    None => {
                        // GNU prints the pattern space when N finds no line.
                        flow = Flow::Quit(0, true);
                        break;
                    }
                },
                Cmd::Quit(code) => {
                    flow = Flow::Quit(*code, true);
                    break;
                }
                Cmd::QuitSilent(code) => {
                    flow = Flow::Quit(*code, false);
                    break;
                }
                Cmd::LineNumber => {
                    let n = st.line_no.to_string();
                    st.emit(&n);
                }
                Cmd::Append(t) => {
                    st.append.push_str(t);
                    st.append.push('\n');
                }
                Cmd::Insert(t) => {
                    let t = t.clone();
                    st.emit(&t);
                }
                Cmd::Change(t) => {
                    // In a range, the text goes out once, at its end.
                    if c.a2.is_none() || !c.active || c.negate {
                        let t = t.clone();
                        st.emit(&t);
                    }
                    flow = Flow::Delete;
                    break;
                }
                Cmd::Translate(a, b) => {
                    st.pattern = st
                        .pattern
                        .chars()
                        .map(|ch| a.iter().position(|x| *x == ch).map_or(ch, |i| b[i]))
                        .collect();
                }
                Cmd::Hold => st.hold = st.pattern.clone(),
                Cmd::HoldAppend => {
                    st.hold.push('\n');
                    let p = st.pattern.clone();
                    st.hold.push_str(&p);
                }
                Cmd::Get => st.pattern = st.hold.clone(),
                Cmd::GetAppend => {
                    st.pattern.push('\n');
                    let h = st.hold.clone();
                    st.pattern.push_str(&h);
                }
                Cmd::Exchange => std::mem::swap(&mut st.pattern, &mut st.hold),
                Cmd::List => {
                    let l = list(&st.pattern);
                    st.emit(&l);
                }
                Cmd::Branch(label) | Cmd::BranchIfSub(label) | Cmd::BranchUnlessSub(label) => {
                    let take = match &c.cmd {
                        Cmd::Branch(_) => true,
                        Cmd::BranchIfSub(_) => st.substituted,
                        _ => !st.substituted,
                    };
                    if !matches!(c.cmd, Cmd::Branch(_)) {
                        st.substituted = false;
                    }
                    if take {
                        pc = if label.is_empty() {
                            prog.len()
                        } else {
                            prog.iter()
                                .position(|p| matches!(p.cmd, Cmd::Label) && p.label == *label)
                                .map_or(prog.len(), |i| i + 1)
                        };
                    }
                }
            }
        }
        match flow {
            Flow::Continue => {
                if !st.quiet {
                    let p = st.pattern.clone();
                    st.emit(&p);
                }
                st.flush_append();
            }
            Flow::Delete => st.flush_append(),
            Flow::Restart => {
                st.flush_append();
                restart = true;
            }
            Flow::Quit(code, print) => {
                if print && !st.quiet {
                    let p = st.pattern.clone();
                    st.emit(&p);
                }
                st.flush_append();
                let _ = cx.charge(st.steps);
                return (st.out, Some(code));
            }
        }
    }
    let _ = cx.charge(st.steps);
    (st.out, None)
}

/// Lines of a text: its `\n`-terminated lines (a last line without one
/// counts).
fn split_lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n')
        .map(|l| l.strip_suffix('\n').unwrap_or(l).to_string())
        .collect()
}

#[inline(never)]
pub(super) fn sed(cx: &mut Tool, args: &[String]) -> i32 {
    const OPTS: &[Opt] = &[
        flag("n", 'n', "quiet"),
        long("n", "silent", false),
        valued("e", 'e', "expression"),
        valued("f", 'f', "file"),
        flag("E", 'E', "regexp-extended"),
        opts::short("E", 'r', false),
        flag("s", 's', "separate"),
        flag("u", 'u', "unbuffered"),
        long("posix", "posix", false),
        long("debug", "debug", false),
        long("sandbox", "sandbox", false),
        long("follow-symlinks", "follow-symlinks", false),
        flag("z", 'z', "null-data"),
        valued("l", 'l', "line-length"),
        long("help", "help", false),
        long("version", "version", false),
    ];
    // `-i[SUFFIX]` and `--in-place[=SUFFIX]` take their suffix attached.
    let mut in_place: Option<String> = None;
    let mut rest: Vec<String> = vec![];
    let mut options_done = false;
    for a in args {
        if !options_done && a == "--" {
            options_done = true;
            rest.push(a.clone());
            continue;
        }
        if !options_done && a.starts_with("--in-place") {
            in_place = Some(a.strip_prefix("--in-place=").unwrap_or("").to_string());
            continue;
        }
        if !options_done && a.starts_with("-i") && !a.starts_with("--") {
            in_place = Some(a[2..].to_string());
            continue;
        }
        rest.push(a.clone());
    }
    let parsed = match opts::parse(&rest, &Spec::gnu(OPTS)) {
        Ok(p) => p,
        Err(e) => {
            cx.out.err(e.gnu("sed"));
            cx.out.err(USAGE);
            return 1;
        }
    };
    if parsed.has("help") {
        cx.out.out(USAGE.replace(
            "General help using GNU software: <https://www.gnu.org/gethelp/>.\n",
            "General help using GNU software: <https://www.gnu.org/gethelp/>.\nE-mail bug reports to: <bug-sed@gnu.org>.\n",
        ));
        return 0;
    }
    if parsed.has("version") {
        cx.out.out(VERSION);
        return 0;
    }
    if parsed.has("z") {
        cx.out
            .err("sed: -z (NUL-separated lines) is not simulated here\n");
        return 1;
    }
    let quiet = parsed.has("n");
    let ere = parsed.has("E");
    let mut scripts: Vec<(String, Option<String>)> = vec![];
    for (name, v) in parsed.opts() {
        match name {
            "e" => scripts.push((v.unwrap_or_default().to_string(), None)),
            "f" => {
                let file = v.unwrap_or_default().to_string();
                match cx.fs.read_path(&file) {
                    Ok(t) => scripts.push((t.trim_end_matches('\n').to_string(), Some(file))),
                    Err(e) => {
                        cx.out
                            .err(format!("sed: couldn't open file {file}: {}\n", e));
                        return 1;
                    }
                }
            }
            _ => {}
        }
    }
    let mut operands = parsed.operands();
    if scripts.is_empty() {
        if operands.is_empty() {
            cx.out.err(USAGE);
            return 1;
        }
        scripts.push((operands.remove(0), None));
    }
    let mut prog: Vec<Command> = vec![];
    for (n, (text, file)) in scripts.iter().enumerate() {
        let mut c = Compiler {
            c: text.chars().collect(),
            i: 0,
            ere,
            out: &mut prog,
            blocks: vec![],
        };
        if let Err(e) = c.compile() {
            match file {
                Some(f) => cx.out.err(format!("sed: file {f} line 1: {}\n", e.what)),
                None => cx.out.err(format!(
                    "sed: -e expression #{}, char {}: {}\n",
                    n + 1,
                    e.at,
                    e.what
                )),
            }
            return 1;
        }
    }
    for c in &prog {
        let label = match &c.cmd {
            Cmd::Branch(l) | Cmd::BranchIfSub(l) | Cmd::BranchUnlessSub(l) => l,
            _ => continue,
        };
        if !label.is_empty()
            && !prog
                .iter()
                .any(|p| matches!(p.cmd, Cmd::Label) && p.label == *label)
        {
            cx.out
                .err(format!("sed: can't find label for jump to `{label}'\n"));
            return 1;
        }
    }
    if operands.first().map(String::as_str) == Some("--") {
        operands.remove(0);
    }
    let mut status = 0;
    if let Some(suffix) = in_place {
        if operands.is_empty() {
            cx.out.err("sed: no input files\n");
            return 1;
        }
        for f in &operands {
            let text = match cx.fs.read_path(f) {
                Ok(t) => t,
                Err(e) => {
                    cx.out.err(format!("sed: can't read {f}: {}\n", e));
                    status = 2;
                    continue;
                }
            };
            let mut p = prog.clone();
            let (out, quit) = execute(&mut p, split_lines(&text), quiet, cx);
            let abs = cx.fs.abs_path(f);
            if !suffix.is_empty() {
                let backup = if suffix.contains('*') {
                    suffix.replace('*', f)
                } else {
                    format!("{f}{suffix}")
                };
                let babs = cx.fs.abs_path(&backup);
                if let Err(e) = cx.fs.write(&babs, &text, false) {
                    cx.out.err(format!(
                        "sed: couldn't open temporary file {backup}: {}\n",
                        e
                    ));
                    return 4;
                }
            }
            if let Err(e) = cx.fs.write(&abs, &out, false) {
                cx.out
                    .err(format!("sed: couldn't open temporary file {f}: {}\n", e));
                return 4;
            }
            if let Some(code) = quit {
                return code;
            }
        }
        return status;
    }
    let separate = parsed.has("s");
    let mut texts: Vec<String> = vec![];
    if operands.is_empty() {
        texts.push(cx.stdin.unwrap_or_default().to_string());
    }
    let mut total = 0usize;
    for f in &operands {
        let read = if f == "-" {
            Ok(cx.stdin.unwrap_or_default().to_string())
        } else {
            cx.fs.read_path(f)
        };
        match read {
            Ok(t) => {
                total += t.len();
                if total > budget::MAX_VALUE {
                    cx.over(Limit::Read, "sed");
                    return 1;
                }
                texts.push(t);
            }
            Err(e) => {
                cx.out.err(format!("sed: can't read {f}: {}\n", e));
                status = 2;
            }
        }
    }
    let runs: Vec<Vec<String>> = if separate {
        texts.iter().map(|t| split_lines(t)).collect()
    } else {
        vec![texts.iter().flat_map(|t| split_lines(t)).collect()]
    };
    for lines in runs {
        let mut p = prog.clone();
        let (out, quit) = execute(&mut p, lines, quiet, cx);
        cx.out.out(out);
        if let Some(code) = quit {
            return code;
        }
    }
    status
}
