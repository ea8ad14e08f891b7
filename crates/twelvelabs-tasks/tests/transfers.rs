//! Cloud imports, the legacy cloud-to-cloud transfer, and the v1.2 index summary.

mod common;

use common::*;
use twelvelabs_models::{TransferFileEntry, UserMetadata};
use twelvelabs_tasks::Upload;
use twelvelabs_transport::{ApiVersion, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const INTEGRATION: &str = "f1b2c3d4-integration";

async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn import_videos_without_options_sends_only_the_index_id() {
    for version in [ApiVersion::V1_2, ApiVersion::V1_3] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!(
                "/{version}/tasks/transfers/import/{INTEGRATION}"
            )))
            .respond_with(json_fixture(201, "import_videos_201.json"))
            .expect(1)
            .mount(&server)
            .await;
        let (tasks, _) = client(&server, version);

        let res = tasks
            .transfers()
            .import_videos(INTEGRATION, "IDX")
            .send()
            .await
            .unwrap();

        let r = &received(&server).await[0];
        assert_eq!(
            std::str::from_utf8(&r.body).unwrap(),
            r#"{"index_id":"IDX"}"#
        );
        assert_eq!(header(r, "content-type"), Some("application/json"));
        assert_eq!(header(r, "content-length"), Some("18"));
        assert_eq!(r.url.query(), None);

        // The 201 body.
        let videos: Vec<(&str, &str)> = res
            .videos
            .iter()
            .map(|v| (v.video_id.as_str(), v.filename.as_str()))
            .collect();
        assert_eq!(
            videos,
            [
                ("66fcee250f9f7bcce21915a2", "1.mp4"),
                ("66fcee250f9f7bcce21915a3", "2.mp4")
            ]
        );
        assert_eq!(res.failed_files.len(), 1);
        assert_eq!(res.failed_files[0].filename, "3.mp4");
        assert!(res.failed_files[0].error_message.contains("2.4GB"));
    }
}

#[tokio::test]
async fn import_videos_with_every_option() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1.2/tasks/transfers/import/{INTEGRATION}")))
        .respond_with(json_fixture(201, "import_videos_201.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let metadata: UserMetadata = serde_json::from_value(serde_json::json!({
        "batchNumber": 7, "source": "s3", "weight": 1.5, "public": true
    }))
    .unwrap();

    tasks
        .transfers()
        .import_videos(INTEGRATION, "IDX")
        .user_metadata(metadata)
        .incremental_import(false)
        .retry_failed(true)
        .await
        .unwrap();

    let r = &received(&server).await[0];
    let body = std::str::from_utf8(&r.body).unwrap();
    assert!(!body.contains("null"), "{body}");
    assert!(
        body.contains("\"batchNumber\":7"),
        "keys never rewritten: {body}"
    );
    let sent: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "index_id": "IDX",
            "user_metadata": {"batchNumber": 7, "source": "s3", "weight": 1.5, "public": true},
            "incremental_import": false,
            "retry_failed": true
        })
    );
}

