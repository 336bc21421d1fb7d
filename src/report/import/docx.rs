//! Word .docx (DOMAIN.md 5.6). Not yet implemented: reading fails with a clear error.

use super::{Form, ImportError, RawDocument};

pub fn read(path: &str, _bytes: &[u8]) -> Result<RawDocument, ImportError> {
    Err(ImportError::Corrupt { path: path.into(), form: Form::Docx, why: "DOCX 导入尚未实现".into() })
}
