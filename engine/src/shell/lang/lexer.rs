//! Parses what a student types the way bash does: words, quotes, escapes,
//! comments, parameters, command substitution, redirections, here-documents,
//! pipelines, the list operators `;` `&` `&&` `||`, newlines, and `for` loops.
//!
//! The result is a [`Script`]: a syntax tree whose words still hold their
//! unexpanded parts ([`Part`]), because `$?`, `$VAR` and `$(…)` take their
//! values only when each command runs (`false; echo $?` prints `1`).
//!
//! A command line may span several physical lines (a here-document, an open
//! quote, a trailing `|` or `\`). [`needs_more`] tells a terminal whether to
//! show bash's `> ` continuation prompt instead of running the text yet.
//!
//! Not parsed (and reported as unsupported rather than misread): `if`,
//! `while`, `until`, `case`, `select`, functions, `{ …; }` groups, `[[ … ]]`
//! and `( … )` subshells.

use super::escapes::{self, Flavor};
use std::fmt;
use std::rc::Rc;

/// Nesting deeper than this (`$( $( $( …`) is refused rather than risking the
/// stack: a panic in wasm kills the page.
const MAX_DEPTH: usize = 32;

/// A piece of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text: subject to `~` and pathname (`*.yaml`) expansion.
    Lit(String),
    /// Text from quotes or a backslash escape: taken literally.
    Quoted(String),
    /// A parameter: `$NAME`, `$?`, or the text inside `${…}`.
    Param { expr: String, quoted: bool },
    /// Command substitution: `$(…)` or `` `…` ``. Shared, not copied, when
    /// brace expansion makes several words of one (`{a,b}$(…)`).
    Subst { script: Rc<Script>, quoted: bool },
    /// Arithmetic expansion: the text inside `$((…))`.
    Arith { expr: String, quoted: bool },
}

impl Part {
    /// Inside double quotes (or a here-document): no word splitting, no globbing.
    pub fn is_quoted(&self) -> bool {
        match self {
            Part::Lit(_) => false,
            Part::Quoted(_) => true,
            Part::Param { quoted, .. }
            | Part::Subst { quoted, .. }
            | Part::Arith { quoted, .. } => *quoted,
        }
    }
}

/// A word before expansion.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub parts: Vec<Part>,
}

impl Word {
    fn push_lit(&mut self, c: char, quoted: bool) {
        match (self.parts.last_mut(), quoted) {
            (Some(Part::Lit(s)), false) | (Some(Part::Quoted(s)), true) => s.push(c),
            (_, false) => self.parts.push(Part::Lit(c.to_string())),
            (_, true) => self.parts.push(Part::Quoted(c.to_string())),
        }
    }

    /// The word's text when it is one unquoted literal (keywords, names).
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// `NAME=value` at the start of a command: the name and the value's parts.
    pub fn assignment(&self) -> Option<(String, Word)> {
        let Some(Part::Lit(first)) = self.parts.first() else {
            return None;
        };
        let (name, rest) = first.split_once('=')?;
        if !is_name(name) {
            return None;
        }
        let mut value = Word::default();
        if !rest.is_empty() {
            value.parts.push(Part::Lit(rest.to_string()));
        }
        value.parts.extend(self.parts[1..].iter().cloned());
        Some((name.to_string(), value))
    }
}

/// A valid shell variable name.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    In,
    /// `>` or `>|`
    Out,
    /// `>>`
    Append,
    /// `<&N`
    DupIn,
    /// `>&N` (or `>&FILE`, which is `&>FILE`)
    DupOut,
    /// `&>FILE`: stdout and stderr
    Both,
    /// `&>>FILE`
    AppendBoth,
    /// `<<DELIM` or `<<-DELIM`; the target word is the body.
    Heredoc { strip_tabs: bool },
    /// `<<<WORD`
    HereString,
}

/// A redirection. `target` is the file name, the descriptor after `>&`, or a
/// here-document's body; `raw` is the target as typed (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redir {
    /// The descriptor before the operator (`2>`), if one was typed.
    pub fd: Option<u32>,
    pub op: RedirOp,
    pub target: Word,
    pub raw: String,
    /// Which here-document of the parse this is (bodies are read after the line).
    heredoc: Option<usize>,
}

impl Redir {
    /// The descriptor this redirection changes.
    pub fn fd(&self) -> u32 {
        self.fd.unwrap_or(match self.op {
            RedirOp::In | RedirOp::DupIn | RedirOp::Heredoc { .. } | RedirOp::HereString => 0,
            _ => 1,
        })
    }
}

/// `NAME=value … word … redirections`
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

/// `for NAME [in WORDS]; do BODY; done [redirections]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForLoop {
    pub var: String,
    /// `None` when `in` was left out (loop over the positional parameters).
    pub items: Option<Vec<Word>>,
    pub body: Script,
    pub redirs: Vec<Redir>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Simple(Simple),
    For(ForLoop),
}

/// `[time [-p]] [!] command | command | …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// `time`: report the (simulated) time it took; `Some(true)` for `-p`.
    pub timed: Option<bool>,
    pub negated: bool,
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AndOrOp {
    /// `&&`: run the next pipeline only if this one succeeded.
    And,
    /// `||`: run the next pipeline only if this one failed.
    Or,
}

/// Pipelines joined by `&&` and `||`, evaluated left to right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(AndOrOp, Pipeline)>,
    /// Ended by `&`: run as a background job.
    pub background: bool,
    /// The list as typed (what `jobs` shows of a background job).
    pub text: String,
}

/// A list of and-or lists separated by `;`, `&` or newlines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub items: Vec<AndOr>,
}

/// A here-document that ran into the end of the input; bash warns and uses
/// what it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocWarning {
    /// The line (1-based, within the parsed text) of the `<<` operator.
    pub line: usize,
    pub delimiter: String,
}

/// A parsed command text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub script: Script,
    pub warnings: Vec<HeredocWarning>,
    /// Physical lines in the text.
    pub lines: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// An operator or keyword where it cannot be.
    UnexpectedToken(String),
    /// The input ended inside a construct (after `|`, `&&`, inside `for`).
    UnexpectedEof,
    /// The input ended before a closing quote, `)`, `}` or backquote.
    Unmatched(char),
    /// A construct this shell does not implement (`if`, `while`, `( … )`).
    Unsupported(String),
    /// Nesting beyond what the shell accepts.
    TooDeep,
}

