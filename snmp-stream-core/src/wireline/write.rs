//! The writer: one buffer per response, records appended straight from the BER reader.

use crate::Oid;
use crate::ber::VarBind;
use crate::value::Value;

use super::{NATIVE_ORDER, RECORD_FIXED_WORDS, SUB_ID_SIZE, TIMESTAMP_UNIT, WORD, WirelineBuf};

/// Builds one wireline buffer: the header (request-id, root OIDs) up front, then one record per
/// varbind, appended in place with no per-record allocation once the buffer has grown.
///
/// The writer knows its roots, so it checks what it is given: a record names a root the
/// header has, and a varbind lies under that root. Its output is therefore always readable.
///
/// ```
/// use snmp_stream_core::wireline::WirelineWriter;
/// use snmp_stream_core::{Oid, Value};
///
/// let roots: Vec<Oid> = vec!["1.3.6.1.2.1.2.2.1.2".parse()?];
/// let mut w = WirelineWriter::new(b"abc", &roots);
/// w.push_record(1_700_000_000_000_000_000, 0, &[1], &Value::OctetString(b"lo")).unwrap();
/// assert!(w.push_record(0, 1, &[1], &Value::Null).is_err(), "there is no root 1");
/// let buf = w.finish();
///
/// let read = buf.read().unwrap();
/// assert_eq!(read.req_id(), b"abc");
/// let rec = read.records().next().unwrap().unwrap();
/// assert_eq!(rec.index().to_string(), "1");
/// assert_eq!(rec.value().unwrap(), Value::OctetString(b"lo"));
/// # Ok::<(), snmp_stream_core::OidError>(())
/// ```
#[derive(Debug, Clone)]
pub struct WirelineWriter {
    words: Vec<u64>,
    records: usize,
    roots: Vec<RootKey>,
}

/// A root OID as the writer matches varbinds against it.
#[derive(Debug, Clone)]
struct RootKey {
    /// BER content octets of the root: a canonically encoded varbind under it starts with them.
    ber: Vec<u8>,
    oid: Oid,
}

/// Why a record was not appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The root index is not one of the header's roots.
    #[error("root index {index} is out of range: the buffer has {roots} roots")]
    NoSuchRoot {
        /// The root index given.
        index: usize,
        /// The number of roots.
        roots: usize,
    },
    /// The varbind's OID is not the root or under it (for a walk: the head has left its
    /// subtree).
    #[error("the OID does not lie under root {0}")]
    NotUnderRoot(usize),
}

impl WirelineWriter {
    /// Starts a buffer for a request with this request-id and these root OIDs.
    pub fn new(req_id: &[u8], roots: &[Oid]) -> Self {
        Self::with_capacity(req_id, roots, 4096)
    }

    /// Like [`WirelineWriter::new`], with room for `record_bytes` of records before growing.
    pub fn with_capacity(req_id: &[u8], roots: &[Oid], record_bytes: usize) -> Self {
        let header_words = 2
            + 1
            + req_id.len().div_ceil(WORD)
            + 1
            + roots.iter().map(|r| 1 + r.len()).sum::<usize>();
        let mut words = Vec::with_capacity(header_words + record_bytes.div_ceil(WORD));
        words.push(u64::from_ne_bytes([
            NATIVE_ORDER,
            WORD as u8,
            SUB_ID_SIZE,
            TIMESTAMP_UNIT,
            0,
            0,
            0,
            0,
        ]));
        words.push(0);
        words.push(req_id.len() as u64);
        push_bytes(&mut words, req_id);
        words.push(roots.len() as u64);
        for root in roots {
            words.push(root.len() as u64);
            words.extend(root.as_slice().iter().map(|&s| u64::from(s)));
        }
        let roots = roots
            .iter()
            .map(|r| RootKey {
                ber: crate::ber::write::oid_content(r.sub_ids()),
                oid: r.clone(),
            })
            .collect();
        WirelineWriter {
            words,
            records: 0,
            roots,
        }
    }

