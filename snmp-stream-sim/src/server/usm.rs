//! The simulator's SNMPv3 agent (RFC 3414's User-based Security Model), beside its v1/v2c
//! one: one engine (its ID, boots and time since the start), the users it was given with
//! their keys localized to it, and the same recordings, picked by contextName as v1/v2c picks
//! them by community (an empty context serves the only recording, when there is one).
//!
//! What it answers, as net-snmp's agent does: discovery (an empty engine ID) with a
//! usmStatsUnknownEngineIDs Report naming the engine; an unknown user, a level the user does
//! not have, a wrong digest and a clock outside the 150-second window each with its usmStats
//! Report (the last one authenticated, so the requester can take the clock); an unknown
//! context with snmpUnknownContexts; and what it cannot decrypt not at all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use snmp_stream_core::Version;
use snmp_stream_core::ber::v3::{
    FLAG_AUTH, FLAG_PRIV, ScopedPduData, UsmParams, V3Message, encode_scoped_pdu,
    encode_scoped_pdu_bytes, encode_v3_message, read_scoped_pdu, read_v3_message,
};
use snmp_stream_core::ber::{PduHeader, encode_message_with_pdu, read_message};
use snmp_stream_core::usm::{AuthProtocol, Credentials, LocalizedKey, PrivProtocol};
use snmp_stream_core::{Oid, Value};

use std::net::SocketAddr;

use super::Counters;
use super::rng::XorShift;
use crate::{Reply, Responder};

/// The time window (RFC 3414 §3.2 step 7b).
const WINDOW_S: i64 = 150;

/// One user as the agent keeps it.
#[derive(Debug)]
struct User {
    auth: Option<(AuthProtocol, LocalizedKey)>,
    privacy: Option<(PrivProtocol, LocalizedKey)>,
}

/// The SNMPv3 side of a simulator.
#[derive(Debug)]
pub(super) struct Usm {
    engine_id: Vec<u8>,
    boots: u32,
    started: Instant,
    users: HashMap<Vec<u8>, User>,
    salt: AtomicU64,
}

/// What became of a v3 request.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum V3Outcome {
    /// An answer is in `out` (a Response or a Report).
    Answered,
    /// Not a v3 message this agent reads, or one it cannot decrypt: no answer.
    Malformed,
    /// The responder chose not to answer the PDU.
    Dropped,
}

impl Usm {
    pub(super) fn new(engine_id: Vec<u8>, boots: u32, users: &[Credentials]) -> Usm {
        let users = users
            .iter()
            .map(|c| {
                let k = c.keys_for(&engine_id);
                let user = User {
                    auth: k.auth,
                    privacy: k.privacy,
                };
                (c.user().to_vec(), user)
            })
            .collect();
        Usm {
            engine_id,
            boots,
            #[allow(clippy::disallowed_methods)]
            started: Instant::now(),
            users,
            salt: AtomicU64::new(0x5a17),
        }
    }

    fn time(&self) -> u32 {
        u32::try_from(self.started.elapsed().as_secs()).unwrap_or(i32::MAX as u32)
    }

    /// Answers one v3 request into `out`.
    pub(super) fn answer(
        &self,
        request: &[u8],
        responders: &HashMap<Vec<u8>, Responder>,
        out: &mut Vec<u8>,
    ) -> V3Outcome {
        out.clear();
        let Ok(msg) = read_v3_message(request) else {
            return V3Outcome::Malformed;
        };
        let plain_id = match msg.data {
            ScopedPduData::Plaintext(p) => read_scoped_pdu(p).map_or(0, |s| s.pdu.request_id),
            ScopedPduData::Encrypted(_) => 0,
        };
        if msg.usm.engine_id != self.engine_id.as_slice() {
            self.report(&msg, plain_id, "1.3.6.1.6.3.15.1.1.4.0", None, out);
            return V3Outcome::Answered;
        }
        let Some(user) = self.users.get(msg.usm.user_name) else {
            self.report(&msg, plain_id, "1.3.6.1.6.3.15.1.1.3.0", None, out);
            return V3Outcome::Answered;
        };
        let wants_auth = msg.flags & FLAG_AUTH != 0;
        let wants_priv = msg.flags & FLAG_PRIV != 0;
        if (wants_auth && user.auth.is_none()) || (wants_priv && user.privacy.is_none()) {
            self.report(&msg, plain_id, "1.3.6.1.6.3.15.1.1.1.0", None, out);
            return V3Outcome::Answered;
        }
        if let Some((a, key)) = user.auth.as_ref().filter(|_| wants_auth) {
            if !a.verify(key, request, msg.auth_params_at.clone()) {
                self.report(&msg, plain_id, "1.3.6.1.6.3.15.1.1.5.0", None, out);
                return V3Outcome::Answered;
            }
            let in_window = msg.usm.engine_boots == i64::from(self.boots)
                && (msg.usm.engine_time - i64::from(self.time())).abs() <= WINDOW_S;
            if !in_window {
                let signed = Some((*a, key));
                self.report(&msg, plain_id, "1.3.6.1.6.3.15.1.1.2.0", signed, out);
                return V3Outcome::Answered;
            }
        }
        let plain = match msg.data {
            ScopedPduData::Plaintext(p) => p.to_vec(),
            ScopedPduData::Encrypted(e) => {
                let Some((p, key)) = &user.privacy else {
                    return V3Outcome::Malformed;
                };
                let mut plain = e.to_vec();
                let (boots, time) = (clamp(msg.usm.engine_boots), clamp(msg.usm.engine_time));
                if p.decrypt(key, boots, time, msg.usm.priv_params, &mut plain)
                    .is_err()
                {
                    return V3Outcome::Malformed;
                }
                plain
            }
        };
        // What does not decrypt to a scoped PDU is dropped unanswered, as net-snmp does.
        let Ok(scoped) = read_scoped_pdu(&plain) else {
            return V3Outcome::Malformed;
        };
        let responder = match (responders.get(scoped.context_name), responders.len()) {
            (Some(r), _) => r,
            (None, 1) if scoped.context_name.is_empty() => {
                responders.values().next().expect("one responder")
            }
            _ => {
                let auth = user
                    .auth
                    .as_ref()
                    .filter(|_| wants_auth)
                    .map(|(a, k)| (*a, k));
                let id = scoped.pdu.request_id;
                self.report(&msg, id, "1.3.6.1.6.3.12.1.5.0", auth, out);
                return V3Outcome::Answered;
            }
        };
        // The PDU goes through the v2c responder; its Response PDU comes back in a scoped PDU.
        let mut v2 = Vec::new();
        encode_message_with_pdu(&mut v2, Version::V2c, b"v3", scoped.pdu.bytes());
        let mut reply = Vec::new();
        match responder.respond(&v2, &mut reply) {
            Ok(Reply::Sent { .. }) => {}
            Ok(_) => return V3Outcome::Dropped,
            Err(_) => return V3Outcome::Malformed,
        }
        let Ok(answer) = read_message(&reply) else {
            return V3Outcome::Malformed;
        };
        let mut scoped_out = Vec::new();
        encode_scoped_pdu_bytes(
            &mut scoped_out,
            &self.engine_id,
            scoped.context_name,
            answer.pdu.bytes(),
        );
        let auth = user
            .auth
            .as_ref()
            .filter(|_| wants_auth)
            .map(|(a, k)| (*a, k));
        let privacy = user
            .privacy
            .as_ref()
            .filter(|_| wants_priv)
            .map(|(p, k)| (*p, k));
        self.message(&msg, auth, privacy, &mut scoped_out, out);
        V3Outcome::Answered
    }

