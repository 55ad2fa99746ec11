//! `walk` and `get`: one request per host on the command line, collected at once, written in
//! one format.

use std::fs::File;
use std::io::{self, Write};
use std::net::ToSocketAddrs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::Args;
use snmp_stream_actors::SessionManager;
use snmp_stream_core::config::NonIncreasingPolicy;
use snmp_stream_core::request::RequestBuilder;
use snmp_stream_core::wireline::file::WirelineFileWriter;
use snmp_stream_core::{
    Config, ConfigError, ConfigOverrides, Host, HostName, IndexRange, Oid, Quirks, Request,
    RequestKind, Response, Security, Status,
};

use crate::Outcome;
use crate::names;
use crate::output::{self, OutFormat, Render};
use crate::progress::Live;
use crate::report::{
    add_quirks, problem_line, quirks_by_host, quirks_line, report_problems, report_written,
};
use crate::security::SecurityArgs;

/// The arguments `walk` and `get` share.
#[derive(Debug, Args)]
pub(crate) struct CollectArgs {
    /// Hosts, then OIDs (the text is in `help` / `long_help`: it shows IPv6 brackets, which
    /// rustdoc would take for links).
    #[arg(
        required = true,
        value_name = "HOST|OID",
        help = "Hosts ([tcp:]HOST[:PORT], [IPV6]:PORT), then OIDs (dotted, or MIB names: ifDescr, IF-MIB::ifDescr.3)",
        long_help = "Hosts (HOST, HOST:PORT, [IPV6]:PORT), then OIDs: dotted (1.3.6.1.2.1.1) or \
                     MIB names (sysDescr, sysDescr.0, IF-MIB::ifDescr.3, ifTable: a table walks \
                     its readable columns; -M/-m choose the MIB modules, as net-snmp's).\n\n\
                     A host may start with net-snmp's transport prefix: `tcp:` for TCP (RFC \
                     3430, one connection per host, no datagram size limit), `udp:` for UDP (the \
                     default); `udp6:` and `tcp6:` resolve a name to IPv6 only.\n\n\
                     Arguments are hosts up to the first one that reads as an OID. A dotted host \
                     whose first number is 0, 1 or 2 reads as an OID: give it with its port \
                     (1.2.3.4:161)."
    )]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub security: SecurityArgs,
    /// Limit table walks to index range START:STOP (repeatable; either side may be empty,
    /// e.g. 10:10, 1:100, 5:). For get, a point (3:3) appends that index to each OID.
    #[arg(long = "range", value_name = "START:STOP")]
    pub ranges: Vec<String>,
    /// Retries of one PDU after its first transmission [default: 3].
    #[arg(short, long)]
    pub retries: Option<u32>,
    /// Seconds to wait for each reply, fractions allowed [default: 3].
    #[arg(short, long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Most varbinds asked for in one response [default: 10].
    #[arg(long, value_name = "N")]
    pub max_varbinds: Option<u32>,
    /// GETBULK max-repetitions, replacing the packing rule's.
    #[arg(long, value_name = "N")]
    pub max_repetitions: Option<u32>,
    /// Hosts collected at once [default: 10].
    #[arg(long, value_name = "N")]
    pub sessions: Option<u32>,
    /// What a walk does when the agent returns an OID before the previous one (an agent
    /// bug): `strict` stops that column and marks the response partial; `permissive` walks on,
    /// stopping only at a loop. A repeat of the previous OID is always dropped and counted.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub non_increasing: Option<NonIncreasing>,
    /// net-snmp's walk options: `-Cc` walks on past non-increasing OIDs (as
    /// `--non-increasing permissive`; a second `c` turns that off again, as in net-snmp),
    /// `-Cr50` sets the GETBULK max-repetitions (as `--max-repetitions 50`). Repeatable.
    #[arg(short = 'C', value_name = "OPTS")]
    pub walk_options: Vec<String>,
    /// Most varbinds a walk takes per root OID (and range): a longer column is stopped after
    /// N and marked partial [default: 10000000].
    #[arg(long, value_name = "N")]
    pub max_rows: Option<u64>,
    /// Seconds one host's whole collection may take; what was collected by then is kept
    /// and marked partial [default: none].
    #[arg(long, value_name = "SECS")]
    pub deadline: Option<f64>,
    /// Accept replies from another address than the host's, matched by request-id,
    /// version and community (agents that answer from another interface); each is counted.
    #[arg(long)]
    pub accept_other_source: bool,
    /// net-snmp's output options for the readable formats: OIDs print as
    /// `IP-MIB::ipAddressIfIndex.ipv4."127.0.0.1"` (the index decoded from the INDEX clause)
    /// unless `-Ob` (the index in numbers), `-On` (numbers), `-Os` (the name alone) or `-Of`
    /// (every arc named); values by their MIB syntax (`up(1)`) unless `-Or` (as collected);
    /// `-Ox` prints every OCTET STRING in hex (`0x7474`). Repeatable.
    #[arg(short = 'O', value_name = "OPTS")]
    pub output_options: Vec<String>,
    /// Send from this local address (the source address agents see; one per address family,
    /// repeatable), as net-snmp's clientaddr.
    #[arg(long, value_name = "IP")]
    pub bind: Vec<std::net::IpAddr>,
    /// Request-id to record with the data (any text), for reassembly downstream.
    #[arg(long, value_name = "TEXT")]
    pub req_id: Option<String>,
    /// Write to this file instead of stdout. A wireline file gets one frame per response as
    /// each arrives (arrival order); the other formats are written at the end, by host.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Output format: table, long, csv (text), parquet or wire (files, with -o) [default: from
    /// the -o extension (.parquet, .csv, .txt, else wire); table on stdout].
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
}