impl ParseError {
    /// The text is not wrong yet, only unfinished: a terminal asks for more.
    pub fn is_incomplete(&self) -> bool {
        matches!(self, ParseError::UnexpectedEof | ParseError::Unmatched(_))
    }
}

/// Worded as bash words it (after its `bash: ` prefix).
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::UnexpectedToken(t) => {
                write!(f, "syntax error near unexpected token `{t}'")
            }
            ParseError::UnexpectedEof => write!(f, "syntax error: unexpected end of file"),
            ParseError::Unmatched(q) => {
                write!(f, "unexpected EOF while looking for matching `{q}'")
            }
            ParseError::Unsupported(what) => {
                write!(
                    f,
                    "{what}: not supported by this shell (use ;, &&, || and for loops)"
                )
            }
            ParseError::TooDeep => write!(f, "maximum nesting depth exceeded"),
        }
    }
}

/// Parses a command text (one or more physical lines joined with `\n`).
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut p = Parser::new(text, 0);
    let script = p.parse_all()?;
    Ok(Parsed {
        script,
        warnings: p.warnings,
        lines: text.split('\n').count(),
    })
}

/// Whether bash would ask for another line before running `text`: a
/// here-document without its delimiter line, an open quote, `$(` or `for`, or
/// a line ending in `\`, `|`, `&&` or `||`. A text with a syntax error needs
/// no more: it is run, and the error reported.
pub fn needs_more(text: &str) -> bool {
    waiting_for(text).is_some()
}

/// What an unfinished command text waits for, if it is unfinished.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Waiting {
    /// A here-document's delimiter line (tabs stripped first for `<<-`):
    /// no other line can finish the text.
    Delimiter(String, bool),
    /// Anything (an open quote, `$(`, `for`, a trailing `|`…).
    More,
}

fn waiting_for(text: &str) -> Option<Waiting> {
    let mut p = Parser::new(text, 0);
    let done = match p.parse_all() {
        Ok(_) => !(p.heredoc_at_eof || p.trailing_backslash),
        Err(e) => !e.is_incomplete(),
    };
    if done {
        return None;
    }
    Some(match p.open_heredoc {
        Some((d, strip)) if !p.trailing_backslash => Waiting::Delimiter(d, strip),
        _ => Waiting::More,
    })
}

/// One complete command of a script, and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub text: String,
    pub line: usize,
}

/// A script cut into complete commands, as bash reads a script: each
/// command (possibly several lines: a here-document, an open quote, a `for`
/// loop) runs before the next is read. A syntax error costs its own lines
/// only. `rest` is an unfinished last command (bash would wait for more).
/// One pass over the text, however long.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    pub commands: Vec<Chunk>,
    pub rest: Option<Chunk>,
}

pub fn split_commands(text: &str) -> Split {
    let mut p = Parser::new(text, 0);
    let mut split = Split::default();
    loop {
        let start = p.pos;
        let result = p.parse_next();
        let incomplete = match &result {
            Ok(None) => break,
            Ok(Some(_)) => p.heredoc_at_eof || p.trailing_backslash,
            Err(e) if e.is_incomplete() => true,
            Err(_) => {
                p.resync(start);
                false
            }
        };
        let line = p.line_at(start);
        let end = if incomplete { p.src.len() } else { p.pos };
        let mut body: String = p.src[start..end.max(start)].iter().collect();
        if body.ends_with('\n') && !incomplete {
            body.pop();
        }
        let chunk = Chunk { text: body, line };
        if incomplete {
            split.rest = Some(chunk);
            break;
        }
        split.commands.push(chunk);
        p.heredoc_at_eof = false;
        p.open_heredoc = None;
    }
    split
}

/// Reads one command as a terminal does, line by line, and says when it is
/// complete. While a here-document's body arrives it compares each line
/// with the delimiter only, so a pasted here-document of any length is read
/// in time proportional to its length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandReader {
    text: String,
    lines: usize,
    waiting: Option<Waiting>,
}

impl CommandReader {
    /// Adds a line; the whole command text once it is complete.
    pub fn push_line(&mut self, line: &str) -> Option<String> {
        if self.lines > 0 {
            self.text.push('\n');
        }
        self.text.push_str(line);
        self.lines += 1;
        if let Some(Waiting::Delimiter(d, strip)) = &self.waiting {
            let l = if *strip {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if l.strip_suffix('\r').unwrap_or(l) != d {
                return None;
            }
        }
        self.waiting = waiting_for(&self.text);
        match self.waiting {
            Some(_) => None,
            None => Some(self.take()),
        }
    }

    /// Adds several lines at once (a paste): the commands they complete, in
    /// order, each to run on its own. What is left unfinished stays. One
    /// pass over the text, however long.
    pub fn push_text(&mut self, text: &str) -> Vec<String> {
        let whole = if self.lines > 0 {
            format!("{}\n{text}", self.take())
        } else {
            text.to_string()
        };
        let split = split_commands(&whole);
        if let Some(rest) = split.rest {
            self.resume(&rest.text);
        }
        split.commands.into_iter().map(|c| c.text).collect()
    }

    /// Starts again from lines of an unfinished command (recalled from the
    /// history, or left over from a paste).
    pub fn resume(&mut self, text: &str) {
        self.text = text.to_string();
        self.lines = text.split('\n').count();
        self.waiting = waiting_for(text);
    }

    /// Whether lines are waiting for the rest of their command (bash's `> `).
    pub fn pending(&self) -> bool {
        self.lines > 0
    }

    /// The lines of the unfinished command so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The lines so far, and a fresh start (Ctrl+C, or end of input).
    pub fn take(&mut self) -> String {
        self.lines = 0;
        self.waiting = None;
        std::mem::take(&mut self.text)
    }
}

/// Parses the `$` expansions (and backquotes) in a text whose other
/// characters are literal, as in a here-document body or `$((…))`.
pub fn expansions(text: &str) -> Result<Word, ParseError> {
    Parser::new(text, 1).heredoc_word()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word {
        word: Word,
        raw: String,
    },
    /// `;` `&` `&&` `||` `|` `|&` `;;` `(` `)`
    Op(&'static str),
    Redir {
        fd: Option<u32>,
        op: RedirOp,
    },
    Newline,
    Eof,
}

impl Tok {
    /// How bash names the token in a syntax error.
    fn text(&self) -> String {
        match self {
            Tok::Word { raw, .. } => raw.clone(),
            Tok::Op(s) => s.to_string(),
            Tok::Redir { op, .. } => match op {
                RedirOp::In => "<",
                RedirOp::Out => ">",
                RedirOp::Append => ">>",
                RedirOp::DupIn => "<&",
                RedirOp::DupOut => ">&",
                RedirOp::Both => "&>",
                RedirOp::AppendBoth => "&>>",
                RedirOp::Heredoc { strip_tabs: false } => "<<",
                RedirOp::Heredoc { strip_tabs: true } => "<<-",
                RedirOp::HereString => "<<<",
            }
            .to_string(),
            Tok::Newline | Tok::Eof => "newline".to_string(),
        }
    }

    fn keyword(&self) -> Option<&str> {
        match self {
            Tok::Word { word, .. } => word.literal(),
            _ => None,
        }
    }
}

struct Pending {
    id: usize,
    delimiter: String,
    strip_tabs: bool,
    quoted: bool,
    line: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The end of the input.
    Eof,
    /// The `)` closing a `$(`.
    Paren,
    /// The `done` closing a `for` body.
    Done,
}

struct Parser {
    src: Vec<char>,
    pos: usize,
    depth: usize,
    peeked: Option<Tok>,
    pending: Vec<Pending>,
    bodies: Vec<Option<Word>>,
    warnings: Vec<HeredocWarning>,
    heredoc_at_eof: bool,
    trailing_backslash: bool,
    /// The first here-document whose delimiter line never came: its
    /// delimiter and whether tabs are stripped (`<<-`).
    open_heredoc: Option<(String, bool)>,
    /// The last position [`Parser::line_at`] counted to, and its line.
    line_mark: (usize, usize),
    /// Where the last token ended (a syntax error is on the line it ends in).
    tok_end: usize,
    /// Where the last token lexed began.
    tok_start: usize,
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>'
    )
}

impl Parser {
    fn new(text: &str, depth: usize) -> Parser {
        Parser {
            src: text.chars().collect(),
            pos: 0,
            depth,
            peeked: None,
            pending: vec![],
            bodies: vec![],
            warnings: vec![],
            heredoc_at_eof: false,
            trailing_backslash: false,
            open_heredoc: None,
            line_mark: (0, 1),
            tok_end: 0,
            tok_start: 0,
        }
    }

