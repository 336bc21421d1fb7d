//! Forms drawn where they are drawn. pdf-extract 0.12 draws a form XObject (`/Name Do`)
//! with a fresh graphics state: the transformation in force at the `Do` and the form's own
//! `/Matrix` are lost, so a form's text comes out as if drawn at the page's origin, unscaled
//! and unflipped. Two tables drawn as forms side by side then print on top of one another
//! and their digits interleave (宿迁's 2023 and 2024 表三: `3402` and `3440` read `340420`).
//!
//! Before pdf-extract runs, every form drawn under a transformation other than the identity
//! gets that transformation as its first operator (`a b c d e f cm`); a form drawn under
//! several gets one copy per transformation, each drawn by a name of its own. Pages and
//! forms that need neither stay byte for byte as they are. The XObject graph is checked
//! first ([`super::xobjects::check`]): no cycle, bounded depth and draws, so this walk and
//! the copies it makes are bounded too.

use pdf_extract::content::{Content, Operation};
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashMap;

/// A transformation `[a b c d e f]` as PDF writes it (row vectors: `p' = p × M`).
type Matrix = [f64; 6];

/// Copies a content stream draws: the new name and the instance it names.
type Copies = Vec<(Vec<u8>, usize)>;

/// A page whose content now draws copies: its new content, the copies, its resources.
type PageFix = (ObjectId, Vec<u8>, Copies, Dictionary);

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`.
fn then(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn is_identity(m: &Matrix) -> bool {
    m.iter().zip(IDENTITY).all(|(v, i)| (v - i).abs() < 1e-9)
}

/// Matrices equal to 1/10,000 of a point or of a unit are the same placement.
fn quantized(m: &Matrix) -> [i64; 6] {
    m.map(|v| (v * 1e4).round() as i64)
}

fn matrix(operands: &[Object]) -> Option<Matrix> {
    let v: Vec<f64> = operands.iter().map(|o| o.as_float().map(f64::from)).collect::<Result<_, _>>().ok()?;
    let m: Matrix = v.try_into().ok()?;
    m.iter().all(|x| x.is_finite()).then_some(m)
}

/// One form as it will be drawn: the stored object itself or a copy under a new name.
struct Instance {
    original: ObjectId,
    /// The name a copy is drawn by; `None` for the stored object.
    name: Option<Vec<u8>>,
    /// Its new content, when it changes.
    content: Option<Vec<u8>>,
    /// Copies its content draws by their new names, and the resources it is drawn with.
    draws: Copies,
    resources: Dictionary,
}

#[derive(Default)]
struct Plan {
    instances: Vec<Instance>,
    /// (form, placement, resources it is drawn with) → instance.
    by_key: HashMap<(ObjectId, [i64; 6], usize), usize>,
    /// Forms whose stored object already serves one placement.
    used: std::collections::HashSet<ObjectId>,
}

/// Place every form of every page where it is drawn.
pub fn place_forms(doc: &mut Document) {
    let mut plan = Plan::default();
    let mut pages: Vec<PageFix> = Vec::new();
    for (_, page) in doc.get_pages() {
        let Some(resources) = super::xobjects::page_resources(doc, page) else { continue };
        let Ok(content) = doc.get_page_content(page) else { continue };
        if let (Some(content), draws) = place(doc, &content, resources, &IDENTITY, &mut plan) {
            pages.push((page, content, draws, resources.clone()));
        }
    }
    apply(doc, plan, pages);
}

/// Walk one content stream drawn under `ctm`, planning each form it draws; its new content
/// when a `Do` now names a copy, and the copies it draws.
fn place(doc: &Document, content: &[u8], resources: &Dictionary, ctm: &Matrix, plan: &mut Plan) -> (Option<Vec<u8>>, Copies) {
    let Ok(mut content) = Content::decode(content) else { return (None, Vec::new()) };
    let mut stack: Vec<Matrix> = Vec::new();
    let mut now = *ctm;
    let mut draws = Vec::new();
    for op in content.operations.iter_mut() {
        match op.operator.as_str() {
            "q" => stack.push(now),
            "Q" => now = stack.pop().unwrap_or(*ctm),
            "cm" => {
                if let Some(m) = matrix(&op.operands) {
                    now = then(&m, &now);
                }
            }
            "Do" => {
                if let Some(name) = draw(doc, op, resources, &now, plan) {
                    draws.push(name);
                }
            }
            _ => {}
        }
    }
    let changed = !draws.is_empty();
    (changed.then(|| content.encode().ok()).flatten(), draws)
}

/// Plan the form one `Do` draws; when it is drawn as a copy, rename the operand and return
/// the copy's name and instance.
fn draw(doc: &Document, op: &mut Operation, resources: &Dictionary, ctm: &Matrix, plan: &mut Plan) -> Option<(Vec<u8>, usize)> {
    let name = op.operands.first()?.as_name().ok()?.to_vec();
    let (stream, id) = super::xobjects::lookup(doc, resources, &name)?;
    let id = id?;
    let own = super::xobjects::own_resources(doc, stream, resources);
    let form = stream.dict.get(b"Matrix").ok().and_then(|m| m.as_array().ok()).and_then(|a| matrix(a)).unwrap_or(IDENTITY);
    let at = then(&form, ctm);
    let key = (id, quantized(&at), own as *const Dictionary as usize);
    let ix = match plan.by_key.get(&key) {
        Some(&ix) => ix,
        None => instance(doc, stream, id, own, &at, plan, key),
    };
    let copy = plan.instances[ix].name.clone()?;
    op.operands[0] = Object::Name(copy.clone());
    Some((copy, ix))
}

fn instance(doc: &Document, stream: &Stream, id: ObjectId, resources: &Dictionary, at: &Matrix, plan: &mut Plan, key: (ObjectId, [i64; 6], usize)) -> usize {
    let name = (!plan.used.insert(id)).then(|| format!("GoujiForm{}", plan.instances.len()).into_bytes());
    let ix = plan.instances.len();
    plan.instances.push(Instance { original: id, name, content: None, draws: Vec::new(), resources: resources.clone() });
    plan.by_key.insert(key, ix);
    let stored = super::xobjects::decoded(stream);
    let (renamed, draws) = place(doc, &stored, resources, at, plan);
    let prefix = (!is_identity(at)).then(|| at.map(|v| format!("{v:.6}")).join(" ") + " cm\n");
    let me = &mut plan.instances[ix];
    if prefix.is_some() || renamed.is_some() || me.name.is_some() {
        let mut content = prefix.unwrap_or_default().into_bytes();
        content.extend_from_slice(renamed.as_deref().unwrap_or(&stored));
        me.content = Some(content);
    }
    me.draws = draws;
    ix
}

/// `resources` with the copies it draws added to its XObjects.
fn with_copies(doc: &Document, resources: &Dictionary, draws: &[(Vec<u8>, usize)], ids: &[ObjectId]) -> Dictionary {
    let mut out = resources.clone();
    let mut xobjects = resources.get(b"XObject").ok().and_then(|x| doc.dereference(x).ok()).and_then(|(_, o)| o.as_dict().ok()).cloned().unwrap_or_default();
    for (name, ix) in draws {
        xobjects.set(name.clone(), Object::Reference(ids[*ix]));
    }
    out.set("XObject", Object::Dictionary(xobjects));
    out
}

fn apply(doc: &mut Document, plan: Plan, pages: Vec<PageFix>) {
    // Ids first: a copy is a new object, the stored form keeps its own.
    let mut ids = Vec::with_capacity(plan.instances.len());
    for inst in &plan.instances {
        let id = match inst.name {
            Some(_) => match doc.get_object(inst.original).and_then(Object::as_stream) {
                Ok(s) => {
                    let copy = s.clone();
                    doc.add_object(copy)
                }
                Err(_) => inst.original,
            },
            None => inst.original,
        };
        ids.push(id);
    }
    for (inst, &id) in plan.instances.iter().zip(&ids) {
        let resources = (!inst.draws.is_empty()).then(|| with_copies(doc, &inst.resources, &inst.draws, &ids));
        let Ok(stream) = doc.get_object_mut(id).and_then(Object::as_stream_mut) else { continue };
        if let Some(content) = &inst.content {
            stream.set_plain_content(content.clone());
        }
        if let Some(resources) = resources {
            stream.dict.set("Resources", Object::Dictionary(resources));
        }
    }
    for (page, content, draws, resources) in pages {
        let resources = with_copies(doc, &resources, &draws, &ids);
        let contents = doc.add_object(Stream::new(Dictionary::new(), content));
        if let Ok(dict) = doc.get_object_mut(page).and_then(Object::as_dict_mut) {
            dict.set("Resources", Object::Dictionary(resources));
            dict.set("Contents", Object::Reference(contents));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_then_a_flip_composes_in_pdf_order() {
        let shift = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        let flip = [0.5, 0.0, 0.0, -0.5, 0.0, 100.0];
        // A point at the form's origin goes to (10, 20) and then to (5, 90).
        assert_eq!(then(&shift, &flip), [0.5, 0.0, 0.0, -0.5, 5.0, 90.0]);
        assert!(is_identity(&then(&IDENTITY, &IDENTITY)));
    }
}
