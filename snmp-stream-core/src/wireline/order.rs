//! Buffers written on a machine of the other byte order: the checked slow path.
//!
//! A wireline buffer's words are in its writer's byte order (header byte 0). Swapping whole
//! words would scramble the byte strings (request-id, OCTET STRING values) and the packed
//! 4-byte sub-identifiers, so [`convert`] walks the buffer field by field, re-laying each in
//! the target order and copying byte strings as they are. [`native_words`] is the entry point
//! for readers: borrowed words for a native, aligned buffer; a converted copy otherwise.

use std::borrow::Cow;

use super::{NATIVE_ORDER, WORD, WirelineError, WirelineErrorKind, words_from_bytes};

/// The words of a buffer given as bytes, in this machine's byte order, whatever order it was
/// written in: borrowed when it is native and 8-byte aligned, converted or copied otherwise.
pub fn native_words(bytes: &[u8]) -> Result<Cow<'_, [u64]>, WirelineError> {
    match bytes.first() {
        Some(&order) if order != NATIVE_ORDER && order <= 1 => {
            let native = convert(bytes, NATIVE_ORDER)?;
            Ok(Cow::Owned(words_from_bytes(&native)?.into_owned()))
        }
        _ => words_from_bytes(bytes),
    }
}

/// The same buffer with every field in byte order `target` (0 little-endian, 1 big-endian).
///
/// The buffer is checked on the way: a truncated or inconsistent one is an error naming the
/// offset of the field at fault.
pub fn convert(bytes: &[u8], target: u8) -> Result<Vec<u8>, WirelineError> {
    let source = *bytes.first().ok_or(err(0, WirelineErrorKind::Truncated))?;
    if source > 1 {
        return Err(err(0, WirelineErrorKind::BadByteOrder(source)));
    }
    if target > 1 {
        return Err(err(0, WirelineErrorKind::BadByteOrder(target)));
    }
    if bytes.len() % WORD != 0 {
        return Err(err(
            bytes.len() - bytes.len() % WORD,
            WirelineErrorKind::NotWordMultiple,
        ));
    }
    let mut c = Converter {
        src: bytes,
        pos: 0,
        out: Vec::with_capacity(bytes.len()),
        source,
        target,
    };
    let header = c.take(16)?;
    let sub_id_size = header[2];
    if !matches!(sub_id_size, 4 | 8) {
        return Err(err(2, WirelineErrorKind::BadSubIdSize(sub_id_size)));
    }
    c.out.extend_from_slice(header);
    c.out[0] = target;

    let req_len = c.word()?;
    c.raw(req_len, 1)?;
    let roots = c.word()?;
    for _ in 0..roots {
        let n = c.word()?;
        c.units(n, 8)?;
    }
    while c.pos < bytes.len() {
        let start = c.pos;
        let size = c.word()?;
        let end = start
            .checked_add(WORD)
            .and_then(|s| s.checked_add(usize::try_from(size).ok()?))
            .filter(|&e| size % WORD as u64 == 0 && e <= bytes.len())
            .ok_or(err(start, WirelineErrorKind::BadRecordSize(size)))?;
        let _timestamp = c.word()?;
        let _root = c.word()?;
        let tag = c.word()?;
        let index_len = c.word()?;
        c.units(index_len, usize::from(sub_id_size))?;
        let value_len = c.word()?;
        let tag = source_tag(tag);
        match (tag, value_len) {
            (Some(0x02 | 0x41 | 0x42 | 0x43 | 0x46), 8 | 16) => c.units(value_len / 8, 8)?,
            (Some(0x06), _) if value_len % u64::from(sub_id_size) == 0 => {
                c.units(value_len / u64::from(sub_id_size), usize::from(sub_id_size))?
            }
            _ => c.raw(value_len, 1)?,
        }
        if c.pos > end {
            return Err(err(start, WirelineErrorKind::BadRecordSize(size)));
        }
        // Words a later format version may add: copied as they are.
        let rest = end - c.pos;
        c.raw(rest as u64, 1)?;
    }
    Ok(c.out)
}

fn source_tag(tag: u64) -> Option<u8> {
    u8::try_from(tag).ok()
}

fn err(offset: usize, kind: WirelineErrorKind) -> WirelineError {
    WirelineError { offset, kind }
}

struct Converter<'a> {
    src: &'a [u8],
    pos: usize,
    out: Vec<u8>,
    source: u8,
    target: u8,
}

