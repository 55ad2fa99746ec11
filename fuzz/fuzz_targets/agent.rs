//! `agent`: arbitrary datagrams through the simulated agent's responder; nothing may panic and
//! every Response it sends must be one a manager can read.
//!
//! The MIB is the repository's real Linux recording. The first input byte picks the faults the
//! responder shows (one bit each), the second is their parameter; when the first byte's top bit
//! is set, a third byte picks the newer faults; the rest is the datagram.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::Oid;
use snmp_stream_sim::{DropReason, Faults, Mib, Reply, Responder};
use snmp_stream_core::ber::{DecodeErrorKind, PduType, read_message};

fn mib() -> &'static Arc<Mib> {
    static MIB: OnceLock<Arc<Mib>> = OnceLock::new();
    MIB.get_or_init(|| {
        let text = include_str!("../../data/snmpsim/recorded/linux-full-walk.snmprec");
        Arc::new(Mib::from_snmprec_lenient(text).0)
    })
}

fuzz_target!(|data: &[u8]| {
    let [flags, param, datagram @ ..] = data else {
        return;
    };
    let (flags, param) = (*flags, usize::from(*param));
    // Inputs without the top bit read as before the newer faults, so old corpora stay valid.
    let (more, datagram) = match datagram {
        [more, rest @ ..] if flags & 128 != 0 => (*more, rest),
        _ => (0, datagram),
    };
    let mib = mib();
    let entry = |i: usize| mib.entry(i % mib.len()).map(|(oid, _)| oid.clone());
    let mut faults = Faults::default();
    if flags & 1 != 0 {
        faults.too_big_above = Some(param % 16);
    }
    if flags & 2 != 0 {
        faults.bulk_cap = Some(param % 16);
    }
    faults.bulk_too_big = flags & 4 != 0;
    if flags & 8 != 0 {
        faults.non_increasing_after = entry(param * 17);
    }
    faults.wrong_request_id = flags & 16 != 0;
    if flags & 32 != 0 {
        faults.error_status_on = entry(param * 13).map(|oid| (oid, (param % 19) as i32));
    }
    if flags & 64 != 0 {
        // From below the smallest Response (about 22 octets) to 1,020 octets.
        faults.max_message_size = param * 4;
    }
    if more & 1 != 0 {
        faults.get_reply_cap = Some(param % 8);
    }
    if more & 2 != 0 {
        faults.get_reply_omit = entry(param * 11);
    }
    faults.get_reply_reversed = more & 4 != 0;
    faults.get_reply_extra = more & 8 != 0;
    if more & 16 != 0 {
        faults.repeat_oid_at = entry(param * 7);
    }
    if more & 32 != 0 {
        faults.malformed_value_at = entry(param * 5);
    }
    if more & 64 != 0 {
        // An instance's column (or table, or the instance itself), by the parameter's top bits.
        faults.endless_column = entry(param * 3).and_then(|oid| {
            let keep = oid.len().saturating_sub(param >> 6).max(2);
            Oid::from_slice(&oid.as_slice()[..keep]).ok()
        });
    }
    if more & 128 != 0 {
        faults.reply_community = Some(b"elsewhere".to_vec());
    }
    let responder = Responder::new(mib.clone()).with_faults(faults.clone());

    let mut out = Vec::new();
    match responder.respond(datagram, &mut out) {
        Err(_) => {}
        Ok(Reply::Dropped(reason)) => {
            assert!(out.is_empty(), "dropped ({reason}) but an answer was written");
            if reason == DropReason::BulkInV1 {
                let req = read_message(datagram).expect("a dropped request was read");
                assert_eq!(req.pdu.pdu_type, PduType::GetBulkRequest);
            }
        }
        Ok(Reply::Sent {
            varbinds,
            error_status,
            error_index,
        }) => {
            assert!(
                out.len() <= faults.max_message_size,
                "{} octets sent, limit {}",
                out.len(),
                faults.max_message_size
            );
            let req = read_message(datagram).expect("an answered request was read");
            let resp = read_message(&out)
                .unwrap_or_else(|e| panic!("the Response does not decode: {e}\n{out:02x?}"));
            assert_eq!(resp.version, req.version, "version");
            let community = faults.reply_community.as_deref().unwrap_or(req.community);
            assert_eq!(resp.community, community, "community");
            assert_eq!(resp.pdu.pdu_type, PduType::Response, "PDU type");
            let want_id = if faults.wrong_request_id {
                req.pdu.request_id.wrapping_add(1)
            } else {
                req.pdu.request_id
            };
            assert_eq!(resp.pdu.request_id, want_id, "request-id");
            assert_eq!(resp.pdu.error_status, error_status, "error-status");
            assert_eq!(resp.pdu.error_index, error_index, "error-index");
            let mut n = 0;
            for vb in resp.pdu.varbinds() {
                match vb {
                    Ok(_) => {}
                    // The one malformed value that fault sends on purpose.
                    Err(e)
                        if faults.malformed_value_at.is_some()
                            && e.error.kind == DecodeErrorKind::EmptyInteger => {}
                    Err(e) => panic!("Response varbind {n} does not decode: {e}"),
                }
                n += 1;
            }
            assert_eq!(n, varbinds, "varbind count");
        }
        Ok(_) => {}
    }
});
