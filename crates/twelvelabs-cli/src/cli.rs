//! The command line's grammar (clap derive). The help text is the manual: each
//! command's `after_help` shows examples.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  # A demo with no key, against an in-process emulator:
  twelvelabs --emulator task create https://example.com/clip.mp4 --index demo --wait

  export TWELVELABS_API_KEY=tlk_...
  twelvelabs index create --name my-index --engine marengo2.6:visual,conversation
  twelvelabs task create *.mp4 --index <INDEX_ID> --wait --concurrency 4
  twelvelabs task list --index <INDEX_ID> --status failed --json | jq -r ._id
  twelvelabs task delete <TASK_ID> --with-video

Configuration: TWELVELABS_API_KEY (or TWELVE_LABS_API_KEY) and TWELVELABS_BASE_URL,
overridden by --api-key and --base-url.

Exit codes:
  0  success
  1  an API, transport or file error
  2  bad usage (unknown flag, missing key, invalid argument)
  3  some tasks ended `failed`
  4  a deadline passed (--timeout) before the tasks were done
  130  interrupted (Ctrl-C)";

/// `twelvelabs`: the Twelve Labs video-indexing API from a shell.
#[derive(Debug, Parser)]
#[command(
    name = "twelvelabs",
    version,
    about = "The Twelve Labs video-indexing API from a shell: indexes, videos, tasks, imports",
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The API key [default: $TWELVELABS_API_KEY]
    #[arg(
        long,
        global = true,
        value_name = "KEY",
        help_heading = "Global options"
    )]
    pub api_key: Option<String>,
    /// The API's base URL [default: $TWELVELABS_BASE_URL, else the production API]
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub base_url: Option<String>,
    /// The API version
    #[arg(
        long,
        global = true,
        value_name = "VERSION",
        help_heading = "Global options"
    )]
    pub api_version: Option<ApiVersionArg>,
    /// Attempts per request, the first included (rate limits and transient errors
    /// are retried; a create only when the server surely did not act) [default: 3]
    #[arg(long, global = true, value_name = "N", help_heading = "Global options",
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_attempts: Option<u32>,
    /// Run against an in-process emulator of the API (no key needed; nothing is kept)
    #[arg(long, global = true, help_heading = "Global options")]
    pub emulator: bool,
    /// Print one JSON object per line (the API's own objects), for `jq`
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
}

/// `--api-version`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ApiVersionArg {
    // Undocumented so that the help lists the values on one line.
    #[value(name = "v1.2", alias = "1.2")]
    V1_2,
    #[value(name = "v1.3", alias = "1.3")]
    V1_3,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list, inspect, rename and delete indexes
    #[command(subcommand)]
    Index(IndexCommand),
    /// List, inspect, update and delete the videos of an index
    #[command(subcommand)]
    Video(VideoCommand),
    /// Index videos (upload files or URLs), follow, list and delete tasks
    #[command(subcommand)]
    Task(TaskCommand),
    /// Import videos from a cloud integration (a bucket)
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  twelvelabs completions bash > ~/.local/share/bash-completion/completions/twelvelabs"
    )]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

