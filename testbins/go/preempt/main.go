// What the Go runtime needs from signals: asynchronous preemption (SIGURG sent to a thread
// spinning in a loop without calls, and the context its handler rewrites to call
// asyncPreempt), nil dereferences turned into recoverable panics by the SIGSEGV handler,
// os/signal delivering a signal to a channel, and a signal ignored with signal.Ignore.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

type T struct{ x int }

//go:noinline
func deref(p *T) int { return p.x }

func spin(stop *int32) int {
	n := 0
	for *stop == 0 {
		n++ // no function calls: only an asynchronous preemption can stop this goroutine
	}
	return n
}

func main() {
	// One P: the main goroutine runs again only if the spinning one is preempted.
	runtime.GOMAXPROCS(1)
	var stop int32
	res := make(chan int)
	go func() { res <- spin(&stop) }()
	runtime.Gosched()
	time.Sleep(50 * time.Millisecond) // needs the spinner preempted
	stop = 1
	fmt.Println("spinner preempted and stopped:", <-res > 0)

	// A tight loop in main while a timer goroutine needs to run.
	fired := make(chan bool, 1)
	time.AfterFunc(20*time.Millisecond, func() { fired <- true })
	deadline := time.Now().Add(5 * time.Second)
	for len(fired) == 0 && time.Now().Before(deadline) {
	}
	fmt.Println("timer ran while main spun:", len(fired) == 1)
	runtime.GOMAXPROCS(2)

	// Nil dereference → panic → recover, several times.
	recovered := 0
	for i := 0; i < 3; i++ {
		func() {
			defer func() {
				if r := recover(); r != nil {
					if e, ok := r.(runtime.Error); ok && e.Error() == "runtime error: invalid memory address or nil pointer dereference" {
						recovered++
					}
				}
			}()
			deref(nil)
		}()
	}
	fmt.Println("nil dereferences recovered:", recovered)

	// os/signal.
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-ch:
		fmt.Println("notified of:", s)
	case <-time.After(5 * time.Second):
		fmt.Println("no signal")
	}
	signal.Ignore(syscall.SIGUSR2)
	syscall.Kill(os.Getpid(), syscall.SIGUSR2)
	time.Sleep(10 * time.Millisecond)
	fmt.Println("still running after an ignored SIGUSR2")
}
