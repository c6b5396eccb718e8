//! Personal data at rest: field-level encryption with rotatable keys, and a keyed blind index for
//! exact lookups.
//!
//! ID card numbers and phone numbers are stored sealed: `{key_id}:{base64url(nonce || ciphertext
//! || tag)}`, AES-256-GCM with a random 96-bit nonce and the field name (`resident.id_number`) as
//! associated data, so a value copied into another column does not open. The key id travels
//! with every value, so a ring holding the old and the new key opens both while `gridgov keys
//! rotate` re-seals row by row under the new one: no downtime, no flag day.
//!
//! The data keys come from the configuration or environment (`GRIDGOV_DATA_KEYS`), or else from
//! a key file under the data directory, readable by the owner only; never from the database, so
//! a stolen database dump alone reveals nothing. No key byte is ever printed, and no error here
//! carries a key, a plaintext or a sealed value.
//!
//! A random nonce under one key is safe for about 2^32 seals (the GCM birthday bound); a
//! district's registry re-sealed a few times stays far below that, and rotation resets the count.
//!
//! Masking for display lives with the types in the domain crate
//! ([`gridgov_domain::idcard::IdNumber::masked`], [`gridgov_domain::phone::MobilePhone::masked`],
//! [`gridgov_domain::phone::ContactPhone::masked`]).

use crate::secret::Secret;
use crate::{AppError, ErrorKind};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// What the application seals personal data with and finds it by.
#[derive(Clone, Debug)]
pub struct Vault {
    pub keys: KeyRing,
    pub blind: BlindIndex,
}

/// The key file's name under the data directory, used when no keys are configured.
pub const KEY_FILE: &str = "data.keys";

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const MAX_ID_LEN: usize = 16;

/// The AES-256-GCM data keys, each with a short id, and which one seals new values.
#[derive(Clone)]
pub struct KeyRing {
    /// In configured order; the first is current.
    keys: Vec<DataKey>,
}

#[derive(Clone)]
struct DataKey {
    id: String,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyRing(current={}, ids=[", self.current_id())?;
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(&k.id)?;
        }
        f.write_str("])")
    }
}

fn invalid_keys(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorKind::BadRequest, "invalid_data_keys", msg)
}

fn unknown_key() -> AppError {
    // The id is left out on purpose: the text before the colon of a value that is not sealed at
    // all could be personal data. `KeyRing::key_id_of` tells an operator's tool which id it is.
    AppError::new(
        ErrorKind::Internal,
        "unknown_data_key",
        "the value is sealed under a data key that is not configured",
    )
}

fn undecryptable() -> AppError {
    AppError::new(
        ErrorKind::Internal,
        "undecryptable",
        "the value could not be decrypted: malformed, altered or stored under another field",
    )
}

fn no_randomness() -> AppError {
    AppError::new(ErrorKind::Internal, "internal", "no randomness")
}