/// `twelvelabs index …`
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Create an index
    #[command(after_help = "Examples:\n  \
        twelvelabs index create --name talks --engine marengo2.6:visual,conversation\n  \
        twelvelabs --api-version v1.3 index create --name talks --model marengo2.7:visual,audio")]
    Create {
        /// The index name (unique in your account)
        #[arg(long)]
        name: String,
        /// An engine, v1.2: NAME[:OPTION,OPTION...] (repeatable)
        #[arg(long, value_name = "NAME[:OPTIONS]")]
        engine: Vec<String>,
        /// A model, v1.3: NAME[:OPTION,OPTION...] (repeatable)
        #[arg(long, value_name = "NAME[:OPTIONS]")]
        model: Vec<String>,
        /// Add-ons, such as `thumbnail` (comma-separated)
        #[arg(long, value_delimiter = ',')]
        addons: Vec<String>,
    },
    /// List indexes (every page)
    List {
        /// Only the index with this name
        #[arg(long)]
        name: Option<String>,
        /// Stop after this many indexes
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Show indexes
    Get {
        /// Index ids
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Rename an index
    Rename {
        /// Index id
        id: String,
        /// The new name
        name: String,
    },
    /// Delete indexes and all their videos
    Delete {
        /// Index ids
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

/// `twelvelabs video …`
#[derive(Debug, Subcommand)]
pub enum VideoCommand {
    /// List the videos of an index (every page)
    List {
        /// The index
        #[arg(long, value_name = "INDEX_ID")]
        index: String,
        /// Stop after this many videos
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Show videos
    Get {
        /// The index
        #[arg(long, value_name = "INDEX_ID")]
        index: String,
        /// Video ids
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Change a video's title or user metadata
    #[command(after_help = "Example:\n  \
        twelvelabs video update <VIDEO_ID> --index <INDEX_ID> --title Keynote --set speaker=Ada --unset draft")]
    Update {
        /// The index
        #[arg(long, value_name = "INDEX_ID")]
        index: String,
        /// Video id
        id: String,
        /// The new title (v1.2)
        #[arg(long)]
        title: Option<String>,
        /// Set a user metadata key: KEY=VALUE (a JSON value, or else a string; repeatable)
        #[arg(long, value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Remove a user metadata key (repeatable; v1.3)
        #[arg(long, value_name = "KEY")]
        unset: Vec<String>,
    },
    /// Delete videos
    Delete {
        /// The index
        #[arg(long, value_name = "INDEX_ID")]
        index: String,
        /// Video ids
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

/// `twelvelabs task …`
#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Index videos: upload files or have the service fetch URLs
    #[command(after_help = "Examples:\n  \
        twelvelabs task create clips/*.mp4 --index <INDEX_ID> --wait\n  \
        twelvelabs task create https://example.com/a.mp4 --index <INDEX_ID> --language en --json\n\n\
        With --wait the exit code is 3 when a task ends `failed`, 4 when --timeout passes.")]
    Create(CreateArgs),
    /// Show tasks
    Get {
        /// Task ids
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// List tasks (every page), newest first
    #[command(after_help = "Examples:\n  \
        twelvelabs task list --index <INDEX_ID> --status failed\n  \
        twelvelabs task list --created-at 2024-05-01..2024-05-31 --json | jq -r ._id")]
    List(ListArgs),
    /// Delete tasks (only `ready` and `failed` ones can be)
    Delete {
        /// Task ids
        #[arg(required = true)]
        ids: Vec<String>,
        /// Delete a `ready` task's video first (the API refuses otherwise)
        #[arg(long)]
        with_video: bool,
    },
    /// Wait until tasks are `ready` or `failed`
    #[command(after_help = "Exit code 3 when a task ended `failed`, 4 when --timeout passed.")]
    Wait {
        /// Task ids
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// How long and how often to poll.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Give up after this long (e.g. 90s, 30m, 3h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "3h")]
    pub timeout: Duration,
    /// Poll every (e.g. 500ms, 5s) [default: 5s; 100ms with --emulator]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub interval: Option<Duration>,
}

/// `twelvelabs task create`.
#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// Video files to upload, or http(s) URLs to fetch
    #[arg(required = true, value_name = "FILE|URL")]
    pub sources: Vec<String>,
    /// The index to add the videos to
    #[arg(long, value_name = "INDEX_ID")]
    pub index: String,
    /// Wait until every task is `ready` or `failed`
    #[arg(long)]
    pub wait: bool,
    /// Uploads in flight at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// The language of the videos (e.g. en)
    #[arg(long, value_name = "L")]
    pub language: Option<String>,
    /// Do not create an HLS stream of the videos
    #[arg(long)]
    pub disable_video_stream: bool,
    /// A journal file (JSON Lines): each input's task is recorded the moment it
    /// is known, so rerunning the same command resumes without creating any
    /// task twice (needs --wait)
    #[arg(long, value_name = "FILE", requires = "wait")]
    pub journal: Option<PathBuf>,
    /// With --journal: create again the inputs whose task ended `failed`
    #[arg(long, requires = "journal")]
    pub retry_failed: bool,
    #[command(flatten)]
    pub wait_args: WaitArgs,
}

/// `twelvelabs task list`: every filter of `GET /tasks`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only the tasks of this index
    #[arg(long, value_name = "INDEX_ID")]
    pub index: Option<String>,
    /// Only this task id
    #[arg(long)]
    pub id: Option<String>,
    /// Only these statuses (comma-separated: validating,pending,queued,indexing,ready,failed)
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Only this file name
    #[arg(long)]
    pub filename: Option<String>,
    /// Only this duration, in seconds
    #[arg(long)]
    pub duration: Option<f64>,
    /// Only this width, in pixels
    #[arg(long)]
    pub width: Option<u32>,
    /// Only this height, in pixels
    #[arg(long)]
    pub height: Option<u32>,
    /// Created on DATE, or in FROM..TO, FROM.. or ..TO (RFC 3339 dates or timestamps)
    #[arg(long, value_name = "RANGE")]
    pub created_at: Option<String>,
    /// Updated on DATE, or in FROM..TO, FROM.. or ..TO
    #[arg(long, value_name = "RANGE")]
    pub updated_at: Option<String>,
    /// Estimated to finish on DATE, or in FROM..TO, FROM.. or ..TO
    #[arg(long, value_name = "RANGE")]
    pub estimated_time: Option<String>,
    /// Sort by `created_at` or `updated_at`
    #[arg(long, value_name = "FIELD")]
    pub sort_by: Option<String>,
    /// `asc` or `desc`
    #[arg(long, value_name = "ORDER")]
    pub sort_option: Option<String>,
    /// Tasks per request (1 to 50)
    #[arg(long, value_name = "N")]
    pub page_limit: Option<u32>,
    /// Stop after this many tasks
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// `twelvelabs import …`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import every video of an integration into an index
    #[command(
        after_help = "Example:\n  twelvelabs import start <INTEGRATION_ID> --index <INDEX_ID> --incremental"
    )]
    Start {
        /// The integration (bucket) id
        integration: String,
        /// The index to import into
        #[arg(long, value_name = "INDEX_ID")]
        index: String,
        /// Only import files not imported before
        #[arg(long)]
        incremental: bool,
        /// Retry the files whose import failed
        #[arg(long)]
        retry_failed: bool,
    },
    /// The status of an integration's videos in an index
    Status {
        /// The integration (bucket) id
        integration: String,
        /// The index
        #[arg(long, value_name = "INDEX_ID")]
        index: String,
    },
    /// The imports of an integration, oldest first
    Logs {
        /// The integration (bucket) id
        integration: String,
    },
}

/// Parses `500ms`, `90s`, `30m`, `3h` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (try 500ms, 90s, 30m or 3h)"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown unit `{other}` (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{s}` is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_garbage_does_not_panic() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("3h"), Ok(Duration::from_secs(3 * 3600)));
        for bad in [
            "",
            "ms",
            "5d",
            "-1s",
            "1e999s",
            "..",
            "9".repeat(400).as_str(),
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_grammar_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
