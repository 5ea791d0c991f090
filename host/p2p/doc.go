// Package p2p is the node's libp2p host, a node service (Start, Stop):
// its identity is the node's secp256k1 key, so its peer id proves the
// Ethereum address it speaks for (wire.PeerAddress). It listens on TCP and
// QUIC (Noise, yamux), within the resource manager's and connection
// manager's limits from config.hcl, and its metrics go to the node's own
// registry.
//
// It serves two protocols (host/p2p/wire has their frames):
//
//   - /fabnode/quote/1: the pricing plugin's quote for a request's size,
//     with the model's load (inference.Service.Quote);
//   - /fabnode/inference/1: a chat or completion request, decoded with
//     inference.DecodeChat/DecodeCompletion and run by inference.Service.Run
//     — the request path HTTP runs — with Caller{Transport: "p2p",
//     Client: <peer id>} and the payment credentials of the request frame.
//     The sink writes frames: the head, each piece of text, payment
//     notices, then the end (usage, quote, cost, commitments, the final
//     receipt request) or an error with its inference.Kind. Receipts come
//     back on the same stream while tokens flow and go to the payment step;
//     a cancel frame, a reset or the client closing its side stops
//     generation at the next decode step.
//
// Discovery is host/p2p/p2pnet's: the DHT under /fabnode, where the node
// provides each model under the CID of its SHA-256 (re-provided on
// schedule), mDNS, bootstrap peers, the hosts registered in the chain's
// NodeRegistry (host/node reads them through chain.HostDirectory and
// dials only entries whose peer id is the registering account's key), and
// the signed announcements the node publishes on the gossip topic.
//
// Clients are in host/p2p/client.
package p2p
