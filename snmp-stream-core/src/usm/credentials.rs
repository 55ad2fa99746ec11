//! [`Credentials`]: an SNMPv3 user as a request names it (RFC 3414), beside the v1/v2c
//! [`Community`](crate::Community).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use super::{AuthProtocol, KeyError, LocalizedKey, MasterKey, PrivProtocol};

/// msgFlags' security level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SecurityLevel {
    /// Neither authenticated nor encrypted.
    NoAuthNoPriv,
    /// Authenticated, in the clear.
    AuthNoPriv,
    /// Authenticated and encrypted.
    AuthPriv,
}

impl SecurityLevel {
    /// net-snmp's spelling (`-l`): `noAuthNoPriv`, `authNoPriv`, `authPriv`.
    pub fn name(self) -> &'static str {
        match self {
            SecurityLevel::NoAuthNoPriv => "noAuthNoPriv",
            SecurityLevel::AuthNoPriv => "authNoPriv",
            SecurityLevel::AuthPriv => "authPriv",
        }
    }

    /// Parses net-snmp's spellings, in any case (`noauth`, `auth`, `priv` too).
    pub fn parse(s: &str) -> Option<SecurityLevel> {
        Some(match s.to_ascii_lowercase().as_str() {
            "noauthnopriv" | "noauth" | "nanp" => SecurityLevel::NoAuthNoPriv,
            "authnopriv" | "auth" | "anp" => SecurityLevel::AuthNoPriv,
            "authpriv" | "priv" | "ap" => SecurityLevel::AuthPriv,
            _ => return None,
        })
    }
}

impl fmt::Display for SecurityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key as the user gave it: master (from a password, or net-snmp's `-3m`) or already
/// localized to the agent's engine (net-snmp's `-3k`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Master(MasterKey),
    Localized(LocalizedKey),
}

/// An SNMPv3 user: name, authentication and privacy protocols with their keys, and the
/// context its requests name. Cheap to clone (shared); keys never appear in `Debug`.
///
/// ```
/// use snmp_stream_core::usm::{AuthProtocol, Credentials, PrivProtocol};
///
/// let alice = Credentials::builder("alice")
///     .auth_password(AuthProtocol::Sha256, "authpass123")?
///     .priv_password(PrivProtocol::Aes128, "privpass123")?
///     .context_name("vlan-10")
///     .build()?;
/// assert_eq!(alice.level().name(), "authPriv");
/// assert!(!format!("{alice:?}").contains("authpass"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Credentials(Arc<Inner>);

#[derive(PartialEq, Eq, Hash)]
pub(crate) struct Inner {
    pub(crate) user: Vec<u8>,
    pub(crate) auth: Option<(AuthProtocol, Key)>,
    pub(crate) privacy: Option<(PrivProtocol, Key)>,
    pub(crate) context_name: Vec<u8>,
    pub(crate) context_engine_id: Option<Vec<u8>>,
    pub(crate) engine_id: Option<Vec<u8>>,
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for Credentials {}

impl std::hash::Hash for Credentials {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Debug for Credentials {
    /// The user, level and protocols; never a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials {{ user: {:?}, level: {}, auth: {}, privacy: {} }}",
            String::from_utf8_lossy(&self.0.user),
            self.level(),
            self.0.auth.as_ref().map_or("none", |a| a.0.name()),
            self.0.privacy.as_ref().map_or("none", |p| p.0.name()),
        )
    }
}

