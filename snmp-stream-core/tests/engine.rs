//! The request engine against a fake agent, on a virtual clock (the harness in `harness/`, in
//! the manner of quinn-proto's test `Pair`): the core `Responder` answers over an in-memory MIB, and the harness between
//! them loses, delays, duplicates and reorders datagrams on demand.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use snmp_stream_core::config::{ConfigOverrides, NonIncreasingPolicy};
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::{CollectError, Community, Config, IndexRange, Oid, Request, Status};
use snmp_stream_sim::{Faults, Mib, MibValue, Reply};

mod harness;
use harness::*;

#[test]
fn a_walk_collects_exactly_its_subtrees() {
    let mut p = Pair::new(
        if_table(30),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        1,
    );
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(sorted(records(&r)), expected_if_rows(30));
    // The seed's packing: up to ⌈√10⌉ = 4 heads per PDU, ⌊10 / heads⌋ repetitions; 2 heads
    // here, so 5 rows of each column per PDU: 6 PDUs for 30 rows, plus the one that sees both
    // heads end.
    assert_eq!(p.session.stats().transmits, 7);
}

#[test]
fn first_retransmission_still_completes() {
    // The original lost results on the first retransmission.
    let knobs = Knobs {
        drop_requests: vec![0],
        ..Knobs::default()
    };
    let mut p = Pair::new(if_table(5), Faults::default(), Config::default(), knobs, 2);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let (rs, took) = p.run();
    let r = one(rs);
    assert_eq!(r.status, Status::Complete);
    assert_eq!(sorted(records(&r)), expected_if_rows(5));
    assert_eq!(p.session.stats().retries, 1);
    assert!(took >= Duration::from_secs(3), "waited one timeout");
}

#[test]
fn late_reply_to_attempt_1_is_accepted_after_attempt_2_was_sent() {
    // Attempt 1's reply arrives after 4 s (timeout 3 s); attempt 2's request is lost.
    let knobs = Knobs {
        late_reply: Some((0, Duration::from_secs(4))),
        drop_requests: vec![1],
        ..Knobs::default()
    };
    let mut p = Pair::new(if_table(3), Faults::default(), Config::default(), knobs, 3);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let (rs, took) = p.run();
    let r = one(rs);
    assert_eq!(r.status, Status::Complete);
    assert_eq!(records(&r).len(), 3);
    assert_eq!(p.session.stats().retries, 1);
    assert!(
        took < Duration::from_secs(6),
        "finished on attempt 1's late reply, not attempt 2's timeout: {took:?}"
    );
}

#[test]
fn duplicate_replies_are_dropped() {
    let knobs = Knobs {
        duplicate: 1.0,
        ..Knobs::default()
    };
    let mut p = Pair::new(if_table(20), Faults::default(), Config::default(), knobs, 4);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let r = one(p.run().0);
    assert_eq!(sorted(records(&r)), expected_if_rows(20));
    assert!(p.session.stats().unknown_request_id > 0);
}

#[test]
fn range_starting_past_the_first_bulk_window() {
    let mut p = Pair::new(
        if_table(100),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        5,
    );
    let req = Request::walk(
        host(),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.2.2.1.2")],
    )
    .ranges(vec!["50:60".parse().unwrap()])
    .build()
    .unwrap();
    p.session.add_request(Arc::new(req)).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete);
    assert_eq!(r.range, Some("50:60".parse().unwrap()));
    let got: Vec<String> = records(&r).into_iter().map(|x| x.1).collect();
    let want: Vec<String> = (50..=60).map(|i| i.to_string()).collect();
    assert_eq!(got, want);
}

#[test]
fn each_range_is_its_own_response() {
    let mut p = Pair::new(
        if_table(40),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        6,
    );
    let req = Request::walk(
        host(),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.2.2.1.1")],
    )
    .ranges(IndexRange::split_by_first_arc(4, 39))
    .build()
    .unwrap();
    p.session.add_request(Arc::new(req)).unwrap();
    let rs = p.run().0;
    assert_eq!(rs.len(), 4);
    let counts: Vec<usize> = rs.iter().map(|r| records(r).len()).collect();
    assert_eq!(counts, [9, 10, 10, 11], "1..=9, 10..=19, 20..=29, 30..");
}

