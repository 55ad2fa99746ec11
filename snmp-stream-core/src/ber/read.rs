//! Zero-allocation, lenient reader for SNMP v1/v2c messages.
//!
//! [`read_message`] checks the message and PDU headers and returns a [`Message`] whose
//! [`Pdu::varbinds`] iterator decodes one varbind at a time, borrowing from the datagram.
//!
//! # Lenient where real agents are buggy but the meaning is clear
//! - Counter32, Gauge32, TimeTicks and Counter64 are read as unsigned magnitudes, so an agent
//!   that omits the leading `0x00` (sending `ff ff ff ff` for 4294967295) is read as meant.
//! - INTEGER (and the unsigned types) may be up to 8 significant octets wide, with any number of
//!   redundant leading sign octets.
//! - Length fields may be non-minimal (`0x82 0x00 0x05`, or the long form for short lengths).
//! - Bytes after the message, after the PDU, after the varbind list, and after a varbind's value
//!   are ignored.
//! - NULL and the three exceptions with content octets are read as if they had none.
//! - Unknown value tags are kept raw ([`Value::Unknown`]).
//!
//! # Strict where meaning is lost
//! Truncated TLVs, indefinite lengths, lengths past their container or the datagram, high tag
//! numbers, integers wider than 64 bits, malformed OIDs and IpAddresses other than four octets
//! are errors with the byte offset of the offending TLV.
//!
//! A malformed varbind whose enclosing SEQUENCE is intact yields one `Err` and iteration goes
//! on with the next varbind, so one quirky value does not cost the rest of the response; when
//! its OID decoded, the error carries it ([`VarBindError::oid`]), so the caller can name it and
//! a walk can go on after it. A varbind whose own framing is broken ends the iteration after
//! its error.

use crate::community::Version;
use crate::value::{BerOid, BerOidError, SubIds, Value};

use super::{PduType, tag};

/// A malformed message or varbind: what is wrong and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct DecodeError {
    /// Byte offset in the datagram of the TLV (or length octet) at fault.
    pub offset: usize,
    /// What is wrong.
    pub kind: DecodeErrorKind,
}

/// What is wrong with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ends inside a tag or length field.
    #[error("truncated TLV header")]
    TruncatedHeader,
    /// A length field claims more content than its container (or the datagram) holds.
    #[error("length runs past the end of its container")]
    LengthPastEnd,
    /// An indefinite length (`0x80`), which BER allows but SNMP does not (RFC 3417 §8).
    #[error("indefinite length")]
    IndefiniteLength,
    /// A length field too large to be meaningful (over 2^56, or the reserved `0xff`).
    #[error("length field too large")]
    LengthTooLarge,
    /// A multi-octet (high-number) tag, which SNMP never uses.
    #[error("high-number tag")]
    HighTagNumber,
    /// A tag other than the one the structure requires here.
    #[error("expected tag {expected:#04x}, found {found:#04x}")]
    UnexpectedTag {
        /// The tag required here.
        expected: u8,
        /// The tag found.
        found: u8,
    },
    /// A version other than v1 (0) or v2c (1).
    #[error("unsupported SNMP version {0}")]
    UnsupportedVersion(i64),
    /// A PDU tag that is not one of RFC 3416's (including the v1 Trap-PDU).
    #[error("unsupported PDU type {0:#04x}")]
    UnsupportedPdu(u8),
    /// An INTEGER (or unsigned) with no content octets.
    #[error("integer with no content octets")]
    EmptyInteger,
    /// An integer with more than 8 significant octets.
    #[error("integer wider than 64 bits")]
    IntegerTooWide,
    /// A header integer (request-id, error-status, error-index) outside Integer32.
    #[error("header integer outside the 32-bit range")]
    IntegerOutOfRange,
    /// OID content octets that are empty or end inside a sub-identifier.
    #[error("malformed OID encoding")]
    BadOid,
    /// An OID sub-identifier over 2^32-1.
    #[error("OID sub-identifier larger than 32 bits")]
    OidSubIdOverflow,
    /// An OID with more than 128 sub-identifiers.
    #[error("OID with more than 128 sub-identifiers")]
    OidTooLong,
    /// An IpAddress whose length is not 4.
    #[error("IpAddress of {0} octets (expected 4)")]
    BadIpAddress(usize),
    /// An SNMPv3 msgFlags that is not one octet.
    #[error("msgFlags of {0} octets (expected 1)")]
    BadFlags(usize),
    /// An SNMPv3 security model other than USM (3).
    #[error("unsupported security model {0} (only the User-based Security Model, 3)")]
    UnsupportedSecurityModel(i64),
}

