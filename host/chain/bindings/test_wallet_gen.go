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

// TestWalletMetaData contains all meta data concerning the TestWallet contract.
var TestWalletMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"ok\",\"type\":\"bool\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"result\",\"type\":\"bytes\"}],\"name\":\"Reentered\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"execute\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"hash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"sig\",\"type\":\"bytes\"}],\"name\":\"isValidSignature\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"mode\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reenterData\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"mode_\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"target_\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"setMode\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"target\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "TestWallet",
	Bin: "0x60a034607457601f61094238819003918201601f19168301916001600160401b03831184841017607857808492602094604052833981010312607457516001600160a01b03811681036074576080526040516108b5908161008d823960805181818161031e01528181610596015261066a0152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe60806040526004361015610191575b3615610018575f80fd5b60ff600254166001811461015657600281146101505760031461003757005b60018060a01b035f54166040515f60015461005181610705565b906001811690811561011b57506001146100bf575b507fdea04a62bcd851e860379bb6a89860dbf3f534ef70263ff5d4942d029160581a92825f8094819403925af161009b61075f565b906100ba604051928392151583526040602084015260408301906106e1565b0390a1005b905060015f525f5160206108605f395f51905f525f905b82821061010757505081017fdea04a62bcd851e860379bb6a89860dbf3f534ef70263ff5d4942d029160581a610066565b6001816020925484870152019101906100d6565b60ff191684525080151502820190507fdea04a62bcd851e860379bb6a89860dbf3f534ef70263ff5d4942d029160581a610066565b5b610151565b60405162461bcd60e51b815260206004820152601360248201527215195cdd15d85b1b195d0e881c99599d5cd959606a1b6044820152606490fd5b5f3560e01c80631626ba7e146105e5578063295a5212146105c55780638da5cb5b14610581578063a747ce24146103d2578063b61d27f6146102dc578063d4b83992146102b55763e150ef490361000e57346102b1575f3660031901126102b1576040515f60015461020281610705565b808452906001811690811561028d5750600114610242575b61023e8361022a8185038261073d565b6040519182916020835260208301906106e1565b0390f35b91905060015f525f5160206108605f395f51905f52915f905b8082106102735750909150810160200161022a61021a565b91926001816020925483858801015201910190929161025b565b60ff191660208086019190915291151560051b8401909101915061022a905061021a565b5f80fd5b346102b1575f3660031901126102b1575f546040516001600160a01b039091168152602090f35b60603660031901126102b1576004356001600160a01b03811681036102b15760443567ffffffffffffffff81116102b15761031b9036906004016106b3565b917f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361039557825f93928493604051928392833781018481520391602435905af161036f61075f565b901561038d5761023e906040519182916020835260208301906106e1565b602081519101fd5b60405162461bcd60e51b81526020600482015260156024820152742a32b9ba2bb0b63632ba1d103737ba1037bbb732b960591b6044820152606490fd5b346102b15760603660031901126102b15760043560ff81168091036102b1576024356001600160a01b038116908190036102b15760443567ffffffffffffffff81116102b1576104269036906004016106b3565b91909260ff1960025416176002556bffffffffffffffffffffffff60a01b5f5416175f5567ffffffffffffffff811161056d57610464600154610705565b601f8111610509575b505f601f82116001146104a45781925f92610499575b50505f19600383901b1c1916600191821b179055005b013590508280610483565b601f198216925f5160206108605f395f51905f52915f5b8581106104f1575083600195106104d8575b505050811b01600155005b01355f19600384901b60f8161c191690558280806104cd565b909260206001819286860135815501940191016104bb565b601f820160051c5f5160206108605f395f51905f52019060208310610558575b601f0160051c5f5160206108605f395f51905f5201905b81811061054d575061046d565b5f8155600101610540565b5f5160206108605f395f51905f529150610529565b634e487b7160e01b5f52604160045260245ffd5b346102b1575f3660031901126102b1576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b346102b1575f3660031901126102b157602060ff60025416604051908152f35b346102b15760403660031901126102b15760243567ffffffffffffffff81116102b1576106196106229136906004016106b3565b9060043561079e565b50600481101561069f57159081610668575b5015610658576020630b135d3f60e11b5b6040516001600160e01b03199091168152f35b60206001600160e01b0319610645565b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03908116911614905081610634565b634e487b7160e01b5f52602160045260245ffd5b9181601f840112156102b15782359167ffffffffffffffff83116102b157602083818601950101116102b157565b805180835260209291819084018484015e5f828201840152601f01601f1916010190565b90600182811c92168015610733575b602083101461071f57565b634e487b7160e01b5f52602260045260245ffd5b91607f1691610714565b90601f8019910116810190811067ffffffffffffffff82111761056d57604052565b3d15610799573d9067ffffffffffffffff821161056d576040519161078e601f8201601f19166020018461073d565b82523d5f602084013e565b606090565b90604183036107c8576107c19250602081013591604082359201355f1a906107d2565b9192909190565b50505f9160029190565b91907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a08411610854579160209360809260ff5f9560405194855216868401526040830152606082015282805260015afa15610849575f516001600160a01b0381161561083f57905f905f90565b505f906001905f90565b6040513d5f823e3d90fd5b5050505f916003919056feb10e2d527612073b26eecdfd717e6a320cf44b4afac2b0732d9fcbe2b7fa0cf6a26469706673582212203ad26246ad1ed4209ac8830a48742ac6f079189af44f60d7489db99cc0cc645564736f6c634300081c0033",
}

// TestWallet is an auto generated Go binding around an Ethereum contract.
type TestWallet struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *TestWallet) GetABI() abi.ABI {
	return c.abi
}

