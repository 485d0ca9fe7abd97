//! `iptables -L/-S`, `iptables-save` and `sudo`: reading a host's netfilter
//! tables the way iptables 1.8.10 (nf_tables) prints them.
//!
//! Formats follow iptables' own printers: `print_header`,
//! `print_rule_details`, `print_ipv4_addresses` (xshared.c) and the
//! extensions' print/save functions (`/* comment */`, `tcp dpt:80`,
//! `ADDRTYPE match dst-type LOCAL`, `statistic mode random probability …`,
//! `MARK or 0x4000`, `to:10.244.0.2:80`, …). Changing rules (`-A`, `-D`,
//! `-F`, …) is not simulated: kube-proxy owns the chains that matter here.

use super::ctx::Ctx;
use super::{Execution, Session, Stream};
use crate::net::netfilter::{
    AddrSide, Chain, Counter, Match, Netfilter, Policy, Protocol, RecentAction, Rule, Table, Target,
};
use crate::net::HostKind;
use crate::time::{DateTime, Millis};
use ipnet::Ipv4Net;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

const VERSION: &str = "v1.8.10 (nf_tables)";
/// Exit codes of `enum xtables_exittype`.
const OTHER_PROBLEM: i32 = 1;
const PARAMETER_PROBLEM: i32 = 2;
const VERSION_PROBLEM: i32 = 3;
const RESOURCE_PROBLEM: i32 = 4;

/// Tables iptables-nft knows, with the built-in chains it shows for them.
/// `raw` and `security` are never populated here.
fn known_table(name: &str) -> Option<TableRef> {
    match name {
        "raw" => Some(TableRef::Empty(&["PREROUTING", "OUTPUT"])),
        "security" => Some(TableRef::Empty(&["INPUT", "FORWARD", "OUTPUT"])),
        _ => Table::parse(name).map(TableRef::Model),
    }
}

#[derive(Clone, Copy)]
enum TableRef {
    Model(Table),
    Empty(&'static [&'static str]),
}

/// `iptables …` as the current user.
#[inline(never)]
pub(super) fn iptables(s: &Ctx, args: &[String], exec: &mut Execution) -> i32 {
    if in_pod(s) {
        return not_found("iptables", exec);
    }
    let root = s.user() == "root";
    run_iptables(s, args, exec, root)
}

/// `iptables-save …` as the current user.
#[inline(never)]
pub(super) fn save(s: &Ctx, args: &[String], exec: &mut Execution) -> i32 {
    if in_pod(s) {
        return not_found("iptables-save", exec);
    }
    let root = s.user() == "root";
    run_save(s, args, exec, root)
}

/// `sudo [options] command …`: the student may run anything as root.
#[inline(never)]
pub(super) fn sudo(
    s: &mut Session,
    args: &[String],
    stdin: Option<&str>,
    exec: &mut Execution,
) -> i32 {
    if in_pod(&s.ctx()) {
        return not_found("sudo", exec);
    }
    let mut i = 0;
    let mut shell = false;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--" => {
                i += 1;
                break;
            }
            "-u" | "-g" | "-h" | "-p" | "-C" | "-D" | "-R" | "-T" | "-U" => i += 2,
            "-i" | "-s" | "--login" | "--shell" => {
                shell = true;
                i += 1;
            }
            "-V" | "--version" => {
                exec.out("Sudo version 1.9.15p5\n");
                return 0;
            }
            _ if a.starts_with('-') && a.len() > 1 => i += 1,
            _ => break,
        }
    }
    let rest = &args[i.min(args.len())..];
    let Some(cmd) = rest.first() else {
        if shell {
            exec.err("servicelab: a root shell is not simulated; prefix each command with sudo\n");
            return 1;
        }
        exec.err(SUDO_USAGE);
        return 1;
    };
    match cmd.as_str() {
        "iptables" => run_iptables(&s.ctx(), &rest[1..], exec, true),
        "iptables-save" => run_save(&s.ctx(), &rest[1..], exec, true),
        "sudo" => sudo(s, &rest[1..], stdin, exec),
        "whoami" => {
            exec.out("root\n");
            0
        }
        _ => {
            let mut inner = Execution::default();
            let status = s.run_as_root(rest, stdin, &mut inner);
            let not_found = format!("bash: {cmd}: command not found\n");
            if status == 127 && inner.output == [(Stream::Stderr, not_found)] {
                exec.err(format!("sudo: {cmd}: command not found\n"));
                return 1;
            }
            for (stream, text) in inner.output {
                exec.push(stream, text);
            }
            exec.trace = inner.trace.or(exec.trace.take());
            exec.carry(inner.requests, inner.file_edit, inner.edit);
            exec.clear |= inner.clear;
            exec.exit_session |= inner.exit_session;
            status
        }
    }
}

const SUDO_USAGE: &str = "\
usage: sudo -h | -K | -k | -V
usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]
usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user]
            [-u user] [command [arg ...]]
usage: sudo [-ABbEHkNnPS] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] [VAR=value] [-i | -s] [command [arg ...]]
usage: sudo -e [-ABkNnS] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] file ...
";

/// Container images carry no iptables (and no sudo).
fn in_pod(s: &Ctx) -> bool {
    s.sim.world.net.host(s.here()).kind == HostKind::Pod
}

fn not_found(cmd: &str, exec: &mut Execution) -> i32 {
    exec.err(format!("bash: {cmd}: command not found\n"));
    127
}

/// `xtables_exit_error`: the message, then the hint its status calls for.
fn fail(exec: &mut Execution, status: i32, msg: &str) -> i32 {
    exec.err(format!("iptables {VERSION}: {msg}\n"));
    match status {
        PARAMETER_PROBLEM => {
            exec.err("Try `iptables -h' or 'iptables --help' for more information.\n")
        }
        VERSION_PROBLEM => exec.err("Perhaps iptables or your kernel needs to be upgraded.\n"),
        _ => {}
    }
    status
}

fn permission_denied(exec: &mut Execution, prog: &str) -> i32 {
    exec.err(format!(
        "{prog} {VERSION}: Could not fetch rule set generation id: Permission denied (you must be root)\n"
    ));
    RESOURCE_PROBLEM
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    List,
    ListRules,
}

