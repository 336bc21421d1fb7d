//! Glyph collection: an `OutputDev` that records every glyph pdf-extract shows, with its
//! origin in top-down page coordinates (points) and its size. Nothing is grouped here.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// One shown glyph. `text` is what the font's ToUnicode map says (empty when it has none).
#[derive(Clone, Debug)]
pub struct Glyph {
    pub page: u32,
    /// Origin, from the page's left edge.
    pub x: f64,
    /// Baseline, from the page's top edge.
    pub y: f64,
    /// Font size after the text and page transforms.
    pub size: f64,
    /// Advance in em as the font's widths state it (pdf-extract 0.12 misreads `/W` ranges).
    pub width: f64,
    pub text: String,
}

/// A page's number and height.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub number: u32,
    pub height: f64,
}

/// Glyphs one document may show. A 100-page report shows about 150,000; each glyph is kept
/// with its position until the layout, so this bounds the text rendering's memory.
pub const MAX_GLYPHS: usize = 2_000_000;

/// Bytes of text the glyphs may carry together (a font's ToUnicode map may give one glyph a
/// long string).
pub const MAX_TEXT_BYTES: usize = 32 << 20;

/// Everything pdf-extract showed, page by page in document order.
#[derive(Default)]
pub struct Collector {
    pub glyphs: Vec<Glyph>,
    pub pages: Vec<Page>,
    /// Glyphs whose font could not map them to text.
    pub undecoded: usize,
    /// Bytes of text collected.
    text_bytes: usize,
    /// Which budget stopped the collection, with its limit, when one did.
    pub over: Option<(&'static str, u64)>,
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
}

impl Collector {
    /// The origin in the frame a reader of this glyph's text uses: text printed rotated by a
    /// quarter turn (landscape tables on portrait pages) is read with the page turned, so its
    /// lines still run left to right, top to bottom.
    fn reading_frame(&self, trm: &Transform) -> (f64, f64) {
        let (x, y) = (trm.m31 - self.left, trm.m32);
        let (right, bottom) = (self.right - self.left, self.top - self.bottom);
        match (trm.m12.abs() > trm.m11.abs(), trm.m11 < 0.0, trm.m12 < 0.0) {
            (false, false, _) => (x, self.top - y),
            (false, true, _) => (right - x, y - self.bottom),
            (true, _, false) => (y - self.bottom, x),
            (true, _, true) => (bottom - (y - self.bottom), right - x),
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(&mut self, number: u32, mb: &MediaBox, _art: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        (self.top, self.bottom, self.left, self.right) = (mb.ury, mb.lly, mb.llx, mb.urx);
        self.pages.push(Page { number, height: (mb.ury - mb.lly).abs() });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(&mut self, trm: &Transform, width: f64, _spacing: f64, font_size: f64, text: &str) -> Result<(), OutputError> {
        if text.is_empty() {
            self.undecoded += 1;
            return Ok(());
        }
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let (x, y) = self.reading_frame(trm);
        let size = font_size * scale;
        if !(x.is_finite() && y.is_finite() && size.is_finite()) || size <= 0.0 {
            return Ok(());
        }
        let page = self.pages.last().map_or(0, |p| p.number);
        // Control characters (mojibake from fonts without a map) would break the rendering's lines.
        let text: String = text.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
        self.text_bytes += text.len();
        if self.glyphs.len() >= MAX_GLYPHS || self.text_bytes > MAX_TEXT_BYTES {
            // pdf-extract stops at an error; the caller sees `over` and names the budget.
            self.over = Some(if self.glyphs.len() >= MAX_GLYPHS { ("文字数", MAX_GLYPHS as u64) } else { ("文字字节数", MAX_TEXT_BYTES as u64) });
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        self.glyphs.push(Glyph { page, x, y, size, width, text });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(c: &mut Collector, text: &str) -> Result<(), OutputError> {
        let trm = Transform::identity();
        c.output_character(&trm, 0.5, 0.0, 12.0, text)
    }

    #[test]
    fn glyphs_stop_at_their_budget() {
        let mut c = Collector::default();
        for _ in 0..MAX_GLYPHS {
            assert!(show(&mut c, "字").is_ok());
        }
        assert!(show(&mut c, "字").is_err());
        assert_eq!(c.over, Some(("文字数", MAX_GLYPHS as u64)));
        assert_eq!(c.glyphs.len(), MAX_GLYPHS);
    }

    #[test]
    fn text_bytes_stop_at_their_budget() {
        let mut c = Collector::default();
        let long = "字".repeat(1 << 16);
        let fits = MAX_TEXT_BYTES / long.len();
        for _ in 0..fits {
            assert!(show(&mut c, &long).is_ok());
        }
        assert!(show(&mut c, &long).is_err());
        assert_eq!(c.over, Some(("文字字节数", MAX_TEXT_BYTES as u64)));
    }
}
