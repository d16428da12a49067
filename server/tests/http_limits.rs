//! Slow and numerous clients against the real server (embedded localnet, SQLite, no demo):
//! a silent or slow connection is closed after the header timeout, shutdown finishes while
//! one is still open, and requests beyond the concurrency cap are refused at once with 503
//! and `Retry-After` while the server keeps answering once the load is gone.

mod support;

use std::time::Duration;

use teachlink_server::config::Network;
use teachlink_server::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use support::harness::{client, get_json, require_wasm, rt, start_server};

/// Far beyond every limit the tests set: only reached if the server never acts.
const PATIENCE: Duration = Duration::from_secs(60);

fn config(dir: &std::path::Path) -> Config {
    let mut config = Config::for_tests(dir);
    if let Network::Localnet(l) = &mut config.network {
        l.demo = false;
    }
    config
}

/// Reads until the server closes the connection (`Ok(true)`), or `PATIENCE` passes
/// (`Ok(false)`).
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    let read_to_end = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(PATIENCE, read_to_end).await.is_ok()
}

#[test]
fn silent_and_slow_connections_are_closed_after_the_header_timeout() {
    require_wasm();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = config(dir.path());
    config.http.header_timeout = Duration::from_millis(500);
    rt().block_on(async {
        let handle = start_server(config).await;
        let addr = handle.addr();
        // Connected, never a byte.
        let mut silent = TcpStream::connect(addr).await.expect("connects");
        // Half a request's headers, then nothing (slowloris).
        let mut slow = TcpStream::connect(addr).await.expect("connects");
        slow.write_all(b"GET /api/status HTTP/1.1\r\nHost: teachlink\r\nX-Slow: 1")
            .await
            .expect("writes");
        assert!(
            closed_by_server(&mut silent).await,
            "a silent client kept its socket"
        );
        assert!(
            closed_by_server(&mut slow).await,
            "a slow client kept its socket"
        );
        // A normal request is still answered.
        let (code, v) = get_json(&handle.url(), "/api/status").await;
        assert_eq!(code, 200, "{v}");
        handle.shutdown().await.expect("stops cleanly");
    });
}

#[test]
fn shutdown_finishes_while_a_slow_client_holds_a_connection() {
    require_wasm();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = config(dir.path());
    // The header timeout alone would not free the socket before the test gives up: the
    // shutdown's own deadline must.
    config.http.header_timeout = Duration::from_secs(600);
    config.http.shutdown_grace = Duration::from_millis(200);
    rt().block_on(async {
        let handle = start_server(config).await;
        let mut slow = TcpStream::connect(handle.addr()).await.expect("connects");
        slow.write_all(b"GET /api/status HTTP/1.1\r\nHost: teachlink\r\n")
            .await
            .expect("writes");
        // The server has the connection before it is asked to stop.
        let (code, _) = get_json(&handle.url(), "/api/status").await;
        assert_eq!(code, 200);
        let stopped = tokio::time::timeout(PATIENCE, handle.shutdown()).await;
        assert!(
            matches!(stopped, Ok(Ok(()))),
            "the server did not stop with a slow client connected: {stopped:?}"
        );
        assert!(
            closed_by_server(&mut slow).await,
            "the slow client's socket stayed open"
        );
    });
}

#[test]
fn requests_beyond_the_cap_are_shed_with_retry_after() {
    require_wasm();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = config(dir.path());
    config.http.max_concurrent_requests = 1;
    rt().block_on(async {
        let handle = start_server(config).await;
        let base = handle.url();
        // One request in flight, held by its unfinished body: the archive's JSON-RPC
        // reads the whole body before answering.
        let mut holder = TcpStream::connect(handle.addr()).await.expect("connects");
        holder
            .write_all(
                b"POST /rpc HTTP/1.1\r\nHost: teachlink\r\nContent-Type: application/json\r\n\
                  Content-Length: 1000\r\n\r\n{\"jsonrpc\":",
            )
            .await
            .expect("writes");
        // Shed as soon as the holder's request is in the handler (the server may take a
        // moment to read its headers).
        let mut shed = None;
        for _ in 0..200 {
            let resp = client()
                .get(format!("{base}api/status"))
                .send()
                .await
                .expect("an answer, not a queue");
            if resp.status() == 503 {
                shed = Some(resp);
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let resp = shed.expect("a request beyond the cap was served");
        assert_eq!(
            resp.headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("1")
        );
        let body: serde_json::Value = resp.json().await.expect("a JSON body");
        assert_eq!(body["error"]["code"], "overloaded", "{body}");

        // The holder gone, its slot is free again.
        drop(holder);
        let mut answered = false;
        for _ in 0..200 {
            let (code, _) = get_json(&base, "/api/status").await;
            if code == 200 {
                answered = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(answered, "the server kept shedding after the load was gone");
        // Shed requests are counted, under their own route label.
        let metrics = client()
            .get(format!("{base}metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text");
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("teachlink_http_requests_total{")
                    && l.contains("route=\"shed\"")
                    && l.contains("status=\"503\"")),
            "{metrics}"
        );
        handle.shutdown().await.expect("stops cleanly");
    });
}
