//! Loading modules: the search path of [`MibSearch`] into one resolved [`Mibs`], never failing
//! as a whole. A module that does not parse or resolve is a [`MibWarning`] naming its file and
//! line, and the others load.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use mib_rs::{DiagCode, DiagnosticConfig, LoadError, Loader, Severity, Source};

use crate::Mibs;
use crate::bundled::BUNDLED;
use crate::compat::CompatSource;
use crate::search::{MibSearch, ModuleSelection};

/// A problem found while loading: a module that did not parse or resolve, a module asked for
/// that no directory has, a directory that cannot be read. Loading goes on after each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MibWarning {
    /// The file (or directory) concerned; `bundled:NAME.txt` for a bundled module.
    pub file: Option<String>,
    /// One-based line in `file`, when the problem has a place.
    pub line: Option<u32>,
    /// One-based column in `file`, when the problem has a place.
    pub column: Option<u32>,
    /// The module concerned, when known.
    pub module: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for MibWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            f.write_str(file)?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            f.write_str(": ")?;
        }
        if let Some(module) = &self.module {
            write!(f, "{module}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl MibWarning {
    fn plain(file: Option<String>, module: Option<String>, message: String) -> Self {
        MibWarning {
            file,
            line: None,
            column: None,
            module,
            message,
        }
    }
}

/// One indexed directory read through two owners (the loader and [`CompatSource`]).
struct SharedSource(Arc<dyn Source>);

impl Source for SharedSource {
    fn find(&self, name: &str) -> io::Result<Option<mib_rs::SourceCandidate>> {
        self.0.find(name)
    }

    fn find_candidates<'a>(
        &'a self,
        name: &'a str,
    ) -> Box<dyn Iterator<Item = io::Result<mib_rs::SourceCandidate>> + 'a> {
        self.0.find_candidates(name)
    }

    fn list_modules(&self) -> io::Result<Vec<String>> {
        self.0.list_modules()
    }
}

/// The bundled modules as a [`Source`], each labelled `bundled:NAME.txt`.
#[derive(Debug)]
pub(crate) struct BundledSource;

impl Source for BundledSource {
    fn find(&self, name: &str) -> io::Result<Option<mib_rs::SourceCandidate>> {
        Ok(BUNDLED.iter().find(|(n, _)| *n == name).map(|(n, text)| {
            mib_rs::SourceCandidate::new(
                *n,
                mib_rs::SourceOrigin::memory(*n),
                format!("bundled:{n}.txt"),
                Arc::<[u8]>::from(*text),
            )
        }))
    }

    fn list_modules(&self) -> io::Result<Vec<String>> {
        Ok(BUNDLED.iter().map(|(n, _)| (*n).to_owned()).collect())
    }
}

/// The diagnostics that become warnings: text that does not parse, and imports, types, parents
/// and indexes that do not resolve. Each of these loses names, types or rows. The parser's many
/// other findings (SMIv1 clauses in SMIv2 modules, index ranges, missing REVISIONs, style) are
/// everyday in vendor MIBs and change nothing we name or render; `-Dmib` style checking is not
/// this tool's job.
fn warns(d: &mib_rs::Diagnostic) -> bool {
    d.severity.at_least(Severity::Severe)
        || matches!(
            d.code,
            DiagCode::UnexpectedCharacter
                | DiagCode::UnterminatedString
                | DiagCode::UnterminatedHexBinStr
                | DiagCode::MissingHexBinSuffix
                | DiagCode::ParseError
                | DiagCode::ImportNotFound
                | DiagCode::ImportModuleNotFound
                | DiagCode::TypeUnknown
                | DiagCode::TypeCycle
                | DiagCode::OidOrphan
                | DiagCode::IndexUnresolved
        )
}

