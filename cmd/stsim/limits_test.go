package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSlowBodyIsCutOffByReadTimeout sends headers promising a body, then
// only part of it: -read-timeout ends the request instead of holding the
// connection for as long as the client likes.
func TestSlowBodyIsCutOffByReadTimeout(t *testing.T) {
	srv := startServe(t, "-read-timeout", "300ms")
	u, _ := url.Parse(srv.base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "POST /_sim/tenants HTTP/1.1\r\nHost: "+u.Host+"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Fatalf("a body that never finished was answered %d", resp.StatusCode)
		}
		return
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server still holds a slow body's connection after 5 s (-read-timeout 300ms)")
	}
	// io.EOF or a reset: the server closed the connection, as it should.
}

// TestMaxConnectionsCapsOpenConnections holds the only two connection slots
// with idle connections: a third client waits until one of them closes.
func TestMaxConnectionsCapsOpenConnections(t *testing.T) {
	srv := startServe(t, "-max-connections", "2")
	u, _ := url.Parse(srv.base)
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	quick := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := quick.Get(srv.base + "/_sim/health"); err == nil {
		resp.Body.Close()
		t.Fatal("a third connection was served while two held both slots")
	}
	held[0].Close()
	patient := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := patient.Get(srv.base + "/_sim/health")
	if err != nil {
		t.Fatalf("after a slot freed: %v", err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(resp.Status, "200") {
		t.Fatalf("health after a slot freed: %s", resp.Status)
	}
}
