package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// apiError is OpenAI's error object.
type apiError struct {
	status  int
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

func (e *apiError) Error() string { return e.Message }

func strptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func invalid(param, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...), Type: "invalid_request_error", Param: strptr(param)}
}

func notFound(code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, Message: fmt.Sprintf(format, args...), Type: "invalid_request_error", Code: strptr(code)}
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.status, map[string]any{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeBody reads a JSON request body of at most limit bytes into v and
// turns every failure into the error a client can act on.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) *apiError {
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON object")
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return &apiError{status: http.StatusRequestEntityTooLarge, Type: "invalid_request_error",
			Message: fmt.Sprintf("request body exceeds the limit of %d bytes", tooBig.Limit)}
	case errors.As(err, &syntax):
		return invalid("", "request body is not valid JSON: %v (at byte %d)", err, syntax.Offset)
	case errors.As(err, &typ):
		// Fields of the embedded samplingFields come back prefixed by its name.
		field := strings.TrimPrefix(typ.Field, "samplingFields.")
		return invalid(field, "%s: expected %s, got JSON %s", field, typ.Type.String(), typ.Value)
	case errors.Is(err, io.EOF):
		return invalid("", "request body is empty; send a JSON object")
	}
	var fe *fieldError
	if errors.As(err, &fe) {
		return invalid(fe.field, "%s: %s", fe.field, fe.msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return invalid("", "request body is not valid JSON: it ends early")
	}
	return invalid("", "request body: %v", err)
}

// fieldError is returned by custom unmarshalers to name their field.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }
