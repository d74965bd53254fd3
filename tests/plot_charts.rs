//! The charts of issue "every picture worth looking at": log scale for losses spanning
//! decades, compact tick labels, the best epoch in the legend, dense scatters as PNG, ROC,
//! residuals and permutation-importance bars.

use kerust::model::{History, Logs};
use kerust::plot::{
    Chart, importance_bars, learning_curve, learning_curve_band, pred_vs_actual, residuals_vs_predicted, roc_curve,
};

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The text content of every `<text>` element (plotters writes it on its own line).
fn texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let body = &rest[start..];
        let Some(open_end) = body.find('>') else { break };
        let Some(close) = body.find("</text>") else { break };
        out.push(body[open_end + 1..close].trim().to_string());
        rest = &body[close..];
    }
    out
}

/// The y attribute of the first `<text>` element reading `text`.
fn text_y(svg: &str, text: &str) -> Option<f64> {
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let body = &rest[start..];
        let close = body.find("</text>")?;
        let open_end = body.find('>')?;
        if body[open_end + 1..close].trim() == text {
            let y = body[..open_end].split(" y=\"").nth(1)?.split('"').next()?;
            return y.parse().ok();
        }
        rest = &body[close..];
    }
    None
}

fn assert_no_trailing_dot_zero(chart: &Chart, what: &str) {
    for t in texts(&chart.svg) {
        assert!(!t.ends_with(".0"), "{what}: tick label {t:?} ends in .0");
    }
    assert!(chart.png.starts_with(&PNG_SIGNATURE), "{what}: not a PNG");
}

fn history(losses: &[(f64, f64)]) -> History {
    let mut history = History::default();
    for (epoch, &(loss, val)) in losses.iter().enumerate() {
        let mut logs = Logs::default();
        logs.set("loss", loss as f32);
        logs.set("val_loss", val as f32);
        history.push(epoch, &logs);
    }
    history
}

/// A diamonds-like run: the loss falls from 2e7 to about 3e5.
fn falling_history() -> History {
    let losses: Vec<(f64, f64)> =
        (0..30).map(|e| (2e7 * 0.8f64.powi(e) + 3e5, 2.1e7 * 0.8f64.powi(e) + 3.2e5)).collect();
    history(&losses)
}

#[test]
fn plot_learning_curve_over_decades_is_log_scale() {
    let chart = learning_curve(&falling_history(), Some(28)).unwrap();
    let labels = texts(&chart.svg);
    assert!(labels.iter().any(|t| t == "1M"), "no power-of-ten tick: {labels:?}");
    assert!(labels.iter().any(|t| t == "10M"), "no power-of-ten tick: {labels:?}");
    assert!(!chart.svg.contains("20000000.0") && !chart.svg.contains("20000000"));
    assert_no_trailing_dot_zero(&chart, "learning curve");
}

#[test]
fn plot_learning_curve_of_a_small_span_is_linear() {
    let chart = learning_curve(&history(&[(3.0, 3.5), (2.0, 2.8), (1.5, 2.9)]), Some(1)).unwrap();
    let labels = texts(&chart.svg);
    // Linear ticks at 1.5, 2, 2.5, 3, 3.5 include non-powers of ten between 1 and 10.
    assert!(labels.iter().any(|t| t == "2.5"), "{labels:?}");
    assert!(!labels.iter().any(|t| t == "10"), "a decade tick on a 1.5..3.5 axis: {labels:?}");
    assert_no_trailing_dot_zero(&chart, "small learning curve");
}

#[test]
fn plot_learning_curve_legend_names_the_best_epoch() {
    let chart = learning_curve(&history(&[(3.0, 3.5), (2.0, 2.8), (1.5, 2.9)]), Some(1)).unwrap();
    assert!(texts(&chart.svg).iter().any(|t| t == "best epoch 2 (val_loss 2.8)"), "{:?}", texts(&chart.svg));
    let chart = learning_curve(&falling_history(), Some(28)).unwrap();
    assert!(texts(&chart.svg).iter().any(|t| t.starts_with("best epoch 29 (val_loss ")));
}

#[test]
fn plot_no_chart_has_a_tick_label_ending_in_dot_zero() {
    let actual: Vec<f32> = (0..300).map(|i| 1000.0 + 50.0 * i as f32).collect();
    let predicted: Vec<f32> = actual.iter().enumerate().map(|(i, a)| a * (1.0 + 0.01 * (i % 7) as f32)).collect();
    let band = learning_curve_band(&[("loss", &[2e7, 1e7, 5e6], &[1e6, 1e6, 1e5])], 3).unwrap();
    let scores: Vec<f32> = (0..50).map(|i| i as f32 / 50.0).collect();
    let labels: Vec<bool> = (0..50).map(|i| i % 3 == 0 || i > 30).collect();
    let names: Vec<String> = ["carat", "depth", "table"].iter().map(|s| s.to_string()).collect();
    let charts = [
        ("band", band),
        ("scatter", pred_vs_actual(&actual, &predicted, "USD").unwrap()),
        ("residuals", residuals_vs_predicted(&actual, &predicted, "USD").unwrap()),
        ("roc", roc_curve(&labels, &scores).unwrap().chart),
        ("importance", importance_bars(&names, &[3e6, 2e5, 1000.0], None, "mse").unwrap()),
    ];
    for (what, chart) in &charts {
        assert!(!texts(&chart.svg).is_empty(), "{what}: no text");
        assert_no_trailing_dot_zero(chart, what);
    }
}

