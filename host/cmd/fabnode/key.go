package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/identity"
	"github.com/fabnode/fabnode/host/node"
)

// loadConfigFile loads the config the way serve does: --config, or
// config.hcl when it exists, else defaults, env and flags only.
func loadConfigFile(cmd *cobra.Command, path string) (*config.Config, error) {
	if !cmd.Flags().Changed("config") {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			path = ""
		}
	}
	return config.Load(path, nil)
}

func keyCmd() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "key",
		Short: "The node's key: its Ethereum account, the signer of its commitments",
		Long: `The node has one secp256k1 key, in an encrypted keystore in data_dir/keystore
(node.keystore). Its password comes from node.key_password_file or the
environment variable FABNODE_KEY_PASSWORD; "key new" and "key import" ask for it
on a terminal when neither is set.`,
	}
	cmd.PersistentFlags().StringVarP(&cfgPath, "config", "c", "config.hcl", "configuration file (HCL)")
	cmd.AddCommand(keyNewCmd(&cfgPath), keyImportCmd(&cfgPath), keyAddressCmd(&cfgPath))
	return cmd
}

func lightKDF(cmd *cobra.Command, ks *identity.Keystore) {
	if light, _ := cmd.Flags().GetBool("lightkdf"); light {
		ks.ScryptN, ks.ScryptP = identity.LightScryptN, identity.LightScryptP
	}
}

// newPassword is the password a new key is encrypted with.
func newPassword(cmd *cobra.Command, cfg *config.Config) (pw, source string, err error) {
	pw, source, ok, err := identity.ReadPassword(cfg.Node.KeyPasswordFile)
	if err != nil {
		return "", "", err
	}
	if !ok {
		fd := int(os.Stdin.Fd())
		if !term.IsTerminal(fd) {
			return "", "", identity.ErrNoPassword
		}
		first, err := prompt(cmd.ErrOrStderr(), fd, "Password for the node key: ")
		if err != nil {
			return "", "", err
		}
		again, err := prompt(cmd.ErrOrStderr(), fd, "Again: ")
		if err != nil {
			return "", "", err
		}
		if first != again {
			return "", "", errors.New("the passwords differ")
		}
		pw, source = first, "the password typed"
	}
	if pw == "" {
		return "", "", errors.New("an empty password protects nothing: choose one (a development key, with node.dev_key, is the only key without)")
	}
	return pw, source, nil
}

func prompt(w io.Writer, fd int, text string) (string, error) {
	fmt.Fprint(w, text)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(w)
	return string(b), err
}

func reportKey(cmd *cobra.Command, verb string, k *identity.Key, source string) {
	fmt.Fprintf(cmd.OutOrStdout(), "%s the node key %s\n  file      %s\n  password  %s\n"+
		"Back up the file and its password: they hold the node's account and its earnings.\n",
		verb, k.Address().Hex(), k.File(), source)
}

// emptyKeystore is the configuration at cfgPath and its node keystore,
// which must not hold a key yet: new and import never add a second one.
func emptyKeystore(cmd *cobra.Command, cfgPath string) (*config.Config, identity.Keystore, error) {
	cfg, err := loadConfigFile(cmd, cfgPath)
	if err != nil {
		return nil, identity.Keystore{}, err
	}
	ks := node.Keystore(cfg)
	lightKDF(cmd, &ks)
	if a, err := ks.Only(); err == nil {
		return nil, identity.Keystore{}, fmt.Errorf("%w: %s in %s", identity.ErrKeyExists, a.Address.Hex(), a.File)
	}
	return cfg, ks, nil
}

func keyNewCmd(cfgPath *string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Create the node's key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, ks, err := emptyKeystore(cmd, *cfgPath)
			if err != nil {
				return err
			}
			pw, source, err := newPassword(cmd, cfg)
			if err != nil {
				return err
			}
			k, err := ks.New(pw)
			if err != nil {
				return err
			}
			reportKey(cmd, "created", k, source)
			noteLegacy(cmd, cfg)
			return nil
		},
	}
	cmd.Flags().Bool("lightkdf", false, "weaker, faster key encryption (tests and throwaway nodes)")
	return cmd
}

func keyImportCmd(cfgPath *string) *cobra.Command {
	var filePassword string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import the node's key from a hex private key file or a keystore JSON file",
		Long: `Import stores an existing Ethereum key as the node's key, encrypted with the
node's password. FILE holds 64 hex digits (a private key), or is a keystore
JSON file (geth, clef, ethers), decrypted with the password in
--file-password-file or, without it, the node's password.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ks, err := emptyKeystore(cmd, *cfgPath)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			pw, source, err := newPassword(cmd, cfg)
			if err != nil {
				return err
			}
			filePw := pw
			if filePassword != "" {
				if filePw, _, _, err = identity.ReadPassword(filePassword); err != nil {
					return err
				}
			}
			priv, err := identity.ParsePrivateKey(data, filePw)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			k, err := ks.Import(priv, pw)
			if err != nil {
				return err
			}
			reportKey(cmd, "imported", k, source)
			noteLegacy(cmd, cfg)
			return nil
		},
	}
	cmd.Flags().Bool("lightkdf", false, "weaker, faster key encryption (tests and throwaway nodes)")
	cmd.Flags().StringVar(&filePassword, "file-password-file", "", "file holding the password of a keystore JSON FILE (default: the node's password)")
	return cmd
}

// noteLegacy tells the operator of a node moved from an Ed25519 key what
// becomes of it.
func noteLegacy(cmd *cobra.Command, cfg *config.Config) {
	if l := identity.ReadLegacyKey(node.LegacyKeyFile(cfg)); l != nil {
		fmt.Fprintf(cmd.OutOrStdout(), "The Ed25519 key in %s (public key %s) is no longer used: commitments signed before verify against it, so keep the file.\n",
			l.File, l.PublicKeyHex())
	}
}

func keyAddressCmd(cfgPath *string) *cobra.Command {
	return &cobra.Command{
		Use:   "address",
		Short: "Print the node's address (no password needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfigFile(cmd, *cfgPath)
			if err != nil {
				return err
			}
			a, err := nodeAccount(cfg)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), a.Address.Hex())
			return nil
		},
	}
}

// nodeAccount is the node's key file, read without its password, with the
// migration message for a node that has only the old Ed25519 key.
func nodeAccount(cfg *config.Config) (identity.Account, error) {
	ks := node.Keystore(cfg)
	a, err := ks.Only()
	if errors.Is(err, identity.ErrNoKey) {
		if l := identity.ReadLegacyKey(node.LegacyKeyFile(cfg)); l != nil {
			return a, &identity.MigrationError{Legacy: *l, Keystore: ks.Dir}
		}
		return a, fmt.Errorf("%w in %s: create it with `fabnode key new`", identity.ErrNoKey, ks.Dir)
	}
	return a, err
}
