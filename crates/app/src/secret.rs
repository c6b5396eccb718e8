//! The server's secret key (for keyed hashes such as the phone-number index). It comes from the
//! configuration or environment (`GRIDGOV_SECRET_KEY`, 64 hex digits); without one, a key file
//! is created under the data directory on first start, readable by the owner only. It is never
//! stored in the database and never printed.

use crate::{AppError, Config, ErrorKind};
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

fn bad(msg: &str) -> AppError {
    AppError::new(ErrorKind::BadRequest, "invalid_secret_key", msg)
}

impl Secret {
    pub fn from_hex(s: &str) -> Result<Secret, AppError> {
        let v = hex::decode(s.trim()).map_err(|_| bad("the secret key must be 64 hex digits"))?;
        let arr: [u8; 32] = v
            .try_into()
            .map_err(|_| bad("the secret key must be 64 hex digits"))?;
        Ok(Secret(arr))
    }

    /// From the configuration, or the key file under the data directory (created if missing).
    pub fn load(config: &Config) -> Result<Secret, AppError> {
        if let Some(k) = config.secret_key.as_deref().filter(|k| !k.is_empty()) {
            return Secret::from_hex(k);
        }
        let path = config.data_dir.join("secret.key");
        if let Ok(s) = std::fs::read_to_string(&path) {
            return Secret::from_hex(&s);
        }
        let mut b = [0u8; 32];
        getrandom::fill(&mut b)
            .map_err(|_| AppError::new(ErrorKind::Internal, "internal", "no randomness"))?;
        let io = |e: std::io::Error| {
            AppError::new(
                ErrorKind::Internal,
                "internal",
                format!("writing the key file: {e}"),
            )
        };
        std::fs::create_dir_all(&config.data_dir).map_err(io)?;
        #[cfg(unix)]
        {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(io)?;
            f.write_all(hex::encode(b).as_bytes()).map_err(io)?;
        }
        #[cfg(not(unix))]
        std::fs::write(&path, hex::encode(b)).map_err(io)?;
        Ok(Secret(b))
    }

    /// HMAC-SHA256 of `data` under this key, with a purpose label so that hashes for different
    /// uses never coincide.
    pub fn keyed_hash(&self, purpose: &str, data: &str) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(m) => m,
            // A 32-byte key is always accepted by HMAC.
            Err(_) => return String::new(),
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_once_and_hashes_are_keyed() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config {
            data_dir: dir.path().to_owned(),
            ..Config::default()
        };
        let a = Secret::load(&c).unwrap();
        let b = Secret::load(&c).unwrap();
        assert_eq!(
            a.keyed_hash("phone", "13800138000"),
            b.keyed_hash("phone", "13800138000")
        );
        assert_ne!(
            a.keyed_hash("phone", "13800138000"),
            a.keyed_hash("otp", "13800138000")
        );
        assert_eq!(format!("{a:?}"), "Secret(***)");
        let other = Secret::from_hex(&"11".repeat(32)).unwrap();
        assert_ne!(other.keyed_hash("phone", "1"), a.keyed_hash("phone", "1"));
        assert!(Secret::from_hex("abc").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
