//! `wireline_read`: arbitrary bytes through the wireline reader; nothing may panic.
//!
//! The same bytes also go through the wireline *file* reader (`file::frames`, each frame's
//! `words()`, which converts a foreign-order buffer) and the byte-order converter.
//!
//! The first input byte picks the path through `words_from_bytes`: even, the rest is copied into
//! 8-byte-aligned storage (the borrowing path); odd, it is handed over at an odd address (the
//! copying path). The rest is the buffer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::wireline::{Wireline, WirelineErrorKind, convert, file, words_from_bytes};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    // Place the bytes at an address that is 0 or 1 modulo 8, as `sel` asks.
    let mut backing = vec![0u8; bytes.len() + 16];
    let misalign = backing.as_ptr() as usize % 8;
    let at = (8 - misalign) % 8 + usize::from(sel & 1);
    backing[at..at + bytes.len()].copy_from_slice(bytes);
    let bytes = &backing[at..at + bytes.len()];
    assert_eq!(bytes.as_ptr() as usize % 8, usize::from(sel & 1));

    // As a wireline file (or a bare buffer of either byte order): never a panic; every frame
    // before an error is whole.
    for frame in file::frames(bytes) {
        let Ok(frame) = frame else { break };
        if let Ok(words) = frame.words() {
            if let Ok(wl) = Wireline::parse(&words) {
                for rec in wl.records().flatten() {
                    let _ = (rec.value(), rec.index().iter().count());
                }
            }
        }
    }
    // A buffer that converts to the other byte order converts back to the same bytes.
    if let Ok(other) = convert(bytes, 1) {
        if let Ok(back) = convert(&other, bytes[0]) {
            assert_eq!(back, bytes, "byte-order conversion round-trips");
        }
    }

    let words = match words_from_bytes(bytes) {
        Ok(w) => w,
        Err(e) => {
            assert_eq!(e.kind, WirelineErrorKind::NotWordMultiple);
            assert!(bytes.len() % 8 != 0);
            return;
        }
    };
    assert_eq!(words.len() * 8, bytes.len());
    let Ok(wl) = Wireline::parse(&words) else {
        return;
    };
    let _ = format!("{wl:?}");
    let _ = wl.header();
    let _ = wl.req_id();
    let _ = wl.records_offset();
    for (i, root) in wl.roots().enumerate() {
        assert_eq!(wl.root(i), Some(root));
    }
    assert_eq!(wl.root(wl.root_count()), None);

    for rec in wl.records() {
        let Ok(rec) = rec else {
            break;
        };
        assert!(
            rec.root_index() < wl.root_count(),
            "root index past the roots"
        );
        let _ = rec.offset();
        let _ = rec.tag();
        let _ = rec.timestamp_raw();
        let _ = rec.timestamp_nanos();
        let index = rec.index();
        assert_eq!(index.iter().count(), index.len());
        let _ = index.to_oid();
        let _ = format!("{index} {index:?}");
        let _ = rec.value_bytes();
        match rec.value() {
            Ok(v) => {
                let _ = format!("{v:?}");
                assert_eq!(v.tag(), rec.tag());
            }
            Err(e) => {
                let _ = format!("{e}");
            }
        }
    }
});
