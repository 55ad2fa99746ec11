//! `v3_read`: arbitrary bytes as an SNMPv3 datagram. Reading the message, verifying its
//! HMAC, decrypting its encryptedPDU and reading the scoped PDU never panic; a message that
//! reads is written again with `encode_v3_message` and reads back with the same header,
//! security parameters and data.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::ber::v3::{ScopedPduData, encode_v3_message, read_scoped_pdu, read_v3_message};
use snmp_stream_core::usm::{AuthProtocol, LocalizedKey, PrivProtocol};

fn keys() -> &'static (LocalizedKey, LocalizedKey) {
    static KEYS: OnceLock<(LocalizedKey, LocalizedKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let auth = AuthProtocol::Sha1;
        let engine = [0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4];
        let a = auth.localize(&auth.password_to_key(b"authpass123").unwrap(), &engine);
        let master = auth.password_to_key(b"privpass123").unwrap();
        (a, PrivProtocol::Aes128.localize(auth, &master, &engine))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = read_v3_message(data) else {
        return;
    };
    let (auth_key, priv_key) = keys();
    let _ = AuthProtocol::Sha1.verify(auth_key, data, msg.auth_params_at.clone());
    match msg.data {
        ScopedPduData::Plaintext(p) => {
            if let Ok(s) = read_scoped_pdu(p) {
                let _ = s.pdu.varbinds().count();
            }
        }
        ScopedPduData::Encrypted(e) => {
            let mut plain = e.to_vec();
            let (boots, time) = (msg.usm.engine_boots as u32, msg.usm.engine_time as u32);
            if PrivProtocol::Aes128
                .decrypt(priv_key, boots, time, msg.usm.priv_params, &mut plain)
                .is_ok()
            {
                if let Ok(s) = read_scoped_pdu(&plain) {
                    let _ = s.pdu.varbinds().count();
                }
            }
        }
    }
    let mut out = Vec::new();
    let at = encode_v3_message(
        &mut out,
        msg.msg_id,
        msg.max_size,
        msg.flags,
        &msg.usm,
        msg.usm.auth_params.len(),
        msg.data,
    );
    out[at.clone()].copy_from_slice(msg.usm.auth_params);
    let again = read_v3_message(&out).expect("a written message reads back");
    assert_eq!(
        (again.msg_id, again.max_size, again.flags, again.security_model),
        (msg.msg_id, msg.max_size, msg.flags, msg.security_model)
    );
    assert_eq!(again.usm, msg.usm);
    assert_eq!(again.data, msg.data);
    assert_eq!(again.auth_params_at, at);
});
