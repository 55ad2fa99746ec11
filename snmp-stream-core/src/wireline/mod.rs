#![doc = include_str!("../../../docs/wireline.md")]

pub mod file;
mod order;
mod write;

pub use order::{convert, native_words};
pub use write::{PushError, WirelineWriter};

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use crate::value::{SubIds, Value};

/// Bytes in a word of the format.
pub const WORD: usize = 8;
/// Bytes in the fixed header at the start of every buffer.
pub const HEADER_BYTES: usize = 16;
/// Sub-identifier size this writer uses for indices and OID values.
pub const SUB_ID_SIZE: u8 = 4;
/// Timestamp unit this writer uses: 10^-9 s, nanoseconds since the Unix epoch.
pub const TIMESTAMP_UNIT: u8 = 9;

/// Header byte 0 for this machine's byte order.
const NATIVE_ORDER: u8 = if cfg!(target_endian = "little") { 0 } else { 1 };

/// Words of a record before its index: size, timestamp, root index, value type, index length.
const RECORD_FIXED_WORDS: usize = 5;

/// A finished wireline buffer: the bytes of the format, held in 8-byte-aligned storage.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct WirelineBuf(Vec<u64>);

impl WirelineBuf {
    /// The buffer as words, in the writer's (this machine's) byte order.
    pub fn as_words(&self) -> &[u64] {
        &self.0
    }

    /// The buffer as bytes, exactly as it is stored or sent.
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(&self.0)
    }

    /// Length in bytes.
    pub fn len_bytes(&self) -> usize {
        self.0.len() * WORD
    }

    /// The words, giving up the buffer.
    pub fn into_words(self) -> Vec<u64> {
        self.0
    }

    /// Reads the buffer back (see [`Wireline::parse`]).
    pub fn read(&self) -> Result<Wireline<'_>, WirelineError> {
        Wireline::parse(&self.0)
    }
}

impl fmt::Debug for WirelineBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WirelineBuf({} bytes)", self.len_bytes())
    }
}

/// A wireline buffer that cannot be read: what is wrong and at which byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct WirelineError {
    /// Byte offset in the buffer of the field at fault.
    pub offset: usize,
    /// What is wrong.
    pub kind: WirelineErrorKind,
}

/// What is wrong with a wireline buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WirelineErrorKind {
    /// The buffer's length is not a whole number of words.
    #[error("length is not a multiple of 8 bytes")]
    NotWordMultiple,
    /// The buffer ends inside a field.
    #[error("buffer ends inside a field")]
    Truncated,
    /// Header byte 0 is neither 0 (little-endian) nor 1 (big-endian).
    #[error("unknown byte order {0} in header byte 0")]
    BadByteOrder(u8),
    /// The buffer was written on a machine of the other byte order.
    #[error("buffer was written in the other byte order; convert it first")]
    ForeignByteOrder,
    /// Header byte 1 is not 8.
    #[error("unsupported word size {0} in header byte 1")]
    BadWordSize(u8),
    /// Header byte 2 is neither 4 nor 8.
    #[error("unsupported sub-identifier size {0} in header byte 2")]
    BadSubIdSize(u8),
    /// Header byte 3 is above 9.
    #[error("unsupported timestamp unit 10^-{0} s in header byte 3")]
    BadTimestampUnit(u8),
    /// A length or count field is larger than the buffer could hold.
    #[error("length field {0} is impossibly large")]
    BadLength(u64),
    /// A record's size does not hold its fields, or is not a whole number of words.
    #[error("record size {0} does not match its fields")]
    BadRecordSize(u64),
    /// A record names a root OID the header does not have.
    #[error("record names root {index} but the header has {roots}")]
    BadRootIndex {
        /// The root index in the record.
        index: u64,
        /// The number of roots in the header.
        roots: usize,
    },
    /// A record's value type does not fit in a byte.
    #[error("value type {0} is not an ASN.1 tag")]
    BadValueType(u64),
    /// A value's size is wrong for its type (an INTEGER that is not 8 bytes, say).
    #[error("value of type {tag:#04x} has {len} bytes")]
    BadValueSize {
        /// The value type.
        tag: u8,
        /// The value size in bytes.
        len: u64,
    },
}

