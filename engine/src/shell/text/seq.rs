//! `seq`, as GNU coreutils prints it.

use super::fs::curly;
use super::Tool;
use crate::shell::budget::{self, Limit};
use crate::shell::opts::{self, Opt};

fn decimals(s: &str) -> usize {
    match s.split_once('.') {
        Some((_, frac)) => frac.chars().take_while(|c| c.is_ascii_digit()).count(),
        None => 0,
    }
}

/// `seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST`
#[inline(never)]
pub(super) fn seq(cx: &mut Tool, args: &[String]) -> i32 {
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
            cx.out.err(e.gnu("seq"));
            cx.out.err("Try 'seq --help' for more information.\n");
            return 1;
        }
    };
    let sep = parsed.value("s").unwrap_or("\n").to_string();
    let equal_width = parsed.has("w");
    let operands = parsed.operands();
    let nums: Vec<&String> = operands.iter().collect();
    if nums.is_empty() {
        cx.out
            .err("seq: missing operand\nTry 'seq --help' for more information.\n");
        return 1;
    }
    if nums.len() > 3 {
        cx.out.err(format!(
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
                cx.out.err(format!(
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
        cx.out.err(format!(
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
            cx.over(Limit::Output, "seq");
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
        cx.out.out(out);
    }
    0
}