    fn parse_all(&mut self) -> Result<Script, ParseError> {
        if self.depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        let mut script = self.parse_list(Stop::Eof)?;
        let mut bodies = std::mem::take(&mut self.bodies);
        fill_script(&mut script, &mut bodies);
        Ok(script)
    }

    /// The next complete command of a script: and-or lists up to a newline
    /// at the top level, with the here-documents that newline starts.
    /// `Ok(None)` when only blank lines and comments are left.
    fn parse_next(&mut self) -> Result<Option<Script>, ParseError> {
        self.skip_newlines()?;
        if *self.peek()? == Tok::Eof {
            return Ok(None);
        }
        let mut items = vec![];
        loop {
            items.push(self.parse_and_or()?);
            match self.peek()? {
                Tok::Op(";" | "&") => {
                    if *self.peek()? == Tok::Op("&") {
                        if let Some(last) = items.last_mut() {
                            last.background = true;
                        }
                    }
                    self.next()?;
                    match self.peek()? {
                        Tok::Newline => {
                            self.next()?;
                            break;
                        }
                        Tok::Eof => break,
                        _ => {}
                    }
                }
                Tok::Newline => {
                    self.next()?;
                    break;
                }
                Tok::Eof => break,
                Tok::Op("(") => {
                    self.next()?;
                    return Err(match self.next()? {
                        Tok::Op(")") => ParseError::Unsupported("function definitions".into()),
                        t => ParseError::UnexpectedToken(t.text()),
                    });
                }
                t => return Err(ParseError::UnexpectedToken(t.text())),
            }
        }
        let mut script = Script { items };
        let mut bodies = std::mem::take(&mut self.bodies);
        fill_script(&mut script, &mut bodies);
        Ok(Some(script))
    }

    /// After a syntax error: forget the broken command and go on at the
    /// line after the offending token's, as bash reading a script (a token
    /// that fails to lex sets `tok_end` where it failed). Reading always
    /// moves past `start`, where the command began: no text is read twice.
    fn resync(&mut self, start: usize) {
        let stop = self
            .tok_end
            .saturating_sub(1)
            .max(start)
            .min(self.src.len());
        self.pos = self.src[stop..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(self.src.len(), |i| stop + i + 1);
        self.peeked = None;
        self.pending.clear();
        self.bodies.clear();
        self.depth = 0;
    }

    fn at(&self, offset: usize) -> Option<char> {
        self.src.get(self.pos + offset).copied()
    }

    /// The 1-based line of `pos`. Positions are asked in increasing order
    /// while a script is read, so counting goes on from the last answer.
    fn line_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.src.len());
        let (mut at, mut line) = self.line_mark;
        if pos < at {
            (at, line) = (0, 1);
        }
        line += self.src[at..pos].iter().filter(|&&c| c == '\n').count();
        self.line_mark = (pos, line);
        line
    }

    // ---- tokens -------------------------------------------------------

    fn peek(&mut self) -> Result<&Tok, ParseError> {
        if self.peeked.is_none() {
            let t = self.lex()?;
            self.peeked = Some(t);
        }
        Ok(self.peeked.as_ref().expect("just filled"))
    }

    fn next(&mut self) -> Result<Tok, ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    fn skip_newlines(&mut self) -> Result<(), ParseError> {
        while *self.peek()? == Tok::Newline {
            self.next()?;
        }
        Ok(())
    }

