//! Settings layered job < group < host, each checked where it is written (errors name the
//! job file's line and key).

use std::fmt;
use std::ops::Range;
use std::path::Path;

use anyhow::anyhow;
use snmp_stream_core::config::NonIncreasingPolicy;
use snmp_stream_core::{Config, ConfigOverrides, Version};
use toml::Spanned;

use super::file::V3Text;
use crate::collect::{config_field, out_of_bounds, seconds};

/// The settings one level gives (`None`: not given there).
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings<'a> {
    pub(super) community: Option<&'a str>,
    pub(super) version: Option<&'a Spanned<String>>,
    pub(super) retries: Option<u32>,
    pub(super) timeout: Option<&'a Spanned<f64>>,
    pub(super) max_varbinds: Option<&'a Spanned<u32>>,
    pub(super) max_repetitions: Option<&'a Spanned<u32>>,
    pub(super) deadline: Option<&'a Spanned<f64>>,
    pub(super) non_increasing: Option<&'a Spanned<String>>,
    pub(super) max_rows: Option<&'a Spanned<u64>>,
    pub(super) accept_other_source: Option<bool>,
    /// The SNMPv3 keys, in the order of [`V3_KEYS`].
    pub(super) v3: [Option<&'a Spanned<V3Text>>; 12],
}

/// The SNMPv3 keys of a job file, in net-snmp's meaning (`-u`, `-l`, `-a`, `-A`, ...); each
/// password inline, from an environment variable (`*_env`) or from the first line of a file
/// (`*_file`, relative to the job file).
pub(super) const V3_KEYS: [&str; 12] = [
    "user",
    "level",
    "auth_protocol",
    "auth_password",
    "auth_password_env",
    "auth_password_file",
    "priv_protocol",
    "priv_password",
    "priv_password_env",
    "priv_password_file",
    "context",
    "context_engine_id",
];

/// Settings after layering: what one request gets.
#[derive(Debug, Clone)]
pub(super) struct Effective {
    pub(super) community: Vec<u8>,
    pub(super) version: Version,
    pub(super) overrides: ConfigOverrides,
    /// The SNMPv3 keys given at any level, the nearest level's winning.
    pub(super) v3: [Option<Spanned<V3Text>>; 12],
}

impl Default for Effective {
    fn default() -> Self {
        Effective {
            community: b"public".to_vec(),
            version: Version::V2c,
            overrides: ConfigOverrides::new(),
            v3: Default::default(),
        }
    }
}

/// A job file's text, for turning byte offsets into line numbers.
pub(super) struct Source<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl Source<'_> {
    pub(super) fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// An error at `span`: `PATH line N: MESSAGE`.
    pub(super) fn err(&self, span: Range<usize>, msg: impl fmt::Display) -> anyhow::Error {
        anyhow!(
            "{} line {}: {msg}",
            self.path.display(),
            self.line(span.start)
        )
    }
}

impl Effective {
    /// This layer with `s` applied on top; errors point at the setting's line.
    pub(super) fn with(&self, s: Settings<'_>, src: &Source<'_>) -> anyhow::Result<Effective> {
        let mut e = self.clone();
        if let Some(c) = s.community {
            e.community = c.as_bytes().to_vec();
        }
        if let Some(v) = s.version {
            e.version = v.get_ref().parse().map_err(|_| {
                src.err(
                    v.span(),
                    format_args!(
                        "unknown SNMP version `{}` (expected 1, 2c or 3)",
                        v.get_ref()
                    ),
                )
            })?;
        }
        for (kept, given) in e.v3.iter_mut().zip(s.v3) {
            if let Some(g) = given {
                *kept = Some(g.clone());
            }
        }
        // This level's settings alone, then laid over the levels beneath.
        let mut o = ConfigOverrides::new();
        o.retries = s.retries;
        if let Some(t) = s.timeout {
            o.timeout = Some(seconds("`timeout`", *t.get_ref()).map_err(|e| src.err(t.span(), e))?);
        }
        o.max_response_var_binds_per_pdu = s.max_varbinds.map(|n| *n.get_ref());
        o.max_repetitions = s.max_repetitions.map(|n| Some(*n.get_ref()));
        if let Some(t) = s.deadline {
            o.host_deadline = Some(Some(
                seconds("`deadline`", *t.get_ref()).map_err(|e| src.err(t.span(), e))?,
            ));
        }
        if let Some(p) = s.non_increasing {
            o.non_increasing = Some(match p.get_ref().as_str() {
                "strict" => NonIncreasingPolicy::Strict,
                "permissive" => NonIncreasingPolicy::Permissive,
                other => {
                    return Err(src.err(
                        p.span(),
                        format_args!("`non_increasing` is `strict` or `permissive`, not `{other}`"),
                    ));
                }
            });
        }
        o.max_rows_per_root = s.max_rows.map(|n| *n.get_ref());
        o.accept_other_source = s.accept_other_source;
        e.overrides = o.over(&e.overrides);
        let o = &e.overrides;
        // The config's bounds, checked here so that the error names the setting's line and
        // key; the request built later checks them again, against the collector's config.
        if let Err(err) = Config::default().with_overrides(o) {
            // The backoff is not a job setting; its cap is checked against the timeout.
            let field = config_field(&err).unwrap_or("timeout");
            let setting = match field {
                "timeout" => s.timeout.map(|t| ("timeout", t.span())),
                "max_response_var_binds_per_pdu" => {
                    s.max_varbinds.map(|n| ("max_varbinds", n.span()))
                }
                "max_repetitions" => s.max_repetitions.map(|n| ("max_repetitions", n.span())),
                "host_deadline" => s.deadline.map(|t| ("deadline", t.span())),
                "max_rows_per_root" => s.max_rows.map(|n| ("max_rows", n.span())),
                _ => None,
            };
            // A field this layer did not set failed in the layer that set it.
            if let Some((key, span)) = setting {
                return Err(src.err(span, out_of_bounds(&format!("`{key}`"), &err)));
            }
        }
        Ok(e)
    }
}
