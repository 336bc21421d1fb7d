//! Hostile report inputs (issue 10): each must end in an error or a diagnostic, never a
//! crash, a hang or an exhausted machine. Inputs are built here, sized so that a
//! regression shows as a hang rather than a slow test.

use gouji::report::{CellState, ImportError};

/// A broken-xref PDF whose one header claims object number 2³²−1: the rebuilt table
/// must not run to that number (it took 13 s and 5.4 GB).
#[test]
fn absurd_object_number_in_a_broken_xref() {
    let bytes = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4294967295 0 obj\n<< >>\nendobj\nstartxref\n999\n%%EOF\n";
    let result = gouji::read("huge-number.pdf", bytes, None);
    assert!(matches!(result, Err(ImportError::Corrupt { .. } | ImportError::NoText { .. })), "{:?}", result.map(|r| r.form));
}

/// Malformed thousands separators are text (an extraction doubt), never a number.
#[test]
fn malformed_thousands_separators_are_text() {
    use gouji::report::value::classify;
    for raw in ["1,2", "1,000,0", "12,", "1,2.5"] {
        assert_eq!(classify(raw).0, CellState::Text, "{raw}");
    }
    assert_eq!(classify("12,345,678.5").1.map(|v| v.to_string()).as_deref(), Some("12345678.5"));
}

/// A UTF-8 BOM must not shift spans: every cell's span holds its raw text in the file.
#[test]
fn bom_file_spans_hold_their_raw_text() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["pipe/2021_district_gov.txt", "html/mouxian_2023.html"] {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(&std::fs::read(fixtures.join(name)).unwrap());
        let report = gouji::read(name, &bytes, None).expect("reads");
        let cells: Vec<_> =
            report.tables.values().flat_map(|t| t.rows.values()).flat_map(|r| r.cells.values()).filter(|c| c.state == CellState::Number).collect();
        assert!(!cells.is_empty(), "{name}");
        for cell in cells {
            assert_eq!(&bytes[cell.span.offset..cell.span.end()], cell.raw.as_bytes(), "{name}");
        }
    }
}
