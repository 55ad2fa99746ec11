//! Names both ways against net-snmp's `snmptranslate`, given the same MIB directory (the
//! bundled modules, `snmp-stream-mib/mibs`, loaded whole: `-m ALL`): every OID of the bundled
//! recording translates to what net-snmp prints, in each output style, and net-snmp reads our
//! names back to the same numbers.
//!
//! One deliberate difference: where two modules define the same object at the same OID (the
//! SMIv1 RFC1213-MIB and the SMIv2 IP-MIB both define `ipForwarding`), we name the SMIv2 module,
//! deterministically; net-snmp names whichever it happened to load first. The test accepts
//! exactly that: a different module whose object has the same name and OID; and where the two
//! modules' syntaxes differ, the value may print differently too (5 of 3,882 values).

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

    // The default style, MODULE::name.index: with the index in numbers (-Ob), and decoded from
    // the INDEX clause (net-snmp's default: `IP-MIB::ipAddressIfIndex.ipv4."127.0.0.1"`).
    let numbered = snmptranslate(&["-Ob"], &numeric);
    let decoded = snmptranslate(&[], &numeric);
    let mut other_module: BTreeMap<(String, String), usize> = BTreeMap::new();
    let pairs = oids
        .iter()
        .zip(&numbered)
        .map(|(o, t)| (o, t, mibs.format(o.as_slice(), OidStyle::Module)))
        .chain(
            oids.iter()
                .zip(&decoded)
                .map(|(o, t)| (o, t, mibs.format_indexed(o.as_slice(), OidStyle::Module))),
        );
    for (oid, t, mine) in pairs {
        if &mine == t {
            continue;
        }
        // Only the module may differ, and net-snmp's module must define the same object at the
        // same OID.
        let (my_module, my_rest) = mine.split_once("::").unwrap();
        let (their_module, their_rest) = t.split_once("::").unwrap();
        assert_eq!(my_rest, their_rest, "{oid}: {mine} vs {t}");
        let object = my_rest.split('.').next().unwrap();
        assert_eq!(
            mibs.resolve(&format!("{their_module}::{object}")).ok(),
            mibs.resolve(&format!("{my_module}::{object}")).ok(),
            "{t}: {their_module}::{object} is not the same object here"
        );
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
    assert!(differing < oids.len() / 10, "{other_module:?}");
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

/// net-snmp's value text of an `OID = TYPE: value` line: the part after the type label, with
/// its string quotes and trailing space removed (an empty string is `""`, without a label).
fn net_snmp_value(rest: &str) -> String {
    let v = if rest == "\"\"" {
        ""
    } else {
        rest.strip_prefix("Network Address: ")
            .or_else(|| rest.split_once(": ").map(|(_, v)| v))
            .unwrap_or(rest)
    };
    let v = v.trim_end();
    let v = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(v);
    v.to_owned()
}

/// Whether the object `oid` falls under is one of RFC1213-MIB's (SMIv1), where net-snmp's
/// syntax and ours may differ: where IP-MIB defines the same object at the same OID, net-snmp
/// takes RFC1213-MIB's definition and we IP-MIB's (see the module docs: `not-forwarding(2)`
/// there for IP-MIB's `notForwarding(2)`, no UNITS); and mib-rs gives RFC1213-MIB's own
/// PhysAddress the SMIv2 hint (`1x:`, a MAC address as such) and reads its NetworkAddress as
/// the IpAddress it is, where net-snmp prints both in hex.
fn defined_twice(mibs: &Mibs, oid: &Oid) -> bool {
    let Some(named) = mibs.lookup(oid.as_slice()) else {
        return false;
    };
    let object_oid = &oid.as_slice()[..oid.len() - named.suffix.len()];
    named.module == "RFC1213-MIB"
        || (named.module == "IP-MIB"
            && mibs
                .resolve(&format!("RFC1213-MIB::{}", named.object))
                .is_ok_and(|o| o.as_slice() == object_oid))
}

#[test]
fn values_render_as_snmpwalk_shows_them() {
    use snmp_stream_sim::{Simulator, SimulatorConfig};
    if !have("snmpbulkwalk") {
        return;
    }
    let mibs = ours();
    let text = std::fs::read_to_string(RECORDING).unwrap();
    let recording = snmp_stream_sim::Mib::from_snmprec(&text).unwrap();
    let sim = Simulator::start(
        SimulatorConfig::new().data_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/snmpsim")),
    )
    .expect("the simulator starts");
    let out = Command::new("snmpbulkwalk")
        .args([
            "-v2c",
            "-c",
            "recorded/linux-full-walk",
            "-M",
            MIB_DIR,
            "-m",
            "ALL",
        ])
        .args(["-On", "-Cr50"])
        .arg(sim.addrs()[0].to_string())
        .arg(".1")
        .output()
        .expect("snmpbulkwalk runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut compared = 0;
    let mut rfc1213 = 0;
    let mut mismatches = Vec::new();
    for line in stdout.lines() {
        let Some((oid, rest)) = line.split_once(" = ") else {
            continue;
        };
        // The walk's end (endOfMibView after the last OID).
        if rest.starts_with("No more variables") {
            continue;
        }
        let Ok(oid) = oid.trim_start_matches('.').parse::<Oid>() else {
            continue;
        };
        let value = recording.get(&oid).expect("a recorded OID").as_value();
        // -On prints OID values in numbers too: ours names them as it names OIDs (which the
        // test above holds to net-snmp's names), so compare those in numbers.
        let mine = match value {
            snmp_stream_core::Value::ObjectId(subs) => {
                let arcs: Vec<u32> = subs.iter().map(|a| u32::try_from(a).unwrap()).collect();
                assert_eq!(
                    mibs.render(oid.as_slice(), &value),
                    mibs.format_indexed(&arcs, OidStyle::Module)
                );
                arcs.iter().map(|a| format!(".{a}")).collect()
            }
            _ => mibs.render(oid.as_slice(), &value),
        };
        let theirs = net_snmp_value(rest);
        compared += 1;
        if mine != theirs {
            if defined_twice(&mibs, &oid) {
                rfc1213 += 1;
            } else {
                mismatches.push(format!("{oid}: ours {mine:?}, net-snmp {theirs:?}"));
            }
        }
    }
    assert_eq!(
        compared,
        recording.len(),
        "compared {compared} of {}",
        recording.len()
    );
    assert!(
        rfc1213 <= 5,
        "{rfc1213} values of RFC1213-MIB objects differ"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {compared} differ:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );
}