impl<'a> Converter<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WirelineError> {
        let s = self
            .pos
            .checked_add(n)
            .and_then(|end| self.src.get(self.pos..end))
            .ok_or(err(self.pos, WirelineErrorKind::Truncated))?;
        self.pos += n;
        Ok(s)
    }

    /// Appends one number of `unit.len()` bytes in the target order: between little- and
    /// big-endian that is its bytes reversed.
    fn put_number(&mut self, unit: &[u8]) {
        if self.source == self.target {
            self.out.extend_from_slice(unit);
        } else {
            self.out.extend(unit.iter().rev());
        }
    }

    /// One word: read in the source order, written in the target order; returns its value.
    fn word(&mut self) -> Result<u64, WirelineError> {
        let b: [u8; 8] = self.take(8)?.try_into().expect("take(8) gives 8 bytes");
        self.put_number(&b);
        Ok(if self.source == 0 {
            u64::from_le_bytes(b)
        } else {
            u64::from_be_bytes(b)
        })
    }

    /// `count` numbers of `size` bytes (4 or 8), then the padding to a word.
    fn units(&mut self, count: u64, size: usize) -> Result<(), WirelineError> {
        let at = self.pos;
        let bad = err(at, WirelineErrorKind::BadLength(count));
        let bytes = usize::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(size))
            .ok_or(bad)?;
        // A count from the buffer may be anything: no arithmetic on it may overflow.
        let padded = bytes.checked_next_multiple_of(WORD).ok_or(bad)?;
        let src = self.take(padded).map_err(|_| bad)?;
        for unit in src[..bytes].chunks_exact(size) {
            self.put_number(unit);
        }
        // Padding is copied as it is (not zeroed), so a conversion can always be undone.
        self.out.extend_from_slice(&src[bytes..]);
        Ok(())
    }

    /// `len` bytes copied as they are, then the padding to a word.
    fn raw(&mut self, len: u64, _unit: usize) -> Result<(), WirelineError> {
        let at = self.pos;
        let bad = err(at, WirelineErrorKind::BadLength(len));
        let len = usize::try_from(len).map_err(|_| bad)?;
        // A length from the buffer may be anything: no arithmetic on it may overflow.
        let padded = len.checked_next_multiple_of(WORD).ok_or(bad)?;
        let src = self
            .take(padded)
            .map_err(|_| err(at, WirelineErrorKind::BadLength(len as u64)))?;
        self.out.extend_from_slice(src);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wireline::{Wireline, WirelineWriter};
    use crate::{Oid, Value};

    fn sample() -> crate::WirelineBuf {
        let roots: Vec<Oid> = vec![
            "1.3.6.1.2.1.2.2.1.2".parse().expect("oid"),
            "1.3.6.1.2.1.1.2".parse().expect("oid"),
        ];
        let mut w = WirelineWriter::new(b"abc", &roots);
        w.push_record(11, 0, &[1], &Value::OctetString(b"eth0"))
            .expect("root 0");
        w.push_record(12, 0, &[2, 70000], &Value::Integer(-5))
            .expect("root 0");
        w.push_record(
            13,
            1,
            &[],
            &Value::ObjectId(crate::SubIds::U32(&[1, 3, 6, 1, 4, 1, 8072])),
        )
        .expect("root 1");
        w.push_record(14, 0, &[3], &Value::Counter64(0x0102_0304_0506_0708))
            .expect("root 0");
        w.push_record(15, 0, &[4], &Value::IpAddress([10, 0, 0, 1]))
            .expect("root 0");
        w.finish()
    }

    fn records(words: &[u64]) -> Vec<String> {
        let w = Wireline::parse(words).expect("parses");
        w.records()
            .map(|r| {
                let r = r.expect("record");
                format!(
                    "{} {} {} {:?}",
                    r.timestamp_nanos(),
                    r.root_index(),
                    r.index(),
                    r.value()
                )
            })
            .collect()
    }

    #[test]
    fn a_foreign_buffer_reads_as_its_native_original() {
        let buf = sample();
        let foreign_order = 1 - NATIVE_ORDER;
        let foreign = convert(buf.as_bytes(), foreign_order).expect("converts");
        assert_eq!(foreign[0], foreign_order);
        assert_ne!(foreign, buf.as_bytes(), "every number changed order");
        // Byte strings are not swapped: "abc" and "eth0" appear as they are.
        assert!(foreign.windows(3).any(|w| w == b"abc"));
        assert!(foreign.windows(4).any(|w| w == b"eth0"));
        let words = native_words(&foreign).expect("reads");
        assert!(matches!(words, Cow::Owned(_)));
        assert_eq!(&*words, buf.as_words());
        assert_eq!(records(&words), records(buf.as_words()));
        // And a native buffer is borrowed as it is.
        assert!(matches!(
            native_words(buf.as_bytes()).expect("reads"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_hand_written_big_endian_buffer_reads() {
        // Header: big-endian, 8-byte words, 4-byte sub-ids, ns; no req-id; root 1.3; one
        // record: root 0, INTEGER, index [7], value 258.
        let mut be: Vec<u8> = vec![1, 8, 4, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        for w in [0u64, 1, 2, 1, 3, 56, 99, 0, 2, 1] {
            be.extend_from_slice(&w.to_be_bytes());
        }
        be.extend_from_slice(&7u32.to_be_bytes());
        be.extend_from_slice(&[0; 4]);
        be.extend_from_slice(&8u64.to_be_bytes());
        be.extend_from_slice(&258i64.to_be_bytes());
        let words = native_words(&be).expect("reads");
        assert_eq!(records(&words), ["99 0 7 Ok(Integer(258))"]);
    }

    #[test]
    fn conversion_keeps_non_zero_padding_so_it_round_trips() {
        // Found by the wireline_read fuzz target: an index of 3 sub-ids whose padding slot was
        // not zero came back zeroed, so converting there and back changed the buffer.
        let buf = sample();
        let mut bytes = buf.as_bytes().to_vec();
        // The first record's index is one 4-byte sub-id: its word's last 4 bytes are padding.
        let records_at = buf.read().expect("parses").records_offset();
        bytes[records_at + 5 * WORD + 4] = 2;
        let there = convert(&bytes, 1 - NATIVE_ORDER).expect("converts");
        assert_eq!(convert(&there, NATIVE_ORDER).expect("converts back"), bytes);
    }

    #[test]
    fn a_huge_length_field_is_an_error_not_an_overflow() {
        // Found by the wireline_read fuzz target: a request-id length near 2^64 overflowed the
        // padding arithmetic (a panic in debug builds, a wrong read in release).
        let mut bytes = sample().as_bytes().to_vec();
        bytes[16..24].copy_from_slice(&(u64::MAX - 3).to_ne_bytes());
        let e = convert(&bytes, 1 - NATIVE_ORDER).unwrap_err();
        assert_eq!(
            (e.offset, e.kind),
            (16 + 8, WirelineErrorKind::BadLength(u64::MAX - 3))
        );
    }

    #[test]
    fn a_huge_index_length_is_an_error_not_an_overflow() {
        // Found by the wireline_read fuzz target: an index length near 2^61 sub-ids overflowed
        // the padding arithmetic after the multiplication by the sub-id size.
        let buf = sample();
        let mut bytes = buf.as_bytes().to_vec();
        let records_at = buf.read().expect("parses").records_offset();
        let huge = (u64::MAX / 4) - 1;
        bytes[records_at + 4 * WORD..records_at + 5 * WORD].copy_from_slice(&huge.to_ne_bytes());
        let e = convert(&bytes, 1 - NATIVE_ORDER).unwrap_err();
        assert_eq!(e.kind, WirelineErrorKind::BadLength(huge));
    }

    #[test]
    fn corrupt_foreign_buffers_are_errors() {
        let buf = sample();
        let foreign = convert(buf.as_bytes(), 1 - NATIVE_ORDER).expect("converts");
        // Every truncation inside the header is an error (an empty input is not foreign: the
        // ordinary reader reports it); later ones never panic.
        for cut in (0..foreign.len()).step_by(8) {
            let r = native_words(&foreign[..cut]);
            if (8..16 + 8).contains(&cut) {
                assert!(r.is_err(), "cut at {cut}");
            }
        }
        let mut bad = foreign.clone();
        bad[2] = 5;
        assert_eq!(
            native_words(&bad).unwrap_err().kind,
            WirelineErrorKind::BadSubIdSize(5)
        );
        let mut bad = foreign;
        bad.truncate(bad.len() - 8);
        let e = native_words(&bad).unwrap_err();
        assert!(
            matches!(
                e.kind,
                WirelineErrorKind::BadRecordSize(_) | WirelineErrorKind::BadLength(_)
            ),
            "{e}"
        );
    }
}
