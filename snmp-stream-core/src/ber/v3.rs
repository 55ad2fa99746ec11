//! The SNMPv3 message (RFC 3412 §6) with the User-based Security Model's parameters (RFC 3414
//! §2.4), read with the same lenient, never-panicking rules as v1/v2c ([`read`](super::read)).
//!
//! ```text
//! SNMPv3Message ::= SEQUENCE {
//!     msgVersion INTEGER (3),
//!     msgGlobalData SEQUENCE { msgID, msgMaxSize INTEGER, msgFlags OCTET STRING (1),
//!                              msgSecurityModel INTEGER },
//!     msgSecurityParameters OCTET STRING,   -- holds the BER of UsmSecurityParameters
//!     msgData CHOICE { plaintext ScopedPDU, encryptedPDU OCTET STRING } }
//! UsmSecurityParameters ::= SEQUENCE { msgAuthoritativeEngineID OCTET STRING,
//!     msgAuthoritativeEngineBoots INTEGER, msgAuthoritativeEngineTime INTEGER,
//!     msgUserName OCTET STRING, msgAuthenticationParameters OCTET STRING,
//!     msgPrivacyParameters OCTET STRING }
//! ScopedPDU ::= SEQUENCE { contextEngineID OCTET STRING, contextName OCTET STRING, data PDU }
//! ```
//!
//! [`read_v3_message`] checks the header and the security parameters and says where the
//! authentication parameters lie, so that the message can be verified
//! ([`AuthProtocol::verify`](crate::usm::AuthProtocol::verify)); [`read_scoped_pdu`] reads a
//! plaintext scoped PDU, or one decrypted from an encryptedPDU (its errors' byte offsets are
//! then offsets in the decrypted octets).
//!
//! [`encode_scoped_pdu`] and [`encode_v3_message`] write them; the message's authentication
//! parameters are written as zeros and their range returned, to be signed in place.

use std::ops::Range;

use super::read::{Cursor, DecodeError, DecodeErrorKind, Pdu, decode_i64, err, read_pdu};
use super::write::{PduHeader, int_tlv_len, pdu_len, put_int, write_pdu};
use super::{put_header, tag, tlv_len};
use crate::value::{SubIds, Value};

/// msgFlags' authentication bit.
pub const FLAG_AUTH: u8 = 0x01;
/// msgFlags' privacy bit.
pub const FLAG_PRIV: u8 = 0x02;
/// msgFlags' reportable bit.
pub const FLAG_REPORTABLE: u8 = 0x04;
/// msgSecurityModel of the User-based Security Model.
pub const USM: i64 = 3;

/// A decoded SNMPv3 message, borrowing from the datagram.
#[derive(Debug, Clone)]
pub struct V3Message<'a> {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize: the largest message the sender accepts.
    pub max_size: i32,
    /// msgFlags ([`FLAG_AUTH`], [`FLAG_PRIV`], [`FLAG_REPORTABLE`]).
    pub flags: u8,
    /// msgSecurityModel (3 is USM; only USM's parameters are read).
    pub security_model: i64,
    /// The security parameters.
    pub usm: UsmParams<'a>,
    /// Where the content of msgAuthenticationParameters lies in the datagram.
    pub auth_params_at: Range<usize>,
    /// The scoped PDU, plain or encrypted.
    pub data: ScopedPduData<'a>,
}

/// UsmSecurityParameters (RFC 3414 §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsmParams<'a> {
    /// msgAuthoritativeEngineID.
    pub engine_id: &'a [u8],
    /// msgAuthoritativeEngineBoots.
    pub engine_boots: i64,
    /// msgAuthoritativeEngineTime.
    pub engine_time: i64,
    /// msgUserName.
    pub user_name: &'a [u8],
    /// msgAuthenticationParameters.
    pub auth_params: &'a [u8],
    /// msgPrivacyParameters.
    pub priv_params: &'a [u8],
}

/// msgData.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopedPduData<'a> {
    /// A plaintext ScopedPDU: the whole TLV.
    Plaintext(&'a [u8]),
    /// An encryptedPDU's content.
    Encrypted(&'a [u8]),
}

/// A decoded ScopedPDU.
#[derive(Debug, Clone)]
pub struct ScopedPdu<'a> {
    /// contextEngineID.
    pub context_engine_id: &'a [u8],
    /// contextName.
    pub context_name: &'a [u8],
    /// The PDU.
    pub pdu: Pdu<'a>,
}

