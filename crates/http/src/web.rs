//! The embedded front end (`web/dist`, built by `npm run build` in `web/`). Unknown paths outside
//! `/api` get `index.html`, so the single-page app's routes survive a reload.

use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

#[cfg(gridgov_web)]
#[derive(rust_embed::RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
struct Assets;

const NOT_BUILT: &str = r#"<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>gridgov</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>gridgov</h1><p>前端尚未构建。The web front end has not been built into this binary.</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build
cargo build --release -p gridgov-cli</pre>
<p>The API is available: <a href="/api/openapi.json">/api/openapi.json</a>, <a href="/api/v1/regions">/api/v1/regions</a>.</p>
</body></html>"#;

/// Serves a static asset, the SPA shell, or a JSON 404 under `/api`.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return crate::error::ApiError(gridgov_app::AppError::not_found(
            "route_not_found",
            "no such endpoint",
        ))
        .into_response();
    }
    asset(path)
}

#[cfg(gridgov_web)]
fn asset(path: &str) -> Response {
    let (file, name) = match Assets::get(path) {
        Some(f) if !path.is_empty() => (f, path),
        _ => match Assets::get("index.html") {
            Some(f) => (f, "index.html"),
            None => return (StatusCode::OK, Html(NOT_BUILT)).into_response(),
        },
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    // Hashed assets never change; the shell must be revalidated to pick up new ones.
    let cache = if name.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, mime.as_ref().to_owned()),
            (header::CACHE_CONTROL, cache.to_owned()),
        ],
        file.data.into_owned(),
    )
        .into_response()
}

#[cfg(not(gridgov_web))]
fn asset(_path: &str) -> Response {
    let _ = header::CONTENT_TYPE;
    (StatusCode::OK, Html(NOT_BUILT)).into_response()
}
