//! `snmprec`: arbitrary text through the recording parser (`.snmprec`, the simulator's and
//! `snmp-stream serve`'s input); nothing may panic, and the strict and lenient readers agree.
//!
//! Checks: when the strict reader accepts the text, the lenient one returns the same MIB and
//! skips nothing; when it refuses it, the lenient one skips that line with that error. The MIB
//! iterates in strictly increasing OID order, `get` finds every entry, and `next_after` of each
//! entry is the next one (none after the last).
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::Oid;
use snmp_stream_sim::Mib;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (mib, skipped) = Mib::from_snmprec_lenient(&text);
    match Mib::from_snmprec(&text) {
        Ok(strict) => {
            assert_eq!(strict, mib, "strict and lenient MIBs differ");
            assert!(skipped.is_empty(), "lenient skipped {skipped:?}");
        }
        Err(e) => assert!(
            skipped.contains(&e),
            "strict refused {e:?}; lenient skipped {skipped:?}"
        ),
    }

    let mut prev: Option<&Oid> = None;
    for (oid, value) in mib.iter() {
        if let Some(p) = prev {
            assert!(p < oid, "{p} then {oid}");
            let next = mib.next_after(p).map(|(next, _)| next);
            assert_eq!(next, Some(oid), "next_after({p})");
        }
        prev = Some(oid);
        assert_eq!(mib.get(oid), Some(value), "get({oid})");
        let _ = value.as_value();
    }
    if let Some(last) = prev {
        assert!(mib.next_after(last).is_none(), "next_after({last}) past the end");
    }
});
