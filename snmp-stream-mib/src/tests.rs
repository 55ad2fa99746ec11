use super::*;

#[test]
fn the_bundled_list_is_the_mibs_directory() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/mibs");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".txt").map(str::to_owned)
        })
        .collect();
    files.sort();
    let mut listed: Vec<&str> = bundled::BUNDLED.iter().map(|(n, _)| *n).collect();
    listed.sort_unstable();
    assert_eq!(files, listed);
}

#[test]
fn the_bundled_set_loads_whole_and_clean() {
    let mibs = Mibs::bundled();
    assert!(mibs.warnings().is_empty(), "{:#?}", mibs.warnings());
    for (name, _) in bundled::BUNDLED {
        assert!(mibs.module_names().contains(name), "{name} not loaded");
    }
}

#[test]
fn names_resolve_in_every_form() {
    let mibs = Mibs::bundled();
    let r = |t: &str| mibs.resolve(t).map(|o| o.to_string());
    assert_eq!(r("ifDescr").unwrap(), "1.3.6.1.2.1.2.2.1.2");
    assert_eq!(r("IF-MIB::ifDescr").unwrap(), "1.3.6.1.2.1.2.2.1.2");
    assert_eq!(r("IF-MIB::ifDescr.3").unwrap(), "1.3.6.1.2.1.2.2.1.2.3");
    assert_eq!(r("sysDescr.0").unwrap(), "1.3.6.1.2.1.1.1.0");
    assert_eq!(r(".1.3.6.1.2.1.1").unwrap(), "1.3.6.1.2.1.1");
    assert_eq!(r("1.3.6.1.2.1.1").unwrap(), "1.3.6.1.2.1.1");
    assert_eq!(r("enterprises").unwrap(), "1.3.6.1.4.1");
    assert_eq!(r("ipCidrRouteTable").unwrap(), "1.3.6.1.2.1.4.24.4");
    assert_eq!(r("bgpPeerState").unwrap(), "1.3.6.1.2.1.15.3.1.2");
}

#[test]
fn wrong_names_say_why() {
    let mibs = Mibs::bundled();
    let e = mibs.resolve("ifdescr").unwrap_err().to_string();
    assert_eq!(e, "unknown OID name `ifdescr`; did you mean `ifDescr`?");
    let e = mibs.resolve("NO-SUCH-MIB::ifDescr").unwrap_err();
    assert!(matches!(e, NameError::UnknownModule { .. }), "{e}");
    let e = mibs.resolve("IP-MIB::ifDescr").unwrap_err();
    assert!(matches!(e, NameError::UnknownName { .. }), "{e}");
    let e = mibs.resolve("ifDescr.x").unwrap_err().to_string();
    assert!(e.contains("`x` is not dotted numbers"), "{e}");
    let e = mibs.resolve("1.3.6.x").unwrap_err();
    assert!(matches!(e, NameError::Malformed { .. }), "{e}");
}

#[test]
fn tables_and_rows_walk_their_readable_columns() {
    let mibs = Mibs::bundled();
    let cols = mibs.resolve_walk_roots("ifTable").unwrap();
    assert_eq!(cols.len(), 22);
    assert_eq!(cols[0].to_string(), "1.3.6.1.2.1.2.2.1.1");
    assert_eq!(mibs.resolve_walk_roots("IF-MIB::ifEntry").unwrap(), cols);
    // ifXTable's 19 columns (ifName .. ifCounterDiscontinuityTime), all readable.
    assert_eq!(mibs.resolve_walk_roots("ifXTable").unwrap().len(), 19);
    // ipAddressTable: its index columns (ipAddressAddrType, ipAddressAddr) are not-accessible.
    let cols = mibs.resolve_walk_roots("ipAddressTable").unwrap();
    assert!(
        cols.iter()
            .all(|c| c.as_slice()[..9] == [1, 3, 6, 1, 2, 1, 4, 34, 1])
    );
    assert!(
        !cols
            .iter()
            .any(|c| c.as_slice()[9] == 1 || c.as_slice()[9] == 2)
    );
    // A column or scalar is walked alone.
    assert_eq!(mibs.resolve_walk_roots("ifDescr").unwrap().len(), 1);
    assert_eq!(mibs.resolve_walk_roots("system").unwrap().len(), 1);
}

#[test]
fn oids_print_in_each_style() {
    let mibs = Mibs::bundled();
    let oid: Vec<u32> = vec![1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 3];
    assert_eq!(mibs.format(&oid, OidStyle::Module), "IF-MIB::ifDescr.3");
    assert_eq!(mibs.format(&oid, OidStyle::Short), "ifDescr.3");
    assert_eq!(
        mibs.format(&oid, OidStyle::Numeric),
        ".1.3.6.1.2.1.2.2.1.2.3"
    );
    assert_eq!(
        mibs.format(&oid, OidStyle::Full),
        ".iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.3"
    );
    let unknown: Vec<u32> = vec![1, 3, 6, 1, 4, 1, 99999, 1];
    assert_eq!(
        mibs.format(&unknown, OidStyle::Module),
        "SNMPv2-SMI::enterprises.99999.1"
    );
}