fn valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl KeyRing {
    /// Parses `id:64hexdigits[,id:64hexdigits...]`; the first key is current. Entries may also be
    /// separated by newlines (the key file's form). Ids are 1-16 characters of `[A-Za-z0-9_-]`
    /// and unique. The error names the entry by position, never by its content.
    pub fn parse(s: &str) -> Result<KeyRing, AppError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(invalid_keys("no data keys given"));
        }
        let mut keys: Vec<DataKey> = Vec::new();
        for (i, entry) in s.split([',', '\n']).enumerate() {
            let n = i + 1;
            let entry = entry.trim();
            let Some((id, hex_key)) = entry.split_once(':') else {
                return Err(invalid_keys(format!(
                    "data key {n} must have the form id:64 hex digits"
                )));
            };
            if !valid_id(id) {
                return Err(invalid_keys(format!(
                    "data key {n}: the id must be 1-16 characters of A-Z, a-z, 0-9, _ and -"
                )));
            }
            if keys.iter().any(|k| k.id == id) {
                // Ids are public (stored with every value) and too short to hold a key.
                return Err(invalid_keys(format!("data key id {id} appears twice")));
            }
            let bytes: [u8; 32] = hex::decode(hex_key)
                .ok()
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| invalid_keys(format!("data key {n} must be 64 hex digits")))?;
            let cipher = Aes256Gcm::new(&bytes.into());
            keys.push(DataKey {
                id: id.to_owned(),
                cipher,
            });
        }
        Ok(KeyRing { keys })
    }

    /// From the configured value (`GRIDGOV_DATA_KEYS`) when there is one, otherwise from
    /// `data_dir/data.keys`, which is created with one fresh key (`k1`) on first start, readable by
    /// the owner only. The file has the same form as the configured value, one key a line.
    pub fn load_or_create(config_value: Option<&str>, data_dir: &Path) -> Result<KeyRing, AppError> {
        if let Some(v) = config_value.filter(|v| !v.trim().is_empty()) {
            return KeyRing::parse(v);
        }
        let path = data_dir.join(KEY_FILE);
        let io = |e: std::io::Error| {
            AppError::new(ErrorKind::Internal, "internal", format!("the data key file: {e}"))
        };
        match std::fs::read_to_string(&path) {
            Ok(s) => {
                warn_if_readable_by_others(&path);
                return KeyRing::parse(&s);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|_| no_randomness())?;
        let content = format!("k1:{}\n", hex::encode(b));
        std::fs::create_dir_all(data_dir).map_err(io)?;
        // Written whole to a private temporary file and then linked into place, which fails if
        // another process got there first: a concurrent start never reads a half-written file
        // and never replaces a key that may already have sealed data.
        let mut suffix = [0u8; 8];
        getrandom::fill(&mut suffix).map_err(|_| no_randomness())?;
        let tmp = data_dir.join(format!(".{KEY_FILE}.{}", hex::encode(suffix)));
        write_private(&tmp, content.as_bytes()).map_err(io)?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => KeyRing::parse(&content),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                KeyRing::parse(&std::fs::read_to_string(&path).map_err(io)?)
            }
            Err(e) => Err(io(e)),
        }
    }

    /// A fresh key entry `id:64hex` for the configuration or the key file (`gridgov keys new`).
    /// It is shown once, to the operator who asked; nothing else records it.
    pub fn new_entry(id: &str) -> Result<String, AppError> {
        if !valid_id(id) {
            return Err(invalid_keys(
                "the id must be 1-16 characters of A-Z, a-z, 0-9, _ and -",
            ));
        }
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|_| no_randomness())?;
        Ok(format!("{id}:{}", hex::encode(b)))
    }

    /// The id of the key that seals new values.
    pub fn current_id(&self) -> &str {
        // `parse` never builds an empty ring.
        self.keys.first().map_or("", |k| k.id.as_str())
    }

    /// All key ids, current first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    fn key(&self, id: &str) -> Option<&DataKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// Seals `plaintext` for the column `field` under the current key:
    /// `{key_id}:{base64url_nopad(nonce12 || ciphertext || tag16)}`. Fails only when the
    /// operating system gives no randomness (never in practice); a fixed nonce would be worse.
    pub fn seal(&self, field: &str, plaintext: &str) -> Result<String, AppError> {
        let key = self.keys.first().ok_or_else(unknown_key)?;
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| no_randomness())?;
        let ct = key
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: field.as_bytes(),
                },
            )
            // Only for a plaintext beyond 64 GiB.
            .map_err(|_| AppError::new(ErrorKind::Internal, "internal", "encryption failed"))?;
        let mut raw = Vec::with_capacity(NONCE_LEN + ct.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ct);
        Ok(format!("{}:{}", key.id, URL_SAFE_NO_PAD.encode(raw)))
    }

    /// Opens a value sealed for `field`, under whichever key of the ring its id names.
    /// `unknown_data_key` when that id is not in the ring; `undecryptable` when the value is
    /// malformed, altered, or was sealed for another field.
    pub fn open(&self, field: &str, sealed: &str) -> Result<String, AppError> {
        let (id, body) = sealed.split_once(':').ok_or_else(undecryptable)?;
        if !valid_id(id) {
            return Err(undecryptable());
        }
        let key = self.key(id).ok_or_else(unknown_key)?;
        let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| undecryptable())?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(undecryptable());
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| undecryptable())?;
        let pt = key
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ct,
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| undecryptable())?;
        String::from_utf8(pt).map_err(|_| undecryptable())
    }

    /// The key id a sealed value names, if it has the sealed form (for rotation reports; ids are
    /// not secret).
    pub fn key_id_of(sealed: &str) -> Option<&str> {
        sealed.split_once(':').map(|(id, _)| id).filter(|id| valid_id(id))
    }

    /// Whether the value is not sealed under the current key: sealed under an older key, or not
    /// in the sealed form at all (so that rotation reports it instead of passing over it).
    pub fn needs_rotation(&self, sealed: &str) -> bool {
        KeyRing::key_id_of(sealed) != Some(self.current_id())
    }

    /// Re-seals a value under the current key if it needs it: `Ok(None)` when it is already
    /// current. One step of `gridgov keys rotate`.
    pub fn reseal(&self, field: &str, sealed: &str) -> Result<Option<String>, AppError> {
        if !self.needs_rotation(sealed) {
            return Ok(None);
        }
        let plain = self.open(field, sealed)?;
        self.seal(field, &plain).map(Some)
    }
}

