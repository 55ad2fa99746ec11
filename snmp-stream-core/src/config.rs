//! Collection settings and their layering.
//!
//! [`Config`] holds the original's four settings with its defaults (`retries` 3, `timeout` 3 s,
//! `max_response_var_binds_per_pdu` 10, `max_async_sessions` 10) plus optional ones. Settings
//! layer as built-in defaults < collector config < per-request overrides: each layer is a
//! [`ConfigOverrides`] applied with [`Config::with_overrides`], which validates the result.
//!
//! ```
//! use std::time::Duration;
//! use snmp_stream_core::config::{Config, ConfigOverrides};
//!
//! let collector = Config::builder().retries(1).max_async_sessions(500).build()?;
//! let per_request = ConfigOverrides::new().timeout(Duration::from_millis(500));
//! let effective = collector.with_overrides(&per_request)?;
//! assert_eq!(effective.retries(), 1);
//! assert_eq!(effective.timeout(), Duration::from_millis(500));
//! assert_eq!(effective.max_response_var_binds_per_pdu(), 10);
//!
//! let err = Config::builder().max_response_var_binds_per_pdu(0).build().unwrap_err();
//! assert_eq!(err.to_string(), "config field `max_response_var_binds_per_pdu` must be greater than zero");
//! # Ok::<(), snmp_stream_core::config::ConfigError>(())
//! ```

use std::time::Duration;

/// Effective, validated collection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    retries: u32,
    timeout: Duration,
    max_response_var_binds_per_pdu: u32,
    max_async_sessions: u32,
    max_repetitions: Option<u32>,
    host_deadline: Option<Duration>,
    backoff: Backoff,
    non_increasing: NonIncreasingPolicy,
    max_in_flight_per_host: u32,
    max_rows_per_root: u64,
    accept_other_source: bool,
}

/// The default cap on varbinds per root OID of a walk: far above any real table (a full
/// Internet routing table is ~1 M rows per column), low enough that an agent returning
/// increasing OIDs forever is stopped before it fills memory (~10 M records ≈ 0.5–1 GB).
pub const DEFAULT_MAX_ROWS_PER_ROOT: u64 = 10_000_000;

/// How the wait for a reply grows from one retry to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Backoff {
    /// Every attempt waits `timeout` (the original's behaviour).
    #[default]
    Constant,
    /// Attempt *n* (from 0) waits `timeout × factor^n`, at most `max`.
    Exponential {
        /// Growth factor per retry, at least 1.
        factor: u32,
        /// Upper bound of one wait, at least `timeout`.
        max: Duration,
    },
}

/// What a walk does when an agent returns an OID that is not after the one asked for (an agent
/// bug that would otherwise loop forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NonIncreasingPolicy {
    /// Stop the affected head, keep what it collected, record a `NonIncreasingOid` error.
    #[default]
    Strict,
    /// Keep walking past the bad OID (net-snmp's `-Cc`), stopping a head that returns an OID
    /// it returned before (a loop); `max_rows_per_root` bounds it as every walk.
    Permissive,
}

/// A layer of settings: each `Some` replaces the value beneath it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigOverrides {
    /// Retries of one PDU after its first transmission.
    pub retries: Option<u32>,
    /// Time to wait for a reply to one transmission.
    pub timeout: Option<Duration>,
    /// Most varbinds asked for in one response (drives GETBULK packing).
    pub max_response_var_binds_per_pdu: Option<u32>,
    /// Most hosts collected at once.
    pub max_async_sessions: Option<u32>,
    /// Explicit GETBULK max-repetitions, replacing the packing rule's.
    pub max_repetitions: Option<Option<u32>>,
    /// Time limit for all of one host's work.
    pub host_deadline: Option<Option<Duration>>,
    /// Retry wait growth.
    pub backoff: Option<Backoff>,
    /// Policy for non-increasing OIDs.
    pub non_increasing: Option<NonIncreasingPolicy>,
    /// PDUs (each of one request or range partition) in flight to one host at once. As a
    /// request's override: a budget of its own, up to this many of its PDUs in flight beside
    /// the host's other work (which shares the collector's limit).
    pub max_in_flight_per_host: Option<u32>,
    /// Most varbinds a walk takes per root OID (in each range partition).
    pub max_rows_per_root: Option<u64>,
    /// Accept replies to a live request-id that come from another address than the host's.
    pub accept_other_source: Option<bool>,
}

