//! Peer benchmark client: GETBULK subtree walks with the `snmp2` crate's tokio
//! `AsyncSession`, one tokio task (and one connected UDP socket) per host, every host at once
//! or at most `--sessions` of them. Prints one JSON summary line; exit 1 if any host failed.
//!
//! Usage: `peer_walk [--max-repetitions N] [--community C] [--timeout-ms MS] [--retries R]
//! [--threads T] [--sessions S] [--keep] --oid OID [--oid OID ...] HOST:PORT [HOST:PORT ...]`
//! (defaults: N 10, C public, MS 5000, R 1, T 1, S every host).
//!
//! `--sessions S` walks at most S hosts at once (a semaphore in front of the tasks), so at most
//! S sockets are open.
//!
//! By default each varbind is decoded, checked and counted, then dropped with the datagram.
//! `--keep` also copies each into owned values held until the host's walk ends — the
//! object-per-varbind way an application keeps a walk, against which the wireline buffer is
//! the alternative.
//!
//! Each walk asks GETBULK non-repeaters 0, max-repetitions N, like `snmpbulkwalk -v2c -CrN`,
//! and stops at the first varbind outside the subtree or with an exception value
//! (endOfMibView); that varbind is not counted. As in snmpbulkwalk, an OID that does not
//! increase is an error. snmp2 has no timeout or retry of its own: each exchange runs under
//! `tokio::time::timeout` and is retried R times on a fresh socket (so a late reply cannot
//! be taken for the next one), so a dead host fails within MS × (R + 1).
//! `--threads 1` runs a current-thread runtime; T > 1 a multi-thread runtime of T workers.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use snmp_stream_bench::WalkArgs as Args;
use snmp2::{AsyncSession, Error, Oid, Value};

/// A walk root: its BER content octets (what a varbind OID in the subtree starts with)
/// and the OID sent in the first request.
struct Root {
    text: String,
    first_arc: u64,
    /// BER content octets of the root; empty for a one-arc root.
    prefix: Vec<u8>,
    request: Oid<'static>,
}

impl Root {
    fn parse(text: &str) -> Result<Root, String> {
        let arcs = text
            .trim_start_matches('.')
            .split('.')
            .map(str::parse::<u64>)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("--oid {text:?}: {e}"))?;
        let bad = || format!("--oid {text:?}: not a valid OID");
        let first_arc = arcs[0];
        if first_arc > 2 || (arcs.len() > 1 && first_arc < 2 && arcs[1] > 39) {
            return Err(bad());
        }
        let prefix = if arcs.len() >= 2 {
            encode_oid(arcs[0] * 40 + arcs[1], &arcs[2..])
        } else {
            Vec::new()
        };
        // A one-arc root X is requested as X.0, as net-snmp encodes it.
        let request = if prefix.is_empty() {
            encode_oid(first_arc * 40, &[])
        } else {
            prefix.clone()
        };
        Ok(Root {
            text: text.to_owned(),
            first_arc,
            prefix,
            request: Oid::new(Cow::Owned(request)),
        })
    }

    fn contains(&self, oid: &[u8]) -> bool {
        if !self.prefix.is_empty() {
            return oid.starts_with(&self.prefix);
        }
        // One-arc root: the first subidentifier is 40*X+Y (X = 2: 80 and up).
        let Some(first) = SubIds(oid).next() else {
            return false;
        };
        match self.first_arc {
            2 => first >= 80,
            x => first / 40 == x,
        }
    }
}

fn encode_oid(first_subid: u64, rest: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rest.len() + 2);
    for &id in std::iter::once(&first_subid).chain(rest) {
        let groups = ((64 - id.leading_zeros()).div_ceil(7)).max(1);
        for i in (0..groups).rev() {
            let byte = ((id >> (7 * i)) & 0x7f) as u8;
            out.push(if i == 0 { byte } else { byte | 0x80 });
        }
    }
    out
}

/// BER subidentifiers of an OID's content octets.
struct SubIds<'a>(&'a [u8]);

