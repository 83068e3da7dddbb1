// Package deployments holds the deployment artifacts (Dockerfile at the
// module root, compose, Kubernetes) and the tests that check them against
// the code: Docker and a cluster are not available in CI, so the files are
// parsed and compared with what the binary really reads and serves.
package deployments

import (
	"bufio"
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

const root = ".." // the module root, from this package's directory

// envVars returns the environment variables the binary reads, found in the
// non-test sources of cmd/alsbot and of every other package that calls
// os.Getenv with a literal name, so that a variable read but not documented
// fails the tests below.
func envVars(t *testing.T) []string {
	t.Helper()
	rx := regexp.MustCompile(`\b(?:get|getenv|Getenv|LookupEnv)\("([A-Z][A-Z0-9_]+)"`)
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "data") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range rx.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	// The list cannot be trivially short: DESIGN.md section 5 names these.
	for _, want := range []string{"MONGODB_URI", "ALSBOT_ADDR", "SLACK_BOT_TOKEN", "MICROSOFT_APP_ID", "ALSBOT_LOG_FORMAT"} {
		if !seen[want] {
			t.Fatalf("the scan of the sources found %v, not %s: has config.go changed its reading?", names, want)
		}
	}
	return names
}

// endpoints are the GET paths the served binary registers.
func endpoints(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, "cmd", "alsbot", "server.go"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("GET (/[a-z]+)"`).FindAllStringSubmatch(string(src), -1) {
		paths = append(paths, m[1])
	}
	for _, want := range []string{"/healthz", "/readyz", "/metrics"} {
		if !slices.Contains(paths, want) {
			t.Fatalf("server.go registers %v, not %s", paths, want)
		}
	}
	return paths
}

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	cmd  string // upper case
	args string
}

func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.Join(strings.Fields(args), " ")})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// pinned reports whether an image reference names a fixed version: a digest,
// or a tag that is not latest.
func pinned(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	slash := strings.LastIndex(image, "/")
	colon := strings.LastIndex(image, ":")
	if colon <= slash {
		return false // no tag: latest
	}
	tag := image[colon+1:]
	return tag != "" && tag != "latest" && !strings.Contains(tag, "$")
}

func TestPinned(t *testing.T) {
	tests := []struct {
		image string
		want  bool
	}{
		{"mongo:8.0.12", true},
		{"mongo", false},
		{"mongo:latest", false},
		{"localhost:5000/alsbot", false},
		{"localhost:5000/alsbot:v1", true},
		{"gcr.io/distroless/static-debian12@sha256:abc", true},
		{"alsbot:${TAG}", false},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			if got := pinned(tt.image); got != tt.want {
				t.Fatalf("pinned(%q) = %v, want %v", tt.image, got, tt.want)
			}
		})
	}
}

// fromImage is the image a FROM names, after its flags (--platform=...).
func fromImage(from string) string {
	for _, f := range strings.Fields(from) {
		if !strings.HasPrefix(f, "--") {
			return f
		}
	}
	return ""
}

// goBuildLine is the Dockerfile's RUN that builds the binary.
func goBuildLine(t *testing.T, ins []instruction) string {
	t.Helper()
	for _, in := range ins {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			return in.args
		}
	}
	t.Fatal("the Dockerfile has no RUN ... go build")
	return ""
}

func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, filepath.Join(root, "Dockerfile"))
	var froms []string
	var last []instruction // the final stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			froms = append(froms, in.args)
			last = nil
		}
		last = append(last, in)
	}
	find := func(cmd string) []string {
		var args []string
		for _, in := range last {
			if in.cmd == cmd {
				args = append(args, in.args)
			}
		}
		return args
	}
	build := goBuildLine(t, ins)

	checks := []struct {
		name string
		ok   bool
		why  string
	}{
		{"multi-stage", len(froms) >= 2, "want a build stage and a run stage, got FROM " + strings.Join(froms, " | ")},
		{"static build", strings.Contains(build, "CGO_ENABLED=0"), "the go build line must set CGO_ENABLED=0: " + build},
		{"builds cmd/alsbot", strings.HasSuffix(build, "./cmd/alsbot"), "the go build line must build ./cmd/alsbot: " + build},
		{"stamps version", strings.Contains(build, "-X main.version=") && strings.Contains(build, "-X main.commit="), "the go build line must stamp main.version and main.commit: " + build},
		{"non-root user", len(find("USER")) == 1 && !slices.Contains([]string{"root", "0", "0:0", "root:root"}, find("USER")[0]), "the final stage must set USER to a non-root user, got " + strings.Join(find("USER"), ",")},
		{"exposes 3000", slices.Contains(find("EXPOSE"), "3000"), "the final stage must EXPOSE 3000"},
		{"healthcheck", len(find("HEALTHCHECK")) == 1 && strings.Contains(find("HEALTHCHECK")[0], `"healthcheck"]`), "the final stage must have HEALTHCHECK ... alsbot healthcheck"},
		{"entrypoint", len(find("ENTRYPOINT")) == 1 && strings.Contains(find("ENTRYPOINT")[0], "alsbot"), "the final stage must run alsbot"},
	}
	for _, from := range froms {
		image := fromImage(from)
		checks = append(checks, struct {
			name string
			ok   bool
			why  string
		}{"pinned " + image, pinned(image), "base image " + image + " must have a fixed tag, not latest"})
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Fatal(c.why)
			}
		})
	}
}

// TestDockerBuildCommand runs the Dockerfile's own go build line (Docker
// itself is not available here) and checks the result is a static binary
// that reports the stamped version.
func TestDockerBuildCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	line := goBuildLine(t, parseDockerfile(t, filepath.Join(root, "Dockerfile")))
	out := filepath.Join(t.TempDir(), "alsbot")
	line = strings.Replace(line, "/out/alsbot", out, 1)
	if !strings.Contains(line, out) {
		t.Fatalf("the go build line does not write /out/alsbot: %s", line)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run the build line")
	}
	cmd := exec.Command(sh, "-c", line)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION=v9.8.7-test", "COMMIT=0123abcd")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, b)
	}

	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary has a program interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("the binary needs shared libraries %v", libs)
	}

	var stdout bytes.Buffer
	v := exec.Command(out, "version")
	v.Stdout = &stdout
	v.Env = []string{}
	if err := v.Run(); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); !strings.Contains(got, "v9.8.7-test") || !strings.Contains(got, "0123abcd") {
		t.Fatalf("alsbot version = %q, want the stamped version and commit", got)
	}
}

// composeFile is the part of docker-compose.yml the tests read.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		EnvFile     any               `yaml:"env_file"`
		Environment map[string]string `yaml:"environment"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Volumes     []string `yaml:"volumes"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		StopGracePeriod string   `yaml:"stop_grace_period"`
		Ports           []string `yaml:"ports"`
		Build           any      `yaml:"build"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// dotenv reads the names an .env file sets.
func dotenv(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q is not NAME=value", path, line)
		}
		names[name] = true
	}
	return names
}

