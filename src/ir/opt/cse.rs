//! Common subexpression elimination support: a hashable key for the pure integer and flag ops
//! (the ones that repeat in real blocks, e.g. `ldrb w0, [x1, #1]; add x1, x1, #1`).

use super::*;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// The identity of a pure op: equal keys compute equal values.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Bin(BinOp, Ty, Val, Val),
    Un(UnOp, Ty, Val),
    Ext(Ty, Ty, bool, Val),
    Cmp(CmpCc, Ty, Val, Val),
    Select(Ty, Val, Val, Val),
    Pair(Val, Val),
    Half(bool, Val),
    AddNzcv(Ty, Val, Val, Val),
    SubNzcv(Ty, Val, Val, Val),
    LogicNzcv(Ty, Val),
    CondHolds(u8, Val),
}

pub(super) fn key(op: &Op) -> Option<Key> {
    Some(match *op {
        Op::Bin { a, b, op, ty } => Key::Bin(op, ty, a, b),
        Op::Un { a, op, ty } => Key::Un(op, ty, a),
        Op::Ext { a, from, to, signed } => Key::Ext(from, to, signed, a),
        Op::Cmp { a, b, cc, ty } => Key::Cmp(cc, ty, a, b),
        Op::Select { c, a, b, ty } => Key::Select(ty, c, a, b),
        Op::Pair { lo, hi } => Key::Pair(lo, hi),
        Op::Half { a, hi } => Key::Half(hi, a),
        Op::AddNzcv { a, b, cin, ty } => Key::AddNzcv(ty, a, b, cin),
        Op::SubNzcv { a, b, cin, ty } => Key::SubNzcv(ty, a, b, cin),
        Op::LogicNzcv { a, ty } => Key::LogicNzcv(ty, a),
        Op::CondHolds { nzcv, cond } => Key::CondHolds(cond, nzcv),
        _ => return None,
    })
}

pub(super) type Table = HashMap<Key, Val, BuildHasherDefault<crate::pcmap::FastHasher>>;
