//! A minimal HTTP/1.1 keep-alive client for the load benchmarks.
//!
//! The load generator shares the machine with the server it measures, so it must cost as
//! little as possible: one TCP connection per simulated client, requests written in one piece,
//! responses read by `Content-Length`. It speaks only what our server answers (no chunked
//! bodies, no redirects) and fails loudly on anything else.

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The parts of an `http://host:port` URL the client needs.
#[derive(Clone, Debug)]
pub struct Target {
    /// `host:port`, for connecting and for the `Host` header.
    pub authority: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target> {
        let rest = url
            .strip_prefix("http://")
            .context("the URL must start with http:// (the benchmark does not speak TLS)")?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            bail!("no host in {url}");
        }
        let authority = if authority.contains(':') {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        Ok(Target { authority })
    }
}

/// A response: status, the `Set-Cookie` values, the body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub cookies: Vec<String>,
    pub body: Vec<u8>,
}

/// One keep-alive connection.
pub struct Conn {
    io: BufReader<TcpStream>,
    target: Target,
    line: String,
}

impl Conn {
    pub async fn open(target: &Target) -> Result<Conn> {
        let s = TcpStream::connect(&target.authority)
            .await
            .with_context(|| format!("connecting to {}", target.authority))?;
        s.set_nodelay(true)?;
        Ok(Conn {
            io: BufReader::with_capacity(16 * 1024, s),
            target: target.clone(),
            line: String::new(),
        })
    }

    /// Sends one request and reads its response. `cookie` is sent as the session cookie.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        json: Option<&[u8]>,
    ) -> Result<Reply> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.target.authority);
        if let Some(c) = cookie {
            req.push_str("Cookie: ");
            req.push_str(c);
            req.push_str("\r\n");
        }
        let mut bytes = req.into_bytes();
        if let Some(body) = json {
            bytes.extend_from_slice(
                format!(
                    "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            bytes.extend_from_slice(body);
        } else {
            bytes.extend_from_slice(b"\r\n");
        }
        self.io.get_mut().write_all(&bytes).await?;
        self.read_reply().await
    }

    async fn read_reply(&mut self) -> Result<Reply> {
        self.line.clear();
        if self.io.read_line(&mut self.line).await? == 0 {
            bail!("the server closed the connection");
        }
        let status: u16 = self
            .line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {:?}", self.line.trim_end()))?;
        let (mut length, mut cookies) = (0usize, Vec::new());
        loop {
            self.line.clear();
            if self.io.read_line(&mut self.line).await? == 0 {
                bail!("the server closed the connection inside the headers");
            }
            let h = self.line.trim_end();
            if h.is_empty() {
                break;
            }
            let Some((name, value)) = h.split_once(':') else {
                bail!("bad header line {h:?}");
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().context("bad Content-Length")?;
            } else if name.eq_ignore_ascii_case("set-cookie") {
                cookies.push(value.to_owned());
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                bail!("chunked responses are not supported by the benchmark client");
            }
        }
        let mut body = vec![0; length];
        self.io.read_exact(&mut body).await?;
        Ok(Reply {
            status,
            cookies,
            body,
        })
    }
}

/// The `name=value` part of the first `Set-Cookie` for `name`.
pub fn cookie_pair(reply: &Reply, name: &str) -> Option<String> {
    reply
        .cookies
        .iter()
        .filter_map(|c| c.split(';').next())
        .find(|kv| kv.split_once('=').is_some_and(|(k, _)| k == name))
        .map(str::to_owned)
}

/// Logs in as one of the demo's accounts; returns the session cookie (`name=value`).
pub async fn login(conn: &mut Conn, username: &str) -> Result<String> {
    let body = format!(
        r#"{{"username":"{username}","password":"{}"}}"#,
        gridgov_app::demo::DEMO_PASSWORD
    );
    let r = conn
        .send("POST", "/api/v1/auth/login", None, Some(body.as_bytes()))
        .await?;
    if r.status != 200 {
        bail!(
            "logging in as the demo's {username} failed ({}): {} — is this the demo server?",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    cookie_pair(&r, "gridgov_session").context("the login answer set no session cookie")
}

/// The `p`-th percentile (nearest rank) of sorted latencies in microseconds, in milliseconds.
pub fn percentile_ms(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            Target::parse("http://127.0.0.1:8080/").unwrap().authority,
            "127.0.0.1:8080"
        );
        assert_eq!(
            Target::parse("http://localhost").unwrap().authority,
            "localhost:80"
        );
        assert!(Target::parse("https://x").is_err());
        assert!(Target::parse("http:///").is_err());
    }

    #[tokio::test]
    async fn round_trip_against_a_canned_server() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = vec![0; 4096];
            for body in ["{\"a\":1}", "{}"] {
                let _ = s.read(&mut buf).await.unwrap();
                let r = format!(
                    "HTTP/1.1 201 Created\r\nset-cookie: s=abc; Path=/\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                s.write_all(r.as_bytes()).await.unwrap();
            }
        });
        let mut c = Conn::open(&Target::parse(&format!("http://{addr}")).unwrap())
            .await
            .unwrap();
        let r = c.send("POST", "/x", Some("s=1"), Some(b"{}")).await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (201, b"{\"a\":1}".as_slice()));
        assert_eq!(cookie_pair(&r, "s").as_deref(), Some("s=abc"));
        // The same connection carries the next request.
        let r = c.send("GET", "/y", None, None).await.unwrap();
        assert_eq!(r.body, b"{}");
    }
}
