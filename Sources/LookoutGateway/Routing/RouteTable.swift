import HTTPTypes
import Hummingbird
import Synchronization

/// Every route of the gateway with the access it declared, the one place routes are registered.
///
/// Routes are added through ``on(_:method:access:use:)`` (or `get`/`post`/`put`/`delete`), which
/// registers them on Hummingbird's router and records `(method, path) → access`. The router
/// resolves a request to a route; ``RouteAuthorizationMiddleware`` looks the matched route up in
/// ``rules`` and denies it when it has no entry, so a route added to the router directly is refused;
/// `RouteAccessTests` compares the declarations with the router's own list.
///
/// ``finish()`` answers every other method on a known path: `OPTIONS` with 204 and `Allow`, the
/// rest with 405 and `Allow`. GET routes answer HEAD through the router's generated HEAD.
struct RouteTable {
    typealias Context = GatewayRequestContext

    let router: Router<Context>
    /// What the authorization middleware reads at request time.
    let rules = RouteRules()

    /// The methods answered 405 (or 204 for OPTIONS) on a known path without a handler for them.
    static let answeredMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace]

    init(router: Router<Context>) {
        self.router = router
    }

    @discardableResult
    func on(
        _ path: String, method: HTTPRequest.Method, access: RouteAccess,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        let routerPath = RouterPath(path)
        rules.record(RouteRules.Rule(method: method, path: routerPath.description, access: access))
        router.on(routerPath, method: method, use: handler)
        return self
    }

    @discardableResult
    func get(_ path: String, _ access: RouteAccess, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator)
        -> Self
    { on(path, method: .get, access: access, use: handler) }

    @discardableResult
    func post(_ path: String, _ access: RouteAccess, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator)
        -> Self
    { on(path, method: .post, access: access, use: handler) }

    @discardableResult
    func put(_ path: String, _ access: RouteAccess, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator)
        -> Self
    { on(path, method: .put, access: access, use: handler) }

    @discardableResult
    func delete(_ path: String, _ access: RouteAccess, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator)
        -> Self
    { on(path, method: .delete, access: access, use: handler) }

    /// The methods a path answers, for `Allow` (HEAD with GET; OPTIONS always).
    func allowedMethods(path: String) -> [HTTPRequest.Method] {
        let methods = Set(rules.declared.filter { $0.path == path }.map(\.method))
        return Self.answeredMethods.filter { methods.contains($0) || ($0 == .head && methods.contains(.get)) || $0 == .options }
    }

    /// Registers the `Allow` answers for every known path. Call once, after every route.
    func finish() {
        guard rules.finish() else { return }
        var paths: [String] = []
        for rule in rules.declared where !paths.contains(rule.path) { paths.append(rule.path) }
        for path in paths {
            let allowed = allowedMethods(path: path)
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            for method in Self.answeredMethods where !allowed.contains(method) || method == .options {
                if method == .options, rules.declared.contains(where: { $0.path == path && $0.method == .options }) { continue }
                rules.allow(method: method, path: path)
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    if method == .options { return Response(status: .noContent, headers: [.allow: allow]) }
                    throw APIError.methodNotAllowed(allow: allow)
                }
            }
        }
    }
}

/// The declared access of every route, read by ``RouteAuthorizationMiddleware`` at request time.
final class RouteRules: Sendable {
    struct Key: Hashable, Sendable {
        let method: HTTPRequest.Method
        /// `RouterPath.description`, the form the router reports as `context.endpointPath`.
        let path: String
    }

    /// A declared route.
    struct Rule: Sendable, Equatable {
        let method: HTTPRequest.Method
        let path: String
        let access: RouteAccess
    }

    private let state = Mutex<(rules: [Key: RouteAccess], declared: [Rule], finished: Bool)>(([:], [], false))

    /// The routes declared by the application, in registration order (not the 405 answers).
    var declared: [Rule] { state.withLock { $0.declared } }

    /// The access of the route the router matched, nil when none was declared. HEAD falls back to
    /// GET's access (the router answers HEAD with the GET handler).
    func access(method: HTTPRequest.Method, endpointPath: String) -> RouteAccess? {
        state.withLock { state in
            state.rules[Key(method: method, path: endpointPath)]
                ?? (method == .head ? state.rules[Key(method: .get, path: endpointPath)] : nil)
        }
    }

    func record(_ rule: Rule) {
        state.withLock { state in
            precondition(!state.finished, "route \(rule.method) \(rule.path) added after RouteTable.finish()")
            state.rules[Key(method: rule.method, path: rule.path)] = rule.access
            state.declared.append(rule)
        }
    }

    /// An `Allow` answer: open, and not a declared route.
    func allow(method: HTTPRequest.Method, path: String) {
        state.withLock { $0.rules[Key(method: method, path: path)] = .open }
    }

    /// Marks the table finished; false when it already was.
    func finish() -> Bool {
        state.withLock { state in
            defer { state.finished = true }
            return !state.finished
        }
    }
}
