//! `serve`: the simulated agent on UDP (and TCP), serving a directory of `.snmprec` recordings or one
//! recording file.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use snmp_stream_core::Oid;
use snmp_stream_core::usm::{AuthProtocol, Credentials, PrivProtocol};
use snmp_stream_sim::{Faults, Mib};
use snmp_stream_sim::{Simulator, SimulatorConfig};

/// Transport and protocol faults to show: `serve`'s flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct FaultArgs {
    /// Drop this fraction (0 to 1) of requests.
    #[arg(long, default_value_t = 0.0)]
    pub loss: f64,
    /// Delay every reply by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub delay_ms: u64,
    /// Answer GETBULK with at most this many varbinds.
    #[arg(long)]
    pub bulk_cap: Option<usize>,
    /// Answer tooBig when a response would carry more than this many varbinds.
    #[arg(long)]
    pub too_big_above: Option<usize>,
    /// Answer GET with at most this many varbinds: the first N of the answer.
    #[arg(long, value_name = "N")]
    pub get_reply_cap: Option<usize>,
    /// Leave the varbind of exactly this OID out of GET answers.
    #[arg(long, value_name = "OID")]
    pub get_reply_omit: Option<Oid>,
    /// Answer GET with the varbinds in reverse order.
    #[arg(long)]
    pub get_reply_reversed: bool,
    /// Answer GET with one varbind more than asked at the end (snmpTrapOID.0 = coldStart).
    #[arg(long)]
    pub get_reply_extra: bool,
    /// In GETBULK answers, return the first instance at or after this OID twice in a row.
    #[arg(long, value_name = "OID")]
    pub repeat_oid_at: Option<Oid>,
    /// Send the value of exactly this OID as an INTEGER with no content (malformed).
    #[arg(long, value_name = "OID")]
    pub malformed_value_at: Option<Oid>,
    /// Serve a never-ending column under this OID: OID.1, OID.2, … with INTEGER values.
    #[arg(long, value_name = "OID")]
    pub endless_column: Option<Oid>,
    /// Answer with this community instead of the request's.
    #[arg(long, value_name = "TEXT")]
    pub reply_community: Option<String>,
    /// Send replies from this address, on the port asked (e.g. 127.0.0.2).
    #[arg(long, value_name = "IP")]
    pub reply_from_address: Option<IpAddr>,
    /// Each simulated device answers this many requests, then none (a device that goes down
    /// mid-collection).
    #[arg(long, value_name = "N")]
    pub silent_after: Option<u64>,
    /// Close each TCP connection after this many replies (implies --tcp); the client has to
    /// reconnect for the rest.
    #[arg(long, value_name = "N")]
    pub tcp_close_after: Option<u64>,
}

/// A user in net-snmp's createUser spelling: `USER [AUTH PASS [PRIV PASS]]`.
pub(crate) fn v3_user(spec: &str) -> anyhow::Result<Credentials> {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let what = || format!("--v3-user \"{spec}\"");
    let b = match words.as_slice() {
        [user] => Credentials::builder(user.as_bytes()),
        [user, auth, pass] | [user, auth, pass, _, _] => {
            let a = AuthProtocol::parse(auth).with_context(what)?;
            let mut b = Credentials::builder(user.as_bytes())
                .auth_password(a, pass)
                .with_context(what)?;
            if let [_, _, _, p, ppass] = words.as_slice() {
                let p = PrivProtocol::parse(p).with_context(what)?;
                b = b.priv_password(p, ppass).with_context(what)?;
            }
            b
        }
        _ => bail!("{}: expected USER [AUTH PASS [PRIV PASS]]", what()),
    };
    b.build().with_context(what)
}

/// The simulator config for `data`: a directory (community = each recording's path under it,
/// without `.snmprec`) or one `.snmprec` file (community = its name without `.snmprec`).
pub(crate) fn data_config(data: &Path) -> anyhow::Result<SimulatorConfig> {
    let meta =
        std::fs::metadata(data).with_context(|| format!("cannot read {}", data.display()))?;
    if meta.is_dir() {
        if !has_recordings(data, 16)? {
            bail!("no .snmprec recordings under {}", data.display());
        }
        return Ok(SimulatorConfig::new().data_dir(data));
    }
    let community = match (data.extension(), data.file_stem()) {
        (Some(ext), Some(stem)) if ext == "snmprec" => stem.to_string_lossy().into_owned(),
        _ => bail!(
            "{} is neither a directory nor a .snmprec recording",
            data.display()
        ),
    };
    let text =
        std::fs::read_to_string(data).with_context(|| format!("cannot read {}", data.display()))?;
    let mib = Mib::from_snmprec(&text).with_context(|| data.display().to_string())?;
    Ok(SimulatorConfig::new().mib(community, Arc::new(mib)))
}

/// True when `dir` holds a `.snmprec` file, `depth` levels down at most.
fn has_recordings(dir: &Path, depth: usize) -> anyhow::Result<bool> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "snmprec") && path.is_file() {
            return Ok(true);
        }
        if depth > 0 && path.is_dir() && has_recordings(&path, depth - 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Runs `serve` until interrupted.
pub(crate) fn run(
    data: &Path,
    listen: Vec<SocketAddr>,
    ports: usize,
    tcp: bool,
    v3_users: &[String],
    faults: FaultArgs,
) -> anyhow::Result<()> {
    let mut config = data_config(data)?.loss(faults.loss).tcp(tcp);
    let mut user_names = Vec::new();
    for u in v3_users {
        let user = v3_user(u)?;
        user_names.push(String::from_utf8_lossy(user.user()).into_owned());
        config = config.v3_user(user);
    }
    for addr in listen {
        config = config.listen(addr);
    }
    if ports > 0 {
        config = config.ports(ports);
    }
    if faults.delay_ms > 0 {
        config = config.delay(Duration::from_millis(faults.delay_ms));
    }
    if let Some(n) = faults.silent_after {
        config = config.silent_after(n);
    }
    if let Some(n) = faults.tcp_close_after {
        config = config.tcp_close_after(n);
    }
    if let Some(ip) = faults.reply_from_address {
        config = config.reply_from_address(ip);
    }
    config = config.faults(Faults {
        bulk_cap: faults.bulk_cap,
        too_big_above: faults.too_big_above,
        get_reply_cap: faults.get_reply_cap,
        get_reply_omit: faults.get_reply_omit,
        get_reply_reversed: faults.get_reply_reversed,
        get_reply_extra: faults.get_reply_extra,
        repeat_oid_at: faults.repeat_oid_at,
        malformed_value_at: faults.malformed_value_at,
        endless_column: faults.endless_column,
        reply_community: faults.reply_community.map(String::into_bytes),
        ..Faults::default()
    });
    let sim = Simulator::start(config).with_context(|| format!("serving {}", data.display()))?;
    let communities = sim.communities();
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "serving {} recordings from {}",
        communities.len(),
        data.display()
    )?;
    let tcp = tcp || faults.tcp_close_after.is_some();
    for a in sim.addrs() {
        writeln!(out, "listening on udp {a}")?;
        if tcp {
            writeln!(out, "listening on tcp {a}")?;
        }
    }
    for c in &communities {
        writeln!(out, "community {c}")?;
    }
    if !user_names.is_empty() {
        let id: String = snmp_stream_sim::DEFAULT_ENGINE_ID
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        writeln!(
            out,
            "SNMPv3 engine ID 0x{id}, users {}",
            user_names.join(", ")
        )?;
    }
    out.flush()?;
    drop(out);
    loop {
        std::thread::park();
    }
}
