// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BadToken
/// @notice A hostile ERC-20 for tests only: it can take a fee on every transfer (the recipient
/// gets less than was sent) and refuse transfers to chosen recipients (a blocklist).
contract BadToken is ERC20 {
    uint256 public feeBps;
    mapping(address => bool) public blocked;

    constructor() ERC20("bad test token", "BAD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFee(uint256 bps) external {
        feeBps = bps;
    }

    function setBlocked(address who, bool b) external {
        blocked[who] = b;
    }

    function _update(address from, address to, uint256 value) internal override {
        require(!blocked[to], "BadToken: blocked");
        uint256 fee = from == address(0) ? 0 : (value * feeBps) / 10_000;
        if (fee != 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
