//! Wireline files: many responses in one file, as frames of (metadata, buffer).
//!
//! ```text
//! file    = header frame*
//! header  = "SNMPWIRE" (8 bytes) | version u32 LE (= 1) | 4 zero bytes
//! frame   = metadata length M u64 LE | buffer length B u64 LE
//!           | metadata (M bytes, zero-padded to a multiple of 8)
//!           | buffer (B bytes: a wireline buffer byte for byte, so 8-byte aligned in the file)
//! metadata (integers little-endian):
//!           kind u8 (0 GET, 1 WALK) | status u8 (0 complete, 1 partial, 2 failed)
//!           | host: u16 length, UTF-8 ("name:port")  | req_id: u32 length, bytes
//!           | range: u8 present; if 1: start u16 count + u32 each, stop u16 count + u32 each
//!           | errors: u32 count; each: timestamp u64 (ns since the epoch), kind u8
//!             (see [`ErrorKind`]), message: u16 length, UTF-8
//!           | quirks (optional): u8 count N, then N u64 counts in the order of
//!             [`Quirks::counts`]; absent (or N = 0) in files written before it existed,
//!             which readers take as no quirks; counts past those a reader knows are ignored
//! ```
//!
//! Frames are appended whole, so a file can be read while it is still being written: a
//! truncated last frame is reported ([`FileErrorKind::TruncatedFrame`]) after the complete
//! frames before it. A file that does not start with the magic is read as one bare buffer
//! (as the original wrote them), with no metadata.

mod read;
mod write;

pub use read::{FileError, FileErrorKind, Frame, Frames, frames};
pub use write::WirelineFileWriter;

use crate::request::{IndexRange, RequestKind};
use crate::response::{CollectError, Quirks, Response, Status};

/// The first 8 bytes of a wireline file.
pub const MAGIC: [u8; 8] = *b"SNMPWIRE";
/// The file layout version this crate writes and reads.
pub const VERSION: u32 = 1;

/// The kind of a recorded error, as a stable code in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A code this version does not know (written by a later one).
    Other = 0,
    /// No reply after every attempt.
    Timeout = 1,
    /// The host deadline passed.
    DeadlineExceeded = 2,
    /// The agent answered with an error-status.
    Agent = 3,
    /// A reply could not be decoded.
    Malformed = 4,
    /// A walk got a non-increasing OID.
    NonIncreasingOid = 5,
    /// The request could not be sent.
    Send = 6,
    /// The host name did not resolve.
    Resolve = 7,
    /// A GET reply named another OID (written by earlier versions only).
    UnexpectedOid = 8,
    /// A walk reached the cap on varbinds per root OID.
    RowCap = 9,
    /// Replies made no progress.
    NoProgress = 10,
    /// The collector stopped before the request finished.
    Cancelled = 11,
    /// A GET reply left an OID out, also when asked for alone.
    MissingFromReply = 12,
    /// A varbind's value could not be decoded.
    MalformedValue = 13,
    /// No TCP connection to the agent could be made.
    Connect = 14,
    /// SNMPv3's security model refused the requests (or most likely did).
    Usm = 15,
}

impl ErrorKind {
    /// The code's kind.
    pub fn from_code(code: u8) -> ErrorKind {
        use ErrorKind::*;
        [
            Other,
            Timeout,
            DeadlineExceeded,
            Agent,
            Malformed,
            NonIncreasingOid,
            Send,
            Resolve,
            UnexpectedOid,
            RowCap,
            NoProgress,
            Cancelled,
            MissingFromReply,
            MalformedValue,
            Connect,
            Usm,
        ]
        .get(usize::from(code))
        .copied()
        .unwrap_or(Other)
    }