#[test]
fn too_big_is_recovered_by_shrinking_the_bulk() {
    // More than one varbind is too big: 2×2 → 2×1 → 1×1 GETBULK, then the walk completes.
    let faults = Faults {
        too_big_above: Some(1),
        ..Faults::default()
    };
    let mut p = Pair::new(if_table(6), faults, Config::default(), Knobs::default(), 7);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(sorted(records(&r)), expected_if_rows(6));
}

#[test]
fn too_big_is_recovered_down_to_getnext() {
    // Every GETBULK is tooBig: the ladder ends in GETNEXT, one head at a time.
    let faults = Faults {
        bulk_too_big: true,
        ..Faults::default()
    };
    let mut p = Pair::new(if_table(6), faults, Config::default(), Knobs::default(), 7);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert!(r.errors.is_empty());
    assert_eq!(sorted(records(&r)), expected_if_rows(6));
    // tooBig at 2×5, 2×2, 2×1 and 1×1 GETBULK; then 7 GETNEXTs per column (6 rows, then the
    // end).
    assert_eq!(p.session.stats().transmits, 4 + 14);
}

#[test]
fn host_deadline_keeps_what_was_collected() {
    // A round trip takes 1 s; the host has 2.5 s: two replies' worth of rows, then the deadline.
    let knobs = Knobs {
        delay: Duration::from_millis(500),
        ..Knobs::default()
    };
    let cfg = config(|c| c.host_deadline(Duration::from_millis(2500)));
    let mut p = Pair::new(if_table(30), Faults::default(), cfg, knobs, 15);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let (rs, took) = p.run();
    let r = one(rs);
    assert_eq!(r.status, Status::Partial);
    // One head with M = 10: 10 repetitions per GETBULK (the budget of the heads in the PDU).
    assert_eq!(records(&r).len(), 20, "two GETBULKs of 10 repetitions");
    assert_eq!(r.errors[0].error, CollectError::DeadlineExceeded);
    assert_eq!(took, Duration::from_millis(2500));
}

#[test]
fn exponential_backoff_spaces_the_retries() {
    let knobs = Knobs {
        loss: 1.0,
        ..Knobs::default()
    };
    let backoff = snmp_stream_core::config::Backoff::Exponential {
        factor: 2,
        max: Duration::from_secs(3),
    };
    let cfg = config(|c| {
        c.retries(3)
            .timeout(Duration::from_secs(1))
            .backoff(backoff)
    });
    let mut p = Pair::new(if_table(3), Faults::default(), cfg, knobs, 16);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let (rs, took) = p.run();
    assert_eq!(one(rs).status, Status::Failed);
    assert_eq!(
        took,
        Duration::from_secs(1 + 2 + 3 + 3),
        "1, 2, then capped at 3"
    );
    assert_eq!(p.session.stats().transmits, 4);
}

#[test]
fn bulk_capped_agent_is_walked_completely() {
    let faults = Faults {
        bulk_cap: Some(3),
        ..Faults::default()
    };
    let cfg = config(|c| c.max_response_var_binds_per_pdu(50));
    let mut p = Pair::new(if_table(40), faults, cfg, Knobs::default(), 8);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete);
    assert_eq!(sorted(records(&r)), expected_if_rows(40));
}

