//! Where MIB modules are looked for and which are loaded, in net-snmp's conventions.
//!
//! net-snmp's tools take a directory list (`MIBDIRS`, then `-M`) and a module list (`MIBS`,
//! then `-m`), each colon-separated; a list that starts with `+` is added after the one it
//! modifies, one that starts with `-` before it, and any other replaces it. `ALL` as a module
//! list loads every module found. [`MibSearch`] follows the same rules, with two differences
//! made on purpose:
//!
//! - the default module list is *every module in the search path* (net-snmp's `ALL`), because a
//!   vendor MIB dropped into `~/.snmp/mibs` must just work without naming it;
//! - the bundled standard modules are always searched, after every directory: they fill in what
//!   the directories lack, and a directory's copy of a module wins over the bundled one.

use std::path::{Path, PathBuf};

/// Where modules are searched for and which are loaded; see the module docs for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MibSearch {
    dirs: Vec<PathBuf>,
    modules: ModuleSelection,
    bundled: bool,
}

/// Which modules a load reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSelection {
    /// Every module found in the search path and the bundled set (net-snmp's `ALL`).
    All,
    /// These modules and the modules they import.
    Only(Vec<String>),
}

impl Default for MibSearch {
    fn default() -> Self {
        Self::bundled_only()
    }
}

impl MibSearch {
    /// The bundled modules alone, all of them: the same on every machine.
    pub fn bundled_only() -> Self {
        MibSearch {
            dirs: Vec::new(),
            modules: ModuleSelection::All,
            bundled: true,
        }
    }

    /// net-snmp's defaults on this machine: `~/.snmp/mibs` and `/usr/share/snmp/mibs` (those
    /// that exist), changed by the `MIBDIRS` and `MIBS` environment variables, then the bundled
    /// set.
    pub fn system() -> Self {
        let mut search = Self::bundled_only();
        search.dirs = default_dirs();
        if let Ok(dirs) = std::env::var("MIBDIRS") {
            search = search.with_dir_list(&dirs);
        }
        if let Ok(modules) = std::env::var("MIBS") {
            search = search.with_module_list(&modules);
        }
        search
    }

    /// Applies a directory list as `-M` / `MIBDIRS` do: `+A:B` searches A and B after the
    /// present directories, `-A:B` before them, `A:B` instead of them. Empty entries are
    /// skipped.
    pub fn with_dir_list(mut self, list: &str) -> Self {
        let (mode, rest) = split_mode(list);
        let given: Vec<PathBuf> = split_list(rest).map(expand_home).collect();
        self.dirs = match mode {
            ListMode::After => self.dirs.into_iter().chain(given).collect(),
            ListMode::Before => given.into_iter().chain(self.dirs).collect(),
            ListMode::Instead => given,
        };
        dedup_keep_first(&mut self.dirs);
        self
    }

    /// Applies a module list as `-m` / `MIBS` do: `ALL` loads every module, `+A:B` / `-A:B`
    /// add A and B to the present selection, `A:B` loads only A, B and what they import.
    pub fn with_module_list(mut self, list: &str) -> Self {
        let (mode, rest) = split_mode(list);
        let given: Vec<String> = split_list(rest).map(str::to_owned).collect();
        if given.iter().any(|m| m == "ALL") {
            self.modules = ModuleSelection::All;
            return self;
        }
        self.modules = match (mode, self.modules) {
            (_, ModuleSelection::All) if mode != ListMode::Instead => ModuleSelection::All,
            (ListMode::Instead, _) | (_, ModuleSelection::All) => ModuleSelection::Only(given),
            (ListMode::After, ModuleSelection::Only(mut old)) => {
                old.extend(given);
                ModuleSelection::Only(old)
            }
            (ListMode::Before, ModuleSelection::Only(old)) => {
                ModuleSelection::Only(given.into_iter().chain(old).collect())
            }
        };
        self
    }

