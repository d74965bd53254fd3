//! `--workload sweep`: where a split of the batch over two threads starts to pay. For a range
//! of step sizes (batch × trainable parameters), one epoch of W2-style data at 1 thread and
//! at 2 threads with every step split (`min_shard_work = 0`), alternated; prints ms/step and
//! the ratio, from which `kerust::model::MIN_SHARD_WORK` was chosen.

use std::time::Instant;

use kerust::prelude::*;

use super::workloads;

/// Seconds of one fit of `w` with `threads` threads, every step split when `threads` > 1.
fn seconds(w: &workloads::Workload, threads: usize) -> f64 {
    let mut model = w.model(1);
    let config = FitConfig { min_shard_work: 0, ..w.fit_config(1, threads) };
    let t0 = Instant::now();
    model.fit(&w.train.x, &w.train.y, config).expect("fit");
    t0.elapsed().as_secs_f64()
}

/// Runs the sweep and returns its rows as JSON.
pub fn run(rounds: usize) -> serde_json::Value {
    let mut rows = Vec::new();
    println!(
        "{:>6} {:>6} {:>10} {:>14} {:>10} {:>10} {:>6}",
        "batch", "width", "params", "work/shard", "1t ms/st", "2t ms/st", "×"
    );
    for (batch, width) in [
        (32, 16),
        (32, 32),
        (32, 64),
        (64, 64),
        (32, 128),
        (128, 64),
        (64, 128),
        (256, 64),
        (128, 128),
        (256, 128),
        (256, 256),
    ] {
        let mut w = workloads::w2(None, 40_000);
        w.hidden = vec![width, width];
        w.batch_size = batch;
        w.epochs = 1;
        // Shrink the validation rows: the sweep times the steps.
        w.val.x = w.val.x.slice(ndarray::s![..64, ..]).to_owned();
        w.val.y = w.val.y.slice(ndarray::s![..64, ..]).to_owned();
        let params = {
            let m = w.model(0);
            m.count_params()
        };
        let steps = w.train.x.nrows().div_ceil(batch) as f64;
        let (mut one, mut two) = (Vec::new(), Vec::new());
        seconds(&w, 1);
        for _ in 0..rounds {
            one.push(seconds(&w, 1) / steps * 1e3);
            two.push(seconds(&w, 2) / steps * 1e3);
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (a, b) = (median(&mut one), median(&mut two));
        let work = batch / 2 * params;
        println!("{batch:>6} {width:>6} {params:>10} {work:>14} {a:>10.4} {b:>10.4} {:>6.2}", a / b);
        rows.push(serde_json::json!({ "batch": batch, "width": width, "params": params, "work_per_shard": work,
            "ms_per_step_1t": a, "ms_per_step_2t_split": b, "speedup": a / b }));
    }
    serde_json::json!({ "workload": "sweep", "rounds": rounds, "rows": rows })
}
