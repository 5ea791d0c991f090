// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ModelRegistry} from "./ModelRegistry.sol";

/// @title NodeRegistry
/// @notice Hosts of the fabnode marketplace: where to reach them (an API URL, a libp2p peer id and
/// multiaddrs), which registered models they serve at which minimum prices per token, and which
/// payment tokens they accept (address(0) is native ETH). Every string and array is bounded.
///
/// A host may also stake an ERC-20 fixed at deploy (the stake token; address(0) disables staking).
/// Stake is a public signal only: nobody can slash or move it. Withdrawing it takes two steps,
/// `unbond` and then `withdrawStake` once the unbonding delay (fixed at deploy) has passed.
///
/// The contract has no owner. Entries are self-declared; clients and the escrow do not rely on them
/// for safety (a session names its own host and prices).
contract NodeRegistry is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 public constant MAX_URL_LENGTH = 256;
    uint256 public constant MAX_PEER_ID_LENGTH = 128;
    uint256 public constant MAX_MULTIADDRS = 8;
    uint256 public constant MAX_MULTIADDR_LENGTH = 256;
    uint256 public constant MAX_MODELS = 32;
    uint256 public constant MAX_PAYMENT_TOKENS = 8;

    struct ModelPrice {
        bytes32 modelId;
        uint256 minInputPrice;
        uint256 minOutputPrice;
    }

    struct HostInfo {
        string apiUrl;
        bytes peerId;
        string[] multiaddrs;
        ModelPrice[] models;
        address[] paymentTokens;
    }

    struct Stake {
        uint128 staked;
        uint128 unbonding;
        uint64 unbondingReadyAt;
    }

    ModelRegistry public immutable modelRegistry;
    /// @notice The staking token; address(0) when staking is disabled.
    IERC20 public immutable stakeToken;
    /// @notice Seconds between `unbond` and the earliest `withdrawStake`.
    uint64 public immutable unbondingDelay;

    mapping(address host => HostInfo) private _hosts;
    mapping(address host => uint64) private _registeredAt;
    mapping(address host => Stake) private _stakes;

    event HostRegistered(address indexed host, HostInfo info);
    event HostUpdated(address indexed host, HostInfo info);
    event HostUnregistered(address indexed host);
    event Staked(address indexed host, uint256 amount, uint256 totalStaked);
    event UnbondingStarted(address indexed host, uint256 amount, uint256 totalUnbonding, uint64 readyAt);
    event StakeWithdrawn(address indexed host, uint256 amount);

    error AlreadyRegistered(address host);
    error NotRegistered(address host);
    error NoEndpoint();
    error UrlTooLong(uint256 length);
    error PeerIdTooLong(uint256 length);
    error TooManyMultiaddrs(uint256 count);
    error InvalidMultiaddr(uint256 index, uint256 length);
    error NoModels();
    error TooManyModels(uint256 count);
    error UnknownModel(bytes32 modelId);
    error DuplicateModel(bytes32 modelId);
    error NoPaymentTokens();
    error TooManyPaymentTokens(uint256 count);
    error DuplicatePaymentToken(address token);
    error StakingDisabled();
    error ZeroAmount();
    error StakeNotReceived(uint256 expected, uint256 received);
    error InsufficientStake(uint256 staked, uint256 requested);
    error NothingUnbonding();
    error StakeStillUnbonding(uint64 readyAt);

    constructor(ModelRegistry models, IERC20 stakeToken_, uint64 unbondingDelay_) {
        modelRegistry = models;
        stakeToken = stakeToken_;
        unbondingDelay = unbondingDelay_;
    }

    // ---- registration ----

    /// @notice Registers the caller as a host.
    function register(HostInfo calldata info) external {
        if (_registeredAt[msg.sender] != 0) revert AlreadyRegistered(msg.sender);
        _store(info);
        _registeredAt[msg.sender] = uint64(block.timestamp);
        emit HostRegistered(msg.sender, info);
    }

    /// @notice Replaces the caller's entry.
    function update(HostInfo calldata info) external {
        if (_registeredAt[msg.sender] == 0) revert NotRegistered(msg.sender);
        delete _hosts[msg.sender];
        _store(info);
        emit HostUpdated(msg.sender, info);
    }

    /// @notice Removes the caller's entry. Stake is not touched.
    function unregister() external {
        if (_registeredAt[msg.sender] == 0) revert NotRegistered(msg.sender);
        delete _hosts[msg.sender];
        delete _registeredAt[msg.sender];
        emit HostUnregistered(msg.sender);
    }

    function _store(HostInfo calldata info) private {
        uint256 urlLen = bytes(info.apiUrl).length;
        uint256 pidLen = info.peerId.length;
        if (urlLen == 0 && pidLen == 0) revert NoEndpoint();
        if (urlLen > MAX_URL_LENGTH) revert UrlTooLong(urlLen);
        if (pidLen > MAX_PEER_ID_LENGTH) revert PeerIdTooLong(pidLen);

        uint256 n = info.multiaddrs.length;
        if (n > MAX_MULTIADDRS) revert TooManyMultiaddrs(n);
        for (uint256 i; i < n; ++i) {
            uint256 l = bytes(info.multiaddrs[i]).length;
            if (l == 0 || l > MAX_MULTIADDR_LENGTH) revert InvalidMultiaddr(i, l);
        }

        n = info.models.length;
        if (n == 0) revert NoModels();
        if (n > MAX_MODELS) revert TooManyModels(n);
        for (uint256 i; i < n; ++i) {
            bytes32 id = info.models[i].modelId;
            if (!modelRegistry.exists(id)) revert UnknownModel(id);
            for (uint256 j; j < i; ++j) {
                if (info.models[j].modelId == id) revert DuplicateModel(id);
            }
        }

        n = info.paymentTokens.length;
        if (n == 0) revert NoPaymentTokens();
        if (n > MAX_PAYMENT_TOKENS) revert TooManyPaymentTokens(n);
        for (uint256 i; i < n; ++i) {
            address t = info.paymentTokens[i];
            for (uint256 j; j < i; ++j) {
                if (info.paymentTokens[j] == t) revert DuplicatePaymentToken(t);
            }
        }

        HostInfo storage h = _hosts[msg.sender];
        h.apiUrl = info.apiUrl;
        h.peerId = info.peerId;
        for (uint256 i; i < info.multiaddrs.length; ++i) h.multiaddrs.push(info.multiaddrs[i]);
        for (uint256 i; i < info.models.length; ++i) h.models.push(info.models[i]);
        for (uint256 i; i < info.paymentTokens.length; ++i) h.paymentTokens.push(info.paymentTokens[i]);
    }

    // ---- views ----

    function isRegistered(address host) external view returns (bool) {
        return _registeredAt[host] != 0;
    }

    /// @notice The host's entry and when it registered (0 when it is not registered).
    function getHost(address host) external view returns (HostInfo memory info, uint64 registeredAt) {
        return (_hosts[host], _registeredAt[host]);
    }

    /// @notice The host's minimum prices for `modelId`; `served` is false when it does not list it.
    function modelPrice(
        address host,
        bytes32 modelId
    ) external view returns (bool served, uint256 minInputPrice, uint256 minOutputPrice) {
        ModelPrice[] storage ms = _hosts[host].models;
        for (uint256 i; i < ms.length; ++i) {
            if (ms[i].modelId == modelId) return (true, ms[i].minInputPrice, ms[i].minOutputPrice);
        }
        return (false, 0, 0);
    }

    /// @notice Whether the host accepts payment in `token` (address(0): native ETH).
    function acceptsToken(address host, address token) external view returns (bool) {
        address[] storage ts = _hosts[host].paymentTokens;
        for (uint256 i; i < ts.length; ++i) {
            if (ts[i] == token) return true;
        }
        return false;
    }

    function stakeOf(address host) external view returns (Stake memory) {
        return _stakes[host];
    }

    // ---- stake ----

    /// @notice Adds `amount` of the stake token to the caller's stake (needs an allowance).
    /// Tokens whose received amount differs from `amount` (fee on transfer) are refused.
    function stake(uint256 amount) external nonReentrant {
        IERC20 token = stakeToken;
        if (address(token) == address(0)) revert StakingDisabled();
        if (amount == 0) revert ZeroAmount();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert StakeNotReceived(amount, received);
        Stake storage s = _stakes[msg.sender];
        uint256 total = uint256(s.staked) + amount;
        s.staked = SafeCast.toUint128(total);
        emit Staked(msg.sender, amount, total);
    }

    /// @notice Moves `amount` of the caller's stake to unbonding. The delay restarts for the whole
    /// unbonding amount.
    function unbond(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Stake storage s = _stakes[msg.sender];
        if (amount > s.staked) revert InsufficientStake(s.staked, amount);
        s.staked -= uint128(amount);
        uint256 total = uint256(s.unbonding) + amount;
        s.unbonding = uint128(total);
        uint64 readyAt = uint64(block.timestamp) + unbondingDelay;
        s.unbondingReadyAt = readyAt;
        emit UnbondingStarted(msg.sender, amount, total, readyAt);
    }

    /// @notice Sends the caller's unbonded stake back once the delay has passed.
    function withdrawStake() external nonReentrant {
        Stake storage s = _stakes[msg.sender];
        uint256 amount = s.unbonding;
        if (amount == 0) revert NothingUnbonding();
        if (block.timestamp < s.unbondingReadyAt) revert StakeStillUnbonding(s.unbondingReadyAt);
        s.unbonding = 0;
        s.unbondingReadyAt = 0;
        emit StakeWithdrawn(msg.sender, amount);
        stakeToken.safeTransfer(msg.sender, amount);
    }
}
