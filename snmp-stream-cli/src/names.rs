//! OID names: turning the OIDs users type (numeric, or MIB names: `ifDescr`,
//! `IF-MIB::ifDescr.3`, `ifTable`) into [`Oid`]s, and naming OIDs for display.
//!
//! The MIB modules are loaded once per process, on first need (a command of numeric OIDs never
//! loads them), from the search path `-M` / `-m` / `MIBDIRS` / `MIBS` set ([`configure`]); each
//! problem loading them is printed once on stderr.

use std::sync::OnceLock;

use snmp_stream_core::Oid;
use snmp_stream_mib::{MibSearch, Mibs, NameError, OidStyle};

static SEARCH: OnceLock<MibSearch> = OnceLock::new();
static MIBS: OnceLock<Mibs> = OnceLock::new();

/// How many MIB warnings are printed before the rest are only counted.
const WARNINGS_SHOWN: usize = 10;

/// Sets where MIB modules are looked for, before the first name is resolved: net-snmp's
/// defaults and environment, then `-M` / `-m` and a job file's `mib_dirs`. Later calls are
/// ignored.
pub(crate) fn configure(search: MibSearch) {
    let _ = SEARCH.set(search);
}

/// The search path of `MIBDIRS` / `MIBS`, `-M DIRS` and `-m MODULES`, in that order, as
/// net-snmp's tools apply them.
pub(crate) fn search_from(dirs: Option<&str>, modules: Option<&str>) -> MibSearch {
    let mut search = MibSearch::system();
    if let Some(d) = dirs {
        search = search.with_dir_list(d);
    }
    if let Some(m) = modules {
        search = search.with_module_list(m);
    }
    search
}

/// The loaded modules (loading them on first call), without printing their warnings (for a
/// caller that lists them itself).
pub(crate) fn mibs_quietly() -> &'static Mibs {
    MIBS.get_or_init(|| Mibs::load(SEARCH.get_or_init(|| search_from(None, None))))
}

/// The loaded modules (loading them on first call, and printing the first few problems met).
pub(crate) fn mibs() -> &'static Mibs {
    static WARNED: OnceLock<()> = OnceLock::new();
    let mibs = mibs_quietly();
    WARNED.get_or_init(|| {
        let warnings = mibs.warnings();
        for w in warnings.iter().take(WARNINGS_SHOWN) {
            eprintln!("MIB warning: {w}");
        }
        if warnings.len() > WARNINGS_SHOWN {
            eprintln!(
                "MIB warning: {} more (`snmp-stream translate --mib-warnings` lists them all)",
                warnings.len() - WARNINGS_SHOWN
            );
        }
    });
    mibs
}

fn is_numeric(text: &str) -> bool {
    text.strip_prefix('.')
        .unwrap_or(text)
        .starts_with(|c: char| c.is_ascii_digit())
}

/// Resolves one OID argument: dotted decimal (`1.3.6.1.2.1.1.1.0`, leading dot allowed), a
/// name (`sysDescr`, `IF-MIB::sysDescr`), or a name with an index (`sysDescr.0`, `ifDescr.3`).
///
/// With `expand_tables`, a table or entry name (`ifTable`, `ifEntry`) becomes its readable
/// columns, so a walk collects the entry subtree as one root per column and the rows line up
/// by index.
pub(crate) fn resolve(arg: &str, expand_tables: bool) -> Result<Vec<Oid>, NameError> {
    let text = arg.trim();
    if is_numeric(text) {
        // No MIB needed (nor loaded) for numbers.
        let numeric = text.strip_prefix('.').unwrap_or(text);
        return numeric
            .parse::<Oid>()
            .map(|o| vec![o])
            .map_err(|reason| NameError::Malformed {
                text: text.to_owned(),
                reason,
            });
    }
    if expand_tables {
        mibs().resolve_walk_roots(text)
    } else {
        mibs().resolve(text).map(|o| vec![o])
    }
}

/// True when `arg` reads as an OID argument rather than a host: numeric dotted text that is an
/// OID (so its first arc is 0, 1 or 2), a leading dot, `MODULE::name`, or a name the MIBs know.
pub(crate) fn looks_like_oid(arg: &str) -> bool {
    let arg = arg.trim();
    if arg.starts_with('.') || arg.parse::<Oid>().is_ok() || arg.contains("::") {
        return true;
    }
    !is_numeric(arg) && mibs().resolve(arg).is_ok()
}

