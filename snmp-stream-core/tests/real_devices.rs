//! The engine against agents with the bugs real devices show (ARCHITECTURE.md, "Failure
//! policy"): GET replies that do not match the request, repeated and decreasing OIDs, values
//! that do not decode or do not fit their type, columns that never end, replies that are not
//! the host's, and hosts that stop answering half-way. Each case runs on the virtual clock
//! against the fake agent (harness/), with the agent's fault flag or a rewritten reply.

use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_stream_core::ber::{DecodeErrorKind, PduHeader, encode_message, read_message};
use snmp_stream_core::config::NonIncreasingPolicy;
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::wireline::Wireline;
use snmp_stream_core::{
    CollectError, Community, Config, IndexRange, Quirks, Request, Status, SubIds, Value, Version,
};
use snmp_stream_sim::Faults;

mod harness;
use harness::*;

const IF_INDEX: &str = "1.3.6.1.2.1.2.2.1.1";
const IF_DESCR: &str = "1.3.6.1.2.1.2.2.1.2";

fn get(oids: &[&str]) -> Arc<Request> {
    Arc::new(
        Request::get(
            host(),
            Community::v2c("public"),
            oids.iter().map(|o| oid(o)).collect(),
        )
        .build()
        .unwrap(),
    )
}

/// ifIndex.1..=5 and ifDescr.1..=5: ten OIDs, one GET PDU at the default 10 per PDU.
fn ten_cells() -> Vec<String> {
    let mut v: Vec<String> = (1..=5).map(|i| format!("{IF_INDEX}.{i}")).collect();
    v.extend((1..=5).map(|i| format!("{IF_DESCR}.{i}")));
    v
}

fn get_cells(cells: &[String]) -> Arc<Request> {
    get(&cells.iter().map(String::as_str).collect::<Vec<_>>())
}

/// (root, value) of each record of a GET whose roots are whole OIDs (empty indexes).
fn cells(r: &snmp_stream_core::Response) -> Vec<(usize, String)> {
    let mut v: Vec<_> = records(r)
        .into_iter()
        .map(|(root, index, value)| {
            assert_eq!(index, "", "a GET of whole OIDs records empty indexes");
            (root, value)
        })
        .collect();
    v.sort();
    v
}

fn expected_cells() -> Vec<(usize, String)> {
    let mut v: Vec<_> = (1..=5).map(|i| (i - 1, i.to_string())).collect();
    v.extend((1..=5).map(|i| (i + 4, format!("eth{i}"))));
    v
}

fn errors(r: &snmp_stream_core::Response) -> Vec<CollectError> {
    r.errors.iter().map(|e| e.error.clone()).collect()
}

fn run_get(faults: Faults, request: Arc<Request>) -> (snmp_stream_core::Response, Pair) {
    let mut p = Pair::new(if_table(5), faults, Config::default(), Knobs::default(), 31);
    p.session.add_request(request).unwrap();
    let r = one(p.run().0);
    (r, p)
}

// 1. GET replies that do not match the request.

#[test]
fn a_short_get_reply_re_asks_each_missing_oid_alone_and_completes() {
    let faults = Faults {
        get_reply_cap: Some(3),
        ..Faults::default()
    };
    let (r, p) = run_get(faults, get_cells(&ten_cells()));
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(cells(&r), expected_cells());
    assert_eq!(r.quirks.reasked_oids, 7);
    assert_eq!(
        p.session.stats().transmits,
        1 + 7,
        "one PDU, then each OID alone"
    );
}

#[test]
fn an_oid_a_get_reply_always_leaves_out_is_an_error_naming_it() {
    let faults = Faults {
        get_reply_omit: Some(oid(&format!("{IF_DESCR}.3"))),
        ..Faults::default()
    };
    let (r, _) = run_get(faults, get_cells(&ten_cells()));
    assert_eq!(r.status, Status::Partial);
    assert_eq!(
        errors(&r),
        [CollectError::MissingFromReply {
            oid: oid(&format!("{IF_DESCR}.3"))
        }]
    );
    let mut want = expected_cells();
    want.retain(|c| c.0 != 7);
    assert_eq!(cells(&r), want);
    assert_eq!(r.quirks.reasked_oids, 1);
    assert!(
        r.errors[0]
            .error
            .to_string()
            .contains("1.3.6.1.2.1.2.2.1.2.3")
    );
}

