//! SNMPv3 against net-snmp's `snmpd` (started here on a free loopback port with users of its
//! own): what a user gets wrong becomes an error that names the user and what to check, never
//! a hang or a silent timeout; discovery runs once per host for all its requests.
//!
//! Full walks at each security level, compared record for record with `snmpbulkwalk`, are in
//! `collector.rs`.

use std::time::Duration;

use snmp_stream_actors::SessionManager;
use snmp_stream_actors::core::config::ConfigOverrides;
use snmp_stream_actors::core::usm::{AuthProtocol, Credentials, PrivProtocol};
use snmp_stream_actors::core::{
    CollectError, Config, Oid, Request, Response, Status, Transport, UsmError,
};
use snmp_stream_tests::snmpd::Snmpd;

const CONF: &str = "\\
createUser alice SHA-256 authpass123 AES privpass123
createUser bob MD5 authpass123
rouser alice priv
rouser bob auth
";

const SYS_NAME: &str = "1.3.6.1.2.1.1.5.0";

fn alice(auth_password: &str, priv_password: &str) -> Credentials {
    Credentials::builder("alice")
        .auth_password(AuthProtocol::Sha256, auth_password)
        .unwrap()
        .priv_password(PrivProtocol::Aes128, priv_password)
        .unwrap()
        .build()
        .unwrap()
}

fn quick() -> Config {
    ConfigOverrides::new()
        .retries(1)
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap()
}

/// GETs sysName.0 from `snmpd` as each of `users`; the responses in order.
fn get(snmpd: &Snmpd, users: &[Credentials], config: Config) -> (Vec<Response>, SessionManager) {
    let mut manager = SessionManager::new(config).unwrap();
    for (i, u) in users.iter().enumerate() {
        let r = Request::get(
            snmpd.host(Transport::Udp),
            u.clone(),
            vec![SYS_NAME.parse::<Oid>().unwrap()],
        )
        .req_id(format!("r{i}"))
        .build()
        .unwrap();
        manager.add_request(r).unwrap();
    }
    let mut all = Vec::new();
    while let Some(batch) = manager.run() {
        all.extend(batch);
    }
    all.sort_by_key(|r| r.request.req_id().to_vec());
    (all, manager)
}

fn errors(r: &Response) -> Vec<CollectError> {
    r.errors.iter().map(|e| e.error.clone()).collect()
}

#[test]
fn a_get_as_each_user_and_one_discovery_for_all() {
    let Some(snmpd) = Snmpd::start(CONF) else {
        return;
    };
    let bob = Credentials::builder("bob")
        .auth_password(AuthProtocol::Md5, "authpass123")
        .unwrap()
        .build()
        .unwrap();
    let a = alice("authpass123", "privpass123");
    let users = [a.clone(), a.clone(), a, bob];
    let patient = ConfigOverrides::new()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let (responses, manager) = get(&snmpd, &users, patient);
    for r in &responses {
        assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
        assert_eq!(r.buffer.read().unwrap().records().count(), 1);
    }
    // One discovery, one proof per user (alice, bob), one GET per request: nothing again.
    let stats = manager.stats();
    assert_eq!(stats.transmits, 1 + 2 + 4, "{stats:?}");
}

#[test]
fn a_wrong_authentication_password_says_so_at_once() {
    let Some(snmpd) = Snmpd::start(CONF) else {
        return;
    };
    let wrong = alice("wrongpass123", "privpass123");
    let (responses, manager) = get(&snmpd, &[wrong], quick());
    let r = &responses[0];
    assert_eq!(r.status, Status::Failed);
    assert_eq!(
        errors(r),
        [CollectError::Usm(UsmError::WrongDigest {
            user: "alice".into()
        })]
    );
    assert!(
        r.errors[0]
            .error
            .to_string()
            .contains("wrong authentication password or protocol"),
        "{}",
        r.errors[0].error
    );
    // At once: discovery and the proof, no retry, no timeout.
    let stats = manager.stats();
    assert_eq!((stats.transmits, stats.timeouts), (2, 0), "{stats:?}");
}

#[test]
fn an_unknown_user_is_named() {
    let Some(snmpd) = Snmpd::start(CONF) else {
        return;
    };
    let mallory = Credentials::builder("mallory")
        .auth_password(AuthProtocol::Sha1, "authpass123")
        .unwrap()
        .build()
        .unwrap();
    let (responses, _) = get(&snmpd, &[mallory], quick());
    assert_eq!(
        errors(&responses[0]),
        [CollectError::Usm(UsmError::UnknownUser {
            user: "mallory".into()
        })]
    );
}

#[test]
fn a_wrong_privacy_password_is_named_as_the_likely_cause_of_the_timeout() {
    let Some(snmpd) = Snmpd::start(CONF) else {
        return;
    };
    let (responses, _) = get(&snmpd, &[alice("authpass123", "wrongpriv123")], quick());
    let r = &responses[0];
    assert_eq!(r.status, Status::Failed);
    assert_eq!(
        errors(r),
        [CollectError::Usm(UsmError::PrivacyLikelyWrong {
            user: "alice".into(),
            attempts: 2
        })]
    );
    let text = r.errors[0].error.to_string();
    assert!(
        text.contains("wrong privacy password or protocol"),
        "{text}"
    );
}

