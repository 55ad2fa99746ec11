//! Keys are made once per password, not per host: 10,000 sessions (one per host) for one
//! SNMPv3 user, each discovering its agent's engine and walking to the end, and the process
//! has expanded a password to a key only for the user's two passwords (and the test agent's).
//! A file of its own, so that no other test's keys are counted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_stream_core::config::ConfigOverrides;
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::usm::{self, Credentials};
use snmp_stream_core::{Host, Request, Status};

mod usm_agent;
use usm_agent::{AUTH, Agent, PRIV};

#[test]
fn ten_thousand_hosts_with_one_user_expand_its_passwords_once() {
    let before = usm::expansions();
    let mut agent = Agent::new();
    let user = Credentials::builder("alice")
        .auth_password(AUTH, "authpass123")
        .unwrap()
        .priv_password(PRIV, "privpass123")
        .unwrap()
        .build()
        .unwrap();
    // Two for the test agent's keys, two for the user's: nothing else from here on.
    assert_eq!(usm::expansions() - before, 4);
    let config = ConfigOverrides::new()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now();
    let mut buf = Vec::new();
    for host in 0..10_000u32 {
        let addr = std::net::Ipv4Addr::from(0x0a00_0000 | host);
        let request = Request::get(
            Host::ip(addr.into(), 161),
            user.clone(),
            vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()],
        )
        .build()
        .unwrap();
        let mut session = Session::new(config.clone(), now, 0, u64::from(host));
        session.add_request(Arc::new(request)).unwrap();
        // Discovery, the proof, the GET: each answered at once.
        while let Some(t) = session.poll_transmit(now, &mut buf) {
            if let Some(reply) = agent.answer(&buf[..t.len]) {
                session.handle_datagram(now, &reply);
            }
        }
        match session.poll_event() {
            Some(Event::Response(r)) => assert_eq!(r.status, Status::Complete, "{:?}", r.errors),
            other => panic!("host {host}: {other:?}"),
        }
    }
    assert_eq!(
        usm::expansions() - before,
        4,
        "a password was expanded per host"
    );
}
