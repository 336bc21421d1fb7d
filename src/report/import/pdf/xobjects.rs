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
    /// One page whose content, with every form it draws as often as it draws it, decodes
    /// to more than [`MAX_PAGE_CONTENT`] bytes.
    PageTooLarge,
    /// All pages' content together over [`MAX_CONTENT`].
    ContentTooLarge,
}

impl Refusal {
    pub fn why(&self) -> String {
        match self {
            Refusal::Cycle(Some((n, g))) => format!("PDF 的表单对象 {n} {g} R 自我引用（循环）"),
            Refusal::Cycle(None) => "PDF 的表单对象自我引用（循环）".to_string(),
            Refusal::TooDeep => format!("PDF 的表单对象嵌套超过 {MAX_DEPTH} 层上限"),
            Refusal::TooManyDraws => format!("PDF 的一页绘制表单对象超过 {MAX_DRAWS} 次上限"),
            Refusal::PageTooLarge => format!("PDF 的一页内容解压后超过 {} 的上限", crate::limits::human_bytes(MAX_PAGE_CONTENT)),
            Refusal::ContentTooLarge => format!("PDF 全部页面的内容解压后超过 {} 的上限", crate::limits::human_bytes(MAX_CONTENT)),
        }
    }
}

/// Most XObject draws one page may make, counting each time a form is drawn again inside
/// another: a few forms each drawing the next twice make pdf-extract parse the last one
/// 2^depth times, a hang. Real pages draw a handful.
pub const MAX_DRAWS: u64 = 100_000;

/// Decoded content bytes one page may make pdf-extract parse: its content streams and each
/// form as often as it is drawn. pdf-extract holds a page's parsed operations, up to 125
/// times the bytes for a run of bare numbers (8 MiB of `0 ` took 1 GB); the largest real
/// page content in the corpus is 140 KB.
pub const MAX_PAGE_CONTENT: u64 = 2 << 20;

/// Decoded content bytes all pages together may make pdf-extract parse (time, not memory:
/// pages are parsed one after another).
pub const MAX_CONTENT: u64 = 64 << 20;

/// A stream drawn with a resource dictionary (the unit pdf-extract recurses on), both by
/// address: the document does not change while this runs, and direct objects count too.
type Key = (usize, usize);

enum State {
    /// On the current path.
    Open,
    /// Fully explored: levels from it down (itself included), draws it makes and the
    /// content bytes parsed when it is drawn once (itself included).
    Done { height: usize, draws: u64, bytes: u64 },
}

