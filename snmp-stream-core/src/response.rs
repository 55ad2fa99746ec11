//! What a request produced: [`Response`] with its [`Status`], wireline buffer and the
//! timestamped [`CollectError`]s met on the way.

use std::fmt;
use std::sync::Arc;

use crate::ber::{DecodeError, error_status};
use crate::oid::Oid;
use crate::request::{IndexRange, Request};
use crate::wireline::WirelineBuf;

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Everything asked for was collected.
    Complete,
    /// Some data was collected, then an error stopped part of the work; the data is kept.
    Partial,
    /// Nothing was collected.
    Failed,
}

impl Status {
    /// The status of a request that collected `records` records and met `errors` errors.
    pub fn from_outcome(records: usize, errors: usize) -> Status {
        match (records, errors) {
            (_, 0) => Status::Complete,
            (0, _) => Status::Failed,
            _ => Status::Partial,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Complete => "complete",
            Status::Partial => "partial",
            Status::Failed => "failed",
        })
    }
}

/// Something that went wrong while collecting, kept with the response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CollectError {
    /// No reply after every attempt.
    #[error("no reply after {attempts} attempt{}", if *attempts == 1 { "" } else { "s" })]
    Timeout {
        /// Transmissions made (retries + 1).
        attempts: u32,
    },
    /// The whole-host deadline passed before the work was done.
    #[error("host deadline exceeded")]
    DeadlineExceeded,
    /// The agent answered with an error-status.
    #[error("agent error {} ({status}) at varbind {index}{}", error_status::name(*status), .oid.as_ref().map(|o| format!(" ({o})")).unwrap_or_default())]
    Agent {
        /// The error-status.
        status: i32,
        /// The error-index (1-based; 0 when no varbind is blamed).
        index: i32,
        /// The OID the error-index points at, when it points at one that was sent.
        oid: Option<Oid>,
    },
    /// A reply could not be decoded (or one varbind of it could not).
    #[error("malformed response: {0}")]
    Malformed(DecodeError),
    /// A walk got an OID that is not after the one it asked for.
    #[error("non-increasing OID: asked after {previous}, got {received}")]
    NonIncreasingOid {
        /// The OID the walk asked to continue after.
        previous: Oid,
        /// The OID the agent returned.
        received: Oid,
    },
    /// The request could not be sent.
    #[error("send failed: {0}")]
    Send(std::io::ErrorKind),
    /// The host name did not resolve.
    #[error("host name did not resolve")]
    Resolve,
    /// No TCP connection to the agent could be made (a `tcp:` host).
    #[error("cannot connect over TCP: {0}")]
    Connect(std::io::ErrorKind),
    /// SNMPv3: the agent's User-based Security Model refused the request, or never answered
    /// in a way that says why.
    #[error("SNMPv3: {0}")]
    Usm(UsmError),
    /// A GET reply left this OID out twice: once in the PDU that asked for it with others,
    /// once when it was asked again on its own.
    #[error("the agent left {oid} out of its replies, also when asked for it alone")]
    MissingFromReply {
        /// The OID asked for.
        oid: Oid,
    },
    /// A varbind's OID decoded but its value did not: the record is left out, the walk goes
    /// on after the OID.
    #[error("malformed value of {oid}: {error}")]
    MalformedValue {
        /// The varbind's OID.
        oid: Oid,
        /// What is wrong with the value, and its byte offset in the datagram.
        error: DecodeError,
    },
    /// A walk's head reached the cap on varbinds per root OID (`max_rows_per_root`).
    #[error("stopped {root} at the cap of {cap} varbinds per root OID")]
    RowCap {
        /// The root OID whose walk stopped.
        root: Oid,
        /// The cap.
        cap: u64,
    },
    /// The agent kept answering without data that moves the walk on.
    #[error("replies made no progress")]
    NoProgress,
    /// The collector stopped (shut down, or its runtime failed) before the work was done.
    #[error("collector stopped before the request finished")]
    Cancelled,
}

