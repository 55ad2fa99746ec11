//! Names both ways: what users type (`IF-MIB::ifDescr`, `ifDescr.3`, `ifTable`, dotted
//! numbers) into [`Oid`]s, and [`Oid`]s into names in net-snmp's output styles.

use snmp_stream_core::Oid;

use crate::Mibs;

/// Why a name did not resolve; displayed as the one line the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// Numeric text that is not a valid OID.
    #[error("malformed OID `{text}`: {reason}")]
    Malformed {
        /// The text given.
        text: String,
        /// What is wrong with it.
        reason: snmp_stream_core::OidError,
    },
    /// A `MODULE::name` whose module is not loaded.
    #[error("unknown MIB module `{module}` in `{text}` (not in the MIB search path; see -M/-m)")]
    UnknownModule {
        /// The text given.
        text: String,
        /// The module part.
        module: String,
    },
    /// A name no loaded module defines.
    #[error("unknown OID name `{text}`{hint}")]
    UnknownName {
        /// The text given.
        text: String,
        /// `; did you mean X?` when a name differs only in case, else empty.
        hint: String,
    },
    /// The index after a name is not dotted numbers (`ifDescr.x`).
    #[error("malformed index in `{text}`: `{suffix}` is not dotted numbers")]
    BadIndex {
        /// The text given.
        text: String,
        /// The part after the name.
        suffix: String,
    },
}

/// How an OID is written out, as net-snmp's `-O` options choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OidStyle {
    /// `IF-MIB::ifDescr.3`: the module and the object, then the index (net-snmp's default with
    /// `-Ob`, numeric indexes).
    #[default]
    Module,
    /// `ifDescr.3` (`-Os`).
    Short,
    /// `.1.3.6.1.2.1.2.2.1.2.3` (`-On`).
    Numeric,
    /// `.iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.3` (`-Of`).
    Full,
}

/// The named node an OID falls under and what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named<'a> {
    /// The module that defines the node (`IF-MIB`).
    pub module: &'a str,
    /// The node's name (`ifDescr`).
    pub object: &'a str,
    /// The arcs after the node: the instance index (`[3]`), empty for the node itself.
    pub suffix: &'a [u32],
}

impl Mibs {
    /// Resolves what a user typed: dotted numbers (`1.3.6.1.2.1.2.2.1.2`, leading dot allowed),
    /// `name`, `MODULE::name`, either followed by a numeric index (`ifDescr.3`).
    pub fn resolve(&self, text: &str) -> Result<Oid, NameError> {
        let text = text.trim();
        let numeric = text.strip_prefix('.').unwrap_or(text);
        if numeric.starts_with(|c: char| c.is_ascii_digit()) || text.is_empty() {
            return numeric
                .parse::<Oid>()
                .map_err(|reason| NameError::Malformed {
                    text: text.to_owned(),
                    reason,
                });
        }
        let (module, rest) = match text.split_once("::") {
            Some((m, r)) => (Some(m), r),
            None => (None, text),
        };
        let (name, suffix) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        let node = match module {
            Some(m) => {
                let Some(module) = self.mib.module(m) else {
                    return Err(NameError::UnknownModule {
                        text: text.to_owned(),
                        module: m.to_owned(),
                    });
                };
                module.node(name)
            }
            None => self.mib.node(name),
        };
        let Some(node) = node else {
            return Err(NameError::UnknownName {
                text: text.to_owned(),
                hint: self.hint_for(name),
            });
        };
        let mut arcs = node.oid().to_vec();
        if let Some(suffix) = suffix {
            for part in suffix.split('.') {
                let arc = part.parse::<u32>().map_err(|_| NameError::BadIndex {
                    text: text.to_owned(),
                    suffix: suffix.to_owned(),
                })?;
                arcs.push(arc);
            }
        }
        Oid::from_vec(arcs).map_err(|reason| NameError::Malformed {
            text: text.to_owned(),
            reason,
        })
    }

    /// Resolves as [`resolve`](Self::resolve), and a table or row (`ifTable`, `ifEntry`)
    /// becomes its readable columns in column order, so a walk collects one root per column
    /// and the rows line up by index. Any other OID is returned alone.
    pub fn resolve_walk_roots(&self, text: &str) -> Result<Vec<Oid>, NameError> {
        let oid = self.resolve(text)?;
        Ok(self.columns(&oid).unwrap_or_else(|| vec![oid]))
    }

    /// The readable columns of a table or row OID (not-accessible index columns are left out:
    /// an agent returns nothing under them); `None` when `oid` is neither, or has none.
    pub fn columns(&self, oid: &Oid) -> Option<Vec<Oid>> {
        let node = self
            .mib
            .exact_node_by_oid(&mib_rs::Oid::from(oid.as_slice()))?;
        let object = node.object()?;
        let table = if object.is_table() {
            object
        } else if object.is_row() {
            object.table()?
        } else {
            return None;
        };
        let mut cols: Vec<Oid> = table
            .columns()
            .filter(|c| is_readable(c.access()))
            .filter_map(|c| Oid::from_slice(c.node()?.oid()).ok())
            .collect();
        cols.sort();
        (!cols.is_empty()).then_some(cols)
    }

    /// The name of the row (entry) whose column `column` is exactly (`ifEntry` for
    /// `ifDescr`'s OID); `None` for anything else.
    pub fn row_of(&self, column: &[u32]) -> Option<&str> {
        let node = self.mib.exact_node_by_oid(&mib_rs::Oid::from(column))?;
        let object = node.object()?;
        if !object.is_column() {
            return None;
        }
        object.row().map(|r| r.name())
    }

