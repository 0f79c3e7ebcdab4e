package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// request is one raw HTTP/1.1 request, written to the connection as is.
type request struct {
	raw  []byte
	want int // the status every answer must have
}

// rawRequest renders an HTTP/1.1 request with a body (nil for none).
func rawRequest(method, host, target string, headers [][2]string, body []byte) []byte {
	b := fmt.Appendf(nil, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, host)
	for _, h := range headers {
		b = fmt.Appendf(b, "%s: %s\r\n", h[0], h[1])
	}
	if body != nil {
		b = fmt.Appendf(b, "Content-Length: %d\r\n", len(body))
	}
	b = append(b, "\r\n"...)
	return append(b, body...)
}

// result is what one load run measured.
type result struct {
	requests int
	elapsed  time.Duration
	latency  []time.Duration // sorted
	failure  error           // the first wrong status or transport error
}

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// quantile returns the q-quantile (0..1) of the latencies.
func (r result) quantile(q float64) time.Duration {
	if len(r.latency) == 0 {
		return 0
	}
	return r.latency[min(len(r.latency)-1, int(q*float64(len(r.latency))))]
}

// merge adds another run of the same workload (another round).
func (r result) merge(o result) result {
	out := result{requests: r.requests + o.requests, elapsed: r.elapsed + o.elapsed, failure: r.failure}
	if out.failure == nil {
		out.failure = o.failure
	}
	out.latency = append(slices.Clone(r.latency), o.latency...)
	slices.Sort(out.latency)
	return out
}

// drive keeps conns keep-alive connections to addr busy for d (or, when
// limit > 0, until limit requests are answered), each worker sending the
// requests next gives it, one at a time, and reading every answer
// completely. It is a closed loop: a worker sends its next request when the
// previous answer has arrived, as wrk does.
func drive(addr string, conns int, d time.Duration, limit int, next func(worker, i int) request) result {
	var (
		stop     atomic.Bool
		issued   atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		total    result
		startAll = make(chan struct{})
	)
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			more := func() bool { return !stop.Load() && (limit <= 0 || issued.Add(1) <= int64(limit)) }
			n, err := worker(addr, more, startAll, func(i int) request { return next(w, i) }, &lat)
			mu.Lock()
			total.requests += n
			total.latency = append(total.latency, lat...)
			if total.failure == nil && err != nil {
				total.failure = err
			}
			mu.Unlock()
		}()
	}
	start := time.Now()
	close(startAll)
	if limit <= 0 {
		time.Sleep(d)
		stop.Store(true)
	}
	wg.Wait() // requests in flight at the stop count, and so does their time
	total.elapsed = time.Since(start)
	slices.Sort(total.latency)
	return total
}

// worker runs one connection's closed loop while more reports true,
// appending latencies to *lat; it returns the number of completed requests
// and the first error.
func worker(addr string, more func() bool, start <-chan struct{}, next func(i int) request, lat *[]time.Duration) (int, error) {
	var (
		conn net.Conn
		br   *bufio.Reader
	)
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	<-start
	n := 0
	for i := 0; more(); i++ {
		if conn == nil {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return n, err
			}
			conn, br = c, bufio.NewReaderSize(c, 64<<10)
		}
		req := next(i)
		t0 := time.Now()
		if _, err := conn.Write(req.raw); err != nil {
			return n, err
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return n, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return n, err
		}
		*lat = append(*lat, time.Since(t0))
		n++
		if resp.StatusCode != req.want {
			return n, fmt.Errorf("status %d, want %d", resp.StatusCode, req.want)
		}
		if resp.Close {
			conn.Close()
			conn = nil
		}
	}
	return n, nil
}

// roundTrip sends one request on a fresh connection and returns the answer's
// status and body (setup calls, not measured).
func roundTrip(addr string, raw []byte) (int, []byte, error) {
	a, err := fetch(addr, raw)
	return a.status, a.body, err
}

// fetch sends one request on a fresh connection and returns the answer.
func fetch(addr string, raw []byte) (answer, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return answer{}, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := conn.Write(raw); err != nil {
		return answer{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body}, err
}
