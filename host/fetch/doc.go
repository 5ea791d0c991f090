// Package fetch downloads model files safely: resumable, retried, verified
// and atomically published.
//
// Download writes to DEST.partial and, on a later call or retry, resumes
// with "Range: bytes=N-". A 206 continues the partial; a 200 (server ignored
// Range, or If-Range found the file changed) restarts from zero cleanly; a
// 416 means the partial is already complete (verified next) or bogus
// (restarted). Connection drops and stalls mid-body are retried with
// exponential backoff; only consecutive attempts that add no bytes count
// towards Options.MaxAttempts, so a server that keeps dropping still
// finishes. 4xx responses other than 408/429 fail at once.
//
// The SHA-256 is computed while streaming (on resume, the existing partial
// is hashed first). Only when it matches is the partial fsynced and renamed
// to DEST, so DEST is never half-written or unverified. A mismatch deletes
// the partial and returns a *ChecksumError naming expected and actual
// digests. A sha256 is required unless Options.AllowUnverified is set.
// Cancelling the context keeps the partial for a later resume.
//
// VerifyFile checks a file against its declared sha256 before a model is
// loaded; FileSHA256 computes one. Bar renders progress for the CLI.
package fetch
