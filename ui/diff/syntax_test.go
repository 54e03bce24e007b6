package diff

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/themes"
)

// kindAt is the token kind covering byte i.
func kindAt(toks []token, i int) chroma.TokenType {
	for _, t := range toks {
		if i < t.end {
			return t.kind
		}
	}
	return chroma.EOFType
}

func TestLineTokensGo(t *testing.T) {
	h := newHighlighter()
	text := `	x := "hi" + 42 // note`
	l := &versions.Line{Kind: '+', Text: text}
	toks := h.lineTokens("cmd/main.go", l, text)
	if toks == nil {
		t.Fatal("no tokens for a .go file")
	}
	if last := toks[len(toks)-1].end; last != len(text) {
		t.Fatalf("tokens end at %d, text is %d bytes", last, len(text))
	}
	for _, c := range []struct {
		at   string
		want chroma.TokenType
	}{{`"hi"`, chroma.LiteralString}, {"42", chroma.LiteralNumberInteger}, {"// note", chroma.CommentSingle}} {
		i := strings.Index(text, c.at)
		if got := kindAt(toks, i); !got.InSubCategory(c.want) && got != c.want {
			t.Errorf("%q at %d: kind %v, want %v", c.at, i, got, c.want)
		}
	}
	if h.lineTokens("data/blob.unknownext", &versions.Line{Text: "x"}, "x") != nil {
		t.Error("a file no lexer knows got tokens")
	}
	long := strings.Repeat("a", maxTokenised+1)
	if h.lineTokens("a.go", &versions.Line{Text: long}, long) != nil {
		t.Error("a line over the tokenising bound got tokens")
	}
}

// TestLineTextKeepsText draws lines with random word spans over syntax tokens: whatever the
// boundaries, the text without escapes is the gutter, the sign, the cleaned text and the tint's
// padding — nothing lost, doubled or reordered.
func TestLineTextKeepsText(t *testing.T) {
	d := &versions.VersionDiff{Files: []versions.FileChange{{Path: "train.py"}}}
	v := newViewer(d)
	rnd := rand.New(rand.NewPCG(1, 2))
	lines := []string{`def f(x): return x * 2  # double`, "\tif lr > 0.1:\x07 print('big', lr)", `s = "ünï" + 'cödé'`}
	for _, name := range []string{"dark", "light", "mono"} {
		pal, _ := themes.ByName(name)
		st := themes.New(pal)
		for i := 0; i < 300; i++ {
			text := lines[i%len(lines)]
			var spans []versions.Span
			for at := 0; at < len(text); {
				s := at + rnd.IntN(6)
				e := s + 1 + rnd.IntN(5)
				if e > len(text) {
					break
				}
				spans = append(spans, versions.Span{Start: s, End: e})
				at = e + rnd.IntN(3)
			}
			kind := []byte{'+', '-', ' '}[i%3]
			l := &versions.Line{Kind: kind, Old: 3, New: 4, Text: text}
			const w = 90
			got := sgr.ReplaceAllString(v.lineText(&st, 0, l, spans, w, true, 0), "")
			want := "   3    4 " + map[byte]string{'+': "+", '-': "-", ' ': " "}[kind] + clean(text)
			if !strings.HasPrefix(got, want) || strings.TrimRight(got[len(want):], " ") != "" {
				t.Fatalf("%s: drawn %q, want %q", name, got, want)
			}
		}
	}
	dark := themes.New(themes.Dark())
	out := v.lineText(&dark, 0, &versions.Line{Kind: '+', New: 1, Text: "def f(): pass"}, nil, 60, true, 0)
	if !strings.Contains(out, "48;5;22") || !strings.Contains(out, "38;5;176") {
		t.Errorf("an added Python line should have the added tint (48;5;22) and the keyword colour (38;5;176): %q", out)
	}
	mono := themes.New(themes.Mono())
	if out := v.lineText(&mono, 0, &versions.Line{Kind: '+', New: 1, Text: "def f(): pass"}, nil, 60, true, 0); strings.Contains(out, "38;5") || strings.Contains(out, "48;5") {
		t.Errorf("mono drew colour: %q", out)
	}
}