#[test]
fn an_agent_stuck_on_one_oid_ends_the_walk_with_no_progress_under_either_policy() {
    // The agent's successor of ifDescr.3 is ifDescr.3 again, forever. Each repeat is dropped
    // (a repeated OID is not a decreasing one), so the walk asks on from ifDescr.3 and stops
    // after `retries` + 1 replies that moved it no further.
    let faults = Faults {
        non_increasing_after: Some(oid("1.3.6.1.2.1.2.2.1.2.3")),
        ..Faults::default()
    };
    for (seed, policy) in [
        (9, NonIncreasingPolicy::Strict),
        (10, NonIncreasingPolicy::Permissive),
    ] {
        let cfg = config(|c| c.non_increasing(policy));
        let mut p = Pair::new(if_table(10), faults.clone(), cfg, Knobs::default(), seed);
        p.session
            .add_request(walk(&["1.3.6.1.2.1.2.2.1.2"]))
            .unwrap();
        let r = one(p.run().0);
        assert_eq!(r.status, Status::Partial, "{policy:?}");
        let got: Vec<String> = records(&r).into_iter().map(|x| x.1).collect();
        assert_eq!(got, ["1", "2", "3"], "{policy:?}");
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].error, CollectError::NoProgress);
        // The default packing asks 10 varbinds per GETBULK: 7 repeats in the first reply,
        // then 10 in each of the 4 replies (retries 3 + 1) that made no progress.
        assert_eq!(r.quirks.repeated_oids, 7 + 4 * 10, "{policy:?}");
    }
}

#[test]
fn dead_host_fails_after_timeout_times_retries_plus_one() {
    let knobs = Knobs {
        loss: 1.0,
        ..Knobs::default()
    };
    let cfg = config(|c| c.retries(2).timeout(Duration::from_secs(2)));
    let mut p = Pair::new(if_table(3), Faults::default(), cfg, knobs, 11);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    p.session.add_request(walk(&["1.3.6.1.2.1.1"])).unwrap();
    let (rs, took) = p.run();
    assert_eq!(rs.len(), 2);
    for r in &rs {
        assert_eq!(r.status, Status::Failed);
        assert_eq!(r.errors[0].error, CollectError::Timeout { attempts: 3 });
    }
    assert_eq!(took, Duration::from_secs(6));
    assert_eq!(
        p.session.stats().transmits,
        3,
        "exactly retries + 1 transmissions"
    );
}

#[test]
fn error_status_is_recorded_with_its_index_and_oid() {
    let faults = Faults {
        error_status_on: Some((oid("1.3.6.1.2.1.2.2.1.2.2"), 5)),
        ..Faults::default()
    };
    let mut p = Pair::new(if_table(5), faults, Config::default(), Knobs::default(), 12);
    let req = Request::get(
        host(),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.2.2.1.1.2"), oid("1.3.6.1.2.1.2.2.1.2.2")],
    )
    .build()
    .unwrap();
    p.session.add_request(Arc::new(req)).unwrap();
    let r = one(p.run().0);
    // The error names the OID it blames; the other OID of the PDU is asked again and kept.
    assert_eq!(r.status, Status::Partial);
    assert_eq!(
        r.errors.iter().map(|e| &e.error).collect::<Vec<_>>(),
        [&CollectError::Agent {
            status: 5,
            index: 2,
            oid: Some(oid("1.3.6.1.2.1.2.2.1.2.2"))
        }]
    );
    assert_eq!(records(&r), [(0, String::new(), "2".to_string())]);
}

#[test]
fn get_records_exceptions_as_data() {
    let mut p = Pair::new(
        if_table(2),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        13,
    );
    let req = Request::get(
        host(),
        Community::v2c("public"),
        vec![
            oid("1.3.6.1.2.1.1.1.0"),
            oid("1.3.6.1.2.1.1.5.0"),
            oid("1.3.6.1.2.1.2.2.1.2.9"),
        ],
    )
    .build()
    .unwrap();
    p.session.add_request(Arc::new(req)).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete);
    let got = records(&r);
    assert_eq!(got[0], (0, String::new(), "Linux".into()));
    assert_eq!(got.len(), 3);
    assert!(
        got[1].2.starts_with("NoSuch") && got[2].2.starts_with("NoSuch"),
        "{got:?}"
    );
}

