//! Names both ways against net-snmp's `snmptranslate`, given the same MIB directory (the
//! bundled modules, `snmp-stream-mib/mibs`, loaded whole: `-m ALL`): every OID of the bundled
//! recording translates to what net-snmp prints, in each output style, and net-snmp reads our
//! names back to the same numbers.
//!
//! One deliberate difference: where two modules define the same object at the same OID (the
//! SMIv1 RFC1213-MIB and the SMIv2 IP-MIB both define `ipForwarding`), we name the SMIv2 module,
//! deterministically; net-snmp names whichever it happened to load first. The test accepts
//! exactly that: a different module whose object has the same name and OID.

use std::collections::BTreeMap;
use std::process::Command;

use snmp_stream_core::Oid;
use snmp_stream_mib::{MibSearch, Mibs, OidStyle};
use snmp_stream_tests::net_snmp::have;

const MIB_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../snmp-stream-mib/mibs");
const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

fn recorded_oids() -> Vec<Oid> {
    let text = std::fs::read_to_string(RECORDING).unwrap();
    let oids: Vec<Oid> = text
        .lines()
        .filter_map(|l| l.split('|').next())
        .filter(|o| !o.is_empty())
        .map(|o| o.parse().unwrap())
        .collect();
    assert!(oids.len() > 3000, "{} OIDs", oids.len());
    oids
}

/// `snmptranslate -M MIB_DIR -m ALL OPTS ARGS...`, one output line per argument, run over
/// batches (net-snmp separates the answers by blank lines).
fn snmptranslate(opts: &[&str], args: &[String]) -> Vec<String> {
    let mut lines = Vec::with_capacity(args.len());
    for batch in args.chunks(400) {
        let out = Command::new("snmptranslate")
            .args(["-M", MIB_DIR, "-m", "ALL"])
            .args(opts)
            .args(batch)
            .output()
            .expect("snmptranslate runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
        lines.extend(
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    assert_eq!(lines.len(), args.len());
    lines
}

fn ours() -> Mibs {
    // The same files as net-snmp reads: the directory alone, no bundled copy behind it.
    let mibs = Mibs::load(
        &MibSearch::bundled_only()
            .with_bundled(false)
            .with_dir_list(MIB_DIR),
    );
    assert!(mibs.warnings().is_empty(), "{:#?}", mibs.warnings());
    mibs
}

#[test]
fn numbers_translate_to_net_snmps_names_in_every_style() {
    if !have("snmptranslate") {
        return;
    }
    let mibs = ours();
    let oids = recorded_oids();
    let numeric: Vec<String> = oids.iter().map(|o| format!(".{o}")).collect();

    // -Os and -Of: the object's name, or every arc's, then the numeric index.
    for (opt, style) in [("-Os", OidStyle::Short), ("-Of", OidStyle::Full)] {
        let theirs = snmptranslate(&["-Ob", opt], &numeric);
        let mismatches: Vec<_> = oids
            .iter()
            .zip(&theirs)
            .map(|(o, t)| (mibs.format(o.as_slice(), style), t))
            .filter(|(a, b)| a != *b)
            .take(5)
            .collect();
        assert!(mismatches.is_empty(), "{opt}: {mismatches:#?}");
    }

    // The default style, MODULE::name.index.
    let theirs = snmptranslate(&["-Ob"], &numeric);
    let mut other_module: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (oid, t) in oids.iter().zip(&theirs) {
        let mine = mibs.format(oid.as_slice(), OidStyle::Module);
        if &mine == t {
            continue;
        }
        // Only the module may differ, and net-snmp's module must define the same object at the
        // same OID.
        let (my_module, my_rest) = mine.split_once("::").unwrap();
        let (their_module, their_rest) = t.split_once("::").unwrap();
        assert_eq!(my_rest, their_rest, "{oid}: {mine} vs {t}");
        assert_eq!(mibs.resolve(t).unwrap(), *oid, "{t} is not {oid} here");
        *other_module
            .entry((my_module.to_owned(), their_module.to_owned()))
            .or_default() += 1;
    }
    // What is known to differ in the bundled set: the SMIv2 module where net-snmp names the
    // SMIv1 one, and two modules that both define sysUpTimeInstance.
    let allowed = [
        ("IP-MIB", "RFC1213-MIB"),
        ("DISMAN-EVENT-MIB", "DISMAN-EXPRESSION-MIB"),
    ];
    for ((mine, theirs), n) in &other_module {
        assert!(
            allowed.contains(&(mine.as_str(), theirs.as_str())),
            "{n} OIDs named {mine}:: here and {theirs}:: by net-snmp"
        );
    }
    let differing: usize = other_module.values().sum();
    assert!(differing < oids.len() / 20, "{other_module:?}");
}

#[test]
fn net_snmp_reads_our_names_back_to_the_same_numbers() {
    if !have("snmptranslate") {
        return;
    }
    let mibs = ours();
    let oids = recorded_oids();
    for style in [OidStyle::Module, OidStyle::Short] {
        let names: Vec<String> = oids
            .iter()
            .map(|o| mibs.format(o.as_slice(), style))
            .collect();
        // -IR: net-snmp looks a bare name up in every module, as we do.
        let theirs = snmptranslate(&["-IR", "-On"], &names);
        for ((oid, name), t) in oids.iter().zip(&names).zip(&theirs) {
            assert_eq!(t.trim_start_matches('.'), oid.to_string(), "{name}");
            // And our own reading of our name.
            assert_eq!(mibs.resolve(name).unwrap(), *oid, "{name}");
        }
    }
}