    /// The kind of a collection error.
    pub fn of(e: &CollectError) -> ErrorKind {
        match e {
            CollectError::Timeout { .. } => ErrorKind::Timeout,
            CollectError::DeadlineExceeded => ErrorKind::DeadlineExceeded,
            CollectError::Agent { .. } => ErrorKind::Agent,
            CollectError::Malformed(_) => ErrorKind::Malformed,
            CollectError::NonIncreasingOid { .. } => ErrorKind::NonIncreasingOid,
            CollectError::Send(_) => ErrorKind::Send,
            CollectError::Resolve => ErrorKind::Resolve,
            CollectError::Connect(_) => ErrorKind::Connect,
            CollectError::Usm(_) => ErrorKind::Usm,
            CollectError::MissingFromReply { .. } => ErrorKind::MissingFromReply,
            CollectError::MalformedValue { .. } => ErrorKind::MalformedValue,
            CollectError::RowCap { .. } => ErrorKind::RowCap,
            CollectError::NoProgress => ErrorKind::NoProgress,
            CollectError::Cancelled => ErrorKind::Cancelled,
        }
    }

    /// A short name (`timeout`, `agent`, …).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Other => "other",
            ErrorKind::Timeout => "timeout",
            ErrorKind::DeadlineExceeded => "deadline",
            ErrorKind::Agent => "agent",
            ErrorKind::Malformed => "malformed",
            ErrorKind::NonIncreasingOid => "non-increasing",
            ErrorKind::Send => "send",
            ErrorKind::Resolve => "resolve",
            ErrorKind::UnexpectedOid => "unexpected-oid",
            ErrorKind::RowCap => "row-cap",
            ErrorKind::NoProgress => "no-progress",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::MissingFromReply => "missing",
            ErrorKind::MalformedValue => "malformed-value",
            ErrorKind::Connect => "connect",
            ErrorKind::Usm => "usm",
        }
    }
}

/// A recorded error as the file keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRecord {
    /// When, in nanoseconds since the Unix epoch.
    pub timestamp: u64,
    /// Its kind.
    pub kind: ErrorKind,
    /// Its message, as the error displays.
    pub message: String,
}

/// What a frame says about its buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameMeta {
    /// GET or WALK.
    pub kind: RequestKind,
    /// How the request ended.
    pub status: Status,
    /// The host, as `name:port`.
    pub host: String,
    /// The request-id (also in the buffer's header).
    pub req_id: Vec<u8>,
    /// The index range the buffer covers, when the request was split.
    pub range: Option<IndexRange>,
    /// The errors met.
    pub errors: Vec<ErrorRecord>,
    /// The agent bugs tolerated and replies dropped.
    pub quirks: Quirks,
}