/// `--non-increasing`: the walk policy for an OID before the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NonIncreasing {
    /// Stop the column, keep what it collected, mark the response partial.
    Strict,
    /// Walk on (net-snmp's `-Cc`), stopping only at a loop.
    Permissive,
}

impl From<NonIncreasing> for NonIncreasingPolicy {
    fn from(p: NonIncreasing) -> Self {
        match p {
            NonIncreasing::Strict => NonIncreasingPolicy::Strict,
            NonIncreasing::Permissive => NonIncreasingPolicy::Permissive,
        }
    }
}

/// What net-snmp's `-C` walk options set.
#[derive(Debug, Default, PartialEq, Eq)]
struct WalkOptions {
    permissive: bool,
    max_repetitions: Option<u32>,
}

/// Parses `-C` arguments as net-snmp's `snmpbulkwalk` does: letters, where `c` toggles the
/// increasing-OID check off (a second `c` turns it on again) and `r` takes the number written
/// right after it (`-Cr50`, `-Ccr50`, `-Cr50c`; decimal, or hex after `0x`).
fn walk_options(args: &[String]) -> anyhow::Result<WalkOptions> {
    let mut o = WalkOptions::default();
    for arg in args {
        let mut rest = arg.as_str();
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            match c {
                'c' => o.permissive = !o.permissive,
                'r' => {
                    let (digits, radix) = match rest.strip_prefix("0x") {
                        Some(hex) => (hex, 16),
                        None => (rest, 10),
                    };
                    let len = digits.chars().take_while(|d| d.is_digit(radix)).count();
                    let n = u32::from_str_radix(&digits[..len], radix).map_err(|_| {
                        anyhow!("-Cr takes a number of repetitions (-Cr50), not `{rest}`")
                    })?;
                    o.max_repetitions = Some(n);
                    rest = &digits[len..];
                }
                other => bail!("unsupported walk option -C{other} (supported: -Cc, -Cr50)"),
            }
        }
    }
    Ok(o)
}

