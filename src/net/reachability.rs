//! Hosts that cannot be reached fail at once. Shop templates call their backend on every
//! page; on a desktop without that backend (offline, behind a firewall, a test machine) a
//! request must not hang on a DNS or TCP timeout for each page.
//!
//! - Connecting (DNS and TCP) may take at most [`CONNECT_TIMEOUT`]; a host that failed to
//!   connect is remembered for [`REMEMBER`], and every request, download, upload or socket
//!   to it meanwhile fails at once, naming the first failure.
//! - Offline (`--offline`), every request that no mock rule answers fails at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long connecting to a host may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a host that failed to connect stays unreachable.
pub const REMEMBER: Duration = Duration::from_secs(60);

/// What the shell knows of the hosts it reaches.
#[derive(Debug, Default)]
pub struct Reachability {
    offline: bool,
    /// `host:port` -> when it failed, and why.
    down: Mutex<HashMap<String, (Instant, String)>>,
}

/// The `host:port` a URL names (`None` when it has no host).
fn host_of(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    Some(format!("{}:{}", url.host_str()?, url.port_or_known_default().unwrap_or(0)))
}

impl Reachability {
    /// Knows nothing yet; `offline` fails every request.
    pub fn new(offline: bool) -> Reachability {
        Reachability { offline, down: Mutex::new(HashMap::new()) }
    }

    /// Whether requests are failed without trying (`--offline`).
    pub fn offline(&self) -> bool {
        self.offline
    }

    /// `Err(why)` when a request to `url` must fail now, without trying.
    pub fn check(&self, url: &str) -> Result<(), String> {
        self.check_at(url, Instant::now())
    }

    fn check_at(&self, url: &str, now: Instant) -> Result<(), String> {
        if self.offline {
            return Err(format!("offline: no mock rule answers {url}"));
        }
        let Some(host) = host_of(url) else { return Ok(()) };
        let mut down = self.down.lock().expect("reachability lock");
        match down.get(&host) {
            Some((since, why)) if now.duration_since(*since) < REMEMBER => {
                Err(format!("{host} is unreachable ({why}); not tried again for {}s", REMEMBER.as_secs()))
            }
            Some(_) => {
                down.remove(&host);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Records that connecting to `url`'s host failed.
    pub fn failed(&self, url: &str, why: &str) {
        self.failed_at(url, why, Instant::now());
    }

    fn failed_at(&self, url: &str, why: &str, now: Instant) {
        if let Some(host) = host_of(url) {
            tracing::warn!(%host, why, "a host is unreachable: requests to it fail at once for {}s", REMEMBER.as_secs());
            self.down.lock().expect("reachability lock").insert(host, (now, why.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_that_failed_fails_at_once_until_it_is_forgotten() {
        let reach = Reachability::new(false);
        let t0 = Instant::now();
        assert_eq!(reach.check_at("https://shop.test/api/items", t0), Ok(()));
        reach.failed_at("https://shop.test/api/items", "dns error", t0);
        let why = reach.check_at("https://shop.test/other?x=1", t0 + Duration::from_secs(1)).unwrap_err();
        assert_eq!(why, "shop.test:443 is unreachable (dns error); not tried again for 60s");
        assert_eq!(reach.check_at("http://shop.test/", t0), Ok(()), "another port is another host");
        assert_eq!(reach.check_at("https://shop.test/", t0 + REMEMBER), Ok(()), "forgotten after REMEMBER");
        assert_eq!(reach.check_at("https://shop.test/", t0 + REMEMBER), Ok(()));
    }

    #[test]
    fn offline_fails_everything() {
        let reach = Reachability::new(true);
        assert_eq!(
            reach.check("http://127.0.0.1:8080/x").unwrap_err(),
            "offline: no mock rule answers http://127.0.0.1:8080/x"
        );
    }
}