impl FrameMeta {
    /// The metadata of a response.
    pub fn of(r: &Response) -> FrameMeta {
        FrameMeta {
            kind: r.request.kind(),
            status: r.status,
            host: r.request.host().to_string(),
            req_id: r.request.req_id().to_vec(),
            range: r.range.clone(),
            errors: r
                .errors
                .iter()
                .map(|e| ErrorRecord {
                    timestamp: e.timestamp,
                    kind: ErrorKind::of(&e.error),
                    message: e.error.to_string(),
                })
                .collect(),
            quirks: r.quirks,
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(match self.kind {
            RequestKind::Get => 0,
            RequestKind::Walk => 1,
        });
        out.push(match self.status {
            Status::Complete => 0,
            Status::Partial => 1,
            Status::Failed => 2,
        });
        put_bytes16(out, self.host.as_bytes());
        let req_len = u32::try_from(self.req_id.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&req_len.to_le_bytes());
        out.extend_from_slice(&self.req_id[..req_len as usize]);
        match &self.range {
            None => out.push(0),
            Some(r) => {
                out.push(1);
                for side in [r.start(), r.stop()] {
                    out.extend_from_slice(&(side.len() as u16).to_le_bytes());
                    side.iter()
                        .for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
                }
            }
        }
        out.extend_from_slice(&(self.errors.len() as u32).to_le_bytes());
        for e in &self.errors {
            out.extend_from_slice(&e.timestamp.to_le_bytes());
            out.push(e.kind as u8);
            put_bytes16(out, e.message.as_bytes());
        }
        let counts = self.quirks.counts();
        out.push(counts.len() as u8);
        for (_, n) in counts {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }

    fn decode(b: &[u8]) -> Option<FrameMeta> {
        let mut r = Bytes(b);
        let kind = match r.u8()? {
            0 => RequestKind::Get,
            1 => RequestKind::Walk,
            _ => return None,
        };
        let status = match r.u8()? {
            0 => Status::Complete,
            1 => Status::Partial,
            2 => Status::Failed,
            _ => return None,
        };
        let host_len = usize::from(r.u16()?);
        let host = String::from_utf8(r.take(host_len)?.to_vec()).ok()?;
        let req_len = usize::try_from(r.u32()?).ok()?;
        let req_id = r.take(req_len)?.to_vec();
        let range = match r.u8()? {
            0 => None,
            1 => {
                let mut side = || -> Option<Vec<u32>> {
                    let n = usize::from(r.u16()?);
                    (0..n).map(|_| r.u32()).collect()
                };
                let (start, stop) = (side()?, side()?);
                Some(IndexRange::new(&start, &stop).ok()?)
            }
            _ => return None,
        };
        let n = r.u32()?;
        let mut errors = Vec::with_capacity(n.min(1024) as usize);
        for _ in 0..n {
            let timestamp = r.u64()?;
            let kind = ErrorKind::from_code(r.u8()?);
            let len = usize::from(r.u16()?);
            let message = String::from_utf8_lossy(r.take(len)?).into_owned();
            errors.push(ErrorRecord {
                timestamp,
                kind,
                message,
            });
        }
        // Metadata written before the quirks section ends here: no quirks.
        let counts: Vec<u64> = match r.u8() {
            Some(n) => (0..n).map(|_| r.u64()).collect::<Option<_>>()?,
            None => Vec::new(),
        };
        Some(FrameMeta {
            kind,
            status,
            host,
            req_id,
            range,
            errors,
            quirks: Quirks::from_counts(&counts),
        })
    }
}

fn put_bytes16(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len().min(usize::from(u16::MAX));
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&b[..n]);
}

/// A little-endian reader over metadata bytes.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wireline::{Wireline, WirelineWriter};
    use crate::{Oid, Value};

    fn buffer(n: u32) -> crate::WirelineBuf {
        let root: Oid = "1.3.6.1.2.1.2.2.1.2".parse().expect("oid");
        let mut w = WirelineWriter::new(b"req-7", std::slice::from_ref(&root));
        for i in 1..=n {
            w.push_record(u64::from(i), 0, &[i], &Value::OctetString(b"eth"))
                .expect("root 0");
        }
        w.finish()
    }

    fn meta(host: &str, errors: usize) -> FrameMeta {
        FrameMeta {
            kind: RequestKind::Walk,
            status: if errors == 0 {
                Status::Complete
            } else {
                Status::Partial
            },
            host: host.into(),
            req_id: b"req-7".to_vec(),
            range: Some("10:10".parse().expect("range")),
            errors: (0..errors)
                .map(|i| ErrorRecord {
                    timestamp: i as u64,
                    kind: ErrorKind::Timeout,
                    message: "no reply after 4 attempts".into(),
                })
                .collect(),
            quirks: Quirks {
                repeated_oids: errors as u64,
                unknown_request_id: 3,
                ..Quirks::default()
            },
        }
    }

    #[test]
    fn metadata_without_quirks_reads_as_no_quirks() {
        // Files written before the quirks section: the errors end the metadata (whose length
        // excludes the frame's padding).
        let m = meta("10.0.0.1:161", 1);
        let mut bytes = Vec::new();
        m.encode(&mut bytes);
        let without = &bytes[..bytes.len() - 1 - 8 * Quirks::default().counts().len()];
        let old = FrameMeta::decode(without).expect("decodes");
        assert_eq!(old.quirks, Quirks::default());
        assert_eq!(old.errors, m.errors);
        assert_eq!(FrameMeta::decode(&bytes), Some(m));
        // A count cut short is damage, not a default.
        assert_eq!(FrameMeta::decode(&bytes[..bytes.len() - 3]), None);
    }

