//! Who `walk` and `get` speak as, in net-snmp's spelling: `-c COMMUNITY` for v1 and v2c, and
//! for `-v 3` the User-based Security Model's `-u USER -l LEVEL -a PROTO -A PASS -x PROTO
//! -X PASS -n CONTEXT -E CONTEXT-ENGINE-ID`.

use anyhow::{Context, bail};
use clap::Args;
use snmp_stream_core::usm::{AuthProtocol, Credentials, PrivProtocol, SecurityLevel};
use snmp_stream_core::{Community, Security, Version};

/// The security flags. `Debug` shows which were given, never a password or community.
#[derive(Clone, Args)]
pub(crate) struct SecurityArgs {
    /// Community string (v1, v2c).
    #[arg(short, long)]
    pub community: Option<String>,
    /// SNMP version, as net-snmp spells it.
    #[arg(
        short = 'v',
        long = "snmp-version",
        value_name = "1|2c|3",
        default_value = "2c",
        value_parser = parse_version
    )]
    pub snmp_version: Version,
    /// SNMPv3 user name.
    #[arg(short = 'u', long = "user", value_name = "USER")]
    pub user: Option<String>,
    /// SNMPv3 security level: noAuthNoPriv, authNoPriv or authPriv [default: from the keys
    /// given].
    #[arg(short = 'l', long = "level", value_name = "LEVEL")]
    pub level: Option<String>,
    /// SNMPv3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', long = "auth-protocol", value_name = "PROTO")]
    pub auth_protocol: Option<String>,
    /// SNMPv3 authentication password (at least 8 characters). Prefer --auth-password-env:
    /// a password on the command line is visible to other users of the machine.
    #[arg(short = 'A', long = "auth-password", value_name = "PASS")]
    pub auth_password: Option<String>,
    /// Read the authentication password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "auth_password")]
    pub auth_password_env: Option<String>,
    /// SNMPv3 privacy protocol: AES (AES-128), AES192, AES256 (Blumenthal key extension),
    /// AES192C, AES256C (Reeder's, as Cisco's); DES in a build with the `des` feature.
    #[arg(short = 'x', long = "priv-protocol", value_name = "PROTO")]
    pub priv_protocol: Option<String>,
    /// SNMPv3 privacy password (at least 8 characters). Prefer --priv-password-env.
    #[arg(short = 'X', long = "priv-password", value_name = "PASS")]
    pub priv_password: Option<String>,
    /// Read the privacy password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "priv_password")]
    pub priv_password_env: Option<String>,
    /// SNMPv3 context name.
    #[arg(short = 'n', long = "context", value_name = "NAME")]
    pub context: Option<String>,
    /// SNMPv3 context engine ID, in hex [default: the agent's engine ID].
    #[arg(short = 'E', long = "context-engine-id", value_name = "HEX")]
    pub context_engine_id: Option<String>,
    /// SNMPv3 security (the agent's) engine ID, in hex: known beforehand, it spares the
    /// discovery probe [default: discovered].
    #[arg(short = 'e', long = "engine-id", value_name = "HEX")]
    pub engine_id: Option<String>,
    /// SNMPv3 authentication master key Ku in hex, instead of -A (net-snmp's -3m).
    #[arg(long, value_name = "HEX", conflicts_with_all = ["auth_password", "auth_password_env"])]
    pub auth_master_key: Option<String>,
    /// SNMPv3 authentication key localized to the agent's engine, in hex (net-snmp's -3k).
    #[arg(long, value_name = "HEX", conflicts_with_all = ["auth_password", "auth_password_env", "auth_master_key"])]
    pub auth_localized_key: Option<String>,
    /// SNMPv3 privacy master key in hex, instead of -X (net-snmp's -3M).
    #[arg(long, value_name = "HEX", conflicts_with_all = ["priv_password", "priv_password_env"])]
    pub priv_master_key: Option<String>,
    /// SNMPv3 privacy key localized (and extended) to the agent's engine, in hex (net-snmp's
    /// -3K).
    #[arg(long, value_name = "HEX", conflicts_with_all = ["priv_password", "priv_password_env", "priv_master_key"])]
    pub priv_localized_key: Option<String>,
}

impl std::fmt::Debug for SecurityArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let given = |o: &Option<String>| if o.is_some() { "<given>" } else { "none" };
        f.debug_struct("SecurityArgs")
            .field("community", &given(&self.community))
            .field("snmp_version", &self.snmp_version)
            .field("user", &self.user)
            .field("level", &self.level)
            .field("auth_protocol", &self.auth_protocol)
            .field("auth_password", &given(&self.auth_password))
            .field("auth_password_env", &self.auth_password_env)
            .field("priv_protocol", &self.priv_protocol)
            .field("priv_password", &given(&self.priv_password))
            .field("priv_password_env", &self.priv_password_env)
            .field("context", &self.context)
            .field("context_engine_id", &self.context_engine_id)
            .field("engine_id", &self.engine_id)
            .field("keys", &"<redacted>")
            .finish()
    }
}

