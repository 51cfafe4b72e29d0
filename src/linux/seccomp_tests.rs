use super::*;

fn stmt(code: u16, k: u32) -> Insn {
    Insn { code, jt: 0, jf: 0, k }
}
fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Insn {
    Insn { code, jt, jf, k }
}
fn chain(progs: &[Vec<Insn>]) -> Arc<Filter> {
    let mut prev = None;
    for p in progs {
        let mut p = p.clone();
        check(&mut p).expect("a valid program");
        prev = Some(Arc::new(Filter { prog: p.into_boxed_slice(), log: false, prev }));
    }
    prev.expect("at least one program")
}
fn judge_chain(f: &Arc<Filter>, nr: u64, args: [u64; 6]) -> Verdict {
    verdict(run_chain(f, &seccomp_data(nr, &args, 0x1000)))
}

/// The shape libseccomp generates: check the architecture, load the number, compare.
fn deny_nr(nr: u32, action: u32) -> Vec<Insn> {
    vec![
        stmt(LD | W | ABS, 4),
        jump(JMP | JEQ | K, AUDIT_ARCH_AARCH64, 1, 0),
        stmt(RET | K, RET_KILL_PROCESS),
        stmt(LD | W | ABS, 0),
        jump(JMP | JEQ | K, nr, 0, 1),
        stmt(RET | K, action),
        stmt(RET | K, RET_ALLOW),
    ]
}

#[test]
fn check_refuses_what_the_kernel_refuses() {
    let bad: Vec<(&str, Vec<Insn>)> = vec![
        ("empty", vec![]),
        ("too long", vec![stmt(RET | K, RET_ALLOW); MAX_INSNS + 1]),
        ("no final return", vec![stmt(LD | IMM, 1)]),
        ("a jump past the end", vec![stmt(JMP | JA, 1), stmt(RET | K, 0)]),
        ("a conditional jump past the end", vec![jump(JMP | JEQ | K, 0, 1, 0), stmt(RET | K, 0)]),
        ("an unaligned load", vec![stmt(LD | W | ABS, 2), stmt(RET | K, 0)]),
        ("a load past seccomp_data", vec![stmt(LD | W | ABS, 64), stmt(RET | K, 0)]),
        ("a byte load", vec![stmt(LD | 0x10 | ABS, 0), stmt(RET | K, 0)]),
        ("division by constant zero", vec![stmt(ALU | DIV | K, 0), stmt(RET | K, 0)]),
        ("a shift by 32", vec![stmt(ALU | LSH | K, 32), stmt(RET | K, 0)]),
        ("a modulo", vec![stmt(ALU | 0x90 | K, 3), stmt(RET | K, 0)]),
        ("scratch word 16", vec![stmt(ST, 16), stmt(RET | K, 0)]),
        ("a scratch word read before written", vec![stmt(LD | MEM, 3), stmt(RET | K, 0)]),
        ("a word written on one path only", vec![jump(JMP | JEQ | K, 0, 0, 1), stmt(ST, 2), stmt(LD | MEM, 2), stmt(RET | A, 0)]),
        ("return X", vec![stmt(RET | X, 0)]),
    ];
    for (what, mut prog) in bad {
        assert_eq!(check(&mut prog), Err(Errno::EINVAL), "{what}");
    }
    let mut len = vec![stmt(LD | W | LEN, 0), stmt(RET | A, 0)];
    assert_eq!(check(&mut len), Ok(()));
    assert_eq!(len[0], stmt(LD | IMM, 64), "a LEN load becomes the constant 64");
}

#[test]
fn filters_judge_calls() {
    let f = chain(&[deny_nr(172, RET_ERRNO | 1)]);
    assert_eq!(judge_chain(&f, 172, [0; 6]), Verdict::Return(-1));
    assert_eq!(judge_chain(&f, 173, [0; 6]), Verdict::Allow);
    // Arguments: deny write(2, ...) only; the low and high words of an argument.
    let fd2 = vec![
        stmt(LD | W | ABS, 0),
        jump(JMP | JEQ | K, 64, 0, 5),
        stmt(LD | W | ABS, 16),
        jump(JMP | JEQ | K, 2, 0, 3),
        stmt(LD | W | ABS, 20),
        jump(JMP | JEQ | K, 0, 0, 1),
        stmt(RET | K, RET_ERRNO | 9),
        stmt(RET | K, RET_ALLOW),
    ];
    let f = chain(&[fd2]);
    assert_eq!(judge_chain(&f, 64, [2, 0, 0, 0, 0, 0]), Verdict::Return(-9));
    assert_eq!(judge_chain(&f, 64, [1, 0, 0, 0, 0, 0]), Verdict::Allow);
    assert_eq!(judge_chain(&f, 64, [2 | 1 << 32, 0, 0, 0, 0, 0]), Verdict::Allow);
    // The errno is capped at 4095; TRAP keeps its data; TRACE and USER_NOTIF give ENOSYS.
    assert_eq!(judge_chain(&chain(&[deny_nr(1, RET_ERRNO | 0xffff)]), 1, [0; 6]), Verdict::Return(-4095));
    assert_eq!(judge_chain(&chain(&[deny_nr(1, RET_TRAP | 77)]), 1, [0; 6]), Verdict::Trap(77));
    assert_eq!(judge_chain(&chain(&[deny_nr(1, RET_TRACE)]), 1, [0; 6]), Verdict::Return(-38));
    assert_eq!(judge_chain(&chain(&[deny_nr(1, RET_USER_NOTIF)]), 1, [0; 6]), Verdict::Return(-38));
    assert_eq!(judge_chain(&chain(&[deny_nr(1, RET_LOG)]), 1, [0; 6]), Verdict::Allow);
    assert_eq!(judge_chain(&chain(&[deny_nr(1, RET_KILL_THREAD)]), 1, [0; 6]), Verdict::KillThread(libc::SIGSYS));
    assert_eq!(judge_chain(&chain(&[deny_nr(1, 0x1234_0000)]), 1, [0; 6]), Verdict::KillProcess, "an unknown action");
}

