//! Running an awk program: records and fields (`FS` a blank, one
//! character or a regex; `$0`, `$N` and `NF` kept in step both ways),
//! the special variables, arrays, user functions, the built-in functions,
//! `print` and `printf` (to the output, or to a file with `>` and `>>`),
//! and the budget every step is charged to.

use super::parse::{BinOp, Expr, LValue, Pattern, Program, Redirect, Stmt};
use super::value::{num_to_string, sprintf, str_to_num, Val};
use crate::shell::text::rx::Rx;
use std::collections::HashMap;

/// An array: its values, and its keys in the order they came.
#[derive(Debug, Clone, Default)]
pub struct Array {
    map: HashMap<String, Val>,
    order: Vec<String>,
}

impl Array {
    fn get(&self, k: &str) -> Option<&Val> {
        self.map.get(k)
    }

    fn set(&mut self, k: String, v: Val) {
        if !self.map.contains_key(&k) {
            self.order.push(k.clone());
        }
        self.map.insert(k, v);
    }

    fn remove(&mut self, k: &str) {
        if self.map.remove(k).is_some() {
            self.order.retain(|o| o != k);
        }
    }

    fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
    }

    fn keys(&self) -> Vec<String> {
        self.order.clone()
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

#[derive(Debug, Clone)]
enum Cell {
    Val(Val),
    Arr(Array),
    /// A function's parameter bound to an array of the caller's (arrays
    /// are passed by reference): (frame, or `None` for a global; name).
    Ref(Option<usize>, String),
}

/// Why the program stopped running where it was.
pub enum Stop {
    Next,
    Exit,
    Return(Val),
    Break,
    Continue,
    /// A fatal error (gawk's `fatal:` message) or the budget ran out.
    Fatal(String),
    Budget,
}

type Flow = Result<(), Stop>;

pub struct Runtime<'p> {
    prog: &'p Program,
    globals: HashMap<String, Cell>,
    frames: Vec<HashMap<String, Cell>>,
    /// `$0` and the fields (`fields[0]` is `$0`).
    fields: Vec<String>,
    pub out: String,
    /// What `print > FILE` wrote, by file: the text, and whether it
    /// appends to what the file held.
    pub files: Vec<(String, String, bool)>,
    regexes: HashMap<String, Rx>,
    pub steps: u64,
    range_on: Vec<bool>,
    rand_state: u64,
    seed: f64,
    pub exit_code: i32,
    /// The source line, for messages.
    pub where_: String,
}

