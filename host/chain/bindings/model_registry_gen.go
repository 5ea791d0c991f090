// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package bindings

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// ModelRegistryModel is an auto generated low-level Go binding around an user-defined struct.
type ModelRegistryModel struct {
	Registrant   common.Address
	RegisteredAt uint64
	Name         string
}

// ModelRegistryMetaData contains all meta data concerning the ModelRegistry contract.
var ModelRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"InvalidName\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"}],\"name\":\"ModelAlreadyRegistered\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroModelId\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"registrant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"}],\"name\":\"ModelRegistered\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_NAME_LENGTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"}],\"name\":\"exists\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"}],\"name\":\"getModel\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"registrant\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"registeredAt\",\"type\":\"uint64\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"}],\"internalType\":\"structModelRegistry.Model\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"}],\"name\":\"register\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "ModelRegistry",
	Bin: "0x6080806040523460155761050e908161001a8239f35b5f80fdfe6080806040526004361015610012575f80fd5b5f3560e01c90816321e7c498146102ff5750806338a699a4146102cc57806386074985146102b15763cf2d31fb14610048575f80fd5b346102ad5760403660031901126102ad5760243560043567ffffffffffffffff82116102ad57366023830112156102ad5781600401359067ffffffffffffffff82116102ad5736602483850101116102ad57801561029e5781158015610294575b610281575f81815260208190526040902080546001600160a01b03811661026e576001600160e01b0319163367ffffffffffffffff60a01b1916174260a01b67ffffffffffffffff60a01b161781556001018054909390610109906104a0565b601f8111610229575b505f93601f84116001146101a057837f9c9b8dcb6c4727515469ee866c4585ff7b820e8addf3bc0dde44a0965056e7dd9394955f91610192575b508560011b905f198760031b1c19161790555b83602460405192602084528260208501520160408301375f604085830101526040813395601f80199101168101030190a3005b60249150830101355f61014c565b601f19841694815f5260205f20905f5b87811061020e5750857f9c9b8dcb6c4727515469ee866c4585ff7b820e8addf3bc0dde44a0965056e7dd959697106101f2575b5050600185811b01905561015f565b8301602401355f19600388901b60f8161c191690555f806101e3565b909160206001819260248689010135815501930191016101b0565b845f5260205f20601f850160051c81019160208610610264575b601f0160051c01905b8181106102595750610112565b5f815560010161024c565b9091508190610243565b82631298be7960e31b5f5260045260245ffd5b5063313bf00760e21b5f5260045260245ffd5b50608082116100a9565b6342b95c6560e11b5f5260045ffd5b5f80fd5b346102ad575f3660031901126102ad57602060405160808152f35b346102ad5760203660031901126102ad576004355f525f602052602060018060a01b0360405f2054161515604051908152f35b346102ad5760203660031901126102ad5760408161031e606093610484565b5f81525f602082015201526004355f525f60205260405f2060405161034281610484565b81546001600160a01b038116825260a01c67ffffffffffffffff16602082019081526040516001939093018054919392915f9161037e826104a0565b8086529160018116908115610466575060011461042e575b5050829003601f01601f1916820167ffffffffffffffff81118382101761041a5760409081528181019283528051602080825292516001600160a01b031681840152935167ffffffffffffffff1690840152905160608084015280516080840181905260a09284928291018385015e5f828201840152601f01601f19168101030190f35b634e487b7160e01b5f52604160045260245ffd5b9091505f5260205f205f905b8282106104505750602091508301018480610396565b600181602092548385890101520191019061043a565b9150506020925060ff191682850152151560051b8301018480610396565b6060810190811067ffffffffffffffff82111761041a57604052565b90600182811c921680156104ce575b60208310146104ba57565b634e487b7160e01b5f52602260045260245ffd5b91607f16916104af56fea2646970667358221220f270c2cc1a3f63b20a1b66ed6a1d9924699fcf1ca7da6783d50739242b26b7aa64736f6c634300081c0033",
}

