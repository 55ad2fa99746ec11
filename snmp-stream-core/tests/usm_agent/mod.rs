//! A small SNMPv3 USM agent written on the core's own message code, for the engine tests: one
//! user (alice, authPriv SHA-256 + AES-128), its engine's boots and time, and faults.

#![allow(dead_code)]

use snmp_stream_core::ber::PduHeader;
use snmp_stream_core::ber::v3::{
    FLAG_AUTH, FLAG_PRIV, ScopedPduData, UsmParams, encode_scoped_pdu, encode_v3_message,
    read_scoped_pdu, read_v3_message,
};
use snmp_stream_core::usm::{AuthProtocol, LocalizedKey, PrivProtocol};
use snmp_stream_core::{Oid, Value};

pub(crate) const ENGINE: &[u8] = &[0x80, 0, 0x1f, 0x88, 0x80, 9, 9, 9, 9];
pub(crate) const AUTH: AuthProtocol = AuthProtocol::Sha256;
pub(crate) const PRIV: PrivProtocol = PrivProtocol::Aes128;
const USM_STATS: &str = "1.3.6.1.6.3.15.1.1";

/// The agent: one user (alice, authPriv), its engine's boots and time, and faults.
pub(crate) struct Agent {
    pub(crate) auth: LocalizedKey,
    pub(crate) privacy: LocalizedKey,
    pub(crate) boots: u32,
    pub(crate) time: u32,
    /// Answer the next authenticated request with usmStatsNotInTimeWindows.
    pub(crate) not_in_time: bool,
    pub(crate) salt: u64,
    /// Requests seen, by kind: discovery, authenticated.
    pub(crate) discoveries: usize,
    /// The engine ID its messages carry.
    pub(crate) engine: Vec<u8>,
}

impl Agent {
    pub(crate) fn new() -> Agent {
        let master = AUTH.password_to_key(b"authpass123").unwrap();
        let pmaster = AUTH.password_to_key(b"privpass123").unwrap();
        Agent {
            auth: AUTH.localize(&master, ENGINE),
            privacy: PRIV.localize(AUTH, &pmaster, ENGINE),
            boots: 4,
            time: 1000,
            not_in_time: false,
            salt: 77,
            discoveries: 0,
            engine: ENGINE.to_vec(),
        }
    }

    /// The agent's answer to `request`, if any.
    pub(crate) fn answer(&mut self, request: &[u8]) -> Option<Vec<u8>> {
        let msg = read_v3_message(request).ok()?;
        if msg.usm.engine_id.is_empty() {
            self.discoveries += 1;
            return Some(self.report(msg.msg_id, "4.0", 0));
        }
        if msg.usm.engine_id != self.engine.as_slice() {
            return Some(self.report(msg.msg_id, "4.0", 0));
        }
        if msg.flags & FLAG_AUTH == 0 || !AUTH.verify(&self.auth, request, msg.auth_params_at) {
            return Some(self.report(msg.msg_id, "5.0", 0));
        }
        let in_window = msg.usm.engine_boots == i64::from(self.boots)
            && (msg.usm.engine_time - i64::from(self.time)).abs() <= 150;
        if self.not_in_time || !in_window {
            self.not_in_time = false;
            return Some(self.report(msg.msg_id, "2.0", FLAG_AUTH));
        }
        let plain = match msg.data {
            ScopedPduData::Plaintext(p) => p.to_vec(),
            ScopedPduData::Encrypted(e) => {
                let mut p = e.to_vec();
                let (b, t) = (msg.usm.engine_boots as u32, msg.usm.engine_time as u32);
                PRIV.decrypt(&self.privacy, b, t, msg.usm.priv_params, &mut p)
                    .ok()?;
                p
            }
        };
        let scoped = read_scoped_pdu(&plain).ok()?;
        let oids: Vec<Oid> = scoped
            .pdu
            .varbinds()
            .map(|vb| vb.unwrap().oid.to_oid())
            .collect();
        let mut pdu = Vec::new();
        encode_scoped_pdu(
            &mut pdu,
            ENGINE,
            b"",
            &PduHeader::response(scoped.pdu.request_id, 0, 0),
            oids.iter()
                .map(|o| (o.sub_ids(), Value::OctetString(b"router-1"))),
        );
        Some(self.message(msg.msg_id, msg.flags & (FLAG_AUTH | FLAG_PRIV), &mut pdu))
    }

    /// A usmStats Report naming counter `counter` (`N.0`).
    pub(crate) fn report(&mut self, msg_id: i32, counter: &str, flags: u8) -> Vec<u8> {
        let oid: Oid = format!("{USM_STATS}.{counter}").parse().unwrap();
        let mut pdu = Vec::new();
        encode_scoped_pdu(
            &mut pdu,
            ENGINE,
            b"",
            &PduHeader::report(msg_id),
            [(oid.sub_ids(), Value::Counter32(1))],
        );
        self.message(msg_id, flags, &mut pdu)
    }

    pub(crate) fn message(&mut self, msg_id: i32, flags: u8, pdu: &mut Vec<u8>) -> Vec<u8> {
        let mut salt = [0u8; 8];
        let data = if flags & FLAG_PRIV != 0 {
            self.salt += 1;
            salt = PRIV.encrypt(&self.privacy, self.boots, self.time, self.salt, pdu);
            ScopedPduData::Encrypted(pdu)
        } else {
            ScopedPduData::Plaintext(pdu)
        };
        let usm = UsmParams {
            engine_id: &self.engine,
            engine_boots: i64::from(self.boots),
            engine_time: i64::from(self.time),
            user_name: b"alice",
            auth_params: &[],
            priv_params: if flags & FLAG_PRIV != 0 { &salt } else { &[] },
        };
        let auth_len = if flags & FLAG_AUTH != 0 {
            AUTH.mac_len()
        } else {
            0
        };
        let mut out = Vec::new();
        let at = encode_v3_message(&mut out, msg_id, 65507, flags, &usm, auth_len, data);
        if flags & FLAG_AUTH != 0 {
            let mac = AUTH.sign(&self.auth, &out);
            out[at].copy_from_slice(&mac);
        }
        out
    }
}
