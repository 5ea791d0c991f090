package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Load builds the effective configuration from, lowest to highest priority:
// Default(), the HCL file at path, FABNODE_<SECTION>_<KEY> environment
// variables, and the given command-line flags.
//
// path may be "" to run on defaults, env and flags only. flags maps a config
// key ("api.listen") to the flag that overrides it; a flag only wins when
// the user set it on the command line (pflag's Changed), so flag defaults
// never mask the file or env.
//
// Every problem found is returned at once as Errors, each naming file:line
// (or the env var / flag) and the key.
func Load(path string, flags map[string]*pflag.Flag) (*Config, error) {
	var (
		src  []byte
		doc  *document
		errs Errors
	)
	if path != "" {
		var err error
		if src, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		if doc, err = parse(path, src); err != nil {
			return nil, err
		}
	}
	// Structural problems do not stop value checks: the user gets every
	// error in one run. Refused paths are skipped below.
	var skip map[string]bool
	if doc != nil {
		errs, skip = checkStructure(doc)
	}
	errs = append(errs, checkFlagBindings(flags)...)
	errs = append(errs, checkEnv(os.Environ())...)

	v, err := newViper(path, src, flags)
	if err != nil {
		return nil, err
	}
	l := &loader{doc: doc, flags: flags, cfg: Default(), skip: skip, errs: errs}
	if path != "" {
		l.baseDir = filepath.Dir(path)
		if abs, err := filepath.Abs(l.baseDir); err == nil {
			l.baseDir = abs
		}
	}
	l.fixedSections(v)
	l.labeledSections()
	l.crossChecks()
	if len(l.errs) > 0 {
		l.errs.sort()
		return nil, l.errs
	}
	return l.cfg, nil
}

// newViper layers defaults, file, env and flags for the fixed sections.
// Labeled blocks (model, plugin) are read from the parsed document instead:
// viper lower-cases keys and splits them on dots, which would corrupt model
// names such as "Qwen2.5-7B" and plugin config keys.
func newViper(path string, src []byte, flags map[string]*pflag.Flag) (*viper.Viper, error) {
	reg := viper.NewCodecRegistry()
	if err := reg.RegisterCodec("hcl", Codec{Filename: path}); err != nil {
		return nil, err
	}
	v := viper.NewWithOptions(viper.WithCodecRegistry(reg))
	def := reflect.ValueOf(Default()).Elem()
	for _, s := range schema {
		if s.labeled {
			continue
		}
		for _, l := range s.leaves {
			key := s.name + "." + l.name
			v.SetDefault(key, def.Field(s.index).Field(l.index).Interface())
			if err := v.BindEnv(key, EnvVar(key)); err != nil {
				return nil, err
			}
			if f := flags[key]; f != nil {
				if err := v.BindPFlag(key, f); err != nil {
					return nil, err
				}
			}
		}
	}
	if src != nil {
		v.SetConfigType("hcl")
		if err := v.ReadConfig(bytes.NewReader(src)); err != nil {
			return nil, err
		}
	}
	return v, nil
}

type loader struct {
	doc     *document
	flags   map[string]*pflag.Flag
	baseDir string
	cfg     *Config
	skip    map[string]bool // paths already refused by checkStructure
	errs    Errors
}

// skipped reports whether path or any of its parents was refused.
func (l *loader) skipped(path ...string) bool {
	for i := 1; i <= len(path); i++ {
		if l.skip[pathKey(path[:i]...)] {
			return true
		}
	}
	return false
}

// origin says where a value came from, for error messages and for deciding
// whether a relative path is anchored to the config file.
type origin struct {
	fromFile bool
	pos      pos
	source   string // "env X", "flag --x", "default"
}

// overridden reports whether the value came from env or a flag, which
// stay valid even when the file's version of the key was refused.
func (o origin) overridden() bool { return !o.fromFile && o.source != "default" }

func (l *loader) errorf(o origin, format string, args ...any) {
	e := &Error{Source: o.source, Msg: fmt.Sprintf(format, args...)}
	if o.fromFile {
		e.File, e.Line = l.doc.Filename, o.pos.Line
	}
	l.errs = append(l.errs, e)
}

