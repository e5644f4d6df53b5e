/// The process's view of the account token: a copy in memory, refreshed through `HikLogin`
/// with at most one refresh in flight per process (callers that arrive meanwhile share it).
actor HikTokenStore {
    private let login: HikLogin
    private var cached: HikAccessToken?
    private var inFlight: Task<Result<HikAccessToken, HikConnectError>, Never>?

    init(login: HikLogin) {
        self.login = login
    }

    /// A usable token, from memory, Redis, or a login.
    func current() async throws(HikConnectError) -> HikAccessToken {
        if let cached, cached.isUsable() { return cached }
        return try await refresh(rejecting: nil)
    }

    /// A token other than `rejected`, which the cloud just refused (`OPEN000006/7`).
    func replace(_ rejected: HikAccessToken) async throws(HikConnectError) -> HikAccessToken {
        if let cached, cached.isUsable(), cached.accessToken != rejected.accessToken { return cached }
        if cached?.accessToken == rejected.accessToken { cached = nil }
        let token = try await refresh(rejecting: rejected.accessToken)
        // A refresh already in flight may have been started before the token was refused: ask once more.
        if token.accessToken == rejected.accessToken {
            return try await refresh(rejecting: rejected.accessToken)
        }
        return token
    }

    private func refresh(rejecting rejected: String?) async throws(HikConnectError) -> HikAccessToken {
        let task: Task<Result<HikAccessToken, HikConnectError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            let login = self.login
            task = Task {
                do throws(HikConnectError) { return .success(try await login.obtain(rejecting: rejected)) } catch { return .failure(error) }
            }
            inFlight = task
        }
        let result = await task.value
        if inFlight == task { inFlight = nil }
        if case .success(let token) = result { cached = token }
        return try result.get()
    }
}