// NewTestWallet creates a new instance of TestWallet.
func NewTestWallet() *TestWallet {
	parsed, err := TestWalletMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &TestWallet{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *TestWallet) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address owner_) returns()
func (testWallet *TestWallet) PackConstructor(owner_ common.Address) []byte {
	enc, err := testWallet.abi.Pack("", owner_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackExecute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb61d27f6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function execute(address to, uint256 value, bytes data) payable returns(bytes)
func (testWallet *TestWallet) PackExecute(to common.Address, value *big.Int, data []byte) []byte {
	enc, err := testWallet.abi.Pack("execute", to, value, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackExecute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb61d27f6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function execute(address to, uint256 value, bytes data) payable returns(bytes)
func (testWallet *TestWallet) TryPackExecute(to common.Address, value *big.Int, data []byte) ([]byte, error) {
	return testWallet.abi.Pack("execute", to, value, data)
}

// UnpackExecute is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb61d27f6.
//
// Solidity: function execute(address to, uint256 value, bytes data) payable returns(bytes)
func (testWallet *TestWallet) UnpackExecute(data []byte) ([]byte, error) {
	out, err := testWallet.abi.Unpack("execute", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackIsValidSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1626ba7e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isValidSignature(bytes32 hash, bytes sig) view returns(bytes4)
func (testWallet *TestWallet) PackIsValidSignature(hash [32]byte, sig []byte) []byte {
	enc, err := testWallet.abi.Pack("isValidSignature", hash, sig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsValidSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1626ba7e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isValidSignature(bytes32 hash, bytes sig) view returns(bytes4)
func (testWallet *TestWallet) TryPackIsValidSignature(hash [32]byte, sig []byte) ([]byte, error) {
	return testWallet.abi.Pack("isValidSignature", hash, sig)
}

// UnpackIsValidSignature is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1626ba7e.
//
// Solidity: function isValidSignature(bytes32 hash, bytes sig) view returns(bytes4)
func (testWallet *TestWallet) UnpackIsValidSignature(data []byte) ([4]byte, error) {
	out, err := testWallet.abi.Unpack("isValidSignature", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackMode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x295a5212.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mode() view returns(uint8)
func (testWallet *TestWallet) PackMode() []byte {
	enc, err := testWallet.abi.Pack("mode")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x295a5212.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mode() view returns(uint8)
func (testWallet *TestWallet) TryPackMode() ([]byte, error) {
	return testWallet.abi.Pack("mode")
}

// UnpackMode is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x295a5212.
//
// Solidity: function mode() view returns(uint8)
func (testWallet *TestWallet) UnpackMode(data []byte) (uint8, error) {
	out, err := testWallet.abi.Unpack("mode", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (testWallet *TestWallet) PackOwner() []byte {
	enc, err := testWallet.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (testWallet *TestWallet) TryPackOwner() ([]byte, error) {
	return testWallet.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (testWallet *TestWallet) UnpackOwner(data []byte) (common.Address, error) {
	out, err := testWallet.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackReenterData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe150ef49.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function reenterData() view returns(bytes)
func (testWallet *TestWallet) PackReenterData() []byte {
	enc, err := testWallet.abi.Pack("reenterData")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReenterData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe150ef49.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function reenterData() view returns(bytes)
func (testWallet *TestWallet) TryPackReenterData() ([]byte, error) {
	return testWallet.abi.Pack("reenterData")
}

// UnpackReenterData is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe150ef49.
//
// Solidity: function reenterData() view returns(bytes)
func (testWallet *TestWallet) UnpackReenterData(data []byte) ([]byte, error) {
	out, err := testWallet.abi.Unpack("reenterData", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackSetMode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa747ce24.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setMode(uint8 mode_, address target_, bytes data) returns()
func (testWallet *TestWallet) PackSetMode(mode uint8, target common.Address, data []byte) []byte {
	enc, err := testWallet.abi.Pack("setMode", mode, target, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetMode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa747ce24.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setMode(uint8 mode_, address target_, bytes data) returns()
func (testWallet *TestWallet) TryPackSetMode(mode uint8, target common.Address, data []byte) ([]byte, error) {
	return testWallet.abi.Pack("setMode", mode, target, data)
}

// PackTarget is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd4b83992.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function target() view returns(address)
func (testWallet *TestWallet) PackTarget() []byte {
	enc, err := testWallet.abi.Pack("target")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTarget is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd4b83992.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function target() view returns(address)
func (testWallet *TestWallet) TryPackTarget() ([]byte, error) {
	return testWallet.abi.Pack("target")
}

// UnpackTarget is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd4b83992.
//
// Solidity: function target() view returns(address)
func (testWallet *TestWallet) UnpackTarget(data []byte) (common.Address, error) {
	out, err := testWallet.abi.Unpack("target", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// TestWalletReentered represents a Reentered event raised by the TestWallet contract.
type TestWalletReentered struct {
	Ok     bool
	Result []byte
	Raw    *types.Log // Blockchain specific contextual infos
}

const TestWalletReenteredEventName = "Reentered"

// ContractEventName returns the user-defined event name.
func (TestWalletReentered) ContractEventName() string {
	return TestWalletReenteredEventName
}

// UnpackReenteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Reentered(bool ok, bytes result)
func (testWallet *TestWallet) UnpackReenteredEvent(log *types.Log) (*TestWalletReentered, error) {
	event := "Reentered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != testWallet.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(TestWalletReentered)
	if len(log.Data) > 0 {
		if err := testWallet.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range testWallet.abi.Events[event].Inputs {
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
