import LookoutCore

/// Who may call a route, declared where the route is registered (``RouteTable``) and enforced by
/// ``RouteAuthorizationMiddleware`` on the route that matched.
enum RouteAccess: String, Sendable, Hashable, CaseIterable {
    /// No key: health, readiness, metrics, the OpenAPI document, the dashboard's files, `/ws`
    /// (which checks its own credentials in its first message).
    case open
    /// A viewer or an admin key.
    case viewer
    /// An admin key.
    case admin

    /// Whether a caller holding `role` may call a route of this access.
    func admits(_ role: APIKeyRole) -> Bool {
        switch self {
        case .open, .viewer: true
        case .admin: role == .admin
        }
    }
}
