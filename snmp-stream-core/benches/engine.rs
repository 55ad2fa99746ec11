//! Engine benchmark: a whole WALK through `engine::Session` against the core's `Responder`
//! over an in-memory MIB, no I/O — varbinds per second through the state machine, including
//! the agent's work (so the engine's own share is at least this fast).
//!
//! Run with `cargo bench -p snmp-stream-core --bench engine`.

use std::sync::Arc;
use std::time::Instant;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use snmp_stream_core::config::ConfigOverrides;
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::{Community, Host, Oid, Request};
use snmp_stream_sim::{Mib, MibValue, Responder};

fn main() {
    divan::main();
}

const ROWS: u32 = 10_000;

/// ifTable-like: ifDescr (OCTET STRING) and ifInOctets (Counter32) for `ROWS` interfaces.
fn mib() -> Arc<Mib> {
    let mut m = Mib::new();
    for i in 1..=ROWS {
        let descr: Oid = format!("1.3.6.1.2.1.2.2.1.2.{i}").parse().expect("oid");
        let octets: Oid = format!("1.3.6.1.2.1.2.2.1.10.{i}").parse().expect("oid");
        m.insert(
            descr,
            MibValue::OctetString(format!("GigabitEthernet0/{i}").into_bytes()),
        );
        m.insert(octets, MibValue::Counter32(3_000_000_000 + i));
    }
    Arc::new(m)
}

/// Walks both columns to the end; returns the varbinds collected.
fn walk(agent: &Responder, max_varbinds: u32) -> u64 {
    #[allow(clippy::disallowed_methods)] // the virtual clock's origin
    let now = Instant::now();
    let config = ConfigOverrides::new()
        .max_response_var_binds_per_pdu(max_varbinds)
        .build()
        .expect("valid");
    let mut s = Session::new(config, now, 0, 7);
    let host: Host = "127.0.0.1".parse().expect("host");
    let roots = vec![
        "1.3.6.1.2.1.2.2.1.2".parse().expect("oid"),
        "1.3.6.1.2.1.2.2.1.10".parse().expect("oid"),
    ];
    let req = Request::walk(host, Community::v2c("public"), roots)
        .build()
        .expect("valid");
    s.add_request(Arc::new(req)).expect("valid");
    let (mut req_buf, mut reply) = (Vec::with_capacity(1500), Vec::with_capacity(65536));
    let mut collected = 0;
    // The agent answers at once and nothing is lost, so no timer ever needs to fire.
    while let Some(t) = s.poll_transmit(now, &mut req_buf) {
        if agent.respond(&req_buf[..t.len], &mut reply).is_ok() {
            s.handle_datagram(now, &reply);
        }
    }
    while let Some(Event::Response(r)) = s.poll_event() {
        collected += r.buffer.len_bytes() as u64;
        black_box(r);
    }
    assert!(s.is_idle(), "every request was answered");
    black_box(collected);
    s.stats().varbinds
}

/// `max_response_var_binds_per_pdu` 10 (the original's default: 2 heads × 2 repetitions per
/// PDU here) and 50 (2 heads × 7).
#[divan::bench(args = [10, 50], sample_count = 20)]
fn walk_two_columns(bencher: Bencher<'_, '_>, max_varbinds: u32) {
    let agent = Responder::new(mib());
    let n = walk(&agent, max_varbinds);
    assert_eq!(n, u64::from(ROWS) * 2);
    bencher
        .counter(ItemsCount::new(n))
        .bench_local(|| walk(&agent, max_varbinds));
}