// ModelRegistry is an auto generated Go binding around an Ethereum contract.
type ModelRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ModelRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewModelRegistry creates a new instance of ModelRegistry.
func NewModelRegistry() *ModelRegistry {
	parsed, err := ModelRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ModelRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ModelRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackMAXNAMELENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x86074985.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_NAME_LENGTH() view returns(uint256)
func (modelRegistry *ModelRegistry) PackMAXNAMELENGTH() []byte {
	enc, err := modelRegistry.abi.Pack("MAX_NAME_LENGTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXNAMELENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x86074985.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_NAME_LENGTH() view returns(uint256)
func (modelRegistry *ModelRegistry) TryPackMAXNAMELENGTH() ([]byte, error) {
	return modelRegistry.abi.Pack("MAX_NAME_LENGTH")
}

// UnpackMAXNAMELENGTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x86074985.
//
// Solidity: function MAX_NAME_LENGTH() view returns(uint256)
func (modelRegistry *ModelRegistry) UnpackMAXNAMELENGTH(data []byte) (*big.Int, error) {
	out, err := modelRegistry.abi.Unpack("MAX_NAME_LENGTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackExists is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38a699a4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function exists(bytes32 modelId) view returns(bool)
func (modelRegistry *ModelRegistry) PackExists(modelId [32]byte) []byte {
	enc, err := modelRegistry.abi.Pack("exists", modelId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackExists is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38a699a4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function exists(bytes32 modelId) view returns(bool)
func (modelRegistry *ModelRegistry) TryPackExists(modelId [32]byte) ([]byte, error) {
	return modelRegistry.abi.Pack("exists", modelId)
}

// UnpackExists is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x38a699a4.
//
// Solidity: function exists(bytes32 modelId) view returns(bool)
func (modelRegistry *ModelRegistry) UnpackExists(data []byte) (bool, error) {
	out, err := modelRegistry.abi.Unpack("exists", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackGetModel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x21e7c498.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getModel(bytes32 modelId) view returns((address,uint64,string))
func (modelRegistry *ModelRegistry) PackGetModel(modelId [32]byte) []byte {
	enc, err := modelRegistry.abi.Pack("getModel", modelId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetModel is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x21e7c498.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getModel(bytes32 modelId) view returns((address,uint64,string))
func (modelRegistry *ModelRegistry) TryPackGetModel(modelId [32]byte) ([]byte, error) {
	return modelRegistry.abi.Pack("getModel", modelId)
}

// UnpackGetModel is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x21e7c498.
//
// Solidity: function getModel(bytes32 modelId) view returns((address,uint64,string))
func (modelRegistry *ModelRegistry) UnpackGetModel(data []byte) (ModelRegistryModel, error) {
	out, err := modelRegistry.abi.Unpack("getModel", data)
	if err != nil {
		return *new(ModelRegistryModel), err
	}
	out0 := *abi.ConvertType(out[0], new(ModelRegistryModel)).(*ModelRegistryModel)
	return out0, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf2d31fb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register(bytes32 modelId, string name) returns()
func (modelRegistry *ModelRegistry) PackRegister(modelId [32]byte, name string) []byte {
	enc, err := modelRegistry.abi.Pack("register", modelId, name)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcf2d31fb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register(bytes32 modelId, string name) returns()
func (modelRegistry *ModelRegistry) TryPackRegister(modelId [32]byte, name string) ([]byte, error) {
	return modelRegistry.abi.Pack("register", modelId, name)
}

// ModelRegistryModelRegistered represents a ModelRegistered event raised by the ModelRegistry contract.
type ModelRegistryModelRegistered struct {
	ModelId    [32]byte
	Registrant common.Address
	Name       string
	Raw        *types.Log // Blockchain specific contextual infos
}

const ModelRegistryModelRegisteredEventName = "ModelRegistered"

// ContractEventName returns the user-defined event name.
func (ModelRegistryModelRegistered) ContractEventName() string {
	return ModelRegistryModelRegisteredEventName
}

// UnpackModelRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ModelRegistered(bytes32 indexed modelId, address indexed registrant, string name)
func (modelRegistry *ModelRegistry) UnpackModelRegisteredEvent(log *types.Log) (*ModelRegistryModelRegistered, error) {
	event := "ModelRegistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != modelRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ModelRegistryModelRegistered)
	if len(log.Data) > 0 {
		if err := modelRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range modelRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (modelRegistry *ModelRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], modelRegistry.abi.Errors["InvalidName"].ID.Bytes()[:4]) {
		return modelRegistry.UnpackInvalidNameError(raw[4:])
	}
	if bytes.Equal(raw[:4], modelRegistry.abi.Errors["ModelAlreadyRegistered"].ID.Bytes()[:4]) {
		return modelRegistry.UnpackModelAlreadyRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], modelRegistry.abi.Errors["ZeroModelId"].ID.Bytes()[:4]) {
		return modelRegistry.UnpackZeroModelIdError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ModelRegistryInvalidName represents a InvalidName error raised by the ModelRegistry contract.
type ModelRegistryInvalidName struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidName(uint256 length)
func ModelRegistryInvalidNameErrorID() common.Hash {
	return common.HexToHash("0xc4efc01cbf77cbfe52c02c09d41e81b6339cbe1e9423690711fb67beab7a6351")
}

// UnpackInvalidNameError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidName(uint256 length)
func (modelRegistry *ModelRegistry) UnpackInvalidNameError(raw []byte) (*ModelRegistryInvalidName, error) {
	out := new(ModelRegistryInvalidName)
	if err := modelRegistry.abi.UnpackIntoInterface(out, "InvalidName", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ModelRegistryModelAlreadyRegistered represents a ModelAlreadyRegistered error raised by the ModelRegistry contract.
type ModelRegistryModelAlreadyRegistered struct {
	ModelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ModelAlreadyRegistered(bytes32 modelId)
func ModelRegistryModelAlreadyRegisteredErrorID() common.Hash {
	return common.HexToHash("0x94c5f3c8906b23d143d0e4652228c6e6c356e60077eb7e948ea0da7725db6161")
}

// UnpackModelAlreadyRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ModelAlreadyRegistered(bytes32 modelId)
func (modelRegistry *ModelRegistry) UnpackModelAlreadyRegisteredError(raw []byte) (*ModelRegistryModelAlreadyRegistered, error) {
	out := new(ModelRegistryModelAlreadyRegistered)
	if err := modelRegistry.abi.UnpackIntoInterface(out, "ModelAlreadyRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ModelRegistryZeroModelId represents a ZeroModelId error raised by the ModelRegistry contract.
type ModelRegistryZeroModelId struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroModelId()
func ModelRegistryZeroModelIdErrorID() common.Hash {
	return common.HexToHash("0x8572b8ca5153ca271a91201d939e6e8a2adaafb6470432890b3226200ef141bc")
}

// UnpackZeroModelIdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroModelId()
func (modelRegistry *ModelRegistry) UnpackZeroModelIdError(raw []byte) (*ModelRegistryZeroModelId, error) {
	out := new(ModelRegistryZeroModelId)
	if err := modelRegistry.abi.UnpackIntoInterface(out, "ZeroModelId", raw); err != nil {
		return nil, err
	}
	return out, nil
}