#[derive(Debug, Default)]
struct Options {
    command: Option<Command>,
    table: Option<String>,
    chain: Option<String>,
    rulenum: Option<usize>,
    numeric: bool,
    verbose: bool,
    exact: bool,
    line_numbers: bool,
}

/// Long options and whether they take an argument (`None`: optional).
const LONG: &[(&str, char)] = &[
    ("append", 'A'),
    ("check", 'C'),
    ("delete", 'D'),
    ("insert", 'I'),
    ("replace", 'R'),
    ("list", 'L'),
    ("list-rules", 'S'),
    ("flush", 'F'),
    ("zero", 'Z'),
    ("new-chain", 'N'),
    ("delete-chain", 'X'),
    ("rename-chain", 'E'),
    ("policy", 'P'),
    ("table", 't'),
    ("numeric", 'n'),
    ("verbose", 'v'),
    ("exact", 'x'),
    ("line-numbers", '0'),
    ("help", 'h'),
    ("version", 'V'),
    ("wait", 'w'),
    ("wait-interval", 'W'),
    ("protocol", 'p'),
    ("source", 's'),
    ("destination", 'd'),
    ("jump", 'j'),
    ("match", 'm'),
    ("in-interface", 'i'),
    ("out-interface", 'o'),
    ("goto", 'g'),
    ("set-counters", 'c'),
    ("fragment", 'f'),
    ("ipv4", '4'),
    ("ipv6", '6'),
    ("modprobe", 'M'),
];

/// A parse that ended the command: its exit status.
struct Exit(i32);

/// `xs_has_arg`: the next word exists and is not an option or `!`.
fn has_arg(args: &[String], i: usize) -> bool {
    args.get(i)
        .is_some_and(|a| !a.starts_with('-') && !a.starts_with('!'))
}

fn parse(args: &[String], exec: &mut Execution) -> Result<Options, Exit> {
    let mut o = Options::default();
    let mut i = 0;
    let set_command = |o: &mut Options, c: Command, exec: &mut Execution| {
        if let Some(prev) = o.command {
            let name = |c| if c == Command::List { 'L' } else { 'S' };
            return Err(Exit(fail(
                exec,
                PARAMETER_PROBLEM,
                &format!("Cannot use -{} with -{}", name(c), name(prev)),
            )));
        }
        o.command = Some(c);
        Ok(())
    };
    while i < args.len() {
        let word = args[i].clone();
        i += 1;
        // Resolve the word to (option letter, attached argument).
        let mut letters: Vec<(char, Option<String>)> = vec![];
        if let Some(long) = word.strip_prefix("--") {
            if long.is_empty() {
                continue;
            }
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let exact = LONG.iter().find(|(n, _)| *n == name);
            let candidates: Vec<_> = LONG.iter().filter(|(n, _)| n.starts_with(name)).collect();
            let found = exact.or(if candidates.len() == 1 {
                Some(candidates[0])
            } else {
                None
            });
            let Some((_, letter)) = found else {
                return Err(Exit(fail(
                    exec,
                    PARAMETER_PROBLEM,
                    &format!("unknown option \"{word}\""),
                )));
            };
            letters.push((*letter, value));
        } else if let Some(cluster) = word.strip_prefix('-').filter(|c| !c.is_empty()) {
            let chars: Vec<char> = cluster.chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                // Options whose argument may be attached: the rest of the word is it.
                if matches!(
                    c,
                    't' | 'L'
                        | 'S'
                        | 'A'
                        | 'D'
                        | 'I'
                        | 'R'
                        | 'F'
                        | 'Z'
                        | 'N'
                        | 'X'
                        | 'E'
                        | 'P'
                        | 'p'
                        | 's'
                        | 'd'
                        | 'j'
                        | 'm'
                        | 'i'
                        | 'o'
                        | 'g'
                        | 'c'
                        | 'w'
                        | 'W'
                        | 'h'
                ) && k < chars.len()
                {
                    letters.push((c, Some(chars[k..].iter().collect())));
                    break;
                }
                letters.push((c, None));
            }
        } else if word == "!" {
            continue;
        } else {
            return Err(Exit(fail(
                exec,
                PARAMETER_PROBLEM,
                &format!("Bad argument `{word}'"),
            )));
        }
        for (letter, attached) in letters {
            let flag = if word.starts_with("--") {
                word.split('=').next().unwrap_or(&word).to_string()
            } else {
                format!("-{letter}")
            };
            match letter {
                'L' | 'S' => {
                    set_command(
                        &mut o,
                        if letter == 'L' {
                            Command::List
                        } else {
                            Command::ListRules
                        },
                        exec,
                    )?;
                    if let Some(a) = attached {
                        o.chain = Some(a);
                    } else if has_arg(args, i) {
                        o.chain = Some(args[i].clone());
                        i += 1;
                    }
                    if has_arg(args, i) {
                        let n = &args[i];
                        i += 1;
                        match n.parse::<usize>() {
                            Ok(v) if v > 0 => o.rulenum = Some(v),
                            _ => {
                                return Err(Exit(fail(
                                    exec,
                                    PARAMETER_PROBLEM,
                                    &format!("Invalid rule number `{n}'"),
                                )))
                            }
                        }
                    }
                }
                't' => {
                    let table = match attached {
                        Some(a) => a,
                        None if i < args.len() => {
                            i += 1;
                            args[i - 1].clone()
                        }
                        None => {
                            return Err(Exit(fail(
                                exec,
                                PARAMETER_PROBLEM,
                                &format!("option \"{flag}\" requires an argument"),
                            )))
                        }
                    };
                    if o.table.is_some() {
                        return Err(Exit(fail(
                            exec,
                            PARAMETER_PROBLEM,
                            "multiple -t flags not allowed",
                        )));
                    }
                    if known_table(&table).is_none() {
                        return Err(Exit(fail(
                            exec,
                            VERSION_PROBLEM,
                            &format!("table '{table}' does not exist"),
                        )));
                    }
                    o.table = Some(table);
                }
                'n' => o.numeric = true,
                'v' => o.verbose = true,
                'x' => o.exact = true,
                '0' => o.line_numbers = true,
                'w' | 'W' => {
                    if attached.is_none() && has_arg(args, i) {
                        i += 1;
                    }
                }
                'h' => {
                    exec.out(HELP);
                    return Err(Exit(0));
                }
                'V' => {
                    exec.out(format!("iptables {VERSION}\n"));
                    return Err(Exit(0));
                }
                'A' | 'C' | 'D' | 'I' | 'R' | 'F' | 'Z' | 'N' | 'X' | 'E' | 'P' => {
                    exec.err(format!(
                        "servicelab: iptables -{letter} would change the rules; this simulator only \
                         lists them (kube-proxy rewrites its chains on every sync anyway)\n"
                    ));
                    return Err(Exit(OTHER_PROBLEM));
                }
                'p' | 's' | 'd' | 'j' | 'm' | 'i' | 'o' | 'g' | 'c' | 'f' | '4' | '6' | 'M' => {
                    // Rule-specification options: only legal with -A/-D/-I/… .
                    let name = match letter {
                        'p' => "--protocol",
                        's' => "--source",
                        'd' => "--destination",
                        'j' => "--jump",
                        'i' => "--in-interface",
                        'o' => "--out-interface",
                        'c' => "--set-counters",
                        'f' => "--fragments",
                        _ => {
                            if letter == '4' {
                                continue;
                            }
                            return Err(Exit(fail(
                                exec,
                                PARAMETER_PROBLEM,
                                &format!("unknown option \"{flag}\""),
                            )));
                        }
                    };
                    if o.command.is_some() {
                        return Err(Exit(fail(
                            exec,
                            PARAMETER_PROBLEM,
                            &format!("Illegal option `{name}' with this command"),
                        )));
                    }
                    exec.err(format!(
                        "servicelab: iptables {flag} builds a rule to change a chain; this simulator only lists rules\n"
                    ));
                    return Err(Exit(OTHER_PROBLEM));
                }
                _ => {
                    return Err(Exit(fail(
                        exec,
                        PARAMETER_PROBLEM,
                        &format!("unknown option \"{flag}\""),
                    )))
                }
            }
        }
    }
    if o.command.is_none() {
        return Err(Exit(fail(exec, PARAMETER_PROBLEM, "no command specified")));
    }
    if o.command == Some(Command::ListRules) && o.numeric {
        return Err(Exit(fail(
            exec,
            PARAMETER_PROBLEM,
            "Illegal option `--numeric' with this command",
        )));
    }
    Ok(o)
}