    /// Appends a varbind read from a response as a record of root `root_index`; its index is
    /// the OID after the root.
    ///
    /// Fails, appending nothing, when the root index is out of range or the OID does not lie
    /// under that root — so a walk can hand every varbind of a head here and stop the head on
    /// [`PushError::NotUnderRoot`]. The check compares the OID's BER octets with the root's,
    /// so the root part is never decoded (an agent's non-minimal encoding takes a slower path
    /// with the same result).
    #[inline]
    pub fn push_varbind(
        &mut self,
        timestamp: u64,
        root_index: usize,
        vb: &VarBind<'_>,
    ) -> Result<(), PushError> {
        let root = self.root(root_index)?;
        let bytes = vb.oid.as_bytes();
        if let Some(index) = bytes.strip_prefix(root.ber.as_slice()) {
            // The root's last octet ends a sub-identifier, so the rest is whole sub-ids, each
            // checked by the reader to fit in 32 bits.
            let index_len = index.iter().filter(|&&b| b & 0x80 == 0).count();
            self.push(timestamp, root_index, index_len, &vb.value, |slots| {
                let mut slots = slots.iter_mut();
                let mut acc = 0u32;
                for &b in index {
                    acc = (acc << 7) | u32::from(b & 0x7f);
                    if b & 0x80 == 0 {
                        if let Some(slot) = slots.next() {
                            *slot = acc;
                        }
                        acc = 0;
                    }
                }
            });
            Ok(())
        } else if vb.oid.starts_with(&root.oid) {
            // An agent's non-minimal encoding of the root part: compare and skip arc by arc.
            let root_len = root.oid.len();
            let index = vb.oid.iter().skip(root_len);
            self.push(
                timestamp,
                root_index,
                vb.oid.len() - root_len,
                &vb.value,
                |slots| {
                    slots.iter_mut().zip(index).for_each(|(slot, s)| *slot = s);
                },
            );
            Ok(())
        } else {
            Err(PushError::NotUnderRoot(root_index))
        }
    }

    /// Appends a record with an explicit index (the OID's sub-identifiers after its root).
    pub fn push_record(
        &mut self,
        timestamp: u64,
        root_index: usize,
        index: &[u32],
        value: &Value<'_>,
    ) -> Result<(), PushError> {
        self.root(root_index)?;
        self.push(timestamp, root_index, index.len(), value, |slots| {
            slots[..index.len()].copy_from_slice(index);
        });
        Ok(())
    }

    #[inline]
    fn root(&self, index: usize) -> Result<&RootKey, PushError> {
        self.roots.get(index).ok_or(PushError::NoSuchRoot {
            index,
            roots: self.roots.len(),
        })
    }

    /// Appends one record; `write_index` fills the index slots (`index_len` of them, then
    /// zero padding).
    #[inline]
    fn push(
        &mut self,
        timestamp: u64,
        root_index: usize,
        index_len: usize,
        value: &Value<'_>,
        write_index: impl FnOnce(&mut [u32]),
    ) {
        let index_words = (index_len * SUB_ID_SIZE as usize).div_ceil(WORD);
        let value_len = value_len(value);
        let value_words = value_len.div_ceil(WORD);
        let body_words = RECORD_FIXED_WORDS + index_words + value_words;
        let start = self.words.len();
        self.words.resize(start + 1 + body_words, 0);
        let rec = &mut self.words[start..];
        rec[0] = (body_words * WORD) as u64;
        rec[1] = timestamp;
        rec[2] = root_index as u64;
        rec[3] = u64::from(value.tag());
        rec[4] = index_len as u64;
        let (idx, rest) = rec[5..].split_at_mut(index_words);
        write_index(bytemuck::cast_slice_mut(idx));
        rest[0] = value_len as u64;
        write_value(&mut rest[1..], value);
        self.records += 1;
    }

    /// Number of root OIDs in the header.
    pub fn root_count(&self) -> usize {
        self.roots.len()
    }

    /// Records appended so far.
    pub fn record_count(&self) -> usize {
        self.records
    }

    /// Bytes written so far.
    pub fn len_bytes(&self) -> usize {
        self.words.len() * WORD
    }

    /// The finished buffer.
    pub fn finish(self) -> WirelineBuf {
        WirelineBuf(self.words)
    }
}

fn push_bytes(words: &mut Vec<u64>, bytes: &[u8]) {
    let start = words.len();
    words.resize(start + bytes.len().div_ceil(WORD), 0);
    let dst: &mut [u8] = bytemuck::cast_slice_mut(&mut words[start..]);
    dst[..bytes.len()].copy_from_slice(bytes);
}

/// Bytes a value takes in a record (before padding).
#[inline]
fn value_len(v: &Value<'_>) -> usize {
    match *v {
        Value::Integer(_)
        | Value::Counter32(_)
        | Value::Gauge32(_)
        | Value::TimeTicks(_)
        | Value::Counter64(_) => 8,
        Value::OctetString(b) | Value::Opaque(b) => b.len(),
        Value::Unknown { content, .. } => content.len(),
        Value::IpAddress(_) => 4,
        Value::ObjectId(o) => o.len() * SUB_ID_SIZE as usize,
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => 0,
    }
}

