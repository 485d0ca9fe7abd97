//! Brace expansion (`pod-{a,b}`, `{1..12}`, `{x,y{1,2}}`), the first
//! expansion bash does, on a word's unquoted text.
//!
//! The text is parsed once into segments (literal text, or alternatives
//! that are themselves segments), and the words are the product of the
//! segments, built left to right. Expansion can grow far faster than its
//! input (`{a,b}` a thousand times is 2^1000 words), so the product is
//! checked against the budget after every segment: the work done is
//! proportional to what is kept, and a hopeless expansion stops at once.

use super::lexer::{Part, Word};
use crate::shell::budget::{Limit, MAX_VALUE, MAX_WORDS};

/// A piece of brace-expanded text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    /// `{a,b,…}` or `{1..3}`: one alternative after another, each a sequence.
    Alt(Vec<Vec<Seg>>),
}

/// The alternatives of a `{…}` sequence expression: `1..12`, `01..10..3`,
/// `a..e`. One more than [`MAX_WORDS`] at most: that many is already too many.
fn sequence(body: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = body.split("..").collect();
    let (a, b, step) = match parts.as_slice() {
        [a, b] => (*a, *b, 1i64),
        [a, b, s] => (*a, *b, s.parse::<i64>().ok()?.checked_abs()?.max(1)),
        _ => return None,
    };
    if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
        let padded = |t: &str| t.trim_start_matches('-').starts_with('0') && t.len() > 1;
        let width = if padded(a) || padded(b) {
            a.len().max(b.len())
        } else {
            0
        };
        let mut out = vec![];
        let mut v = x;
        while out.len() <= MAX_WORDS {
            out.push(if v < 0 {
                format!("-{:0>w$}", v.unsigned_abs(), w = width.saturating_sub(1))
            } else {
                format!("{v:0>width$}")
            });
            if v == y {
                break;
            }
            let next = if x <= y {
                v.checked_add(step)
            } else {
                v.checked_sub(step)
            };
            match next {
                Some(n) if (x <= y && n <= y) || (x > y && n >= y) => v = n,
                _ => break,
            }
        }
        return Some(out);
    }
    let (mut ca, mut cb) = (a.chars(), b.chars());
    match (ca.next(), ca.next(), cb.next(), cb.next()) {
        (Some(x), None, Some(y), None) if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => {
            let (lo, hi) = (x.min(y) as u8, x.max(y) as u8);
            let mut v: Vec<String> = (lo..=hi)
                .step_by(step as usize)
                .map(|c| (c as char).to_string())
                .collect();
            if x > y {
                v.reverse();
            }
            Some(v)
        }
        _ => None,
    }
}

/// The `}` matching the `{` at `open`, and the top-level commas between.
fn matching(chars: &[char], open: usize, end: usize) -> Option<(usize, Vec<usize>)> {
    let mut depth = 0usize;
    let mut commas = vec![];
    for (i, &c) in chars.iter().enumerate().take(end).skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((i, commas));
                }
            }
            ',' if depth == 1 => commas.push(i),
            _ => {}
        }
    }
    None
}

/// Parses `chars[from..end]`. A `{` that opens no brace expression (no
/// matching `}`, or neither a comma nor a sequence inside) is literal.
fn parse(chars: &[char], from: usize, end: usize) -> Vec<Seg> {
    let mut segs = vec![];
    let mut lit = String::new();
    let mut i = from;
    while i < end {
        let c = chars[i];
        if c == '{' {
            if let Some((close, commas)) = matching(chars, i, end) {
                let alt = if commas.is_empty() {
                    let body: String = chars[i + 1..close].iter().collect();
                    sequence(&body)
                        .map(|alts| alts.into_iter().map(|a| vec![Seg::Lit(a)]).collect())
                } else {
                    let mut alts = vec![];
                    let mut start = i + 1;
                    for &c in commas.iter().chain([&close]) {
                        alts.push(parse(chars, start, c));
                        start = c + 1;
                    }
                    Some(alts)
                };
                if let Some(alt) = alt {
                    if !lit.is_empty() {
                        segs.push(Seg::Lit(std::mem::take(&mut lit)));
                    }
                    segs.push(Seg::Alt(alt));
                    i = close + 1;
                    continue;
                }
            }
        }
        lit.push(c);
        i += 1;
    }
    if !lit.is_empty() {
        segs.push(Seg::Lit(lit));
    }
    segs
}

/// What a command's brace expansions may still make.
#[derive(Debug, Clone)]
pub(in crate::shell) struct Allowance {
    words: usize,
    bytes: usize,
}

impl Default for Allowance {
    fn default() -> Self {
        Allowance {
            words: MAX_WORDS,
            bytes: MAX_VALUE,
        }
    }
}

