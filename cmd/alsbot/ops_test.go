package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheck runs `alsbot healthcheck` against loopback servers that
// answer /healthz as the bot does, or do not.
func TestHealthcheck(t *testing.T) {
	serve := func(status int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/healthz" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(status)
		}))
		t.Cleanup(srv.Close)
		_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
		return port
	}
	up, sick := serve(http.StatusOK), serve(http.StatusServiceUnavailable)
	down := freeAddr(t)
	_, downPort, _ := net.SplitHostPort(down)
	tests := []struct {
		name    string
		addr    string
		wantErr string
	}{
		{name: "every interface", addr: ":" + up},
		{name: "unspecified address", addr: "0.0.0.0:" + up},
		{name: "loopback", addr: "127.0.0.1:" + up},
		{name: "unhealthy", addr: ":" + sick, wantErr: "503"},
		{name: "nothing listening", addr: ":" + downPort, wantErr: "healthcheck"},
		{name: "bad address", addr: "3000", wantErr: "not a listen address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout bytes.Buffer
			err := run(context.Background(), []string{"healthcheck"}, envOf(map[string]string{"ALSBOT_ADDR": tt.addr}), strings.NewReader(""), &stdout, &bytes.Buffer{})
			if tt.wantErr == "" {
				if err != nil || strings.TrimSpace(stdout.String()) != "ok" {
					t.Fatalf("healthcheck = %v, %q; want ok", err, stdout.String())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("healthcheck = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}

// TestValidateOperations covers the checks this issue adds: a MongoDB URI
// without a host, and one that must not leak its password in the message.
func TestValidateOperations(t *testing.T) {
	tests := []struct {
		name string
		uri  string
		want string // "" for valid
	}{
		{name: "replica set", uri: "mongodb://db1:27017,db2:27017/alsbot?replicaSet=rs0"},
		{name: "atlas", uri: "mongodb+srv://u:p@cluster0.example.mongodb.net/?retryWrites=true"},
		{name: "no host", uri: "mongodb:///alsbot", want: "MONGODB_URI names no host"},
		{name: "only credentials", uri: "mongodb://user:hunter2@/", want: "MONGODB_URI names no host"},
		{name: "wrong scheme", uri: "postgres://user:hunter2@db/", want: "MONGODB_URI must start with mongodb://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := loadConfig(envOf(map[string]string{"MONGODB_URI": tt.uri}))
			err := cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatal("the message shows the URI's password")
			}
		})
	}
}