/// A version as net-snmp spells it.
pub(crate) fn parse_version(s: &str) -> Result<Version, String> {
    s.parse()
        .map_err(|_| format!("unknown SNMP version `{s}` (expected 1, 2c or 3)"))
}

impl SecurityArgs {
    /// The community or the SNMPv3 user the flags give, or what is missing or contradicts.
    pub(crate) fn security(&self) -> anyhow::Result<Security> {
        let v3_flags = [
            ("-u", self.user.is_some()),
            ("-l", self.level.is_some()),
            ("-a", self.auth_protocol.is_some()),
            (
                "-A",
                self.auth_password.is_some() || self.auth_password_env.is_some(),
            ),
            ("-x", self.priv_protocol.is_some()),
            (
                "-X",
                self.priv_password.is_some() || self.priv_password_env.is_some(),
            ),
            ("-n", self.context.is_some()),
            ("-E", self.context_engine_id.is_some()),
            ("-e", self.engine_id.is_some()),
            ("--auth-master-key", self.auth_master_key.is_some()),
            ("--auth-localized-key", self.auth_localized_key.is_some()),
            ("--priv-master-key", self.priv_master_key.is_some()),
            ("--priv-localized-key", self.priv_localized_key.is_some()),
        ];
        if self.snmp_version != Version::V3 {
            if let Some((flag, _)) = v3_flags.iter().find(|(_, given)| *given) {
                bail!("{flag} is an SNMPv3 option: give -v 3 with it");
            }
            let Some(c) = &self.community else {
                bail!("give a community with -c (or -v 3 and a user with -u)");
            };
            return Ok(Community::new(c.as_bytes(), self.snmp_version).into());
        }
        if self.community.is_some() {
            bail!("-c is for v1 and v2c; SNMPv3 takes a user (-u)");
        }
        let user = self
            .user
            .clone()
            .context("-v 3 needs a user: give -u USER")?;
        let spec = V3Spec {
            user,
            level: self.level.clone(),
            auth_protocol: self.auth_protocol.clone(),
            auth_password: secret(
                self.auth_password.as_deref(),
                self.auth_password_env.as_deref(),
            )?,
            priv_protocol: self.priv_protocol.clone(),
            priv_password: secret(
                self.priv_password.as_deref(),
                self.priv_password_env.as_deref(),
            )?,
            context: self.context.clone(),
            context_engine_id: self.context_engine_id.clone(),
            engine_id: self.engine_id.clone(),
            keys: [
                self.auth_master_key.clone(),
                self.auth_localized_key.clone(),
                self.priv_master_key.clone(),
                self.priv_localized_key.clone(),
            ],
        };
        credentials(&spec).map(Security::from)
    }
}

/// An SNMPv3 user as the command line or a job file gives it, passwords resolved.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct V3Spec {
    pub user: String,
    pub level: Option<String>,
    pub auth_protocol: Option<String>,
    pub auth_password: Option<String>,
    pub priv_protocol: Option<String>,
    pub priv_password: Option<String>,
    pub context: Option<String>,
    pub context_engine_id: Option<String>,
    pub engine_id: Option<String>,
    /// Keys in hex instead of passwords: auth master, auth localized, priv master, priv
    /// localized.
    pub keys: [Option<String>; 4],
}

impl std::fmt::Debug for V3Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "V3Spec {{ user: {:?}, <passwords redacted> }}",
            self.user
        )
    }
}

