//! Delimiter detection among `,`, `;` and tab.

/// The delimiters tried, in order of preference on a tie.
const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];

/// Picks the delimiter from the first lines of a file: the candidate that splits the header
/// and every following sampled line into the same number of fields (more fields wins), else the
/// one most frequent in the header, else `,`. Quoted text is ignored.
pub(crate) fn detect_delimiter(prefix: &[u8]) -> u8 {
    let lines = sample_lines(prefix, 20);
    let Some(header) = lines.first() else {
        return b',';
    };
    let mut best: Option<(usize, u8)> = None;
    for &d in &CANDIDATES {
        let n = count_outside_quotes(header, d);
        if n == 0 {
            continue;
        }
        let consistent = lines[1..].iter().all(|line| count_outside_quotes(line, d) == n);
        if consistent && best.is_none_or(|(m, _)| n > m) {
            best = Some((n, d));
        }
    }
    if let Some((_, d)) = best {
        return d;
    }
    CANDIDATES
        .iter()
        .map(|&d| (count_outside_quotes(header, d), d))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, d)| (n, std::cmp::Reverse(d == b'\t')))
        .map_or(b',', |(_, d)| d)
}

/// Up to `max` complete, non-empty lines (a quoted newline does not end a line). The last line
/// is kept only when the prefix ends there (it may be cut otherwise).
fn sample_lines(prefix: &[u8], max: usize) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    for (i, &b) in prefix.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                let line = prefix[start..i].strip_suffix(b"\r").unwrap_or(&prefix[start..i]);
                if !line.is_empty() {
                    lines.push(line);
                }
                start = i + 1;
                if lines.len() == max {
                    return lines;
                }
            }
            _ => {}
        }
    }
    if lines.is_empty() && start < prefix.len() {
        lines.push(&prefix[start..]);
    }
    lines
}

fn count_outside_quotes(line: &[u8], d: u8) -> usize {
    let mut in_quotes = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == d && !in_quotes {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::detect_delimiter;

    #[test]
    fn detects_each_candidate() {
        assert_eq!(detect_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter(b"a;b;c\n1,5;2,5;3\n"), b';');
        assert_eq!(detect_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"x,y\";b\n1;2\n"), b';');
        assert_eq!(detect_delimiter(b"single\n1\n"), b',');
        assert_eq!(detect_delimiter(b""), b',');
    }
}