/// The fixed header of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// 0 little-endian, 1 big-endian.
    pub byte_order: u8,
    /// Bytes per word (8).
    pub word_size: u8,
    /// Bytes per index / OID-value sub-identifier: 4 (this writer) or 8 (the original).
    pub sub_id_size: u8,
    /// Timestamps count units of 10^-`timestamp_unit` seconds: 9 (this writer) or 0 (the
    /// original's seconds).
    pub timestamp_unit: u8,
}

/// A parsed view of one wireline buffer, borrowing it.
///
/// [`Wireline::parse`] checks the header, request-id and root OIDs; [`Wireline::records`]
/// checks each record as it goes, so a corrupt record is reported with its offset after the
/// good ones before it.
#[derive(Debug, Clone)]
pub struct Wireline<'a> {
    words: &'a [u64],
    header: Header,
    req_id: Range<usize>,
    roots: Vec<Range<usize>>,
    records_start: usize,
}

impl<'a> Wireline<'a> {
    /// Parses a buffer held as words in this machine's byte order.
    pub fn parse(words: &'a [u64]) -> Result<Self, WirelineError> {
        let at = |w: usize| w * WORD;
        let word = |i: usize| {
            words.get(i).copied().ok_or(WirelineError {
                offset: at(i.min(words.len())),
                kind: WirelineErrorKind::Truncated,
            })
        };
        let bad = |offset: usize, kind| WirelineError { offset, kind };

        let h = word(0)?.to_ne_bytes();
        word(1)?;
        let header = Header {
            byte_order: h[0],
            word_size: h[1],
            sub_id_size: h[2],
            timestamp_unit: h[3],
        };
        match header.byte_order {
            b if b == NATIVE_ORDER => {}
            0 | 1 => return Err(bad(0, WirelineErrorKind::ForeignByteOrder)),
            b => return Err(bad(0, WirelineErrorKind::BadByteOrder(b))),
        }
        if header.word_size != WORD as u8 {
            return Err(bad(1, WirelineErrorKind::BadWordSize(h[1])));
        }
        if !matches!(header.sub_id_size, 4 | 8) {
            return Err(bad(2, WirelineErrorKind::BadSubIdSize(h[2])));
        }
        if header.timestamp_unit > 9 {
            return Err(bad(3, WirelineErrorKind::BadTimestampUnit(h[3])));
        }

        let mut pos = 2;
        let req_len = word(pos)?;
        let req_words = checked_words(req_len, words.len() - pos - 1, 1)
            .ok_or(bad(at(pos), WirelineErrorKind::BadLength(req_len)))?;
        let req_id = at(pos + 1)..at(pos + 1) + req_len as usize;
        pos += 1 + req_words;

        let count = word(pos)?;
        if count > (words.len() - pos) as u64 {
            return Err(bad(at(pos), WirelineErrorKind::BadLength(count)));
        }
        pos += 1;
        let mut roots = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let len = word(pos)?;
            let n = checked_words(len, words.len() - pos - 1, WORD as u64)
                .ok_or(bad(at(pos), WirelineErrorKind::BadLength(len)))?;
            roots.push(pos + 1..pos + 1 + n);
            pos += 1 + n;
        }
        Ok(Wireline {
            words,
            header,
            req_id,
            roots,
            records_start: pos,
        })
    }

    /// The fixed header.
    pub fn header(&self) -> Header {
        self.header
    }

    /// The request-id bytes (empty when none was given).
    pub fn req_id(&self) -> &'a [u8] {
        let bytes: &'a [u8] = bytemuck::cast_slice(self.words);
        &bytes[self.req_id.clone()]
    }

    /// Number of root OIDs.
    pub fn root_count(&self) -> usize {
        self.roots.len()
    }

    /// Root OID `i`, one sub-identifier per word.
    pub fn root(&self, i: usize) -> Option<&'a [u64]> {
        self.roots.get(i).map(|r| &self.words[r.clone()])
    }

    /// The root OIDs, one sub-identifier per word.
    pub fn roots(&self) -> impl ExactSizeIterator<Item = &'a [u64]> + '_ {
        self.roots.iter().map(|r| &self.words[r.clone()])
    }

    /// Byte offset of the first record.
    pub fn records_offset(&self) -> usize {
        self.records_start * WORD
    }

    /// The records, each checked as it is reached. After an error the iterator ends.
    pub fn records(&self) -> Records<'a> {
        Records {
            words: self.words,
            pos: self.records_start,
            header: self.header,
            roots: self.roots.len(),
        }
    }
}

