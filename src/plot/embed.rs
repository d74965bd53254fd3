//! Charts with many points as a PNG inside a small SVG: 10,000 circles are megabytes of SVG
//! text, which a report that inlines the SVG would carry for a picture no sharper than a PNG.

use super::{Chart, Draw, render, render_png};
use crate::error::Result;

/// Above this many points, a chart's `svg` is the PNG wrapped in an SVG document.
pub(crate) const MAX_SVG_POINTS: usize = 2000;

/// [`render`] for a chart of `points` marks: real SVG up to [`MAX_SVG_POINTS`], the PNG
/// wrapped by [`png_in_svg`] beyond (the `png` field is the real PNG either way). `title`
/// becomes the wrapper's `<title>`, since the picture's own text is then pixels.
pub(crate) fn render_points(size: (u32, u32), chart: &impl Draw, points: usize, title: &str) -> Result<Chart> {
    if points <= MAX_SVG_POINTS {
        return render(size, chart);
    }
    let png = render_png(size, chart)?;
    Ok(Chart { svg: png_in_svg(&png, size, title), png })
}

/// An SVG document of `w × h` pixels showing `png` as an embedded data URI.
pub(crate) fn png_in_svg(png: &[u8], (w, h): (u32, u32), title: &str) -> String {
    let title = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        concat!(
            "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
            "<title>{title}</title>\n",
            "<image x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" href=\"data:image/png;base64,{data}\"/>\n",
            "</svg>\n"
        ),
        w = w,
        h = h,
        title = title,
        data = base64(png)
    )
}

/// Standard base64 (RFC 4648, with padding); a dependency for 20 lines was not worth it.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_base64_matches_rfc_4648() {
        let cases =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }

    #[test]
    fn plot_png_in_svg_sets_size_and_escapes_the_title() {
        let svg = png_in_svg(&[1, 2, 3], (10, 20), "a < b");
        assert!(svg.contains("width=\"10\" height=\"20\" href=\"data:image/png;base64,AQID\""));
        assert!(svg.contains("<title>a &lt; b</title>"));
    }
}