fn run_iptables(s: &Ctx, args: &[String], exec: &mut Execution, root: bool) -> i32 {
    let o = match parse(args, exec) {
        Ok(o) => o,
        Err(Exit(code)) => return code,
    };
    if !root {
        return permission_denied(exec, "iptables");
    }
    let table = o.table.as_deref().unwrap_or("filter");
    let tref = known_table(table).expect("checked while parsing");
    let hosts = etc_hosts(s);
    let nf = &s.sim.world.net.host(s.here()).netfilter;
    let chains = chain_list(nf, tref);
    let selected: Vec<&ChainView> = match &o.chain {
        Some(name) => match chains.iter().find(|c| &c.name == name) {
            Some(c) => vec![c],
            None => {
                exec.err("iptables: No chain/target/match by that name.\n");
                return OTHER_PROBLEM;
            }
        },
        None => chains.iter().collect(),
    };
    if let Some(n) = o.rulenum {
        if selected.first().is_none_or(|c| n > c.rules.len()) {
            exec.err("iptables: Index of deletion too big.\n");
            return OTHER_PROBLEM;
        }
    }
    let mut out = String::new();
    match o.command {
        Some(Command::List) => {
            let fmt = Format {
                numeric: o.numeric,
                verbose: o.verbose,
                exact: o.exact,
                line_numbers: o.line_numbers,
                hosts: &hosts,
            };
            for (k, c) in selected.iter().enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                list_chain(&mut out, c, &fmt, o.rulenum);
            }
        }
        Some(Command::ListRules) => {
            if o.chain.is_none() {
                for c in &selected {
                    spec_line(&mut out, c, o.verbose);
                }
                for c in &selected {
                    for (i, r) in c.rules.iter().enumerate() {
                        rule_line(&mut out, &c.name, r, c.counters.get(i), o.verbose);
                    }
                }
            } else {
                let c = selected[0];
                match o.rulenum {
                    Some(n) => rule_line(
                        &mut out,
                        &c.name,
                        &c.rules[n - 1],
                        c.counters.get(n - 1),
                        o.verbose,
                    ),
                    None => {
                        spec_line(&mut out, c, o.verbose);
                        for (i, r) in c.rules.iter().enumerate() {
                            rule_line(&mut out, &c.name, r, c.counters.get(i), o.verbose);
                        }
                    }
                }
            }
        }
        None => {}
    }
    exec.out(out);
    0
}

/// One chain as the listing commands see it.
struct ChainView {
    name: String,
    policy: Option<Policy>,
    rules: Vec<Rule>,
    counters: Vec<Counter>,
    policy_counter: Counter,
    references: usize,
}

/// Built-in chains in hook order, then user-defined chains by name.
fn chain_list(nf: &Netfilter, tref: TableRef) -> Vec<ChainView> {
    match tref {
        TableRef::Empty(builtins) => builtins
            .iter()
            .map(|n| ChainView {
                name: n.to_string(),
                policy: Some(Policy::Accept),
                rules: vec![],
                counters: vec![],
                policy_counter: Counter::default(),
                references: 0,
            })
            .collect(),
        TableRef::Model(table) => {
            let builtin = table.builtin_chains();
            let view = |name: &str, c: &Chain| {
                let (counters, policy_counter) = nf
                    .counters(table, name)
                    .map(|(c, p)| (c.to_vec(), p))
                    .unwrap_or_default();
                ChainView {
                    name: name.to_string(),
                    policy: c.policy,
                    rules: c.rules.clone(),
                    counters,
                    policy_counter,
                    references: nf.references(table, name),
                }
            };
            let mut out: Vec<ChainView> = builtin
                .iter()
                .filter_map(|n| nf.chain(table, n).map(|c| view(n, c)))
                .collect();
            out.extend(
                nf.chains(table)
                    .filter(|(n, c)| c.policy.is_none() || !builtin.contains(&n.as_str()))
                    .map(|(n, c)| view(n, c)),
            );
            out
        }
    }
}