#[test]
fn v1_walk_ends_on_no_such_name_and_a_get_names_the_missing_oid() {
    let mut p = Pair::new(
        if_table(4),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        14,
    );
    let req = Request::walk(
        host(),
        Community::v1("public"),
        vec![oid("1.3.6.1.2.1.31.1.1.1.1")],
    )
    .build()
    .unwrap();
    p.session.add_request(Arc::new(req)).unwrap();
    let req = Request::get(
        host(),
        Community::v1("public"),
        vec![oid("1.3.6.1.2.1.1.9.0"), oid("1.3.6.1.2.1.1.1.0")],
    )
    .build()
    .unwrap();
    p.session.add_request(Arc::new(req)).unwrap();
    let rs = p.run().0;
    assert_eq!(rs.len(), 2);
    let walk = rs
        .iter()
        .find(|r| r.request.kind() == snmp_stream_core::RequestKind::Walk)
        .unwrap();
    assert_eq!(records(walk), [(0, "1".into(), "lo".into())]);
    let get = rs
        .iter()
        .find(|r| r.request.kind() == snmp_stream_core::RequestKind::Get)
        .unwrap();
    // v1 says noSuchName, an error on that OID (RFC 1157 §4.1.2), not v2c's noSuchObject
    // data; the other OID is asked again and kept.
    assert_eq!(get.status, Status::Partial);
    assert_eq!(records(get), [(1, String::new(), "Linux".to_string())]);
    assert_eq!(
        get.errors.iter().map(|e| &e.error).collect::<Vec<_>>(),
        [&CollectError::Agent {
            status: 2,
            index: 1,
            oid: Some(oid("1.3.6.1.2.1.1.9.0"))
        }]
    );
}

// ---- model-based property test -------------------------------------------------------