/// Decodes an SNMPv3 message's header and USM security parameters.
pub fn read_v3_message(datagram: &[u8]) -> Result<V3Message<'_>, DecodeError> {
    let mut top = Cursor::new(datagram);
    let msg = top.expect(tag::SEQUENCE)?;
    let mut c = top.inner(msg);
    let at = c.pos;
    let version = int(&mut c)?;
    if version != 3 {
        return Err(err(at, DecodeErrorKind::UnsupportedVersion(version)));
    }

    let global = c.expect(tag::SEQUENCE)?;
    let mut g = c.inner(global);
    let msg_id = g.header_int()?;
    let max_size = g.header_int()?;
    let at = g.pos;
    let flags = g.expect(tag::OCTET_STRING)?;
    let flags = match g.content(flags) {
        [f] => *f,
        other => return Err(err(at, DecodeErrorKind::BadFlags(other.len()))),
    };
    let security_model = int(&mut g)?;

    let at = c.pos;
    let params = c.expect(tag::OCTET_STRING)?;
    if security_model != USM {
        return Err(err(
            at,
            DecodeErrorKind::UnsupportedSecurityModel(security_model),
        ));
    }
    let mut p = c.inner(params);
    let seq = p.expect(tag::SEQUENCE)?;
    let mut u = p.inner(seq);
    let engine_id = octets(&mut u)?;
    let engine_boots = int(&mut u)?;
    let engine_time = int(&mut u)?;
    let user_name = octets(&mut u)?;
    let auth = u.expect(tag::OCTET_STRING)?;
    let auth_params = u.content(auth);
    let priv_params = octets(&mut u)?;

    let at = c.pos;
    let data = c.any()?;
    let data = match data.tag {
        tag::SEQUENCE => ScopedPduData::Plaintext(datagram.get(at..data.end).unwrap_or_default()),
        tag::OCTET_STRING => ScopedPduData::Encrypted(c.content(data)),
        found => {
            return Err(err(
                at,
                DecodeErrorKind::UnexpectedTag {
                    expected: tag::SEQUENCE,
                    found,
                },
            ));
        }
    };
    Ok(V3Message {
        msg_id,
        max_size,
        flags,
        security_model,
        usm: UsmParams {
            engine_id,
            engine_boots,
            engine_time,
            user_name,
            auth_params,
            priv_params,
        },
        auth_params_at: auth.start..auth.end,
        data,
    })
}

/// Decodes a ScopedPDU (plaintext, or decrypted from an encryptedPDU). Bytes after it, such
/// as a block cipher's padding, are ignored.
pub fn read_scoped_pdu(bytes: &[u8]) -> Result<ScopedPdu<'_>, DecodeError> {
    let mut top = Cursor::new(bytes);
    let seq = top.expect(tag::SEQUENCE)?;
    let mut c = top.inner(seq);
    let context_engine_id = octets(&mut c)?;
    let context_name = octets(&mut c)?;
    Ok(ScopedPdu {
        context_engine_id,
        context_name,
        pdu: read_pdu(&mut c)?,
    })
}

/// Writes a ScopedPDU (contextEngineID, contextName, the PDU) into `out`, cleared first.
pub fn encode_scoped_pdu<'v, I>(
    out: &mut Vec<u8>,
    context_engine_id: &[u8],
    context_name: &[u8],
    pdu: &PduHeader,
    varbinds: I,
) where
    I: IntoIterator<Item = (SubIds<'v>, Value<'v>)>,
    I::IntoIter: Clone,
{
    let varbinds = varbinds.into_iter();
    out.clear();
    let content = tlv_len(context_engine_id.len())
        + tlv_len(context_name.len())
        + pdu_len(pdu, varbinds.clone());
    out.reserve(tlv_len(content));
    put_header(out, tag::SEQUENCE, content);
    put_octets(out, context_engine_id);
    put_octets(out, context_name);
    write_pdu(out, pdu, varbinds);
}