fn policy_name(p: Option<Policy>) -> &'static str {
    match p {
        Some(Policy::Drop) => "DROP",
        _ => "ACCEPT",
    }
}

/// `-P CHAIN POLICY` or `-N CHAIN`.
fn spec_line(out: &mut String, c: &ChainView, verbose: bool) {
    match c.policy {
        Some(p) => {
            let _ = write!(out, "-P {} {}", c.name, policy_name(Some(p)));
            if verbose {
                let _ = write!(
                    out,
                    " -c {} {}",
                    c.policy_counter.packets, c.policy_counter.bytes
                );
            }
            out.push('\n');
        }
        None => {
            let _ = writeln!(out, "-N {}", c.name);
        }
    }
}

fn rule_line(out: &mut String, chain: &str, r: &Rule, counter: Option<&Counter>, verbose: bool) {
    let spec = r.save_spec();
    if verbose {
        let c = counter.copied().unwrap_or_default();
        let counters = format!("-c {} {}", c.packets, c.bytes);
        match spec.find("-j ") {
            Some(at) if at == 0 || spec[..at].ends_with(' ') => {
                let _ = writeln!(out, "-A {chain} {}{counters} {}", &spec[..at], &spec[at..]);
            }
            _ => {
                let _ = writeln!(out, "-A {chain} {spec} {counters}");
            }
        }
    } else {
        let _ = writeln!(out, "-A {chain} {spec}");
    }
}

struct Format<'a> {
    numeric: bool,
    verbose: bool,
    exact: bool,
    line_numbers: bool,
    hosts: &'a [(String, Ipv4Addr)],
}

/// `xtables_print_num`: `%8llu` with `-x`, else K/M/G/T-scaled `%5llu`.
fn print_num(out: &mut String, n: u64, exact: bool) {
    if exact {
        let _ = write!(out, "{n:>8} ");
        return;
    }
    if n <= 99_999 {
        let _ = write!(out, "{n:>5} ");
        return;
    }
    let mut n = n;
    for unit in ['K', 'M', 'G'] {
        n = (n + 500) / 1000;
        if n <= 9999 {
            let _ = write!(out, "{n:>4}{unit} ");
            return;
        }
    }
    n = (n + 500) / 1000;
    let _ = write!(out, "{n:>4}T ");
}

fn list_chain(out: &mut String, c: &ChainView, f: &Format<'_>, rulenum: Option<usize>) {
    let _ = write!(out, "Chain {}", c.name);
    match c.policy {
        Some(p) => {
            let _ = write!(out, " (policy {}", policy_name(Some(p)));
            if f.verbose {
                let _ = write!(
                    out,
                    " {} packets, {} bytes",
                    scaled(c.policy_counter.packets, f.exact),
                    scaled(c.policy_counter.bytes, f.exact)
                );
            }
            out.push_str(")\n");
        }
        None => {
            let _ = writeln!(out, " ({} references)", c.references);
        }
    }
    if f.line_numbers {
        out.push_str("num  ");
    }
    if f.verbose {
        if f.exact {
            out.push_str("    pkts      bytes ");
        } else {
            out.push_str(" pkts bytes ");
        }
    }
    out.push_str("target     prot opt");
    if f.verbose {
        out.push_str(" in     out    ");
    }
    out.push_str(" source               destination         \n");
    for (i, r) in c.rules.iter().enumerate() {
        if rulenum.is_some_and(|n| n != i + 1) {
            continue;
        }
        list_rule(out, i + 1, r, c.counters.get(i).copied(), f);
    }
}

/// A counter in a chain header: exact, or scaled without padding.
fn scaled(n: u64, exact: bool) -> String {
    let mut s = String::new();
    print_num(&mut s, n, exact);
    s.trim().to_string()
}

fn target_name(t: &Target) -> &str {
    match t {
        Target::Accept => "ACCEPT",
        Target::Drop => "DROP",
        Target::Return => "RETURN",
        Target::Jump(c) | Target::Goto(c) => c,
        Target::Reject => "REJECT",
        Target::Dnat { .. } => "DNAT",
        Target::Snat { .. } => "SNAT",
        Target::Masquerade { .. } => "MASQUERADE",
        Target::SetXmark { .. } => "MARK",
        Target::None => "",
    }
}

fn list_rule(out: &mut String, num: usize, r: &Rule, c: Option<Counter>, f: &Format<'_>) {
    if f.line_numbers {
        let _ = write!(out, "{num:<4} ");
    }
    if f.verbose {
        let c = c.unwrap_or_default();
        print_num(out, c.packets, f.exact);
        print_num(out, c.bytes, f.exact);
    }
    let proto = r.matches.iter().find_map(|m| match m {
        Match::Protocol(p) => Some(*p),
        _ => None,
    });
    let pname = match proto {
        Some(Protocol::Tcp) => "tcp",
        Some(Protocol::Udp) => "udp",
        Some(Protocol::Icmp) => "icmp",
        None => "all",
    };
    let _ = write!(out, "{:<9}  {pname:<4} -- ", target_name(&r.target));
    if f.verbose {
        let iface = |neg: bool, name: Option<&str>| {
            let any = if f.numeric { "*" } else { "any" };
            format!("{}{}", if neg { "!" } else { "" }, name.unwrap_or(any))
        };
        let (mut i_neg, mut i_name, mut o_neg, mut o_name) = (false, None, false, None);
        for m in &r.matches {
            match m {
                Match::InInterface { negated, name } => {
                    i_neg = *negated;
                    i_name = Some(name.as_str());
                }
                Match::OutInterface { negated, name } => {
                    o_neg = *negated;
                    o_name = Some(name.as_str());
                }
                _ => {}
            }
        }
        let _ = write!(
            out,
            " {:<6} {:<6} ",
            iface(i_neg, i_name),
            iface(o_neg, o_name)
        );
    }
    let addr = |side_src: bool| {
        r.matches.iter().find_map(|m| match m {
            Match::Source { negated, net } if side_src => Some((*negated, *net)),
            Match::Destination { negated, net } if !side_src => Some((*negated, *net)),
            _ => None,
        })
    };
    for side in [true, false] {
        let (neg, net) = addr(side).unwrap_or((false, Ipv4Net::default()));
        let _ = write!(
            out,
            "{}{:<19} ",
            if neg { '!' } else { ' ' },
            address(net, f)
        );
    }
    for m in &r.matches {
        print_match(out, m, f.numeric);
    }
    print_target(out, &r.target);
    out.push('\n');
}

