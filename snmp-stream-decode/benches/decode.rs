//! Buffer → long DataFrame and buffer → parquet, on 1 M records of an ifTable-like mix.
//!
//! `cargo bench -p snmp-stream-decode`; divan prints the median time and records/s.

use divan::counter::ItemsCount;
use snmp_stream_core::wireline::{WirelineBuf, WirelineWriter};
use snmp_stream_core::{Oid, Value};
use snmp_stream_decode::{long_frame, write_parquet};

const RECORDS: usize = 1_000_000;

fn main() {
    divan::main();
}

/// 1 M records over the 22 ifTable columns (their real types: INTEGER, OCTET STRING, Gauge32,
/// TimeTicks, Counter32, OID), 45 455 interfaces, interface-major like a GETBULK walk.
fn if_table_like() -> WirelineBuf {
    let roots: Vec<Oid> = (1..=22)
        .map(|c| format!("1.3.6.1.2.1.2.2.1.{c}").parse().expect("oid"))
        .collect();
    let mac = [0x00, 0x12, 0x79, 0x62, 0xf9, 0x40];
    let specific = [0u32, 0];
    let mut w = WirelineWriter::with_capacity(b"bench", &roots, RECORDS * 64);
    let ts = 1_732_363_200_000_000_000u64;
    let mut n = 0usize;
    'outer: for ifindex in 1u32.. {
        let descr = format!("GigabitEthernet0/{ifindex}");
        for col in 1..=22u32 {
            let v = match col {
                1 | 3 | 4 | 7 | 8 => Value::Integer(i64::from(ifindex)),
                2 => Value::OctetString(descr.as_bytes()),
                6 => Value::OctetString(&mac),
                5 | 21 => Value::Gauge32(1_000_000_000),
                9 => Value::TimeTicks(4242),
                22 => Value::ObjectId(snmp_stream_core::SubIds::U32(&specific)),
                _ => Value::Counter32(u64::from(ifindex) * 7919),
            };
            w.push_record(ts + n as u64, col as usize - 1, &[ifindex], &v)
                .expect("root");
            n += 1;
            if n == RECORDS {
                break 'outer;
            }
        }
    }
    w.finish()
}

#[divan::bench(sample_count = 10)]
fn buffer_to_long_frame(bencher: divan::Bencher<'_, '_>) {
    let buf = if_table_like();
    let read = buf.read().expect("readable");
    bencher
        .counter(ItemsCount::new(RECORDS))
        .bench_local(|| long_frame(&read, Some("192.0.2.1")).expect("decodes"));
}

#[divan::bench(sample_count = 5)]
fn buffer_to_parquet(bencher: divan::Bencher<'_, '_>) {
    let buf = if_table_like();
    let read = buf.read().expect("readable");
    let path = std::env::temp_dir().join(format!(
        "snmp-stream-decode-bench-{}.parquet",
        std::process::id()
    ));
    bencher.counter(ItemsCount::new(RECORDS)).bench_local(|| {
        let mut df = long_frame(&read, Some("192.0.2.1")).expect("decodes");
        write_parquet(&mut df, &path).expect("writes")
    });
    std::fs::remove_file(&path).ok();
}
