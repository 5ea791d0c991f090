// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ModelRegistry
/// @notice The models of the fabnode marketplace. A model's id is the SHA-256 of its GGUF file, so
/// anyone holding the file can check that it is the registered model, and the id cannot be chosen
/// for a file one does not have. Registration is permissionless and happens once per id; there is
/// no owner and nothing can be changed or removed afterwards.
contract ModelRegistry {
    /// @notice The longest name, in bytes.
    uint256 public constant MAX_NAME_LENGTH = 128;

    struct Model {
        address registrant;
        uint64 registeredAt;
        string name;
    }

    mapping(bytes32 modelId => Model) private _models;

    event ModelRegistered(bytes32 indexed modelId, address indexed registrant, string name);

    error ZeroModelId();
    error InvalidName(uint256 length);
    error ModelAlreadyRegistered(bytes32 modelId);

    /// @notice Registers a model. `modelId` is the SHA-256 of the GGUF file; `name` is a
    /// human-readable label of 1 to MAX_NAME_LENGTH bytes (it is not unique and not trusted).
    function register(bytes32 modelId, string calldata name) external {
        if (modelId == bytes32(0)) revert ZeroModelId();
        uint256 len = bytes(name).length;
        if (len == 0 || len > MAX_NAME_LENGTH) revert InvalidName(len);
        Model storage m = _models[modelId];
        if (m.registrant != address(0)) revert ModelAlreadyRegistered(modelId);
        m.registrant = msg.sender;
        m.registeredAt = uint64(block.timestamp);
        m.name = name;
        emit ModelRegistered(modelId, msg.sender, name);
    }

    /// @notice Whether `modelId` is registered.
    function exists(bytes32 modelId) external view returns (bool) {
        return _models[modelId].registrant != address(0);
    }

    /// @notice The registration of `modelId`; all fields are zero when it is not registered.
    function getModel(bytes32 modelId) external view returns (Model memory) {
        return _models[modelId];
    }
}