/// A varbind that could not be decoded: what is wrong and where, and its OID when that much
/// decoded (then only the value is malformed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct VarBindError<'a> {
    /// What is wrong, at which byte offset of the datagram.
    pub error: DecodeError,
    /// The varbind's OID, when it decoded.
    pub oid: Option<BerOid<'a>>,
}

impl From<VarBindError<'_>> for DecodeError {
    fn from(e: VarBindError<'_>) -> DecodeError {
        e.error
    }
}

impl From<DecodeError> for VarBindError<'_> {
    fn from(error: DecodeError) -> Self {
        VarBindError { error, oid: None }
    }
}

/// A decoded message header with its PDU.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    /// The message version.
    pub version: Version,
    /// The community octets.
    pub community: &'a [u8],
    /// The PDU.
    pub pdu: Pdu<'a>,
}

/// A decoded PDU header; its varbinds are decoded on demand by [`Pdu::varbinds`].
#[derive(Debug, Clone)]
pub struct Pdu<'a> {
    /// The PDU type.
    pub pdu_type: PduType,
    /// The request-id.
    pub request_id: i32,
    /// error-status (non-repeaters in a GetBulkRequest).
    pub error_status: i32,
    /// error-index (max-repetitions in a GetBulkRequest).
    pub error_index: i32,
    varbinds: VarBinds<'a>,
    /// The whole PDU TLV.
    bytes: &'a [u8],
}

impl<'a> Pdu<'a> {
    /// An iterator over the varbinds; each call starts again from the first.
    pub fn varbinds(&self) -> VarBinds<'a> {
        self.varbinds.clone()
    }

    /// The whole PDU, as encoded (tag, length and content): what an SNMPv3 scoped PDU or a
    /// v1/v2c message carries.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// For a GetBulkRequest, non-repeaters (the same field as error-status).
    pub fn non_repeaters(&self) -> i32 {
        self.error_status
    }

    /// For a GetBulkRequest, max-repetitions (the same field as error-index).
    pub fn max_repetitions(&self) -> i32 {
        self.error_index
    }
}

/// One decoded varbind, borrowing from the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarBind<'a> {
    /// Byte offset of the varbind's SEQUENCE in the datagram.
    pub offset: usize,
    /// The name.
    pub oid: BerOid<'a>,
    /// The value.
    pub value: Value<'a>,
}

/// Decodes the header of an SNMP v1/v2c message.
///
/// Checks everything up to the varbind list's framing; the varbinds themselves are decoded
/// by iterating [`Pdu::varbinds`].
///
/// ```
/// use snmp_stream_core::ber::{read_message, PduType};
/// use snmp_stream_core::Value;
///
/// // A v2c Response: request-id 1, one varbind 1.3.6.1.2.1.1.3.0 = Timeticks 4096.
/// let datagram = [
///     0x30, 0x28, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c',
///     0xa2, 0x1b, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
///     0x30, 0x10, 0x30, 0x0e, 0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 3, 0, 0x43, 0x02, 0x10, 0x00,
/// ];
/// let msg = read_message(&datagram)?;
/// assert_eq!(msg.community, b"public");
/// assert_eq!(msg.pdu.pdu_type, PduType::Response);
/// let vb = msg.pdu.varbinds().next().unwrap()?;
/// assert_eq!(vb.oid.to_oid().to_string(), "1.3.6.1.2.1.1.3.0");
/// assert_eq!(vb.value, Value::TimeTicks(4096));
/// # Ok::<(), snmp_stream_core::ber::DecodeError>(())
/// ```
pub fn read_message(datagram: &[u8]) -> Result<Message<'_>, DecodeError> {
    let mut top = Cursor::new(datagram);
    // Bytes after the message's SEQUENCE are ignored (lenient).
    let msg = top.expect(tag::SEQUENCE)?;
    let mut c = top.inner(msg);

    let at = c.pos;
    let v = c.expect(tag::INTEGER)?;
    let v = decode_i64(c.content(v)).map_err(|kind| err(at, kind))?;
    let version = Version::from_wire(v).ok_or(err(at, DecodeErrorKind::UnsupportedVersion(v)))?;

    let community = c.expect(tag::OCTET_STRING)?;
    let community = c.content(community);

    Ok(Message {
        version,
        community,
        pdu: read_pdu(&mut c)?,
    })
}

