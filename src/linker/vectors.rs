//! Sentence vectors as the rest of factdesk sees them, whether or not this build can compute
//! them: the [`Embed`] trait a model is used through (the store writes a claim's vector through
//! it, in the claim's transaction), the cosine that compares two vectors, and the stored form of
//! a vector (little-endian 32-bit floats).
//!
//! It must not load a model (that is `semantic`'s, behind the cargo feature), touch the store,
//! or decide anything about relations.

use crate::error::Result;

/// A sentence-embedding model: what the store needs of one to keep the claims' vectors. A store
/// may be used from several threads, so a model must be too.
pub trait Embed: Send + Sync {
    /// What identifies the model's vectors: vectors with different identities are never
    /// compared. Stable across runs and machines for the same model files.
    fn model_id(&self) -> &str;

    /// The identities the same model had under an earlier factdesk that prepared texts for it
    /// otherwise: vectors stored under them are this model's, computed the old way, and
    /// `linker index` replaces them. None by default.
    fn superseded_ids(&self) -> &[String] {
        &[]
    }

    /// The vector of each text, in order, all of one length.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
}

/// The cosine similarity of two vectors (their dot product when both have unit length, as a
/// sentence-transformers model's are); 0 when either is all zeros. Extra components of the
/// longer vector are ignored.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut aa, mut bb) = (0f32, 0f32, 0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    dot / (aa.sqrt() * bb.sqrt())
}

/// A vector as stored: its floats in little-endian order, 4 bytes each.
pub fn to_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A vector from its stored form ([`to_bytes`]); `None` when the length is not a multiple of 4.
pub fn from_bytes(bytes: &[u8]) -> Option<Vec<f32>> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_is_scale_free_and_zero_for_zero() {
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 3.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
    }

    #[test]
    fn the_stored_form_round_trips_exactly() {
        let v = vec![0.0, -1.5, f32::MIN_POSITIVE, 3.25e-8, 1.0];
        let bytes = to_bytes(&v);
        assert_eq!(bytes.len(), 20);
        assert_eq!(&bytes[4..8], &(-1.5f32).to_le_bytes());
        assert_eq!(from_bytes(&bytes), Some(v));
        assert_eq!(from_bytes(&bytes[..7]), None);
    }
}
