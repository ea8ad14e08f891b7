//! The `twelvelabs-emulator` binary: `--help`, bad arguments, and a real run.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_twelvelabs-emulator");

#[test]
fn help_and_bad_arguments() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--pace") && text.contains("--daily-create-limit"));

    let out = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["--pace", "sometimes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn serves_on_the_printed_url() {
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--api-key",
            "tlk_bin_test",
            "--pace",
            "instant",
            "--index",
            "62a0906d47f5678267ec10a6:second-index",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("base url printed")
        .to_owned();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let r = client
        .get(format!("{base}/v1.3/tasks"))
        .header("x-api-key", "tlk_bin_test")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client
        .get(format!("{base}/v1.3/tasks/status"))
        .header("x-api-key", "wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    child.kill().unwrap();
    child.wait().unwrap();
}
