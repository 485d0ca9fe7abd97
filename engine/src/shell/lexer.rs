//! Splits a command line the way bash does: words, quotes, escapes, comments,
//! and the list operators `;`, `&&`, `||` and `|`.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// `;`
    Seq,
    /// `&&`: run the next command only if this one succeeded.
    And,
    /// `||`: run the next command only if this one failed.
    Or,
    /// `|`: the next command reads this one's output.
    Pipe,
}

/// A piece of a word: literal text, or a parameter to expand when the
/// command runs (so `a; echo $?` sees `a`'s status, as in bash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    Param(String),
}

/// A word before expansion. `quoted` words survive expanding to nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub parts: Vec<Part>,
    pub quoted: bool,
}

impl Word {
    fn push_char(&mut self, c: char) {
        match self.parts.last_mut() {
            Some(Part::Lit(s)) => s.push(c),
            _ => self.parts.push(Part::Lit(c.to_string())),
        }
    }
}

/// Expands words with `vars`; unquoted words that expand to nothing vanish.
pub fn expand(words: &[Word], vars: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    words
        .iter()
        .filter_map(|w| {
            let mut s = String::new();
            for p in &w.parts {
                match p {
                    Part::Lit(t) => s.push_str(t),
                    Part::Param(n) => s.push_str(&vars(n).unwrap_or_default()),
                }
            }
            (w.quoted || !s.is_empty()).then_some(s)
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<Word>,
    /// How this command is joined to the next one.
    pub connector: Option<Connector>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexError {
    /// An opening quote with no closing one.
    UnterminatedQuote(char),
    /// An operator where a command should be.
    UnexpectedToken(String),
}

/// Worded as bash words it.
impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LexError::UnterminatedQuote(q) => {
                write!(f, "unexpected EOF while looking for matching `{q}'")
            }
            LexError::UnexpectedToken(t) => write!(f, "syntax error near unexpected token `{t}'"),
        }
    }
}

enum Tok {
    Word(Word),
    Op(Connector),
}

/// Reads a parameter name after `$` (`?`, `NAME` or `{NAME}`) into `word`.
fn read_param(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, word: &mut Word) {
    let name = match chars.peek().copied() {
        Some('?') => {
            chars.next();
            "?".to_string()
        }
        Some('{') => {
            chars.next();
            let mut name = String::new();
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                name.push(c);
            }
            name
        }
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            let mut name = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    name.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            name
        }
        _ => {
            word.push_char('$');
            return;
        }
    };
    word.parts.push(Part::Param(name));
}

fn tokens(line: &str) -> Result<Vec<Tok>, LexError> {
    let mut toks = vec![];
    let mut chars = line.chars().peekable();
    let mut word = Word::default();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    toks.push(Tok::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                word.quoted = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push_char(ch),
                        None => return Err(LexError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                word.quoted = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.peek() {
                            Some(&n @ ('$' | '`' | '"' | '\\')) => {
                                word.push_char(n);
                                chars.next();
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => word.push_char('\\'),
                        },
                        Some('$') => read_param(&mut chars, &mut word),
                        Some(ch) => word.push_char(ch),
                        None => return Err(LexError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(ch) => {
                        word.quoted = true;
                        word.push_char(ch);
                    }
                }
            }
            '$' => {
                in_word = true;
                read_param(&mut chars, &mut word);
            }
            ';' | '&' | '|' => {
                if in_word {
                    toks.push(Tok::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                let op = match (c, chars.peek()) {
                    ('&', Some('&')) => {
                        chars.next();
                        Connector::And
                    }
                    ('|', Some('|')) => {
                        chars.next();
                        Connector::Or
                    }
                    ('|', _) => Connector::Pipe,
                    (';', _) => Connector::Seq,
                    // A lone `&` would background the command; there are no jobs here,
                    // so it runs in the foreground like `;`.
                    _ => Connector::Seq,
                };
                toks.push(Tok::Op(op));
            }
            _ => {
                in_word = true;
                word.push_char(c);
            }
        }
    }
    if in_word {
        toks.push(Tok::Word(word));
    }
    Ok(toks)
}

fn op_text(c: Connector) -> &'static str {
    match c {
        Connector::Seq => ";",
        Connector::And => "&&",
        Connector::Or => "||",
        Connector::Pipe => "|",
    }
}

/// Parses a line into commands joined by connectors. Parameters (`$?`,
/// `$NAME`, `${NAME}`, outside single quotes) are kept for [`expand`] to
/// fill in when each command runs. An empty line (or a comment) gives no
/// commands.
pub fn parse_line(line: &str) -> Result<Vec<Command>, LexError> {
    let mut commands: Vec<Command> = vec![];
    let mut current: Vec<Word> = vec![];
    for tok in tokens(line)? {
        match tok {
            Tok::Word(w) => current.push(w),
            Tok::Op(op) => {
                if current.is_empty() {
                    return Err(LexError::UnexpectedToken(op_text(op).to_string()));
                }
                commands.push(Command {
                    words: std::mem::take(&mut current),
                    connector: Some(op),
                });
            }
        }
    }
    if current.is_empty() {
        // `a;` is fine in bash; `a &&` at the end asks for more input.
        if let Some(last) = commands.last() {
            match last.connector {
                Some(Connector::Seq) | None => {}
                Some(op) => return Err(LexError::UnexpectedToken(op_text(op).to_string())),
            }
        }
    } else {
        commands.push(Command {
            words: current,
            connector: None,
        });
    }
    Ok(commands)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    fn words(line: &str) -> Vec<Vec<String>> {
        parse_line(line)
            .unwrap()
            .into_iter()
            .map(|c| expand(&c.words, &none))
            .collect()
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            words(r#"curl -w '%{http_code}\n' "http://a b" c\ d"#),
            vec![vec!["curl", "-w", "%{http_code}\\n", "http://a b", "c d"]]
        );
        assert_eq!(
            words(r#"echo "a\"b" 'x'"y""#),
            vec![vec!["echo", "a\"b", "xy"]]
        );
        assert_eq!(words("echo ''"), vec![vec!["echo", ""]]);
    }

    #[test]
    fn lists_and_comments() {
        let c = parse_line("a && b || c; d # e").unwrap();
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].connector, Some(Connector::And));
        assert_eq!(c[1].connector, Some(Connector::Or));
        assert_eq!(c[2].connector, Some(Connector::Seq));
        assert_eq!(expand(&c[3].words, &none), vec!["d"]);
        assert!(parse_line("   ").unwrap().is_empty());
        assert!(parse_line("# only a comment").unwrap().is_empty());
    }

    #[test]
    fn parameters_expand_outside_single_quotes() {
        let vars = |n: &str| match n {
            "?" => Some("7".to_string()),
            "HOME" => Some("/home/student".to_string()),
            _ => None,
        };
        let w: Vec<Vec<String>> =
            parse_line("echo $? \"$HOME/x\" '$HOME' ${HOME} $NOPE \"$NOPE\" $")
                .unwrap()
                .into_iter()
                .map(|c| expand(&c.words, &vars))
                .collect();
        assert_eq!(
            w,
            vec![vec![
                "echo",
                "7",
                "/home/student/x",
                "$HOME",
                "/home/student",
                "",
                "$"
            ]]
        );
    }

    #[test]
    fn errors_read_like_bash() {
        assert_eq!(
            parse_line("echo 'oops").unwrap_err().to_string(),
            "unexpected EOF while looking for matching `''"
        );
        assert_eq!(
            parse_line("&& ls").unwrap_err().to_string(),
            "syntax error near unexpected token `&&'"
        );
        assert!(parse_line("ls &&").is_err());
    }
}
