// Package service gives the node's long-running parts one lifecycle:
// each Service starts, runs in the background, and stops within a
// deadline. A Group starts its services in order and stops them in the
// reverse order, so that what depends on a part (the API on the models
// and plugins, say) stops before that part does: a shutdown drains the
// requests in flight before the models they run on are unloaded.
package service
