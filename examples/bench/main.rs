//! The training benchmark: times `fit` on the workloads W1 / W2 the peer scripts define
//! (`bench/peers/`), and the 4096³ f32 GEMM peak, writing the peers' JSON fields.
//!
//! ```text
//! cargo run --release --example bench -- --workload w1|w2|gemm|sweep [--repeats 3] [--threads 1]
//!     [--json OUT.json] [--seed 0] [--data data/boston_housing.csv] [--w2-data w2.f32]
//! ```
//! Like the peers: one first fit (reported as `first_fit_*`), then `--repeats` fits of fresh
//! models with seeds seed+1, …; only the `fit` call is timed; the headline is the median.

mod report;
mod sweep;
mod workloads;

use std::path::PathBuf;
use std::time::Instant;

use ndarray::Array2;
use serde_json::json;

struct Args {
    workload: String,
    repeats: usize,
    threads: usize,
    json: Option<PathBuf>,
    seed: u64,
    data: PathBuf,
    w2_data: Option<PathBuf>,
}

fn parse_args() -> Args {
    let mut a = Args {
        workload: String::new(),
        repeats: 3,
        threads: 1,
        json: None,
        seed: 0,
        data: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/boston_housing.csv")),
        w2_data: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--workload" => a.workload = value(),
            "--repeats" => a.repeats = value().parse().unwrap_or_else(|_| usage("--repeats N")),
            "--threads" => a.threads = value().parse().unwrap_or_else(|_| usage("--threads T")),
            "--json" => a.json = Some(value().into()),
            "--seed" => a.seed = value().parse().unwrap_or_else(|_| usage("--seed S")),
            "--data" => a.data = value().into(),
            "--w2-data" => a.w2_data = Some(value().into()),
            _ => usage(&format!("unknown argument {flag}")),
        }
    }
    if !matches!(a.workload.as_str(), "w1" | "w2" | "gemm" | "sweep") || a.repeats == 0 || a.threads == 0 {
        usage("--workload w1|w2|gemm|sweep, --repeats ≥ 1, --threads ≥ 1");
    }
    a
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "bench: {msg}\nusage: bench --workload w1|w2|gemm|sweep [--repeats N] [--threads T] [--json OUT] [--seed S] [--data BOSTON.csv] [--w2-data W2.f32]"
    );
    std::process::exit(2)
}

fn main() {
    let args = parse_args();
    let result = match args.workload.as_str() {
        "gemm" => gemm_peak(&args),
        "sweep" => sweep::run(args.repeats),
        _ => train(&args),
    };
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&result).expect("json") + "\n")
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// One timed fit of a fresh model: (seconds, final val MSE, final train loss).
fn one_fit(w: &workloads::Workload, seed: u64, threads: usize) -> (f64, f32, f32) {
    let mut model = w.model(seed);
    let config = w.fit_config(seed, threads);
    let t0 = Instant::now();
    let history = model.fit(&w.train.x, &w.train.y, config).expect("fit");
    let seconds = t0.elapsed().as_secs_f64();
    let last = |k: &str| *history.get(k).and_then(|v| v.last()).expect("history key");
    (seconds, last("val_loss"), last("loss"))
}