    fn file() -> Vec<u8> {
        let mut w = WirelineFileWriter::new(Vec::new()).expect("vec");
        w.write_frame(&meta("10.0.0.1:161", 0), buffer(3).as_bytes())
            .expect("vec");
        w.write_frame(&meta("[::1]:1161", 2), buffer(1).as_bytes())
            .expect("vec");
        w.into_inner().expect("vec")
    }

    #[test]
    fn frames_read_back_as_written() {
        let f = file();
        assert_eq!(&f[..8], b"SNMPWIRE");
        let frames: Vec<_> = frames(&f).collect::<Result<_, _>>().expect("valid");
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].meta, Some(meta("10.0.0.1:161", 0)));
        assert_eq!(frames[1].meta, Some(meta("[::1]:1161", 2)));
        assert_eq!(frames[0].buffer, buffer(3).as_bytes());
        for (fr, n) in frames.iter().zip([3, 1]) {
            assert_eq!(
                fr.offset % 8,
                0,
                "frames and buffers are 8-byte aligned in the file"
            );
            let words = fr.words().expect("buffer");
            assert_eq!(
                Wireline::parse(&words).expect("parses").records().count(),
                n
            );
        }
    }

    #[test]
    fn a_truncated_last_frame_is_reported_after_the_complete_ones() {
        let f = file();
        let first_end = frames(&f).next().expect("one").expect("ok").offset as usize;
        assert_eq!(first_end, 16);
        let second_at = frames(&f).nth(1).expect("two").expect("ok").offset as usize;
        for cut in second_at + 1..f.len() {
            let got: Vec<_> = frames(&f[..cut]).collect();
            assert_eq!(got.len(), 2, "cut at {cut}");
            assert!(got[0].is_ok());
            assert_eq!(
                got[1].as_ref().unwrap_err(),
                &FileError {
                    offset: second_at as u64,
                    kind: FileErrorKind::TruncatedFrame
                }
            );
        }
        assert_eq!(
            frames(&f[..second_at]).count(),
            1,
            "a file cut between frames is simply shorter"
        );
    }

    #[test]
    fn bare_buffers_are_one_frame_without_metadata() {
        let b = buffer(2);
        let frames: Vec<_> = frames(b.as_bytes())
            .collect::<Result<_, _>>()
            .expect("valid");
        assert_eq!(frames.len(), 1);
        assert!(frames[0].meta.is_none());
        assert_eq!(
            Wireline::parse(&frames[0].words().expect("buffer"))
                .expect("parses")
                .records()
                .count(),
            2
        );
    }

    #[test]
    fn bad_files_name_what_and_where() {
        let mut f = file();
        f[8] = 9;
        assert_eq!(
            frames(&f).next().expect("one").unwrap_err().kind,
            FileErrorKind::UnsupportedVersion(9)
        );
        let mut f = file();
        f[16 + 8] |= 3; // the first frame's buffer length is no longer a multiple of 8
        let len = u64::from_le_bytes(f[24..32].try_into().expect("8 bytes"));
        assert_eq!(
            frames(&f).next().expect("one").unwrap_err(),
            FileError {
                offset: 24,
                kind: FileErrorKind::BadBufferLength(len)
            }
        );
        let mut f = file();
        f[32] = 7; // the first frame's request kind
        assert_eq!(
            frames(&f).next().expect("one").unwrap_err(),
            FileError {
                offset: 32,
                kind: FileErrorKind::BadMetadata
            }
        );
    }

    #[test]
    fn random_bytes_after_the_magic_never_panic() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..400 {
            let mut f = file()[..16].to_vec();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                f.push(x as u8);
            }
            for fr in frames(&f).flatten() {
                let _ = fr
                    .words()
                    .map(|w| Wireline::parse(&w).map(|p| p.records().count()));
            }
        }
    }
}
