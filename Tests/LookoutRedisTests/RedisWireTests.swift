import NIOCore
import NIOEmbedded
import Testing

@testable import LookoutRedis

/// Bytes in, values out: the hiredis formatter and reader, without a server.
@Suite struct RedisWireTests {
    @Test func encodesCommandsAsRESPArrays() {
        var buffer = ByteBuffer()
        RedisCommandEncoder.encode(.set("k", "vé"), into: &buffer)
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nvé\r\n")
    }

    @Test func encodesBinaryAndEmptyArguments() {
        var buffer = ByteBuffer()
        RedisCommandEncoder.encode(RedisCommand(rawArguments: [Array("ECHO".utf8), [0, 13, 10]]), into: &buffer)
        RedisCommandEncoder.encode(RedisCommand("SET", ["", ""]), into: &buffer)
        #expect(Array(buffer.readableBytesView) == Array("*2\r\n$4\r\nECHO\r\n$3\r\n".utf8) + [0, 13, 10] + Array("\r\n*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n".utf8))
    }

    @Test func decodesEveryReplyTypeAcrossSplitReads() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RedisReplyDecoder()))
        let wire = "+OK\r\n-ERR bad\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n*-1\r\n"
        // Feed one byte at a time: replies split anywhere must still come out whole.
        for byte in wire.utf8 { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        var values: [RESPValue] = []
        while let value = try channel.readInbound(as: RESPValue.self) { values.append(value) }
        #expect(
            values == [
                .simpleString("OK"), .error("ERR bad"), .integer(42), .bulkString(ByteBuffer(string: "hello")), .null,
                .array([.array([.integer(1)]), .bulkString(ByteBuffer())]), .null,
            ])
        _ = try channel.finish()
    }

    @Test func rejectsBytesThatAreNotRESP() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RedisReplyDecoder()))
        #expect {
            try channel.writeInbound(ByteBuffer(string: "?what\r\n"))
        } throws: { error in
            (error as? RedisError)?.code == .protocolError
        }
    }
}