/// A setting that is out of range, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A count or duration that must be positive is zero.
    #[error("config field `{0}` must be greater than zero")]
    Zero(&'static str),
    /// A value above what the protocol can carry.
    #[error("config field `{field}` must be at most {max}")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// The largest allowed value.
        max: u64,
    },
    /// A duration longer than any collection should wait.
    #[error("config field `{field}` must be at most {max:?}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// The longest allowed value.
        max: Duration,
    },
    /// An exponential backoff whose cap is below the timeout.
    #[error("config field `backoff` max ({max:?}) must be at least `timeout` ({timeout:?})")]
    BackoffBelowTimeout {
        /// The backoff cap.
        max: Duration,
        /// The timeout.
        timeout: Duration,
    },
}

/// Every setting, named once: both layering operations ([`Config::with_overrides`] and
/// [`ConfigOverrides::over`]) are generated from this list, so a new setting cannot be
/// forgotten by one of them (each `Some` of the upper layer replaces the value beneath).
macro_rules! layered {
    ($upper:ident over $lower:ident, $out:ident) => {
        layered!(@fields $upper, $lower, $out;
            retries,
            timeout,
            max_response_var_binds_per_pdu,
            max_async_sessions,
            max_repetitions,
            host_deadline,
            backoff,
            non_increasing,
            max_in_flight_per_host,
            max_rows_per_root,
            accept_other_source,
        )
    };
    (@fields $upper:ident, $lower:ident, Config; $($f:ident,)*) => {
        Config { $($f: $upper.$f.unwrap_or($lower.$f),)* }
    };
    (@fields $upper:ident, $lower:ident, ConfigOverrides; $($f:ident,)*) => {
        ConfigOverrides { $($f: $upper.$f.or($lower.$f),)* }
    };
}

