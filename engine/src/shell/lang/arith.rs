//! `$((…))`: integer arithmetic as bash evaluates it (64-bit, wrapping),
//! without assignments: `$((i + 1))`, `$((RANDOM % 3))`, `$((2 ** 10))`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::shell) enum ArithError {
    OperandExpected(String),
    Syntax(String),
    DivisionByZero(String),
    MissingParen(String),
    /// A digit the number's base does not have (`08`).
    TooGreat(String),
    InvalidBase(String),
}

/// Worded as bash words it, after `bash: EXPR: `.
impl fmt::Display for ArithError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArithError::OperandExpected(t) => {
                write!(f, "syntax error: operand expected (error token is \"{t}\")")
            }
            ArithError::Syntax(t) => {
                write!(f, "syntax error in expression (error token is \"{t}\")")
            }
            ArithError::DivisionByZero(t) => write!(f, "division by 0 (error token is \"{t}\")"),
            ArithError::MissingParen(t) => write!(f, "missing `)' (error token is \"{t}\")"),
            ArithError::TooGreat(t) => {
                write!(f, "value too great for base (error token is \"{t}\")")
            }
            ArithError::InvalidBase(t) => {
                write!(f, "invalid arithmetic base (error token is \"{t}\")")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Name(String),
    Op(&'static str),
}

const OPS: [&str; 26] = [
    "**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "&",
    "|", "^", "!", "~", "(", ")", "?", ":", ",",
];

/// A number as bash reads one: decimal, `0x` hex, `0` octal, or `BASE#N`
/// (bases 2 to 64), accumulated with 64-bit wrapping, as bash does: the
/// literal 9223372036854775808 is -9223372036854775808.
fn number(text: &str) -> Result<i64, ArithError> {
    let too_great = || ArithError::TooGreat(text.to_string());
    let (base, digits) = if let Some((b, d)) = text.split_once('#') {
        match b.parse::<u32>() {
            Ok(b) if (2..=64).contains(&b) => (b, d),
            _ => return Err(ArithError::InvalidBase(text.to_string())),
        }
    } else if let Some(h) = text.strip_prefix("0x").or(text.strip_prefix("0X")) {
        (16, h)
    } else if text.len() > 1 && text.starts_with('0') {
        (8, &text[1..])
    } else {
        (10, text)
    };
    let mut v: i64 = 0;
    for c in digits.chars() {
        // bash's digits past 9: a–z, then A–Z (or a–z again up to base
        // 36), then `@` and `_`.
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            '@' => 62,
            '_' => 63,
            _ => return Err(too_great()),
        };
        if d >= base {
            return Err(too_great());
        }
        v = v.wrapping_mul(i64::from(base)).wrapping_add(i64::from(d));
    }
    Ok(v)
}

fn lex(expr: &str) -> Result<Vec<(Tok, usize)>, ArithError> {
    // (byte offset, char), so an error can quote the rest in one step.
    let chars: Vec<(usize, char)> = expr.char_indices().collect();
    let byte = |i: usize| chars.get(i).map_or(expr.len(), |(b, _)| *b);
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < chars.len()
                && (chars[i].1.is_ascii_alphanumeric() || matches!(chars[i].1, '#' | '@' | '_'))
            {
                i += 1;
            }
            let text = &expr[byte(start)..byte(i)];
            out.push((Tok::Num(number(text)?), byte(start)));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].1.is_ascii_alphanumeric() || chars[i].1 == '_') {
                i += 1;
            }
            out.push((
                Tok::Name(expr[byte(start)..byte(i)].to_string()),
                byte(start),
            ));
            continue;
        }
        let rest = &expr[byte(i)..byte(i + 2)];
        match OPS.iter().find(|op| rest.starts_with(**op)) {
            Some(op) => {
                i += op.chars().count();
                out.push((Tok::Op(op), byte(start)));
            }
            None => return Err(ArithError::Syntax(expr[byte(start)..].trim().to_string())),
        }
    }
    Ok(out)
}

struct Eval<'a> {
    expr: &'a str,
    toks: Vec<(Tok, usize)>,
    i: usize,
    var: &'a mut dyn FnMut(&str) -> Option<String>,
    depth: usize,
}

fn binding(op: &str) -> Option<(u8, bool)> {
    // (precedence, right-associative)
    Some(match op {
        "||" => (1, false),
        "&&" => (2, false),
        "|" => (3, false),
        "^" => (4, false),
        "&" => (5, false),
        "==" | "!=" => (6, false),
        "<" | "<=" | ">" | ">=" => (7, false),
        "<<" | ">>" => (8, false),
        "+" | "-" => (9, false),
        "*" | "/" | "%" => (10, false),
        "**" => (11, true),
        _ => return None,
    })
}

