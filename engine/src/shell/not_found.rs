//! What an Ubuntu 24.04 host answers for a command bash did not find:
//! `/etc/bash.bashrc` defines `command_not_found_handle`, which runs
//! `/usr/lib/command-not-found` (command-not-found 23.04, the "condensed"
//! output of 20.04.3 on: no blank lines). It looks the name up in the
//! archive's command index and in the snap store's, then tries every
//! spelling one edit away (Norvig's corrector: a letter deleted, two
//! swapped, one replaced or inserted, from `a-z - _ 0-9`):
//!
//! ```text
//! Command 'kubctl' not found, did you mean:
//!   command 'kubectl' from snap kubectl (1.31.4)
//! See 'snap info <snapname>' for additional versions.
//! ```
//!
//! With no suggestion it prints `kubctl: command not found` (without bash's
//! `bash: ` prefix); the status is 127 either way.
//!
//! The index here is a small part of noble's: the packages of the commands
//! servicelab's hosts run (with their release versions) and the kubectl
//! snap, so a typo of a command the course uses gets Ubuntu's answer; a
//! typo of something else may get fewer suggestions than a real host
//! gives.

/// Where the student's shell runs, as command-not-found sees it.
pub(super) struct Host {
    /// The packages installed here (a command of one is found by bash).
    pub installed: fn(&str) -> bool,
    /// The user is in the `sudo` group (`Try: sudo apt install …`).
    pub can_sudo: bool,
    /// The user is root (`apt install …` without sudo).
    pub root: bool,
}

/// A package of noble's index: its name, version, and the commands it puts
/// in `/usr/bin`, `/bin`, `/usr/sbin` or `/sbin`.
struct Package {
    name: &'static str,
    version: &'static str,
    commands: &'static [&'static str],
}

/// Part of noble's command index (main, release pocket).
const DEBS: &[Package] = &[
    Package {
        name: "bind9-dnsutils",
        version: "1:9.18.24-0ubuntu5",
        commands: &["delv", "dig", "mdig", "nslookup", "nsupdate"],
    },
    Package {
        name: "bind9-host",
        version: "1:9.18.24-0ubuntu5",
        commands: &["host"],
    },
    Package {
        name: "conntrack",
        version: "1:1.4.8-1ubuntu1",
        commands: &["conntrack"],
    },
    Package {
        name: "coreutils",
        version: "9.4-3ubuntu6",
        commands: &[
            "basename", "cat", "chmod", "chown", "cp", "cut", "date", "df", "dirname", "du",
            "echo", "env", "false", "head", "id", "ln", "ls", "mkdir", "mv", "nproc", "printf",
            "pwd", "rm", "seq", "sleep", "sort", "stat", "tail", "tee", "touch", "tr", "true",
            "uname", "uniq", "wc", "whoami", "yes",
        ],
    },
    Package {
        name: "curl",
        version: "8.5.0-2ubuntu10",
        commands: &["curl"],
    },
    Package {
        name: "gawk",
        version: "1:5.2.1-2build3",
        commands: &["gawk"],
    },
    Package {
        name: "grep",
        version: "3.11-4build1",
        commands: &["egrep", "fgrep", "grep", "rgrep"],
    },
    Package {
        name: "hostname",
        version: "3.23+nmu2ubuntu2",
        commands: &["dnsdomainname", "domainname", "hostname"],
    },
    Package {
        name: "iproute2",
        version: "6.1.0-1ubuntu6",
        commands: &["bridge", "devlink", "ip", "nstat", "rtmon", "ss", "tc"],
    },
    Package {
        name: "iptables",
        version: "1.8.10-3ubuntu2",
        commands: &[
            "ip6tables",
            "ip6tables-restore",
            "ip6tables-save",
            "iptables",
            "iptables-restore",
            "iptables-save",
        ],
    },
    Package {
        name: "iputils-ping",
        version: "3:20240117-1build1",
        commands: &["ping", "ping4", "ping6"],
    },
    Package {
        name: "netcat-openbsd",
        version: "1.226-1ubuntu2",
        commands: &["nc", "nc.openbsd", "netcat"],
    },
    Package {
        name: "openssh-client",
        version: "1:9.6p1-3ubuntu13",
        commands: &[
            "scp",
            "sftp",
            "ssh",
            "ssh-add",
            "ssh-agent",
            "ssh-keygen",
            "ssh-keyscan",
        ],
    },
    Package {
        name: "sed",
        version: "4.9-2build1",
        commands: &["sed"],
    },
    Package {
        name: "wget",
        version: "1.21.4-1ubuntu4",
        commands: &["wget"],
    },
];

/// The snap store's commands: (command, snap, version).
const SNAPS: &[(&str, &str, &str)] = &[("kubectl", "kubectl", "1.31.4")];

/// command-not-found's `max_len`: a longer name gets no advice.
const MAX_LEN: usize = 256;
/// More suggestions than this are only counted.
const MAX_ALT: usize = 15;

/// Every spelling one edit from `word` (command-not-found's `similar_words`).
fn similar_words(word: &str) -> crate::map::Set<String> {
    const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz-_0123456789";
    let chars: Vec<char> = word.chars().collect();
    // Gathered, then sorted once: up to 78 spellings per character.
    let mut out = Vec::new();
    let join = |parts: &[&[char]]| parts.iter().flat_map(|p| p.iter()).collect::<String>();
    for i in 0..=chars.len() {
        let (a, b) = chars.split_at(i);
        if !b.is_empty() {
            out.push(join(&[a, &b[1..]]));
            for c in ALPHABET.chars() {
                out.push(join(&[a, &[c], &b[1..]]));
            }
        }
        if b.len() > 1 {
            out.push(join(&[a, &[b[1], b[0]], &b[2..]]));
        }
        for c in ALPHABET.chars() {
            out.push(join(&[a, &[c], b]));
        }
    }
    out.into_iter().collect()
}

