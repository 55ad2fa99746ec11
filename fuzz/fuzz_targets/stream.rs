//! `stream`: arbitrary bytes as a TCP stream through the message framer (RFC 3430), cut into
//! reads where the first byte says; nothing may panic, every message handed out is one whole
//! BER SEQUENCE within the cap, and the messages are the stream's bytes in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::ber::stream::{MessageFramer, StreamError};

fuzz_target!(|data: &[u8]| {
    let [cut, stream @ ..] = data else {
        return;
    };
    let cut = usize::from(*cut).max(1);
    // A small cap, so that inputs reach the cap.
    let cap = 4096;
    let mut framer = MessageFramer::new(cap);
    let mut out: Vec<u8> = Vec::new();
    let mut failed = false;
    'reads: for chunk in stream.chunks(cut) {
        framer.push(chunk);
        loop {
            match framer.next_message() {
                Ok(Some(m)) => {
                    assert!(m.len() <= cap && m.len() >= 2 && m[0] == 0x30, "{m:02x?}");
                    out.extend_from_slice(m);
                }
                Ok(None) => break,
                Err(StreamError::TooLong { len, cap: c }) => {
                    assert!(len > c as u64);
                    failed = true;
                    break 'reads;
                }
                Err(_) => {
                    failed = true;
                    break 'reads;
                }
            }
        }
    }
    // What came out is the stream's beginning; without an error, only a last partial message
    // is left.
    assert_eq!(&stream[..out.len()], &out[..]);
    if !failed {
        assert_eq!(out.len() + framer.buffered(), stream.len());
    }
});