/// Reads the PDU at `c`'s position (a v1/v2c message's, or a scoped PDU's).
pub(super) fn read_pdu<'a>(c: &mut Cursor<'a>) -> Result<Pdu<'a>, DecodeError> {
    let at = c.pos;
    let pdu = c.any()?;
    let pdu_type =
        PduType::from_tag(pdu.tag).ok_or(err(at, DecodeErrorKind::UnsupportedPdu(pdu.tag)))?;
    let mut p = c.inner(pdu);
    let request_id = p.header_int()?;
    let error_status = p.header_int()?;
    let error_index = p.header_int()?;
    let list = p.expect(tag::SEQUENCE)?;
    Ok(Pdu {
        pdu_type,
        request_id,
        error_status,
        error_index,
        varbinds: VarBinds {
            buf: c.buf,
            pos: list.start,
            end: list.end,
        },
        bytes: c.buf.get(at..pdu.end).unwrap_or_default(),
    })
}

/// Iterator over a PDU's varbinds. See the [module docs](self) for how errors end it.
#[derive(Debug, Clone)]
pub struct VarBinds<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Iterator for VarBinds<'a> {
    type Item = Result<VarBind<'a>, VarBindError<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        let mut c = Cursor {
            buf: self.buf,
            pos: self.pos,
            end: self.end,
        };
        let offset = c.pos;
        let seq = match c.any() {
            Ok(t) => t,
            Err(e) => {
                // The varbind's own framing is broken: nothing after it can be trusted.
                self.pos = self.end;
                return Some(Err(e.into()));
            }
        };
        // From here on the varbind's extent is known, so the next one can still be read.
        self.pos = seq.end;
        if seq.tag != tag::SEQUENCE {
            return Some(Err(err(
                offset,
                DecodeErrorKind::UnexpectedTag {
                    expected: tag::SEQUENCE,
                    found: seq.tag,
                },
            )
            .into()));
        }
        Some(read_varbind(c.inner(seq), offset))
    }
}

#[inline]
fn read_varbind(mut c: Cursor<'_>, offset: usize) -> Result<VarBind<'_>, VarBindError<'_>> {
    let at = c.pos;
    let name = c.expect(tag::OBJECT_ID)?;
    let oid = BerOid::parse(c.content(name)).map_err(|e| err(at, oid_error(e)))?;
    let with_oid = |error| VarBindError {
        error,
        oid: Some(oid),
    };
    let at = c.pos;
    let v = c.any().map_err(with_oid)?;
    // Bytes after the value inside the varbind's SEQUENCE are ignored (lenient).
    let value = decode_value(v.tag, c.content(v)).map_err(|kind| with_oid(err(at, kind)))?;
    Ok(VarBind { offset, oid, value })
}

/// Decodes a value's content octets according to its tag.
#[inline]
pub(crate) fn decode_value(tag: u8, content: &[u8]) -> Result<Value<'_>, DecodeErrorKind> {
    Ok(match tag {
        0x02 => Value::Integer(decode_i64(content)?),
        0x04 => Value::OctetString(content),
        0x05 => Value::Null,
        0x06 => Value::ObjectId(SubIds::Ber(BerOid::parse(content).map_err(oid_error)?)),
        0x40 => Value::IpAddress(
            content
                .try_into()
                .map_err(|_| DecodeErrorKind::BadIpAddress(content.len()))?,
        ),
        0x41 => Value::Counter32(decode_u64(content)?),
        0x42 => Value::Gauge32(decode_u64(content)?),
        0x43 => Value::TimeTicks(decode_u64(content)?),
        0x44 => Value::Opaque(content),
        0x46 => Value::Counter64(decode_u64(content)?),
        0x80 => Value::NoSuchObject,
        0x81 => Value::NoSuchInstance,
        0x82 => Value::EndOfMibView,
        tag => Value::Unknown { tag, content },
    })
}