impl<'p> Runtime<'p> {
    pub fn new(prog: &'p Program, where_: String) -> Runtime<'p> {
        let mut rt = Runtime {
            prog,
            globals: HashMap::new(),
            frames: vec![],
            fields: vec![String::new()],
            out: String::new(),
            files: vec![],
            regexes: HashMap::new(),
            steps: 0,
            range_on: vec![false; prog.rules.len()],
            rand_state: 0,
            seed: 0.0,
            exit_code: 0,
            where_,
        };
        for (k, v) in [
            ("FS", " "),
            ("OFS", " "),
            ("ORS", "\n"),
            ("RS", "\n"),
            ("SUBSEP", "\x1c"),
            ("CONVFMT", "%.6g"),
            ("OFMT", "%.6g"),
            ("FILENAME", ""),
        ] {
            rt.set_global(k, Val::Str(v.into()));
        }
        for k in ["NR", "FNR", "RSTART", "RLENGTH"] {
            rt.set_global(k, Val::Num(0.0));
        }
        rt
    }

    pub fn set_global(&mut self, name: &str, v: Val) {
        self.globals.insert(name.to_string(), Cell::Val(v));
    }

    fn global_str(&self, name: &str) -> String {
        match self.globals.get(name) {
            Some(Cell::Val(v)) => v.string("%.6g"),
            _ => String::new(),
        }
    }

    fn convfmt(&self) -> String {
        self.global_str("CONVFMT")
    }

    fn tick(&mut self) -> Flow {
        self.steps += 1;
        if self.steps > STEP_LIMIT || self.out.len() > crate::shell::budget::MAX_VALUE {
            return Err(Stop::Budget);
        }
        Ok(())
    }

    fn fatal<T>(&self, what: &str) -> Result<T, Stop> {
        Err(Stop::Fatal(format!(
            "awk: {}: fatal: {what}\n",
            self.where_
        )))
    }

    // ---- records and fields --------------------------------------------

    /// Sets `$0` and splits it into fields by `FS`.
    pub fn set_record(&mut self, line: &str) {
        self.fields = vec![line.to_string()];
        let fs = self.global_str("FS");
        let parts = self.split(line, &fs);
        self.fields.extend(parts);
    }

    fn split(&mut self, text: &str, fs: &str) -> Vec<String> {
        if fs == " " {
            return text.split_whitespace().map(str::to_string).collect();
        }
        if text.is_empty() {
            return vec![];
        }
        if fs.is_empty() {
            return text.chars().map(String::from).collect();
        }
        let single = fs.chars().count() == 1 && fs != "\\";
        if single {
            return text.split(fs).map(str::to_string).collect();
        }
        let Ok(rx) = self.regex(fs) else {
            return vec![text.to_string()];
        };
        let chars: Vec<char> = text.chars().collect();
        let mut out = vec![];
        let mut last = 0;
        let mut pos = 0;
        while pos <= chars.len() {
            let Some(f) = rx.find(&chars, pos, &mut self.steps) else {
                break;
            };
            if f.end == f.start {
                pos = f.start + 1;
                continue;
            }
            out.push(chars[last..f.start].iter().collect());
            last = f.end;
            pos = f.end;
        }
        out.push(chars[last..].iter().collect());
        out
    }

    fn nf(&self) -> usize {
        self.fields.len() - 1
    }

    /// `$0` again from the fields, joined by `OFS`.
    fn rebuild(&mut self) {
        let ofs = self.global_str("OFS");
        self.fields[0] = self.fields[1..].join(&ofs);
    }

    fn field(&self, i: usize) -> Val {
        match self.fields.get(i) {
            Some(s) if i == 0 => Val::input(s.clone()),
            Some(s) => Val::input(s.clone()),
            None => Val::Uninit,
        }
    }

    fn set_field(&mut self, i: usize, v: String) -> Flow {
        if i > 100_000 {
            return self.fatal(&format!("attempt to access field {i}"));
        }
        if i == 0 {
            self.set_record(&v);
            return Ok(());
        }
        while self.fields.len() <= i {
            self.fields.push(String::new());
        }
        self.fields[i] = v;
        self.rebuild();
        Ok(())
    }

    fn set_nf(&mut self, n: usize) {
        self.fields.resize(n + 1, String::new());
        self.rebuild();
    }

    fn regex(&mut self, text: &str) -> Result<Rx, Stop> {
        if let Some(r) = self.regexes.get(text) {
            return Ok(r.clone());
        }
        match Rx::new(text, true, false) {
            Ok(r) => {
                if self.regexes.len() > 256 {
                    self.regexes.clear();
                }
                self.regexes.insert(text.to_string(), r.clone());
                Ok(r)
            }
            Err(e) => self.fatal(&format!("Invalid regexp: {e}: /{text}/")),
        }
    }

    // ---- variables -----------------------------------------------------

    /// Where a name lives: the innermost frame that has it, or the globals.
    fn scope_of(&self, name: &str) -> Option<usize> {
        let f = self.frames.len().checked_sub(1)?;
        self.frames[f].contains_key(name).then_some(f)
    }

    fn cell(&self, name: &str) -> Option<&Cell> {
        match self.scope_of(name) {
            Some(f) => self.frames[f].get(name),
            None => self.globals.get(name),
        }
    }

    fn get_var(&self, name: &str) -> Result<Val, Stop> {
        if name == "NF" {
            return Ok(Val::Num(self.nf() as f64));
        }
        match self.cell(name) {
            None => Ok(Val::Uninit),
            Some(Cell::Val(v)) => Ok(v.clone()),
            Some(_) => self.fatal(&format!(
                "attempt to use array `{name}' in a scalar context"
            )),
        }
    }

    fn set_var(&mut self, name: &str, v: Val) -> Flow {
        if name == "NF" {
            let n = v.num().max(0.0) as usize;
            if n > 100_000 {
                return self.fatal(&format!("NF set to value {n}"));
            }
            self.set_nf(n);
            return Ok(());
        }
        let slot = match self.scope_of(name) {
            Some(f) => self.frames[f].get_mut(name),
            None => self.globals.get_mut(name),
        };
        match slot {
            Some(Cell::Arr(_) | Cell::Ref(..)) => self.fatal(&format!(
                "attempt to use array `{name}' in a scalar context"
            )),
            Some(c) => {
                *c = Cell::Val(v);
                Ok(())
            }
            None => {
                self.globals.insert(name.to_string(), Cell::Val(v));
                Ok(())
            }
        }
    }

    /// The array a name stands for, made if it is still unused.
    fn array_mut(&mut self, name: &str) -> Result<&mut Array, Stop> {
        let (mut frame, mut name) = (self.scope_of(name), name.to_string());
        // Follow references to the caller's arrays.
        for _ in 0..64 {
            let cell = match frame {
                Some(f) => self.frames[f].get(&name),
                None => self.globals.get(&name),
            };
            match cell {
                Some(Cell::Ref(f, n)) => {
                    let (f, n) = (*f, n.clone());
                    frame = f;
                    name = n;
                }
                _ => break,
            }
        }
        let table = match frame {
            Some(f) => &mut self.frames[f],
            None => &mut self.globals,
        };
        let cell = table
            .entry(name.clone())
            .or_insert_with(|| Cell::Arr(Array::default()));
        if matches!(cell, Cell::Val(Val::Uninit)) {
            *cell = Cell::Arr(Array::default());
        }
        match cell {
            Cell::Arr(a) => Ok(a),
            _ => Err(Stop::Fatal(format!(
                "awk: {}: fatal: attempt to use scalar `{name}' as an array\n",
                self.where_
            ))),
        }
    }

    fn key(&mut self, idx: &[Expr]) -> Result<String, Stop> {
        let conv = self.convfmt();
        let subsep = self.global_str("SUBSEP");
        let mut parts = vec![];
        for e in idx {
            let v = self.eval(e)?;
            parts.push(v.string(&conv));
        }
        Ok(parts.join(&subsep))
    }

    fn get_lv(&mut self, lv: &LValue) -> Result<Val, Stop> {
        match lv {
            LValue::Var(n) => self.get_var(n),
            LValue::Field(e) => {
                let i = self.eval(e)?.num();
                if i < 0.0 {
                    return self.fatal(&format!("attempt to access field {}", i as i64));
                }
                Ok(self.field(i as usize))
            }
            LValue::Index(n, idx) => {
                let k = self.key(idx)?;
                let a = self.array_mut(n)?;
                if let Some(v) = a.get(&k) {
                    return Ok(v.clone());
                }
                // A reference makes the element.
                a.set(k, Val::Uninit);
                Ok(Val::Uninit)
            }
        }
    }

    fn set_lv(&mut self, lv: &LValue, v: Val) -> Flow {
        match lv {
            LValue::Var(n) => self.set_var(n, v),
            LValue::Field(e) => {
                let i = self.eval(e)?.num();
                if i < 0.0 {
                    return self.fatal(&format!("attempt to access field {}", i as i64));
                }
                let s = v.string(&self.convfmt());
                self.set_field(i as usize, s)
            }
            LValue::Index(n, idx) => {
                let k = self.key(idx)?;
                self.array_mut(n)?.set(k, v);
                Ok(())
            }
        }
    }

    // ---- expressions ---------------------------------------------------

    fn compare(&self, op: BinOp, a: &Val, b: &Val) -> bool {
        let ord = if a.numeric() && b.numeric() {
            a.num().partial_cmp(&b.num())
        } else {
            let conv = self.convfmt();
            Some(a.string(&conv).cmp(&b.string(&conv)))
        };
        use std::cmp::Ordering::*;
        match (op, ord) {
            (BinOp::Lt, Some(o)) => o == Less,
            (BinOp::Le, Some(o)) => o != Greater,
            (BinOp::Gt, Some(o)) => o == Greater,
            (BinOp::Ge, Some(o)) => o != Less,
            (BinOp::Eq, Some(o)) => o == Equal,
            (BinOp::Ne, Some(o)) => o != Equal,
            (BinOp::Ne, None) => true,
            _ => false,
        }
    }

    fn arith(&self, op: BinOp, a: f64, b: f64) -> Result<f64, Stop> {
        Ok(match op {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => {
                if b == 0.0 {
                    return self.fatal("division by zero attempted");
                }
                a / b
            }
            BinOp::Mod => {
                if b == 0.0 {
                    return self.fatal("division by zero attempted in `%'");
                }
                a % b
            }
            BinOp::Pow => a.powf(b),
            _ => 0.0,
        })
    }

    fn matches(&mut self, text: &str, re: &Expr) -> Result<bool, Stop> {
        let pattern = match re {
            Expr::Regex(r) => r.clone(),
            other => {
                let v = self.eval(other)?;
                v.string(&self.convfmt())
            }
        };
        let rx = self.regex(&pattern)?;
        Ok(rx.is_match(text, &mut self.steps))
    }

    pub fn eval(&mut self, e: &Expr) -> Result<Val, Stop> {
        self.tick()?;
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Regex(_) => {
                let rec = self.fields[0].clone();
                Val::Num(f64::from(u8::from(self.matches(&rec, e)?)))
            }
            Expr::Lv(lv) => self.get_lv(lv)?,
            Expr::Assign(lv, op, value) => {
                let v = self.eval(value)?;
                let v = match op {
                    None => match v {
                        Val::Uninit => Val::Uninit,
                        other => other,
                    },
                    Some(op) => {
                        let cur = self.get_lv(lv)?.num();
                        Val::Num(self.arith(*op, cur, v.num())?)
                    }
                };
                self.set_lv(lv, v.clone())?;
                v
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::And(a, b) => Val::Num(f64::from(u8::from(
                self.eval(a)?.truthy() && self.eval(b)?.truthy(),
            ))),
            Expr::Or(a, b) => Val::Num(f64::from(u8::from(
                self.eval(a)?.truthy() || self.eval(b)?.truthy(),
            ))),
            Expr::Not(a) => Val::Num(f64::from(u8::from(!self.eval(a)?.truthy()))),
            Expr::Neg(a) => Val::Num(-self.eval(a)?.num()),
            Expr::Plus(a) => Val::Num(self.eval(a)?.num()),
            Expr::Bin(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                match op {
                    BinOp::Concat => {
                        let conv = self.convfmt();
                        let mut s = x.string(&conv);
                        s.push_str(&y.string(&conv));
                        if s.len() > crate::shell::budget::MAX_VALUE {
                            return Err(Stop::Budget);
                        }
                        Val::Str(s)
                    }
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => {
                        Val::Num(f64::from(u8::from(self.compare(*op, &x, &y))))
                    }
                    _ => Val::Num(self.arith(*op, x.num(), y.num())?),
                }
            }
            Expr::Match(negate, text, re) => {
                let t = self.eval(text)?.string(&self.convfmt());
                let m = self.matches(&t, re)?;
                Val::Num(f64::from(u8::from(m != *negate)))
            }
            Expr::In(keys, arr) => {
                let k = self.key(keys)?;
                let has = self.array_mut(arr)?.get(&k).is_some();
                Val::Num(f64::from(u8::from(has)))
            }
            Expr::IncDec(lv, d, pre) => {
                let cur = self.get_lv(lv)?.num();
                self.set_lv(lv, Val::Num(cur + d))?;
                Val::Num(if *pre { cur + d } else { cur })
            }
            Expr::List(items) => {
                // A grouping used as a value: gawk concatenates with SUBSEP.
                let k = self.key(items)?;
                Val::Str(k)
            }
            Expr::Call(name, args) => self.call(name, args)?,
            Expr::Builtin(name, args) => self.builtin(name, args)?,
        })
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Val, Stop> {
        let Some(f) = self.prog.funcs.get(name) else {
            return self.fatal(&format!("function `{name}' not defined"));
        };
        if self.frames.len() >= MAX_CALL_DEPTH {
            return self.fatal(&format!(
                "function `{name}' called {MAX_CALL_DEPTH} deep: over servicelab's limit of nested calls"
            ));
        }
        if args.len() > f.params.len() {
            return self.fatal(&format!(
                "function `{name}' called with more arguments than declared"
            ));
        }
        let mut frame = HashMap::new();
        for (i, p) in f.params.iter().enumerate() {
            let cell = match args.get(i) {
                Some(Expr::Lv(LValue::Var(v))) if self.is_array(v) => {
                    let scope = self.scope_of(v);
                    Cell::Ref(scope, v.clone())
                }
                Some(a) => Cell::Val(self.eval(a)?),
                None => Cell::Val(Val::Uninit),
            };
            frame.insert(p.clone(), cell);
        }
        self.frames.push(frame);
        let body = f.body.clone();
        let r = self.block(&body);
        self.frames.pop();
        match r {
            Ok(()) => Ok(Val::Uninit),
            Err(Stop::Return(v)) => Ok(v),
            Err(other) => Err(other),
        }
    }

    fn is_array(&self, name: &str) -> bool {
        matches!(self.cell(name), Some(Cell::Arr(_) | Cell::Ref(..)))
    }

    fn arg(&mut self, args: &[Expr], i: usize) -> Result<Val, Stop> {
        match args.get(i) {
            Some(e) => self.eval(e),
            None => Ok(Val::Uninit),
        }
    }

    fn builtin(&mut self, name: &str, args: &[Expr]) -> Result<Val, Stop> {
        let conv = self.convfmt();
        let count = |n: usize, m: usize| args.len() >= n && args.len() <= m;
        let arity_ok = match name {
            "length" => count(0, 1),
            "substr" => count(2, 3),
            "index" | "atan2" => count(2, 2),
            "split" => count(2, 3),
            "sub" | "gsub" => count(2, 3),
            "match" => count(2, 2),
            "sprintf" => count(1, usize::MAX),
            "rand" => count(0, 0),
            "srand" => count(0, 1),
            "close" | "fflush" => count(0, 2),
            _ => count(1, 1),
        };
        if !arity_ok {
            return self.fatal(&format!("{name}: called with {} arguments", args.len()));
        }
        Ok(match name {
            "length" => match args.first() {
                None => Val::Num(self.fields[0].chars().count() as f64),
                Some(Expr::Lv(LValue::Var(v))) if self.is_array(v) => {
                    Val::Num(self.array_mut(v)?.len() as f64)
                }
                Some(e) => Val::Num(self.eval(e)?.string(&conv).chars().count() as f64),
            },
            "substr" => {
                let s: Vec<char> = self.arg(args, 0)?.string(&conv).chars().collect();
                let m = self.arg(args, 1)?.num();
                let start = round(m);
                let end = match args.get(2) {
                    Some(e) => {
                        let n = self.eval(e)?.num();
                        if n.is_nan() || n <= 0.0 {
                            return Ok(Val::Str(String::new()));
                        }
                        start + round(n)
                    }
                    None => i64::MAX,
                };
                let lo = start.max(1);
                let hi = end.min(s.len() as i64 + 1);
                if lo >= hi {
                    Val::Str(String::new())
                } else {
                    Val::Str(s[(lo - 1) as usize..(hi - 1) as usize].iter().collect())
                }
            }
            "index" => {
                let s = self.arg(args, 0)?.string(&conv);
                let t = self.arg(args, 1)?.string(&conv);
                Val::Num(match s.find(&t) {
                    Some(b) => s[..b].chars().count() as f64 + 1.0,
                    None => 0.0,
                })
            }
            "split" => {
                let s = self.arg(args, 0)?.string(&conv);
                let Some(Expr::Lv(LValue::Var(arr))) = args.get(1) else {
                    return self.fatal("split: second argument is not an array");
                };
                let fs = match args.get(2) {
                    Some(Expr::Regex(r)) => r.clone(),
                    Some(e) => self.eval(e)?.string(&conv),
                    None => self.global_str("FS"),
                };
                let parts = self.split(&s, &fs);
                let a = self.array_mut(arr)?;
                a.clear();
                let n = parts.len();
                for (i, p) in parts.into_iter().enumerate() {
                    a.set((i + 1).to_string(), Val::input(p));
                }
                Val::Num(n as f64)
            }
            "sub" | "gsub" => {
                let pattern = match &args[0] {
                    Expr::Regex(r) => r.clone(),
                    e => self.eval(e)?.string(&conv),
                };
                let repl = self.arg(args, 1)?.string(&conv);
                let target = match args.get(2) {
                    Some(Expr::Lv(lv)) => lv.clone(),
                    Some(_) => {
                        return self.fatal(&format!(
                            "{name}: third argument is not a changeable object"
                        ))
                    }
                    None => LValue::Field(Box::new(Expr::Num(0.0))),
                };
                let text = self.get_lv(&target)?.string(&conv);
                let rx = self.regex(&pattern)?;
                let (out, n) = substitute(&rx, &text, &repl, name == "gsub", &mut self.steps);
                if n > 0 {
                    self.set_lv(&target, Val::Str(out))?;
                }
                Val::Num(n as f64)
            }
            "match" => {
                let s: Vec<char> = self.arg(args, 0)?.string(&conv).chars().collect();
                let pattern = match &args[1] {
                    Expr::Regex(r) => r.clone(),
                    e => self.eval(e)?.string(&conv),
                };
                let rx = self.regex(&pattern)?;
                let (start, len) = match rx.find(&s, 0, &mut self.steps) {
                    Some(f) => (f.start as f64 + 1.0, (f.end - f.start) as f64),
                    None => (0.0, -1.0),
                };
                self.set_global("RSTART", Val::Num(start));
                self.set_global("RLENGTH", Val::Num(len));
                Val::Num(start)
            }
            "sprintf" => {
                let fmt = self.arg(args, 0)?.string(&conv);
                let mut vals = vec![];
                for a in &args[1..] {
                    vals.push(self.eval(a)?);
                }
                Val::Str(sprintf(&fmt, &vals, &conv))
            }
            "tolower" => Val::Str(self.arg(args, 0)?.string(&conv).to_lowercase()),
            "toupper" => Val::Str(self.arg(args, 0)?.string(&conv).to_uppercase()),
            "int" => Val::Num(self.arg(args, 0)?.num().trunc()),
            "sqrt" => Val::Num(self.arg(args, 0)?.num().sqrt()),
            "exp" => Val::Num(self.arg(args, 0)?.num().exp()),
            "log" => Val::Num(self.arg(args, 0)?.num().ln()),
            "sin" => Val::Num(self.arg(args, 0)?.num().sin()),
            "cos" => Val::Num(self.arg(args, 0)?.num().cos()),
            "atan2" => {
                let y = self.arg(args, 0)?.num();
                Val::Num(y.atan2(self.arg(args, 1)?.num()))
            }
            "rand" => {
                // A deterministic generator: a session replays the same.
                self.rand_state = self
                    .rand_state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                Val::Num((self.rand_state >> 11) as f64 / (1u64 << 53) as f64)
            }
            "srand" => {
                let prev = self.seed;
                self.seed = match args.first() {
                    Some(e) => self.eval(e)?.num(),
                    None => 0.0,
                };
                self.rand_state = self.seed.to_bits();
                Val::Num(prev)
            }
            "close" | "fflush" => Val::Num(0.0),
            "system" => {
                return self.fatal("system() is not simulated here (no commands run from awk)")
            }
            _ => Val::Uninit,
        })
    }

    // ---- statements ----------------------------------------------------

    pub fn block(&mut self, stmts: &[Stmt]) -> Flow {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn emit(&mut self, text: String, redirect: &Option<Redirect>) -> Flow {
        match redirect {
            None => {
                self.out.push_str(&text);
                Ok(())
            }
            Some(Redirect::File(e)) | Some(Redirect::Append(e)) => {
                let append = matches!(redirect, Some(Redirect::Append(_)));
                let name = self.eval(e)?.string(&self.convfmt());
                if name.is_empty() {
                    return self.fatal("expression for `>' redirection has null string value");
                }
                match self.files.iter_mut().find(|(n, _, _)| *n == name) {
                    Some((_, t, _)) => t.push_str(&text),
                    None => {
                        if self.files.len() >= 64 {
                            return self.fatal("too many open files");
                        }
                        self.files.push((name, text, append))
                    }
                }
                Ok(())
            }
            Some(Redirect::Pipe(_)) => {
                self.fatal("output to a pipe is not simulated here (no commands run from awk)")
            }
        }
    }

    fn stmt(&mut self, s: &Stmt) -> Flow {
        self.tick()?;
        match s {
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::Print(args, redirect) => {
                let ofmt = self.global_str("OFMT");
                let mut parts = vec![];
                if args.is_empty() {
                    parts.push(self.fields[0].clone());
                }
                for a in args {
                    let v = self.eval(a)?;
                    parts.push(match v {
                        Val::Num(n) => num_to_string(n, &ofmt),
                        other => other.string(&ofmt),
                    });
                }
                let mut line = parts.join(&self.global_str("OFS"));
                line.push_str(&self.global_str("ORS"));
                self.emit(line, redirect)?;
            }
            Stmt::Printf(args, redirect) => {
                let fmt = self.eval(&args[0])?.string(&self.convfmt());
                let mut vals = vec![];
                for a in &args[1..] {
                    vals.push(self.eval(a)?);
                }
                let text = sprintf(&fmt, &vals, &self.convfmt());
                self.emit(text, redirect)?;
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.stmt(a)?;
                } else if let Some(b) = b {
                    self.stmt(b)?;
                }
            }
            Stmt::While(c, body) => {
                while self.eval(c)?.truthy() {
                    match self.stmt(body) {
                        Err(Stop::Break) => break,
                        Err(Stop::Continue) | Ok(()) => {}
                        Err(other) => return Err(other),
                    }
                }
            }
            Stmt::Do(body, c) => loop {
                match self.stmt(body) {
                    Err(Stop::Break) => break,
                    Err(Stop::Continue) | Ok(()) => {}
                    Err(other) => return Err(other),
                }
                if !self.eval(c)?.truthy() {
                    break;
                }
            },
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                loop {
                    if let Some(c) = cond {
                        if !self.eval(c)?.truthy() {
                            break;
                        }
                    }
                    match self.stmt(body) {
                        Err(Stop::Break) => break,
                        Err(Stop::Continue) | Ok(()) => {}
                        Err(other) => return Err(other),
                    }
                    if let Some(s) = step {
                        self.stmt(s)?;
                    }
                }
            }
            Stmt::ForIn(var, arr, body) => {
                let keys = self.array_mut(arr)?.keys();
                for k in keys {
                    self.set_var(var, Val::input(k))?;
                    match self.stmt(body) {
                        Err(Stop::Break) => break,
                        Err(Stop::Continue) | Ok(()) => {}
                        Err(other) => return Err(other),
                    }
                }
            }
            Stmt::Block(b) => self.block(b)?,
            Stmt::Next => return Err(Stop::Next),
            Stmt::Exit(code) => {
                if let Some(c) = code {
                    self.exit_code = self.eval(c)?.num() as i32;
                }
                return Err(Stop::Exit);
            }
            Stmt::Return(v) => {
                let v = match v {
                    Some(e) => self.eval(e)?,
                    None => Val::Uninit,
                };
                return Err(Stop::Return(v));
            }
            Stmt::Break => return Err(Stop::Break),
            Stmt::Continue => return Err(Stop::Continue),
            Stmt::Delete(arr, idx) => match idx {
                Some(idx) => {
                    let k = self.key(idx)?;
                    self.array_mut(arr)?.remove(&k);
                }
                None => self.array_mut(arr)?.clear(),
            },
        }
        Ok(())
    }

