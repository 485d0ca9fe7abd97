//! The controllers skip what did not change (by versions and fingerprints,
//! never by serializing the world). Whatever a student does, the cluster
//! they leave must be the one controllers remembering nothing would leave:
//! after every line, a reconcile from scratch changes nothing.

use proptest::prelude::*;
use servicelab_engine::{Session, WorldOptions};

const LINES: &[&str] = &[
    "kubectl create deployment web --image=nginx --replicas=3",
    "kubectl scale deploy web --replicas=5",
    "kubectl scale deploy web --replicas=1",
    "kubectl create service clusterip s1 --tcp=80",
    "kubectl create service nodeport web --tcp=80:80",
    "kubectl expose deploy web --name e1 --port 80",
    "kubectl label pods --all app=s1 --overwrite",
    "kubectl label pods --all app=web --overwrite",
    "kubectl label svc web tier=front --overwrite",
    "kubectl delete svc s1",
    "kubectl delete svc web",
    "kubectl delete endpoints e1",
    "kubectl delete endpointslices --all",
    "kubectl patch svc e1 -p '{\"spec\":{\"selector\":{\"app\":\"s1\"}}}'",
    "kubectl patch svc e1 --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/selector\"}]'",
    "kubectl patch endpoints e1 --type=merge -p '{\"metadata\":{\"labels\":{\"x\":\"y\"}}}'",
    "kubectl rollout restart deploy web",
    "kubectl delete pod --all",
    "kubectl create namespace other; kubectl create deployment web -n other --image=nginx; kubectl expose deploy web -n other --port 80",
    "kubectl delete namespace other",
    "sleep 5",
    "sleep 60",
    "printf 'apiVersion: v1\\nkind: Service\\nmetadata:\\n  name: ext\\nspec:\\n  ports:\\n  - port: 80\\n---\\napiVersion: v1\\nkind: Endpoints\\nmetadata:\\n  name: ext\\nsubsets:\\n- addresses:\\n  - ip: 10.244.0.2\\n  ports:\\n  - port: 80\\n' | kubectl apply -f -",
    "kubectl delete svc ext",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    #[test]
    fn what_the_controllers_skip_is_what_they_would_not_change(
        picks in prop::collection::vec(prop::sample::select(LINES), 1..12)
    ) {
        let mut s = Session::new(WorldOptions::default()).expect("the default world");
        for line in picks {
            s.pass(5_000);
            s.run(line);
            let w = s.world();
            prop_assert!(
                w.cluster.settled_from_scratch(w.clock),
                "after {line:?}, controllers remembering nothing change the cluster"
            );
        }
    }
}
