import PostgresNIO

extension PostgresNVRRepository {
    /// The ids of the NVRs with these hostnames (unknown ones are left out).
    public func ids(hostnames: [String]) async throws(StoreError) -> [Int64] {
        guard !hostnames.isEmpty else { return [] }
        do {
            var ids: [Int64] = []
            let rows = try await client.query("SELECT id FROM nvrs WHERE hostname = ANY(\(hostnames))", logger: logger)
            for try await id in rows.decode(Int64.self) { ids.append(id) }
            return ids
        } catch {
            throw StoreError.wrapping(error, while: "looking up NVR ids")
        }
    }
}