/// Fractional seconds as a duration: at least a nanosecond. A value too large for a duration
/// becomes `Duration::MAX`, which the config then refuses with its own bound.
pub(crate) fn seconds(what: &str, secs: f64) -> anyhow::Result<Duration> {
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) if secs > 0.0 => bail!("{what} must be at least 1 ns, not {}", number(secs)),
        Err(_) if secs > 0.0 => Ok(Duration::MAX),
        _ => bail!(
            "{what} must be a positive number of seconds, not {}",
            number(secs)
        ),
    }
}

/// `x` as a person writes it: `-1`, `0.5`, and `-1e300` rather than 300 digits.
fn number(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e16 {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// The config field a bound error names.
pub(crate) fn config_field(err: &ConfigError) -> Option<&'static str> {
    match err {
        ConfigError::Zero(field)
        | ConfigError::TooLarge { field, .. }
        | ConfigError::TooLong { field, .. } => Some(field),
        _ => None,
    }
}

/// A config error as `key` (a job file's `` `timeout` `` or a flag's `--timeout`) breaks it.
pub(crate) fn out_of_bounds(key: &str, err: &ConfigError) -> String {
    match err {
        ConfigError::Zero(_) => format!("{key} must be at least 1"),
        ConfigError::TooLarge { max, .. } => format!("{key} must be at most {max}"),
        ConfigError::TooLong { max, .. } => {
            format!("{key} must be at most {} s", max.as_secs_f64())
        }
        other => format!("{key}: {other}"),
    }
}

/// Resolves OID arguments, dropping exact repeats (a column named on its own and again
/// through its table).
pub(crate) fn resolve_oids<'a>(
    args: impl IntoIterator<Item = &'a str>,
    kind: RequestKind,
) -> anyhow::Result<Vec<Oid>> {
    let mut oids: Vec<Oid> = Vec::new();
    for arg in args {
        for oid in names::resolve(arg, kind == RequestKind::Walk)? {
            if !oids.contains(&oid) {
                oids.push(oid);
            }
        }
    }
    Ok(oids)
}

/// Parses `--range` arguments, naming the one that fails.
pub(crate) fn parse_ranges<'a>(
    args: impl IntoIterator<Item = &'a str>,
) -> anyhow::Result<Vec<IndexRange>> {
    args.into_iter()
        .map(|r| {
            r.parse::<IndexRange>()
                .with_context(|| format!("bad range `{r}`"))
        })
        .collect()
}

/// Parses a host argument, naming it when it fails.
pub(crate) fn parse_host(arg: &str) -> anyhow::Result<Host> {
    Host::parse(arg).with_context(|| format!("bad host `{arg}`"))
}

/// Fails with one line naming the host when its name does not resolve, before any request is
/// sent (the collector would otherwise report it per request, after the others ran).
fn check_resolves(host: &Host, arg: &str) -> anyhow::Result<()> {
    let HostName::Dns(name) = host.name() else {
        return Ok(());
    };
    let family = host.family();
    let found = (name.as_str(), host.port())
        .to_socket_addrs()
        .map(|mut a| a.any(|a| family.is_none_or(|f| f.contains(a.ip()))));
    match found {
        Ok(true) => Ok(()),
        Ok(false) if family.is_some() => {
            bail!("host `{arg}` does not resolve to any IPv6 address")
        }
        Ok(false) => bail!("host `{arg}` does not resolve to any address"),
        Err(e) => {
            // A word that is neither a host nor a known name is most likely a mistyped OID.
            let hint = if !name.contains('.') {
                " (nor is it an OID name of the loaded MIB modules)"
            } else {
                ""
            };
            bail!("cannot resolve host `{arg}`: {e}{hint}")
        }
    }
}

