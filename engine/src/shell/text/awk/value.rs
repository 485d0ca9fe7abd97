//! awk's values: numbers, strings, and the "strnum" of input (a field that
//! looks like a number compares as one), with the conversions POSIX
//! defines (`CONVFMT`/`OFMT` `%.6g`, integers printed as integers), and
//! `printf`'s formatting.

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Never assigned: "" and 0 at once.
    Uninit,
    Num(f64),
    Str(String),
    /// Input that looks numeric (fields, `split` pieces, `-v` values).
    StrNum(String),
}

/// The longest numeric prefix of `s`, as `strtod` reads it (leading
/// blanks skipped; no hex, as gawk without `--non-decimal-data`).
pub fn str_to_num(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i == digits_start || (i == digits_start + 1 && b[digits_start] == b'.') {
        // `+inf`, `nan`… are not numbers to POSIX awk either.
        return 0.0;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    t[..i].parse().unwrap_or(0.0)
}

/// Whether input text is a number in full (blanks around allowed): then it
/// compares numerically.
pub fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() {
        return false;
    }
    let b = t.as_bytes();
    let mut i = 0;
    if b[i] == b'+' || b[i] == b'-' {
        i += 1;
    }
    let ds = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i > ds;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits |= i > fs;
    }
    if !digits {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return false;
        }
    }
    i == b.len()
}

impl Val {
    pub fn num(&self) -> f64 {
        match self {
            Val::Uninit => 0.0,
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => str_to_num(s),
        }
    }

    /// The string of a value, numbers formatted with `fmt` (CONVFMT or OFMT).
    pub fn string(&self, fmt: &str) -> String {
        match self {
            Val::Uninit => String::new(),
            Val::Num(n) => num_to_string(*n, fmt),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Val::Uninit => false,
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::StrNum(s) => {
                if looks_numeric(s) {
                    str_to_num(s) != 0.0
                } else {
                    !s.is_empty()
                }
            }
        }
    }

    /// Whether the value compares as a number.
    pub fn numeric(&self) -> bool {
        match self {
            Val::Uninit | Val::Num(_) => true,
            Val::StrNum(s) => looks_numeric(s),
            Val::Str(_) => false,
        }
    }

    /// An input string: a strnum.
    pub fn input(s: impl Into<String>) -> Val {
        Val::StrNum(s.into())
    }
}

/// A number as awk turns it into a string: integers as integers, others
/// through `fmt`.
pub fn num_to_string(n: f64, fmt: &str) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "+nan" }.into();
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf" } else { "+inf" }.into();
    }
    if n == n.trunc() && n.abs() < 1e16 {
        return format!("{}", n as i64);
    }
    sprintf(fmt, &[Val::Num(n)], "%.6g")
}