fn train(args: &Args) -> serde_json::Value {
    let w = if args.workload == "w1" {
        let csv = std::fs::read_to_string(&args.data).unwrap_or_else(|e| panic!("{}: {e}", args.data.display()));
        workloads::w1(&csv)
    } else {
        workloads::w2(args.w2_data.as_deref(), 200_000)
    };
    let s0 = report::cpu_snapshot();
    let first = one_fit(&w, args.seed, args.threads);
    let fits: Vec<_> = (0..args.repeats).map(|i| one_fit(&w, args.seed + 1 + i as u64, args.threads)).collect();
    let other = report::other_load(&s0, &report::cpu_snapshot());
    let secs: Vec<f64> = fits.iter().map(|f| f.0).collect();
    let mut order: Vec<usize> = (0..secs.len()).collect();
    order.sort_by(|&i, &j| secs[i].total_cmp(&secs[j]));
    let med_idx = order[secs.len() / 2];
    let med = secs[med_idx];
    let (n_train, epochs, fps) = (w.train.x.nrows(), w.epochs, w.flops_per_sample());
    let res = json!({
        "peer": "kerust",
        "backend": report::backend(),
        "workload": w.id,
        "workload_name": w.name,
        "threads": args.threads,
        "repeats": fits.len(),
        "epochs": epochs,
        "batch_size": w.batch_size,
        "learning_rate": w.lr,
        "hidden": w.hidden,
        "n_train": n_train,
        "n_val": w.val.x.nrows(),
        "n_features": w.train.x.ncols(),
        "data_source": w.source,
        "flops_per_sample": fps,
        "fit_seconds": secs,
        "median_fit_seconds": med,
        "ms_per_epoch": 1000.0 * med / epochs as f64,
        "samples_per_s": (n_train * epochs) as f64 / med,
        "gflops": (fps * n_train * epochs) as f64 / med / 1e9,
        "val_mse": fits[med_idx].1,
        "val_mse_all": fits.iter().map(|f| f.1).collect::<Vec<_>>(),
        "final_train_loss_all": fits.iter().map(|f| f.2).collect::<Vec<_>>(),
        "cpu": report::cpu_model(),
        "loadavg_at_end": report::loadavg(),
        "other_cpus_busy": other,
        "timestamp": report::timestamp(),
        "versions": { "kerust": env!("CARGO_PKG_VERSION") },
        "first_fit_seconds": first.0,
        "first_fit_ms_per_epoch": 1000.0 * first.0 / epochs as f64,
        "first_fit_val_mse": first.1,
        "note": "median of REPEATS fits of fresh models after a first fit in the same process; validation on the held-out rows every epoch is inside the timed fit",
    });
    println!(
        "kerust {} threads={}: {:.3} ms/epoch, {:.0} samples/s, {:.2} GFLOP/s, val MSE {:.4} (fits: {}; other processes kept {:.2} CPUs busy)",
        w.id,
        args.threads,
        res["ms_per_epoch"].as_f64().unwrap_or(0.0),
        res["samples_per_s"].as_f64().unwrap_or(0.0),
        res["gflops"].as_f64().unwrap_or(0.0),
        fits[med_idx].1,
        secs.iter().map(|s| format!("{s:.4}s")).collect::<Vec<_>>().join(", "),
        other
    );
    res
}

/// The machine's f32 GEMM rate as `gemm_bench.py` measures it: 4096³, one warm-up, then
/// `max(repeats, 5)` timed products on `threads` threads.
fn gemm_peak(args: &Args) -> serde_json::Value {
    let n = 4096;
    let a = Array2::from_shape_fn((n, n), |(i, j)| ((i * 31 + j * 17) % 97) as f32 / 97.0);
    let b = Array2::from_shape_fn((n, n), |(i, j)| ((i * 13 + j * 7) % 89) as f32 / 89.0);
    let mut c = Array2::<f32>::zeros((n, n));
    let s0 = report::cpu_snapshot();
    let _compute = kerust::kernels::ComputeThreads::new(args.threads);
    let times = {
        kerust::kernels::matmul(c.view_mut(), a.view(), b.view());
        (0..args.repeats.max(5))
            .map(|_| {
                let t0 = Instant::now();
                kerust::kernels::matmul(c.view_mut(), a.view(), b.view());
                t0.elapsed().as_secs_f64()
            })
            .collect::<Vec<_>>()
    };
    let other = report::other_load(&s0, &report::cpu_snapshot());
    let flops = 2.0 * (n as f64).powi(3);
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let (median, best) = (flops / sorted[sorted.len() / 2] / 1e9, flops / sorted[0] / 1e9);
    println!(
        "kerust-gemm threads={} n={n}: median {median:.1} GFLOP/s, best {best:.1} GFLOP/s (other processes kept {other:.2} CPUs busy)",
        args.threads
    );
    json!({
        "lib": "kerust", "threads": args.threads, "n": n, "dtype": "float32", "times": times,
        "median_gflops": median, "best_gflops": best, "versions": { "kerust": env!("CARGO_PKG_VERSION") },
        "info": { "kernel": report::backend() }, "cpu": report::cpu_model(), "other_cpus_busy": other,
    })
}
