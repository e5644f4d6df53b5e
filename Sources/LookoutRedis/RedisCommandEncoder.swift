import CHiredis
import NIOCore

/// Turns commands into RESP bytes with hiredis's `redisFormatCommandArgv`.
/// Pure: no socket is involved, the bytes go out through SwiftNIO.
enum RedisCommandEncoder {
    static func encode(_ command: RedisCommand, into buffer: inout ByteBuffer) {
        let arguments = command.arguments
        // One contiguous copy of all arguments, plus a byte so the storage is never empty.
        var storage: [UInt8] = []
        storage.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)
        storage.withUnsafeBufferPointer { base in
            base.baseAddress!.withMemoryRebound(to: CChar.self, capacity: base.count) { start in
                var pointers: [UnsafePointer<CChar>?] = offsets.map { start + $0 }
                var formatted: UnsafeMutablePointer<CChar>?
                let length = redisFormatCommandArgv(&formatted, Int32(arguments.count), &pointers, lengths)
                guard let formatted, length > 0 else { return }
                defer { redisFreeCommand(formatted) }
                buffer.writeBytes(UnsafeRawBufferPointer(start: formatted, count: Int(length)))
            }
        }
    }

    static func encode(_ commands: [RedisCommand], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: commands.count * 32)
        for command in commands { encode(command, into: &buffer) }
        return buffer
    }
}
