//! Real programs of Debian's arm64 userland (the sysroot that scripts/debian-sysroot.sh
//! unpacks into build/debian-arm64) under `ruser-aarch64 -L build/debian-arm64`, compared
//! with the same programs of the host's own (amd64) Debian: same stdout and exit status.
//!
//! Both run with the same arguments, working directory, stdin and a fixed environment (PATH,
//! LC_ALL=C, TZ=UTC); the emulated program is named by its absolute guest path
//! (`/usr/bin/sort`), which the overlay finds in the sysroot, so its own execs and file
//! lookups go through the sysroot too. Tests that need what ruser does not do yet are
//! ignored, naming the missing piece.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

fn sysroot_path() -> PathBuf {
    repo_root().join("build/debian-arm64")
}

/// The sysroot, built once per test binary when missing; None means skip (outside CI).
fn sysroot(test: &str) -> Option<PathBuf> {
    static BUILT: Mutex<bool> = Mutex::new(false);
    let root = sysroot_path();
    {
        let mut tried = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        if !*tried && !root.join(".ruser-packages").is_file() {
            *tried = true;
            let script = repo_root().join("scripts/debian-sysroot.sh");
            eprintln!("Debian sysroot missing: running {}", script.display());
            let got = run_with_timeout(&mut std::process::Command::new(&script), None, std::time::Duration::from_secs(900));
            if got.code != Some(0) {
                eprintln!("debian-sysroot.sh failed ({}):\n{}{}", got.describe_status(), got.stdout_str(), got.stderr_str());
            }
        }
    }
    if !root.join(".ruser-packages").is_file() {
        skip_or_fail(test, &format!("{} is missing and scripts/debian-sysroot.sh could not build it", root.display()));
        return None;
    }
    Some(root)
}

/// No HOME: nothing reads the user's dot files (bash decides whether to read ~/.bashrc from
/// getpeername on stdin, which ruser does not implement yet). Python may write bytecode: for
/// the sysroot's modules it goes into the sysroot (see `new_names_land_in_the_sysroot`).
const ENV: &[(&str, &str)] = &[("PATH", "/usr/local/bin:/usr/bin:/bin"), ("LC_ALL", "C"), ("TZ", "UTC")];

fn with_env(cmd: &mut std::process::Command) {
    cmd.env_clear();
    for (k, v) in ENV {
        cmd.env(k, v);
    }
}

/// Run `prog args` natively and under every backend; compare stdout and status.
fn compare(test: &str, prog: &str, args: &[&str], stdin: Option<&[u8]>, cwd: Option<&Path>) {
    compare_env(test, prog, args, stdin, cwd, &[]);
}

/// `compare` with variables added to the fixed environment.
fn compare_env(test: &str, prog: &str, args: &[&str], stdin: Option<&[u8]>, cwd: Option<&Path>, env: &[(&str, &str)]) {
    let Some(root) = sysroot(test) else { return };
    if !Path::new(prog).is_file() {
        skip_or_fail(test, &format!("the native {prog} is missing (scripts/test.sh installs it)"));
        return;
    }
    let mut n = std::process::Command::new(prog);
    n.args(args);
    with_env(&mut n);
    n.envs(env.iter().copied());
    if let Some(d) = cwd {
        n.current_dir(d);
    }
    let want = run(&mut n, stdin);
    assert!(!want.timed_out, "{test}: native {prog} timed out");
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        with_env(&mut cmd);
        cmd.envs(env.iter().copied());
        cmd.arg("--backend").arg(backend).arg("-L").arg(&root).arg(prog).args(args);
        if let Some(d) = cwd {
            cmd.current_dir(d);
        }
        let got = run(&mut cmd, stdin);
        let mut report = String::new();
        if got.timed_out || got.code != want.code || got.signal != want.signal {
            report += &format!("status: native gave {}, emulated gave {}\n", want.describe_status(), got.describe_status());
        }
        if got.stdout != want.stdout {
            report += &format!("stdout differs (- native, + emulated):\n{}\n", diff(&want.stdout, &got.stdout));
        }
        if !report.is_empty() {
            panic!("{prog} {args:?} [{test}, --backend {backend}]\n{report}native stderr:\n{}\nemulated stderr:\n{}", want.stderr_str(), got.stderr_str());
        }
    }
}

