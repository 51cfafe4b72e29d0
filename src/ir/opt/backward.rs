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
    fn new(bytes: u32) -> Covered {
        Covered { words: vec![0; (bytes as usize).div_ceil(64)] }
    }
    fn all(&self, (lo, hi): (u32, u32)) -> bool {
        (lo..hi).all(|b| self.words[b as usize / 64] >> (b % 64) & 1 == 1)
    }
    fn set(&mut self, (lo, hi): (u32, u32), on: bool) {
        for b in lo..hi {
            let w = &mut self.words[b as usize / 64];
            if on {
                *w |= 1 << (b % 64);
            } else {
                *w &= !(1 << (b % 64));
            }
        }
    }
    fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }
}

pub(super) fn run(block: &mut Block, mode: Mode) {
    let n = block.insts.len();
    let mut live = vec![false; n];
    let mut keep = vec![true; n];
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
    let mut covered = Covered::new(end);
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
            for &a in op.args().iter() {
                mark(&mut live, a);
            }
        }
    }
    compact(block, &keep);
}

/// Drop the instructions not in `keep`, renumbering every operand and the terminal. Kept
/// instructions only use kept values.
pub(super) fn compact(block: &mut Block, keep: &[bool]) {
    if keep.iter().all(|&k| k) {
        return;
    }
    let mut map = vec![Val(u32::MAX); keep.len()];
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