/// What drawing an XObject once costs: draws (itself included) and content bytes parsed.
#[derive(Clone, Copy, Default)]
struct Cost {
    draws: u64,
    bytes: u64,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.draws = self.draws.saturating_add(other.draws);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

type Child<'a> = (&'a Stream, &'a Dictionary, Option<ObjectId>);

/// Check every page's XObject graph.
pub fn check(doc: &Document) -> Result<(), Refusal> {
    let mut state: HashMap<Key, State> = HashMap::new();
    let mut sizes: HashMap<ObjectId, u64> = HashMap::new();
    let mut total = 0u64;
    for page in doc.page_iter() {
        let mut cost = Cost { draws: 0, bytes: page_content_len(doc, page, &mut sizes)? };
        if let Some(resources) = page_resources(doc, page) {
            // Every listed XObject is walked (cycles and depth); each drawn costs as often
            // as the page's content draws it.
            for (s, r, _) in listed(doc, resources) {
                walk(doc, s, r, &mut state)?;
            }
            for (s, r, _) in page_draws(doc, page, resources) {
                cost.add(walk(doc, s, r, &mut state)?);
                if cost.draws > MAX_DRAWS {
                    return Err(Refusal::TooManyDraws);
                }
            }
        }
        if cost.draws > MAX_DRAWS {
            return Err(Refusal::TooManyDraws);
        }
        if cost.bytes > MAX_PAGE_CONTENT {
            return Err(Refusal::PageTooLarge);
        }
        total = total.saturating_add(cost.bytes);
        if total > MAX_CONTENT {
            return Err(Refusal::ContentTooLarge);
        }
    }
    Ok(())
}

/// The XObjects a page's content draws, once per `Do` (its content is within
/// [`MAX_PAGE_CONTENT`], checked first).
fn page_draws<'a>(doc: &'a Document, page: ObjectId, resources: &'a Dictionary) -> Vec<Child<'a>> {
    let mut content = Vec::new();
    for id in doc.get_page_contents(page) {
        if let Ok(s) = doc.get_object(id).and_then(Object::as_stream) {
            content.extend_from_slice(&decoded(s));
            content.push(b'\n');
        }
    }
    do_targets(doc, &content, resources)
}

/// Decoded bytes of a page's content streams, as pdf-extract joins them (a stream listed
/// twice counts twice); each stream decoded once.
fn page_content_len(doc: &Document, page: ObjectId, sizes: &mut HashMap<ObjectId, u64>) -> Result<u64, Refusal> {
    let mut len = 0u64;
    for id in doc.get_page_contents(page) {
        let n = match sizes.get(&id) {
            Some(n) => *n,
            None => {
                let n = doc.get_object(id).and_then(Object::as_stream).map_or(0, |s| decoded(s).len() as u64);
                sizes.insert(id, n);
                n
            }
        };
        len = len.saturating_add(n);
        if len > MAX_PAGE_CONTENT {
            return Err(Refusal::PageTooLarge);
        }
    }
    Ok(len)
}

fn key(s: &Stream, r: &Dictionary) -> Key {
    (s as *const Stream as usize, r as *const Dictionary as usize)
}

/// Depth-first from one XObject drawn by a page (level 1), with an explicit stack; what
/// drawing it once costs, itself included.
fn walk<'a>(doc: &'a Document, stream: &'a Stream, resources: &'a Dictionary, state: &mut HashMap<Key, State>) -> Result<Cost, Refusal> {
    struct Frame<'a> {
        key: Key,
        children: std::vec::IntoIter<Child<'a>>,
        height: usize,
        cost: Cost,
    }
    let open = |key, s, r| -> Result<Frame<'a>, Refusal> {
        let (children, bytes) = drawn(doc, s, r)?;
        Ok(Frame { key, children: children.into_iter(), height: 0, cost: Cost { draws: 1, bytes } })
    };
    let k = key(stream, resources);
    if let Some(State::Done { draws, bytes, .. }) = state.get(&k) {
        return Ok(Cost { draws: *draws, bytes: *bytes });
    }
    state.insert(k, State::Open);
    let mut stack: Vec<Frame<'a>> = vec![open(k, stream, resources)?];
    loop {
        let level = stack.len();
        let top = stack.last_mut().expect("the stack ends on return");
        match top.children.next() {
            Some((s, r, id)) => {
                let ck = key(s, r);
                match state.get(&ck) {
                    Some(State::Open) => return Err(Refusal::Cycle(id)),
                    Some(State::Done { height, draws, bytes }) => {
                        if level + height > MAX_DEPTH {
                            return Err(Refusal::TooDeep);
                        }
                        top.height = top.height.max(*height);
                        top.cost.add(Cost { draws: *draws, bytes: *bytes });
                    }
                    None => {
                        if level >= MAX_DEPTH {
                            return Err(Refusal::TooDeep);
                        }
                        state.insert(ck, State::Open);
                        let frame = open(ck, s, r)?;
                        stack.push(frame);
                    }
                }
            }
            None => {
                let done = stack.pop().expect("a frame is on the stack");
                let (height, cost) = (done.height + 1, done.cost);
                if cost.draws > MAX_DRAWS {
                    return Err(Refusal::TooManyDraws);
                }
                if cost.bytes > MAX_PAGE_CONTENT {
                    return Err(Refusal::PageTooLarge);
                }
                state.insert(done.key, State::Done { height, draws: cost.draws, bytes: cost.bytes });
                match stack.last_mut() {
                    Some(parent) => {
                        parent.height = parent.height.max(height);
                        parent.cost.add(cost);
                    }
                    None => return Ok(cost),
                }
            }
        }
    }
}

