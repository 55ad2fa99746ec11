//! The session's SNMPv3 machinery against a small USM agent written here on the core's own
//! message code, on a virtual clock: discovery once for every request, the time window and
//! its re-synchronisation, an agent that rebooted, and replies that are replayed, tampered
//! with or in the clear dropped and counted, never data.

use std::sync::Arc;
use std::time::{Duration, Instant};

use snmp_stream_core::ber::PduHeader;
use snmp_stream_core::ber::v3::{FLAG_AUTH, FLAG_PRIV, encode_scoped_pdu, read_v3_message};
use snmp_stream_core::config::ConfigOverrides;
use snmp_stream_core::engine::{Event, Session};
use snmp_stream_core::usm::Credentials;
use snmp_stream_core::{
    CollectError, Config, Host, Oid, Request, Response, Status, UsmError, Value,
};

mod usm_agent;
use usm_agent::{AUTH, Agent, ENGINE, PRIV};

fn alice(auth_password: &str) -> Credentials {
    Credentials::builder("alice")
        .auth_password(AUTH, auth_password)
        .unwrap()
        .priv_password(PRIV, "privpass123")
        .unwrap()
        .build()
        .unwrap()
}

fn get(user: &Credentials) -> Arc<Request> {
    Arc::new(
        Request::get(
            "192.0.2.1".parse::<Host>().unwrap(),
            user.clone(),
            vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()],
        )
        .build()
        .unwrap(),
    )
}

fn config() -> Config {
    ConfigOverrides::new()
        .retries(1)
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap()
}

/// Runs the session against `agent` with `tamper` applied to each reply (the reply and its
/// sequence number; `None` drops it) until it is idle; the responses and the virtual time.
fn run(
    session: &mut Session,
    agent: &mut Agent,
    start: Instant,
    mut tamper: impl FnMut(usize, Vec<u8>, &mut Agent) -> Vec<Vec<u8>>,
) -> (Vec<Response>, Duration) {
    let mut now = start;
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut replies = 0;
    for _ in 0..1000 {
        while let Some(t) = session.poll_transmit(now, &mut buf) {
            if let Some(reply) = agent.answer(&buf[..t.len]) {
                for r in tamper(replies, reply, agent) {
                    session.handle_datagram(now, &r);
                }
                replies += 1;
            }
        }
        while let Some(Event::Response(r)) = session.poll_event() {
            out.push(r);
        }
        if session.is_idle() {
            return (out, now - start);
        }
        match session.poll_timeout() {
            Some(at) => {
                now = now.max(at);
                session.handle_timeout(now);
            }
            None => panic!("a busy session with no timer"),
        }
    }
    panic!("the session never went idle");
}

fn start() -> Instant {
    #[allow(clippy::disallowed_methods)]
    Instant::now()
}

#[test]
fn discovery_and_proof_once_then_every_request_flows() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 1);
    let user = alice("authpass123");
    for _ in 0..3 {
        session.add_request(get(&user)).unwrap();
    }
    let mut agent = Agent::new();
    let (responses, took) = run(&mut session, &mut agent, t0, |_, r, _| vec![r]);
    assert_eq!(responses.len(), 3);
    for r in &responses {
        assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
        let buf = r.buffer.read().unwrap();
        let rec = buf.records().next().unwrap().unwrap();
        assert_eq!(rec.value().unwrap(), Value::OctetString(b"router-1"));
    }
    assert_eq!(agent.discoveries, 1);
    // Discovery, the proof, three GETs; no timer ran out.
    assert_eq!(session.stats().transmits, 5);
    assert_eq!(took, Duration::ZERO);
}

#[test]
fn an_agent_that_rebooted_is_resynchronised_and_the_request_resent_once() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 3);
    session.add_request(get(&alice("authpass123"))).unwrap();
    let mut agent = Agent::new();
    let (responses, took) = run(&mut session, &mut agent, t0, |i, r, agent| {
        // After the proof (reply 1) the agent reboots: boots up by one, time from 3.
        if i == 1 {
            agent.boots += 1;
            agent.time = 3;
        }
        vec![r]
    });
    let r = &responses[0];
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    assert_eq!(took, Duration::ZERO, "resent at once, not after a timeout");
    // Discovery, proof, the GET refused for its clock, the GET again.
    assert_eq!(session.stats().transmits, 4);
}

