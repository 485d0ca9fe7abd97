//! Golden transcripts of the shell itself: here-documents, pipes into the
//! filters, redirections, variables and `$(…)`, `for` loops, files, and the
//! messages bash and coreutils print when something is wrong. Each entry is
//! one command as typed, continuation lines included (shown after `> `, the
//! prompt bash gives them). Review changes with `cargo insta review`.

use servicelab_engine::{Session, WorldOptions};

/// Runs the commands and renders them as a terminal scrollback.
fn transcript(options: WorldOptions, commands: &[&str]) -> String {
    let mut s = Session::new(options).expect("valid options");
    let mut out = String::new();
    for command in commands {
        // What a terminal does: keep reading lines while bash would ask for more.
        let lines: Vec<&str> = command.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let so_far = lines[..i].join("\n");
            if i == 0 {
                out.push_str(&s.prompt());
            } else {
                assert!(s.needs_more(&so_far), "{so_far:?} should ask for more");
                out.push_str("> ");
            }
            out.push_str(line);
            out.push('\n');
        }
        assert!(!s.needs_more(command), "{command:?} should be complete");
        let e = s.run(command);
        out.push_str(&e.text());
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("[exit {} after {} ms]\n", e.status, e.elapsed_ms));
    }
    out
}

fn default(commands: &[&str]) -> String {
    transcript(WorldOptions::default(), commands)
}

#[test]
fn heredoc_to_a_file_and_back() {
    insta::assert_snapshot!(default(&[
        "cat > svc.yaml <<'EOF'\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-$USER\nspec:\n  type: NodePort\nEOF",
        "cat svc.yaml",
        "cat <<EOF\nuser $USER on $(hostname), home ${HOME}\nliteral \\$HOME and `echo backquotes`\nEOF",
        "cat <<-EOF > tabs.txt\n\tindented with a tab\n\t  and spaces kept\n\tEOF",
        "cat -n tabs.txt",
        "ls -l",
        "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: myapp\n  ports:\n  - port: 80\nEOF",
        "kubectl get svc -o name | grep web",
    ]));
}

#[test]
fn pipes_into_filters() {
    insta::assert_snapshot!(default(&[
        "printf 'web-1 Running\\nweb-2 Pending\\ndb-1 Running\\nweb-3 Running\\n' > pods.txt",
        "cat pods.txt | grep Running",
        "grep -c web pods.txt; grep -v -n Running pods.txt; grep -i RUNNING pods.txt | head -1",
        "grep -E '^(db|web-2)' pods.txt; grep -o '[0-9]' pods.txt | sort -u | tr '\\n' ' '; echo",
        "cat pods.txt | wc -l; wc -l pods.txt; wc pods.txt; wc -l < pods.txt",
        "seq 1 10 | tail -n 3; seq 10 | head -n -8; seq 5 | tail -n +4; seq 20 | head -3 | wc -w",
        "cut -d' ' -f2 pods.txt | sort | uniq -c | sort -rn",
        "sort -k2 -r pods.txt | head -2",
        "ls nope | wc -l",
        "seq 3 | tee copy.txt | tail -1; cat copy.txt",
        "! grep -q Failed pods.txt && echo no failures",
    ]));
}

#[test]
fn redirections() {
    insta::assert_snapshot!(default(&[
        "echo one > notes.txt; echo two >> notes.txt; cat notes.txt",
        "cat < notes.txt | wc -l",
        "ls nope notes.txt > out.txt 2>&1; cat out.txt",
        "ls nope 2>/dev/null; echo \"status $?\"",
        "echo hidden > /dev/null; cat nope 2> err.txt; cat err.txt",
        "cat nope 2>&1 >/dev/null | tr a-z A-Z",
        "echo both &> all.txt; cat all.txt",
        "grep one < missing.txt",
        "echo x > /etc/motd; echo x > nodir/file; echo x > /tmp",
        "> empty.txt; wc -c empty.txt",
        "tr a-z A-Z <<< 'here string'",
        "echo 2 > 1; cat 1; echo x >&2",
    ]));
}

#[test]
fn variables_and_substitution() {
    insta::assert_snapshot!(default(&[
        "NAME=web; PORT=80; echo \"$NAME:${PORT}\" '$NAME'",
        "export NODE_IP=192.168.1.2; echo $NODE_IP",
        "echo $? ; false; echo $?; true; echo $?",
        "HOST=$(hostname); echo \"on $HOST\"",
        "POD=$(kubectl get pods -o name | head -1); echo ${POD#pod/}",
        "WORDS=\"a   b c\"; for w in $WORDS; do echo \"[$w]\"; done; echo \"[$WORDS]\"",
        "echo $((1 + 2 * 3)) $((30008 % 100)) ${#NAME} ${MISSING:-default} ${NAME/w/W}",
        "X=1; echo x | X=2; echo $X",
        "unset NAME; echo \"[${NAME}]\"",
        "alias ll='ls -la'; alias; ll /tmp",
        "echo -n no newline; echo; echo -e 'a\\tb'",
        "printf '%-6s|%5.1f|%03d\\n' web 2.5 7",
        "echo ~ ~/svc.yaml \"~\"",
        "ssh node01",
        "echo \"[$NAME] on $HOSTNAME\"; LOCAL=node",
        "exit",
        "echo \"[$LOCAL] $NODE_IP\"",
    ]));
}

