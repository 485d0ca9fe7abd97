//! awk's tokens: names, numbers, strings, regex literals (a `/` where an
//! operand may start), operators, and the newlines that end statements.

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Num(f64),
    Str(String),
    Regex(String),
    Name(String),
    /// A name followed at once by `(`: a user function's call.
    FuncName(String),
    Builtin(&'static str),
    Kw(&'static str),
    Punct(&'static str),
    Newline,
    Eof,
}

/// A token and where it starts (line, 0-based column).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
    pub col: usize,
}

const KEYWORDS: &[&str] = &[
    "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue",
    "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf",
];

const BUILTINS: &[&str] = &[
    "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "sin", "cos", "atan2",
    "exp", "log", "sqrt", "int", "rand", "srand", "tolower", "toupper", "system", "close",
    "fflush",
];

/// Punctuation, longest first.
const PUNCT: &[&str] = &[
    "**=", "+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "++", "--", "&&", "||",
    ">>", "!~", "**", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!",
    ">", "<", "|", "?", ":", "~", "$", "=",
];

/// Why the text could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Whether a `/` after this token divides (an operand ended) rather than
/// starting a regex.
fn ends_operand(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Num(_) | Tok::Str(_) | Tok::Name(_) | Tok::Builtin(_) | Tok::Regex(_)
    ) || matches!(t, Tok::Punct(")" | "]" | "$" | "++" | "--"))
}

pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let c: Vec<char> = src.chars().collect();
    let mut out: Vec<Token> = vec![];
    let (mut i, mut line, mut line_start) = (0usize, 1usize, 0usize);
    while i < c.len() {
        let col = i - line_start;
        let ch = c[i];
        let start_line = line;
        let push = |out: &mut Vec<Token>, tok| {
            out.push(Token {
                tok,
                line: start_line,
                col,
            })
        };
        match ch {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if c.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                line_start = i;
            }
            '\n' => {
                push(&mut out, Tok::Newline);
                i += 1;
                line += 1;
                line_start = i;
            }
            '#' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                let mut s = String::new();
                loop {
                    let Some(&d) = c.get(i) else {
                        return Err(LexError {
                            line,
                            col,
                            message: "unterminated string".into(),
                        });
                    };
                    i += 1;
                    match d {
                        '"' => break,
                        '\n' => {
                            return Err(LexError {
                                line,
                                col,
                                message: "unterminated string".into(),
                            })
                        }
                        '\\' => {
                            let Some(&e) = c.get(i) else { continue };
                            i += 1;
                            match e {
                                'n' => s.push('\n'),
                                't' => s.push('\t'),
                                'r' => s.push('\r'),
                                '\\' => s.push('\\'),
                                '"' => s.push('"'),
                                '/' => s.push('/'),
                                'a' => s.push('\x07'),
                                'b' => s.push('\x08'),
                                'f' => s.push('\x0c'),
                                'v' => s.push('\x0b'),
                                '\n' => {
                                    line += 1;
                                    line_start = i;
                                }
                                '0'..='7' => {
                                    let mut v = e as u32 - '0' as u32;
                                    for _ in 0..2 {
                                        match c.get(i) {
                                            Some(&o @ '0'..='7') => {
                                                v = v * 8 + (o as u32 - '0' as u32);
                                                i += 1;
                                            }
                                            _ => break,
                                        }
                                    }
                                    s.push(char::from_u32(v).unwrap_or('?'));
                                }
                                other => {
                                    s.push('\\');
                                    s.push(other);
                                }
                            }
                        }
                        d => s.push(d),
                    }
                }
                push(&mut out, Tok::Str(s));
            }
            '/' if !out.last().is_some_and(|t| ends_operand(&t.tok)) => {
                i += 1;
                let mut s = String::new();
                let mut in_bracket = false;
                loop {
                    let Some(&d) = c.get(i) else {
                        return Err(LexError {
                            line,
                            col,
                            message: "unterminated regexp".into(),
                        });
                    };
                    i += 1;
                    match d {
                        '\n' => {
                            return Err(LexError {
                                line,
                                col,
                                message: "unterminated regexp".into(),
                            })
                        }
                        '/' if !in_bracket => break,
                        '[' => {
                            in_bracket = true;
                            s.push(d);
                        }
                        ']' => {
                            in_bracket = false;
                            s.push(d);
                        }
                        '\\' => {
                            if let Some(&e) = c.get(i) {
                                i += 1;
                                if e == '/' {
                                    s.push('/');
                                } else {
                                    s.push('\\');
                                    s.push(e);
                                }
                            }
                        }
                        d => s.push(d),
                    }
                }
                push(&mut out, Tok::Regex(s));
            }
            d if d.is_ascii_digit()
                || (d == '.' && c.get(i + 1).is_some_and(|n| n.is_ascii_digit())) =>
            {
                let s = i;
                while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                    i += 1;
                }
                if i < c.len() && (c[i] == 'e' || c[i] == 'E') {
                    let save = i;
                    i += 1;
                    if i < c.len() && (c[i] == '+' || c[i] == '-') {
                        i += 1;
                    }
                    if i < c.len() && c[i].is_ascii_digit() {
                        while i < c.len() && c[i].is_ascii_digit() {
                            i += 1;
                        }
                    } else {
                        i = save;
                    }
                }
                let text: String = c[s..i].iter().collect();
                push(&mut out, Tok::Num(super::value::str_to_num(&text)));
            }
            d if d.is_ascii_alphabetic() || d == '_' => {
                let s = i;
                while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                let word: String = c[s..i].iter().collect();
                let tok = if let Some(k) = KEYWORDS.iter().find(|k| **k == word) {
                    Tok::Kw(k)
                } else if let Some(b) = BUILTINS.iter().find(|b| **b == word) {
                    Tok::Builtin(b)
                } else if c.get(i) == Some(&'(') {
                    Tok::FuncName(word)
                } else {
                    Tok::Name(word)
                };
                push(&mut out, tok);
            }
            _ => {
                let rest: String = c[i..c.len().min(i + 3)].iter().collect();
                let Some(p) = PUNCT.iter().find(|p| rest.starts_with(**p)) else {
                    return Err(LexError {
                        line,
                        col,
                        message: format!("invalid char '{ch}' in expression"),
                    });
                };
                i += p.chars().count();
                push(&mut out, Tok::Punct(p));
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        line,
        col: i - line_start,
    });
    Ok(out)
}
