package config

import (
	"reflect"
	"strings"
)

// leaf is one configurable key inside a section, derived from a struct
// field's mapstructure tag.
type leaf struct {
	name   string // mapstructure tag
	index  int    // field index within the section struct
	typ    reflect.Type
	checks string // raw check:"" tag
	path   bool   // config:"path"
	secret bool   // config:"secret"
}

// section is a top-level block: either fixed (api { ... }) or labeled and
// repeatable (model "NAME" { ... }).
type section struct {
	name    string
	index   int // field index within Config
	labeled bool
	elem    reflect.Type // section struct type (map value type when labeled)
	leaves  []leaf
}

func (s *section) leaf(name string) (leaf, bool) {
	for _, l := range s.leaves {
		if l.name == name {
			return l, true
		}
	}
	return leaf{}, false
}

func (s *section) leafNames() []string {
	out := make([]string, len(s.leaves))
	for i, l := range s.leaves {
		out[i] = l.name
	}
	return out
}

// schema is computed once from Config.
var schema = buildSchema(reflect.TypeFor[Config]())

func buildSchema(t reflect.Type) []*section {
	var out []*section
	for i := range t.NumField() {
		f := t.Field(i)
		name := tagName(f)
		if name == "" {
			continue
		}
		s := &section{name: name, index: i, elem: f.Type}
		if f.Type.Kind() == reflect.Map {
			s.labeled, s.elem = true, f.Type.Elem()
		}
		for j := range s.elem.NumField() {
			lf := s.elem.Field(j)
			ln := tagName(lf)
			if ln == "" {
				continue
			}
			opts := lf.Tag.Get("config")
			s.leaves = append(s.leaves, leaf{
				name: ln, index: j, typ: lf.Type, checks: lf.Tag.Get("check"),
				path: hasOpt(opts, "path"), secret: hasOpt(opts, "secret"),
			})
		}
		out = append(out, s)
	}
	return out
}

func tagName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
	if name == "-" {
		return ""
	}
	return name
}

func hasOpt(tag, opt string) bool {
	for _, o := range strings.Split(tag, ",") {
		if strings.TrimSpace(o) == opt {
			return true
		}
	}
	return false
}

func findSection(name string) (*section, bool) {
	for _, s := range schema {
		if s.name == name {
			return s, true
		}
	}
	return nil, false
}

func sectionNames() []string {
	out := make([]string, len(schema))
	for i, s := range schema {
		out[i] = s.name
	}
	return out
}

// EnvVar is the environment variable that overrides key ("api.listen" ->
// "FABNODE_API_LISTEN"). Only keys of fixed sections have one.
func EnvVar(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

const envPrefix = "FABNODE_"

// Keys lists every key settable through env and flags ("api.listen", ...),
// in schema order. Labeled blocks (model, plugin) are file-only.
func Keys() []string {
	var out []string
	for _, s := range schema {
		if s.labeled {
			continue
		}
		for _, l := range s.leaves {
			out = append(out, s.name+"."+l.name)
		}
	}
	return out
}