/// The builder methods of [`ConfigOverrides`]: `name(v)` sets the override to `v` (wrapped once
/// more, `=> Some`, for settings whose value is itself optional).
macro_rules! setters {
    ($($(#[$doc:meta])* $f:ident: $t:ty $(=> $wrap:ident)?;)*) => {
        $(
            $(#[$doc])*
            pub fn $f(mut self, v: $t) -> Self {
                self.$f = Some($($wrap)?(v));
                self
            }
        )*
    };
}

impl Default for Config {
    /// The original's defaults: 3 retries, 3 s timeout, 10 varbinds per PDU, 10 sessions.
    fn default() -> Self {
        Config {
            retries: 3,
            timeout: Duration::from_secs(3),
            max_response_var_binds_per_pdu: 10,
            max_async_sessions: 10,
            max_repetitions: None,
            host_deadline: None,
            backoff: Backoff::Constant,
            non_increasing: NonIncreasingPolicy::Strict,
            max_in_flight_per_host: 1,
            max_rows_per_root: DEFAULT_MAX_ROWS_PER_ROOT,
            accept_other_source: false,
        }
    }
}

impl Config {
    /// Overrides on top of the defaults; finish with [`ConfigOverrides::build`].
    pub fn builder() -> ConfigOverrides {
        ConfigOverrides::new()
    }

    /// This config with a layer of overrides applied, validated.
    pub fn with_overrides(&self, o: &ConfigOverrides) -> Result<Config, ConfigError> {
        let c = layered!(o over self, Config);
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        // max-repetitions and friends travel as Integer32 (RFC 3416 §3).
        const PDU_MAX: u64 = i32::MAX as u64;
        let positive = [
            ("timeout", !self.timeout.is_zero()),
            (
                "max_response_var_binds_per_pdu",
                self.max_response_var_binds_per_pdu > 0,
            ),
            ("max_async_sessions", self.max_async_sessions > 0),
            ("max_repetitions", self.max_repetitions != Some(0)),
            (
                "host_deadline",
                self.host_deadline.is_none_or(|d| !d.is_zero()),
            ),
            ("max_in_flight_per_host", self.max_in_flight_per_host > 0),
            ("max_rows_per_root", self.max_rows_per_root > 0),
        ];
        if let Some((field, _)) = positive.iter().find(|(_, ok)| !ok) {
            return Err(ConfigError::Zero(field));
        }
        for (field, v) in [
            (
                "max_response_var_binds_per_pdu",
                u64::from(self.max_response_var_binds_per_pdu),
            ),
            (
                "max_repetitions",
                u64::from(self.max_repetitions.unwrap_or(0)),
            ),
        ] {
            if v > PDU_MAX {
                return Err(ConfigError::TooLarge {
                    field,
                    max: PDU_MAX,
                });
            }
        }
        // Bounds that keep every `now + duration` of the engine far from overflow, and catch
        // unit mistakes (milliseconds given as seconds) before a host waits for days.
        const DAY: Duration = Duration::from_secs(24 * 3600);
        let backoff_max = match self.backoff {
            Backoff::Exponential { max, .. } => Some(max),
            Backoff::Constant => None,
        };
        for (field, v, max) in [
            ("timeout", Some(self.timeout), DAY),
            ("backoff.max", backoff_max, DAY),
            ("host_deadline", self.host_deadline, 30 * DAY),
        ] {
            if v.is_some_and(|v| v > max) {
                return Err(ConfigError::TooLong { field, max });
            }
        }
        match self.backoff {
            Backoff::Constant => {}
            Backoff::Exponential { factor: 0, .. } => return Err(ConfigError::Zero("backoff")),
            Backoff::Exponential { max, .. } if max < self.timeout => {
                return Err(ConfigError::BackoffBelowTimeout {
                    max,
                    timeout: self.timeout,
                });
            }
            Backoff::Exponential { .. } => {}
        }
        Ok(())
    }

    /// Retries of one PDU after its first transmission (default 3).
    pub fn retries(&self) -> u32 {
        self.retries
    }
    /// Time to wait for a reply to one transmission (default 3 s).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// Most varbinds asked for in one response (default 10).
    pub fn max_response_var_binds_per_pdu(&self) -> u32 {
        self.max_response_var_binds_per_pdu
    }
    /// Most hosts collected at once (default 10).
    pub fn max_async_sessions(&self) -> u32 {
        self.max_async_sessions
    }
    /// Explicit GETBULK max-repetitions, if set.
    pub fn max_repetitions(&self) -> Option<u32> {
        self.max_repetitions
    }
    /// Time limit for all of one host's work, if set.
    pub fn host_deadline(&self) -> Option<Duration> {
        self.host_deadline
    }
    /// Retry wait growth (default constant).
    pub fn backoff(&self) -> Backoff {
        self.backoff
    }
    /// Policy for non-increasing OIDs (default strict).
    pub fn non_increasing(&self) -> NonIncreasingPolicy {
        self.non_increasing
    }
    /// PDUs in flight to one host at once (default 1), shared by the host's requests that do
    /// not override it. A request that overrides it gets a budget of its own on top, so the
    /// host may then see more in flight than this.
    pub fn max_in_flight_per_host(&self) -> u32 {
        self.max_in_flight_per_host
    }
    /// Most varbinds a walk takes per root OID in each range partition (default
    /// [`DEFAULT_MAX_ROWS_PER_ROOT`]): records, values left out as malformed, and OIDs skipped
    /// before a range's start. One more under the root ends that head with a `RowCap` error; a
    /// column of exactly that many ends normally.
    pub fn max_rows_per_root(&self) -> u64 {
        self.max_rows_per_root
    }
    /// Whether replies to a live request-id from another address than the host's are
    /// accepted (default false: a multi-homed agent answering from another interface). Each one
    /// accepted is counted in the response's quirks.
    pub fn accept_other_source(&self) -> bool {
        self.accept_other_source
    }

    /// How long attempt `attempt` (0 = the first transmission) waits for its reply.
    pub fn attempt_timeout(&self, attempt: u32) -> Duration {
        match self.backoff {
            Backoff::Constant => self.timeout,
            Backoff::Exponential { factor, max } => {
                let mult = factor.checked_pow(attempt).unwrap_or(u32::MAX);
                self.timeout.checked_mul(mult).unwrap_or(max).min(max)
            }
        }
    }
}

impl ConfigOverrides {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The defaults with these overrides, validated.
    pub fn build(&self) -> Result<Config, ConfigError> {
        Config::default().with_overrides(self)
    }

    /// These overrides laid over `lower`: each setting given here replaces the one beneath, the
    /// others come from `lower` (a job file's host settings over its group's over the job's).
    pub fn over(&self, lower: &ConfigOverrides) -> ConfigOverrides {
        let upper = self;
        layered!(upper over lower, ConfigOverrides)
    }

    setters! {
        /// Sets `retries`.
        retries: u32;
        /// Sets `timeout`.
        timeout: Duration;
        /// Sets `max_response_var_binds_per_pdu`.
        max_response_var_binds_per_pdu: u32;
        /// Sets `max_async_sessions`.
        max_async_sessions: u32;
        /// Sets an explicit GETBULK max-repetitions.
        max_repetitions: u32 => Some;
        /// Sets a whole-host deadline.
        host_deadline: Duration => Some;
        /// Sets the retry backoff.
        backoff: Backoff;
        /// Sets the non-increasing OID policy.
        non_increasing: NonIncreasingPolicy;
        /// Sets the per-host in-flight limit (on a request: that request's own budget).
        max_in_flight_per_host: u32;
        /// Sets the cap on varbinds per root OID of a walk.
        max_rows_per_root: u64;
        /// Accepts (or not) replies from another address of the host.
        accept_other_source: bool;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_originals() {
        let c = Config::default();
        assert_eq!(
            (
                c.retries(),
                c.timeout(),
                c.max_response_var_binds_per_pdu(),
                c.max_async_sessions()
            ),
            (3, Duration::from_secs(3), 10, 10)
        );
        assert_eq!(c.max_in_flight_per_host(), 1);
        assert_eq!(c.non_increasing(), NonIncreasingPolicy::Strict);
        assert_eq!(c.max_rows_per_root(), 10_000_000);
        assert!(!c.accept_other_source());
    }

    #[test]
    fn layers_apply_in_order() {
        let collector = Config::builder()
            .retries(1)
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        let req = ConfigOverrides::new().retries(5);
        let c = collector.with_overrides(&req).unwrap();
        assert_eq!(c.retries(), 5);
        assert_eq!(c.timeout(), Duration::from_secs(1));
        assert_eq!(c.max_async_sessions(), 10);
    }

    #[test]
    fn overrides_layer_over_each_other_field_by_field() {
        let job = ConfigOverrides::new()
            .retries(1)
            .timeout(Duration::from_secs(2))
            .max_rows_per_root(9);
        let host = ConfigOverrides::new().timeout(Duration::from_secs(5));
        let o = host.over(&job);
        assert_eq!(o.retries, Some(1));
        assert_eq!(o.timeout, Some(Duration::from_secs(5)));
        assert_eq!(o.max_rows_per_root, Some(9));
        assert_eq!(o.max_async_sessions, None);
        // Layering then applying equals applying layer by layer.
        let c = Config::default();
        assert_eq!(
            c.with_overrides(&o).unwrap(),
            c.with_overrides(&job)
                .unwrap()
                .with_overrides(&host)
                .unwrap()
        );
    }

    #[test]
    fn durations_past_their_bound_are_refused() {
        // Huge durations used to overflow `Instant + Duration` in the engine (a panic).
        let too_long = |o: ConfigOverrides| match o.build() {
            Err(ConfigError::TooLong { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let huge = Duration::from_secs_f64(1e19);
        assert_eq!(too_long(Config::builder().timeout(huge)), "timeout");
        assert_eq!(
            too_long(Config::builder().host_deadline(huge)),
            "host_deadline"
        );
        assert_eq!(
            too_long(Config::builder().backoff(Backoff::Exponential {
                factor: 2,
                max: Duration::MAX
            })),
            "backoff.max"
        );
        let day = Duration::from_secs(24 * 3600);
        assert!(Config::builder().timeout(day).build().is_ok());
        assert!(
            ConfigError::TooLong {
                field: "timeout",
                max: day
            }
            .to_string()
            .contains("`timeout` must be at most 86400s")
        );
    }

    #[test]
    fn invalid_values_name_the_field() {
        let cases = [
            (
                ConfigOverrides::new().max_response_var_binds_per_pdu(0),
                "max_response_var_binds_per_pdu",
            ),
            (
                ConfigOverrides::new().max_async_sessions(0),
                "max_async_sessions",
            ),
            (ConfigOverrides::new().timeout(Duration::ZERO), "timeout"),
            (ConfigOverrides::new().max_repetitions(0), "max_repetitions"),
            (
                ConfigOverrides::new().host_deadline(Duration::ZERO),
                "host_deadline",
            ),
            (
                ConfigOverrides::new().max_in_flight_per_host(0),
                "max_in_flight_per_host",
            ),
            (
                ConfigOverrides::new().max_rows_per_root(0),
                "max_rows_per_root",
            ),
        ];
        for (o, field) in cases {
            let e = o.build().unwrap_err();
            assert_eq!(e, ConfigError::Zero(field));
            assert!(e.to_string().contains(field), "{e}");
        }
        let e = Config::builder()
            .max_repetitions(u32::MAX)
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            ConfigError::TooLarge {
                field: "max_repetitions",
                ..
            }
        ));
        let e = Config::builder()
            .backoff(Backoff::Exponential {
                factor: 2,
                max: Duration::from_secs(1),
            })
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("backoff"), "{e}");
        // A per-request layer cannot sneak in an invalid value either.
        let e = Config::default().with_overrides(&ConfigOverrides::new().max_async_sessions(0));
        assert!(e.is_err());
    }

    #[test]
    fn exponential_backoff_is_capped() {
        let c = Config::builder()
            .timeout(Duration::from_secs(1))
            .backoff(Backoff::Exponential {
                factor: 2,
                max: Duration::from_secs(5),
            })
            .build()
            .unwrap();
        let waits: Vec<u64> = (0..6).map(|a| c.attempt_timeout(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5, 5]);
        assert_eq!(c.attempt_timeout(200), Duration::from_secs(5));
        assert_eq!(Config::default().attempt_timeout(7), Duration::from_secs(3));
    }
}
