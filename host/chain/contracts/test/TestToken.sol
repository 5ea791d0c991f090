// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice An ERC-20 for tests and the dev chain: 18 decimals, and anyone may mint any amount.
/// Never accept it as payment on a real chain.
contract TestToken is ERC20 {
    constructor() ERC20("fabnode test token", "FABT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
