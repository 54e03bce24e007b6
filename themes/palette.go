// Package themes holds mlwb's semantic colour palettes and the one Styles struct the TUI draws with.
//
// Pages never name a colour: they ask for a role (accent, muted, good, bad…). A palette maps roles
// to ANSI-256 colours, which every 256-colour terminal and tmux shows the same, and which Bubble
// Tea downsamples for 16-colour terminals. The mono palette uses no colour at all (NO_COLOR), only
// bold, underline and reverse.
package themes

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Palette maps semantic roles to colours. A nil colour means "the terminal's default".
type Palette struct {
	Name      string
	Text      color.Color // body text
	Muted     color.Color // secondary text: labels, hints, units
	Accent    color.Color // active tab, focused border, keys in help
	AccentFg  color.Color // text drawn on Accent
	Border    color.Color // inactive borders and rules
	Selection color.Color // background of the selected row
	Good      color.Color // finished, improvement
	Bad       color.Color // failed, regression
	Warn      color.Color // lost, killed, dirty tree
	Info      color.Color // running
	Series    []color.Color
	// Syntax colours code in diffs; DiffAdd and DiffDel tint the background of added and deleted
	// lines under it, so the syntax colour and the change both show.
	Syntax           Syntax
	DiffAdd, DiffDel color.Color
	// Mono draws emphasis with attributes instead of colour.
	Mono bool
}

// Syntax is the colour of each kind of code token.
type Syntax struct {
	Keyword, String, Number, Comment, Function, Type, Operator color.Color
}

func c(s string) color.Color { return lipgloss.Color(s) }

// Dark is for dark terminal backgrounds (the default).
func Dark() Palette {
	return Palette{Name: "dark", Text: c("252"), Muted: c("245"), Accent: c("75"), AccentFg: c("16"),
		Border: c("240"), Selection: c("237"), Good: c("78"), Bad: c("203"), Warn: c("214"), Info: c("117"),
		Series: []color.Color{c("75"), c("214"), c("78"), c("176"), c("203"), c("117"), c("229"), c("250")},
		Syntax: Syntax{Keyword: c("176"), String: c("150"), Number: c("215"), Comment: c("244"), Function: c("75"),
			Type: c("117"), Operator: c("250")},
		DiffAdd: c("22"), DiffDel: c("52")}
}

// Light is for light terminal backgrounds.
func Light() Palette {
	return Palette{Name: "light", Text: c("235"), Muted: c("242"), Accent: c("25"), AccentFg: c("231"),
		Border: c("249"), Selection: c("254"), Good: c("28"), Bad: c("160"), Warn: c("130"), Info: c("31"),
		Series: []color.Color{c("25"), c("166"), c("28"), c("90"), c("160"), c("31"), c("94"), c("240")},
		Syntax: Syntax{Keyword: c("90"), String: c("28"), Number: c("130"), Comment: c("244"), Function: c("25"),
			Type: c("31"), Operator: c("238")},
		DiffAdd: c("194"), DiffDel: c("224")}
}

// HighContrast uses the brightest colours on the terminal's own background.
func HighContrast() Palette {
	return Palette{Name: "high-contrast", Text: c("15"), Muted: c("250"), Accent: c("11"), AccentFg: c("0"),
		Border: c("15"), Selection: c("19"), Good: c("10"), Bad: c("9"), Warn: c("11"), Info: c("14"),
		Series: []color.Color{c("11"), c("14"), c("10"), c("13"), c("9"), c("15")},
		Syntax: Syntax{Keyword: c("13"), String: c("10"), Number: c("11"), Comment: c("250"), Function: c("14"),
			Type: c("14"), Operator: c("15")},
		DiffAdd: c("22"), DiffDel: c("52")}
}

// Mono uses no colour: for NO_COLOR, --no-color and terminals without colour.
func Mono() Palette {
	return Palette{Name: "mono", Mono: true}
}

// Names lists the themes in the order the T key cycles through them.
var Names = []string{"dark", "light", "high-contrast", "mono"}

// ByName returns the palette of a theme name.
func ByName(name string) (Palette, error) {
	switch strings.ToLower(name) {
	case "dark", "":
		return Dark(), nil
	case "light":
		return Light(), nil
	case "high-contrast", "hc":
		return HighContrast(), nil
	case "mono", "none":
		return Mono(), nil
	}
	return Palette{}, fmt.Errorf("unknown theme %q (choose one of %s)", name, strings.Join(Names, ", "))
}

// Next returns the theme after name in Names, wrapping around.
func Next(name string) string {
	for i, n := range Names {
		if n == name {
			return Names[(i+1)%len(Names)]
		}
	}
	return Names[0]
}
