//! The User-based Security Model's cryptography (RFC 3414, RFC 7860, RFC 3826): keys from
//! passwords, localized to an engine; HMAC authentication of whole messages; AES-CFB privacy
//! of scoped PDUs. Sans-IO and pure Rust (the RustCrypto hashes and block cipher).
//!
//! - [`AuthProtocol`]: HMAC-MD5-96 and HMAC-SHA-96 (RFC 3414), HMAC-SHA-2 with SHA-224, -256,
//!   -384 and -512 (RFC 7860): the password-to-key expansion (1 MiB of the repeated password,
//!   hashed), localization (`H(Ku ‖ engineID ‖ Ku)`), signing and verifying.
//! - [`PrivProtocol`]: AES-128 in CFB-128 (RFC 3826), and AES-192 / AES-256 in the two key
//!   extensions devices use: Blumenthal's (net-snmp's `AES192`/`AES256`: the localized key
//!   followed by hashes of itself) and Reeder's (Cisco's and net-snmp's `AES192C`/`AES256C`:
//!   the localized key followed by the localized key of the localized key taken as a
//!   password).
//!
//! Keys print as `<redacted>` in `Debug`, so no secret reaches a log by accident.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Digest;

mod aes_cfb;
mod credentials;
#[cfg(feature = "des")]
mod des_cbc;

pub(crate) use credentials::EngineKeys;
pub use credentials::{Credentials, CredentialsBuilder, CredentialsError, SecurityLevel};

/// The password-to-key expansion's length (RFC 3414 A.2.1): the password repeated to 1 MiB.
const EXPANSION: usize = 1 << 20;

/// Password-to-key expansions done by this process (see [`expansions`]).
static EXPANSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many password-to-key expansions (the 1 MiB hash of RFC 3414 A.2, and Reeder's key
/// extension's) this process has done: a diagnostic, for checking that keys are made once
/// per password and not per host or per PDU.
pub fn expansions() -> u64 {
    EXPANSIONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// An authentication protocol (RFC 3414 §6–7, RFC 7860).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthProtocol {
    /// HMAC-MD5-96 (usmHMACMD5AuthProtocol).
    Md5,
    /// HMAC-SHA-96 (usmHMACSHAAuthProtocol).
    Sha1,
    /// HMAC-SHA-224 truncated to 128 bits (usmHMAC128SHA224AuthProtocol).
    Sha224,
    /// HMAC-SHA-256 truncated to 192 bits (usmHMAC192SHA256AuthProtocol).
    Sha256,
    /// HMAC-SHA-384 truncated to 256 bits (usmHMAC256SHA384AuthProtocol).
    Sha384,
    /// HMAC-SHA-512 truncated to 384 bits (usmHMAC384SHA512AuthProtocol).
    Sha512,
}

/// A privacy protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrivProtocol {
    /// AES-128 in CFB-128 (RFC 3826, usmAesCfb128Protocol).
    Aes128,
    /// AES-192, the key extended as Blumenthal's draft says (net-snmp's `AES192`).
    Aes192,
    /// AES-256, the key extended as Blumenthal's draft says (net-snmp's `AES256`).
    Aes256,
    /// AES-192, the key extended as Reeder's 3DES draft says (Cisco's, net-snmp's `AES192C`).
    Aes192C,
    /// AES-256, the key extended as Reeder's 3DES draft says (Cisco's, net-snmp's `AES256C`).
    Aes256C,
    /// DES in CBC mode (RFC 3414 §8, usmDESPrivProtocol): broken, for old agents only; with
    /// the `des` feature.
    #[cfg(feature = "des")]
    Des,
}

/// A protocol name that is not one of net-snmp's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} protocol `{name}` (known: {known})")]
pub struct UnknownProtocol {
    what: &'static str,
    name: String,
    known: &'static str,
}

/// Why a key cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The password is shorter than RFC 3414's minimum (and net-snmp's) of 8 octets.
    #[error("a password must have at least 8 characters (RFC 3414 §11.2), this one has {0}")]
    ShortPassword(usize),
    /// A key given directly (net-snmp's `-3m`/`-3k`) is not as long as the protocol's.
    #[error("a key for this protocol is {expected} octets, this one is {got}")]
    WrongKeyLength {
        /// The protocol's key length.
        expected: usize,
        /// The length given.
        got: usize,
    },
}

