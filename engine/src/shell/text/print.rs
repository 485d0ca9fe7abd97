//! `echo` and `printf`, as bash's builtins print.

use super::Tool;
use crate::shell::budget::{self, Limit};
use crate::shell::escapes::{self, Flavor};
use crate::shell::Execution;

/// `echo [-neE] [ARG…]`
#[inline(never)]
pub(super) fn echo(cx: &mut Tool, args: &[String]) -> i32 {
    let mut newline = true;
    let mut interpret = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c)) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => interpret = true,
                    _ => interpret = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let text = args[i..].join(" ");
    if interpret {
        let (t, stop) = escapes::decode(&text, Flavor::Echo);
        cx.out.out(t);
        if stop {
            return 0;
        }
    } else {
        cx.out.out(text);
    }
    if newline {
        cx.out.out("\n");
    }
    0
}

/// A `%` conversion of printf.
struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: Option<usize>,
    precision: Option<usize>,
    conv: char,
}

fn pad(spec: &Spec, body: String, numeric: bool) -> String {
    let len = body.chars().count();
    let Some(w) = spec.width.filter(|&w| w > len) else {
        return body;
    };
    let fill = w - len;
    if spec.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric && spec.precision.is_none_or(|_| spec.conv == 'f') {
        let (sign, digits) = match body.strip_prefix(['-', '+', ' ']) {
            Some(rest) => (&body[..1], rest),
            None => ("", body.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

/// An integer argument as bash's printf reads it; `Err` for junk.
fn int_arg(a: &str) -> Result<i64, i64> {
    let t = a.trim_start();
    if t.is_empty() {
        return Ok(0);
    }
    if let Some(c) = t.strip_prefix(['\'', '"']) {
        return Ok(c.chars().next().map_or(0, |c| c as i64));
    }
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let parsed = if let Some(h) = digits.strip_prefix("0x").or(digits.strip_prefix("0X")) {
        i64::from_str_radix(h, 16)
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8)
    } else {
        digits.parse::<i64>()
    };
    match parsed {
        Ok(v) => Ok(if neg { -v } else { v }),
        Err(_) => {
            let prefix: String = digits.chars().take_while(|c| c.is_ascii_digit()).collect();
            let v = prefix.parse::<i64>().unwrap_or(0);
            Err(if neg { -v } else { v })
        }
    }
}

/// `printf %q`: the argument quoted for reuse as shell input.
fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c) {
            out.push(c);
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}

fn float_e(v: f64, prec: usize, upper: bool) -> String {
    let s = format!("{v:.prec$e}");
    // Rust prints `1.5e3`; C prints `1.5e+03`.
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = e.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    let out = format!("{m}e{sign}{:02}", exp.abs());
    if upper {
        out.to_uppercase()
    } else {
        out
    }
}

/// Formats once through `fmt`, taking arguments from `args[*next..]`.
/// Returns `true` when `\c` stopped the output.
fn printf_once(
    fmt: &[char],
    args: &[String],
    next: &mut usize,
    out: &mut String,
    exec: &mut Execution,
    status: &mut i32,
) -> bool {
    let arg = |next: &mut usize| -> Option<String> {
        let a = args.get(*next).cloned();
        *next += 1;
        a
    };
    let mut i = 0;
    while i < fmt.len() {
        if out.len() > budget::MAX_VALUE {
            // Widths repeat: a short format can ask for far more than it holds.
            return true;
        }
        let c = fmt[i];
        i += 1;
        if c == '\\' {
            // A run of escapes makes bytes together (`\xe2\x80\xae`).
            let mut bytes = vec![];
            let (mut next, _) = escapes::decode_at(fmt, i, Flavor::Printf, &mut bytes);
            while fmt.get(next) == Some(&'\\') && next + 1 < fmt.len() {
                next = escapes::decode_at(fmt, next + 1, Flavor::Printf, &mut bytes).0;
            }
            out.push_str(&String::from_utf8_lossy(&bytes));
            i = next;
            continue;
        }
        if c != '%' {
            out.push(c);
            continue;
        }
        if fmt.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut spec = Spec {
            minus: false,
            plus: false,
            space: false,
            zero: false,
            alt: false,
            width: None,
            precision: None,
            conv: 's',
        };
        while let Some(&f) = fmt.get(i) {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                '#' => spec.alt = true,
                _ => break,
            }
            i += 1;
        }
        let number = |i: &mut usize, next: &mut usize| -> Option<usize> {
            if fmt.get(*i) == Some(&'*') {
                *i += 1;
                return Some(arg(next).and_then(|a| a.parse().ok()).unwrap_or(0));
            }
            let start = *i;
            while fmt.get(*i).is_some_and(|c| c.is_ascii_digit()) {
                *i += 1;
            }
            (start < *i).then(|| {
                fmt[start..*i]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(0)
            })
        };
        spec.width = number(&mut i, next).map(|w: usize| w.min(4096));
        if fmt.get(i) == Some(&'.') {
            i += 1;
            spec.precision = Some(number(&mut i, next).unwrap_or(0).min(4096));
        }
        // Length modifiers mean nothing here.
        while matches!(fmt.get(i), Some('l' | 'h' | 'j' | 'z' | 't' | 'L')) {
            i += 1;
        }
        let Some(&conv) = fmt.get(i) else {
            exec.err("bash: printf: `%': missing format character\n");
            *status = 1;
            return true;
        };
        i += 1;
        spec.conv = conv;
        let a = match conv {
            's' | 'b' | 'q' | 'c' | 'd' | 'i' | 'o' | 'u' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E'
            | 'g' | 'G' => arg(next),
            _ => {
                exec.err(format!(
                    "bash: printf: `{conv}': invalid format character\n"
                ));
                *status = 1;
                return true;
            }
        };
        let body = match conv {
            's' | 'q' => {
                let a = a.unwrap_or_default();
                let a = if conv == 'q' { shell_quote(&a) } else { a };
                let a = match spec.precision {
                    Some(p) => a.chars().take(p).collect(),
                    None => a,
                };
                pad(&spec, a, false)
            }
            'b' => {
                let (t, stop) = escapes::decode(&a.unwrap_or_default(), Flavor::Echo);
                out.push_str(&pad(&spec, t, false));
                if stop {
                    return true;
                }
                continue;
            }
            'c' => pad(
                &spec,
                a.unwrap_or_default()
                    .chars()
                    .next()
                    .map(String::from)
                    .unwrap_or_default(),
                false,
            ),
            'd' | 'i' | 'o' | 'u' | 'x' | 'X' => {
                let raw = a.unwrap_or_default();
                let v = int_arg(&raw).unwrap_or_else(|v| {
                    exec.err(format!("bash: printf: {raw}: invalid number\n"));
                    *status = 1;
                    v
                });
                let mut digits = match conv {
                    'o' => format!("{:o}", v.unsigned_abs()),
                    'x' => format!("{:x}", v.unsigned_abs()),
                    'X' => format!("{:X}", v.unsigned_abs()),
                    _ => v.unsigned_abs().to_string(),
                };
                if let Some(p) = spec.precision {
                    if digits.len() < p {
                        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                if spec.alt && v != 0 {
                    match conv {
                        'o' => digits.insert(0, '0'),
                        'x' => digits.insert_str(0, "0x"),
                        'X' => digits.insert_str(0, "0X"),
                        _ => {}
                    }
                }
                let sign = if v < 0 {
                    "-"
                } else if spec.plus && matches!(conv, 'd' | 'i') {
                    "+"
                } else if spec.space && matches!(conv, 'd' | 'i') {
                    " "
                } else {
                    ""
                };
                pad(&spec, format!("{sign}{digits}"), true)
            }
            _ => {
                let raw = a.unwrap_or_default();
                let v: f64 = if raw.trim().is_empty() {
                    0.0
                } else {
                    raw.trim().parse().unwrap_or_else(|_| {
                        exec.err(format!("bash: printf: {raw}: invalid number\n"));
                        *status = 1;
                        0.0
                    })
                };
                let p = spec.precision.unwrap_or(6);
                let mut body = match conv {
                    'e' | 'E' => float_e(v, p, conv == 'E'),
                    'g' | 'G' => {
                        let p = p.max(1);
                        let exp = if v == 0.0 {
                            0
                        } else {
                            v.abs().log10().floor() as i32
                        };
                        if exp < -4 || exp >= p as i32 {
                            let e = float_e(v, p - 1, conv == 'G');
                            match e.split_once(['e', 'E']) {
                                Some((m, x)) if m.contains('.') && !spec.alt => {
                                    let m = m.trim_end_matches('0').trim_end_matches('.');
                                    let sep = if conv == 'G' { 'E' } else { 'e' };
                                    format!("{m}{sep}{x}")
                                }
                                _ => e,
                            }
                        } else {
                            let s = format!("{v:.*}", (p as i32 - 1 - exp).max(0) as usize);
                            if s.contains('.') && !spec.alt {
                                s.trim_end_matches('0').trim_end_matches('.').to_string()
                            } else {
                                s
                            }
                        }
                    }
                    _ => format!("{v:.p$}"),
                };
                if v >= 0.0 && spec.plus {
                    body.insert(0, '+');
                } else if v >= 0.0 && spec.space {
                    body.insert(0, ' ');
                }
                pad(&spec, body, true)
            }
        };
        out.push_str(&body);
    }
    false
}

/// `printf FORMAT [ARG…]` (`-v VAR` is the shell's: see `Session::run_command`)
#[inline(never)]
pub(super) fn printf(cx: &mut Tool, args: &[String]) -> i32 {
    const USAGE: &str = "printf: usage: printf [-v var] format [arguments]\n";
    let mut args = args;
    if args.first().map(String::as_str) == Some("--") {
        args = &args[1..];
    }
    let Some(fmt) = args.first() else {
        cx.out.err(USAGE);
        return 2;
    };
    let fmt: Vec<char> = fmt.chars().collect();
    let rest = &args[1..];
    let mut out = String::new();
    let mut status = 0;
    let mut next = 0;
    loop {
        let before = next;
        if printf_once(&fmt, rest, &mut next, &mut out, cx.out, &mut status) {
            break;
        }
        if next >= rest.len() || next == before || out.len() > budget::MAX_VALUE {
            break;
        }
    }
    if out.len() > budget::MAX_VALUE {
        cx.over(Limit::Value, "bash: printf");
        return 1;
    }
    cx.out.out(out);
    status
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    fn printf_text(args: &[&str]) -> (String, String) {
        let mut s = Session::new(crate::world::WorldOptions::default()).unwrap();
        let words: Vec<&str> = std::iter::once("printf")
            .chain(args.iter().copied())
            .collect();
        let e = s.run_words(&words);
        let out = e
            .output
            .iter()
            .filter(|(st, _)| *st == crate::shell::Stream::Stdout)
            .map(|(_, t)| t.as_str())
            .collect();
        let err = e
            .output
            .iter()
            .filter(|(st, _)| *st == crate::shell::Stream::Stderr)
            .map(|(_, t)| t.as_str())
            .collect();
        (out, err)
    }

    #[test]
    fn printf_like_bash() {
        assert_eq!(
            printf_text(&["%5s|%-5s|%03d|%x|%c\\n", "ab", "cd", "7", "255", "hello"]).0,
            "   ab|cd   |007|ff|h\n"
        );
        assert_eq!(printf_text(&["%s\\n", "a", "b", "c"]).0, "a\nb\nc\n");
        assert_eq!(printf_text(&["%s %s\\n", "a", "b", "c"]).0, "a b\nc \n");
        assert_eq!(printf_text(&["%q\\n", "a b"]).0, "a\\ b\n");
        assert_eq!(printf_text(&["%b\\n", "a\\tb"]).0, "a\tb\n");
        assert_eq!(printf_text(&["%.2f\\n", "3.14159"]).0, "3.14\n");
        assert_eq!(printf_text(&["%e\\n", "1500"]).0, "1.500000e+03\n");
        assert_eq!(
            printf_text(&["%g %g\\n", "0.5", "1500000"]).0,
            "0.5 1.5e+06\n"
        );
        assert_eq!(printf_text(&["100%%\\n"]).0, "100%\n");
        assert_eq!(
            printf_text(&["%d\\n", "abc"]),
            ("0\n".into(), "bash: printf: abc: invalid number\n".into())
        );
        assert_eq!(printf_text(&["\\101\\x42\\n"]).0, "AB\n");
    }
}