fn debs_with(command: &str) -> impl Iterator<Item = &'static Package> + '_ {
    DEBS.iter().filter(move |p| p.commands.contains(&command))
}

/// What the host prints on stderr for `command`; `None` when a package of
/// the index that is installed here has it (bash would have run it: it is
/// a command servicelab does not simulate).
pub(super) fn advise(command: &str, host: &Host) -> Option<String> {
    let plain = format!("{command}: command not found\n");
    if command.chars().count() > MAX_LEN || command.contains('/') {
        return Some(plain);
    }
    let exact: Vec<&Package> = debs_with(command).collect();
    if exact.iter().any(|p| (host.installed)(p.name)) {
        return None;
    }
    let sudo = if host.can_sudo && !host.root {
        "sudo "
    } else {
        ""
    };
    let mut out = String::new();
    match exact.as_slice() {
        [] => {}
        [one] => {
            out.push_str(&format!(
                "Command '{command}' not found, but can be installed with:\n{sudo}apt install {}\n",
                one.name
            ));
            return Some(out);
        }
        many => {
            out.push_str(&format!(
                "Command '{command}' not found, but can be installed with:\n"
            ));
            let pad = many.iter().map(|p| p.name.len()).max().unwrap_or(0);
            for (i, p) in many.iter().enumerate() {
                let or = if i == 0 { ", or" } else { "" };
                out.push_str(&format!(
                    "{sudo}apt install {:<pad$}  # version {}{or}\n",
                    p.name, p.version
                ));
            }
            return Some(out);
        }
    }
    // Misspelt: the snaps first, then the debs.
    let (mut snaps, mut debs) = (vec![], vec![]);
    if command.chars().count() >= 3 {
        for w in similar_words(command) {
            snaps.extend(SNAPS.iter().filter(|s| s.0 == w));
            debs.extend(debs_with(&w).map(|p| (w.clone(), p)));
        }
    }
    crate::sort::sort(&mut snaps);
    let total = snaps.len() + debs.len();
    if total == 0 {
        return Some(plain);
    }
    if total > MAX_ALT {
        return Some(format!(
            "Command '{command}' not found, but there are {} similar ones.\n",
            debs.len()
        ));
    }
    out.push_str(&format!("Command '{command}' not found, did you mean:\n"));
    for (c, snap, version) in &snaps {
        out.push_str(&format!("  command '{c}' from snap {snap} ({version})\n"));
    }
    for (c, p) in &debs {
        out.push_str(&format!(
            "  command '{c}' from deb {} ({})\n",
            p.name, p.version
        ));
    }
    if !snaps.is_empty() {
        out.push_str("See 'snap info <snapname>' for additional versions.\n");
    } else {
        out.push_str(&format!(
            "Try: {}apt install <deb name>\n",
            if host.can_sudo { "sudo " } else { "" }
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAPTOP: Host = Host {
        installed: |p| p != "conntrack",
        can_sudo: true,
        root: false,
    };

    #[test]
    fn a_typo_of_kubectl_is_the_snap() {
        for typo in ["kubctl", "kubeclt", "kubect", "kubecttl"] {
            assert_eq!(
                advise(typo, &LAPTOP).unwrap(),
                format!("Command '{typo}' not found, did you mean:\n  command 'kubectl' from snap kubectl (1.31.4)\nSee 'snap info <snapname>' for additional versions.\n")
            );
        }
    }

    #[test]
    fn a_typo_of_a_deb_command_names_its_package_and_how_to_install() {
        assert_eq!(
            advise("crul", &LAPTOP).unwrap(),
            "Command 'crul' not found, did you mean:\n  command 'curl' from deb curl (8.5.0-2ubuntu10)\nTry: sudo apt install <deb name>\n"
        );
        // Every candidate one edit away, in the index's order.
        let grepp = advise("grepp", &LAPTOP).unwrap();
        assert!(grepp.starts_with("Command 'grepp' not found, did you mean:\n  command 'grep' from deb grep (3.11-4build1)\n"), "{grepp}");
        let root = Host {
            root: true,
            can_sudo: false,
            ..LAPTOP
        };
        assert!(advise("crul", &root)
            .unwrap()
            .ends_with("Try: apt install <deb name>\n"));
    }

    #[test]
    fn a_command_of_a_package_not_installed_says_how_to_install_it() {
        assert_eq!(
            advise("conntrack", &LAPTOP).unwrap(),
            "Command 'conntrack' not found, but can be installed with:\nsudo apt install conntrack\n"
        );
        // Installed (a command servicelab does not simulate): bash would run it.
        assert_eq!(advise("uname", &LAPTOP), None);
    }

    #[test]
    fn without_a_suggestion_it_is_the_short_message() {
        assert_eq!(
            advise("nosuchtool", &LAPTOP).unwrap(),
            "nosuchtool: command not found\n"
        );
        // Two letters: too short to correct.
        assert_eq!(advise("kc", &LAPTOP).unwrap(), "kc: command not found\n");
        let long = "x".repeat(300);
        assert_eq!(
            advise(&long, &LAPTOP).unwrap(),
            format!("{long}: command not found\n")
        );
    }

    #[test]
    fn similar_words_are_one_edit_away() {
        let w = similar_words("ab");
        for s in ["b", "a", "ba", "xb", "axb", "abx", "xab", "a-"] {
            assert!(w.contains(s), "{s}");
        }
        assert!(!w.contains("ab c"));
        assert!(!w.contains("xyab"));
    }
}