/// Why an encrypted scoped PDU cannot be decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrivError {
    /// msgPrivacyParameters is not the 8-octet salt AES and DES need.
    #[error("privacy parameters of {0} octets (8 are needed)")]
    BadSalt(usize),
    /// A DES-encrypted PDU whose length is not a multiple of its 8-octet block.
    #[error("an encrypted PDU of {0} octets (DES needs a multiple of 8)")]
    BadLength(usize),
}

/// A user's key before localization (Ku): the password's hash, or a master key given as is.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MasterKey(pub(crate) Vec<u8>);

/// A key localized to one engine (Kul), for authentication or (extended) for privacy.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LocalizedKey(Vec<u8>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl fmt::Debug for LocalizedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LocalizedKey(<redacted>)")
    }
}

impl MasterKey {
    /// A master key given as is (net-snmp's `-3m`), of `auth`'s digest length.
    pub fn from_bytes(auth: AuthProtocol, key: &[u8]) -> Result<MasterKey, KeyError> {
        check_len(auth.digest_len(), key)?;
        Ok(MasterKey(key.to_vec()))
    }

    /// Its octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl LocalizedKey {
    /// A localized key given as is (net-snmp's `-3k`/`-3K`), of `len` octets.
    pub fn from_bytes(len: usize, key: &[u8]) -> Result<LocalizedKey, KeyError> {
        check_len(len, key)?;
        Ok(LocalizedKey(key.to_vec()))
    }

    /// Its octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

fn check_len(expected: usize, key: &[u8]) -> Result<(), KeyError> {
    if key.len() == expected {
        Ok(())
    } else {
        Err(KeyError::WrongKeyLength {
            expected,
            got: key.len(),
        })
    }
}

impl AuthProtocol {
    /// Every protocol, weakest first.
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// Parses net-snmp's spelling (`-a`): `MD5`, `SHA` (or `SHA1`), `SHA-224`, `SHA-256`,
    /// `SHA-384`, `SHA-512` (with or without the dash), in any case.
    pub fn parse(name: &str) -> Result<AuthProtocol, UnknownProtocol> {
        let n = name.to_ascii_uppercase().replace('-', "");
        Ok(match n.as_str() {
            "MD5" => AuthProtocol::Md5,
            "SHA" | "SHA1" => AuthProtocol::Sha1,
            "SHA224" => AuthProtocol::Sha224,
            "SHA256" => AuthProtocol::Sha256,
            "SHA384" => AuthProtocol::Sha384,
            "SHA512" => AuthProtocol::Sha512,
            _ => {
                return Err(UnknownProtocol {
                    what: "authentication",
                    name: name.to_owned(),
                    known: "MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512",
                });
            }
        })
    }

    /// The name as net-snmp spells it.
    pub fn name(self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
        }
    }

    /// The hash's output length: the length of master and localized keys.
    pub fn digest_len(self) -> usize {
        match self {
            AuthProtocol::Md5 => 16,
            AuthProtocol::Sha1 => 20,
            AuthProtocol::Sha224 => 28,
            AuthProtocol::Sha256 => 32,
            AuthProtocol::Sha384 => 48,
            AuthProtocol::Sha512 => 64,
        }
    }