/// `%e` with `prec` digits, C's exponent of at least two digits.
fn fmt_e(v: f64, prec: usize, upper: bool) -> String {
    let s = format!("{v:.prec$e}");
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

/// `%g`: `%e` or `%f`, whichever C picks, trailing zeros dropped unless `#`.
fn fmt_g(v: f64, prec: usize, upper: bool, alt: bool) -> String {
    let p = prec.max(1);
    if v == 0.0 {
        return if alt {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".into()
        };
    }
    let e = fmt_e(v, p - 1, upper);
    let exp: i32 = e
        .rsplit(['e', 'E'])
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    let trim = |s: String| {
        if alt || !s.contains('.') {
            s
        } else {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    };
    if exp < -4 || exp >= p as i32 {
        let (m, x) = e.split_at(e.find(['e', 'E']).unwrap_or(e.len()));
        format!("{}{x}", trim(m.to_string()))
    } else {
        trim(format!("{v:.*}", (p as i32 - 1 - exp).max(0) as usize))
    }
}

/// `printf`'s formatting of `args` by `fmt`; `conv` formats a number
/// turned into a string for `%s`.
pub fn sprintf(fmt: &str, args: &[Val], conv: &str) -> String {
    let f: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut next = 0usize;
    let arg = |next: &mut usize| {
        let v = args.get(*next).cloned().unwrap_or(Val::Uninit);
        *next += 1;
        v
    };
    let mut i = 0;
    while i < f.len() {
        if out.len() > crate::shell::budget::MAX_VALUE {
            break;
        }
        let c = f[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if f.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let (mut minus, mut plus, mut space, mut zero, mut alt) =
            (false, false, false, false, false);
        while let Some(&fl) = f.get(i) {
            match fl {
                '-' => minus = true,
                '+' => plus = true,
                ' ' => space = true,
                '0' => zero = true,
                '#' => alt = true,
                _ => break,
            }
            i += 1;
        }
        let number = |i: &mut usize, next: &mut usize| -> Option<i64> {
            if f.get(*i) == Some(&'*') {
                *i += 1;
                return Some(arg(next).num() as i64);
            }
            let s = *i;
            while f.get(*i).is_some_and(|c| c.is_ascii_digit()) {
                *i += 1;
            }
            (s < *i).then(|| f[s..*i].iter().collect::<String>().parse().unwrap_or(0))
        };
        let mut width = number(&mut i, &mut next);
        if width.is_some_and(|w| w < 0) {
            minus = true;
            width = width.map(i64::abs);
        }
        let width = width.map(|w| (w as usize).min(4096));
        let precision = if f.get(i) == Some(&'.') {
            i += 1;
            Some(number(&mut i, &mut next).unwrap_or(0).clamp(0, 4096) as usize)
        } else {
            None
        };
        while matches!(f.get(i), Some('l' | 'h' | 'L' | 'q' | 'j' | 'z' | 't')) {
            i += 1;
        }
        let Some(&conv_ch) = f.get(i) else {
            // gawk prints a lone `%` as is.
            out.push('%');
            break;
        };
        i += 1;
        let pad = |body: String, numeric: bool| -> String {
            let len = body.chars().count();
            let Some(w) = width.filter(|w| *w > len) else {
                return body;
            };
            let fill = w - len;
            if minus {
                format!("{body}{}", " ".repeat(fill))
            } else if zero && numeric {
                let (sign, digits) = match body.chars().next() {
                    Some(s @ ('-' | '+' | ' ')) => (s.to_string(), body[1..].to_string()),
                    _ => (String::new(), body.clone()),
                };
                format!("{sign}{}{digits}", "0".repeat(fill))
            } else {
                format!("{}{body}", " ".repeat(fill))
            }
        };
        let sign = |neg: bool| {
            if neg {
                "-"
            } else if plus {
                "+"
            } else if space {
                " "
            } else {
                ""
            }
        };
        let body = match conv_ch {
            'c' => {
                let v = arg(&mut next);
                let s = match &v {
                    Val::Num(n) => char::from_u32(*n as u32)
                        .map(String::from)
                        .unwrap_or_default(),
                    other => other
                        .string(conv)
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_default(),
                };
                pad(s, false)
            }
            's' => {
                let mut s = arg(&mut next).string(conv);
                if let Some(p) = precision {
                    s = s.chars().take(p).collect();
                }
                pad(s, false)
            }
            'd' | 'i' => {
                let n = arg(&mut next).num();
                let v = n.trunc();
                let mut digits = format!("{}", v.abs() as u64);
                if let Some(p) = precision {
                    if digits.len() < p {
                        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                pad(format!("{}{digits}", sign(v < 0.0)), precision.is_none())
            }
            'o' | 'x' | 'X' | 'u' => {
                let n = arg(&mut next).num();
                let v = if n < 0.0 { (n as i64) as u64 } else { n as u64 };
                let mut digits = match conv_ch {
                    'o' => format!("{v:o}"),
                    'x' => format!("{v:x}"),
                    'X' => format!("{v:X}"),
                    _ => v.to_string(),
                };
                if let Some(p) = precision {
                    if digits.len() < p {
                        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                if alt && v != 0 {
                    match conv_ch {
                        'o' => digits.insert(0, '0'),
                        'x' => digits.insert_str(0, "0x"),
                        'X' => digits.insert_str(0, "0X"),
                        _ => {}
                    }
                }
                pad(digits, true)
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let v = arg(&mut next).num();
                let p = precision.unwrap_or(6);
                let mag = match conv_ch {
                    'e' | 'E' => fmt_e(v.abs(), p, conv_ch == 'E'),
                    'g' | 'G' => fmt_g(v.abs(), p, conv_ch == 'G', alt),
                    _ => format!("{:.p$}", v.abs()),
                };
                pad(
                    format!("{}{mag}", sign(v.is_sign_negative() && v != 0.0)),
                    true,
                )
            }
            other => {
                // gawk copies an unknown conversion through.
                format!("%{other}")
            }
        };
        out.push_str(&body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_awk_prints_them() {
        assert_eq!(num_to_string(3.0, "%.6g"), "3");
        assert_eq!(num_to_string(0.1 + 0.2, "%.6g"), "0.3");
        assert_eq!(num_to_string(1.0 / 3.0, "%.6g"), "0.333333");
        assert_eq!(num_to_string(1e20, "%.6g"), "1e+20");
        assert_eq!(num_to_string(-2.5, "%.6g"), "-2.5");
    }

    #[test]
    fn printf_formats() {
        let v = |x: f64| Val::Num(x);
        assert_eq!(
            sprintf(
                "%5.2f|%-4d|%03d|%x",
                &[v(2.4567), v(7.0), v(5.0), v(255.0)],
                "%.6g"
            ),
            " 2.46|7   |005|ff"
        );
        assert_eq!(
            sprintf("%s=%d%%", &[Val::Str("a".into()), v(50.0)], "%.6g"),
            "a=50%"
        );
        assert_eq!(
            sprintf("%e %g %G", &[v(1500.0), v(0.0001), v(1e-5)], "%.6g"),
            "1.500000e+03 0.0001 1E-05"
        );
        assert_eq!(
            sprintf(
                "%10s|%-10s|",
                &[Val::Str("ab".into()), Val::Str("cd".into())],
                "%.6g"
            ),
            "        ab|cd        |"
        );
        assert_eq!(
            sprintf("%c%c", &[v(65.0), Val::Str("hello".into())], "%.6g"),
            "Ah"
        );
    }

    #[test]
    fn strings_read_as_numbers() {
        assert_eq!(str_to_num(" 12abc"), 12.0);
        assert_eq!(str_to_num("1e3"), 1000.0);
        assert_eq!(str_to_num(".5"), 0.5);
        assert_eq!(str_to_num("abc"), 0.0);
        assert!(looks_numeric(" 10 "));
        assert!(!looks_numeric("10a"));
    }
}
