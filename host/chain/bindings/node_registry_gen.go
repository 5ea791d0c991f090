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

// NodeRegistryHostInfo is an auto generated low-level Go binding around an user-defined struct.
type NodeRegistryHostInfo struct {
	ApiUrl        string
	PeerId        []byte
	Multiaddrs    []string
	Models        []NodeRegistryModelPrice
	PaymentTokens []common.Address
}

// NodeRegistryModelPrice is an auto generated low-level Go binding around an user-defined struct.
type NodeRegistryModelPrice struct {
	ModelId        [32]byte
	MinInputPrice  *big.Int
	MinOutputPrice *big.Int
}

// NodeRegistryStake is an auto generated low-level Go binding around an user-defined struct.
type NodeRegistryStake struct {
	Staked           *big.Int
	Unbonding        *big.Int
	UnbondingReadyAt uint64
}

// NodeRegistryMetaData contains all meta data concerning the NodeRegistry contract.
var NodeRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractModelRegistry\",\"name\":\"models\",\"type\":\"address\"},{\"internalType\":\"contractIERC20\",\"name\":\"stakeToken_\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"unbondingDelay_\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"}],\"name\":\"AlreadyRegistered\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"}],\"name\":\"DuplicateModel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"DuplicatePaymentToken\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"staked\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"requested\",\"type\":\"uint256\"}],\"name\":\"InsufficientStake\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"InvalidMultiaddr\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoEndpoint\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoModels\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoPaymentTokens\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"}],\"name\":\"NotRegistered\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingUnbonding\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"PeerIdTooLong\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"bits\",\"type\":\"uint8\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"SafeCastOverflowedUintDowncast\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"expected\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"received\",\"type\":\"uint256\"}],\"name\":\"StakeNotReceived\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"readyAt\",\"type\":\"uint64\"}],\"name\":\"StakeStillUnbonding\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"StakingDisabled\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"}],\"name\":\"TooManyModels\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"}],\"name\":\"TooManyMultiaddrs\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"}],\"name\":\"TooManyPaymentTokens\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"}],\"name\":\"UnknownModel\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"UrlTooLong\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"string\",\"name\":\"apiUrl\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"peerId\",\"type\":\"bytes\"},{\"internalType\":\"string[]\",\"name\":\"multiaddrs\",\"type\":\"string[]\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"minInputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minOutputPrice\",\"type\":\"uint256\"}],\"internalType\":\"structNodeRegistry.ModelPrice[]\",\"name\":\"models\",\"type\":\"tuple[]\"},{\"internalType\":\"address[]\",\"name\":\"paymentTokens\",\"type\":\"address[]\"}],\"indexed\":false,\"internalType\":\"structNodeRegistry.HostInfo\",\"name\":\"info\",\"type\":\"tuple\"}],\"name\":\"HostRegistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"}],\"name\":\"HostUnregistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"string\",\"name\":\"apiUrl\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"peerId\",\"type\":\"bytes\"},{\"internalType\":\"string[]\",\"name\":\"multiaddrs\",\"type\":\"string[]\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"minInputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minOutputPrice\",\"type\":\"uint256\"}],\"internalType\":\"structNodeRegistry.ModelPrice[]\",\"name\":\"models\",\"type\":\"tuple[]\"},{\"internalType\":\"address[]\",\"name\":\"paymentTokens\",\"type\":\"address[]\"}],\"indexed\":false,\"internalType\":\"structNodeRegistry.HostInfo\",\"name\":\"info\",\"type\":\"tuple\"}],\"name\":\"HostUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"StakeWithdrawn\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"totalStaked\",\"type\":\"uint256\"}],\"name\":\"Staked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"totalUnbonding\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"readyAt\",\"type\":\"uint64\"}],\"name\":\"UnbondingStarted\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_MODELS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_MULTIADDRS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_MULTIADDR_LENGTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PAYMENT_TOKENS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PEER_ID_LENGTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_URL_LENGTH\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"acceptsToken\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"}],\"name\":\"getHost\",\"outputs\":[{\"components\":[{\"internalType\":\"string\",\"name\":\"apiUrl\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"peerId\",\"type\":\"bytes\"},{\"internalType\":\"string[]\",\"name\":\"multiaddrs\",\"type\":\"string[]\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"minInputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minOutputPrice\",\"type\":\"uint256\"}],\"internalType\":\"structNodeRegistry.ModelPrice[]\",\"name\":\"models\",\"type\":\"tuple[]\"},{\"internalType\":\"address[]\",\"name\":\"paymentTokens\",\"type\":\"address[]\"}],\"internalType\":\"structNodeRegistry.HostInfo\",\"name\":\"info\",\"type\":\"tuple\"},{\"internalType\":\"uint64\",\"name\":\"registeredAt\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"}],\"name\":\"isRegistered\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"}],\"name\":\"modelPrice\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"served\",\"type\":\"bool\"},{\"internalType\":\"uint256\",\"name\":\"minInputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minOutputPrice\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"modelRegistry\",\"outputs\":[{\"internalType\":\"contractModelRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"string\",\"name\":\"apiUrl\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"peerId\",\"type\":\"bytes\"},{\"internalType\":\"string[]\",\"name\":\"multiaddrs\",\"type\":\"string[]\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"minInputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minOutputPrice\",\"type\":\"uint256\"}],\"internalType\":\"structNodeRegistry.ModelPrice[]\",\"name\":\"models\",\"type\":\"tuple[]\"},{\"internalType\":\"address[]\",\"name\":\"paymentTokens\",\"type\":\"address[]\"}],\"internalType\":\"structNodeRegistry.HostInfo\",\"name\":\"info\",\"type\":\"tuple\"}],\"name\":\"register\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"stake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"host\",\"type\":\"address\"}],\"name\":\"stakeOf\",\"outputs\":[{\"components\":[{\"internalType\":\"uint128\",\"name\":\"staked\",\"type\":\"uint128\"},{\"internalType\":\"uint128\",\"name\":\"unbonding\",\"type\":\"uint128\"},{\"internalType\":\"uint64\",\"name\":\"unbondingReadyAt\",\"type\":\"uint64\"}],\"internalType\":\"structNodeRegistry.Stake\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"stakeToken\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"unbond\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"unbondingDelay\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"unregister\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"string\",\"name\":\"apiUrl\",\"type\":\"string\"},{\"internalType\":\"bytes\",\"name\":\"peerId\",\"type\":\"bytes\"},{\"internalType\":\"string[]\",\"name\":\"multiaddrs\",\"type\":\"string[]\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"modelId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"minInputPrice\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minOutputPrice\",\"type\":\"uint256\"}],\"internalType\":\"structNodeRegistry.ModelPrice[]\",\"name\":\"models\",\"type\":\"tuple[]\"},{\"internalType\":\"address[]\",\"name\":\"paymentTokens\",\"type\":\"address[]\"}],\"internalType\":\"structNodeRegistry.HostInfo\",\"name\":\"info\",\"type\":\"tuple\"}],\"name\":\"update\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawStake\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "NodeRegistry",
	Bin: "0x60e0346100cb57601f611c9338819003918201601f19168301916001600160401b038311848410176100cf578084926060946040528339810103126100cb578051906001600160a01b03821682036100cb576020810151906001600160a01b03821682036100cb5760400151916001600160401b03831683036100cb5760805260a05260c052604051611baf90816100e48239608051818181610b430152611683015260a0518181816103bc015281816107c60152610a66015260c0518181816102c40152610c1e0152f35b5f80fd5b634e487b7160e01b5f52604160045260245ffdfe60806040526004361015610011575f80fd5b5f3560e01c80630842dfa014610d0c5780631024056914610cf2578063150682c514610a4c57806322b3283114610caf57806327de9e3214610b725780632ba36f7814610b2e5780634262336014610a9557806351ed6a3014610a515780638c50d52914610a4c57806390c84ab614610a31578063a694fc3a146107a8578063bcd8c9b014610482578063bed9d8611461032b578063c3c5a547146102e8578063cb71146e14610221578063db7dd35a146102a5578063e79a198f14610226578063ee879d3914610221578063fae65745146101865763fe07aedc146100f5575f80fd5b346101825761010336610db9565b335f5260016020526001600160401b0360405f2054161561016f57335f525f60205261013160405f206110b5565b61013a81611601565b7fc4b427056de2af5bfd195972fbf59531bcd598a4cb2c1ec1b0431969923fc9866040518061016a339482611243565b0390a2005b63bfc6c33760e01b5f523360045260245ffd5b5f80fd5b346101825761019436610db9565b335f5260016020526001600160401b0360405f20541661020e576101b781611601565b335f52600160205260405f206001600160401b03804216166001600160401b03198254161790557fa3dc45d2fdd477c9a50137f30cfe3d9ac146b0bf6da5a86549f17d32772ff4576040518061016a339482611243565b6345ed80e960e01b5f523360045260245ffd5b610d9d565b34610182575f36600319011261018257335f5260016020526001600160401b0360405f2054161561016f57335f525f60205261026460405f206110b5565b335f52600160205260405f206001600160401b03198154169055337f83fc1b49d10362fa5cbbd0fa3e5a176f437dfd46f168d71cb764dfead94869d25f80a2005b34610182575f3660031901126101825760206040516001600160401b037f0000000000000000000000000000000000000000000000000000000000000000168152f35b34610182576020366003190112610182576001600160a01b03610309610d48565b165f52600160205260206001600160401b0360405f2054161515604051908152f35b34610182575f366003190112610182576103436113dc565b335f52600260205260405f20805460801c9081156104735760018101906001600160401b0382541680421061046157506001600160801b0381541690556001600160401b031981541690556040518181527f8108595eb6bad3acefa9da467d90cc2217686d5c5ac85460f8b7849c840645fc60203392a27f0000000000000000000000000000000000000000000000000000000000000000906040519063a9059cbb60e01b5f523360045260245260205f60448180865af19060015f5114821615610441575b5015610421575f5f516020611b5a5f395f51905f525d005b635274afe760e01b5f9081526001600160a01b0391909116600452602490fd5b60018215166104595750813b15153d15161682610409565b3d5f823e3d90fd5b6301d21b8160e11b5f5260045260245ffd5b63098ae75d60e21b5f5260045ffd5b346101825760203660031901126101825761049b610d48565b606060806040516104ab81610f44565b8281528260208201528260408201528280820152015260018060a01b0316805f525f60205260405f20905f5260016020526001600160401b0360405f205416604051906104f782610f44565b60405161050f816105088187610fb8565b0382610f5f565b8252604051610525816105088160018801610fb8565b602083019081526002840193845461053c81611039565b9561054a6040519788610f5f565b81875260208701905f5260205f205f915b8383106107835750505050604084019485526003810190815461057d81611039565b9261058b6040519485610f5f565b81845260208401905f5260205f205f915b83831061074c575050505060049060608601928352019160405180938491602082549182815201915f5260205f20905f5b81811061072a5750505061061e92916105e7910385610f5f565b6080860193845261060b60405196604088525160a0604089015260e0880190610d79565b9051868203603f19016060880152610d79565b945194603f19858203016080860152855180825260208201916020808360051b8301019801925f915b8383106106fd5750505050505193603f198482030160a0850152602080865192838152019501905f5b8181106106cf575050505190603f198385030160c08401526020808351958681520192015f945b8086106106ac57505082935060208301520390f35b81516001600160a01b031684526001959095019460209384019390910190610697565b9091956020606060019260408a51805183528481015185840152015160408201520197019101919091610670565b909192939860208061071b600193601f198682030187528d51610d79565b9b019301930191939290610647565b82546001600160a01b03168452879450602090930192600192830192016105cd565b6003602060019260405161075f81610f15565b8554815284860154838201526002860154604082015281520192019201919061059c565b60016020819260405161079a816105088189610fb8565b81520192019201919061055b565b34610182576020366003190112610182576004356107c46113dc565b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0381168015610a22578215610a13576040516370a0823160e01b815230600482015290602082602481845afa9182156109a3575f926109df575b50604051926323b872dd60e01b5f5233600452306024528460445260205f60648180855af19060015f51148216156109c0575b50836040525f606052156109ae57826024816020936370a0823160e01b82523060048301525afa9182156109a3575f9261096f575b50810390811161095b578181036109455750335f52600260205260405f206108c0826001600160801b03835416610f08565b906001600160801b03821161092d576001600160801b03808316166001600160801b031982541617905560405191825260208201527f1449c6dd7851abc30abf37f57715f492010519147cc2652fbc38202c18a6ee9060403392a25f5f516020611b5a5f395f51905f525d005b506306dfcc6560e41b5f52608060045260245260445ffd5b90636a20d9c360e11b5f5260045260245260445ffd5b634e487b7160e01b5f52601160045260245ffd5b9091506020813d60201161099b575b8161098b60209383610f5f565b810103126101825751908361088e565b3d915061097e565b6040513d5f823e3d90fd5b635274afe760e01b5f5260045260245ffd5b60018215166109d6573b15153d15161685610859565b843d5f823e3d90fd5b9091506020813d602011610a0b575b816109fb60209383610f5f565b8101031261018257519084610826565b3d91506109ee565b631f2a200560e01b5f5260045ffd5b6343e2e81560e11b5f5260045ffd5b34610182575f36600319011261018257602060405160808152f35b610d5e565b34610182575f366003190112610182576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b3461018257602036600319011261018257610aae610d48565b5f60408051610abc81610f15565b828152826020820152015260018060a01b03165f526002602052606060405f206001600160401b03604051610af081610f15565b6001600160801b038354604084600184841697888752602087019460801c855201541693019283526040519485525116602084015251166040820152f35b34610182575f366003190112610182576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b34610182576020366003190112610182576004358015610a1357335f52600260205260405f206001600160801b03815416808311610c98576001600160801b03831690036001600160801b03811161095b576001600160801b03166001600160801b0319825416178155610bea82825460801c610f08565b81546001600160801b0316608082901b6fffffffffffffffffffffffffffffffff1916178255426001600160401b039081167f00000000000000000000000000000000000000000000000000000000000000008216019190821161095b5760016001600160401b039301838316841982541617905560405193845260208401521660408201527f19f2e3469dacfa0870a4d30663fb7bf5aa20f588157439dfd786514a6409c5a160603392a2005b90506322df051360e11b5f5260045260245260445ffd5b3461018257604036600319011261018257610cc8610d48565b602435906001600160a01b038216820361018257602091610ce891610ea4565b6040519015158152f35b34610182575f366003190112610182576020604051818152f35b34610182576040366003190112610182576060610d33610d2a610d48565b60243590610e19565b90604051921515835260208301526040820152f35b600435906001600160a01b038216820361018257565b34610182575f36600319011261018257602060405160088152f35b805180835260209291819084018484015e5f828201840152601f01601f1916010190565b34610182575f3660031901126101825760206040516101008152f35b602060031982011261018257600435906001600160401b0382116101825760a09082900360031901126101825760040190565b8054821015610e05575f52600360205f20910201905f90565b634e487b7160e01b5f52603260045260245ffd5b6001600160a01b03165f9081526020819052604081206003018054909290915b828110610e4c57505050505f905f905f90565b81610e578286610dec565b505414610e6657600101610e39565b60029250610e8691506001610e7d82869796610dec565b50015494610dec565b50015460019291565b8054821015610e05575f5260205f2001905f90565b6001600160a01b03165f908152602081905260408120600401805492915b838110610ed157505050505f90565b610edb8183610e8f565b905460039190911b1c6001600160a01b0390811690841614610eff57600101610ec2565b50505050600190565b9190820180921161095b57565b606081019081106001600160401b03821117610f3057604052565b634e487b7160e01b5f52604160045260245ffd5b60a081019081106001600160401b03821117610f3057604052565b90601f801991011681019081106001600160401b03821117610f3057604052565b90600182811c92168015610fae575b6020831014610f9a57565b634e487b7160e01b5f52602260045260245ffd5b91607f1691610f8f565b5f9291815491610fc783610f80565b808352926001811690811561101c5750600114610fe357505050565b5f9081526020812093945091925b838310611002575060209250010190565b600181602092949394548385870101520191019190610ff1565b915050602093945060ff929192191683830152151560051b010190565b6001600160401b038111610f305760051b60200190565b81811061105b575050565b5f8155600101611050565b6110708154610f80565b908161107a575050565b81601f5f931160011461108c5750555b565b818352602083206110a891601f0160051c810190600101611050565b8082528160208120915555565b6110be81611066565b600181016110cc8154610f80565b908161117b575b5050600281018054905f815581611156575b5050600381018054905f81558161111d575b505060040180545f82558061110a575050565b61108a915f5260205f2090810190611050565b8160030291600383040361095b575f5260205f20908101905b818110156110f7576003905f81555f60018201555f600282015501611136565b5f5260205f20908101905b818110156110e55780611175600192611066565b01611161565b81601f5f93116001146111925750555b5f806110d3565b818352602083206111ae91601f0160051c810190600101611050565b808252816020812091555561118b565b9035601e19823603018112156101825701602081359101916001600160401b03821161018257813603831361018257565b908060209392818452848401375f828201840152601f01601f1916010190565b9035601e19823603018112156101825701602081359101916001600160401b038211610182578160051b3603831361018257565b906020825261128861126961125883806111be565b60a0602087015260c08601916111ef565b61127660208401846111be565b858303601f19016040870152906111ef565b90611296604082018261120f565b601f19858503016060860152808452602084019360208260051b82010194835f925b8484106113a4575050505050506060810135601e1982360301811215610182578101602081359101926001600160401b03821161018257606082023603841361018257848103601f1901608086015281815260200192905f5b81811061137a5750505061132b816080602093019061120f565b92909360a0601f19828403019101528281520191905f905b8082106113505750505090565b90919283359060018060a01b03821680920361018257602081600193829352019401920190611343565b82358552602080840135908601526040808401359086015260609485019490920191600101611311565b9091929394966020806113cc600193601f198682030188526113c68c886111be565b906111ef565b99019401940192949391906112b8565b5f516020611b5a5f395f51905f525c6114025760015f516020611b5a5f395f51905f525d565b633ee5aeb560e01b5f5260045ffd5b903590601e198136030182121561018257018035906001600160401b0382116101825760200191813603831361018257565b903590601e198136030182121561018257018035906001600160401b03821161018257602001918160051b3603831361018257565b90821015610e055761148f9160051b810190611411565b9091565b903590601e198136030182121561018257018035906001600160401b0382116101825760200191606082023603831361018257565b9190811015610e05576060020190565b9190811015610e055760051b0190565b356001600160a01b03811681036101825790565b9190601f811161150b57505050565b61108a925f5260205f20906020601f840160051c83019310611535575b601f0160051c0190611050565b9091508190611528565b9092916001600160401b038111610f30576115648161155e8454610f80565b846114fc565b5f601f82116001146115a25781906115939394955f92611597575b50508160011b915f199060031b1c19161790565b9055565b013590505f8061157f565b601f19821694835f5260205f20915f5b8781106115e95750836001959697106115d0575b505050811b019055565b01355f19600384901b60f8161c191690555f80806115c6565b909260206001819286860135815501940191016115b2565b61160b8180611411565b6020830192915061161c8383611411565b918091501580611b51575b611b42576101008111611b30575060808111611b1e5750604081019061164d8282611443565b905060088111611b0c575f5b818110611ac557505060608101926116718483611493565b80915015611ab65760208111611aa4577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316905f5b8181106119d65750505060808201906116c78284611443565b809150156119c757600881116119b5575f5b818110611946575050335f525f60205261170b60405f20916117056116fe8680611411565b908561153f565b84611411565b60018301916001600160401b038211610f30576117328261172c8554610f80565b856114fc565b5f90601f83116001146118df5761175f92915f91836115975750508160011b915f199060031b1c19161790565b90559493945b60028101955f5b6117768686611443565b90508110156117e0576117938161178d8888611443565b90611478565b8992919254600160401b811015610f30578060016117b492018c558b610e8f565b9190916117cd576001936117c79261153f565b0161176c565b634e487b7160e01b5f525f60045260245ffd5b5093509450925f9460038101955b6117f88585611493565b9050811015611857576118158161180f8787611493565b906114c8565b908754600160401b811015610f305780600161183492018a5589610dec565b6117cd5760026040846001953584556020810135868501550135910155016117ee565b5060040194509291505f5b61186c8383611443565b90508110156118d85761189161188c826118868686611443565b906114d8565b6114e8565b90855491600160401b831015610f30576118b2836001809501895588610e8f565b819291549060031b91858060a01b0316821b91858060a01b03901b191617905501611862565b5050509050565b601f19831691845f5260205f20925f5b81811061192e5750908460019594939210611915575b505050811b019055949394611765565b01355f19600384901b60f8161c191690555f8080611905565b919360206001819287870135815501950192016118ef565b61195761188c826118868789611443565b6001600160a01b03165f5b8281106119735750506001016116d9565b818161199461188c6119858a8c611443565b6001600160a01b0394916114d8565b16146119a257600101611962565b5063176673cd60e01b5f5260045260245ffd5b6306e7715960e01b5f5260045260245ffd5b630b883eab60e41b5f5260045ffd5b6119e48161180f8988611493565b35604051630e29a66960e21b8152816004820152602081602481885afa9081156109a3575f91611a6a575b5015611a58575f5b828110611a285750506001016116ae565b81611a378261180f8c8b611493565b3514611a4557600101611a17565b5063c718201960e01b5f5260045260245ffd5b63a2dc062560e01b5f5260045260245ffd5b90506020813d8211611a9c575b81611a8460209383610f5f565b8101031261018257518015158103610182575f611a0f565b3d9150611a77565b63f4b3bceb60e01b5f5260045260245ffd5b631260b4c560e11b5f5260045ffd5b611ad38161178d8686611443565b809150158015611b01575b611aeb5750600101611659565b90632835241f60e21b5f5260045260245260445ffd5b506101008111611ade565b637b5d5a0960e01b5f5260045260245ffd5b63073b49ff60e51b5f5260045260245ffd5b633c149c7360e01b5f5260045260245ffd5b631c277d0f60e21b5f5260045ffd5b50811561162756fe9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00a2646970667358221220d223516e6c253362a3be884cc35eb61634d5a431f451615c7bcbf2190a65c4af64736f6c634300081c0033",
}

