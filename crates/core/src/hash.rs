//! The one content hash paperbrief uses for cache keys, template ids and store keys.

use sha2::{Digest, Sha256};

/// Hex sha256 of some bytes.
pub fn hex_sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_sha256_is_the_standard_digest() {
        assert_eq!(
            super::hex_sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
