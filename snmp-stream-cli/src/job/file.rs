//! The job file's TOML schema: the job, its `[[group]]`s and host tables, each with the
//! settings every level may give.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use super::settings::Settings;
use crate::output::OutFormat;

/// What a job writes per host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum JobFormat {
    Wire,
    Parquet,
}

impl JobFormat {
    pub(super) fn extension(self) -> &'static str {
        OutFormat::from(self).extension()
    }
}

impl From<JobFormat> for OutFormat {
    fn from(f: JobFormat) -> OutFormat {
        match f {
            JobFormat::Wire => OutFormat::Wire,
            JobFormat::Parquet => OutFormat::Parquet,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Kind {
    Walk,
    Get,
}

/// A job file's SNMPv3 value (a user, protocol, password, variable or path): its `Debug`
/// never shows it, so that no password reaches a log through the parsed file.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub(super) struct V3Text(pub(super) String);

impl std::fmt::Debug for V3Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Adds the settings every level of a job file may give (job, group, host) to a struct, and a
/// `settings()` that collects them.
macro_rules! with_settings {
    ($(#[$m:meta])* struct $name:ident { $($(#[$fm:meta])* $f:ident: $t:ty,)* }) => {
        $(#[$m])*
        pub(super) struct $name {
            $($(#[$fm])* pub(super) $f: $t,)*
            pub(super) community: Option<String>,
            pub(super) version: Option<Spanned<String>>,
            pub(super) retries: Option<u32>,
            pub(super) timeout: Option<Spanned<f64>>,
            pub(super) max_varbinds: Option<Spanned<u32>>,
            pub(super) max_repetitions: Option<Spanned<u32>>,
            pub(super) deadline: Option<Spanned<f64>>,
            pub(super) non_increasing: Option<Spanned<String>>,
            pub(super) max_rows: Option<Spanned<u64>>,
            pub(super) accept_other_source: Option<bool>,
            pub(super) user: Option<Spanned<V3Text>>,
            pub(super) level: Option<Spanned<V3Text>>,
            pub(super) auth_protocol: Option<Spanned<V3Text>>,
            pub(super) auth_password: Option<Spanned<V3Text>>,
            pub(super) auth_password_env: Option<Spanned<V3Text>>,
            pub(super) auth_password_file: Option<Spanned<V3Text>>,
            pub(super) priv_protocol: Option<Spanned<V3Text>>,
            pub(super) priv_password: Option<Spanned<V3Text>>,
            pub(super) priv_password_env: Option<Spanned<V3Text>>,
            pub(super) priv_password_file: Option<Spanned<V3Text>>,
            pub(super) context: Option<Spanned<V3Text>>,
            pub(super) context_engine_id: Option<Spanned<V3Text>>,
        }

        impl $name {
            pub(super) fn settings(&self) -> Settings<'_> {
                Settings {
                    community: self.community.as_deref(),
                    version: self.version.as_ref(),
                    retries: self.retries,
                    timeout: self.timeout.as_ref(),
                    max_varbinds: self.max_varbinds.as_ref(),
                    max_repetitions: self.max_repetitions.as_ref(),
                    deadline: self.deadline.as_ref(),
                    non_increasing: self.non_increasing.as_ref(),
                    max_rows: self.max_rows.as_ref(),
                    accept_other_source: self.accept_other_source,
                    v3: [
                        self.user.as_ref(),
                        self.level.as_ref(),
                        self.auth_protocol.as_ref(),
                        self.auth_password.as_ref(),
                        self.auth_password_env.as_ref(),
                        self.auth_password_file.as_ref(),
                        self.priv_protocol.as_ref(),
                        self.priv_password.as_ref(),
                        self.priv_password_env.as_ref(),
                        self.priv_password_file.as_ref(),
                        self.context.as_ref(),
                        self.context_engine_id.as_ref(),
                    ],
                }
            }
        }
    };
}

with_settings! {
    /// The job file.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct JobFile {
        output: Option<String>,
        format: Option<JobFormat>,
        sessions: Option<Spanned<u32>>,
        #[serde(default)]
        hosts: Vec<Spanned<HostEntry>>,
        hosts_file: Option<Spanned<String>>,
        #[serde(default)]
        mib_dirs: Vec<Spanned<String>>,
        #[serde(default, rename = "group")]
        groups: Vec<Spanned<Group>>,
    }
}

with_settings! {
    /// A `[[group]]`: OIDs (and ranges) collected from every host.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Group {
        name: Option<String>,
        kind: Option<Kind>,
        oids: Vec<Spanned<String>>,
        #[serde(default)]
        ranges: Vec<Spanned<String>>,
    }
}

with_settings! {
    /// A host given as a table, with settings of its own.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct HostTable {
        host: String,
    }
}

/// A `hosts` entry: a string or a table.
#[derive(Debug)]
pub(super) enum HostEntry {
    Name(String),
    Table(Box<HostTable>),
}

impl<'de> Deserialize<'de> for HostEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HostEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a host string or a table with `host = \"...\"`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<HostEntry, E> {
                Ok(HostEntry::Name(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<HostEntry, A::Error> {
                HostTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| HostEntry::Table(Box::new(t)))
            }
        }
        d.deserialize_any(V)
    }
}
