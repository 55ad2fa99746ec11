//! Micro-benchmark: a BER Response datagram to wireline records, in varbinds per second.
//!
//! Run with `cargo bench -p snmp-stream-core --bench ber_to_wireline`.
//!
//! Three realistic v2c Response datagrams of 50 varbinds each (see [`Dataset`]) go through:
//!
//! - `ours`: `read_message`, then for every varbind `WirelineWriter::push_varbind` under its
//!   root (which checks that the OID lies under the root) — the collector's hot path.
//! - `ours_fresh_writer`: the same, but into a brand-new writer per datagram (a one-datagram
//!   request such as a GET); the writer's creation and drop are not timed.
//! - `read_only`: `read_message` and decoding every varbind, nothing written.
//! - `snmp_parser`: the `snmp-parser` crate parsing the same datagram and iterating its varbinds,
//!   the reference rate of a mainstream Rust SNMP decoder. It allocates (a `String` community and
//!   a `Vec` of varbinds) where ours does not, and writes nothing, so compare it with `read_only`
//!   first and with `ours` second.
//!
//! Every benchmark counts varbinds, so divan prints items/s.

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use snmp_stream_core::ber::{PduHeader, encode_message, read_message};
use snmp_stream_core::wireline::WirelineWriter;
use snmp_stream_core::{Oid, Value, Version};

fn main() {
    // Check the fixtures before timing anything: every datagram decodes with both readers and
    // every varbind lies under the root the benchmarks assign it.
    for d in Dataset::ALL {
        let f = d.fixture();
        let msg = read_message(&f.datagram).expect("fixture decodes");
        let mut n = 0;
        for (i, vb) in msg.pdu.varbinds().enumerate() {
            let vb = vb.expect("fixture varbind decodes");
            assert!(
                vb.oid.starts_with(&f.roots[i % f.roots.len()]),
                "{d}: varbind {i}"
            );
            n += 1;
        }
        assert_eq!(n, f.varbinds, "{d}");
        let (_, peer) = snmp_parser::parse_snmp_v2c(&f.datagram).expect("snmp-parser decodes");
        assert_eq!(peer.vars_iter().count(), f.varbinds, "{d}");
    }
    divan::main();
}

/// Timestamp given to every record (the collector reads the clock once per datagram).
const TS: u64 = 1_700_000_000_000_000_000;

/// Samples per benchmark, and datagrams per sample: 100 000 datagrams (5 million varbinds) per
/// benchmark, so a median is not one cold single-datagram sample. The divan CLI flags
/// `--sample-count` and `--sample-size` override these.
const SAMPLES: u32 = 1000;
const ITERS: u32 = 100;

/// Datagrams appended to one long-lived writer before it is replaced by a fresh one, in `ours`.
const DATAGRAMS_PER_WRITER: usize = 1024;

#[derive(Debug, Clone, Copy)]
enum Dataset {
    /// A GETBULK (max-repetitions 10) of five ifTable columns, interleaved as an agent answers
    /// it: ifDescr (OCTET STRING), ifType (INTEGER), ifSpeed (Gauge32), ifInOctets and
    /// ifOutOctets (Counter32 around 3e9, so 5 content octets with the leading zero).
    IfTable,
    /// 50 rows of ifXTable ifHCInOctets (Counter64 around 1e15, 7 content octets).
    IfHcInOctets,
    /// 50 rows of ipCidrRouteTable ipCidrRouteDest: 13-sub-identifier indices
    /// (dest.mask.tos.nexthop), IpAddress values.
    CidrRoute,
}

impl Dataset {
    const ALL: [Dataset; 3] = [Dataset::IfTable, Dataset::IfHcInOctets, Dataset::CidrRoute];

    fn fixture(self) -> Fixture {
        match self {
            Dataset::IfTable => if_table(),
            Dataset::IfHcInOctets => if_hc_in_octets(),
            Dataset::CidrRoute => cidr_route(),
        }
    }
}

impl std::fmt::Display for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dataset::IfTable => "ifTable_mixed",
            Dataset::IfHcInOctets => "ifHCInOctets_c64",
            Dataset::CidrRoute => "ipCidrRoute_ip",
        })
    }
}

/// One encoded datagram and the request roots its varbinds answer: varbind `i` belongs to root
/// `i % roots.len()`, as in a GETBULK response.
struct Fixture {
    datagram: Vec<u8>,
    roots: Vec<Oid>,
    varbinds: usize,
}

fn oid(s: &str) -> Oid {
    s.parse().expect("valid OID")
}