    // ---- the program ---------------------------------------------------

    pub fn begin(&mut self) -> Flow {
        for r in &self.prog.rules {
            if r.pattern == Pattern::Begin {
                if let Some(a) = &r.action {
                    self.block(a)?;
                }
            }
        }
        Ok(())
    }

    pub fn end(&mut self) -> Flow {
        for r in &self.prog.rules {
            if r.pattern == Pattern::End {
                if let Some(a) = &r.action {
                    self.block(a)?;
                }
            }
        }
        Ok(())
    }

    pub fn has_main(&self) -> bool {
        self.prog
            .rules
            .iter()
            .any(|r| !matches!(r.pattern, Pattern::Begin))
    }

    pub fn has_records(&self) -> bool {
        self.prog
            .rules
            .iter()
            .any(|r| !matches!(r.pattern, Pattern::Begin | Pattern::End))
    }

    /// Every rule for the current record; `Err(Next)` is handled here.
    pub fn record(&mut self) -> Flow {
        let prog = self.prog;
        for (i, r) in prog.rules.iter().enumerate() {
            let selected = match &r.pattern {
                Pattern::Begin | Pattern::End => continue,
                Pattern::All => true,
                Pattern::Expr(e) => self.eval(e)?.truthy(),
                Pattern::Range(a, b) => {
                    if self.range_on[i] {
                        if self.eval(b)?.truthy() {
                            self.range_on[i] = false;
                        }
                        true
                    } else if self.eval(a)?.truthy() {
                        self.range_on[i] = !self.eval(b)?.truthy();
                        true
                    } else {
                        false
                    }
                }
            };
            if !selected {
                continue;
            }
            let r = match &r.action {
                Some(a) => self.block(a),
                None => {
                    let mut line = self.fields[0].clone();
                    line.push_str(&self.global_str("ORS"));
                    self.out.push_str(&line);
                    Ok(())
                }
            };
            match r {
                Err(Stop::Next) => return Ok(()),
                other => other?,
            }
        }
        Ok(())
    }

