//! The session's SNMPv3 paths: discovery probes out, their timers, and v3 messages in
//! (authenticated, decrypted, matched, and Reports turned into errors). The rules are in the
//! [`usm`](super::super::usm) module's docs.

use std::time::Instant;

use super::Session;
use crate::ber::PduType;
use crate::ber::v3::{
    FLAG_AUTH, FLAG_PRIV, ScopedPduData, V3Message, read_scoped_pdu, read_v3_message,
};
use crate::community::Security;
use crate::engine::Transmit;
use crate::engine::usm::{Probe, ProbeKind, ReportKind, report_error};
use crate::response::{CollectError, UsmError};
use crate::usm::{Credentials, SecurityLevel};

impl Session {
    /// Sends the discovery probe due, if one is: a retry of the one in flight, or the next one
    /// the queued SNMPv3 users need.
    pub(super) fn poll_probe(&mut self, now: Instant, buf: &mut Vec<u8>) -> Option<Transmit> {
        let users: Vec<Credentials> = self.v3_users();
        if self.usm.engine.is_none() && self.usm.probe.is_none() {
            if let Some(id) = users.iter().find_map(|u| u.engine_id()) {
                self.usm.adopt_engine(id, now);
            }
        }
        if self.usm.engine.is_some() {
            for u in &users {
                self.usm.accept_unauthenticated(u);
            }
        }
        let kind = match &self.usm.probe {
            Some(p) if p.resend => p.kind.clone(),
            Some(_) => return None,
            None => self.usm.next_probe(users.iter())?,
        };
        let in_flight = &self.in_flight;
        let probe_ids = self.usm.probe.as_ref().map(|p| p.attempts.clone());
        let id = self.ids.next_unused(|id| {
            in_flight.iter().any(|f| f.attempts.contains(&id))
                || probe_ids.as_ref().is_some_and(|a| a.contains(&id))
        });
        self.usm.encode_probe(buf, &kind, id, now);
        let timeout = self.config.attempt_timeout(
            self.usm
                .probe
                .as_ref()
                .map_or(0, |p| p.attempts.len() as u32),
        );
        let probe = self.usm.probe.get_or_insert(Probe {
            kind,
            attempts: Vec::new(),
            deadline: now,
            resend: false,
        });
        if !probe.attempts.is_empty() {
            self.stats.retries += 1;
        }
        probe.attempts.push(id);
        probe.deadline = now + timeout;
        probe.resend = false;
        self.stats.transmits += 1;
        Some(Transmit {
            len: buf.len(),
            request_id: id,
        })
    }

    /// The distinct SNMPv3 users with work queued.
    fn v3_users(&self) -> Vec<Credentials> {
        let mut users: Vec<Credentials> = Vec::new();
        for p in &self.partitions {
            if let Security::Usm(u) = p.request.security() {
                if !users.contains(u) {
                    users.push(u.clone());
                }
            }
        }
        users
    }

    /// A probe whose timer ran out is sent again, or, out of retries, fails the users it was
    /// for.
    pub(super) fn probe_timeout(&mut self, now: Instant) {
        let Some(p) = &mut self.usm.probe else {
            return;
        };
        if p.resend || now < p.deadline {
            return;
        }
        let attempts = p.attempts.len() as u32;
        if attempts <= self.config.retries() {
            p.resend = true;
            return;
        }
        let kind = p.kind.clone();
        self.usm.probe = None;
        self.stats.timeouts += 1;
        match kind {
            ProbeKind::Discovery => {
                for u in self.v3_users() {
                    let error = CollectError::Usm(UsmError::NoDiscovery { attempts });
                    self.fail_user(now, &u, error);
                }
            }
            ProbeKind::Sync(u) => self.fail_user(now, &u, CollectError::Timeout { attempts }),
        }
    }