    fn lex(&mut self) -> Result<Tok, ParseError> {
        // Blanks, line continuations and comments.
        loop {
            match self.at(0) {
                Some(' ' | '\t' | '\r') => self.pos += 1,
                Some('\\') if self.at(1) == Some('\n') => self.pos += 2,
                Some('#') => {
                    while !matches!(self.at(0), None | Some('\n')) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        self.tok_start = self.pos;
        let Some(c) = self.at(0) else {
            self.flush_pending_at_eof();
            return Ok(Tok::Eof);
        };
        let c1 = self.at(1);
        let c2 = self.at(2);
        let (tok, len) = match (c, c1, c2) {
            ('\n', _, _) => {
                self.pos += 1;
                // The token ends here; the here-documents it starts follow.
                self.tok_end = self.pos;
                self.read_heredoc_bodies()?;
                return Ok(Tok::Newline);
            }
            (';', Some(';'), _) => (Tok::Op(";;"), 2),
            (';', _, _) => (Tok::Op(";"), 1),
            ('&', Some('&'), _) => (Tok::Op("&&"), 2),
            ('&', Some('>'), Some('>')) => (redir(RedirOp::AppendBoth), 3),
            ('&', Some('>'), _) => (redir(RedirOp::Both), 2),
            ('&', _, _) => (Tok::Op("&"), 1),
            ('|', Some('|'), _) => (Tok::Op("||"), 2),
            ('|', Some('&'), _) => (Tok::Op("|&"), 2),
            ('|', _, _) => (Tok::Op("|"), 1),
            ('(', _, _) => (Tok::Op("("), 1),
            (')', _, _) => (Tok::Op(")"), 1),
            ('<' | '>', _, _) => {
                let t = self.lex_redir(None);
                self.tok_end = self.pos;
                return Ok(t);
            }
            _ => {
                // A word can hold a whole `$(…)`: an error inside it was
                // placed by the inner token, and stays.
                let t = self.lex_word_token()?;
                self.tok_end = self.pos;
                return Ok(t);
            }
        };
        self.pos += len;
        self.tok_end = self.pos;
        Ok(tok)
    }

    fn lex_redir(&mut self, fd: Option<u32>) -> Tok {
        let (op, len) = match (self.at(0), self.at(1), self.at(2)) {
            (Some('<'), Some('<'), Some('<')) => (RedirOp::HereString, 3),
            (Some('<'), Some('<'), Some('-')) => (RedirOp::Heredoc { strip_tabs: true }, 3),
            (Some('<'), Some('<'), _) => (RedirOp::Heredoc { strip_tabs: false }, 2),
            (Some('<'), Some('&'), _) => (RedirOp::DupIn, 2),
            // `<>` opens for reading and writing; reading is what matters here.
            (Some('<'), Some('>'), _) => (RedirOp::In, 2),
            (Some('<'), _, _) => (RedirOp::In, 1),
            (Some('>'), Some('>'), _) => (RedirOp::Append, 2),
            (Some('>'), Some('&'), _) => (RedirOp::DupOut, 2),
            (Some('>'), Some('|'), _) => (RedirOp::Out, 2),
            _ => (RedirOp::Out, 1),
        };
        self.pos += len;
        Tok::Redir { fd, op }
    }

    fn lex_word_token(&mut self) -> Result<Tok, ParseError> {
        let start = self.pos;
        let word = self.lex_word()?;
        let raw: String = self.src[start..self.pos].iter().collect();
        // `2>file`: a number glued to a redirection operator names a descriptor.
        if matches!(self.at(0), Some('<' | '>')) {
            if let Some(n) = word
                .literal()
                .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
                .and_then(|s| s.parse::<u32>().ok())
            {
                return Ok(self.lex_redir(Some(n)));
            }
        }
        Ok(Tok::Word { word, raw })
    }

    /// Reads one word, up to an unquoted metacharacter.
    fn lex_word(&mut self) -> Result<Word, ParseError> {
        let mut word = Word::default();
        while let Some(c) = self.at(0) {
            if is_meta(c) {
                break;
            }
            self.pos += 1;
            match c {
                '\'' => {
                    let mut s = String::new();
                    loop {
                        match self.at(0) {
                            Some('\'') => break,
                            Some(ch) => s.push(ch),
                            None => return Err(ParseError::Unmatched('\'')),
                        }
                        self.pos += 1;
                    }
                    self.pos += 1;
                    word.parts.push(Part::Quoted(s));
                }
                '"' => self.lex_double_quoted(&mut word)?,
                '\\' => match self.at(0) {
                    Some('\n') => self.pos += 1,
                    Some(ch) => {
                        self.pos += 1;
                        word.push_lit(ch, true);
                    }
                    None => self.trailing_backslash = true,
                },
                '$' => self.lex_dollar(&mut word, false)?,
                '`' => self.lex_backquote(&mut word, false)?,
                _ => word.push_lit(c, false),
            }
        }
        Ok(word)
    }

    /// After an opening `"`: up to the closing one.
    fn lex_double_quoted(&mut self, word: &mut Word) -> Result<(), ParseError> {
        // `""` must leave a (quoted, empty) part behind.
        word.parts.push(Part::Quoted(String::new()));
        loop {
            let Some(c) = self.at(0) else {
                return Err(ParseError::Unmatched('"'));
            };
            self.pos += 1;
            match c {
                '"' => return Ok(()),
                '\\' => match self.at(0) {
                    Some(n @ ('$' | '`' | '"' | '\\')) => {
                        self.pos += 1;
                        word.push_lit(n, true);
                    }
                    Some('\n') => self.pos += 1,
                    _ => word.push_lit('\\', true),
                },
                '$' => self.lex_dollar(word, true)?,
                '`' => self.lex_backquote(word, true)?,
                _ => word.push_lit(c, true),
            }
        }
    }

    /// After a `$`.
    fn lex_dollar(&mut self, word: &mut Word, quoted: bool) -> Result<(), ParseError> {
        match self.at(0) {
            Some('(') if self.at(1) == Some('(') => {
                self.pos += 2;
                let mut depth = 0usize;
                let mut expr = String::new();
                loop {
                    match self.at(0) {
                        None => return Err(ParseError::Unmatched(')')),
                        Some('(') => depth += 1,
                        Some(')') if depth == 0 => {
                            if self.at(1) == Some(')') {
                                self.pos += 2;
                                break;
                            }
                            // The error is on this line, not the last good token's.
                            self.tok_end = self.pos + 1;
                            return Err(ParseError::UnexpectedToken(")".into()));
                        }
                        Some(')') => depth -= 1,
                        _ => {}
                    }
                    expr.extend(self.at(0));
                    self.pos += 1;
                }
                word.parts.push(Part::Arith { expr, quoted });
            }
            Some('(') => {
                self.pos += 1;
                if self.depth >= MAX_DEPTH {
                    self.tok_end = self.pos;
                    return Err(ParseError::TooDeep);
                }
                self.depth += 1;
                let script = self.parse_list(Stop::Paren)?;
                self.depth -= 1;
                // parse_list stopped at the `)`.
                self.next()?;
                word.parts.push(Part::Subst {
                    script: Rc::new(script),
                    quoted,
                });
            }
            Some('{') => {
                self.pos += 1;
                let mut expr = String::new();
                loop {
                    match self.at(0) {
                        None => return Err(ParseError::Unmatched('}')),
                        Some('}') => break,
                        Some(c) => expr.push(c),
                    }
                    self.pos += 1;
                }
                self.pos += 1;
                word.parts.push(Part::Param { expr, quoted });
            }
            Some('\'') if !quoted => {
                self.pos += 1;
                let start = self.pos;
                loop {
                    match self.at(0) {
                        None => return Err(ParseError::Unmatched('\'')),
                        Some('\'') => break,
                        // `\'` does not end the quote.
                        Some('\\') if self.at(1).is_some() => self.pos += 2,
                        Some(_) => self.pos += 1,
                    }
                }
                let raw: String = self.src[start..self.pos].iter().collect();
                self.pos += 1;
                word.parts
                    .push(Part::Quoted(escapes::decode(&raw, Flavor::AnsiC).0));
            }
            Some('"') if !quoted => {
                self.pos += 1;
                self.lex_double_quoted(word)?;
            }
            Some(c @ ('?' | '$' | '#' | '@' | '*' | '!' | '-' | '0'..='9')) => {
                self.pos += 1;
                word.parts.push(Part::Param {
                    expr: c.to_string(),
                    quoted,
                });
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let mut name = String::new();
                while let Some(c) = self.at(0) {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                word.parts.push(Part::Param { expr: name, quoted });
            }
            _ => word.push_lit('$', quoted),
        }
        Ok(())
    }

    /// After an opening backquote: the old `$(…)`.
    fn lex_backquote(&mut self, word: &mut Word, quoted: bool) -> Result<(), ParseError> {
        let mut inner = String::new();
        loop {
            match self.at(0) {
                None => return Err(ParseError::Unmatched('`')),
                Some('`') => break,
                Some('\\') => match self.at(1) {
                    Some(c @ ('$' | '`' | '\\')) => {
                        inner.push(c);
                        self.pos += 1;
                    }
                    _ => inner.push('\\'),
                },
                Some(c) => inner.push(c),
            }
            self.pos += 1;
        }
        self.pos += 1;
        let mut sub = Parser::new(&inner, self.depth + 1);
        // An error inside is placed at the closing backquote: the inner text
        // is parsed only once it is whole.
        self.tok_end = self.pos;
        let script = sub.parse_all()?;
        self.warnings.extend(sub.warnings);
        word.parts.push(Part::Subst {
            script: Rc::new(script),
            quoted,
        });
        Ok(())
    }

    // ---- here-documents -------------------------------------------------

    fn read_heredoc_bodies(&mut self) -> Result<(), ParseError> {
        for p in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            let mut found = false;
            while self.pos < self.src.len() {
                let end = self.src[self.pos..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(self.src.len(), |i| self.pos + i);
                let mut line: &[char] = &self.src[self.pos..end];
                self.pos = (end + 1).min(self.src.len());
                if p.strip_tabs {
                    while let [first, rest @ ..] = line {
                        if *first != '\t' {
                            break;
                        }
                        line = rest;
                    }
                }
                let text: String = line.iter().collect();
                if text.strip_suffix('\r').unwrap_or(&text) == p.delimiter {
                    found = true;
                    break;
                }
                body.push_str(&text);
                body.push('\n');
            }
            if !found {
                self.heredoc_at_eof = true;
                self.open_heredoc
                    .get_or_insert((p.delimiter.clone(), p.strip_tabs));
                self.warnings.push(HeredocWarning {
                    line: p.line,
                    delimiter: p.delimiter.clone(),
                });
            }
            let word = if p.quoted {
                Word {
                    parts: vec![Part::Quoted(body)],
                }
            } else {
                let mut sub = Parser::new(&body, self.depth + 1);
                let w = match sub.heredoc_word() {
                    Ok(w) => w,
                    // A body still arriving cannot be wrong yet: bash reads
                    // on to the delimiter and expands the body only then.
                    Err(_) if !found => Word {
                        parts: vec![Part::Quoted(body)],
                    },
                    Err(e) => {
                        // Found at the delimiter line, when the body is whole.
                        self.tok_end = self.pos;
                        return Err(e);
                    }
                };
                self.warnings.extend(sub.warnings);
                w
            };
            self.bodies[p.id] = Some(word);
        }
        Ok(())
    }

    fn flush_pending_at_eof(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            self.heredoc_at_eof = true;
            self.open_heredoc
                .get_or_insert((p.delimiter.clone(), p.strip_tabs));
            self.warnings.push(HeredocWarning {
                line: p.line,
                delimiter: p.delimiter,
            });
            self.bodies[p.id] = Some(Word::default());
        }
    }

    /// A here-document body with an unquoted delimiter: `$` and backquotes
    /// expand, `\` escapes only `$`, `` ` ``, `\` and a newline.
    fn heredoc_word(&mut self) -> Result<Word, ParseError> {
        if self.depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        let mut word = Word {
            parts: vec![Part::Quoted(String::new())],
        };
        while let Some(c) = self.at(0) {
            self.pos += 1;
            match c {
                '\\' => match self.at(0) {
                    Some(n @ ('$' | '`' | '\\')) => {
                        self.pos += 1;
                        word.push_lit(n, true);
                    }
                    Some('\n') => self.pos += 1,
                    _ => word.push_lit('\\', true),
                },
                '$' => self.lex_dollar(&mut word, true)?,
                '`' => self.lex_backquote(&mut word, true)?,
                _ => word.push_lit(c, true),
            }
        }
        let mut bodies = std::mem::take(&mut self.bodies);
        for p in &mut word.parts {
            if let Part::Subst { script, .. } = p {
                fill_script(Rc::make_mut(script), &mut bodies);
            }
        }
        Ok(word)
    }

    // ---- grammar ------------------------------------------------------

    fn parse_list(&mut self, stop: Stop) -> Result<Script, ParseError> {
        let mut items = vec![];
        loop {
            self.skip_newlines()?;
            match self.peek()? {
                Tok::Eof => match stop {
                    Stop::Eof => break,
                    Stop::Paren => return Err(ParseError::Unmatched(')')),
                    Stop::Done => return Err(ParseError::UnexpectedEof),
                },
                Tok::Op(")") if stop == Stop::Paren => break,
                t if stop == Stop::Done && t.keyword() == Some("done") => break,
                _ => {}
            }
            items.push(self.parse_and_or()?);
            match self.peek()? {
                Tok::Op(";" | "&") => {
                    if *self.peek()? == Tok::Op("&") {
                        if let Some(last) = items.last_mut() {
                            last.background = true;
                        }
                    }
                    self.next()?;
                }
                Tok::Newline | Tok::Eof => {}
                Tok::Op(")") if stop == Stop::Paren => {}
                // `name (` starts a function definition; bash names what follows.
                Tok::Op("(") => {
                    self.next()?;
                    return Err(match self.next()? {
                        Tok::Op(")") => ParseError::Unsupported("function definitions".into()),
                        t => ParseError::UnexpectedToken(t.text()),
                    });
                }
                t => return Err(ParseError::UnexpectedToken(t.text())),
            }
        }
        Ok(Script { items })
    }

    fn parse_and_or(&mut self) -> Result<AndOr, ParseError> {
        self.peek()?;
        let start = self.tok_start;
        let first = self.parse_pipeline()?;
        let mut rest = vec![];
        loop {
            let op = match self.peek()? {
                Tok::Op("&&") => AndOrOp::And,
                Tok::Op("||") => AndOrOp::Or,
                _ => break,
            };
            self.next()?;
            self.skip_newlines()?;
            if *self.peek()? == Tok::Eof {
                return Err(ParseError::UnexpectedEof);
            }
            rest.push((op, self.parse_pipeline()?));
        }
        self.peek()?;
        let end = self.tok_start.min(self.src.len());
        let text: String = self.src[start.min(end)..end].iter().collect();
        Ok(AndOr {
            first,
            rest,
            background: false,
            text: text.trim().to_string(),
        })
    }

    fn parse_pipeline(&mut self) -> Result<Pipeline, ParseError> {
        let mut timed = None;
        if self.peek()?.keyword() == Some("time") {
            self.next()?;
            timed = Some(false);
            if self.peek()?.keyword() == Some("-p") {
                self.next()?;
                timed = Some(true);
            }
            // `time` alone times nothing.
            if matches!(
                self.peek()?,
                Tok::Eof | Tok::Newline | Tok::Op(";" | "&" | "&&" | "||" | ")")
            ) {
                return Ok(Pipeline {
                    timed,
                    negated: false,
                    commands: vec![],
                });
            }
        }
        let mut negated = false;
        if self.peek()?.keyword() == Some("!") {
            self.next()?;
            negated = true;
        }
        let mut commands = vec![self.parse_command()?];
        loop {
            let with_stderr = match self.peek()? {
                Tok::Op("|") => false,
                Tok::Op("|&") => true,
                _ => break,
            };
            self.next()?;
            if with_stderr {
                // `a |& b` is `a 2>&1 | b`.
                let dup = Redir {
                    fd: Some(2),
                    op: RedirOp::DupOut,
                    target: Word {
                        parts: vec![Part::Lit("1".into())],
                    },
                    raw: "1".into(),
                    heredoc: None,
                };
                match commands.last_mut() {
                    Some(Command::Simple(s)) => s.redirs.push(dup),
                    Some(Command::For(f)) => f.redirs.push(dup),
                    None => {}
                }
            }
            self.skip_newlines()?;
            if *self.peek()? == Tok::Eof {
                return Err(ParseError::UnexpectedEof);
            }
            commands.push(self.parse_command()?);
        }
        Ok(Pipeline {
            timed,
            negated,
            commands,
        })
    }

    fn parse_command(&mut self) -> Result<Command, ParseError> {
        let tok = self.peek()?.clone();
        match tok.keyword() {
            Some("for") => return self.parse_for(),
            Some(
                k @ ("if" | "while" | "until" | "case" | "select" | "function" | "{" | "[["
                | "coproc"),
            ) => return Err(ParseError::Unsupported(k.to_string())),
            Some(
                k @ ("do" | "done" | "then" | "else" | "elif" | "fi" | "esac" | "}" | "in" | "!"),
            ) => {
                return Err(ParseError::UnexpectedToken(k.to_string()));
            }
            _ => {}
        }
        if tok == Tok::Op("(") {
            return Err(ParseError::Unsupported("( … )".into()));
        }
        let mut simple = Simple::default();
        loop {
            match self.peek()? {
                Tok::Word { word, .. } => {
                    let word = word.clone();
                    self.next()?;
                    match word.assignment() {
                        Some(a) if simple.words.is_empty() => simple.assigns.push(a),
                        _ => simple.words.push(word),
                    }
                }
                Tok::Redir { .. } => {
                    let r = self.parse_redir()?;
                    simple.redirs.push(r);
                }
                _ => break,
            }
        }
        if simple.words.is_empty() && simple.assigns.is_empty() && simple.redirs.is_empty() {
            return Err(match self.peek()? {
                Tok::Eof => ParseError::UnexpectedEof,
                t => ParseError::UnexpectedToken(t.text()),
            });
        }
        Ok(Command::Simple(simple))
    }

    fn parse_redir(&mut self) -> Result<Redir, ParseError> {
        let op_start = self.pos;
        let (fd, op) = match self.next()? {
            Tok::Redir { fd, op } => (fd, op),
            t => return Err(ParseError::UnexpectedToken(t.text())),
        };
        let (target, raw) = match self.next()? {
            Tok::Word { word, raw } => (word, raw),
            t => return Err(ParseError::UnexpectedToken(t.text())),
        };
        let mut heredoc = None;
        if let RedirOp::Heredoc { strip_tabs } = op {
            let (delimiter, quoted) = heredoc_delimiter(&raw);
            let id = self.bodies.len();
            self.bodies.push(None);
            let line = self.line_at(op_start);
            self.pending.push(Pending {
                id,
                delimiter,
                strip_tabs,
                quoted,
                line,
            });
            heredoc = Some(id);
        }
        Ok(Redir {
            fd,
            op,
            target,
            raw,
            heredoc,
        })
    }

    fn parse_for(&mut self) -> Result<Command, ParseError> {
        self.next()?; // `for`
        let var = match self.next()? {
            Tok::Word { raw, .. } => raw,
            Tok::Eof => return Err(ParseError::UnexpectedToken("newline".into())),
            t => return Err(ParseError::UnexpectedToken(t.text())),
        };
        self.skip_newlines()?;
        let items = match self.peek()?.clone() {
            t if t.keyword() == Some("in") => {
                self.next()?;
                let mut items = vec![];
                loop {
                    match self.next()? {
                        Tok::Word { word, .. } => items.push(word),
                        Tok::Op(";") | Tok::Newline => break,
                        Tok::Eof => return Err(ParseError::UnexpectedEof),
                        t => return Err(ParseError::UnexpectedToken(t.text())),
                    }
                }
                Some(items)
            }
            t if t.keyword() == Some("do") => None,
            Tok::Op(";") => {
                self.next()?;
                None
            }
            Tok::Eof => return Err(ParseError::UnexpectedEof),
            t => return Err(ParseError::UnexpectedToken(t.text())),
        };
        self.skip_newlines()?;
        match self.next()? {
            t if t.keyword() == Some("do") => {}
            Tok::Eof => return Err(ParseError::UnexpectedEof),
            t => return Err(ParseError::UnexpectedToken(t.text())),
        }
        if self.depth >= MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        self.depth += 1;
        let body = self.parse_list(Stop::Done)?;
        self.depth -= 1;
        self.next()?; // `done`
        if body.items.is_empty() {
            return Err(ParseError::UnexpectedToken("done".into()));
        }
        let mut redirs = vec![];
        while matches!(self.peek()?, Tok::Redir { .. }) {
            redirs.push(self.parse_redir()?);
        }
        Ok(Command::For(ForLoop {
            var,
            items,
            body,
            redirs,
        }))
    }
}

fn redir(op: RedirOp) -> Tok {
    Tok::Redir { fd: None, op }
}

/// The here-document delimiter after quote removal, and whether any part of
/// it was quoted (which turns expansion in the body off).
fn heredoc_delimiter(raw: &str) -> (String, bool) {
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = true;
                out.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                quoted = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => out.extend(chars.next()),
                        c => out.push(c),
                    }
                }
            }
            '\\' => {
                quoted = true;
                out.extend(chars.next());
            }
            c => out.push(c),
        }
    }
    (out, quoted)
}