#[test]
fn an_empty_get_reply_fails_every_oid_by_name() {
    let faults = Faults {
        get_reply_cap: Some(0),
        ..Faults::default()
    };
    let (r, _) = run_get(faults, get_cells(&ten_cells()));
    assert_eq!(r.status, Status::Failed);
    let missing: Vec<String> = r
        .errors
        .iter()
        .map(|e| match &e.error {
            CollectError::MissingFromReply { oid } => oid.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(missing, ten_cells());
}

#[test]
fn a_get_reply_in_another_order_is_matched_by_oid() {
    let faults = Faults {
        get_reply_reversed: true,
        ..Faults::default()
    };
    let (r, p) = run_get(faults, get_cells(&ten_cells()));
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(cells(&r), expected_cells());
    assert_eq!(r.quirks, Quirks::default());
    assert_eq!(p.session.stats().transmits, 1);
}

#[test]
fn an_unrequested_varbind_in_a_get_reply_is_dropped_and_counted() {
    let faults = Faults {
        get_reply_extra: true,
        ..Faults::default()
    };
    let (r, _) = run_get(faults, get_cells(&ten_cells()));
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(cells(&r), expected_cells());
    assert_eq!(r.quirks.unrequested_varbinds, 1);
}

// 2. The same OID asked twice.

#[test]
fn a_get_oid_given_twice_is_asked_and_recorded_once() {
    let request = Request::get(
        host(),
        Community::v2c("public"),
        vec![oid(IF_DESCR), oid(IF_DESCR), oid(IF_INDEX)],
    )
    .ranges(vec![
        "2:2".parse().unwrap(),
        "2:2".parse().unwrap(),
        "3:3".parse().unwrap(),
    ])
    .build()
    .unwrap();
    let (r, p) = run_get(Faults::default(), Arc::new(request));
    assert_eq!(r.status, Status::Complete);
    assert_eq!(
        records(&r),
        [
            (0, "2".to_string(), "eth2".to_string()),
            (2, "2".to_string(), "2".to_string()),
            (0, "3".to_string(), "eth3".to_string()),
            (2, "3".to_string(), "3".to_string()),
        ]
    );
    // Nine (point, root) pairs name four OIDs.
    assert_eq!(r.quirks.duplicate_get_oids, 5);
    assert_eq!(p.session.stats().transmits, 1);
}

// 3. One bad value does not end its column.

#[test]
fn a_malformed_value_is_an_error_naming_its_oid_and_the_walk_goes_on() {
    let bad = oid(&format!("{IF_DESCR}.3"));
    let faults = Faults {
        malformed_value_at: Some(bad.clone()),
        ..Faults::default()
    };
    let mut p = Pair::new(
        if_table(10),
        faults,
        Config::default(),
        Knobs::default(),
        32,
    );
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Partial);
    let got: Vec<String> = records(&r).into_iter().map(|x| x.1).collect();
    assert_eq!(got, ["1", "2", "4", "5", "6", "7", "8", "9", "10"]);
    match &errors(&r)[..] {
        [CollectError::MalformedValue { oid, error }] => {
            assert_eq!(oid, &bad);
            assert_eq!(error.kind, DecodeErrorKind::EmptyInteger);
            assert!(error.offset > 0);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.quirks.malformed_values, 1);
    let text = r.errors[0].error.to_string();
    assert!(
        text.contains("1.3.6.1.2.1.2.2.1.2.3") && text.contains("at byte"),
        "{text}"
    );
}

#[test]
fn a_malformed_value_in_a_get_reply_is_an_error_and_not_asked_again() {
    let bad = format!("{IF_DESCR}.2");
    let faults = Faults {
        malformed_value_at: Some(oid(&bad)),
        ..Faults::default()
    };
    let (r, p) = run_get(faults, get_cells(&ten_cells()));
    assert_eq!(r.status, Status::Partial);
    assert!(matches!(
        &errors(&r)[..],
        [CollectError::MalformedValue { oid: o, .. }] if o.to_string() == bad
    ));
    assert_eq!(cells(&r).len(), 9);
    assert_eq!(p.session.stats().transmits, 1);
}

/// ifDescr.3's OID with its last sub-identifier left unterminated, in every reply.
fn break_if_descr_3(mut d: Vec<u8>) -> Vec<u8> {
    let tlv = [0x06, 0x0a, 0x2b, 6, 1, 2, 1, 2, 2, 1, 2, 3];
    if let Some(at) = d.windows(tlv.len()).position(|w| w == tlv) {
        d[at + tlv.len() - 1] = 0x83;
    }
    d
}

#[test]
fn an_undecodable_oid_ends_only_its_own_column() {
    let knobs = Knobs {
        rewrite: Some(break_if_descr_3),
        ..Knobs::default()
    };
    let mut p = Pair::new(
        if_table(10),
        Faults::default(),
        Config::default(),
        knobs,
        33,
    );
    p.session.add_request(walk(&[IF_INDEX, IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Partial);
    let mut want = expected_if_rows(10);
    want.retain(|x| x.0 == 0 || x.1 == "1" || x.1 == "2");
    assert_eq!(sorted(records(&r)), want);
    assert!(
        matches!(
            &errors(&r)[..],
            [CollectError::Malformed(e)] if e.kind == DecodeErrorKind::BadOid
        ),
        "{:?}",
        r.errors
    );
}

#[test]
fn values_wider_than_their_type_are_kept_as_sent_and_counted() {
    #[allow(clippy::disallowed_methods)] // the virtual clock's origin
    let now = Instant::now();
    let mut s = Session::new(Config::default(), now, 0, 34);
    let cells = [
        "1.3.6.1.2.1.2.2.1.10.1",
        "1.3.6.1.2.1.2.2.1.5.1",
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.2.2.1.1.1",
        "1.3.6.1.2.1.2.2.1.8.1",
    ];
    s.add_request(get(&cells)).unwrap();
    let mut buf = Vec::new();
    s.poll_transmit(now, &mut buf).unwrap();
    let id = read_message(&buf).unwrap().pdu.request_id;
    let values = [
        Value::Counter32(1 << 33),
        Value::Gauge32(u64::from(u32::MAX) + 1),
        Value::TimeTicks(u64::from(u32::MAX)),
        Value::Integer(1 << 40),
        Value::Integer(-5),
    ];
    let oids: Vec<_> = cells.iter().map(|c| oid(c)).collect();
    let mut reply = Vec::new();
    encode_message(
        &mut reply,
        Version::V2c,
        b"public",
        &PduHeader::response(id, 0, 0),
        oids.iter().map(|o| o.sub_ids()).zip(values),
    );
    s.handle_datagram(now, &reply);
    let Some(Event::Response(r)) = s.poll_event() else {
        panic!("the GET is answered");
    };
    assert_eq!(r.status, Status::Complete);
    assert_eq!(r.quirks.out_of_range_values, 3);
    let w = Wireline::parse(r.buffer.as_words()).unwrap();
    let kept: Vec<String> = w
        .records()
        .map(|rec| format!("{:?}", rec.unwrap().value().unwrap()))
        .collect();
    assert_eq!(
        kept,
        [
            "Counter32(8589934592)",
            "Gauge32(4294967296)",
            "TimeTicks(4294967295)",
            "Integer(1099511627776)",
            "Integer(-5)"
        ]
    );
}

// 4. Repeated and decreasing OIDs.

#[test]
fn a_repeated_oid_is_dropped_counted_and_the_walk_completes() {
    let faults = Faults {
        repeat_oid_at: Some(oid(&format!("{IF_DESCR}.3"))),
        ..Faults::default()
    };
    for policy in [NonIncreasingPolicy::Strict, NonIncreasingPolicy::Permissive] {
        let cfg = config(|c| c.non_increasing(policy));
        let mut p = Pair::new(if_table(10), faults.clone(), cfg, Knobs::default(), 35);
        p.session.add_request(walk(&[IF_INDEX, IF_DESCR])).unwrap();
        let r = one(p.run().0);
        assert_eq!(r.status, Status::Complete, "{policy:?}: {:?}", r.errors);
        assert_eq!(sorted(records(&r)), expected_if_rows(10), "{policy:?}");
        assert_eq!(r.quirks.repeated_oids, 1, "{policy:?}");
    }
}

/// Replies name ifDescr.5 as `to` instead (same encoded length): a column that goes back.
fn if_descr_5_as(d: Vec<u8>, to: u8) -> Vec<u8> {
    let tlv = [0x06, 0x0a, 0x2b, 6, 1, 2, 1, 2, 2, 1, 2, 5];
    let mut d = d;
    if let Some(at) = d.windows(tlv.len()).position(|w| w == tlv) {
        d[at + tlv.len() - 1] = to;
    }
    d
}

#[test]
fn a_decreasing_oid_stops_its_column_under_the_strict_policy() {
    let knobs = Knobs {
        rewrite: Some(|d| if_descr_5_as(d, 2)),
        ..Knobs::default()
    };
    let mut p = Pair::new(
        if_table(10),
        Faults::default(),
        Config::default(),
        knobs,
        36,
    );
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Partial);
    let got: Vec<String> = records(&r).into_iter().map(|x| x.1).collect();
    assert_eq!(got, ["1", "2", "3", "4"]);
    assert_eq!(
        errors(&r),
        [CollectError::NonIncreasingOid {
            previous: oid(&format!("{IF_DESCR}.4")),
            received: oid(&format!("{IF_DESCR}.2")),
        }]
    );
    let text = r.errors[0].error.to_string();
    assert!(text.contains(".2.4") && text.contains(".2.2"), "{text}");
}

#[test]
fn the_permissive_policy_walks_past_a_decreasing_oid_but_stops_a_loop() {
    let permissive = config(|c| c.non_increasing(NonIncreasingPolicy::Permissive));
    // ifDescr.5 named ifDescr.0: decreasing but new, so the walk goes on and keeps it.
    let knobs = Knobs {
        rewrite: Some(|d| if_descr_5_as(d, 0)),
        ..Knobs::default()
    };
    let mut p = Pair::new(
        if_table(10),
        Faults::default(),
        permissive.clone(),
        knobs,
        37,
    );
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    let got: Vec<String> = records(&r).into_iter().map(|x| x.1).collect();
    assert_eq!(got, ["1", "2", "3", "4", "0", "6", "7", "8", "9", "10"]);
    // ifDescr.5 named ifDescr.2, seen before: a loop, which stops the column.
    let knobs = Knobs {
        rewrite: Some(|d| if_descr_5_as(d, 2)),
        ..Knobs::default()
    };
    let mut p = Pair::new(if_table(10), Faults::default(), permissive, knobs, 38);
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Partial);
    assert!(matches!(
        &errors(&r)[..],
        [CollectError::NonIncreasingOid { .. }]
    ));
}

// 5. No unbounded walk.

#[test]
fn an_endless_column_stops_at_the_row_cap_under_either_policy() {
    let faults = Faults {
        endless_column: Some(oid(IF_DESCR)),
        ..Faults::default()
    };
    for policy in [NonIncreasingPolicy::Strict, NonIncreasingPolicy::Permissive] {
        let cfg = config(|c| {
            c.non_increasing(policy)
                .max_rows_per_root(1000)
                .max_response_var_binds_per_pdu(50)
        });
        let mut p = Pair::new(if_table(10), faults.clone(), cfg, Knobs::default(), 39);
        p.session.add_request(walk(&[IF_INDEX, IF_DESCR])).unwrap();
        let r = one(p.run().0);
        assert_eq!(r.status, Status::Partial, "{policy:?}");
        let rows = records(&r);
        assert_eq!(
            rows.iter().filter(|x| x.0 == 0).count(),
            10,
            "ifIndex whole"
        );
        assert_eq!(rows.iter().filter(|x| x.0 == 1).count(), 1000, "{policy:?}");
        assert_eq!(
            errors(&r),
            [CollectError::RowCap {
                root: oid(IF_DESCR),
                cap: 1000
            }]
        );
        assert!(
            r.errors[0]
                .error
                .to_string()
                .contains("cap of 1000 varbinds")
        );
    }
}

#[test]
fn the_row_cap_stops_each_root_of_a_normal_table_by_name() {
    let cfg = config(|c| c.max_rows_per_root(3));
    let mut p = Pair::new(if_table(10), Faults::default(), cfg, Knobs::default(), 40);
    p.session.add_request(walk(&[IF_INDEX, IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Partial);
    assert_eq!(records(&r).len(), 6);
    assert_eq!(
        errors(&r),
        [
            CollectError::RowCap {
                root: oid(IF_INDEX),
                cap: 3
            },
            CollectError::RowCap {
                root: oid(IF_DESCR),
                cap: 3
            }
        ]
    );
}

#[test]
fn an_endless_column_stops_at_the_host_deadline() {
    let faults = Faults {
        endless_column: Some(oid(IF_DESCR)),
        ..Faults::default()
    };
    let knobs = Knobs {
        delay: Duration::from_millis(10),
        ..Knobs::default()
    };
    let cfg = config(|c| c.host_deadline(Duration::from_secs(2)));
    let mut p = Pair::new(if_table(10), faults, cfg, knobs, 41);
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let (rs, took) = p.run();
    let r = one(rs);
    assert_eq!(r.status, Status::Partial);
    assert_eq!(errors(&r), [CollectError::DeadlineExceeded]);
    // 20 ms per round trip of 10 records, for 2 s.
    assert_eq!(records(&r).len(), 1000);
    assert_eq!(took, Duration::from_secs(2));
}

// 6. Replies are checked.

/// The same reply in SNMPv1.
fn as_v1(d: Vec<u8>) -> Vec<u8> {
    let m = read_message(&d).unwrap();
    let mut out = Vec::new();
    encode_message(
        &mut out,
        Version::V1,
        m.community,
        &PduHeader::response(m.pdu.request_id, m.pdu.error_status, m.pdu.error_index),
        m.pdu.varbinds().map(|vb| {
            let vb = vb.unwrap();
            (SubIds::Ber(vb.oid), vb.value)
        }),
    );
    out
}

fn quick() -> Config {
    config(|c| c.retries(1).timeout(Duration::from_secs(1)))
}

#[test]
fn replies_in_another_version_are_dropped_and_counted() {
    let knobs = Knobs {
        rewrite: Some(as_v1),
        ..Knobs::default()
    };
    let mut p = Pair::new(if_table(3), Faults::default(), quick(), knobs, 42);
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Failed);
    assert_eq!(errors(&r), [CollectError::Timeout { attempts: 2 }]);
    assert_eq!(r.quirks.wrong_version, 2);
    assert_eq!(p.session.stats().mismatched, 2);
    assert_eq!(p.session.stats().varbinds, 0);
}

#[test]
fn replies_with_another_community_are_dropped_and_counted() {
    let faults = Faults {
        reply_community: Some(b"private".to_vec()),
        ..Faults::default()
    };
    let mut p = Pair::new(if_table(3), faults, quick(), Knobs::default(), 43);
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.quirks.wrong_community, 2);
    assert_eq!(p.session.stats().varbinds, 0);
}

#[test]
fn replies_from_another_address_are_dropped_unless_accepted() {
    let knobs = Knobs {
        from_other_address: true,
        ..Knobs::default()
    };
    let mut p = Pair::new(if_table(3), Faults::default(), quick(), knobs.clone(), 44);
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Failed);
    assert_eq!(p.session.stats().other_source, 2);
    assert_eq!(r.quirks.other_source, 0);

    let accept = config(|c| c.accept_other_source(true));
    let mut p = Pair::new(if_table(3), Faults::default(), accept, knobs, 45);
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete);
    assert_eq!(records(&r).len(), 3);
    assert_eq!(r.quirks.other_source, p.replies_sent as u64);
}

