import Hummingbird
import LookoutCore

/// Query parameters of list routes, checked one by one: a bad value is a 422 naming it.
struct QueryParameters: Sendable {
    let request: Request

    /// `page` (from 1, default 1) and `limit` (1…500, default 50).
    func page() throws(APIError) -> Page {
        let page = try integer("page", in: 1...1_000_000) ?? 1
        let limit = try integer("limit", in: 1...500) ?? 50
        return Page(number: Int(page), limit: Int(limit))
    }

    func integer(_ name: String, in range: ClosedRange<Int64>) throws(APIError) -> Int64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let number = Int64(text), range.contains(number) else {
            throw APIError.invalidField(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// `status`: `online`, `offline` or `unknown`.
    func status() throws(APIError) -> DeviceStatus? {
        guard let text = request.uri.queryParameters.get("status") else { return nil }
        guard let status = DeviceStatus(rawValue: text) else { throw APIError.invalidField("status", "status must be online, offline or unknown") }
        return status
    }
}

/// A page of a list: which one was asked for, and the totals a client pages with.
struct Page: Sendable {
    let number: Int
    let limit: Int
    var offset: Int { (number - 1) * limit }

    func info(total: Int) -> PageInfo {
        PageInfo(page: number, limit: limit, total: total, pages: (total + limit - 1) / limit)
    }
}

struct PageInfo: Codable, Sendable {
    let page: Int
    let limit: Int
    let total: Int
    let pages: Int
}

/// The id in a route's `:id` (or another name): an id that is not a positive whole number
/// names no row, so it is a 404 like an unknown one.
func routeID(_ context: GatewayRequestContext, _ name: String = "id", what: String) throws(APIError) -> Int64 {
    guard let id = context.parameters.get(name, as: Int64.self), id > 0 else { throw APIError.notFound("no \(what) has id '\(context.parameters.get(name) ?? "")'") }
    return id
}
