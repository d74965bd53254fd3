//! `kerust datasets`: the embedded datasets.

use std::process::ExitCode;

use kerust::datasets;

pub fn run() -> anyhow::Result<ExitCode> {
    println!("{:<16} {:>5} {:>5}  {:<8} {:<15} description", "name", "rows", "cols", "target", "task");
    for d in datasets::all() {
        println!("{:<16} {:>5} {:>5}  {:<8} {:<15} {}", d.name, d.rows, d.cols, d.target, d.task, d.description);
    }
    println!("\nTrain on one with: kerust train --dataset NAME");
    Ok(ExitCode::SUCCESS)
}
