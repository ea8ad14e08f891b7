//! GET /tasks: every filter on v1.2 and v1.3, sorting, and pagination.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use futures_util::TryStreamExt;
use twelvelabs::{ApiVersion, DateFilter, Error, SortBy, SortOption, Task, TaskStatus};

fn ids(tasks: &[Task]) -> Vec<String> {
    tasks.iter().map(|t| t.id.as_str().to_owned()).collect()
}

#[tokio::test]
async fn filters_by_index_filename_duration_width_height() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(300 + i as u32, v);
        let other = index_id(310 + i as u32, v);
        let upload = client
            .task()
            .create(&idx)
            .file(sample_mp4())
            .send()
            .await
            .unwrap();
        let a = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/a.mp4")
            .send()
            .await
            .unwrap();
        let b = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/b.mp4")
            .send()
            .await
            .unwrap();
        client
            .task()
            .create(&other)
            .url("https://cdn.example.com/b.mp4")
            .send()
            .await
            .unwrap();

        let all = tasks_of(&client, &idx).await;
        assert_eq!(all.len(), 3, "{v:?}: index_id filter");
        assert!(all
            .iter()
            .all(|t| t.index_id.as_ref().map(|x| x.as_str()) == Some(idx.as_str())));

        let list = |f: &str| client.task().list().index_id(&idx).filename(f.to_owned());
        assert_eq!(
            ids(&list("b.mp4").send().await.unwrap()),
            vec![b.id.to_string()],
            "{v:?}"
        );
        assert!(list("nope.mp4").send().await.unwrap().is_empty());

        let d = a.metadata.as_ref().unwrap().duration.unwrap();
        let by_duration = client
            .task()
            .list()
            .index_id(&idx)
            .duration(d)
            .send()
            .await
            .unwrap();
        assert!(
            by_duration.iter().any(|t| t.id == a.id),
            "{v:?}: duration {d}"
        );
        assert!(by_duration
            .iter()
            .all(|t| t.metadata.as_ref().unwrap().duration == Some(d)));

        if has_real_sample() {
            let by_w = client
                .task()
                .list()
                .index_id(&idx)
                .width(640)
                .send()
                .await
                .unwrap();
            assert_eq!(ids(&by_w), vec![upload.id.to_string()], "{v:?}: width");
            let by_h = client
                .task()
                .list()
                .index_id(&idx)
                .height(720)
                .send()
                .await
                .unwrap();
            let mut got = ids(&by_h);
            got.sort();
            let mut want = vec![a.id.to_string(), b.id.to_string()];
            want.sort();
            assert_eq!(got, want, "{v:?}: height");
            let by_d = client
                .task()
                .list()
                .index_id(&idx)
                .duration(10.0)
                .send()
                .await
                .unwrap();
            assert_eq!(
                ids(&by_d),
                vec![upload.id.to_string()],
                "{v:?}: duration 10"
            );
        }
    }
}

