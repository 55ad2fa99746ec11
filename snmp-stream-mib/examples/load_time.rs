//! Load time of the bundled modules, the time to name every OID of a recording, and the cost of
//! rendering its values, for BENCHMARKS.md ("MIB loading"): `cargo run --release -p
//! snmp-stream-mib --example load_time -- RECORDING.snmprec [RUNS]` loads the set RUNS times
//! (each a process's first load would do the same work), and prints the median load, the
//! median time to name and resolve back every OID, and the median time per value to render
//! every value 100 times with a `Syntax` compiled once per OID (as a column is rendered).

use std::time::{Duration, Instant};

use snmp_stream_mib::{MibSearch, Mibs, OidStyle};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .expect("usage: load_time RECORDING [RUNS [--no-render]]");
    let runs: usize = args
        .next()
        .map_or(11, |r| r.parse().expect("RUNS is a number"));
    // `--no-render`: load and name only (what a process of the CLI pays to start).
    let render = args.next().as_deref() != Some("--no-render");
    let oids: Vec<snmp_stream_core::Oid> = std::fs::read_to_string(&file)
        .expect("RECORDING reads")
        .lines()
        .filter_map(|l| l.split('|').next())
        .filter(|l| !l.is_empty())
        .map(|l| l.trim_start_matches('.').parse().expect("a dotted OID"))
        .collect();
    let mut loads = Vec::new();
    let mut names = Vec::new();
    let mut loaded = None;
    for _ in 0..runs {
        let t = Instant::now();
        let mibs = Mibs::load(&MibSearch::bundled_only());
        loads.push(t.elapsed());
        let t = Instant::now();
        let mut s = String::new();
        for o in &oids {
            s.clear();
            mibs.write(&mut s, o.as_slice(), OidStyle::Module);
            assert_eq!(mibs.resolve(&s).expect("our own name resolves"), *o);
        }
        names.push(t.elapsed());
        loaded = Some(mibs);
    }
    let mibs = loaded.expect("RUNS is at least 1");
    println!(
        "{} modules; load median {:.1} ms; {} OIDs named and resolved back: median {:.1} ms ({runs} runs)",
        mibs.module_count(),
        median(loads).as_secs_f64() * 1e3,
        oids.len(),
        median(names).as_secs_f64() * 1e3,
    );
    if !render {
        return;
    }
    // Rendering: one Syntax per OID, then every value 100 times over.
    let text = std::fs::read_to_string(&file).expect("RECORDING reads");
    let recording = snmp_stream_sim::Mib::from_snmprec_lenient(&text).0;
    let compiled: Vec<_> = recording
        .iter()
        .map(|(o, v)| (mibs.syntax(o.as_slice()), v))
        .collect();
    let mut per_value = Vec::new();
    let mut s = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        for _ in 0..100 {
            for (syntax, v) in &compiled {
                s.clear();
                syntax.write(&mibs, &mut s, &v.as_value());
            }
        }
        per_value.push(t.elapsed() / (100 * compiled.len() as u32));
    }
    println!(
        "rendering {} values: median {} ns per value",
        compiled.len(),
        median(per_value).as_nanos()
    );
}