/// The credentials of a v3 user's flags or job settings.
pub(crate) fn credentials(a: &V3Spec) -> anyhow::Result<Credentials> {
    let user = a.user.as_str();
    let auth_password = a.auth_password.clone();
    let priv_password = a.priv_password.clone();
    let [auth_master, auth_local, priv_master, priv_local] = &a.keys;
    let has_auth = auth_password.is_some() || auth_master.is_some() || auth_local.is_some();
    let has_priv = priv_password.is_some() || priv_master.is_some() || priv_local.is_some();
    let level = match a.level.as_deref() {
        Some(l) => SecurityLevel::parse(l).with_context(|| {
            format!("unknown security level `{l}` (expected noAuthNoPriv, authNoPriv or authPriv)")
        })?,
        None if has_priv => SecurityLevel::AuthPriv,
        None if has_auth => SecurityLevel::AuthNoPriv,
        None => SecurityLevel::NoAuthNoPriv,
    };
    let key = |what: &str, h: &str| hex(h).with_context(|| format!("{what} takes the key in hex"));
    let mut b = Credentials::builder(user.as_bytes());
    if level >= SecurityLevel::AuthNoPriv {
        let proto = a.auth_protocol.as_deref().unwrap_or("MD5");
        let proto = AuthProtocol::parse(proto)?;
        b = match (auth_password, auth_master, auth_local) {
            (Some(pass), _, _) => b
                .auth_password(proto, pass)
                .context("the authentication password (-A)")?,
            (None, Some(k), _) => b
                .auth_master_key(proto, &key("--auth-master-key", k)?)
                .context("--auth-master-key")?,
            (None, None, Some(k)) => b
                .auth_localized_key(proto, &key("--auth-localized-key", k)?)
                .context("--auth-localized-key")?,
            (None, None, None) => bail!(
                "-l {level} needs an authentication password: give -A PASS (or --auth-password-env VAR)"
            ),
        };
    }
    if level == SecurityLevel::AuthPriv {
        let proto = a.priv_protocol.as_deref().unwrap_or("AES");
        let proto = PrivProtocol::parse(proto)?;
        b = match (priv_password, priv_master, priv_local) {
            (Some(pass), _, _) => b
                .priv_password(proto, pass)
                .context("the privacy password (-X)")?,
            (None, Some(k), _) => b.priv_master_key(proto, &key("--priv-master-key", k)?),
            (None, None, Some(k)) => b
                .priv_localized_key(proto, &key("--priv-localized-key", k)?)
                .context("--priv-localized-key")?,
            (None, None, None) => bail!(
                "-l authPriv needs a privacy password: give -X PASS (or --priv-password-env VAR)"
            ),
        };
    }
    if let Some(n) = &a.context {
        b = b.context_name(n.as_bytes());
    }
    if let Some(e) = &a.context_engine_id {
        b = b.context_engine_id(hex(e).context("-E takes the context engine ID in hex")?);
    }
    if let Some(e) = &a.engine_id {
        b = b.engine_id(hex(e).context("-e takes the engine ID in hex")?);
    }
    Ok(b.build()?)
}

/// A secret given inline or in an environment variable.
fn secret(inline: Option<&str>, env: Option<&str>) -> anyhow::Result<Option<String>> {
    match (inline, env) {
        (Some(s), _) => Ok(Some(s.to_owned())),
        (None, Some(var)) => std::env::var(var)
            .map(Some)
            .with_context(|| format!("the environment variable {var} is not set (or not UTF-8)")),
        (None, None) => Ok(None),
    }
}

/// `0x`-prefixed or bare hex octets.
pub(crate) fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if !s.len().is_multiple_of(2) || s.is_empty() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: Version) -> SecurityArgs {
        SecurityArgs {
            community: None,
            snmp_version: v,
            user: None,
            level: None,
            auth_protocol: None,
            auth_password: None,
            auth_password_env: None,
            priv_protocol: None,
            priv_password: None,
            priv_password_env: None,
            context: None,
            context_engine_id: None,
            engine_id: None,
            auth_master_key: None,
            auth_localized_key: None,
            priv_master_key: None,
            priv_localized_key: None,
        }
    }

    #[test]
    fn v3_flags_make_credentials_and_say_what_is_missing() {
        let mut a = args(Version::V3);
        assert_eq!(
            a.security().unwrap_err().to_string(),
            "-v 3 needs a user: give -u USER"
        );
        a.user = Some("alice".into());
        a.level = Some("authPriv".into());
        a.auth_protocol = Some("SHA-256".into());
        a.auth_password = Some("authpass123".into());
        assert!(a.security().unwrap_err().to_string().contains("-X PASS"));
        a.priv_password = Some("privpass123".into());
        let Security::Usm(c) = a.security().unwrap() else {
            panic!("not v3");
        };
        assert_eq!(c.level(), SecurityLevel::AuthPriv);
        assert_eq!(c.auth_protocol(), Some(AuthProtocol::Sha256));
        assert_eq!(c.priv_protocol(), Some(PrivProtocol::Aes128));
        a.auth_password = Some("short".into());
        let e = format!("{:#}", a.security().unwrap_err());
        assert!(e.contains("at least 8 characters"), "{e}");
        a.level = Some("nope".into());
        assert!(
            a.security()
                .unwrap_err()
                .to_string()
                .contains("unknown security level")
        );
    }

    #[test]
    fn v2c_refuses_v3_flags_and_needs_a_community() {
        let mut a = args(Version::V2c);
        assert!(a.security().unwrap_err().to_string().contains("-c"));
        a.community = Some("public".into());
        assert!(matches!(a.security().unwrap(), Security::Community(_)));
        a.user = Some("alice".into());
        assert_eq!(
            a.security().unwrap_err().to_string(),
            "-u is an SNMPv3 option: give -v 3 with it"
        );
        assert_eq!(hex("0x80001f88"), Some(vec![0x80, 0, 0x1f, 0x88]));
        a.auth_password = Some("s3cret-pass".into());
        assert!(!format!("{a:?}").contains("s3cret") && !format!("{a:?}").contains("public"));
        assert_eq!(hex("abc"), None);
    }
}