#[inline]
fn write_value(dst: &mut [u64], v: &Value<'_>) {
    match *v {
        Value::Integer(i) => dst[0] = i as u64,
        Value::Counter32(u) | Value::Gauge32(u) | Value::TimeTicks(u) | Value::Counter64(u) => {
            dst[0] = u
        }
        Value::OctetString(b) | Value::Opaque(b) | Value::Unknown { content: b, .. } => {
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(dst);
            bytes[..b.len()].copy_from_slice(b);
        }
        Value::IpAddress(a) => {
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(dst);
            bytes[..4].copy_from_slice(&a);
        }
        Value::ObjectId(o) => {
            let subs: &mut [u32] = bytemuck::cast_slice_mut(dst);
            for (slot, s) in subs.iter_mut().zip(o.iter()) {
                // Sub-identifiers over 32 bits only arise from re-writing an 8-byte-sub-id buffer
                // that holds them; they saturate rather than wrap.
                *slot = u32::try_from(s).unwrap_or(u32::MAX);
            }
        }
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-varbind Response whose varbind OID has these content octets.
    fn response_with_oid(oid_content: &[u8]) -> Vec<u8> {
        let mut vb = vec![0x06, oid_content.len() as u8];
        vb.extend_from_slice(oid_content);
        vb.extend_from_slice(&[0x42, 0x01, 0x07]);
        let mut list = vec![0x30, vb.len() as u8];
        list.extend(vb);
        let mut varbinds = vec![0x30, list.len() as u8];
        varbinds.extend(list);
        let mut pdu = vec![0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00];
        pdu.extend(varbinds);
        let mut body = vec![0x02, 0x01, 0x01, 0x04, 0x01, b'c', 0xa2, pdu.len() as u8];
        body.extend(pdu);
        let mut out = vec![0x30, body.len() as u8];
        out.extend(body);
        out
    }

    fn push_one(roots: &[Oid], root: usize, oid_content: &[u8]) -> Result<Vec<u64>, PushError> {
        let d = response_with_oid(oid_content);
        let msg = crate::ber::read_message(&d).expect("well-formed");
        let vb = msg.pdu.varbinds().next().expect("one").expect("good");
        let mut w = WirelineWriter::new(b"", roots);
        w.push_varbind(5, root, &vb)?;
        let buf = w.finish();
        let read = buf.read().expect("readable");
        let rec = read
            .records()
            .next()
            .expect("one record")
            .expect("good record");
        assert_eq!(rec.value(), Ok(Value::Gauge32(7)));
        Ok(rec.index().iter().collect())
    }

    #[test]
    fn push_varbind_checks_the_root_and_strips_it() {
        let roots: Vec<Oid> = vec![
            "1.3.6.1.2.1.2.2.1.2".parse().expect("ifDescr"),
            "1.3.6.1.2.1.2.2.1.20".parse().expect("ifOutErrors"),
        ];
        // ifDescr.1000 (1000 = 0x87 0x68)
        let if_descr_1000 = [0x2b, 6, 1, 2, 1, 2, 2, 1, 2, 0x87, 0x68];
        assert_eq!(push_one(&roots, 0, &if_descr_1000), Ok(vec![1000]));
        // The root itself: an empty index.
        assert_eq!(push_one(&roots, 0, &if_descr_1000[..9]), Ok(vec![]));
        // ifOutErrors.5 is not under ifDescr, nor ifDescr.5 under ifOutErrors.
        assert_eq!(
            push_one(&roots, 0, &[0x2b, 6, 1, 2, 1, 2, 2, 1, 20, 5]),
            Err(PushError::NotUnderRoot(0))
        );
        assert_eq!(
            push_one(&roots, 1, &[0x2b, 6, 1, 2, 1, 2, 2, 1, 2, 5]),
            Err(PushError::NotUnderRoot(1))
        );
        // A root whose last arc is a prefix of a longer arc's octets: 1.3.6.1.2.1.2.2.1.1 vs an
        // OID whose 10th arc is 129 (0x81 0x01): octet 0x81 != 0x01, not under.
        let r: Vec<Oid> = vec!["1.3.6.1.2.1.2.2.1.1".parse().expect("ifIndex")];
        assert_eq!(
            push_one(&r, 0, &[0x2b, 6, 1, 2, 1, 2, 2, 1, 0x81, 0x01, 5]),
            Err(PushError::NotUnderRoot(0))
        );
        assert_eq!(
            push_one(&roots, 2, &if_descr_1000),
            Err(PushError::NoSuchRoot { index: 2, roots: 2 })
        );
    }

    #[test]
    fn push_varbind_takes_non_minimal_sub_ids_the_slow_way() {
        // ifDescr.7 with the root's "2" arc written as 0x80 0x02 (a redundant leading octet).
        let roots: Vec<Oid> = vec!["1.3.6.1.2.1.2.2.1.2".parse().expect("ifDescr")];
        let content = [0x2b, 6, 1, 2, 1, 2, 2, 1, 0x80, 0x02, 7];
        assert_eq!(push_one(&roots, 0, &content), Ok(vec![7]));
    }
}
