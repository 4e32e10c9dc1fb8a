//! What the mock servers (`mock_s2`, `mock_openalex`, `mock_opencitations`, `mock_datasets`)
//! share: the server thread on 127.0.0.1 with its own runtime, stopped when dropped; the
//! request's target, query and headers as the logs keep them; and JSON answers.

use std::future::Future;
use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::Value;

/// A server running on a thread of its own (a two-worker tokio runtime): stopped, its open
/// connections dropped as when a server dies, by [`ServerThread::stop`] or when dropped.
pub struct ServerThread {
    running: Option<(
        tokio::sync::oneshot::Sender<()>,
        std::thread::JoinHandle<()>,
    )>,
}

impl ServerThread {
    /// Runs `serve()` (called inside the runtime: it may make tokio listeners) until it ends or
    /// the server is stopped.
    pub fn spawn<Fut>(serve: impl FnOnce() -> Fut + Send + 'static) -> ServerThread
    where
        Fut: Future<Output = ()>,
    {
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("mock runtime");
            runtime.block_on(async move {
                tokio::select! {
                    _ = serve() => {}
                    _ = stopped => {}
                }
            });
            // Connections still open (slow answers) are dropped, as when a server dies.
            runtime.shutdown_background();
        });
        ServerThread {
            running: Some((shutdown, thread)),
        }
    }

    /// Serves `app` on a fresh port of 127.0.0.1: the thread and the address.
    pub fn serve(app: Router) -> (ServerThread, SocketAddr) {
        let (listener, addr) = bind("127.0.0.1:0".parse().unwrap());
        let thread = ServerThread::spawn(move || async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let _ = axum::serve(listener, app).await;
        });
        (thread, addr)
    }

    /// Whether the server runs.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Stops the server and waits for its thread (nothing when already stopped).
    pub fn stop(&mut self) {
        if let Some((shutdown, thread)) = self.running.take() {
            let _ = shutdown.send(());
            let _ = thread.join();
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A non-blocking listener on `addr` (port 0: a fresh one) and the address it got.
pub fn bind(addr: SocketAddr) -> (std::net::TcpListener, SocketAddr) {
    let listener = std::net::TcpListener::bind(addr)
        .unwrap_or_else(|e| panic!("a mock server cannot bind {addr}: {e}"));
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let addr = listener.local_addr().expect("bound address");
    (listener, addr)
}

/// The request's path and query, as logged.
pub fn target(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default()
}

/// The query's pairs, decoded.
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The headers as (lower-case name, value) pairs, values read leniently.
pub fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The value of header `name` (any case) among logged `headers`.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `body` as JSON (compact) with `status` (500 when not a status) and `Content-Type:
/// application/json`.
pub fn json_response(status: u16, body: &Value) -> Response {
    json_typed(status, body.to_string())
}

/// `body` as it is, whatever it holds, under `Content-Type: application/json` (as OpenCitations
/// sends its plain-text errors), with `status` (500 when not a status).
pub fn json_typed(status: u16, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