fn write_private(path: &Path, content: &[u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        f.write_all(content)?;
        f.sync_all()
    }
    #[cfg(not(unix))]
    std::fs::write(path, content)
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the data key file is readable by others than its owner");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// A keyed blind index: `hex(HMAC-SHA256(subkey, field || 0x00 || value))`, truncated to 32 hex
/// digits, stored beside a sealed value so that an exact lookup ("who has this ID number") is an
/// indexed equality match without decrypting any row. Being keyed, it cannot be reversed by
/// hashing all 10^11 mobile numbers or all plausible ID numbers without the server secret.
///
/// The subkey is HMAC(server secret, "blind-index:v1" || 0x00) (via [`Secret::keyed_hash`]), so
/// it never coincides with the secret's other keyed hashes. It is *not* rotated by
/// `gridgov keys rotate`: changing it means recomputing every index from the decrypted values,
/// which is a separate operation (and would be a new `v2` label).
#[derive(Clone)]
pub struct BlindIndex {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for BlindIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlindIndex(***)")
    }
}

/// Hex digits kept of the 64: 128 bits make an accidental collision among even a billion
/// values about 10^-21 likely, which is plenty for exact lookup, and half the width halves the
/// index and its B-tree pages.
pub const BLIND_INDEX_HEX_LEN: usize = 32;

