//! awk's grammar (POSIX, as gawk reads it): rules of a pattern and an
//! action, BEGIN and END, functions, statements and expressions with
//! their precedence, from `?:` down to `$` and grouping. A syntax error
//! names the token it stopped at, as gawk's caret does.

use super::lex::{Tok, Token};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LValue {
    Var(String),
    Field(Box<Expr>),
    Index(String, Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    Str(String),
    /// `/re/` alone: matched against `$0`.
    Regex(String),
    Lv(LValue),
    Assign(Box<LValue>, Option<BinOp>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    In(Vec<Expr>, String),
    IncDec(Box<LValue>, f64, bool),
    Call(String, Vec<Expr>),
    Builtin(&'static str, Vec<Expr>),
    /// `(a, b)`: a list in parentheses (`print (a, b)`, `(i, j) in arr`).
    List(Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Redirect {
    File(Expr),
    Append(Expr),
    Pipe(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Expr(Expr),
    Print(Vec<Expr>, Option<Redirect>),
    Printf(Vec<Expr>, Option<Redirect>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
    ),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Return(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub pattern: Pattern,
    /// `None`: print the record.
    pub action: Option<Vec<Stmt>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Func {
    pub params: Vec<String>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    pub rules: Vec<Rule>,
    pub funcs: HashMap<String, Func>,
}

/// A syntax error at a token: gawk's caret line and its message.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
    /// Inside `print`'s arguments: `>` redirects instead of comparing.
    no_gt: bool,
    /// Inside a `for (… in …)` head or a grouping: `in` is not the test.
    no_in: bool,
}

type R<T> = Result<T, SyntaxError>;

/// How deep statements and expressions may nest (each level is a dozen
/// calls, and the page's stack is small).
const MAX_DEPTH: usize = 60;

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.i.min(self.toks.len() - 1)].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.i + n).min(self.toks.len() - 1)].tok
    }

    /// The next token; past the end it stays at the end (so a step back
    /// after it is always to a real token).
    fn advance(&mut self) -> Tok {
        let t = self.peek().clone();
        self.i += 1;
        t
    }

    fn error<T>(&self) -> R<T> {
        let t = &self.toks[self.i.min(self.toks.len() - 1)];
        let message = match t.tok {
            Tok::Newline | Tok::Eof => "unexpected newline or end of string",
            _ => "syntax error",
        };
        Err(SyntaxError {
            line: t.line,
            col: t.col,
            message: message.into(),
        })
    }

    fn error_msg<T>(&self, message: &str) -> R<T> {
        let t = &self.toks[self.i.min(self.toks.len() - 1)];
        Err(SyntaxError {
            line: t.line,
            col: t.col,
            message: message.into(),
        })
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Tok::Kw(q) if *q == k)
    }

    fn expect_punct(&mut self, p: &str) -> R<()> {
        if self.is_punct(p) {
            self.advance();
            Ok(())
        } else {
            self.error()
        }
    }

    fn newlines(&mut self) {
        while matches!(self.peek(), Tok::Newline) {
            self.advance();
        }
    }

    fn terminators(&mut self) {
        while matches!(self.peek(), Tok::Newline) || self.is_punct(";") {
            self.advance();
        }
    }

    fn program(&mut self) -> R<Program> {
        let mut prog = Program::default();
        self.terminators();
        while !matches!(self.peek(), Tok::Eof) {
            if self.is_kw("function") || self.is_kw("func") {
                self.advance();
                let name = match self.advance() {
                    Tok::Name(n) | Tok::FuncName(n) => n,
                    _ => {
                        self.i -= 1;
                        return self.error();
                    }
                };
                self.expect_punct("(")?;
                let mut params = vec![];
                while !self.is_punct(")") {
                    match self.advance() {
                        Tok::Name(p) => params.push(p),
                        _ => {
                            self.i -= 1;
                            return self.error();
                        }
                    }
                    if self.is_punct(",") {
                        self.advance();
                        self.newlines();
                    } else if !self.is_punct(")") {
                        return self.error();
                    }
                }
                self.advance();
                self.newlines();
                let body = self.block()?;
                prog.funcs.insert(name, Func { params, body });
                self.terminators();
                continue;
            }
            let pattern = if self.is_kw("BEGIN") {
                self.advance();
                Pattern::Begin
            } else if self.is_kw("END") {
                self.advance();
                Pattern::End
            } else if self.is_punct("{") {
                Pattern::All
            } else {
                let a = self.expr()?;
                if self.is_punct(",") {
                    self.advance();
                    self.newlines();
                    let b = self.expr()?;
                    Pattern::Range(a, b)
                } else {
                    Pattern::Expr(a)
                }
            };
            let action = if self.is_punct("{") {
                Some(self.block()?)
            } else if matches!(pattern, Pattern::Begin | Pattern::End) {
                // gawk: "each rule must have a pattern or an action part".
                return self.error();
            } else {
                None
            };
            prog.rules.push(Rule { pattern, action });
            // Another rule may follow on the same line, or after `;`.
            self.terminators();
        }
        Ok(prog)
    }

    fn block(&mut self) -> R<Vec<Stmt>> {
        self.expect_punct("{")?;
        let mut out = vec![];
        self.terminators();
        while !self.is_punct("}") {
            if matches!(self.peek(), Tok::Eof) {
                return self.error();
            }
            out.push(self.statement()?);
            self.terminators();
        }
        self.advance();
        Ok(out)
    }

    /// The end of a simple statement: `;`, a newline, `}` or the end.
    fn end_simple(&mut self) -> R<()> {
        match self.peek() {
            Tok::Newline | Tok::Eof => Ok(()),
            Tok::Punct(";") => {
                self.advance();
                Ok(())
            }
            Tok::Punct("}") => Ok(()),
            _ => self.error(),
        }
    }

    fn simple_or_block(&mut self) -> R<Stmt> {
        self.newlines();
        if self.is_punct(";") {
            self.advance();
            return Ok(Stmt::Block(vec![]));
        }
        self.statement()
    }

    fn statement(&mut self) -> R<Stmt> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error_msg("program nested too deeply");
        }
        let s = self.statement_inner();
        self.depth -= 1;
        s
    }

    fn statement_inner(&mut self) -> R<Stmt> {
        match self.peek().clone() {
            Tok::Punct("{") => Ok(Stmt::Block(self.block()?)),
            Tok::Kw("if") => {
                self.advance();
                self.expect_punct("(")?;
                let cond = self.expr()?;
                self.expect_punct(")")?;
                let then = self.simple_or_block()?;
                // `else` may follow a newline or a `;`.
                let save = self.i;
                self.terminators();
                if self.is_kw("else") {
                    self.advance();
                    let other = self.simple_or_block()?;
                    return Ok(Stmt::If(cond, Box::new(then), Some(Box::new(other))));
                }
                self.i = save;
                Ok(Stmt::If(cond, Box::new(then), None))
            }
            Tok::Kw("while") => {
                self.advance();
                self.expect_punct("(")?;
                let cond = self.expr()?;
                self.expect_punct(")")?;
                if self.is_punct(";") {
                    self.advance();
                    return Ok(Stmt::While(cond, Box::new(Stmt::Block(vec![]))));
                }
                let body = self.simple_or_block()?;
                Ok(Stmt::While(cond, Box::new(body)))
            }
            Tok::Kw("do") => {
                self.advance();
                let body = self.simple_or_block()?;
                self.terminators();
                if !self.is_kw("while") {
                    return self.error();
                }
                self.advance();
                self.expect_punct("(")?;
                let cond = self.expr()?;
                self.expect_punct(")")?;
                self.end_simple()?;
                Ok(Stmt::Do(Box::new(body), cond))
            }
            Tok::Kw("for") => {
                self.advance();
                self.expect_punct("(")?;
                if let (Tok::Name(var), Tok::Kw("in"), Tok::Name(arr), Tok::Punct(")")) = (
                    self.peek().clone(),
                    self.peek_at(1).clone(),
                    self.peek_at(2).clone(),
                    self.peek_at(3).clone(),
                ) {
                    self.i += 4;
                    let body = self.simple_or_block()?;
                    return Ok(Stmt::ForIn(var, arr, Box::new(body)));
                }
                let init = if self.is_punct(";") {
                    None
                } else {
                    Some(Box::new(self.simple()?))
                };
                self.expect_punct(";")?;
                self.newlines();
                let cond = if self.is_punct(";") {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.expect_punct(";")?;
                self.newlines();
                let step = if self.is_punct(")") {
                    None
                } else {
                    Some(Box::new(self.simple()?))
                };
                self.expect_punct(")")?;
                if self.is_punct(";") {
                    self.advance();
                    return Ok(Stmt::For(init, cond, step, Box::new(Stmt::Block(vec![]))));
                }
                let body = self.simple_or_block()?;
                Ok(Stmt::For(init, cond, step, Box::new(body)))
            }
            Tok::Punct(";") => {
                self.advance();
                Ok(Stmt::Block(vec![]))
            }
            _ => {
                let s = self.simple()?;
                self.end_simple()?;
                Ok(s)
            }
        }
    }

    /// A statement that is not compound: print, next, exit, an expression…
    fn simple(&mut self) -> R<Stmt> {
        match self.peek().clone() {
            Tok::Kw("print") | Tok::Kw("printf") => {
                let is_printf = self.is_kw("printf");
                self.advance();
                let mut args = vec![];
                let outer_gt = self.no_gt;
                self.no_gt = true;
                if !matches!(self.peek(), Tok::Newline | Tok::Eof)
                    && !self.is_punct(";")
                    && !self.is_punct("}")
                    && !self.is_punct(">")
                    && !self.is_punct(">>")
                    && !self.is_punct("|")
                {
                    args.push(self.expr()?);
                    while self.is_punct(",") {
                        self.advance();
                        self.newlines();
                        args.push(self.expr()?);
                    }
                }
                self.no_gt = outer_gt;
                if let [Expr::List(items)] = args.as_slice() {
                    args = items.clone();
                }
                let redirect = match self.peek() {
                    Tok::Punct(">") => {
                        self.advance();
                        Some(Redirect::File(self.concat_level()?))
                    }
                    Tok::Punct(">>") => {
                        self.advance();
                        Some(Redirect::Append(self.concat_level()?))
                    }
                    Tok::Punct("|") => {
                        self.advance();
                        Some(Redirect::Pipe(self.concat_level()?))
                    }
                    _ => None,
                };
                if is_printf && args.is_empty() {
                    return self.error();
                }
                Ok(if is_printf {
                    Stmt::Printf(args, redirect)
                } else {
                    Stmt::Print(args, redirect)
                })
            }
            Tok::Kw("next") => {
                self.advance();
                Ok(Stmt::Next)
            }
            Tok::Kw("nextfile") => {
                self.advance();
                Ok(Stmt::Next)
            }
            Tok::Kw("break") => {
                self.advance();
                Ok(Stmt::Break)
            }
            Tok::Kw("continue") => {
                self.advance();
                Ok(Stmt::Continue)
            }
            Tok::Kw("exit") | Tok::Kw("return") => {
                let exit = self.is_kw("exit");
                self.advance();
                let value = if matches!(self.peek(), Tok::Newline | Tok::Eof)
                    || self.is_punct(";")
                    || self.is_punct("}")
                {
                    None
                } else {
                    Some(self.expr()?)
                };
                Ok(if exit {
                    Stmt::Exit(value)
                } else {
                    Stmt::Return(value)
                })
            }
            Tok::Kw("delete") => {
                self.advance();
                let Tok::Name(arr) = self.advance() else {
                    self.i -= 1;
                    return self.error();
                };
                if self.is_punct("[") {
                    self.advance();
                    let idx = self.expr_list("]")?;
                    return Ok(Stmt::Delete(arr, Some(idx)));
                }
                Ok(Stmt::Delete(arr, None))
            }
            Tok::Kw("getline") => self.error_msg("getline is not simulated here"),
            _ => Ok(Stmt::Expr(self.expr()?)),
        }
    }

    fn expr_list(&mut self, close: &str) -> R<Vec<Expr>> {
        let mut v = vec![self.expr()?];
        while self.is_punct(",") {
            self.advance();
            self.newlines();
            v.push(self.expr()?);
        }
        self.expect_punct(close)?;
        Ok(v)
    }

    fn expr(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error_msg("expression nested too deeply");
        }
        let e = self.ternary();
        self.depth -= 1;
        e
    }

    fn ternary(&mut self) -> R<Expr> {
        let cond = self.or()?;
        if self.is_punct("?") {
            self.advance();
            self.newlines();
            let a = self.ternary()?;
            self.newlines();
            self.expect_punct(":")?;
            self.newlines();
            let b = self.ternary()?;
            return Ok(Expr::Cond(Box::new(cond), Box::new(a), Box::new(b)));
        }
        // Assignment: the left side must be an lvalue.
        let op = match self.peek() {
            Tok::Punct("=") => Some(None),
            Tok::Punct("+=") => Some(Some(BinOp::Add)),
            Tok::Punct("-=") => Some(Some(BinOp::Sub)),
            Tok::Punct("*=") => Some(Some(BinOp::Mul)),
            Tok::Punct("/=") => Some(Some(BinOp::Div)),
            Tok::Punct("%=") => Some(Some(BinOp::Mod)),
            Tok::Punct("^=") | Tok::Punct("**=") => Some(Some(BinOp::Pow)),
            _ => None,
        };
        if let (Some(op), Expr::Lv(lv)) = (op, &cond) {
            let lv = lv.clone();
            self.advance();
            self.newlines();
            let value = self.ternary()?;
            return Ok(Expr::Assign(Box::new(lv), op, Box::new(value)));
        }
        Ok(cond)
    }

    fn or(&mut self) -> R<Expr> {
        let mut l = self.and()?;
        while self.is_punct("||") {
            self.advance();
            self.newlines();
            let r = self.and()?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self) -> R<Expr> {
        let mut l = self.in_expr()?;
        while self.is_punct("&&") {
            self.advance();
            self.newlines();
            let r = self.in_expr()?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn in_expr(&mut self) -> R<Expr> {
        let mut l = self.matching()?;
        while self.is_kw("in") && !self.no_in {
            self.advance();
            let Tok::Name(arr) = self.advance() else {
                self.i -= 1;
                return self.error();
            };
            let keys = match l {
                Expr::List(items) => items,
                other => vec![other],
            };
            l = Expr::In(keys, arr);
        }
        Ok(l)
    }

    fn matching(&mut self) -> R<Expr> {
        let mut l = self.relational()?;
        loop {
            let negate = if self.is_punct("~") {
                false
            } else if self.is_punct("!~") {
                true
            } else {
                break;
            };
            self.advance();
            let r = self.relational()?;
            l = Expr::Match(negate, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn relational(&mut self) -> R<Expr> {
        let l = self.concat_level()?;
        let op = match self.peek() {
            Tok::Punct("<") => BinOp::Lt,
            Tok::Punct("<=") => BinOp::Le,
            Tok::Punct(">") if !self.no_gt => BinOp::Gt,
            Tok::Punct(">=") => BinOp::Ge,
            Tok::Punct("==") => BinOp::Eq,
            Tok::Punct("!=") => BinOp::Ne,
            _ => return Ok(l),
        };
        self.advance();
        let r = self.concat_level()?;
        Ok(Expr::Bin(op, Box::new(l), Box::new(r)))
    }

    /// Whether the next token can start a concatenated operand.
    fn starts_operand(&self) -> bool {
        match self.peek() {
            Tok::Num(_) | Tok::Str(_) | Tok::Name(_) | Tok::FuncName(_) | Tok::Builtin(_) => true,
            Tok::Punct("$") | Tok::Punct("(") | Tok::Punct("++") | Tok::Punct("--") => true,
            Tok::Punct("!") => false,
            Tok::Regex(_) => true,
            _ => false,
        }
    }

    fn concat_level(&mut self) -> R<Expr> {
        let mut l = self.additive()?;
        while self.starts_operand() && !self.is_kw("in") {
            let r = self.additive()?;
            l = Expr::Bin(BinOp::Concat, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn additive(&mut self) -> R<Expr> {
        let mut l = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Tok::Punct("+") => BinOp::Add,
                Tok::Punct("-") => BinOp::Sub,
                _ => return Ok(l),
            };
            self.advance();
            let r = self.multiplicative()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn multiplicative(&mut self) -> R<Expr> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Punct("*") => BinOp::Mul,
                Tok::Punct("/") => BinOp::Div,
                Tok::Punct("%") => BinOp::Mod,
                _ => return Ok(l),
            };
            self.advance();
            let r = self.unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn unary(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error_msg("expression nested too deeply");
        }
        let e = self.unary_inner();
        self.depth -= 1;
        e
    }

    fn unary_inner(&mut self) -> R<Expr> {
        match self.peek() {
            Tok::Punct("!") => {
                self.advance();
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Tok::Punct("-") => {
                self.advance();
                Ok(Expr::Neg(Box::new(self.unary()?)))
            }
            Tok::Punct("+") => {
                self.advance();
                Ok(Expr::Plus(Box::new(self.unary()?)))
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error_msg("expression nested too deeply");
        }
        let e = self.power_inner();
        self.depth -= 1;
        e
    }

    fn power_inner(&mut self) -> R<Expr> {
        let base = self.postfix()?;
        if self.is_punct("^") || self.is_punct("**") {
            self.advance();
            // Right-associative, and binds tighter than unary minus on its left.
            let exp = match self.peek() {
                Tok::Punct("-") => {
                    self.advance();
                    Expr::Neg(Box::new(self.power()?))
                }
                _ => self.power()?,
            };
            return Ok(Expr::Bin(BinOp::Pow, Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error_msg("expression nested too deeply");
        }
        let e = self.postfix_inner();
        self.depth -= 1;
        e
    }

    fn postfix_inner(&mut self) -> R<Expr> {
        if self.is_punct("++") || self.is_punct("--") {
            let d = if self.is_punct("++") { 1.0 } else { -1.0 };
            self.advance();
            let Expr::Lv(lv) = self.postfix()? else {
                return self.error();
            };
            return Ok(Expr::IncDec(Box::new(lv), d, true));
        }
        let e = self.primary()?;
        if let Expr::Lv(lv) = &e {
            if self.is_punct("++") || self.is_punct("--") {
                let d = if self.is_punct("++") { 1.0 } else { -1.0 };
                self.advance();
                return Ok(Expr::IncDec(Box::new(lv.clone()), d, false));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> R<Expr> {
        match self.advance() {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Regex(r) => Ok(Expr::Regex(r)),
            Tok::Punct("$") => {
                let e = if self.is_punct("++") || self.is_punct("--") {
                    self.postfix()?
                } else {
                    self.primary()?
                };
                Ok(Expr::Lv(LValue::Field(Box::new(e))))
            }
            Tok::Punct("(") => {
                let (gt, inn) = (self.no_gt, self.no_in);
                self.no_gt = false;
                self.no_in = false;
                self.newlines();
                let mut items = vec![self.expr()?];
                while self.is_punct(",") {
                    self.advance();
                    self.newlines();
                    items.push(self.expr()?);
                }
                self.newlines();
                self.no_gt = gt;
                self.no_in = inn;
                self.expect_punct(")")?;
                Ok(if items.len() == 1 {
                    items.pop().unwrap_or(Expr::Str(String::new()))
                } else {
                    Expr::List(items)
                })
            }
            Tok::Name(n) => {
                if self.is_punct("[") {
                    self.advance();
                    let idx = self.expr_list("]")?;
                    return Ok(Expr::Lv(LValue::Index(n, idx)));
                }
                Ok(Expr::Lv(LValue::Var(n)))
            }
            Tok::FuncName(n) => {
                self.expect_punct("(")?;
                let args = if self.is_punct(")") {
                    self.advance();
                    vec![]
                } else {
                    self.expr_list(")")?
                };
                Ok(Expr::Call(n, args))
            }
            Tok::Builtin(b) => {
                if self.is_punct("(") {
                    self.advance();
                    let args = if self.is_punct(")") {
                        self.advance();
                        vec![]
                    } else {
                        self.expr_list(")")?
                    };
                    Ok(Expr::Builtin(b, args))
                } else if b == "length" {
                    Ok(Expr::Builtin(b, vec![]))
                } else {
                    self.i -= 1;
                    self.error()
                }
            }
            Tok::Kw("getline") => {
                self.i -= 1;
                self.error_msg("getline is not simulated here")
            }
            _ => {
                self.i -= 1;
                self.error()
            }
        }
    }
}

pub fn parse(toks: Vec<Token>) -> Result<Program, SyntaxError> {
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
        no_gt: false,
        no_in: false,
    };
    let prog = p.program()?;
    if !matches!(p.peek(), Tok::Eof) {
        return p.error();
    }
    Ok(prog)
}