#[test]
fn a_clock_the_agent_keeps_refusing_fails_with_its_name() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 7);
    session.add_request(get(&alice("authpass123"))).unwrap();
    let mut agent = Agent::new();
    let (responses, _) = run(&mut session, &mut agent, t0, |i, r, agent| {
        // Every request after the proof is refused for its clock.
        if i >= 1 {
            agent.not_in_time = true;
        }
        vec![r]
    });
    let errors: Vec<&CollectError> = responses[0].errors.iter().map(|e| &e.error).collect();
    assert_eq!(
        errors,
        [&CollectError::Usm(UsmError::NotInTimeWindow {
            user: "alice".into()
        })]
    );
}

#[test]
fn tampered_replayed_and_clear_replies_are_dropped_never_data() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 4);
    session.add_request(get(&alice("authpass123"))).unwrap();
    let mut agent = Agent::new();
    let (responses, _) = run(&mut session, &mut agent, t0, |i, r, agent| {
        if i == 2 {
            // The GET's reply: a copy with one byte flipped first (fails authentication),
            // then the real one, then a replay of it (no PDU in flight any more).
            let mut bad = r.clone();
            let last = bad.len() - 1;
            bad[last] ^= 0x40;
            // And the same Response in the clear, unauthenticated: never data for a user who
            // authenticates.
            let id = read_v3_message(&r).unwrap().msg_id;
            let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
            let mut pdu = Vec::new();
            encode_scoped_pdu(
                &mut pdu,
                ENGINE,
                b"",
                &PduHeader::response(id, 0, 0),
                [(oid.sub_ids(), Value::OctetString(b"spoofed"))],
            );
            let clear = agent.message(id, 0, &mut pdu);
            vec![bad, clear, r.clone(), r]
        } else {
            vec![r]
        }
    });
    let r = &responses[0];
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    let buf = r.buffer.read().unwrap();
    let values: Vec<Value<'_>> = buf
        .records()
        .map(|rec| rec.unwrap().value().unwrap())
        .collect();
    assert_eq!(values, [Value::OctetString(b"router-1")]);
    assert_eq!(r.quirks.failed_authentication, 2);
    assert_eq!(session.stats().unknown_request_id, 1);
}

#[test]
fn an_authenticated_reply_from_outside_the_time_window_is_not_data() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 11);
    session.add_request(get(&alice("authpass123"))).unwrap();
    let mut agent = Agent::new();
    let (responses, _) = run(&mut session, &mut agent, t0, |i, r, agent| {
        if i != 2 {
            return vec![r];
        }
        // Before the GET's real reply, a correctly signed one from 200 s earlier in the
        // agent's clock (a replay of an old message would look so).
        let id = read_v3_message(&r).unwrap().msg_id;
        let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
        let mut pdu = Vec::new();
        encode_scoped_pdu(
            &mut pdu,
            ENGINE,
            b"",
            &PduHeader::response(id, 0, 0),
            [(oid.sub_ids(), Value::OctetString(b"old"))],
        );
        let now = agent.time;
        agent.time = now - 200;
        let old = agent.message(id, FLAG_AUTH | FLAG_PRIV, &mut pdu);
        agent.time = now;
        vec![old, r]
    });
    let r = &responses[0];
    assert_eq!(r.status, Status::Complete, "{:?}", r.errors);
    let buf = r.buffer.read().unwrap();
    let values: Vec<Value<'_>> = buf
        .records()
        .map(|rec| rec.unwrap().value().unwrap())
        .collect();
    assert_eq!(values, [Value::OctetString(b"router-1")]);
    assert_eq!(r.quirks.failed_authentication, 1);
}

