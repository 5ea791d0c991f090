package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/fabnode/fabnode/host/inference"
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

// statusClientClosed is nginx's "client closed request": the status a
// request is counted under when nobody was left to answer.
const statusClientClosed = 499

// refusal maps a request the inference service did not serve to the
// OpenAI error and HTTP status a client acts on. Its message is the
// client-safe one; details stay in the node's log.
func (s *Server) refusal(e *inference.Error) *apiError {
	a := &apiError{Message: e.Message, Type: "server_error", Param: strptr(e.Param)}
	switch e.Kind {
	case inference.KindInvalid:
		a.status, a.Type = http.StatusBadRequest, "invalid_request_error"
	case inference.KindDenied:
		a.status, a.Type, a.Code = http.StatusBadRequest, "invalid_request_error", strptr("content_filter")
	case inference.KindContextLength:
		a.status, a.Type, a.Code = http.StatusBadRequest, "invalid_request_error", strptr("context_length_exceeded")
	case inference.KindUnknownModel:
		a.status, a.Type, a.Code = http.StatusNotFound, "invalid_request_error", strptr("model_not_found")
	case inference.KindOverloaded:
		a.status, a.Code = http.StatusServiceUnavailable, strptr("overloaded")
	case inference.KindModelUnavailable:
		a.status, a.Code = http.StatusServiceUnavailable, strptr("model_unavailable")
	case inference.KindPricing:
		a.status, a.Code = http.StatusServiceUnavailable, strptr("pricing_unavailable")
	case inference.KindPaymentRequired:
		a.status, a.Type, a.Code = http.StatusPaymentRequired, "invalid_request_error", strptr("payment_required")
	case inference.KindPaymentRefused:
		a.status, a.Type, a.Code = http.StatusForbidden, "permission_error", strptr("payment_refused")
	case inference.KindTimeout:
		a.status, a.Code = http.StatusGatewayTimeout, strptr("timeout")
	case inference.KindCancelled:
		a.status = statusClientClosed
	default:
		a.status = http.StatusInternalServerError
	}
	return a
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

// readBody reads a whole request body of at most limit bytes within
// timeout. A declared Content-Length over the limit is refused before
// anything is read, and a body over it whatever it holds (413); a body
// that stalls gets 408; a body that ends before its declared length is
// the client going away, never anything a policy decides on.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, timeout time.Duration) ([]byte, *apiError) {
	tooBig := &apiError{status: http.StatusRequestEntityTooLarge, Type: "invalid_request_error",
		Message: fmt.Sprintf("request body exceeds the limit of %d bytes", limit)}
	if r.ContentLength > limit {
		return nil, tooBig
	}
	rc := http.NewResponseController(w)
	deadline := timeout > 0 && rc.SetReadDeadline(time.Now().Add(timeout)) == nil
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		if deadline {
			// Lifted only for a complete body: after a failed read the
			// server must not wait on the rest (it would, to reuse the
			// connection) before it sends the error.
			rc.SetReadDeadline(time.Time{})
		}
		return b, nil
	case errors.As(err, &mbe):
		return nil, tooBig
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, &apiError{status: http.StatusRequestTimeout, Type: "invalid_request_error",
			Message: fmt.Sprintf("request body not received within %v", timeout)}
	}
	return nil, &apiError{status: statusClientClosed, Type: "invalid_request_error",
		Message: "request body ended before its declared length: " + err.Error()}
}

func asInferenceError(err error) (*inference.Error, bool) {
	var ie *inference.Error
	ok := errors.As(err, &ie)
	return ie, ok
}
