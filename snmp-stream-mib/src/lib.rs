//! MIB modules for snmp-stream: loading SMIv1/SMIv2 modules from net-snmp's search path and a
//! bundled standard set, turning names into OIDs and OIDs into names, and rendering values as
//! snmpwalk shows them.
//!
//! **What it does not do:** collect anything, or know about wireline buffers and DataFrames.
//! The collector (core, actors) stays free of MIB knowledge; decode and the CLI use this crate
//! to name and render what was collected.
//!
//! Main types:
//! - [`MibSearch`]: where modules are looked for (directories, in net-snmp's `-M` / `MIBDIRS`
//!   rules, then the bundled set) and which are loaded (`-m` / `MIBS`; all by default).
//! - [`Mibs`]: the loaded, resolved modules. Built once ([`Mibs::load`], or the shared
//!   [`Mibs::bundled`]), then read-only and shareable across threads.
//! - [`MibWarning`]: a module that did not parse or resolve, named with its file and line.
//!   Loading never fails as a whole: the other modules load.
//! - [`OidStyle`], [`Named`], [`NameError`]: names both ways.
//! - [`IndexSchema`], [`IndexValue`]: a table's index decoded from its INDEX clause
//!   ([`Mibs::index_schema`], [`Mibs::format_indexed`]).
//! - [`Syntax`]: how one object's values print (`up(1)`, `0:1b:21:3c:9a:f0`), compiled once
//!   from its definition ([`Mibs::syntax`]).
//!
//! The parser and resolver underneath is the mib-rs crate (ARCHITECTURE.md, "MIBs", says why).
//!
//! ```
//! use snmp_stream_mib::{Mibs, OidStyle};
//!
//! let mibs = Mibs::bundled();
//! let oid = mibs.resolve("IF-MIB::ifHCInOctets.3").unwrap();
//! assert_eq!(oid.to_string(), "1.3.6.1.2.1.31.1.1.1.6.3");
//! assert_eq!(mibs.format(oid.as_slice(), OidStyle::Short), "ifHCInOctets.3");
//! assert_eq!(mibs.resolve_walk_roots("ifXTable").unwrap().len(), 19);
//! let status = mibs.resolve("ifOperStatus.3").unwrap();
//! let value = snmp_stream_core::Value::Integer(1);
//! assert_eq!(mibs.render(status.as_slice(), &value), "up(1)");
//! ```

use std::sync::LazyLock;
use std::time::Duration;

mod bundled;
mod compat;
mod detail;
mod index;
mod load;
mod names;
mod render;
mod search;

pub use index::{IndexSchema, IndexValue};
pub use load::MibWarning;
pub use names::{NameError, Named, OidStyle};
pub use render::Syntax;
pub use search::{MibSearch, ModuleSelection};

/// Loaded and resolved MIB modules. Read-only once built; `Send + Sync`.
pub struct Mibs {
    mib: mib_rs::Mib,
    warnings: Vec<MibWarning>,
    load_time: Duration,
}

impl std::fmt::Debug for Mibs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mibs")
            .field("modules", &self.module_count())
            .field("warnings", &self.warnings.len())
            .field("load_time", &self.load_time)
            .finish()
    }
}

static BUNDLED_MIBS: LazyLock<Mibs> = LazyLock::new(|| Mibs::load(&MibSearch::bundled_only()));

impl Mibs {
    /// Loads what `search` names. Never fails: problems are [`warnings`](Self::warnings), and
    /// what did load is there.
    pub fn load(search: &MibSearch) -> Mibs {
        load::load(search)
    }

    /// The bundled modules alone, loaded once per process on first use.
    pub fn bundled() -> &'static Mibs {
        &BUNDLED_MIBS
    }

    pub(crate) fn new(mib: mib_rs::Mib, warnings: Vec<MibWarning>, load_time: Duration) -> Self {
        Mibs {
            mib,
            warnings,
            load_time,
        }
    }

    /// What went wrong while loading, in the order found.
    pub fn warnings(&self) -> &[MibWarning] {
        &self.warnings
    }

    /// How many modules are loaded, the SMI's base modules included.
    pub fn module_count(&self) -> usize {
        self.mib.modules().count()
    }

    /// The names of the loaded modules, sorted.
    pub fn module_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.mib.modules().map(|m| m.name()).collect();
        names.sort_unstable();
        names
    }

    /// How long [`load`](Self::load) took.
    pub fn load_time(&self) -> Duration {
        self.load_time
    }
}

#[cfg(test)]
mod tests;
