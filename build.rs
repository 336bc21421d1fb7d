//! Embeds every `templates/*.toml` (no hand-kept list): writes `$OUT_DIR/templates.rs`
//! with one `(display name, include_str!)` pair per file, in file-name order.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("templates/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from("/// Embedded template files: display name and text.\npub(crate) const EMBEDDED: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = dir.join(n);
        writeln!(out, "    ({:?}, include_str!({:?})),", format!("templates/{n}"), path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("templates.rs");
    std::fs::write(dest, out).expect("write templates.rs");
}
