//! Reaching a shared store: its URL read as `psql` reads it (libpq-style URL, then the `PG*`
//! environment variables for what it leaves out, then `~/.pgpass` for the password), TLS as
//! libpq's `sslmode` asks for it (with rustls), and where this machine keeps its replica of the
//! store. It must not run SQL beyond connecting.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Whether `--db` names a shared store (a `postgres://` or `postgresql://` URL) rather than a
/// SQLite file.
pub fn is_shared_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The URL as messages show it: without its password.
pub fn display_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// How the server's certificate is checked, from libpq's `sslmode` and `sslrootcert` (which
/// the client library does not read itself).
#[derive(Debug, Clone, Default)]
pub(super) struct Tls {
    /// `verify-ca` or `verify-full`: the certificate must be signed by a trusted authority and
    /// name the host (factdesk checks both for either). Otherwise, as libpq does for `prefer`
    /// and `require`, the connection is encrypted without checking who holds the certificate.
    verify: bool,
    /// The authorities trusted (`sslrootcert`, `PGSSLROOTCERT`, else `~/.postgresql/root.crt`
    /// when it exists); none named: the system's.
    root_cert: Option<PathBuf>,
}

/// The connection settings for `url`, completed as libpq completes them: `PGHOST`, `PGPORT`,
/// `PGUSER`, `PGDATABASE`, `PGPASSWORD`, `PGSSLMODE` and `PGSSLROOTCERT` for what the URL leaves
/// out; the default socket directory and the login's name after that; a password from the
/// password file (`PGPASSFILE`, else `~/.pgpass`) when none is given.
pub(super) fn config(url: &str) -> Result<(Config, Tls)> {
    let (url, mut tls, ssl_mode_given) = take_tls_options(url)?;
    let url = url.as_str();
    let mut config = Config::from_str(url).map_err(|e| {
        Error::usage(format!(
            "--db {}: not a PostgreSQL URL: {e}",
            display_url(url)
        ))
    })?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        let host = env("PGHOST").unwrap_or_else(|| "/var/run/postgresql".into());
        for host in host.split(',') {
            config.host(host);
        }
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT")
    {
        let port = port
            .parse()
            .map_err(|_| Error::usage(format!("PGPORT '{port}' is not a port number")))?;
        config.port(port);
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| whoami::username().ok())
            .unwrap_or_default();
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        let dbname = env("PGDATABASE")
            .or_else(|| config.get_user().map(str::to_string))
            .unwrap_or_default();
        config.dbname(&dbname);
    }
    if !ssl_mode_given && let Some(mode) = env("PGSSLMODE") {
        let (mode, verify) = ssl_mode(&mode)
            .ok_or_else(|| Error::usage(format!("PGSSLMODE '{mode}' is not an sslmode")))?;
        config.ssl_mode(mode);
        tls.verify = verify;
    }
    if tls.root_cert.is_none() {
        tls.root_cert = env("PGSSLROOTCERT").map(PathBuf::from).or_else(|| {
            dirs::home_dir()
                .map(|home| home.join(".postgresql").join("root.crt"))
                .filter(|path| path.exists())
        });
    }
    if config.get_password().is_none() {
        let password = env("PGPASSWORD").or_else(|| password_from_file(&config));
        if let Some(password) = password {
            config.password(password);
        }
    }
    Ok((config, tls))
}

/// libpq's `sslmode` as the client library's mode, and whether the certificate is checked.
fn ssl_mode(value: &str) -> Option<(SslMode, bool)> {
    Some(match value {
        "disable" => (SslMode::Disable, false),
        "allow" | "prefer" => (SslMode::Prefer, false),
        "require" => (SslMode::Require, false),
        "verify-ca" | "verify-full" => (SslMode::Require, true),
        _ => return None,
    })
}

