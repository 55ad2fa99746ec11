//! SNMPv3 messages as net-snmp's `snmpget` sends them, read and checked with the core's USM
//! code: for every authentication protocol (MD5, SHA, SHA-224 … SHA-512) and every privacy
//! protocol (DES, AES, AES192, AES256, AES192C, AES256C), the request `snmpget -v3 -l authPriv`
//! sends to a socket of ours is parsed, its HMAC verifies with the key made from the password,
//! fails with another password, and its encryptedPDU decrypts to the GetRequest asked for.
//!
//! `snmpget` comes from Debian's `snmp` package (`.ci/run` installs it). Without it the test
//! says why and passes, unless `CI` is set.

use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::Duration;

use snmp_stream_core::ber::PduType;
use snmp_stream_core::ber::v3::{
    FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE, ScopedPduData, read_scoped_pdu, read_v3_message,
};
use snmp_stream_core::usm::{AuthProtocol, PrivProtocol};

const ENGINE_ID: &str = "80001f8880aabbccdd";
const USER: &str = "alice";
const AUTH_PASSWORD: &str = "authpass123";
const PRIV_PASSWORD: &str = "privpass123";
const SYS_NAME: &str = "1.3.6.1.2.1.1.5.0";

fn have_snmpget() -> bool {
    let ok = Command::new("snmpget")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = "`snmpget` cannot be run: install net-snmp's tools (Debian package `snmp`)";
        assert!(std::env::var_os("CI").is_none(), "CI is set and {why}");
        eprintln!("skipping: {why}");
    }
    ok
}

/// The first datagram `snmpget` sends with `args` (after `-v3`) to a socket of ours.
fn captured(args: &[&str]) -> Vec<u8> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let target = socket.local_addr().unwrap().to_string();
    let mut child = Command::new("snmpget")
        .arg("-v3")
        .args(args)
        .args(["-e", ENGINE_ID, "-r", "0", "-t", "5", &target, SYS_NAME])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("snmpget starts");
    let mut buf = vec![0u8; 65_535];
    let got = socket.recv(&mut buf);
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let n = got.unwrap_or_else(|e| {
        panic!(
            "snmpget {args:?} sent nothing ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    buf.truncate(n);
    buf
}

fn engine_id() -> Vec<u8> {
    (0..ENGINE_ID.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&ENGINE_ID[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn net_snmp_auth_priv_requests_verify_and_decrypt() {
    if !have_snmpget() {
        return;
    }
    let engine = engine_id();
    for auth in AuthProtocol::ALL {
        let auth_key = auth.localize(
            &auth.password_to_key(AUTH_PASSWORD.as_bytes()).unwrap(),
            &engine,
        );
        let wrong_key = auth.localize(&auth.password_to_key(b"not the password").unwrap(), &engine);
        let priv_master = auth.password_to_key(PRIV_PASSWORD.as_bytes()).unwrap();
        // DES too: this package enables core's `des` feature.
        for p in PrivProtocol::ALL.into_iter().chain([PrivProtocol::Des]) {
            let what = format!("-a {} -x {}", auth.name(), p.name());
            let datagram = captured(&[
                "-u",
                USER,
                "-l",
                "authPriv",
                "-a",
                auth.name(),
                "-A",
                AUTH_PASSWORD,
                "-x",
                p.name(),
                "-X",
                PRIV_PASSWORD,
            ]);
            let msg = read_v3_message(&datagram).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(msg.flags, FLAG_AUTH | FLAG_PRIV | FLAG_REPORTABLE, "{what}");
            assert_eq!(msg.usm.engine_id, &engine[..], "{what}");
            assert_eq!(msg.usm.user_name, USER.as_bytes(), "{what}");
            assert_eq!(msg.usm.auth_params.len(), auth.mac_len(), "{what}");
            assert!(
                auth.verify(&auth_key, &datagram, msg.auth_params_at.clone()),
                "{what}: the HMAC does not verify"
            );
            assert!(
                !auth.verify(&wrong_key, &datagram, msg.auth_params_at.clone()),
                "{what}: verifies with another password"
            );
            let ScopedPduData::Encrypted(encrypted) = msg.data else {
                panic!("{what}: the scoped PDU is not encrypted");
            };
            let priv_key = p.localize(auth, &priv_master, &engine);
            let mut plain = encrypted.to_vec();
            let boots = u32::try_from(msg.usm.engine_boots).unwrap();
            let time = u32::try_from(msg.usm.engine_time).unwrap();
            p.decrypt(&priv_key, boots, time, msg.usm.priv_params, &mut plain)
                .unwrap();
            let scoped =
                read_scoped_pdu(&plain).unwrap_or_else(|e| panic!("{what}: decrypts to junk: {e}"));
            assert_eq!(scoped.context_engine_id, &engine[..], "{what}");
            assert_eq!(scoped.pdu.pdu_type, PduType::GetRequest, "{what}");
            let vb = scoped.pdu.varbinds().next().unwrap().unwrap();
            assert_eq!(vb.oid.to_oid().to_string(), SYS_NAME, "{what}");
        }
    }
}

#[test]
fn net_snmp_plain_requests_read_with_and_without_authentication() {
    if !have_snmpget() {
        return;
    }
    let engine = engine_id();
    let datagram = captured(&["-u", USER, "-l", "noAuthNoPriv"]);
    let msg = read_v3_message(&datagram).unwrap();
    assert_eq!(msg.flags, FLAG_REPORTABLE);
    assert!(msg.usm.auth_params.is_empty() && msg.usm.priv_params.is_empty());
    let ScopedPduData::Plaintext(plain) = msg.data else {
        panic!("noAuthNoPriv encrypted its PDU");
    };
    let scoped = read_scoped_pdu(plain).unwrap();
    assert_eq!(scoped.pdu.pdu_type, PduType::GetRequest);

    let datagram = captured(&[
        "-u",
        USER,
        "-l",
        "authNoPriv",
        "-a",
        "SHA-256",
        "-A",
        AUTH_PASSWORD,
        "-n",
        "vlan-10",
    ]);
    let msg = read_v3_message(&datagram).unwrap();
    assert_eq!(msg.flags, FLAG_AUTH | FLAG_REPORTABLE);
    let auth = AuthProtocol::Sha256;
    let key = auth.localize(
        &auth.password_to_key(AUTH_PASSWORD.as_bytes()).unwrap(),
        &engine,
    );
    assert!(auth.verify(&key, &datagram, msg.auth_params_at.clone()));
    let ScopedPduData::Plaintext(plain) = msg.data else {
        panic!("authNoPriv encrypted its PDU");
    };
    assert_eq!(read_scoped_pdu(plain).unwrap().context_name, b"vlan-10");
}
