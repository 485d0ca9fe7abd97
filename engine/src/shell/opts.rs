//! One option parser for every tool.
//!
//! The rules are GNU `getopt_long`'s: short options cluster (`-sS`), a short
//! option's value is the rest of its word or the next word (`-n5`, `-n 5`),
//! a long option's value follows `=` or is the next word, an unambiguous
//! prefix names a long option (`--verb`), `--` ends the options, and
//! operands may come anywhere. The tools that are not GNU differ in a few
//! switches ([`Spec`]): kubectl's pflag takes `--flag=false` and no
//! prefixes, and treats `-1` as a number; `head -5` is `head -n 5`.
//!
//! The parser only reads words; each tool words the errors in its own
//! style ([`OptError::gnu`], [`OptError::pflag`], [`OptError::curl`]).

/// One option a tool takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    /// The name the tool asks for it by.
    pub name: &'static str,
    pub short: Option<char>,
    pub long: Option<&'static str>,
    /// It takes a value.
    pub value: bool,
}

/// A flag (no value) known by a letter and a long name.
pub const fn flag(name: &'static str, short: char, long: &'static str) -> Opt {
    Opt {
        name,
        short: Some(short),
        long: Some(long),
        value: false,
    }
}

/// An option with a value, known by a letter and a long name.
pub const fn valued(name: &'static str, short: char, long: &'static str) -> Opt {
    Opt {
        name,
        short: Some(short),
        long: Some(long),
        value: true,
    }
}

/// An option known by a long name only (`--connect-timeout`).
pub const fn long(name: &'static str, long: &'static str, value: bool) -> Opt {
    Opt {
        name,
        short: None,
        long: Some(long),
        value,
    }
}

/// An option known by a letter only (`-L`).
pub const fn short(name: &'static str, short: char, value: bool) -> Opt {
    Opt {
        name,
        short: Some(short),
        long: None,
        value,
    }
}

const ALNUM: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A letter as an option name, for tools that know their options by letter.
pub fn letter(c: char) -> &'static str {
    ALNUM.find(c).map_or("?", |i| &ALNUM[i..i + 1])
}

/// How a tool reads its words.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    pub opts: &'a [Opt],
    /// Long options may be abbreviated to an unambiguous prefix (GNU).
    pub prefixes: bool,
    /// `-1`, `-0.5`: numbers, so operands (kubectl, seq).
    pub numbers_are_operands: bool,
    /// `-5` means this option with the value `5` (`head`, `tail`).
    pub bare_number: Option<&'static str>,
    /// `--flag=false` turns a flag off (pflag's booleans).
    pub bool_values: bool,
    /// Everything from the first operand on is an operand (`sudo CMD …`).
    pub stop_at_operand: bool,
}

impl<'a> Spec<'a> {
    /// GNU getopt_long's rules.
    pub const fn gnu(opts: &'a [Opt]) -> Spec<'a> {
        Spec {
            opts,
            prefixes: true,
            numbers_are_operands: false,
            bare_number: None,
            bool_values: false,
            stop_at_operand: false,
        }
    }

    /// pflag's rules (kubectl): no prefixes, `-1` is a number, `--x=false`.
    pub const fn pflag(opts: &'a [Opt]) -> Spec<'a> {
        Spec {
            opts,
            prefixes: false,
            numbers_are_operands: true,
            bare_number: None,
            bool_values: true,
            stop_at_operand: false,
        }
    }
}

/// One word of the command line, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Opt(&'static str, Option<String>),
    Operand(String),
}

/// The words read, in their order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub items: Vec<Item>,
    /// The words after `--` (kubectl's command for `exec`, `run`).
    pub after_dashdash: Option<Vec<String>>,
}

impl Parsed {
    pub fn has(&self, name: &str) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i, Item::Opt(n, _) if *n == name))
    }

    /// The last value given for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.items.iter().rev().find_map(|i| match i {
            Item::Opt(n, Some(v)) if *n == name => Some(v.as_str()),
            _ => None,
        })
    }

    /// Every value given for `name`, in order.
    pub fn values<'p>(&'p self, name: &'p str) -> impl Iterator<Item = &'p str> + 'p {
        self.items.iter().filter_map(move |i| match i {
            Item::Opt(n, Some(v)) if *n == name => Some(v.as_str()),
            _ => None,
        })
    }

    /// The options, in order.
    pub fn opts(&self) -> impl Iterator<Item = (&'static str, Option<&str>)> + '_ {
        self.items.iter().filter_map(|i| match i {
            Item::Opt(n, v) => Some((*n, v.as_deref())),
            Item::Operand(_) => None,
        })
    }

    /// The operands, in order (those after `--` included).
    pub fn operands(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Operand(w) => Some(w.clone()),
                Item::Opt(..) => None,
            })
            .collect();
        out.extend(self.after_dashdash.iter().flatten().cloned());
        out
    }
}

