//! Embeddings kept by content: a vector is stored under the SHA-256 of its model and text, one
//! file per model (`{dir}/{model digest}.vec`), so a 5,000-item library is embedded once, a
//! paper once per version of its text, and vectors of one model are never compared with
//! another's. The file is a sequence of records — 32 bytes of digest, a little-endian `u32`
//! dimension, that many little-endian `f32` — rewritten atomically when new vectors come in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use paperbrief_core::fs::{Visibility, atomic_write};
use paperbrief_core::hash::hex_sha256;

use crate::error::InterestsError;

/// The vectors of one model.
#[derive(Debug, Clone, Default)]
pub struct VectorCache {
    path: Option<PathBuf>,
    model: String,
    vectors: HashMap<[u8; 32], Vec<f32>>,
    dirty: bool,
}

impl VectorCache {
    /// The cache of `model` under `dir` (read when it exists; a damaged file is started afresh).
    pub fn open(dir: &Path, model: &str) -> Self {
        let path = dir.join(format!("{}.vec", &hex_sha256(model.as_bytes())[..16]));
        let vectors = std::fs::read(&path)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_default();
        Self {
            path: Some(path),
            model: model.to_owned(),
            vectors,
            dirty: false,
        }
    }

    /// A cache kept in memory only (tests, a dry run).
    pub fn in_memory(model: &str) -> Self {
        Self {
            model: model.to_owned(),
            ..Self::default()
        }
    }

    /// The vector of `text`, if it was embedded before.
    pub fn get(&self, text: &str) -> Option<&[f32]> {
        self.vectors.get(&self.key(text)).map(Vec::as_slice)
    }

    /// Keeps the vector of `text`.
    pub fn put(&mut self, text: &str, vector: Vec<f32>) {
        let key = self.key(text);
        self.vectors.insert(key, vector);
        self.dirty = true;
    }

    /// How many vectors it holds.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// Writes the file when vectors were added (atomically, private to the user).
    pub fn save(&mut self) -> Result<(), InterestsError> {
        let (Some(path), true) = (&self.path, self.dirty) else {
            return Ok(());
        };
        atomic_write(path, &encode(&self.vectors), Visibility::Private).map_err(|source| {
            InterestsError::Cache {
                path: path.clone(),
                source,
            }
        })?;
        self.dirty = false;
        Ok(())
    }

    fn key(&self, text: &str) -> [u8; 32] {
        let digest = hex_sha256(format!("{}\u{0}{text}", self.model).as_bytes());
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&digest[2 * i..2 * i + 2], 16).unwrap_or(0);
        }
        key
    }
}

fn encode(vectors: &HashMap<[u8; 32], Vec<f32>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut keys: Vec<&[u8; 32]> = vectors.keys().collect();
    keys.sort_unstable();
    for key in keys {
        let v = &vectors[key];
        out.extend_from_slice(key);
        out.extend_from_slice(&u32::try_from(v.len()).unwrap_or(0).to_le_bytes());
        for x in v {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    out
}

fn decode(mut bytes: &[u8]) -> Option<HashMap<[u8; 32], Vec<f32>>> {
    let mut out = HashMap::new();
    while !bytes.is_empty() {
        let key: [u8; 32] = bytes.get(..32)?.try_into().ok()?;
        let dim = u32::from_le_bytes(bytes.get(32..36)?.try_into().ok()?) as usize;
        let body = bytes.get(36..36 + dim * 4)?;
        let vector = body
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        out.insert(key, vector);
        bytes = &bytes[36 + dim * 4..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn vectors_survive_a_reopen_and_models_never_mix() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = VectorCache::open(dir.path(), "model-a");
        a.put("hello", vec![0.5, -1.0, 2.25]);
        a.save().unwrap();
        let again = VectorCache::open(dir.path(), "model-a");
        assert_eq!(again.get("hello"), Some(&[0.5, -1.0, 2.25][..]));
        assert_eq!(again.get("other"), None);
        let b = VectorCache::open(dir.path(), "model-b");
        assert!(
            b.get("hello").is_none(),
            "another model's vectors are not used"
        );
        std::fs::write(
            dir.path()
                .join(format!("{}.vec", &hex_sha256(b"model-a")[..16])),
            b"junk",
        )
        .unwrap();
        assert!(
            VectorCache::open(dir.path(), "model-a").is_empty(),
            "a damaged file starts afresh"
        );
    }
}
