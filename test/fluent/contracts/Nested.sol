// SPDX-License-Identifier: MIT
// Contracts that call, delegate to and create other contracts, for the side-by-side tests
// against @ethereumjs/vm (test/fluent/oracle-nested.test.ts).
pragma solidity ^0.8.20;

contract Callee {
    uint256 public stored;
    error Refused(uint256 code, string why);
    event Stored(address indexed by, uint256 value);

    function store(uint256 x) external returns (uint256) { stored = x; emit Stored(msg.sender, x); return x * 2; }
    function fail(uint256 code) external pure { revert Refused(code, "callee refused"); }
    function pay() external payable returns (uint256) { return address(this).balance; }
    function burn() external view returns (uint256 acc) { while (true) acc += block.number; }
    function whoCalls() external view returns (address, address, uint256) { return (msg.sender, tx.origin, gasleft() > 0 ? 1 : 0); }
}

contract Caller {
    uint256 public last;
    bytes public lastError;

    function callStore(Callee callee, uint256 x) external returns (uint256 doubled) { doubled = callee.store(x); last = doubled; }
    function readStored(Callee callee) external view returns (uint256) { return callee.stored(); }
    function catchFailure(Callee callee, uint256 code) external returns (bool ok) {
        try callee.fail(code) { ok = true; } catch (bytes memory reason) { lastError = reason; ok = false; }
    }
    function bubble(Callee callee, uint256 code) external { callee.fail(code); }
    function forward(Callee callee) external payable returns (uint256) { return callee.pay{value: msg.value / 2}(); }
    function send(address payable to, uint256 amount) external returns (bool ok) { (ok, ) = to.call{value: amount}(""); }
    function starve(Callee callee, uint256 gas) external returns (bool ok, uint256 left) {
        (ok, ) = address(callee).call{gas: gas}(abi.encodeCall(Callee.burn, ()));
        left = gasleft() > 1000 ? 1 : 0;
    }
    function writeInStatic(Callee callee) external view returns (bool ok) {
        (bool success, ) = address(callee).staticcall(abi.encodeCall(Callee.store, (1)));
        ok = success;
    }
    function chain(Callee callee) external view returns (address, address, uint256) { return callee.whoCalls(); }
    function recurse(uint256 depth) external returns (uint256) {
        if (depth == 0) return 0;
        return Caller(address(this)).recurse(depth - 1) + 1;
    }
    function codeFacts(address account) external view returns (uint256 size, bytes32 hash, bytes memory head) {
        size = account.code.length;
        hash = account.codehash;
        head = size >= 4 ? abi.encodePacked(bytes4(account.code)) : bytes("");
    }
}

contract Implementation {
    uint256 public count;
    address public owner;
    function initialize() external { require(owner == address(0), "initialized"); owner = msg.sender; }
    function increment(uint256 by) external returns (uint256) { count += by; return count; }
    function whoAmI() external view returns (address self, address sender) { return (address(this), msg.sender); }
}

contract Proxy {
    // The ERC-1967 implementation slot.
    bytes32 private constant SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;
    constructor(address implementation) { assembly { sstore(SLOT, implementation) } }
    fallback() external payable {
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), sload(SLOT), 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}

contract Child {
    uint256 public value;
    address public creator;
    constructor(uint256 v) payable { require(v != 13, "unlucky"); value = v; creator = msg.sender; }
}

contract Factory {
    Child[] public children;
    event Made(address child, uint256 value);

    function make(uint256 v) external payable returns (address child) {
        Child c = new Child{value: msg.value}(v);
        children.push(c);
        emit Made(address(c), v);
        child = address(c);
    }
    function makeAt(uint256 v, bytes32 salt) external returns (address child) { child = address(new Child{salt: salt}(v)); }
    function predict(uint256 v, bytes32 salt) external view returns (address) {
        bytes32 hash = keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, keccak256(abi.encodePacked(type(Child).creationCode, v))));
        return address(uint160(uint256(hash)));
    }
    function tryMake(uint256 v) external returns (bool ok, bytes memory reason) {
        try new Child(v) returns (Child) { ok = true; } catch (bytes memory r) { reason = r; }
    }
    function makeTwiceAt(uint256 v, bytes32 salt) external returns (address first, bool second) {
        first = address(new Child{salt: salt}(v));
        try new Child{salt: salt}(v) returns (Child) { second = true; } catch { second = false; }
    }
}

contract Doomed {
    constructor() payable {}
    function destroy(address payable to) external { selfdestruct(to); }
    function alive() external pure returns (uint256) { return 1; }
}

contract Reaper {
    function createAndDestroy(address payable to) external payable returns (address doomed) {
        Doomed d = new Doomed{value: msg.value}();
        d.destroy(to);
        doomed = address(d);
    }
}
