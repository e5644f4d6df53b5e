import Hummingbird
import Logging
import LookoutCore
import LookoutRedis
import LookoutStore
import NIOCore

/// Turns every error into the API's one error shape (``APIError``) and a response, so the
/// middleware outside it (metrics, CORS, security headers) sees a status. Errors it does not
/// know become a 500 whose body says nothing; the log has them.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.apiError(for: error, logger: context.logger).response(from: request, context: context)
        }
    }

    static func apiError(for error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as StoreError:
            return storeError(error, logger: logger)
        case let error as StreamOperationError:
            switch error.kind {
            case .unknownCameras: return .notFound(error.message)
            case .invalidArgument: return .invalidField("cameraIds", error.message)
            case .unavailable: return .unavailable(error.message)
            }
        case let error as RedisError:
            logger.error("Redis failed during a request", metadata: ["lookout.redis.error": "\(error)"])
            return .unavailable("Redis is unreachable; retry later")
        case is NIOTooManyBytesError:
            return .init(.contentTooLarge, code: "body_too_large", "the request body is too large")
        case let error as HTTPError:
            return httpError(error)
        default:
            logger.error("Request failed", metadata: ["lookout.error.type": "\(type(of: error))"])
            return .internalError
        }
    }

    static func storeError(_ error: StoreError, logger: Logger) -> APIError {
        switch error.code {
        case .notFound: return .notFound(error.message)
        case .duplicate:
            let field = error.field == "mediamtx_path" ? "mediamtxPath" : error.field ?? "id"
            return .duplicate(field, "\(field) is already taken")
        case .invalidArgument: return .invalidField(error.field ?? "body", error.message)
        default:
            logger.error("PostgreSQL failed during a request", metadata: ["lookout.store.error": "\(error.message)"])
            return .unavailable("the database is unreachable; retry later")
        }
    }

    /// Hummingbird's own errors: no route (404), and the rare framework error.
    static func httpError(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: return .notFound("no such route")
        case .contentTooLarge: return .init(.contentTooLarge, code: "body_too_large", "the request body is too large")
        case .unauthorized: return .unauthorized(error.body ?? "authentication required")
        case .badRequest: return .malformedJSON(error.body ?? "bad request")
        default:
            let code = error.status.code >= 500 ? "internal" : "bad_request"
            return .init(error.status, code: code, error.body ?? error.status.reasonPhrase, headers: error.headers)
        }
    }
}