    /// Adds one directory, searched after the present ones (a job file's `mib_dirs`).
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dirs.push(dir.into());
        dedup_keep_first(&mut self.dirs);
        self
    }

    /// Whether the bundled standard modules are searched (after every directory); on by
    /// default. Off, only the directories and the SMI's own base modules are there.
    pub fn with_bundled(mut self, bundled: bool) -> Self {
        self.bundled = bundled;
        self
    }

    /// The directories, in search order (earlier wins for a module found twice).
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The modules to load.
    pub fn modules(&self) -> &ModuleSelection {
        &self.modules
    }

    /// Whether the bundled modules are searched.
    pub fn bundled(&self) -> bool {
        self.bundled
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListMode {
    After,
    Before,
    Instead,
}

fn split_mode(list: &str) -> (ListMode, &str) {
    let list = list.trim();
    if let Some(rest) = list.strip_prefix('+') {
        (ListMode::After, rest)
    } else if let Some(rest) = list.strip_prefix('-') {
        (ListMode::Before, rest)
    } else {
        (ListMode::Instead, list)
    }
}

/// net-snmp's lists are colon-separated (semicolon on Windows); a comma is taken too.
fn split_list(list: &str) -> impl Iterator<Item = &str> {
    list.split([':', ';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// `$HOME` and a leading `~` as net-snmp's configuration spells them.
fn expand_home(entry: &str) -> PathBuf {
    let Some(home) = home() else {
        return PathBuf::from(entry);
    };
    if let Some(rest) = entry.strip_prefix("$HOME") {
        return PathBuf::from(format!("{}{rest}", home.display()));
    }
    if entry == "~" {
        return home;
    }
    if let Some(rest) = entry.strip_prefix("~/") {
        return home.join(rest);
    }
    PathBuf::from(entry)
}

/// net-snmp's default list, as Debian builds it, keeping the directories that exist.
fn default_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = home() {
        dirs.push(home.join(".snmp/mibs"));
    }
    dirs.push(PathBuf::from("/usr/share/snmp/mibs"));
    dirs.retain(|d| Path::is_dir(d));
    dirs
}

fn dedup_keep_first(dirs: &mut Vec<PathBuf>) {
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|d| seen.insert(d.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(s: &MibSearch) -> Vec<String> {
        s.dirs().iter().map(|d| d.display().to_string()).collect()
    }

    #[test]
    fn dir_lists_replace_or_add_as_net_snmp_does() {
        let base = MibSearch::bundled_only().with_dir_list("/a:/b");
        assert_eq!(dirs(&base), ["/a", "/b"]);
        assert_eq!(dirs(&base.clone().with_dir_list("+/c")), ["/a", "/b", "/c"]);
        assert_eq!(dirs(&base.clone().with_dir_list("-/c")), ["/c", "/a", "/b"]);
        assert_eq!(dirs(&base.clone().with_dir_list("/c")), ["/c"]);
        assert_eq!(
            dirs(&base.clone().with_dir_list("+/a:/d")),
            ["/a", "/b", "/d"]
        );
        assert_eq!(dirs(&base.with_dir("/e")), ["/a", "/b", "/e"]);
    }

    #[test]
    fn module_lists_replace_or_add_as_net_snmp_does() {
        let all = MibSearch::bundled_only();
        assert_eq!(all.modules(), &ModuleSelection::All);
        // Adding to "all" is still all.
        assert_eq!(
            all.clone().with_module_list("+IF-MIB").modules(),
            &ModuleSelection::All
        );
        let only = all.with_module_list("IF-MIB:IP-MIB");
        assert_eq!(
            only.modules(),
            &ModuleSelection::Only(vec!["IF-MIB".into(), "IP-MIB".into()])
        );
        assert_eq!(
            only.clone().with_module_list("+BGP4-MIB").modules(),
            &ModuleSelection::Only(vec!["IF-MIB".into(), "IP-MIB".into(), "BGP4-MIB".into()])
        );
        assert_eq!(
            only.clone().with_module_list("-BGP4-MIB").modules(),
            &ModuleSelection::Only(vec!["BGP4-MIB".into(), "IF-MIB".into(), "IP-MIB".into()])
        );
        assert_eq!(
            only.with_module_list("ALL").modules(),
            &ModuleSelection::All
        );
    }
}
