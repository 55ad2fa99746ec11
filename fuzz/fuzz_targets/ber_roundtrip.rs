//! `ber_roundtrip`: a message that decodes completely re-encodes to one that decodes to the same
//! thing.
//!
//! When `read_message` succeeds and every varbind decodes, the message is written again with
//! `encode_message` (which makes lengths and integers minimal) and read again: version, community,
//! PDU type, request-id, error-status, error-index and every varbind's OID and value must match.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::SubIds;
use snmp_stream_core::ber::{PduHeader, VarBind, encode_message, read_message};

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = read_message(data) else {
        return;
    };
    let Ok(vbs) = msg.pdu.varbinds().collect::<Result<Vec<VarBind<'_>>, _>>() else {
        return;
    };
    let header = PduHeader {
        pdu_type: msg.pdu.pdu_type,
        request_id: msg.pdu.request_id,
        error_status: msg.pdu.error_status,
        error_index: msg.pdu.error_index,
    };
    let mut out = Vec::new();
    encode_message(
        &mut out,
        msg.version,
        msg.community,
        &header,
        vbs.iter().map(|vb| (SubIds::Ber(vb.oid), vb.value)),
    );

    let again = read_message(&out)
        .unwrap_or_else(|e| panic!("re-encoded message does not decode: {e}\n{out:02x?}"));
    assert_eq!(again.version, msg.version, "version");
    assert_eq!(again.community, msg.community, "community");
    assert_eq!(again.pdu.pdu_type, msg.pdu.pdu_type, "PDU type");
    assert_eq!(again.pdu.request_id, msg.pdu.request_id, "request-id");
    assert_eq!(again.pdu.error_status, msg.pdu.error_status, "error-status");
    assert_eq!(again.pdu.error_index, msg.pdu.error_index, "error-index");

    let mut n = 0;
    for got in again.pdu.varbinds() {
        let got = got.unwrap_or_else(|e| panic!("re-encoded varbind {n} does not decode: {e}"));
        let want = vbs
            .get(n)
            .unwrap_or_else(|| panic!("more varbinds after re-encoding than the {}", vbs.len()));
        assert_eq!(got.oid.to_oid(), want.oid.to_oid(), "varbind {n}: OID");
        assert_eq!(got.value, want.value, "varbind {n}: value");
        n += 1;
    }
    assert_eq!(n, vbs.len(), "varbind count after re-encoding");
});
