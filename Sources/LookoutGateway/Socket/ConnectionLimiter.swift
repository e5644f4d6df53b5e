import Synchronization

/// Counts the gateway's open connections, in all and per TCP peer address, and admits a new
/// one only under both caps (`LOOKOUT_MAX_CONNECTIONS`, `LOOKOUT_MAX_CONNECTIONS_PER_ADDRESS`;
/// 0: no cap). Every admitted connection is released when it closes. One lock per accept and
/// per close; the per-address table holds only addresses with an open connection.
final class ConnectionLimiter: Sendable {
    enum Refusal: Sendable, Equatable {
        case gatewayFull
        case addressFull
    }

    let maxConnections: Int
    let maxPerAddress: Int
    private let state = Mutex<(total: Int, perAddress: [String: Int])>((0, [:]))
    /// Called outside the lock for every refusal (a metric).
    private let refused: @Sendable (Refusal) -> Void

    init(maxConnections: Int, maxPerAddress: Int, refused: @escaping @Sendable (Refusal) -> Void = { _ in }) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
        self.refused = refused
    }

    /// Admits a connection from `address` (nil: not counted per address, as for a trusted
    /// proxy), or says which cap it hit. An admitted one must be ``release(_:)``d.
    func admit(_ address: String?) -> Refusal? {
        let refusal = countIn(address)
        if let refusal { refused(refusal) }
        return refusal
    }

    private func countIn(_ address: String?) -> Refusal? {
        state.withLock { state in
            if maxConnections > 0, state.total >= maxConnections { return .gatewayFull }
            if let address {
                let open = state.perAddress[address, default: 0]
                if maxPerAddress > 0, open >= maxPerAddress { return .addressFull }
                state.perAddress[address] = open + 1
            }
            state.total += 1
            return nil
        }
    }

    func release(_ address: String?) {
        state.withLock { state in
            state.total -= 1
            guard let address, let open = state.perAddress[address] else { return }
            state.perAddress[address] = open > 1 ? open - 1 : nil
        }
    }

    /// Open connections: in all, and from `address`.
    var total: Int { state.withLock { $0.total } }
    func open(from address: String) -> Int { state.withLock { $0.perAddress[address, default: 0] } }
}
