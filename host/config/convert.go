package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

var (
	durationType = reflect.TypeFor[time.Duration]()
	byteSizeType = reflect.TypeFor[ByteSize]()
)

// convert turns a raw value from any layer (HCL value, env string, flag
// value, typed default) into t. Env and flags always arrive as strings, so
// every type accepts a string form.
func convert(raw any, t reflect.Type) (reflect.Value, error) {
	if raw == nil {
		return reflect.Value{}, fmt.Errorf("value is null")
	}
	rv := reflect.ValueOf(raw)
	if rv.Type() == t { // typed defaults
		return rv, nil
	}
	switch t {
	case durationType:
		return convertDuration(raw)
	case byteSizeType:
		return convertSize(raw)
	}
	switch t.Kind() {
	case reflect.String:
		if s, ok := raw.(string); ok {
			return reflect.ValueOf(s).Convert(t), nil
		}
		return reflect.Value{}, fmt.Errorf("expected a string, got %s", describe(raw))
	case reflect.Bool:
		switch v := raw.(type) {
		case bool:
			return reflect.ValueOf(v), nil
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err == nil {
				return reflect.ValueOf(b), nil
			}
		}
		return reflect.Value{}, fmt.Errorf("expected true or false, got %s", describe(raw))
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := toInt(raw)
		if err != nil {
			return reflect.Value{}, err
		}
		out := reflect.New(t).Elem()
		if out.OverflowInt(n) {
			return reflect.Value{}, fmt.Errorf("%d is out of range", n)
		}
		out.SetInt(n)
		return out, nil
	case reflect.Slice:
		if t.Elem().Kind() != reflect.String {
			break
		}
		// An HCL list, or from env and flags a comma-separated string.
		var items []any
		switch v := raw.(type) {
		case []any:
			items = v
		case string:
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					items = append(items, p)
				}
			}
		default:
			return reflect.Value{}, fmt.Errorf("expected a list of strings like [\"a\", \"b\"], got %s", describe(raw))
		}
		out := reflect.MakeSlice(t, 0, len(items))
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return reflect.Value{}, fmt.Errorf("expected a list of strings, found %s in it", describe(it))
			}
			out = reflect.Append(out, reflect.ValueOf(s).Convert(t.Elem()))
		}
		return out, nil
	case reflect.Map:
		if m, ok := raw.(map[string]any); ok && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Interface {
			return reflect.ValueOf(m), nil
		}
		return reflect.Value{}, fmt.Errorf("expected an object like { key = \"value\" }, got %s", describe(raw))
	}
	return reflect.Value{}, fmt.Errorf("unsupported config field type %s", t)
}

func toInt(raw any) (int64, error) {
	switch v := raw.(type) {
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<62 {
			return int64(v), nil
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("expected a whole number, got %s", describe(raw))
}

func convertDuration(raw any) (reflect.Value, error) {
	switch v := raw.(type) {
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return reflect.Value{}, fmt.Errorf("invalid duration %q (want e.g. \"30s\", \"10m\", \"1h30m\")", v)
		}
		return reflect.ValueOf(d), nil
	case int64, int, float64:
		// A bare number is ambiguous (seconds? nanoseconds?); only 0 is clear.
		if n, err := toInt(v); err == nil && n == 0 {
			return reflect.ValueOf(time.Duration(0)), nil
		}
	}
	return reflect.Value{}, fmt.Errorf("expected a duration string like \"30s\", got %s", describe(raw))
}

func convertSize(raw any) (reflect.Value, error) {
	if s, ok := raw.(string); ok {
		b, err := ParseByteSize(s)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(b), nil
	}
	n, err := toInt(raw)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("expected a size like \"512MiB\" or a byte count, got %s", describe(raw))
	}
	if n < 0 {
		return reflect.Value{}, fmt.Errorf("size must not be negative, got %d", n)
	}
	return reflect.ValueOf(ByteSize(n)), nil
}

func describe(raw any) string {
	switch v := raw.(type) {
	case string:
		return fmt.Sprintf("string %q", v)
	case bool:
		return fmt.Sprintf("bool %v", v)
	case int64, int, float64:
		return fmt.Sprintf("number %v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", raw)
}
