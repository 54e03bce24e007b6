package project

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/live"
)

// TestParseAlerts: an alerts section is written over the defaults (keys left out keep theirs),
// and a project without one gets the defaults.
func TestParseAlerts(t *testing.T) {
	c, err := Parse("mlwb.yaml", []byte("name: a\nalerts:\n  stall_after: 90s\n  low_gpu_percent: 0\n  loss_keys: [loss, nll]\n  ended_badly: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := live.DefaultRules()
	want.StallAfter, want.LowGPUPercent, want.LossKeys, want.EndedBadly = 90*time.Second, 0, []string{"loss", "nll"}, false
	if got := c.Alerts; got.StallAfter != want.StallAfter || got.LowGPUPercent != 0 || strings.Join(got.LossKeys, ",") != "loss,nll" ||
		got.EndedBadly || got.MemoryPercent != want.MemoryPercent || got.LowGPUFor != want.LowGPUFor || got.HeartbeatStale != want.HeartbeatStale {
		t.Fatalf("alerts = %+v, want %+v", got, want)
	}
	for _, text := range []string{"name: a\n", "", "# only a comment\n"} {
		c, err := Parse("mlwb.yaml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if d := live.DefaultRules(); c.Alerts.StallAfter != d.StallAfter || c.Alerts.MemoryPercent != d.MemoryPercent || !c.Alerts.EndedBadly {
			t.Fatalf("%q: alerts %+v, want the defaults", text, c.Alerts)
		}
	}
}

// TestParseAlertsErrors: bad values in the alerts section are refused with file:line.
func TestParseAlertsErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"unknown key", "alerts:\n  stall_after: 1m\n  stal_after: 2m\n", 3, `unknown key "stal_after" in alerts (expected one of: loss_keys, stall_after,`},
		{"duration as a number", "name: a\nalerts:\n  stall_after: 10\n", 3, `alerts.stall_after: expected a duration such as 90s, 10m or 1h30m, got a number "10"`},
		{"duration in words", "alerts:\n  low_gpu_for: ten minutes\n", 2, `alerts.low_gpu_for: expected a duration such as 90s, 10m or 1h30m, got a string "ten min`},
		{"percent as a word", "alerts:\n  memory_percent: lots\n", 2, `alerts.memory_percent: expected a number, got a string "lots"`},
		{"percent over 100", "alerts:\n\n  memory_percent: 150\n", 3, "alerts.memory_percent must be a percentage from 0 to 100, not 150"},
		{"negative duration", "alerts:\n  heartbeat_stale: -5s\n", 2, "alerts.heartbeat_stale must not be negative, not -5s"},
		{"empty loss key", "alerts:\n  loss_keys:\n    - loss\n    - ''\n", 4, "alerts.loss_keys[1] is empty"},
		{"bool as a word", "alerts:\n  ended_badly: maybe\n", 2, `alerts.ended_badly: expected true or false, got a string "maybe"`},
		{"alerts not a mapping", "alerts: [a]\n", 1, "alerts: expected a mapping, got a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("mlwb.yaml", []byte(tt.text))
			if err == nil {
				t.Fatal("no error")
			}
			ce := asConfigError(t, err)
			if ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) {
				t.Fatalf("got %q (line %d); want line %d and %q", err, ce.Line, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "mlwb.yaml:"+strconv.Itoa(tt.line)+": ") {
				t.Fatalf("Error() = %q; want the path:line: prefix", err)
			}
		})
	}
}
