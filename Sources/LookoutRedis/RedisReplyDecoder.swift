import CHiredis
import NIOCore

/// A SwiftNIO decoder that parses RESP with hiredis's `redisReader`.
///
/// Readable bytes are fed to the reader, every complete reply is copied into a `RESPValue`
/// and freed at once. The reader never touches a socket, so nothing here blocks: it runs on
/// the channel's event loop, never on Swift's cooperative pool. One reader per channel.
final class RedisReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = RESPValue

    private let reader: UnsafeMutablePointer<redisReader>

    init() {
        reader = redisReaderCreate()
        // 0 keeps hiredis from shrinking its buffer after each reply; NIO hands us chunks anyway.
        reader.pointee.maxbuf = 0
    }

    deinit {
        redisReaderFree(reader)
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let fed = buffer.readWithUnsafeReadableBytes { bytes in
            let status = redisReaderFeed(reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
            return status == REDIS_OK ? bytes.count : 0
        }
        if fed == 0 && buffer.readableBytes > 0 { throw protocolError() }
        while let value = try nextReply() {
            context.fireChannelRead(wrapInboundOut(value))
        }
        return .needMoreData
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        return .needMoreData
    }

    private func nextReply() throws -> RESPValue? {
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw protocolError() }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return Self.value(of: raw.assumingMemoryBound(to: redisReply.self))
    }

    private func protocolError() -> RedisError {
        let text = withUnsafeBytes(of: reader.pointee.errstr) { bytes in
            String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return RedisError(.protocolError, text.isEmpty ? "unparsable reply" : text)
    }

    static func value(of reply: UnsafeMutablePointer<redisReply>) -> RESPValue {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            return .bulkString(ByteBuffer(bytes: UnsafeRawBufferPointer(start: node.str, count: Int(node.len))))
        case REDIS_REPLY_STATUS:
            return .simpleString(String(decoding: UnsafeRawBufferPointer(start: node.str, count: Int(node.len)), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: UnsafeRawBufferPointer(start: node.str, count: Int(node.len)), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(node.integer)
        case REDIS_REPLY_ARRAY:
            return .array((0..<Int(node.elements)).map { value(of: node.element[$0]!) })
        default:
            return .null
        }
    }
}
