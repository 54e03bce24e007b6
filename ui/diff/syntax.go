package diff

import (
	"image/color"
	"path"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/themes"
)

// token is one run of a line's text with one syntax kind: it ends at byte end of the line.
type token struct {
	end  int
	kind chroma.TokenType
}

// highlighter colours diff lines with chroma's lexer for each file's name. A diff shows fragments
// of files, so lines are tokenised one at a time: a construct that spans lines (a block comment, a
// multi-line string) colours only the part on its own line. Only lines drawn are tokenised, once
// each (again when scrolled sideways to a longer prefix); the cost is bounded by what is on
// screen, not by the diff's size.
type highlighter struct {
	lexers map[string]chroma.Lexer // by path; nil where no lexer matches
	tokens map[*versions.Line]tokenCache
}

// tokenCache holds the tokens of the first n bytes of a line: a line scrolled sideways is drawn
// from a longer prefix than before, which is tokenised again.
type tokenCache struct {
	n    int
	toks []token
}

func newHighlighter() *highlighter {
	return &highlighter{lexers: map[string]chroma.Lexer{}, tokens: map[*versions.Line]tokenCache{}}
}

// maxTokenised bounds the text of a line given to a lexer: regular-expression lexers on a 1 MB
// minified line would stall a frame, and only the first screenful of it is drawn anyway.
const maxTokenised = 4096

// lineTokens returns the tokens of text (the drawn prefix of l) for the file at p, or nil when no
// lexer knows the file or the line is too long to be worth it.
func (h *highlighter) lineTokens(p string, l *versions.Line, text string) []token {
	if c, ok := h.tokens[l]; ok && c.n >= len(text) {
		return c.toks
	}
	if len(text) > maxTokenised {
		return nil // not cached: scrolled back, the shorter prefix gets its colours again
	}
	lex, ok := h.lexers[p]
	if !ok {
		lex = lexers.Match(path.Base(p))
		if lex != nil {
			lex = chroma.Coalesce(lex)
		}
		h.lexers[p] = lex
	}
	var toks []token
	if lex != nil {
		toks = tokenise(lex, text)
	}
	h.tokens[l] = tokenCache{n: len(text), toks: toks}
	return toks
}

// tokenise splits text into tokens; ends are clamped to the text (lexers may add a newline).
func tokenise(lex chroma.Lexer, text string) []token {
	it, err := lex.Tokenise(nil, text)
	if err != nil {
		return nil
	}
	var toks []token
	at := 0
	for t := it(); t != chroma.EOF; t = it() {
		at += len(t.Value)
		end := min(at, len(text))
		if n := len(toks); n > 0 && toks[n-1].kind == t.Type {
			toks[n-1].end = end
		} else if n == 0 || toks[n-1].end < end {
			toks = append(toks, token{end: end, kind: t.Type})
		}
		if at >= len(text) {
			break
		}
	}
	return toks
}

// syntaxColour is the theme's colour for a token kind; nil draws it in the text colour.
func syntaxColour(s themes.Syntax, t chroma.TokenType) color.Color {
	switch {
	case t.InCategory(chroma.Comment):
		return s.Comment
	case t == chroma.KeywordType || t == chroma.NameClass || t == chroma.NameBuiltin:
		return s.Type
	case t.InCategory(chroma.Keyword):
		return s.Keyword
	case t.InSubCategory(chroma.LiteralString):
		return s.String
	case t.InSubCategory(chroma.LiteralNumber):
		return s.Number
	case t == chroma.NameFunction || t == chroma.NameFunctionMagic || t == chroma.NameTag || t == chroma.NameAttribute:
		return s.Function // functions, and the keys of YAML, JSON and TOML
	case t.InCategory(chroma.Operator):
		return s.Operator
	}
	return nil
}