#[tokio::test]
async fn import_videos_is_not_retried_on_5xx_and_checks_ids() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);
    let err = tasks
        .transfers()
        .import_videos(INTEGRATION, "IDX")
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 502);

    for (integration, index, field) in [
        ("", "IDX", "integration_id"),
        (INTEGRATION, " ", "index_id"),
    ] {
        let err = tasks
            .transfers()
            .import_videos(integration, index)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field: f, .. } if f == field),
            "{err:?}"
        );
    }
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn import_status_sends_the_index_id_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1.3/tasks/transfers/import/{INTEGRATION}/status"
        )))
        .respond_with(json_fixture(200, "import_status.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_3);

    let status = tasks
        .transfers()
        .import_status(INTEGRATION, "66ed1ed7046a96796303a06f")
        .await
        .unwrap();

    let r = &received(&server).await[0];
    assert_eq!(r.url.query(), Some("index_id=66ed1ed7046a96796303a06f"));
    assert_eq!(status.not_imported, ["NEW_VIDEO_1.mp4", "NEW_VIDEO_2.mp4"]);
    assert_eq!(status.validating[0].video_id, "66fcee250f9f7bcce21915a2");
    assert_eq!(status.ready[0].filename, "2.mp4");
    assert!(status.pending.is_empty() && status.queued.is_empty());
    assert_eq!(
        status.failed[0].error_message,
        "The file is not a valid video file."
    );
    assert_eq!(
        status.failed[0].created_at.unwrap().to_rfc3339(),
        "2024-09-24T13:22:00+00:00"
    );
}

#[tokio::test]
async fn import_logs_returns_the_data_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1.2/tasks/transfers/import/{INTEGRATION}/logs"
        )))
        .respond_with(json_fixture(200, "import_logs.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    let logs = tasks.transfers().import_logs(INTEGRATION).await.unwrap();
    assert_eq!(logs.len(), 2);
    assert_eq!(logs[0].index_name, "my sample index");
    assert_eq!(logs[0].video_status.ready, 10);
    assert_eq!(logs[0].video_status.failed, 3);
    assert_eq!(logs[0].video_status.total(), 13);
    assert_eq!(logs[0].failed_files[0].error_message, "No sound");
    assert!(!logs[0].is_running());
    assert!(logs[1].is_running(), "ended_at: null while running");
    assert_eq!(received(&server).await[0].url.query(), None);
}

#[tokio::test]
#[allow(deprecated)]
async fn legacy_transfer_sends_one_file_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.2/tasks/transfers"))
        .respond_with(ResponseTemplate::new(204))
        .expect(3)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);

    // Entries, serialised by the SDK.
    let mut first =
        TransferFileEntry::new("6298d673f1090f1100476d4c", "s3://twelve-labs-docs/01.mp4");
    first.language = Some("en".into());
    first.transcription = Some("s3://twelve-labs-docs/01.srt".into());
    let second = TransferFileEntry::new("6298d673f1090f1100476d4c", "s3://twelve-labs-docs/02.mp4");
    tasks.transfer(vec![first, second]).await.unwrap();

    // A JSON file from disk.
    let list =
        br#"[{"index_id":"6298d673f1090f1100476d4c","language":"en","object":"s3://b/01.mp4"}]"#;
    let file = TempFile::new("transfer-list.json", list);
    tasks.transfer(file.path.clone()).await.unwrap();

    // Unnamed bytes, as PY032 sends a BytesIO.
    tasks
        .transfer(Upload::bytes(&list[..], "upload"))
        .await
        .unwrap();

    let requests = received(&server).await;
    let forms: Vec<_> = requests.iter().map(form_of).collect();
    for form in &forms {
        assert_eq!(form.len(), 1, "one part only");
        assert_eq!(form[0].name, "file");
    }
    assert_eq!(
        summary(&forms[0])[0],
        format!(
            "file; filename=transfer.json; application/json ({} bytes)",
            forms[0][0].body.len()
        )
    );
    let sent: serde_json::Value = serde_json::from_slice(&forms[0][0].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!([
            {"index_id": "6298d673f1090f1100476d4c", "language": "en",
             "object": "s3://twelve-labs-docs/01.mp4", "transcription": "s3://twelve-labs-docs/01.srt"},
            {"index_id": "6298d673f1090f1100476d4c", "object": "s3://twelve-labs-docs/02.mp4"}
        ])
    );
    assert_eq!(forms[1][0].filename.as_deref(), Some("transfer-list.json"));
    assert_eq!(
        forms[1][0].content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(forms[1][0].body, list);
    assert_eq!(
        forms[2][0].headers,
        [
            "Content-Disposition: form-data; name=\"file\"; filename=\"upload\"",
            "Content-Type: application/octet-stream"
        ]
    );
    assert_eq!(forms[2][0].body, list);
    for r in &requests {
        assert_eq!(
            header(r, "content-length").unwrap(),
            r.body.len().to_string()
        );
    }
}

#[tokio::test]
#[allow(deprecated)]
async fn legacy_transfer_is_rejected_on_v13_and_when_empty() {
    let server = silent_server().await;
    let (v13, _) = client(&server, ApiVersion::V1_3);
    let (v12, _) = client(&server, ApiVersion::V1_2);
    let entries = vec![TransferFileEntry::new("IDX", "s3://b/01.mp4")];
    let err = v13.transfer(entries).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "transfer"),
        "{err:?}"
    );
    let err = v12
        .transfer(Vec::<TransferFileEntry>::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let missing = TempFile::missing("gone.json");
    let err = v12.transfer(missing.clone()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Io { path: Some(p), .. } if *p == missing),
        "{err:?}"
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn index_status_summary_on_v12() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.2/tasks/status"))
        .respond_with(json_fixture(200, "index_status_v12.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (tasks, _) = client(&server, ApiVersion::V1_2);
    let status = tasks.status("6298d673f1090f1100476d4c").await.unwrap();
    assert_eq!(status.index_id, "6298d673f1090f1100476d4c");
    assert_eq!(
        (
            status.ready,
            status.validating,
            status.pending,
            status.failed,
            status.total_result
        ),
        (10, 0, 1, 2, 13)
    );
    let r = &received(&server).await[0];
    assert_eq!(r.url.query(), Some("index_id=6298d673f1090f1100476d4c"));

    let (v13, _) = client(&server, ApiVersion::V1_3);
    let err = v13.status("IDX").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}
