//! Load time of the bundled modules and the time to name every OID of a file, for
//! BENCHMARKS.md ("MIB loading"): `cargo run --release -p snmp-stream-mib --example load_time --
//! OIDS_FILE [RUNS]` loads the set RUNS times (each a process's first load would do the same
//! work), and prints the median load and the median time to name and resolve back every OID.

use std::time::{Duration, Instant};

use snmp_stream_mib::{MibSearch, Mibs, OidStyle};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: load_time OIDS_FILE [RUNS]");
    let runs: usize = args
        .next()
        .map_or(11, |r| r.parse().expect("RUNS is a number"));
    let oids: Vec<snmp_stream_core::Oid> = std::fs::read_to_string(&file)
        .expect("OIDS_FILE reads")
        .lines()
        .filter_map(|l| l.split('|').next())
        .filter(|l| !l.is_empty())
        .map(|l| l.trim_start_matches('.').parse().expect("a dotted OID"))
        .collect();
    let mut loads = Vec::new();
    let mut names = Vec::new();
    let mut modules = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let mibs = Mibs::load(&MibSearch::bundled_only());
        loads.push(t.elapsed());
        modules = mibs.module_count();
        let t = Instant::now();
        let mut s = String::new();
        for o in &oids {
            s.clear();
            mibs.write(&mut s, o.as_slice(), OidStyle::Module);
            assert_eq!(mibs.resolve(&s).expect("our own name resolves"), *o);
        }
        names.push(t.elapsed());
    }
    println!(
        "{modules} modules; load median {:.1} ms; {} OIDs named and resolved back: median {:.1} ms ({runs} runs)",
        median(loads).as_secs_f64() * 1e3,
        oids.len(),
        median(names).as_secs_f64() * 1e3,
    );
}
