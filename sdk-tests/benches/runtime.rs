//! The SDK's overhead per call: `get_personal_access_token_details` through the generated
//! client against the same request made by hand with `reqwest` and decoded with `serde_json`,
//! both against a minimal HTTP server on loopback. Also counts heap allocations per call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{criterion_group, criterion_main, Criterion};
use konnect_sdk::models::PersonalAccessToken;
use konnect_sdk::{Client, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Counts allocations so the bench can report them per call.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const USER: &str = "5f9fd312-a987-4628-b4c5-bb4f4fddd5f7";
const TOKEN_ID: &str = "7f9fd312-a987-4628-b4c5-bb4f4fddd5f8";
const BODY: &str = r#"{"id":"7f9fd312-a987-4628-b4c5-bb4f4fddd5f8","user_id":"5f9fd312-a987-4628-b4c5-bb4f4fddd5f7","name":"ci token","state":"ACTIVE","created_at":"2022-11-04T20:10:06.927Z","updated_at":"2022-11-04T20:10:06.927Z","expires_at":"2023-11-04T20:10:06.927Z"}"#;

/// A keep-alive HTTP/1.1 server that answers every request with the same token.
async fn serve(listener: tokio::net::TcpListener) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            continue;
        };
        let response = response.clone();
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 8192];
            let mut pending = Vec::new();
            loop {
                let Ok(n) = socket.read(&mut buffer).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                pending.extend_from_slice(&buffer[..n]);
                while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    pending.drain(..end + 4);
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

fn overhead(c: &mut Criterion) {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once as a smoke test,
    // with one call per batch and without overwriting the last measurement.
    let measuring = std::env::args().any(|a| a == "--bench");
    let calls = if measuring { 500 } else { 1 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(serve(listener));

    let sdk = Client::builder()
        .personal_access_token("kpat_bench")
        .base_url(&base)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let user = USER.parse().unwrap();
    let token = TOKEN_ID.parse().unwrap();
    let http = reqwest::Client::new();
    // What a hand-written client function does with the same typed arguments.
    let by_hand = || async {
        let url = format!("{base}/v3/users/{user}/access-tokens/{token}");
        let response = http
            .get(&url)
            .bearer_auth("kpat_bench")
            .header("accept", "application/json, application/problem+json")
            .send()
            .await
            .unwrap();
        let bytes = response.bytes().await.unwrap();
        serde_json::from_slice::<PersonalAccessToken>(&bytes).unwrap()
    };
    let through_sdk = || async {
        sdk.personal_access_tokens()
            .get_personal_access_token_details(user, token)
            .await
            .unwrap()
    };

    // Allocations per call, outside the timed loops.
    let per_call = |run: &dyn Fn() -> u64| run() as f64 / calls as f64;
    let sdk_allocs = per_call(&|| {
        runtime.block_on(async {
            through_sdk().await;
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            for _ in 0..calls {
                through_sdk().await;
            }
            ALLOCATIONS.load(Ordering::Relaxed) - before
        })
    });
    let hand_allocs = per_call(&|| {
        runtime.block_on(async {
            by_hand().await;
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            for _ in 0..calls {
                by_hand().await;
            }
            ALLOCATIONS.load(Ordering::Relaxed) - before
        })
    });
    // 10,000 calls each way, in alternating batches of 500 so both sides see the same
    // machine: the ratio of each pair of batches is immune to drift between pairs.
    let batch = |sdk: bool| {
        runtime.block_on(async {
            let started = std::time::Instant::now();
            for _ in 0..calls {
                if sdk {
                    through_sdk().await;
                } else {
                    by_hand().await;
                }
            }
            started.elapsed().as_secs_f64()
        })
    };
    let mut ratios = Vec::new();
    for round in 0..20 {
        // Which side goes first alternates too, so neither always runs on a warmer machine.
        let (sdk_time, hand_time) = if round % 2 == 0 {
            let sdk_time = batch(true);
            (sdk_time, batch(false))
        } else {
            let hand_time = batch(false);
            (batch(true), hand_time)
        };
        ratios.push(sdk_time / hand_time);
    }
    let report = serde_json::json!({
        "sdk_allocations_per_call": sdk_allocs,
        "reqwest_allocations_per_call": hand_allocs,
        "paired_ratios": ratios,
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    if measuring {
        let _ = std::fs::write(dir.join("runtime.json"), report.to_string());
    }
    println!("allocations per call: SDK {sdk_allocs:.1}, reqwest by hand {hand_allocs:.1}; SDK/by-hand time per batch: {ratios:.3?}");

    let mut group = c.benchmark_group("get_token");
    group.bench_function("sdk", |b| b.to_async(&runtime).iter(&through_sdk));
    group.bench_function("reqwest_by_hand", |b| b.to_async(&runtime).iter(&by_hand));
    group.finish();
}

criterion_group!(benches, overhead);
criterion_main!(benches);
