//! Certificate authorities and server certificates made with openssl for a
//! test: an internal CA, and certificates it issues that are valid,
//! expired, or for another name.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::server::run;

pub struct Authority {
    dir: PathBuf,
    pub name: String,
    /// Removes the files when the authority was made here.
    _owned: Option<tempfile::TempDir>,
}

/// A server certificate and its key, PEM.
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

fn ec_key_args(cmd: &mut Command) -> &mut Command {
    cmd.args([
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ])
}

impl Authority {
    /// A self-signed CA named `name` (openssl marks it CA:TRUE).
    pub fn new(name: &str) -> Self {
        let owned = tempfile::tempdir().unwrap();
        let dir = owned.path().to_owned();
        run(ec_key_args(Command::new("openssl").args(["req", "-x509"]))
            .args(["-days", "30", "-subj", &format!("/CN={name}"), "-keyout"])
            .arg(dir.join("ca.key"))
            .arg("-out")
            .arg(dir.join("ca.crt"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()));
        Self {
            dir,
            name: name.into(),
            _owned: Some(owned),
        }
    }

    /// The authority another process made in `dir` (see [`Self::dir`]).
    pub fn at(dir: &Path, name: &str) -> Self {
        Self {
            dir: dir.to_owned(),
            name: name.into(),
            _owned: None,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The CA's certificate (PEM file), e.g. as the OS's trusted roots.
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// A certificate for `dns_name` valid for `days` from now;
    /// -1 gives one that expired a day ago (openssl takes nothing lower).
    pub fn issue(&self, dns_name: &str, days: i32) -> Issued {
        let d = &self.dir;
        let file = |ext: &str| d.join(format!("{dns_name}.{days}.{ext}"));
        run(ec_key_args(Command::new("openssl").args(["req", "-new"]))
            .args(["-subj", &format!("/CN={dns_name}"), "-keyout"])
            .arg(file("key"))
            .arg("-out")
            .arg(file("csr"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()));
        std::fs::write(file("ext"), format!("subjectAltName=DNS:{dns_name}\n")).unwrap();
        run(Command::new("openssl")
            .args(["x509", "-req", "-in"])
            .arg(file("csr"))
            .arg("-CA")
            .arg(self.cert_path())
            .arg("-CAkey")
            .arg(d.join("ca.key"))
            .args(["-days", &days.to_string(), "-extfile"])
            .arg(file("ext"))
            .arg("-out")
            .arg(file("crt"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()));
        Issued {
            cert_pem: read(&file("crt")),
            key_pem: read(&file("key")),
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}
