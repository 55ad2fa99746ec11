use super::*;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 3414 A.3: password `maplesyrup`, engineID 00…02.
const ENGINE: &str = "000000000000000000000002";

#[test]
fn rfc_3414_md5_key_vectors() {
    let ku = AuthProtocol::Md5.password_to_key(b"maplesyrup").unwrap();
    assert_eq!(ku.as_bytes(), hex("9faf3283884e92834ebc9847d8edd963"));
    let kul = AuthProtocol::Md5.localize(&ku, &hex(ENGINE));
    assert_eq!(kul.as_bytes(), hex("526f5eed9fcce26f8964c2930787d82b"));
}

#[test]
fn rfc_3414_sha1_key_vectors() {
    let ku = AuthProtocol::Sha1.password_to_key(b"maplesyrup").unwrap();
    assert_eq!(
        ku.as_bytes(),
        hex("9fb5cc0381497b3793528939ff788d5d79145211")
    );
    let kul = AuthProtocol::Sha1.localize(&ku, &hex(ENGINE));
    assert_eq!(
        kul.as_bytes(),
        hex("6695febc9288e36282235fc7151f128497b38f3f")
    );
}

#[test]
fn nist_cfb128_aes128_vector() {
    // SP 800-38A F.3.13, the first block; then a short last segment decrypts back.
    let key = LocalizedKey(hex("2b7e151628aed2a6abf7158809cf4f3c"));
    let iv: [u8; 16] = hex("000102030405060708090a0b0c0d0e0f").try_into().unwrap();
    let mut data = hex("6bc1bee22e409f96e93d7e117393172a");
    aes_cfb::apply(&key.0, &iv, &mut data, true);
    assert_eq!(data, hex("3b3fd92eb72dad20333449f8e83cfb4a"));
    let plain = b"a scoped PDU of 37 octets, say, or so".to_vec();
    let mut data = plain.clone();
    aes_cfb::apply(&key.0, &iv, &mut data, true);
    assert_ne!(data, plain);
    aes_cfb::apply(&key.0, &iv, &mut data, false);
    assert_eq!(data, plain);
}

#[test]
fn every_privacy_protocol_round_trips_and_keys_have_their_length() {
    let engine = hex("80001f8880aabbccdd");
    for auth in AuthProtocol::ALL {
        let master = auth.password_to_key(b"privpass123").unwrap();
        assert_eq!(master.as_bytes().len(), auth.digest_len());
        for p in PrivProtocol::ALL {
            let key = p.localize(auth, &master, &engine);
            assert_eq!(key.as_bytes().len(), p.key_len(), "{auth:?} {p:?}");
            let plain = b"0123456789abcdef0123456789".to_vec();
            let mut data = plain.clone();
            let salt = p.encrypt(&key, 7, 1234, 42, &mut data);
            assert_ne!(data, plain);
            p.decrypt(&key, 7, 1234, &salt, &mut data).unwrap();
            assert_eq!(data, plain, "{auth:?} {p:?}");
        }
    }
    // The two extensions agree on the localized key's own octets and differ after them.
    let auth = AuthProtocol::Sha1;
    let master = auth.password_to_key(b"privpass123").unwrap();
    let b = PrivProtocol::Aes256.localize(auth, &master, &engine);
    let r = PrivProtocol::Aes256C.localize(auth, &master, &engine);
    assert_eq!(b.as_bytes()[..20], r.as_bytes()[..20]);
    assert_ne!(b.as_bytes()[20..], r.as_bytes()[20..]);
}

#[test]
fn signatures_verify_and_any_change_fails_them() {
    let engine = hex(ENGINE);
    for auth in AuthProtocol::ALL {
        let key = auth.localize(&auth.password_to_key(b"maplesyrup").unwrap(), &engine);
        let mut message = vec![0x30, 0x10, 1, 2, 3];
        let at = message.len()..message.len() + auth.mac_len();
        message.resize(at.end + 4, 0);
        let mac = auth.sign(&key, &message);
        assert_eq!(mac.len(), auth.mac_len());
        message[at.clone()].copy_from_slice(&mac);
        assert!(auth.verify(&key, &message, at.clone()), "{auth:?}");
        let mut changed = message.clone();
        changed[2] ^= 1;
        assert!(!auth.verify(&key, &changed, at.clone()));
        assert!(!auth.verify(&key, &message, at.start..at.end - 1));
        assert!(!auth.verify(&key, &message, at.start..message.len() + 1));
    }
}

#[test]
fn bad_passwords_keys_and_names_say_why() {
    assert_eq!(
        AuthProtocol::Md5.password_to_key(b"short").unwrap_err(),
        KeyError::ShortPassword(5)
    );
    assert_eq!(
        MasterKey::from_bytes(AuthProtocol::Sha256, &[0; 20]).unwrap_err(),
        KeyError::WrongKeyLength {
            expected: 32,
            got: 20
        }
    );
    assert_eq!(
        AuthProtocol::parse("sha-256").unwrap(),
        AuthProtocol::Sha256
    );
    assert_eq!(AuthProtocol::parse("SHA").unwrap(), AuthProtocol::Sha1);
    assert_eq!(PrivProtocol::parse("aes").unwrap(), PrivProtocol::Aes128);
    assert_eq!(
        PrivProtocol::parse("AES256C").unwrap(),
        PrivProtocol::Aes256C
    );
    let e = PrivProtocol::parse("3DES").unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown privacy protocol `3DES` (known: AES, AES192, AES256, AES192C, AES256C)"
    );
    #[cfg(not(feature = "des"))]
    assert!(
        PrivProtocol::parse("DES")
            .unwrap_err()
            .to_string()
            .contains("DES needs a build with the `des` feature")
    );
    for p in AuthProtocol::ALL {
        assert_eq!(AuthProtocol::parse(p.name()).unwrap(), p);
    }
    for p in PrivProtocol::ALL {
        assert_eq!(PrivProtocol::parse(p.name()).unwrap(), p);
    }
    // No secret in Debug output.
    let key = AuthProtocol::Md5.password_to_key(b"maplesyrup").unwrap();
    assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
}

#[cfg(feature = "des")]
#[test]
fn des_pads_to_its_block_and_round_trips() {
    let auth = AuthProtocol::Md5;
    let master = auth.password_to_key(b"privpass123").unwrap();
    let key = PrivProtocol::Des.localize(auth, &master, &hex(ENGINE));
    assert_eq!(key.as_bytes().len(), 16);
    let plain = b"thirteen char".to_vec();
    let mut data = plain.clone();
    let salt = PrivProtocol::Des.encrypt(&key, 5, 0, 0x1_0000_0007, &mut data);
    // engineBoots, then the counter's low 32 bits (RFC 3414 §8.1.1.1).
    assert_eq!(salt, [0, 0, 0, 5, 0, 0, 0, 7]);
    assert_eq!(data.len(), 16);
    PrivProtocol::Des
        .decrypt(&key, 5, 0, &salt, &mut data)
        .unwrap();
    assert_eq!(&data[..plain.len()], &plain[..]);
    assert_eq!(
        PrivProtocol::Des.decrypt(&key, 5, 0, &salt, &mut [0u8; 7]),
        Err(PrivError::BadLength(7))
    );
    assert_eq!(PrivProtocol::parse("des").unwrap(), PrivProtocol::Des);
}
