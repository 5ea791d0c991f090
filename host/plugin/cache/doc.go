// Package cache is the node's response cache: the store that cache policy
// plugins decide about but never see. It is an in-memory LRU bounded by a
// byte budget, answering exact lookups by key and, when a policy asks for
// it, semantic lookups by cosine similarity of the engine's prompt
// embeddings within the policy's scope.
//
// Semantic lookup is a linear scan over the entries of one scope. That is
// adequate for the few thousand entries a byte budget of tens of MiB holds;
// an ANN index would be the next step if profiles show otherwise.
package cache
