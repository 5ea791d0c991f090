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

// SessionEscrowCheckpoint is an auto generated low-level Go binding around an user-defined struct.
type SessionEscrowCheckpoint struct {
	SessionId    *big.Int
	InputTokens  uint64
	OutputTokens uint64
	OutputChain  [32]byte
	PrevChain    [32]byte
}

// SessionEscrowReceipt is an auto generated low-level Go binding around an user-defined struct.
type SessionEscrowReceipt struct {
	SessionId    *big.Int
	InputTokens  uint64
	OutputTokens uint64
	OutputChain  [32]byte
}

// SessionEscrowSession is an auto generated low-level Go binding around an user-defined struct.
type SessionEscrowSession struct {
	Depositor    common.Address
	Expiry       *big.Int
	CreditWindow uint32
	Host         common.Address
	InputPrice   *big.Int
	Token        common.Address
	OutputPrice  *big.Int
	SessionKey   common.Address
	Deposit      *big.Int
	ModelId      [32]byte
}

// SessionEscrowSettlement is an auto generated low-level Go binding around an user-defined struct.
type SessionEscrowSettlement struct {
	Receipt       SessionEscrowReceipt
	ReceiptSig    []byte
	Checkpoint    SessionEscrowCheckpoint
	CheckpointSig []byte
}

// SessionEscrowTerms is an auto generated low-level Go binding around an user-defined struct.
type SessionEscrowTerms struct {
	Host         common.Address
	ModelId      [32]byte
	Token        common.Address
	Deposit      *big.Int
	InputPrice   *big.Int
	OutputPrice  *big.Int
	CreditWindow uint32
	Expiry       uint64
	SessionKey   common.Address
}

