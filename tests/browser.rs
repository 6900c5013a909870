//! One drill played in a real browser: headless Chromium driven through chromedriver's W3C
//! WebDriver API. A team isolates a host, EXCON sees it, runs and pauses the clock, ends the
//! drill and opens the after-action report. Screenshots of the team's, EXCON's and an
//! evaluator's pages go to `target/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test is skipped with a note,
//! except under `CI=true`, where it fails.

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use support::{Server, wait_for};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|d| names.iter().map(move |n| d.join(n))).find(|p| p.is_file())
}

/// chromedriver on a free port; killed on drop.
struct Driver {
    child: Child,
    base: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(exe: &PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(exe)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver");
        let d = Driver { child, base: format!("http://127.0.0.1:{port}") };
        wait_for(30, "chromedriver to be ready", || {
            let r = support::agent().get(format!("{}/status", d.base)).call().ok()?;
            let v: Value = serde_json::from_str(&r.into_body().read_to_string().ok()?).ok()?;
            (v["value"]["ready"] == true).then_some(())
        });
        d
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let r = match (method, body) {
            ("GET", _) => support::agent().get(url).call(),
            ("DELETE", _) => support::agent().delete(url).call(),
            (_, b) => support::agent()
                .post(url)
                .header("Content-Type", "application/json")
                .send(b.unwrap_or_else(|| json!({})).to_string()),
        };
        let text = r.expect("chromedriver request").into_body().read_to_string().unwrap();
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON from chromedriver: {text}"))
    }

    fn session(&self, chromium: &PathBuf) -> Browser<'_> {
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "unhandledPromptBehavior": "ignore",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000", "--disable-dev-shm-usage"],
            },
        }}});
        let v = self.call("POST", "/session", Some(caps));
        let id = v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no WebDriver session: {v}")).to_string();
        Browser { driver: self, id }
    }
}

/// One browser session.
struct Browser<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        self.driver.call("DELETE", &format!("/session/{}", self.id), None);
    }
}

