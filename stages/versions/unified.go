package versions

import (
	"fmt"
	"io"
	"strings"
)

// WriteUnified writes the diff as a unified patch in git's layout (headers, hunks, "\ No newline
// at end of file"), for reading and for tools that take a patch. Binary files are named, not shown.
func (d *CodeDiff) WriteUnified(w io.Writer) error {
	var b strings.Builder
	for i := range d.Files {
		f := &d.Files[i]
		b.Reset()
		writeFileHeader(&b, f)
		for _, h := range f.Hunks {
			fmt.Fprintf(&b, "@@ -%s +%s @@", rangeText(h.OldStart, h.OldLines), rangeText(h.NewStart, h.NewLines))
			if h.Section != "" {
				b.WriteString(" " + h.Section)
			}
			b.WriteByte('\n')
			for _, l := range h.Lines {
				b.WriteByte(l.Kind)
				b.WriteString(l.Text)
				b.WriteByte('\n')
				if l.NoEOL {
					b.WriteString("\\ No newline at end of file\n")
				}
			}
		}
		if f.Truncated {
			b.WriteString("… diff truncated: the file changed too much to show whole\n")
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// writeFileHeader writes the "diff --git" lines of one file.
func writeFileHeader(b *strings.Builder, f *FileChange) {
	oldPath := f.Path
	if f.OldPath != "" {
		oldPath = f.OldPath
	}
	fmt.Fprintf(b, "diff --git a/%s b/%s\n", oldPath, f.Path)
	switch f.Status {
	case "added":
		fmt.Fprintf(b, "new file mode %s\n", f.NewMode)
	case "deleted":
		fmt.Fprintf(b, "deleted file mode %s\n", f.OldMode)
	case "renamed":
		fmt.Fprintf(b, "rename from %s\nrename to %s\n", f.OldPath, f.Path)
	}
	if f.OldMode != "" && f.NewMode != "" && f.OldMode != f.NewMode {
		fmt.Fprintf(b, "old mode %s\nnew mode %s\n", f.OldMode, f.NewMode)
	}
	if f.Binary {
		fmt.Fprintf(b, "Binary files differ (%d → %d bytes)\n", f.OldSize, f.NewSize)
		return
	}
	if len(f.Hunks) == 0 {
		return
	}
	from, to := "a/"+oldPath, "b/"+f.Path
	if f.Status == "added" {
		from = "/dev/null"
	}
	if f.Status == "deleted" {
		to = "/dev/null"
	}
	fmt.Fprintf(b, "--- %s\n+++ %s\n", from, to)
}

// rangeText is a hunk range as git prints it: "start" when one line, else "start,count".
func rangeText(start, count int) string {
	if count == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}
