//! The HTTP face of gridgov: the JSON API under `/api/v1`, its OpenAPI document, health probes,
//! and the embedded web front end. Handlers only translate; the work is in `gridgov-app`.

mod auth;
mod error;
mod extract;
mod middleware;
pub mod openapi;
mod routes;
mod web;

use axum::Router;
use gridgov_app::App;
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub use error::{ApiError, ErrorBody};

/// The whole router, with middleware.
pub fn router(app: App) -> Router {
    let api = routes::api()
        .layer(middleware::timeout(middleware::REQUEST_TIMEOUT))
        .with_state(app.clone());
    let uploads = routes::uploads()
        .layer(middleware::timeout(middleware::UPLOAD_TIMEOUT))
        .with_state(app.clone());
    middleware::wrap(
        Router::new()
            .merge(api)
            .merge(uploads)
            .fallback(web::serve)
            .layer(axum::middleware::from_fn(auth::csrf)),
    )
}

/// A bound, not yet running server. Binding first lets callers (tests, `gridgov demo`) learn the
/// real port when they asked for port 0.
pub struct Server {
    listener: TcpListener,
    router: Router,
}

impl Server {
    pub async fn bind(app: App, addr: &str) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Server {
            listener,
            router: router(app),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}
