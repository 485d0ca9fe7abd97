//! Golden transcripts of the cluster as kubeadm 1.31 and kube-flannel leave
//! it: the control plane's static pods and the node agents' DaemonSets,
//! flannel's vxlan overlay (flannel.1, its routes, FDB and neighbours, the
//! masquerade to flannel.1's address), and the tools a trainer types first.
//! Where the reference output is known line for line
//! (`shared/brief/fidelity/tools-3.md`), the test compares it exactly as
//! well as through the snapshot.

use servicelab_engine::shell::time::NATIVE_STEP_MS;
use servicelab_engine::{Session, WorldOptions};

fn session(nodes: u8) -> Session {
    Session::new(WorldOptions {
        nodes,
        ..Default::default()
    })
    .expect("valid options")
}

/// Runs one line after the native step; its output.
fn run(s: &mut Session, text: &str) -> String {
    s.pass(NATIVE_STEP_MS);
    s.run(text).text()
}

/// The lines as a scrollback: prompt, command, output, status.
fn transcript(s: &mut Session, lines: &[&str]) -> String {
    let mut out = String::new();
    for text in lines {
        out.push_str(&s.prompt());
        out.push_str(text);
        out.push('\n');
        s.pass(NATIVE_STEP_MS);
        let e = s.run(text);
        out.push_str(&e.text());
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("[exit {}]\n", e.status));
    }
    out
}

#[test]
fn the_control_plane_and_the_node_agents() {
    let mut s = session(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            "kubectl get pods -n kube-system -o wide",
            "kubectl get ds -A",
            "kubectl get ns",
            "kubectl get pods -n kube-flannel -o wide",
            "kubectl get cm -n kube-flannel kube-flannel-cfg -o jsonpath='{.data.net-conf\\.json}'",
            "kubectl describe pod -n kube-system etcd-node01",
            "kubectl describe ds -n kube-system kube-proxy",
            "kubectl logs -n kube-system kube-scheduler-node01",
            "kubectl logs -n kube-system -l k8s-app=kube-proxy | head -3",
            "kubectl logs -n kube-flannel ds/kube-flannel-ds | grep -i vxlan",
            "kubectl get pod -n kube-system kube-apiserver-node01 -o jsonpath='{.spec.hostNetwork} {.status.podIP} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}{\"\\n\"}'",
        ]
    ));
}

#[test]
fn get_ds_reads_as_on_a_fresh_cluster() {
    let mut s = session(1);
    let out = run(&mut s, "kubectl get ds -A");
    assert_eq!(
        out,
        "NAMESPACE      NAME              DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE
kube-flannel   kube-flannel-ds   1         1         1       1            1           <none>                   10d
kube-system    kube-proxy        1         1         1       1            1           kubernetes.io/os=linux   10d
"
    );
}

#[test]
fn static_pods_sit_on_the_node_address_and_host_network_pods_take_no_pod_address() {
    let mut s = session(2);
    let out = run(&mut s, "kubectl get pods -A -o wide --no-headers");
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    for component in [
        "etcd-node01",
        "kube-apiserver-node01",
        "kube-controller-manager-node01",
        "kube-scheduler-node01",
    ] {
        let row = rows
            .iter()
            .find(|r| r[1] == component)
            .unwrap_or_else(|| panic!("{component} missing:\n{out}"));
        assert_eq!(
            (row[0], row[3], row[6], row[7]),
            ("kube-system", "Running", "192.168.1.2", "node01")
        );
    }
    // One kube-proxy and one flannel pod per node, on the node's address.
    for (prefix, ns) in [
        ("kube-proxy-", "kube-system"),
        ("kube-flannel-ds-", "kube-flannel"),
    ] {
        let mut ips: Vec<&str> = rows
            .iter()
            .filter(|r| r[1].starts_with(prefix) && r[0] == ns)
            .map(|r| r[6])
            .collect();
        ips.sort();
        assert_eq!(ips, ["192.168.1.2", "192.168.1.3"], "{prefix}\n{out}");
    }
    // The pod network's first addresses are still the lesson's.
    assert_eq!(
        run(
            &mut s,
            "kubectl get pod myapp-pod -o jsonpath='{.status.podIP}'"
        ),
        "10.244.0.2"
    );
    let run_pod = run(&mut s, "kubectl run web --image=nginx --restart=Never && sleep 10 && kubectl get pod web -o jsonpath='{.status.podIP}'");
    assert!(
        run_pod.ends_with("10.244.1.2") || run_pod.ends_with("10.244.0.3"),
        "{run_pod}"
    );
}

#[test]
fn a_deleted_mirror_pod_is_posted_again_by_the_kubelet() {
    let mut s = session(1);
    let out = transcript(
        &mut s,
        &[
            "kubectl delete pod -n kube-system kube-scheduler-node01",
            "kubectl get pod -n kube-system kube-scheduler-node01",
            "kubectl delete pod -n kube-system -l k8s-app=kube-proxy",
            "sleep 5; kubectl get pods -n kube-system -l k8s-app=kube-proxy",
        ],
    );
    assert!(
        out.contains("pod \"kube-scheduler-node01\" deleted"),
        "{out}"
    );
    let after: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.ends_with("kubectl get pod -n kube-system kube-scheduler-node01"))
        .collect();
    assert!(
        after
            .iter()
            .any(|l| l.starts_with("kube-scheduler-node01 ")),
        "{out}"
    );
    insta::assert_snapshot!(out);
}
