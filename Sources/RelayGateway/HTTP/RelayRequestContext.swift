import Hummingbird
import Logging
import NIOCore

/// The authenticated caller of a request. Filled by the auth middleware (JWT, next milestone);
/// handlers only ever read `context.principal`, so adding auth touches no handler.
public struct Principal: Sendable, Equatable {
    public var agentID: String
    public var orgID: String

    /// Creates a principal.
    public init(agentID: String, orgID: String) {
        self.agentID = agentID
        self.orgID = orgID
    }
}

/// Per-request state for the gateway's routes.
public struct RelayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, when authenticated.
    public var principal: Principal?
    /// The peer's socket address (rate limiting and auth events use its IP).
    public let remoteAddress: SocketAddress?
    /// Body limit for Hummingbird's own decoders; Relay's handlers read bodies through
    /// `Request.jsonBody(limit:)` with the configured limit instead.
    public var maxUploadSize: Int { 1 << 20 }

    /// Creates a context from the server's source.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.remoteAddress = source.channel.remoteAddress
    }
}

extension RelayRequestContext {
    /// The client's IP address as text ("unknown" when the transport has none).
    public var clientIP: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