impl Browser<'_> {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver.call(method, &format!("/session/{}{path}", self.id), body)
    }

    /// `cmd`, asserting success.
    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = self.cmd(method, path, body);
        assert!(v["value"]["error"].is_null(), "WebDriver {method} {path}: {v}");
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.ok("POST", "/url", Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> Option<String> {
        let v = self.cmd("POST", "/element", Some(json!({ "using": "css selector", "value": css })));
        v["value"][ELEMENT].as_str().map(str::to_string)
    }

    /// Runs `f` on the element `css` once it exists, again if the page re-rendered it meanwhile
    /// (the console redraws on every update); waits up to 30 s.
    fn with(&self, css: &str, f: impl Fn(&str) -> Value) -> Value {
        wait_for(30, &format!("element `{css}`"), || {
            let e = self.find(css)?;
            let v = f(&format!("/element/{e}"));
            match v["value"]["error"].as_str() {
                None => Some(v["value"].clone()),
                Some("stale element reference" | "no such element" | "element not interactable") => None,
                Some(e) => panic!("WebDriver on `{css}`: {e}: {v}"),
            }
        })
    }

    fn click(&self, css: &str) {
        self.with(css, |e| self.cmd("POST", &format!("{e}/click"), None));
    }

    fn type_into(&self, css: &str, text: &str) {
        self.with(css, |e| {
            let v = self.cmd("POST", &format!("{e}/clear"), None);
            if !v["value"]["error"].is_null() {
                return v;
            }
            self.cmd("POST", &format!("{e}/value"), Some(json!({ "text": text })))
        });
    }

    fn text(&self, css: &str) -> String {
        self.with(css, |e| self.cmd("GET", &format!("{e}/text"), None)).as_str().unwrap_or_default().to_string()
    }

    fn wait_text(&self, css: &str, what: &str, f: impl Fn(&str) -> bool) -> String {
        let end = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let t = self.find(css).map(|_| self.text(css));
            if let Some(t) = t.as_deref().filter(|t| f(t)) {
                return t.to_string();
            }
            if std::time::Instant::now() > end {
                let body = self.cmd(
                    "POST",
                    "/execute/sync",
                    Some(json!({ "script": "return document.body.innerText", "args": [] })),
                );
                panic!("timed out waiting for {what}: `{css}` reads {t:?}; the page reads {}", body["value"]);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
            .join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let png = base64(self.ok("GET", "/screenshot", None).as_str().unwrap());
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Errors the page's script threw (collected by a hook installed after load).
    fn script_errors(&self) -> Vec<String> {
        let v = self.ok("POST", "/execute/sync", Some(json!({ "script": "return window.__errors || []", "args": [] })));
        v.as_array().unwrap().iter().map(|e| e.to_string()).collect()
    }

    fn hook_errors(&self) {
        self.ok(
            "POST",
            "/execute/sync",
            Some(json!({ "script": "window.__errors = []; window.addEventListener('error', (e) => window.__errors.push(String(e.message))); window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));", "args": [] })),
        );
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).map(val).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64("aGVsbG8="), b"hello");
    assert_eq!(base64("aGk="), b"hi");
    assert_eq!(base64("YWJj"), b"abc");
}

#[test]
fn a_drill_played_in_chromium() {
    let (Some(chromium), Some(chromedriver)) = (on_path(&["chromium", "chromium-browser"]), on_path(&["chromedriver"]))
    else {
        let msg = "the browser test needs Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}: missing on CI");
        eprintln!("note: skipped: {msg}");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let s = Server::start(&["--seed", "3", "--speed", "600", "--evaluators", "1"], &t.path().join("out"));
    let driver = Driver::start(&chromedriver);
    let team = driver.session(&chromium);
    let excon = driver.session(&chromium);

    excon.go(&s.url(&format!("/s/{}", s.token("EXCON"))));
    excon.hook_errors();
    excon.wait_text("#status", "EXCON's page to load", |t| t == "paused");
    assert!(excon.find("#clock-resume").is_some() && excon.find("#end-drill").is_some());
    let title = excon.ok("GET", "/title", None);
    assert_eq!(title, "cydex — EXCON");

    team.go(&s.url(&format!("/s/{}", s.token("EST"))));
    team.hook_errors();
    team.wait_text("#bar .seat", "the team's page to load", |t| t == "EST");
    assert!(team.find("#clock-resume").is_none(), "a team has no clock controls");
    assert!(team.find("#end-drill").is_none());
    team.type_into("#isolate-host-host", "EST-GOV-WS-0003");
    team.click("#isolate-host-submit");
    team.wait_text("#result", "the team's action result", |t| t.contains("isolate_host: applied"));
    team.wait_text("#hosts", "the isolated host in the team's hosts", |t| t.contains("EST-GOV-WS-0003"));
    team.wait_text("#decisions", "the team's decision log", |t| t.contains("isolate_host"));

    // EXCON's page learns of it through its live stream, without a reload.
    excon.wait_text("#timeline", "EXCON's timeline to show the isolation", |t| {
        t.contains("isolate_host") && t.contains("EST-GOV-WS-0003")
    });
    excon.wait_text("#teams", "EXCON's team table to count the isolated host", |t| t.contains("EST"));

    let before = excon.text("#clock");
    excon.click("#clock-resume");
    excon.wait_text("#status", "the clock to run", |t| t.starts_with("running"));
    excon.wait_text("#clock", "EXCON's clock to move", |t| t != before);
    team.wait_text("#clock", "the team's clock to move", |t| t != before);
    excon.click("#clock-pause");
    excon.wait_text("#status", "the clock to pause", |t| t == "paused");
    let paused_at = excon.text("#clock");
    std::thread::sleep(Duration::from_millis(1500)); // two ticks' worth at ×600
    assert_eq!(excon.text("#clock"), paused_at, "the clock moved while paused");
    team.wait_text("#clock", "the team's clock to agree", |t| t == paused_at);
    let team_png = team.screenshot("team");

    // An evaluator's page (in the team's browser, now done).
    team.go(&s.url(&format!("/s/{}", s.token("EVALUATOR-1"))));
    team.hook_errors();
    team.wait_text("#timeline", "the evaluator's timeline", |t| t.contains("isolate_host"));
    team.type_into("#observation-text", "Fast isolation of the first workstation.");
    team.click("#observation-submit");
    team.wait_text("#notes", "the evaluator's note", |t| t.contains("Fast isolation"));
    let evaluator_png = team.screenshot("evaluator");
    excon.wait_text("#notes", "the note on EXCON's page", |t| t.contains("Fast isolation"));
    let excon_png = excon.screenshot("excon");

    // ENDEX: the button asks for confirmation.
    excon.click("#end-drill");
    wait_for(10, "the confirm() prompt", || {
        excon.cmd("GET", "/alert/text", None)["value"].as_str().map(str::to_string)
    });
    excon.ok("POST", "/alert/accept", None);
    excon.wait_text("#status", "ENDEX on EXCON's page", |t| t == "ENDEX");
    let link = excon.with("#aar-link", |e| excon.cmd("GET", &format!("{e}/property/href"), None));
    let link = link.as_str().unwrap().to_string();
    assert!(link.starts_with(&s.base) && link.ends_with("/aar"), "{link}");
    assert!(s.out.join("report.html").is_file(), "the AAR is in --out");
    assert!(s.out.join("results.json").is_file());
    let ended_png = excon.screenshot("excon-endex");
    assert_eq!(excon.script_errors(), Vec::<String>::new(), "EXCON's page threw");
    assert_eq!(team.script_errors(), Vec::<String>::new(), "the evaluator's page threw");

    excon.go(&link);
    let title = excon.ok("GET", "/title", None);
    assert!(title.as_str().unwrap().contains("After-Action Report"), "{title}");
    let aar_png = excon.screenshot("aar");
    for p in [team_png, excon_png, evaluator_png, ended_png, aar_png] {
        eprintln!("screenshot: {}", p.display());
    }
}
