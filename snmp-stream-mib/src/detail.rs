//! One object described, as `snmptranslate -Td` does: what it is, its syntax, access, status,
//! description and place in the tree.

use std::fmt::Write;

use crate::Mibs;

impl Mibs {
    /// A description of the named node `oid` falls under, in the spirit of `snmptranslate -Td`;
    /// `None` when no named node is a prefix.
    pub fn describe(&self, oid: &[u32]) -> Option<String> {
        let node = self.mib.lookup_oid(&mib_rs::Oid::from(oid));
        if node.name().is_empty() {
            return None;
        }
        let mut s = String::new();
        let module = node.module().map_or("", |m| m.name());
        let _ = writeln!(s, "{}", self.format(node.oid(), crate::OidStyle::Module));
        match node.object() {
            Some(object) => {
                let _ = writeln!(s, "{} OBJECT-TYPE", node.name());
                let _ = writeln!(s, "  -- FROM\t{module}");
                if let Some(ty) = object.ty() {
                    if ty.is_textual_convention() {
                        let _ = writeln!(s, "  -- TEXTUAL CONVENTION {}", ty.name());
                    }
                    let _ = write!(s, "  SYNTAX\t{}", ty.effective_base());
                    let enums = object.effective_enums();
                    let bits = object.effective_bits();
                    let named = if enums.is_empty() { bits } else { enums };
                    if !named.is_empty() {
                        let list: Vec<String> = named
                            .iter()
                            .map(|v| format!("{}({})", v.label, v.value))
                            .collect();
                        let _ = write!(s, " {{{}}}", list.join(", "));
                    }
                    s.push('\n');
                }
                let hint = object.effective_display_hint();
                if !hint.is_empty() {
                    let _ = writeln!(s, "  DISPLAY-HINT\t\"{hint}\"");
                }
                if !object.units().is_empty() {
                    let _ = writeln!(s, "  UNITS\t\t\"{}\"", object.units());
                }
                let _ = writeln!(s, "  MAX-ACCESS\t{}", object.access());
                let _ = writeln!(s, "  STATUS\t{}", object.status());
                if object.is_row() {
                    let index: Vec<String> = object
                        .effective_indexes()
                        .map(|i| {
                            if i.implied() {
                                format!("IMPLIED {}", i.name())
                            } else {
                                i.name().to_owned()
                            }
                        })
                        .collect();
                    if let Some(aug) = object.augments() {
                        let _ = writeln!(s, "  AUGMENTS\t{{ {} }}", aug.name());
                    }
                    let _ = writeln!(s, "  INDEX\t\t{{ {} }}", index.join(", "));
                }
                let _ = writeln!(s, "  DESCRIPTION\t\"{}\"", object.description().trim());
            }
            None => {
                let _ = writeln!(s, "{} OBJECT IDENTIFIER", node.name());
                let _ = writeln!(s, "  -- FROM\t{module}");
                if !node.description().is_empty() {
                    let _ = writeln!(s, "  DESCRIPTION\t\"{}\"", node.description().trim());
                }
            }
        }
        // ::= { iso(1) org(3) ... ifDescr(2) }, the last arc bare as net-snmp writes it.
        let arcs = node.oid().to_vec();
        let mut path = Vec::with_capacity(arcs.len());
        for depth in 1..=arcs.len() {
            let arc = arcs[depth - 1];
            let name = self
                .mib
                .exact_node_by_oid(&mib_rs::Oid::from(&arcs[..depth]))
                .map(|n| n.name())
                .filter(|n| !n.is_empty());
            match name {
                Some(n) if depth < arcs.len() => path.push(format!("{n}({arc})")),
                _ => path.push(arc.to_string()),
            }
        }
        let _ = writeln!(s, "::= {{ {} }}", path.join(" "));
        Some(s)
    }
}