/// Appends `tail` to every prefix, in order (the leftmost varies slowest).
fn product(prefixes: Vec<String>, tail: &[String]) -> Result<Vec<String>, Limit> {
    let words = prefixes.len().saturating_mul(tail.len());
    if words > MAX_WORDS {
        return Err(Limit::Words);
    }
    let mut bytes = 0usize;
    for p in &prefixes {
        for t in tail {
            bytes = bytes.saturating_add(p.len() + t.len());
        }
    }
    if bytes > MAX_VALUE {
        return Err(Limit::Value);
    }
    let mut out = Vec::with_capacity(words);
    for p in &prefixes {
        for t in tail {
            out.push(format!("{p}{t}"));
        }
    }
    Ok(out)
}

/// The words a sequence of segments makes.
fn expand(segs: &[Seg]) -> Result<Vec<String>, Limit> {
    let mut acc = vec![String::new()];
    for seg in segs {
        let tail = match seg {
            Seg::Lit(s) => vec![s.clone()],
            Seg::Alt(alts) => {
                let mut all = vec![];
                for a in alts {
                    all.extend(expand(a)?);
                    if all.len() > MAX_WORDS {
                        return Err(Limit::Words);
                    }
                }
                all
            }
        };
        acc = product(acc, &tail)?;
    }
    Ok(acc)
}

/// The words brace expansion makes of `w`, charged to `left`.
pub(in crate::shell) fn expand_word(w: &Word, left: &mut Allowance) -> Result<Vec<Word>, Limit> {
    let mut words: Vec<Vec<Part>> = vec![vec![]];
    for part in &w.parts {
        // Each alternative's part; an empty one leaves the word without it.
        let alts: Vec<Option<Part>> = match part {
            Part::Lit(text) if text.contains('{') => {
                let chars: Vec<char> = text.chars().collect();
                expand(&parse(&chars, 0, chars.len()))?
                    .into_iter()
                    .map(|t| (!t.is_empty()).then_some(Part::Lit(t)))
                    .collect()
            }
            other => vec![Some(other.clone())],
        };
        let count = words.len().saturating_mul(alts.len());
        if count > left.words {
            return Err(Limit::Words);
        }
        let mut next = Vec::with_capacity(count);
        for word in &words {
            for a in &alts {
                let mut n = word.clone();
                n.extend(a.iter().cloned());
                next.push(n);
            }
        }
        words = next;
    }
    let bytes: usize = words
        .iter()
        .flat_map(|w| w.iter())
        .map(|p| match p {
            Part::Lit(s) | Part::Quoted(s) => s.len(),
            _ => 0,
        })
        .sum();
    if words.len() > left.words {
        return Err(Limit::Words);
    }
    if bytes > left.bytes {
        return Err(Limit::Value);
    }
    left.words -= words.len();
    left.bytes -= bytes;
    Ok(words.into_iter().map(|parts| Word { parts }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Result<Vec<String>, Limit> {
        let w = Word {
            parts: vec![Part::Lit(t.into())],
        };
        Ok(expand_word(&w, &mut Allowance::default())?
            .into_iter()
            .map(|w| w.literal().unwrap_or_default().to_string())
            .collect())
    }

    #[test]
    fn expands_as_bash() {
        assert_eq!(words("a{b,c}d").unwrap(), vec!["abd", "acd"]);
        assert_eq!(words("{1..3}").unwrap(), vec!["1", "2", "3"]);
        assert_eq!(words("{3..1}").unwrap(), vec!["3", "2", "1"]);
        assert_eq!(words("{01..10..4}").unwrap(), vec!["01", "05", "09"]);
        assert_eq!(words("{a..c}").unwrap(), vec!["a", "b", "c"]);
        assert_eq!(words("{x,y{1,2}}").unwrap(), vec!["x", "y1", "y2"]);
        assert_eq!(words("{a,b}{1,2}").unwrap(), vec!["a1", "a2", "b1", "b2"]);
        assert_eq!(words("{}").unwrap(), vec!["{}"]);
        assert_eq!(words("{a}").unwrap(), vec!["{a}"]);
        assert_eq!(words("{a,b").unwrap(), vec!["{a,b"]);
        assert_eq!(words("{a{b,c}}").unwrap(), vec!["{ab}", "{ac}"]);
        assert_eq!(words("{-2..1}").unwrap(), vec!["-2", "-1", "0", "1"]);
        assert_eq!(words("x{,}").unwrap(), vec!["x", "x"]);
    }

    #[test]
    fn growth_stops_at_the_budget_at_once() {
        assert_eq!(words(&"{a,b}".repeat(16)).unwrap().len(), 65536);
        assert_eq!(words(&"{a,b}".repeat(17)), Err(Limit::Words));
        assert_eq!(words(&"{a,b}".repeat(1000)), Err(Limit::Words));
        assert_eq!(words("{1..100000}").unwrap().len(), 100_000);
        assert_eq!(words("{1..100001}"), Err(Limit::Words));
        let long = format!("{{{},b}}{{1..20}}", "x".repeat(100_000));
        assert_eq!(words(&long), Err(Limit::Value));
    }
}
