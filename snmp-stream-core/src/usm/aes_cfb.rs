//! AES in CFB mode with 128-bit feedback (NIST SP 800-38A §6.3), as RFC 3826 uses it: no
//! padding, the last segment as long as what is left.

use aes::cipher::consts::U16;
use aes::cipher::{BlockCipherEncrypt, KeyInit};

/// Encrypts (`encrypt`) or decrypts `data` in place with `key` (16, 24 or 32 octets).
pub(super) fn apply(key: &[u8], iv: &[u8; 16], data: &mut [u8], encrypt: bool) {
    match key.len() {
        16 => run(
            &aes::Aes128::new_from_slice(key).expect("16 octets"),
            iv,
            data,
            encrypt,
        ),
        24 => run(
            &aes::Aes192::new_from_slice(key).expect("24 octets"),
            iv,
            data,
            encrypt,
        ),
        32 => run(
            &aes::Aes256::new_from_slice(key).expect("32 octets"),
            iv,
            data,
            encrypt,
        ),
        n => unreachable!("the privacy protocols make keys of 16, 24 or 32 octets, not {n}"),
    }
}

fn run<C: BlockCipherEncrypt<BlockSize = U16>>(
    cipher: &C,
    iv: &[u8; 16],
    data: &mut [u8],
    encrypt: bool,
) {
    let mut feedback = *iv;
    for segment in data.chunks_mut(16) {
        let mut stream = feedback.into();
        cipher.encrypt_block(&mut stream);
        let stream: [u8; 16] = stream.into();
        let mut next = [0u8; 16];
        for (i, b) in segment.iter_mut().enumerate() {
            let cipher_byte = if encrypt { *b ^ stream[i] } else { *b };
            next[i] = cipher_byte;
            *b ^= stream[i];
        }
        feedback = next;
    }
}
