//! BER codec for SNMP v1/v2c messages (X.690 basic encoding rules as RFC 3416 uses them).
//!
//! - [`write`](mod@write): an allocation-free encoder for request (and response) messages into a reused
//!   `Vec<u8>`.
//! - [`read`](mod@read): a zero-allocation, lenient reader that walks a message's header and varbinds
//!   in place, handing out borrowed [`crate::Value`]s.
//! - [`stream`]: splits a TCP byte stream into messages (RFC 3430).
//! - [`v3`]: the SNMPv3 message and the User-based Security Model's parameters (RFC 3412,
//!   RFC 3414), around the same PDUs.
//!
//! The message layer (version, community) is kept apart from the PDU layer (request-id,
//! error fields, varbinds) so that an SNMPv3 header and scoped PDU can later wrap the same
//! PDU code.

pub mod read;
pub mod stream;
pub mod v3;
pub mod write;

pub use read::{
    DecodeError, DecodeErrorKind, Message, Pdu, VarBind, VarBindError, VarBinds, read_message,
};
pub use write::{PduHeader, encode_message, encode_message_with_pdu, pdu_len, write_pdu};

/// Universal tags used by SNMP.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const OBJECT_ID: u8 = 0x06;
    pub(crate) const SEQUENCE: u8 = 0x30;
}

/// The PDU types of RFC 3416 §3 (context-specific, constructed tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum PduType {
    /// GetRequest-PDU.
    GetRequest = 0xa0,
    /// GetNextRequest-PDU.
    GetNextRequest = 0xa1,
    /// Response-PDU (GetResponse in v1).
    Response = 0xa2,
    /// SetRequest-PDU.
    SetRequest = 0xa3,
    /// GetBulkRequest-PDU (v2c only).
    GetBulkRequest = 0xa5,
    /// InformRequest-PDU.
    InformRequest = 0xa6,
    /// SNMPv2-Trap-PDU.
    SnmpV2Trap = 0xa7,
    /// Report-PDU.
    Report = 0xa8,
}

impl PduType {
    /// The PDU type for a tag; `None` for the v1 Trap-PDU (0xa4, a different layout) and for
    /// anything else.
    pub const fn from_tag(t: u8) -> Option<PduType> {
        Some(match t {
            0xa0 => PduType::GetRequest,
            0xa1 => PduType::GetNextRequest,
            0xa2 => PduType::Response,
            0xa3 => PduType::SetRequest,
            0xa5 => PduType::GetBulkRequest,
            0xa6 => PduType::InformRequest,
            0xa7 => PduType::SnmpV2Trap,
            0xa8 => PduType::Report,
            _ => return None,
        })
    }
}

/// Error-status values of RFC 3416 §3 (0–18); v1 uses 0–5.
pub mod error_status {
    /// noError.
    pub const NO_ERROR: i32 = 0;
    /// tooBig: the response would not fit in a message.
    pub const TOO_BIG: i32 = 1;
    /// noSuchName (v1): a requested OID does not exist or is past the end of the MIB.
    pub const NO_SUCH_NAME: i32 = 2;
    /// badValue.
    pub const BAD_VALUE: i32 = 3;
    /// readOnly.
    pub const READ_ONLY: i32 = 4;
    /// genErr.
    pub const GEN_ERR: i32 = 5;
    /// noAccess.
    pub const NO_ACCESS: i32 = 6;
    /// authorizationError.
    pub const AUTHORIZATION_ERROR: i32 = 16;

    /// The RFC 3416 name of an error-status value.
    pub const fn name(status: i32) -> &'static str {
        match status {
            0 => "noError",
            1 => "tooBig",
            2 => "noSuchName",
            3 => "badValue",
            4 => "readOnly",
            5 => "genErr",
            6 => "noAccess",
            7 => "wrongType",
            8 => "wrongLength",
            9 => "wrongEncoding",
            10 => "wrongValue",
            11 => "noCreation",
            12 => "inconsistentValue",
            13 => "resourceUnavailable",
            14 => "commitFailed",
            15 => "undoFailed",
            16 => "authorizationError",
            17 => "notWritable",
            18 => "inconsistentName",
            _ => "unknown",
        }
    }
}

/// Octets needed for a definite length field for `len` content octets (X.690 §8.1.3).
#[inline]
pub(crate) const fn len_of_len(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS as usize / 8 - len.leading_zeros() as usize / 8)
    }
}

/// Octets of a whole TLV (one-octet tag) with `len` content octets: what a varbind or a
/// value of that size adds to a message (the simulated agent sizes its responses with it).
#[inline]
pub const fn tlv_len(len: usize) -> usize {
    1 + len_of_len(len) + len
}

/// Appends a tag and a minimal definite length.
#[inline]
pub(crate) fn put_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let n = len_of_len(len) - 1;
        out.push(0x80 | n as u8);
        let be = len.to_be_bytes();
        out.extend_from_slice(&be[be.len() - n..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_fields_are_minimal() {
        for (len, want) in [
            (0usize, &[0x00u8][..]),
            (127, &[0x7f]),
            (128, &[0x81, 0x80]),
            (255, &[0x81, 0xff]),
            (256, &[0x82, 0x01, 0x00]),
            (65535, &[0x82, 0xff, 0xff]),
            (65536, &[0x83, 0x01, 0x00, 0x00]),
        ] {
            let mut out = Vec::new();
            put_header(&mut out, 0x04, len);
            assert_eq!(&out[1..], want, "length {len}");
            assert_eq!(out.len(), 1 + len_of_len(len));
        }
    }
}