impl BlindIndex {
    /// Derives the index key from the server secret.
    pub fn new(secret: &Secret) -> Result<BlindIndex, AppError> {
        let subkey = hex::decode(secret.keyed_hash("blind-index:v1", "")).unwrap_or_default();
        if subkey.len() != 32 {
            return Err(AppError::new(
                ErrorKind::Internal,
                "internal",
                "deriving the blind index key failed",
            ));
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(&subkey).map_err(|_| {
            AppError::new(
                ErrorKind::Internal,
                "internal",
                "deriving the blind index key failed",
            )
        })?;
        Ok(BlindIndex { mac })
    }

    /// The index of `normalised_value` in the column `field`. Normalise first (the 18-character
    /// form of an ID number from `IdNumber::digits`, a phone's digits), or equal values index
    /// differently. The field name keeps equal values in different columns apart.
    pub fn index(&self, field: &str, normalised_value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(field.as_bytes());
        mac.update(&[0]);
        mac.update(normalised_value.as_bytes());
        let mut h = hex::encode(mac.finalize().into_bytes());
        h.truncate(BLIND_INDEX_HEX_LEN);
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K0: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const K1: &str = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
    const FIELD: &str = "resident.id_number";
    const ID: &str = "11010519491231002X";

    fn ring(s: &str) -> KeyRing {
        KeyRing::parse(s).unwrap()
    }

    #[test]
    fn seal_then_open_round_trips_in_the_documented_form() {
        let r = ring(&format!("k1:{K1}"));
        let s = r.seal(FIELD, ID).unwrap();
        let (id, body) = s.split_once(':').unwrap();
        assert_eq!(id, "k1");
        // 12 nonce + 18 plaintext + 16 tag bytes, base64url without padding.
        let raw = URL_SAFE_NO_PAD.decode(body).unwrap();
        assert_eq!(raw.len(), 12 + ID.len() + 16);
        assert_eq!(body.len(), (raw.len() * 4).div_ceil(3));
        assert!(!s.contains(ID));
        assert_eq!(r.open(FIELD, &s).unwrap(), ID);
        assert_eq!(r.open(FIELD, &r.seal(FIELD, "").unwrap()).unwrap(), "");
        assert_eq!(
            r.open("resident.name", &r.seal("resident.name", "张三").unwrap())
                .unwrap(),
            "张三"
        );
    }

    #[test]
    fn a_known_vector_opens() {
        // Sealed by hand: nonce 00..0b under K0, so the format is fixed, not just self-consistent.
        let r = ring(&format!("k0:{K0}"));
        let cipher = Aes256Gcm::new_from_slice(&hex::decode(K0).unwrap()).unwrap();
        let nonce: [u8; 12] = std::array::from_fn(|i| i as u8);
        let ct = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: b"13800138000",
                    aad: b"resident.phone",
                },
            )
            .unwrap();
        let sealed = format!("k0:{}", URL_SAFE_NO_PAD.encode([&nonce[..], &ct[..]].concat()));
        assert!(sealed.starts_with("k0:AAECAwQFBgcICQoL"));
        assert_eq!(r.open("resident.phone", &sealed).unwrap(), "13800138000");
    }

    #[test]
    fn equal_values_seal_differently_but_index_equally() {
        let r = ring(&format!("k1:{K1}"));
        let a = r.seal(FIELD, ID).unwrap();
        let b = r.seal(FIELD, ID).unwrap();
        assert_ne!(a, b);
        assert_eq!(r.open(FIELD, &a).unwrap(), r.open(FIELD, &b).unwrap());

        let secret = Secret::from_hex(K0).unwrap();
        let bi = BlindIndex::new(&secret).unwrap();
        let i1 = bi.index(FIELD, ID);
        assert_eq!(i1, bi.index(FIELD, ID));
        assert_eq!(i1.len(), 32);
        assert!(
            i1.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(i1, bi.index("resident.phone", ID));
        assert_ne!(i1, bi.index(FIELD, "110105194912310029"));
        // Keyed: another secret gives another index.
        let other = BlindIndex::new(&Secret::from_hex(K1).unwrap()).unwrap();
        assert_ne!(i1, other.index(FIELD, ID));
        // Exactly the documented construction.
        let subkey = hex::decode(secret.keyed_hash("blind-index:v1", "")).unwrap();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&subkey).unwrap();
        mac.update(b"resident.id_number\x0011010519491231002X");
        assert_eq!(i1, hex::encode(mac.finalize().into_bytes())[..32]);
        // Not the secret's own keyed hash of the value.
        assert!(!secret.keyed_hash(FIELD, ID).starts_with(&i1));
        assert_eq!(format!("{bi:?}"), "BlindIndex(***)");
    }

    #[test]
    fn another_field_does_not_open() {
        let r = ring(&format!("k1:{K1}"));
        let s = r.seal("resident.id_number", ID).unwrap();
        let e = r.open("resident.phone", &s).unwrap_err();
        assert_eq!(e.code, "undecryptable");
        assert!(!e.message.contains(ID) && !e.to_string().contains(&s));
    }

