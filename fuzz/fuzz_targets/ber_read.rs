//! `ber_read`: arbitrary bytes through the BER reader, then every good varbind through the
//! wireline writer and back.
//!
//! Checks, beyond "no panic":
//! - a decoded OID's `to_oid()` agrees with its `len()` and `iter()`, and `BerOid::starts_with`
//!   agrees with `Oid::starts_with`;
//! - the writer accepts a varbind exactly when its OID lies under the root it is pushed under
//!   (`NotUnderRoot` otherwise), and its output always parses, holds exactly one record per
//!   accepted varbind, and gives back each varbind's root, timestamp, index and value unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::ber::{VarBind, read_message};
use snmp_stream_core::wireline::{PushError, WirelineWriter};
use snmp_stream_core::{Oid, SubIds};

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = read_message(data) else {
        return;
    };
    let _ = format!("{msg:?}");

    // Root 0: the first good varbind's OID (when there is one); last root: a fixed one.
    let fixed: Oid = "1.3.6.1.2.1".parse().expect("valid OID");
    let mut roots: Vec<Oid> = msg
        .pdu
        .varbinds()
        .find_map(Result::ok)
        .map(|vb| vb.oid.to_oid())
        .into_iter()
        .collect();
    roots.push(fixed);

    // The community doubles as the request-id, to exercise its padding.
    let mut writer = WirelineWriter::new(msg.community, &roots);
    let mut pushed: Vec<(u64, usize, usize, VarBind<'_>)> = Vec::new();
    for (i, vb) in msg.pdu.varbinds().enumerate() {
        let _ = format!("{vb:?}");
        let Ok(vb) = vb else {
            continue;
        };
        let oid = vb.oid.to_oid();
        assert_eq!(oid.len(), vb.oid.len(), "to_oid vs len for {:?}", vb.oid);
        assert!(
            vb.oid.iter().eq(oid.as_slice().iter().copied()),
            "to_oid vs iter for {:?}",
            vb.oid
        );
        assert_eq!(vb.oid.iter().count(), vb.oid.len(), "iter vs len");
        for root in &roots {
            assert_eq!(
                vb.oid.starts_with(root),
                oid.starts_with(root),
                "BerOid::starts_with vs Oid::starts_with: {oid} under {root}"
            );
        }
        let _ = format!("{:?}", vb.value);

        // Under a root: accepted, the index is what follows it. Under none: refused.
        let ts = (i as u64).wrapping_mul(1_000_000_007);
        match roots.iter().position(|r| vb.oid.starts_with(r)) {
            Some(k) => {
                writer
                    .push_varbind(ts, k, &vb)
                    .unwrap_or_else(|e| panic!("{oid} under root {k}: {e}"));
                pushed.push((ts, k, roots[k].len(), vb));
            }
            None => {
                let last = roots.len() - 1;
                assert_eq!(
                    writer.push_varbind(ts, last, &vb),
                    Err(PushError::NotUnderRoot(last)),
                    "{oid} is under no root"
                );
            }
        }
        assert_eq!(
            writer.push_varbind(ts, roots.len(), &vb),
            Err(PushError::NoSuchRoot { index: roots.len(), roots: roots.len() })
        );
    }
    assert_eq!(writer.record_count(), pushed.len());

    let buf = writer.finish();
    let read = buf.read().expect("the writer's output must parse");
    assert_eq!(read.req_id(), msg.community);
    assert_eq!(read.root_count(), roots.len());
    for (got, want) in read.roots().zip(&roots) {
        assert!(
            got.iter()
                .copied()
                .eq(want.as_slice().iter().map(|&s| u64::from(s)))
        );
    }

    let mut n = 0;
    for rec in read.records() {
        let rec = rec.unwrap_or_else(|e| panic!("record {n} of the writer's output: {e}"));
        let (ts, root_index, root_len, vb) = pushed
            .get(n)
            .unwrap_or_else(|| panic!("more records than the {} pushed", pushed.len()));
        assert_eq!(rec.timestamp_raw(), *ts, "record {n}: timestamp");
        assert_eq!(rec.timestamp_nanos(), *ts, "record {n}: timestamp in ns");
        assert_eq!(rec.root_index(), *root_index, "record {n}: root");
        assert_eq!(rec.tag(), vb.value.tag(), "record {n}: tag");
        let index = rec.index();
        assert_eq!(
            index.len(),
            vb.oid.len().saturating_sub(*root_len),
            "record {n}: index length"
        );
        assert!(
            index.iter().eq(SubIds::Ber(vb.oid).iter().skip(*root_len)),
            "record {n}: index {index} of {:?} after {root_len}",
            vb.oid
        );
        let _ = format!("{index}");
        let value = rec
            .value()
            .unwrap_or_else(|e| panic!("record {n}: value of {:?}: {e}", vb.value));
        assert_eq!(value, vb.value, "record {n}: value");
        n += 1;
    }
    assert_eq!(n, pushed.len(), "records read back vs pushed");
});