// SessionEscrowMetaData contains all meta data concerning the SessionEscrow contract.
var SessionEscrowMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"treasury_\",\"type\":\"address\"},{\"internalType\":\"uint16\",\"name\":\"feeBps_\",\"type\":\"uint16\"},{\"internalType\":\"uint32\",\"name\":\"disputeWindow_\",\"type\":\"uint32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"CheckpointBelowReceipt\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"CheckpointNotExtending\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"CheckpointRequired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"checkpointSessionId\",\"type\":\"uint256\"}],\"name\":\"CheckpointSessionMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"extraTokens\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"creditWindow\",\"type\":\"uint256\"}],\"name\":\"CreditWindowExceeded\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"expected\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"received\",\"type\":\"uint256\"}],\"name\":\"DepositNotReceived\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"DepositTooLarge\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"feeBps\",\"type\":\"uint256\"}],\"name\":\"FeeTooHigh\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InsufficientGas\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"InvalidCheckpointSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"InvalidExpiry\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidHost\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"InvalidReceiptSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidRecipient\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidTreasury\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"NativeTransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"NotDepositor\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"deadline\",\"type\":\"uint64\"}],\"name\":\"OnlyHostBeforeDeadline\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"price\",\"type\":\"uint256\"}],\"name\":\"PriceTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"settleBy\",\"type\":\"uint64\"}],\"name\":\"RefundTooEarly\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"deadline\",\"type\":\"uint64\"}],\"name\":\"SessionEnded\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"SessionKeyIsHost\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"SessionNotOpen\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"settleBy\",\"type\":\"uint64\"}],\"name\":\"SettlementWindowClosed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"UnsignedReceiptNotZero\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sent\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"expected\",\"type\":\"uint256\"}],\"name\":\"WrongValue\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroDeposit\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"RefundCredited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"deadline\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"settleBy\",\"type\":\"uint64\"}],\"name\":\"SessionClosing\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"depositor\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"inputPrice\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"outputPrice\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"creditWindow\",\"type\":\"uint32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"sessionKey\",\"type\":\"address\"}],\"name\":\"SessionOpened\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"depositor\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"SessionRefunded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"depositor\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"inputTokens\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"outputTokens\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"outputChain\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"withCheckpoint\",\"type\":\"bool\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"hostAmount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"fee\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refund\",\"type\":\"uint256\"}],\"name\":\"SessionSettled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"reason\",\"type\":\"uint8\"}],\"name\":\"SettlementSkipped\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"CHECKPOINT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_FEE_BPS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"NATIVE\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"RECEIPT_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REFUND_GAS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"SKIP_NOT_OPEN\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"SKIP_WINDOW_CLOSED\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"balances\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"inputTokens\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"outputTokens\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"outputChain\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"prevChain\",\"type\":\"bytes32\"}],\"internalType\":\"structSessionEscrow.Checkpoint\",\"name\":\"c\",\"type\":\"tuple\"}],\"name\":\"checkpointDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"disputeWindow\",\"outputs\":[{\"internalType\":\"uint32\",\"name\":\"\",\"type\":\"uint32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"feeBps\",\"outputs\":[{\"internalType\":\"uint16\",\"name\":\"\",\"type\":\"uint16\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"getSession\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"depositor\",\"type\":\"address\"},{\"internalType\":\"uint40\",\"name\":\"expiry\",\"type\":\"uint40\"},{\"internalType\":\"uint32\",\"name\":\"creditWindow\",\"type\":\"uint32\"},{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"internalType\":\"uint96\",\"name\":\"inputPrice\",\"type\":\"uint96\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint96\",\"name\":\"outputPrice\",\"type\":\"uint96\"},{\"internalType\":\"address\",\"name\":\"sessionKey\",\"type\":\"address\"},{\"internalType\":\"uint96\",\"name\":\"deposit\",\"type\":\"uint96\"},{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"}],\"internalType\":\"structSessionEscrow.Session\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"nextSessionId\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"inputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"outputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint32\",\"name\":\"creditWindow\",\"type\":\"uint32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"sessionKey\",\"type\":\"address\"}],\"internalType\":\"structSessionEscrow.Terms\",\"name\":\"t\",\"type\":\"tuple\"}],\"name\":\"open\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"inputTokens\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"outputTokens\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"outputChain\",\"type\":\"bytes32\"}],\"internalType\":\"structSessionEscrow.Receipt\",\"name\":\"r\",\"type\":\"tuple\"}],\"name\":\"receiptDigest\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"}],\"name\":\"refund\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"inputTokens\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"outputTokens\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"outputChain\",\"type\":\"bytes32\"}],\"internalType\":\"structSessionEscrow.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"receiptSig\",\"type\":\"bytes\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"inputTokens\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"outputTokens\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"outputChain\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"prevChain\",\"type\":\"bytes32\"}],\"internalType\":\"structSessionEscrow.Checkpoint\",\"name\":\"checkpoint\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"checkpointSig\",\"type\":\"bytes\"}],\"internalType\":\"structSessionEscrow.Settlement\",\"name\":\"s\",\"type\":\"tuple\"}],\"name\":\"settle\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"components\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"inputTokens\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"outputTokens\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"outputChain\",\"type\":\"bytes32\"}],\"internalType\":\"structSessionEscrow.Receipt\",\"name\":\"receipt\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"receiptSig\",\"type\":\"bytes\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"sessionId\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"inputTokens\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"outputTokens\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"outputChain\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"prevChain\",\"type\":\"bytes32\"}],\"internalType\":\"structSessionEscrow.Checkpoint\",\"name\":\"checkpoint\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"checkpointSig\",\"type\":\"bytes\"}],\"internalType\":\"structSessionEscrow.Settlement[]\",\"name\":\"list\",\"type\":\"tuple[]\"}],\"name\":\"settleMany\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"treasury\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"withdrawTo\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "SessionEscrow",
	Bin: "0x6101c0806040523461021f57606081612a6780380380916100208285610223565b83398101031261021f5780516001600160a01b038116919082810361021f5760208201519161ffff83169081840361021f57604001519363ffffffff8516850361021f57604051610072604082610223565b600e815260208101906d6661626e6f64652d657363726f7760901b82526040519161009e604084610223565b600183526020830191603160f81b83526100b78161025a565b610120526100c48461025a565b61014052519020918260e05251902080610100524660a0526040519060208201927f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f8452604083015260608201524660808201523060a082015260a0815261012d60c082610223565b5190206080523060c052600160025515610210576103e881116101fe575061016052610180526101a0526040516127a190816102c68239608051816123ce015260a0518161248b015260c05181612398015260e0518161241d0152610100518161244301526101205181610290015261014051816102b90152610160518181816103f7015281816105ad015261085701526101805181818161127b01528181611a61015261200f01526101a05181818161115c01528181611302015281816113e7015281816119090152611eb20152f35b6303dc98a160e51b5f5260045260245ffd5b6302979eb960e31b5f5260045ffd5b5f80fd5b601f909101601f19168101906001600160401b0382119082101761024657604052565b634e487b7160e01b5f52604160045260245ffd5b601f815111610285576020815191015160208210610276571790565b5f198260200360031b1b161790565b604460209160405192839163305a27a960e01b83528160048401528051918291826024860152018484015e5f828201840152601f01601f19168101030190fdfe60806040526004361015610011575f80fd5b5f3560e01c80630aebeb4e14611326578063117f5f92146112e65780631b2265fb1461129f57806324a9d85314611261578063278ecde114611111578063402ff0db14610f6457806349bbf7da14610f4757806351cff8d914610e2a57806354b87e96146108e05780635cc54f531461088657806361d027b3146108425780636dce4ab0146106be578063775ad587146106a357806377bb543514610473578063783cc63b1461037057806384b0196e1461027857806393e1a3481461025d57806395850f5914610223578063a0cf0aea14610209578063c23f001f146101b9578063d448b24d1461019d578063d55be8c614610181578063e1193e4c146101475763f698da2514610121575f80fd5b34610143575f36600319011261014357602061013b612395565b604051908152f35b5f80fd5b34610143575f3660031901126101435760206040517faad976ce57a7629b9293263256859a9245c7546f5d1471e283ed46b530805aa38152f35b34610143575f3660031901126101435760206040516103e88152f35b34610143575f3660031901126101435760206040516175308152f35b34610143576040366003190112610143576101d261147e565b6101da611494565b6001600160a01b039182165f908152600460209081526040808320949093168252928352819020549051908152f35b34610143575f3660031901126101435760206040515f8152f35b34610143575f3660031901126101435760206040517f8bc0e378d12182db4ad9363c8c9cb29f24d26a1d41d29b931e59355b9acabd408152f35b34610143575f36600319011261014357602060405160028152f35b34610143575f366003190112610143576103146102b47f0000000000000000000000000000000000000000000000000000000000000000612603565b6102dd7f0000000000000000000000000000000000000000000000000000000000000000612603565b6020610322604051926102f083856115c9565b5f84525f368137604051958695600f60f81b875260e08588015260e08701906114aa565b9085820360408701526114aa565b4660608501523060808501525f60a085015283810360c08501528180845192838152019301915f5b82811061035957505050500390f35b83518552869550938101939281019260010161034a565b34610143576020366003190112610143576004356001600160401b038111610143576101606003198236030112610143576103b5906103ad611716565b600401611e65565b901561045f578051602082018051606084015191926103e192916001600160a01b039081169116612357565b8051608083015161041b916001600160a01b03167f0000000000000000000000000000000000000000000000000000000000000000612357565b60a08201519081610439575b5f5f51602061274c5f395f51905f525d005b6040909201519151610457926001600160a01b039182169116611771565b808080610427565b634e487b7160e01b5f52600160045260245ffd5b34610143576020366003190112610143576004356001600160401b0381116101435736602382011215610143578060040135906001600160401b038211610143573660248360051b8301011161014357906104cc611716565b6104d58161168a565b916104e360405193846115c9565b818352601f196104f28361168a565b015f5b818110610686575050368190036101821901925f90818080805b878610156106115760248660051b8801013589811215610143576024610537918901016118bc565b949015610606578461054988886116e1565b5261055487876116e1565b5084516001600160a01b038481169116148015906105ec575b61059b575b600191608061058961059293606089015190611709565b96015190611709565b955b019461050f565b6105ab90846105d1959394612357565b7f0000000000000000000000000000000000000000000000000000000000000000612357565b805160208201516001600160a01b0390811691165f80610572565b5060208501516001600160a01b038581169116141561056d565b935094600190610594565b90916105ab88948261062295612357565b5f5b81811061063d575f5f51602061274c5f395f51905f525d005b8061064a600192856116e1565b5160a08101518061065e575b505001610624565b604082015160209092015161067f9260a086901b8690039182169116611771565b8480610656565b6020906106949594956116a1565b828287010152019392936104f5565b34610143575f36600319011261014357602060405160018152f35b34610143576040366003190112610143576106d761147e565b6106df611494565b6106e7611716565b6001600160a01b03811690811561083357335f52600460205260405f2060018060a01b0384165f5260205260405f205492831561080f57335f8181526004602090815260408083206001600160a01b03958616808552908352818420939093558051948616855290840187905290928392917fa4195c37c2947bbe89165f03e320b6903116f0b10d8cfdb522330f7ce6f9fa2491a3806107e557505f80808581945af13d156107e0573d61079a8161166f565b906107a860405192836115c9565b81525f60203d92013e5b156107cb5750505f5f51602061274c5f395f51905f525d005b63296c17bb60e21b5f5260045260245260445ffd5b6107b2565b92906107f29250836124b1565b156107fd5750610427565b635274afe760e01b5f5260045260245ffd5b635623329f60e11b5f908152336004526001600160a01b0391909116602452604490fd5b634e46966960e11b5f5260045ffd5b34610143575f366003190112610143576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b3461014357608036600319011261014357602061013b6108a46114ee565b6108ca6108d86108b2611504565b92604051928391878301956064359160043588611621565b03601f1981018352826115c9565b51902061174b565b610120366003190112610143576108f5611716565b6004356001600160a01b0381169081810361014357508015610e1b57806001600160a01b036109226115ea565b1614610e0c57606435908115610dfd576001600160601b038211610dea57608435906001600160601b038211610dd75760a435906001600160601b038211610dd75761096c61151a565b6001600160401b0342911611801590610db9575b610d96576044356001600160a01b038116929083810361014357505f918315918215610d1557863403610cfe575b60025495600187016002556109c161151a565b64ffffffffff16916109d1611601565b886109da6115ea565b8b8a60243597604051956109ed87611599565b33875260208701918252604087019063ffffffff16815260608701908b825260808801906001600160601b038b16825260a0890194855260c08901936001600160601b038b16855260e08a0197600160a01b600190031688526101008a01966001600160601b031687526101208a01988d8a525f52600360205260405f2099600160a01b6001900390600160a01b60019003905116166001600160601b0360a01b8b5416178a555164ffffffffff16610ac4908a9081549064ffffffffff60a01b9060a01b169064ffffffffff60a01b1916179055565b51885463ffffffff60c81b191660c89190911b63ffffffff60c81b161788559051905160a01b6001600160a01b0319166001600160a01b03919091161760018701559051905160a01b6001600160a01b0319166001600160a01b03919091161760028501559051905160a01b6001600160a01b0319166001600160a01b0391909116176003830155519060040155610b5a611601565b610b6261151a565b91610b6b6115ea565b936040519586528960208701528b60408701526060860152608085015263ffffffff1660a08401526001600160401b031660c0830152600160a01b600190031660e08201528533916101007f77f9db49b192d301b1d0621319d069ff62e66048710d69be07242fc45360a56491a415610bfa575b6020835f5f51602061274c5f395f51905f525d604051908152f35b604051916323b872dd60e01b5f5233600452306024528460445260205f60648180855af160015f5114811615610cdf575b836040525f606052156107fd57826024816020936370a0823160e01b82523060048301525afa918215610cd4575f92610ca0575b5080821115610c9757610c7191611614565b915b808303610c805780610bdf565b905063aeb0d2d960e01b5f5260045260245260445ffd5b50505f91610c73565b9091506020813d602011610ccc575b81610cbc602093836115c9565b8101031261014357519084610c5f565b3d9150610caf565b6040513d5f823e3d90fd5b6001811516610cf557813b15153d151616610c2b565b833d5f823e3d90fd5b8663195a3ca160e01b5f523460045260245260445ffd5b925034610d7f576040516370a0823160e01b8152306004820152602081602481885afa908115610cd4575f91610d4d575b50926109ae565b90506020813d602011610d77575b81610d68602093836115c9565b81010312610143575187610d46565b3d9150610d5b565b63195a3ca160e01b5f52346004525f60245260445ffd5b6001600160401b03610da661151a565b630bc4794d60e31b5f521660045260245ffd5b5064ffffffffff6001600160401b03610dd061151a565b1611610980565b506306d02d6760e11b5f5260045260245ffd5b5063ff74067960e01b5f5260045260245ffd5b6356316e8760e01b5f5260045ffd5b631d8c64ad60e01b5f5260045ffd5b638a3a738f60e01b5f5260045ffd5b3461014357602036600319011261014357610e4361147e565b610e4b611716565b331561083357335f52600460205260405f2060018060a01b0382165f5260205260405f205490811561080f57335f8181526004602090815260408083206001600160a01b03959095168084529482528083209290925581518381529081018590528392917fa4195c37c2947bbe89165f03e320b6903116f0b10d8cfdb522330f7ce6f9fa2491a380610f3b57505f80808084335af13d15610f36573d610ef08161166f565b90610efe60405192836115c9565b81525f60203d92013e5b15610f2057505f5f51602061274c5f395f51905f525d005b63296c17bb60e21b5f523360045260245260445ffd5b610f08565b906107f29033836124b1565b34610143575f366003190112610143576020600254604051908152f35b3461014357602036600319011261014357604051610f8181611599565b5f8152602081015f9052604081015f9052606081015f9052608081015f905260a081015f905260c081015f905260e081015f905261010081015f9052610120015f90526004355f52600360205260405f20604051610fde81611599565b8154600160a01b6001900381169283835260208301918060a01c64ffffffffff168352604084019060c81c63ffffffff1681526001820154906060850191600160a01b6001900381168352608086019060a01c815260028401549260a0870192600160a01b600190038516845260c088019460a01c855260038601549660e0890196600160a01b60019003891688526101008a019860a01c8952600401549861012001988952604051998a525164ffffffffff1660208a01525163ffffffff166040890152600160a01b600190039051166060880152516001600160601b03166080870152600160a01b6001900390511660a0860152516001600160601b031660c0850152600160a01b6001900390511660e0840152516001600160601b03166101008301525161012082015261014090f35b346101435760203660031901126101435760043561112d611716565b5f81815260036020526040902080546001600160a01b038116929190831561124e5764ffffffffff63ffffffff7f0000000000000000000000000000000000000000000000000000000000000000169160a01c160164ffffffffff811161123a5764ffffffffff1692834211156112235761042793508060018060a01b0360028401541692600360018060a01b0360018301541691015460a01c94805f5260036020526111f460405f2060045f918281558260018201558260028201558260038201550155565b7f4033dc666479bbf2deceb376019d6e4941e9ad8d84d393763e83fcd2e85332756020604051888152a4611771565b5050632d76d67360e11b5f5260045260245260445ffd5b634e487b7160e01b5f52601160045260245ffd5b8263145919d760e11b5f5260045260245ffd5b34610143575f36600319011261014357602060405161ffff7f0000000000000000000000000000000000000000000000000000000000000000168152f35b346101435760a036600319011261014357602061013b6112bd6114ee565b6108ca6108d86112cb611504565b60405192839187830195608435916064359160043589611544565b34610143575f36600319011261014357602060405163ffffffff7f0000000000000000000000000000000000000000000000000000000000000000168152f35b3461014357602036600319011261014357600435611342611716565b5f81815260036020526040902080546001600160a01b038116801561146b5733141580611454575b6114415764ffffffffff9060a01c168042101561142b5750805464ffffffffff60a01b19164260a01b64ffffffffff60a01b16178155600101546001600160a01b0316907fc13345caa108053ee223eef2058dabf1c29dcbcb9fa3b85845e8d1fd9b7e544f60406001600160401b034281169061140d63ffffffff7f000000000000000000000000000000000000000000000000000000000000000016836114ce565b8351928352166020820152a35f5f51602061274c5f395f51905f525d005b8263fe24c80b60e01b5f5260045260245260445ffd5b8263b23a5ca160e01b5f5260045260245ffd5b5060038201546001600160a01b031633141561136a565b8363145919d760e11b5f5260045260245ffd5b600435906001600160a01b038216820361014357565b602435906001600160a01b038216820361014357565b805180835260209291819084018484015e5f828201840152601f01601f1916010190565b906001600160401b03809116911601906001600160401b03821161123a57565b6024356001600160401b03811681036101435790565b6044356001600160401b03811681036101435790565b60e4356001600160401b03811681036101435790565b356001600160401b03811681036101435790565b9160a0936001600160401b038092989796939860c08601997faad976ce57a7629b9293263256859a9245c7546f5d1471e283ed46b530805aa38752602087015216604085015216606083015260808201520152565b61014081019081106001600160401b038211176115b557604052565b634e487b7160e01b5f52604160045260245ffd5b90601f801991011681019081106001600160401b038211176115b557604052565b610104356001600160a01b03811681036101435790565b60c43563ffffffff811681036101435790565b9190820391821161123a57565b909493926001600160401b03908160809460a08501987f8bc0e378d12182db4ad9363c8c9cb29f24d26a1d41d29b931e59355b9acabd40865260208601521660408401521660608201520152565b6001600160401b0381116115b557601f01601f191660200190565b6001600160401b0381116115b55760051b60200190565b6040519060c082018281106001600160401b038211176115b5576040525f60a0838281528260208201528260408201528260608201528260808201520152565b80518210156116f55760209160051b010190565b634e487b7160e01b5f52603260045260245ffd5b9190820180921161123a57565b5f51602061274c5f395f51905f525c61173c5760015f51602061274c5f395f51905f525d565b633ee5aeb560e01b5f5260045ffd5b604290611756612395565b906040519161190160f01b8352600283015260228201522090565b6001600160a01b039091169190826118075761c3505a106117f8575f8080808585617530f15b156117a157505050565b60207f09217e2b0e70868e1ad68bbeca2d4df1becf381268310884e1a742e674c7a0309160018060a01b031692835f526004825260405f20855f52825260405f206117ed828254611709565b9055604051908152a3565b6307099c5360e21b5f5260045ffd5b60405163a9059cbb60e01b5f9081526001600160a01b038316600452602484905260209060448180885af19060015f5114821615611848575b604052611797565b90843b15153d15161690611840565b903590601e198136030182121561014357018035906001600160401b0382116101435760200191813603831361014357565b906001600160401b03809116911603906001600160401b03821161123a57565b8181029291811591840414171561123a57565b906118c56116a1565b82355f818152600360205260409020805492946001600160a01b038416939092918415611e305764ffffffffff8260a01c166001600160401b0361192f63ffffffff7f000000000000000000000000000000000000000000000000000000000000000016836114ce565b16804211611dd6575060018201546001600160a01b03811695909390610140810161195a8183611857565b905015801594893303611d9a575b505061197660208301611530565b9161198360408201611530565b9160608201359485608084018d878d8861199d858a611857565b15159050611d325750509150506001600160401b0391501615801590611d20575b8015611d17575b611d04578694928e9694928d928d995b611b21575b5050509160a0611ab9899795937fe6a3758aecc2ffbd17ca14fed745a51919191535d78c744a7c385a9475b5df089b999795611a4c60026001600160401b03611a3460e09f600383910154891c99169e8f90891c906118a9565b94169b015492611a4684871c8d6118a9565b90611709565b85811015611b1957915b612710611a8761ffff7f000000000000000000000000000000000000000000000000000000000000000016856118a9565b04998952600180861b031660208901526040880152611aa68882611614565b9360608801948552886080890152611614565b9401938452895f526003602052611aea60405f2060045f918281558260018201558260028201558260038201550155565b51925194604051968752602087015260408601526060850152608084015260a083015260c0820152a460019190565b508491611a56565b9250929650929394965060a08301358a8103611cef5750610120830135948503611cdc5760c0830193611b5385611530565b6001600160401b038083169116108015611cbc575b611ca957611baf6001600160401b03611b8e63ffffffff93611b8989611530565b611889565b166001600160401b03611ba860e088019a611b898c611530565b1690611709565b9160c81c1690818111611c9057505090611c02611c0992611bfc8b611bd387611530565b6108d8611bdf8b611530565b916108ca6101008901359b8c604051958694602086019889611544565b92611857565b918b6125ba565b15611c7d577fe6a3758aecc2ffbd17ca14fed745a51919191535d78c744a7c385a9475b5df0895938560e0969460a0611ab98f95968e611a4c8f996001600160401b03611a34816003611c66611c60600296611530565b9b611530565b979d9f50505050505050939597999b5093996119da565b8663c839db4b60e01b5f5260045260245ffd5b8a633bc340f960e01b5f5260045260245260445260645ffd5b8a63d14d023f60e01b5f5260045260245ffd5b50611cc960e08501611530565b6001600160401b03808916911610611b68565b89634fa84f6b60e01b5f5260045260245ffd5b8a62ed027560e61b5f5260045260245260445ffd5b89635ee9fb4760e01b5f5260045260245ffd5b508515156119c5565b506001600160401b03841615156119be565b6108d8611d51936108ca611d7298604051948593602085019788611621565b60038c01546001600160a01b031692611d6a9088611857565b939092612506565b15611d87578694928e9694928d928d996119d5565b896352a97a9760e01b5f5260045260245ffd5b804210611dc05750611dad575f80611968565b866304edaceb60e31b5f5260045260245ffd5b8863ce61c40d60e01b5f5260045260245260445ffd5b9795505050509290506001611dfc57505063090532eb60e01b5f5260045260245260445ffd5b919092507f66d5cafc82bd533182e6c2cf504cd99ef80340277aba252dd61e7f6bc52c5392602060405160028152a25f9190565b50509150507f66d5cafc82bd533182e6c2cf504cd99ef80340277aba252dd61e7f6bc52c5392602060405160018152a25f9190565b905f611e6f6116a1565b83355f818152600360205260409020805492956001600160a01b0384169491851561146b5764ffffffffff8560a01c16906001600160401b03611ed863ffffffff7f000000000000000000000000000000000000000000000000000000000000000016846114ce565b168042116122fd575060018101546001600160a01b038116969092906101408501611f038187611857565b9050158015938a33036122bf575b5050611f1f60208701611530565b90611f2c60408801611530565b966060810135938a608083018e611f438286611857565b1515905061225e575050506001600160401b0384161580159061224c575b8015612243575b61222f57918593918f95938d975b612099575b5050508b600387015460a01c916001600160401b03169760a01c611f9f90896118a9565b986001600160401b03169660020154988960a01c611fbd90896118a9565b611fc691611709565b8281105f149a60a061206660e09c611aea957fe6a3758aecc2ffbd17ca14fed745a51919191535d78c744a7c385a9475b5df089f9560409661209157915b61271061203561ffff7f000000000000000000000000000000000000000000000000000000000000000016856118a9565b049c8c52600180861b031660208c0152858b01526120538b82611614565b9660608b019788528b60808c0152611614565b97019687528c815260036020522060045f918281558260018201558260028201558260038201550155565b508791612004565b919497989996509291945060a08301358b810361221957506101208301359182036122055760c08301946120cc86611530565b6001600160401b0380831691161080156121e5575b6121d1576121026001600160401b03611b8e63ffffffff93611b898a611530565b9160c81c16908181116121b7575050908392916121238b9998979695611530565b9061212d86611530565b6101008401359a8b92604051938493602085019661214b9488611544565b03601f198101825261215d90826115c9565b5190206121699061174b565b9161217391611857565b9061217e928c6125ba565b156121a357918b916121996121938b95611530565b91611530565b96905f8080611f7b565b63c839db4b60e01b87526004889052602487fd5b633bc340f960e01b8b5260048c9052602452604452606489fd5b63d14d023f60e01b8b5260048c905260248bfd5b506121f260e08501611530565b6001600160401b038089169116106120e1565b634fa84f6b60e01b8a5260048b905260248afd5b62ed027560e61b8b5260048c905260245260448afd5b635ee9fb4760e01b8a5260048b905260248afd5b50841515611f68565b506001600160401b0389161515611f61565b61227f612298938d6108d88a6108ca8d604051948593602085019788611621565b60038b01546001600160a01b031692611d6a9087611857565b156122ab57918593918f95938d97611f76565b6352a97a9760e01b8a5260048b905260248afd5b8042106122e657506122d2575f80611f11565b6304edaceb60e31b87526004889052602487fd5b63ce61c40d60e01b895260048a9052602452604488fd5b98965050505080919492506123245750505063090532eb60e01b5f5260045260245260445ffd5b919350917f66d5cafc82bd533182e6c2cf504cd99ef80340277aba252dd61e7f6bc52c5392602060405160028152a29190565b8261236157505050565b60018060a01b03165f52600460205260405f209060018060a01b03165f5260205261239160405f20918254611709565b9055565b307f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03161480612488575b156123f0577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527f000000000000000000000000000000000000000000000000000000000000000060408201527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a082015260a0815261248260c0826115c9565b51902090565b507f000000000000000000000000000000000000000000000000000000000000000046146123c7565b92916040519163a9059cbb60e01b5f5260018060a01b031660045260245260205f60448180875af19260015f51148416156124ed575b50604052565b60018492941516610cf5573b15153d151616915f6124e7565b93929190612515848484612641565b5060048193929310156125a65715918261255e575b505061255557833b15159384612542575b5050505090565b61254c9450612675565b5f80808061253b565b50505050600190565b6001600160a01b0387811691169081149250908215612581575b50505f8061252a565b6001600160a01b0316811491508161259c575b505f80612578565b905015155f612594565b634e487b7160e01b5f52602160045260245ffd5b929190833b6125f757906125ce9291612641565b5060048110156125a6571591826125e457505090565b6001600160a01b03918216911614919050565b61260093612675565b90565b60ff811690601f8211612632576040519161261f6040846115c9565b6020808452838101919036833783525290565b632cd44ac360e21b5f5260045ffd5b906041830361266b576126649250602081013591604082359201355f1a906126c9565b9192909190565b50505f9160029190565b906064846020955f9560405194630b135d3f60e11b8652600486015260406024860152816044860152838501378281018201859052601f01601f191601915afa630b135d3f60e11b5f5114601f3d11161690565b91907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a08411612740579160209360809260ff5f9560405194855216868401526040830152606082015282805260015afa15610cd4575f516001600160a01b0381161561273657905f905f90565b505f906001905f90565b5050505f916003919056fe9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00a26469706673582212206475aeb8dc904066c6aed3b1b39de6184fcd9cf7c6bb59031663ecbb042d56ab64736f6c634300081c0033",
}

