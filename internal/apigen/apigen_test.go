package apigen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"CreateAPIToken":  "create-api-token",
		"Me":              "me",
		"ListMembersOf":   "list-members-of",
		"RequestDocument": "request-document",
		"APIToken":        "api-token",
		"UserV2":          "user-v2",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGolden generates both sides for a small interface of every shape and compares them with
// the reviewed files in testdata (UPDATE_GOLDEN=1 rewrites them and fails the run).
func TestGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/api.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(src, "example.com/shop", "API")
	if err != nil {
		t.Fatal(err)
	}
	server, err := p.Server("server")
	if err != nil {
		t.Fatal(err)
	}
	client, err := p.Client("client", "Client")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"server.go.golden": server, "client.go.golden": client} {
		path := filepath.Join("testdata", name)
		if os.Getenv("UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Errorf("%s rewritten: review it, then run again without UPDATE_GOLDEN", path)
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the generator writes now:\n%s", path, got)
		}
	}
}

func TestRefusals(t *testing.T) {
	for name, decl := range map[string]string{
		"no context":        "A(id int64) error",
		"no error":          "A(ctx context.Context) int",
		"unnamed":           "A(context.Context, int64) error",
		"callback not last": "A(ctx context.Context, each func(int) error, id int64) error",
		"two readers":       "A(ctx context.Context, a io.Reader, b io.Reader) error",
		"reserved":          "A(ctx context.Context, wireIn int) error",
	} {
		src := "package p\nimport (\"context\"\n\"io\")\nvar _ io.Reader\ntype API interface{ " + decl + " }\n"
		if _, err := Parse([]byte(src), "p", "API"); err == nil {
			t.Errorf("%s: %s accepted", name, decl)
		} else if !strings.Contains(err.Error(), "A:") {
			t.Errorf("%s: error does not name the method: %v", name, err)
		}
	}
}

// TestGeneratedFilesAreUpToDate fails when internal/service/api.go changed and
// `go run ./cmd/genapi` was not run: the server and the client would not match it.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	root := filepath.Join("..", "..")
	files, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatalf("%v: run go run ./cmd/genapi", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what go run ./cmd/genapi writes from %s: run it", path, APIFile)
		}
	}
}
