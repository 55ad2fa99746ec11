//! SNMPv3 in the session (RFC 3414 §4): the agent's engine found once per host and shared by
//! every request to it, each user's keys localized once to that engine, the engine's boots and
//! time kept and advanced locally, and the PDUs wrapped into (and unwrapped from) signed and
//! encrypted messages.
//!
//! Discovery runs as *probes*, one at a time, before any v3 PDU is sent:
//! 1. an unauthenticated, empty GetRequest with an empty engine ID: the agent's Report
//!    (usmStatsUnknownEngineIDs) names its engine ID, and boots and time;
//! 2. for each user that authenticates, the same empty request signed with the user's key: the
//!    authenticated reply (a Response, or a usmStatsNotInTimeWindows Report with the right boots
//!    and time) proves the authentication key and sets the clock. A usmStats Report instead
//!    (unknown user, wrong digest, unsupported level) fails that user's requests with what to
//!    check.
//!
//! Afterwards a usmStatsNotInTimeWindows Report to a request re-synchronises and resends it
//! once; usmStatsUnknownEngineIDs takes the engine ID it names and resends once. An authPriv
//! request that times out after its user proved its authentication key is most likely not
//! decrypted by the agent (net-snmp's drops it without a Report): its error says so.

use std::sync::Arc;
use std::time::Instant;

use crate::ber::v3::{
    FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE, ScopedPduData, UsmParams, encode_scoped_pdu,
    encode_v3_message,
};
use crate::ber::{PduHeader, VarBinds};
use crate::response::UsmError;
use crate::usm::{Credentials, EngineKeys, SecurityLevel};
use crate::value::{SubIds, Value};

/// The time window (RFC 3414 §2.2.3): 150 seconds.
const WINDOW_S: i64 = 150;

/// The largest message we accept (msgMaxSize): the UDP maximum.
pub(super) const MAX_SIZE: i32 = 65_507;

/// How many times a session takes another engine ID from a Report after discovery.
const MAX_ENGINE_CHANGES: u32 = 2;

/// usmStats counters (1.3.6.1.6.3.15.1.1.N.0) a Report names.
const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];

/// The agent's engine as this session knows it.
#[derive(Debug, Clone)]
pub(super) struct Engine {
    pub(super) id: Vec<u8>,
    boots: u32,
    /// engineTime at `at`.
    time: u32,
    at: Instant,
}

impl Engine {
    /// engineBoots and engineTime now, as the agent counts them.
    fn clock(&self, now: Instant) -> (u32, u32) {
        let elapsed = now.saturating_duration_since(self.at).as_secs();
        let time = u64::from(self.time).saturating_add(elapsed);
        (
            self.boots,
            u32::try_from(time.min(i32::MAX as u64)).unwrap_or(i32::MAX as u32),
        )
    }
}

/// What a probe finds out.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ProbeKind {
    /// The engine ID.
    Discovery,
    /// Boots and time, and whether this user's authentication key is right.
    Sync(Credentials),
}

/// A probe in flight.
#[derive(Debug)]
pub(super) struct Probe {
    pub(super) kind: ProbeKind,
    pub(super) attempts: Vec<i32>,
    pub(super) deadline: Instant,
    pub(super) resend: bool,
}

/// A session's SNMPv3 state.
#[derive(Debug, Default)]
pub(super) struct Usm {
    pub(super) engine: Option<Engine>,
    pub(super) probe: Option<Probe>,
    /// Users whose authentication the engine confirmed (or who have none).
    verified: Vec<Credentials>,
    /// Users with a Response accepted.
    answered: Vec<Credentials>,
    /// Each user's keys, localized to `engine`.
    keys: Vec<(Credentials, Arc<EngineKeys>)>,
    /// The AES salt counter (RFC 3826 §3.1.2.1), seeded per session.
    salt: u64,
    /// Engine IDs taken from usmStatsUnknownEngineIDs Reports after discovery.
    engine_changes: u32,
    scratch: Vec<u8>,
}