    /// A Report naming `counter`, signed with `auth` when given (never encrypted).
    fn report(
        &self,
        msg: &V3Message<'_>,
        request_id: i32,
        counter: &str,
        auth: Option<(AuthProtocol, &LocalizedKey)>,
        out: &mut Vec<u8>,
    ) {
        let oid: Oid = counter.parse().expect("a usmStats OID");
        let mut scoped = Vec::new();
        encode_scoped_pdu(
            &mut scoped,
            &self.engine_id,
            b"",
            &PduHeader::report(request_id),
            [(oid.sub_ids(), Value::Counter32(1))],
        );
        self.message(msg, auth, None, &mut scoped, out);
    }

    /// The answer message to `msg` around `scoped`: encrypted with `privacy`, signed with
    /// `auth`, with this engine's ID, boots and time.
    fn message(
        &self,
        msg: &V3Message<'_>,
        auth: Option<(AuthProtocol, &LocalizedKey)>,
        privacy: Option<(PrivProtocol, &LocalizedKey)>,
        scoped: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) {
        let (boots, time) = (self.boots, self.time());
        let mut flags = 0;
        let mut salt = [0u8; 8];
        let data = match (privacy, auth) {
            (Some((p, key)), Some(_)) => {
                let n = self.salt.fetch_add(1, Ordering::Relaxed);
                salt = p.encrypt(key, boots, time, n, scoped);
                flags |= FLAG_PRIV;
                ScopedPduData::Encrypted(scoped)
            }
            _ => ScopedPduData::Plaintext(scoped),
        };
        if auth.is_some() {
            flags |= FLAG_AUTH;
        }
        let usm = UsmParams {
            engine_id: &self.engine_id,
            engine_boots: i64::from(boots),
            engine_time: i64::from(time),
            user_name: msg.usm.user_name,
            auth_params: &[],
            priv_params: if flags & FLAG_PRIV != 0 { &salt } else { &[] },
        };
        let auth_len = auth.map_or(0, |(a, _)| a.mac_len());
        let at = encode_v3_message(out, msg.msg_id, 65507, flags, &usm, auth_len, data);
        if let Some((a, key)) = auth {
            let mac = a.sign(key, out);
            out[at].copy_from_slice(&mac);
        }
    }
}

fn clamp(v: i64) -> u32 {
    v.clamp(0, i64::from(i32::MAX)) as u32
}

impl super::Shared {
    /// [`Shared::answer`] for an SNMPv3 message.
    pub(super) fn answer_v3(
        &self,
        message: &[u8],
        peer: SocketAddr,
        rng: Option<&mut XorShift>,
        answered: &mut u64,
        out: &mut Vec<u8>,
    ) -> bool {
        let counters = &self.counters;
        let lost = rng.is_some_and(|rng| self.loss > 0.0 && rng.next_f64() < self.loss);
        if lost || self.silent_after.is_some_and(|n| *answered >= n) {
            Counters::bump(&counters.lost);
            return false;
        }
        let usm = self.usm.as_ref().expect("checked by the caller");
        match usm.answer(message, &self.responders, out) {
            V3Outcome::Answered => {
                Counters::bump(&counters.replies);
                *answered += 1;
                true
            }
            V3Outcome::Dropped => {
                Counters::bump(&counters.responder_dropped);
                false
            }
            V3Outcome::Malformed => {
                Counters::bump(&counters.malformed);
                tracing::debug!(%peer, "SNMPv3 message not answered (malformed or not decryptable)");
                false
            }
        }
    }
}
