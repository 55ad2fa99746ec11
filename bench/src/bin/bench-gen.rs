//! Writes the benchmark suite's synthetic recordings (snmpsim `.snmprec`, sorted by OID):
//!
//! - `router.snmprec`: a router with 10,000 interfaces: the system group, `ifNumber`, and every
//!   column of ifTable (22) and ifXTable (19) for each interface: 410,008 varbinds under
//!   1.3.6.1.2.1;
//! - `routes.snmprec`: an ipCidrRouteTable of 200,000 routes, all 16 columns: 3,200,000
//!   varbinds under 1.3.6.1.2.1.4.24.4, indexed dest.mask.tos.nexthop with destinations spread
//!   over every first octet (so ranges split by the first index arc are even);
//! - `edge.snmprec`: the same router layout with 24 interfaces (an access switch, 992
//!   varbinds): the device of the 10,000-target fleet scenario.
//!
//! Values are deterministic (a fixed-seed generator), so every run serves the same bytes.
//!
//! Usage: `bench-gen DIR [INTERFACES] [ROUTES]`

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let result = (|| -> Result<(), String> {
        let dir = args
            .next()
            .ok_or("usage: bench-gen DIR [INTERFACES] [ROUTES]")?;
        let interfaces = count(args.next(), 10_000, "INTERFACES")?;
        let routes = count(args.next(), 200_000, "ROUTES")?;
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for (name, lines) in [
            (
                "router",
                write_file(&dir.join("router.snmprec"), |w| router(w, interfaces)),
            ),
            (
                "routes",
                write_file(&dir.join("routes.snmprec"), |w| route_table(w, routes)),
            ),
            (
                "edge",
                write_file(&dir.join("edge.snmprec"), |w| router(w, EDGE_INTERFACES)),
            ),
        ] {
            println!("{name}: {} varbinds", lines?);
        }
        Ok(())
    })();
    if let Err(e) = result {
        eprintln!("bench-gen: {e}");
        std::process::exit(2);
    }
}

/// Interfaces of the fleet scenario's device.
const EDGE_INTERFACES: u32 = 24;

fn count(arg: Option<String>, default: u32, name: &str) -> Result<u32, String> {
    match arg {
        None => Ok(default),
        Some(a) => match a.parse() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{name} {a:?} is not a number above 0")),
        },
    }
}

/// Writes one recording through `fill`, returning its line count.
fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut Rec<'_>) -> std::io::Result<()>,
) -> Result<u64, String> {
    let file = File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut rec = Rec {
        out: &mut out,
        lines: 0,
        rng: 0x5eed_1234_abcd_0001,
    };
    fill(&mut rec).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let lines = rec.lines;
    out.flush()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(lines)
}

/// A recording being written.
struct Rec<'w> {
    out: &'w mut BufWriter<File>,
    lines: u64,
    rng: u64,
}

impl Rec<'_> {
    /// `PREFIX.COLUMN.INDEX|TAG|VALUE`.
    fn line(
        &mut self,
        prefix: &str,
        column: u32,
        index: &str,
        tag: &str,
        value: &str,
    ) -> std::io::Result<()> {
        self.lines += 1;
        writeln!(self.out, "{prefix}.{column}.{index}|{tag}|{value}")
    }

    /// splitmix64.
    fn next(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn counter32(&mut self) -> String {
        (self.next() >> 32).to_string()
    }

    fn counter64(&mut self) -> String {
        (self.next() >> 8).to_string()
    }
}

const IF_ENTRY: &str = "1.3.6.1.2.1.2.2.1";
const IFX_ENTRY: &str = "1.3.6.1.2.1.31.1.1.1";

