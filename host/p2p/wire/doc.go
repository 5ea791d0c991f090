// Package wire is fabnode's peer-to-peer wire format, shared by the host
// (host/p2p) and its clients (host/p2p/client): the protocol ids, the
// length-prefixed frames every protocol speaks, the messages they carry,
// the signed host announcements of the gossip topic, the content id a
// model is provided under in the DHT, and the link between a peer id and
// the Ethereum address it speaks for.
//
// A frame is a 4-byte big-endian length N, then N bytes: a type byte and
// the payload. N is bounded (DefaultMaxFrame unless the two sides agree on
// less); a reader refuses a longer frame before reading it. Structured
// payloads are JSON; a text piece is its UTF-8 bytes; a request is a
// uvarint-prefixed JSON header followed by the OpenAI body as the client
// sent it, byte for byte, because a paid request signs keccak256 of those
// bytes.
//
// The package depends on nothing of fabnode's, so a client links neither
// the engine nor the plugin runtime.
package wire