impl Usm {
    pub(super) fn new(seed: u64) -> Usm {
        Usm {
            salt: seed,
            ..Usm::default()
        }
    }

    /// Whether `user`'s requests may be sent: the engine is known and the user verified.
    pub(super) fn ready(&self, user: &Credentials) -> bool {
        self.engine.is_some() && self.verified.contains(user)
    }

    /// Whether `user` proved its authentication key to the engine.
    pub(super) fn verified(&self, user: &Credentials) -> bool {
        user.level() != SecurityLevel::NoAuthNoPriv && self.verified.contains(user)
    }

    /// The probe `users` (those with work queued) need next, if none is in flight.
    pub(super) fn next_probe<'a>(
        &self,
        mut users: impl Iterator<Item = &'a Credentials>,
    ) -> Option<ProbeKind> {
        if self.probe.is_some() {
            return None;
        }
        if self.engine.is_none() {
            return users.next().map(|_| ProbeKind::Discovery);
        }
        users
            .find(|u| !self.verified.contains(u))
            .map(|u| ProbeKind::Sync(u.clone()))
    }

    /// Marks a user that does not authenticate as ready at once (nothing to prove).
    pub(super) fn accept_unauthenticated(&mut self, user: &Credentials) {
        if user.level() == SecurityLevel::NoAuthNoPriv && !self.verified.contains(user) {
            self.verified.push(user.clone());
        }
    }

    /// Writes the probe `kind` with msgID and request-id `id` into `buf`.
    pub(super) fn encode_probe(
        &mut self,
        buf: &mut Vec<u8>,
        kind: &ProbeKind,
        id: i32,
        now: Instant,
    ) {
        match kind {
            ProbeKind::Discovery => {
                encode_scoped_pdu(&mut self.scratch, b"", b"", &PduHeader::get(id), []);
                let usm = UsmParams {
                    engine_id: b"",
                    engine_boots: 0,
                    engine_time: 0,
                    user_name: b"",
                    auth_params: &[],
                    priv_params: &[],
                };
                encode_v3_message(
                    buf,
                    id,
                    MAX_SIZE,
                    FLAG_REPORTABLE,
                    &usm,
                    0,
                    ScopedPduData::Plaintext(&self.scratch),
                );
            }
            // Signed, never encrypted: the reply proves the authentication key alone.
            ProbeKind::Sync(user) => self.encode(buf, user, &PduHeader::get(id), [], now, false),
        }
    }

    /// Writes a request PDU as `user` into `buf`: a scoped PDU, encrypted when the user has
    /// privacy (and `encrypt`), in a message signed when it authenticates.
    pub(super) fn encode<'v, I>(
        &mut self,
        buf: &mut Vec<u8>,
        user: &Credentials,
        header: &PduHeader,
        varbinds: I,
        now: Instant,
        encrypt: bool,
    ) where
        I: IntoIterator<Item = (SubIds<'v>, Value<'v>)>,
        I::IntoIter: Clone,
    {
        // Borrowed field by field: nothing is cloned per PDU.
        let Usm {
            engine,
            keys,
            salt: counter,
            scratch,
            ..
        } = self;
        let engine = engine
            .as_ref()
            .expect("v3 PDUs are sent once the engine is known");
        let keys = keys_in(keys, user, &engine.id);
        let (boots, time) = engine.clock(now);
        let context_engine_id = user.context_engine_id().unwrap_or(&engine.id);
        encode_scoped_pdu(
            scratch,
            context_engine_id,
            user.context_name(),
            header,
            varbinds,
        );
        let mut flags = FLAG_REPORTABLE;
        let mut salt = [0u8; 8];
        let mut data = ScopedPduData::Plaintext(scratch);
        if let (Some((p, key)), true) = (&keys.privacy, encrypt) {
            *counter = counter.wrapping_add(1);
            salt = p.encrypt(key, boots, time, *counter, scratch);
            data = ScopedPduData::Encrypted(scratch);
            flags |= FLAG_PRIV;
        }
        let auth_len = keys.auth.as_ref().map_or(0, |(a, _)| a.mac_len());
        if keys.auth.is_some() {
            flags |= FLAG_AUTH;
        }
        let usm = UsmParams {
            engine_id: &engine.id,
            engine_boots: i64::from(boots),
            engine_time: i64::from(time),
            user_name: user.user(),
            auth_params: &[],
            priv_params: if flags & FLAG_PRIV != 0 { &salt } else { &[] },
        };
        let at = encode_v3_message(
            buf,
            header.request_id,
            MAX_SIZE,
            flags,
            &usm,
            auth_len,
            data,
        );
        if let Some((a, key)) = &keys.auth {
            let mac = a.sign(key, buf);
            buf[at].copy_from_slice(&mac);
        }
    }

    /// `user`'s keys for the engine `engine_id`, localized on first use.
    pub(super) fn keys(&mut self, user: &Credentials, engine_id: &[u8]) -> Arc<EngineKeys> {
        keys_in(&mut self.keys, user, engine_id)
    }

    /// Whether an authenticated message of the engine is timely (RFC 3414 §3.2 step 7b, the
    /// non-authoritative side): not from an earlier boot, not more than 150 seconds behind
    /// the engine's time as kept, and not from an engine whose boots reached their maximum
    /// (which must be reconfigured). An old message replayed fails it.
    pub(super) fn timely(&self, usm: &UsmParams<'_>, now: Instant) -> bool {
        let Some(e) = &self.engine else {
            return false;
        };
        let (boots, time) = e.clock(now);
        let (b, t) = (usm.engine_boots, usm.engine_time);
        b < i64::from(i32::MAX)
            && b >= i64::from(boots)
            && !(b == i64::from(boots) && t + WINDOW_S < i64::from(time))
    }

    /// Takes an engine ID given beforehand (net-snmp's `-e`), its clock unknown (boots and
    /// time 0, which the first authenticated exchange corrects).
    pub(super) fn adopt_engine(&mut self, id: &[u8], now: Instant) {
        self.engine = Some(Engine {
            id: id.to_vec(),
            boots: 0,
            time: 0,
            at: now,
        });
    }

    /// Takes the engine a message (a discovery Report) names, and its boots and time.
    pub(super) fn learn_engine(&mut self, usm: &UsmParams<'_>, now: Instant) {
        if self.engine.as_ref().is_some_and(|e| e.id != usm.engine_id) {
            // Another engine ID: keys localized to the old one are useless, users unproven.
            self.keys.clear();
            self.verified
                .retain(|u| u.level() == SecurityLevel::NoAuthNoPriv);
        }
        self.engine = Some(Engine {
            id: usm.engine_id.to_vec(),
            boots: clamp(usm.engine_boots),
            time: clamp(usm.engine_time),
            at: now,
        });
    }

    /// Takes boots and time from an authenticated message of the engine.
    /// Only forward (RFC 3414 §3.2 step 7b): more boots, or the same boots and a later time
    /// than the one kept; an older clock (a replayed message) changes nothing.
    pub(super) fn learn_clock(&mut self, usm: &UsmParams<'_>, now: Instant) {
        if let Some(e) = &mut self.engine {
            let (boots, time) = (clamp(usm.engine_boots), clamp(usm.engine_time));
            let (kept_boots, kept_time) = e.clock(now);
            if boots > kept_boots || (boots == kept_boots && time > kept_time) {
                e.boots = boots;
                e.time = time;
                e.at = now;
            }
        }
    }

    /// Takes the engine ID an unauthenticated usmStatsUnknownEngineIDs Report names, when it
    /// names another one (an empty one, or the one kept, changes nothing). Returns whether it
    /// changed; at most [`MAX_ENGINE_CHANGES`] times per session, so that two engines
    /// answering for one address (or a spoofer) cannot keep a session busy for ever.
    pub(super) fn learn_other_engine(&mut self, usm: &UsmParams<'_>, now: Instant) -> bool {
        let known = self.engine.as_ref().map(|e| e.id.as_slice());
        if usm.engine_id.is_empty()
            || known == Some(usm.engine_id)
            || self.engine_changes >= MAX_ENGINE_CHANGES
        {
            return false;
        }
        self.engine_changes += 1;
        self.learn_engine(usm, now);
        true
    }

    /// Whether a Response to `user` was accepted.
    pub(super) fn answered(&self, user: &Credentials) -> bool {
        self.answered.contains(user)
    }

    /// A Response to `user` was accepted.
    pub(super) fn mark_answered(&mut self, user: &Credentials) {
        if !self.answered.contains(user) {
            self.answered.push(user.clone());
        }
    }

    /// `user` proved its authentication key.
    pub(super) fn verify(&mut self, user: &Credentials) {
        if !self.verified.contains(user) {
            self.verified.push(user.clone());
        }
    }
}