    /// The length of msgAuthenticationParameters: the HMAC truncated (12 octets for MD5 and
    /// SHA-1, RFC 7860's 16, 24, 32 and 48 for SHA-2).
    pub fn mac_len(self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
        }
    }

    /// The hash of `parts`, concatenated.
    fn hash(self, parts: &[&[u8]]) -> Vec<u8> {
        fn with<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            AuthProtocol::Md5 => with::<md5::Md5>(parts),
            AuthProtocol::Sha1 => with::<sha1::Sha1>(parts),
            AuthProtocol::Sha224 => with::<sha2::Sha224>(parts),
            AuthProtocol::Sha256 => with::<sha2::Sha256>(parts),
            AuthProtocol::Sha384 => with::<sha2::Sha384>(parts),
            AuthProtocol::Sha512 => with::<sha2::Sha512>(parts),
        }
    }

    /// Ku: the hash of the password repeated to 1 MiB (RFC 3414 A.2). This is the costly step
    /// (a few milliseconds): do it once per password and protocol.
    pub fn password_to_key(self, password: &[u8]) -> Result<MasterKey, KeyError> {
        if password.len() < 8 {
            return Err(KeyError::ShortPassword(password.len()));
        }
        Ok(MasterKey(self.expand(password)))
    }

    /// The hash of `password` repeated to [`EXPANSION`] octets, fed a block at a time.
    fn expand(self, password: &[u8]) -> Vec<u8> {
        EXPANSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // 64-octet chunks of the endless repetition, as the RFC's reference code feeds them.
        let mut block = [0u8; 64];
        let mut chunks = Vec::with_capacity(EXPANSION / 64);
        let mut at = 0;
        for _ in 0..EXPANSION / 64 {
            for b in &mut block {
                *b = password[at % password.len()];
                at += 1;
            }
            chunks.push(block);
        }
        let parts: Vec<&[u8]> = chunks.iter().map(|c| &c[..]).collect();
        self.hash(&parts)
    }

    /// Kul = H(Ku ‖ engineID ‖ Ku) (RFC 3414 A.2.2).
    pub fn localize(self, master: &MasterKey, engine_id: &[u8]) -> LocalizedKey {
        LocalizedKey(self.hash(&[&master.0, engine_id, &master.0]))
    }

    /// msgAuthenticationParameters for `message`, whose own authentication parameters must
    /// be zeros of [`mac_len`](Self::mac_len) octets while it is signed (RFC 3414 §6.3.1).
    pub fn sign(self, key: &LocalizedKey, message: &[u8]) -> Vec<u8> {
        fn with<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
            let mut mac =
                <M as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        let k = &key.0;
        let mut full = match self {
            AuthProtocol::Md5 => with::<Hmac<md5::Md5>>(k, message),
            AuthProtocol::Sha1 => with::<Hmac<sha1::Sha1>>(k, message),
            AuthProtocol::Sha224 => with::<Hmac<sha2::Sha224>>(k, message),
            AuthProtocol::Sha256 => with::<Hmac<sha2::Sha256>>(k, message),
            AuthProtocol::Sha384 => with::<Hmac<sha2::Sha384>>(k, message),
            AuthProtocol::Sha512 => with::<Hmac<sha2::Sha512>>(k, message),
        };
        full.truncate(self.mac_len());
        full
    }

    /// Whether the message `message` carries `mac` as its authentication parameters at
    /// `at` (their content's range in the message): it is signed again with zeros there, and
    /// compared in constant time.
    pub fn verify(self, key: &LocalizedKey, message: &[u8], at: std::ops::Range<usize>) -> bool {
        let Some(mac) = message.get(at.clone()) else {
            return false;
        };
        if mac.len() != self.mac_len() {
            return false;
        }
        let mut zeroed = message.to_vec();
        zeroed[at].fill(0);
        let want = self.sign(key, &zeroed);
        want.iter().zip(mac).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl PrivProtocol {
    /// The AES protocols (DES, with the `des` feature, is not among them).
    pub const ALL: [PrivProtocol; 5] = [
        PrivProtocol::Aes128,
        PrivProtocol::Aes192,
        PrivProtocol::Aes256,
        PrivProtocol::Aes192C,
        PrivProtocol::Aes256C,
    ];

    /// Parses net-snmp's spelling (`-x`): `AES` (or `AES128`), `AES192`, `AES256`, `AES192C`,
    /// `AES256C`, in any case, dashes ignored.
    pub fn parse(name: &str) -> Result<PrivProtocol, UnknownProtocol> {
        let n = name.to_ascii_uppercase().replace('-', "");
        Ok(match n.as_str() {
            "AES" | "AES128" => PrivProtocol::Aes128,
            "AES192" => PrivProtocol::Aes192,
            "AES256" => PrivProtocol::Aes256,
            "AES192C" => PrivProtocol::Aes192C,
            "AES256C" => PrivProtocol::Aes256C,
            #[cfg(feature = "des")]
            "DES" => PrivProtocol::Des,
            #[cfg(not(feature = "des"))]
            "DES" => {
                return Err(UnknownProtocol {
                    what: "privacy",
                    name: name.to_owned(),
                    known: "AES, AES192, AES256, AES192C, AES256C; DES needs a build with the `des` feature",
                });
            }
            _ => {
                return Err(UnknownProtocol {
                    what: "privacy",
                    name: name.to_owned(),
                    known: "AES, AES192, AES256, AES192C, AES256C",
                });
            }
        })
    }

    /// The name as net-snmp spells it.
    pub fn name(self) -> &'static str {
        match self {
            PrivProtocol::Aes128 => "AES",
            PrivProtocol::Aes192 => "AES192",
            PrivProtocol::Aes256 => "AES256",
            PrivProtocol::Aes192C => "AES192C",
            PrivProtocol::Aes256C => "AES256C",
            #[cfg(feature = "des")]
            PrivProtocol::Des => "DES",
        }
    }

    /// The cipher's key length in octets.
    pub fn key_len(self) -> usize {
        match self {
            PrivProtocol::Aes128 => 16,
            PrivProtocol::Aes192 | PrivProtocol::Aes192C => 24,
            PrivProtocol::Aes256 | PrivProtocol::Aes256C => 32,
            // The DES key and the pre-IV (RFC 3414 §8.1.1.1).
            #[cfg(feature = "des")]
            PrivProtocol::Des => 16,
        }
    }

    /// The privacy key for an engine: the privacy password's master key localized with the
    /// authentication protocol's hash, extended to the cipher's key length when shorter (as
    /// the protocol's draft says) and cut to it.
    pub fn localize(
        self,
        auth: AuthProtocol,
        master: &MasterKey,
        engine_id: &[u8],
    ) -> LocalizedKey {
        let mut key = auth.localize(master, engine_id).0;
        while key.len() < self.key_len() {
            let more = match self {
                // Blumenthal: the hash of the key so far.
                PrivProtocol::Aes192 | PrivProtocol::Aes256 | PrivProtocol::Aes128 => {
                    auth.hash(&[&key])
                }
                // Every hash gives DES's 16 octets.
                #[cfg(feature = "des")]
                PrivProtocol::Des => auth.hash(&[&key]),
                // Reeder: the key so far taken as a password, expanded and localized.
                PrivProtocol::Aes192C | PrivProtocol::Aes256C => {
                    let master = MasterKey(auth.expand(&key));
                    auth.localize(&master, engine_id).0
                }
            };
            key.extend_from_slice(&more);
        }
        key.truncate(self.key_len());
        LocalizedKey(key)
    }

    /// Encrypts a scoped PDU's encoding in place (DES pads it to its block); returns
    /// msgPrivacyParameters (the salt). `salt` must differ for every message under one key
    /// (RFC 3826 §3.1.2.1: a counter; DES takes its low 32 bits after engineBoots).
    // A `Vec` for DES's padding; without the `des` feature only its slice is used.
    #[cfg_attr(not(feature = "des"), allow(clippy::ptr_arg))]
    pub fn encrypt(
        self,
        key: &LocalizedKey,
        boots: u32,
        time: u32,
        salt: u64,
        data: &mut Vec<u8>,
    ) -> [u8; 8] {
        #[cfg(feature = "des")]
        if self == PrivProtocol::Des {
            let salt = (u64::from(boots) << 32 | (salt & 0xffff_ffff)).to_be_bytes();
            des_cbc::encrypt(&key.0, &salt, data);
            return salt;
        }
        let salt = salt.to_be_bytes();
        aes_cfb::apply(&key.0, &iv(boots, time, &salt), data, true);
        salt
    }

    /// Decrypts an encryptedPDU in place with the boots and time of the message that carried
    /// it and its msgPrivacyParameters.
    pub fn decrypt(
        self,
        key: &LocalizedKey,
        boots: u32,
        time: u32,
        priv_params: &[u8],
        data: &mut [u8],
    ) -> Result<(), PrivError> {
        let salt: &[u8; 8] = priv_params
            .try_into()
            .map_err(|_| PrivError::BadSalt(priv_params.len()))?;
        #[cfg(feature = "des")]
        if self == PrivProtocol::Des {
            return des_cbc::decrypt(&key.0, salt, data);
        }
        aes_cfb::apply(&key.0, &iv(boots, time, salt), data, false);
        Ok(())
    }
}

/// The AES IV (RFC 3826 §3.1.2.1): engineBoots, engineTime (both big-endian) and the salt.
fn iv(boots: u32, time: u32, salt: &[u8; 8]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[..4].copy_from_slice(&boots.to_be_bytes());
    iv[4..8].copy_from_slice(&time.to_be_bytes());
    iv[8..].copy_from_slice(salt);
    iv
}

#[cfg(test)]
mod tests;
