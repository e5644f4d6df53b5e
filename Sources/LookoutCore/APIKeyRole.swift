/// What an API key may do: viewers read (and open dashboards), admins also write.
public enum APIKeyRole: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case viewer
}