#[test]
fn a_level_the_user_does_not_have_is_refused_with_its_name() {
    let Some(snmpd) = Snmpd::start(CONF) else {
        return;
    };
    // bob has no privacy key on the agent.
    let bob = Credentials::builder("bob")
        .auth_password(AuthProtocol::Md5, "authpass123")
        .unwrap()
        .priv_password(PrivProtocol::Aes128, "privpass123")
        .unwrap()
        .build()
        .unwrap();
    let (responses, _) = get(&snmpd, &[bob], quick());
    let e = errors(&responses[0]);
    assert!(
        matches!(&e[..], [CollectError::Usm(UsmError::UnsupportedSecurityLevel { user, .. } | UsmError::PrivacyLikelyWrong { user, .. })] if user == "bob"),
        "{e:?}"
    );
}

#[test]
fn no_snmpv3_agent_fails_discovery_with_what_to_check() {
    // A port nothing answers on.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let host = snmp_stream_actors::core::Host::ip(addr.ip(), addr.port());
    let r = Request::get(
        host,
        alice("authpass123", "privpass123"),
        vec![SYS_NAME.parse().unwrap()],
    )
    .build()
    .unwrap();
    let mut manager = SessionManager::new(quick()).unwrap();
    manager.add_request(r).unwrap();
    let mut all = Vec::new();
    while let Some(batch) = manager.run() {
        all.extend(batch);
    }
    assert_eq!(
        errors(&all[0]),
        [CollectError::Usm(UsmError::NoDiscovery { attempts: 2 })]
    );
    assert!(all[0].errors[0].error.to_string().contains("speaks SNMPv3"));
}

/// One user per authentication × privacy protocol, named after both.
fn combination_users() -> Vec<(String, AuthProtocol, PrivProtocol)> {
    let mut users = Vec::new();
    for a in AuthProtocol::ALL {
        // DES too: this package enables core's `des` feature.
        for p in PrivProtocol::ALL.into_iter().chain([PrivProtocol::Des]) {
            let name = format!("{}-{}", a.name(), p.name()).to_lowercase();
            users.push((name, a, p));
        }
    }
    users
}

#[test]
fn every_auth_and_priv_protocol_walks_what_snmpbulkwalk_walks() {
    let users = combination_users();
    let mut conf = String::new();
    for (name, a, p) in &users {
        conf += &format!(
            "createUser {name} {} authpass123 {} privpass123\n",
            a.name(),
            p.name()
        );
        conf += &format!("rouser {name} priv\n");
    }
    let Some(snmpd) = Snmpd::start(&conf) else {
        return;
    };
    if !snmp_stream_tests::net_snmp::have("snmpbulkwalk") {
        return;
    }
    // sysORTable: static, so both walks see the same values.
    let table = "1.3.6.1.2.1.1.9";
    let target = snmpd.addr.to_string();
    // Patient: 30 users' keys are localized (the C variants expand a megabyte each) on the
    // host's thread between replies, slow in a debug build.
    let patient = ConfigOverrides::new()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut manager = SessionManager::new(patient).unwrap();
    for (name, a, p) in &users {
        let user = Credentials::builder(name.as_bytes())
            .auth_password(*a, "authpass123")
            .unwrap()
            .priv_password(*p, "privpass123")
            .unwrap()
            .build()
            .unwrap();
        let r = Request::walk(
            snmpd.host(Transport::Udp),
            user,
            vec![table.parse().unwrap()],
        )
        .req_id(name.as_bytes())
        .build()
        .unwrap();
        manager.add_request(r).unwrap();
    }
    let mut responses = Vec::new();
    while let Some(batch) = manager.run() {
        responses.extend(batch);
    }
    assert_eq!(responses.len(), users.len());
    for r in &responses {
        let name = String::from_utf8_lossy(r.request.req_id()).into_owned();
        let (_, a, p) = users.iter().find(|u| u.0 == name).unwrap();
        assert_eq!(r.status, Status::Complete, "{name}: {:?}", r.errors);
        let mut args = vec!["-v3", "-u", &name, "-l", "authPriv", "-a", a.name()];
        args.extend(["-A", "authpass123", "-x", p.name(), "-X", "privpass123"]);
        args.extend(snmp_stream_tests::net_snmp::OUTPUT_OPTIONS);
        args.extend(["-t", "3", "-r", "1", &target, table]);
        let theirs = snmp_stream_tests::net_snmp::walk("snmpbulkwalk", &args);
        assert!(
            theirs.len() >= 8,
            "{name}: snmpbulkwalk walked {}",
            theirs.len()
        );
        let buf = r.buffer.read().unwrap();
        let ours: Vec<(String, snmp_stream_tests::net_snmp::Printed)> = buf
            .records()
            .map(|rec| {
                let rec = rec.unwrap();
                let oid = format!("{table}.{}", rec.index());
                (
                    oid,
                    snmp_stream_tests::net_snmp::printed(&rec.value().unwrap()),
                )
            })
            .collect();
        assert_eq!(ours, theirs, "{name}");
    }
}

#[test]
fn a_wrong_authentication_protocol_is_a_wrong_digest() {
    let Some(snmpd) = Snmpd::start(CONF) else {
        return;
    };
    let sha1 = Credentials::builder("alice")
        .auth_password(AuthProtocol::Sha1, "authpass123")
        .unwrap()
        .priv_password(PrivProtocol::Aes128, "privpass123")
        .unwrap()
        .build()
        .unwrap();
    let (responses, _) = get(&snmpd, &[sha1], quick());
    assert_eq!(
        errors(&responses[0]),
        [CollectError::Usm(UsmError::WrongDigest {
            user: "alice".into()
        })]
    );
}