    #[test]
    fn altered_or_malformed_values_do_not_open() {
        let r = ring(&format!("k1:{K1}"));
        let s = r.seal(FIELD, ID).unwrap();
        let (id, body) = s.split_once(':').unwrap();
        let mut raw = URL_SAFE_NO_PAD.decode(body).unwrap();
        for i in [0, 12, raw.len() - 1] {
            raw[i] ^= 1;
            let t = format!("{id}:{}", URL_SAFE_NO_PAD.encode(&raw));
            assert_eq!(r.open(FIELD, &t).unwrap_err().code, "undecryptable", "byte {i}");
            raw[i] ^= 1;
        }
        let short = format!("{id}:{}", URL_SAFE_NO_PAD.encode(&raw[..27]));
        let truncated = &s[..s.len() - 1];
        for bad in [
            ID,
            "",
            ":",
            "k1:",
            "k1:!!!",
            short.as_str(),
            truncated,
            &format!("{s}="),
        ] {
            let e = r.open(FIELD, bad).unwrap_err();
            assert_eq!(e.code, "undecryptable", "{bad:?}");
            assert!(!e.message.contains(ID));
        }
    }

    #[test]
    fn an_unknown_key_id_is_reported_as_such() {
        let old = ring(&format!("k0:{K0}"));
        let new = ring(&format!("k1:{K1}"));
        let s = old.seal(FIELD, ID).unwrap();
        let e = new.open(FIELD, &s).unwrap_err();
        assert_eq!(e.code, "unknown_data_key");
        assert_eq!(e.kind, ErrorKind::Internal);
        assert_eq!(KeyRing::key_id_of(&s), Some("k0"));
        // A key id that is in the ring but with a body from another key is a failed tag.
        let forged = s.replacen("k0:", "k1:", 1);
        assert_eq!(new.open(FIELD, &forged).unwrap_err().code, "undecryptable");
    }

    #[test]
    fn a_ring_of_two_opens_old_values_and_rotation_moves_them() {
        let old = ring(&format!("k0:{K0}"));
        let both = ring(&format!("k1:{K1},k0:{K0}"));
        assert_eq!(both.current_id(), "k1");
        assert_eq!(both.ids().collect::<Vec<_>>(), ["k1", "k0"]);
        let s0 = old.seal(FIELD, ID).unwrap();
        assert_eq!(both.open(FIELD, &s0).unwrap(), ID);
        assert!(both.needs_rotation(&s0));
        assert!(!old.needs_rotation(&s0));

        let s1 = both.reseal(FIELD, &s0).unwrap().unwrap();
        assert!(s1.starts_with("k1:"));
        assert!(!both.needs_rotation(&s1));
        assert_eq!(both.reseal(FIELD, &s1).unwrap(), None);
        assert_eq!(both.open(FIELD, &s1).unwrap(), ID);
        let fresh = both.seal(FIELD, ID).unwrap();
        assert!(fresh.starts_with("k1:") && !both.needs_rotation(&fresh));
        // Once the old key is gone, only the re-sealed value opens.
        let new_only = ring(&format!("k1:{K1}"));
        assert_eq!(new_only.open(FIELD, &s1).unwrap(), ID);
        assert_eq!(new_only.open(FIELD, &s0).unwrap_err().code, "unknown_data_key");
        // Values not in the sealed form are flagged, and re-sealing them fails loudly.
        assert!(both.needs_rotation(ID));
        assert_eq!(both.reseal(FIELD, ID).unwrap_err().code, "undecryptable");
    }

    #[test]
    fn parse_accepts_ids_and_separators_as_documented() {
        let r = ring(&format!(" 2026a:{K1} \n old_key-0:{}\n", K0.to_uppercase()));
        assert_eq!(format!("{r:?}"), "KeyRing(current=2026a, ids=[2026a,old_key-0])");
        let r = ring(&format!("abcdefghij012345:{K0}"));
        assert_eq!(r.current_id(), "abcdefghij012345");
    }