// originOf mirrors viper's precedence (flag > env > file > default).
func (l *loader) originOf(key string, path ...string) origin {
	if f := l.flags[key]; f != nil && f.Changed {
		return origin{source: "flag --" + f.Name}
	}
	if val, ok := os.LookupEnv(EnvVar(key)); ok && val != "" {
		return origin{source: "env " + EnvVar(key)}
	}
	if l.doc != nil {
		if e, ok := l.doc.lookup(path...); ok {
			return origin{fromFile: true, pos: e.value}
		}
	}
	return origin{source: "default"}
}

func (l *loader) fixedSections(v *viper.Viper) {
	root := reflect.ValueOf(l.cfg).Elem()
	for _, s := range schema {
		if s.labeled {
			continue
		}
		sv := root.Field(s.index)
		for _, lf := range s.leaves {
			key := s.name + "." + lf.name
			o := l.originOf(key, s.name, lf.name)
			if !o.overridden() && l.skipped(s.name, lf.name) {
				continue
			}
			l.setLeaf(sv, lf, v.Get(key), o, key)
		}
	}
}

// setLeaf converts, anchors, stores and checks one value.
func (l *loader) setLeaf(sv reflect.Value, lf leaf, raw any, o origin, display string) {
	val, err := convert(raw, lf.typ)
	if err != nil {
		l.errorf(o, "%s: %v", display, err)
		return
	}
	if lf.path && o.fromFile && val.String() != "" && !filepath.IsAbs(val.String()) {
		val = reflect.ValueOf(filepath.Join(l.baseDir, val.String())).Convert(lf.typ)
	}
	sv.Field(lf.index).Set(val)
	if msg := check(lf, val); msg != "" {
		l.errorf(o, "%s %s", display, msg)
	}
}

func (l *loader) labeledSections() {
	if l.doc == nil {
		return
	}
	root := reflect.ValueOf(l.cfg).Elem()
	for _, s := range schema {
		if !s.labeled {
			continue
		}
		blocks, _ := l.doc.Tree[s.name].(map[string]any)
		m := reflect.MakeMap(root.Field(s.index).Type())
		for _, label := range sortedKeys(blocks) {
			if l.skipped(s.name, label) {
				continue
			}
			body, _ := blocks[label].(map[string]any)
			blockPos, _ := l.doc.lookup(s.name, label)
			prefix := fmt.Sprintf("%s %q:", s.name, label)
			if strings.TrimSpace(label) == "" {
				l.errorf(origin{fromFile: true, pos: blockPos.name}, "%s name must not be empty", s.name)
			}
			ev := reflect.New(s.elem)
			if d, ok := ev.Interface().(interface{ setDefaults() }); ok {
				d.setDefaults()
			}
			for _, lf := range s.leaves {
				o := origin{fromFile: true, pos: blockPos.name}
				raw, set := body[lf.name]
				if e, ok := l.doc.lookup(s.name, label, lf.name); ok {
					o.pos = e.value
				}
				if l.skipped(s.name, label, lf.name) {
					continue
				}
				if !set {
					raw = ev.Elem().Field(lf.index).Interface() // default, still checked
				}
				l.setLeaf(ev.Elem(), lf, raw, o, prefix+" "+lf.name)
			}
			m.SetMapIndex(reflect.ValueOf(label), ev.Elem())
		}
		root.Field(s.index).Set(m)
	}
}

func (l *loader) crossChecks() {
	var defaults []string
	for _, name := range sortedKeys(l.cfg.Models) {
		if l.cfg.Models[name].Default {
			defaults = append(defaults, name)
		}
	}
	if len(defaults) > 1 {
		var where []string
		for _, n := range defaults {
			e, _ := l.doc.lookup("model", n, "default")
			where = append(where, fmt.Sprintf("%q (line %d)", n, e.name.Line))
		}
		first, _ := l.doc.lookup("model", defaults[1], "default")
		l.errorf(origin{fromFile: true, pos: first.name}, "only one model may set default = true, got %s", strings.Join(where, ", "))
	}
}