/// A random MIB under a few table columns, with random indices.
fn arb_mib() -> impl Strategy<Value = BTreeMap<Vec<u32>, i64>> {
    prop::collection::btree_map(
        (1u32..5, prop::collection::vec(0u32..12, 1..4)).prop_map(|(col, idx)| {
            let mut o = vec![1, 3, 6, 1, 2, 1, 2, 2, 1, col];
            o.extend(idx);
            o
        }),
        any::<i64>(),
        0..80,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// For random MIBs, roots, ranges and loss below 100%, a WALK returns exactly
    /// MIB ∩ subtree ∩ ranges, in order, without duplicates.
    #[test]
    fn walk_returns_exactly_mib_within_subtree_and_ranges(
        table in arb_mib(),
        cols in prop::sample::subsequence(vec![1u32, 2, 3, 4], 1..4),
        ranges in prop::collection::vec((prop::collection::vec(0u32..12, 0..3), prop::collection::vec(0u32..12, 0..3)), 0..3),
        // Loss per direction below 30% with 50 retries: a PDU fails all attempts with odds
        // of about 1e-15, so a run never times out by chance.
        loss in prop_oneof![Just(0.0), 0.0f64..0.3],
        dup in prop_oneof![Just(0.0), 0.0f64..0.5],
        m in 1u32..30,
        v1 in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut mib = Mib::new();
        for (o, v) in &table {
            mib.insert(Oid::from_slice(o).unwrap(), MibValue::Integer(*v));
        }
        let ranges: Vec<IndexRange> = ranges.iter().filter_map(|(a, b)| IndexRange::new(a, b).ok()).collect();
        let roots: Vec<Oid> = cols.iter().map(|c| oid(&format!("1.3.6.1.2.1.2.2.1.{c}"))).collect();
        let community = if v1 { Community::v1("public") } else { Community::v2c("public") };
        let req = Request::walk(host(), community, roots.clone()).ranges(ranges.clone()).build().unwrap();
        let cfg = config(|c| c.max_response_var_binds_per_pdu(m).retries(50).timeout(Duration::from_secs(1)));
        let knobs = Knobs { loss, duplicate: dup, jitter: Duration::from_millis(300), delay: Duration::from_millis(10), ..Knobs::default() };
        let mut p = Pair::new(mib, Faults::default(), cfg, knobs, seed);
        p.session.add_request(Arc::new(req)).unwrap();
        let rs = p.run().0;
        let merged = IndexRange::merge(ranges);
        prop_assert_eq!(rs.len(), merged.len().max(1));
        for r in &rs {
            prop_assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
            // The model: every MIB entry under a root whose index lies in this response's range.
            let mut want = Vec::new();
            for (ri, root) in roots.iter().enumerate() {
                for (o, v) in &table {
                    if let Some(idx) = o.strip_prefix(root.as_slice()) {
                        if r.range.as_ref().is_none_or(|rg| rg.contains(idx)) {
                            want.push((ri, idx.iter().map(u32::to_string).collect::<Vec<_>>().join("."), v.to_string()));
                        }
                    }
                }
            }
            let got = records(r);
            // In order per root, and no duplicates: the per-root sequences equal the model's.
            for ri in 0..roots.len() {
                let g: Vec<_> = got.iter().filter(|x| x.0 == ri).collect();
                let w: Vec<_> = want.iter().filter(|x| x.0 == ri).collect();
                prop_assert_eq!(g, w);
            }
        }
    }

    /// A GET returns every requested OID, or its exception.
    #[test]
    fn get_returns_every_oid_or_its_exception(
        table in arb_mib(),
        asks in prop::collection::btree_set((1u32..5, prop::collection::vec(0u32..12, 1..4)), 1..25),
        v1 in any::<bool>(),
        m in 1u32..10,
        seed in any::<u64>(),
    ) {
        let mut mib = Mib::new();
        for (o, v) in &table {
            mib.insert(Oid::from_slice(o).unwrap(), MibValue::Integer(*v));
        }
        let oids: Vec<Oid> = asks.iter().map(|(c, idx)| {
            let mut o = vec![1, 3, 6, 1, 2, 1, 2, 2, 1, *c];
            o.extend(idx);
            Oid::from_vec(o).unwrap()
        }).collect();
        let community = if v1 { Community::v1("public") } else { Community::v2c("public") };
        let req = Request::get(host(), community, oids.clone()).build().unwrap();
        let mut p = Pair::new(mib, Faults::default(), config(|c| c.max_response_var_binds_per_pdu(m)), Knobs::default(), seed);
        p.session.add_request(Arc::new(req)).unwrap();
        let r = one(p.run().0);
        let got = records(&r);
        // v2c: every OID has a record, its value or its exception. v1: an OID the agent does
        // not have is a noSuchName error naming it. Either way in the request's order.
        let mut want_roots = Vec::new();
        let mut missing = Vec::new();
        for (ri, o) in oids.iter().enumerate() {
            match table.get(o.as_slice()) {
                Some(v) => {
                    let g = got.iter().find(|x| x.0 == ri).expect("every OID answered");
                    prop_assert_eq!(&g.2, &v.to_string());
                    want_roots.push(ri);
                }
                None if v1 => missing.push(o.clone()),
                None => {
                    let g = got.iter().find(|x| x.0 == ri).expect("every OID answered");
                    prop_assert!(g.2.starts_with("NoSuch"), "{:?}", g);
                    want_roots.push(ri);
                }
            }
        }
        prop_assert_eq!(got.iter().map(|x| x.0).collect::<Vec<_>>(), want_roots);
        let named: Vec<Oid> = r.errors.iter().map(|e| match &e.error {
            CollectError::Agent { status: 2, oid: Some(o), .. } => o.clone(),
            other => panic!("{other:?}"),
        }).collect();
        let (mut named, mut missing) = (named, missing);
        named.sort();
        missing.sort();
        prop_assert_eq!(named, missing);
        let want_status = Status::from_outcome(got.len(), r.errors.len());
        prop_assert_eq!(r.status, want_status);
    }
}

#[test]
fn get_with_point_ranges_appends_the_index_to_each_root() {
    let mut p = Pair::new(
        if_table(5),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        17,
    );
    let req = Request::get(
        host(),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.2.2.1.1"), oid("1.3.6.1.2.1.2.2.1.2")],
    )
    .ranges(vec!["2:2".parse().unwrap(), "4:4".parse().unwrap()])
    .build()
    .unwrap();
    p.session.add_request(Arc::new(req)).unwrap();
    let r = one(p.run().0);
    assert_eq!(r.status, Status::Complete);
    assert_eq!(
        records(&r),
        [
            (0, "2".into(), "2".into()),
            (1, "2".into(), "eth2".into()),
            (0, "4".into(), "4".into()),
            (1, "4".into(), "eth4".into()),
        ]
    );
}

#[test]
fn replies_with_a_wrong_request_id_are_counted_and_ignored() {
    let faults = Faults {
        wrong_request_id: true,
        ..Faults::default()
    };
    let cfg = config(|c| c.retries(1).timeout(Duration::from_secs(1)));
    let mut p = Pair::new(if_table(3), faults, cfg, Knobs::default(), 18);
    p.session
        .add_request(walk(&["1.3.6.1.2.1.2.2.1.2"]))
        .unwrap();
    let (rs, took) = p.run();
    let r = one(rs);
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.errors[0].error, CollectError::Timeout { attempts: 2 });
    assert_eq!(p.session.stats().unknown_request_id, 2);
    assert_eq!(took, Duration::from_secs(2));
}