/// `len` items of `unit` bytes each, as whole words, if they fit in `avail` words.
fn checked_words(len: u64, avail: usize, unit: u64) -> Option<usize> {
    let words = len.checked_mul(unit)?.div_ceil(WORD as u64);
    (words <= avail as u64).then_some(words as usize)
}

/// Iterator over a buffer's records.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    words: &'a [u64],
    pos: usize,
    header: Header,
    roots: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, WirelineError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.words.len() {
            return None;
        }
        let r = self.read();
        match &r {
            Ok(_) => {}
            Err(_) => self.pos = self.words.len(),
        }
        Some(r)
    }
}

impl<'a> Records<'a> {
    fn read(&mut self) -> Result<Record<'a>, WirelineError> {
        let start = self.pos;
        let words = self.words;
        let bad = |w: usize, kind| WirelineError {
            offset: w * WORD,
            kind,
        };
        let size = words[start];
        let avail = words.len() - start - 1;
        if size % WORD as u64 != 0 || size / (WORD as u64) > avail as u64 {
            let kind = if size % WORD as u64 != 0 {
                WirelineErrorKind::BadRecordSize(size)
            } else {
                WirelineErrorKind::Truncated
            };
            return Err(bad(start, kind));
        }
        let body = &words[start + 1..start + 1 + (size / WORD as u64) as usize];
        let too_small = || bad(start, WirelineErrorKind::BadRecordSize(size));
        let [timestamp, root, tag, index_len, rest @ ..] = body else {
            return Err(too_small());
        };
        if *root >= self.roots as u64 {
            return Err(bad(
                start + 2,
                WirelineErrorKind::BadRootIndex {
                    index: *root,
                    roots: self.roots,
                },
            ));
        }
        let tag = u8::try_from(*tag)
            .map_err(|_| bad(start + 3, WirelineErrorKind::BadValueType(*tag)))?;
        let sub = u64::from(self.header.sub_id_size);
        let index_words = checked_words(*index_len, rest.len(), sub).ok_or_else(too_small)?;
        let (index, rest) = rest.split_at(index_words);
        let index = match self.header.sub_id_size {
            4 => SubIds::U32(&bytemuck::cast_slice::<u64, u32>(index)[..*index_len as usize]),
            _ => SubIds::U64(index),
        };
        let [value_len, rest @ ..] = rest else {
            return Err(too_small());
        };
        checked_words(*value_len, rest.len(), 1).ok_or_else(too_small)?;
        let value_bytes: &'a [u8] = bytemuck::cast_slice(rest);
        self.pos = start + 1 + body.len();
        Ok(Record {
            offset: start * WORD,
            timestamp: *timestamp,
            header: self.header,
            root_index: *root as usize,
            tag,
            index,
            value: &value_bytes[..*value_len as usize],
        })
    }
}

/// One record of a buffer, borrowing it.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    offset: usize,
    timestamp: u64,
    header: Header,
    root_index: usize,
    tag: u8,
    index: SubIds<'a>,
    value: &'a [u8],
}

impl<'a> Record<'a> {
    /// Byte offset of the record (its size word) in the buffer.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The timestamp as stored, in the header's unit.
    pub fn timestamp_raw(&self) -> u64 {
        self.timestamp
    }

    /// The timestamp in nanoseconds since the Unix epoch (saturating).
    pub fn timestamp_nanos(&self) -> u64 {
        let scale = 10u64.pow(u32::from(9 - self.header.timestamp_unit.min(9)));
        self.timestamp.saturating_mul(scale)
    }

    /// Index of the record's root OID in the header.
    pub fn root_index(&self) -> usize {
        self.root_index
    }

    /// The value type (the ASN.1 tag).
    pub fn tag(&self) -> u8 {
        self.tag
    }