/// `ipv4_addr_to_string`: `anywhere` / host name / `loopback/8`, or numbers with `-n`.
fn address(net: Ipv4Net, f: &Format<'_>) -> String {
    let mask = if net.prefix_len() == 32 {
        String::new()
    } else {
        format!("/{}", net.prefix_len())
    };
    if f.numeric {
        return format!("{}{mask}", net.addr());
    }
    if net.prefix_len() == 0 {
        return "anywhere".to_string();
    }
    let a = net.addr();
    // gethostbyaddr (/etc/hosts), then getnetbyaddr (/etc/networks).
    let host = f
        .hosts
        .iter()
        .find(|(_, ip)| *ip == a)
        .map(|(n, _)| n.clone())
        .or_else(|| (a == Ipv4Addr::LOCALHOST).then(|| "localhost".to_string()));
    let network = match a.octets() {
        [127, 0, 0, 0] => Some("loopback"),
        [169, 254, 0, 0] => Some("link-local"),
        _ => None,
    };
    let name = host
        .or_else(|| network.map(str::to_string))
        .unwrap_or_else(|| a.to_string());
    format!("{name}{mask}")
}

/// `/etc/services` names `iptables -L` prints for ports without `-n`.
fn service_name(port: u16) -> Option<&'static str> {
    Some(match port {
        22 => "ssh",
        53 => "domain",
        80 => "http",
        443 => "https",
        3306 => "mysql",
        5432 => "postgresql",
        8080 => "http-alt",
        _ => return None,
    })
}

fn print_match(out: &mut String, m: &Match, numeric: bool) {
    match m {
        Match::Comment(c) => {
            let _ = write!(out, " /* {c} */");
        }
        Match::Tcp { dport } | Match::Udp { dport } => {
            out.push_str(if matches!(m, Match::Tcp { .. }) {
                " tcp"
            } else {
                " udp"
            });
            if let Some(p) = dport {
                match service_name(*p).filter(|_| !numeric) {
                    Some(name) => {
                        let _ = write!(out, " dpt:{name}");
                    }
                    None => {
                        let _ = write!(out, " dpt:{p}");
                    }
                }
            }
        }
        Match::AddrType { negated, side } => {
            let side = match side {
                AddrSide::Src => "src-type",
                AddrSide::Dst => "dst-type",
            };
            let _ = write!(
                out,
                " ADDRTYPE match {side} {}LOCAL",
                if *negated { "!" } else { "" }
            );
        }
        Match::Mark {
            negated,
            value,
            mask,
        } => {
            out.push_str(" mark match");
            if *negated {
                out.push_str(" !");
            }
            if *mask == u32::MAX {
                let _ = write!(out, " {value:#x}");
            } else {
                let _ = write!(out, " {value:#x}/{mask:#x}");
            }
        }
        Match::Statistic(p) => {
            let _ = write!(out, " statistic mode random probability {p}");
        }
        Match::Recent { name, action } => {
            out.push_str(" recent:");
            match action {
                RecentAction::Set => out.push_str(" SET"),
                RecentAction::Check { seconds, reap } => {
                    out.push_str(" CHECK");
                    if *seconds > 0 {
                        let _ = write!(out, " seconds: {seconds}");
                    }
                    if *reap {
                        out.push_str(" reap");
                    }
                }
            }
            let _ = write!(out, " name: {name} side: source mask: 255.255.255.255");
        }
        Match::Conntrack { negated, states } => {
            if *negated {
                out.push_str(" !");
            }
            let _ = write!(
                out,
                " ctstate {}",
                crate::net::netfilter::CtState::list(states)
            );
        }
        Match::Set {
            negated,
            name,
            flags,
        } => {
            if *negated {
                out.push_str(" !");
            }
            let _ = write!(out, " match-set {name} {flags}");
        }
        Match::Multiport { dports } => {
            let _ = write!(
                out,
                " multiport dports {}",
                crate::net::netfilter::port_list(dports)
            );
        }
        Match::Source { .. }
        | Match::Destination { .. }
        | Match::Protocol(_)
        | Match::InInterface { .. }
        | Match::OutInterface { .. } => {}
    }
}

fn print_target(out: &mut String, t: &Target) {
    match t {
        Target::Reject => out.push_str(" reject-with icmp-port-unreachable"),
        Target::Dnat { to, port } => match port {
            Some(p) => {
                let _ = write!(out, " to:{to}:{p}");
            }
            None => {
                let _ = write!(out, " to:{to}");
            }
        },
        Target::Snat { to } => {
            let _ = write!(out, " to:{to}");
        }
        Target::Masquerade { random_fully } => {
            if *random_fully {
                out.push_str(" random-fully");
            }
        }
        Target::SetXmark { value, mask } => {
            let _ = if *value == 0 {
                write!(out, " MARK and {:#x}", !mask)
            } else if value == mask {
                write!(out, " MARK or {value:#x}")
            } else if *mask == 0 {
                write!(out, " MARK xor {value:#x}")
            } else if *mask == u32::MAX {
                write!(out, " MARK set {value:#x}")
            } else {
                write!(out, " MARK xset {value:#x}/{mask:#x}")
            };
        }
        Target::Accept
        | Target::Drop
        | Target::Return
        | Target::Jump(_)
        | Target::Goto(_)
        | Target::None => {}
    }
}

fn etc_hosts(s: &Ctx) -> Vec<(String, Ipv4Addr)> {
    s.sim
        .world
        .machine(s.here())
        .map(|m| m.etc_hosts.clone())
        .unwrap_or_default()
}

/// `asctime` form of the simulated clock: `Thu Nov 26 09:00:00 2026`.
fn ctime(now_ms: Millis) -> String {
    DateTime::at(now_ms).asctime()
}