#[tokio::test]
async fn date_filters_exact_between_and_updated_range() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(320 + i as u32, v);
        let seeded = emu.seed_tasks(&idx, 20, "ready");
        let mut created = Vec::new();
        for id in &seeded {
            let t = client.task().retrieve(id).await.unwrap();
            assert_eq!(t.updated_at, t.created_at, "seeded tasks are frozen");
            created.push(t.created_at.expect("created_at"));
        }
        let exact = client
            .task()
            .list()
            .index_id(&idx)
            .created_at(DateFilter::on(created[3]))
            .page_limit(50)
            .send()
            .await
            .unwrap();
        // The spec: a timestamp returns what was created on that date, at or
        // after the given time (newest first by default).
        let mut expected = seeded[3..].to_vec();
        expected.reverse();
        assert_eq!(ids(&exact), expected, "{v:?}: created_at timestamp");

        let between = client
            .task()
            .list()
            .index_id(&idx)
            .created_at(DateFilter::between(created[5], created[9]))
            .sort_option(SortOption::Asc)
            .send()
            .await
            .unwrap();
        assert_eq!(
            ids(&between),
            seeded[5..=9].to_vec(),
            "{v:?}: created_at between"
        );

        let updated = client
            .task()
            .list()
            .index_id(&idx)
            .updated_at(DateFilter::between(created[10], created[12]))
            .sort_option(SortOption::Asc)
            .send()
            .await
            .unwrap();
        assert_eq!(
            ids(&updated),
            seeded[10..=12].to_vec(),
            "{v:?}: updated_at range"
        );

        let since = client
            .task()
            .list()
            .index_id(&idx)
            .created_at(DateFilter::since(created[17]))
            .send()
            .await
            .unwrap();
        assert_eq!(since.len(), 3, "{v:?}: since");

        let day = created[0].date_naive();
        let whole_day = client
            .task()
            .list()
            .index_id(&idx)
            .created_at(day)
            .page_limit(50)
            .send()
            .await
            .unwrap();
        // Seeds span 20 ms; unless that straddles midnight UTC, the day holds them all.
        if created[19].date_naive() == day {
            assert_eq!(whole_day.len(), 20, "{v:?}: date-only = whole UTC day");
        }

        let inverted = client
            .task()
            .list()
            .created_at(DateFilter::between(created[9], created[5]))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(inverted, Error::InvalidInput { .. }),
            "{inverted:?}"
        );
    }
}

#[tokio::test]
async fn id_filter_v12_and_status_filter_v13() {
    let emu = emulator().await;
    let v12 = client(&emu, ApiVersion::V1_2);
    let idx12 = index_id(330, ApiVersion::V1_2);
    let seeded = emu.seed_tasks(&idx12, 5, "ready");
    let one = v12
        .task()
        .list()
        .id(seeded[2].clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&one), vec![seeded[2].clone()]);

    let v13 = client(&emu, ApiVersion::V1_3);
    let before = emu.stats().requests;
    let err = v13
        .task()
        .list()
        .id(seeded[2].clone())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(emu.stats().requests, before, "rejected before sending");

    let idx13 = index_id(331, ApiVersion::V1_3);
    let indexing = emu.seed_tasks(&idx13, 3, "indexing");
    let ready = emu.seed_tasks(&idx13, 2, "ready");
    let failed = emu.seed_tasks(&idx13, 1, "failed");
    let only_ready = v13
        .task()
        .list()
        .index_id(&idx13)
        .status(TaskStatus::Ready)
        .send()
        .await
        .unwrap();
    let mut got = ids(&only_ready);
    got.sort();
    let mut want = ready.clone();
    want.sort();
    assert_eq!(got, want);
    let done = v13
        .task()
        .list()
        .index_id(&idx13)
        .status(TaskStatus::Ready)
        .status(TaskStatus::Failed)
        .send()
        .await
        .unwrap();
    assert_eq!(done.len(), 3);
    assert!(done.iter().all(|t| t.status.is_terminal()));
    assert!(done.iter().any(|t| t.id.as_str() == failed[0]));
    let running = v13
        .task()
        .list()
        .index_id(&idx13)
        .status(TaskStatus::Indexing)
        .send()
        .await
        .unwrap();
    assert_eq!(running.len(), indexing.len());
}