/// Splits the positional arguments into hosts and OID arguments: hosts up to the first
/// argument that reads as an OID; at least one of each. When no argument after the first
/// reads as an OID, the last one is taken as one (so a mistyped name is reported as such).
fn split_targets(targets: &[String]) -> anyhow::Result<(&[String], &[String])> {
    if targets.len() < 2 {
        bail!("give at least one host and one OID");
    }
    let split = (1..targets.len())
        .find(|&i| names::looks_like_oid(&targets[i]))
        .unwrap_or(targets.len() - 1);
    Ok(targets.split_at(split))
}

/// The collector config the command-line settings give (every request runs with it).
fn config(a: &CollectArgs) -> anyhow::Result<Config> {
    let mut o = ConfigOverrides::new();
    if let Some(n) = a.retries {
        o = o.retries(n);
    }
    if let Some(t) = a.timeout {
        o = o.timeout(seconds("--timeout", t)?);
    }
    if let Some(n) = a.max_varbinds {
        o = o.max_response_var_binds_per_pdu(n);
    }
    if let Some(n) = a.max_repetitions {
        o = o.max_repetitions(n);
    }
    if let Some(n) = a.sessions {
        o = o.max_async_sessions(n);
    }
    let c = walk_options(&a.walk_options)?;
    if c.max_repetitions.is_some() && a.max_repetitions.is_some() {
        bail!("-Cr and --max-repetitions both set the max-repetitions: give one");
    }
    if let Some(n) = c.max_repetitions {
        o = o.max_repetitions(n);
    }
    if c.permissive {
        o = o.non_increasing(NonIncreasingPolicy::Permissive);
    }
    if let Some(p) = a.non_increasing {
        if c.permissive && p == NonIncreasing::Strict {
            bail!("-Cc and --non-increasing strict contradict each other");
        }
        o = o.non_increasing(p.into());
    }
    if let Some(n) = a.max_rows {
        o = o.max_rows_per_root(n);
    }
    if let Some(t) = a.deadline {
        o = o.host_deadline(seconds("--deadline", t)?);
    }
    if a.accept_other_source {
        o = o.accept_other_source(true);
    }
    o.build().map_err(|e| {
        let flag = match config_field(&e) {
            Some("timeout") => Some("--timeout"),
            Some("max_response_var_binds_per_pdu") => Some("--max-varbinds"),
            Some("max_repetitions") if c.max_repetitions.is_some() => Some("-Cr"),
            Some("max_repetitions") => Some("--max-repetitions"),
            Some("max_async_sessions") => Some("--sessions"),
            Some("max_rows_per_root") => Some("--max-rows"),
            Some("host_deadline") => Some("--deadline"),
            _ => None,
        };
        match flag {
            Some(flag) => anyhow!(out_of_bounds(flag, &e)),
            None => anyhow!(e),
        }
    })
}

/// Builds a request of `kind`.
pub(crate) fn request(
    kind: RequestKind,
    host: Host,
    security: Security,
    oids: Vec<Oid>,
) -> RequestBuilder {
    match kind {
        RequestKind::Get => Request::get(host, security, oids),
        RequestKind::Walk => Request::walk(host, security, oids),
    }
}

