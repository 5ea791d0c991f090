package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options describe a load run.
type Options struct {
	URL       string // base URL, e.g. http://127.0.0.1:8080
	Model     string
	Streams   int // concurrent clients
	Requests  int // per stream, run back to back
	MaxTokens int
	// PromptWords sets the prompt length; each request's prompt starts
	// with its own number so no server can reuse a cached prefix.
	PromptWords int
	// FirstRequest offsets the requests' numbers, so that runs against
	// one server (with the same stream count) never repeat a prompt.
	FirstRequest int
	// ResponseFormat, when set, asks for it ("markdown", "html", ...) so
	// that a node's format plugin shapes every streamed chunk.
	ResponseFormat string
	Client         *http.Client
}

// Sample is one finished request.
type Sample struct {
	TTFT       time.Duration
	Tokens     int           // completion tokens: the server's usage count, else content chunks
	Chunks     int           // content chunks received
	DecodeTime time.Duration // first to last chunk
}

// Result aggregates a run.
type Result struct {
	Options Options
	Samples []Sample
	Wall    time.Duration
	Errors  []error
}

// Run executes the load and waits for it.
func Run(ctx context.Context, o Options) Result {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	o.Streams, o.Requests = max(o.Streams, 1), max(o.Requests, 1)
	res := Result{Options: o}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for s := 0; s < o.Streams; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < o.Requests; r++ {
				// Prompts differ between runs with different stream
				// counts against the same node too, so a response cache
				// never answers a benchmark request.
				sample, err := one(ctx, o, o.FirstRequest+o.Streams<<20+s*o.Requests+r)
				mu.Lock()
				if err != nil {
					res.Errors = append(res.Errors, err)
				} else {
					res.Samples = append(res.Samples, sample)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Wall = time.Since(start)
	return res
}

var words = strings.Fields("the node streams tokens to a client that pays for what it receives and the chain settles the session")

// Prompt is the user message of request id: n words, led by the id so no
// server can reuse a cached prefix across requests.
func Prompt(n, id int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "request %d:", id)
	for i := 0; i < n; i++ {
		b.WriteString(" ")
		b.WriteString(words[(i+id)%len(words)])
	}
	return b.String()
}

func one(ctx context.Context, o Options, id int) (Sample, error) {
	fields := map[string]any{
		"model": o.Model, "stream": true, "max_tokens": o.MaxTokens, "temperature": 0, "seed": 1,
		"stream_options": map[string]any{"include_usage": true},
		"messages":       []map[string]string{{"role": "user", "content": Prompt(o.PromptWords, id)}},
	}
	if o.ResponseFormat != "" {
		fields["response_format"] = map[string]string{"type": o.ResponseFormat}
	}
	body, _ := json.Marshal(fields)
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(o.URL, "/")+"/v1/chat/completions", bytes.NewReader(body))
	if err != nil {
		return Sample{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := o.Client.Do(req)
	if err != nil {
		return Sample{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return Sample{}, fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	var s Sample
	var first, last time.Time
	usageTokens := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "data: ") {
			continue
		}
		data := strings.TrimPrefix(line, "data: ")
		if data == "[DONE]" {
			break
		}
		var chunk struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
			Usage *struct {
				CompletionTokens int `json:"completion_tokens"`
			} `json:"usage"`
		}
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			return Sample{}, fmt.Errorf("bad chunk %q: %w", data, err)
		}
		if chunk.Usage != nil && chunk.Usage.CompletionTokens > 0 {
			usageTokens = chunk.Usage.CompletionTokens
		}
		if len(chunk.Choices) == 0 || chunk.Choices[0].Delta.Content == "" {
			continue
		}
		now := time.Now()
		if s.Chunks == 0 {
			first = now
		}
		last = now
		s.Chunks++
	}
	s.Tokens = s.Chunks
	if usageTokens > 0 {
		s.Tokens = usageTokens
	}
	if err := sc.Err(); err != nil {
		return Sample{}, err
	}
	if s.Chunks == 0 {
		return Sample{}, fmt.Errorf("request %d: no tokens", id)
	}
	s.TTFT = first.Sub(start)
	s.DecodeTime = last.Sub(first)
	return s, nil
}

// Summary is the figures a benchmark reports.
type Summary struct {
	Streams          int
	Requests         int
	Tokens           int
	AggregateTokS    float64 // all tokens / wall time
	StreamDecodeTokS float64 // mean over requests of (tokens-1) / decode time
	TTFTMedian       time.Duration
	TTFTP90          time.Duration
	Errors           int
}

// Summarize reduces a result to its figures.
func (r Result) Summarize() Summary {
	s := Summary{Streams: r.Options.Streams, Requests: len(r.Samples), Errors: len(r.Errors)}
	var ttfts []time.Duration
	var rates []float64
	for _, x := range r.Samples {
		s.Tokens += x.Tokens
		ttfts = append(ttfts, x.TTFT)
		if x.Tokens > 1 && x.DecodeTime > 0 {
			rates = append(rates, float64(x.Tokens-1)/x.DecodeTime.Seconds())
		}
	}
	if r.Wall > 0 {
		s.AggregateTokS = float64(s.Tokens) / r.Wall.Seconds()
	}
	for _, v := range rates {
		s.StreamDecodeTokS += v / float64(len(rates))
	}
	sort.Slice(ttfts, func(i, j int) bool { return ttfts[i] < ttfts[j] })
	if n := len(ttfts); n > 0 {
		s.TTFTMedian = ttfts[n/2]
		s.TTFTP90 = ttfts[min(n-1, n*9/10)]
	}
	return s
}
