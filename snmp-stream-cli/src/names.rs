//! OID names: turning the OIDs users type (numeric, or names from the built-in alias table of
//! `snmp_stream_decode::aliases`) into [`Oid`]s, and naming OIDs for display.

use std::sync::LazyLock;

use snmp_stream_core::Oid;
use snmp_stream_decode::aliases::ALIASES;

/// The alias table with each OID parsed, longest first, for prefix lookups.
static PARSED: LazyLock<Vec<(Oid, &'static str)>> = LazyLock::new(|| {
    let mut v: Vec<(Oid, &'static str)> = ALIASES
        .iter()
        // The decode crate's tests check every entry is a valid dotted OID.
        .filter_map(|&(dotted, name)| Some((dotted.parse().ok()?, name)))
        .collect();
    v.sort_by_key(|(oid, _)| std::cmp::Reverse(oid.len()));
    v
});

/// Why an OID argument was refused; displayed as the one line the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum OidArgError {
    /// Looks numeric but is not a valid OID.
    #[error("malformed OID `{text}`: {reason}")]
    Malformed {
        /// The argument.
        text: String,
        /// What is wrong with it.
        reason: snmp_stream_core::OidError,
    },
    /// A name that is not in the alias table.
    #[error("unknown OID name `{text}`{hint}")]
    UnknownName {
        /// The argument.
        text: String,
        /// `; did you mean X?` when a name differs only in case, else where the names are.
        hint: String,
    },
}

/// The OID of a built-in name, if there is one.
fn lookup(name: &str) -> Option<Oid> {
    ALIASES
        .iter()
        .find(|(_, n)| *n == name)
        .and_then(|(dotted, _)| dotted.parse().ok())
}

/// The columns of a table: given `xTable` or `xEntry`, the entry's named columns in column
/// order; `None` for any other OID.
fn columns_of(name: &str, oid: &Oid) -> Option<Vec<Oid>> {
    let entry = if name.ends_with("Table") {
        oid.join(&[1]).ok()?
    } else if name.ends_with("Entry") {
        oid.clone()
    } else {
        return None;
    };
    let mut cols: Vec<Oid> = PARSED
        .iter()
        .filter(|(o, _)| o.len() == entry.len() + 1 && o.starts_with(&entry))
        .map(|(o, _)| o.clone())
        .collect();
    cols.sort();
    (!cols.is_empty()).then_some(cols)
}

/// Resolves one OID argument: dotted decimal (`1.3.6.1.2.1.1.1.0`, leading dot allowed), a
/// name (`sysDescr`), or a name with an index (`sysDescr.0`, `ifDescr.3`).
///
/// With `expand_tables`, a table or entry name (`ifTable`, `ifEntry`) becomes its columns, so a
/// walk collects the entry subtree as one root per column and the rows line up by index.
pub(crate) fn resolve(arg: &str, expand_tables: bool) -> Result<Vec<Oid>, OidArgError> {
    let text = arg.trim();
    if text.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return text
            .parse::<Oid>()
            .map(|o| vec![o])
            .map_err(|reason| OidArgError::Malformed {
                text: text.to_owned(),
                reason,
            });
    }
    let (name, index) = match text.split_once('.') {
        Some((n, i)) => (n, Some(i)),
        None => (text, None),
    };
    let Some(oid) = lookup(name) else {
        let hint = ALIASES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(_, n)| format!("; did you mean `{n}`?"))
            .unwrap_or_else(|| " (`snmp-stream oids` lists the names)".to_owned());
        return Err(OidArgError::UnknownName {
            text: text.to_owned(),
            hint,
        });
    };
    match index {
        Some(index) => format!("{oid}.{index}")
            .parse::<Oid>()
            .map(|o| vec![o])
            .map_err(|reason| OidArgError::Malformed {
                text: text.to_owned(),
                reason,
            }),
        None if expand_tables => Ok(columns_of(name, &oid).unwrap_or_else(|| vec![oid])),
        None => Ok(vec![oid]),
    }
}

/// True when `arg` reads as an OID argument rather than a host: numeric dotted text that is an
/// OID (so its first arc is 0, 1 or 2), a leading dot, or a known name.
pub(crate) fn looks_like_oid(arg: &str) -> bool {
    let arg = arg.trim();
    if arg.starts_with('.') || arg.parse::<Oid>().is_ok() {
        return true;
    }
    let name = arg.split_once('.').map_or(arg, |(n, _)| n);
    lookup(name).is_some()
}

/// The display name of an OID: the longest built-in name that is a prefix, then the rest of the
/// arcs (`sysDescr.0`, `ifHCInOctets.2`); dotted when no name applies.
pub(crate) fn display_name(arcs: &[u32]) -> String {
    for (oid, name) in PARSED.iter() {
        if arcs.starts_with(oid.as_slice()) {
            let mut s = (*name).to_owned();
            for a in &arcs[oid.len()..] {
                s.push('.');
                s.push_str(&a.to_string());
            }
            return s;
        }
    }
    let parts: Vec<String> = arcs.iter().map(u32::to_string).collect();
    parts.join(".")
}

/// The name of a table column's entry (`ifEntry` for `ifDescr`), when `oid` is a column of a
/// named entry.
pub(crate) fn entry_of(oid: &Oid) -> Option<&'static str> {
    let parent = oid.as_slice().get(..oid.len().checked_sub(1)?)?;
    PARSED
        .iter()
        .find(|(o, name)| o.as_slice() == parent && name.ends_with("Entry"))
        .map(|(_, name)| *name)
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
        assert!(matches!(e, OidArgError::UnknownName { .. }));
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
        assert_eq!(display_name(o.as_slice()), "system.9.1.2.1");
        let o: Oid = "1.3.6.1.4.1.9".parse().unwrap();
        assert_eq!(display_name(o.as_slice()), "1.3.6.1.4.1.9");
        let c: Oid = "1.3.6.1.2.1.2.2.1.2".parse().unwrap();
        assert_eq!(entry_of(&c), Some("ifEntry"));
        assert_eq!(entry_of(&"1.3.6.1.2.1.1.1".parse().unwrap()), None);
    }
}
