// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title SessionEscrow
/// @notice Pay-per-token inference sessions and the balances they leave (host earnings, protocol
/// fees, refunds that could not be pushed). See host/chain/SETTLEMENT.md for the game.
///
/// A client (the depositor) opens a session for a host, a model, a price per input and per output
/// token, a deposit, a credit window (tokens) and an expiry, paying native ETH or an ERC-20. It may
/// name a session key, an address that signs receipts for this session alone.
///
/// The client (or its session key) signs cumulative EIP-712 `Receipt`s of the tokens it received.
/// The host settles once, with the receipt of its choice (its highest) and optionally its own
/// `Checkpoint` that extends the receipted output hash chain by at most the credit window. The
/// payment min(deposit, inputTokens * inputPrice + outputTokens * outputPrice) is split into the
/// protocol fee (to the treasury's balance) and the host's earnings (to the host's balance); the
/// rest of the deposit is pushed back to the depositor, or credited to its balance when the push
/// fails. A settled session's storage is cleared and session ids are never reused, so nothing can
/// be settled twice.
///
/// Who may settle when, with deadline = the expiry, or the time of the client's `close`:
///   - the host: any time up to deadline + disputeWindow;
///   - anyone else: from the deadline up to deadline + disputeWindow, and only with a checkpoint the
///     host signed (so a relayer can settle for the host, but nobody can settle a lower claim
///     than the host signed);
///   - after deadline + disputeWindow, nobody can settle and anyone can refund the whole deposit.
///
/// There is no owner and nothing is upgradeable; the fee, treasury and dispute window are fixed
/// at deploy.
contract SessionEscrow is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type of a client's receipt. Its fields are cumulative over the session.
    bytes32 public constant RECEIPT_TYPEHASH =
        keccak256("Receipt(uint256 sessionId,uint64 inputTokens,uint64 outputTokens,bytes32 outputChain)");
    /// @notice EIP-712 type of a host's checkpoint; `prevChain` is the receipt's outputChain it extends.
    bytes32 public constant CHECKPOINT_TYPEHASH =
        keccak256(
            "Checkpoint(uint256 sessionId,uint64 inputTokens,uint64 outputTokens,bytes32 outputChain,bytes32 prevChain)"
        );

    /// @notice The highest protocol fee, in basis points (10%).
    uint256 public constant MAX_FEE_BPS = 1000;
    /// @notice Gas given to a depositor receiving its native refund. Above that, or if it reverts,
    /// the refund is credited to its balance instead, so a depositor cannot block settlement.
    uint256 public constant REFUND_GAS = 30_000;
    /// @notice The token address that means native ETH.
    address public constant NATIVE = address(0);

    /// @notice Why settleMany skipped an entry.
    uint8 public constant SKIP_NOT_OPEN = 1; // settled, refunded or never opened
    uint8 public constant SKIP_WINDOW_CLOSED = 2; // past deadline + disputeWindow

    address public immutable treasury;
    uint16 public immutable feeBps;
    uint32 public immutable disputeWindow;

    /// @notice What a client passes to `open`.
    struct Terms {
        address host;
        bytes32 modelId;
        address token; // address(0): native ETH
        uint256 deposit; // at most type(uint96).max
        uint256 inputPrice; // per input token, at most type(uint96).max
        uint256 outputPrice; // per output token, at most type(uint96).max
        uint32 creditWindow; // tokens the host may add to a receipt with a checkpoint
        uint64 expiry; // unix seconds, in the future, at most type(uint40).max
        address sessionKey; // address(0): none; never the host
    }

    /// @notice A stored session: five slots. `depositor == address(0)` means not open.
    struct Session {
        address depositor;
        uint40 expiry; // the deadline: the expiry, or the time of the client's close
        uint32 creditWindow;
        address host;
        uint96 inputPrice;
        address token;
        uint96 outputPrice;
        address sessionKey;
        uint96 deposit;
        bytes32 modelId;
    }

    struct Receipt {
        uint256 sessionId;
        uint64 inputTokens;
        uint64 outputTokens;
        bytes32 outputChain;
    }

    struct Checkpoint {
        uint256 sessionId;
        uint64 inputTokens;
        uint64 outputTokens;
        bytes32 outputChain;
        bytes32 prevChain;
    }

    /// @notice One settlement. An empty `receiptSig` stands for the zero receipt (0, 0, 0x0), which
    /// every session starts from; an empty `checkpointSig` means no checkpoint (its fields are then
    /// ignored).
    struct Settlement {
        Receipt receipt;
        bytes receiptSig;
        Checkpoint checkpoint;
        bytes checkpointSig;
    }

    /// @notice The next session id; ids start at 1 and are never reused.
    uint256 public nextSessionId = 1;
    mapping(uint256 sessionId => Session) private _sessions;
    /// @notice Withdrawable balance of an account in a token (address(0): ETH): host earnings,
    /// treasury fees and refunds whose push failed.
    mapping(address account => mapping(address token => uint256)) public balances;

    event SessionOpened(
        uint256 indexed sessionId,
        address indexed depositor,
        address indexed host,
        bytes32 modelId,
        address token,
        uint256 deposit,
        uint256 inputPrice,
        uint256 outputPrice,
        uint32 creditWindow,
        uint64 expiry,
        address sessionKey
    );
    event SessionClosing(uint256 indexed sessionId, address indexed host, uint64 deadline, uint64 settleBy);
    event SessionSettled(
        uint256 indexed sessionId,
        address indexed host,
        address indexed depositor,
        uint64 inputTokens,
        uint64 outputTokens,
        bytes32 outputChain,
        bool withCheckpoint,
        uint256 hostAmount,
        uint256 fee,
        uint256 refund
    );
    event SessionRefunded(uint256 indexed sessionId, address indexed host, address indexed depositor, uint256 amount);
    event SettlementSkipped(uint256 indexed sessionId, uint8 reason);
    event RefundCredited(address indexed account, address indexed token, uint256 amount);
    event Withdrawn(address indexed account, address indexed token, address to, uint256 amount);

    // constructor
    error InvalidTreasury();
    error FeeTooHigh(uint256 feeBps);
    // open
    error InvalidHost();
    error SessionKeyIsHost();
    error ZeroDeposit();
    error DepositTooLarge(uint256 deposit);
    error PriceTooLarge(uint256 price);
    error InvalidExpiry(uint64 expiry);
    error WrongValue(uint256 sent, uint256 expected);
    error DepositNotReceived(uint256 expected, uint256 received);
    // sessions
    error SessionNotOpen(uint256 sessionId);
    error NotDepositor(uint256 sessionId);
    error SessionEnded(uint256 sessionId, uint64 deadline);
    // settlement
    error SettlementWindowClosed(uint256 sessionId, uint64 settleBy);
    error OnlyHostBeforeDeadline(uint256 sessionId, uint64 deadline);
    error CheckpointRequired(uint256 sessionId);
    error UnsignedReceiptNotZero(uint256 sessionId);
    error InvalidReceiptSignature(uint256 sessionId);
    error CheckpointSessionMismatch(uint256 sessionId, uint256 checkpointSessionId);
    error CheckpointNotExtending(uint256 sessionId);
    error CheckpointBelowReceipt(uint256 sessionId);
    error CreditWindowExceeded(uint256 sessionId, uint256 extraTokens, uint256 creditWindow);
    error InvalidCheckpointSignature(uint256 sessionId);
    // refund
    error RefundTooEarly(uint256 sessionId, uint64 settleBy);
    error InsufficientGas();
    // withdraw
    error InvalidRecipient();
    error NothingToWithdraw(address account, address token);
    error NativeTransferFailed(address to, uint256 amount);

    /// @param treasury_ receives the protocol fee (in its balance here).
    /// @param feeBps_ the protocol fee in basis points of each payment, at most MAX_FEE_BPS.
    /// @param disputeWindow_ seconds after a session's deadline during which it can still be settled.
    constructor(address treasury_, uint16 feeBps_, uint32 disputeWindow_) EIP712("fabnode-escrow", "1") {
        if (treasury_ == address(0)) revert InvalidTreasury();
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_);
        treasury = treasury_;
        feeBps = feeBps_;
        disputeWindow = disputeWindow_;
    }

    // ---- open and close ----

    /// @notice Opens a session paid by the caller: msg.value == deposit for ETH, or an ERC-20
    /// allowance of `deposit` (the contract must receive exactly `deposit`).
    function open(Terms calldata t) external payable nonReentrant returns (uint256 sessionId) {
        address host = t.host;
        if (host == address(0)) revert InvalidHost();
        if (t.sessionKey == host) revert SessionKeyIsHost();
        uint256 deposit = t.deposit;
        if (deposit == 0) revert ZeroDeposit();
        if (deposit > type(uint96).max) revert DepositTooLarge(deposit);
        if (t.inputPrice > type(uint96).max) revert PriceTooLarge(t.inputPrice);
        if (t.outputPrice > type(uint96).max) revert PriceTooLarge(t.outputPrice);
        if (t.expiry <= block.timestamp || t.expiry > type(uint40).max) revert InvalidExpiry(t.expiry);
        address token = t.token;
        uint256 before;
        if (token == NATIVE) {
            if (msg.value != deposit) revert WrongValue(msg.value, deposit);
        } else {
            if (msg.value != 0) revert WrongValue(msg.value, 0);
            before = IERC20(token).balanceOf(address(this));
        }

        unchecked {
            sessionId = nextSessionId++;
        }
        _sessions[sessionId] = Session({
            depositor: msg.sender,
            expiry: uint40(t.expiry),
            creditWindow: t.creditWindow,
            host: host,
            inputPrice: uint96(t.inputPrice),
            token: token,
            outputPrice: uint96(t.outputPrice),
            sessionKey: t.sessionKey,
            deposit: uint96(deposit),
            modelId: t.modelId
        });
        emit SessionOpened(
            sessionId,
            msg.sender,
            host,
            t.modelId,
            token,
            deposit,
            t.inputPrice,
            t.outputPrice,
            t.creditWindow,
            t.expiry,
            t.sessionKey
        );

        if (token != NATIVE) {
            IERC20(token).safeTransferFrom(msg.sender, address(this), deposit);
            uint256 balance = IERC20(token).balanceOf(address(this));
            uint256 received = balance > before ? balance - before : 0;
            if (received != deposit) revert DepositNotReceived(deposit, received);
        }
    }

    /// @notice Ends the session now (the depositor or its session key): its deadline becomes the
    /// current time, and the host has disputeWindow seconds left to settle.
    function close(uint256 sessionId) external nonReentrant {
        Session storage s = _sessions[sessionId];
        address depositor = s.depositor;
        if (depositor == address(0)) revert SessionNotOpen(sessionId);
        if (msg.sender != depositor && msg.sender != s.sessionKey) revert NotDepositor(sessionId);
        uint64 deadline = s.expiry;
        if (block.timestamp >= deadline) revert SessionEnded(sessionId, deadline);
        s.expiry = uint40(block.timestamp);
        emit SessionClosing(sessionId, s.host, uint64(block.timestamp), uint64(block.timestamp) + disputeWindow);
    }

    // ---- settlement ----

    /// @notice Settles one session. Reverts with the reason when it cannot.
    function settle(Settlement calldata s) external nonReentrant {
        (bool ok, Outcome memory o) = _settle(s, false);
        // _settle(…, false) reverts rather than skip.
        assert(ok);
        _credit(o.host, o.token, o.hostAmount);
        _credit(treasury, o.token, o.fee);
        if (o.refund != 0) _push(o.depositor, o.token, o.refund);
    }

    /// @notice Settles many sessions in one transaction. An entry whose session is no longer open
    /// (already settled, refunded, or never opened; also a duplicate within the batch) or whose
    /// settlement window has closed is skipped with a SettlementSkipped event, so one stale entry
    /// cannot block the batch. Any other fault (a bad signature, a checkpoint over the credit
    /// window, a caller not allowed to settle, …) reverts the whole batch with its reason.
    /// Earnings and fees of consecutive entries with the same host and token are credited at once.
    function settleMany(Settlement[] calldata list) external nonReentrant {
        uint256 n = list.length;
        Outcome[] memory outs = new Outcome[](n);
        address host;
        address token;
        uint256 hostSum;
        uint256 feeSum;
        for (uint256 i; i < n; ++i) {
            (bool ok, Outcome memory o) = _settle(list[i], true);
            if (!ok) continue;
            outs[i] = o;
            if (o.host != host || o.token != token) {
                _credit(host, token, hostSum);
                _credit(treasury, token, feeSum);
                host = o.host;
                token = o.token;
                hostSum = 0;
                feeSum = 0;
            }
            hostSum += o.hostAmount;
            feeSum += o.fee;
        }
        _credit(host, token, hostSum);
        _credit(treasury, token, feeSum);
        for (uint256 i; i < n; ++i) {
            Outcome memory o = outs[i];
            if (o.refund != 0) _push(o.depositor, o.token, o.refund);
        }
    }

    struct Outcome {
        address host;
        address token;
        address depositor;
        uint256 hostAmount;
        uint256 fee;
        uint256 refund;
    }

    /// Checks one settlement, clears the session and emits SessionSettled. Moves no funds and
    /// writes no balance: the caller credits the outcome and pushes the refund.
    function _settle(Settlement calldata st, bool skippable) private returns (bool, Outcome memory o) {
        uint256 id = st.receipt.sessionId;
        Session storage s = _sessions[id];
        address depositor = s.depositor;
        if (depositor == address(0)) {
            if (skippable) {
                emit SettlementSkipped(id, SKIP_NOT_OPEN);
                return (false, o);
            }
            revert SessionNotOpen(id);
        }
        uint64 deadline = s.expiry;
        uint64 settleBy = deadline + disputeWindow;
        if (block.timestamp > settleBy) {
            if (skippable) {
                emit SettlementSkipped(id, SKIP_WINDOW_CLOSED);
                return (false, o);
            }
            revert SettlementWindowClosed(id, settleBy);
        }
        address host = s.host;
        bool withCheckpoint = st.checkpointSig.length != 0;
        if (msg.sender != host) {
            if (block.timestamp < deadline) revert OnlyHostBeforeDeadline(id, deadline);
            if (!withCheckpoint) revert CheckpointRequired(id);
        }

        uint64 inTokens = st.receipt.inputTokens;
        uint64 outTokens = st.receipt.outputTokens;
        bytes32 chain = st.receipt.outputChain;
        if (st.receiptSig.length == 0) {
            if (inTokens != 0 || outTokens != 0 || chain != bytes32(0)) revert UnsignedReceiptNotZero(id);
        } else {
            bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(RECEIPT_TYPEHASH, id, inTokens, outTokens, chain)));
            if (!_isClientSignature(depositor, s.sessionKey, digest, st.receiptSig)) {
                revert InvalidReceiptSignature(id);
            }
        }

        if (withCheckpoint) {
            Checkpoint calldata cp = st.checkpoint;
            if (cp.sessionId != id) revert CheckpointSessionMismatch(id, cp.sessionId);
            if (cp.prevChain != chain) revert CheckpointNotExtending(id);
            if (cp.inputTokens < inTokens || cp.outputTokens < outTokens) revert CheckpointBelowReceipt(id);
            uint256 extra = uint256(cp.inputTokens - inTokens) + uint256(cp.outputTokens - outTokens);
            if (extra > s.creditWindow) revert CreditWindowExceeded(id, extra, s.creditWindow);
            bytes32 digest = _hashTypedDataV4(
                keccak256(
                    abi.encode(CHECKPOINT_TYPEHASH, id, cp.inputTokens, cp.outputTokens, cp.outputChain, cp.prevChain)
                )
            );
            if (!SignatureChecker.isValidSignatureNowCalldata(host, digest, st.checkpointSig)) {
                revert InvalidCheckpointSignature(id);
            }
            inTokens = cp.inputTokens;
            outTokens = cp.outputTokens;
            chain = cp.outputChain;
        }

        uint256 deposit = s.deposit;
        uint256 cost = uint256(inTokens) * s.inputPrice + uint256(outTokens) * s.outputPrice;
        uint256 payment = cost < deposit ? cost : deposit;
        uint256 fee = (payment * feeBps) / 10_000;
        o.host = host;
        o.token = s.token;
        o.depositor = depositor;
        o.hostAmount = payment - fee;
        o.fee = fee;
        o.refund = deposit - payment;

        delete _sessions[id];
        emit SessionSettled(id, host, depositor, inTokens, outTokens, chain, withCheckpoint, o.hostAmount, fee, o.refund);
        return (true, o);
    }

    /// A receipt is the depositor's: signed by the depositor's key, by the session key, or
    /// accepted by the depositor's contract (ERC-1271, for smart wallets).
    function _isClientSignature(
        address depositor,
        address sessionKey,
        bytes32 digest,
        bytes calldata sig
    ) private view returns (bool) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, sig);
        if (err == ECDSA.RecoverError.NoError && (signer == depositor || (signer == sessionKey && signer != address(0)))) {
            return true;
        }
        return depositor.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(depositor, digest, sig);
    }

    // ---- refund ----

    /// @notice Returns the whole deposit of a session nobody settled, once deadline +
    /// disputeWindow has passed. Anyone may call it; the deposit goes to the depositor.
    function refund(uint256 sessionId) external nonReentrant {
        Session storage s = _sessions[sessionId];
        address depositor = s.depositor;
        if (depositor == address(0)) revert SessionNotOpen(sessionId);
        uint64 settleBy = s.expiry + disputeWindow;
        if (block.timestamp <= settleBy) revert RefundTooEarly(sessionId, settleBy);
        address token = s.token;
        address host = s.host;
        uint256 amount = s.deposit;
        delete _sessions[sessionId];
        emit SessionRefunded(sessionId, host, depositor, amount);
        _push(depositor, token, amount);
    }

    // ---- balances ----

    /// @notice Withdraws the caller's whole balance in `token` (address(0): ETH) to itself.
    function withdraw(address token) external {
        withdrawTo(token, msg.sender);
    }

    /// @notice Withdraws the caller's whole balance in `token` to `to`.
    function withdrawTo(address token, address to) public nonReentrant {
        if (to == address(0)) revert InvalidRecipient();
        uint256 amount = balances[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw(msg.sender, token);
        balances[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, to, amount);
        if (token == NATIVE) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert NativeTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    function _credit(address account, address token, uint256 amount) private {
        if (amount != 0) balances[account][token] += amount;
    }

    /// Pushes a refund; when the push fails it is credited to the depositor's balance instead.
    function _push(address to, address token, uint256 amount) private {
        bool ok;
        if (token == NATIVE) {
            // Make sure the push gets all of REFUND_GAS (call costs and the 63/64 rule included), so
            // that only the recipient, never the caller's gas limit, can make it fail.
            if (gasleft() < REFUND_GAS + 20_000) revert InsufficientGas();
            uint256 gasLimit = REFUND_GAS;
            assembly ("memory-safe") {
                ok := call(gasLimit, to, amount, 0, 0, 0, 0)
            }
        } else {
            ok = IERC20(token).trySafeTransfer(to, amount);
        }
        if (!ok) {
            balances[to][token] += amount;
            emit RefundCredited(to, token, amount);
        }
    }

    // ---- views ----

    /// @notice The session; all fields are zero once it is settled or refunded (or never opened).
    function getSession(uint256 sessionId) external view returns (Session memory) {
        return _sessions[sessionId];
    }

    /// @notice The EIP-712 domain separator (name "fabnode-escrow", version "1", this chain, this contract).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice The EIP-712 digest a receipt's signer signs.
    function receiptDigest(Receipt calldata r) external view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(RECEIPT_TYPEHASH, r.sessionId, r.inputTokens, r.outputTokens, r.outputChain))
            );
    }

    /// @notice The EIP-712 digest the host signs for a checkpoint.
    function checkpointDigest(Checkpoint calldata c) external view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(CHECKPOINT_TYPEHASH, c.sessionId, c.inputTokens, c.outputTokens, c.outputChain, c.prevChain)
                )
            );
    }
}
