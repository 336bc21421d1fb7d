//! Syntax: rule text → AST with spans. Names are not resolved here.

pub mod ast;
pub mod parser;
pub mod span;

pub use parser::{parse, SyntaxError};
pub use span::{SourceId, Span, Spanned};
