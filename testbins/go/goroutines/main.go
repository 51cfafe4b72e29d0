// Goroutines on several threads: channels, select, sync primitives, timers and tickers,
// and the garbage collector working through a lot of garbage while other goroutines run.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

type node struct {
	next *node
	val  [8]int64
}

func churn(rounds int) int64 {
	var keep *node
	var sum int64
	for i := 0; i < rounds; i++ {
		n := &node{next: keep}
		n.val[0] = int64(i)
		if i%64 == 0 {
			keep = n // a long chain survives, the rest is garbage
		}
		sum += n.val[0]
	}
	for n := keep; n != nil; n = n.next {
		sum += n.val[0]
	}
	return sum
}

func main() {
	runtime.GOMAXPROCS(4)

	// A pipeline of goroutines.
	src := make(chan int)
	sq := make(chan int, 8)
	go func() {
		for i := 1; i <= 1000; i++ {
			src <- i
		}
		close(src)
	}()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range src {
				sq <- v * v
			}
		}()
	}
	go func() { wg.Wait(); close(sq) }()
	total := 0
	for v := range sq {
		total += v
	}
	fmt.Println("sum of squares:", total)

	// Mutex and atomics under contention.
	var mu sync.Mutex
	var counter int
	var atom int64
	var wg2 sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for i := 0; i < 2000; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
				atomic.AddInt64(&atom, 1)
			}
		}()
	}
	wg2.Wait()
	fmt.Println("counter:", counter, "atomic:", atom)

	// The collector, with allocation on several goroutines at once.
	results := make([]int64, 8)
	var wg3 sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg3.Add(1)
		go func(g int) {
			defer wg3.Done()
			results[g] = churn(20000 + g)
		}(g)
	}
	wg3.Wait()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("churn results:", results[0], results[7], "collections ran:", ms.NumGC > 0)

	// Timers, tickers and select.
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	tick := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	timeout := time.After(100 * time.Millisecond)
	done := make(chan bool)
	go func() {
		time.Sleep(30 * time.Millisecond)
		done <- true
	}()
loop:
	for {
		select {
		case <-tick.C:
			ticks++
		case <-done:
			break loop
		case <-timeout:
			fmt.Println("timeout")
			break loop
		}
	}
	tick.Stop()
	fmt.Println("slept at least 50 ms:", time.Since(start) >= 50*time.Millisecond, "ticks seen:", ticks >= 2)

	// sync.Once, sync.Cond, sync.Map.
	var once sync.Once
	var m sync.Map
	cond := sync.NewCond(&mu)
	ready := 0
	for g := 0; g < 10; g++ {
		go func(g int) {
			once.Do(func() { m.Store("once", true) })
			m.Store(g, g*g)
			mu.Lock()
			ready++
			cond.Broadcast()
			mu.Unlock()
		}(g)
	}
	mu.Lock()
	for ready < 10 {
		cond.Wait()
	}
	mu.Unlock()
	var keys []int
	m.Range(func(k, v any) bool {
		if i, ok := k.(int); ok {
			keys = append(keys, i)
		}
		return true
	})
	sort.Ints(keys)
	fmt.Println("map keys:", keys)
}