fn run_save(s: &Ctx, args: &[String], exec: &mut Execution, root: bool) -> i32 {
    let mut table: Option<String> = None;
    let mut counters = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        let (name, value) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n, Some(v.to_string())),
            _ => (a, None),
        };
        match name {
            "-t" | "--table" => match value.or_else(|| args.get(i).cloned()) {
                Some(t) => {
                    if a == name {
                        i += 1;
                    }
                    table = Some(t);
                }
                None => {
                    exec.err(format!(
                        "iptables-save: option '{name}' requires an argument\n\
                         Look at manual page `iptables-save.8' for more information.\n"
                    ));
                    return 1;
                }
            },
            "-c" | "--counters" => counters = true,
            "-V" | "--version" => {
                exec.out(format!("iptables-save {VERSION}\n"));
                return 0;
            }
            _ if name.starts_with("-t") && name.len() > 2 => table = Some(name[2..].to_string()),
            _ => {
                let msg = if let Some(long) = name.strip_prefix("--") {
                    format!("iptables-save: unrecognized option '--{long}'\n")
                } else if let Some(short) = name.strip_prefix('-').and_then(|c| c.chars().next()) {
                    format!("iptables-save: invalid option -- '{short}'\n")
                } else {
                    String::new()
                };
                if msg.is_empty() {
                    // A stray word: iptables-save ignores non-option arguments.
                    continue;
                }
                exec.err(msg);
                exec.err("Look at manual page `iptables-save.8' for more information.\n");
                return 1;
            }
        }
    }
    if !root {
        return permission_denied(exec, "iptables-save");
    }
    let nf = &s.sim.world.net.host(s.here()).netfilter;
    let tables: Vec<Table> = match &table {
        Some(t) => match Table::parse(t) {
            Some(t) => vec![t],
            None if known_table(t).is_some() => vec![],
            None => {
                exec.err(format!(
                    "iptables-save {VERSION}: table '{t}' does not exist\n\
                     Perhaps iptables or your kernel needs to be upgraded.\n"
                ));
                return 1;
            }
        },
        // Only tables that exist in the kernel: those something wrote to.
        None => [Table::Mangle, Table::Filter, Table::Nat]
            .into_iter()
            .filter(|t| in_use(nf, *t))
            .collect(),
    };
    let stamp = ctime(s.sim.now);
    let mut out = String::new();
    for t in tables {
        let _ = writeln!(out, "# Generated by iptables-save {VERSION} on {stamp}");
        out.push_str(&nf.save_table_with(t, counters));
        let _ = writeln!(out, "# Completed on {stamp}");
    }
    exec.out(out);
    0
}

/// A table shows in a full `iptables-save` once it holds a user chain, a rule
/// or a non-default policy.
fn in_use(nf: &Netfilter, t: Table) -> bool {
    nf.chains(t)
        .any(|(_, c)| c.policy != Some(Policy::Accept) || !c.rules.is_empty())
}

/// `iptables -h` (xtables_printhelp, iptables 1.8.10).
const HELP: &str = "iptables v1.8.10 (nf_tables)

Usage: iptables -[ACD] chain rule-specification [options]
       iptables -I chain [rulenum] rule-specification [options]
       iptables -R chain rulenum rule-specification [options]
       iptables -D chain rulenum [options]
       iptables -[LS] [chain [rulenum]] [options]
       iptables -[FZ] [chain] [options]
       iptables -[NX] chain
       iptables -E old-chain-name new-chain-name
       iptables -P chain target [options]
       iptables -h (print this help information)

Commands:
Either long or short options are allowed.
  --append  -A chain\t\tAppend to chain
  --check   -C chain\t\tCheck for the existence of a rule
  --delete  -D chain\t\tDelete matching rule from chain
  --delete  -D chain rulenum
\t\t\t\tDelete rule rulenum (1 = first) from chain
  --insert  -I chain [rulenum]
\t\t\t\tInsert in chain as rulenum (default 1=first)
  --replace -R chain rulenum
\t\t\t\tReplace rule rulenum (1 = first) in chain
  --list    -L [chain [rulenum]]
\t\t\t\tList the rules in a chain or all chains
  --list-rules -S [chain [rulenum]]
\t\t\t\tPrint the rules in a chain or all chains
  --flush   -F [chain]\t\tDelete all rules in  chain or all chains
  --zero    -Z [chain [rulenum]]
\t\t\t\tZero counters in chain or all chains
  --new     -N chain\t\tCreate a new user-defined chain
  --delete-chain
            -X [chain]\t\tDelete a user-defined chain
  --policy  -P chain target
\t\t\t\tChange policy on chain to target
  --rename-chain
            -E old-chain new-chain
\t\t\t\tChange chain name, (moving any references)

Options:
    --ipv4\t-4\t\tNothing (line is ignored by ip6tables-restore)
    --ipv6\t-6\t\tError (line is ignored by iptables-restore)
[!] --protocol\t-p proto\tprotocol: by number or name, eg. `tcp'
[!] --source\t-s address[/mask][...]
\t\t\t\tsource specification
[!] --destination -d address[/mask][...]
\t\t\t\tdestination specification
[!] --in-interface -i input name[+]
\t\t\t\tnetwork interface name ([+] for wildcard)
 --jump\t-j target
\t\t\t\ttarget for rule (may load target extension)
  --goto      -g chain
\t\t\t       jump to chain with no return
  --match\t-m match
\t\t\t\textended match (may load extension)
  --numeric\t-n\t\tnumeric output of addresses and ports
[!] --out-interface -o output name[+]
\t\t\t\tnetwork interface name ([+] for wildcard)
  --table\t-t table\ttable to manipulate (default: `filter')
  --verbose\t-v\t\tverbose mode
  --wait\t-w [seconds]\tmaximum wait to acquire xtables lock before give up
  --line-numbers\t\tprint line numbers when listing
  --exact\t-x\t\texpand numbers (display exact values)
[!] --fragment\t-f\t\tmatch second or further fragments only
  --modprobe=<command>\t\ttry to insert modules using this command
  --set-counters -c PKTS BYTES\tset the counter during insert/append
[!] --version\t-V\t\tprint package version.
";

#[cfg(test)]
mod tests {
    use crate::cluster::kubeproxy::{install, render};