#[test]
fn only_response_pdus_answer_a_request() {
    #[allow(clippy::disallowed_methods)] // the virtual clock's origin
    let now = Instant::now();
    let mut s = Session::new(Config::default(), now, 0, 19);
    s.add_request(walk(&["1.3.6.1.2.1.2.2.1.2"])).unwrap();
    let mut buf = Vec::new();
    let t = s.poll_transmit(now, &mut buf).unwrap();
    // The request itself, echoed back with our request-id, is not a reply.
    let echo = buf[..t.len].to_vec();
    s.handle_datagram(now, &echo);
    assert_eq!(s.stats().malformed, 1);
    assert!(s.poll_event().is_none());
    assert!(!s.is_idle());
}

#[test]
fn abort_fails_what_is_left_and_keeps_what_was_collected() {
    // Two ranges: the first completes, then the driver aborts (say the socket broke) while the
    // second is in flight.
    let mut p = Pair::new(
        if_table(40),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        11,
    );
    let request = Request::walk(
        host(),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.2.2.1.1")],
    )
    .ranges(vec![
        IndexRange::new(&[], &[3]).unwrap(),
        IndexRange::new(&[20], &[]).unwrap(),
    ])
    .build()
    .unwrap();
    p.session.add_request(Arc::new(request)).unwrap();
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut first = None;
    // Drive by hand: answer every request until the first partition is done.
    while first.is_none() {
        let t = p
            .session
            .poll_transmit(p.now, &mut buf)
            .expect("work to send");
        if let Ok(Reply::Sent { .. }) = p.agent.respond(&buf[..t.len], &mut out) {
            p.session.handle_datagram(p.now, &out);
        }
        if let Some(Event::Response(r)) = p.session.poll_event() {
            first = Some(r);
        }
    }
    let first = first.unwrap();
    assert_eq!(first.status, Status::Complete);
    // One PDU of the second partition goes out and is answered, the next is in flight.
    let t = p.session.poll_transmit(p.now, &mut buf).unwrap();
    p.agent.respond(&buf[..t.len], &mut out).unwrap();
    p.session.handle_datagram(p.now, &out);
    assert!(p.session.poll_transmit(p.now, &mut buf).is_some());
    p.session.abort(
        p.now,
        CollectError::Send(std::io::ErrorKind::NetworkUnreachable),
    );
    let second = match p.session.poll_event() {
        Some(Event::Response(r)) => r,
        other => panic!("the aborted partition is reported, got {other:?}"),
    };
    assert_eq!(second.status, Status::Partial);
    assert!(second.buffer.read().unwrap().records().count() > 0);
    assert_eq!(
        second.errors[0].error,
        CollectError::Send(std::io::ErrorKind::NetworkUnreachable)
    );
    assert!(p.session.is_idle());
    assert_eq!(p.session.poll_timeout(), None);
    assert!(p.session.poll_transmit(p.now, &mut buf).is_none());
}

#[test]
fn a_request_deadline_override_limits_the_host() {
    // The job file's per-request `deadline` used to be ignored: only the collector's counted.
    let knobs = Knobs {
        delay: Duration::from_millis(500),
        ..Knobs::default()
    };
    let mut p = Pair::new(
        if_table(30),
        Faults::default(),
        Config::default(),
        knobs,
        16,
    );
    let request = Request::walk(
        host(),
        Community::v2c("public"),
        vec![oid("1.3.6.1.2.1.2.2.1.2")],
    )
    .config(ConfigOverrides::new().host_deadline(Duration::from_millis(2500)))
    .build()
    .unwrap();
    p.session.add_request(Arc::new(request)).unwrap();
    let (rs, took) = p.run();
    let r = one(rs);
    assert_eq!(r.status, Status::Partial);
    assert_eq!(r.errors[0].error, CollectError::DeadlineExceeded);
    assert_eq!(took, Duration::from_millis(2500));
}

