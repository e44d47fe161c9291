// SPDX-License-Identifier: MIT
// Single-frame contracts for the side-by-side tests against @ethereumjs/vm (test/fluent/oracle.test.ts).
pragma solidity ^0.8.20;

contract Ledger {
    struct Entry { uint128 amount; uint64 stamp; bool open; }
    uint256 public total = 7;
    mapping(address => uint256) public balances;
    mapping(address => mapping(uint256 => Entry)) public entries;
    uint256[] public history;
    bytes public note;

    event Deposited(address indexed who, uint256 indexed id, uint256 amount, bytes memo);
    event Cleared(address who);
    error TooLarge(uint256 amount, uint256 limit);

    constructor(uint256 start) payable { total = start; history.push(start); }

    function deposit(uint256 id, uint256 amount) external returns (uint256) {
        if (amount > 1_000_000) revert TooLarge(amount, 1_000_000);
        balances[msg.sender] += amount;
        total += amount;
        entries[msg.sender][id] = Entry(uint128(amount), uint64(block.number), true);
        history.push(amount);
        emit Deposited(msg.sender, id, amount, abi.encodePacked("memo", id));
        return total;
    }

    function clear() external {
        total -= balances[msg.sender];
        balances[msg.sender] = 0;
        delete history;
        emit Cleared(msg.sender);
    }

    function setNote(bytes calldata text) external { note = text; }
    function requireSmall(uint256 x) external pure returns (uint256) { require(x < 10, "x must be below 10"); return x; }
    function divide(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
    function failAssert() external pure { assert(false); }
    function spin(uint256 n) external pure returns (uint256 acc) { for (uint256 i = 0; i < n; i++) acc = uint256(keccak256(abi.encode(acc, i))); }
    function forever() external view returns (uint256 acc) { while (true) acc += block.number; }
    function hashes() external view returns (bytes32 previous, bytes32 current, bytes32 future) {
        return (blockhash(block.number - 1), blockhash(block.number), blockhash(block.number + 1));
    }
    function environment() external view returns (uint256, uint256, uint256, address, uint256, address, uint256) {
        return (block.chainid, block.number, block.timestamp, block.coinbase, block.basefee, tx.origin, gasleft() > 0 ? 1 : 0);
    }
}

contract Vault {
    uint256 public received;
    event Received(address from, uint256 value);
    receive() external payable { received += msg.value; emit Received(msg.sender, msg.value); }
    function selfBalance() external view returns (uint256) { return address(this).balance; }
    function balanceOf(address who) external view returns (uint256) { return who.balance; }
    function notPayable() external pure returns (uint256) { return 1; }
}

contract Transient {
    function roundTrip(uint256 key, uint256 value) external returns (uint256 got) {
        assembly { tstore(key, value) got := tload(key) }
    }
    function readBack(uint256 key) external view returns (uint256 got) {
        assembly { got := tload(key) }
    }
}