/// Credentials that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// A privacy key without an authentication protocol (USM has no privNoAuth).
    #[error("privacy needs authentication: give an authentication protocol and key too")]
    PrivWithoutAuth,
    /// An empty user name.
    #[error("the user name is empty")]
    NoUser,
    /// A key that cannot be made or taken.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl Credentials {
    /// A user without authentication or privacy (noAuthNoPriv).
    pub fn no_auth(user: impl Into<Vec<u8>>) -> Result<Credentials, CredentialsError> {
        Credentials::builder(user).build()
    }

    /// Credentials for `user`, built up with [`CredentialsBuilder`]'s methods.
    pub fn builder(user: impl Into<Vec<u8>>) -> CredentialsBuilder {
        CredentialsBuilder {
            inner: Inner {
                user: user.into(),
                auth: None,
                privacy: None,
                context_name: Vec::new(),
                context_engine_id: None,
                engine_id: None,
            },
            auth_protocol: None,
            pending_priv: None,
        }
    }

    /// The user name.
    pub fn user(&self) -> &[u8] {
        &self.0.user
    }

    /// The security level its keys give.
    pub fn level(&self) -> SecurityLevel {
        match (&self.0.auth, &self.0.privacy) {
            (None, _) => SecurityLevel::NoAuthNoPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
        }
    }

    /// The authentication protocol, if any.
    pub fn auth_protocol(&self) -> Option<AuthProtocol> {
        self.0.auth.as_ref().map(|a| a.0)
    }

    /// The privacy protocol, if any.
    pub fn priv_protocol(&self) -> Option<PrivProtocol> {
        self.0.privacy.as_ref().map(|p| p.0)
    }

    /// The contextName requests carry (empty by default).
    pub fn context_name(&self) -> &[u8] {
        &self.0.context_name
    }

    /// The contextEngineID requests carry; `None` for the agent's own engine ID.
    pub fn context_engine_id(&self) -> Option<&[u8]> {
        self.0.context_engine_id.as_deref()
    }

    /// The agent's engine ID as given beforehand (net-snmp's `-e`), which spares the
    /// discovery probe; `None` to discover it.
    pub fn engine_id(&self) -> Option<&[u8]> {
        self.0.engine_id.as_deref()
    }
}

/// Builds [`Credentials`]; see [`Credentials::builder`].
#[derive(Debug)]
pub struct CredentialsBuilder {
    inner: Inner,
    auth_protocol: Option<AuthProtocol>,
    /// A privacy password waiting for the authentication protocol (its hash makes the key).
    pending_priv: Option<(PrivProtocol, PendingPriv)>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<credentials>")
    }
}

/// A privacy key given before its authentication protocol was known.
enum PendingPriv {
    Password(Vec<u8>),
    Key(Key),
}

impl fmt::Debug for PendingPriv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl CredentialsBuilder {
    /// Authentication with a password (net-snmp's `-a PROTO -A PASS`): its key is made once
    /// per process for each password and protocol.
    pub fn auth_password(
        mut self,
        protocol: AuthProtocol,
        password: impl AsRef<[u8]>,
    ) -> Result<Self, CredentialsError> {
        let key = master_key(protocol, password.as_ref())?;
        self.inner.auth = Some((protocol, Key::Master(key)));
        self.auth_protocol = Some(protocol);
        Ok(self)
    }

    /// Authentication with a master key Ku (net-snmp's `-3m`), of the protocol's digest length.
    pub fn auth_master_key(
        mut self,
        protocol: AuthProtocol,
        key: &[u8],
    ) -> Result<Self, CredentialsError> {
        let key = MasterKey::from_bytes(protocol, key)?;
        self.inner.auth = Some((protocol, Key::Master(key)));
        self.auth_protocol = Some(protocol);
        Ok(self)
    }

    /// Authentication with a key already localized to the agent's engine (net-snmp's `-3k`).
    pub fn auth_localized_key(
        mut self,
        protocol: AuthProtocol,
        key: &[u8],
    ) -> Result<Self, CredentialsError> {
        let key = LocalizedKey::from_bytes(protocol.digest_len(), key)?;
        self.inner.auth = Some((protocol, Key::Localized(key)));
        self.auth_protocol = Some(protocol);
        Ok(self)
    }

    /// Privacy with a password (net-snmp's `-x PROTO -X PASS`), hashed with the
    /// authentication protocol's hash.
    pub fn priv_password(
        mut self,
        protocol: PrivProtocol,
        password: impl AsRef<[u8]>,
    ) -> Result<Self, CredentialsError> {
        let password = password.as_ref();
        if password.len() < 8 {
            return Err(KeyError::ShortPassword(password.len()).into());
        }
        self.pending_priv = Some((protocol, PendingPriv::Password(password.to_vec())));
        Ok(self)
    }

