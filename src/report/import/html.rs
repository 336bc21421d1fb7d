//! HTML tables (DOMAIN.md 5.3). Not yet implemented: reading fails with a clear error.

use super::{Form, ImportError, RawDocument};

/// Decode HTML bytes (charset from BOM / meta / sniffing).
pub fn decode(bytes: &[u8]) -> Option<String> {
    super::decode_text(bytes)
}

pub fn read(path: &str, _source: String) -> Result<RawDocument, ImportError> {
    Err(ImportError::Corrupt { path: path.into(), form: Form::Html, why: "HTML 导入尚未实现".into() })
}
