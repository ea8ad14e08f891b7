//! End-to-end: the built `twelvelabs` binary against an emulator on a free
//! 127.0.0.1 port. Every command, `--json` parsed back, and each exit code.

use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use twelvelabs_emulator::{Emulator, EmulatorConfig, Pace, DEMO_INTEGRATION_ID};

const INDEX: &str = "6298d673f1090f1100476d4c";
const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/assets/sample.mp4"
);

/// An emulator on its own runtime, so the test thread can block on the binary.
struct Server {
    emulator: Option<Emulator>,
    rt: tokio::runtime::Runtime,
}

impl Server {
    fn start(pace: Pace) -> Server {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let emulator = rt
            .block_on(Emulator::start(EmulatorConfig {
                pace,
                ..EmulatorConfig::default()
            }))
            .unwrap();
        Server {
            emulator: Some(emulator),
            rt,
        }
    }

    fn emulator(&self) -> &Emulator {
        self.emulator.as_ref().unwrap()
    }

    /// Runs `twelvelabs ARGS` against this emulator (key and URL from the
    /// environment, as a user would set them).
    fn run(&self, args: &[&str]) -> Output {
        cli()
            .env("TWELVELABS_API_KEY", self.emulator().api_key())
            .env("TWELVELABS_BASE_URL", self.emulator().base_url())
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs with `--json` and parses every stdout line.
    fn json(&self, args: &[&str]) -> (i32, Vec<Value>) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        (code(&out), json_lines(&out))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(e) = self.emulator.take() {
            self.rt.block_on(e.shutdown());
        }
    }
}

fn cli() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_twelvelabs"));
    c.env_remove("TWELVELABS_API_KEY")
        .env_remove("TWELVE_LABS_API_KEY")
        .env_remove("TWELVELABS_BASE_URL");
    c
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

fn id(v: &Value) -> String {
    v["_id"].as_str().expect("an _id").to_owned()
}

