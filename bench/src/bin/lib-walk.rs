//! The snmp-stream library as a benchmark client: one `SessionManager`, one WALK request per
//! host (or per host and root), every host at once or at most `--sessions`, each response
//! counted and dropped as it arrives (or kept with `--keep`). Prints a JSON summary line; exit
//! 1 if any host failed.
//!
//! Usage: `lib-walk [--max-repetitions N] [--community C] [--timeout-ms MS] [--retries R]
//! [--ranges N] [--keep] [--verify] [--threads ARBITERS] [--sessions S] [--in-flight F]
//! [--request-per-root] --oid OID... HOST:PORT...`
//! (`--sessions`: the collector's `max_async_sessions`, default every host at once;
//! `--in-flight F`: its `max_in_flight_per_host`, default 1; `--request-per-root`: one
//! request per `--oid` instead of one with every root, so that each partition walks one root
//! and each GETBULK asks exactly N repetitions of it)
//!
//! The varbind count is the collector's (`CollectorStats::varbinds`, what its writers wrote);
//! `--verify` also parses every record of every buffer and checks the two agree, which costs
//! about a tenth more CPU, so measured runs leave it off.
//!
//! `--max-repetitions N` sets GETBULK's max-repetitions and the collector's
//! `max_response_var_binds_per_pdu`, so a one-root walk asks exactly what `snmpbulkwalk -CrN`
//! asks: N varbinds per response. With several roots in one request the collector packs ⌈√N⌉
//! of them into a GETBULK of N repetitions each (the original's rule with an explicit
//! max-repetitions): up to ⌈√N⌉ × N varbinds per response; `--request-per-root` keeps every
//! request at N.

use std::time::Duration;

use snmp_stream_actors::SessionManager;
use snmp_stream_bench::{Summary, WalkArgs};
use snmp_stream_core::{Community, Config, Host, IndexRange, Oid, Request, Response, Status};

fn main() {
    match run() {
        Ok(summary) => {
            println!("{}", summary.to_json());
            if summary.hosts_failed > 0 {
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("lib-walk: {e}");
            std::process::exit(2);
        }
    }
}

fn run() -> Result<Summary, Box<dyn std::error::Error>> {
    let args = WalkArgs::parse(std::env::args().skip(1))?;
    let oids = args
        .oids
        .iter()
        .map(|o| o.parse::<Oid>().map_err(|e| format!("--oid {o:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let config = Config::builder()
        .max_response_var_binds_per_pdu(args.max_repetitions)
        .max_repetitions(args.max_repetitions)
        .timeout(Duration::from_millis(args.timeout_ms))
        .retries(args.retries)
        .max_async_sessions(match args.sessions {
            Some(s) => s,
            None => u32::try_from(args.hosts.len())?.max(1),
        })
        .max_in_flight_per_host(args.in_flight.unwrap_or(1))
        .build()?;
    let mut builder = SessionManager::builder(config);
    if let Some(n) = args.threads {
        builder = builder.arbiters(n);
    }
    let mut manager = builder.start()?;
    let root_sets: Vec<Vec<Oid>> = if args.request_per_root {
        oids.iter().map(|o| vec![o.clone()]).collect()
    } else {
        vec![oids]
    };
    for (i, host) in args.hosts.iter().enumerate() {
        for (j, roots) in root_sets.iter().enumerate() {
            let mut request = Request::walk(
                Host::ip(host.ip(), host.port()),
                Community::v2c(args.community.as_str()),
                roots.clone(),
            )
            .req_id(format!("walk-{i}-{j}"));
            if args.ranges > 1 {
                request = request.ranges(IndexRange::split_by_first_arc(args.ranges, 255));
            }
            manager.add_request(request.build()?)?;
        }
    }

    let mut summary = Summary::default();
    let mut verified = 0u64;
    let mut failed_hosts = std::collections::HashSet::new();
    let mut kept: Vec<Response> = Vec::new();
    while let Some(batch) = manager.run() {
        for r in batch {
            if args.verify {
                for record in r.buffer.read()?.records() {
                    record?;
                    verified += 1;
                }
            }
            let bytes = u64::try_from(r.buffer.len_bytes())?;
            summary.wireline_bytes += bytes;
            summary.largest_response_bytes = summary.largest_response_bytes.max(bytes);
            summary.responses += 1;
            if r.status != Status::Complete {
                eprintln!(
                    "lib-walk: {} ended {:?}: {:?}",
                    r.request.host(),
                    r.status,
                    r.errors
                );
                failed_hosts.insert(r.request.host().to_string());
            }
            if args.keep {
                kept.push(r);
            }
        }
    }
    // The collector's own count of the records it wrote; with --verify, every buffer is also
    // parsed record by record and must hold that many.
    let stats = manager.stats();
    summary.varbinds = stats.varbinds;
    summary.retries = stats.retries;
    summary.transmits = stats.transmits;
    if args.verify && verified != summary.varbinds {
        return Err(format!(
            "the buffers hold {verified} records, the collector counted {}",
            summary.varbinds
        )
        .into());
    }
    summary.hosts_failed = u64::try_from(failed_hosts.len())?;
    summary.hosts_ok = u64::try_from(args.hosts.len())? - summary.hosts_failed;
    drop(kept);
    manager.shutdown();
    Ok(summary)
}
