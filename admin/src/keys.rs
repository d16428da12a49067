//! Owns where signing keys come from: an environment variable or a file only its owner can
//! read. A key is never printed, logged or echoed in an error.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use teachlink_sdk::tx;

use crate::error::{AdminError, Result};

/// The environment variable read when neither `--key-file` nor `--secret-env` is given.
pub const DEFAULT_SECRET_ENV: &str = "TEACHLINK_SECRET";

/// Where to find a key.
#[derive(Clone, Debug, Default)]
pub struct KeySource {
    /// A file holding the `S…` secret, mode 0600 (or stricter).
    pub file: Option<PathBuf>,
    /// The name of an environment variable holding the `S…` secret.
    pub env: Option<String>,
}

impl KeySource {
    /// Whether any source is configured (a flag, or the default variable is set).
    pub fn is_given(&self) -> bool {
        self.file.is_some() || self.env.is_some() || std::env::var_os(DEFAULT_SECRET_ENV).is_some()
    }

    /// The key: from the file (refused unless only its owner can read it), else from the
    /// variable named by `env`, else from `TEACHLINK_SECRET`.
    pub fn load(&self) -> Result<SigningKey> {
        if let Some(path) = &self.file {
            return from_file(path);
        }
        let name = self.env.as_deref().unwrap_or(DEFAULT_SECRET_ENV);
        let secret = std::env::var(name).map_err(|_| {
            AdminError::KeyMissing(format!(
                "environment variable {name} is not set (or pass --key-file)"
            ))
        })?;
        parse(&secret, &format!("environment variable {name}"))
    }
}

fn parse(secret: &str, source: &str) -> Result<SigningKey> {
    tx::parse_secret(secret).map_err(|_| AdminError::KeyInvalid(source.to_string()))
}

/// Reads a key file, refusing one its group or others may read or write.
pub fn from_file(path: &Path) -> Result<SigningKey> {
    let meta = std::fs::metadata(path)
        .map_err(|e| AdminError::KeyMissing(format!("key file {}: {e}", path.display())))?;
    check_mode(path, &meta)?;
    let text = std::fs::read_to_string(path).map_err(|e| AdminError::file(path, e))?;
    parse(&text, &format!("key file {}", path.display()))
}

/// A new key from the operating system's randomness, its secret written to a new file
/// `path` created with mode 0600 (an existing file is never overwritten).
#[cfg(unix)]
pub fn generate(path: &Path) -> Result<SigningKey> {
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .map_err(|e| AdminError::file(Path::new("/dev/urandom"), e))?;
    let key = SigningKey::from_bytes(&seed);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| AdminError::file(path, e))?;
    file.write_all(format!("{}\n", tx::secret_strkey(&key)).as_bytes())
        .map_err(|e| AdminError::file(path, e))?;
    Ok(key)
}

#[cfg(unix)]
fn check_mode(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(AdminError::KeyFilePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _meta: &std::fs::Metadata) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn a_key_file_is_read_only_when_private() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[3; 32]);
        let secret = tx::secret_strkey(&key);
        let ok = write(dir.path(), "ok", &format!("{secret}\n"), 0o600);
        assert_eq!(from_file(&ok).unwrap().to_bytes(), key.to_bytes());
        let ro = write(dir.path(), "ro", &secret, 0o400);
        assert!(from_file(&ro).is_ok());
        for mode in [0o644, 0o640, 0o604, 0o660] {
            let p = write(dir.path(), &format!("m{mode:o}"), &secret, mode);
            match from_file(&p) {
                Err(AdminError::KeyFilePermissions { mode: m, .. }) => assert_eq!(m, mode),
                other => panic!("mode {mode:o}: {other:?}"),
            }
        }
        assert!(matches!(
            from_file(&dir.path().join("absent")),
            Err(AdminError::KeyMissing(_))
        ));
        let bad = write(dir.path(), "bad", "not a secret", 0o600);
        let e = from_file(&bad).unwrap_err();
        assert!(matches!(e, AdminError::KeyInvalid(_)));
        assert!(
            !e.to_string().contains("not a secret"),
            "the key is not echoed"
        );
    }

    #[test]
    fn generated_keys_are_private_new_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        let a = generate(&p).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(from_file(&p).unwrap().to_bytes(), a.to_bytes());
        assert!(generate(&p).is_err(), "an existing file is kept");
        assert_eq!(from_file(&p).unwrap().to_bytes(), a.to_bytes());
        let b = generate(&dir.path().join("k2")).unwrap();
        assert_ne!(a.to_bytes(), b.to_bytes());
    }
}