// checkStructure refuses unknown blocks and keys, naming the closest valid
// key, and wrong shapes (attribute vs block, label count).
//
// It also returns the paths (pathKey) it refused, so value checks can skip
// them instead of reporting the same mistake twice.
func checkStructure(d *document) (Errors, map[string]bool) {
	var errs Errors
	bad := map[string]bool{}
	at := func(p pos, path []string, format string, args ...any) {
		errs = append(errs, &Error{File: d.Filename, Line: p.Line, Msg: fmt.Sprintf(format, args...)})
		bad[pathKey(path...)] = true
	}
	for _, name := range sortedKeys(d.Tree) {
		e, _ := d.lookup(name)
		s, ok := findSection(name)
		if !ok {
			what := "block"
			if e.kind == kindAttr {
				what = "top-level key" // sections are blocks; still suggest one
			}
			at(e.name, []string{name}, "unknown %s %q%s", what, name, didYouMean(name, sectionNames()))
			continue
		}
		if s.labeled {
			if e.kind != kindLabels {
				at(e.name, []string{name}, "%s must be a labeled block: %s \"NAME\" { ... }", name, name)
				continue
			}
			blocks := d.Tree[name].(map[string]any)
			for _, label := range sortedKeys(blocks) {
				be, _ := d.lookup(name, label)
				if be.kind != kindBlock {
					at(be.name, []string{name, label}, "%s block takes exactly one label: %s \"NAME\" { ... }", name, name)
					continue
				}
				where := fmt.Sprintf("%s %q", name, label)
				checkBody(d, s, blocks[label].(map[string]any), []string{name, label}, where, at)
			}
			continue
		}
		if e.kind != kindBlock {
			at(e.name, []string{name}, "%s must be an unlabeled block: %s { ... }", name, name)
			continue
		}
		checkBody(d, s, d.Tree[name].(map[string]any), []string{name}, fmt.Sprintf("block %q", name), at)
	}
	return errs, bad
}

func checkBody(d *document, s *section, body map[string]any, path []string, where string, at func(pos, []string, string, ...any)) {
	for _, key := range sortedKeys(body) {
		e, _ := d.lookup(append(path, key)...)
		if _, ok := s.leaf(key); !ok {
			at(e.name, nil, "unknown key %q in %s%s", key, where, didYouMean(key, s.leafNames()))
			continue
		}
		if e.kind != kindAttr {
			at(e.name, append(path, key), "%s in %s must be an attribute (%s = ...), not a block", key, where, key)
			continue
		}
		if body[key] == nil {
			at(e.value, append(path, key), "%s in %s must not be null", key, where)
		}
	}
}

func checkFlagBindings(flags map[string]*pflag.Flag) Errors {
	var errs Errors
	known := Keys()
	for _, key := range sortedKeys(flags) {
		switch {
		case !slices.Contains(known, key):
			errs = append(errs, &Error{Source: "flag binding", Msg: fmt.Sprintf("unknown config key %q%s", key, didYouMean(key, known))})
		case flags[key] == nil:
			errs = append(errs, &Error{Source: "flag binding", Msg: fmt.Sprintf("flag for %q is nil (not defined on the FlagSet?)", key)})
		}
	}
	return errs
}

// checkEnv refuses FABNODE_<SECTION>_* variables that match no key: a typo
// in an env override would otherwise be silently ignored. Variables whose
// second part is not a section name (FABNODE_CONFIG, ...) are left alone.
func checkEnv(environ []string) Errors {
	var errs Errors
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		rest, ok := strings.CutPrefix(name, envPrefix)
		if !ok {
			continue
		}
		for _, s := range schema {
			key, ok := strings.CutPrefix(rest, strings.ToUpper(s.name)+"_")
			if !ok {
				continue
			}
			src := "env " + name
			if s.labeled {
				errs = append(errs, &Error{Source: src, Msg: fmt.Sprintf("%s blocks can only be set in the config file", s.name)})
				break
			}
			if _, known := s.leaf(strings.ToLower(key)); known && key == strings.ToUpper(key) {
				break
			}
			hint := ""
			if m := suggest(strings.ToLower(key), s.leafNames()); m != "" {
				hint = "; did you mean " + EnvVar(s.name+"."+m) + "?"
			}
			errs = append(errs, &Error{Source: src, Msg: fmt.Sprintf("unknown key %s in section %q%s", strconv.Quote(strings.ToLower(key)), s.name, hint)})
			break
		}
	}
	return errs
}