pub(crate) fn load(search: &MibSearch) -> Mibs {
    let started = Instant::now();
    let mut warnings = Vec::new();
    let mut sources: Vec<Box<dyn Source>> = Vec::new();
    let mut compat: Vec<Box<dyn Source>> = Vec::new();
    for dir in search.dirs() {
        match open_dir(dir) {
            Ok(source) => {
                // Indexed once, read by the load and by the old-name modules alike.
                let shared: Arc<dyn Source> = Arc::from(source);
                sources.push(Box::new(SharedSource(Arc::clone(&shared))));
                compat.push(Box::new(SharedSource(shared)));
            }
            Err(e) => warnings.push(MibWarning::plain(
                Some(dir.display().to_string()),
                None,
                format!("MIB directory skipped: {e}"),
            )),
        }
    }
    if search.bundled() {
        sources.push(Box::new(BundledSource));
        compat.push(Box::new(BundledSource));
    }
    let mut available: Vec<String> = Vec::new();
    for s in &sources {
        available.extend(s.list_modules().unwrap_or_default());
    }
    sources.push(Box::new(CompatSource::new(compat)));
    let mut loader = Loader::new()
        .sources(sources)
        // A module that does not parse must not stop the others: nothing fails the load short
        // of the loader itself giving up.
        .diagnostic_config(diagnostic_config());
    if let ModuleSelection::Only(wanted) = search.modules() {
        // net-snmp warns about a module it cannot find and loads the rest; mib-rs would fail.
        let (found, missing): (Vec<&String>, Vec<&String>) =
            wanted.iter().partition(|m| is_available(m, &available));
        for m in missing {
            warnings.push(MibWarning::plain(
                None,
                Some(m.clone()),
                format!("module not found in {}", describe_path(search)),
            ));
        }
        loader = loader.modules(found.into_iter().cloned());
    }
    let mib = match loader.load() {
        Ok(mib) => mib,
        Err(e) => {
            warnings.push(MibWarning::plain(None, None, load_error(&e)));
            // The SMI base modules alone: numeric OIDs and the base names still work.
            Loader::new()
                .source(mib_rs::source::memory_modules(
                    Vec::<(String, Vec<u8>)>::new(),
                ))
                .load()
                .expect("the SMI base modules built into mib-rs load on their own")
        }
    };
    let report = mib.diagnostic_report();
    for entry in report.iter() {
        let d = entry.diagnostic();
        if !warns(d) {
            continue;
        }
        let (file, line, column) = match (entry.range(), entry.byte_positions()) {
            (Ok(Some((doc, _))), Ok(Some((start, _)))) => (
                Some(doc.label().to_owned()),
                Some(start.line() + 1),
                Some(start.column() + 1),
            ),
            (Ok(Some((doc, _))), _) => (Some(doc.label().to_owned()), None, None),
            _ => (None, None, None),
        };
        warnings.push(MibWarning {
            file,
            line,
            column,
            module: d.module.clone(),
            message: d.message.clone(),
        });
    }
    let elapsed = started.elapsed();
    tracing::debug!(
        modules = mib.modules().count(),
        warnings = warnings.len(),
        ?elapsed,
        "MIB modules loaded"
    );
    Mibs::new(mib, warnings, elapsed)
}

/// Nothing fails the load short of the parser itself giving up.
fn diagnostic_config() -> DiagnosticConfig {
    DiagnosticConfig {
        fail_at: Severity::Fatal,
        ..DiagnosticConfig::default()
    }
}

fn is_available(module: &str, available: &[String]) -> bool {
    // The SMI's own modules are built into the parser.
    const BASE: &[&str] = &[
        "SNMPv2-SMI",
        "SNMPv2-TC",
        "SNMPv2-CONF",
        "RFC1155-SMI",
        "RFC1065-SMI",
        "RFC-1212",
        "RFC-1215",
    ];
    BASE.contains(&module) || available.iter().any(|a| a == module)
}

fn open_dir(dir: &Path) -> io::Result<Box<dyn Source>> {
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "not a directory (or it does not exist)",
        ));
    }
    mib_rs::source::dir(dir)
}

fn describe_path(search: &MibSearch) -> String {
    let mut parts: Vec<String> = search
        .dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    if search.bundled() {
        parts.push("the bundled modules".to_owned());
    }
    if parts.is_empty() {
        "an empty search path".to_owned()
    } else {
        parts.join(", ")
    }
}

fn load_error(e: &LoadError) -> String {
    match e {
        LoadError::DiagnosticThreshold { report } => {
            let first = report
                .iter()
                .find(|d| d.diagnostic().severity == Severity::Fatal)
                .map(|d| d.render().unwrap_or_else(|_| d.diagnostic().to_string()))
                .unwrap_or_default();
            format!("MIB loading stopped; only the SMI base modules are loaded: {first}")
        }
        other => format!("MIB loading stopped; only the SMI base modules are loaded: {other}"),
    }
}
