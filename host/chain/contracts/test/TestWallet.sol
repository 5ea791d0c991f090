// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title TestWallet
/// @notice A contract account for tests only. It forwards calls from its owner (to act as a
/// depositor or a host), accepts ERC-1271 signatures by its owner's key, and on receiving ETH can
/// refuse it, burn all the gas it is given, or call back into a target (a reentrancy attempt) and
/// record the outcome in a Reentered event.
contract TestWallet {
    address public immutable owner;
    address public target;
    bytes public reenterData;
    uint8 public mode; // 0 accept, 1 revert, 2 burn all gas, 3 reenter `target` with `reenterData`

    event Reentered(bool ok, bytes result);

    constructor(address owner_) {
        owner = owner_;
    }

    function setMode(uint8 mode_, address target_, bytes calldata data) external {
        mode = mode_;
        target = target_;
        reenterData = data;
    }

    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        require(msg.sender == owner, "TestWallet: not owner");
        (bool ok, bytes memory result) = to.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }

    function isValidSignature(bytes32 hash, bytes calldata sig) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, sig);
        return err == ECDSA.RecoverError.NoError && signer == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }

    receive() external payable {
        uint8 m = mode;
        if (m == 1) revert("TestWallet: refused");
        if (m == 2) {
            while (true) {}
        }
        if (m == 3) {
            (bool ok, bytes memory result) = target.call(reenterData);
            emit Reentered(ok, result);
        }
    }
}
