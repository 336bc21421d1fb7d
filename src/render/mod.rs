//! Renderers: a report or findings as text for people or JSON for programs.

pub mod check;
pub mod csv;
pub mod excerpt;
pub mod html;
pub mod json;
pub mod parse;
pub mod spans;
pub mod summary;
pub mod test;
