//! Per-stage snapshot: the official pack's resolved IR — what each rule became in each
//! template (keys, dense cell positions, table indices). A change in resolution shows up
//! here before it shows up in any finding.

#[test]
fn official_pack_ir() {
    let pack = gouji::Pack::compile_official().expect("official pack compiles");
    insta::assert_snapshot!(pack.ir_text());
}

#[test]
fn official_pack_has_no_load_warnings() {
    let pack = gouji::Pack::official();
    assert!(pack.warnings.is_empty(), "{:?}", pack.warnings);
}
