#!/usr/bin/env bash
# make cuda: builds ggml's CUDA backend from the sources the ollama module
# (v0.7.1) vendors, with CMake and nvcc, into lib/ollama/ — the folder the
# engine searches (<binary dir>/../lib/ollama). The Go build itself stays
# CPU-only; ggml loads the backend at run time.
#
#   scripts/build-cuda.sh [CUDA_ARCHITECTURES]    (default: native)
#
# OLLAMA_SRC may point at a copy of the module (a machine without Go, such
# as a GPU box, gets one from `scripts/build-cuda.sh --export DIR` run
# where Go is installed).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--export" ]; then
  dest=${2:?--export needs a folder}
  src=$(go list -m -f '{{.Dir}}' github.com/ollama/ollama)
  mkdir -p "$dest/ml/backend/ggml"
  cp "$src/CMakeLists.txt" "$src/CMakePresets.json" "$dest/"
  cp -r "$src/ml/backend/ggml/ggml" "$dest/ml/backend/ggml/"
  chmod -R u+w "$dest"
  echo "exported ollama's CMake files and ggml sources to $dest ($(du -sh "$dest" | cut -f1))"
  exit 0
fi

arch=${1:-native}
for tool in cmake nvcc; do
  if ! command -v "$tool" >/dev/null; then
    echo "make cuda needs $tool on PATH (cmake: apt-get install cmake; nvcc: the CUDA toolkit)" >&2
    exit 1
  fi
done
src=${OLLAMA_SRC:-$(go list -m -f '{{.Dir}}' github.com/ollama/ollama)}
build=build/cuda
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$arch" \
  -DCMAKE_CUDA_FLAGS=-Wno-deprecated-gpu-targets
cmake --build "$build" --target ggml-cuda -j"$(nproc)"
mkdir -p lib/ollama
# Only the CUDA backend and the ggml-base it links against: the CPU
# backend is compiled into the binary, and a second copy here would be
# registered twice.
cp "$build"/lib/ollama/libggml-cuda.so "$build"/lib/ollama/libggml-base.so lib/ollama/
echo "CUDA backend installed in lib/ollama; bin/fabnode loads it at start (see the 'model loaded' log line for devices)"
