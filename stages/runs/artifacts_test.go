package runs

import (
	"context"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// TestArtifactsRecordedAtTheEnd: files the command writes under MLWB_ARTIFACT_DIR are recorded
// with their size and SHA-256 (checked against sha256sum's value for "hello\n").
func TestArtifactsRecordedAtTheEnd(t *testing.T) {
	p, s := newProject(t)
	script := `mkdir -p "$MLWB_ARTIFACT_DIR/model" && printf 'hello\n' > "$MLWB_ARTIFACT_DIR/model/weights.bin" && ` +
		`: > "$MLWB_ARTIFACT_DIR/empty.txt" && ln -s /etc/passwd "$MLWB_ARTIFACT_DIR/link"`
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", script}})
	r = waitEnd(t, s, r.ID, 60*time.Second)
	if r.Status != store.StatusFinished {
		t.Fatalf("run %s %q", r.Status, r.Note)
	}
	as, err := s.Artifacts(context.Background(), r.ID, "") // recorded before the end is
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Artifact{}
	for _, a := range as {
		got[a.Path] = a
	}
	w := got["model/weights.bin"]
	if len(as) != 2 || w.Size != 6 || w.Hash != "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" ||
		got["empty.txt"].Hash != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("artifacts %+v", as)
	}
}
