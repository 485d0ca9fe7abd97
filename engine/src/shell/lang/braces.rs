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
use crate::shell::budget::{Limit, MAX_NESTING, MAX_VALUE, MAX_WORDS};
use std::collections::HashMap;

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

/// The brace pairs of a text, found in one pass with a stack: for each
/// `{` that has a matching `}`, where that is and the commas directly
/// inside it (not inside a pair nested in it). An unmatched `{` is
/// literal, as in bash.
#[derive(Default)]
struct Pairs {
    /// `(close, commas)` by the position of the `{`.
    by_open: HashMap<usize, (usize, Vec<usize>)>,
}

impl Pairs {
    fn find(chars: &[char]) -> Pairs {
        let mut open: Vec<(usize, Vec<usize>)> = vec![];
        let mut by_open = HashMap::new();
        for (i, &c) in chars.iter().enumerate() {
            match c {
                '{' => open.push((i, vec![])),
                ',' => {
                    if let Some((_, commas)) = open.last_mut() {
                        commas.push(i);
                    }
                }
                '}' => {
                    if let Some((at, commas)) = open.pop() {
                        by_open.insert(at, (i, commas));
                    }
                }
                _ => {}
            }
        }
        Pairs { by_open }
    }
}

/// The longest body a sequence expression can have (`-9223372036854775808..…`
/// three times): a longer pair is no sequence, and its text is not copied.
const MAX_SEQUENCE_BODY: usize = 72;

/// Parses `chars[from..end]`, `depth` brace expressions deep. A `{` that
/// opens no brace expression (no matching `}`, or neither a comma nor a
/// sequence inside) is literal. Each character is looked at once, at its
/// own level; nesting deeper than [`MAX_NESTING`] is refused before it is
/// walked, so the stack never holds more than that many levels.
fn parse(
    chars: &[char],
    pairs: &Pairs,
    from: usize,
    end: usize,
    depth: usize,
) -> Result<Vec<Seg>, Limit> {
    let mut segs = vec![];
    let mut lit = String::new();
    let mut i = from;
    while i < end {
        let c = chars[i];
        if c == '{' {
            if let Some((close, commas)) = pairs.by_open.get(&i).filter(|(c, _)| *c < end) {
                let close = *close;
                let alt = if commas.is_empty() {
                    (close - i <= MAX_SEQUENCE_BODY)
                        .then(|| sequence(&chars[i + 1..close].iter().collect::<String>()))
                        .flatten()
                        .map(|alts| alts.into_iter().map(|a| vec![Seg::Lit(a)]).collect())
                } else {
                    if depth >= MAX_NESTING {
                        return Err(Limit::Nesting);
                    }
                    let mut alts = vec![];
                    let mut start = i + 1;
                    for &c in commas.iter().chain([&close]) {
                        alts.push(parse(chars, pairs, start, c, depth + 1)?);
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
    Ok(segs)
}

/// What a command's brace expansions may still make.
#[derive(Debug, Clone)]
pub(in crate::shell) struct Allowance {
    words: usize,
    bytes: usize,
    parts: usize,
}

impl Default for Allowance {
    fn default() -> Self {
        Allowance {
            words: MAX_WORDS,
            bytes: MAX_VALUE,
            parts: MAX_PARTS,
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
                let mut bytes = 0usize;
                for a in alts {
                    let words = expand(a)?;
                    bytes = bytes.saturating_add(words.iter().map(String::len).sum());
                    all.extend(words);
                    if all.len() > MAX_WORDS {
                        return Err(Limit::Words);
                    }
                    if bytes > MAX_VALUE {
                        return Err(Limit::Value);
                    }
                }
                all
            }
        };
        acc = product(acc, &tail)?;
    }
    Ok(acc)
}

/// The text one copy of a part holds (a command substitution's script is
/// shared, not copied).
fn weight(p: &Part) -> usize {
    match p {
        Part::Lit(s) | Part::Quoted(s) => s.len(),
        Part::Param { expr, .. } | Part::Arith { expr, .. } => expr.len(),
        Part::Subst { .. } => 0,
    }
}

/// Parts all the words of one command may hold: each is expanded on its
/// own, and one without text still costs its copy.
const MAX_PARTS: usize = MAX_VALUE;

/// The words brace expansion makes of `w`, charged to `left`. The words'
/// parts are counted as they are made ([`weight`]): `{1..50000}` before a
/// long word stops before it is copied fifty thousand times.
pub(in crate::shell) fn expand_word(w: &Word, left: &mut Allowance) -> Result<Vec<Word>, Limit> {
    let mut words: Vec<Vec<Part>> = vec![vec![]];
    let (mut weighs, mut parts) = (0usize, 0usize);
    for part in &w.parts {
        // Each alternative's part; an empty one leaves the word without it.
        let alts: Vec<Option<Part>> = match part {
            Part::Lit(text) if text.contains('{') => {
                let chars: Vec<char> = text.chars().collect();
                let pairs = Pairs::find(&chars);
                expand(&parse(&chars, &pairs, 0, chars.len(), 0)?)?
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
        let added: usize = alts.iter().flatten().map(weight).sum();
        weighs = weighs
            .saturating_mul(alts.len())
            .saturating_add(words.len().saturating_mul(added));
        parts = parts.saturating_mul(alts.len()).saturating_add(count);
        if weighs > left.bytes || parts > left.parts {
            return Err(Limit::Value);
        }
        // One alternative (the common case: a word of many parts and no
        // braces) extends the words in place: a word of n parts costs n,
        // not a copy of the word so far for every part.
        if let [only] = alts.as_slice() {
            if let Some(p) = only {
                for word in &mut words {
                    word.push(p.clone());
                }
            }
            continue;
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
    if words.len() > left.words {
        return Err(Limit::Words);
    }
    left.words -= words.len();
    left.bytes -= weighs;
    left.parts -= parts;
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

    #[test]
    fn nesting_is_refused_before_it_is_walked() {
        let nest = |n: usize| format!("{}a{}", "{a,".repeat(n), "}".repeat(n));
        assert_eq!(words(&nest(MAX_NESTING)).unwrap().len(), MAX_NESTING + 1);
        assert_eq!(words(&nest(MAX_NESTING + 1)), Err(Limit::Nesting));
        assert_eq!(words(&nest(100_000)), Err(Limit::Nesting));
        // Braces that open no expression are text, however deep.
        let literal = format!("{}a{}", "{".repeat(100_000), "}".repeat(100_000));
        assert_eq!(words(&literal).unwrap(), vec![literal.clone()]);
        let unmatched = format!("{}a,b", "{".repeat(100_000));
        assert_eq!(words(&unmatched).unwrap(), vec![unmatched.clone()]);
    }

    #[test]
    fn a_word_of_many_parts_is_copied_once() {
        let parts = |n: usize| Word {
            parts: (0..n)
                .map(|i| {
                    if i % 2 == 0 {
                        Part::Lit("a".into())
                    } else {
                        Part::Param {
                            expr: "HOME".into(),
                            quoted: false,
                        }
                    }
                })
                .collect(),
        };
        let out = expand_word(&parts(40_000), &mut Allowance::default()).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].parts.len(), 40_000);
        // Many words of many parts: refused as they grow, not once built.
        let mut many = parts(20_000);
        many.parts.insert(0, Part::Lit("{1..50000}".into()));
        assert_eq!(
            expand_word(&many, &mut Allowance::default()).unwrap_err(),
            Limit::Value
        );
    }
}