/// A shell script (run with `sh -c`) compared the same way.
fn script(test: &str, shell: &str, text: &str, cwd: Option<&Path>) {
    compare(test, shell, &["-c", text], None, cwd);
}

const TEXT: &str = "the quick brown fox\njumps over\nthe lazy dog\n\n42 apples\n7 pears\n100 plums\nzebra\nApple\n";

/// A temp dir with a few files: t.txt (TEXT), data.bin (48 kB of noise), sub/inner.
fn workdir(tag: &str) -> TempDir {
    let tmp = TempDir::new(tag);
    std::fs::write(tmp.join("t.txt"), TEXT).unwrap();
    let data: Vec<u8> = (0..48_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(tmp.join("data.bin"), data).unwrap();
    std::fs::create_dir(tmp.join("sub")).unwrap();
    std::fs::write(tmp.join("sub/inner"), b"inner\n").unwrap();
    tmp
}

// ---------------------------------------------------------------- coreutils and friends

#[test]
fn coreutils() {
    let w = workdir("deb-core");
    let d = Some(w.path());
    compare("ls", "/usr/bin/ls", &["-1a", "."], None, d);
    compare("ls -R", "/usr/bin/ls", &["-R", "--color=never", "."], None, d);
    compare("ls missing", "/usr/bin/ls", &["no-such-file"], None, d);
    compare("sort", "/usr/bin/sort", &["t.txt"], None, d);
    compare("sort -n -r", "/usr/bin/sort", &["-n", "-r"], Some(TEXT.as_bytes()), None);
    compare("wc", "/usr/bin/wc", &["t.txt", "data.bin"], None, d);
    compare("sha256sum", "/usr/bin/sha256sum", &["t.txt", "data.bin"], None, d);
    compare("md5sum", "/usr/bin/md5sum", &["data.bin"], None, d);
    compare("stat", "/usr/bin/stat", &["-c", "%n %s %F %a", "t.txt", "sub", "data.bin"], None, d);
    compare("date -d", "/usr/bin/date", &["-d", "2020-02-29 13:45:10 UTC", "+%s %A %j %F %T"], None, None);
    compare("date -d rel", "/usr/bin/date", &["-u", "-d", "@1600000000", "+%c"], None, None);
    compare("seq", "/usr/bin/seq", &["-w", "1", "7", "50"], None, None);
    compare("tr", "/usr/bin/tr", &["a-z", "A-Z"], Some(TEXT.as_bytes()), None);
    compare("cut", "/usr/bin/cut", &["-d", " ", "-f", "2"], Some(TEXT.as_bytes()), None);
    compare("od", "/usr/bin/od", &["-A", "x", "-t", "x1z", "-N", "64", "data.bin"], None, d);
    compare("base64", "/usr/bin/base64", &["t.txt"], None, d);
    compare("expr", "/usr/bin/expr", &["12345", "*", "6789"], None, None);
    compare("factor", "/usr/bin/factor", &["600851475143", "9999999967"], None, None);
    compare("printf", "/usr/bin/printf", &["%5.2f|%x|%s|%e\\n", "3.14159", "255", "x", "12345.678"], None, None);
}

#[test]
fn text_tools() {
    let w = workdir("deb-text");
    let d = Some(w.path());
    compare("grep -E", "/usr/bin/grep", &["-En", "^(the|[0-9]+) ", "t.txt"], None, d);
    compare("grep -c miss", "/usr/bin/grep", &["-c", "nothing"], Some(TEXT.as_bytes()), None);
    compare("sed -E", "/usr/bin/sed", &["-E", "s/([a-z]+) ([a-z]+)/\\2 \\1/; /^$/d"], Some(TEXT.as_bytes()), None);
    compare("mawk", "/usr/bin/mawk", &["{ n += NF; s = s $1 } END { print n, s, length(s) }"], Some(TEXT.as_bytes()), None);
    compare("find", "/usr/bin/find", &[".", "-name", "*n*", "-type", "f"], None, d);
    compare("diff", "/usr/bin/diff", &["-u", "t.txt", "sub/inner"], None, d);
}

#[test]
fn archives() {
    let w = workdir("deb-arch");
    let d = Some(w.path());
    // Compressed bytes must be the same as the native tools make.
    script("xz", "/bin/sh", "xz -1 -c data.bin | sha256sum; xz -1 -c t.txt | xz -dc", d);
    script("gzip", "/bin/sh", "gzip -9 -n -c data.bin | sha256sum; gzip -c t.txt | gzip -dc", d);
    script("tar", "/bin/sh", "tar --sort=name --mtime=@0 --owner=0 --group=0 -cf - t.txt sub | sha256sum; tar -cf - sub | tar -tvf - --numeric-owner | sed 's/ [0-9-]* [0-9:]* / /'", d);
}

#[test]
fn zstd() {
    let w = workdir("deb-zstd");
    script("zstd", "/bin/sh", "zstd -q -19 -c data.bin | sha256sum; zstd -q -c data.bin | zstd -q -dc | cmp - data.bin && echo round trip", Some(w.path()));
}

#[test]
fn openssl_dgst() {
    let w = workdir("deb-ssl");
    let d = Some(w.path());
    compare("openssl sha256", "/usr/bin/openssl", &["dgst", "-sha256", "data.bin"], None, d);
    compare("openssl sha512", "/usr/bin/openssl", &["dgst", "-sha512", "-r", "t.txt"], None, d);
    compare("openssl md5", "/usr/bin/openssl", &["dgst", "-md5", "t.txt"], None, d);
    compare("openssl hmac", "/usr/bin/openssl", &["dgst", "-sha256", "-hmac", "key", "data.bin"], None, d);
    compare("openssl enc", "/bin/sh", &["-c", "openssl enc -aes-256-cbc -pbkdf2 -S 0102030405060708 -pass pass:pw -in data.bin | sha256sum"], None, d);
}

// ---------------------------------------------------------------- shells

const BASH_SCRIPT: &str = r#"
set -e
f() { local x=$1; echo "f:$((x * 2))"; }
f 21
echo c b a | tr ' ' '\n' | sort | wc -l
x=$(echo inner | sed s/inner/outer/); echo "$x"
(exit 7) || echo "subshell status $?"
arr=(one two three); echo "${#arr[@]} ${arr[1]} ${arr[*]: -1}"
declare -A m=([k]=v [a]=b); echo "${m[k]}${m[a]}"
while read -r a b; do echo "[$b|$a]"; done <<'EOF'
1 x
2 y
EOF
ls sub | while read -r n; do echo "in sub: $n"; done
for i in {1..3}; do printf '%s,' "$i"; done; echo
echo $(( 2**40 + 7 % 3 )) $(( -17 / 5 ))
cat t.txt | grep -c the
sort -u t.txt | head -n 3 | tail -n 1
echo "${BASH_VERSINFO[0]} ${PIPESTATUS[*]}"
{ echo to-stderr >&2; echo to-stdout; } 2>/dev/null
exec 3>out.txt; echo via-fd3 >&3; exec 3>&-; cat out.txt
trap 'echo trapped EXIT' EXIT
true
"#;

#[test]
fn bash_script() {
    let w = workdir("deb-bash");
    script("bash", "/bin/bash", BASH_SCRIPT, Some(w.path()));
}

#[test]
fn dash_and_busybox_scripts() {
    let w = workdir("deb-sh");
    let text = "for f in t.txt sub/inner; do wc -l < $f; done; echo c b a | tr ' ' '\\n' | sort -r | head -n 2; x=$(echo $((6*7))); echo \"$x\"; (cd sub && pwd | sed 's|.*/||'); exit 3";
    script("dash", "/bin/dash", text, Some(w.path()));
    // Debian's dynamic busybox, its applets exec'd through /proc/self/exe.
    compare("busybox sh", "/bin/busybox", &["sh", "-c", text], None, Some(w.path()));
}

/// /proc's links name files of the sysroot by their guest paths, as getcwd does: fd links
/// read absolutely, through /proc/<pid>, relative to the fd directory, by ls -l; the cwd link.
#[test]
fn proc_links_name_guest_paths() {
    let text = "exec 3</usr/lib/os-release; readlink /proc/self/fd/3; readlink /proc/$$/fd/3; (cd /proc/$$/fd && readlink 3); \
                ls -l /proc/$$/fd/3 | sed 's/.* -> //'; cd /usr/lib && pwd && readlink /proc/self/cwd && ls /proc/$$/fd | tr '\\n' ' '";
    script("proc links", "/bin/bash", text, None);
}

// ---------------------------------------------------------------- interpreters

#[test]
fn perl_and_lua() {
    let w = workdir("deb-pl");
    let d = Some(w.path());
    compare("perl", "/usr/bin/perl", &["-e", "my %h; $h{$_}++ for split //, 'mississippi'; print join(',', map {\"$_=$h{$_}\"} sort keys %h), \"\\n\"; printf(\"%.6f %d\\n\", atan2(1,1)*4, 2**40);"], None, None);
    compare("perl -n", "/usr/bin/perl", &["-ne", "print scalar reverse $_ if /o/"], Some(TEXT.as_bytes()), None);
    compare("perl file", "/usr/bin/perl", &["-MDigest::MD5=md5_hex", "-e", "open my $f, '<', 't.txt' or die; local $/; print md5_hex(<$f>), \"\\n\""], None, d);
    compare("lua", "/usr/bin/lua5.4", &["-e", "local t = {} for w in ('the quick brown fox'):gmatch('%a+') do t[#t+1] = w:upper() end print(table.concat(t, '-'), 2^53, 7 // 2, math.maxinteger)"], None, None);
}

#[test]
fn sqlite3() {
    let w = workdir("deb-sql");
    let sql = "create table t(id integer primary key, name text, v real);\n\
               insert into t(name, v) values ('a', 1.5), ('b', 2.25), ('c', -3);\n\
               select count(*), sum(v), group_concat(name, '+') from t;\n\
               create index i on t(name);\n\
               with recursive n(x) as (select 1 union all select x + 1 from n where x < 1000) select sum(x), max(x) from n;\n\
               select printf('%.3f', avg(v)) from t;\n";
    compare("sqlite3 memory", "/usr/bin/sqlite3", &[":memory:"], Some(sql.as_bytes()), None);
    compare("sqlite3 file", "/bin/sh", &["-c", "rm -f db.sqlite; sqlite3 db.sqlite 'create table x(a); insert into x values (1),(2),(3);' && sqlite3 db.sqlite 'select sum(a) from x;'"], None, Some(w.path()));
}

const PY_BASIC: &str = r#"
import hashlib, json, re, struct, zlib, decimal, fractions, collections, itertools, os, sys
print(hashlib.sha256(b"abc").hexdigest())
print(json.dumps({"b": [1, 2.5, None], "a": "x"}, sort_keys=True))
print(re.findall(r"(\w)(\d+)", "a1 b22 c333"))
print(struct.pack("<IdH", 7, 1.5, 3).hex())
print(zlib.crc32(b"hello"), len(zlib.compress(b"x" * 1000)))
print(decimal.Decimal(1) / decimal.Decimal(7), fractions.Fraction(3, 9))
print(collections.Counter("mississippi").most_common(2))
print(list(itertools.permutations("abc", 2))[:4])
print(sum(i * i for i in range(100000)), 2 ** 100, 10 / 3)
print(sorted(os.listdir("sub")), os.path.exists("/usr/lib/python3.11/os.py"))
print(sys.executable, sys.prefix, sys.byteorder)
"#;

const PY_PROCESSES: &str = r#"
import os, subprocess, select, mmap
print(subprocess.run(["echo", "hi"], capture_output=True).stdout)
print(subprocess.check_output("echo $((6*7)) | tr 4 X", shell=True))
print(subprocess.run(["sh", "-c", "exit 3"]).returncode)
try:
    subprocess.run(["/nonexistent/prog"])
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)
pid = os.fork()
if pid == 0:
    os._exit(7)
