package deployments

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// servedPaths are the paths cmd/alsbot registers (server.go and routes.go)
// and the Slack and Teams adapters' POST endpoints.
func servedPaths(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, f := range []string{"server.go", "routes.go"} {
		src, err := os.ReadFile(filepath.Join(root, "cmd", "alsbot", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("GET (/[a-z/]+)`).FindAllStringSubmatch(string(src), -1) {
			paths = append(paths, m[1])
		}
	}
	for _, f := range []string{filepath.Join("adapters", "slack", "http.go"), filepath.Join("adapters", "teams", "teams.go")} {
		src, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"POST (/[a-z/]+)"`).FindAllStringSubmatch(string(src), -1) {
			paths = append(paths, m[1])
		}
	}
	return paths
}

// TestReleaseDockerfile: multi-arch build arguments, OCI labels and serve.
func TestReleaseDockerfile(t *testing.T) {
	ins := parseDockerfile(t, filepath.Join(root, "Dockerfile"))
	build := goBuildLine(t, ins)
	var labels, cmd, args []string
	inRun := false
	for _, in := range ins {
		switch in.cmd {
		case "FROM":
			inRun = strings.Contains(in.args, " AS run")
		case "LABEL":
			if inRun {
				labels = append(labels, in.args)
			}
		case "CMD":
			if inRun {
				cmd = append(cmd, in.args)
			}
		case "ARG":
			args = append(args, strings.SplitN(in.args, "=", 2)[0])
		}
	}
	all := strings.Join(labels, " ")
	for _, l := range []string{"source", "version", "revision", "licenses", "title"} {
		if !strings.Contains(all, "org.opencontainers.image."+l+"=") {
			t.Errorf("the run stage has no OCI label org.opencontainers.image.%s", l)
		}
	}
	if !strings.Contains(all, `licenses="Apache-2.0"`) {
		t.Error("the licence label must say Apache-2.0")
	}
	for _, a := range []string{"TARGETOS", "TARGETARCH"} {
		if !slices.Contains(args, a) || !strings.Contains(build, "${"+a+"}") {
			t.Errorf("the build must take ARG %s and use it in go build: %s", a, build)
		}
	}
	if len(cmd) != 1 || cmd[0] != `["serve"]` {
		t.Errorf(`the image must run serve (CMD ["serve"]), got %v`, cmd)
	}
}

// TestComposeServes: compose runs serve.
func TestComposeServes(t *testing.T) {
	var c composeFile
	b, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if got := c.Services["alsbot"].Command; !slices.Equal(got, []string{"serve"}) {
		t.Errorf("the compose bot runs %v, want [serve]", got)
	}
}

// kustomize renders deployments/kubernetes as `kubectl kustomize` would for
// this plain kustomization: every listed resource, parsed, by kind.
func kustomize(t *testing.T) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("kubernetes", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		Resources []string       `yaml:"resources"`
		Rest      map[string]any `yaml:",inline"`
	}
	if err := yaml.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	for key := range k.Rest {
		if key != "apiVersion" && key != "kind" {
			t.Fatalf("kustomization.yaml uses %s, which this rendering does not do", key)
		}
	}
	out := map[string]map[string]any{}
	for _, r := range k.Resources {
		for kind, doc := range readObjects(t, filepath.Join("kubernetes", r)) {
			if _, dup := out[kind]; dup {
				t.Fatalf("two %s resources", kind)
			}
			out[kind] = doc
		}
	}
	return out
}

func readObjects(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("%s: %v", path, err)
		}
		kind, _ := doc["kind"].(string)
		if kind == "" || doc["apiVersion"] == nil {
			t.Fatalf("%s: a document without kind or apiVersion", path)
		}
		out[kind] = doc
	}
	return out
}

// dig walks nested maps and lists: dig(doc, "spec", "rules", 0, "host").
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestKustomization(t *testing.T) {
	objs := kustomize(t)
	for _, kind := range []string{"Deployment", "Service", "ConfigMap", "PodDisruptionBudget"} {
		if objs[kind] == nil {
			t.Errorf("the kustomization renders no %s", kind)
		}
	}
	// Applying the kustomization must not blank a Secret made with kubectl.
	if objs["Secret"] != nil {
		t.Error("the kustomization renders a Secret: `kubectl apply -k` would overwrite the one made with kubectl create secret")
	}
	dep := objs["Deployment"]
	podLabels, _ := dig(dep, "spec", "template", "metadata", "labels").(map[string]any)
	c := dig(dep, "spec", "template", "spec", "containers", 0)
	if args, _ := dig(c, "args").([]any); len(args) != 1 || args[0] != "serve" {
		t.Errorf("the container args are %v, want [serve]", dig(c, "args"))
	}
	spreads, _ := dig(dep, "spec", "template", "spec", "topologySpreadConstraints").([]any)
	hostSpread := false
	for _, s := range spreads {
		sel, _ := dig(s, "labelSelector", "matchLabels").(map[string]any)
		matches := len(sel) > 0
		for k, v := range sel {
			if podLabels[k] != v {
				matches = false
			}
		}
		if dig(s, "topologyKey") == "kubernetes.io/hostname" && dig(s, "whenUnsatisfiable") == "DoNotSchedule" && matches {
			hostSpread = true
		}
	}
	if !hostSpread {
		t.Errorf("want a topologySpreadConstraint over kubernetes.io/hostname selecting the pods, got %v", spreads)
	}
	if uri := dig(objs["ConfigMap"], "data", "ALSBOT_PUBLIC_URL"); uri != nil {
		if s, _ := uri.(string); s != "" && !strings.HasPrefix(s, "https://") {
			t.Errorf("ALSBOT_PUBLIC_URL %q must be https", s)
		}
	}
}

// TestIngressAndServiceMonitor: the optional examples parse, select the
// Service and its port, and route only paths the bot serves, with TLS.
func TestIngressAndServiceMonitor(t *testing.T) {
	svc := kustomize(t)["Service"]
	svcLabels, _ := dig(svc, "metadata", "labels").(map[string]any)
	var svcPorts []any
	ports, _ := dig(svc, "spec", "ports").([]any)
	for _, p := range ports {
		svcPorts = append(svcPorts, dig(p, "name"))
	}
	paths := servedPaths(t)

	ing := readObjects(t, filepath.Join("kubernetes", "ingress.yaml"))["Ingress"]
	if ing == nil {
		t.Fatal("ingress.yaml has no Ingress")
	}
	host, _ := dig(ing, "spec", "rules", 0, "host").(string)
	tlsHosts, _ := dig(ing, "spec", "tls", 0, "hosts").([]any)
	if host == "" || !slices.Contains(tlsHosts, any(host)) || dig(ing, "spec", "tls", 0, "secretName") == nil {
		t.Errorf("the Ingress must serve its host %q with TLS, got tls %v", host, dig(ing, "spec", "tls"))
	}
	rules, _ := dig(ing, "spec", "rules", 0, "http", "paths").([]any)
	var routed []string
	for _, r := range rules {
		p, _ := dig(r, "path").(string)
		routed = append(routed, p)
		if dig(r, "backend", "service", "name") != dig(svc, "metadata", "name") || !slices.Contains(svcPorts, dig(r, "backend", "service", "port", "name")) {
			t.Errorf("Ingress path %s does not point at the Service's port", p)
		}
		served := slices.ContainsFunc(paths, func(s string) bool { return s == p || strings.HasPrefix(s, p) || strings.HasPrefix(p, s+"/") })
		if !served {
			t.Errorf("Ingress path %s is not served by the bot (%v)", p, paths)
		}
		for _, private := range []string{"/metrics", "/healthz", "/readyz"} {
			if strings.HasPrefix(private, p) {
				t.Errorf("Ingress path %s exposes %s", p, private)
			}
		}
	}
	for _, want := range []string{"/api/messages", "/slack/", "/calendar/", "/privacy", "/terms"} {
		if !slices.Contains(routed, want) {
			t.Errorf("the Ingress does not route %s", want)
		}
	}

	sm := readObjects(t, filepath.Join("kubernetes", "servicemonitor.yaml"))["ServiceMonitor"]
	if sm == nil || dig(sm, "apiVersion") != "monitoring.coreos.com/v1" {
		t.Fatal("servicemonitor.yaml has no monitoring.coreos.com/v1 ServiceMonitor")
	}
	sel, _ := dig(sm, "spec", "selector", "matchLabels").(map[string]any)
	for k, v := range sel {
		if svcLabels[k] != v {
			t.Errorf("the ServiceMonitor selects %s=%v, which the Service does not carry", k, v)
		}
	}
	if len(sel) == 0 || !slices.Contains(svcPorts, dig(sm, "spec", "endpoints", 0, "port")) || dig(sm, "spec", "endpoints", 0, "path") != "/metrics" || !slices.Contains(paths, "/metrics") {
		t.Errorf("the ServiceMonitor must scrape /metrics on a named Service port, got %v", dig(sm, "spec", "endpoints"))
	}
}

// TestReleaseFiles: the licence and changelog a release needs.
func TestReleaseFiles(t *testing.T) {
	lic, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil || !bytes.Contains(lic, []byte("Apache License")) || !bytes.Contains(lic, []byte("Version 2.0, January 2004")) || !bytes.Contains(lic, []byte("END OF TERMS AND CONDITIONS")) {
		t.Errorf("LICENSE must be the full Apache License 2.0 text (%v)", err)
	}
	cl, err := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
	if err != nil || !regexp.MustCompile(`(?m)^## \[?v?0\.\d+\.\d+`).Match(cl) {
		t.Errorf("CHANGELOG.md must have a section per version (## v0.x.y): %v", err)
	}
}
