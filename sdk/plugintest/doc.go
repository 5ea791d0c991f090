// Package plugintest builds a plugin with the Go toolchain and loads it into
// the real host runtime (host/plugin, wazero) inside an ordinary go test, so
// a plugin is tested exactly as the node will run it.
//
//	func TestQuote(t *testing.T) {
//		reg := plugintest.Load(t, ".", "pricing", map[string]string{"base": "100"})
//		q, err := reg.Pricing().Quote(ctx, sdk.QuoteRequest{...})
//		...
//	}
//
// Builds are cached per test process (and by the go build cache across
// processes); compiled native code is cached on disk under the user cache
// directory, so repeated runs skip wazero's compilation too.
package plugintest
