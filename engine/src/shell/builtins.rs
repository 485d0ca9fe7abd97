//! bash builtins and small utilities: `echo`, `printf`, `export`, `unset`,
//! `alias`, `unalias`, `seq`, `sleep` and `date`. `sleep` advances the
//! simulated clock; `date` reads it.

use super::budget::{self, Limit};
use super::escapes::{self, Flavor};
use super::files::curly;
use super::lexer::is_name;
use super::opts::{self, Opt};
use super::{Execution, Session};
use crate::time::{DateTime, Millis};

/// `echo [-neE] [ARG…]`
#[inline(never)]
pub(super) fn echo(
    _s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
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
        exec.out(t);
        if stop {
            return 0;
        }
    } else {
        exec.out(text);
    }
    if newline {
        exec.out("\n");
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

/// `printf [-v VAR] FORMAT [ARG…]`
#[inline(never)]
pub(super) fn printf(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    const USAGE: &str = "printf: usage: printf [-v var] format [arguments]\n";
    let mut args = args;
    let mut var = None;
    if args.first().map(String::as_str) == Some("-v") {
        let Some(v) = args.get(1) else {
            exec.err("bash: printf: -v: option requires an argument\n");
            exec.err(USAGE);
            return 2;
        };
        if !is_name(v) {
            exec.err(format!("bash: printf: `{v}': not a valid identifier\n"));
            return 2;
        }
        var = Some(v.clone());
        args = &args[2..];
    }
    if args.first().map(String::as_str) == Some("--") {
        args = &args[1..];
    }
    let Some(fmt) = args.first() else {
        exec.err(USAGE);
        return 2;
    };
    let fmt: Vec<char> = fmt.chars().collect();
    let rest = &args[1..];
    let mut out = String::new();
    let mut status = 0;
    let mut next = 0;
    loop {
        let before = next;
        if printf_once(&fmt, rest, &mut next, &mut out, exec, &mut status) {
            break;
        }
        if next >= rest.len() || next == before || out.len() > budget::MAX_VALUE {
            break;
        }
    }
    if out.len() > budget::MAX_VALUE {
        s.over(Limit::Value, "bash: printf", exec);
        return 1;
    }
    match var {
        Some(v) => {
            s.set_var(&v, out, exec);
        }
        None => exec.out(out),
    }
    status
}

/// `export [NAME[=VALUE]…]`, `declare`, `local`, `readonly`, `typeset`
#[inline(never)]
pub(super) fn export(s: &mut Session, name: &str, args: &[String], exec: &mut Execution) -> i32 {
    let mut status = 0;
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        let (n, v) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !is_name(n) {
            exec.err(format!("bash: {name}: `{a}': not a valid identifier\n"));
            status = 1;
            continue;
        }
        if let Some(v) = v {
            if !s.set_var(n, v.to_string(), exec) {
                return 1;
            }
        }
    }
    status
}

/// `read [-r] [-p PROMPT] [NAME…]`: one line of stdin into variables (the
/// last takes the rest of the line; `REPLY` without names). Status 1 at the
/// end of input; the terminal gives none here.
#[inline(never)]
pub(super) fn read(
    s: &mut Session,
    args: &[String],
    stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let mut names = vec![];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-r" | "-s" | "-e" => {}
            "-p" | "-t" | "-n" | "-d" | "-u" => i += 1,
            n if is_name(n) => names.push(n.to_string()),
            other => {
                exec.err(format!("bash: read: `{other}': not a valid identifier\n"));
                return 1;
            }
        }
    }
    let Some(text) = stdin.filter(|t| !t.is_empty()) else {
        return 1;
    };
    let line = text.split('\n').next().unwrap_or_default();
    if names.is_empty() {
        return if s.set_var("REPLY", line.to_string(), exec) {
            0
        } else {
            1
        };
    }
    let mut rest = line.trim_start_matches([' ', '\t']);
    for (k, n) in names.iter().enumerate() {
        let value = if k + 1 == names.len() {
            rest.trim_end_matches([' ', '\t']).to_string()
        } else {
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let v = rest[..end].to_string();
            rest = rest[end..].trim_start_matches([' ', '\t']);
            v
        };
        if !s.set_var(n, value, exec) {
            return 1;
        }
    }
    0
}