print(os.waitpid(pid, 0)[1] >> 8)
r, w = os.pipe()
os.write(w, b"x")
print(select.select([r], [], [], 1)[0] == [r])
m = mmap.mmap(-1, 8192)
m[4000:4005] = b"hello"
print(m[4000:4005], len(m))
with open("data.bin", "rb") as f:
    fm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    print(len(fm), fm[1000:1004].hex())
"#;

#[test]
fn python3_basic() {
    let w = workdir("deb-py");
    compare("python3", "/usr/bin/python3", &["-c", PY_BASIC], None, Some(w.path()));
}

#[test]
fn python3_processes() {
    let w = workdir("deb-py-proc");
    compare("python3 processes", "/usr/bin/python3", &["-c", PY_PROCESSES], None, Some(w.path()));
}

#[test]
fn python3_threading() {
    let text = "import threading, queue\nq = queue.Queue()\nts = [threading.Thread(target=lambda i=i: q.put(i * i)) for i in range(8)]\n[t.start() for t in ts]\n[t.join() for t in ts]\nprint(sorted(q.get() for _ in ts))\n";
    compare("python3 threading", "/usr/bin/python3", &["-c", text], None, None);
}

#[test]
fn python3_socket() {
    let text = "import socket\na, b = socket.socketpair()\na.sendall(b'ping')\nprint(b.recv(4))\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\nc = socket.create_connection(s.getsockname())\nconn, _ = s.accept()\nc.sendall(b'over tcp')\nprint(conn.recv(100))\n";
    compare("python3 socket", "/usr/bin/python3", &["-c", text], None, None);
}

