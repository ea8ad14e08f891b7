//! The bad-input half of scenario 7: every argument a caller can get wrong, each
//! refused with a typed error (most before any request).

use super::*;

/// The request-side rows: `c` talks to a fast emulator, `cs` to one with 1 s latency
/// (for the file that shrinks mid-upload).
pub(super) fn cases(c: &TwelveLabs, cs: &TwelveLabs) -> Result<Table, String> {
    let mut table = Table::default();
    macro_rules! case {
        ($name:expr, $body:expr) => {
            table.rows.push(($name.to_string(), tokio::spawn($body)));
        };
    }
    let none = RetryPolicy::none();
    let small = TempFile(temp_path("small.bin"));
    write_file(&small.0, 64 * 1024)?;
    let empty = TempFile(temp_path("empty.bin"));
    write_file(&empty.0, 0)?;
    let mut non_utf8 = std::env::temp_dir().into_os_string().into_vec();
    non_utf8.extend_from_slice(format!("/xtask-res-{}-", std::process::id()).as_bytes());
    non_utf8.extend_from_slice(b"\xff\xfe.mp4");
    let non_utf8 = TempFile(PathBuf::from(std::ffi::OsStr::from_bytes(&non_utf8)));
    write_file(&non_utf8.0, 64 * 1024)?;
    let missing_non_utf8 = PathBuf::from(std::ffi::OsStr::from_bytes(b"/nonexistent/\xff\xfe.mp4"));
    let locked = TempFile(temp_path("locked.bin"));
    write_file(&locked.0, 64 * 1024)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked.0, std::fs::Permissions::from_mode(0o000))
            .map_err(|e| e.to_string())?;
    }
    let shrinking = TempFile(temp_path("shrink.bin"));
    write_file(&shrinking.0, 64 * MIB)?;

    let t = c.task();

    let tt = t.clone();
    case!("missing file", async move {
        want_err(
            tt.create("idx")
                .file("/nonexistent/none.mp4")
                .send_raw()
                .await,
            |e| matches!(e, Error::Io { .. } | Error::InvalidInput { .. }),
        )
    });
    let tt = t.clone();
    case!("directory as file", async move {
        want_err(
            tt.create("idx").file(std::env::temp_dir()).send_raw().await,
            |e| matches!(e, Error::Io { .. } | Error::InvalidInput { .. }),
        )
    });
    let tt = t.clone();
    let p = small.0.clone();
    case!("file and url", async move {
        want_err(
            tt.create("idx")
                .file(p)
                .url("https://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("neither file nor url", async move {
        want_err(tt.create("idx").send_raw().await, is_invalid)
    });
    let tt = t.clone();
    case!("empty index id", async move {
        want_err(
            tt.create("")
                .url("https://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("blank index id", async move {
        want_err(
            tt.create("   ")
                .url("https://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    let p = empty.0.clone();
    case!("empty file", async move {
        want_err(tt.create("idx").file(p).send_raw().await, is_invalid)
    });
    let tt = t.clone();
    case!("url not a url", async move {
        want_err(
            tt.create("idx").url("not a url").send_raw().await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("url ftp scheme", async move {
        want_err(
            tt.create("idx")
                .url("ftp://x.example/v.mp4")
                .send_raw()
                .await,
            is_invalid,
        )
    });
    let tt = t.clone();
    case!("empty task id", async move {
        want_err(
            tt.retrieve("").with_retry(RetryPolicy::none()).await,
            is_invalid,
        )
    });
    for bad in [
        "a/b",
        "..",
        ".",
        "a?b=c",
        "a#frag",
        "a b",
        "%2F",
        "../../tasks",
        "\u{1F600}",
    ] {
        let tt = t.clone();
        let none = none.clone();
        case!(format!("task id {bad:?}"), async move {
            want_err(tt.retrieve(bad).with_retry(none).await, is_4xx_or_invalid)
        });
    }
    let tt = t.clone();
    let long = "a".repeat(20_000);
    case!("task id 20000 chars", async move {
        want_err(
            tt.retrieve(long).with_retry(RetryPolicy::none()).await,
            |e| is_4xx_or_invalid(e) || matches!(e, Error::Connection { .. }),
        )
    });
    let tt = t.clone();
    case!("delete id \"..\"", async move {
        want_err(
            tt.delete("..").with_retry(RetryPolicy::none()).await,
            is_4xx_or_invalid,
        )
    });
    let tt = t.clone();
    case!("page_limit 0", async move {
        want_err(tt.list().page_limit(0).send().await, is_invalid)
    });
    let tt = t.clone();
    case!("page_limit 51", async move {
        want_err(tt.list().page_limit(51).send().await, is_invalid)
    });
    let tt = t.clone();
    case!("inverted date range", async move {
        let a = DateValue::parse("2024-02-01T00:00:00Z").map_err(|e| e.to_string())?;
        let b = DateValue::parse("2024-01-01T00:00:00Z").map_err(|e| e.to_string())?;
        want_err(
            tt.list().created_at(DateFilter::between(a, b)).send().await,
            is_invalid,
        )
    });
    case!("unparsable date", async move {
        want_err(DateFilter::parse("yesterday-ish"), is_invalid)
    });
    let tt = t.clone();
    case!("sleep_interval zero", async move {
        want_err(
            tt.wait_for_done("abc").sleep_interval(Duration::ZERO).await,
            is_invalid,
        )
    });
    case!("empty api key", async move {
        want_err(TwelveLabs::new("  "), |e| matches!(e, Error::Config(_)))
    });
    case!("bad base url", async move {
        want_err(
            TwelveLabs::builder()
                .api_key("k")
                .base_url("not a url")
                .build(),
            |e| matches!(e, Error::Config(_)),
        )
    });
    case!("bad header name", async move {
        want_err(
            TwelveLabs::builder()
                .api_key("k")
                .default_header("bad header", "v")
                .build(),
            |e| matches!(e, Error::Config(_)),
        )
    });
    let tt = t.clone();
    let p = non_utf8.0.clone();
    case!("non-UTF-8 path (exists)", async move {
        match tt.create("resbadindex").file(p).send_raw().await {
            Ok(r) => Ok(format!("Ok (uploaded, id {})", r.id)),
            Err(e @ (Error::Io { .. } | Error::InvalidInput { .. })) => Ok(describe(&e)),
            Err(e) => Err(describe(&e)),
        }
    });
    let tt = t.clone();
    case!("non-UTF-8 path (missing)", async move {
        want_err(
            tt.create("idx").file(missing_non_utf8).send_raw().await,
            |e| matches!(e, Error::Io { .. } | Error::InvalidInput { .. }),
        )
    });
    let tt = t.clone();
    let p = locked.0.clone();
    case!("unreadable file (chmod 000)", async move {
        match tt.create("resbadindex").file(p).send_raw().await {
            // As root the file is readable: the upload succeeding is correct too.
            Ok(r) => Ok(format!("Ok (readable: running as root), id {}", r.id)),
            Err(e @ Error::Io { .. }) => Ok(describe(&e)),
            Err(e) => Err(describe(&e)),
        }
    });
    let ts = cs.task();
    let p = shrinking.0.clone();
    case!("file shrinks during upload", async move {
        let done = Arc::new(AtomicBool::new(false));
        let (d, path) = (Arc::clone(&done), p.clone());
        let r = ts
            .create("resbadindex")
            .file(&p)
            .with_progress(move |pr| {
                if pr.sent >= 8 * MIB && !d.swap(true, Ordering::SeqCst) {
                    if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&path) {
                        let _ = f.set_len(MIB);
                    }
                }
            })
            .send_raw()
            .await;
        if !done.load(Ordering::SeqCst) {
            return Err("the file was never truncated".into());
        }
        want_err(r, |e| {
            matches!(
                e,
                Error::Io { .. } | Error::Connection { .. } | Error::Api(_) | Error::Timeout { .. }
            )
        })
    });
    table
        .files
        .extend([small, empty, non_utf8, locked, shrinking]);
    Ok(table)
}
