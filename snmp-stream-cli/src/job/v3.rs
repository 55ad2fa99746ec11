//! A job file's SNMPv3 keys for one host, made into the user the CLI's flags would make
//! ([`V3Spec`]): the nearest level's keys, passwords read from where the keys say.

use std::path::Path;

use anyhow::bail;
use toml::Spanned;

use super::file::V3Text;
use super::settings::{Source, V3_KEYS};
use crate::security::V3Spec;

/// The SNMPv3 user the layered v3 keys give a host at `origin`, passwords read from where the
/// keys say (inline, an environment variable, a file relative to the job file).
pub(super) fn v3_spec(
    keys: &[Option<Spanned<V3Text>>; 12],
    src: &Source<'_>,
    base_dir: &Path,
    origin: &str,
) -> anyhow::Result<V3Spec> {
    let get = |name: &str| {
        let i = V3_KEYS.iter().position(|k| *k == name).expect("a v3 key");
        keys[i].as_ref()
    };
    let text = |name: &str| get(name).map(|v| v.get_ref().0.clone());
    let password = |inline: &str, env: &str, file: &str| -> anyhow::Result<Option<String>> {
        if let Some(p) = text(inline) {
            return Ok(Some(p));
        }
        if let Some(var) = get(env) {
            let name = &var.get_ref().0;
            return std::env::var(name).map(Some).map_err(|_| {
                src.err(
                    var.span(),
                    format_args!(
                        "`{env}`: the environment variable {name} is not set (or not UTF-8)"
                    ),
                )
            });
        }
        if let Some(f) = get(file) {
            let path = base_dir.join(&f.get_ref().0);
            let content = std::fs::read_to_string(&path).map_err(|e| {
                src.err(
                    f.span(),
                    format_args!("`{file}`: cannot read {}: {e}", path.display()),
                )
            })?;
            return Ok(Some(content.lines().next().unwrap_or_default().to_owned()));
        }
        Ok(None)
    };
    let Some(user) = text("user") else {
        bail!("{origin}: version 3 needs a `user`");
    };
    Ok(V3Spec {
        user,
        level: text("level"),
        auth_protocol: text("auth_protocol"),
        auth_password: password("auth_password", "auth_password_env", "auth_password_file")?,
        priv_protocol: text("priv_protocol"),
        priv_password: password("priv_password", "priv_password_env", "priv_password_file")?,
        context: text("context"),
        context_engine_id: text("context_engine_id"),
        engine_id: None,
        keys: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use snmp_stream_core::Security;

    use super::super::plan::load;

    #[test]
    fn v3_hosts_take_their_user_from_any_level_and_passwords_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("priv.secret"), "privpass123\n").unwrap();
        let path = dir.path().join("job.toml");
        std::fs::write(
            &path,
            r#"
version = "3"
user = "alice"
auth_protocol = "SHA-256"
auth_password = "authpass123"
priv_protocol = "AES256C"
priv_password_file = "priv.secret"
hosts = ["r1", { host = "r2", user = "bob", level = "authNoPriv" }, { host = "r3", version = "2c" }]
[[group]]
oids = ["sysName.0"]
kind = "get"
"#,
        )
        .unwrap();
        let plan = load(&path, None, snmp_stream_mib::MibSearch::bundled_only()).unwrap();
        let security = |i: usize| plan.requests[i].1.security().clone();
        let Security::Usm(alice) = security(0) else {
            panic!("r1 is not v3");
        };
        assert_eq!(alice.user(), b"alice");
        assert_eq!(
            alice.priv_protocol(),
            Some(snmp_stream_core::usm::PrivProtocol::Aes256C)
        );
        let Security::Usm(bob) = security(1) else {
            panic!("r2 is not v3");
        };
        assert_eq!(bob.user(), b"bob");
        assert_eq!(bob.priv_protocol(), None);
        assert!(matches!(security(2), Security::Community(_)));
        // A variable that is not set is named with its line.
        std::fs::write(
            &path,
            "version = \"3\"\nuser = \"u\"\nauth_password_env = \"SNMP_STREAM_TEST_UNSET_VAR\"\nhosts = [\"h\"]\n[[group]]\noids = [\"sysName.0\"]\n",
        )
        .unwrap();
        let e = format!(
            "{:#}",
            load(&path, None, snmp_stream_mib::MibSearch::bundled_only()).unwrap_err()
        );
        assert!(e.contains("line 3: `auth_password_env`: the environment variable SNMP_STREAM_TEST_UNSET_VAR is not set"), "{e}");
        // The parsed file never shows a password.
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed: super::super::file::JobFile = toml::from_str(&text).unwrap();
        assert!(!format!("{parsed:?}").contains("SNMP_STREAM_TEST"));
    }
}
