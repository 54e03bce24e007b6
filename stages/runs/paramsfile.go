package runs

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/mlwb/mlwb/stages/project"
)

// maxParamsFile bounds a params file: it is configuration, not data.
const maxParamsFile = 1 << 20

// readParamsFile flattens a params.yaml-style file into dotted keys (optimizer.lr = 0.01), so a run
// records the hyper-parameters its code reads from the file as well as those given on the command.
func readParamsFile(root, rel string) (map[string]string, error) {
	path := rel
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, rel)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("params file: %w", err)
	}
	if st.Size() > maxParamsFile {
		return nil, fmt.Errorf("params file %s: %d bytes, more than the 1 MiB a params file may have", path, st.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("params file: %w", err)
	}
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("params file %s: %w", path, err)
	}
	out := map[string]string{}
	flatten(out, "", doc)
	return out, nil
}

func flatten(out map[string]string, prefix string, v any) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			flatten(out, join(k), v[k])
		}
	case []any:
		for i, e := range v {
			flatten(out, join(fmt.Sprint(i)), e)
		}
	case nil:
		if prefix != "" {
			out[prefix] = ""
		}
	default:
		if prefix != "" {
			out[prefix] = project.FormatParam(v)
		}
	}
}