/// Writes a ScopedPDU around an encoded PDU TLV (an agent's Response, say) into `out`,
/// cleared first.
pub fn encode_scoped_pdu_bytes(
    out: &mut Vec<u8>,
    context_engine_id: &[u8],
    context_name: &[u8],
    pdu: &[u8],
) {
    out.clear();
    let content = tlv_len(context_engine_id.len()) + tlv_len(context_name.len()) + pdu.len();
    out.reserve(tlv_len(content));
    put_header(out, tag::SEQUENCE, content);
    put_octets(out, context_engine_id);
    put_octets(out, context_name);
    out.extend_from_slice(pdu);
}

/// Writes an SNMPv3 message with USM parameters into `out`, cleared first: `usm`'s
/// `auth_params` are ignored and `auth_len` zero octets written in their place; `data` is a
/// whole plaintext ScopedPDU TLV or an encryptedPDU's content. Returns where the zeros are,
/// to be replaced by the message's signature.
pub fn encode_v3_message(
    out: &mut Vec<u8>,
    msg_id: i32,
    max_size: i32,
    flags: u8,
    usm: &UsmParams<'_>,
    auth_len: usize,
    data: ScopedPduData<'_>,
) -> Range<usize> {
    out.clear();
    let global = int_tlv_len(i64::from(msg_id))
        + int_tlv_len(i64::from(max_size))
        + tlv_len(1)
        + int_tlv_len(USM);
    let params = int_tlv_len(usm.engine_boots)
        + int_tlv_len(usm.engine_time)
        + tlv_len(usm.engine_id.len())
        + tlv_len(usm.user_name.len())
        + tlv_len(auth_len)
        + tlv_len(usm.priv_params.len());
    let data_len = match data {
        ScopedPduData::Plaintext(p) => p.len(),
        ScopedPduData::Encrypted(e) => tlv_len(e.len()),
    };
    let content = int_tlv_len(3) + tlv_len(global) + tlv_len(tlv_len(params)) + data_len;
    out.reserve(tlv_len(content));
    put_header(out, tag::SEQUENCE, content);
    put_int(out, tag::INTEGER, 3);
    put_header(out, tag::SEQUENCE, global);
    put_int(out, tag::INTEGER, i64::from(msg_id));
    put_int(out, tag::INTEGER, i64::from(max_size));
    put_octets(out, &[flags]);
    put_int(out, tag::INTEGER, USM);
    put_header(out, tag::OCTET_STRING, tlv_len(params));
    put_header(out, tag::SEQUENCE, params);
    put_octets(out, usm.engine_id);
    put_int(out, tag::INTEGER, usm.engine_boots);
    put_int(out, tag::INTEGER, usm.engine_time);
    put_octets(out, usm.user_name);
    put_header(out, tag::OCTET_STRING, auth_len);
    let at = out.len()..out.len() + auth_len;
    out.resize(at.end, 0);
    put_octets(out, usm.priv_params);
    match data {
        ScopedPduData::Plaintext(p) => out.extend_from_slice(p),
        ScopedPduData::Encrypted(e) => put_octets(out, e),
    }
    at
}

fn put_octets(out: &mut Vec<u8>, b: &[u8]) {
    put_header(out, tag::OCTET_STRING, b.len());
    out.extend_from_slice(b);
}

fn int(c: &mut Cursor<'_>) -> Result<i64, DecodeError> {
    let at = c.pos;
    let t = c.expect(tag::INTEGER)?;
    decode_i64(c.content(t)).map_err(|k| err(at, k))
}