#[test]
fn for_loops_and_time() {
    insta::assert_snapshot!(default(&[
        "ssh node01",
        "for i in $(seq 1 3); do curl -s -o /dev/null -w \"$i %{http_code}\\n\" http://10.244.0.2; done",
        "for i in 1 2 3\ndo\n  echo \"request $i\"\ndone | tail -n 2",
        "for f in a b; do echo $f > $f.txt; done; cat a.txt b.txt",
        "date; sleep 5; date +%T",
        "for i in $(seq 3); do sleep 1; done; echo \"$i done\"",
        "for x in; do echo never; done; echo \"status $?\"",
        "exit",
        "time curl -sS -m 3 http://10.244.0.2",
    ]));
}

#[test]
fn files_and_directories() {
    insta::assert_snapshot!(default(&[
        "mkdir -p manifests/old; touch manifests/a.yaml manifests/b.yaml manifests/c.txt",
        "cd manifests; pwd",
        "ls; ls *.yaml; echo *.txt; echo *.none",
        "cp a.yaml old/; mv b.yaml old/b2.yaml; ls old",
        "rm *.yaml; ls",
        "cd ..; rm manifests; rm -r manifests; ls",
        "cd /tmp; pwd; cd -",
        "cat /etc/hostname; grep node01 /etc/hosts",
        "cd /nope; cd /etc/hosts; ls /nope",
        "mkdir new; mkdir new; touch /etc/x; rm /etc/hosts",
    ]));
}

#[test]
fn braces_recursion_sudo_and_pods() {
    insta::assert_snapshot!(default(&[
        "echo web-{a,b}.yaml {1..3} {01..10..3} {c..a}",
        "for i in {1..3}; do echo \"pod $i\"; done | grep -c pod",
        "mkdir -p m/sub; echo xa > m/a; echo xb > m/sub/b; grep -r x m; grep -rl x",
        "read NAME REST <<< 'web 80 tcp'; echo \"[$NAME] [$REST]\"",
        "echo '192.168.1.50 extra' | tee -a /etc/hosts",
        "echo '192.168.1.50 extra' | sudo tee -a /etc/hosts; grep extra /etc/hosts",
        "kubectl exec myapp-pod -- sh -c 'cd /tmp; X=1; exit 3'; echo \"status $? [$X]\"",
        "kubectl exec -it myapp-pod -- bash",
        "pwd; echo $X",
        "exit",
    ]));
}

#[test]
fn errors_read_like_bash() {
    insta::assert_snapshot!(default(&[
        "| ls",
        "cat >",
        "echo (hi)",
        "for i in 1 2; do done",
        "if true; then echo; fi",
        "echo ${a b}",
        "echo $((1 +))",
        "echo $((1 / 0))",
        "cat nope.yaml; rm nope.yaml; grep x nope.yaml; head nope.yaml",
        "kubectl get pods | grepp web",
        "grep",
        "grep '[a' /etc/hosts",
        "head -n x /etc/hosts; seq; sleep x",
        "for 1 in a; do echo; done",
        "echo 'open\nquote'",
    ]));
}

#[test]
fn unfinished_input_at_the_end() {
    // What the native binary does when input ends while bash wants more.
    let mut s = Session::new(WorldOptions::default()).unwrap();
    let e = s.run("ls |");
    assert_eq!(e.text(), "bash: syntax error: unexpected end of file\n");
    assert_eq!(e.status, 2);
    let e = s.run("for i in 1 2; do\necho $i");
    assert_eq!(e.text(), "bash: syntax error: unexpected end of file\n");
    let e = s.run("echo one \\");
    assert_eq!(e.text(), "one\n");
}

#[test]
fn a_syntax_error_costs_only_its_own_command() {
    // Several lines at once (a paste): as bash, each complete command runs
    // on its own, and a mistake in one loses none of the others.
    let mut s = Session::new(WorldOptions::default()).unwrap();
    let e = s.run("echo a > f\n| oops\ncat <<EOF\nb\nEOF\necho $?");
    assert_eq!(
        e.text(),
        "bash: syntax error near unexpected token `|'\nb\n0\n"
    );
    assert_eq!(s.run("cat f").text(), "a\n");
}

#[test]
fn an_unterminated_heredoc_runs_with_a_warning() {
    // What the native binary does at end of input.
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.run("echo first");
    let e = s.run("cat <<EOF\nno end");
    assert_eq!(
        e.text(),
        "bash: warning: here-document at line 2 delimited by end-of-file (wanted `EOF')\nno end\n"
    );
    assert_eq!(e.status, 0);
}

#[test]
fn every_listed_command_is_dispatched() {
    // The list Tab completes from must name only commands the shell runs.
    // Some exist only on the nodes (conntrack), as on real hosts.
    for name in servicelab_engine::shell::COMMANDS {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        let e = s.run(&format!("{name} </dev/null"));
        // bash found no such command: 127 and "not found" (bash's own
        // words, or command-not-found's "Command 'x' not found").
        let missing = |e: &servicelab_engine::shell::Execution| {
            e.status == 127 && e.text().contains("not found")
        };
        let on_laptop = !missing(&e);
        let mut s = Session::new(WorldOptions::default()).unwrap();
        s.run("ssh node01");
        let e2 = s.run(&format!("{name} </dev/null"));
        let on_node = !missing(&e2);
        assert!(on_laptop || on_node, "{name}: {}{}", e.text(), e2.text());
    }
}
