// Package node assembles a fabnode from its configuration: the model
// manager over the engine, the HTTP API, and the listener's lifecycle.
// The CLI's serve command, the examples and the end-to-end tests all
// build the node here, so they run exactly what operators run.
package node
