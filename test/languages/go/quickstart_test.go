package quickstart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The quickstart from Go synthesizes the YAML the TypeScript quickstart does, byte for byte.
func TestQuickstartEqualsTheTypeScriptOne(t *testing.T) {
	outdir := t.TempDir()
	Synth(outdir)
	got, err := os.ReadFile(filepath.Join(outdir, "bookinfo.k8s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(os.Getenv("TS_QUICKSTART_YAML"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("the Go quickstart differs from the TypeScript one:\n--- go\n%s\n--- typescript\n%s", got, want)
	}
	for _, fact := range []string{"weight: 90", "regex: .*iPhone.*", "timeout: 0.8s", "weight: 80"} {
		if !strings.Contains(string(got), fact) {
			t.Errorf("the quickstart lacks %q", fact)
		}
	}
}
