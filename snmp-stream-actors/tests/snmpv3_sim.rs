//! SNMPv3 against the simulator's own USM agent, over UDP and TCP on loopback: the records of
//! a v3 walk are those of the v2c walk of the same recording, and each mistake a user can make
//! is named.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use snmp_stream_actors::SessionManager;
use snmp_stream_actors::core::config::ConfigOverrides;
use snmp_stream_actors::core::usm::{AuthProtocol, Credentials, PrivProtocol};
use snmp_stream_actors::core::{
    CollectError, Community, Config, Host, Oid, Request, Response, Security, Status, Transport,
    UsmError,
};
use snmp_stream_sim::{Mib, Simulator, SimulatorConfig, SimulatorHandle};

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/snmpsim/recorded/linux-full-walk.snmprec"
);

fn alice(auth: AuthProtocol, privacy: PrivProtocol, priv_password: &str) -> Credentials {
    Credentials::builder("alice")
        .auth_password(auth, "authpass123")
        .unwrap()
        .priv_password(privacy, priv_password)
        .unwrap()
        .build()
        .unwrap()
}

fn start(users: &[Credentials]) -> SimulatorHandle {
    let mib = Arc::new(Mib::from_snmprec(&std::fs::read_to_string(RECORDING).unwrap()).unwrap());
    let mut config = SimulatorConfig::new().mib("public", mib).tcp(true);
    for u in users {
        config = config.v3_user(u.clone());
    }
    Simulator::start(config).unwrap()
}

fn quick() -> Config {
    ConfigOverrides::new()
        .retries(1)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

fn walk(addr: SocketAddr, transport: Transport, security: impl Into<Security>) -> Request {
    Request::walk(
        Host::ip(addr.ip(), addr.port()).with_transport(transport),
        security,
        vec!["1.3.6.1.2.1".parse::<Oid>().unwrap()],
    )
    .build()
    .unwrap()
}

fn collect(config: Config, request: Request) -> Response {
    let mut manager = SessionManager::new(config).unwrap();
    manager.add_request(request).unwrap();
    let mut all = Vec::new();
    while let Some(batch) = manager.run() {
        all.extend(batch);
    }
    assert_eq!(all.len(), 1);
    all.pop().unwrap()
}

fn records(r: &Response) -> Vec<(String, String)> {
    r.buffer
        .read()
        .unwrap()
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec.index().to_string(),
                format!("{:?}", rec.value().unwrap()),
            )
        })
        .collect()
}

fn errors(r: &Response) -> Vec<CollectError> {
    r.errors.iter().map(|e| e.error.clone()).collect()
}

#[test]
fn a_v3_walk_has_the_records_of_the_v2c_walk_over_udp_and_tcp() {
    let users = [
        alice(AuthProtocol::Sha256, PrivProtocol::Aes128, "privpass123"),
        Credentials::builder("bob")
            .auth_password(AuthProtocol::Md5, "authpass123")
            .unwrap()
            .priv_password(PrivProtocol::Aes256C, "privpass123")
            .unwrap()
            .build()
            .unwrap(),
        Credentials::no_auth("carol").unwrap(),
    ];
    let sim = start(&users);
    let addr = sim.addrs()[0];
    let v2c = collect(
        quick(),
        walk(addr, Transport::Udp, Community::v2c("public")),
    );
    assert_eq!(v2c.status, Status::Complete);
    let want = records(&v2c);
    assert!(want.len() > 2000, "{} records", want.len());
    for user in &users {
        for transport in [Transport::Udp, Transport::Tcp] {
            let r = collect(quick(), walk(addr, transport, user.clone()));
            assert_eq!(
                r.status,
                Status::Complete,
                "{user:?} {transport}: {:?}",
                r.errors
            );
            assert_eq!(records(&r), want, "{user:?} over {transport}");
        }
    }
}

#[test]
fn each_mistake_is_named() {
    let sim = start(&[alice(
        AuthProtocol::Sha1,
        PrivProtocol::Aes128,
        "privpass123",
    )]);
    let addr = sim.addrs()[0];
    let cases: [(Credentials, UsmError); 3] = [
        (
            Credentials::builder("alice")
                .auth_password(AuthProtocol::Sha1, "wrongpass123")
                .unwrap()
                .build()
                .unwrap(),
            UsmError::WrongDigest {
                user: "alice".into(),
            },
        ),
        (
            Credentials::no_auth("mallory").unwrap(),
            UsmError::UnknownUser {
                user: "mallory".into(),
            },
        ),
        (
            alice(AuthProtocol::Sha1, PrivProtocol::Aes128, "wrongpriv123"),
            UsmError::PrivacyLikelyWrong {
                user: "alice".into(),
                attempts: 2,
            },
        ),
    ];
    for (user, want) in cases {
        let r = collect(quick(), walk(addr, Transport::Udp, user));
        assert_eq!(r.status, Status::Failed);
        assert_eq!(errors(&r), [CollectError::Usm(want)]);
    }
    // A context the simulator has no recording for.
    let ctx = Credentials::builder("alice")
        .auth_password(AuthProtocol::Sha1, "authpass123")
        .unwrap()
        .context_name("no-such-recording")
        .build()
        .unwrap();
    let r = collect(quick(), walk(addr, Transport::Udp, ctx));
    assert!(
        matches!(&errors(&r)[..], [CollectError::Usm(UsmError::Refused { hint, .. })] if hint.contains("-n")),
        "{:?}",
        r.errors
    );
}