    #[test]
    fn ipset_and_multiport_matches_list_as_iptables_l_prints_them() {
        use crate::net::netfilter::Match;
        let mut out = String::new();
        for m in [
            Match::Set {
                negated: true,
                name: "cali40s:clients".into(),
                flags: "src".into(),
            },
            Match::Multiport {
                dports: vec![(80, 80), (8000, 9000)],
            },
        ] {
            super::print_match(&mut out, &m, true);
        }
        assert_eq!(
            out,
            " ! match-set cali40s:clients src multiport dports 80,8000:9000"
        );
    }
    use crate::cluster::proxy_model::{Affinity, ProxyEndpoint, ProxyNode, ServicePortInfo};
    use crate::shell::Session;
    use crate::world::WorldOptions;

    fn session() -> Session {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        let svc = |name: &str, ip: &str, port, port_name: &str, np, eps: Vec<(&str, u16)>| {
            ServicePortInfo {
                namespace: "default".into(),
                name: name.into(),
                port_name: port_name.into(),
                cluster_ip: Some(ip.parse().unwrap()),
                port,
                node_port: np,
                external_ips: vec![],
                load_balancer_ips: vec![],
                external_policy_local: false,
                internal_policy_local: false,
                protocol: crate::net::netfilter::Protocol::Tcp,
                load_balancer_source_ranges: vec![],
                health_check_node_port: None,
                affinity: Affinity::None,
                endpoints: eps
                    .into_iter()
                    .map(|(ip, port)| ProxyEndpoint {
                        ip: ip.parse().unwrap(),
                        port,
                        node: "node01".into(),
                        ready: true,
                    })
                    .collect(),
            }
        };
        let services = [
            svc(
                "kubernetes",
                "10.96.0.1",
                443,
                "https",
                None,
                vec![("192.168.1.2", 6443)],
            ),
            svc(
                "myapp-service",
                "10.106.1.12",
                80,
                "",
                Some(30008),
                vec![("10.244.0.2", 80), ("10.244.0.3", 80), ("10.244.0.4", 80)],
            ),
        ];
        let node = ProxyNode {
            name: "node01".into(),
            cluster_cidr: "10.244.0.0/16".parse().unwrap(),
            ip: None,
        };
        let id = s.world().net.host_id("node01").unwrap();
        install(s.world_mut().net.host_mut(id), &render(&node, &services));
        s.run("ssh node01");
        s
    }

    #[test]
    fn student_needs_sudo() {
        let mut s = session();
        let e = s.run("iptables -L");
        assert_eq!(e.status, 4);
        assert_eq!(
            e.text(),
            "iptables v1.8.10 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n"
        );
        let e = s.run("iptables-save");
        assert_eq!(e.status, 4);
        assert!(e
            .text()
            .starts_with("iptables-save v1.8.10 (nf_tables): Could not fetch"));
    }

    /// §4c's shape, with the columns of print_rule_details/print_ipv4_addresses.
    #[test]
    fn list_kube_services_numeric() {
        let mut s = session();
        let e = s.run("sudo iptables -t nat -L KUBE-SERVICES -n");
        assert_eq!(e.status, 0, "{}", e.text());
        assert_eq!(
            e.text(),
            "Chain KUBE-SERVICES (2 references)
target     prot opt source               destination         
KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  0.0.0.0/0            10.96.0.1            /* default/kubernetes:https cluster IP */ tcp dpt:443
KUBE-SVC-HV6ZUR45AI72VIJI  tcp  --  0.0.0.0/0            10.106.1.12          /* default/myapp-service cluster IP */ tcp dpt:80
KUBE-NODEPORTS  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL
"
        );
    }

    #[test]
    fn list_matches_and_targets() {
        let mut s = session();
        let svc = s
            .run("sudo iptables -t nat -L KUBE-SVC-HV6ZUR45AI72VIJI -n")
            .text();
        assert!(svc.contains("KUBE-MARK-MASQ  tcp  -- !10.244.0.0/16        10.106.1.12          /* default/myapp-service cluster IP */ tcp dpt:80\n"), "{svc}");
        assert!(svc.contains("KUBE-SEP-Q5JOQ2TNM742LKJL  all  --  0.0.0.0/0            0.0.0.0/0            /* default/myapp-service -> 10.244.0.2:80 */ statistic mode random probability 0.33333333349\n"), "{svc}");
        let sep = s
            .run("sudo iptables -t nat -L KUBE-SEP-Q5JOQ2TNM742LKJL -n")
            .text();
        assert!(sep.contains("DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            /* default/myapp-service */ tcp to:10.244.0.2:80\n"), "{sep}");
        let masq = s.run("sudo iptables -t nat -L KUBE-MARK-MASQ -n").text();
        assert!(
            masq.contains(
                "MARK       all  --  0.0.0.0/0            0.0.0.0/0            MARK or 0x4000\n"
            ),
            "{masq}"
        );
        let post = s.run("sudo iptables -t nat -L KUBE-POSTROUTING -n").text();
        assert!(post.contains("RETURN     all  --  0.0.0.0/0            0.0.0.0/0            mark match ! 0x4000/0x4000\n"), "{post}");
        assert!(post.contains("MARK xor 0x4000\n"), "{post}");
        assert!(post.contains("MASQUERADE  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service traffic requiring SNAT */ random-fully\n"), "{post}");
        let fw = s.run("sudo iptables -L KUBE-FIREWALL").text();
        assert!(fw.contains("DROP       all  -- !loopback/8           loopback/8           /* block incoming localnet connections */ ! ctstate RELATED,ESTABLISHED,DNAT\n"), "{fw}");
    }

    #[test]
    fn list_all_filter_chains_with_line_numbers() {
        let mut s = session();
        let e = s.run("sudo iptables -L INPUT --line-numbers");
        assert_eq!(
            e.text(),
            "Chain INPUT (policy ACCEPT)
num  target     prot opt source               destination         
1    KUBE-PROXY-FIREWALL  all  --  anywhere             anywhere             ctstate NEW /* kubernetes load balancer firewall */
2    KUBE-NODEPORTS  all  --  anywhere             anywhere             /* kubernetes health check service ports */
3    KUBE-EXTERNAL-SERVICES  all  --  anywhere             anywhere             ctstate NEW /* kubernetes externally-visible service portals */
4    KUBE-FIREWALL  all  --  anywhere             anywhere            
"
        );
        let all = s.run("sudo iptables -L").text();
        assert!(all.starts_with("Chain INPUT (policy ACCEPT)\n"));
        assert!(all.contains("\n\nChain FORWARD (policy ACCEPT)\n"));
        assert!(all.contains("\n\nChain KUBE-EXTERNAL-SERVICES (2 references)\n"));
    }

