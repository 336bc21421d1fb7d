//! Syntax: rule text → AST with spans. Names are not resolved here.

pub mod ast;
pub mod errors;
pub mod parser;
pub mod span;
mod tree;

pub use errors::{SyntaxError, SyntaxErrorKind};
pub use parser::{parse, parse_with};
pub use span::{SourceId, Span, Spanned};
