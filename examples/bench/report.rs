//! Machine facts for the JSON record, read the way `bench_common.py` reads them.

/// (wall seconds since start, busy CPU-seconds of the whole machine, CPU-seconds of this process).
pub struct Snapshot(std::time::Instant, f64, f64);

/// Reads /proc/stat and /proc/self/stat (zeros where unavailable).
pub fn cpu_snapshot() -> Snapshot {
    const TCK: f64 = 100.0; // USER_HZ on Linux
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let vals: Vec<f64> =
        stat.lines().next().unwrap_or("").split_whitespace().skip(1).take(8).filter_map(|v| v.parse().ok()).collect();
    let busy = if vals.len() == 8 { (vals.iter().sum::<f64>() - vals[3] - vals[4]) / TCK } else { 0.0 };
    let me = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name start at field 3 (state); utime and
    // stime are fields 14 and 15, so indices 11 and 12 here.
    let rest: Vec<&str> = me.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let field = |i: usize| rest.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let own = (field(11) + field(12)) / TCK;
    Snapshot(std::time::Instant::now(), busy, own)
}

/// Average number of CPUs kept busy by OTHER processes between two snapshots.
pub fn other_load(s0: &Snapshot, s1: &Snapshot) -> f64 {
    let wall = s1.0.duration_since(s0.0).as_secs_f64();
    if wall > 0.0 { (((s1.1 - s0.1) - (s1.2 - s0.2)) / wall).max(0.0) } else { 0.0 }
}

/// The CPU model name from /proc/cpuinfo.
pub fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or_else(String::new, |(_, v)| v.trim().to_string())
}

/// The 1, 5 and 15 minute load averages.
pub fn loadavg() -> Vec<String> {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).map(String::from).collect()
}

/// What computes: the GEMM crate and the widest vector unit it can use here.
pub fn backend() -> String {
    #[cfg(target_arch = "x86_64")]
    let isa = if std::arch::is_x86_feature_detected!("avx512f") {
        "AVX-512"
    } else if std::arch::is_x86_feature_detected!("fma") {
        "AVX2+FMA"
    } else {
        "SSE2"
    };
    #[cfg(not(target_arch = "x86_64"))]
    let isa = std::env::consts::ARCH;
    format!("gemm 0.19 ({isa}), FTZ/DAZ")
}

/// Seconds since the Unix epoch (the peers write a local time; any monotone stamp serves).
pub fn timestamp() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
