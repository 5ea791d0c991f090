package main

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/fabnode/fabnode/host/chain"
)

func earningsCmd() *cobra.Command {
	var (
		f      chainFlags
		tokens []string
	)
	cmd := &cobra.Command{
		Use:   "earnings",
		Short: "Show the node's withdrawable balances in the escrow, per token",
		Long: `Earnings shows what the escrow holds for the node's address, per payment token
(--token, repeatable: ETH or an ERC-20 address). It reads the address from the
keystore and needs no password. "earnings withdraw" collects them.`,
		Args: cobra.NoArgs,
	}
	f.register(cmd)
	cmd.Flags().StringArrayVar(&tokens, "token", []string{"ETH"}, "payment token: ETH or an ERC-20 address (repeatable)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx, stop := signalContext(cmd)
		defer stop()
		cmd.SetContext(ctx)
		op, err := f.open(cmd, false)
		if err != nil {
			return err
		}
		defer op.done()
		if op.cc.Escrow == (common.Address{}) {
			return fmt.Errorf("set chain.escrow (fabnode chain deploy prints it)")
		}
		acct, err := nodeAccount(op.cfg)
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "earnings of %s in escrow %s (chain %v)\n", acct.Address.Hex(), op.cc.Escrow.Hex(), op.cc.ChainID)
		for _, t := range tokens {
			tok, err := parseToken(t)
			if err != nil {
				return err
			}
			bal, err := chain.Earnings(ctx, op.cl, op.cc.Escrow, acct.Address, tok)
			if err != nil {
				return err
			}
			sym, dec, err := chain.TokenInfo(ctx, op.cl, tok)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  %-8s %s (%v base units)%s\n", sym, formatUnits(bal, dec), bal, tokenSuffix(tok))
		}
		return nil
	}
	cmd.AddCommand(earningsWithdrawCmd())
	return cmd
}

func tokenSuffix(tok common.Address) string {
	if tok == (common.Address{}) {
		return ""
	}
	return "  " + tok.Hex()
}

func earningsWithdrawCmd() *cobra.Command {
	var (
		f      chainFlags
		tokens []string
		to     string
	)
	cmd := &cobra.Command{
		Use:   "withdraw",
		Short: "Withdraw the node's escrow balances (signed by the node key)",
		Long: `Withdraw sends the node's whole balance in each token (--token, repeatable;
ETH by default) from the escrow to the node's address, or to --to.`,
		Args: cobra.NoArgs,
	}
	f.register(cmd)
	cmd.Flags().StringArrayVar(&tokens, "token", []string{"ETH"}, "payment token: ETH or an ERC-20 address (repeatable)")
	cmd.Flags().StringVar(&to, "to", "", "address to send the earnings to (default: the node's)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx, stop := signalContext(cmd)
		defer stop()
		cmd.SetContext(ctx)
		dest, err := chain.ParseAddress("--to", to)
		if err != nil {
			return err
		}
		op, err := f.open(cmd, true)
		if err != nil {
			return err
		}
		defer op.done()
		if op.cc.Escrow == (common.Address{}) {
			return fmt.Errorf("set chain.escrow (fabnode chain deploy prints it)")
		}
		if dest == (common.Address{}) {
			dest = op.key.Address()
		}
		w := cmd.OutOrStdout()
		for i, t := range tokens {
			tok, err := parseToken(t)
			if err != nil {
				return err
			}
			bal, err := chain.Earnings(ctx, op.cl, op.cc.Escrow, op.key.Address(), tok)
			if err != nil {
				return err
			}
			sym, dec, err := chain.TokenInfo(ctx, op.cl, tok)
			if err != nil {
				return err
			}
			if bal.Sign() == 0 {
				fmt.Fprintf(w, "nothing to withdraw in %s\n", sym)
				continue
			}
			st, err := chain.Withdraw(ctx, op.tx, op.cc.Escrow, tok, dest, fmt.Sprintf("withdraw:%d:%s", i, tok.Hex()))
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "withdrew %s %s to %s (tx %s)\n", formatUnits(bal, dec), sym, dest.Hex(), st.TxHash.Hex())
		}
		return nil
	}
	return cmd
}

// formatUnits writes v base units of a token with dec decimals as a
// decimal number, without trailing zeros.
func formatUnits(v *big.Int, dec uint8) string {
	if dec == 0 {
		return v.String()
	}
	s := new(big.Int).Abs(v).String()
	if len(s) <= int(dec) {
		s = strings.Repeat("0", int(dec)-len(s)+1) + s
	}
	i, frac := s[:len(s)-int(dec)], strings.TrimRight(s[len(s)-int(dec):], "0")
	if v.Sign() < 0 {
		i = "-" + i
	}
	if frac == "" {
		return i
	}
	return i + "." + frac
}
