//! Writing one request's Response message: within the size limit, or as tooBig or an error
//! echoing the request.

use super::{DropReason, Reply};
use snmp_stream_core::ber::{PduHeader, encode_message, error_status, pdu_len, tlv_len};
use snmp_stream_core::{SubIds, Value, Version};

/// Writes Response messages for one request.
pub(super) struct Writer<'o, 'c> {
    pub(super) out: &'o mut Vec<u8>,
    pub(super) version: Version,
    pub(super) community: &'c [u8],
    pub(super) request_id: i32,
    pub(super) max: usize,
    /// Varbinds in the request (all well formed), for echoes.
    pub(super) echo_len: usize,
}

impl Writer<'_, '_> {
    /// Octets of the whole message [`Writer::send`] would write.
    pub(super) fn message_len<'v>(
        &self,
        header: &PduHeader,
        varbinds: impl Iterator<Item = (SubIds<'v>, Value<'v>)>,
    ) -> usize {
        // The version INTEGER is 0 or 1: always three octets.
        tlv_len(3 + tlv_len(self.community.len()) + pdu_len(header, varbinds))
    }

    /// Writes a Response of `n` varbinds.
    pub(super) fn send<'v, I>(&mut self, header: &PduHeader, varbinds: I, n: usize) -> Reply
    where
        I: Iterator<Item = (SubIds<'v>, Value<'v>)> + Clone,
    {
        encode_message(self.out, self.version, self.community, header, varbinds);
        Reply::Sent {
            varbinds: n,
            error_status: header.error_status,
            error_index: header.error_index,
        }
    }

    /// An error Response echoing the request's varbinds; tooBig if even that is too large.
    pub(super) fn error<'v, I>(mut self, status: i32, index: i32, echo: I, v1: bool) -> Reply
    where
        I: Iterator<Item = (SubIds<'v>, Value<'v>)> + Clone,
    {
        let header = PduHeader::response(self.request_id, status, index);
        if self.message_len(&header, echo.clone()) <= self.max {
            self.send(&header, echo, self.echo_len)
        } else {
            self.too_big(echo, v1)
        }
    }

    /// tooBig, error-index 0: with no varbinds in v2c (RFC 3416 §4.2.1), with the request's in
    /// v1 (RFC 1157 §4.1.2: "of identical form"); dropped when even that does not fit.
    pub(super) fn too_big<'v, I>(mut self, echo: I, v1: bool) -> Reply
    where
        I: Iterator<Item = (SubIds<'v>, Value<'v>)> + Clone,
    {
        let header = PduHeader::response(self.request_id, error_status::TOO_BIG, 0);
        // Either the echo or nothing: `take(0)` keeps one iterator type for both.
        let n = if v1 { self.echo_len } else { 0 };
        let varbinds = echo.take(n);
        if self.message_len(&header, varbinds.clone()) <= self.max {
            self.send(&header, varbinds, n)
        } else {
            self.out.clear();
            Reply::Dropped(DropReason::TooBig)
        }
    }
}