/// `unset NAME…`
#[inline(never)]
pub(super) fn unset(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let mut status = 0;
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        if !is_name(a) {
            exec.err(format!("bash: unset: `{a}': not a valid identifier\n"));
            status = 1;
            continue;
        }
        s.shell_state_mut().unset_var(a);
    }
    status
}

fn alias_line(name: &str, value: &str) -> String {
    format!("alias {name}='{}'\n", value.replace('\'', "'\\''"))
}

/// `alias [NAME[=VALUE]…]`
#[inline(never)]
pub(super) fn alias(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let args: Vec<&String> = args.iter().filter(|a| *a != "-p").collect();
    if args.is_empty() {
        let all: String = s
            .shell_state()
            .map(|st| st.aliases().iter().map(|(n, v)| alias_line(n, v)).collect())
            .unwrap_or_default();
        exec.out(all);
        return 0;
    }
    let mut status = 0;
    for a in args {
        match a.split_once('=') {
            Some((n, v)) if !n.is_empty() && !n.contains(['/', '$', '`', '\'', '"']) => {
                if let Err(limit) = s.shell_state_mut().set_alias(n, v.to_string()) {
                    s.over(limit, "bash: alias", exec);
                    return 1;
                }
            }
            Some(_) => {
                exec.err(format!("bash: alias: `{a}': invalid alias name\n"));
                status = 1;
            }
            None => match s.shell_state().and_then(|st| st.aliases().get(a.as_str())) {
                Some(v) => exec.out(alias_line(a, v)),
                None => {
                    exec.err(format!("bash: alias: {a}: not found\n"));
                    status = 1;
                }
            },
        }
    }
    status
}

/// `unalias [-a] NAME…`
#[inline(never)]
pub(super) fn unalias(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    if args.is_empty() {
        exec.err("unalias: usage: unalias [-a] name [name ...]\n");
        return 2;
    }
    let mut status = 0;
    for a in args {
        if a == "-a" {
            s.shell_state_mut().clear_aliases();
        } else if !s.shell_state_mut().unalias(a) {
            exec.err(format!("bash: unalias: {a}: not found\n"));
            status = 1;
        }
    }
    status
}

fn decimals(s: &str) -> usize {
    match s.split_once('.') {
        Some((_, frac)) => frac.chars().take_while(|c| c.is_ascii_digit()).count(),
        None => 0,
    }
}

