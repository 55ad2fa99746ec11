//! Old module names that MIBs still import from: net-snmp maps them to the modules that replaced
//! them (its parser's compatibility table), so must we, or every module importing from them
//! loses its types. TOKEN-RING-RMON-MIB, among the bundled ones, imports from RFC1271-MIB.
//!
//! An old name is served as a small module of its own that imports every definition of its
//! replacement; the parser follows such imports to where the symbols are defined ("import
//! forwarding"), so names and types resolve to the replacement and nothing is defined twice.

use std::io;
use std::sync::Arc;

use mib_rs::{Source, SourceCandidate, SourceOrigin};

/// Old module name → the module that replaced it (net-snmp's compatibility table, for the
/// modules whose replacement is a whole module).
const RENAMED: &[(&str, &str)] = &[
    ("RFC1271-MIB", "RMON-MIB"),
    ("RFC1286-MIB", "BRIDGE-MIB"),
    ("RFC1316-MIB", "CHARACTER-MIB"),
    ("RFC1406-MIB", "DS1-MIB"),
];

/// Serves the old names, building each from its replacement as found in `inner`.
pub(crate) struct CompatSource {
    inner: Vec<Box<dyn Source>>,
}

impl std::fmt::Debug for CompatSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompatSource").finish_non_exhaustive()
    }
}

impl CompatSource {
    /// `inner`: sources to read the replacements from (the same directories, in the same
    /// order, as the load's own).
    pub(crate) fn new(inner: Vec<Box<dyn Source>>) -> Self {
        CompatSource { inner }
    }

    fn replacement_text(&self, module: &str) -> Option<Arc<[u8]>> {
        self.inner
            .iter()
            .find_map(|s| s.find(module).ok().flatten())
            .map(|c| Arc::clone(c.shared_bytes()))
    }
}

impl Source for CompatSource {
    fn find(&self, name: &str) -> io::Result<Option<SourceCandidate>> {
        let Some(&(old, new)) = RENAMED.iter().find(|(old, _)| *old == name) else {
            return Ok(None);
        };
        let Some(text) = self.replacement_text(new) else {
            return Ok(None);
        };
        let symbols = definitions(&String::from_utf8_lossy(&text));
        if symbols.is_empty() {
            return Ok(None);
        }
        let module = format!(
            "{old} DEFINITIONS ::= BEGIN\nIMPORTS\n    {}\n        FROM {new};\nEND\n",
            symbols.join(",\n    ")
        );
        Ok(Some(SourceCandidate::new(
            old,
            SourceOrigin::memory(old),
            format!("compat:{old}={new}"),
            Arc::<[u8]>::from(module.into_bytes()),
        )))
    }

    fn list_modules(&self) -> io::Result<Vec<String>> {
        // Listed (and so loaded by an "all modules" load) when the replacement is there; the
        // module defines nothing, so it never names an OID.
        Ok(RENAMED
            .iter()
            .filter(|(_, new)| self.replacement_text(new).is_some())
            .map(|(old, _)| (*old).to_owned())
            .collect())
    }
}

/// The names a module defines at top level: `name OBJECT-TYPE`, `name OBJECT IDENTIFIER ::=`,
/// `Name ::= TEXTUAL-CONVENTION`, and the other macro forms, one per line start.
fn definitions(text: &str) -> Vec<String> {
    const MACROS: &[&str] = &[
        "OBJECT-TYPE",
        "OBJECT-IDENTITY",
        "MODULE-IDENTITY",
        "NOTIFICATION-TYPE",
        "TRAP-TYPE",
        "OBJECT-GROUP",
        "NOTIFICATION-GROUP",
        "MODULE-COMPLIANCE",
        "AGENT-CAPABILITIES",
    ];
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.split("--").next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (Some(name), Some(next)) = (words.next(), words.next()) else {
            continue;
        };
        let is_ident = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        // ASN.1: values start in lower case, types in upper case (which also keeps clause
        // keywords such as `SYNTAX OBJECT IDENTIFIER` out).
        let value = name.starts_with(|c: char| c.is_ascii_lowercase());
        let ty = name.starts_with(|c: char| c.is_ascii_uppercase());
        let defines = (value
            && (MACROS.contains(&next)
                || (next == "OBJECT" && words.next() == Some("IDENTIFIER"))))
            || (ty && next == "::=");
        if is_ident && defines && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    #[test]
    fn definitions_are_found_at_line_starts() {
        let text = "X-MIB DEFINITIONS ::= BEGIN\nIMPORTS a FROM B;\n\
                    OwnerString ::= OCTET STRING\nEntryStatus ::= TEXTUAL-CONVENTION\n\
                    rmon OBJECT IDENTIFIER ::= { mib-2 16 }\nfoo OBJECT-TYPE\n  SYNTAX INTEGER\n\
                    bar OBJECT-TYPE\n  SYNTAX  OBJECT IDENTIFIER\n\
                    -- bar OBJECT-TYPE\nFooEntry ::= SEQUENCE { }\nEND\n";
        assert_eq!(
            super::definitions(text),
            [
                "OwnerString",
                "EntryStatus",
                "rmon",
                "foo",
                "bar",
                "FooEntry"
            ]
        );
    }
}
