//! `model.summary()`: Keras 3's table, character for character (rich's box drawing at
//! Keras's default width of 88 for sequential models).

use super::Sequential;

/// Content widths of the three columns (88 = 4 borders + 3 × 2 padding + 36 + 27 + 15).
const WIDTHS: [usize; 3] = [36, 27, 15];

/// One row of the table: `name (Class)`, output shape, parameter count.
struct SummaryRow {
    layer: String,
    output_shape: String,
    params: String,
}

impl Sequential {
    /// Keras's `model.summary()` text: layers, output shapes, parameter counts and totals.
    /// Layers without weights yet (the first layer declares no input width) show as
    /// `(unbuilt)`, as in Keras.
    pub fn summary(&self) -> String {
        let mut width = self.input_dim();
        let (mut trainable, mut non_trainable) = (0, 0);
        let mut rows = Vec::with_capacity(self.layers.len());
        for (i, l) in self.layers.iter().enumerate() {
            width = width.map(|w| l.output_dim(w));
            let params = if self.layer_is_built(i) {
                trainable += l.trainable_params();
                non_trainable += l.non_trainable_params();
                thousands(l.trainable_params() + l.non_trainable_params())
            } else {
                "0 (unbuilt)".into()
            };
            rows.push(SummaryRow {
                layer: format!("{} ({})", l.name(), l.class_name()),
                output_shape: width.map_or("?".into(), |w| format!("(None, {w})")),
                params,
            });
        }
        render(&self.name, &rows, trainable, non_trainable)
    }
}

/// Renders the whole summary text (ends with a newline).
fn render(model_name: &str, rows: &[SummaryRow], trainable: usize, non_trainable: usize) -> String {
    let mut out = format!("Model: \"{model_name}\"\n");
    out += &rule('┏', '━', '┳', '┓');
    out += &line('┃', ["Layer (type)", "Output Shape", "Param #"]);
    out += &rule('┡', '━', '╇', '┩');
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out += &rule('├', '─', '┼', '┤');
        }
        out += &line('│', [&row.layer, &row.output_shape, &row.params]);
    }
    out += &rule('└', '─', '┴', '┘');
    let total = trainable + non_trainable;
    out += &format!(" Total params: {} ({})\n", thousands(total), memory_size(total * 4));
    out += &format!(" Trainable params: {} ({})\n", thousands(trainable), memory_size(trainable * 4));
    out += &format!(" Non-trainable params: {} ({})\n", thousands(non_trainable), memory_size(non_trainable * 4));
    out
}

fn rule(left: char, fill: char, cross: char, right: char) -> String {
    let parts: Vec<String> = WIDTHS.iter().map(|w| fill.to_string().repeat(w + 2)).collect();
    format!("{left}{}{right}\n", parts.join(&cross.to_string()))
}

/// One logical row; cells longer than their column wrap onto further lines, as rich does.
fn line(border: char, cells: [&str; 3]) -> String {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(WIDTHS).map(|(c, w)| wrap(c, w)).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let mut out = String::new();
    for i in 0..height {
        out.push(border);
        for (col, (lines, w)) in wrapped.iter().zip(WIDTHS).enumerate() {
            let text = lines.get(i).map_or("", String::as_str);
            let pad = w - text.chars().count();
            // The parameter column is right-aligned, the others left-aligned.
            if col == 2 {
                out += &format!(" {}{text} ", " ".repeat(pad));
            } else {
                out += &format!(" {text}{} ", " ".repeat(pad));
            }
            out.push(border);
        }
        out.push('\n');
    }
    out
}

/// Rich's wrapping: words joined greedily by single spaces; a word longer than the column is
/// folded into pieces of the column width.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let len = word.chars().count();
        let current_len = current.chars().count();
        if !current.is_empty() && current_len + 1 + len <= width {
            current.push(' ');
            current.push_str(word);
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        let chars: Vec<char> = word.chars().collect();
        let mut pieces: Vec<String> = chars.chunks(width.max(1)).map(|c| c.iter().collect()).collect();
        current = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    lines.push(current);
    lines
}

/// `3009` -> `3,009`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Keras's `readable_memory_size`: bytes in B/KB/MB/... with two decimals, base 1024.
fn memory_size(bytes: usize) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut size = bytes as f64;
    for unit in units {
        if size / 1024.0 < 1.0 {
            return format!("{size:.2} {unit}");
        }
        size /= 1024.0;
    }
    format!("{size:.2} PB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(memory_size(0), "0.00 B");
        assert_eq!(memory_size(12036), "11.75 KB");
        assert_eq!(memory_size(3 * 1024 * 1024), "3.00 MB");
    }

    #[test]
    fn wraps_at_spaces_like_rich() {
        assert_eq!(wrap("dense (Dense)", 36), vec!["dense (Dense)"]);
        assert_eq!(
            wrap("batch_normalization (BatchNormalization)", 36),
            vec!["batch_normalization", "(BatchNormalization)"]
        );
        assert_eq!(wrap("abcdefgh (X)", 4), vec!["abcd", "efgh", "(X)"]);
        assert_eq!(wrap("", 4), vec![""]);
    }
}
