//! The Index and Video resources end to end against the emulator, in both API
//! versions: index lifecycle, a video made by a `ready` task, video updates, and
//! deleting a `ready` task with `delete(id).with_video()`.
//!
//! Ignored until the emulator serves `/indexes` (built on another branch).

mod common;

use std::time::Duration;

use common::*;
use twelvelabs::{ApiErrorKind, ApiVersion, NumberFilter, TaskStatus};

/// A name unique to a test and version (index names are unique per account).
fn name(tag: &str, v: ApiVersion) -> String {
    format!("e2e-{tag}-{v}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_lifecycle_in_both_versions() {
    let emu = emulator().await;
    for v in VERSIONS {
        let client = client(&emu, v);
        let indexes = client.index();
        let create = indexes.create(name("life", v));
        let create = if v == ApiVersion::V1_2 {
            create.engine("marengo2.6", ["visual", "conversation"])
        } else {
            create.model("marengo2.7", ["visual", "audio"])
        };
        let index = create.addons(["thumbnail"]).send().await.unwrap();
        assert_eq!(index.name, name("life", v));
        assert_eq!(index.video_count, Some(0));
        assert_eq!(index.model_names().count(), 1);
        let again = indexes.retrieve(index.id.clone()).await.unwrap();
        assert_eq!(again.id, index.id);

        // The name is unique.
        let dup = indexes.create(name("life", v));
        let dup = if v == ApiVersion::V1_2 {
            dup.engine("marengo2.6", ["visual"])
        } else {
            dup.model("marengo2.7", ["visual"])
        };
        let err = dup.await.unwrap_err();
        assert_eq!(err.code(), Some("index_name_already_exists"), "{v}");

        let listed = indexes.list().name(name("life", v)).await.unwrap();
        assert_eq!(listed.len(), 1, "{v}");
        assert_eq!(listed[0].id, index.id);

        indexes
            .update(index.id.clone(), name("renamed", v))
            .await
            .unwrap();
        let renamed = indexes.retrieve(index.id.clone()).await.unwrap();
        assert_eq!(renamed.name, name("renamed", v));

        indexes.delete(index.id.clone()).await.unwrap();
        let err = indexes.retrieve(index.id.clone()).await.unwrap_err();
        assert_eq!(err.api().unwrap().kind, ApiErrorKind::NotFound, "{v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_pages_walk_to_the_end() {
    let emu = emulator().await;
    for v in VERSIONS {
        let client = client(&emu, v);
        for n in 0..5 {
            let create = client.index().create(name(&format!("page{n}"), v));
            let create = if v == ApiVersion::V1_2 {
                create.engine("marengo2.6", ["visual"])
            } else {
                create.model("marengo2.7", ["visual"])
            };
            create.send_id().await.unwrap();
        }
        let mut pager = client
            .index()
            .list_pagination()
            .page_limit(2)
            .await
            .unwrap();
        let mut seen = pager.data.len();
        while let Some(page) = pager.next_page().await.unwrap() {
            seen += page.len();
        }
        assert!(seen >= 5, "{v}: {seen}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ready_task_makes_a_video_that_can_be_updated_and_deleted_with_its_task() {
    let emu = emulator().await;
    for v in VERSIONS {
        let client = client(&emu, v);
        let create = client.index().create(name("video", v));
        let create = if v == ApiVersion::V1_2 {
            create.engine("marengo2.6", ["visual", "conversation"])
        } else {
            create.model("marengo2.7", ["visual", "audio"])
        };
        let index = create.await.unwrap();
        let created = client
            .task()
            .create(index.id.as_str())
            .url("https://cdn.example.com/e2e-video.mp4")
            .send_raw()
            .await
            .unwrap();
        let task = client
            .task()
            .wait_for_done(created.id.as_str())
            .sleep_interval(Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(task.status, TaskStatus::Ready);
        let video_id = task.video_id.clone().expect("a ready task has its video");

        let videos = client.index().video();
        let listed = videos
            .list(index.id.clone())
            .duration(NumberFilter::at_least(0))
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "{v}");
        assert_eq!(listed[0].id, video_id);
        let video = videos
            .retrieve(index.id.clone(), video_id.clone())
            .await
            .unwrap();
        assert_eq!(
            video.metadata.as_ref().and_then(|m| m.filename.as_deref()),
            Some("e2e-video.mp4")
        );

        // Custom metadata: v1.2 PUT, v1.3 PATCH (null deletes a key).
        let update = videos.update(index.id.clone(), video_id.clone());
        if v == ApiVersion::V1_2 {
            let mut m = serde_json::Map::new();
            m.insert("category".into(), "news".into());
            update.title("E2E").metadata(m).await.unwrap();
        } else {
            update.set("category", "news").set("old", 1).await.unwrap();
            videos
                .update(index.id.clone(), video_id.clone())
                .unset("old")
                .await
                .unwrap();
            let video = videos
                .retrieve(index.id.clone(), video_id.clone())
                .await
                .unwrap();
            let user = video.user_metadata.unwrap_or_default();
            assert_eq!(user.get("category"), Some(&"news".into()));
            assert!(user.get("old").is_none());
        }
        let by_metadata = videos
            .list(index.id.clone())
            .user_metadata("category", "news")
            .await
            .unwrap();
        assert_eq!(by_metadata.len(), 1, "{v}");

        // The API's rule: a ready task goes only after its video.
        let err = client.task().delete(task.id.as_str()).await.unwrap_err();
        assert_eq!(err.code(), Some("task_cannot_be_deleted"), "{v}");
        client
            .task()
            .delete(task.id.as_str())
            .with_video()
            .await
            .unwrap();
        let err = videos
            .retrieve(index.id.clone(), video_id.clone())
            .await
            .unwrap_err();
        assert_eq!(err.api().unwrap().kind, ApiErrorKind::NotFound, "{v}");
        let err = client.task().retrieve(task.id.as_str()).await.unwrap_err();
        assert_eq!(err.api().unwrap().kind, ApiErrorKind::NotFound, "{v}");
        assert!(videos.list(index.id.clone()).await.unwrap().is_empty());
    }
}