/// The URL without the TLS options the client library does not know (`sslrootcert`, and the
/// `verify-*` values of `sslmode`), what they ask for, and whether the URL gave an sslmode.
fn take_tls_options(url: &str) -> Result<(String, Tls, bool)> {
    let bad = |e: String| {
        Error::usage(format!(
            "--db {}: not a PostgreSQL URL: {e}",
            display_url(url)
        ))
    };
    let mut parsed = match url::Url::parse(url) {
        Ok(parsed) => parsed,
        // A URL that leaves the host to PGHOST (`postgres://ana@/newsroom`) is libpq's but not
        // a web URL: with no TLS options to take out, the client library reads it as it is.
        Err(_) if !url.contains("sslrootcert") && !url.contains("sslmode=verify") => {
            return Ok((url.to_string(), Tls::default(), url.contains("sslmode=")));
        }
        Err(e) => return Err(bad(e.to_string())),
    };
    let mut tls = Tls::default();
    let mut ssl_mode_given = false;
    let mut kept = Vec::new();
    for (key, value) in parsed.query_pairs() {
        match key.as_ref() {
            "sslrootcert" => tls.root_cert = Some(PathBuf::from(value.as_ref())),
            "sslmode" => {
                let (mode, verify) =
                    ssl_mode(&value).ok_or_else(|| bad(format!("sslmode '{value}' is unknown")))?;
                tls.verify = verify;
                ssl_mode_given = true;
                let mode = match mode {
                    SslMode::Disable => "disable",
                    SslMode::Require => "require",
                    _ => "prefer",
                };
                kept.push((key.into_owned(), mode.to_string()));
            }
            _ => kept.push((key.into_owned(), value.into_owned())),
        }
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    Ok((parsed.to_string(), tls, ssl_mode_given))
}

/// The password the password file gives for these settings, as libpq finds it: the first line
/// `host:port:database:user:password` whose fields match (`*` matches anything; a Unix socket
/// is `localhost`). The file is skipped when others may read it, as libpq skips it.
fn password_from_file(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|home| home.join(".pgpass")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        Some(Host::Unix(_)) | None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let wanted = [
        host.as_str(),
        port.as_str(),
        config.get_dbname().unwrap_or_default(),
        config.get_user().unwrap_or_default(),
    ];
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass_line(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, value)| field == "*" || field == value);
            matches.then(|| fields[4].clone())
        })
}

/// The fields of a password-file line: separated by `:`, with `\:` and `\\` for a colon and a
/// backslash inside one.
fn split_pgpass_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("one field").push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// Connects with these settings: over TLS unless `sslmode=disable` or the server is reached by
/// a Unix socket (where PostgreSQL has no TLS).
pub(super) fn connect(
    config: &Config,
    tls: &Tls,
) -> Result<std::result::Result<Client, postgres::Error>> {
    let unix = matches!(config.get_hosts().first(), Some(Host::Unix(_)));
    if unix || config.get_ssl_mode() == SslMode::Disable {
        return Ok(config.connect(NoTls));
    }
    let connector = tokio_postgres_rustls::MakeRustlsConnect::new(client_config(tls)?);
    Ok(config.connect(connector))
}

/// rustls's settings for `tls`.
fn client_config(tls: &Tls) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::store(format!("TLS: {e}")))?;
    if !tls.verify {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth());
    }
    let mut roots = rustls::RootCertStore::empty();
    match &tls.root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
                .map_err(|e| {
                    Error::usage(format!(
                        "sslrootcert '{}': not a PEM file of certificates: {e}",
                        path.display()
                    ))
                })?;
            roots.add_parsable_certificates(certs);
        }
        None => {
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// libpq's `require`: the connection is encrypted, and the certificate's signature over the
/// handshake checked, but not who issued it (what `verify-full` adds).
#[derive(Debug)]
struct EncryptOnly(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Where this machine keeps its replica of the shared store these settings reach: in
/// `FACTDESK_REPLICA_DIR` when set, else factdesk's cache directory — one file per server,
/// database and login, named so a person can tell which is which.
pub(super) fn replica_path(config: &Config) -> Result<PathBuf> {
    let dir = match std::env::var_os("FACTDESK_REPLICA_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => dirs::cache_dir()
            .ok_or_else(|| {
                Error::store(
                    "no cache directory for the shared store's replica: set \
                     FACTDESK_REPLICA_DIR",
                )
            })?
            .join("factdesk")
            .join("replicas"),
    };
    if !dir.exists() {
        // A replica is the desk's whole store: only its owner reads it.
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(|e| {
            Error::store(format!(
                "cannot create the replica directory '{}': {e}",
                dir.display()
            ))
        })?;
    }
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        Some(Host::Unix(path)) => path.display().to_string(),
        None => String::new(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default();
    let dbname = config.get_dbname().unwrap_or_default();
    let identity = format!("{host}\n{port}\n{dbname}\n{user}");
    let digest = crate::history::hex(&Sha256::digest(identity.as_bytes()));
    let readable: String = format!("{user}@{dbname}")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "@-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(dir.join(format!("{readable}-{}.db", &digest[..12])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_file_lines_split_on_unescaped_colons() {
        assert_eq!(
            split_pgpass_line(r"db.example.org:5432:news:ana:se\:cr\\et"),
            ["db.example.org", "5432", "news", "ana", r"se:cr\et"]
        );
    }

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            display_url("postgresql://ana:secret@desk.example.org/newsroom"),
            "postgresql://ana:***@desk.example.org/newsroom"
        );
        assert_eq!(
            display_url("postgres://ana@desk.example.org/newsroom"),
            "postgres://ana@desk.example.org/newsroom"
        );
        assert!(is_shared_url("postgresql://x/y"));
        assert!(!is_shared_url("factdesk.db"));
    }
}
