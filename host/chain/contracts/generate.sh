#!/bin/sh
# Regenerates the committed contract artefacts: build/<Contract>.abi and .bin with the pinned solc
# (compile.mjs), then the abigen v2 Go bindings in ../bindings with the abigen pinned as a Go tool
# in go.mod. `make contracts` runs this; TestArtifactsUpToDate fails when they are stale.
set -eu
cd "$(dirname "$0")"
node compile.mjs build
rm -f ../bindings/*_gen.go
for abi in build/*.abi; do
	name=$(basename "$abi" .abi)
	file=$(printf '%s' "$name" | sed 's/\([a-z0-9]\)\([A-Z]\)/\1_\2/g' | tr 'A-Z' 'a-z')
	go tool abigen --v2 --abi "$abi" --bin "build/$name.bin" --pkg bindings --type "$name" \
		--out "../bindings/${file}_gen.go"
done
chmod 644 ../bindings/*_gen.go