// SessionEscrow is an auto generated Go binding around an Ethereum contract.
type SessionEscrow struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *SessionEscrow) GetABI() abi.ABI {
	return c.abi
}

// NewSessionEscrow creates a new instance of SessionEscrow.
func NewSessionEscrow() *SessionEscrow {
	parsed, err := SessionEscrowMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &SessionEscrow{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *SessionEscrow) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address treasury_, uint16 feeBps_, uint32 disputeWindow_) returns()
func (sessionEscrow *SessionEscrow) PackConstructor(treasury_ common.Address, feeBps_ uint16, disputeWindow_ uint32) []byte {
	enc, err := sessionEscrow.abi.Pack("", treasury_, feeBps_, disputeWindow_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackCHECKPOINTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe1193e4c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function CHECKPOINT_TYPEHASH() view returns(bytes32)
func (sessionEscrow *SessionEscrow) PackCHECKPOINTTYPEHASH() []byte {
	enc, err := sessionEscrow.abi.Pack("CHECKPOINT_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCHECKPOINTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe1193e4c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function CHECKPOINT_TYPEHASH() view returns(bytes32)
func (sessionEscrow *SessionEscrow) TryPackCHECKPOINTTYPEHASH() ([]byte, error) {
	return sessionEscrow.abi.Pack("CHECKPOINT_TYPEHASH")
}

// UnpackCHECKPOINTTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe1193e4c.
//
// Solidity: function CHECKPOINT_TYPEHASH() view returns(bytes32)
func (sessionEscrow *SessionEscrow) UnpackCHECKPOINTTYPEHASH(data []byte) ([32]byte, error) {
	out, err := sessionEscrow.abi.Unpack("CHECKPOINT_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackMAXFEEBPS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd55be8c6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_FEE_BPS() view returns(uint256)
func (sessionEscrow *SessionEscrow) PackMAXFEEBPS() []byte {
	enc, err := sessionEscrow.abi.Pack("MAX_FEE_BPS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXFEEBPS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd55be8c6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_FEE_BPS() view returns(uint256)
func (sessionEscrow *SessionEscrow) TryPackMAXFEEBPS() ([]byte, error) {
	return sessionEscrow.abi.Pack("MAX_FEE_BPS")
}

// UnpackMAXFEEBPS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd55be8c6.
//
// Solidity: function MAX_FEE_BPS() view returns(uint256)
func (sessionEscrow *SessionEscrow) UnpackMAXFEEBPS(data []byte) (*big.Int, error) {
	out, err := sessionEscrow.abi.Unpack("MAX_FEE_BPS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackNATIVE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa0cf0aea.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function NATIVE() view returns(address)
func (sessionEscrow *SessionEscrow) PackNATIVE() []byte {
	enc, err := sessionEscrow.abi.Pack("NATIVE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNATIVE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa0cf0aea.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function NATIVE() view returns(address)
func (sessionEscrow *SessionEscrow) TryPackNATIVE() ([]byte, error) {
	return sessionEscrow.abi.Pack("NATIVE")
}

// UnpackNATIVE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa0cf0aea.
//
// Solidity: function NATIVE() view returns(address)
func (sessionEscrow *SessionEscrow) UnpackNATIVE(data []byte) (common.Address, error) {
	out, err := sessionEscrow.abi.Unpack("NATIVE", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRECEIPTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95850f59.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (sessionEscrow *SessionEscrow) PackRECEIPTTYPEHASH() []byte {
	enc, err := sessionEscrow.abi.Pack("RECEIPT_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRECEIPTTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95850f59.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (sessionEscrow *SessionEscrow) TryPackRECEIPTTYPEHASH() ([]byte, error) {
	return sessionEscrow.abi.Pack("RECEIPT_TYPEHASH")
}

// UnpackRECEIPTTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95850f59.
//
// Solidity: function RECEIPT_TYPEHASH() view returns(bytes32)
func (sessionEscrow *SessionEscrow) UnpackRECEIPTTYPEHASH(data []byte) ([32]byte, error) {
	out, err := sessionEscrow.abi.Unpack("RECEIPT_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackREFUNDGAS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd448b24d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function REFUND_GAS() view returns(uint256)
func (sessionEscrow *SessionEscrow) PackREFUNDGAS() []byte {
	enc, err := sessionEscrow.abi.Pack("REFUND_GAS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackREFUNDGAS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd448b24d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function REFUND_GAS() view returns(uint256)
func (sessionEscrow *SessionEscrow) TryPackREFUNDGAS() ([]byte, error) {
	return sessionEscrow.abi.Pack("REFUND_GAS")
}

// UnpackREFUNDGAS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd448b24d.
//
// Solidity: function REFUND_GAS() view returns(uint256)
func (sessionEscrow *SessionEscrow) UnpackREFUNDGAS(data []byte) (*big.Int, error) {
	out, err := sessionEscrow.abi.Unpack("REFUND_GAS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSKIPNOTOPEN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x775ad587.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function SKIP_NOT_OPEN() view returns(uint8)
func (sessionEscrow *SessionEscrow) PackSKIPNOTOPEN() []byte {
	enc, err := sessionEscrow.abi.Pack("SKIP_NOT_OPEN")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSKIPNOTOPEN is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x775ad587.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function SKIP_NOT_OPEN() view returns(uint8)
func (sessionEscrow *SessionEscrow) TryPackSKIPNOTOPEN() ([]byte, error) {
	return sessionEscrow.abi.Pack("SKIP_NOT_OPEN")
}

// UnpackSKIPNOTOPEN is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x775ad587.
//
// Solidity: function SKIP_NOT_OPEN() view returns(uint8)
func (sessionEscrow *SessionEscrow) UnpackSKIPNOTOPEN(data []byte) (uint8, error) {
	out, err := sessionEscrow.abi.Unpack("SKIP_NOT_OPEN", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackSKIPWINDOWCLOSED is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x93e1a348.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function SKIP_WINDOW_CLOSED() view returns(uint8)
func (sessionEscrow *SessionEscrow) PackSKIPWINDOWCLOSED() []byte {
	enc, err := sessionEscrow.abi.Pack("SKIP_WINDOW_CLOSED")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSKIPWINDOWCLOSED is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x93e1a348.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function SKIP_WINDOW_CLOSED() view returns(uint8)
func (sessionEscrow *SessionEscrow) TryPackSKIPWINDOWCLOSED() ([]byte, error) {
	return sessionEscrow.abi.Pack("SKIP_WINDOW_CLOSED")
}

// UnpackSKIPWINDOWCLOSED is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x93e1a348.
//
// Solidity: function SKIP_WINDOW_CLOSED() view returns(uint8)
func (sessionEscrow *SessionEscrow) UnpackSKIPWINDOWCLOSED(data []byte) (uint8, error) {
	out, err := sessionEscrow.abi.Unpack("SKIP_WINDOW_CLOSED", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackBalances is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc23f001f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balances(address account, address token) view returns(uint256)
func (sessionEscrow *SessionEscrow) PackBalances(account common.Address, token common.Address) []byte {
	enc, err := sessionEscrow.abi.Pack("balances", account, token)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalances is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc23f001f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balances(address account, address token) view returns(uint256)
func (sessionEscrow *SessionEscrow) TryPackBalances(account common.Address, token common.Address) ([]byte, error) {
	return sessionEscrow.abi.Pack("balances", account, token)
}

// UnpackBalances is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc23f001f.
//
// Solidity: function balances(address account, address token) view returns(uint256)
func (sessionEscrow *SessionEscrow) UnpackBalances(data []byte) (*big.Int, error) {
	out, err := sessionEscrow.abi.Unpack("balances", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCheckpointDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1b2265fb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function checkpointDigest((uint256,uint64,uint64,bytes32,bytes32) c) view returns(bytes32)
func (sessionEscrow *SessionEscrow) PackCheckpointDigest(c SessionEscrowCheckpoint) []byte {
	enc, err := sessionEscrow.abi.Pack("checkpointDigest", c)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCheckpointDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1b2265fb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function checkpointDigest((uint256,uint64,uint64,bytes32,bytes32) c) view returns(bytes32)
func (sessionEscrow *SessionEscrow) TryPackCheckpointDigest(c SessionEscrowCheckpoint) ([]byte, error) {
	return sessionEscrow.abi.Pack("checkpointDigest", c)
}

// UnpackCheckpointDigest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1b2265fb.
//
// Solidity: function checkpointDigest((uint256,uint64,uint64,bytes32,bytes32) c) view returns(bytes32)
func (sessionEscrow *SessionEscrow) UnpackCheckpointDigest(data []byte) ([32]byte, error) {
	out, err := sessionEscrow.abi.Unpack("checkpointDigest", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0aebeb4e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function close(uint256 sessionId) returns()
func (sessionEscrow *SessionEscrow) PackClose(sessionId *big.Int) []byte {
	enc, err := sessionEscrow.abi.Pack("close", sessionId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0aebeb4e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function close(uint256 sessionId) returns()
func (sessionEscrow *SessionEscrow) TryPackClose(sessionId *big.Int) ([]byte, error) {
	return sessionEscrow.abi.Pack("close", sessionId)
}

// PackDisputeWindow is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x117f5f92.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function disputeWindow() view returns(uint32)
func (sessionEscrow *SessionEscrow) PackDisputeWindow() []byte {
	enc, err := sessionEscrow.abi.Pack("disputeWindow")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDisputeWindow is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x117f5f92.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function disputeWindow() view returns(uint32)
func (sessionEscrow *SessionEscrow) TryPackDisputeWindow() ([]byte, error) {
	return sessionEscrow.abi.Pack("disputeWindow")
}

// UnpackDisputeWindow is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x117f5f92.
//
// Solidity: function disputeWindow() view returns(uint32)
func (sessionEscrow *SessionEscrow) UnpackDisputeWindow(data []byte) (uint32, error) {
	out, err := sessionEscrow.abi.Unpack("disputeWindow", data)
	if err != nil {
		return *new(uint32), err
	}
	out0 := *abi.ConvertType(out[0], new(uint32)).(*uint32)
	return out0, nil
}

// PackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (sessionEscrow *SessionEscrow) PackDomainSeparator() []byte {
	enc, err := sessionEscrow.abi.Pack("domainSeparator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (sessionEscrow *SessionEscrow) TryPackDomainSeparator() ([]byte, error) {
	return sessionEscrow.abi.Pack("domainSeparator")
}

// UnpackDomainSeparator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (sessionEscrow *SessionEscrow) UnpackDomainSeparator(data []byte) ([32]byte, error) {
	out, err := sessionEscrow.abi.Unpack("domainSeparator", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (sessionEscrow *SessionEscrow) PackEip712Domain() []byte {
	enc, err := sessionEscrow.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (sessionEscrow *SessionEscrow) TryPackEip712Domain() ([]byte, error) {
	return sessionEscrow.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (sessionEscrow *SessionEscrow) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := sessionEscrow.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackFeeBps is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x24a9d853.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function feeBps() view returns(uint16)
func (sessionEscrow *SessionEscrow) PackFeeBps() []byte {
	enc, err := sessionEscrow.abi.Pack("feeBps")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackFeeBps is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x24a9d853.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function feeBps() view returns(uint16)
func (sessionEscrow *SessionEscrow) TryPackFeeBps() ([]byte, error) {
	return sessionEscrow.abi.Pack("feeBps")
}

// UnpackFeeBps is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x24a9d853.
//
// Solidity: function feeBps() view returns(uint16)
func (sessionEscrow *SessionEscrow) UnpackFeeBps(data []byte) (uint16, error) {
	out, err := sessionEscrow.abi.Unpack("feeBps", data)
	if err != nil {
		return *new(uint16), err
	}
	out0 := *abi.ConvertType(out[0], new(uint16)).(*uint16)
	return out0, nil
}

// PackGetSession is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x402ff0db.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getSession(uint256 sessionId) view returns((address,uint40,uint32,address,uint96,address,uint96,address,uint96,bytes32))
func (sessionEscrow *SessionEscrow) PackGetSession(sessionId *big.Int) []byte {
	enc, err := sessionEscrow.abi.Pack("getSession", sessionId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetSession is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x402ff0db.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getSession(uint256 sessionId) view returns((address,uint40,uint32,address,uint96,address,uint96,address,uint96,bytes32))
func (sessionEscrow *SessionEscrow) TryPackGetSession(sessionId *big.Int) ([]byte, error) {
	return sessionEscrow.abi.Pack("getSession", sessionId)
}

// UnpackGetSession is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x402ff0db.
//
// Solidity: function getSession(uint256 sessionId) view returns((address,uint40,uint32,address,uint96,address,uint96,address,uint96,bytes32))
func (sessionEscrow *SessionEscrow) UnpackGetSession(data []byte) (SessionEscrowSession, error) {
	out, err := sessionEscrow.abi.Unpack("getSession", data)
	if err != nil {
		return *new(SessionEscrowSession), err
	}
	out0 := *abi.ConvertType(out[0], new(SessionEscrowSession)).(*SessionEscrowSession)
	return out0, nil
}

// PackNextSessionId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x49bbf7da.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nextSessionId() view returns(uint256)
func (sessionEscrow *SessionEscrow) PackNextSessionId() []byte {
	enc, err := sessionEscrow.abi.Pack("nextSessionId")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNextSessionId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x49bbf7da.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nextSessionId() view returns(uint256)
func (sessionEscrow *SessionEscrow) TryPackNextSessionId() ([]byte, error) {
	return sessionEscrow.abi.Pack("nextSessionId")
}

// UnpackNextSessionId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x49bbf7da.
//
// Solidity: function nextSessionId() view returns(uint256)
func (sessionEscrow *SessionEscrow) UnpackNextSessionId(data []byte) (*big.Int, error) {
	out, err := sessionEscrow.abi.Unpack("nextSessionId", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOpen is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x54b87e96.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function open((address,bytes32,address,uint256,uint256,uint256,uint32,uint64,address) t) payable returns(uint256 sessionId)
func (sessionEscrow *SessionEscrow) PackOpen(t SessionEscrowTerms) []byte {
	enc, err := sessionEscrow.abi.Pack("open", t)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpen is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x54b87e96.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function open((address,bytes32,address,uint256,uint256,uint256,uint32,uint64,address) t) payable returns(uint256 sessionId)
func (sessionEscrow *SessionEscrow) TryPackOpen(t SessionEscrowTerms) ([]byte, error) {
	return sessionEscrow.abi.Pack("open", t)
}

// UnpackOpen is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x54b87e96.
//
// Solidity: function open((address,bytes32,address,uint256,uint256,uint256,uint32,uint64,address) t) payable returns(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackOpen(data []byte) (*big.Int, error) {
	out, err := sessionEscrow.abi.Unpack("open", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackReceiptDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5cc54f53.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function receiptDigest((uint256,uint64,uint64,bytes32) r) view returns(bytes32)
func (sessionEscrow *SessionEscrow) PackReceiptDigest(r SessionEscrowReceipt) []byte {
	enc, err := sessionEscrow.abi.Pack("receiptDigest", r)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReceiptDigest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5cc54f53.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function receiptDigest((uint256,uint64,uint64,bytes32) r) view returns(bytes32)
func (sessionEscrow *SessionEscrow) TryPackReceiptDigest(r SessionEscrowReceipt) ([]byte, error) {
	return sessionEscrow.abi.Pack("receiptDigest", r)
}

// UnpackReceiptDigest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5cc54f53.
//
// Solidity: function receiptDigest((uint256,uint64,uint64,bytes32) r) view returns(bytes32)
func (sessionEscrow *SessionEscrow) UnpackReceiptDigest(data []byte) ([32]byte, error) {
	out, err := sessionEscrow.abi.Unpack("receiptDigest", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackRefund is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x278ecde1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function refund(uint256 sessionId) returns()
func (sessionEscrow *SessionEscrow) PackRefund(sessionId *big.Int) []byte {
	enc, err := sessionEscrow.abi.Pack("refund", sessionId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRefund is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x278ecde1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function refund(uint256 sessionId) returns()
func (sessionEscrow *SessionEscrow) TryPackRefund(sessionId *big.Int) ([]byte, error) {
	return sessionEscrow.abi.Pack("refund", sessionId)
}

// PackSettle is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x783cc63b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function settle(((uint256,uint64,uint64,bytes32),bytes,(uint256,uint64,uint64,bytes32,bytes32),bytes) s) returns()
func (sessionEscrow *SessionEscrow) PackSettle(s SessionEscrowSettlement) []byte {
	enc, err := sessionEscrow.abi.Pack("settle", s)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSettle is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x783cc63b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function settle(((uint256,uint64,uint64,bytes32),bytes,(uint256,uint64,uint64,bytes32,bytes32),bytes) s) returns()
func (sessionEscrow *SessionEscrow) TryPackSettle(s SessionEscrowSettlement) ([]byte, error) {
	return sessionEscrow.abi.Pack("settle", s)
}

// PackSettleMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x77bb5435.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function settleMany(((uint256,uint64,uint64,bytes32),bytes,(uint256,uint64,uint64,bytes32,bytes32),bytes)[] list) returns()
func (sessionEscrow *SessionEscrow) PackSettleMany(list []SessionEscrowSettlement) []byte {
	enc, err := sessionEscrow.abi.Pack("settleMany", list)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSettleMany is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x77bb5435.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function settleMany(((uint256,uint64,uint64,bytes32),bytes,(uint256,uint64,uint64,bytes32,bytes32),bytes)[] list) returns()
func (sessionEscrow *SessionEscrow) TryPackSettleMany(list []SessionEscrowSettlement) ([]byte, error) {
	return sessionEscrow.abi.Pack("settleMany", list)
}

// PackTreasury is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x61d027b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function treasury() view returns(address)
func (sessionEscrow *SessionEscrow) PackTreasury() []byte {
	enc, err := sessionEscrow.abi.Pack("treasury")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTreasury is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x61d027b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function treasury() view returns(address)
func (sessionEscrow *SessionEscrow) TryPackTreasury() ([]byte, error) {
	return sessionEscrow.abi.Pack("treasury")
}

// UnpackTreasury is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x61d027b3.
//
// Solidity: function treasury() view returns(address)
func (sessionEscrow *SessionEscrow) UnpackTreasury(data []byte) (common.Address, error) {
	out, err := sessionEscrow.abi.Unpack("treasury", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51cff8d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(address token) returns()
func (sessionEscrow *SessionEscrow) PackWithdraw(token common.Address) []byte {
	enc, err := sessionEscrow.abi.Pack("withdraw", token)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51cff8d9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(address token) returns()
func (sessionEscrow *SessionEscrow) TryPackWithdraw(token common.Address) ([]byte, error) {
	return sessionEscrow.abi.Pack("withdraw", token)
}

// PackWithdrawTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6dce4ab0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawTo(address token, address to) returns()
func (sessionEscrow *SessionEscrow) PackWithdrawTo(token common.Address, to common.Address) []byte {
	enc, err := sessionEscrow.abi.Pack("withdrawTo", token, to)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawTo is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6dce4ab0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawTo(address token, address to) returns()
func (sessionEscrow *SessionEscrow) TryPackWithdrawTo(token common.Address, to common.Address) ([]byte, error) {
	return sessionEscrow.abi.Pack("withdrawTo", token, to)
}

// SessionEscrowEIP712DomainChanged represents a EIP712DomainChanged event raised by the SessionEscrow contract.
type SessionEscrowEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const SessionEscrowEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (SessionEscrowEIP712DomainChanged) ContractEventName() string {
	return SessionEscrowEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (sessionEscrow *SessionEscrow) UnpackEIP712DomainChangedEvent(log *types.Log) (*SessionEscrowEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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

// SessionEscrowRefundCredited represents a RefundCredited event raised by the SessionEscrow contract.
type SessionEscrowRefundCredited struct {
	Account common.Address
	Token   common.Address
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const SessionEscrowRefundCreditedEventName = "RefundCredited"

// ContractEventName returns the user-defined event name.
func (SessionEscrowRefundCredited) ContractEventName() string {
	return SessionEscrowRefundCreditedEventName
}

// UnpackRefundCreditedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RefundCredited(address indexed account, address indexed token, uint256 amount)
func (sessionEscrow *SessionEscrow) UnpackRefundCreditedEvent(log *types.Log) (*SessionEscrowRefundCredited, error) {
	event := "RefundCredited"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowRefundCredited)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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

// SessionEscrowSessionClosing represents a SessionClosing event raised by the SessionEscrow contract.
type SessionEscrowSessionClosing struct {
	SessionId *big.Int
	Host      common.Address
	Deadline  uint64
	SettleBy  uint64
	Raw       *types.Log // Blockchain specific contextual infos
}

const SessionEscrowSessionClosingEventName = "SessionClosing"

// ContractEventName returns the user-defined event name.
func (SessionEscrowSessionClosing) ContractEventName() string {
	return SessionEscrowSessionClosingEventName
}

// UnpackSessionClosingEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SessionClosing(uint256 indexed sessionId, address indexed host, uint64 deadline, uint64 settleBy)
func (sessionEscrow *SessionEscrow) UnpackSessionClosingEvent(log *types.Log) (*SessionEscrowSessionClosing, error) {
	event := "SessionClosing"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowSessionClosing)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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

// SessionEscrowSessionOpened represents a SessionOpened event raised by the SessionEscrow contract.
type SessionEscrowSessionOpened struct {
	SessionId    *big.Int
	Depositor    common.Address
	Host         common.Address
	ModelId      [32]byte
	Token        common.Address
	Deposit      *big.Int
	InputPrice   *big.Int
	OutputPrice  *big.Int
	CreditWindow uint32
	Expiry       uint64
	SessionKey   common.Address
	Raw          *types.Log // Blockchain specific contextual infos
}

const SessionEscrowSessionOpenedEventName = "SessionOpened"

// ContractEventName returns the user-defined event name.
func (SessionEscrowSessionOpened) ContractEventName() string {
	return SessionEscrowSessionOpenedEventName
}

// UnpackSessionOpenedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SessionOpened(uint256 indexed sessionId, address indexed depositor, address indexed host, bytes32 modelId, address token, uint256 deposit, uint256 inputPrice, uint256 outputPrice, uint32 creditWindow, uint64 expiry, address sessionKey)
func (sessionEscrow *SessionEscrow) UnpackSessionOpenedEvent(log *types.Log) (*SessionEscrowSessionOpened, error) {
	event := "SessionOpened"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowSessionOpened)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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

// SessionEscrowSessionRefunded represents a SessionRefunded event raised by the SessionEscrow contract.
type SessionEscrowSessionRefunded struct {
	SessionId *big.Int
	Host      common.Address
	Depositor common.Address
	Amount    *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const SessionEscrowSessionRefundedEventName = "SessionRefunded"

// ContractEventName returns the user-defined event name.
func (SessionEscrowSessionRefunded) ContractEventName() string {
	return SessionEscrowSessionRefundedEventName
}

// UnpackSessionRefundedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SessionRefunded(uint256 indexed sessionId, address indexed host, address indexed depositor, uint256 amount)
func (sessionEscrow *SessionEscrow) UnpackSessionRefundedEvent(log *types.Log) (*SessionEscrowSessionRefunded, error) {
	event := "SessionRefunded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowSessionRefunded)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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

// SessionEscrowSessionSettled represents a SessionSettled event raised by the SessionEscrow contract.
type SessionEscrowSessionSettled struct {
	SessionId      *big.Int
	Host           common.Address
	Depositor      common.Address
	InputTokens    uint64
	OutputTokens   uint64
	OutputChain    [32]byte
	WithCheckpoint bool
	HostAmount     *big.Int
	Fee            *big.Int
	Refund         *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const SessionEscrowSessionSettledEventName = "SessionSettled"

// ContractEventName returns the user-defined event name.
func (SessionEscrowSessionSettled) ContractEventName() string {
	return SessionEscrowSessionSettledEventName
}

// UnpackSessionSettledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SessionSettled(uint256 indexed sessionId, address indexed host, address indexed depositor, uint64 inputTokens, uint64 outputTokens, bytes32 outputChain, bool withCheckpoint, uint256 hostAmount, uint256 fee, uint256 refund)
func (sessionEscrow *SessionEscrow) UnpackSessionSettledEvent(log *types.Log) (*SessionEscrowSessionSettled, error) {
	event := "SessionSettled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowSessionSettled)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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

// SessionEscrowSettlementSkipped represents a SettlementSkipped event raised by the SessionEscrow contract.
type SessionEscrowSettlementSkipped struct {
	SessionId *big.Int
	Reason    uint8
	Raw       *types.Log // Blockchain specific contextual infos
}

const SessionEscrowSettlementSkippedEventName = "SettlementSkipped"

// ContractEventName returns the user-defined event name.
func (SessionEscrowSettlementSkipped) ContractEventName() string {
	return SessionEscrowSettlementSkippedEventName
}

// UnpackSettlementSkippedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event SettlementSkipped(uint256 indexed sessionId, uint8 reason)
func (sessionEscrow *SessionEscrow) UnpackSettlementSkippedEvent(log *types.Log) (*SessionEscrowSettlementSkipped, error) {
	event := "SettlementSkipped"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowSettlementSkipped)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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

// SessionEscrowWithdrawn represents a Withdrawn event raised by the SessionEscrow contract.
type SessionEscrowWithdrawn struct {
	Account common.Address
	Token   common.Address
	To      common.Address
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const SessionEscrowWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (SessionEscrowWithdrawn) ContractEventName() string {
	return SessionEscrowWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(address indexed account, address indexed token, address to, uint256 amount)
func (sessionEscrow *SessionEscrow) UnpackWithdrawnEvent(log *types.Log) (*SessionEscrowWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != sessionEscrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SessionEscrowWithdrawn)
	if len(log.Data) > 0 {
		if err := sessionEscrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range sessionEscrow.abi.Events[event].Inputs {
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
func (sessionEscrow *SessionEscrow) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["CheckpointBelowReceipt"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackCheckpointBelowReceiptError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["CheckpointNotExtending"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackCheckpointNotExtendingError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["CheckpointRequired"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackCheckpointRequiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["CheckpointSessionMismatch"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackCheckpointSessionMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["CreditWindowExceeded"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackCreditWindowExceededError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["DepositNotReceived"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackDepositNotReceivedError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["DepositTooLarge"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackDepositTooLargeError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["FeeTooHigh"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackFeeTooHighError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InsufficientGas"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInsufficientGasError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InvalidCheckpointSignature"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInvalidCheckpointSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InvalidExpiry"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInvalidExpiryError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InvalidHost"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInvalidHostError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InvalidReceiptSignature"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInvalidReceiptSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InvalidRecipient"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInvalidRecipientError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["InvalidTreasury"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackInvalidTreasuryError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["NativeTransferFailed"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackNativeTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["NotDepositor"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackNotDepositorError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["OnlyHostBeforeDeadline"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackOnlyHostBeforeDeadlineError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["PriceTooLarge"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackPriceTooLargeError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["RefundTooEarly"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackRefundTooEarlyError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["SessionEnded"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackSessionEndedError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["SessionKeyIsHost"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackSessionKeyIsHostError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["SessionNotOpen"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackSessionNotOpenError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["SettlementWindowClosed"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackSettlementWindowClosedError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackStringTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["UnsignedReceiptNotZero"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackUnsignedReceiptNotZeroError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["WrongValue"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackWrongValueError(raw[4:])
	}
	if bytes.Equal(raw[:4], sessionEscrow.abi.Errors["ZeroDeposit"].ID.Bytes()[:4]) {
		return sessionEscrow.UnpackZeroDepositError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// SessionEscrowCheckpointBelowReceipt represents a CheckpointBelowReceipt error raised by the SessionEscrow contract.
type SessionEscrowCheckpointBelowReceipt struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CheckpointBelowReceipt(uint256 sessionId)
func SessionEscrowCheckpointBelowReceiptErrorID() common.Hash {
	return common.HexToHash("0xd14d023fe257cd832c93f7e01963d6c005085bb90eefcec0a176cbd5daada678")
}

// UnpackCheckpointBelowReceiptError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CheckpointBelowReceipt(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackCheckpointBelowReceiptError(raw []byte) (*SessionEscrowCheckpointBelowReceipt, error) {
	out := new(SessionEscrowCheckpointBelowReceipt)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "CheckpointBelowReceipt", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowCheckpointNotExtending represents a CheckpointNotExtending error raised by the SessionEscrow contract.
type SessionEscrowCheckpointNotExtending struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CheckpointNotExtending(uint256 sessionId)
func SessionEscrowCheckpointNotExtendingErrorID() common.Hash {
	return common.HexToHash("0x4fa84f6b0f4a6ebef7406ad505c5fca7d05a61c7a7c5b4fdce55033a02a9ea67")
}

// UnpackCheckpointNotExtendingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CheckpointNotExtending(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackCheckpointNotExtendingError(raw []byte) (*SessionEscrowCheckpointNotExtending, error) {
	out := new(SessionEscrowCheckpointNotExtending)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "CheckpointNotExtending", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowCheckpointRequired represents a CheckpointRequired error raised by the SessionEscrow contract.
type SessionEscrowCheckpointRequired struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CheckpointRequired(uint256 sessionId)
func SessionEscrowCheckpointRequiredErrorID() common.Hash {
	return common.HexToHash("0x276d6758ebdb48048d8c4749e72de71049bb0a575bbdd9b3f076069c8fcc069e")
}

// UnpackCheckpointRequiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CheckpointRequired(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackCheckpointRequiredError(raw []byte) (*SessionEscrowCheckpointRequired, error) {
	out := new(SessionEscrowCheckpointRequired)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "CheckpointRequired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowCheckpointSessionMismatch represents a CheckpointSessionMismatch error raised by the SessionEscrow contract.
type SessionEscrowCheckpointSessionMismatch struct {
	SessionId           *big.Int
	CheckpointSessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CheckpointSessionMismatch(uint256 sessionId, uint256 checkpointSessionId)
func SessionEscrowCheckpointSessionMismatchErrorID() common.Hash {
	return common.HexToHash("0x3b409d404ac566ae0219ba040ee642c2c55dbfc568f4ed7e76bd6ed414be1cfc")
}

// UnpackCheckpointSessionMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CheckpointSessionMismatch(uint256 sessionId, uint256 checkpointSessionId)
func (sessionEscrow *SessionEscrow) UnpackCheckpointSessionMismatchError(raw []byte) (*SessionEscrowCheckpointSessionMismatch, error) {
	out := new(SessionEscrowCheckpointSessionMismatch)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "CheckpointSessionMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowCreditWindowExceeded represents a CreditWindowExceeded error raised by the SessionEscrow contract.
type SessionEscrowCreditWindowExceeded struct {
	SessionId    *big.Int
	ExtraTokens  *big.Int
	CreditWindow *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CreditWindowExceeded(uint256 sessionId, uint256 extraTokens, uint256 creditWindow)
func SessionEscrowCreditWindowExceededErrorID() common.Hash {
	return common.HexToHash("0x3bc340f99f4d2b7efd518b62a8e5b47ad4e3c744457e262ed3e644297e38510f")
}

// UnpackCreditWindowExceededError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CreditWindowExceeded(uint256 sessionId, uint256 extraTokens, uint256 creditWindow)
func (sessionEscrow *SessionEscrow) UnpackCreditWindowExceededError(raw []byte) (*SessionEscrowCreditWindowExceeded, error) {
	out := new(SessionEscrowCreditWindowExceeded)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "CreditWindowExceeded", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowDepositNotReceived represents a DepositNotReceived error raised by the SessionEscrow contract.
type SessionEscrowDepositNotReceived struct {
	Expected *big.Int
	Received *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DepositNotReceived(uint256 expected, uint256 received)
func SessionEscrowDepositNotReceivedErrorID() common.Hash {
	return common.HexToHash("0xaeb0d2d96454f1444ca3072f866c2453aed3c14c3c1c0efd92b72c901910895f")
}

// UnpackDepositNotReceivedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DepositNotReceived(uint256 expected, uint256 received)
func (sessionEscrow *SessionEscrow) UnpackDepositNotReceivedError(raw []byte) (*SessionEscrowDepositNotReceived, error) {
	out := new(SessionEscrowDepositNotReceived)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "DepositNotReceived", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowDepositTooLarge represents a DepositTooLarge error raised by the SessionEscrow contract.
type SessionEscrowDepositTooLarge struct {
	Deposit *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DepositTooLarge(uint256 deposit)
func SessionEscrowDepositTooLargeErrorID() common.Hash {
	return common.HexToHash("0xff7406790be0f5c0422c79b75db0ae91b8a505e71e04c6e1bd5b40b246d5bc97")
}

// UnpackDepositTooLargeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DepositTooLarge(uint256 deposit)
func (sessionEscrow *SessionEscrow) UnpackDepositTooLargeError(raw []byte) (*SessionEscrowDepositTooLarge, error) {
	out := new(SessionEscrowDepositTooLarge)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "DepositTooLarge", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowFeeTooHigh represents a FeeTooHigh error raised by the SessionEscrow contract.
type SessionEscrowFeeTooHigh struct {
	FeeBps *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error FeeTooHigh(uint256 feeBps)
func SessionEscrowFeeTooHighErrorID() common.Hash {
	return common.HexToHash("0x7b9314203a3b3ff62160a372518d07bc82a41321a06443b2fb210b880301fa53")
}

// UnpackFeeTooHighError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error FeeTooHigh(uint256 feeBps)
func (sessionEscrow *SessionEscrow) UnpackFeeTooHighError(raw []byte) (*SessionEscrowFeeTooHigh, error) {
	out := new(SessionEscrowFeeTooHigh)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "FeeTooHigh", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInsufficientGas represents a InsufficientGas error raised by the SessionEscrow contract.
type SessionEscrowInsufficientGas struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientGas()
func SessionEscrowInsufficientGasErrorID() common.Hash {
	return common.HexToHash("0x1c26714c035362f785e44b6773a87881da86705e5698c55bb550907617bb1353")
}

// UnpackInsufficientGasError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientGas()
func (sessionEscrow *SessionEscrow) UnpackInsufficientGasError(raw []byte) (*SessionEscrowInsufficientGas, error) {
	out := new(SessionEscrowInsufficientGas)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InsufficientGas", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInvalidCheckpointSignature represents a InvalidCheckpointSignature error raised by the SessionEscrow contract.
type SessionEscrowInvalidCheckpointSignature struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidCheckpointSignature(uint256 sessionId)
func SessionEscrowInvalidCheckpointSignatureErrorID() common.Hash {
	return common.HexToHash("0xc839db4bfdc3fef233a8465df2a8dc9c35dc0c2179ebf50c207e9c18e7bc670e")
}

// UnpackInvalidCheckpointSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidCheckpointSignature(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackInvalidCheckpointSignatureError(raw []byte) (*SessionEscrowInvalidCheckpointSignature, error) {
	out := new(SessionEscrowInvalidCheckpointSignature)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InvalidCheckpointSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInvalidExpiry represents a InvalidExpiry error raised by the SessionEscrow contract.
type SessionEscrowInvalidExpiry struct {
	Expiry uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidExpiry(uint64 expiry)
func SessionEscrowInvalidExpiryErrorID() common.Hash {
	return common.HexToHash("0x5e23ca683077152b568d5a6c78751d1308cfbbc7c308cb1322afc05c1541512f")
}

// UnpackInvalidExpiryError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidExpiry(uint64 expiry)
func (sessionEscrow *SessionEscrow) UnpackInvalidExpiryError(raw []byte) (*SessionEscrowInvalidExpiry, error) {
	out := new(SessionEscrowInvalidExpiry)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InvalidExpiry", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInvalidHost represents a InvalidHost error raised by the SessionEscrow contract.
type SessionEscrowInvalidHost struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidHost()
func SessionEscrowInvalidHostErrorID() common.Hash {
	return common.HexToHash("0x8a3a738fd759cb0d6a844dde46c1662c778e254ed9cf977558ec5f6d25bec0e7")
}

// UnpackInvalidHostError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidHost()
func (sessionEscrow *SessionEscrow) UnpackInvalidHostError(raw []byte) (*SessionEscrowInvalidHost, error) {
	out := new(SessionEscrowInvalidHost)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InvalidHost", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInvalidReceiptSignature represents a InvalidReceiptSignature error raised by the SessionEscrow contract.
type SessionEscrowInvalidReceiptSignature struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidReceiptSignature(uint256 sessionId)
func SessionEscrowInvalidReceiptSignatureErrorID() common.Hash {
	return common.HexToHash("0x52a97a970cf9036d6d3ff27c503b084bf8c4f19ee4102978906fe61ff9311e3c")
}

// UnpackInvalidReceiptSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidReceiptSignature(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackInvalidReceiptSignatureError(raw []byte) (*SessionEscrowInvalidReceiptSignature, error) {
	out := new(SessionEscrowInvalidReceiptSignature)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InvalidReceiptSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInvalidRecipient represents a InvalidRecipient error raised by the SessionEscrow contract.
type SessionEscrowInvalidRecipient struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidRecipient()
func SessionEscrowInvalidRecipientErrorID() common.Hash {
	return common.HexToHash("0x9c8d2cd23712ccfbf44b8107cfe79ea09343bf5b458f10860098ac1dbdf69f86")
}

// UnpackInvalidRecipientError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidRecipient()
func (sessionEscrow *SessionEscrow) UnpackInvalidRecipientError(raw []byte) (*SessionEscrowInvalidRecipient, error) {
	out := new(SessionEscrowInvalidRecipient)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InvalidRecipient", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInvalidShortString represents a InvalidShortString error raised by the SessionEscrow contract.
type SessionEscrowInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func SessionEscrowInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (sessionEscrow *SessionEscrow) UnpackInvalidShortStringError(raw []byte) (*SessionEscrowInvalidShortString, error) {
	out := new(SessionEscrowInvalidShortString)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowInvalidTreasury represents a InvalidTreasury error raised by the SessionEscrow contract.
type SessionEscrowInvalidTreasury struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidTreasury()
func SessionEscrowInvalidTreasuryErrorID() common.Hash {
	return common.HexToHash("0x14bcf5c8d2e88e2cda9dadc085c787265621848bd86b3f9e1025948800140909")
}

// UnpackInvalidTreasuryError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidTreasury()
func (sessionEscrow *SessionEscrow) UnpackInvalidTreasuryError(raw []byte) (*SessionEscrowInvalidTreasury, error) {
	out := new(SessionEscrowInvalidTreasury)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "InvalidTreasury", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowNativeTransferFailed represents a NativeTransferFailed error raised by the SessionEscrow contract.
type SessionEscrowNativeTransferFailed struct {
	To     common.Address
	Amount *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NativeTransferFailed(address to, uint256 amount)
func SessionEscrowNativeTransferFailedErrorID() common.Hash {
	return common.HexToHash("0xa5b05eec8040da65485bf3ab248b47c42271aa50a9234ed8f116e568dc285cc6")
}

// UnpackNativeTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NativeTransferFailed(address to, uint256 amount)
func (sessionEscrow *SessionEscrow) UnpackNativeTransferFailedError(raw []byte) (*SessionEscrowNativeTransferFailed, error) {
	out := new(SessionEscrowNativeTransferFailed)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "NativeTransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowNotDepositor represents a NotDepositor error raised by the SessionEscrow contract.
type SessionEscrowNotDepositor struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotDepositor(uint256 sessionId)
func SessionEscrowNotDepositorErrorID() common.Hash {
	return common.HexToHash("0xb23a5ca1b7ab05dd5e443a4c08bd5a7ab25487b2023401f696ab7bcefa097758")
}

// UnpackNotDepositorError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotDepositor(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackNotDepositorError(raw []byte) (*SessionEscrowNotDepositor, error) {
	out := new(SessionEscrowNotDepositor)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "NotDepositor", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowNothingToWithdraw represents a NothingToWithdraw error raised by the SessionEscrow contract.
type SessionEscrowNothingToWithdraw struct {
	Account common.Address
	Token   common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw(address account, address token)
func SessionEscrowNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0xac46653ead99b15185913f0ead179a0b7ea62fb2fd50e49a3e26796b95a2ce9d")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw(address account, address token)
func (sessionEscrow *SessionEscrow) UnpackNothingToWithdrawError(raw []byte) (*SessionEscrowNothingToWithdraw, error) {
	out := new(SessionEscrowNothingToWithdraw)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowOnlyHostBeforeDeadline represents a OnlyHostBeforeDeadline error raised by the SessionEscrow contract.
type SessionEscrowOnlyHostBeforeDeadline struct {
	SessionId *big.Int
	Deadline  uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OnlyHostBeforeDeadline(uint256 sessionId, uint64 deadline)
func SessionEscrowOnlyHostBeforeDeadlineErrorID() common.Hash {
	return common.HexToHash("0xce61c40d4f23b3ff8be94feea3ff8b93eb9733a10c0353a33c4b53ca192bf4d9")
}

// UnpackOnlyHostBeforeDeadlineError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OnlyHostBeforeDeadline(uint256 sessionId, uint64 deadline)
func (sessionEscrow *SessionEscrow) UnpackOnlyHostBeforeDeadlineError(raw []byte) (*SessionEscrowOnlyHostBeforeDeadline, error) {
	out := new(SessionEscrowOnlyHostBeforeDeadline)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "OnlyHostBeforeDeadline", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowPriceTooLarge represents a PriceTooLarge error raised by the SessionEscrow contract.
type SessionEscrowPriceTooLarge struct {
	Price *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PriceTooLarge(uint256 price)
func SessionEscrowPriceTooLargeErrorID() common.Hash {
	return common.HexToHash("0x0da05ace4da4ad9310dc895efa659b805f7be678a9f5a2bc386876c146e525a2")
}

// UnpackPriceTooLargeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PriceTooLarge(uint256 price)
func (sessionEscrow *SessionEscrow) UnpackPriceTooLargeError(raw []byte) (*SessionEscrowPriceTooLarge, error) {
	out := new(SessionEscrowPriceTooLarge)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "PriceTooLarge", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the SessionEscrow contract.
type SessionEscrowReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func SessionEscrowReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (sessionEscrow *SessionEscrow) UnpackReentrancyGuardReentrantCallError(raw []byte) (*SessionEscrowReentrancyGuardReentrantCall, error) {
	out := new(SessionEscrowReentrancyGuardReentrantCall)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowRefundTooEarly represents a RefundTooEarly error raised by the SessionEscrow contract.
type SessionEscrowRefundTooEarly struct {
	SessionId *big.Int
	SettleBy  uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error RefundTooEarly(uint256 sessionId, uint64 settleBy)
func SessionEscrowRefundTooEarlyErrorID() common.Hash {
	return common.HexToHash("0x5aedace69b97c63c4df69b20e1261ed34e33230a8262d8963c57e7d6807c6ce2")
}

// UnpackRefundTooEarlyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error RefundTooEarly(uint256 sessionId, uint64 settleBy)
func (sessionEscrow *SessionEscrow) UnpackRefundTooEarlyError(raw []byte) (*SessionEscrowRefundTooEarly, error) {
	out := new(SessionEscrowRefundTooEarly)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "RefundTooEarly", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowSafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the SessionEscrow contract.
type SessionEscrowSafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func SessionEscrowSafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (sessionEscrow *SessionEscrow) UnpackSafeERC20FailedOperationError(raw []byte) (*SessionEscrowSafeERC20FailedOperation, error) {
	out := new(SessionEscrowSafeERC20FailedOperation)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowSessionEnded represents a SessionEnded error raised by the SessionEscrow contract.
type SessionEscrowSessionEnded struct {
	SessionId *big.Int
	Deadline  uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SessionEnded(uint256 sessionId, uint64 deadline)
func SessionEscrowSessionEndedErrorID() common.Hash {
	return common.HexToHash("0xfe24c80b0c9820d35f922c6f8ec42d1502802f75fa1df9d08f6ce43ca7a5ce1f")
}

// UnpackSessionEndedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SessionEnded(uint256 sessionId, uint64 deadline)
func (sessionEscrow *SessionEscrow) UnpackSessionEndedError(raw []byte) (*SessionEscrowSessionEnded, error) {
	out := new(SessionEscrowSessionEnded)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "SessionEnded", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowSessionKeyIsHost represents a SessionKeyIsHost error raised by the SessionEscrow contract.
type SessionEscrowSessionKeyIsHost struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SessionKeyIsHost()
func SessionEscrowSessionKeyIsHostErrorID() common.Hash {
	return common.HexToHash("0x1d8c64ad2bc4de30a5711cfd63e6a12bf488ec683aef905e828350bd4cebc588")
}

// UnpackSessionKeyIsHostError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SessionKeyIsHost()
func (sessionEscrow *SessionEscrow) UnpackSessionKeyIsHostError(raw []byte) (*SessionEscrowSessionKeyIsHost, error) {
	out := new(SessionEscrowSessionKeyIsHost)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "SessionKeyIsHost", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowSessionNotOpen represents a SessionNotOpen error raised by the SessionEscrow contract.
type SessionEscrowSessionNotOpen struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SessionNotOpen(uint256 sessionId)
func SessionEscrowSessionNotOpenErrorID() common.Hash {
	return common.HexToHash("0x28b233aef1b270a87f0e67a07e701872eefee0c9992764e0ab72fa484c40fc66")
}

// UnpackSessionNotOpenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SessionNotOpen(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackSessionNotOpenError(raw []byte) (*SessionEscrowSessionNotOpen, error) {
	out := new(SessionEscrowSessionNotOpen)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "SessionNotOpen", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowSettlementWindowClosed represents a SettlementWindowClosed error raised by the SessionEscrow contract.
type SessionEscrowSettlementWindowClosed struct {
	SessionId *big.Int
	SettleBy  uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SettlementWindowClosed(uint256 sessionId, uint64 settleBy)
func SessionEscrowSettlementWindowClosedErrorID() common.Hash {
	return common.HexToHash("0x090532eb5c8d6ab9537b311a3697dbc967761dd7a3fae1366b54842b91a47c9b")
}

// UnpackSettlementWindowClosedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SettlementWindowClosed(uint256 sessionId, uint64 settleBy)
func (sessionEscrow *SessionEscrow) UnpackSettlementWindowClosedError(raw []byte) (*SessionEscrowSettlementWindowClosed, error) {
	out := new(SessionEscrowSettlementWindowClosed)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "SettlementWindowClosed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowStringTooLong represents a StringTooLong error raised by the SessionEscrow contract.
type SessionEscrowStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func SessionEscrowStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (sessionEscrow *SessionEscrow) UnpackStringTooLongError(raw []byte) (*SessionEscrowStringTooLong, error) {
	out := new(SessionEscrowStringTooLong)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowUnsignedReceiptNotZero represents a UnsignedReceiptNotZero error raised by the SessionEscrow contract.
type SessionEscrowUnsignedReceiptNotZero struct {
	SessionId *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnsignedReceiptNotZero(uint256 sessionId)
func SessionEscrowUnsignedReceiptNotZeroErrorID() common.Hash {
	return common.HexToHash("0x5ee9fb4777ed7ddfb12c3e44890cf236845c16278b93138f4e954cf81779d5ef")
}

// UnpackUnsignedReceiptNotZeroError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnsignedReceiptNotZero(uint256 sessionId)
func (sessionEscrow *SessionEscrow) UnpackUnsignedReceiptNotZeroError(raw []byte) (*SessionEscrowUnsignedReceiptNotZero, error) {
	out := new(SessionEscrowUnsignedReceiptNotZero)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "UnsignedReceiptNotZero", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowWrongValue represents a WrongValue error raised by the SessionEscrow contract.
type SessionEscrowWrongValue struct {
	Sent     *big.Int
	Expected *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongValue(uint256 sent, uint256 expected)
func SessionEscrowWrongValueErrorID() common.Hash {
	return common.HexToHash("0x195a3ca12ac3744ef64727effb118b3b203c382e49c7a7d24d450eae5e3b889a")
}

// UnpackWrongValueError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongValue(uint256 sent, uint256 expected)
func (sessionEscrow *SessionEscrow) UnpackWrongValueError(raw []byte) (*SessionEscrowWrongValue, error) {
	out := new(SessionEscrowWrongValue)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "WrongValue", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SessionEscrowZeroDeposit represents a ZeroDeposit error raised by the SessionEscrow contract.
type SessionEscrowZeroDeposit struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroDeposit()
func SessionEscrowZeroDepositErrorID() common.Hash {
	return common.HexToHash("0x56316e877e9063fd05b03c347d61a4639470c3199f0bdddd28efee0a5f8b6b02")
}

// UnpackZeroDepositError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroDeposit()
func (sessionEscrow *SessionEscrow) UnpackZeroDepositError(raw []byte) (*SessionEscrowZeroDeposit, error) {
	out := new(SessionEscrowZeroDeposit)
	if err := sessionEscrow.abi.UnpackIntoInterface(out, "ZeroDeposit", raw); err != nil {
		return nil, err
	}
	return out, nil
}