    /// The OBJECT-TYPE `oid` falls under (the nearest one up the tree: `sysUpTime` for
    /// `sysUpTime.0`, though DISMAN-EVENT-MIB names that instance `sysUpTimeInstance`) and the
    /// arcs after it; `None` when no object is a prefix.
    pub fn object_of<'a>(&'a self, oid: &'a [u32]) -> Option<Named<'a>> {
        let mut node = self.mib.lookup_oid(&mib_rs::Oid::from(oid));
        while node.object().is_none() {
            node = node.parent()?;
        }
        if node.name().is_empty() {
            return None;
        }
        Some(Named {
            module: node.module().map_or("", |m| m.name()),
            object: node.name(),
            suffix: oid.get(node.oid().len()..).unwrap_or(&[]),
        })
    }

    /// Whether the named node `oid` falls under is a table column or a scalar (so every OID
    /// under `oid` is an instance of that one object).
    pub fn is_column_or_scalar(&self, oid: &[u32]) -> bool {
        self.mib
            .lookup_oid(&mib_rs::Oid::from(oid))
            .object()
            .is_some_and(|o| o.is_column() || o.is_scalar())
    }

    /// The named node `oid` falls under (the longest named prefix) and the arcs after it;
    /// `None` when no named node is a prefix.
    pub fn lookup<'a>(&'a self, oid: &'a [u32]) -> Option<Named<'a>> {
        let node = self.mib.lookup_oid(&mib_rs::Oid::from(oid));
        let name = node.name();
        if name.is_empty() {
            return None;
        }
        let depth = node.oid().len();
        Some(Named {
            module: node.module().map_or("", |m| m.name()),
            object: name,
            suffix: oid.get(depth..).unwrap_or(&[]),
        })
    }

    /// Writes `oid` in `style`; with no named prefix, dotted numbers (with a leading dot for
    /// [`OidStyle::Numeric`] and [`OidStyle::Full`], as net-snmp).
    pub fn format(&self, oid: &[u32], style: OidStyle) -> String {
        let mut out = String::new();
        self.write(&mut out, oid, style);
        out
    }

    /// Writes `oid` in `style` with a table column's index decoded from its INDEX clause, as
    /// net-snmp prints by default (`IP-MIB::ipAddressIfIndex.ipv4."127.0.0.1"`, where
    /// [`format`](Self::format) gives `.1.4.127.0.0.1`, net-snmp's `-Ob`).
    pub fn format_indexed(&self, oid: &[u32], style: OidStyle) -> String {
        let mut out = String::new();
        self.write_indexed(&mut out, oid, style);
        out
    }

    /// [`format_indexed`](Self::format_indexed) into a reused string.
    pub fn write_indexed(&self, out: &mut String, oid: &[u32], style: OidStyle) {
        let schema = match (style, self.lookup(oid)) {
            (OidStyle::Numeric, _) | (_, None) => None,
            (_, Some(n)) if n.suffix.is_empty() => None,
            (_, Some(_)) => self.index_schema(oid),
        };
        let Some(schema) = schema else {
            self.write(out, oid, style);
            return;
        };
        let suffix_len = self.lookup(oid).map_or(0, |n| n.suffix.len());
        let (column, suffix) = oid.split_at(oid.len() - suffix_len);
        self.write(out, column, style);
        schema.write(out, suffix);
    }

    /// [`format`](Self::format) into a reused string.
    pub fn write(&self, out: &mut String, oid: &[u32], style: OidStyle) {
        use std::fmt::Write;
        let dotted = |out: &mut String, arcs: &[u32]| {
            for a in arcs {
                let _ = write!(out, ".{a}");
            }
        };
        match (style, self.lookup(oid)) {
            (OidStyle::Numeric, _) | (OidStyle::Full, None) => dotted(out, oid),
            (OidStyle::Module | OidStyle::Short, None) => {
                let _ = snmp_stream_core::oid::write_dotted(out, oid);
            }
            (OidStyle::Module, Some(n)) => {
                if !n.module.is_empty() {
                    out.push_str(n.module);
                    out.push_str("::");
                }
                out.push_str(n.object);
                dotted(out, n.suffix);
            }
            (OidStyle::Short, Some(n)) => {
                out.push_str(n.object);
                dotted(out, n.suffix);
            }
            (OidStyle::Full, Some(n)) => {
                let named = &oid[..oid.len() - n.suffix.len()];
                for depth in 1..=named.len() {
                    out.push('.');
                    let node = self
                        .mib
                        .exact_node_by_oid(&mib_rs::Oid::from(&named[..depth]));
                    match node.map(|n| n.name()).filter(|s| !s.is_empty()) {
                        Some(label) => out.push_str(label),
                        None => {
                            let _ = write!(out, "{}", named[depth - 1]);
                        }
                    }
                }
                dotted(out, n.suffix);
            }
        }
    }

    fn hint_for(&self, name: &str) -> String {
        self.mib
            .nodes()
            .map(|n| n.name())
            .find(|n| n.eq_ignore_ascii_case(name))
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default()
    }
}

fn is_readable(access: mib_rs::Access) -> bool {
    use mib_rs::Access;
    matches!(
        access,
        Access::ReadOnly | Access::ReadWrite | Access::ReadCreate
    )
}