fn fill_word(w: &mut Word, bodies: &mut [Option<Word>]) {
    for p in &mut w.parts {
        if let Part::Subst { script, .. } = p {
            fill_script(Rc::make_mut(script), bodies);
        }
    }
}

fn fill_redirs(redirs: &mut [Redir], bodies: &mut [Option<Word>]) {
    for r in redirs {
        if let Some(id) = r.heredoc {
            if let Some(body) = bodies.get_mut(id).and_then(Option::take) {
                r.target = body;
            }
        } else {
            fill_word(&mut r.target, bodies);
        }
    }
}

/// Puts the here-document bodies (read after their line) into the tree.
fn fill_script(s: &mut Script, bodies: &mut [Option<Word>]) {
    for and_or in &mut s.items {
        let pipelines =
            std::iter::once(&mut and_or.first).chain(and_or.rest.iter_mut().map(|(_, p)| p));
        for p in pipelines {
            for c in &mut p.commands {
                match c {
                    Command::Simple(simple) => {
                        for (_, w) in &mut simple.assigns {
                            fill_word(w, bodies);
                        }
                        for w in &mut simple.words {
                            fill_word(w, bodies);
                        }
                        fill_redirs(&mut simple.redirs, bodies);
                    }
                    Command::For(f) => {
                        for w in f.items.iter_mut().flatten() {
                            fill_word(w, bodies);
                        }
                        fill_script(&mut f.body, bodies);
                        fill_redirs(&mut f.redirs, bodies);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Lit(s.into())
    }

    fn q(s: &str) -> Part {
        Part::Quoted(s.into())
    }

    fn simple(text: &str) -> Simple {
        let p = parse(text).unwrap();
        assert_eq!(p.script.items.len(), 1, "{text}");
        match &p.script.items[0].first.commands[0] {
            Command::Simple(s) => s.clone(),
            c => panic!("not simple: {c:?}"),
        }
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn quotes_and_escapes() {
        let s = simple(r#"curl -w '%{http_code}\n' "http://a b" c\ d"#);
        assert_eq!(s.words[1].parts, vec![lit("-w")]);
        assert_eq!(s.words[2].parts, vec![q("%{http_code}\\n")]);
        assert_eq!(s.words[3].parts, vec![q("http://a b")]);
        assert_eq!(s.words[4].parts, vec![lit("c"), q(" "), lit("d")]);
        let s = simple(r#"echo "a\"b" 'x'"y" '' "" $'a\tb'"#);
        assert_eq!(s.words[1].parts, vec![q("a\"b")]);
        assert_eq!(s.words[2].parts, vec![q("x"), q("y")]);
        assert_eq!(s.words[3].parts, vec![q("")]);
        assert_eq!(s.words[4].parts, vec![q("")]);
        assert_eq!(s.words[5].parts, vec![q("a\tb")]);
    }

    #[test]
    fn parameters_and_substitutions() {
        let s = simple(r#"echo $? "$HOME/x" '$HOME' ${HOME} $ a$1 $(ls -l) "`hostname`" $((1+2))"#);
        let p = |e: &str, quoted| Part::Param {
            expr: e.into(),
            quoted,
        };
        assert_eq!(s.words[1].parts, vec![p("?", false)]);
        assert_eq!(s.words[2].parts, vec![q(""), p("HOME", true), q("/x")]);
        assert_eq!(s.words[3].parts, vec![q("$HOME")]);
        assert_eq!(s.words[4].parts, vec![p("HOME", false)]);
        assert_eq!(s.words[5].parts, vec![lit("$")]);
        assert_eq!(s.words[6].parts, vec![lit("a"), p("1", false)]);
        match &s.words[7].parts[..] {
            [Part::Subst {
                script,
                quoted: false,
            }] => assert_eq!(script.items.len(), 1),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            &s.words[8].parts[..],
            [Part::Quoted(_), Part::Subst { quoted: true, .. }]
        ));
        assert_eq!(
            s.words[9].parts,
            vec![Part::Arith {
                expr: "1+2".into(),
                quoted: false
            }]
        );
    }

    #[test]
    fn lists_pipelines_and_comments() {
        let p = parse("a && b || c; d | e | f # g\nh &").unwrap().script;
        assert_eq!(p.items.len(), 3);
        assert_eq!(p.items[0].rest.len(), 2);
        assert_eq!(p.items[0].rest[0].0, AndOrOp::And);
        assert_eq!(p.items[0].rest[1].0, AndOrOp::Or);
        assert_eq!(p.items[1].first.commands.len(), 3);
        assert!(parse("   ").unwrap().script.items.is_empty());
        assert!(parse("# only a comment").unwrap().script.items.is_empty());
        assert_eq!(simple("echo a#b").words[1].parts, vec![lit("a#b")]);
    }

    #[test]
    fn assignments_and_redirections() {
        let s = simple("A=1 B=\"x y\" cmd C=3 2>&1 >out <in 2>/dev/null >>log &>all");
        assert_eq!(s.assigns.len(), 2);
        assert_eq!(s.assigns[1].1.parts, vec![q("x y")]);
        assert_eq!(s.words.len(), 2);
        let ops: Vec<(u32, RedirOp, &str)> = s
            .redirs
            .iter()
            .map(|r| (r.fd(), r.op, r.raw.as_str()))
            .collect();
        assert_eq!(
            ops,
            vec![
                (2, RedirOp::DupOut, "1"),
                (1, RedirOp::Out, "out"),
                (0, RedirOp::In, "in"),
                (2, RedirOp::Out, "/dev/null"),
                (1, RedirOp::Append, "log"),
                (1, RedirOp::Both, "all"),
            ]
        );
        assert!(simple("A=1").words.is_empty());
        assert_eq!(simple("x=").assigns[0].1, Word::default());
    }

    #[test]
    fn heredocs() {
        let s = simple("cat > svc.yaml <<'EOF'\nname: $X\n  port: 80\nEOF");
        assert_eq!(s.redirs[1].target.parts, vec![q("name: $X\n  port: 80\n")]);
        let s = simple("cat <<EOF\nhi $USER \\$x\nEOF\n");
        assert_eq!(
            s.redirs[0].target.parts,
            vec![
                q("hi "),
                Part::Param {
                    expr: "USER".into(),
                    quoted: true
                },
                q(" $x\n")
            ]
        );
        let s = simple("cat <<-X\n\t\tindented\n\tX");
        assert_eq!(s.redirs[0].target.parts, vec![q("indented\n")]);
        // The pipe comes after the operator; the body after the line.
        let p = parse("cat <<EOF | kubectl apply -f -\nkind: Service\nEOF\necho done")
            .unwrap()
            .script;
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[0].first.commands.len(), 2);
        // Two here-documents on one line are read in order.
        let s = simple("cat <<A <<B\na\nA\nb\nB");
        assert_eq!(s.redirs[0].target.parts, vec![q("a\n")]);
        assert_eq!(s.redirs[1].target.parts, vec![q("b\n")]);
        // Unterminated: a warning, and what was read.
        let p = parse("echo\ncat <<EOF\nabc").unwrap();
        assert_eq!(
            p.warnings,
            vec![HeredocWarning {
                line: 2,
                delimiter: "EOF".into()
            }]
        );
    }

    #[test]
    fn for_loops() {
        let p = parse("for i in $(seq 1 3); do echo $i; done > out")
            .unwrap()
            .script;
        let Command::For(f) = &p.items[0].first.commands[0] else {
            panic!()
        };
        assert_eq!(f.var, "i");
        assert_eq!(f.items.as_ref().unwrap().len(), 1);
        assert_eq!(f.body.items.len(), 1);
        assert_eq!(f.redirs.len(), 1);
        let p = parse("for x in a b\ndo\n  echo $x\n  echo done\ndone")
            .unwrap()
            .script;
        let Command::For(f) = &p.items[0].first.commands[0] else {
            panic!()
        };
        assert_eq!(f.body.items.len(), 2);
        assert!(parse("for i do echo; done").is_ok());
    }

    #[test]
    fn errors_read_like_bash() {
        assert_eq!(
            err("echo 'oops"),
            "unexpected EOF while looking for matching `''"
        );
        assert_eq!(err("&& ls"), "syntax error near unexpected token `&&'");
        assert_eq!(err("| ls"), "syntax error near unexpected token `|'");
        assert_eq!(err("ls |"), "syntax error: unexpected end of file");
        assert_eq!(err("cat >"), "syntax error near unexpected token `newline'");
        assert_eq!(err("cat > |"), "syntax error near unexpected token `|'");
        assert_eq!(err("ls ;;"), "syntax error near unexpected token `;;'");
        assert_eq!(err("ls ; ; ls"), "syntax error near unexpected token `;'");
        assert_eq!(err("done"), "syntax error near unexpected token `done'");
        assert_eq!(err("for"), "syntax error near unexpected token `newline'");
        assert_eq!(
            err("for i in 1; do"),
            "syntax error: unexpected end of file"
        );
        assert_eq!(
            err("for i in a; echo; done"),
            "syntax error near unexpected token `echo'"
        );
        assert_eq!(
            err("for i in a; do done"),
            "syntax error near unexpected token `done'"
        );
        assert_eq!(
            err("for i in a; do echo; done done"),
            "syntax error near unexpected token `done'"
        );
        assert_eq!(
            err("echo $(ls"),
            "unexpected EOF while looking for matching `)'"
        );
        assert_eq!(err("echo )"), "syntax error near unexpected token `)'");
        assert_eq!(err("echo (hi)"), "syntax error near unexpected token `hi'");
        assert!(err("if true; then echo; fi").starts_with("if: not supported"));
        let deep = "$(".repeat(100);
        assert_eq!(err(&deep), "maximum nesting depth exceeded");
        let deep = "for i in 1; do ".repeat(100);
        assert_eq!(err(&deep), "maximum nesting depth exceeded");
    }

    #[test]
    fn needs_more_follows_bash() {
        for more in [
            "cat <<EOF",
            "cat <<EOF\nabc",
            "cat <<'EOF' | kubectl apply -f -\nkind: x",
            "echo 'a",
            "echo \"a\nb",
            "echo a \\",
            "ls |",
            "ls &&",
            "ls ||  # comment",
            "echo $(ls",
            "for i in 1 2",
            "for i in 1 2; do",
            "for i in 1 2; do\necho $i",
        ] {
            assert!(needs_more(more), "{more:?}");
        }
        for done in [
            "",
            "ls",
            "cat <<EOF\nabc\nEOF",
            "cat <<-EOF\n\tabc\n\tEOF",
            "echo a \\\nb",
            "echo 'a\nb'",
            "| ls",
            "echo \\\\",
            "# comment \\",
            "for i in 1 2; do\necho $i\ndone",
            "time",
        ] {
            assert!(!needs_more(done), "{done:?}");
        }
    }
}