fn octets<'a>(c: &mut Cursor<'a>) -> Result<&'a [u8], DecodeError> {
    let t = c.expect(tag::OCTET_STRING)?;
    Ok(c.content(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usm::{AuthProtocol, PrivProtocol};

    const ENGINE: &[u8] = &[0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4];

    fn get_sys_name(out: &mut Vec<u8>) {
        let oid: crate::Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
        encode_scoped_pdu(
            out,
            ENGINE,
            b"ctx",
            &PduHeader::get(77),
            [(oid.sub_ids(), Value::Null)],
        );
    }

    #[test]
    fn an_auth_priv_message_round_trips_signed_and_encrypted() {
        let (auth, p) = (AuthProtocol::Sha256, PrivProtocol::Aes128);
        let auth_key = auth.localize(&auth.password_to_key(b"authpass123").unwrap(), ENGINE);
        let priv_key = p.localize(auth, &auth.password_to_key(b"privpass123").unwrap(), ENGINE);
        let mut scoped = Vec::new();
        get_sys_name(&mut scoped);
        let plain = scoped.clone();
        let salt = p.encrypt(&priv_key, 3, 1000, 9, &mut scoped);
        let usm = UsmParams {
            engine_id: ENGINE,
            engine_boots: 3,
            engine_time: 1000,
            user_name: b"alice",
            auth_params: &[],
            priv_params: &salt,
        };
        let mut out = Vec::new();
        let flags = FLAG_AUTH | FLAG_PRIV | FLAG_REPORTABLE;
        let at = encode_v3_message(
            &mut out,
            12345,
            65507,
            flags,
            &usm,
            auth.mac_len(),
            ScopedPduData::Encrypted(&scoped),
        );
        let mac = auth.sign(&auth_key, &out);
        out[at.clone()].copy_from_slice(&mac);

        let msg = read_v3_message(&out).unwrap();
        assert_eq!((msg.msg_id, msg.max_size, msg.flags), (12345, 65507, flags));
        assert_eq!(msg.auth_params_at, at);
        assert_eq!(msg.usm.user_name, b"alice");
        assert_eq!((msg.usm.engine_boots, msg.usm.engine_time), (3, 1000));
        assert!(auth.verify(&auth_key, &out, msg.auth_params_at.clone()));
        let ScopedPduData::Encrypted(e) = msg.data else {
            panic!("plaintext");
        };
        let mut e = e.to_vec();
        p.decrypt(&priv_key, 3, 1000, msg.usm.priv_params, &mut e)
            .unwrap();
        assert_eq!(e, plain);
        let s = read_scoped_pdu(&e).unwrap();
        assert_eq!((s.context_engine_id, s.context_name), (ENGINE, &b"ctx"[..]));
        assert_eq!(s.pdu.request_id, 77);
    }

    #[test]
    fn a_plain_discovery_message_round_trips() {
        let mut scoped = Vec::new();
        encode_scoped_pdu(&mut scoped, b"", b"", &PduHeader::get(1), []);
        let usm = UsmParams {
            engine_id: b"",
            engine_boots: 0,
            engine_time: 0,
            user_name: b"",
            auth_params: &[],
            priv_params: &[],
        };
        let mut out = Vec::new();
        let at = encode_v3_message(
            &mut out,
            1,
            65507,
            FLAG_REPORTABLE,
            &usm,
            0,
            ScopedPduData::Plaintext(&scoped),
        );
        assert!(at.is_empty());
        let msg = read_v3_message(&out).unwrap();
        assert_eq!(msg.usm, usm);
        assert_eq!(msg.data, ScopedPduData::Plaintext(&scoped[..]));
        assert_eq!(read_scoped_pdu(&scoped).unwrap().pdu.varbinds().count(), 0);
    }

    #[test]
    fn damaged_messages_say_what_and_where() {
        let mut scoped = Vec::new();
        get_sys_name(&mut scoped);
        let usm = UsmParams {
            engine_id: ENGINE,
            engine_boots: 1,
            engine_time: 2,
            user_name: b"u",
            auth_params: &[],
            priv_params: &[],
        };
        let mut out = Vec::new();
        encode_v3_message(
            &mut out,
            1,
            1500,
            0,
            &usm,
            12,
            ScopedPduData::Plaintext(&scoped),
        );
        for cut in 0..out.len() {
            assert!(read_v3_message(&out[..cut]).is_err(), "cut at {cut}");
        }
        // A v2c message is not a v3 one.
        let mut v2 = out.clone();
        v2[4] = 1;
        assert_eq!(
            read_v3_message(&v2).unwrap_err().kind,
            DecodeErrorKind::UnsupportedVersion(1)
        );
        // Another security model: the INTEGER 3 after msgFlags (`04 01 00`).
        let flags_at = out
            .windows(3)
            .position(|w| w == [0x04, 0x01, 0x00])
            .unwrap();
        assert_eq!(out[flags_at + 3..flags_at + 6], [0x02, 0x01, 0x03]);
        let mut other = out.clone();
        other[flags_at + 5] = 2;
        assert_eq!(
            read_v3_message(&other).unwrap_err().kind,
            DecodeErrorKind::UnsupportedSecurityModel(2)
        );
    }
}