/// Why a command line could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptError {
    /// `-x` in the word `-abx`.
    UnknownShort { c: char, word: String },
    /// `--nope` (as typed, without its value).
    UnknownLong(String),
    /// `--ver`: `--verbose` or `--version`?
    Ambiguous {
        typed: String,
        candidates: Vec<String>,
    },
    /// The option needs a value and the words ran out.
    NeedsValue { short: Option<char>, typed: String },
    /// `--count=3` for a flag.
    NoValue(String),
    /// `--all=maybe` for a pflag boolean.
    BadBool { typed: String, value: String },
}

impl OptError {
    /// As GNU getopt prints it, with coreutils' hint line.
    pub fn gnu(&self, tool: &str) -> String {
        let what = match self {
            OptError::UnknownShort { c, .. } => format!("invalid option -- '{c}'"),
            OptError::UnknownLong(t) => format!("unrecognized option '{t}'"),
            OptError::Ambiguous { typed, candidates } => format!(
                "option '{typed}' is ambiguous; possibilities:{}",
                candidates
                    .iter()
                    .map(|c| format!(" '--{c}'"))
                    .collect::<String>()
            ),
            OptError::NeedsValue { short: Some(c), .. } => {
                format!("option requires an argument -- '{c}'")
            }
            OptError::NeedsValue { typed, .. } => format!("option '{typed}' requires an argument"),
            OptError::NoValue(t) => format!("option '{t}' doesn't allow an argument"),
            OptError::BadBool { typed, .. } => {
                format!("option '{typed}' doesn't allow an argument")
            }
        };
        format!("{tool}: {what}\n")
    }

    /// As spf13/pflag (kubectl) prints it.
    pub fn pflag(&self) -> String {
        let what = match self {
            OptError::UnknownShort { c, word } => format!("unknown shorthand flag: '{c}' in {word}"),
            OptError::UnknownLong(t) => format!("unknown flag: {t}"),
            OptError::Ambiguous { typed, .. } => format!("unknown flag: {typed}"),
            OptError::NeedsValue { short: Some(c), typed } => {
                format!("flag needs an argument: '{c}' in {typed}")
            }
            OptError::NeedsValue { typed, .. } => format!("flag needs an argument: {typed}"),
            OptError::NoValue(t) => format!("unknown flag: {t}"),
            OptError::BadBool { typed, value } => format!(
                "invalid argument \"{value}\" for \"{typed}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax"
            ),
        };
        format!("error: {what}\n")
    }

    /// As curl 8 prints it.
    pub fn curl(&self) -> String {
        let what = match self {
            OptError::UnknownShort { c, .. } => format!("option -{c}: is unknown"),
            OptError::UnknownLong(t) | OptError::Ambiguous { typed: t, .. } => {
                format!("option {t}: is unknown")
            }
            OptError::NeedsValue { short: Some(c), .. } => {
                format!("option -{c}: requires parameter")
            }
            OptError::NeedsValue { typed, .. } => format!("option {typed}: requires parameter"),
            OptError::NoValue(t) | OptError::BadBool { typed: t, .. } => {
                format!("option {t}: is unknown")
            }
        };
        format!("curl: {what}\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
    }
}

fn is_number(w: &str) -> bool {
    w.len() > 1
        && w.starts_with('-')
        && w[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && w[1..].parse::<f64>().is_ok()
}

/// Reads `words` by `spec`.
pub fn parse(words: &[String], spec: &Spec) -> Result<Parsed, OptError> {
    let mut p = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            p.after_dashdash = Some(words[i..].to_vec());
            break;
        }
        if spec.stop_at_operand && !w.starts_with('-') {
            p.items
                .extend(words[i - 1..].iter().cloned().map(Item::Operand));
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let typed = format!("--{name}");
            let opt = find_long(spec, name, &typed)?;
            let value = if opt.value {
                match inline {
                    Some(v) => Some(v),
                    None => {
                        let v = words.get(i).cloned().ok_or(OptError::NeedsValue {
                            short: None,
                            typed: typed.clone(),
                        })?;
                        i += 1;
                        Some(v)
                    }
                }
            } else {
                match inline {
                    None => None,
                    Some(v) if spec.bool_values => match v.as_str() {
                        "true" | "1" | "t" | "T" | "TRUE" | "True" => None,
                        "false" | "0" | "f" | "F" | "FALSE" | "False" => {
                            // Turned off: as if not given.
                            p.items
                                .retain(|it| !matches!(it, Item::Opt(n, _) if *n == opt.name));
                            continue;
                        }
                        _ => return Err(OptError::BadBool { typed, value: v }),
                    },
                    Some(_) => return Err(OptError::NoValue(typed)),
                }
            };
            p.items.push(Item::Opt(opt.name, value));
            continue;
        }
        if w.len() < 2 || !w.starts_with('-') || (spec.numbers_are_operands && is_number(w)) {
            p.items.push(Item::Operand(w.clone()));
            continue;
        }
        if let Some(name) = spec.bare_number {
            if w[1..].chars().all(|c| c.is_ascii_digit()) {
                p.items.push(Item::Opt(name, Some(w[1..].to_string())));
                continue;
            }
        }
        let chars: Vec<char> = w[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let Some(opt) = spec.opts.iter().find(|o| o.short == Some(c)) else {
                return Err(OptError::UnknownShort { c, word: w.clone() });
            };
            if opt.value {
                let rest: String = chars[j..].iter().collect();
                // pflag reads `-n=x` as `-n x`.
                let rest = match rest.strip_prefix('=') {
                    Some(r) if spec.bool_values => r.to_string(),
                    _ => rest,
                };
                let v = if rest.is_empty() {
                    let v = words.get(i).cloned().ok_or(OptError::NeedsValue {
                        short: Some(c),
                        typed: w.clone(),
                    })?;
                    i += 1;
                    v
                } else {
                    rest
                };
                p.items.push(Item::Opt(opt.name, Some(v)));
                break;
            }
            p.items.push(Item::Opt(opt.name, None));
        }
    }
    Ok(p)
}