#[test]
fn create_wait_get_list_delete_round_trip_in_json() {
    let server = Server::start(Pace::PerRetrieve);
    let url = "https://example.com/talk.mp4";
    let (rc, created) = server.json(&[
        "task",
        "create",
        url,
        SAMPLE,
        "--index",
        INDEX,
        "--wait",
        "--interval",
        "10ms",
    ]);
    assert_eq!(rc, 0);
    assert_eq!(created.len(), 2);
    assert!(
        created.iter().all(|t| t["status"] == "ready"),
        "{created:?}"
    );
    assert_eq!(created[0]["metadata"]["filename"], "talk.mp4");
    assert_eq!(created[1]["metadata"]["filename"], "sample.mp4");
    let ids: Vec<String> = created.iter().map(id).collect();

    let (rc, got) = server.json(&["task", "get", &ids[0], &ids[1]]);
    assert_eq!(rc, 0);
    assert_eq!(got.iter().map(id).collect::<Vec<_>>(), ids);

    // Every page, with filters.
    let (rc, listed) = server.json(&["task", "list", "--index", INDEX, "--page-limit", "1"]);
    assert_eq!(rc, 0);
    assert_eq!(listed.len(), 2);
    let (_, none) = server.json(&["task", "list", "--index", INDEX, "--status", "failed"]);
    assert!(none.is_empty(), "{none:?}");
    let (_, one) = server.json(&["task", "list", "--filename", "talk.mp4", "--limit", "5"]);
    assert_eq!(one.iter().map(id).collect::<Vec<_>>(), [ids[0].clone()]);
    let (rc, dated) = server.json(&[
        "task",
        "list",
        "--created-at",
        "2000-01-01..",
        "--limit",
        "1",
    ]);
    assert_eq!((rc, dated.len()), (0, 1));

    let (rc, deleted) = server.json(&["task", "delete", "--with-video", &ids[0], &ids[1]]);
    assert_eq!(rc, 0);
    assert_eq!(deleted[0]["_id"], ids[0].as_str());
    assert_eq!(deleted[0]["result"], "deleted");
    let (_, left) = server.json(&["task", "list", "--index", INDEX]);
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn human_output_is_a_table() {
    let server = Server::start(Pace::Instant);
    let out = server.run(&[
        "task",
        "create",
        "https://example.com/a.mp4",
        "--index",
        INDEX,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("ID "), "{text}");
    assert!(lines.next().unwrap().contains("a.mp4"), "{text}");
}

#[test]
fn exit_3_when_a_task_ends_failed() {
    let server = Server::start(Pace::PerRetrieve);
    let (rc, tasks) = server.json(&[
        "task",
        "create",
        "https://example.com/ok.mp4",
        "https://example.com/fail.mp4",
        "--index",
        INDEX,
        "--wait",
        "--interval",
        "10ms",
    ]);
    assert_eq!(rc, 3);
    let statuses: Vec<&str> = tasks
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["ready", "failed"]);
    // `task wait` says the same about tasks that already ended.
    let out = server.run(&["task", "wait", &id(&tasks[1]), "--interval", "10ms"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("ended `failed`"));
}

#[test]
fn exit_4_when_the_timeout_passes() {
    let server = Server::start(Pace::Every(Duration::from_secs(3600)));
    let (rc, tasks) = server.json(&[
        "task",
        "create",
        "https://example.com/slow.mp4",
        "--index",
        INDEX,
    ]);
    assert_eq!(rc, 0);
    let out = server.run(&[
        "task",
        "wait",
        &id(&tasks[0]),
        "--timeout",
        "300ms",
        "--interval",
        "50ms",
    ]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(stderr(&out).contains("still"), "{}", stderr(&out));
}

#[test]
fn exit_1_on_an_api_error_shows_status_code_and_message_never_the_key() {
    let server = Server::start(Pace::Instant);
    let out = server.run(&["task", "get", "0000000000000000000000ff"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("404") && err.contains("resource_not_exist"),
        "{err}"
    );
    assert!(!err.contains(server.emulator().api_key()));

    // A wrong key: 401, and the key is not echoed.
    let out = cli()
        .env("TWELVELABS_BASE_URL", server.emulator().base_url())
        .args(["--api-key", "tlk_wrong_secret_key", "task", "list"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("401"), "{err}");
    assert!(
        !err.contains("tlk_wrong_secret_key") && out.stdout.is_empty(),
        "{err}"
    );
}

#[test]
fn exit_2_on_bad_usage() {
    for args in [
        &["bogus"][..],
        &["task", "create", "--index", INDEX][..],
        &["task", "wait", "x", "--timeout", "5 fortnights"][..],
        &["task", "list"][..], // no key anywhere
    ] {
        let out = cli().args(args).output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let server = Server::start(Pace::Instant);
    let out = server.run(&["task", "list", "--created-at", "yesterday"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

#[test]
fn a_missing_file_is_reported_and_the_others_still_run() {
    let server = Server::start(Pace::Instant);
    let (rc, created) = server.json(&[
        "task",
        "create",
        "/nonexistent/clip.mp4",
        "https://example.com/b.mp4",
        "--index",
        INDEX,
    ]);
    assert_eq!(rc, 1);
    assert_eq!(created.len(), 1);
}

#[test]
fn imports_start_status_logs() {
    let server = Server::start(Pace::Instant);
    let (rc, started) = server.json(&["import", "start", DEMO_INTEGRATION_ID, "--index", INDEX]);
    assert_eq!(rc, 0);
    assert_eq!(started[0]["videos"].as_array().unwrap().len(), 3);
    assert_eq!(started[0]["failed_files"][0]["filename"], "04_huge.mp4");
    let (rc, status) = server.json(&["import", "status", DEMO_INTEGRATION_ID, "--index", INDEX]);
    assert_eq!(rc, 0);
    assert_eq!(status.len(), 1);
    assert!(status[0]["ready"].is_array());
    let (rc, logs) = server.json(&["import", "logs", DEMO_INTEGRATION_ID]);
    assert_eq!(rc, 0);
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["index_id"], INDEX);
}

#[test]
fn the_emulator_flag_needs_no_key() {
    let out = cli()
        .args([
            "--emulator",
            "--json",
            "task",
            "create",
            "https://example.com/demo.mp4",
        ])
        .args(["--index", INDEX, "--wait", "--interval", "20ms"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json_lines(&out)[0]["status"], "ready");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = cli().args(["completions", shell]).output().unwrap();
        assert_eq!(code(&out), 0);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("twelvelabs"),
            "{shell}"
        );
    }
}

#[test]
fn index_and_video_commands() {
    let server = Server::start(Pace::PerRetrieve);
    let (rc, created) = server.json(&[
        "index",
        "create",
        "--name",
        "cli-test",
        "--engine",
        "marengo2.6:visual,conversation",
    ]);
    assert_eq!(rc, 0);
    let index = id(&created[0]);
    assert_eq!(created[0]["index_name"], "cli-test");
    let (_, listed) = server.json(&["index", "list", "--name", "cli-test"]);
    assert_eq!(listed.iter().map(id).collect::<Vec<_>>(), [index.as_str()]);
    let (rc, _) = server.json(&["index", "rename", &index, "cli-renamed"]);
    assert_eq!(rc, 0);
    let (_, got) = server.json(&["index", "get", &index]);
    assert_eq!(got[0]["index_name"], "cli-renamed");

    let (_, tasks) = server.json(&[
        "task",
        "create",
        SAMPLE,
        "--index",
        &index,
        "--wait",
        "--interval",
        "10ms",
    ]);
    let video = tasks[0]["video_id"].as_str().unwrap().to_owned();
    let (_, videos) = server.json(&["video", "list", "--index", &index]);
    assert_eq!(videos.iter().map(id).collect::<Vec<_>>(), [video.as_str()]);
    let (rc, _) = server.json(&[
        "video", "update", &video, "--index", &index, "--title", "T", "--set", "n=1",
    ]);
    assert_eq!(rc, 0);
    let (_, got) = server.json(&["video", "get", &video, "--index", &index]);
    assert_eq!(got[0]["metadata"]["n"], 1, "{got:?}");
    let (rc, _) = server.json(&["video", "delete", &video, "--index", &index]);
    assert_eq!(rc, 0);
    let (rc, _) = server.json(&["index", "delete", &index]);
    assert_eq!(rc, 0);
}

#[test]
fn help_teaches_with_examples() {
    for (name, args) in [
        ("help", &["--help"][..]),
        ("task_create_help", &["task", "create", "--help"][..]),
        ("task_list_help", &["task", "list", "--help"][..]),
        ("index_create_help", &["index", "create", "--help"][..]),
    ] {
        let out = cli().args(args).output().unwrap();
        assert_eq!(code(&out), 0);
        let text = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(name, text);
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_waiting_stops_and_says_how_to_follow_the_tasks() {
    let server = Server::start(Pace::Every(Duration::from_secs(3600)));
    let child = cli()
        .env("TWELVELABS_API_KEY", server.emulator().api_key())
        .env("TWELVELABS_BASE_URL", server.emulator().base_url())
        .args([
            "task",
            "create",
            "https://example.com/long.mp4",
            "--index",
            INDEX,
        ])
        .args(["--wait", "--interval", "20ms"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the task exists and is being polled.
    let polling = (0..500).any(|_| {
        let stats = server.emulator().stats();
        if stats.tasks_created == 1 && stats.requests >= 4 {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
        false
    });
    assert!(polling, "the command never started polling");
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("twelvelabs task wait "), "{err}");
    let (_, listed) = server.json(&["task", "list"]);
    let task_id = id(&listed[0]);
    assert!(err.contains(&task_id), "{err}");
}

#[test]
fn v1_3_indexes_take_models_and_videos_merge_user_metadata() {
    let server = Server::start(Pace::Instant);
    let v13 = |args: &[&str]| {
        let mut all = vec!["--api-version", "v1.3"];
        all.extend_from_slice(args);
        server.json(&all)
    };
    let (rc, created) = v13(&[
        "index",
        "create",
        "--name",
        "v13",
        "--model",
        "marengo2.7:visual,audio",
    ]);
    assert_eq!(rc, 0);
    let index = id(&created[0]);
    let (_, tasks) = v13(&["task", "create", SAMPLE, "--index", &index, "--wait"]);
    let video = tasks[0]["video_id"].as_str().unwrap().to_owned();
    let (rc, _) = v13(&[
        "video", "update", &video, "--index", &index, "--set", "a=x", "--set", "b=2",
    ]);
    assert_eq!(rc, 0);
    let (rc, _) = v13(&["video", "update", &video, "--index", &index, "--unset", "a"]);
    assert_eq!(rc, 0);
    let (_, got) = v13(&["video", "get", &video, "--index", &index]);
    assert_eq!(
        got[0]["user_metadata"],
        serde_json::json!({ "b": 2 }),
        "{got:?}"
    );
    // A v1.2-only field on v1.3 is bad usage, caught before any request.
    let (rc, _) = v13(&["video", "update", &video, "--index", &index, "--title", "T"]);
    assert_eq!(rc, 2);
}

#[test]
fn a_journaled_create_resumes_without_creating_twice() {
    let server = Server::start(Pace::PerRetrieve);
    let journal = std::env::temp_dir().join(format!("tl-cli-journal-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&journal);
    let journal_arg = journal.to_string_lossy().into_owned();
    let args = [
        "task",
        "create",
        "https://example.com/a.mp4",
        "https://example.com/fail-b.mp4",
        "--index",
        INDEX,
        "--wait",
        "--interval",
        "10ms",
        "--journal",
        &journal_arg,
    ];
    let (rc, first) = server.json(&args);
    assert_eq!(rc, 3, "one input ends failed");
    assert_eq!(first.len(), 2);
    assert_eq!(server.emulator().stats().tasks_created, 2);

    // The same command again: both inputs are in the journal, nothing is created.
    let (rc, again) = server.json(&args);
    assert_eq!(rc, 3);
    assert_eq!(again.len(), 2);
    assert_eq!(
        server.emulator().stats().tasks_created,
        2,
        "no task created twice"
    );
    assert_eq!(id(&first[0]), id(&again[0]));

    // --retry-failed creates the failed one again, and only that one.
    let mut retry = args.to_vec();
    retry.push("--retry-failed");
    let (_, _) = server.json(&retry);
    assert_eq!(server.emulator().stats().tasks_created, 3);

    // --journal without --wait is bad usage.
    let out = server.run(&[
        "task",
        "create",
        "https://example.com/c.mp4",
        "--index",
        INDEX,
        "--journal",
        &journal_arg,
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let _ = std::fs::remove_file(&journal);
}