#[test]
fn replies_to_no_request_in_flight_are_counted_with_the_next_response() {
    // Every reply is delivered twice: the copies answer nothing in flight.
    let knobs = Knobs {
        duplicate: 1.0,
        ..Knobs::default()
    };
    let mut p = Pair::new(
        if_table(30),
        Faults::default(),
        Config::default(),
        knobs,
        46,
    );
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    p.session.add_request(walk(&[IF_INDEX])).unwrap();
    let (rs, _) = p.run();
    assert!(rs.iter().all(|r| r.status == Status::Complete));
    let dropped: u64 = rs.iter().map(|r| r.quirks.unknown_request_id).sum();
    // All but the copy of the last reply, which arrives after the last response was made:
    // the session's counters have it, no response does.
    assert_eq!(dropped + 1, p.session.stats().unknown_request_id);
    assert!(dropped > 0);
}

// 7. A timeout keeps what was collected.

#[test]
fn a_get_that_times_out_after_answers_keeps_them() {
    let cells: Vec<String> = (1..=25).map(|i| format!("{IF_DESCR}.{i}")).collect();
    let knobs = Knobs {
        drop_requests_from: Some(1),
        ..Knobs::default()
    };
    let mut p = Pair::new(
        if_table(30),
        Faults::default(),
        Config::default(),
        knobs,
        47,
    );
    p.session.add_request(get_cells(&cells)).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Partial);
    assert_eq!(records(&r).len(), 10, "the first PDU's answers");
    assert_eq!(errors(&r), [CollectError::Timeout { attempts: 4 }]);
}