fn oid_error(e: BerOidError) -> DecodeErrorKind {
    match e {
        BerOidError::Empty | BerOidError::Unterminated => DecodeErrorKind::BadOid,
        BerOidError::Overflow => DecodeErrorKind::OidSubIdOverflow,
        BerOidError::TooLong => DecodeErrorKind::OidTooLong,
    }
}

/// Two's-complement INTEGER content, with any redundant leading sign octets.
#[inline]
pub(crate) fn decode_i64(mut c: &[u8]) -> Result<i64, DecodeErrorKind> {
    let &first = c.first().ok_or(DecodeErrorKind::EmptyInteger)?;
    while c.len() > 8 {
        match c {
            [0x00, next, ..] if next & 0x80 == 0 => c = &c[1..],
            [0xff, next, ..] if next & 0x80 != 0 => c = &c[1..],
            _ => return Err(DecodeErrorKind::IntegerTooWide),
        }
    }
    let init: i64 = if first & 0x80 != 0 { -1 } else { 0 };
    Ok(c.iter().fold(init, |acc, &b| (acc << 8) | i64::from(b)))
}

/// Unsigned content read as a magnitude: a missing leading `0x00` is forgiven.
#[inline]
pub(crate) fn decode_u64(mut c: &[u8]) -> Result<u64, DecodeErrorKind> {
    if c.is_empty() {
        return Err(DecodeErrorKind::EmptyInteger);
    }
    while let [0x00, rest @ ..] = c {
        if rest.is_empty() {
            break;
        }
        c = rest;
    }
    if c.len() > 8 {
        return Err(DecodeErrorKind::IntegerTooWide);
    }
    Ok(c.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

#[inline]
pub(super) fn err(offset: usize, kind: DecodeErrorKind) -> DecodeError {
    DecodeError { offset, kind }
}

/// A TLV whose content lies at `buf[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tlv {
    pub(super) tag: u8,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A read position inside a container `buf[..end]`; offsets stay absolute in the datagram.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor<'a> {
    pub(super) buf: &'a [u8],
    pub(super) pos: usize,
    pub(super) end: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Cursor {
            buf,
            pos: 0,
            end: buf.len(),
        }
    }

    /// A cursor over a TLV's content.
    #[inline]
    pub(super) fn inner(&self, t: Tlv) -> Cursor<'a> {
        Cursor {
            buf: self.buf,
            pos: t.start,
            end: t.end,
        }
    }

    #[inline]
    pub(super) fn content(&self, t: Tlv) -> &'a [u8] {
        self.buf.get(t.start..t.end).unwrap_or_default()
    }

    #[inline]
    fn byte(&self, at: usize) -> Result<u8, DecodeError> {
        if at < self.end {
            if let Some(&b) = self.buf.get(at) {
                return Ok(b);
            }
        }
        Err(err(at, DecodeErrorKind::TruncatedHeader))
    }

    /// Reads the next TLV's header and skips past its content.
    #[inline]
    pub(super) fn any(&mut self) -> Result<Tlv, DecodeError> {
        let at = self.pos;
        let t = self.byte(at)?;
        if t & 0x1f == 0x1f {
            return Err(err(at, DecodeErrorKind::HighTagNumber));
        }
        let l = self.byte(at + 1)?;
        let mut pos = at + 2;
        let len = if l < 0x80 {
            usize::from(l)
        } else if l == 0x80 {
            return Err(err(at + 1, DecodeErrorKind::IndefiniteLength));
        } else if l == 0xff {
            return Err(err(at + 1, DecodeErrorKind::LengthTooLarge));
        } else {
            // Long form, possibly with leading zero octets (lenient).
            let n = usize::from(l & 0x7f);
            let mut acc: u64 = 0;
            for _ in 0..n {
                let b = self.byte(pos)?;
                if acc > (u64::MAX >> 8) >> 8 {
                    return Err(err(at + 1, DecodeErrorKind::LengthTooLarge));
                }
                acc = (acc << 8) | u64::from(b);
                pos += 1;
            }
            usize::try_from(acc).map_err(|_| err(at + 1, DecodeErrorKind::LengthTooLarge))?
        };
        if len > self.end - pos {
            return Err(err(at, DecodeErrorKind::LengthPastEnd));
        }
        self.pos = pos + len;
        Ok(Tlv {
            tag: t,
            start: pos,
            end: pos + len,
        })
    }

    #[inline]
    pub(super) fn expect(&mut self, expected: u8) -> Result<Tlv, DecodeError> {
        let at = self.pos;
        let t = self.any()?;
        if t.tag != expected {
            return Err(err(
                at,
                DecodeErrorKind::UnexpectedTag {
                    expected,
                    found: t.tag,
                },
            ));
        }
        Ok(t)
    }

    /// A PDU header INTEGER (request-id, error-status, error-index): Integer32.
    pub(super) fn header_int(&mut self) -> Result<i32, DecodeError> {
        let at = self.pos;
        let t = self.expect(tag::INTEGER)?;
        let v = decode_i64(self.content(t)).map_err(|k| err(at, k))?;
        i32::try_from(v).map_err(|_| err(at, DecodeErrorKind::IntegerOutOfRange))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_sign_extended_and_may_be_wide() {
        assert_eq!(decode_i64(&[0x00]), Ok(0));
        assert_eq!(decode_i64(&[0x7f]), Ok(127));
        assert_eq!(decode_i64(&[0x80]), Ok(-128));
        assert_eq!(decode_i64(&[0xff]), Ok(-1));
        assert_eq!(decode_i64(&[0x00, 0x80]), Ok(128));
        // Above 2^31: an agent that reports a 64-bit INTEGER.
        assert_eq!(decode_i64(&[0x01, 0x00, 0x00, 0x00, 0x00]), Ok(1 << 32));
        assert_eq!(decode_i64(&[0x00, 0x80, 0, 0, 0]), Ok(1 << 31));
        assert_eq!(decode_i64(&[0x80, 0, 0, 0, 0, 0, 0, 0]), Ok(i64::MIN));
        // Redundant sign octets are forgiven, as long as the value fits.
        assert_eq!(
            decode_i64(&[0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0x05]),
            Ok(5)
        );
        assert_eq!(
            decode_i64(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]),
            Ok(-2)
        );
        assert_eq!(
            decode_i64(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(DecodeErrorKind::IntegerTooWide)
        );
        assert_eq!(decode_i64(&[]), Err(DecodeErrorKind::EmptyInteger));
    }

    #[test]
    fn unsigned_forgives_a_missing_leading_zero() {
        // Counter32 4294967295 sent as ff ff ff ff instead of 00 ff ff ff ff.
        assert_eq!(
            decode_u64(&[0xff, 0xff, 0xff, 0xff]),
            Ok(u64::from(u32::MAX))
        );
        assert_eq!(
            decode_u64(&[0x00, 0xff, 0xff, 0xff, 0xff]),
            Ok(u64::from(u32::MAX))
        );
        // Counter64 max, with and without its leading zero.
        assert_eq!(decode_u64(&[0xff; 8]), Ok(u64::MAX));
        assert_eq!(
            decode_u64(&[0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Ok(u64::MAX)
        );
        assert_eq!(decode_u64(&[0x00]), Ok(0));
        assert_eq!(decode_u64(&[0x00, 0x00]), Ok(0));
        assert_eq!(
            decode_u64(&[1, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(DecodeErrorKind::IntegerTooWide)
        );
    }

    #[test]
    fn non_minimal_lengths_are_read() {
        // OCTET STRING "ab" with a 3-octet long-form length.
        let mut c = Cursor::new(&[0x04, 0x83, 0x00, 0x00, 0x02, b'a', b'b']);
        let t = c.any().unwrap();
        assert_eq!(c.content(t), b"ab");
    }

    #[test]
    fn strict_framing_errors_carry_offsets() {
        let cases: [(&[u8], DecodeError); 5] = [
            (&[0x30], err(1, DecodeErrorKind::TruncatedHeader)),
            (
                &[0x30, 0x80, 0x00, 0x00],
                err(1, DecodeErrorKind::IndefiniteLength),
            ),
            (&[0x30, 0x05, 0x02], err(0, DecodeErrorKind::LengthPastEnd)),
            (
                &[0x30, 0x82, 0x01],
                err(3, DecodeErrorKind::TruncatedHeader),
            ),
            (&[0x1f, 0x01, 0x00], err(0, DecodeErrorKind::HighTagNumber)),
        ];
        for (input, want) in cases {
            assert_eq!(read_message(input).unwrap_err(), want, "{input:02x?}");
        }
    }
}
