//! `mib_names`: arbitrary text through the MIB name reader, and arbitrary OIDs through the
//! printer, over the bundled modules: nothing panics; a name we print for an OID reads back to
//! that OID, in every style but the numbers-only one (read as numbers) and `-Of`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_stream_mib::{Mibs, OidStyle};

fuzz_target!(|data: &[u8]| {
    let mibs = Mibs::bundled();
    let text = String::from_utf8_lossy(data);
    let _ = mibs.resolve(&text);
    let _ = mibs.resolve_walk_roots(&text);
    // The bytes as arcs, four per arc.
    let arcs: Vec<u32> = data
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) % 1000)
        .collect();
    let Ok(oid) = snmp_stream_core::Oid::from_slice(&arcs) else {
        return;
    };
    for style in [OidStyle::Module, OidStyle::Short, OidStyle::Numeric] {
        let name = mibs.format(oid.as_slice(), style);
        if style == OidStyle::Short && name.contains("::") {
            continue;
        }
        let _ = mibs.describe(oid.as_slice());
        // Short names can be ambiguous across modules (two modules define the same name at
        // different OIDs); only the qualified and numeric forms must come back exactly.
        if style != OidStyle::Short {
            assert_eq!(mibs.resolve(&name).ok().as_ref(), Some(&oid), "{name}");
        }
    }
});
