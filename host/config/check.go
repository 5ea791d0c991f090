package config

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// check applies a leaf's check:"..." rules to a converted value and returns
// a message fragment ("must be between 1 and 256, got 0") or "".
func check(l leaf, v reflect.Value) string {
	if l.checks == "" {
		return ""
	}
	var lo, hi *int64
	for _, rule := range strings.Split(l.checks, ",") {
		name, arg, _ := strings.Cut(strings.TrimSpace(rule), "=")
		switch name {
		case "optional": // the zero value passes the rules that follow
			if v.IsZero() {
				return ""
			}
		case "min", "max":
			n, err := parseBound(arg, l.typ)
			if err != nil {
				return "has an invalid check tag: " + err.Error() // programming error, caught by tests
			}
			if name == "min" {
				lo = &n
			} else {
				hi = &n
			}
		case "oneof":
			if msg := checkOneOf(v.String(), strings.Split(arg, "|")); msg != "" {
				return msg
			}
		case "nonempty":
			if v.Kind() == reflect.Slice && v.Len() == 0 || v.Kind() == reflect.String && v.String() == "" {
				return "must not be empty"
			}
		case "hostport":
			if _, port, err := net.SplitHostPort(v.String()); err != nil {
				return fmt.Sprintf("must be host:port (e.g. \"127.0.0.1:8080\"), got %q", v.String())
			} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
				return fmt.Sprintf("has an invalid port in %q", v.String())
			}
		case "url":
			if s := v.String(); s != "" {
				if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Sprintf("must be an http(s) URL, got %q", s)
				}
			}
		case "sha256":
			if s := v.String(); s != "" {
				if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
					return fmt.Sprintf("must be 64 hex digits, got %q", s)
				}
			}
		default:
			return fmt.Sprintf("has an unknown check rule %q", name) // programming error
		}
	}
	return checkRange(v, l.typ, lo, hi)
}

func checkOneOf(s string, allowed []string) string {
	for _, a := range allowed {
		if s == a {
			return ""
		}
	}
	shown := make([]string, len(allowed))
	for i, a := range allowed {
		shown[i] = strconv.Quote(a)
	}
	return fmt.Sprintf("must be one of %s, got %q", strings.Join(shown, ", "), s)
}

func checkRange(v reflect.Value, t reflect.Type, lo, hi *int64) string {
	if lo == nil && hi == nil {
		return ""
	}
	if !v.CanInt() {
		return "has min/max checks but is not a number" // programming error
	}
	n := v.Int()
	switch {
	case lo != nil && hi != nil && (n < *lo || n > *hi):
		return fmt.Sprintf("must be between %s and %s, got %s", fmtBound(*lo, t), fmtBound(*hi, t), fmtBound(n, t))
	case lo != nil && n < *lo:
		return fmt.Sprintf("must be at least %s, got %s", fmtBound(*lo, t), fmtBound(n, t))
	case hi != nil && n > *hi:
		return fmt.Sprintf("must be at most %s, got %s", fmtBound(*hi, t), fmtBound(n, t))
	}
	return ""
}

func parseBound(s string, t reflect.Type) (int64, error) {
	switch t {
	case durationType:
		d, err := time.ParseDuration(s)
		return int64(d), err
	case byteSizeType:
		b, err := ParseByteSize(s)
		return int64(b), err
	}
	return strconv.ParseInt(s, 10, 64)
}

func fmtBound(n int64, t reflect.Type) string {
	switch t {
	case durationType:
		return time.Duration(n).String()
	case byteSizeType:
		return ByteSize(n).String()
	}
	return strconv.FormatInt(n, 10)
}
