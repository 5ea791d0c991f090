package main

import (
	"fmt"
	"strconv"
)

func fmtSscanf(s, format string, a ...any) (int, error) { return fmt.Sscanf(s, format, a...) }
func itoa(n int) string                                 { return strconv.Itoa(n) }
func rangeHeader(from, total int) string                { return fmt.Sprintf("bytes %d-%d/%d", from, total-1, total) }
