//! Shared by the console's tests: a `cydex serve` child process (killed on drop), its join URLs,
//! and a small HTTP client.

#![allow(dead_code, reason = "each test file uses part of the helpers")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running `cydex serve`; killed and reaped when dropped.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// (seat name, token) in the printed order.
    pub seats: Vec<(String, String)>,
    pub out: PathBuf,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `f` every 20 ms until it returns `Some`, or panics after `secs` seconds with `what`.
pub fn wait_for<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < end, "timed out after {secs} s waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Server {
    /// Starts `cydex serve ARGS --listen 127.0.0.1:0 --out OUT`, its stdout and stderr going to
    /// files next to OUT, and waits for the join URLs.
    pub fn start(args: &[&str], out: &Path) -> Server {
        let dir = out.parent().unwrap();
        let name = out.file_name().unwrap().to_string_lossy().into_owned();
        let stdout = dir.join(format!("{name}.stdout"));
        let stderr = dir.join(format!("{name}.stderr"));
        let child = Command::new(env!("CARGO_BIN_EXE_cydex"))
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0", "--out"])
            .arg(out)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("cannot start cydex serve");
        let mut server =
            Server { child, base: String::new(), seats: Vec::new(), out: out.to_path_buf(), stdout, stderr };
        let text = wait_for(60, "the join URLs on stdout", || {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "cydex serve exited ({status}): {}",
                    std::fs::read_to_string(&server.stderr).unwrap_or_default()
                );
            }
            let t = std::fs::read_to_string(&server.stdout).ok()?;
            t.lines().any(|l| l.starts_with("journal:")).then_some(t)
        });
        for line in text.lines().filter(|l| l.starts_with("  ")) {
            let mut parts = line.split_whitespace();
            let (Some(seat), Some(url)) = (parts.next(), parts.next()) else { continue };
            let (base, token) = url.split_once("/s/").expect("a join URL is BASE/s/TOKEN");
            server.base = base.to_string();
            server.seats.push((seat.to_string(), token.to_string()));
        }
        assert!(!server.seats.is_empty() && server.base.starts_with("http://127.0.0.1:"), "{text}");
        server
    }

    /// The token of `seat`.
    pub fn token(&self, seat: &str) -> &str {
        &self.seats.iter().find(|(s, _)| s == seat).unwrap_or_else(|| panic!("no seat {seat}: {:?}", self.seats)).1
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut req = agent().get(self.url(path));
        if let Some(t) = token {
            req = req.header("X-Cydex-Token", t);
        }
        reply(req.call())
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
        let mut req = agent().post(self.url(path)).header("Content-Type", "application/json");
        if let Some(t) = token {
            req = req.header("X-Cydex-Token", t);
        }
        reply(req.send(body))
    }

    /// The view `name` read with `seat`'s token (asserts 200).
    pub fn view(&self, seat: &str, name: &str) -> Value {
        let (status, body) = self.get(&format!("/api/view/{name}"), Some(self.token(seat)));
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// `seat` acts (asserts 200 and that the action was applied).
    pub fn act(&self, seat: &str, action: &str) -> Value {
        let (status, body) = self.post(&format!("/api/act/{seat}"), Some(self.token(seat)), action);
        assert_eq!(status, 200, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["outcome"]["applied"], true, "{body}");
        v
    }

    /// EXCON runs the clock (asserts 200); the reply.
    pub fn clock(&self, body: &str) -> Value {
        let (status, reply) = self.post("/api/clock", Some(self.token("EXCON")), body);
        assert_eq!(status, 200, "{reply}");
        serde_json::from_str(&reply).unwrap()
    }

    pub fn tick(&self) -> u64 {
        self.view("EXCON", "EXCON")["tick"].as_u64().unwrap()
    }

    /// EXCON ends the drill; waits for results.json.
    pub fn end(&self) -> Vec<u8> {
        self.act("EXCON", r#"{"type":"end_exercise"}"#);
        let path = self.out.join("results.json");
        wait_for(60, "results.json", || {
            let v = self.view("EXCON", "EXCON");
            (!v["ended"].is_null()).then_some(())
        });
        std::fs::read(path).expect("results.json written at ENDEX")
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, String) {
    let mut r = r.expect("HTTP request failed");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}