func TestCompose(t *testing.T) {
	b, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	bot, mongo := c.Services["alsbot"], c.Services["mongo"]
	env := dotenv(t, ".env.example")
	grace, _ := time.ParseDuration(bot.StopGracePeriod)
	health := strings.Join(mongo.Healthcheck.Test, " ")

	checks := []struct {
		name string
		ok   bool
		why  string
	}{
		{"mongo official image pinned", strings.HasPrefix(mongo.Image, "mongo:") && pinned(mongo.Image), "want the official mongo image with a fixed tag, got " + mongo.Image},
		{"bot image pinned", pinned(bot.Image), "the bot's image needs a tag, got " + bot.Image},
		{"bot built from the Dockerfile", bot.Build != nil, "the bot service must build the image"},
		{"replica set", slices.Contains(mongo.Command, "--replSet"), "mongo must run as a replica set (retryable writes)"},
		{"replica set initiated", strings.Contains(health, "rs.initiate("), "the mongo healthcheck must initiate the replica set on first start"},
		{"named volume", slices.ContainsFunc(mongo.Volumes, func(v string) bool { _, ok := c.Volumes[strings.Split(v, ":")[0]]; return ok }), "mongo's data must be on a named volume"},
		{"waits for mongo", bot.DependsOn["mongo"].Condition == "service_healthy", "the bot must start once mongo is healthy"},
		{"env from .env", bot.EnvFile == ".env" || slices.Contains(toStrings(bot.EnvFile), ".env"), "the bot must read .env"},
		{"uses the compose mongo", strings.Contains(bot.Environment["MONGODB_URI"], "mongo:27017") && strings.Contains(bot.Environment["MONGODB_URI"], "replicaSet=rs0"), "MONGODB_URI must name the compose mongo and its replica set"},
		{"port 3000", slices.Contains(bot.Ports, "3000:3000"), "the bot's port 3000 must be published"},
		{"stop grace", grace >= 20*time.Second, "stop_grace_period must give the bot's 20 s shutdown room, got " + bot.StopGracePeriod},
	}
	for _, name := range envVars(t) {
		checks = append(checks, struct {
			name string
			ok   bool
			why  string
		}{".env.example lists " + name, env[name], name + " is read by the bot but not listed in .env.example"})
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Fatal(c.why)
			}
		})
	}
}

func toStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// k8sObject is the part of a manifest the tests read.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Replicas     *int `yaml:"replicas"`
		MinAvailable any  `yaml:"minAvailable"`
		Selector     struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		ServiceSelector map[string]string `yaml:"-"`
		Ports           []struct {
			TargetPort any `yaml:"targetPort"`
		} `yaml:"ports"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
				SecurityContext               struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
				} `yaml:"securityContext"`
				Containers []k8sContainer `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
	raw map[string]any
}

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

type k8sContainer struct {
	Image string `yaml:"image"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		ValueFrom struct {
			SecretKeyRef *struct {
				Name     string `yaml:"name"`
				Key      string `yaml:"key"`
				Optional *bool  `yaml:"optional"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
		SecretRef    *struct{ Name string } `yaml:"secretRef"`
	} `yaml:"envFrom"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	StartupProbe   *k8sProbe `yaml:"startupProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
	} `yaml:"resources"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
		RunAsNonRoot             bool  `yaml:"runAsNonRoot"`
	} `yaml:"securityContext"`
}

// loadKubernetes parses every manifest in deployments/kubernetes, by kind.
func loadKubernetes(t *testing.T) map[string]k8sObject {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	objs := map[string]k8sObject{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var node yaml.Node
			if err := dec.Decode(&node); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				t.Fatalf("%s: %v", f, err)
			}
			var o k8sObject
			if err := node.Decode(&o); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if err := node.Decode(&o.raw); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.Kind == "" {
				t.Fatalf("%s: a document without kind", f)
			}
			if o.Kind == "Service" {
				sel, _ := o.raw["spec"].(map[string]any)["selector"].(map[string]any)
				o.Spec.ServiceSelector = map[string]string{}
				for k, v := range sel {
					o.Spec.ServiceSelector[k], _ = v.(string)
				}
			}
			objs[o.Kind] = o
		}
	}
	return objs
}

func TestKubernetes(t *testing.T) {
	objs := loadKubernetes(t)
	for _, kind := range []string{"Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "Kustomization"} {
		if _, ok := objs[kind]; !ok {
			t.Fatalf("no %s in deployments/kubernetes", kind)
		}
	}
	dep, svc, pdb := objs["Deployment"], objs["Service"], objs["PodDisruptionBudget"]
	pod := dep.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	paths := endpoints(t)
	probePort := func(p *k8sProbe) bool {
		switch port := p.HTTPGet.Port.(type) {
		case int:
			return port == 3000
		case string:
			return len(c.Ports) == 1 && c.Ports[0].Name == port && c.Ports[0].ContainerPort == 3000
		}
		return false
	}
	labelsMatch := func(sel map[string]string) bool {
		if len(sel) == 0 {
			return false
		}
		for k, v := range sel {
			if dep.Spec.Template.Metadata.Labels[k] != v {
				return false
			}
		}
		return true
	}
	keys := map[string]bool{}
	for k := range objs["ConfigMap"].Data {
		keys[k] = true
	}
	for k := range objs["Secret"].StringData {
		keys[k] = true
	}
	uriRequired := false
	for _, e := range c.Env {
		if r := e.ValueFrom.SecretKeyRef; e.Name == "MONGODB_URI" && r != nil && r.Optional != nil && !*r.Optional {
			uriRequired = true
		}
	}
	envFrom := map[string]bool{}
	for _, e := range c.EnvFrom {
		if e.ConfigMapRef != nil {
			envFrom["ConfigMap/"+e.ConfigMapRef.Name] = true
		}
		if e.SecretRef != nil {
			envFrom["Secret/"+e.SecretRef.Name] = true
		}
	}

	checks := []struct {
		name string
		ok   bool
		why  string
	}{
		{"two replicas", dep.Spec.Replicas != nil && *dep.Spec.Replicas == 2, "the Deployment must run 2 replicas"},
		{"image pinned", pinned(c.Image), "the image must have a fixed tag, got " + c.Image},
		{"liveness /healthz", c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path == "/healthz" && slices.Contains(paths, "/healthz") && probePort(c.LivenessProbe), "liveness must GET /healthz on port 3000"},
		{"readiness /readyz", c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet.Path == "/readyz" && slices.Contains(paths, "/readyz") && probePort(c.ReadinessProbe), "readiness must GET /readyz on port 3000"},
		{"startup probe real", c.StartupProbe == nil || slices.Contains(paths, c.StartupProbe.HTTPGet.Path) && probePort(c.StartupProbe), "the startup probe must GET a served path on port 3000"},
		{"resource requests", c.Resources.Requests["cpu"] != "" && c.Resources.Requests["memory"] != "", "the container must request cpu and memory"},
		{"non-root", pod.SecurityContext.RunAsNonRoot || c.SecurityContext.RunAsNonRoot, "runAsNonRoot must be set"},
		{"read-only root", c.SecurityContext.ReadOnlyRootFilesystem, "readOnlyRootFilesystem must be true"},
		{"no privilege escalation", c.SecurityContext.AllowPrivilegeEscalation != nil && !*c.SecurityContext.AllowPrivilegeEscalation, "allowPrivilegeEscalation must be false"},
		{"grace above 20 s", pod.TerminationGracePeriodSeconds > 20, "terminationGracePeriodSeconds must exceed the bot's 20 s shutdown"},
		{"MONGODB_URI required", uriRequired, "MONGODB_URI must come from the Secret with optional: false (the embedded store is not for Kubernetes)"},
		{"env from ConfigMap and Secret", envFrom["ConfigMap/"+objs["ConfigMap"].Metadata.Name] && envFrom["Secret/"+objs["Secret"].Metadata.Name], "the container must take its env from the ConfigMap and the Secret"},
		{"service selects the pods", labelsMatch(svc.Spec.ServiceSelector), "the Service selector must match the pod labels"},
		{"service targets the port", len(svc.Spec.Ports) > 0 && (svc.Spec.Ports[0].TargetPort == "http" || svc.Spec.Ports[0].TargetPort == 3000), "the Service must target the container's port"},
		{"pdb selects the pods", labelsMatch(pdb.Spec.Selector.MatchLabels) && pdb.Spec.MinAvailable != nil, "the PodDisruptionBudget must select the pods with minAvailable"},
		{"deployment selects the pods", labelsMatch(dep.Spec.Selector.MatchLabels), "the Deployment selector must match its template"},
	}
	for _, name := range envVars(t) {
		checks = append(checks, struct {
			name string
			ok   bool
			why  string
		}{"configured " + name, keys[name], name + " is read by the bot but is in neither the ConfigMap nor the Secret"})
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Fatal(c.why)
			}
		})
	}
	// Secrets stay out of the ConfigMap.
	for k := range objs["ConfigMap"].Data {
		if strings.Contains(k, "TOKEN") && k != "TEAMS_TOKEN_URL" || strings.Contains(k, "SECRET") || strings.Contains(k, "PASSWORD") || k == "MONGODB_URI" {
			t.Errorf("%s belongs in the Secret, not the ConfigMap", k)
		}
	}
}

// TestConfigurationReference checks the configuration reference (in
// docs/configuration.md since the README was split) against the code:
// every variable the bot reads is documented there, and everything
// documented there is read.
func TestConfigurationReference(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Configuration reference\n")
	if !ok {
		t.Fatal(`docs/configuration.md has no "## Configuration reference" section`)
	}
	if i := strings.Index(section, "\n## "); i >= 0 {
		section = section[:i]
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(section, -1) {
		documented[m[1]] = true
	}
	read := envVars(t)
	for _, name := range read {
		t.Run(name, func(t *testing.T) {
			if !documented[name] {
				t.Fatalf("%s is read by the bot but has no row in docs/configuration.md's configuration reference", name)
			}
		})
	}
	for name := range documented {
		if !slices.Contains(read, name) {
			t.Errorf("docs/configuration.md's configuration reference documents %s, which the bot does not read", name)
		}
	}
	// .env.example documents no more than the bot reads either.
	for name := range dotenv(t, ".env.example") {
		if !slices.Contains(read, name) {
			t.Errorf(".env.example lists %s, which the bot does not read", name)
		}
	}
}
