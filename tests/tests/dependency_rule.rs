//! The crate graph of ARCHITECTURE.md: `core ← actors ← cli`, `core ← sim ← cli`, `core ← mib ← cli` and
//! `core ← decode ← cli`; core has no tokio, actix, polars or socket crates and no simulated
//! agent; decode never depends on actors; actors never depend on polars or on the simulator;
//! the simulator never on the collector, actix or polars; MIB knowledge (`snmp-stream-mib`) is
//! kept out of core and actors. Checked on the resolved graph of
//! normal (non-dev) dependencies, transitively.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

struct Graph {
    /// package name → names of its normal dependencies
    deps: HashMap<String, Vec<String>>,
}

impl Graph {
    fn load() -> Graph {
        // Only this platform's graph: others' packages need not be downloaded.
        let rustc = Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc runs");
        let rustc = String::from_utf8(rustc.stdout).unwrap();
        let host = rustc
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .expect("rustc -vV names the host");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--filter-platform",
                host,
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo metadata runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let name_of: HashMap<&str, &str> = meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
            .collect();
        let mut deps = HashMap::new();
        for node in meta["resolve"]["nodes"].as_array().unwrap() {
            let name = name_of[node["id"].as_str().unwrap()].to_owned();
            let normal: Vec<String> = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k["kind"].is_null())
                })
                .map(|d| name_of[d["pkg"].as_str().unwrap()].to_owned())
                .collect();
            deps.entry(name).or_insert_with(Vec::new).extend(normal);
        }
        Graph { deps }
    }

    fn closure(&self, root: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![root.to_owned()];
        while let Some(p) = stack.pop() {
            for d in self.deps.get(&p).into_iter().flatten() {
                if seen.insert(d.clone()) {
                    stack.push(d.clone());
                }
            }
        }
        seen
    }
}

fn assert_free_of(graph: &Graph, krate: &str, banned: &[&str]) {
    let all = graph.closure(krate);
    let found: Vec<&str> = banned
        .iter()
        .copied()
        .filter(|b| all.contains(*b))
        .collect();
    assert!(found.is_empty(), "{krate} must not depend on {found:?}");
}

#[test]
fn dependency_rule_holds() {
    let g = Graph::load();
    assert_free_of(
        &g,
        "snmp-stream-core",
        &[
            "tokio",
            "actix",
            "actix-rt",
            "polars",
            "mio",
            "socket2",
            "snmp-stream-actors",
            "snmp-stream-decode",
            "snmp-stream-sim",
            "snmp-stream-mib",
            "mib-rs",
        ],
    );
    assert_free_of(
        &g,
        "snmp-stream-actors",
        &[
            "polars",
            "polars-core",
            "snmp-stream-decode",
            "snmp-stream-sim",
            "snmp-stream-mib",
            "mib-rs",
        ],
    );
    // MIB knowledge is a crate of its own: names and rendering over core's OIDs, nothing that
    // collects, nothing of polars.
    assert_free_of(
        &g,
        "snmp-stream-mib",
        &[
            "snmp-stream-actors",
            "snmp-stream-decode",
            "snmp-stream-sim",
            "actix",
            "tokio",
            "polars",
        ],
    );
    assert!(g.closure("snmp-stream-mib").contains("mib-rs"));
    // The simulated agent is sans-IO logic plus a tokio UDP server: no collector, no actix.
    assert_free_of(
        &g,
        "snmp-stream-sim",
        &[
            "snmp-stream-actors",
            "snmp-stream-decode",
            "actix",
            "actix-rt",
            "polars",
        ],
    );
    assert!(g.closure("snmp-stream-sim").contains("snmp-stream-core"));
    // polars-io depends on tokio unconditionally, so tokio is not banned here; the actors are.
    assert_free_of(&g, "snmp-stream-decode", &["snmp-stream-actors", "actix"]);
    let core = g.closure("snmp-stream-core");
    assert!(
        core.contains("bytemuck"),
        "core views wireline buffers with bytemuck"
    );
    assert!(
        !core.contains("snmp-parser"),
        "snmp-parser is a dev-dependency of core only"
    );
    assert!(g.closure("snmp-stream-decode").contains("polars"));
    // The benchmark clients stay light: they run the CLI as a process, never link polars.
    assert_free_of(
        &g,
        "snmp-stream-bench",
        &["polars", "snmp-stream-decode", "snmp-stream-cli"],
    );
    let cli = g.closure("snmp-stream-cli");
    for c in [
        "snmp-stream-core",
        "snmp-stream-actors",
        "snmp-stream-decode",
        "snmp-stream-sim",
        "snmp-stream-mib",
        "clap",
    ] {
        assert!(cli.contains(c), "cli depends on {c}");
    }
}
