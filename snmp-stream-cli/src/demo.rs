//! `demo`: the zero-setup first run. Starts the simulated agent on the bundled
//! `linux-full-walk` recording, walks the system group and the interface tables through the
//! collector, writes parquet and prints the interface table.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use snmp_stream_actors::SessionManager;
use snmp_stream_core::usm::{AuthProtocol, Credentials, PrivProtocol};
use snmp_stream_core::{
    Community, Config, ConfigOverrides, Host, Request, RequestKind, Response, Security, Status,
};
use snmp_stream_sim::{Mib, Simulator, SimulatorConfig};

use crate::Outcome;
use crate::collect::resolve_oids;
use crate::names::display_name;
use crate::output;

/// The recording the demo walks, as a community (its path under the data directory).
pub(crate) const COMMUNITY: &str = "recorded/linux-full-walk";

/// The recording the demo serves, built into the binary, so that `demo` runs from an
/// installed binary anywhere (snmpsim's `recorded/linux-full-walk`, BSD-2-Clause, see
/// `data/snmpsim/LICENSE.txt`).
const RECORDING: &str = include_str!("../../data/snmpsim/recorded/linux-full-walk.snmprec");

/// The interface table's columns, as printed.
const COLUMNS: &[&str] = &[
    "ifIndex",
    "ifDescr",
    "ifType",
    "ifMtu",
    "ifSpeed",
    "ifOperStatus",
    "ifHCInOctets",
    "ifHCOutOctets",
];

/// The demo's SNMPv3 user (`demo --v3`): authPriv, SHA-256 and AES-128.
fn v3_user() -> anyhow::Result<Credentials> {
    Ok(Credentials::builder("demo")
        .auth_password(AuthProtocol::Sha256, "demo-auth-pass")?
        .priv_password(PrivProtocol::Aes128, "demo-priv-pass")?
        .context_name(COMMUNITY)
        .build()?)
}

/// Runs the demo: simulator, collection, `output` parquet, table on stdout; over SNMPv3
/// (authPriv) with `v3`.
pub(crate) fn run(
    data: Option<PathBuf>,
    output: &Path,
    v3: bool,
    quiet: bool,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let user = v3.then(v3_user).transpose()?;
    let with_user = |c: SimulatorConfig| match &user {
        Some(u) => c.v3_user(u.clone()),
        None => c,
    };
    let sim = match &data {
        Some(data) => {
            let sim = Simulator::start(with_user(SimulatorConfig::new().data_dir(data)))
                .with_context(|| format!("starting the simulator on {}", data.display()))?;
            if !sim.communities().iter().any(|c| c == COMMUNITY) {
                bail!("{} has no {COMMUNITY}.snmprec recording", data.display());
            }
            sim
        }
        None => {
            let mib = Mib::from_snmprec(RECORDING).context("the built-in recording")?;
            Simulator::start(with_user(
                SimulatorConfig::new().mib(COMMUNITY, Arc::new(mib)),
            ))
            .context("starting the simulator")?
        }
    };
    let agent = sim.addrs()[0];
    let host = Host::ip(agent.ip(), agent.port());
    let community: Security = match &user {
        Some(u) => u.clone().into(),
        None => Community::v2c(COMMUNITY).into(),
    };

    // Two requests, so the interface columns have a response (and a table) of their own.
    let settings = ConfigOverrides::new()
        .retries(1)
        .timeout(Duration::from_secs(2));
    let system = Request::walk(
        host.clone(),
        community.clone(),
        resolve_oids(["system"], RequestKind::Walk)?,
    )
    .req_id("system")
    .config(settings.clone())
    .build()?;
    let interfaces = Request::walk(
        host.clone(),
        community,
        resolve_oids(["ifTable", "ifXTable"], RequestKind::Walk)?,
    )
    .req_id("interfaces")
    .config(settings)
    .build()?;

    let mut manager = SessionManager::builder(Config::default())
        .arbiters(1)
        .start()
        .context("starting the collector")?;
    manager.add_request(system)?;
    manager.add_request(interfaces)?;
    let mut responses: Vec<Response> = Vec::new();
    while let Some(batch) = manager.run() {
        responses.extend(batch);
    }
    let stats = manager.stats();
    // The walk's time: what follows (parquet, loading the MIB modules to print) is not it.
    let walked = started.elapsed();
    drop(manager);
    sim.stop();
    responses.sort_by_key(|r| r.request.req_id() != b"system");

    let mut frames = snmp_stream_decode::responses_frames(&responses, Some(crate::names::mibs()))?;
    snmp_stream_decode::write_parquet(&mut frames.records, output)?;

    let mut out = io::BufWriter::new(io::stdout().lock());
    for r in &responses {
        for e in &r.errors {
            writeln!(
                out,
                "# {}: {}",
                String::from_utf8_lossy(r.request.req_id()),
                e.error
            )?;
        }
    }
    if let Some(sys) = responses.iter().find(|r| r.request.req_id() == b"system") {
        print_system(&mut out, sys)?;
    }
    if let Some(ifs) = responses
        .iter()
        .find(|r| r.request.req_id() == b"interfaces")
    {
        let all: Vec<usize> = (0..ifs.request.oids().len()).collect();
        writeln!(out)?;
        output::table(ifs, &all, output::Render::default())?
            .select(COLUMNS)
            .write(&mut out)?;
    }
    out.flush()?;
    // The summary, like every command's, on stderr: stdout is the data.
    if !quiet {
        eprintln!(
            "walked system, ifTable and ifXTable of {COMMUNITY} at {agent}{}: {} varbinds in {} \
             datagrams, {:.0} ms; wrote {} rows to {}",
            if v3 { " over SNMPv3 (authPriv)" } else { "" },
            stats.varbinds,
            stats.transmits,
            walked.as_secs_f64() * 1e3,
            frames.records.height(),
            output.display()
        );
        eprintln!("next: snmp-stream walk HOST -c COMMUNITY ifTable   (see snmp-stream --help)");
    }
    Ok(Outcome::of(
        responses.iter().all(|r| r.status == Status::Complete),
    ))
}

/// The system group's scalars (sysDescr.0 … sysServices.0) as `name: value` lines; the
/// group's tables (sysORTable) are left to the parquet file.
fn print_system(out: &mut impl Write, r: &Response) -> anyhow::Result<()> {
    let buf = r.buffer.read().context("reading a collected buffer")?;
    let root = r
        .request
        .oids()
        .first()
        .context("the system request has a root")?;
    for rec in buf.records() {
        let rec = rec.context("reading a collected buffer")?;
        let index: Vec<u64> = rec.index().iter().collect();
        let &[col @ 1..=7, 0] = index.as_slice() else {
            continue;
        };
        let column = root.join(&[col as u32])?;
        let value = rec.value().context("reading a collected buffer")?;
        let text = output::Render::default().value(column.as_slice(), &value);
        writeln!(
            out,
            "{:<13} {text}",
            format!("{}:", display_name(column.as_slice()))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_recording_holds_the_interface_table() {
        // What `demo` serves when no --data is given, wherever the binary runs.
        let mib = super::Mib::from_snmprec(super::RECORDING).unwrap();
        assert_eq!(mib.len(), 3882);
        let descr: snmp_stream_core::Oid = "1.3.6.1.2.1.2.2.1.2.2".parse().unwrap();
        assert!(mib.iter().any(|(o, _)| *o == descr));
    }
}