fn find_long<'s>(spec: &'s Spec, name: &str, typed: &str) -> Result<&'s Opt, OptError> {
    if let Some(o) = spec.opts.iter().find(|o| o.long == Some(name)) {
        return Ok(o);
    }
    if spec.prefixes && !name.is_empty() {
        let mut hits: Vec<&Opt> = spec
            .opts
            .iter()
            .filter(|o| o.long.is_some_and(|l| l.starts_with(name)))
            .collect();
        // Two spellings of one option are one option.
        hits.dedup_by_key(|o| o.name);
        match hits.as_slice() {
            [one] => return Ok(one),
            [] => {}
            many => {
                return Err(OptError::Ambiguous {
                    typed: typed.to_string(),
                    candidates: many
                        .iter()
                        .filter_map(|o| o.long)
                        .map(String::from)
                        .collect(),
                })
            }
        }
    }
    Err(OptError::UnknownLong(typed.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &[Opt] = &[
        valued("n", 'n', "lines"),
        valued("c", 'c', "bytes"),
        flag("q", 'q', "quiet"),
        flag("v", 'v', "verbose"),
        long("version", "version", false),
    ];

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn gnu_rules() {
        let spec = Spec {
            bare_number: Some("n"),
            ..Spec::gnu(HEAD)
        };
        let p = parse(&words("-qn5 f --lines=3 -c 2 g -- -x"), &spec).unwrap();
        assert_eq!(p.value("n"), Some("3"));
        assert_eq!(p.value("c"), Some("2"));
        assert!(p.has("q"));
        assert_eq!(p.operands(), vec!["f", "g", "-x"]);
        assert_eq!(parse(&words("-20"), &spec).unwrap().value("n"), Some("20"));
        assert_eq!(
            parse(&words("--li 7"), &spec).unwrap().value("n"),
            Some("7")
        );
        assert_eq!(
            parse(&words("--ver"), &spec).unwrap_err().gnu("head"),
            "head: option '--ver' is ambiguous; possibilities: '--verbose' '--version'\n"
        );
        assert_eq!(
            parse(&words("-x"), &spec).unwrap_err().gnu("head"),
            "head: invalid option -- 'x'\n"
        );
        assert_eq!(
            parse(&words("-n"), &spec).unwrap_err().gnu("head"),
            "head: option requires an argument -- 'n'\n"
        );
        assert_eq!(
            parse(&words("--lines"), &spec).unwrap_err().gnu("head"),
            "head: option '--lines' requires an argument\n"
        );
        assert_eq!(
            parse(&words("--quiet=1"), &spec).unwrap_err().gnu("head"),
            "head: option '--quiet' doesn't allow an argument\n"
        );
    }

    #[test]
    fn pflag_rules() {
        const K: &[Opt] = &[
            valued("namespace", 'n', "namespace"),
            flag("all-namespaces", 'A', "all-namespaces"),
            long("replicas", "replicas", true),
        ];
        let spec = Spec::pflag(K);
        let p = parse(
            &words("get pods -n=kube-system --all-namespaces=false -1"),
            &spec,
        )
        .unwrap();
        assert_eq!(p.value("namespace"), Some("kube-system"));
        assert!(!p.has("all-namespaces"));
        assert_eq!(p.operands(), vec!["get", "pods", "-1"]);
        assert_eq!(
            parse(&words("-p x"), &spec).unwrap_err().pflag(),
            "error: unknown shorthand flag: 'p' in -p\n"
        );
        assert_eq!(
            parse(&words("--repl 3"), &spec).unwrap_err().pflag(),
            "error: unknown flag: --repl\n"
        );
        assert_eq!(
            parse(&words("-n"), &spec).unwrap_err().pflag(),
            "error: flag needs an argument: 'n' in -n\n"
        );
        let p = parse(&words("exec pod -- sh -c ls"), &spec).unwrap();
        assert_eq!(p.after_dashdash, Some(words("sh -c ls")));
    }
}