/// Why SNMPv3 requests failed, with what to check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsmError {
    /// No answer to engine discovery (RFC 3414 §4).
    #[error("no answer to engine discovery after {attempts} attempt{}: check that the agent speaks SNMPv3 on this port", if *attempts == 1 { "" } else { "s" })]
    NoDiscovery {
        /// Probes sent.
        attempts: u32,
    },
    /// usmStatsUnknownUserNames.
    #[error("the agent does not know user `{user}`: check the user name")]
    UnknownUser {
        /// The user.
        user: String,
    },
    /// usmStatsWrongDigests.
    #[error("wrong authentication password or protocol for user `{user}` (usmStatsWrongDigests)")]
    WrongDigest {
        /// The user.
        user: String,
    },
    /// usmStatsDecryptionErrors.
    #[error(
        "the agent cannot decrypt user `{user}`'s requests: wrong privacy password or protocol (usmStatsDecryptionErrors)"
    )]
    DecryptionError {
        /// The user.
        user: String,
    },
    /// usmStatsUnsupportedSecLevels.
    #[error("the agent does not allow security level {level} for user `{user}`")]
    UnsupportedSecurityLevel {
        /// The user.
        user: String,
        /// The level asked.
        level: &'static str,
    },
    /// usmStatsNotInTimeWindows again after re-synchronising.
    #[error(
        "the agent's clock keeps refusing user `{user}`'s requests (usmStatsNotInTimeWindows after re-synchronising)"
    )]
    NotInTimeWindow {
        /// The user.
        user: String,
    },
    /// A Report of another counter than USM's (snmpUnknownContexts, ...).
    #[error("the agent refused user `{user}`'s request with a Report of {report}{hint}")]
    Refused {
        /// The user.
        user: String,
        /// The counter's OID.
        report: String,
        /// What to check, when known.
        hint: &'static str,
    },
    /// The agent's engine boots reached their maximum (2^31 - 1): it takes no authenticated
    /// message until it is reconfigured (RFC 3414 §2.2.2).
    #[error(
        "the agent's engine boots reached their maximum (2147483647): it must be reconfigured (RFC 3414 2.2.2) before it takes authenticated requests"
    )]
    BootsAtMaximum,
    /// usmStatsUnknownEngineIDs again after taking the engine ID named.
    #[error("the agent keeps refusing its own engine ID (usmStatsUnknownEngineIDs)")]
    UnknownEngineId,
    /// An authPriv request timed out after the agent had confirmed the user's
    /// authentication key: net-snmp's agent drops what it cannot decrypt without a Report.
    #[error("no reply after {attempts} attempt{} although the agent confirmed user `{user}`'s authentication: a wrong privacy password or protocol is the likely cause (or a context, -n / -E, the agent drops)", if *attempts == 1 { "" } else { "s" })]
    PrivacyLikelyWrong {
        /// The user.
        user: String,
        /// Transmissions made.
        attempts: u32,
    },
}

/// An error with the time it happened (nanoseconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedError {
    /// When, in nanoseconds since the Unix epoch.
    pub timestamp: u64,
    /// What.
    pub error: CollectError,
}

/// The result of one request (or one range partition of it).
#[derive(Debug, Clone)]
pub struct Response {
    /// The request answered.
    pub request: Arc<Request>,
    /// The index range this response covers, when the request was split into ranges.
    pub range: Option<IndexRange>,
    /// How it ended.
    pub status: Status,
    /// The collected records.
    pub buffer: WirelineBuf,
    /// Errors met, in the order they happened.
    pub errors: Vec<TimedError>,
    /// Agent bugs tolerated and datagrams dropped while collecting it.
    pub quirks: Quirks,
}

/// Counts of agent bugs the collector tolerated, and of replies it dropped, for one response.
///
/// Datagrams dropped before they can be matched to a request (not an SNMP Response, or a
/// request-id of no PDU in flight) are counted with the next response the host's session
/// finishes, so the sum over a host's responses is the host's total up to its last response
/// (the session's counters also have those that come after it, such as a late copy of the
/// last reply).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Quirks {
    /// Walk varbinds equal to the previous OID of their column (the agent returned one object
    /// twice in a row): dropped, the walk went on.
    pub repeated_oids: u64,
    /// Counter32, Gauge32 or TimeTicks values wider than 32 bits, and INTEGERs outside
    /// Integer32: kept as sent.
    pub out_of_range_values: u64,
    /// Varbinds whose OID decoded but whose value did not: left out, each with a
    /// [`CollectError::MalformedValue`].
    pub malformed_values: u64,
    /// GET reply varbinds that answered nothing asked (an OID not requested, or one already
    /// answered): dropped.
    pub unrequested_varbinds: u64,
    /// GET OIDs a reply left out, asked again in a PDU of their own.
    pub reasked_oids: u64,
    /// GET OIDs asked more than once by the request (equal point ranges): asked and recorded
    /// once.
    pub duplicate_get_oids: u64,
    /// Replies to a live request-id in another SNMP version: dropped.
    pub wrong_version: u64,
    /// Replies to a live request-id with another community: dropped.
    pub wrong_community: u64,
    /// Replies from another source address of the host, accepted because
    /// `accept_other_source` is on.
    pub other_source: u64,
    /// Datagrams from the host that were not an SNMP Response message: dropped.
    pub malformed_replies: u64,
    /// Replies with a request-id of no PDU in flight (late copies of answered requests, or
    /// stray): dropped.
    pub unknown_request_id: u64,
    /// SNMPv3 replies that failed authentication (a wrong digest, or unauthenticated data for
    /// a user who authenticates) or decryption: dropped, never data.
    pub failed_authentication: u64,
}

