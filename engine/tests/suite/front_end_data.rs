//! What the engine hands a front end besides text: the editor a line asks
//! for, the requests it made, the home directory and Tab completion.

use servicelab_engine::shell::{FileEdit, Observed, RequestMade};

use crate::support::world;

#[test]
fn vi_asks_the_page_for_its_editor_on_the_file() {
    let mut s = world(1);
    s.set_screen_editor(true);
    s.put_file("laptop", "myapp-service.yaml", "kind: Service\n");
    for editor in ["vi", "vim", "nano"] {
        let e = s.run(&format!("{editor} myapp-service.yaml"));
        assert_eq!(e.status, 0);
        assert_eq!(e.text(), "", "the editor prints nothing in the terminal");
        assert_eq!(
            e.file_edit,
            Some(FileEdit {
                editor: editor.into(),
                host: "laptop".into(),
                path: "/home/student/myapp-service.yaml".into(),
                name: "myapp-service.yaml".into(),
                text: Some("kind: Service\n".into()),
            })
        );
    }
    // A new file opens empty; a path is taken as typed.
    let e = s.run("mkdir -p k8s && vi k8s/new.yaml");
    let edit = e.file_edit.unwrap();
    assert_eq!(edit.path, "/home/student/k8s/new.yaml");
    assert_eq!(edit.text, None);
    // On a node, the node's home; in a pod, no editor at all.
    s.run("ssh node01");
    assert_eq!(s.run("vi x.yaml").file_edit.unwrap().host, "node01");
    s.run("exit");
    let e = s.run("kubectl exec -it myapp-pod -- vi x");
    assert!(e.file_edit.is_none());
    assert!(
        e.text().contains("\"vi\": executable file not found"),
        "{}",
        e.text()
    );
}

#[test]
fn without_a_screen_the_editors_say_what_to_do_instead() {
    let mut s = world(1);
    let e = s.run("vi myapp-service.yaml");
    assert_eq!(e.status, 1);
    assert!(e.file_edit.is_none());
    assert!(
        e.text()
            .starts_with("vi: servicelab shell has no screen to edit on."),
        "{}",
        e.text()
    );
    assert!(e.text().contains("cat > FILE <<'EOF'"));
}

#[test]
fn the_requests_a_line_made_are_recorded_with_their_outcome() {
    let mut s = world(1);
    let e = s.run("curl -s -m 1 http://10.244.0.2 ; curl -s http://192.168.1.2:30008 | wc -c");
    assert_eq!(
        e.requests,
        vec![
            RequestMade {
                from: "laptop".into(),
                url: "http://10.244.0.2".into(),
                observed: Observed::Timeout,
                answered_by: None,
                line: 0,
                writes: s.cluster_writes(),
            },
            RequestMade {
                from: "laptop".into(),
                url: "http://192.168.1.2:30008".into(),
                observed: Observed::Refused,
                answered_by: None,
                line: 0,
                writes: s.cluster_writes(),
            },
        ]
    );
    s.run("ssh node01");
    let e = s.run("for i in 1 2; do curl -s 10.244.0.2 > /dev/null; done");
    assert_eq!(e.requests.len(), 2);
    assert_eq!(e.requests[0].from, "node01");
    assert_eq!(e.requests[0].observed, Observed::Status(200));
    assert_eq!(e.requests[0].answered_by.as_deref(), Some("myapp-pod"));
    assert!(s.run("hostname").requests.is_empty());
}

#[test]
fn the_home_directory_comes_from_the_session() {
    let mut s = world(1);
    assert_eq!(s.home_dir(), "/home/student");
    s.put_file("laptop", "a.yaml", "a");
    assert_eq!(s.home_file("a.yaml").as_deref(), Some("a"));
    assert_eq!(s.home_files(), ["a.yaml"]);
    s.run("ssh node01");
    assert_eq!(s.home_file("a.yaml"), None);
    assert_eq!(s.file_on("laptop", "a.yaml").as_deref(), Some("a"));
    assert_eq!(
        s.file_on("laptop", "/home/student/a.yaml").as_deref(),
        Some("a")
    );
    assert_eq!(s.file_on("node01", "a.yaml"), None);
}

#[test]
fn the_picture_puts_a_hand_written_endpoint_on_the_node_where_its_pod_runs() {
    let mut s = world(1);
    s.put_file(
        "laptop",
        "legacy.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\nspec:\n  ports:\n  - port: 8080\n    targetPort: 80\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: legacy-1\n  labels:\n    kubernetes.io/service-name: legacy\naddressType: IPv4\nports:\n- port: 80\nendpoints:\n- addresses: [\"10.244.0.2\"]\n",
    );
    let e = s.run("kubectl apply -f legacy.yaml");
    assert_eq!(e.status, 0, "{}", e.text());
    let t = s.topology();
    let svc = t
        .services
        .iter()
        .find(|v| v.name == "legacy")
        .expect("the Service is drawn");
    // The slice names no node; myapp-pod, at that address, runs on node01.
    assert!(svc.has_endpoint_on("node01"), "{svc:?}");
}