#[test]
fn a_broken_module_is_a_warning_with_file_and_line_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("BROKEN-MIB.txt"),
        "BROKEN-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\n\
         broken OBJECT IDENTIFIER ::= { enterprises 424242 }\n\
         brokenThing OBJECT-TYPE\n    SYNTAX INTEGER {\n    MAX-ACCESS read-only\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ACME-MIB.my"),
        "ACME-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\n\
         acme OBJECT IDENTIFIER ::= { enterprises 99991 }\nacmeWidgets OBJECT IDENTIFIER ::= { acme 1 }\nEND\n",
    )
    .unwrap();
    let search = MibSearch::bundled_only().with_dir(dir.path());
    let mibs = Mibs::load(&search);
    assert_eq!(
        mibs.resolve("acmeWidgets").unwrap().to_string(),
        "1.3.6.1.4.1.99991.1"
    );
    assert_eq!(
        mibs.resolve("ifDescr").unwrap().to_string(),
        "1.3.6.1.2.1.2.2.1.2"
    );
    let w: Vec<String> = mibs.warnings().iter().map(ToString::to_string).collect();
    assert!(!w.is_empty());
    assert!(
        w.iter()
            .any(|w| w.contains("BROKEN-MIB.txt:") && w.contains("BROKEN-MIB")),
        "{w:#?}"
    );
    assert!(
        mibs.warnings()
            .iter()
            .all(|w| w.file.is_some() && w.line.is_some()),
        "{w:#?}"
    );
}

#[test]
fn missing_modules_and_directories_are_warnings() {
    let search = MibSearch::bundled_only()
        .with_dir("/nonexistent/mibs")
        .with_module_list("IF-MIB:NO-SUCH-MIB");
    let mibs = Mibs::load(&search);
    let w: Vec<String> = mibs.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 2, "{w:#?}");
    assert!(
        w[0].starts_with("/nonexistent/mibs: MIB directory skipped"),
        "{w:#?}"
    );
    assert!(
        w[1].starts_with("NO-SUCH-MIB: module not found in"),
        "{w:#?}"
    );
    // IF-MIB and what it imports are there; other modules are not.
    assert!(mibs.resolve("ifHCInOctets").is_ok());
    assert!(mibs.resolve("SNMPv2-MIB::sysDescr").is_ok());
    assert!(mibs.resolve("bgpPeerState").is_err());
}

#[test]
fn columns_know_their_row() {
    let mibs = Mibs::bundled();
    let col = mibs.resolve("ifHCInOctets").unwrap();
    assert_eq!(mibs.row_of(col.as_slice()), Some("ifXEntry"));
    let scalar = mibs.resolve("sysDescr").unwrap();
    assert_eq!(mibs.row_of(scalar.as_slice()), None);
    assert_eq!(mibs.row_of(&[1, 3, 6, 1, 4, 1, 99999, 1, 1]), None);
}

#[test]
fn an_object_is_described() {
    let mibs = Mibs::bundled();
    let oid = mibs.resolve("ifOperStatus.3").unwrap();
    let d = mibs.describe(oid.as_slice()).unwrap();
    assert!(
        d.starts_with("IF-MIB::ifOperStatus\nifOperStatus OBJECT-TYPE\n"),
        "{d}"
    );
    assert!(d.contains("up(1), down(2)"), "{d}");
    assert!(d.contains("MAX-ACCESS\tread-only"), "{d}");
    assert!(
        d.ends_with("::= { iso(1) org(3) dod(6) internet(1) mgmt(2) mib-2(1) interfaces(2) ifTable(2) ifEntry(1) 8 }\n"),
        "{d}"
    );
    let d = mibs
        .describe(mibs.resolve("ifXEntry").unwrap().as_slice())
        .unwrap();
    assert!(
        d.contains("AUGMENTS\t{ ifEntry }") && d.contains("INDEX\t\t{ ifIndex }"),
        "{d}"
    );
}

#[test]
fn indexes_decode_by_the_index_clause_as_net_snmp_prints_them() {
    let mibs = Mibs::bundled();
    let f = |dotted: &str| {
        let oid: snmp_stream_core::Oid = dotted.parse().unwrap();
        mibs.format_indexed(oid.as_slice(), OidStyle::Module)
    };
    assert_eq!(f("1.3.6.1.2.1.2.2.1.2.3"), "IF-MIB::ifDescr.3");
    // AUGMENTS: ifXEntry's index is ifEntry's.
    assert_eq!(f("1.3.6.1.2.1.31.1.1.1.6.3"), "IF-MIB::ifHCInOctets.3");
    // InetAddressType + InetAddress.
    assert_eq!(
        f("1.3.6.1.2.1.4.34.1.3.1.4.10.0.0.1"),
        "IP-MIB::ipAddressIfIndex.ipv4.\"10.0.0.1\""
    );
    // ... whose length does not fit its type: numbers from there on, as net-snmp.
    assert_eq!(
        f("1.3.6.1.2.1.4.34.1.3.1.5.10.0.0.1"),
        "IP-MIB::ipAddressIfIndex.ipv4.5.10.0.0.1"
    );
    // Fixed-length string (MacAddress) in single quotes, what is not text as dots.
    assert_eq!(
        f("1.3.6.1.2.1.17.4.3.1.1.0.27.33.60.154.240"),
        "BRIDGE-MIB::dot1dTpFdbAddress.'..!<..'"
    );
    // IpAddress.
    assert_eq!(
        f("1.3.6.1.2.1.4.20.1.2.10.0.0.1"),
        "IP-MIB::ipAdEntIfIndex.10.0.0.1"
    );
    // Arcs after the index, in numbers.
    assert_eq!(f("1.3.6.1.2.1.2.2.1.2.3.7"), "IF-MIB::ifDescr.3.7");
    let schema = mibs.index_schema(&[1, 3, 6, 1, 2, 1, 4, 34, 1, 3]).unwrap();
    assert_eq!(
        schema.names().collect::<Vec<_>>(),
        ["ipAddressAddrType", "ipAddressAddr"]
    );
    assert_eq!(
        schema.decode(&[1, 4, 10, 0, 0, 1]).unwrap(),
        [
            IndexValue::Integer {
                value: 1,
                label: Some("ipv4".into())
            },
            IndexValue::InetAddress {
                kind: 1,
                bytes: vec![10, 0, 0, 1]
            }
        ]
    );
}
