//! Tests that exercise what a Rust program needs from the emulator it runs under: threads
//! (libtest itself runs each test on its own thread), panics that unwind, the file system and
//! child processes. `cargo test --target aarch64-unknown-linux-gnu` runs them under the
//! runner of .cargo/config.toml.

/// Sum of 1..=n, the work the thread tests share out.
pub fn triangle(n: u64) -> u64 {
    n * (n + 1) / 2
}

#[cfg(test)]
mod threads {
    use super::triangle;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{mpsc, Arc, Barrier, Condvar, Mutex, RwLock};
    use std::thread;

    #[test]
    fn spawn_and_join() {
        let handles: Vec<_> = (0..8u64).map(|i| thread::spawn(move || (i * 1000 + 1..=(i + 1) * 1000).sum::<u64>())).collect();
        let total: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(total, triangle(8000));
    }

    #[test]
    fn mutex_atomic_and_rwlock() {
        let m = Arc::new(Mutex::new(0u64));
        let a = Arc::new(AtomicU64::new(0));
        let rw = Arc::new(RwLock::new(Vec::new()));
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let (m, a, rw) = (m.clone(), a.clone(), rw.clone());
                thread::spawn(move || {
                    for i in 0..10_000u64 {
                        *m.lock().unwrap() += i;
                        a.fetch_add(i, Ordering::SeqCst);
                    }
                    rw.write().unwrap().push(t);
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(*m.lock().unwrap(), 4 * triangle(9_999));
        assert_eq!(a.load(Ordering::SeqCst), 4 * triangle(9_999));
        let mut seen = rw.read().unwrap().clone();
        seen.sort();
        assert_eq!(seen, [0, 1, 2, 3]);
    }

    #[test]
    fn channels_barrier_condvar() {
        let (tx, rx) = mpsc::channel();
        let barrier = Arc::new(Barrier::new(5));
        for t in 0..4u64 {
            let (tx, b) = (tx.clone(), barrier.clone());
            thread::spawn(move || {
                b.wait();
                for i in 0..100 {
                    tx.send(t * 100 + i).unwrap();
                }
            });
        }
        drop(tx);
        barrier.wait();
        let mut got: Vec<u64> = rx.iter().collect();
        got.sort();
        assert_eq!(got, (0..400).collect::<Vec<_>>());

        let pair = Arc::new((Mutex::new(false), Condvar::new()));
        let p2 = pair.clone();
        let h = thread::spawn(move || {
            *p2.0.lock().unwrap() = true;
            p2.1.notify_one();
        });
        let mut ready = pair.0.lock().unwrap();
        while !*ready {
            ready = pair.1.wait(ready).unwrap();
        }
        drop(ready);
        h.join().unwrap();
    }

    #[test]
    fn scoped_threads_and_thread_locals() {
        thread_local!(static ID: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });
        let data: Vec<u64> = (1..=1000).collect();
        let sums: Vec<u64> = thread::scope(|s| {
            let hs: Vec<_> = data
                .chunks(250)
                .enumerate()
                .map(|(i, c)| {
                    s.spawn(move || {
                        ID.with(|id| id.set(i as u64 + 1));
                        c.iter().sum::<u64>() * ID.with(|id| id.get()) / (i as u64 + 1)
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(sums.iter().sum::<u64>(), triangle(1000));
        assert_eq!(ID.with(|id| id.get()), 0, "another thread's thread-local leaked here");
        let name = thread::Builder::new().name("worker-7".into()).spawn(|| thread::current().name().map(str::to_string)).unwrap();
        assert_eq!(name.join().unwrap().as_deref(), Some("worker-7"));
    }
}

#[cfg(test)]
mod panics {
    use std::cell::Cell;
    use std::panic;

    // Per thread: libtest runs tests on several threads at once, and another test's Guard
    // (panic_in_a_thread_is_an_error_of_join's) dropped meanwhile must not count here.
    thread_local!(static DROPS: Cell<usize> = const { Cell::new(0) });

    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            DROPS.with(|d| d.set(d.get() + 1));
        }
    }

    #[inline(never)]
    fn deep(n: u32) -> u32 {
        let _g = Guard;
        if n == 0 {
            panic!("bottom reached");
        }
        deep(n - 1) + 1
    }

    #[test]
    fn unwinding_runs_destructors_and_is_caught() {
        let before = DROPS.with(Cell::get);
        let r = panic::catch_unwind(|| deep(20));
        let msg = r.unwrap_err().downcast::<&str>().map(|b| *b).unwrap_or("?");
        assert_eq!(msg, "bottom reached");
        assert_eq!(DROPS.with(Cell::get) - before, 21, "every frame's Guard must be dropped");
    }

    #[test]
    fn panic_in_a_thread_is_an_error_of_join() {
        let n = std::hint::black_box(3);
        let h = std::thread::spawn(move || {
            let _g = Guard;
            panic!("thread {n} failed")
        });
        let e = h.join().unwrap_err();
        assert_eq!(e.downcast_ref::<String>().map(String::as_str), Some("thread 3 failed"));
    }

    #[test]
    fn nested_catch_and_resume() {
        let outer = panic::catch_unwind(|| {
            let inner = panic::catch_unwind(|| panic::panic_any(42i32));
            assert_eq!(*inner.unwrap_err().downcast::<i32>().unwrap(), 42);
            panic::resume_unwind(Box::new("again"));
        });
        assert_eq!(*outer.unwrap_err().downcast::<&str>().unwrap(), "again");
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn should_panic_is_reported_as_a_pass() {
        let v = vec![1, 2, 3];
        let i = v.len() + std::hint::black_box(1);
        let _ = v[i];
    }
}

#[cfg(test)]
mod fs {
    use std::fs;
    use std::io::{Read, Seek, SeekFrom, Write};
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;

    fn scratch(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("runner-check-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn write_read_seek_rename() {
        let d = scratch("rw");
        let p = d.join("a.txt");
        fs::write(&p, "hello\n").unwrap();
        let mut f = fs::OpenOptions::new().append(true).read(true).open(&p).unwrap();
        f.write_all(b"world\n").unwrap();
        f.seek(SeekFrom::Start(6)).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        assert_eq!(s, "world\n");
        assert_eq!(fs::metadata(&p).unwrap().len(), 12);
        fs::rename(&p, d.join("b.txt")).unwrap();
        assert!(!p.exists());
        assert_eq!(fs::read_to_string(d.join("b.txt")).unwrap(), "hello\nworld\n");
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn directories_links_permissions() {
        let d = scratch("dir");
        for n in ["c", "a", "b"] {
            fs::write(d.join(n), n).unwrap();
        }
        fs::create_dir(d.join("sub")).unwrap();
        std::os::unix::fs::symlink("a", d.join("link")).unwrap();
        let mut names: Vec<String> = fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["a", "b", "c", "link", "sub"]);
        assert_eq!(fs::read_link(d.join("link")).unwrap(), PathBuf::from("a"));
        assert_eq!(fs::read_to_string(d.join("link")).unwrap(), "a");
        assert!(fs::symlink_metadata(d.join("link")).unwrap().file_type().is_symlink());
        fs::set_permissions(d.join("b"), fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(fs::metadata(d.join("b")).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(fs::canonicalize(d.join("sub/../link")).unwrap(), fs::canonicalize(d.join("a")).unwrap());
        assert!(fs::read_to_string(d.join("missing")).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound));
        fs::remove_dir_all(&d).unwrap();
    }
}

#[cfg(test)]
mod process {
    use std::process::Command;

    /// When the test binary is started with this variable, the `child_mode` test acts as a
    /// child process.
    const CHILD: &str = "RUNNER_CHECK_CHILD";

    #[test]
    fn child_mode() {
        match std::env::var(CHILD).as_deref() {
            Ok("exit") => std::process::exit(7),
            Ok("echo") => println!("child args {:?}", std::env::args().skip_while(|a| a != "--").skip(1).collect::<Vec<_>>()),
            _ => {}
        }
    }

    fn myself(mode: &str) -> Command {
        let mut c = Command::new(std::env::current_exe().unwrap());
        c.args(["--exact", "process::child_mode", "--nocapture", "--"]).env(CHILD, mode);
        c
    }

    #[test]
    fn identity_and_environment() {
        assert!(std::process::id() > 1);
        assert!(std::env::args().next().is_some());
        std::env::set_var("RUNNER_CHECK_X", "1");
        assert_eq!(std::env::var("RUNNER_CHECK_X").as_deref(), Ok("1"));
        assert_eq!(std::env::consts::ARCH, "aarch64");
    }

    #[test]
    fn spawn_this_program_again() {
        let out = myself("exit").output().unwrap();
        assert_eq!(out.status.code(), Some(7));
        let out = myself("echo").arg("a b").arg("c").output().unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains(r#"child args ["a b", "c"]"#), "{out:?}");
    }

    #[test]
    fn spawn_a_host_program_with_pipes() {
        let out = Command::new("/bin/sh").args(["-c", "read x; echo got $x; exit 3"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"line\n")?;
            c.wait_with_output()
        });
        let out = out.unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, b"got line\n");
    }
}
