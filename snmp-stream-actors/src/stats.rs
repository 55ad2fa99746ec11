//! Counters of a running collector: bumped by its actors, read through
//! [`SessionManager::stats`](crate::SessionManager::stats).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use snmp_stream_core::engine::SessionStats;

/// What a collector has done so far; cumulative since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CollectorStats {
    /// Requests accepted by `add_request` / `submit`.
    pub requests: u64,
    /// Responses emitted (one per request partition).
    pub responses: u64,
    /// Host actors started.
    pub hosts_started: u64,
    /// Hosts holding a session slot now (at most `max_async_sessions`). The supervisor updates
    /// it as it frees slots, so just after the last response it may still count that host.
    pub hosts_active: u64,
    /// Datagrams sent, retries included.
    pub transmits: u64,
    /// Retransmissions after a timeout.
    pub retries: u64,
    /// PDUs whose every attempt timed out (each takes its host down).
    pub timeouts: u64,
    /// Datagrams received on the collector's UDP sockets, and messages read from its TCP
    /// connections.
    pub datagrams_received: u64,
    /// Datagrams from an address no host actor is collecting from (stray or spoofed); dropped.
    pub stray_datagrams: u64,
    /// Datagrams from a host with a request-id of no PDU in flight (late, duplicate or
    /// spoofed); dropped.
    pub unknown_request_id: u64,
    /// Datagrams from a host that were not an SNMP Response message; dropped.
    pub malformed: u64,
    /// Replies to a PDU in flight in another SNMP version or with another community (spoofed
    /// or misrouted); dropped.
    pub mismatched: u64,
    /// Datagrams from an address no host actor owns, routed by request-id to a host that
    /// accepts replies from other addresses (`accept_other_source`).
    pub other_source: u64,
    /// Sends the socket refused for a moment (full buffer); the retry timer resends them.
    pub send_errors: u64,
    /// Varbinds recorded into wireline buffers.
    pub varbinds: u64,
    /// TCP connections made to `tcp:` hosts: one per host, and one more each time a host's
    /// connection had closed and a message was due.
    pub tcp_connects: u64,
    /// TCP connections that ended while the host actor still used them: closed by the agent,
    /// failed, or carrying bytes that are not SNMP messages.
    pub tcp_closes: u64,
}

impl CollectorStats {
    /// Every datagram received and thrown away: stray, unknown request-id, malformed, another
    /// version or community.
    pub fn dropped(&self) -> u64 {
        self.stray_datagrams + self.unknown_request_id + self.malformed + self.mismatched
    }
}

/// The live counters behind [`CollectorStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub responses: AtomicU64,
    pub hosts_started: AtomicU64,
    pub hosts_active: AtomicU64,
    pub transmits: AtomicU64,
    pub retries: AtomicU64,
    pub timeouts: AtomicU64,
    pub datagrams_received: AtomicU64,
    pub stray_datagrams: AtomicU64,
    pub unknown_request_id: AtomicU64,
    pub malformed: AtomicU64,
    pub mismatched: AtomicU64,
    pub other_source: AtomicU64,
    pub send_errors: AtomicU64,
    pub varbinds: AtomicU64,
    pub tcp_connects: AtomicU64,
    pub tcp_closes: AtomicU64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> CollectorStats {
        CollectorStats {
            requests: self.requests.load(Relaxed),
            responses: self.responses.load(Relaxed),
            hosts_started: self.hosts_started.load(Relaxed),
            hosts_active: self.hosts_active.load(Relaxed),
            transmits: self.transmits.load(Relaxed),
            retries: self.retries.load(Relaxed),
            timeouts: self.timeouts.load(Relaxed),
            datagrams_received: self.datagrams_received.load(Relaxed),
            stray_datagrams: self.stray_datagrams.load(Relaxed),
            unknown_request_id: self.unknown_request_id.load(Relaxed),
            malformed: self.malformed.load(Relaxed),
            mismatched: self.mismatched.load(Relaxed),
            other_source: self.other_source.load(Relaxed),
            send_errors: self.send_errors.load(Relaxed),
            varbinds: self.varbinds.load(Relaxed),
            tcp_connects: self.tcp_connects.load(Relaxed),
            tcp_closes: self.tcp_closes.load(Relaxed),
        }
    }

    /// Adds what a session did since `last` (its previous snapshot), and updates `last`.
    pub(crate) fn add_session(&self, now: &SessionStats, last: &mut SessionStats) {
        let add = |c: &AtomicU64, new: u64, old: u64| {
            if new > old {
                c.fetch_add(new - old, Relaxed);
            }
        };
        add(&self.transmits, now.transmits, last.transmits);
        add(&self.retries, now.retries, last.retries);
        add(&self.timeouts, now.timeouts, last.timeouts);
        add(&self.malformed, now.malformed, last.malformed);
        add(
            &self.unknown_request_id,
            now.unknown_request_id,
            last.unknown_request_id,
        );
        add(&self.mismatched, now.mismatched, last.mismatched);
        add(&self.varbinds, now.varbinds, last.varbinds);
        last.clone_from(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_deltas_add_up() {
        let c = Counters::default();
        let mut last = SessionStats::default();
        let mut s = SessionStats {
            transmits: 3,
            retries: 1,
            varbinds: 20,
            ..SessionStats::default()
        };
        c.add_session(&s, &mut last);
        s.transmits = 5;
        s.unknown_request_id = 2;
        c.add_session(&s, &mut last);
        c.add_session(&s, &mut last);
        let snap = c.snapshot();
        assert_eq!(snap.transmits, 5);
        assert_eq!(snap.retries, 1);
        assert_eq!(snap.varbinds, 20);
        assert_eq!(snap.unknown_request_id, 2);
        assert_eq!(snap.dropped(), 2);
    }
}