/// `seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST`
#[inline(never)]
pub(super) fn seq(
    sh: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    const OPTS: &[Opt] = &[
        opts::valued("s", 's', "separator"),
        opts::flag("w", 'w', "equal-width"),
        opts::valued("f", 'f', "format"),
    ];
    // `seq -5 5`: a negative number is an operand, not an option.
    let spec = opts::Spec {
        numbers_are_operands: true,
        ..opts::Spec::gnu(OPTS)
    };
    let parsed = match opts::parse(args, &spec) {
        Ok(p) => p,
        Err(e) => {
            exec.err(e.gnu("seq"));
            exec.err("Try 'seq --help' for more information.\n");
            return 1;
        }
    };
    let sep = parsed.value("s").unwrap_or("\n").to_string();
    let equal_width = parsed.has("w");
    let operands = parsed.operands();
    let nums: Vec<&String> = operands.iter().collect();
    if nums.is_empty() {
        exec.err("seq: missing operand\nTry 'seq --help' for more information.\n");
        return 1;
    }
    if nums.len() > 3 {
        exec.err(format!(
            "seq: extra operand {}\nTry 'seq --help' for more information.\n",
            curly(nums[3])
        ));
        return 1;
    }
    let mut values = vec![];
    for n in &nums {
        match n.parse::<f64>() {
            Ok(v) if !v.is_nan() => values.push(v),
            _ => {
                exec.err(format!(
                    "seq: invalid floating point argument: {}\nTry 'seq --help' for more information.\n",
                    curly(n)
                ));
                return 1;
            }
        }
    }
    let (first, step, last) = match values.as_slice() {
        [l] => (1.0, 1.0, *l),
        [f, l] => (*f, 1.0, *l),
        [f, s, l] => (*f, *s, *l),
        _ => return 1,
    };
    if step == 0.0 {
        exec.err(format!(
            "seq: invalid Zero increment value: {}\nTry 'seq --help' for more information.\n",
            curly(nums[1])
        ));
        return 1;
    }
    let prec = match nums.len() {
        1 => 0,
        2 => decimals(nums[0]),
        _ => decimals(nums[0]).max(decimals(nums[1])),
    };
    let fmt = |v: f64| format!("{v:.prec$}");
    let width = if equal_width {
        fmt(first).len().max(fmt(last).len())
    } else {
        0
    };
    let mut out = String::new();
    let mut k = 0usize;
    loop {
        let v = first + step * k as f64;
        if (step > 0.0 && v > last + 1e-9) || (step < 0.0 && v < last - 1e-9) || !v.is_finite() {
            break;
        }
        if out.len() > budget::MAX_OUTPUT {
            // `seq 1e9` would print for ever: stop at what one line may print.
            sh.over(Limit::Output, "seq", exec);
            return 1;
        }
        if k > 0 {
            out.push_str(&sep);
        }
        let s = fmt(v);
        if s.len() < width {
            match s.strip_prefix('-') {
                Some(d) => out.push_str(&format!("-{}{d}", "0".repeat(width - s.len()))),
                None => out.push_str(&format!("{}{s}", "0".repeat(width - s.len()))),
            }
        } else {
            out.push_str(&s);
        }
        k += 1;
    }
    if k > 0 {
        out.push('\n');
        exec.out(out);
    }
    0
}

/// `sleep NUMBER[smhd]…`: the simulated clock moves on; no real time passes.
#[inline(never)]
pub(super) fn sleep(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    if args.is_empty() {
        exec.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
        return 1;
    }
    let mut total = 0f64;
    for a in args {
        let (num, mult) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1.0),
            Some('m') => (&a[..a.len() - 1], 60.0),
            Some('h') => (&a[..a.len() - 1], 3600.0),
            Some('d') => (&a[..a.len() - 1], 86400.0),
            _ => (a.as_str(), 1.0),
        };
        match num.parse::<f64>() {
            Ok(v) if v >= 0.0 && !v.is_nan() => total += v * mult,
            _ => {
                exec.err(format!(
                    "sleep: invalid time interval {}\nTry 'sleep --help' for more information.\n",
                    curly(a)
                ));
                return 1;
            }
        }
    }
    // A year is as long as anyone waits; `sleep inf` would stop the clock's arithmetic.
    const YEAR_MS: f64 = 365.0 * 86_400_000.0;
    s.advance((total * 1000.0).round().min(YEAR_MS) as Millis);
    0
}

/// `date [-u] [+FORMAT]`
#[inline(never)]
pub(super) fn date(
    s: &mut Session,
    args: &[String],
    _stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    let clock = DateTime::at(s.now() as i64);
    let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_string();
    for a in args {
        if let Some(f) = a.strip_prefix('+') {
            fmt = f.to_string();
        } else if a == "-u" || a == "--utc" {
        } else if a == "-R" {
            fmt = "%a, %d %b %Y %H:%M:%S +0000".into();
        } else {
            exec.err(format!("date: invalid date {}\n", curly(a)));
            return 1;
        }
    }
    exec.out(format!("{}\n", clock.strftime(&fmt)));
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printf_text(args: &[&str]) -> (String, String) {
        let mut s = Session::new(crate::world::WorldOptions::default()).unwrap();
        let mut e = Execution::default();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        printf(&mut s, &args, None, &mut e);
        let out = e
            .output
            .iter()
            .filter(|(st, _)| *st == super::super::Stream::Stdout)
            .map(|(_, t)| t.as_str())
            .collect();
        let err = e
            .output
            .iter()
            .filter(|(st, _)| *st == super::super::Stream::Stderr)
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