    /// Privacy with a master key (net-snmp's `-3M`), of the authentication protocol's digest
    /// length.
    pub fn priv_master_key(mut self, protocol: PrivProtocol, key: &[u8]) -> Self {
        self.pending_priv = Some((
            protocol,
            PendingPriv::Key(Key::Master(MasterKey(key.to_vec()))),
        ));
        self
    }

    /// Privacy with a key already localized (and extended) to the agent's engine (net-snmp's
    /// `-3K`), of the cipher's key length.
    pub fn priv_localized_key(
        mut self,
        protocol: PrivProtocol,
        key: &[u8],
    ) -> Result<Self, CredentialsError> {
        let key = LocalizedKey::from_bytes(protocol.key_len(), key)?;
        self.pending_priv = Some((protocol, PendingPriv::Key(Key::Localized(key))));
        Ok(self)
    }

    /// The contextName (net-snmp's `-n`).
    pub fn context_name(mut self, name: impl Into<Vec<u8>>) -> Self {
        self.inner.context_name = name.into();
        self
    }

    /// The contextEngineID (net-snmp's `-E`); by default the agent's engine ID.
    pub fn context_engine_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.inner.context_engine_id = Some(id.into());
        self
    }

    /// The agent's (authoritative) engine ID, known beforehand (net-snmp's `-e`): no
    /// discovery probe is sent. A wrong one is corrected by the agent's
    /// usmStatsUnknownEngineIDs Report, as discovery would.
    pub fn engine_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.inner.engine_id = Some(id.into());
        self
    }

    /// The credentials.
    pub fn build(mut self) -> Result<Credentials, CredentialsError> {
        if self.inner.user.is_empty() {
            return Err(CredentialsError::NoUser);
        }
        if let Some((protocol, pending)) = self.pending_priv.take() {
            let auth = self
                .auth_protocol
                .ok_or(CredentialsError::PrivWithoutAuth)?;
            let key = match pending {
                PendingPriv::Password(p) => Key::Master(master_key(auth, &p)?),
                PendingPriv::Key(Key::Master(k)) => {
                    Key::Master(MasterKey::from_bytes(auth, k.as_bytes())?)
                }
                PendingPriv::Key(k) => k,
            };
            self.inner.privacy = Some((protocol, key));
        }
        Ok(Credentials(Arc::new(self.inner)))
    }
}

/// Ku for a password, made once per process for each (protocol, password): the expansion
/// hashes a megabyte. The cache is keyed by a SHA-256 of the password, never the password.
fn master_key(protocol: AuthProtocol, password: &[u8]) -> Result<MasterKey, KeyError> {
    type Cache = Mutex<HashMap<(AuthProtocol, Vec<u8>), MasterKey>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    use sha2::Digest;
    let id = (protocol, sha2::Sha256::digest(password).to_vec());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(k) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
        return Ok(k.clone());
    }
    let key = protocol.password_to_key(password)?;
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id, key.clone());
    Ok(key)
}

/// The keys of one user localized to one engine, made once per engine. `Debug` shows the
/// protocols only (the keys are redacted).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EngineKeys {
    /// The authentication protocol and key.
    pub auth: Option<(AuthProtocol, LocalizedKey)>,
    /// The privacy protocol and key.
    pub privacy: Option<(PrivProtocol, LocalizedKey)>,
}

impl Credentials {
    /// This user's authentication and privacy keys localized to the engine `engine_id`: what
    /// the session keeps for it, and what an agent of that engine keeps for the user (the
    /// simulator's, say).
    pub fn keys_for(&self, engine_id: &[u8]) -> EngineKeys {
        let auth = self.0.auth.as_ref().map(|(p, k)| {
            let key = match k {
                Key::Master(m) => p.localize(m, engine_id),
                Key::Localized(l) => l.clone(),
            };
            (*p, key)
        });
        let privacy = match (&self.0.privacy, &self.0.auth) {
            (Some((p, k)), Some((a, _))) => Some((
                *p,
                match k {
                    Key::Master(m) => p.localize(*a, m, engine_id),
                    Key::Localized(l) => l.clone(),
                },
            )),
            _ => None,
        };
        EngineKeys { auth, privacy }
    }
}
