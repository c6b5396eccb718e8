//! Cross-cutting layers: request ids, tracing, timeouts, body limits, security headers.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: a per-process random prefix and a counter, cheap and unique enough to follow
/// one request through the logs of several processes.
#[derive(Clone)]
struct Ids {
    prefix: u32,
    next: std::sync::Arc<AtomicU64>,
}

impl MakeRequestId for Ids {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

fn process_prefix() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    (t as u32) ^ std::process::id().rotate_left(16)
}

/// How long a request may take before it is answered 408 (and its transaction rolled back).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an upload may take: an import of 200,000 rows is checked, sealed and written whole.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(300);

pub fn timeout(d: Duration) -> TimeoutLayer {
    TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, d)
}

/// Wraps the router in the standard layers (outermost last).
pub fn wrap(router: Router) -> Router {
    let ids = Ids {
        prefix: process_prefix(),
        next: Default::default(),
    };
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<axum::body::Body>| {
        let id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        // The path only: query strings may carry coordinates or, later, personal data.
        tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
    });
    router
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, ids))
}
