//! The form XObject graph, checked before pdf-extract walks it. pdf-extract draws a
//! `Do` by recursing into the XObject's content with no depth limit, so a form that draws
//! itself (or a chain of thousands) overflows the stack, which no `catch_unwind` catches.
//! This walk follows the same edges with an explicit stack and refuses a cycle or a
//! nesting deeper than [`MAX_DEPTH`].
//!
//! The edges are those pdf-extract follows: from a page, every XObject its (inherited)
//! resources list (more than it may draw, which is harmless: a page is never part of a
//! cycle); from an XObject, each name of a `Do` in its decoded content, looked up in its
//! own `/Resources`, else in the resources it was drawn with.

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashMap;

/// Deepest nesting of XObjects drawn inside one another, the page being level 0. Real
/// reports nest a few levels at most; pdf-extract's recursion at this depth fits a 2 MiB
/// stack in a debug build.
pub const MAX_DEPTH: usize = 32;

/// Why the XObject graph is refused, in the words shown to the user.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The XObject (object number when it has one) draws itself, directly or through others.
    Cycle(Option<ObjectId>),
    /// XObjects nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// One page drawing XObjects more than [`MAX_DRAWS`] times.
    TooManyDraws,
}

impl Refusal {
    pub fn why(&self) -> String {
        match self {
            Refusal::Cycle(Some((n, g))) => format!("PDF 的表单对象 {n} {g} R 自我引用（循环）"),
            Refusal::Cycle(None) => "PDF 的表单对象自我引用（循环）".to_string(),
            Refusal::TooDeep => format!("PDF 的表单对象嵌套超过 {MAX_DEPTH} 层上限"),
            Refusal::TooManyDraws => format!("PDF 的一页绘制表单对象超过 {MAX_DRAWS} 次上限"),
        }
    }
}

/// Most XObject draws one page may make, counting each time a form is drawn again inside
/// another: a few forms each drawing the next twice make pdf-extract parse the last one
/// 2^depth times, a hang. Real pages draw a handful.
pub const MAX_DRAWS: u64 = 100_000;

/// A stream drawn with a resource dictionary (the unit pdf-extract recurses on), both by
/// address: the document does not change while this runs, and direct objects count too.
type Key = (usize, usize);

enum State {
    /// On the current path.
    Open,
    /// Fully explored: levels from it down (itself included), and draws it makes
    /// (itself included).
    Done { height: usize, draws: u64 },
}

type Child<'a> = (&'a Stream, &'a Dictionary, Option<ObjectId>);

/// Check every page's XObject graph.
pub fn check(doc: &Document) -> Result<(), Refusal> {
    let mut state: HashMap<Key, State> = HashMap::new();
    for page in doc.page_iter() {
        let Some(resources) = page_resources(doc, page) else { continue };
        let mut draws = 0u64;
        for (s, r, _) in listed(doc, resources) {
            draws = draws.saturating_add(walk(doc, s, r, &mut state)?);
        }
        if draws > MAX_DRAWS {
            return Err(Refusal::TooManyDraws);
        }
    }
    Ok(())
}

fn key(s: &Stream, r: &Dictionary) -> Key {
    (s as *const Stream as usize, r as *const Dictionary as usize)
}

