//! Keeping secrets out of what the SDK shows: the API key in server text, the
//! user info of URLs, and sensitive headers.

use url::Url;

/// What a secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Header names whose values are secrets whoever sets them.
const SENSITIVE_HEADERS: &[&str] = &[
    "x-api-key",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Whether a header's value is a secret by its name alone (case-insensitive).
pub fn is_sensitive_header(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name.trim()))
}

/// A URL for display, with any user name and password replaced by [`REDACTED`].
pub fn redact_url(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.as_str().to_owned();
    }
    let mut shown = url.clone();
    // Only fails for URLs that cannot have user info, which have none to hide.
    let _ = shown.set_username(REDACTED);
    let _ = shown.set_password(None);
    shown.as_str().to_owned()
}

/// A URL given as text (perhaps not even a valid URL), for display: anything
/// between `://` and an `@` before the path is replaced by [`REDACTED`].
pub fn redact_url_text(raw: &str) -> String {
    let Some(scheme_end) = raw.find("://") else {
        return raw.to_owned();
    };
    let authority_start = scheme_end + 3;
    let rest = &raw[authority_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{REDACTED}{}", &raw[..authority_start], &rest[at..]),
        None => raw.to_owned(),
    }
}

/// `text` with every occurrence of `secret` replaced by [`REDACTED`].
pub fn redact_text(text: &str, secret: &str) -> String {
    if secret.is_empty() || !text.contains(secret) {
        return text.to_owned();
    }
    text.replace(secret, REDACTED)
}

/// `bytes` with every occurrence of `secret` replaced by [`REDACTED`]; `None` when
/// it does not occur (the common case costs no copy).
pub fn redact_bytes(bytes: &[u8], secret: &[u8]) -> Option<Vec<u8>> {
    if secret.is_empty() || bytes.len() < secret.len() {
        return None;
    }
    let first = bytes.windows(secret.len()).position(|w| w == secret)?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first]);
    let mut i = first;
    while i < bytes.len() {
        if bytes[i..].starts_with(secret) {
            out.extend_from_slice(REDACTED.as_bytes());
            i += secret.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_user_info() {
        let u = Url::parse("https://user:pa55@host.example/v1.3?x=1").unwrap();
        let shown = redact_url(&u);
        assert!(
            !shown.contains("pa55") && !shown.contains("user"),
            "{shown}"
        );
        assert!(shown.contains("host.example/v1.3?x=1"));
        let plain = Url::parse("https://host.example/").unwrap();
        assert_eq!(redact_url(&plain), "https://host.example/");
        assert_eq!(
            redact_url_text("http://u:p@h:1/x@y"),
            "http://[REDACTED]@h:1/x@y"
        );
        assert_eq!(redact_url_text("not a url"), "not a url");
        assert_eq!(redact_url_text("http://h/p@q"), "http://h/p@q");
    }

    #[test]
    fn secrets_in_text_and_bytes() {
        assert_eq!(redact_text("k=abc; abc", "abc"), "k=[REDACTED]; [REDACTED]");
        assert_eq!(redact_bytes(b"nothing", b"abc"), None);
        assert_eq!(
            redact_bytes(b"xabcyabc", b"abc").unwrap(),
            b"x[REDACTED]y[REDACTED]".to_vec()
        );
        assert_eq!(redact_bytes(b"ab", b"abc"), None);
        assert!(is_sensitive_header("Authorization"));
        assert!(!is_sensitive_header("x-trace-id"));
    }
}