#[tokio::test]
async fn sort_by_and_sort_option_order() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(340 + i as u32, v);
        let a = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/first.mp4")
            .send()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let b = client
            .task()
            .create(&idx)
            .url("https://cdn.example.com/second.mp4")
            .send()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        // Advance `a` so it is the most recently updated.
        client.task().retrieve(a.id.as_str()).await.unwrap();
        let (a, b) = (a.id.to_string(), b.id.to_string());

        let order = |by: SortBy, opt: SortOption| {
            let c = client.clone();
            let idx = idx.clone();
            async move {
                ids(&c
                    .task()
                    .list()
                    .index_id(&idx)
                    .sort_by(by)
                    .sort_option(opt)
                    .send()
                    .await
                    .unwrap())
            }
        };
        assert_eq!(
            order(SortBy::CreatedAt, SortOption::Desc).await,
            vec![b.clone(), a.clone()],
            "{v:?}"
        );
        assert_eq!(
            order(SortBy::CreatedAt, SortOption::Asc).await,
            vec![a.clone(), b.clone()],
            "{v:?}"
        );
        assert_eq!(
            order(SortBy::UpdatedAt, SortOption::Desc).await,
            vec![a.clone(), b.clone()],
            "{v:?}"
        );
        assert_eq!(
            order(SortBy::UpdatedAt, SortOption::Asc).await,
            vec![b.clone(), a.clone()],
            "{v:?}"
        );
        // Server default: created_at desc.
        assert_eq!(ids(&tasks_of(&client, &idx).await), vec![b, a], "{v:?}");
    }
}

#[tokio::test]
async fn into_stream_yields_all_123_unique_ids() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(350 + i as u32, v);
        let seeded: HashSet<String> = emu.seed_tasks(&idx, 123, "ready").into_iter().collect();
        let before = emu.stats().requests;
        let all: Vec<Task> = client
            .task()
            .list()
            .index_id(&idx)
            .page_limit(10)
            .into_stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 123, "{v:?}");
        let unique: HashSet<String> = ids(&all).into_iter().collect();
        assert_eq!(unique, seeded, "{v:?}");
        assert_eq!(
            emu.stats().requests - before,
            13,
            "{v:?}: 13 pages, no extra request"
        );
    }
}

#[tokio::test]
async fn list_pagination_visits_13_pages_without_extra_request() {
    let emu = emulator().await;
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let client = client(&emu, v);
        let idx = index_id(360 + i as u32, v);
        emu.seed_tasks(&idx, 123, "ready");
        let before = emu.stats().requests;
        let mut pager = client
            .task()
            .list_pagination()
            .index_id(&idx)
            .page_limit(10)
            .send()
            .await
            .unwrap();
        assert_eq!(pager.page_info.page, 1);
        assert_eq!(pager.page_info.total_page, 13);
        assert_eq!(pager.page_info.total_results, 123);
        let mut pages = 1;
        let mut seen: HashSet<String> = ids(&pager.data).into_iter().collect();
        let mut last_len = pager.data.len();
        while let Some(page) = pager.next_page().await.unwrap() {
            pages += 1;
            assert_eq!(pager.page_info.page, pages, "{v:?}");
            last_len = page.len();
            seen.extend(ids(&page));
        }
        assert_eq!(pages, 13, "{v:?}");
        assert_eq!(last_len, 3);
        assert_eq!(seen.len(), 123);
        assert!(!pager.has_next_page());
        assert!(
            pager.next_page().await.unwrap().is_none(),
            "stays exhausted"
        );
        assert_eq!(
            emu.stats().requests - before,
            13,
            "{v:?}: no request after the last page"
        );
    }
}

#[tokio::test]
async fn page_limit_out_of_range_is_rejected_client_side() {
    let emu = emulator().await;
    let client = client(&emu, ApiVersion::V1_2);
    let before = emu.stats().requests;
    for limit in [0, 51] {
        let err = client
            .task()
            .list()
            .page_limit(limit)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    let err = client.task().list().page(0).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(emu.stats().requests, before);
    // Past the end: empty data, the page echoed.
    emu.seed_tasks("deadbeefdeadbeefdeadbeef", 3, "ready");
    let page = client
        .task()
        .list()
        .index_id("deadbeefdeadbeefdeadbeef")
        .page(5)
        .send_page()
        .await
        .unwrap();
    assert!(page.data.is_empty());
    assert_eq!(page.page_info.page, 5);
    assert_eq!(page.page_info.total_results, 3);
}