#[test]
fn plot_dense_scatter_is_an_embedded_png() {
    let actual: Vec<f32> = (0..10_000).map(|i| (i as f32 * 0.37).sin() * 5000.0 + 6000.0).collect();
    let predicted: Vec<f32> = actual.iter().enumerate().map(|(i, a)| a + ((i * 7919) % 1000) as f32 - 500.0).collect();
    let chart = pred_vs_actual(&actual, &predicted, "USD").unwrap();
    assert!(chart.svg.contains("data:image/png;base64,"));
    assert!(chart.svg.contains("width=\"700\"") && chart.svg.contains("height=\"700\""));
    assert!(chart.svg.len() < 150_000, "embedded svg is {} bytes", chart.svg.len());
    assert!(chart.png.starts_with(&PNG_SIGNATURE));
    let residuals = residuals_vs_predicted(&actual, &predicted, "USD").unwrap();
    assert!(residuals.svg.contains("data:image/png;base64,"));
    assert!(residuals.svg.len() < 150_000, "embedded residual svg is {} bytes", residuals.svg.len());

    let small = pred_vs_actual(&actual[..500], &predicted[..500], "USD").unwrap();
    assert!(!small.svg.contains("<image"), "500 points should stay vector SVG");
    assert!(small.svg.contains("<circle"));
}

#[test]
fn plot_roc_auc_is_exact() {
    let roc = roc_curve(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]).unwrap();
    assert_eq!(roc.auc, 0.75);
    assert!(texts(&roc.chart.svg).iter().any(|t| t.contains("AUC 0.750")));
    assert!(roc.chart.png.starts_with(&PNG_SIGNATURE));
    // A tie between a positive and a negative counts half: 3.5 of 4 pairs ordered.
    let tied = roc_curve(&[false, false, true, true], &[0.1, 0.5, 0.5, 0.8]).unwrap();
    assert_eq!(tied.auc, 0.875);
    let all_tied = roc_curve(&[false, true, false, true], &[0.3; 4]).unwrap();
    assert_eq!(all_tied.auc, 0.5);
}

#[test]
fn plot_roc_agrees_with_roc_auc_score() {
    let labels: Vec<bool> = (0..200).map(|i| (i * 37) % 11 < 5).collect();
    let scores: Vec<f32> =
        (0..200).map(|i| ((i * 53) % 17) as f32 / 17.0 + if (i * 37) % 11 < 5 { 0.3 } else { 0.0 }).collect();
    let auc = roc_curve(&labels, &scores).unwrap().auc;
    let y =
        ndarray::Array2::from_shape_vec((200, 1), labels.iter().map(|&l| f32::from(u8::from(l))).collect()).unwrap();
    let s = ndarray::Array2::from_shape_vec((200, 1), scores.clone()).unwrap();
    let expected = kerust::metrics::roc_auc_score(&y, &s).unwrap();
    assert!((auc - expected).abs() < 1e-12, "{auc} vs {expected}");
}

#[test]
fn plot_roc_rejects_degenerate_input() {
    assert!(roc_curve(&[true, true, true], &[0.1, 0.2, 0.3]).is_err(), "one class");
    assert!(roc_curve(&[false, false], &[0.1, 0.2]).is_err(), "one class");
    assert!(roc_curve(&[], &[]).is_err(), "empty");
    assert!(roc_curve(&[true, false], &[0.1]).is_err(), "length mismatch");
    let err = roc_curve(&[true, false], &[f32::NAN, 0.2]).unwrap_err();
    assert!(matches!(err, kerust::Error::InvalidArgument { .. }), "{err}");
}

#[test]
fn plot_importance_bars_put_the_largest_on_top() {
    let long = "a_really_long_feature_name_that_goes_on_and_on_and_on_forever".to_string();
    assert_eq!(long.chars().count(), 61);
    let names = vec!["depth".to_string(), "carat".to_string(), long, "table".to_string()];
    let values = [0.05, 2.5, 0.4, -0.01];
    let chart = importance_bars(&names, &values, Some(&[0.01, 0.2, 0.05, 0.02]), "mse").unwrap();
    let cut = texts(&chart.svg).into_iter().find(|t| t.starts_with("a_really_long")).expect("long name missing");
    assert!(cut.ends_with('…') && cut.chars().count() <= 40, "{cut:?}");
    let ys: Vec<f64> = ["carat", &cut, "depth", "table"].iter().map(|n| text_y(&chart.svg, n).unwrap()).collect();
    assert!(ys.windows(2).all(|w| w[0] < w[1]), "not sorted largest on top: {ys:?}");
    assert!(chart.png.starts_with(&PNG_SIGNATURE));
    assert!(importance_bars(&names, &values[..2], None, "mse").is_err());
}

#[test]
fn plot_residual_chart_renders_with_its_zero_line() {
    let actual = [1.0, 2.0, 3.0, 4.0, 5.0];
    let predicted = [1.1, 1.8, 3.3, f32::NAN, 4.6];
    let chart = residuals_vs_predicted(&actual, &predicted, "kg").unwrap();
    let labels = texts(&chart.svg);
    assert!(labels.iter().any(|t| t == "zero residual"), "{labels:?}");
    assert!(labels.iter().any(|t| t == "Residuals vs predicted (test rows)"));
    assert_eq!(chart.svg.matches("<circle").count(), 4 + 1, "4 finite rows and the legend dot");
    assert!(chart.png.starts_with(&PNG_SIGNATURE));
}
