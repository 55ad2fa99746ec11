//! `engine`: a session fed arbitrary datagrams, replies built from the fuzzer's bytes (in any
//! varbind order, with malformed and out-of-range values, under another community, from
//! another address), and timer events, in any order.
//!
//! Checks, beyond "no panic":
//! - while the session is not idle it always has a timer or something to send (it never
//!   stalls);
//! - after the input, running the clock forward always ends the session (no hang): every
//!   request ends in a Response, whose buffer reads back.
#![no_main]

use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use snmp_stream_core::ber::{PduHeader, encode_message, read_message};
use snmp_stream_core::config::ConfigOverrides;
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::{Community, Host, Oid, Request, SubIds, Value};

fuzz_target!(|data: &[u8]| {
    #[allow(clippy::disallowed_methods)] // the virtual clock's origin
    let start = Instant::now();
    let mut now = start;
    // The second byte: bit 0 v1, bit 1 accept replies from other addresses, bits 2-4 a row
    // cap (1-8 records per root; 0 the default).
    let flags = data.get(1).copied().unwrap_or(0);
    let mut config = ConfigOverrides::new()
        .retries(2)
        .timeout(Duration::from_millis(100))
        .accept_other_source(flags & 2 != 0);
    if (flags >> 2) & 7 != 0 {
        config = config.max_rows_per_root(u64::from((flags >> 2) & 7));
    }
    let config = config.build().expect("valid config");
    let mut s = Session::new(config, now, 0, u64::from(data.first().copied().unwrap_or(0)));
    let host: Host = "127.0.0.1".parse().expect("host");
    let v1 = flags & 1 == 1;
    let community = if v1 { Community::v1("c") } else { Community::v2c("c") };
    let roots: Vec<Oid> = ["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]
        .iter()
        .map(|o| o.parse().expect("oid"))
        .collect();
    let walk = Request::walk(host.clone(), community.clone(), roots.clone())
        .ranges(vec!["2:7".parse().expect("range")])
        .build()
        .expect("walk");
    // A GET naming one OID twice: asked and recorded once.
    let mut get_oids = roots.clone();
    get_oids.push(roots[0].clone());
    let get = Request::get(host, community.clone(), get_oids).build().expect("get");
    s.add_request(Arc::new(walk)).expect("valid");
    s.add_request(Arc::new(get)).expect("valid");

    let mut buf = Vec::new();
    let mut last_request: Vec<u8> = Vec::new();
    let mut reply = Vec::new();
    let mut responses = 0;
    let mut input = data.get(2..).unwrap_or_default();
    while let Some((&op, rest)) = input.split_first() {
        input = rest;
        match op % 4 {
            0 => {
                if let Some(t) = s.poll_transmit(now, &mut buf) {
                    last_request = buf[..t.len].to_vec();
                }
            }
            1 => {
                now += Duration::from_millis(u64::from(op) * 2);
                if s.poll_timeout().is_some_and(|t| t <= now) {
                    s.handle_timeout(now);
                }
            }
            2 => {
                // Raw bytes as a datagram.
                let n = usize::from(op / 4).min(input.len());
                s.handle_datagram(now, &input[..n]);
                input = &input[n..];
            }
            _ => {
                // A well-formed reply to the last request: its OIDs with fuzzed extra arcs
                // and values, fuzzed error-status and index.
                let Ok(req) = read_message(&last_request) else { continue };
                let id = req.pdu.request_id;
                let mut owned: Vec<(Oid, u8, u8)> = Vec::new();
                for vb in req.pdu.varbinds().flatten() {
                    let (a, b) = match input {
                        [a, b, rest @ ..] => {
                            input = rest;
                            (*a, *b)
                        }
                        _ => (0, 0),
                    };
                    let mut arcs: Vec<u32> = vb.oid.iter().collect();
                    if a % 3 != 0 {
                        arcs.push(u32::from(a));
                    }
                    if a % 5 == 0 {
                        arcs.truncate(arcs.len().saturating_sub(2).max(2));
                    }
                    if let Ok(o) = Oid::from_vec(arcs) {
                        owned.push((o, a, b));
                    }
                }
                let (status, index) = match input {
                    [x, y, rest @ ..] if x % 7 == 0 => {
                        input = rest;
                        (i32::from(*y % 6), i32::from(*y / 16))
                    }
                    _ => (0, 0),
                };
                let value = |a: u8, b: u8| match b % 7 {
                    0 => Value::EndOfMibView,
                    1 => Value::NoSuchInstance,
                    2 => Value::Counter32(u64::from(a)),
                    // Wider than a Counter32.
                    3 => Value::Counter32(u64::from(a) << 32),
                    // A zero-length INTEGER: malformed.
                    4 => Value::Unknown { tag: 0x02, content: &[] },
                    _ => Value::Integer(i64::from(b)),
                };
                // The op's upper bits: varbinds reversed, another community, another address.
                if op & 0x10 != 0 {
                    owned.reverse();
                }
                let community: &[u8] = if op & 0x20 != 0 { b"other" } else { req.community };
                encode_message(
                    &mut reply,
                    req.version,
                    community,
                    &PduHeader::response(id, status, index),
                    owned.iter().map(|(o, a, b)| (SubIds::U32(o.as_slice()), value(*a, *b))),
                );
                if op & 0x40 != 0 {
                    s.handle_datagram_from_other_address(now, &reply);
                } else {
                    s.handle_datagram(now, &reply);
                }
            }
        }
        while let Some(Event::Response(r)) = s.poll_event() {
            responses += 1;
            r.buffer.read().expect("a response buffer reads back").records().for_each(|r| {
                r.expect("records read back");
            });
        }
        if !s.is_idle() {
            assert!(
                s.poll_timeout().is_some() || s.poll_transmit(now, &mut buf).is_some(),
                "a busy session has a timer or a datagram to send"
            );
        }
    }
    // Drain: only time passes now; every PDU must time out and the session end.
    for _ in 0..1000 {
        while s.poll_transmit(now, &mut buf).is_some() {}
        while let Some(Event::Response(_)) = s.poll_event() {
            responses += 1;
        }
        if s.is_idle() {
            break;
        }
        let t = s.poll_timeout().expect("a busy session has a timer");
        now = now.max(t);
        s.handle_timeout(now);
    }
    assert!(s.is_idle(), "the session ends once time runs on");
    assert_eq!(responses, 2, "one Response per request (the walk has one range)");
});
