// Pay a fabnode for a chat from JavaScript, with ethers and the openai
// package:
//
//   1. open an escrow session with the node (ethers): a deposit, the node's
//      quoted prices in wei per token, a credit window, an expiry, and a
//      fresh session key that signs this session's requests and receipts;
//   2. stream a chat with the openai package: a custom fetch signs the exact
//      body it sends (EIP-712 Request{sessionId, nonce, keccak256(body)});
//   3. hash what arrives into the output chain, and countersign each state
//      the node asks a receipt for once it matches (EIP-712 Receipt), POSTing
//      it to /v1/sessions/{id}/receipts;
//   4. close the session and read the node's settlement.
//
// Run against `make run` (its development chain):
//
//   cd examples/client-js && npm ci
//   FABNODE_DEV_CLIENT_KEY=1 FABNODE_NODE_REGISTRY=0xE200D430d1A9096D9438a326ffA27F8c25bc66C0 \
//     node paid-chat.mjs "Tell me about the green river"
//
// Environment: FABNODE_URL (default http://127.0.0.1:8080), FABNODE_RPC
// (default http://127.0.0.1:8545), FABNODE_ESCROW (default: the escrow of
// every fabnode-devchain), the wallet key in FABNODE_KEY_FILE (a file with a
// hex private key) or FABNODE_DEV_CLIENT_KEY=1 (the development chain's
// funded client account, whose key is public: chain 1337 only),
// FABNODE_MODEL, FABNODE_MAX_TOKENS (default 64), FABNODE_DEPOSIT (ETH,
// default 0.01), FABNODE_WINDOW (credit window in tokens, default 64),
// FABNODE_SUMMARY (a file to write the outcome to, as JSON),
// FABNODE_NODE_REGISTRY (the NodeRegistry: when set, the account the node
// names in /health must be registered there with FABNODE_URL as its API,
// or no deposit is made; on `make run`'s chain it is
// 0xE200D430d1A9096D9438a326ffA27F8c25bc66C0), FABNODE_TRUST_NODE=1 (deposit
// without that check passing).

import { readFileSync, writeFileSync } from "node:fs";
import { Contract, JsonRpcProvider, Wallet, concat, getBytes, keccak256, parseEther, toUtf8Bytes } from "ethers";
import OpenAI from "openai";