// NodeRegistry is an auto generated Go binding around an Ethereum contract.
type NodeRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *NodeRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewNodeRegistry creates a new instance of NodeRegistry.
func NewNodeRegistry() *NodeRegistry {
	parsed, err := NodeRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &NodeRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *NodeRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address models, address stakeToken_, uint64 unbondingDelay_) returns()
func (nodeRegistry *NodeRegistry) PackConstructor(models common.Address, stakeToken_ common.Address, unbondingDelay_ uint64) []byte {
	enc, err := nodeRegistry.abi.Pack("", models, stakeToken_, unbondingDelay_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackMAXMODELS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x10240569.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_MODELS() view returns(uint256)
func (nodeRegistry *NodeRegistry) PackMAXMODELS() []byte {
	enc, err := nodeRegistry.abi.Pack("MAX_MODELS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXMODELS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x10240569.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_MODELS() view returns(uint256)
func (nodeRegistry *NodeRegistry) TryPackMAXMODELS() ([]byte, error) {
	return nodeRegistry.abi.Pack("MAX_MODELS")
}

// UnpackMAXMODELS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x10240569.
//
// Solidity: function MAX_MODELS() view returns(uint256)
func (nodeRegistry *NodeRegistry) UnpackMAXMODELS(data []byte) (*big.Int, error) {
	out, err := nodeRegistry.abi.Unpack("MAX_MODELS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXMULTIADDRS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8c50d529.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_MULTIADDRS() view returns(uint256)
func (nodeRegistry *NodeRegistry) PackMAXMULTIADDRS() []byte {
	enc, err := nodeRegistry.abi.Pack("MAX_MULTIADDRS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXMULTIADDRS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8c50d529.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_MULTIADDRS() view returns(uint256)
func (nodeRegistry *NodeRegistry) TryPackMAXMULTIADDRS() ([]byte, error) {
	return nodeRegistry.abi.Pack("MAX_MULTIADDRS")
}

// UnpackMAXMULTIADDRS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8c50d529.
//
// Solidity: function MAX_MULTIADDRS() view returns(uint256)
func (nodeRegistry *NodeRegistry) UnpackMAXMULTIADDRS(data []byte) (*big.Int, error) {
	out, err := nodeRegistry.abi.Unpack("MAX_MULTIADDRS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXMULTIADDRLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xee879d39.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_MULTIADDR_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) PackMAXMULTIADDRLENGTH() []byte {
	enc, err := nodeRegistry.abi.Pack("MAX_MULTIADDR_LENGTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXMULTIADDRLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xee879d39.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_MULTIADDR_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) TryPackMAXMULTIADDRLENGTH() ([]byte, error) {
	return nodeRegistry.abi.Pack("MAX_MULTIADDR_LENGTH")
}

// UnpackMAXMULTIADDRLENGTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xee879d39.
//
// Solidity: function MAX_MULTIADDR_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) UnpackMAXMULTIADDRLENGTH(data []byte) (*big.Int, error) {
	out, err := nodeRegistry.abi.Unpack("MAX_MULTIADDR_LENGTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXPAYMENTTOKENS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x150682c5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PAYMENT_TOKENS() view returns(uint256)
func (nodeRegistry *NodeRegistry) PackMAXPAYMENTTOKENS() []byte {
	enc, err := nodeRegistry.abi.Pack("MAX_PAYMENT_TOKENS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPAYMENTTOKENS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x150682c5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PAYMENT_TOKENS() view returns(uint256)
func (nodeRegistry *NodeRegistry) TryPackMAXPAYMENTTOKENS() ([]byte, error) {
	return nodeRegistry.abi.Pack("MAX_PAYMENT_TOKENS")
}

// UnpackMAXPAYMENTTOKENS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x150682c5.
//
// Solidity: function MAX_PAYMENT_TOKENS() view returns(uint256)
func (nodeRegistry *NodeRegistry) UnpackMAXPAYMENTTOKENS(data []byte) (*big.Int, error) {
	out, err := nodeRegistry.abi.Unpack("MAX_PAYMENT_TOKENS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXPEERIDLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x90c84ab6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PEER_ID_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) PackMAXPEERIDLENGTH() []byte {
	enc, err := nodeRegistry.abi.Pack("MAX_PEER_ID_LENGTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPEERIDLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x90c84ab6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PEER_ID_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) TryPackMAXPEERIDLENGTH() ([]byte, error) {
	return nodeRegistry.abi.Pack("MAX_PEER_ID_LENGTH")
}

// UnpackMAXPEERIDLENGTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x90c84ab6.
//
// Solidity: function MAX_PEER_ID_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) UnpackMAXPEERIDLENGTH(data []byte) (*big.Int, error) {
	out, err := nodeRegistry.abi.Unpack("MAX_PEER_ID_LENGTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXURLLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcb71146e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_URL_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) PackMAXURLLENGTH() []byte {
	enc, err := nodeRegistry.abi.Pack("MAX_URL_LENGTH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXURLLENGTH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcb71146e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_URL_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) TryPackMAXURLLENGTH() ([]byte, error) {
	return nodeRegistry.abi.Pack("MAX_URL_LENGTH")
}

// UnpackMAXURLLENGTH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xcb71146e.
//
// Solidity: function MAX_URL_LENGTH() view returns(uint256)
func (nodeRegistry *NodeRegistry) UnpackMAXURLLENGTH(data []byte) (*big.Int, error) {
	out, err := nodeRegistry.abi.Unpack("MAX_URL_LENGTH", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAcceptsToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x22b32831.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function acceptsToken(address host, address token) view returns(bool)
func (nodeRegistry *NodeRegistry) PackAcceptsToken(host common.Address, token common.Address) []byte {
	enc, err := nodeRegistry.abi.Pack("acceptsToken", host, token)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAcceptsToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x22b32831.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function acceptsToken(address host, address token) view returns(bool)
func (nodeRegistry *NodeRegistry) TryPackAcceptsToken(host common.Address, token common.Address) ([]byte, error) {
	return nodeRegistry.abi.Pack("acceptsToken", host, token)
}

// UnpackAcceptsToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x22b32831.
//
// Solidity: function acceptsToken(address host, address token) view returns(bool)
func (nodeRegistry *NodeRegistry) UnpackAcceptsToken(data []byte) (bool, error) {
	out, err := nodeRegistry.abi.Unpack("acceptsToken", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackGetHost is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbcd8c9b0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getHost(address host) view returns((string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info, uint64 registeredAt)
func (nodeRegistry *NodeRegistry) PackGetHost(host common.Address) []byte {
	enc, err := nodeRegistry.abi.Pack("getHost", host)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetHost is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbcd8c9b0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getHost(address host) view returns((string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info, uint64 registeredAt)
func (nodeRegistry *NodeRegistry) TryPackGetHost(host common.Address) ([]byte, error) {
	return nodeRegistry.abi.Pack("getHost", host)
}

// GetHostOutput serves as a container for the return parameters of contract
// method GetHost.
type GetHostOutput struct {
	Info         NodeRegistryHostInfo
	RegisteredAt uint64
}

// UnpackGetHost is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbcd8c9b0.
//
// Solidity: function getHost(address host) view returns((string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info, uint64 registeredAt)
func (nodeRegistry *NodeRegistry) UnpackGetHost(data []byte) (GetHostOutput, error) {
	out, err := nodeRegistry.abi.Unpack("getHost", data)
	outstruct := new(GetHostOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Info = *abi.ConvertType(out[0], new(NodeRegistryHostInfo)).(*NodeRegistryHostInfo)
	outstruct.RegisteredAt = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackIsRegistered is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc3c5a547.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isRegistered(address host) view returns(bool)
func (nodeRegistry *NodeRegistry) PackIsRegistered(host common.Address) []byte {
	enc, err := nodeRegistry.abi.Pack("isRegistered", host)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsRegistered is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc3c5a547.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isRegistered(address host) view returns(bool)
func (nodeRegistry *NodeRegistry) TryPackIsRegistered(host common.Address) ([]byte, error) {
	return nodeRegistry.abi.Pack("isRegistered", host)
}

// UnpackIsRegistered is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc3c5a547.
//
// Solidity: function isRegistered(address host) view returns(bool)
func (nodeRegistry *NodeRegistry) UnpackIsRegistered(data []byte) (bool, error) {
	out, err := nodeRegistry.abi.Unpack("isRegistered", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackModelPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0842dfa0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function modelPrice(address host, bytes32 modelId) view returns(bool served, uint256 minInputPrice, uint256 minOutputPrice)
func (nodeRegistry *NodeRegistry) PackModelPrice(host common.Address, modelId [32]byte) []byte {
	enc, err := nodeRegistry.abi.Pack("modelPrice", host, modelId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackModelPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0842dfa0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function modelPrice(address host, bytes32 modelId) view returns(bool served, uint256 minInputPrice, uint256 minOutputPrice)
func (nodeRegistry *NodeRegistry) TryPackModelPrice(host common.Address, modelId [32]byte) ([]byte, error) {
	return nodeRegistry.abi.Pack("modelPrice", host, modelId)
}

// ModelPriceOutput serves as a container for the return parameters of contract
// method ModelPrice.
type ModelPriceOutput struct {
	Served         bool
	MinInputPrice  *big.Int
	MinOutputPrice *big.Int
}

// UnpackModelPrice is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0842dfa0.
//
// Solidity: function modelPrice(address host, bytes32 modelId) view returns(bool served, uint256 minInputPrice, uint256 minOutputPrice)
func (nodeRegistry *NodeRegistry) UnpackModelPrice(data []byte) (ModelPriceOutput, error) {
	out, err := nodeRegistry.abi.Unpack("modelPrice", data)
	outstruct := new(ModelPriceOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Served = *abi.ConvertType(out[0], new(bool)).(*bool)
	outstruct.MinInputPrice = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	outstruct.MinOutputPrice = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackModelRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2ba36f78.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function modelRegistry() view returns(address)
func (nodeRegistry *NodeRegistry) PackModelRegistry() []byte {
	enc, err := nodeRegistry.abi.Pack("modelRegistry")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackModelRegistry is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2ba36f78.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function modelRegistry() view returns(address)
func (nodeRegistry *NodeRegistry) TryPackModelRegistry() ([]byte, error) {
	return nodeRegistry.abi.Pack("modelRegistry")
}

// UnpackModelRegistry is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2ba36f78.
//
// Solidity: function modelRegistry() view returns(address)
func (nodeRegistry *NodeRegistry) UnpackModelRegistry(data []byte) (common.Address, error) {
	out, err := nodeRegistry.abi.Unpack("modelRegistry", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfae65745.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function register((string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info) returns()
func (nodeRegistry *NodeRegistry) PackRegister(info NodeRegistryHostInfo) []byte {
	enc, err := nodeRegistry.abi.Pack("register", info)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfae65745.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function register((string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info) returns()
func (nodeRegistry *NodeRegistry) TryPackRegister(info NodeRegistryHostInfo) ([]byte, error) {
	return nodeRegistry.abi.Pack("register", info)
}

// PackStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa694fc3a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stake(uint256 amount) returns()
func (nodeRegistry *NodeRegistry) PackStake(amount *big.Int) []byte {
	enc, err := nodeRegistry.abi.Pack("stake", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa694fc3a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stake(uint256 amount) returns()
func (nodeRegistry *NodeRegistry) TryPackStake(amount *big.Int) ([]byte, error) {
	return nodeRegistry.abi.Pack("stake", amount)
}

// PackStakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42623360.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stakeOf(address host) view returns((uint128,uint128,uint64))
func (nodeRegistry *NodeRegistry) PackStakeOf(host common.Address) []byte {
	enc, err := nodeRegistry.abi.Pack("stakeOf", host)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStakeOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42623360.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stakeOf(address host) view returns((uint128,uint128,uint64))
func (nodeRegistry *NodeRegistry) TryPackStakeOf(host common.Address) ([]byte, error) {
	return nodeRegistry.abi.Pack("stakeOf", host)
}

// UnpackStakeOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x42623360.
//
// Solidity: function stakeOf(address host) view returns((uint128,uint128,uint64))
func (nodeRegistry *NodeRegistry) UnpackStakeOf(data []byte) (NodeRegistryStake, error) {
	out, err := nodeRegistry.abi.Unpack("stakeOf", data)
	if err != nil {
		return *new(NodeRegistryStake), err
	}
	out0 := *abi.ConvertType(out[0], new(NodeRegistryStake)).(*NodeRegistryStake)
	return out0, nil
}

// PackStakeToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51ed6a30.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stakeToken() view returns(address)
func (nodeRegistry *NodeRegistry) PackStakeToken() []byte {
	enc, err := nodeRegistry.abi.Pack("stakeToken")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStakeToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51ed6a30.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stakeToken() view returns(address)
func (nodeRegistry *NodeRegistry) TryPackStakeToken() ([]byte, error) {
	return nodeRegistry.abi.Pack("stakeToken")
}

// UnpackStakeToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x51ed6a30.
//
// Solidity: function stakeToken() view returns(address)
func (nodeRegistry *NodeRegistry) UnpackStakeToken(data []byte) (common.Address, error) {
	out, err := nodeRegistry.abi.Unpack("stakeToken", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackUnbond is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27de9e32.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unbond(uint256 amount) returns()
func (nodeRegistry *NodeRegistry) PackUnbond(amount *big.Int) []byte {
	enc, err := nodeRegistry.abi.Pack("unbond", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnbond is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x27de9e32.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unbond(uint256 amount) returns()
func (nodeRegistry *NodeRegistry) TryPackUnbond(amount *big.Int) ([]byte, error) {
	return nodeRegistry.abi.Pack("unbond", amount)
}

// PackUnbondingDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdb7dd35a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unbondingDelay() view returns(uint64)
func (nodeRegistry *NodeRegistry) PackUnbondingDelay() []byte {
	enc, err := nodeRegistry.abi.Pack("unbondingDelay")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnbondingDelay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdb7dd35a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unbondingDelay() view returns(uint64)
func (nodeRegistry *NodeRegistry) TryPackUnbondingDelay() ([]byte, error) {
	return nodeRegistry.abi.Pack("unbondingDelay")
}

// UnpackUnbondingDelay is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdb7dd35a.
//
// Solidity: function unbondingDelay() view returns(uint64)
func (nodeRegistry *NodeRegistry) UnpackUnbondingDelay(data []byte) (uint64, error) {
	out, err := nodeRegistry.abi.Unpack("unbondingDelay", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackUnregister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe79a198f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unregister() returns()
func (nodeRegistry *NodeRegistry) PackUnregister() []byte {
	enc, err := nodeRegistry.abi.Pack("unregister")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnregister is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe79a198f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unregister() returns()
func (nodeRegistry *NodeRegistry) TryPackUnregister() ([]byte, error) {
	return nodeRegistry.abi.Pack("unregister")
}

// PackUpdate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfe07aedc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function update((string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info) returns()
func (nodeRegistry *NodeRegistry) PackUpdate(info NodeRegistryHostInfo) []byte {
	enc, err := nodeRegistry.abi.Pack("update", info)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdate is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfe07aedc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function update((string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info) returns()
func (nodeRegistry *NodeRegistry) TryPackUpdate(info NodeRegistryHostInfo) ([]byte, error) {
	return nodeRegistry.abi.Pack("update", info)
}

// PackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbed9d861.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawStake() returns()
func (nodeRegistry *NodeRegistry) PackWithdrawStake() []byte {
	enc, err := nodeRegistry.abi.Pack("withdrawStake")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawStake is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbed9d861.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawStake() returns()
func (nodeRegistry *NodeRegistry) TryPackWithdrawStake() ([]byte, error) {
	return nodeRegistry.abi.Pack("withdrawStake")
}

// NodeRegistryHostRegistered represents a HostRegistered event raised by the NodeRegistry contract.
type NodeRegistryHostRegistered struct {
	Host common.Address
	Info NodeRegistryHostInfo
	Raw  *types.Log // Blockchain specific contextual infos
}

const NodeRegistryHostRegisteredEventName = "HostRegistered"

// ContractEventName returns the user-defined event name.
func (NodeRegistryHostRegistered) ContractEventName() string {
	return NodeRegistryHostRegisteredEventName
}

// UnpackHostRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event HostRegistered(address indexed host, (string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info)
func (nodeRegistry *NodeRegistry) UnpackHostRegisteredEvent(log *types.Log) (*NodeRegistryHostRegistered, error) {
	event := "HostRegistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != nodeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NodeRegistryHostRegistered)
	if len(log.Data) > 0 {
		if err := nodeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range nodeRegistry.abi.Events[event].Inputs {
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

// NodeRegistryHostUnregistered represents a HostUnregistered event raised by the NodeRegistry contract.
type NodeRegistryHostUnregistered struct {
	Host common.Address
	Raw  *types.Log // Blockchain specific contextual infos
}

const NodeRegistryHostUnregisteredEventName = "HostUnregistered"

// ContractEventName returns the user-defined event name.
func (NodeRegistryHostUnregistered) ContractEventName() string {
	return NodeRegistryHostUnregisteredEventName
}

// UnpackHostUnregisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event HostUnregistered(address indexed host)
func (nodeRegistry *NodeRegistry) UnpackHostUnregisteredEvent(log *types.Log) (*NodeRegistryHostUnregistered, error) {
	event := "HostUnregistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != nodeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NodeRegistryHostUnregistered)
	if len(log.Data) > 0 {
		if err := nodeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range nodeRegistry.abi.Events[event].Inputs {
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

// NodeRegistryHostUpdated represents a HostUpdated event raised by the NodeRegistry contract.
type NodeRegistryHostUpdated struct {
	Host common.Address
	Info NodeRegistryHostInfo
	Raw  *types.Log // Blockchain specific contextual infos
}

const NodeRegistryHostUpdatedEventName = "HostUpdated"

// ContractEventName returns the user-defined event name.
func (NodeRegistryHostUpdated) ContractEventName() string {
	return NodeRegistryHostUpdatedEventName
}

// UnpackHostUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event HostUpdated(address indexed host, (string,bytes,string[],(bytes32,uint256,uint256)[],address[]) info)
func (nodeRegistry *NodeRegistry) UnpackHostUpdatedEvent(log *types.Log) (*NodeRegistryHostUpdated, error) {
	event := "HostUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != nodeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NodeRegistryHostUpdated)
	if len(log.Data) > 0 {
		if err := nodeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range nodeRegistry.abi.Events[event].Inputs {
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

// NodeRegistryStakeWithdrawn represents a StakeWithdrawn event raised by the NodeRegistry contract.
type NodeRegistryStakeWithdrawn struct {
	Host   common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const NodeRegistryStakeWithdrawnEventName = "StakeWithdrawn"

// ContractEventName returns the user-defined event name.
func (NodeRegistryStakeWithdrawn) ContractEventName() string {
	return NodeRegistryStakeWithdrawnEventName
}

// UnpackStakeWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event StakeWithdrawn(address indexed host, uint256 amount)
func (nodeRegistry *NodeRegistry) UnpackStakeWithdrawnEvent(log *types.Log) (*NodeRegistryStakeWithdrawn, error) {
	event := "StakeWithdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != nodeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NodeRegistryStakeWithdrawn)
	if len(log.Data) > 0 {
		if err := nodeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range nodeRegistry.abi.Events[event].Inputs {
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

// NodeRegistryStaked represents a Staked event raised by the NodeRegistry contract.
type NodeRegistryStaked struct {
	Host        common.Address
	Amount      *big.Int
	TotalStaked *big.Int
	Raw         *types.Log // Blockchain specific contextual infos
}

const NodeRegistryStakedEventName = "Staked"

// ContractEventName returns the user-defined event name.
func (NodeRegistryStaked) ContractEventName() string {
	return NodeRegistryStakedEventName
}

// UnpackStakedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Staked(address indexed host, uint256 amount, uint256 totalStaked)
func (nodeRegistry *NodeRegistry) UnpackStakedEvent(log *types.Log) (*NodeRegistryStaked, error) {
	event := "Staked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != nodeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NodeRegistryStaked)
	if len(log.Data) > 0 {
		if err := nodeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range nodeRegistry.abi.Events[event].Inputs {
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

// NodeRegistryUnbondingStarted represents a UnbondingStarted event raised by the NodeRegistry contract.
type NodeRegistryUnbondingStarted struct {
	Host           common.Address
	Amount         *big.Int
	TotalUnbonding *big.Int
	ReadyAt        uint64
	Raw            *types.Log // Blockchain specific contextual infos
}

const NodeRegistryUnbondingStartedEventName = "UnbondingStarted"

// ContractEventName returns the user-defined event name.
func (NodeRegistryUnbondingStarted) ContractEventName() string {
	return NodeRegistryUnbondingStartedEventName
}

// UnpackUnbondingStartedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event UnbondingStarted(address indexed host, uint256 amount, uint256 totalUnbonding, uint64 readyAt)
func (nodeRegistry *NodeRegistry) UnpackUnbondingStartedEvent(log *types.Log) (*NodeRegistryUnbondingStarted, error) {
	event := "UnbondingStarted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != nodeRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(NodeRegistryUnbondingStarted)
	if len(log.Data) > 0 {
		if err := nodeRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range nodeRegistry.abi.Events[event].Inputs {
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
func (nodeRegistry *NodeRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["AlreadyRegistered"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackAlreadyRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["DuplicateModel"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackDuplicateModelError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["DuplicatePaymentToken"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackDuplicatePaymentTokenError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["InsufficientStake"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackInsufficientStakeError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["InvalidMultiaddr"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackInvalidMultiaddrError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["NoEndpoint"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackNoEndpointError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["NoModels"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackNoModelsError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["NoPaymentTokens"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackNoPaymentTokensError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["NotRegistered"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackNotRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["NothingUnbonding"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackNothingUnbondingError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["PeerIdTooLong"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackPeerIdTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["SafeCastOverflowedUintDowncast"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackSafeCastOverflowedUintDowncastError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["StakeNotReceived"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackStakeNotReceivedError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["StakeStillUnbonding"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackStakeStillUnbondingError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["StakingDisabled"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackStakingDisabledError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["TooManyModels"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackTooManyModelsError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["TooManyMultiaddrs"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackTooManyMultiaddrsError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["TooManyPaymentTokens"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackTooManyPaymentTokensError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["UnknownModel"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackUnknownModelError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["UrlTooLong"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackUrlTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], nodeRegistry.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return nodeRegistry.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// NodeRegistryAlreadyRegistered represents a AlreadyRegistered error raised by the NodeRegistry contract.
type NodeRegistryAlreadyRegistered struct {
	Host common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyRegistered(address host)
func NodeRegistryAlreadyRegisteredErrorID() common.Hash {
	return common.HexToHash("0x45ed80e9399c87887ea54f615514a1e3dde31e9b6c027ddceb4ffd503b70e428")
}

// UnpackAlreadyRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyRegistered(address host)
func (nodeRegistry *NodeRegistry) UnpackAlreadyRegisteredError(raw []byte) (*NodeRegistryAlreadyRegistered, error) {
	out := new(NodeRegistryAlreadyRegistered)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "AlreadyRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryDuplicateModel represents a DuplicateModel error raised by the NodeRegistry contract.
type NodeRegistryDuplicateModel struct {
	ModelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DuplicateModel(bytes32 modelId)
func NodeRegistryDuplicateModelErrorID() common.Hash {
	return common.HexToHash("0xc7182019728ac8301bb08d4962be445f5165766f1d2b92239864caabc7027d30")
}

// UnpackDuplicateModelError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DuplicateModel(bytes32 modelId)
func (nodeRegistry *NodeRegistry) UnpackDuplicateModelError(raw []byte) (*NodeRegistryDuplicateModel, error) {
	out := new(NodeRegistryDuplicateModel)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "DuplicateModel", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryDuplicatePaymentToken represents a DuplicatePaymentToken error raised by the NodeRegistry contract.
type NodeRegistryDuplicatePaymentToken struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DuplicatePaymentToken(address token)
func NodeRegistryDuplicatePaymentTokenErrorID() common.Hash {
	return common.HexToHash("0x176673cd2b631db8979be6675ebf60699769e9a6311fde054d2858da93db18fa")
}

// UnpackDuplicatePaymentTokenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DuplicatePaymentToken(address token)
func (nodeRegistry *NodeRegistry) UnpackDuplicatePaymentTokenError(raw []byte) (*NodeRegistryDuplicatePaymentToken, error) {
	out := new(NodeRegistryDuplicatePaymentToken)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "DuplicatePaymentToken", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryInsufficientStake represents a InsufficientStake error raised by the NodeRegistry contract.
type NodeRegistryInsufficientStake struct {
	Staked    *big.Int
	Requested *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientStake(uint256 staked, uint256 requested)
func NodeRegistryInsufficientStakeErrorID() common.Hash {
	return common.HexToHash("0x45be0a261a88f9fedc41221879f08865d5e8d6053c877967e6e8e39e5697e6d5")
}

// UnpackInsufficientStakeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientStake(uint256 staked, uint256 requested)
func (nodeRegistry *NodeRegistry) UnpackInsufficientStakeError(raw []byte) (*NodeRegistryInsufficientStake, error) {
	out := new(NodeRegistryInsufficientStake)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "InsufficientStake", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryInvalidMultiaddr represents a InvalidMultiaddr error raised by the NodeRegistry contract.
type NodeRegistryInvalidMultiaddr struct {
	Index  *big.Int
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidMultiaddr(uint256 index, uint256 length)
func NodeRegistryInvalidMultiaddrErrorID() common.Hash {
	return common.HexToHash("0xa0d4907ca871093984e1d9af3153391cb38ba0f9753efc4ed23880bbbef8cb8c")
}

// UnpackInvalidMultiaddrError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidMultiaddr(uint256 index, uint256 length)
func (nodeRegistry *NodeRegistry) UnpackInvalidMultiaddrError(raw []byte) (*NodeRegistryInvalidMultiaddr, error) {
	out := new(NodeRegistryInvalidMultiaddr)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "InvalidMultiaddr", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryNoEndpoint represents a NoEndpoint error raised by the NodeRegistry contract.
type NodeRegistryNoEndpoint struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoEndpoint()
func NodeRegistryNoEndpointErrorID() common.Hash {
	return common.HexToHash("0x709df43cb3f4871438575ab92fbc6773df2471e4a918c2a6bc7176aa5200faac")
}

// UnpackNoEndpointError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoEndpoint()
func (nodeRegistry *NodeRegistry) UnpackNoEndpointError(raw []byte) (*NodeRegistryNoEndpoint, error) {
	out := new(NodeRegistryNoEndpoint)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "NoEndpoint", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryNoModels represents a NoModels error raised by the NodeRegistry contract.
type NodeRegistryNoModels struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoModels()
func NodeRegistryNoModelsErrorID() common.Hash {
	return common.HexToHash("0x24c1698af34c1c21b5ffa7d1a2d6af1bfbaafc329e123bc9618510bd14ededde")
}

// UnpackNoModelsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoModels()
func (nodeRegistry *NodeRegistry) UnpackNoModelsError(raw []byte) (*NodeRegistryNoModels, error) {
	out := new(NodeRegistryNoModels)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "NoModels", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryNoPaymentTokens represents a NoPaymentTokens error raised by the NodeRegistry contract.
type NodeRegistryNoPaymentTokens struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoPaymentTokens()
func NodeRegistryNoPaymentTokensErrorID() common.Hash {
	return common.HexToHash("0xb883eab0fbc18a684735ee65aa188bdbbd75f51ef9aeda0e59a1c2b7d4fa55c5")
}

// UnpackNoPaymentTokensError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoPaymentTokens()
func (nodeRegistry *NodeRegistry) UnpackNoPaymentTokensError(raw []byte) (*NodeRegistryNoPaymentTokens, error) {
	out := new(NodeRegistryNoPaymentTokens)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "NoPaymentTokens", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryNotRegistered represents a NotRegistered error raised by the NodeRegistry contract.
type NodeRegistryNotRegistered struct {
	Host common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotRegistered(address host)
func NodeRegistryNotRegisteredErrorID() common.Hash {
	return common.HexToHash("0xbfc6c337a80b7b8201f77f0a2a54c6e5f7c6fd9124a749804a482fa16ee8a895")
}

// UnpackNotRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotRegistered(address host)
func (nodeRegistry *NodeRegistry) UnpackNotRegisteredError(raw []byte) (*NodeRegistryNotRegistered, error) {
	out := new(NodeRegistryNotRegistered)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "NotRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryNothingUnbonding represents a NothingUnbonding error raised by the NodeRegistry contract.
type NodeRegistryNothingUnbonding struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingUnbonding()
func NodeRegistryNothingUnbondingErrorID() common.Hash {
	return common.HexToHash("0x262b9d748fda20db08b6aa78cd2783ad16f83036900561f929b0d4a942a89706")
}

// UnpackNothingUnbondingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingUnbonding()
func (nodeRegistry *NodeRegistry) UnpackNothingUnbondingError(raw []byte) (*NodeRegistryNothingUnbonding, error) {
	out := new(NodeRegistryNothingUnbonding)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "NothingUnbonding", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryPeerIdTooLong represents a PeerIdTooLong error raised by the NodeRegistry contract.
type NodeRegistryPeerIdTooLong struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PeerIdTooLong(uint256 length)
func NodeRegistryPeerIdTooLongErrorID() common.Hash {
	return common.HexToHash("0xe7693fe0dd3d7ed91397d8aa7e470eee077102293ab55315500e44f38465f364")
}

// UnpackPeerIdTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PeerIdTooLong(uint256 length)
func (nodeRegistry *NodeRegistry) UnpackPeerIdTooLongError(raw []byte) (*NodeRegistryPeerIdTooLong, error) {
	out := new(NodeRegistryPeerIdTooLong)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "PeerIdTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the NodeRegistry contract.
type NodeRegistryReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func NodeRegistryReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (nodeRegistry *NodeRegistry) UnpackReentrancyGuardReentrantCallError(raw []byte) (*NodeRegistryReentrancyGuardReentrantCall, error) {
	out := new(NodeRegistryReentrancyGuardReentrantCall)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistrySafeCastOverflowedUintDowncast represents a SafeCastOverflowedUintDowncast error raised by the NodeRegistry contract.
type NodeRegistrySafeCastOverflowedUintDowncast struct {
	Bits  uint8
	Value *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func NodeRegistrySafeCastOverflowedUintDowncastErrorID() common.Hash {
	return common.HexToHash("0x6dfcc6503a32754ce7a89698e18201fc5294fd4aad43edefee786f88423b1a12")
}

// UnpackSafeCastOverflowedUintDowncastError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func (nodeRegistry *NodeRegistry) UnpackSafeCastOverflowedUintDowncastError(raw []byte) (*NodeRegistrySafeCastOverflowedUintDowncast, error) {
	out := new(NodeRegistrySafeCastOverflowedUintDowncast)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "SafeCastOverflowedUintDowncast", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistrySafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the NodeRegistry contract.
type NodeRegistrySafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func NodeRegistrySafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (nodeRegistry *NodeRegistry) UnpackSafeERC20FailedOperationError(raw []byte) (*NodeRegistrySafeERC20FailedOperation, error) {
	out := new(NodeRegistrySafeERC20FailedOperation)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryStakeNotReceived represents a StakeNotReceived error raised by the NodeRegistry contract.
type NodeRegistryStakeNotReceived struct {
	Expected *big.Int
	Received *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StakeNotReceived(uint256 expected, uint256 received)
func NodeRegistryStakeNotReceivedErrorID() common.Hash {
	return common.HexToHash("0xd441b386ac4f7c95f6a14c9874e1252516fc44f102ad0bff55fccb750a368a77")
}

// UnpackStakeNotReceivedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StakeNotReceived(uint256 expected, uint256 received)
func (nodeRegistry *NodeRegistry) UnpackStakeNotReceivedError(raw []byte) (*NodeRegistryStakeNotReceived, error) {
	out := new(NodeRegistryStakeNotReceived)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "StakeNotReceived", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryStakeStillUnbonding represents a StakeStillUnbonding error raised by the NodeRegistry contract.
type NodeRegistryStakeStillUnbonding struct {
	ReadyAt uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StakeStillUnbonding(uint64 readyAt)
func NodeRegistryStakeStillUnbondingErrorID() common.Hash {
	return common.HexToHash("0x03a4370288031aed6e6ae9e0746ede86a15e092808944e3221e217b7b6df7bcf")
}

// UnpackStakeStillUnbondingError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StakeStillUnbonding(uint64 readyAt)
func (nodeRegistry *NodeRegistry) UnpackStakeStillUnbondingError(raw []byte) (*NodeRegistryStakeStillUnbonding, error) {
	out := new(NodeRegistryStakeStillUnbonding)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "StakeStillUnbonding", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryStakingDisabled represents a StakingDisabled error raised by the NodeRegistry contract.
type NodeRegistryStakingDisabled struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StakingDisabled()
func NodeRegistryStakingDisabledErrorID() common.Hash {
	return common.HexToHash("0x87c5d02a8532f2e8b0b2711e3342ad707d69ce84d6276cbd8741d777dd672042")
}

// UnpackStakingDisabledError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StakingDisabled()
func (nodeRegistry *NodeRegistry) UnpackStakingDisabledError(raw []byte) (*NodeRegistryStakingDisabled, error) {
	out := new(NodeRegistryStakingDisabled)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "StakingDisabled", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryTooManyModels represents a TooManyModels error raised by the NodeRegistry contract.
type NodeRegistryTooManyModels struct {
	Count *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TooManyModels(uint256 count)
func NodeRegistryTooManyModelsErrorID() common.Hash {
	return common.HexToHash("0xf4b3bceb572f7ec0c2a4b8fae296ee2a5ffc935657a52eae68521a97748fc89a")
}

// UnpackTooManyModelsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TooManyModels(uint256 count)
func (nodeRegistry *NodeRegistry) UnpackTooManyModelsError(raw []byte) (*NodeRegistryTooManyModels, error) {
	out := new(NodeRegistryTooManyModels)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "TooManyModels", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryTooManyMultiaddrs represents a TooManyMultiaddrs error raised by the NodeRegistry contract.
type NodeRegistryTooManyMultiaddrs struct {
	Count *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TooManyMultiaddrs(uint256 count)
func NodeRegistryTooManyMultiaddrsErrorID() common.Hash {
	return common.HexToHash("0x7b5d5a09ddf94bcfcde58321f6706c77a13a0bd673833b696b45e43dfdf31b90")
}

// UnpackTooManyMultiaddrsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TooManyMultiaddrs(uint256 count)
func (nodeRegistry *NodeRegistry) UnpackTooManyMultiaddrsError(raw []byte) (*NodeRegistryTooManyMultiaddrs, error) {
	out := new(NodeRegistryTooManyMultiaddrs)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "TooManyMultiaddrs", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryTooManyPaymentTokens represents a TooManyPaymentTokens error raised by the NodeRegistry contract.
type NodeRegistryTooManyPaymentTokens struct {
	Count *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TooManyPaymentTokens(uint256 count)
func NodeRegistryTooManyPaymentTokensErrorID() common.Hash {
	return common.HexToHash("0x06e771593e2ae1969fb2c3ba0415f0f9910c78384bf887b4e06e1e7ccbb1ee5f")
}

// UnpackTooManyPaymentTokensError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TooManyPaymentTokens(uint256 count)
func (nodeRegistry *NodeRegistry) UnpackTooManyPaymentTokensError(raw []byte) (*NodeRegistryTooManyPaymentTokens, error) {
	out := new(NodeRegistryTooManyPaymentTokens)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "TooManyPaymentTokens", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryUnknownModel represents a UnknownModel error raised by the NodeRegistry contract.
type NodeRegistryUnknownModel struct {
	ModelId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownModel(bytes32 modelId)
func NodeRegistryUnknownModelErrorID() common.Hash {
	return common.HexToHash("0xa2dc0625b3fe9caa2cc8653c3bb80baa7333672dfd886a80b6343d529b2daa98")
}

// UnpackUnknownModelError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownModel(bytes32 modelId)
func (nodeRegistry *NodeRegistry) UnpackUnknownModelError(raw []byte) (*NodeRegistryUnknownModel, error) {
	out := new(NodeRegistryUnknownModel)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "UnknownModel", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryUrlTooLong represents a UrlTooLong error raised by the NodeRegistry contract.
type NodeRegistryUrlTooLong struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UrlTooLong(uint256 length)
func NodeRegistryUrlTooLongErrorID() common.Hash {
	return common.HexToHash("0x3c149c73dc3ae89cd0ef72f1d2c4a77871425c357cd5805379e90d4dba05f096")
}

// UnpackUrlTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UrlTooLong(uint256 length)
func (nodeRegistry *NodeRegistry) UnpackUrlTooLongError(raw []byte) (*NodeRegistryUrlTooLong, error) {
	out := new(NodeRegistryUrlTooLong)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "UrlTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// NodeRegistryZeroAmount represents a ZeroAmount error raised by the NodeRegistry contract.
type NodeRegistryZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func NodeRegistryZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (nodeRegistry *NodeRegistry) UnpackZeroAmountError(raw []byte) (*NodeRegistryZeroAmount, error) {
	out := new(NodeRegistryZeroAmount)
	if err := nodeRegistry.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
