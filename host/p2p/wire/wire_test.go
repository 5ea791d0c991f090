package wire

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// The node's Ethereum key is its libp2p identity: the peer id names the
// same address, offline.
func TestPeerIDSpeaksForTheAddress(t *testing.T) {
	k, _ := ethcrypto.GenerateKey()
	pk, err := PrivKey(k)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	got, err := PeerAddress(id)
	if err != nil {
		t.Fatal(err)
	}
	if want := ethcrypto.PubkeyToAddress(k.PublicKey); got != want {
		t.Fatalf("peer %s speaks for %s, the key is %s", id, got, want)
	}
	if pid, err := PeerID(k); err != nil || pid != id {
		t.Errorf("PeerID %s %v, want %s", pid, err, id)
	}
	if !strings.HasPrefix(id.String(), "16Uiu2HA") {
		t.Errorf("a secp256k1 peer id: %s", id)
	}
	ed, _, _ := lcrypto.GenerateEd25519Key(nil)
	eid, _ := peer.IDFromPrivateKey(ed)
	if _, err := PeerAddress(eid); err == nil {
		t.Error("an Ed25519 peer id speaks for no address")
	}
}

func TestModelCID(t *testing.T) {
	sum := sha256.Sum256([]byte("a model file"))
	c := ModelCID(sum)
	if c.Version() != 1 || !strings.HasPrefix(c.String(), "bafkrei") {
		t.Fatalf("CID %s", c)
	}
	for _, s := range []string{c.String(), strings.ToUpper(hexOf(sum)), "0x" + hexOf(sum)} {
		got, ok := ParseModelID(s)
		if !ok || got != sum {
			t.Errorf("ParseModelID(%s) = %x %v", s, got, ok)
		}
	}
	if _, ok := ParseModelID("llama-3.2-1b"); ok {
		t.Error("a name is not a model id")
	}
}

func hexOf(b [32]byte) string {
	const d = "0123456789abcdef"
	var s strings.Builder
	for _, x := range b {
		s.WriteByte(d[x>>4])
		s.WriteByte(d[x&15])
	}
	return s.String()
}

func TestFrames(t *testing.T) {
	var b bytes.Buffer
	body := []byte(`{"model":"m",  "messages":[{"role":"user","content":"<b>hi</b>"}]}`)
	p, err := EncodeRequest(RequestHeader{Endpoint: EndpointChat, Payment: &Payment{Session: "7", Nonce: 3, Signature: "0x00"}}, body)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFrame(&b, TRequest, p); err != nil {
		t.Fatal(err)
	}
	WriteFrame(&b, TText, []byte("héllo"))
	f, err := ReadFrame(&b, 1<<10)
	if err != nil || f.Type != TRequest {
		t.Fatal(f.Type, err)
	}
	h, got, err := DecodeRequest(f.Payload)
	if err != nil || h.Endpoint != EndpointChat || h.Payment.Nonce != 3 || !bytes.Equal(got, body) {
		t.Fatalf("%+v %q %v", h, got, err)
	}
	if f, err := ReadFrame(&b, 1<<10); err != nil || string(f.Payload) != "héllo" {
		t.Fatal(f, err)
	}
	if _, err := ReadFrame(&b, 1<<10); err != io.EOF {
		t.Fatalf("clean end: %v", err)
	}

	// A frame over the limit is refused from its length alone.
	b.Reset()
	WriteFrame(&b, TText, make([]byte, 2000))
	var tl *TooLargeError
	if _, err := ReadFrame(&b, 1000); !errors.As(err, &tl) || tl.Length != 2001 {
		t.Fatalf("oversized: %v", err)
	}
	if _, err := ReadFrame(bytes.NewReader([]byte{0, 0, 0, 0}), 1000); !errors.Is(err, ErrEmptyFrame) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := ReadFrame(bytes.NewReader([]byte{0, 0, 0, 9, 0x11, 'a'}), 1000); err != io.ErrUnexpectedEOF {
		t.Fatalf("cut: %v", err)
	}
	for _, p := range [][]byte{{}, {0xff, 0xff, 0xff, 0xff, 0x0f}, {5, '{', '}'}} {
		if _, _, err := DecodeRequest(p); err == nil {
			t.Errorf("DecodeRequest(%x) accepted", p)
		}
	}
}

func TestAnnouncementRules(t *testing.T) {
	k, _ := ethcrypto.GenerateKey()
	pk, _ := PrivKey(k)
	id, _ := peer.IDFromPrivateKey(pk)
	other, _, _ := lcrypto.GenerateSecp256k1Key(nil)
	otherID, _ := peer.IDFromPrivateKey(other)
	now := time.Now()
	rules := AnnounceRules{MaxBytes: 4096, TTL: time.Minute, Skew: 5 * time.Second}
	sum := sha256.Sum256(nil)
	good := Announcement{Peer: id.String(), UnixMillis: now.UnixMilli(), Models: []AnnouncedModel{{Name: "m", SHA256: hexOf(sum), Slots: 2, Free: 1}}}
	seal := func(a Announcement, key lcrypto.PrivKey) []byte {
		b, err := a.Seal(key)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if a, err := OpenAnnouncement(seal(good, pk), id, now, rules); err != nil || a.Models[0].Name != "m" {
		t.Fatal(a, err)
	}
	cases := map[string]struct {
		data []byte
		from peer.ID
		want error
	}{
		"names another peer":   {seal(good, other), otherID, ErrAnnounceForged},
		"published by another": {seal(good, pk), otherID, ErrAnnounceForged},
		"stale":                {seal(Announcement{Peer: id.String(), UnixMillis: now.Add(-2 * time.Minute).UnixMilli()}, pk), id, ErrAnnounceStale},
		"future":               {seal(Announcement{Peer: id.String(), UnixMillis: now.Add(time.Minute).UnixMilli()}, pk), id, ErrAnnounceFuture},
		"oversized":            {seal(Announcement{Peer: id.String(), UnixMillis: now.UnixMilli(), APIURL: strings.Repeat("x", 5000)}, pk), id, ErrAnnounceTooLarge},
		"garbage":              {[]byte("not an envelope"), id, ErrAnnounceBadSig},
		"bad hash":             {seal(Announcement{Peer: id.String(), UnixMillis: now.UnixMilli(), Models: []AnnouncedModel{{Name: "m", SHA256: "zz"}}}, pk), id, ErrAnnounceInvalid},
		"more free than slots": {seal(Announcement{Peer: id.String(), UnixMillis: now.UnixMilli(), Models: []AnnouncedModel{{Name: "m", SHA256: hexOf(sum), Slots: 1, Free: 3}}}, pk), id, ErrAnnounceInvalid},
	}
	for name, c := range cases {
		if _, err := OpenAnnouncement(c.data, c.from, now, rules); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	// A signature over a tampered payload.
	b := seal(good, pk)
	i := bytes.Index(b, []byte(`"m"`))
	b[i+1] = 'n'
	if _, err := OpenAnnouncement(b, id, now, rules); !errors.Is(err, ErrAnnounceBadSig) {
		t.Errorf("tampered: %v", err)
	}
}
