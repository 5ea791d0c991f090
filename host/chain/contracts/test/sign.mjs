// Signs a fabnode escrow Receipt and Checkpoint with ethers v6, as a browser or Node client would,
// for the Go test TestEthersSignatures. Reads one JSON object on stdin:
//   {"privateKey": "0x…", "chainId": "1337", "verifyingContract": "0x…",
//    "receipt": {"sessionId": "1", "inputTokens": "10", "outputTokens": "20", "outputChain": "0x…"},
//    "checkpoint": {… as receipt …, "prevChain": "0x…"}}
// and writes {"address", "receipt": {"hash", "signature"}, "checkpoint": {"hash", "signature"}}.
import { Wallet, TypedDataEncoder } from "ethers";

const input = JSON.parse(await new Promise((resolve, reject) => {
  let s = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => (s += d));
  process.stdin.on("end", () => resolve(s));
  process.stdin.on("error", reject);
}));

const domain = {
  name: "fabnode-escrow",
  version: "1",
  chainId: BigInt(input.chainId),
  verifyingContract: input.verifyingContract,
};
const types = {
  Receipt: [
    { name: "sessionId", type: "uint256" },
    { name: "inputTokens", type: "uint64" },
    { name: "outputTokens", type: "uint64" },
    { name: "outputChain", type: "bytes32" },
  ],
};
const cpTypes = {
  Checkpoint: [
    { name: "sessionId", type: "uint256" },
    { name: "inputTokens", type: "uint64" },
    { name: "outputTokens", type: "uint64" },
    { name: "outputChain", type: "bytes32" },
    { name: "prevChain", type: "bytes32" },
  ],
};

const wallet = new Wallet(input.privateKey);
const out = { address: wallet.address };
out.receipt = {
  hash: TypedDataEncoder.hash(domain, types, input.receipt),
  signature: await wallet.signTypedData(domain, types, input.receipt),
};
out.checkpoint = {
  hash: TypedDataEncoder.hash(domain, cpTypes, input.checkpoint),
  signature: await wallet.signTypedData(domain, cpTypes, input.checkpoint),
};
process.stdout.write(JSON.stringify(out) + "\n");