/// A page's resources, inherited through `/Parent` as pdf-extract does.
pub(super) fn page_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    let mut dict = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Ok(r) = dict.get(b"Resources") {
            return doc.dereference(r).ok()?.1.as_dict().ok();
        }
        dict = doc.dereference(dict.get(b"Parent").ok()?).ok()?.1.as_dict().ok()?;
    }
    None
}

/// The XObject stream named `name` in `resources`, with its number, unless it is an image:
/// images draw no text and are never decoded (the inflate budget does not count them).
pub(super) fn lookup<'a>(doc: &'a Document, resources: &'a Dictionary, name: &[u8]) -> Option<(&'a Stream, Option<ObjectId>)> {
    let xobjects = doc.dereference(resources.get(b"XObject").ok()?).ok()?.1.as_dict().ok()?;
    let (id, obj) = doc.dereference(xobjects.get(name).ok()?).ok()?;
    let stream = obj.as_stream().ok()?;
    let image = stream.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Image");
    (!image).then_some((stream, id))
}

/// The resources an XObject is drawn with: its own, else those it was drawn from.
pub(super) fn own_resources<'a>(doc: &'a Document, stream: &'a Stream, parent: &'a Dictionary) -> &'a Dictionary {
    stream.dict.get(b"Resources").ok().and_then(|r| doc.dereference(r).ok()).and_then(|(_, o)| o.as_dict().ok()).unwrap_or(parent)
}

/// Every XObject a page's resources list.
fn listed<'a>(doc: &'a Document, resources: &'a Dictionary) -> Vec<Child<'a>> {
    let Some(xobjects) = resources.get(b"XObject").ok().and_then(|x| doc.dereference(x).ok()).and_then(|(_, o)| o.as_dict().ok()) else {
        return Vec::new();
    };
    xobjects.iter().filter_map(|(name, _)| lookup(doc, resources, name)).map(|(s, id)| (s, own_resources(doc, s, resources), id)).collect()
}

/// A stream's content decoded as pdf-extract decodes it (undecodable filters: as stored).
pub(super) fn decoded(stream: &Stream) -> Vec<u8> {
    match stream.filters() {
        Ok(_) => stream.decompressed_content().unwrap_or_else(|_| stream.content.clone()),
        Err(_) => stream.content.clone(),
    }
}

/// The XObjects an XObject's content draws (`/Name Do`), as pdf-extract decodes it, and
/// its decoded length. `resources` are those it is drawn with (its own or inherited).
/// Content over [`MAX_PAGE_CONTENT`] is refused before it is parsed.
fn drawn<'a>(doc: &'a Document, stream: &'a Stream, resources: &'a Dictionary) -> Result<(Vec<Child<'a>>, u64), Refusal> {
    let bytes = decoded(stream);
    let len = bytes.len() as u64;
    if len > MAX_PAGE_CONTENT {
        return Err(Refusal::PageTooLarge);
    }
    Ok((do_targets(doc, &bytes, resources), len))
}

/// The XObjects content draws (`/Name Do`), looked up in `resources`, once per draw.
fn do_targets<'a>(doc: &'a Document, content: &[u8], resources: &'a Dictionary) -> Vec<Child<'a>> {
    let Ok(content) = Content::decode(content) else { return Vec::new() };
    let mut out = Vec::new();
    for op in content.operations.iter().filter(|op| op.operator == "Do") {
        let Some(Ok(name)) = op.operands.first().map(Object::as_name) else { continue };
        if let Some((s, id)) = lookup(doc, resources, name) {
            out.push((s, own_resources(doc, s, resources), id));
        }
    }
    out
}