    /// Takes an SNMPv3 message from the host.
    pub(super) fn v3_datagram(&mut self, now: Instant, datagram: &[u8], other_source: bool) {
        let Ok(msg) = read_v3_message(datagram) else {
            self.stats.malformed += 1;
            self.pending_quirks.malformed_replies += 1;
            return;
        };
        if self
            .usm
            .probe
            .as_ref()
            .is_some_and(|p| p.attempts.contains(&msg.msg_id))
        {
            return self.probe_reply(now, datagram, &msg);
        }
        // Our msgID is the request-id of the PDU inside.
        let Some((pos, pi)) = self.find_in_flight(msg.msg_id) else {
            self.stats.unknown_request_id += 1;
            self.pending_quirks.unknown_request_id += 1;
            return;
        };
        let p = &mut self.partitions[pi];
        if other_source && !p.config.accept_other_source() {
            return;
        }
        let Security::Usm(user) = p.request.security().clone() else {
            self.stats.mismatched += 1;
            p.quirks.wrong_version += 1;
            return;
        };
        let Some(plain) = self.open(now, datagram, &msg, &user) else {
            self.stats.mismatched += 1;
            self.partitions[pi].quirks.failed_authentication += 1;
            return;
        };
        let Ok(scoped) = read_scoped_pdu(&plain) else {
            self.stats.malformed += 1;
            self.partitions[pi].quirks.malformed_replies += 1;
            return;
        };
        if other_source {
            self.partitions[pi].quirks.other_source += 1;
        }
        match scoped.pdu.pdu_type {
            PduType::Report => {
                match report_error(scoped.pdu.varbinds(), &user) {
                    Some(ReportKind::NotInTimeWindow) => {
                        // Only an authenticated Report may set the clock (RFC 3414 §3.2.7).
                        if msg.flags & FLAG_AUTH != 0 {
                            self.usm.learn_clock(&msg.usm, now);
                        }
                        self.resend_once(
                            now,
                            pos,
                            &user,
                            UsmError::NotInTimeWindow {
                                user: String::from_utf8_lossy(user.user()).into_owned(),
                            },
                        );
                    }
                    Some(ReportKind::UnknownEngineId) => {
                        if self.usm.learn_other_engine(&msg.usm, now) {
                            self.resend_once(now, pos, &user, UsmError::UnknownEngineId);
                        } else {
                            self.fail_user(
                                now,
                                &user,
                                CollectError::Usm(UsmError::UnknownEngineId),
                            );
                        }
                    }
                    Some(ReportKind::Fatal(e)) => self.fail_user(now, &user, CollectError::Usm(e)),
                    // A Report this engine does not know: nothing to act on.
                    None => {
                        self.stats.malformed += 1;
                        self.partitions[pi].quirks.malformed_replies += 1;
                    }
                }
            }
            PduType::Response
                if self.in_flight[pos]
                    .attempts
                    .contains(&scoped.pdu.request_id) =>
            {
                if msg.flags & FLAG_AUTH != 0 {
                    // An authenticated Response outside the time window (replayed, or from
                    // an earlier boot) is not data.
                    if !self.usm.timely(&msg.usm, now) {
                        self.stats.mismatched += 1;
                        self.partitions[pi].quirks.failed_authentication += 1;
                        return;
                    }
                    self.usm.learn_clock(&msg.usm, now);
                }
                self.usm.mark_answered(&user);
                self.accept(now, pos, pi, &scoped.pdu);
            }
            _ => {
                self.stats.mismatched += 1;
                self.partitions[pi].quirks.malformed_replies += 1;
            }
        }
    }