/// System group, ifNumber, ifTable and ifXTable of a router with `n` interfaces, in OID order.
fn router(w: &mut Rec<'_>, n: u32) -> std::io::Result<()> {
    let system = [
        (
            "1.3.6.1.2.1.1.1.0",
            "4",
            "snmp-stream bench router, 10GE line cards".to_string(),
        ),
        (
            "1.3.6.1.2.1.1.2.0",
            "6",
            "1.3.6.1.4.1.8072.3.2.10".to_string(),
        ),
        ("1.3.6.1.2.1.1.3.0", "67", "123456789".to_string()),
        ("1.3.6.1.2.1.1.4.0", "4", "noc@example.net".to_string()),
        ("1.3.6.1.2.1.1.5.0", "4", "bench-router-1".to_string()),
        ("1.3.6.1.2.1.1.6.0", "4", "rack 1".to_string()),
        ("1.3.6.1.2.1.1.7.0", "2", "78".to_string()),
        ("1.3.6.1.2.1.2.1.0", "2", n.to_string()),
    ];
    for (oid, tag, value) in system {
        w.lines += 1;
        writeln!(w.out, "{oid}|{tag}|{value}")?;
    }
    // ifTable: column-major, rows 1..=n.
    for column in 1..=22 {
        for i in 1..=n {
            let idx = i.to_string();
            let (tag, value) = match column {
                1 => ("2", idx.clone()),
                2 => (
                    "4",
                    format!("TenGigE0/{}/{}/{}", i / 1000, (i / 40) % 25, i % 40),
                ),
                3 => ("2", "6".to_string()),
                4 => ("2", "9216".to_string()),
                5 => ("66", "4294967295".to_string()),
                6 => ("4x", format!("00127962{:04x}", i & 0xffff)),
                7 => ("2", "1".to_string()),
                8 => ("2", if i % 7 == 0 { "2" } else { "1" }.to_string()),
                9 => ("67", (i * 100).to_string()),
                10..=20 => ("65", w.counter32()),
                21 => ("66", "0".to_string()),
                _ => ("6", "0.0".to_string()),
            };
            w.line(IF_ENTRY, column, &idx, tag, &value)?;
        }
    }
    // ifXTable.
    for column in 1..=19 {
        for i in 1..=n {
            let idx = i.to_string();
            let (tag, value) = match column {
                1 => (
                    "4",
                    format!("Te0/{}/{}/{}", i / 1000, (i / 40) % 25, i % 40),
                ),
                2..=5 => ("65", w.counter32()),
                6..=13 => ("70", w.counter64()),
                14 => ("2", "1".to_string()),
                15 => ("66", "10000".to_string()),
                16 => ("2", "2".to_string()),
                17 => ("2", "1".to_string()),
                18 => ("4", format!("uplink to customer {i:05}")),
                _ => ("67", "0".to_string()),
            };
            w.line(IFX_ENTRY, column, &idx, tag, &value)?;
        }
    }
    Ok(())
}

const ROUTE_ENTRY: &str = "1.3.6.1.2.1.4.24.4.1";

/// ipCidrRouteTable with `n` /24 routes, in OID order.
fn route_table(w: &mut Rec<'_>, n: u32) -> std::io::Result<()> {
    // Route i: destination (i mod 256).(i/256 mod 256).(i/65536).0/24 via 10.x.y.1. Sorted by
    // index (dest, then mask, tos, next hop), which for distinct destinations is dest order.
    let mut rows: Vec<([u8; 4], [u8; 4])> = (0..n)
        .map(|i| {
            let dest = [
                (i % 256) as u8,
                ((i / 256) % 256) as u8,
                ((i / 65_536) % 256) as u8,
                0,
            ];
            let hop = [10, (i % 200) as u8, ((i / 200) % 250) as u8, 1];
            (dest, hop)
        })
        .collect();
    rows.sort_unstable();
    rows.dedup_by_key(|r| r.0);
    let dotted = |a: [u8; 4]| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
    let index: Vec<String> = rows
        .iter()
        .map(|(dest, hop)| format!("{}.255.255.255.0.0.{}", dotted(*dest), dotted(*hop)))
        .collect();
    for column in 1..=16 {
        for (row, ((dest, hop), idx)) in rows.iter().zip(&index).enumerate() {
            let (tag, value) = match column {
                1 => ("64", dotted(*dest)),
                2 => ("64", "255.255.255.0".to_string()),
                3 => ("2", "0".to_string()),
                4 => ("64", dotted(*hop)),
                5 => ("2", (1 + row % 48).to_string()),
                6 => ("2", "4".to_string()),
                7 => ("2", if row % 5 == 0 { "2" } else { "14" }.to_string()),
                8 => ("2", (w.next() % 1_000_000).to_string()),
                9 => ("6", "0.0".to_string()),
                10 => ("2", (64_512 + row % 1000).to_string()),
                11 => ("2", (w.next() % 100).to_string()),
                12..=15 => ("2", "-1".to_string()),
                _ => ("2", "1".to_string()),
            };
            w.line(ROUTE_ENTRY, column, idx, tag, &value)?;
        }
    }
    Ok(())
}
