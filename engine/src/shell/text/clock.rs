//! `sleep` and `date`: the simulated clock, moved and read. No real time
//! passes.

use super::fs::curly;
use super::Tool;
use crate::time::{DateTime, Millis};

/// `sleep NUMBER[smhd]…`: the simulated clock moves on; no real time passes.
#[inline(never)]
pub(super) fn sleep(cx: &mut Tool, args: &[String]) -> i32 {
    if args.is_empty() {
        cx.out
            .err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
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
                cx.out.err(format!(
                    "sleep: invalid time interval {}\nTry 'sleep --help' for more information.\n",
                    curly(a)
                ));
                return 1;
            }
        }
    }
    // A year is as long as anyone waits; `sleep inf` would stop the clock's arithmetic.
    const YEAR_MS: f64 = 365.0 * 86_400_000.0;
    *cx.clock += (total * 1000.0).round().min(YEAR_MS) as Millis;
    0
}

/// `date [-u] [+FORMAT]`
#[inline(never)]
pub(super) fn date(cx: &mut Tool, args: &[String]) -> i32 {
    let clock = DateTime::at(*cx.clock);
    let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_string();
    for a in args {
        if let Some(f) = a.strip_prefix('+') {
            fmt = f.to_string();
        } else if a == "-u" || a == "--utc" {
        } else if a == "-R" {
            fmt = "%a, %d %b %Y %H:%M:%S +0000".into();
        } else {
            cx.out.err(format!("date: invalid date {}\n", curly(a)));
            return 1;
        }
    }
    cx.out.out(format!("{}\n", clock.strftime(&fmt)));
    0
}
