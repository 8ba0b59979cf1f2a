//! A real SMTP server of the test's own (Python's aiosmtpd, writing what it
//! receives to a maildir), on a free port, that the test can stop and start
//! again to cut e-mail delivery for real.
use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use mailparse::MailHeaderMap;

const PYTHON: &str = "/usr/bin/python3";

pub struct SmtpProcess {
    pub port: u16,
    /// Keeps what it receives (a maildir), or accepts and discards it.
    keep: bool,
    maildir: tempfile::TempDir,
    child: Option<Child>,
}

/// One received message, decoded.
#[derive(Debug)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub content_language: String,
    pub text: String,
    pub html: String,
}

impl SmtpProcess {
    /// Starts the server, or, when aiosmtpd is not installed, says so loudly and
    /// returns None (or fails, with `COALITION_REQUIRE_TOOLS=1` as in CI).
    pub fn start() -> Option<Self> {
        Self::start_keeping(true)
    }

    /// A server that accepts every message and keeps none: what the sender
    /// achieves, not how fast Python writes files.
    pub fn start_sink() -> Option<Self> {
        Self::start_keeping(false)
    }

    fn start_keeping(keep: bool) -> Option<Self> {
        let installed = Command::new(PYTHON)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !installed {
            let reason = "aiosmtpd is not installed (apt-get install python3-aiosmtpd)";
            if crate::external_tools::tools_required() {
                panic!("the SMTP test cannot run: {reason} (COALITION_REQUIRE_TOOLS=1)");
            }
            eprintln!("\n*** SKIPPED an SMTP test: {reason}. This check did NOT run. ***\n");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut smtp = Self {
            port,
            keep,
            maildir: tempfile::tempdir().expect("a temporary directory"),
            child: None,
        };
        smtp.restart();
        Some(smtp)
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port and waits until it answers.
    pub fn restart(&mut self) {
        let mut command = Command::new(PYTHON);
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port));
        if self.keep {
            command
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(self.maildir.path().join("box"));
        } else {
            command.args(["-c", "aiosmtpd.handlers.Sink"]);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<Received> {
        let new = self.maildir.path().join("box").join("new");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&new)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|path| parse(&std::fs::read(path).expect("a received message")))
            .collect()
    }

    /// Waits until at least `count` messages have arrived, and returns them.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} e-mails, the SMTP server received {}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Decodes a raw message (an `.eml` file or what the SMTP server stored).
pub fn parse(raw: &[u8]) -> Received {
    let mail = mailparse::parse_mail(raw).expect("a well-formed message");
    let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
    let part = |mime: &str| {
        mail.subparts
            .iter()
            .find(|part| part.ctype.mimetype == mime)
            .unwrap_or_else(|| panic!("a {mime} part"))
            .get_body()
            .expect("a decodable body")
    };
    Received {
        to: header("To"),
        subject: header("Subject"),
        content_language: header("Content-Language"),
        text: part("text/plain"),
        html: part("text/html"),
    }
}