#[test]
fn python3_signal() {
    let text = "import signal, os, threading, time\n\
got = []\n\
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))\n\
os.kill(os.getpid(), signal.SIGUSR1)\n\
signal.signal(signal.SIGALRM, lambda s, f: got.append(s))\n\
signal.setitimer(signal.ITIMER_REAL, 0.01)\n\
signal.pause()\n\
signal.setitimer(signal.ITIMER_REAL, 0.02)\n\
t0 = time.monotonic()\n\
time.sleep(0.1)\n\
print('sleep went on after the handler', time.monotonic() - t0 >= 0.1, got)\n\
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})\n\
os.kill(os.getpid(), signal.SIGUSR2)\n\
print('pending', signal.SIGUSR2 in signal.sigpending())\n\
print('sigtimedwait', signal.sigtimedwait({signal.SIGUSR2}, 1).si_signo)\n\
main = threading.main_thread().ident\n\
t = threading.Thread(target=lambda: signal.pthread_kill(main, signal.SIGUSR1))\n\
t.start(); t.join(); time.sleep(0.01)\n\
print(got)\n";
    compare("python3 signal", "/usr/bin/python3", &["-c", text], None, None);
}

/// `#!` scripts run by the guest: the interpreter named in the script is the sysroot's (the
/// host's /usr/bin/python3 and perl are x86-64), found directly and through `env`, with
/// `#!/bin/sh` scripts calling back into each other.
#[test]
fn shebang_scripts() {
    let w = workdir("deb-shebang");
    let files = [
        ("py", "#!/usr/bin/python3\nimport sys\nprint('py', sys.argv[1:], sys.executable)\n"),
        ("envpl", "#!/usr/bin/env perl\nprint \"envpl $0 @ARGV\\n\";\n"),
        ("pl", "#!/usr/bin/perl -w\nprint \"pl @ARGV $^X\\n\";\n"),
        ("sh", "#!/bin/sh\necho \"sh $# $*\"; ./pl from-sh; exec ./envpl from-exec\n"),
    ];
    for (name, text) in files {
        let p = w.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    script("shebang", "/bin/bash", "./py a 'b c'; ./envpl x; ./pl 1 2; ./sh one two; echo status $?", Some(w.path()));
    // And the interpreters that ran were the sysroot's aarch64 ones, not the host's.
    let Some(root) = sysroot("shebang_scripts") else { return };
    // (The host's sh and uname, x86-64, would say x86_64.)
    std::fs::write(w.join("mach"), "#!/bin/sh\nexec uname -m\n").unwrap();
    std::fs::set_permissions(w.join("mach"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    for backend in BACKENDS {
        let mut cmd = emu_command(&ruser_aarch64());
        with_env(&mut cmd);
        cmd.current_dir(w.path()).arg("--backend").arg(backend).arg("-L").arg(&root).args(["/bin/sh", "-c", "./mach"]);
        let got = run(&mut cmd, None);
        assert_eq!(got.stdout_str(), "aarch64\n", "[shebang_scripts, --backend {backend}] stderr:\n{}", got.stderr_str());
    }
}

/// The overlay's rule for new names: a file created in a directory the sysroot holds goes into
/// the sysroot (where the guest finds and lists it again), never into the host's directory of
/// the same name (the host has /usr/share too); python's bytecode for a package of the
/// sysroot lands in the package's new `__pycache__`.
#[test]
fn new_names_land_in_the_sysroot() {
    let Some(root) = sysroot("new_names_land_in_the_sysroot") else { return };
    let tag = format!("ruser_probe_{}", std::process::id());
    let share = format!("/usr/share/{tag}");
    let pkg = format!("/usr/lib/python3/dist-packages/{tag}");
    let in_root = |p: &str| root.join(p.trim_start_matches('/'));
    // The names are this test's own (they carry its pid, and were checked absent), so a
    // failing run may remove what it put on the host by mistake.
    struct Cleanup(Vec<PathBuf>);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            for p in &self.0 {
                let _ = std::fs::remove_file(p);
                let _ = std::fs::remove_dir_all(p);
            }
        }
    }
    assert!(!Path::new(&share).exists() && !Path::new(&pkg).exists(), "leftovers on the host: {share}, {pkg}");
    let _c = Cleanup(vec![in_root(&share), in_root(&pkg), PathBuf::from(&share), PathBuf::from(&pkg)]);
    assert!(Path::new("/usr/share").is_dir(), "the host has no /usr/share: the test means nothing");
    std::fs::create_dir_all(in_root(&pkg)).unwrap();
    std::fs::write(in_root(&pkg).join("__init__.py"), "VALUE = 42\n").unwrap();
    let pyc = in_root(&pkg).join("__pycache__/__init__.cpython-311.pyc");
    for backend in BACKENDS {
        let text = format!(
            "echo made > {share} && cat {share} && ls /usr/share | grep -c {tag} && rm {share} && \
             python3 -c 'import {tag}; print({tag}.VALUE)' && ls {pkg}/__pycache__"
        );
        let mut cmd = emu_command(&ruser_aarch64());
        with_env(&mut cmd);
        cmd.arg("--backend").arg(backend).arg("-L").arg(&root).args(["/bin/sh", "-c", &text]);
        let got = run(&mut cmd, None);
        assert_eq!(
            got.stdout_str(),
            "made\n1\n42\n__init__.cpython-311.pyc\n",
            "[--backend {backend}] status {}, stderr:\n{}",
            got.describe_status(),
            got.stderr_str()
        );
        assert!(pyc.is_file(), "the bytecode is not in the sysroot [--backend {backend}]");
        assert!(!Path::new(&share).exists() && !Path::new(&pkg).exists(), "created on the host [--backend {backend}]");
        let _ = std::fs::remove_dir_all(in_root(&pkg).join("__pycache__"));
    }
}

// ---------------------------------------------------------------- dpkg and apt

/// A package file of build/debs-arm64 whose name starts with `prefix`.
fn deb(test: &str, prefix: &str) -> Option<String> {
    let dir = sysroot_path().parent().unwrap().join("debs-arm64");
    let found = std::fs::read_dir(&dir).ok().and_then(|r| r.flatten().map(|e| e.path()).find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix))));
    if found.is_none() {
        skip_or_fail(test, &format!("{} has no {prefix}*.deb (scripts/debian-sysroot.sh downloads it)", dir.display()));
    }
    found.map(|p| p.to_string_lossy().into_owned())
}

