package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSelfSignedTLS serves HTTPS with -tls, then calls stsim with a Go
// client that trusts only the certificate written beside the data file.
func TestSelfSignedTLS(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "stsim.db")
	srv := startServe(t, "-tls", "-data", data)
	certFile := filepath.Join(dir, "stsim-tls-cert.pem")
	if !strings.HasPrefix(srv.base, "https://127.0.0.1:") || !strings.Contains(srv.curl, "--cacert "+certFile) {
		t.Fatalf("banner: base %q, curl %q; want https and the certificate path", srv.base, srv.curl)
	}
	pemData, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemData)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cert.DNSNames, "api-integration.servicetitan.io") || !slices.Contains(cert.DNSNames, "auth-integration.servicetitan.io") {
		t.Errorf("the certificate does not cover ServiceTitan's integration hosts: %v", cert.DNSNames)
	}
	if info, err := os.Stat(filepath.Join(dir, "stsim-tls-key.pem")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the key file: %v, mode %v; want 0600", err, info)
	}

	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.PostForm(srv.base+"/connect/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"cid.stsimdemoclient0000000001"}, "client_secret": {"cs1.stsimdemosecret00000000000000000000000000000000001"}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token over HTTPS: %v %v", err, resp)
	}
	resp.Body.Close()
	resp, err = client.Get(srv.base + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if _, err := http.Get(srv.base + "/_sim/health"); err == nil {
		t.Error("a client that does not trust the certificate connected")
	}
	addr := strings.TrimPrefix(srv.base, "https://")
	var stderr strings.Builder
	if code := run(context.Background(), []string{"health", "-tls", "-data", data, "-addr", addr}, noEnv, &strings.Builder{}, &stderr); code != 0 {
		t.Fatalf("stsim health -tls: exit %d: %s", code, stderr.String())
	}

	// A restart keeps the certificate clients already trust.
	srv.stop(t)
	again := startServe(t, "-tls", "-data", data)
	after, _ := os.ReadFile(certFile)
	if string(after) != string(pemData) {
		t.Error("a restart replaced the certificate")
	}
	resp, err = client.Get(again.base + "/_sim/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health after restart: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestTLSFlagsGoTogether(t *testing.T) {
	for _, args := range [][]string{{"-tls-cert", "a.pem"}, {"-tls", "-tls-cert", "a.pem", "-tls-key", "b.pem"}} {
		var stderr strings.Builder
		if code := run(context.Background(), args, noEnv, &strings.Builder{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "tls") {
			t.Errorf("%v: exit %d, %q", args, code, stderr.String())
		}
	}
}
