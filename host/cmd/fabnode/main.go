// Command fabnode is the fabnode host node: it serves GGUF models through
// an OpenAI-compatible API and manages the models it serves.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "fabnode:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "fabnode",
		Short:         "Host node for a decentralized LLM inference marketplace",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), modelCmd(), pluginCmd(), benchCmd(), versionCmd(), keyCmd(), chainCmd(), earningsCmd(), p2pCmd(), clientWithSession(clientCmd()))
	return root
}
