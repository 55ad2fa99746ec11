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
    /// A GET reply named another OID than the one asked for at that position.
    #[error("asked for {expected}, got {received}")]
    UnexpectedOid {
        /// The OID asked for.
        expected: Oid,
        /// The OID the agent returned.
        received: Oid,
    },
    /// A head reached the permissive policy's row cap.
    #[error("row cap reached after {rows} records")]
    RowCap {
        /// Records the head collected.
        rows: u64,
    },
    /// The agent kept answering without data that moves the walk on.
    #[error("replies made no progress")]
    NoProgress,
    /// The collector stopped (shut down, or its runtime failed) before the work was done.
    #[error("collector stopped before the request finished")]
    Cancelled,
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
    fn timeouts_count_attempts_in_words() {
        let t = |attempts| CollectError::Timeout { attempts }.to_string();
        assert_eq!(t(1), "no reply after 1 attempt");
        assert_eq!(t(3), "no reply after 3 attempts");
    }
}
