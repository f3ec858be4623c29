//! A misbehaving HTTP server on loopback, on raw sockets: each connection is answered as the
//! test scripts it (never, a byte at a time, halfway, with garbage, endlessly), which HTTP
//! server libraries are too well-behaved to do. It counts requests and the body bytes it
//! managed to write, so a test can tell how much of a body the client read.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Stats {
    requests: Mutex<Vec<Request>>,
    written: AtomicU64,
    finished: AtomicUsize,
}

/// One connection, its request read; the script answers it.
pub struct Conn {
    stream: TcpStream,
    stats: Arc<Stats>,
    /// The request.
    pub request: Request,
    /// 0 for the server's first request, 1 for the next...
    pub index: usize,
}

impl Conn {
    /// Writes `bytes` as they are.
    pub async fn raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await
    }

    /// Writes a status line and headers (and `Connection: close`: every connection serves
    /// one request).
    pub async fn head(&mut self, status: &str, headers: &[(&str, &str)]) -> std::io::Result<()> {
        let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        self.raw(text.as_bytes()).await
    }

    /// Writes body bytes, counting them.
    pub async fn body(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.raw(bytes).await?;
        self.stats
            .written
            .fetch_add(bytes.len() as u64, Ordering::SeqCst);
        Ok(())
    }

    /// Writes `total` bytes of `x`, 16 KiB at a time, until done or the client goes away.
    pub async fn endless(&mut self, total: u64) {
        let block = vec![b'x'; 16 * 1024];
        let mut left = total;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            if self.body(&block[..n]).await.is_err() {
                return;
            }
            left -= n as u64;
        }
    }

    /// The same in chunked transfer coding, with no declared length: 16 KiB chunks of `x`
    /// until the client goes away.
    pub async fn endless_chunked(&mut self) {
        let mut chunk = b"4000\r\n".to_vec();
        chunk.extend_from_slice(&[b'x'; 16 * 1024]);
        chunk.extend_from_slice(b"\r\n");
        loop {
            if self.raw(&chunk).await.is_err() {
                return;
            }
            self.stats.written.fetch_add(16 * 1024, Ordering::SeqCst);
        }
    }

    /// Writes `bytes` one at a time, `every` apart.
    pub async fn trickle(&mut self, bytes: &[u8], every: Duration) {
        for byte in bytes {
            if self.body(std::slice::from_ref(byte)).await.is_err() {
                return;
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Closes the connection with a reset (RST) rather than an orderly close.
    pub fn reset(self) {
        // Deprecated because a lingering close blocks the thread; a zero linger does not wait.
        #[allow(deprecated)]
        let _ = self.stream.set_linger(Some(Duration::ZERO));
        drop(self.stream);
    }

    /// Holds the connection open without a word, until the test ends.
    pub async fn hang(self) {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        drop(self);
    }
}

/// The server: it answers every connection with the script it was started with.
pub struct Rogue {
    addr: SocketAddr,
    stats: Arc<Stats>,
    task: JoinHandle<()>,
}

impl Drop for Rogue {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Rogue {
    /// A server on 127.0.0.1.
    pub async fn start<F, Fut>(script: F) -> Rogue
    where
        F: Fn(Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Rogue::start_on("127.0.0.1", script).await
    }

    /// A server on `ip`, a loopback address (127.0.0.2 is another origin than 127.0.0.1).
    pub async fn start_on<F, Fut>(ip: &str, script: F) -> Rogue
    where
        F: Fn(Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind((ip, 0)).await.expect("a loopback port");
        let addr = listener.local_addr().unwrap();
        let stats = Arc::new(Stats::default());
        let script = Arc::new(script);
        let shared = stats.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let stats = shared.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else {
                        return;
                    };
                    let index = {
                        let mut requests = stats.requests.lock().unwrap();
                        requests.push(request.clone());
                        requests.len() - 1
                    };
                    let conn = Conn {
                        stream,
                        stats: stats.clone(),
                        request,
                        index,
                    };
                    script(conn).await;
                    stats.finished.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        Rogue { addr, stats, task }
    }

    /// `http://ip:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.stats.requests.lock().unwrap().clone()
    }

    /// How many body bytes the scripts wrote without an error.
    pub fn written(&self) -> u64 {
        self.stats.written.load(Ordering::SeqCst)
    }

    /// Waits (up to 10 s) until `n` scripts have run to their end: a script writing a body
    /// the client stopped reading ends when its writes fail.
    pub async fn finished(&self, n: usize) {
        let started = std::time::Instant::now();
        while self.stats.finished.load(Ordering::SeqCst) < n {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the server's scripts did not end: the client kept the connection"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Reads a request's head and its `Content-Length` body; `None` when the client went away.
async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}