impl Iterator for SubIds<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        let mut v = 0u64;
        while let Some((&b, rest)) = self.0.split_first() {
            self.0 = rest;
            v = (v << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
}

/// Orders two OIDs (BER content octets) by arcs, as `snmp_oid_compare` does.
fn compare_oids(a: &[u8], b: &[u8]) -> Ordering {
    SubIds(a).cmp(SubIds(b))
}

/// Touch a value cheaply so its decoding cannot be optimised away.
fn touch(value: &Value<'_>) -> u64 {
    match *value {
        Value::Integer(n) => n as u64,
        Value::OctetString(s) | Value::Opaque(s) => s.len() as u64,
        Value::ObjectIdentifier(ref o) => o.as_bytes().len() as u64,
        Value::IpAddress(a) => u64::from(u32::from_be_bytes(a)),
        Value::Counter32(n) | Value::Unsigned32(n) | Value::Timeticks(n) => u64::from(n),
        Value::Counter64(n) => n,
        Value::Boolean(b) => u64::from(b),
        _ => 1,
    }
}

struct Walked {
    varbinds: u64,
    checksum: u64,
    /// With `--keep`: every varbind as owned values, as an application that keeps the walk
    /// for later must hold it (snmp2's varbinds borrow the receive buffer).
    kept: Vec<(Vec<u8>, Owned)>,
}

/// A varbind value copied out of the receive buffer.
#[derive(Debug)]
#[allow(dead_code)] // held, not read: the point is what holding costs
enum Owned {
    Int(i64),
    Bytes(Vec<u8>),
    Oid(Vec<u8>),
    Ip([u8; 4]),
    Uint(u64),
    Other,
}

impl Owned {
    fn of(value: &Value<'_>) -> Owned {
        match *value {
            Value::Integer(n) => Owned::Int(n),
            Value::OctetString(s) | Value::Opaque(s) => Owned::Bytes(s.to_vec()),
            Value::ObjectIdentifier(ref o) => Owned::Oid(o.as_bytes().to_vec()),
            Value::IpAddress(a) => Owned::Ip(a),
            Value::Counter32(n) | Value::Unsigned32(n) | Value::Timeticks(n) => {
                Owned::Uint(u64::from(n))
            }
            Value::Counter64(n) => Owned::Uint(n),
            _ => Owned::Other,
        }
    }
}

async fn connect(addr: SocketAddr, community: &[u8], req_id: i32) -> Result<AsyncSession, String> {
    AsyncSession::new_v2c(addr, community, req_id)
        .await
        .map_err(|e| format!("cannot open UDP session: {e}"))
}

/// Why one GETBULK exchange ended without a usable response.
enum Failure {
    /// Worth another attempt on a fresh socket.
    Retry(&'static str),
    /// Ends this host's walk.
    Fatal(String),
}

async fn walk_host(
    addr: SocketAddr,
    args: Arc<Args>,
    roots: Arc<Vec<Root>>,
    seed: i32,
) -> Result<Walked, String> {
    let community = args.community.as_bytes();
    let timeout = Duration::from_millis(args.timeout_ms);
    let mut req_id = seed;
    let mut session = connect(addr, community, req_id).await?;
    let mut out = Walked {
        varbinds: 0,
        checksum: 0,
        kept: Vec::new(),
    };
    for root in roots.iter() {
        let mut cursor: Oid<'static> = root.request.clone();
        let mut attempt = 0;
        loop {
            req_id = req_id.wrapping_add(1);
            // Ok(Some(next cursor)), or Ok(None) once the subtree is done.
            let step: Result<Option<Oid<'static>>, Failure> = {
                let reply = tokio::time::timeout(
                    timeout,
                    session.getbulk(&[&cursor], 0, args.max_repetitions),
                )
                .await;
                match reply {
                    Ok(Ok(pdu)) if pdu.error_status != 0 => Err(Failure::Fatal(format!(
                        "error-status {} index {}",
                        pdu.error_status, pdu.error_index
                    ))),
                    Ok(Ok(pdu)) => {
                        let mut previous: &[u8] = cursor.as_bytes();
                        // snmp2's varbind iterator ends silently at a varbind it cannot
                        // decode, so a response with none is an error, not the end.
                        let mut more = Err(Failure::Fatal(
                            "response without (decodable) varbinds".into(),
                        ));
                        for (oid, value) in pdu.varbinds {
                            // snmp2 decodes OIDs as borrowed slices of the receive buffer.
                            let Cow::Borrowed(bytes) = oid.into_cow() else {
                                unreachable!("snmp2 OIDs borrow the packet")
                            };
                            // The end, as in snmpbulkwalk: an exception value or an OID
                            // outside the subtree (neither counted).
                            if matches!(
                                value,
                                Value::EndOfMibView | Value::NoSuchObject | Value::NoSuchInstance
                            ) || !root.contains(bytes)
                            {
                                more = Ok(false);
                                break;
                            }
                            if compare_oids(bytes, previous) != Ordering::Greater {
                                more = Err(Failure::Fatal("OID not increasing".into()));
                                break;
                            }
                            out.checksum = out.checksum.wrapping_add(touch(&value));
                            if args.keep {
                                out.kept.push((bytes.to_vec(), Owned::of(&value)));
                            }
                            out.varbinds += 1;
                            previous = bytes;
                            more = Ok(true);
                        }
                        more.map(|more| more.then(|| Oid::new(Cow::Owned(previous.to_vec()))))
                    }
                    Err(_elapsed) => Err(Failure::Retry("timeout")),
                    // A stale reply to a timed-out request (the session would stay one
                    // reply behind: retry on a fresh socket), or an ICMP error.
                    Ok(Err(Error::RequestIdMismatch)) => Err(Failure::Retry("stale reply")),
                    Ok(Err(Error::Receive | Error::Send)) => {
                        Err(Failure::Retry("send/receive error (ICMP unreachable?)"))
                    }
                    Ok(Err(e)) => Err(Failure::Fatal(e.to_string())),
                }
            };
            match step {
                Ok(Some(next)) => {
                    cursor = next;
                    attempt = 0;
                }
                Ok(None) => break,
                Err(Failure::Fatal(e)) => return Err(format!("walk {}: {e}", root.text)),
                Err(Failure::Retry(why)) => {
                    attempt += 1;
                    if attempt > args.retries {
                        return Err(format!(
                            "walk {}: {why} after {attempt} attempt(s) of {} ms",
                            root.text, args.timeout_ms
                        ));
                    }
                    // The old socket closes first: at most one per walk is open.
                    drop(session);
                    session = connect(addr, community, req_id).await?;
                }
            }
        }
    }
    Ok(out)
}

fn main() {
    let args = match Args::parse(std::env::args().skip(1)).and_then(|a| {
        if a.ranges > 1 || a.verify || a.in_flight.is_some() || a.request_per_root {
            Err("peer_walk takes no --ranges, --verify, --in-flight or --request-per-root".into())
        } else {
            Ok(a)
        }
    }) {
        Ok(a) => Arc::new(a),
        Err(e) => {
            eprintln!("peer_walk: {e}");
            std::process::exit(2);
        }
    };
    let roots = match args
        .oids
        .iter()
        .map(|o| Root::parse(o))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(r) => Arc::new(r),
        Err(e) => {
            eprintln!("peer_walk: {e}");
            std::process::exit(2);
        }
    };
    let runtime = if args.threads.unwrap_or(1) == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads.unwrap_or(1))
            .enable_all()
            .build()
    }
    .expect("tokio runtime");

    let (varbinds, checksum, ok, failed) = runtime.block_on(async {
        let permits = Arc::new(tokio::sync::Semaphore::new(
            args.sessions
                .map_or(args.hosts.len(), |s| s as usize)
                .max(1),
        ));
        let tasks: Vec<_> = args
            .hosts
            .iter()
            .enumerate()
            .map(|(i, &host)| {
                let seed = (i as i32)
                    .wrapping_mul(0x0100_0000)
                    .wrapping_add(std::process::id() as i32 & 0xffff);
                let (args, roots, permits) = (args.clone(), roots.clone(), permits.clone());
                (
                    host,
                    tokio::spawn(async move {
                        let _permit = permits.acquire_owned().await.expect("never closed");
                        walk_host(host, args, roots, seed).await
                    }),
                )
            })
            .collect();
        let (mut varbinds, mut checksum, mut ok, mut failed) = (0u64, 0u64, 0u64, 0u64);
        for (host, task) in tasks {
            match task.await {
                Ok(Ok(w)) => {
                    varbinds += w.varbinds;
                    checksum = checksum.wrapping_add(w.checksum);
                    ok += 1;
                }
                Ok(Err(e)) => {
                    eprintln!("peer_walk: {host}: {e}");
                    failed += 1;
                }
                Err(e) => {
                    eprintln!("peer_walk: {host}: task failed: {e}");
                    failed += 1;
                }
            }
        }
        (varbinds, checksum, ok, failed)
    });
    std::hint::black_box(checksum);
    println!("{{\"varbinds\": {varbinds}, \"hosts_ok\": {ok}, \"hosts_failed\": {failed}}}");
    if failed > 0 {
        std::process::exit(1);
    }
}