/// A dpkg database with four `Architecture: all` packages (the same to dpkg on every
/// architecture): installed ones with dependencies, alternatives and a virtual package, one
/// removed with its config files left, and debconf, which apt-extracttemplates asks for.
const STATUS: &str = "Package: alpha
Status: install ok installed
Priority: optional
Section: misc
Installed-Size: 12
Maintainer: Nobody <nobody@example.org>
Architecture: all
Version: 1.2-3
Depends: beta (>= 2.0), gamma | delta
Description: the first test package
 A longer description
 over two lines.

Package: beta
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 100
Maintainer: Nobody <nobody@example.org>
Architecture: all
Version: 2.5
Provides: delta
Description: the second test package

Package: gamma
Status: deinstall ok config-files
Priority: optional
Section: misc
Maintainer: Nobody <nobody@example.org>
Architecture: all
Version: 0.1
Conffiles:
 /etc/gamma.conf 0123456789abcdef0123456789abcdef
Description: removed, config files left

Package: debconf
Status: install ok installed
Priority: important
Section: admin
Maintainer: Nobody <nobody@example.org>
Architecture: all
Version: 1.5.82
Description: the configuration system apt-extracttemplates asks for
";

/// A work directory with `admin/` (a dpkg database holding STATUS) and `pool/` (three
/// packages of build/debs-arm64: one for every architecture, two arm64 ones with debconf
/// templates or none).
fn dpkg_workdir(test: &str, tag: &str) -> Option<TempDir> {
    let w = TempDir::new(tag);
    std::fs::create_dir_all(w.join("admin/info")).unwrap();
    std::fs::create_dir_all(w.join("admin/updates")).unwrap();
    std::fs::write(w.join("admin/status"), STATUS).unwrap();
    std::fs::write(w.join("admin/info/alpha.list"), "/usr/share/doc/alpha\n/usr/share/doc/alpha/copyright\n").unwrap();
    std::fs::create_dir(w.join("pool")).unwrap();
    for prefix in ["debconf_", "libpam0g_", "libmd0_"] {
        let d = deb(test, prefix)?;
        std::fs::copy(&d, w.join("pool").join(Path::new(&d).file_name().unwrap())).unwrap();
    }
    Some(w)
}