#[test]
fn a_multi_column_walk_that_times_out_keeps_what_came() {
    let knobs = Knobs {
        drop_requests_from: Some(2),
        ..Knobs::default()
    };
    let mut p = Pair::new(
        if_table(40),
        Faults::default(),
        Config::default(),
        knobs,
        48,
    );
    p.session.add_request(walk(&[IF_INDEX, IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Partial);
    // Two replies of 10 varbinds, 5 of each column.
    let rows = records(&r);
    assert_eq!(rows.len(), 20);
    assert_eq!(rows.iter().filter(|x| x.0 == 1).count(), 10);
    assert_eq!(errors(&r), [CollectError::Timeout { attempts: 4 }]);
}

#[test]
fn concurrent_ranges_that_time_out_each_keep_their_records() {
    let knobs = Knobs {
        drop_requests_from: Some(4),
        ..Knobs::default()
    };
    let cfg = config(|c| c.max_in_flight_per_host(4));
    let mut p = Pair::new(if_table(250), Faults::default(), cfg, knobs, 49);
    let request = Request::walk(host(), Community::v2c("public"), vec![oid(IF_DESCR)])
        .ranges(IndexRange::split_by_first_arc(4, 255))
        .build()
        .unwrap();
    p.session.add_request(Arc::new(request)).unwrap();
    let (rs, _) = p.run();
    assert_eq!(rs.len(), 4);
    for r in &rs {
        assert_eq!(r.status, Status::Partial, "{:?}", r.range);
        assert_eq!(records(r).len(), 10, "{:?}", r.range);
        assert_eq!(errors(r), [CollectError::Timeout { attempts: 4 }]);
    }
}

#[test]
fn a_column_of_exactly_the_cap_ends_complete() {
    let cfg = config(|c| c.max_rows_per_root(10));
    let mut p = Pair::new(if_table(10), Faults::default(), cfg, Knobs::default(), 50);
    p.session.add_request(walk(&[IF_INDEX, IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(sorted(records(&r)), expected_if_rows(10));
}

/// Every INTEGER value of a reply sent as a one- or two-octet IpAddress: malformed values
/// under well-formed OIDs.
fn integers_as_bad_ip_addresses(d: Vec<u8>) -> Vec<u8> {
    let m = read_message(&d).unwrap();
    let vbs: Vec<_> = m.pdu.varbinds().map(|vb| vb.unwrap()).collect();
    let contents: Vec<Vec<u8>> = vbs
        .iter()
        .map(|vb| match vb.value {
            Value::Integer(i) => {
                let b = i.to_be_bytes();
                let skip = b.iter().take_while(|&&x| x == 0).count().min(7);
                b[skip..].to_vec()
            }
            _ => Vec::new(),
        })
        .collect();
    let mut out = Vec::new();
    encode_message(
        &mut out,
        m.version,
        m.community,
        &PduHeader::response(m.pdu.request_id, m.pdu.error_status, m.pdu.error_index),
        vbs.iter().zip(&contents).map(|(vb, c)| {
            let value = match vb.value {
                Value::Integer(_) => Value::Unknown {
                    tag: 0x40,
                    content: c,
                },
                other => other,
            };
            (SubIds::Ber(vb.oid), value)
        }),
    );
    out
}

#[test]
fn an_endless_column_of_malformed_values_stops_at_the_cap_naming_a_few() {
    // Each value left out still counts against the cap, and only the first few are named.
    let faults = Faults {
        endless_column: Some(oid(IF_DESCR)),
        ..Faults::default()
    };
    let knobs = Knobs {
        rewrite: Some(integers_as_bad_ip_addresses),
        ..Knobs::default()
    };
    let cfg = config(|c| c.max_rows_per_root(100));
    let mut p = Pair::new(if_table(10), faults, cfg, knobs, 51);
    p.session.add_request(walk(&[IF_DESCR])).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Failed, "nothing recorded");
    assert_eq!(records(&r).len(), 0);
    assert_eq!(r.quirks.malformed_values, 100);
    let named = r
        .errors
        .iter()
        .filter(|e| matches!(e.error, CollectError::MalformedValue { .. }))
        .count();
    assert_eq!(named, 16);
    assert_eq!(
        r.errors.last().map(|e| &e.error),
        Some(&CollectError::RowCap {
            root: oid(IF_DESCR),
            cap: 100
        })
    );
    assert_eq!(r.errors.len(), 17);
}

#[test]
fn a_malformed_value_nobody_asked_for_is_only_unrequested() {
    let faults = Faults {
        get_reply_extra: true,
        malformed_value_at: Some(oid("1.3.6.1.6.3.1.1.4.1.0")),
        ..Faults::default()
    };
    let (r, _) = run_get(faults, get_cells(&ten_cells()));
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(r.quirks.unrequested_varbinds, 1);
    assert_eq!(r.quirks.malformed_values, 0);
}

#[test]
fn a_large_get_answered_in_reverse_is_matched_in_full() {
    // 200 OIDs in one PDU: matched through the map, not a scan per varbind.
    let cells: Vec<String> = (1..=100)
        .flat_map(|i| [format!("{IF_INDEX}.{i}"), format!("{IF_DESCR}.{i}")])
        .collect();
    let faults = Faults {
        get_reply_reversed: true,
        ..Faults::default()
    };
    let cfg = config(|c| c.max_response_var_binds_per_pdu(200));
    let mut p = Pair::new(if_table(100), faults, cfg, Knobs::default(), 52);
    p.session.add_request(get_cells(&cells)).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(records(&r).len(), 200);
    assert_eq!(p.session.stats().transmits, 1);
}