/// An OID written in `style`, from the MIBs.
pub(crate) fn format(arcs: &[u32], style: OidStyle) -> String {
    if style == OidStyle::Numeric {
        // No MIB needed for numbers; net-snmp's -On writes a leading dot.
        return mibs_free_numeric(arcs);
    }
    mibs().format(arcs, style)
}

/// The short display name of an OID (`sysDescr.0`, `ifHCInOctets.2`); dotted when no MIB names
/// it.
pub(crate) fn display_name(arcs: &[u32]) -> String {
    format(arcs, OidStyle::Short)
}

/// The name of a table column's entry (`ifEntry` for `ifDescr`), when `oid` is a column.
pub(crate) fn entry_of(oid: &Oid) -> Option<&'static str> {
    mibs().row_of(oid.as_slice())
}

fn mibs_free_numeric(arcs: &[u32]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(arcs.len() * 3);
    for a in arcs {
        let _ = write!(s, ".{a}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dotted(v: &[Oid]) -> Vec<String> {
        v.iter().map(Oid::to_string).collect()
    }

    #[test]
    fn names_numbers_and_indices_resolve() {
        assert_eq!(
            dotted(&resolve("sysDescr", true).unwrap()),
            ["1.3.6.1.2.1.1.1"]
        );
        assert_eq!(
            dotted(&resolve("sysDescr.0", false).unwrap()),
            ["1.3.6.1.2.1.1.1.0"]
        );
        assert_eq!(
            dotted(&resolve("SNMPv2-MIB::sysDescr.0", false).unwrap()),
            ["1.3.6.1.2.1.1.1.0"]
        );
        assert_eq!(
            dotted(&resolve(".1.3.6.1.2.1.1", true).unwrap()),
            ["1.3.6.1.2.1.1"]
        );
        assert_eq!(dotted(&resolve("system", true).unwrap()), ["1.3.6.1.2.1.1"]);
    }

    #[test]
    fn tables_expand_to_their_columns() {
        let cols = resolve("ifTable", true).unwrap();
        assert_eq!(cols.len(), 22);
        assert_eq!(cols[0].to_string(), "1.3.6.1.2.1.2.2.1.1");
        assert_eq!(cols[21].to_string(), "1.3.6.1.2.1.2.2.1.22");
        assert_eq!(resolve("ifXEntry", true).unwrap().len(), 19);
        assert_eq!(
            dotted(&resolve("ifTable", false).unwrap()),
            ["1.3.6.1.2.1.2.2"]
        );
    }

    #[test]
    fn bad_arguments_say_why() {
        let e = resolve("ifTabel", true).unwrap_err();
        assert!(matches!(e, NameError::UnknownName { .. }));
        let e = resolve("ifdescr", true).unwrap_err().to_string();
        assert!(e.contains("did you mean `ifDescr`"), "{e}");
        let e = resolve("1.3.6.x", true).unwrap_err().to_string();
        assert!(e.starts_with("malformed OID `1.3.6.x`: "), "{e}");
        assert!(resolve("sysDescr.x", true).is_err());
    }

    #[test]
    fn oids_and_hosts_are_told_apart() {
        assert!(looks_like_oid("1.3.6.1.2.1"));
        assert!(looks_like_oid("ifTable"));
        assert!(looks_like_oid("sysDescr.0"));
        assert!(looks_like_oid("IF-MIB::ifDescr"));
        assert!(looks_like_oid(".1.3"));
        assert!(!looks_like_oid("10.0.0.1"));
        assert!(!looks_like_oid("127.0.0.1:1161"));
        assert!(!looks_like_oid("router1.example.net"));
    }

    #[test]
    fn display_names_use_the_longest_prefix() {
        let o: Oid = "1.3.6.1.2.1.31.1.1.1.6.2".parse().unwrap();
        assert_eq!(display_name(o.as_slice()), "ifHCInOctets.2");
        let o: Oid = "1.3.6.1.2.1.1.9.1.2.1".parse().unwrap();
        assert_eq!(display_name(o.as_slice()), "sysORID.1");
        assert_eq!(
            format(o.as_slice(), OidStyle::Module),
            "SNMPv2-MIB::sysORID.1"
        );
        assert_eq!(
            format(o.as_slice(), OidStyle::Numeric),
            ".1.3.6.1.2.1.1.9.1.2.1"
        );
        let c: Oid = "1.3.6.1.2.1.2.2.1.2".parse().unwrap();
        assert_eq!(entry_of(&c), Some("ifEntry"));
        assert_eq!(entry_of(&"1.3.6.1.2.1.1.1".parse().unwrap()), None);
    }
}