    pub fn count_record(&mut self) {
        for v in ["NR", "FNR"] {
            let n = match self.globals.get(v) {
                Some(Cell::Val(x)) => x.num(),
                _ => 0.0,
            };
            self.set_global(v, Val::Num(n + 1.0));
        }
    }

    pub fn new_file(&mut self, name: &str) {
        self.set_global("FILENAME", Val::Str(name.to_string()));
        self.set_global("FNR", Val::Num(0.0));
    }

    pub fn record_separator(&self) -> String {
        self.global_str("RS")
    }
}

/// How deep user functions may call each other (each level costs the
/// page's small stack a few kilobytes).
const MAX_CALL_DEPTH: usize = 40;

/// The steps one awk run may take (every statement and expression is one):
/// enough for any tutorial's program over a large file, and a loop that
/// never ends stops here.
pub const STEP_LIMIT: u64 = 5_000_000;

/// gawk's rounding of `substr`'s arguments: to the nearest, halves to even.
fn round(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        (r - x.signum()) as i64
    } else {
        r.clamp(-1e15, 1e15) as i64
    }
}

/// `sub`/`gsub`: `&` is the match, `\&` a literal `&`.
fn substitute(rx: &Rx, text: &str, repl: &str, global: bool, steps: &mut u64) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    let mut last = 0;
    let mut n = 0;
    while pos <= chars.len() {
        let Some(f) = rx.find(&chars, pos, steps) else {
            break;
        };
        out.extend(&chars[last..f.start]);
        let matched: String = chars[f.start..f.end].iter().collect();
        let mut it = repl.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '\\' if it.peek() == Some(&'&') => {
                    it.next();
                    out.push('&');
                }
                '\\' if it.peek() == Some(&'\\') => {
                    it.next();
                    out.push('\\');
                }
                '&' => out.push_str(&matched),
                other => out.push(other),
            }
        }
        n += 1;
        if f.end == f.start {
            if f.end < chars.len() {
                out.push(chars[f.end]);
            }
            last = f.end + 1;
            pos = f.end + 1;
        } else {
            last = f.end;
            pos = f.end;
        }
        if !global || out.len() > crate::shell::budget::MAX_VALUE {
            break;
        }
    }
    if last < chars.len() {
        out.extend(&chars[last..]);
    }
    (out, n)
}

/// A `-v` value or a `var=value` operand: escapes processed, a strnum.
pub fn assigned_value(text: &str) -> Val {
    let mut out = String::new();
    let mut it = text.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('/') => out.push('/'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    let _ = str_to_num;
    Val::input(out)
}