/// Depth-first from one XObject drawn by a page (level 1), with an explicit stack; the
/// draws it makes, itself included.
fn walk<'a>(doc: &'a Document, stream: &'a Stream, resources: &'a Dictionary, state: &mut HashMap<Key, State>) -> Result<u64, Refusal> {
    struct Frame<'a> {
        key: Key,
        children: std::vec::IntoIter<Child<'a>>,
        height: usize,
        draws: u64,
    }
    let open = |key, s, r| Frame { key, children: drawn(doc, s, r).into_iter(), height: 0, draws: 1 };
    let k = key(stream, resources);
    if let Some(State::Done { draws, .. }) = state.get(&k) {
        return Ok(*draws);
    }
    state.insert(k, State::Open);
    let mut stack: Vec<Frame<'a>> = vec![open(k, stream, resources)];
    loop {
        let level = stack.len();
        let top = stack.last_mut().expect("the stack ends on return");
        match top.children.next() {
            Some((s, r, id)) => {
                let ck = key(s, r);
                match state.get(&ck) {
                    Some(State::Open) => return Err(Refusal::Cycle(id)),
                    Some(State::Done { height, draws }) => {
                        if level + height > MAX_DEPTH {
                            return Err(Refusal::TooDeep);
                        }
                        top.height = top.height.max(*height);
                        top.draws = top.draws.saturating_add(*draws);
                    }
                    None => {
                        if level >= MAX_DEPTH {
                            return Err(Refusal::TooDeep);
                        }
                        state.insert(ck, State::Open);
                        stack.push(open(ck, s, r));
                    }
                }
            }
            None => {
                let done = stack.pop().expect("a frame is on the stack");
                let (height, draws) = (done.height + 1, done.draws);
                if draws > MAX_DRAWS {
                    return Err(Refusal::TooManyDraws);
                }
                state.insert(done.key, State::Done { height, draws });
                match stack.last_mut() {
                    Some(parent) => {
                        parent.height = parent.height.max(height);
                        parent.draws = parent.draws.saturating_add(draws);
                    }
                    None => return Ok(draws),
                }
            }
        }
    }
}

/// A page's resources, inherited through `/Parent` as pdf-extract does.
fn page_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    let mut dict = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Ok(r) = dict.get(b"Resources") {
            return doc.dereference(r).ok()?.1.as_dict().ok();
        }
        dict = doc.dereference(dict.get(b"Parent").ok()?).ok()?.1.as_dict().ok()?;
    }
    None
}

/// The XObject stream named `name` in `resources`, with its number.
fn lookup<'a>(doc: &'a Document, resources: &'a Dictionary, name: &[u8]) -> Option<(&'a Stream, Option<ObjectId>)> {
    let xobjects = doc.dereference(resources.get(b"XObject").ok()?).ok()?.1.as_dict().ok()?;
    let (id, obj) = doc.dereference(xobjects.get(name).ok()?).ok()?;
    Some((obj.as_stream().ok()?, id))
}

/// The resources an XObject is drawn with: its own, else those it was drawn from.
fn own_resources<'a>(doc: &'a Document, stream: &'a Stream, parent: &'a Dictionary) -> &'a Dictionary {
    stream.dict.get(b"Resources").ok().and_then(|r| doc.dereference(r).ok()).and_then(|(_, o)| o.as_dict().ok()).unwrap_or(parent)
}

/// Every XObject a page's resources list.
fn listed<'a>(doc: &'a Document, resources: &'a Dictionary) -> Vec<Child<'a>> {
    let Some(xobjects) = resources.get(b"XObject").ok().and_then(|x| doc.dereference(x).ok()).and_then(|(_, o)| o.as_dict().ok()) else {
        return Vec::new();
    };
    xobjects.iter().filter_map(|(name, _)| lookup(doc, resources, name)).map(|(s, id)| (s, own_resources(doc, s, resources), id)).collect()
}

/// The XObjects an XObject's content draws (`/Name Do`), as pdf-extract decodes it.
/// `resources` are those it is drawn with (its own or inherited).
fn drawn<'a>(doc: &'a Document, stream: &'a Stream, resources: &'a Dictionary) -> Vec<Child<'a>> {
    let own = resources;
    let bytes = match stream.filters() {
        Ok(_) => stream.decompressed_content().unwrap_or_else(|_| stream.content.clone()),
        Err(_) => stream.content.clone(),
    };
    let Ok(content) = Content::decode(&bytes) else { return Vec::new() };
    let mut out = Vec::new();
    for op in content.operations.iter().filter(|op| op.operator == "Do") {
        let Some(Ok(name)) = op.operands.first().map(Object::as_name) else { continue };
        if let Some((s, id)) = lookup(doc, own, name) {
            out.push((s, own_resources(doc, s, own), id));
        }
    }
    out
}
