package p2p

import (
	"encoding/json"
	"net/http"

	"github.com/fabnode/fabnode/host/p2p/p2pnet"
)

// Routes adds the operator's p2p endpoints to the admin listener's mux
// (never the public one): /admin/p2p/status and /admin/p2p/peers, for
// `fabnode p2p status` and `fabnode p2p peers`. Either method reads them.
func (s *Service) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/admin/p2p/status", func(w http.ResponseWriter, r *http.Request) {
		n := s.Net()
		if n == nil {
			writeAdmin(w, http.StatusServiceUnavailable, map[string]string{"error": "the libp2p host is not running"})
			return
		}
		writeAdmin(w, http.StatusOK, s.Status())
	})
	mux.HandleFunc("/admin/p2p/peers", func(w http.ResponseWriter, r *http.Request) {
		n := s.Net()
		if n == nil {
			writeAdmin(w, http.StatusServiceUnavailable, map[string]string{"error": "the libp2p host is not running"})
			return
		}
		peers := n.Peers()
		if peers == nil {
			peers = []p2pnet.Peer{}
		}
		writeAdmin(w, http.StatusOK, map[string]any{"peers": peers})
	})
}

// Status is the host's state with the models it provides.
type Status struct {
	p2pnet.Status
	Models []ModelStatus `json:"models"`
}

// ModelStatus is a model the node provides in the DHT.
type ModelStatus struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	CID    string `json:"cid"`
}

// Status reports the running host's state; the zero Status when it is not
// running.
func (s *Service) Status() Status {
	n := s.Net()
	if n == nil {
		return Status{}
	}
	st := Status{Status: n.Status(), Models: []ModelStatus{}}
	for _, m := range s.declared() {
		st.Models = append(st.Models, ModelStatus{Name: m.name, SHA256: m.hex, CID: modelCID(m)})
	}
	return st
}

func writeAdmin(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