impl Eval<'_> {
    fn rest(&self, at: usize) -> String {
        match self.toks.get(at) {
            Some((_, b)) => self.expr[*b..].trim().to_string(),
            None => String::new(),
        }
    }

    fn expr(&mut self, min: u8) -> Result<i64, ArithError> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(ArithError::Syntax(self.rest(self.i)));
        }
        let mut lhs = self.unary()?;
        while let Some((Tok::Op(op), _)) = self.toks.get(self.i).cloned() {
            if op == "?" && min == 0 {
                self.i += 1;
                let a = self.expr(0)?;
                if self.toks.get(self.i).map(|t| &t.0) != Some(&Tok::Op(":")) {
                    return Err(ArithError::Syntax(self.rest(self.i)));
                }
                self.i += 1;
                let b = self.expr(0)?;
                lhs = if lhs != 0 { a } else { b };
                continue;
            }
            let Some((prec, right)) = binding(op) else {
                break;
            };
            if prec < min.max(1) {
                break;
            }
            let op_at = self.i;
            self.i += 1;
            let rhs_at = self.i;
            let rhs = self.expr(if right { prec } else { prec + 1 })?;
            lhs = match op {
                "||" => i64::from(lhs != 0 || rhs != 0),
                "&&" => i64::from(lhs != 0 && rhs != 0),
                "|" => lhs | rhs,
                "^" => lhs ^ rhs,
                "&" => lhs & rhs,
                "==" => i64::from(lhs == rhs),
                "!=" => i64::from(lhs != rhs),
                "<" => i64::from(lhs < rhs),
                "<=" => i64::from(lhs <= rhs),
                ">" => i64::from(lhs > rhs),
                ">=" => i64::from(lhs >= rhs),
                "<<" => lhs.wrapping_shl(rhs as u32),
                ">>" => lhs.wrapping_shr(rhs as u32),
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "/" | "%" if rhs == 0 => {
                    return Err(ArithError::DivisionByZero(self.rest(rhs_at)));
                }
                "/" => lhs.wrapping_div(rhs),
                "%" => lhs.wrapping_rem(rhs),
                "**" if rhs < 0 => {
                    return Err(ArithError::Syntax(format!(
                        "exponent less than 0 ({})",
                        self.rest(op_at)
                    )))
                }
                _ => lhs.wrapping_pow(rhs.min(u32::MAX as i64) as u32),
            };
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, ArithError> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(ArithError::Syntax(self.rest(self.i)));
        }
        let v = self.operand();
        self.depth -= 1;
        v
    }

    fn operand(&mut self) -> Result<i64, ArithError> {
        let Some((tok, _)) = self.toks.get(self.i).cloned() else {
            // An operand is missing: bash names the operator before it.
            let at = self.i.saturating_sub(1);
            return Err(ArithError::OperandExpected(self.rest(at)));
        };
        self.i += 1;
        match tok {
            Tok::Num(v) => Ok(v),
            Tok::Name(n) => {
                let v = (self.var)(&n).unwrap_or_default();
                Ok(v.trim().parse::<i64>().unwrap_or(0))
            }
            Tok::Op("-") => Ok(self.unary()?.wrapping_neg()),
            Tok::Op("+") => self.unary(),
            Tok::Op("!") => Ok(i64::from(self.unary()? == 0)),
            Tok::Op("~") => Ok(!self.unary()?),
            Tok::Op("(") => {
                let open = self.i;
                let v = self.expr(0)?;
                if self.toks.get(self.i).map(|t| &t.0) != Some(&Tok::Op(")")) {
                    return Err(ArithError::MissingParen(self.rest(open)));
                }
                self.i += 1;
                Ok(v)
            }
            Tok::Op(_) => Err(ArithError::OperandExpected(self.rest(self.i - 1))),
        }
    }
}

/// Evaluates `expr`; `var` looks variables up.
pub(in crate::shell) fn eval(
    expr: &str,
    var: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<i64, ArithError> {
    let toks = lex(expr)?;
    if toks.is_empty() {
        return Ok(0);
    }
    let mut e = Eval {
        expr,
        toks,
        i: 0,
        var,
        depth: 0,
    };
    let v = e.expr(0)?;
    if e.i < e.toks.len() {
        return Err(ArithError::Syntax(e.rest(e.i)));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(s: &str) -> Result<i64, String> {
        eval(s, &mut |n: &str| (n == "i").then(|| "4".to_string())).map_err(|e| e.to_string())
    }

    #[test]
    fn arithmetic() {
        assert_eq!(ev("1+2*3"), Ok(7));
        assert_eq!(ev("(1+2)*3"), Ok(9));
        assert_eq!(ev("i + 1"), Ok(5));
        assert_eq!(ev("nope + 1"), Ok(1));
        assert_eq!(ev("2**10"), Ok(1024));
        assert_eq!(ev("2**3**2"), Ok(512));
        assert_eq!(ev("-3 % 2"), Ok(-1));
        assert_eq!(ev("7 / 2"), Ok(3));
        assert_eq!(ev("1 < 2 && 3 >= 3"), Ok(1));
        assert_eq!(ev("i > 3 ? 10 : 20"), Ok(10));
        assert_eq!(ev("0x10 + 010"), Ok(24));
        assert_eq!(ev(""), Ok(0));
        assert_eq!(ev("!0 + ~0"), Ok(0));
    }

    #[test]
    fn edges_as_bash() {
        assert_eq!(ev("-9223372036854775808/-1"), Ok(i64::MIN));
        assert_eq!(ev("-9223372036854775808%-1"), Ok(0));
        assert_eq!(ev("9223372036854775808"), Ok(i64::MIN));
        assert_eq!(ev("9223372036854775807+1"), Ok(i64::MIN));
        assert_eq!(ev("2**63"), Ok(i64::MIN));
        assert_eq!(ev("2#101 + 16#ff + 0x10 + 010"), Ok(5 + 255 + 16 + 8));
        assert_eq!(ev("64#_"), Ok(63));
        assert_eq!(
            ev("08"),
            Err("value too great for base (error token is \"08\")".into())
        );
        assert_eq!(
            ev("1#1"),
            Err("invalid arithmetic base (error token is \"1#1\")".into())
        );
    }

    #[test]
    fn errors_read_like_bash() {
        assert_eq!(
            ev("1+"),
            Err("syntax error: operand expected (error token is \"+\")".into())
        );
        assert_eq!(
            ev("1/0"),
            Err("division by 0 (error token is \"0\")".into())
        );
        assert_eq!(
            ev("1 2"),
            Err("syntax error in expression (error token is \"2\")".into())
        );
        assert!(ev("(1").is_err());
        assert!(ev("1 @ 2").is_err());
        assert!(ev(&"(".repeat(500)).is_err());
    }
}