#[test]
fn dpkg_tools() {
    let test = "dpkg_tools";
    let Some(root) = sysroot(test) else { return };
    let Some(w) = dpkg_workdir(test, "deb-dpkg") else { return };
    let d = Some(w.path());
    // --version names the package's own version and architecture; the rest is the amd64
    // build's text.
    let version = std::fs::read_to_string(root.join(".ruser-packages")).unwrap().lines().find_map(|l| l.strip_prefix("dpkg arm64 ").map(str::to_string)).expect("dpkg in .ruser-packages");
    let native = run(std::process::Command::new("/usr/bin/dpkg").arg("--version").env("LC_ALL", "C"), None);
    let native_rest: String = native.stdout_str().lines().skip(1).map(|l| format!("{l}\n")).collect();
    for (args, want) in [
        (&["--version"][..], format!("Debian 'dpkg' package management program version {version} (arm64).\n{native_rest}")),
        (&["--print-architecture"][..], "arm64\n".to_string()),
    ] {
        for backend in BACKENDS {
            let mut cmd = emu_command(&ruser_aarch64());
            with_env(&mut cmd);
            cmd.arg("--backend").arg(backend).arg("-L").arg(&root).arg("/usr/bin/dpkg").args(args);
            let got = run(&mut cmd, None);
            assert_eq!(got.stdout_str(), want, "dpkg {args:?} [--backend {backend}] stderr:\n{}", got.stderr_str());
        }
    }
    // Reading packages (dpkg runs dpkg-deb for these).
    let pam = "pool/".to_string() + Path::new(&deb(test, "libpam0g_").unwrap()).file_name().unwrap().to_str().unwrap();
    let debconf = "pool/".to_string() + Path::new(&deb(test, "debconf_").unwrap()).file_name().unwrap().to_str().unwrap();
    compare("dpkg -c", "/usr/bin/dpkg", &["-c", &pam], None, d);
    compare("dpkg -I", "/usr/bin/dpkg", &["-I", &debconf], None, d);
    compare("dpkg -I file", "/usr/bin/dpkg", &["-I", &debconf, "templates"], None, d);
    compare("dpkg-deb -f", "/usr/bin/dpkg-deb", &["-f", &pam, "Package", "Version", "Architecture", "Multi-Arch"], None, d);
    script("dpkg -x", "/bin/sh", &format!("rm -rf out && dpkg -x {pam} out && find out | sort && cat out/usr/share/doc/libpam0g/copyright | sha256sum"), d);
    script("dpkg-deb --fsys-tarfile", "/bin/sh", &format!("dpkg-deb --fsys-tarfile {debconf} | sha256sum; dpkg-deb --ctrl-tarfile {debconf} | tar -tf - | sort"), d);
    // Querying a database.
    fn q<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["--admindir=admin"][..], args].concat()
    }
    compare_env("dpkg-query -W", "/usr/bin/dpkg-query", &q(&["-W", "-f=${Package} ${Version} ${Status} ${Installed-Size} ${Depends}\n"]), None, d, &[]);
    compare_env("dpkg-query -l", "/usr/bin/dpkg-query", &q(&["-l"]), None, d, &[("COLUMNS", "100")]);
    compare_env("dpkg-query -l pattern", "/usr/bin/dpkg-query", &q(&["-l", "a*", "nothing*"]), None, d, &[("COLUMNS", "100")]);
    compare("dpkg-query -s", "/usr/bin/dpkg-query", &q(&["-s", "alpha", "gamma"]), None, d);
    compare("dpkg-query -L", "/usr/bin/dpkg-query", &q(&["-L", "alpha"]), None, d);
    compare("dpkg-query -S", "/usr/bin/dpkg-query", &q(&["-S", "/usr/share/doc/alpha/copyright"]), None, d);
    compare("dpkg-query missing", "/usr/bin/dpkg-query", &q(&["-s", "no-such-package"]), None, d);
    compare("dpkg --get-selections", "/usr/bin/dpkg", &q(&["--get-selections"]), None, d);
    compare("dpkg --audit", "/usr/bin/dpkg", &q(&["--audit"]), None, d);
    compare("dpkg --compare-versions", "/bin/sh", &["-c", "dpkg --compare-versions 1.2-3 lt 1.10 && echo lt; dpkg --compare-versions 1:0.1 gt 9.9; echo $?"], None, d);
}