/// `user`'s keys in `cache`, localized to `engine_id` on first use.
fn keys_in(
    cache: &mut Vec<(Credentials, Arc<EngineKeys>)>,
    user: &Credentials,
    engine_id: &[u8],
) -> Arc<EngineKeys> {
    if let Some((_, k)) = cache.iter().find(|(u, _)| u == user) {
        return k.clone();
    }
    let k = Arc::new(user.keys_for(engine_id));
    cache.push((user.clone(), k.clone()));
    k
}

/// A boots or time value as kept: within 0 ..= 2^31 - 1 (RFC 3414 §2.2.1).
fn clamp(v: i64) -> u32 {
    v.clamp(0, i64::from(i32::MAX)) as u32
}

/// The USM error a Report's first varbind names, for `user`; `None` when it names another
/// counter (or none).
pub(super) fn report_error(varbinds: VarBinds<'_>, user: &Credentials) -> Option<ReportKind> {
    let vb = varbinds.into_iter().next()?.ok()?;
    let oid = vb.oid.to_oid();
    let arcs = oid.as_slice();
    let name = String::from_utf8_lossy(user.user()).into_owned();
    let Some(rest) = arcs.strip_prefix(&USM_STATS[..]) else {
        // Another Report (snmpUnknownContexts, snmpUnknownPDUHandlers, ...): the agent
        // refused the request; say which counter, with a hint for the contexts.
        let hint = match arcs {
            [1, 3, 6, 1, 6, 3, 12, 1, 4 | 5, 0] => {
                ": check the context name (-n) and context engine ID (-E)"
            }
            _ => "",
        };
        return Some(ReportKind::Fatal(UsmError::Refused {
            user: name,
            report: oid.to_string(),
            hint,
        }));
    };
    Some(match rest {
        [1, 0] => ReportKind::Fatal(UsmError::UnsupportedSecurityLevel {
            user: name,
            level: user.level().name(),
        }),
        [2, 0] => ReportKind::NotInTimeWindow,
        [3, 0] => ReportKind::Fatal(UsmError::UnknownUser { user: name }),
        [4, 0] => ReportKind::UnknownEngineId,
        [5, 0] => ReportKind::Fatal(UsmError::WrongDigest { user: name }),
        [6, 0] => ReportKind::Fatal(UsmError::DecryptionError { user: name }),
        _ => return None,
    })
}

/// What a usmStats Report means.
#[derive(Debug)]
pub(super) enum ReportKind {
    /// Re-synchronise and resend once.
    NotInTimeWindow,
    /// Take the engine ID the Report names and resend once.
    UnknownEngineId,
    /// The user's requests fail with this.
    Fatal(UsmError),
}