    /// The scoped PDU of `msg` for `user`: its authentication checked (a user who
    /// authenticates takes only authenticated data, and Reports in the clear), decrypted when
    /// encrypted. `None` when it fails authentication or decryption.
    fn open(
        &mut self,
        now: Instant,
        datagram: &[u8],
        msg: &V3Message<'_>,
        user: &Credentials,
    ) -> Option<Vec<u8>> {
        let engine_id = self.usm.engine.as_ref()?.id.clone();
        let keys = self.usm.keys(user, &engine_id);
        if msg.flags & FLAG_AUTH != 0 {
            let (auth, key) = keys.auth.as_ref()?;
            if msg.usm.engine_id != engine_id
                || !auth.verify(key, datagram, msg.auth_params_at.clone())
            {
                return None;
            }
        }
        let plain = match msg.data {
            ScopedPduData::Plaintext(p) => {
                let plain = p.to_vec();
                // Data in the clear for a user who authenticates may only be a Report.
                if msg.flags & FLAG_AUTH == 0 && user.level() != SecurityLevel::NoAuthNoPriv {
                    let is_report =
                        read_scoped_pdu(&plain).is_ok_and(|s| s.pdu.pdu_type == PduType::Report);
                    if !is_report {
                        return None;
                    }
                }
                plain
            }
            ScopedPduData::Encrypted(e) => {
                if msg.flags & FLAG_PRIV == 0 || msg.flags & FLAG_AUTH == 0 {
                    return None;
                }
                let (p, key) = keys.privacy.as_ref()?;
                let mut plain = e.to_vec();
                let boots = u32::try_from(msg.usm.engine_boots).ok()?;
                let time = u32::try_from(msg.usm.engine_time).ok()?;
                p.decrypt(key, boots, time, msg.usm.priv_params, &mut plain)
                    .ok()?;
                plain
            }
        };
        let _ = now;
        Some(plain)
    }

    /// A probe's reply: the engine's ID (discovery) or the user's proof and clock (sync).
    fn probe_reply(&mut self, now: Instant, datagram: &[u8], msg: &V3Message<'_>) {
        let Some(probe) = self.usm.probe.take() else {
            return;
        };
        match probe.kind {
            ProbeKind::Discovery => {
                if msg.usm.engine_id.is_empty() {
                    // No engine ID: not an answer to discovery; keep waiting.
                    self.stats.malformed += 1;
                    self.usm.probe = Some(probe);
                    return;
                }
                self.usm.learn_engine(&msg.usm, now);
                // An engine whose boots reached 2^31 - 1 takes no more authenticated
                // messages until it is reconfigured (RFC 3414 §2.2.2).
                if msg.usm.engine_boots >= i64::from(i32::MAX) {
                    for u in self.v3_users() {
                        if u.level() != SecurityLevel::NoAuthNoPriv {
                            let e = CollectError::Usm(UsmError::BootsAtMaximum);
                            self.fail_user(now, &u, e);
                        }
                    }
                }
            }
            ProbeKind::Sync(user) => {
                let authenticated = msg.flags & FLAG_AUTH != 0;
                let Some(plain) = self.open(now, datagram, msg, &user) else {
                    self.stats.mismatched += 1;
                    self.pending_quirks.failed_authentication += 1;
                    self.usm.probe = Some(Probe {
                        kind: ProbeKind::Sync(user),
                        ..probe
                    });
                    return;
                };
                let report = read_scoped_pdu(&plain)
                    .ok()
                    .filter(|s| s.pdu.pdu_type == PduType::Report)
                    .and_then(|s| report_error(s.pdu.varbinds(), &user));
                match report {
                    Some(ReportKind::Fatal(e)) => {
                        self.fail_user(now, &user, CollectError::Usm(e));
                    }
                    Some(ReportKind::UnknownEngineId) => {
                        if !self.usm.learn_other_engine(&msg.usm, now) {
                            let e = CollectError::Usm(UsmError::UnknownEngineId);
                            self.fail_user(now, &user, e);
                        }
                    }
                    _ if authenticated => {
                        self.usm.learn_clock(&msg.usm, now);
                        self.usm.verify(&user);
                    }
                    // An unauthenticated answer proves nothing: ask again.
                    _ => {
                        self.usm.probe = Some(Probe {
                            kind: ProbeKind::Sync(user),
                            ..probe
                        })
                    }
                }
            }
        }
    }

    /// Resends in-flight PDU `pos` at once after a Report that a re-synchronisation cures,
    /// or fails `user`'s work with `error` when it was resent so once already.
    fn resend_once(&mut self, now: Instant, pos: usize, user: &Credentials, error: UsmError) {
        let f = &mut self.in_flight[pos];
        if f.resynced {
            self.fail_user(now, user, CollectError::Usm(error));
        } else {
            f.resynced = true;
            f.resend = true;
        }
    }
}