/// Runs `walk` or `get`.
pub(crate) fn run(kind: RequestKind, a: CollectArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let (host_args, oid_args) = split_targets(&a.targets)?;
    let oids = resolve_oids(oid_args.iter().map(String::as_str), kind)?;
    let ranges = parse_ranges(a.ranges.iter().map(String::as_str))?;
    let config = config(&a)?;
    let render = Render::parse(&a.output_options)?;
    let format = match (a.format, &a.output) {
        (Some(f), _) => f,
        (None, Some(p)) => OutFormat::from_path(p),
        (None, None) => OutFormat::Table,
    };
    if format.is_file() && a.output.is_none() {
        bail!("--format {format} writes a file: give -o PATH");
    }
    let security = a.security.security()?;

    let mut hosts: Vec<Host> = Vec::with_capacity(host_args.len());
    let mut requests = Vec::with_capacity(host_args.len());
    for arg in host_args {
        let host = parse_host(arg)?;
        if hosts.contains(&host) {
            bail!("host `{arg}` is given twice");
        }
        check_resolves(&host, arg)?;
        let mut b =
            request(kind, host.clone(), security.clone(), oids.clone()).ranges(ranges.clone());
        if let Some(id) = &a.req_id {
            b = b.req_id(id.as_bytes());
        }
        requests.push(b.build()?);
        hosts.push(host);
    }

    // A wireline file is written as the responses arrive: create it first, so that an
    // unwritable path fails before any device is asked.
    let wire_file = match (format, &a.output) {
        (OutFormat::Wire, Some(path)) => Some((
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
            path,
        )),
        _ => None,
    };
    let mut builder = SessionManager::builder(config);
    for ip in &a.bind {
        builder = builder.bind(*ip);
    }
    let mut manager = builder.start().context("starting the collector")?;
    let expected: usize = requests.iter().map(|r| r.partitions().len()).sum();
    for r in requests {
        manager.add_request(r)?;
    }
    let progress = Live::start(quiet, hosts.len(), expected as u64, manager.submitter());
    if let Some((file, path)) = wire_file {
        let outcome = stream_wire(&mut manager, file, path);
        progress.finish();
        let records = manager.stats().varbinds;
        let Streamed {
            outcome,
            quirks,
            problems,
        } = outcome?;
        if !quiet {
            // After the progress line is gone, so that nothing is drawn over them.
            for line in &problems {
                eprintln!("{line}");
            }
            for (host, q) in &quirks {
                eprintln!("{}", quirks_line(host, q));
            }
            report_written(records, hosts.len(), path);
        }
        return Ok(outcome);
    }
    let mut responses: Vec<Response> = Vec::new();
    while let Some(batch) = manager.run() {
        responses.extend(batch);
    }
    progress.finish();
    // The collector counts the records its writers wrote: every record of every response.
    let records = manager.stats().varbinds;
    drop(manager);
    // Command-line order of hosts, then index-range order.
    responses.sort_by(|x, y| {
        let pos = |r: &Response| hosts.iter().position(|h| h == r.request.host());
        pos(x).cmp(&pos(y)).then_with(|| x.range.cmp(&y.range))
    });

    if !quiet {
        report_problems(&responses);
        for (host, quirks) in quirks_by_host(&responses) {
            eprintln!("{}", quirks_line(&host, &quirks));
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    output::write_responses(&responses, format, render, a.output.as_deref(), &mut out)?;
    out.flush()?;
    if let (Some(p), false) = (&a.output, quiet) {
        report_written(records, hosts.len(), p);
    }
    Ok(Outcome::of(
        responses.iter().all(|r| r.status == Status::Complete),
    ))
}

/// What streaming a wireline file ended with: its outcome, the hosts' quirks and the lines of
/// the responses that were not complete (printed once the progress line is gone).
struct Streamed {
    outcome: Outcome,
    quirks: Vec<(Host, Quirks)>,
    problems: Vec<String>,
}

/// A wireline file written as the responses arrive, one frame each, so that memory holds the
/// responses in flight rather than all of them. Frames come in arrival order (each carries its
/// host and range, so readers need no order; the other formats sort by host first); a file
/// cut short by a kill is still readable up to its last whole frame.
fn stream_wire(manager: &mut SessionManager, file: File, path: &Path) -> anyhow::Result<Streamed> {
    let writing = || format!("writing {}", path.display());
    let mut w = WirelineFileWriter::new(io::BufWriter::new(file)).with_context(writing)?;
    let mut complete = true;
    let mut quirks: Vec<(Host, Quirks)> = Vec::new();
    let mut problems = Vec::new();
    while let Some(batch) = manager.run() {
        for r in batch {
            w.write_response(&r).with_context(writing)?;
            add_quirks(&mut quirks, &r);
            if r.status != Status::Complete {
                complete = false;
                problems.push(problem_line(&r));
            }
        }
    }
    w.into_inner().with_context(writing)?;
    Ok(Streamed {
        outcome: Outcome::of(complete),
        quirks,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn hosts_come_before_oids() {
        let t = s(&["10.0.0.1", "r2:1161", "ifTable", "1.3.6.1.2.1.1"]);
        let (h, o) = split_targets(&t).unwrap();
        assert_eq!(h, ["10.0.0.1", "r2:1161"]);
        assert_eq!(o, ["ifTable", "1.3.6.1.2.1.1"]);
        // A mistyped name as the only OID is still read as an OID (and refused as one).
        let t = s(&["10.0.0.1", "ifTabel"]);
        assert_eq!(split_targets(&t).unwrap().1, ["ifTabel"]);
        // The first argument is always a host.
        let t = s(&["1.2.3.4", "sysDescr.0"]);
        assert_eq!(split_targets(&t).unwrap().0, ["1.2.3.4"]);
        assert!(split_targets(&s(&["h"])).is_err());
    }

    #[test]
    fn repeated_oids_are_dropped() {
        let o = resolve_oids(["ifDescr", "ifTable"], RequestKind::Walk).unwrap();
        assert_eq!(o.len(), 22);
        assert_eq!(o[0].to_string(), "1.3.6.1.2.1.2.2.1.2");
    }

    #[test]
    fn net_snmp_walk_options_are_read_as_snmpbulkwalk_reads_them() {
        let o = walk_options(&s(&["c"])).unwrap();
        assert_eq!(
            o,
            WalkOptions {
                permissive: true,
                max_repetitions: None
            }
        );
        let o = walk_options(&s(&["cr25"])).unwrap();
        assert_eq!((o.permissive, o.max_repetitions), (true, Some(25)));
        let o = walk_options(&s(&["r7", "c"])).unwrap();
        assert_eq!((o.permissive, o.max_repetitions), (true, Some(7)));
        // The number ends where its digits do, and the letters go on.
        let o = walk_options(&s(&["r50c"])).unwrap();
        assert_eq!((o.permissive, o.max_repetitions), (true, Some(50)));
        let o = walk_options(&s(&["r0x20"])).unwrap();
        assert_eq!(o.max_repetitions, Some(32));
        // As in net-snmp, `c` toggles.
        assert!(!walk_options(&s(&["cc"])).unwrap().permissive);
        assert!(!walk_options(&s(&["c", "c"])).unwrap().permissive);
        let e = walk_options(&s(&["r"])).unwrap_err().to_string();
        assert_eq!(e, "-Cr takes a number of repetitions (-Cr50), not ``");
        let e = walk_options(&s(&["rx"])).unwrap_err().to_string();
        assert_eq!(e, "-Cr takes a number of repetitions (-Cr50), not `x`");
        let e = walk_options(&s(&["x"])).unwrap_err().to_string();
        assert_eq!(e, "unsupported walk option -Cx (supported: -Cc, -Cr50)");
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        assert_eq!(seconds("t", 0.5).unwrap(), Duration::from_millis(500));
        assert!(seconds("t", 0.0).is_err());
        assert!(seconds("t", -1.0).is_err());
        assert!(seconds("t", f64::NAN).is_err());
        assert_eq!(seconds("t", 1e300).unwrap(), Duration::MAX);
        assert_eq!(seconds("t", f64::INFINITY).unwrap(), Duration::MAX);
        let e = seconds("t", -1e300).unwrap_err().to_string();
        assert!(e.ends_with("not -1e300"), "{e}");
        let e = seconds("t", -1.0).unwrap_err().to_string();
        assert!(e.ends_with("not -1"), "{e}");
        let e = seconds("t", 1e-10).unwrap_err().to_string();
        assert_eq!(e, "t must be at least 1 ns, not 0.0000000001");
    }
}
