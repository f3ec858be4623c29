//! Decoding a list of 10,000 personal access tokens into the generated types, against decoding
//! the same bytes into `serde_json::Value`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use konnect_sdk::models::ListUsersPersonalAccessTokensResponse;

/// The body of a list response with `count` tokens.
fn body(count: usize) -> Vec<u8> {
    let tokens: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            serde_json::json!({
                "id": format!("7f9fd312-a987-4628-b4c5-{i:012}"),
                "user_id": "5f9fd312-a987-4628-b4c5-bb4f4fddd5f7",
                "name": format!("token {i}"),
                "state": if i % 3 == 0 { "REVOKED" } else { "ACTIVE" },
                "revoked_by": if i % 3 == 0 { serde_json::json!("5f9fd312-a987-4628-b4c5-bb4f4fddd5f7") } else { serde_json::Value::Null },
                "created_at": "2022-11-04T20:10:06.927Z",
                "updated_at": "2022-11-04T20:10:06.927Z",
                "last_used_at": "2022-11-05T08:30:00Z",
                "expires_at": "2023-11-04T20:10:06.927Z",
                "revoked_at": null,
            })
        })
        .collect();
    serde_json::to_vec(
        &serde_json::json!({"meta": {"number": 1, "size": count, "total": count}, "data": tokens}),
    )
    .expect("serialises")
}

fn decode(c: &mut Criterion) {
    let body = body(10_000);
    let mut group = c.benchmark_group("decode_10000_tokens");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("generated_types", |b| {
        b.iter(|| {
            serde_json::from_slice::<ListUsersPersonalAccessTokensResponse>(std::hint::black_box(
                &body,
            ))
            .unwrap()
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&body)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