/// Encodes a v2c Response from owned OIDs and their values.
fn response(rows: &[(Oid, Value<'_>)]) -> Vec<u8> {
    let mut datagram = Vec::new();
    encode_message(
        &mut datagram,
        Version::V2c,
        b"public",
        &PduHeader::response(0x1234_5678, 0, 0),
        rows.iter().map(|(o, v)| (o.sub_ids(), *v)),
    );
    datagram
}

const IF_DESCR: [&[u8]; 4] = [
    b"GigabitEthernet0/1",
    b"TenGigabitEthernet1/0/24",
    b"Port-channel12",
    b"Loopback0",
];

fn if_table() -> Fixture {
    let base = oid("1.3.6.1.2.1.2.2.1");
    let cols = [2u32, 3, 5, 10, 16];
    let roots: Vec<Oid> = cols.iter().map(|&c| base.join(&[c]).unwrap()).collect();
    let mut rows = Vec::new();
    for if_index in 1..=10u32 {
        for (root, &col) in roots.iter().zip(&cols) {
            let i = u64::from(if_index);
            let value = match col {
                2 => Value::OctetString(IF_DESCR[if_index as usize % IF_DESCR.len()]),
                3 => Value::Integer(6),
                5 => Value::Gauge32(1_000_000_000),
                10 => Value::Counter32(3_000_000_000 + i * 7_919),
                _ => Value::Counter32(3_100_000_000 + i * 104_729),
            };
            rows.push((root.join(&[if_index]).unwrap(), value));
        }
    }
    Fixture {
        datagram: response(&rows),
        varbinds: rows.len(),
        roots,
    }
}

fn if_hc_in_octets() -> Fixture {
    let root = oid("1.3.6.1.2.1.31.1.1.1.6");
    let rows: Vec<_> = (1..=50u32)
        .map(|i| {
            let v = 1_000_000_000_000_000 + u64::from(i) * 982_451_653;
            (root.join(&[i]).unwrap(), Value::Counter64(v))
        })
        .collect();
    Fixture {
        datagram: response(&rows),
        varbinds: rows.len(),
        roots: vec![root],
    }
}

fn cidr_route() -> Fixture {
    let root = oid("1.3.6.1.2.1.4.24.4.1.1");
    let rows: Vec<_> = (0..50u32)
        .map(|i| {
            let dest = [10, (i / 8) as u8, (i % 8 * 32) as u8, 0];
            let mask: [u8; 4] = [255, 255, 255, 224];
            let next_hop: [u8; 4] = [192, 168, 1, (1 + i % 4) as u8];
            let mut index = Vec::with_capacity(13);
            index.extend(dest.map(u32::from));
            index.extend(mask.map(u32::from));
            index.push(0); // tos
            index.extend(next_hop.map(u32::from));
            (root.join(&index).unwrap(), Value::IpAddress(dest))
        })
        .collect();
    Fixture {
        datagram: response(&rows),
        varbinds: rows.len(),
        roots: vec![root],
    }
}

/// The collector's per-datagram work: decode, check each varbind against its root, append it.
#[inline]
fn datagram_to_wireline(datagram: &[u8], roots: &[Oid], writer: &mut WirelineWriter) {
    let msg = read_message(datagram).expect("fixture decodes");
    for (i, vb) in msg.pdu.varbinds().enumerate() {
        let vb = vb.expect("fixture varbind decodes");
        // Every fixture varbind lies under its root (checked in main), so this never fails.
        let _ = writer.push_varbind(TS, i % roots.len(), &vb);
    }
}

/// Steady state of a walk: one long-lived writer takes datagram after datagram, as the collector
/// appends every response of a request to the request's writer. So the timed loop pays the
/// writer's amortized growth (Vec doubling) like production does, and — once every
/// `DATAGRAMS_PER_WRITER` datagrams — the drop of the full buffer and a fresh `new`, amortized
/// over those datagrams. Memory stays bounded (under ~8 MiB per buffer).
#[divan::bench(args = Dataset::ALL, sample_count = SAMPLES, sample_size = ITERS)]
fn ours(bencher: Bencher<'_, '_>, d: Dataset) {
    let f = d.fixture();
    let mut writer = WirelineWriter::new(b"bench", &f.roots);
    let mut datagrams = 0usize;
    bencher
        .counter(ItemsCount::new(f.varbinds))
        .bench_local(|| {
            if datagrams == DATAGRAMS_PER_WRITER {
                writer = WirelineWriter::new(b"bench", &f.roots);
                datagrams = 0;
            }
            datagram_to_wireline(black_box(&f.datagram), &f.roots, &mut writer);
            datagrams += 1;
        });
    black_box(writer.record_count());
}

/// A fresh writer per datagram (a single-response request). Creating the writer (header plus
/// room for 512 words of records) and dropping it are outside the timing; pushes past that
/// initial room (the route table's 50 records need ~700 words) pay one reallocation, inside.
#[divan::bench(args = Dataset::ALL, sample_count = SAMPLES, sample_size = ITERS)]
fn ours_fresh_writer(bencher: Bencher<'_, '_>, d: Dataset) {
    let f = d.fixture();
    bencher
        .counter(ItemsCount::new(f.varbinds))
        .with_inputs(|| WirelineWriter::new(b"bench", &f.roots))
        .bench_local_refs(|writer| datagram_to_wireline(black_box(&f.datagram), &f.roots, writer));
}

/// Decoding alone: the message header and every varbind (OID checked, value decoded).
#[divan::bench(args = Dataset::ALL, sample_count = SAMPLES, sample_size = ITERS)]
fn read_only(bencher: Bencher<'_, '_>, d: Dataset) {
    let f = d.fixture();
    bencher.counter(ItemsCount::new(f.varbinds)).bench(|| {
        let msg = read_message(black_box(&f.datagram)).expect("fixture decodes");
        for vb in msg.pdu.varbinds() {
            let _ = black_box(vb);
        }
    });
}

/// The reference peer: snmp-parser's v2c parser, then its varbinds.
#[divan::bench(args = Dataset::ALL, sample_count = SAMPLES, sample_size = ITERS)]
fn snmp_parser(bencher: Bencher<'_, '_>, d: Dataset) {
    let f = d.fixture();
    bencher.counter(ItemsCount::new(f.varbinds)).bench(|| {
        let (_, msg) = snmp_parser::parse_snmp_v2c(black_box(&f.datagram)).expect("decodes");
        for var in msg.vars_iter() {
            black_box(var);
        }
    });
}