const env = process.env;
const NODE = (env.FABNODE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const RPC = env.FABNODE_RPC ?? "http://127.0.0.1:8545";
const ESCROW = env.FABNODE_ESCROW ?? "0x809926c727c3b3D96d7D2cab6a76411d501aa925";
const MAX_TOKENS = Number(env.FABNODE_MAX_TOKENS ?? 64);
const DEPOSIT = parseEther(env.FABNODE_DEPOSIT ?? "0.01");
const WINDOW = Number(env.FABNODE_WINDOW ?? 64);
const NODE_REGISTRY = env.FABNODE_NODE_REGISTRY;
const message = process.argv.slice(2).join(" ") || "Tell me about the green river";

// The escrow's functions and events this client uses (SessionEscrow.sol).
const escrowABI = [
  "function open((address host, bytes32 modelId, address token, uint256 deposit, uint256 inputPrice, uint256 outputPrice, uint32 creditWindow, uint64 expiry, address sessionKey) t) payable returns (uint256 sessionId)",
  "function close(uint256 sessionId)",
  "event SessionOpened(uint256 indexed sessionId, address indexed depositor, address indexed host, bytes32 modelId, address token, uint256 deposit, uint256 inputPrice, uint256 outputPrice, uint32 creditWindow, uint64 expiry, address sessionKey)",
  "event SessionSettled(uint256 indexed sessionId, address indexed host, address indexed depositor, uint64 inputTokens, uint64 outputTokens, bytes32 outputChain, bool withCheckpoint, uint256 hostAmount, uint256 fee, uint256 refund)",
];

// The NodeRegistry's entry of a host (NodeRegistry.sol).
const registryABI = [
  "function getHost(address host) view returns ((string apiUrl, bytes peerId, string[] multiaddrs, (bytes32 modelId, uint256 minInputPrice, uint256 minOutputPrice)[] models, address[] paymentTokens) info, uint64 registeredAt)",
];

// checkRegistered refuses to deposit for the account a node names in
// /health unless the NodeRegistry lists it with the URL this client talks
// to: anyone answering at a URL can name any account.
async function checkRegistered(provider, host) {
  if (!NODE_REGISTRY) return "not checked against a NodeRegistry (FABNODE_NODE_REGISTRY is not set)";
  const [info, registeredAt] = await new Contract(NODE_REGISTRY, registryABI, provider).getHost(host);
  const same = (a, b) => a.replace(/\/$/, "").toLowerCase() === b.replace(/\/$/, "").toLowerCase();
  let problem = "";
  if (registeredAt === 0n) problem = `${host} is not registered in the NodeRegistry ${NODE_REGISTRY}`;
  else if (!same(info.apiUrl, NODE)) problem = `${host}'s NodeRegistry entry gives its API as ${JSON.stringify(info.apiUrl)}, not ${NODE}`;
  if (!problem) return "registered in the NodeRegistry with this API URL";
  if (env.FABNODE_TRUST_NODE === "1") return problem + " (FABNODE_TRUST_NODE=1)";
  throw new Error(`refusing to deposit: ${problem} (set FABNODE_TRUST_NODE=1 to deposit anyway)`);
}

// The EIP-712 types the node and the escrow check (host/chain/typeddata.go).
const requestTypes = { Request: [
  { name: "sessionId", type: "uint256" }, { name: "nonce", type: "uint64" }, { name: "bodyHash", type: "bytes32" }] };
const receiptTypes = { Receipt: [
  { name: "sessionId", type: "uint256" }, { name: "inputTokens", type: "uint64" },
  { name: "outputTokens", type: "uint64" }, { name: "outputChain", type: "bytes32" }] };

const log = (...a) => console.error(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function getJSON(path) {
  const r = await fetch(NODE + path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

// weiPerToken is the smallest price covering a quote of `nanos` nano-ETH
// per token: 10^18 wei per ETH, 10^9 nano-ETH per ETH.
const weiPerToken = (nanos) => BigInt(nanos) * 10n ** 9n;

async function main() {
  // No request cache: ethers shares identical calls made within 250 ms,
  // so a close sent soon after the open would reuse the open's nonce.
  const provider = new JsonRpcProvider(RPC, undefined, { cacheTimeout: -1 });
  provider.pollingInterval = 200; // tx.wait() polls this often (default 4 s)
  const { chainId } = await provider.getNetwork();
  let key;
  if (env.FABNODE_KEY_FILE) {
    key = readFileSync(env.FABNODE_KEY_FILE, "utf8").trim();
  } else if (env.FABNODE_DEV_CLIENT_KEY === "1") {
    if (chainId !== 1337n) throw new Error(`FABNODE_DEV_CLIENT_KEY is a public key, for chain 1337 only; this is chain ${chainId}`);
    key = keccak256(toUtf8Bytes("fabnode dev key client")); // fabnode-devchain's client account
  } else {
    throw new Error("no wallet key: set FABNODE_KEY_FILE (a file holding a hex private key) or, on a development chain, FABNODE_DEV_CLIENT_KEY=1");
  }
  const wallet = new Wallet(key, provider);
  const escrow = new Contract(ESCROW, escrowABI, wallet);
  const domain = { name: "fabnode-escrow", version: "1", chainId, verifyingContract: ESCROW };

  // 1. The node's account, model id and prices; open the session.
  const health = await getJSON("/health");
  log(`the node's account ${health.node_key}: ${await checkRegistered(provider, health.node_key)}`);
  const quote = await getJSON("/v1/quote" + (env.FABNODE_MODEL ? "?model=" + encodeURIComponent(env.FABNODE_MODEL) : ""));
  const model = await getJSON("/v1/models/" + encodeURIComponent(quote.model));
  if (quote.currency !== "ETH") throw new Error(`the node quotes in ${quote.currency}; this client pays in ETH`);
  if (!model.sha256) throw new Error(`the node does not tell model ${quote.model}'s SHA-256`);
  const inputPrice = weiPerToken(quote.input_nanos_per_token);
  const outputPrice = weiPerToken(quote.output_nanos_per_token);
  const sessionKey = Wallet.createRandom();
  const balanceBefore = await provider.getBalance(wallet.address);
  const fromBlock = await provider.getBlockNumber();
  const terms = {
    host: health.node_key, modelId: "0x" + model.sha256, token: "0x0000000000000000000000000000000000000000",
    deposit: DEPOSIT, inputPrice, outputPrice, creditWindow: WINDOW,
    expiry: BigInt(Math.floor(Date.now() / 1000) + 3600), sessionKey: sessionKey.address,
  };
  const openTx = await escrow.open(terms, { value: DEPOSIT });
  const opened = await openTx.wait();
  const ev = opened.logs.map((l) => escrow.interface.parseLog(l)).find((e) => e?.name === "SessionOpened");
  const sessionId = ev.args.sessionId;
  log(`opened session ${sessionId} with ${health.node_key} for ${quote.model}: ${inputPrice} / ${outputPrice} wei per input / output token, window ${WINDOW}, deposit ${DEPOSIT} wei`);

  // 2. The openai client: the session in a default header, the nonce and
  // the signature over the exact body added by a fetch that sends it.
  let nonce = BigInt(Date.now()) * 1000n;
  const signingFetch = async (url, init = {}) => {
    const headers = new Headers(init.headers);
    const body = typeof init.body === "string" ? toUtf8Bytes(init.body) : getBytes(init.body ?? new Uint8Array());
    nonce += 1n;
    const signature = await sessionKey.signTypedData(domain, requestTypes,
      { sessionId: BigInt(headers.get("Fabnode-Session")), nonce, bodyHash: keccak256(body) });
    headers.set("Fabnode-Nonce", nonce.toString());
    headers.set("Fabnode-Signature", signature);
    return fetch(url, { ...init, headers, body });
  };
  const openai = new OpenAI({ baseURL: NODE + "/v1", apiKey: "unused", maxRetries: 0, fetch: signingFetch,
    defaultHeaders: { "Fabnode-Session": sessionId.toString() } });

  // 3. Stream, hashing what arrives; countersign what the node asks for
  // once it is what arrived.
  let outputChain = "0x" + "00".repeat(32);
  let receipted = { input_tokens: 0, output_tokens: 0, output_chain: outputChain };
  const answer = async (req) => {
    if (req.session !== sessionId.toString()) throw new Error(`a receipt request for session ${req.session}`);
    if (req.output_chain.toLowerCase() !== outputChain.toLowerCase())
      throw new Error(`the node asks a receipt for output chain ${req.output_chain}, but what arrived hashes to ${outputChain}`);
    if (req.input_tokens < receipted.input_tokens || req.output_tokens < receipted.output_tokens)
      throw new Error("the node asks a receipt below one already signed");
    if (req.input_tokens === receipted.input_tokens && req.output_tokens === receipted.output_tokens) return;
    const signature = await sessionKey.signTypedData(domain, receiptTypes, { sessionId,
      inputTokens: req.input_tokens, outputTokens: req.output_tokens, outputChain: req.output_chain });
    const r = await fetch(`${NODE}/v1/sessions/${sessionId}/receipts`, { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ input_tokens: req.input_tokens, output_tokens: req.output_tokens, output_chain: req.output_chain, signature }) });
    if (!r.ok) throw new Error(`the node refused a receipt: ${r.status} ${await r.text()}`);
    receipted = { input_tokens: req.input_tokens, output_tokens: req.output_tokens, output_chain: req.output_chain };
  };
  let stream;
  for (const deadline = Date.now() + 30_000; ;) {
    try {
      stream = await openai.chat.completions.create({ model: quote.model, stream: true, max_tokens: MAX_TOKENS,
        temperature: 0, messages: [{ role: "user", content: message }] });
      break;
    } catch (e) {
      // A new session is served once the node has seen it confirmed.
      if (e instanceof OpenAI.APIError && e.status === 402 && /not known|not confirmed/.test(e.message) && Date.now() < deadline) {
        await sleep(250);
        continue;
      }
      throw e;
    }
  }
  let receipts = 0;
  for await (const chunk of stream) {
    for (const choice of chunk.choices ?? []) {
      const piece = choice.delta?.content;
      if (piece) {
        outputChain = keccak256(concat([outputChain, keccak256(toUtf8Bytes(piece))]));
        process.stdout.write(piece);
      }
    }
    const req = chunk.fabnode?.receipt_request;
    if (req) {
      await answer(req);
      receipts++;
    }
  }
  process.stdout.write("\n");
  const cost = BigInt(receipted.input_tokens) * inputPrice + BigInt(receipted.output_tokens) * outputPrice;
  log(`countersigned ${receipted.input_tokens} input + ${receipted.output_tokens} output tokens in ${receipts} receipts: ${cost} wei`);

  // 4. Close; the node settles on the last receipt.
  const closed = await (await escrow.close(sessionId)).wait();
  let settled;
  for (const deadline = Date.now() + 120_000; !settled; await sleep(250)) {
    if (Date.now() > deadline) throw new Error(`session ${sessionId} was not settled within 2 minutes`);
    settled = (await escrow.queryFilter(escrow.filters.SessionSettled(sessionId), fromBlock))[0];
  }
  const s = settled.args;
  const gas = opened.gasUsed * opened.gasPrice + closed.gasUsed * closed.gasPrice;
  const balanceAfter = await provider.getBalance(wallet.address);
  const summary = {
    session: sessionId.toString(), depositor: wallet.address, host: health.node_key,
    input_price: inputPrice.toString(), output_price: outputPrice.toString(), deposit: DEPOSIT.toString(),
    receipted, receipts, cost: cost.toString(),
    settled: { input_tokens: Number(s.inputTokens), output_tokens: Number(s.outputTokens), output_chain: s.outputChain,
      with_checkpoint: s.withCheckpoint, host_amount: s.hostAmount.toString(), fee: s.fee.toString(), refund: s.refund.toString() },
    gas_wei: gas.toString(), balance_before: balanceBefore.toString(), balance_after: balanceAfter.toString(),
    open_tx: openTx.hash, close_tx: closed.hash,
  };
  const paid = s.hostAmount + s.fee;
  log(`settled: paid ${paid} wei (host ${s.hostAmount}, fee ${s.fee}), refunded ${s.refund} wei; gas ${gas} wei`);
  const problems = [];
  if (!s.withCheckpoint && paid !== cost) problems.push(`paid ${paid} wei for a countersigned ${cost}`);
  if (s.refund !== DEPOSIT - paid) problems.push(`refund ${s.refund}, want ${DEPOSIT - paid}`);
  if (balanceAfter !== balanceBefore - DEPOSIT + s.refund - gas) problems.push(`balance ${balanceBefore} → ${balanceAfter}, want −${paid} − gas ${gas}`);
  if (env.FABNODE_SUMMARY) writeFileSync(env.FABNODE_SUMMARY, JSON.stringify(summary, null, 2) + "\n");
  if (problems.length) throw new Error(problems.join("; "));
}

main().catch((e) => {
  console.error("paid-chat:", e.message ?? e);
  process.exit(1);
});
