//! [`MessageFramer`]: splits a byte stream into whole SNMP messages, for the TCP transport
//! (RFC 3430 §2.1: messages are sent back to back, each one BER SEQUENCE, with no other
//! framing).
//!
//! The framer reads only each message's outer tag and length; the message itself goes to the
//! same reader as a datagram. A stream that does not start with a SEQUENCE, uses the
//! indefinite length, or announces a message longer than the framer's cap cannot be
//! re-synchronised: the connection has to be closed.

/// A byte stream that cannot be split into messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// A message does not start with a SEQUENCE tag (0x30).
    #[error("a message on the stream starts with tag {tag:#04x}, not a SEQUENCE (0x30)")]
    NotASequence {
        /// The tag found.
        tag: u8,
    },
    /// The length is indefinite (0x80) or takes more than four octets.
    #[error("a message on the stream has an unsupported length form ({first:#04x})")]
    BadLength {
        /// The length's first octet.
        first: u8,
    },
    /// The message is longer than the framer accepts.
    #[error("a message on the stream is {len} bytes, over the cap of {cap}")]
    TooLong {
        /// Its length, header included.
        len: u64,
        /// The cap.
        cap: usize,
    },
}

/// The cap on one message read from a stream: 16 MiB, far above any reply (a GETBULK of
/// 10,000 varbinds is about 0.5 MiB) and a bound on what a broken peer can make us buffer.
pub const MAX_STREAM_MESSAGE: usize = 16 << 20;

/// Buffers bytes read from a stream and hands out each complete message.
#[derive(Debug)]
pub struct MessageFramer {
    buf: Vec<u8>,
    /// Where the next message starts in `buf`.
    start: usize,
    cap: usize,
}

impl Default for MessageFramer {
    fn default() -> Self {
        Self::new(MAX_STREAM_MESSAGE)
    }
}

impl MessageFramer {
    /// A framer accepting messages of at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        MessageFramer {
            buf: Vec::new(),
            start: 0,
            cap,
        }
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete message, or `None` until more bytes are pushed. After an error the
    /// stream is unusable.
    pub fn next_message(&mut self) -> Result<Option<&[u8]>, StreamError> {
        let rest = &self.buf[self.start..];
        let Some(len) = message_len(rest, self.cap)? else {
            return Ok(None);
        };
        let at = self.start;
        self.start += len;
        Ok(Some(&self.buf[at..at + len]))
    }

    /// Bytes pushed that are not yet part of a complete message.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }
}

/// The whole length (header included) of the message at the start of `bytes`, once its header
/// and body are all there.
fn message_len(bytes: &[u8], cap: usize) -> Result<Option<usize>, StreamError> {
    let Some(&tag) = bytes.first() else {
        return Ok(None);
    };
    if tag != 0x30 {
        return Err(StreamError::NotASequence { tag });
    }
    let Some(&first) = bytes.get(1) else {
        return Ok(None);
    };
    let (header, body) = if first < 0x80 {
        (2, u64::from(first))
    } else {
        let octets = usize::from(first & 0x7f);
        if octets == 0 || octets > 4 {
            return Err(StreamError::BadLength { first });
        }
        let Some(len) = bytes.get(2..2 + octets) else {
            return Ok(None);
        };
        (
            2 + octets,
            len.iter().fold(0u64, |n, &b| n << 8 | u64::from(b)),
        )
    };
    let total = header as u64 + body;
    if total > cap as u64 {
        return Err(StreamError::TooLong { len: total, cap });
    }
    let total = total as usize;
    Ok((bytes.len() >= total).then_some(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A SEQUENCE of `n` zero bytes, in the shortest length form.
    fn message(n: usize) -> Vec<u8> {
        let mut m = vec![0x30];
        match n {
            0..0x80 => m.push(n as u8),
            0x80..0x100 => m.extend([0x81, n as u8]),
            _ => m.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        m.resize(m.len() + n, 0);
        m
    }

    fn drain(f: &mut MessageFramer) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(m) = f.next_message().unwrap() {
            out.push(m.to_vec());
        }
        out
    }

    #[test]
    fn messages_back_to_back_come_out_one_by_one() {
        let mut f = MessageFramer::default();
        let (a, b) = (message(3), message(300));
        f.push(&[a.clone(), b.clone()].concat());
        assert_eq!(drain(&mut f), vec![a, b]);
        assert_eq!(f.buffered(), 0);
    }

    #[test]
    fn a_message_waits_for_its_last_byte() {
        let mut f = MessageFramer::default();
        let m = message(200);
        f.push(&m[..1]);
        assert_eq!(f.next_message(), Ok(None));
        f.push(&m[1..3]);
        assert_eq!(f.next_message(), Ok(None));
        f.push(&m[3..m.len() - 1]);
        assert_eq!(f.next_message(), Ok(None));
        f.push(&m[m.len() - 1..]);
        assert_eq!(f.next_message(), Ok(Some(&m[..])));
    }

    #[test]
    fn streams_that_cannot_be_split_say_why() {
        let mut f = MessageFramer::default();
        f.push(&[0x02, 0x01, 0x00]);
        assert_eq!(f.next_message(), Err(StreamError::NotASequence { tag: 2 }));
        let mut f = MessageFramer::default();
        f.push(&[0x30, 0x80, 0, 0]);
        assert_eq!(
            f.next_message(),
            Err(StreamError::BadLength { first: 0x80 })
        );
        let mut f = MessageFramer::default();
        f.push(&[0x30, 0x85, 1, 1, 1, 1, 1]);
        assert_eq!(
            f.next_message(),
            Err(StreamError::BadLength { first: 0x85 })
        );
        // A huge announced length fails at once, before any of it is buffered.
        let mut f = MessageFramer::new(1000);
        f.push(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(
            f.next_message(),
            Err(StreamError::TooLong {
                len: 6 + 0xffff_ffff,
                cap: 1000
            })
        );
    }

    proptest! {
        /// However the stream is cut into reads, the same messages come out, in order.
        #[test]
        fn any_split_of_the_stream_gives_the_same_messages(
            sizes in proptest::collection::vec(0usize..700, 1..8),
            cuts in proptest::collection::vec(1usize..300, 1..40),
        ) {
            let messages: Vec<Vec<u8>> = sizes.iter().map(|&n| message(n)).collect();
            let stream = messages.concat();
            let mut f = MessageFramer::default();
            let (mut at, mut out) = (0, Vec::new());
            for cut in cuts.iter().cycle() {
                if at >= stream.len() {
                    break;
                }
                let end = (at + cut).min(stream.len());
                f.push(&stream[at..end]);
                at = end;
                out.extend(drain(&mut f));
            }
            prop_assert_eq!(out, messages);
            prop_assert_eq!(f.buffered(), 0);
        }
    }
}