    #[test]
    fn bad_key_lists_are_refused_without_echoing_them() {
        let short = &K1[..62];
        let cases = [
            String::new(),
            "  \n".to_owned(),
            K1.to_owned(),
            format!("k1:{short}"),
            format!("k1:{K1}00"),
            format!("k1:{}zz", &K1[..62]),
            format!("k1:{K1},k1:{K0}"),
            format!("k1:{K1},"),
            format!("k1:{K1},,k0:{K0}"),
            format!(":{K1}"),
            format!("abcdefghij0123456:{K1}"),
            format!("k.1:{K1}"),
            format!("k 1:{K1}"),
            format!("k1:{K1}:{K0}"),
        ];
        for c in &cases {
            let e = match KeyRing::parse(c) {
                Ok(r) => panic!("{c:?} parsed as {r:?}"),
                Err(e) => e,
            };
            assert_eq!(e.code, "invalid_data_keys", "{c:?}");
            assert_eq!(e.kind, ErrorKind::BadRequest);
            let shown = format!("{e} {e:?}");
            for secret in [K1, K0, short, &K1[..16], &K0[..16]] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
        assert_eq!(
            KeyRing::parse(&format!("k1:{K1},k1:{K0}")).unwrap_err().message,
            "data key id k1 appears twice"
        );
        assert_eq!(
            KeyRing::parse(&format!("k1:{K1},k0:{short}"))
                .unwrap_err()
                .message,
            "data key 2 must be 64 hex digits"
        );
    }

    #[test]
    fn debug_shows_ids_but_no_key() {
        let r = ring(&format!("k1:{K1},k0:{K0}"));
        let d = format!("{r:?} {r:#?}");
        assert_eq!(format!("{r:?}"), "KeyRing(current=k1, ids=[k1,k0])");
        for k in [K0, K1, &K0[..8], &K1[..8]] {
            assert!(!d.contains(k));
        }
    }

    #[test]
    fn the_key_file_is_created_private_once_and_configuration_wins() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let a = KeyRing::load_or_create(None, &data_dir).unwrap();
        assert_eq!(format!("{a:?}"), "KeyRing(current=k1, ids=[k1])");
        let b = KeyRing::load_or_create(Some(""), &data_dir).unwrap();
        let s = a.seal(FIELD, ID).unwrap();
        assert_eq!(b.open(FIELD, &s).unwrap(), ID);
        assert_eq!(a.open(FIELD, &b.seal(FIELD, ID).unwrap()).unwrap(), ID);

        let file = std::fs::read_to_string(data_dir.join(KEY_FILE)).unwrap();
        assert_eq!(file.len(), "k1:".len() + 64 + 1);
        assert!(file.starts_with("k1:") && file.ends_with('\n'));
        // Nothing else is left in the directory (the temporary file is gone).
        assert_eq!(std::fs::read_dir(&data_dir).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data_dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        // A configured value is used as is and the file is not consulted.
        let c = KeyRing::load_or_create(Some(&format!("k9:{K0}")), &data_dir).unwrap();
        assert_eq!(c.current_id(), "k9");
        assert_eq!(c.open(FIELD, &s).unwrap_err().code, "unknown_data_key");
        assert_eq!(
            KeyRing::load_or_create(Some("k9:00"), &data_dir)
                .unwrap_err()
                .code,
            "invalid_data_keys"
        );
        // A corrupt key file is an error, never silently replaced.
        std::fs::write(data_dir.join(KEY_FILE), "k1:nothex").unwrap();
        assert_eq!(
            KeyRing::load_or_create(None, &data_dir).unwrap_err().code,
            "invalid_data_keys"
        );
    }

    #[test]
    fn a_new_entry_parses_and_is_fresh_each_time() {
        let a = KeyRing::new_entry("k9").unwrap();
        let b = KeyRing::new_entry("k9").unwrap();
        assert_ne!(a, b);
        let ring = KeyRing::parse(&a).unwrap();
        assert_eq!(ring.current_id(), "k9");
        assert_eq!(
            KeyRing::new_entry("no spaces").unwrap_err().code,
            "invalid_data_keys"
        );
    }
}