#[test]
fn an_engine_whose_boots_reached_their_maximum_is_named_not_waited_for() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 12);
    session.add_request(get(&alice("authpass123"))).unwrap();
    let mut agent = Agent::new();
    agent.boots = i32::MAX as u32;
    let (responses, took) = run(&mut session, &mut agent, t0, |_, r, _| vec![r]);
    let errors: Vec<&CollectError> = responses[0].errors.iter().map(|e| &e.error).collect();
    assert_eq!(errors, [&CollectError::Usm(UsmError::BootsAtMaximum)]);
    assert_eq!(took, Duration::ZERO);
    assert_eq!(session.stats().transmits, 1, "only the discovery");
}

#[test]
fn a_wrong_password_is_named_after_one_exchange() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 5);
    session.add_request(get(&alice("wrongpass123"))).unwrap();
    let mut agent = Agent::new();
    let (responses, took) = run(&mut session, &mut agent, t0, |_, r, _| vec![r]);
    let r = &responses[0];
    assert_eq!(r.status, Status::Failed);
    let errors: Vec<&CollectError> = r.errors.iter().map(|e| &e.error).collect();
    assert_eq!(
        errors,
        [&CollectError::Usm(UsmError::WrongDigest {
            user: "alice".into()
        })]
    );
    assert_eq!(took, Duration::ZERO);
}

#[test]
fn engine_ids_that_keep_changing_end_in_an_error_not_a_loop() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 8);
    session.add_request(get(&alice("authpass123"))).unwrap();
    let mut agent = Agent::new();
    let (responses, _) = run(&mut session, &mut agent, t0, |i, r, agent| {
        if i == 0 {
            return vec![r];
        }
        // Every later answer: "unknown engine ID", from yet another engine.
        let id = read_v3_message(&r).unwrap().msg_id;
        agent.engine = vec![i as u8; 6];
        vec![agent.report(id, "4.0", 0)]
    });
    let errors: Vec<&CollectError> = responses[0].errors.iter().map(|e| &e.error).collect();
    assert_eq!(errors, [&CollectError::Usm(UsmError::UnknownEngineId)]);
    assert!(session.stats().transmits <= 5, "{:?}", session.stats());
}

#[test]
fn an_engine_id_given_beforehand_spares_discovery_and_a_wrong_one_is_corrected() {
    let t0 = start();
    let user = |engine: &[u8]| {
        Credentials::builder("alice")
            .auth_password(AUTH, "authpass123")
            .unwrap()
            .priv_password(PRIV, "privpass123")
            .unwrap()
            .engine_id(engine)
            .build()
            .unwrap()
    };
    let mut session = Session::new(config(), t0, 0, 9);
    session.add_request(get(&user(ENGINE))).unwrap();
    let mut agent = Agent::new();
    let (responses, took) = run(&mut session, &mut agent, t0, |_, r, _| vec![r]);
    assert_eq!(
        responses[0].status,
        Status::Complete,
        "{:?}",
        responses[0].errors
    );
    assert_eq!(agent.discoveries, 0);
    // The proof (refused for its clock, which it then learns), the proof again, the GET.
    assert!(session.stats().transmits <= 3, "{:?}", session.stats());
    assert_eq!(took, Duration::ZERO);

    let mut session = Session::new(config(), t0, 0, 10);
    session.add_request(get(&user(b"not-the-engine"))).unwrap();
    let mut agent = Agent::new();
    let (responses, _) = run(&mut session, &mut agent, t0, |_, r, _| vec![r]);
    assert_eq!(
        responses[0].status,
        Status::Complete,
        "{:?}",
        responses[0].errors
    );
}

#[test]
fn an_agent_that_never_answers_discovery_fails_after_its_retries() {
    let t0 = start();
    let mut session = Session::new(config(), t0, 0, 6);
    session.add_request(get(&alice("authpass123"))).unwrap();
    let mut agent = Agent::new();
    let (responses, took) = run(&mut session, &mut agent, t0, |_, _, _| Vec::new());
    let errors: Vec<&CollectError> = responses[0].errors.iter().map(|e| &e.error).collect();
    assert_eq!(
        errors,
        [&CollectError::Usm(UsmError::NoDiscovery { attempts: 2 })]
    );
    assert_eq!(took, Duration::from_secs(2));
}
