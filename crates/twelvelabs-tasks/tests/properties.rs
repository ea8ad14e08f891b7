//! Property tests: query and multipart building never panic, and what they build
//! parses back to what went in.

use proptest::prelude::*;
use twelvelabs_tasks::{DateFilter, TaskFilters};
use twelvelabs_transport::testing::{FakeTransport, Scripted};
use twelvelabs_transport::url::Url;
use twelvelabs_transport::{
    ApiKey, ApiRequest, ApiVersion, ClientConfig, Error, Executor, Multipart, Part, PartContent,
    RequestOptions,
};

/// The URL `request` goes out to, as a transport sees it.
fn url_sent(version: ApiVersion, request: ApiRequest) -> Result<Url, Error> {
    let mut cfg = ClientConfig::new(ApiKey::new("tlk_prop").unwrap());
    cfg.api_version = version;
    let fake = FakeTransport::new([Scripted::ok()]);
    let executor = Executor::new(fake.clone(), cfg);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(executor.send(request, &RequestOptions::new()))?;
    Ok(fake.requests().remove(0).url)
}

fn text() -> impl Strategy<Value = String> {
    // Arbitrary Unicode, including `&`, `=`, `[`, `#`, `%`, `/`, quotes and newlines.
    any::<String>().prop_filter("not blank", |s| !s.trim().is_empty())
}

proptest! {
    #[test]
    fn filters_parse_back(
        index_id in text(),
        filename in text(),
        width in any::<u32>(),
        page in 1u32..1000,
        limit in 1u32..=50,
        secs in 0i64..4_000_000_000,
    ) {
        let at = chrono::DateTime::from_timestamp(secs, 0).unwrap();
        let mut filters = TaskFilters::default();
        filters.index_id = Some(index_id.clone());
        filters.filename = Some(filename.clone());
        filters.width = Some(width);
        filters.page = Some(page);
        filters.page_limit = Some(limit);
        filters.created_at = Some(DateFilter::since(at));
        let query = filters.to_query(ApiVersion::V1_2).unwrap();
        let mut request = ApiRequest::get(["tasks"]);
        for (k, v) in &query {
            request = request.query(k.clone(), v.clone());
        }
        let url = url_sent(ApiVersion::V1_2, request).unwrap();
        let back: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        prop_assert_eq!(&back, &query);
        prop_assert_eq!(url.path(), "/v1.2/tasks");
        prop_assert!(back.contains(&("index_id".to_owned(), index_id)));
        prop_assert!(back.contains(&("filename".to_owned(), filename)));
    }

    #[test]
    fn ids_stay_in_one_segment(id in text()) {
        match url_sent(ApiVersion::V1_3, ApiRequest::get(["tasks".to_owned(), id.clone()])) {
            Ok(url) => {
                let segments: Vec<String> =
                    url.path_segments().unwrap().map(percent_decode).collect();
                prop_assert_eq!(segments.len(), 3);
                prop_assert_eq!(&segments[2], &id);
                prop_assert!(url.query().is_none());
                prop_assert!(url.fragment().is_none());
            }
            Err(e) => prop_assert!(id == "." || id == "..", "unexpected error {}", e),
        }
    }

    #[test]
    fn multipart_parts_parse_back(
        fields in prop::collection::vec((text(), text()), 1..6),
        filename in text(),
        data in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut form = Multipart::new();
        for (k, v) in &fields {
            form.push(Part::text(k.clone(), v.clone()));
        }
        form.push(Part::file("video_file", filename, "video/mp4", PartContent::Bytes(data.clone().into())));
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let body = rt.block_on(form.to_bytes()).unwrap();
        prop_assert_eq!(Some(body.len() as u64), form.content_length());
        let parts = split_parts(&body, form.boundary());
        prop_assert_eq!(parts.len(), fields.len() + 1);
        for (part, (_, v)) in parts.iter().zip(&fields) {
            prop_assert_eq!(&part.1, v.as_bytes());
            // A name can never add a header line of its own.
            prop_assert_eq!(part.0.lines().count(), 1);
        }
        prop_assert_eq!(&parts.last().unwrap().1, &data);
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// Splits an encoded form into (headers, content) pairs.
fn split_parts(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    loop {
        let start = find(rest, delimiter.as_bytes()).expect("delimiter") + delimiter.len();
        rest = &rest[start..];
        if rest.starts_with(b"--") {
            break;
        }
        rest = &rest[2..]; // CRLF after the delimiter
        let head_end = find(rest, b"\r\n\r\n").expect("end of part headers");
        let headers = String::from_utf8(rest[..head_end].to_vec()).unwrap();
        let content_start = head_end + 4;
        let next = find(
            &rest[content_start..],
            format!("\r\n{delimiter}").as_bytes(),
        )
        .expect("next delimiter");
        parts.push((headers, rest[content_start..content_start + next].to_vec()));
        rest = &rest[content_start + next + 2..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
