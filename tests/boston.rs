//! The seed lesson (examples/boston_regression.rs) reaches a held-out RMSE below 5.0.

#[path = "../examples/boston_regression.rs"]
mod lesson;

#[test]
fn boston_lesson_rmse_below_five() {
    let report = lesson::run(0).unwrap();
    assert!(report.rmse < 5.0, "RMSE {} (MAE {})", report.rmse, report.mae);
    let val_loss = report.history.get("val_loss").unwrap();
    assert_eq!(val_loss.len(), 100);
    assert!(val_loss[99] < val_loss[0] / 4.0, "val_loss {} -> {}", val_loss[0], val_loss[99]);
}