    /// The index: the OID's sub-identifiers after its root.
    pub fn index(&self) -> SubIds<'a> {
        self.index
    }

    /// The value's bytes as stored (without padding).
    pub fn value_bytes(&self) -> &'a [u8] {
        self.value
    }

    /// The value, interpreted by its type.
    ///
    /// A Counter64 of 16 bytes is the original's net-snmp `struct counter64` (high word, then
    /// low word) and is read as such.
    pub fn value(&self) -> Result<Value<'a>, WirelineError> {
        let v = self.value;
        let bad = || WirelineError {
            offset: self.value_offset(),
            kind: WirelineErrorKind::BadValueSize {
                tag: self.tag,
                len: v.len() as u64,
            },
        };
        let word = |i: usize| -> Option<u64> {
            v.get(i * WORD..(i + 1) * WORD)
                .map(|b| u64::from_ne_bytes(b.try_into().expect("an 8-byte slice")))
        };
        let unsigned = || match v.len() {
            8 => word(0).ok_or_else(bad),
            _ => Err(bad()),
        };
        Ok(match self.tag {
            0x02 => Value::Integer(unsigned()? as i64),
            0x41 => Value::Counter32(unsigned()?),
            0x42 => Value::Gauge32(unsigned()?),
            0x43 => Value::TimeTicks(unsigned()?),
            0x46 => match v.len() {
                8 => Value::Counter64(unsigned()?),
                16 => {
                    let (high, low) = (word(0).ok_or_else(bad)?, word(1).ok_or_else(bad)?);
                    Value::Counter64((high << 32) | (low & 0xffff_ffff))
                }
                _ => return Err(bad()),
            },
            0x04 => Value::OctetString(v),
            0x44 => Value::Opaque(v),
            0x05 => Value::Null,
            0x80 => Value::NoSuchObject,
            0x81 => Value::NoSuchInstance,
            0x82 => Value::EndOfMibView,
            0x40 => Value::IpAddress(v.try_into().map_err(|_| bad())?),
            0x06 => match self.header.sub_id_size {
                4 => Value::ObjectId(SubIds::U32(bytemuck::try_cast_slice(v).map_err(|_| bad())?)),
                _ => Value::ObjectId(SubIds::U64(bytemuck::try_cast_slice(v).map_err(|_| bad())?)),
            },
            tag => Value::Unknown { tag, content: v },
        })
    }

    fn value_offset(&self) -> usize {
        let index_bytes = self.index.len() * usize::from(self.header.sub_id_size);
        self.offset + (RECORD_FIXED_WORDS + 1 + index_bytes.div_ceil(WORD)) * WORD
    }
}

/// Words of a buffer given as bytes: borrowed when the bytes are 8-byte aligned, copied when
/// not (the checked slow path for, say, a buffer sliced out of a larger file).
pub fn words_from_bytes(bytes: &[u8]) -> Result<Cow<'_, [u64]>, WirelineError> {
    if bytes.len() % WORD != 0 {
        return Err(WirelineError {
            offset: bytes.len() - bytes.len() % WORD,
            kind: WirelineErrorKind::NotWordMultiple,
        });
    }
    Ok(match bytemuck::try_cast_slice(bytes) {
        Ok(words) => Cow::Borrowed(words),
        Err(_) => Cow::Owned(
            bytes
                .chunks_exact(WORD)
                .map(|c| u64::from_ne_bytes(c.try_into().expect("chunks of 8 bytes")))
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of the format spec (docs/wireline.md).
    fn spec_example() -> WirelineBuf {
        let roots = [
            "1.3.6.1.2.1.2.2.1.2".parse().expect("ifDescr"),
            "1.3.6.1.2.1.31.1.1.1.6".parse().expect("ifHCInOctets"),
        ];
        let mut w = WirelineWriter::new(b"abc", &roots);
        let ts = 1_732_363_200_000_000_000; // 2024-11-23T12:00:00Z
        w.push_record(ts, 0, &[1], &Value::OctetString(b"lo"))
            .expect("root 0");
        w.push_record(ts, 1, &[1], &Value::Counter64(1_234_567))
            .expect("root 1");
        w.finish()
    }

    /// The hex dump in docs/wireline.md: between the markers, `OFFSET: 8 bytes  # comment`.
    fn documented_bytes() -> Vec<u8> {
        let doc = include_str!("../../../docs/wireline.md");
        let start = doc.find("<!-- example-start -->").expect("start marker");
        let end = doc.find("<!-- example-end -->").expect("end marker");
        doc[start..end]
            .lines()
            .filter_map(|l| l.split_once(": "))
            .flat_map(|(_, rest)| {
                let hex = rest.split('#').next().unwrap_or_default();
                hex.split_whitespace()
                    .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn spec_example_is_what_the_writer_writes() {
        assert_eq!(documented_bytes(), spec_example().as_bytes());
    }
}
