// Package config loads the fabnode node configuration and sets up logging.
//
// # Sources and precedence
//
// The effective configuration is built from, lowest to highest priority:
//
//  1. Default() — built-in values;
//  2. the config file (HCL v2 native syntax, usually config.hcl);
//  3. environment variables FABNODE_<SECTION>_<KEY>, e.g. FABNODE_API_LISTEN,
//     FABNODE_ENGINE_PARALLEL (see EnvVar and Keys);
//  4. command-line flags the CLI binds to keys (a flag wins only when the
//     user set it; its default never masks the file or env).
//
// Layers 1–4 for the fixed sections (node, log, api, engine, admin,
// payments, chain, p2p) go through
// github.com/spf13/viper, with Codec registered as viper's "hcl" codec
// (viper 1.21 has no HCL decoder). The labeled, repeatable blocks
// model "NAME" { ... } and plugin "NAME" { ... } are file-only and read
// straight from the parsed document, because viper lower-cases keys and
// splits them on dots, which would corrupt names like "Qwen2.5-7B" and
// plugin config keys. FABNODE_MODEL_* / FABNODE_PLUGIN_* are refused.
//
// # Schema and validation
//
// The Config struct is the schema: accepted keys come from its mapstructure
// tags, value rules from check tags (see Config). Unknown keys, unknown
// FABNODE_<SECTION>_* variables, wrong types and out-of-range values are
// refused, all at once, as Errors. Each names where the value came from:
//
//	config.hcl:12: unknown key "listn" in block "api"; did you mean "listen"?
//	config.hcl:7: engine.parallel must be between 1 and 256, got 0
//	env FABNODE_ENGINE_PARALLEL: engine.parallel must be between 1 and 256, got 0
//	config.hcl:4:12: Invalid expression; ... (syntax errors carry a column)
//
// A duplicate model or plugin label is an error naming both lines; at most
// one model may set default = true.
//
// Durations are strings ("30s", "10m"); sizes are strings with a unit
// ("512MiB", "8GiB", "1.5GB") or integer byte counts.
//
// # Relative paths
//
// Fields tagged config:"path" (node.data_dir, model.path, plugin.path) that
// are relative and written in the config file are resolved against the
// directory containing that file, so a config works regardless of the
// directory fabnode is started from. Relative values from defaults, env or
// flags are left relative to the process working directory, as a user
// typing them on a shell would expect.
//
// # Secrets
//
// Fields tagged config:"secret" are rendered as "(redacted)" by Render, the
// only sanctioned way to print or log a Config. None exist yet.
package config