/// apt's configuration for the tests: nothing of the host's /etc/apt, the database of
/// `dpkg_workdir`, empty package lists, arm64 as the architecture of both builds.
fn apt_conf(w: &TempDir) -> String {
    let p = |s: &str| w.join(s).to_string_lossy().into_owned();
    for d in ["lists/partial", "cache", "parts", "none"] {
        std::fs::create_dir_all(w.join(d)).unwrap();
    }
    let text = format!(
        "Dir::Etc::main \"/dev/null\";\nDir::Etc::parts \"{}\";\nDir::Etc::sourcelist \"/dev/null\";\nDir::Etc::sourceparts \"{}\";\n\
         Dir::Etc::preferences \"/dev/null\";\nDir::Etc::preferencesparts \"{}\";\nDir::State::status \"{}\";\nDir::State::lists \"{}\";\n\
         Dir::Cache \"{}\";\nAPT::Architecture \"arm64\";\nAPT::Architectures {{ \"arm64\"; }};\nDebug::NoLocking \"true\";\n",
        p("parts"),
        p("none"),
        p("none"),
        p("admin/status"),
        p("lists"),
        p("cache")
    );
    std::fs::write(w.join("apt.conf"), text).unwrap();
    p("apt.conf")
}

#[test]
fn apt_tools() {
    let test = "apt_tools";
    let Some(w) = dpkg_workdir(test, "deb-apt") else { return };
    let conf = apt_conf(&w);
    let d = Some(w.path());
    let env: &[(&str, &str)] = &[("APT_CONFIG", &conf)];
    compare_env("apt-config dump", "/usr/bin/apt-config", &["dump"], None, d, env);
    compare_env("apt-config shell", "/usr/bin/apt-config", &["shell", "A", "APT::Architecture", "S", "Dir::State::status/f"], None, d, env);
    for args in [&["show", "alpha"][..], &["depends", "alpha"], &["rdepends", "beta"], &["policy", "alpha", "gamma"], &["showpkg", "beta"], &["pkgnames"], &["stats"], &["search", "second"], &["show", "nothing"]] {
        compare_env(&format!("apt-cache {args:?}"), "/usr/bin/apt-cache", args, None, d, env);
    }
    compare_env("apt-ftparchive packages", "/usr/bin/apt-ftparchive", &["packages", "pool"], None, d, env);
    compare_env("apt-ftparchive contents", "/usr/bin/apt-ftparchive", &["contents", "pool"], None, d, env);
    // The template files get random names: compare their contents.
    let extract = "rm -rf t && mkdir t && apt-extracttemplates -t t pool/*.deb > list && cut -d' ' -f1,2 list && for f in $(cut -d' ' -f3- list); do sha256sum < $f; done";
    compare_env("apt-extracttemplates", "/bin/sh", &["-c", extract], None, d, env);
}
