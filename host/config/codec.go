package config

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Codec is a viper codec (viper.Codec) for HCL v2 native syntax. Viper 1.21
// ships no HCL support, so Load registers this under the "hcl" format.
//
// Decoding maps the document onto viper's map[string]any model:
//
//	attr = value         -> {"attr": value}
//	blk { ... }          -> {"blk": {...}}
//	blk "a" "b" { ... }  -> {"blk": {"a": {"b": {...}}}}
//
// Values are plain Go values: string, bool, int64 (integral numbers that
// fit), float64, []any and map[string]any. Expressions are evaluated without
// variables or functions, so a config file cannot reference anything.
type Codec struct {
	// Filename is used in error messages; defaults to "config.hcl".
	Filename string
}

// Decode implements viper.Decoder.
func (c Codec) Decode(b []byte, v map[string]any) error {
	name := c.Filename
	if name == "" {
		name = "config.hcl"
	}
	doc, err := parse(name, b)
	if err != nil {
		return err
	}
	for k, val := range doc.Tree {
		v[k] = val
	}
	return nil
}

// pos is a 1-based line/column position in a config file.
type pos struct{ Line, Col int }

type nodeKind int

const (
	kindAttr   nodeKind = iota // name = value
	kindBlock                  // name { body }
	kindLabels                 // a level whose keys are block labels
)

// entry records where a path of the tree was written and what it was.
type entry struct {
	kind  nodeKind
	name  pos // the attribute name or block type
	value pos // the attribute's expression (attributes only)
}

// document is a parsed HCL file: its generic tree plus the source position
// of every attribute and block, so later stages can report file:line for
// problems they find long after parsing.
type document struct {
	Filename string
	Tree     map[string]any
	entries  map[string]entry
}

// pathKey joins a tree path; labels may contain dots, so "." is no good.
func pathKey(path ...string) string { return strings.Join(path, "\x1f") }

func (d *document) lookup(path ...string) (entry, bool) {
	e, ok := d.entries[pathKey(path...)]
	return e, ok
}

// parse parses HCL native syntax into a document. Syntax errors and
// structural conflicts (duplicate attributes, blocks or labels) come back as
// Errors carrying file:line:col.
func parse(filename string, src []byte) (*document, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return nil, diagErrors(diags)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok { // cannot happen with hclsyntax, but never panic on it
		return nil, fmt.Errorf("%s: unexpected HCL body type %T", filename, f.Body)
	}
	d := &document{Filename: filename, Tree: map[string]any{}, entries: map[string]entry{}}
	var errs Errors
	d.decodeBody(body, nil, d.Tree, &errs)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	return d, nil
}

func diagErrors(diags hcl.Diagnostics) Errors {
	var errs Errors
	seen := map[string]bool{} // HCL may report one problem from two angles
	for _, dg := range diags {
		if dg.Severity != hcl.DiagError {
			continue
		}
		e := &Error{Msg: dg.Summary}
		if dg.Detail != "" {
			e.Msg += "; " + dg.Detail
		}
		if dg.Subject != nil {
			e.File = dg.Subject.Filename
			e.Line, e.Col = dg.Subject.Start.Line, dg.Subject.Start.Column
		}
		if !seen[e.Error()] {
			seen[e.Error()] = true
			errs = append(errs, e)
		}
	}
	errs.sort()
	return errs
}

func (d *document) errAt(errs *Errors, p pos, col bool, format string, args ...any) {
	e := &Error{File: d.Filename, Line: p.Line, Msg: fmt.Sprintf(format, args...)}
	if col {
		e.Col = p.Col
	}
	*errs = append(*errs, e)
}

func toPos(p hcl.Pos) pos { return pos{Line: p.Line, Col: p.Column} }

func (d *document) decodeBody(body *hclsyntax.Body, path []string, out map[string]any, errs *Errors) {
	for name, attr := range body.Attributes {
		p := append(append([]string(nil), path...), name)
		val, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			*errs = append(*errs, diagErrors(diags)...)
			continue
		}
		goVal, err := ctyToGo(val)
		if err != nil {
			d.errAt(errs, toPos(attr.Expr.Range().Start), true, "%s: %v", strings.Join(p, "."), err)
			continue
		}
		out[name] = goVal
		d.entries[pathKey(p...)] = entry{kind: kindAttr, name: toPos(attr.NameRange.Start), value: toPos(attr.Expr.Range().Start)}
	}
	for _, blk := range body.Blocks {
		d.decodeBlock(blk, path, out, errs)
	}
}

func (d *document) decodeBlock(blk *hclsyntax.Block, path []string, out map[string]any, errs *Errors) {
	at := toPos(blk.TypeRange.Start)
	cur := out
	var p []string
	// Walk the type and each label: every level but the last is a map keyed
	// by the next label (kindLabels); the last holds the block body.
	names := append([]string{blk.Type}, blk.Labels...)
	for i, name := range names {
		p = append(append([]string(nil), path...), names[:i+1]...)
		want := kindLabels
		if i == len(names)-1 {
			want = kindBlock
		}
		prev, seen := d.entries[pathKey(p...)]
		switch {
		case !seen:
			d.entries[pathKey(p...)] = entry{kind: want, name: at}
			next := map[string]any{}
			cur[name] = next
			cur = next
		case prev.kind == kindAttr:
			d.errAt(errs, at, false, "%q is defined both as an attribute (line %d) and a block", name, prev.name.Line)
			return
		case want == kindBlock || prev.kind == kindBlock:
			if prev.kind != want {
				d.errAt(errs, at, false, "block %s conflicts with the %q block at line %d (different number of labels)",
					describeBlock(blk.Type, blk.Labels), blk.Type, prev.name.Line)
			} else if len(blk.Labels) > 0 {
				d.errAt(errs, at, false, "duplicate %s %q; first defined at %s:%d", blk.Type, blk.Labels[len(blk.Labels)-1], d.Filename, prev.name.Line)
			} else {
				d.errAt(errs, at, false, "duplicate block %s; first defined at %s:%d", describeBlock(blk.Type, blk.Labels), d.Filename, prev.name.Line)
			}
			return
		default:
			cur = cur[name].(map[string]any)
		}
	}
	d.decodeBody(blk.Body, p, cur, errs)
}

func describeBlock(typ string, labels []string) string {
	var b strings.Builder
	b.WriteString(typ)
	for _, l := range labels {
		fmt.Fprintf(&b, " %q", l)
	}
	return b.String()
}

// ctyToGo converts an evaluated HCL value to plain Go values.
func ctyToGo(v cty.Value) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	if !v.IsKnown() {
		return nil, fmt.Errorf("value is not known")
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString(), nil
	case t == cty.Bool:
		return v.True(), nil
	case t == cty.Number:
		return numberToGo(v.AsBigFloat()), nil
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			g, err := ctyToGo(ev)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, nil
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			g, err := ctyToGo(ev)
			if err != nil {
				return nil, err
			}
			out[k.AsString()] = g
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value type %s", t.FriendlyName())
}

func numberToGo(f *big.Float) any {
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return i
		}
	}
	x, _ := f.Float64()
	return x
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