    #[test]
    fn verbose_listing_counts_packets() {
        let mut s = session();
        s.run("exit");
        s.run("curl -s 192.168.1.2:30008 -o /dev/null");
        s.run("ssh node01");
        let e = s.run("sudo iptables -t nat -L KUBE-NODEPORTS -v -n");
        assert_eq!(
            e.text(),
            "Chain KUBE-NODEPORTS (1 references)
 pkts bytes target     prot opt in     out     source               destination         
    1    60 KUBE-EXT-HV6ZUR45AI72VIJI  tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/myapp-service */ tcp dpt:30008
"
        );
        // Two ssh logins and the curl entered KUBE-SERVICES; the DNAT ended
        // the curl's hook, so only the ssh packets reached the policy.
        let pre = s.run("sudo iptables -t nat -L PREROUTING -v -n").text();
        assert_eq!(pre, "Chain PREROUTING (policy ACCEPT 2 packets, 120 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    3   180 KUBE-SERVICES  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service portals */
");
    }

    #[test]
    fn list_rules() {
        let mut s = session();
        let e = s.run("sudo iptables -t nat -S KUBE-SEP-Q5JOQ2TNM742LKJL");
        assert_eq!(
            e.text(),
            "-N KUBE-SEP-Q5JOQ2TNM742LKJL
-A KUBE-SEP-Q5JOQ2TNM742LKJL -s 10.244.0.2/32 -m comment --comment \"default/myapp-service\" -j KUBE-MARK-MASQ
-A KUBE-SEP-Q5JOQ2TNM742LKJL -p tcp -m comment --comment \"default/myapp-service\" -m tcp -j DNAT --to-destination 10.244.0.2:80
"
        );
        let all = s.run("sudo iptables -S").text();
        assert!(
            all.starts_with(
                "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N FLANNEL-FWD\n-N KUBE-EXTERNAL-SERVICES\n"
            ),
            "{all}"
        );
        assert_eq!(s.run("sudo iptables -S OUTPUT 2").text(), "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
    }

    #[test]
    fn save_has_header_and_footer() {
        let mut s = session();
        let e = s.run("sudo iptables-save -t nat");
        let text = e.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "# Generated by iptables-save v1.8.10 (nf_tables) on Thu Nov 26 09:00:00 2026"
        );
        assert_eq!(lines[1], "*nat");
        assert_eq!(lines[lines.len() - 2], "COMMIT");
        assert_eq!(
            lines[lines.len() - 1],
            "# Completed on Thu Nov 26 09:00:00 2026"
        );
        let all = s.run("sudo iptables-save").text();
        let tables: Vec<&str> = all.lines().filter(|l| l.starts_with('*')).collect();
        assert_eq!(tables, ["*mangle", "*filter", "*nat"]);
        assert!(all.contains(":KUBE-PROXY-CANARY - [0:0]"));
    }

    #[test]
    fn errors_read_like_iptables() {
        let mut s = session();
        let cases: &[(&str, i32, &str)] = &[
            (
                "sudo iptables -L NOPE",
                1,
                "iptables: No chain/target/match by that name.\n",
            ),
            (
                "sudo iptables -Lnv",
                1,
                "iptables: No chain/target/match by that name.\n",
            ),
            (
                "sudo iptables --foo",
                2,
                "iptables v1.8.10 (nf_tables): unknown option \"--foo\"\nTry `iptables -h' or 'iptables --help' for more information.\n",
            ),
            (
                "iptables --foo",
                2,
                "iptables v1.8.10 (nf_tables): unknown option \"--foo\"\nTry `iptables -h' or 'iptables --help' for more information.\n",
            ),
            (
                "sudo iptables",
                2,
                "iptables v1.8.10 (nf_tables): no command specified\nTry `iptables -h' or 'iptables --help' for more information.\n",
            ),
            (
                "sudo iptables -t foo -L",
                3,
                "iptables v1.8.10 (nf_tables): table 'foo' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n",
            ),
            (
                "sudo iptables -L -t",
                2,
                "iptables v1.8.10 (nf_tables): option \"-t\" requires an argument\nTry `iptables -h' or 'iptables --help' for more information.\n",
            ),
            (
                "sudo iptables foo",
                2,
                "iptables v1.8.10 (nf_tables): Bad argument `foo'\nTry `iptables -h' or 'iptables --help' for more information.\n",
            ),
            ("sudo nosuchtool", 1, "sudo: nosuchtool: command not found\n"),
            (
                "sudo iptables-save --foo",
                1,
                "iptables-save: unrecognized option '--foo'\nLook at manual page `iptables-save.8' for more information.\n",
            ),
        ];
        for (line, status, text) in cases {
            let e = s.run(line);
            assert_eq!((e.status, e.text().as_str()), (*status, *text), "{line}");
        }
        assert_eq!(s.run("sudo iptables -nvL INPUT").status, 0);
        assert_eq!(s.run("sudo iptables --list --numeric -t nat").status, 0);
        assert_eq!(
            s.run("sudo iptables -V").text(),
            "iptables v1.8.10 (nf_tables)\n"
        );
        assert!(s
            .run("iptables -h")
            .text()
            .starts_with("iptables v1.8.10 (nf_tables)\n\nUsage:"));
        assert_eq!(s.run("sudo whoami").text(), "root\n");
    }

    #[test]
    fn raw_and_mangle_tables_list_their_builtin_chains() {
        let mut s = session();
        let raw = s.run("sudo iptables -t raw -L").text();
        assert!(raw.starts_with("Chain PREROUTING (policy ACCEPT)\n"));
        let mangle = s.run("sudo iptables -t mangle -S").text();
        assert!(mangle.contains("-N KUBE-PROXY-CANARY\n"), "{mangle}");
    }

    #[test]
    fn ctime_pads_the_day() {
        assert_eq!(super::ctime(0), "Thu Nov 26 09:00:00 2026");
        assert_eq!(
            super::ctime(20 * 86_400_000 + 61_000),
            "Wed Dec 16 09:01:01 2026"
        );
        assert_eq!(super::ctime(10 * 86_400_000), "Sun Dec  6 09:00:00 2026");
    }
}