#[test]
fn a_request_in_flight_override_is_a_budget_of_its_own() {
    // Requests of four range partitions each. The override used to be ignored; a request with
    // one must neither starve the host's other requests nor be starved by them.
    #[allow(clippy::disallowed_methods)] // the virtual clock's origin
    let t0 = Instant::now();
    let request = |own: Option<u32>| {
        let mut overrides = ConfigOverrides::new();
        if let Some(n) = own {
            overrides = overrides.max_in_flight_per_host(n);
        }
        let request = Request::walk(
            host(),
            Community::v2c("public"),
            vec![oid("1.3.6.1.2.1.2.2.1.2")],
        )
        .ranges(IndexRange::split_by_first_arc(4, 255))
        .config(overrides)
        .build()
        .unwrap();
        Arc::new(request)
    };
    // PDUs sent at once (before any reply) for these requests, in this order.
    let first_burst = |host_limit: u32, requests: &[Option<u32>]| {
        let mut session = Session::new(config(|c| c.max_in_flight_per_host(host_limit)), t0, 0, 1);
        for &own in requests {
            session.add_request(request(own)).unwrap();
        }
        let mut buf = Vec::new();
        std::iter::from_fn(|| session.poll_transmit(t0, &mut buf)).count()
    };
    assert_eq!(first_burst(1, &[Some(3)]), 3);
    assert_eq!(first_burst(4, &[Some(1)]), 1);
    assert_eq!(first_burst(1, &[None]), 1);
    assert_eq!(
        first_burst(3, &[None, None]),
        3,
        "requests without one share the host's"
    );
    // Its own budget beside the host's, whichever comes first.
    assert_eq!(first_burst(1, &[Some(4), None]), 4 + 1);
    assert_eq!(first_burst(1, &[None, Some(4)]), 1 + 4);
    assert_eq!(first_burst(2, &[Some(3), Some(1), None]), 3 + 1 + 2);

    // And both finish against the fake agent.
    let mut p = Pair::new(
        if_table(40),
        Faults::default(),
        Config::default(),
        Knobs::default(),
        21,
    );
    p.session.add_request(request(Some(4))).unwrap();
    p.session.add_request(request(None)).unwrap();
    let (rs, _) = p.run();
    assert_eq!(rs.len(), 8);
    assert!(rs.iter().all(|r| r.status == Status::Complete), "{rs:?}");
    let rows: usize = rs.iter().map(|r| records(r).len()).sum();
    assert_eq!(rows, 2 * 40);
}

#[test]
fn a_lost_connection_resends_what_was_in_flight_at_once_as_retries() {
    // The virtual clock's origin; it never advances here but by the session's own timer.
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now();
    let mut buf = Vec::new();
    let mut session = Session::new(config(|c| c.retries(1)), now, 0, 5);
    session.add_request(walk(&["1.3.6.1.2.1.2.2.1.2"])).unwrap();
    let first = session.poll_transmit(now, &mut buf).expect("the first PDU");
    assert!(session.poll_transmit(now, &mut buf).is_none());
    session.handle_connection_lost();
    let again = session
        .poll_transmit(now, &mut buf)
        .expect("resent without waiting for the timer");
    assert_ne!(again.request_id, first.request_id);
    assert_eq!(session.stats().retries, 1);
    // Its one retry is spent: a second loss leaves it to its timer, which takes the host down.
    session.handle_connection_lost();
    assert!(session.poll_transmit(now, &mut buf).is_none());
    let timer = session.poll_timeout().expect("a timer");
    session.handle_timeout(timer);
    match session.poll_event() {
        Some(Event::Response(r)) => {
            assert_eq!(r.status, Status::Failed);
            assert_eq!(r.errors[0].error, CollectError::Timeout { attempts: 2 });
        }
        other => panic!("{other:?}"),
    }
}