impl Quirks {
    /// Each count with its description, in a fixed order (the order of the fields).
    pub fn counts(&self) -> [(&'static str, u64); 12] {
        [
            ("repeated OIDs dropped", self.repeated_oids),
            ("out-of-range values kept", self.out_of_range_values),
            ("malformed values", self.malformed_values),
            ("unrequested varbinds dropped", self.unrequested_varbinds),
            ("OIDs asked again", self.reasked_oids),
            ("duplicate GET OIDs asked once", self.duplicate_get_oids),
            ("replies with another version dropped", self.wrong_version),
            (
                "replies with another community dropped",
                self.wrong_community,
            ),
            ("replies from another address accepted", self.other_source),
            ("malformed replies dropped", self.malformed_replies),
            (
                "replies to no request in flight dropped",
                self.unknown_request_id,
            ),
            (
                "replies failing authentication dropped",
                self.failed_authentication,
            ),
        ]
    }

    /// Quirks from counts in the order of [`Quirks::counts`]; missing counts are zero, extra
    /// ones (from a later version) ignored.
    pub(crate) fn from_counts(c: &[u64]) -> Quirks {
        let at = |i: usize| c.get(i).copied().unwrap_or(0);
        Quirks {
            repeated_oids: at(0),
            out_of_range_values: at(1),
            malformed_values: at(2),
            unrequested_varbinds: at(3),
            reasked_oids: at(4),
            duplicate_get_oids: at(5),
            wrong_version: at(6),
            wrong_community: at(7),
            other_source: at(8),
            malformed_replies: at(9),
            unknown_request_id: at(10),
            failed_authentication: at(11),
        }
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.counts().iter().all(|&(_, n)| n == 0)
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Quirks) {
        let mine = self.counts();
        let sum: Vec<u64> = mine
            .iter()
            .zip(other.counts())
            .map(|(a, b)| a.1 + b.1)
            .collect();
        *self = Quirks::from_counts(&sum);
    }
}

impl fmt::Display for Quirks {
    /// The non-zero counts, `; `-separated (`repeated OIDs dropped: 2; malformed values: 1`), or
    /// `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (what, n) in self.counts() {
            if n > 0 {
                if !first {
                    f.write_str("; ")?;
                }
                write!(f, "{what}: {n}")?;
                first = false;
            }
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_outcome() {
        assert_eq!(Status::from_outcome(0, 0), Status::Complete);
        assert_eq!(Status::from_outcome(5, 0), Status::Complete);
        assert_eq!(Status::from_outcome(5, 1), Status::Partial);
        assert_eq!(Status::from_outcome(0, 1), Status::Failed);
    }

    #[test]
    fn agent_errors_name_status_and_oid() {
        let e = CollectError::Agent {
            status: 2,
            index: 1,
            oid: Some("1.3.6.1.2.1.1.9.0".parse().unwrap()),
        };
        assert_eq!(
            e.to_string(),
            "agent error noSuchName (2) at varbind 1 (1.3.6.1.2.1.1.9.0)"
        );
    }

    #[test]
    fn quirks_count_in_a_fixed_order_and_read_back() {
        let mut q = Quirks::default();
        assert_eq!(q.to_string(), "none");
        q.repeated_oids = 2;
        q.wrong_community = 1;
        assert_eq!(
            q.to_string(),
            "repeated OIDs dropped: 2; replies with another community dropped: 1"
        );
        let counts: Vec<u64> = q.counts().iter().map(|c| c.1).collect();
        assert_eq!(Quirks::from_counts(&counts), q);
        assert_eq!(Quirks::from_counts(&counts[..1]).repeated_oids, 2);
        assert_eq!(Quirks::from_counts(&[]), Quirks::default());
        let mut sum = q;
        sum.add(&q);
        assert_eq!((sum.repeated_oids, sum.wrong_community), (4, 2));
    }

    #[test]
    fn timeouts_count_attempts_in_words() {
        let t = |attempts| CollectError::Timeout { attempts }.to_string();
        assert_eq!(t(1), "no reply after 1 attempt");
        assert_eq!(t(3), "no reply after 3 attempts");
    }
}
