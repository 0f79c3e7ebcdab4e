package env

import (
	"net/http/httptest"
	"testing"
)

func TestSelect(t *testing.T) {
	s := Selector{Prefix: "/_env", Hosts: map[string]string{"api.servicetitan.io": Production}}
	for _, tc := range []struct {
		host, path        string
		wantEnv, wantPath string
	}{
		{"127.0.0.1:8080", "/crm/v2/tenant/1/customers", Integration, "/crm/v2/tenant/1/customers"},
		{"127.0.0.1:8080", "/_env/production/connect/token", Production, "/connect/token"},
		{"127.0.0.1:8080", "/_env/production", Production, "/"},
		{"127.0.0.1:8080", "/_env/integration/connect/token", Integration, "/connect/token"},
		{"127.0.0.1:8080", "/_env/staging/connect/token", Integration, "/_env/staging/connect/token"},
		{"127.0.0.1:8080", "/_envproduction/connect/token", Integration, "/_envproduction/connect/token"},
		{"API.ServiceTitan.io:443", "/connect/token", Production, "/connect/token"},
		{"api.servicetitan.io", "/_env/integration/connect/token", Integration, "/connect/token"},
		{"api-integration.servicetitan.io", "/connect/token", Integration, "/connect/token"},
	} {
		r := httptest.NewRequest("GET", "http://x"+tc.path, nil)
		r.Host = tc.host
		if name, path := s.Select(r); name != tc.wantEnv || path != tc.wantPath {
			t.Errorf("Host %s, path %s: %s %s, want %s %s", tc.host, tc.path, name, path, tc.wantEnv, tc.wantPath)
		}
	}
	if got := s.Issuer("http://127.0.0.1:8080", Production); got != "http://127.0.0.1:8080/_env/production" {
		t.Errorf("production issuer %q", got)
	}
	if got := s.Issuer("http://127.0.0.1:8080", Integration); got != "http://127.0.0.1:8080" {
		t.Errorf("integration issuer %q", got)
	}
}