#[test]
fn the_strongest_action_of_the_chain_wins() {
    let errno = deny_nr(5, RET_ERRNO | 3);
    let trap = deny_nr(5, RET_TRAP | 4);
    assert_eq!(judge_chain(&chain(&[errno.clone(), trap.clone()]), 5, [0; 6]), Verdict::Trap(4));
    assert_eq!(judge_chain(&chain(&[trap, errno.clone()]), 5, [0; 6]), Verdict::Trap(4));
    // Equal actions: the newest filter's data.
    assert_eq!(judge_chain(&chain(&[errno.clone(), deny_nr(5, RET_ERRNO | 8)]), 5, [0; 6]), Verdict::Return(-8));
    assert_eq!(
        judge_chain(&chain(&[deny_nr(5, RET_KILL_THREAD), errno, deny_nr(5, RET_KILL_PROCESS)]), 5, [0; 6]),
        Verdict::KillProcess
    );
}

#[test]
fn arithmetic_memory_and_the_x_register() {
    // A = (nr * 3 + 1) ^ 0xff, via X and scratch memory; return it as the ERRNO data.
    let prog = vec![
        stmt(LD | W | ABS, 0),
        stmt(ALU | MUL | K, 3),
        stmt(ST, 4),
        stmt(LDX | IMM, 1),
        stmt(LD | MEM, 4),
        stmt(ALU | ADD | X, 0),
        stmt(ALU | XOR | K, 0xff),
        stmt(MISC | TAX, 0),
        stmt(LD | IMM, RET_ERRNO),
        stmt(ALU | OR | X, 0),
        stmt(RET | A, 0),
    ];
    assert_eq!(judge_chain(&chain(&[prog]), 10, [0; 6]), Verdict::Return(-((31 ^ 0xff) as i64)));
    // JSET, JGT, JGE, NEG, shifts, and division by a zero X (the program returns 0).
    let prog = vec![
        stmt(LD | W | ABS, 16),
        jump(JMP | JSET | K, 0x10, 0, 6),
        jump(JMP | JGT | K, 100, 0, 1),
        stmt(RET | K, RET_ERRNO | 1),
        jump(JMP | JGE | K, 20, 0, 2),
        stmt(LDX | IMM, 0),
        stmt(ALU | DIV | X, 0),
        stmt(ALU | NEG, 0),
        stmt(ALU | RSH | K, 28),
        stmt(ALU | LSH | K, 1),
        stmt(ALU | OR | K, RET_ERRNO),
        stmt(RET | A, 0),
    ];
    let f = chain(&[prog]);
    assert_eq!(judge_chain(&f, 0, [0x110, 0, 0, 0, 0, 0]), Verdict::Return(-1));
    assert_eq!(judge_chain(&f, 0, [0x30, 0, 0, 0, 0, 0]), Verdict::KillThread(libc::SIGSYS), "0x30 / 0 ends the program with 0");
    // 0x10: not >= 20, so NEG: -16 = 0xfffffff0 >> 28 = 0xf, << 1 = 0x1e.
    assert_eq!(judge_chain(&f, 0, [0x10, 0, 0, 0, 0, 0]), Verdict::Return(-0x1e));
    // 0x1: no 0x10 bit, straight to the shifts: 0.
    assert_eq!(judge_chain(&f, 0, [0x1, 0, 0, 0, 0, 0]), Verdict::Return(0));
}

#[test]
fn modes_pass_through_exec() {
    let f = chain(&[deny_nr(172, RET_ERRNO | 1), deny_nr(64, RET_TRAP)]);
    let text = encode(&Mode::Filter(f.clone())).expect("a filter");
    let Some(Mode::Filter(g)) = decode(&text) else { panic!("decoded {text}") };
    let progs = |f: &Arc<Filter>| f.chain().map(|x| x.prog.to_vec()).collect::<Vec<_>>();
    assert_eq!(progs(&f), progs(&g));
    assert!(matches!(decode(&encode(&Mode::Strict).unwrap()), Some(Mode::Strict)));
    assert!(encode(&Mode::Disabled).is_none());
    for bad in ["", "X00", "N0", "Nzz00000000000000", "N0600000000000000,"] {
        assert!(decode(bad).is_none(), "{bad:?}");
    }
    // A program the checks refuse is refused here too.
    assert!(decode("N0000000000000000").is_none());
}
