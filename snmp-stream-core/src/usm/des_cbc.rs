//! DES in CBC mode as RFC 3414 §8.1.1 uses it (the `des` feature): the localized privacy key's
//! first 8 octets are the DES key, the next 8 the pre-IV, which XOR the salt makes the IV; the
//! plaintext is padded to the 8-octet block (the padding is ignored when the scoped PDU is
//! read).

use des::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};

use super::PrivError;

fn cipher_and_iv(key: &[u8], salt: &[u8; 8]) -> (des::Des, [u8; 8]) {
    let cipher = des::Des::new_from_slice(&key[..8]).expect("8 octets");
    let mut iv = [0u8; 8];
    for (i, b) in iv.iter_mut().enumerate() {
        *b = key[8 + i] ^ salt[i];
    }
    (cipher, iv)
}

/// Pads `data` to the block and encrypts it in place.
pub(super) fn encrypt(key: &[u8], salt: &[u8; 8], data: &mut Vec<u8>) {
    let (cipher, mut chain) = cipher_and_iv(key, salt);
    data.resize(data.len().div_ceil(8) * 8, 0);
    for block in data.chunks_exact_mut(8) {
        for (b, c) in block.iter_mut().zip(chain) {
            *b ^= c;
        }
        let mut b: [u8; 8] = (&*block).try_into().expect("8 octets");
        let arr = (&mut b).into();
        cipher.encrypt_block(arr);
        block.copy_from_slice(&b);
        chain = b;
    }
}

/// Decrypts `data` in place; its length must be a multiple of the block.
pub(super) fn decrypt(key: &[u8], salt: &[u8; 8], data: &mut [u8]) -> Result<(), PrivError> {
    if data.len() % 8 != 0 {
        return Err(PrivError::BadLength(data.len()));
    }
    let (cipher, mut chain) = cipher_and_iv(key, salt);
    for block in data.chunks_exact_mut(8) {
        let saved: [u8; 8] = (&*block).try_into().expect("8 octets");
        let mut b = saved;
        cipher.decrypt_block((&mut b).into());
        for (o, (p, c)) in block.iter_mut().zip(b.iter().zip(chain)) {
            *o = p ^ c;
        }
        chain = saved;
    }
    Ok(())
}
