//! `snmp-stream translate`: OIDs between names and numbers, as net-snmp's `snmptranslate`.

use std::io::{self, Write};

use anyhow::{Context, bail};
use snmp_stream_mib::OidStyle;

use crate::Outcome;
use crate::names;
use crate::render::Render;

/// `translate`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct TranslateArgs {
    /// OIDs to translate: names (`ifDescr`, `IF-MIB::ifDescr.3`) or numbers
    /// (`.1.3.6.1.2.1.2.2.1.2.3`).
    #[arg(value_name = "OID")]
    oids: Vec<String>,
    /// Output options as net-snmp's: `n` numbers, `s` the object name alone, `f` every arc
    /// named, `b` a table's index in numbers (by default it is decoded from the INDEX clause:
    /// `IP-MIB::ipAddressIfIndex.ipv4."127.0.0.1"`).
    #[arg(short = 'O', value_name = "OPTS")]
    output: Vec<String>,
    /// `-Td`: describe each object (syntax, access, status, description, place in the tree).
    #[arg(short = 'T', value_name = "OPTS")]
    tree: Vec<String>,
    /// List every problem met loading the MIB modules (not only the first few), and how many
    /// modules loaded in how long.
    #[arg(long)]
    mib_warnings: bool,
}

pub(crate) fn run(args: &TranslateArgs) -> anyhow::Result<Outcome> {
    let render = Render::parse(&args.output)?;
    let mut detail = false;
    for c in args.tree.iter().flat_map(|t| t.chars()) {
        match c {
            'd' => detail = true,
            other => bail!("unsupported -T{other} (supported: -Td)"),
        }
    }
    if args.oids.is_empty() && !args.mib_warnings {
        bail!("give at least one OID to translate (or --mib-warnings)");
    }
    let mut out = io::stdout().lock();
    if args.mib_warnings {
        let mibs = names::mibs_quietly();
        for w in mibs.warnings() {
            eprintln!("MIB warning: {w}");
        }
        eprintln!(
            "{} MIB modules loaded in {:.0?}, {} warning{}",
            mibs.module_count(),
            mibs.load_time(),
            mibs.warnings().len(),
            if mibs.warnings().len() == 1 { "" } else { "s" }
        );
    }
    let mut failed = 0;
    for arg in &args.oids {
        let oid = match names::resolve(arg, false) {
            Ok(mut oids) => oids.remove(0),
            // One OID: its error is the one line.
            Err(e) if args.oids.len() == 1 => return Err(e.into()),
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
                continue;
            }
        };
        if detail {
            match names::mibs().describe(oid.as_slice()) {
                Some(d) => write!(out, "{d}")?,
                None => writeln!(out, "{}", names::format(oid.as_slice(), OidStyle::Numeric))?,
            }
        } else {
            writeln!(out, "{}", render.name(oid.as_slice()))?;
        }
    }
    out.flush().context("writing to stdout")?;
    if failed > 0 {
        bail!("{failed} of {} OIDs did not translate", args.oids.len());
    }
    Ok(Outcome::Ok)
}
