//! The smaller defects a fuzzing run found, each through the terminal as a
//! student meets it: what the real tool says, and no Rust debug output.

use servicelab_engine::lesson::replay::check_file;
use servicelab_engine::{Session, WorldOptions};

fn run(line: &str) -> String {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.run(line).text()
}

#[test]
fn label_values_are_checked_as_kubectl_and_the_api_server_do() {
    assert_eq!(
        run("kubectl label pod myapp-pod 'x=<b>bold</b>'"),
        "error: invalid label value: \"x=<b>bold</b>\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
    );
    assert_eq!(
        run("kubectl label pod myapp-pod a=b=c"),
        "error: invalid label spec: a=b=c\n"
    );
    // A key is the server's to judge; the pod keeps its labels.
    let mut s = Session::new(WorldOptions::default()).unwrap();
    let out = s.run("kubectl label pod myapp-pod 'bad key=x'").text();
    assert!(
        out.starts_with(
            "The Pod \"myapp-pod\" is invalid: metadata.labels: Invalid value: \"bad key\""
        ),
        "{out}"
    );
    assert!(!s
        .run("kubectl get pod myapp-pod --show-labels")
        .text()
        .contains("bad key"));
}

#[test]
fn ansi_c_quoting_reads_escapes_as_bash() {
    assert_eq!(run("echo $'\\u202e' | wc -c"), "4\n");
    assert_eq!(run("echo $'\\x41\\101\\u00e9'"), "AAé\n");
    assert_eq!(run("printf '%s\\n' $'a\\tb'"), "a\tb\n");
}

#[test]
fn arithmetic_edges_as_bash() {
    assert_eq!(
        run("echo $((-9223372036854775808/-1))"),
        "-9223372036854775808\n"
    );
    assert_eq!(run("echo $((-9223372036854775808%-1))"), "0\n");
    assert_eq!(
        run("echo $((9223372036854775807+1))"),
        "-9223372036854775808\n"
    );
    assert_eq!(
        run("echo $((08))"),
        "bash: 08: value too great for base (error token is \"08\")\n"
    );
}

#[test]
fn jsonpath_errors_end_their_line() {
    assert_eq!(
        run("kubectl get pods -o jsonpath='{.items[0].metadata.name'; echo next"),
        "error: error parsing jsonpath {.items[0].metadata.name, unclosed action\nnext\n"
    );
}

#[test]
fn yaml_numbers_are_worded_as_kubectl_words_them() {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.put_file(
        "laptop",
        "big.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: big\nspec:\n  ports:\n  - port: 99999999999999999999999\n",
    );
    assert_eq!(
        s.run("kubectl apply -f big.yaml").text(),
        "Error from server (BadRequest): error when creating \"big.yaml\": Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal number 1e+23 into Go struct field ServicePort.spec.ports.port of type int32\n"
    );
}

#[test]
fn no_check_message_is_a_rust_debug_struct() {
    let lesson = "---\ntitle: T\nworld:\n  apply: |\n    kind: Service\n    metadata:\n      name: x\n---\n\n## S\n\n```check passes-before\n- at: laptop\n```\n";
    let diags = check_file("lessons/t.md", lesson);
    assert!(!diags.is_empty());
    for d in &diags {
        let m = d.to_string();
        assert!(
            !m.contains("Missing([") && !m.contains("NoKindMatch {") && !m.contains(" { "),
            "{m}"
        );
    }
}
