//! The backward walk: dead `SetReg` elimination and dead code elimination, then compaction.

use super::*;

#[derive(Clone, Copy)]
pub(super) struct Mode {
    pub dead_setreg: bool,
    pub dce: bool,
}

/// Bytes of guest state that a later `SetReg` overwrites before anything observes them.
struct Covered {
    words: Vec<u64>,
}

impl Covered {
    /// Nothing covered, in `words` (reused storage).
    fn new(bytes: u32, mut words: Vec<u64>) -> Covered {
        words.clear();
        words.resize((bytes as usize).div_ceil(64), 0);
        Covered { words }
    }
    /// The words `[lo, hi)` touches, each with the mask of its bits in the range.
    fn spans((lo, hi): (u32, u32)) -> impl Iterator<Item = (usize, u64)> {
        let (lo, hi) = (lo as usize, hi as usize);
        (lo / 64..hi.div_ceil(64)).map(move |w| {
            let (s, e) = (lo.max(w * 64) - w * 64, hi.min(w * 64 + 64) - w * 64);
            let bits = if e - s == 64 { u64::MAX } else { ((1u64 << (e - s)) - 1) << s };
            (w, bits)
        })
    }
    fn all(&self, r: (u32, u32)) -> bool {
        Self::spans(r).all(|(w, m)| self.words[w] & m == m)
    }
    fn set(&mut self, r: (u32, u32), on: bool) {
        for (w, m) in Self::spans(r) {
            if on {
                self.words[w] |= m;
            } else {
                self.words[w] &= !m;
            }
        }
    }
    fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }
}

/// The walk's working vectors, kept per thread between blocks, as the forward walk keeps
/// its own (measured together with `Op::for_each_arg`: the passes 3% faster).
#[derive(Default)]
struct Scratch {
    live: Vec<bool>,
    keep: Vec<bool>,
    covered: Vec<u64>,
    map: Vec<Val>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

pub(super) fn run(block: &mut Block, mode: Mode) {
    let Scratch { mut live, mut keep, covered, mut map } = SCRATCH.with(|s| s.take());
    let n = block.insts.len();
    live.clear();
    live.resize(n, false);
    keep.clear();
    keep.resize(n, true);
    let mark = |live: &mut Vec<bool>, v: Val| {
        if let Some(l) = live.get_mut(v.0 as usize) {
            *l = true;
        }
    };
    match block.term {
        Terminal::Branch { cond, .. } => mark(&mut live, cond),
        Terminal::Indirect { target, .. } => mark(&mut live, target),
        _ => {}
    }
    let end = block
        .insts
        .iter()
        .filter_map(|i| match i.op {
            Op::GetReg { ty, off } | Op::SetReg { ty, off, .. } => Some(range(off, ty).1),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let mut covered = Covered::new(end, covered);
    for i in (0..n).rev() {
        let op = &block.insts[i].op;
        let k = match effect(op) {
            Effect::Pure => !mode.dce || live[i],
            Effect::ReadState => {
                let k = !mode.dce || live[i];
                if k {
                    if let Op::GetReg { ty, off } = *op {
                        covered.set(range(off, ty), false);
                    }
                }
                k
            }
            Effect::WriteState => match *op {
                Op::SetReg { ty, off, .. } if mode.dead_setreg => {
                    if covered.all(range(off, ty)) {
                        false
                    } else {
                        covered.set(range(off, ty), true);
                        true
                    }
                }
                _ => true,
            },
            Effect::Memory | Effect::Opaque => {
                covered.clear();
                true
            }
            Effect::Pinned => true,
        };
        keep[i] = k;
        if k {
            op.for_each_arg(|a| mark(&mut live, a));
        }
    }
    compact(block, &keep, &mut map);
    SCRATCH.with(|s| s.set(Scratch { live, keep, covered: covered.words, map }));
}

/// Drop the instructions not in `keep`, renumbering every operand and the terminal. Kept
/// instructions only use kept values.
/// `map` is scratch space.
pub(super) fn compact(block: &mut Block, keep: &[bool], map: &mut Vec<Val>) {
    if keep.iter().all(|&k| k) {
        return;
    }
    map.clear();
    map.resize(keep.len(), Val(u32::MAX));
    let mut w = 0;
    for (i, &k) in keep.iter().enumerate() {
        if !k {
            continue;
        }
        block.insts.swap(w, i);
        block.insts[w].op.for_each_arg_mut(|a| *a = map[a.0 as usize]);
        map[i] = Val(w as u32);
        w += 1;
    }
    block.insts.truncate(w);
    match &mut block.term {
        Terminal::Branch { cond, .. } => *cond = map[cond.0 as usize],
        Terminal::Indirect { target, .. } => *target = map[target.0 as usize],
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::Covered;

    /// The word-mask operations agree with a byte-by-byte model on every range of a small
    /// state, from many starting contents.
    #[test]
    fn covered_matches_a_byte_model() {
        let bytes = 200u32;
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200 {
            let mut c = Covered::new(bytes, Vec::new());
            let mut model = vec![false; bytes as usize];
            for _ in 0..50 {
                let lo = (next() % bytes as u64) as u32;
                let hi = (lo + (next() % 70) as u32).min(bytes);
                let want = model[lo as usize..hi as usize].iter().all(|&b| b);
                assert_eq!(c.all((lo, hi)), want, "all({lo}, {hi})");
                let on = next() & 1 == 1;
                c.set((lo, hi), on);
                model[lo as usize..hi as usize].iter_mut().for_each(|b| *b = on);
            }
        }
    }
}
