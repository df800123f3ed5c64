import Hummingbird

/// The router split by authentication policy, so each route states its policy where it is added.
/// Each group rate-limits after authenticating, so the limiter keys on the agent when there is one.
struct RouteGroups {
    /// No authentication (health, keys, seal verification, org registration).
    let open: RouterGroup<RelayRequestContext>
    /// Authenticated when `RELAY_AUTH_REQUIRED=true`; otherwise a token is optional.
    let optionalAuth: RouterGroup<RelayRequestContext>
    /// Always authenticated.
    let requiredAuth: RouterGroup<RelayRequestContext>

    init(router: Router<RelayRequestContext>, services: GatewayServices) {
        func limited(_ group: RouterGroup<RelayRequestContext>) -> RouterGroup<RelayRequestContext> {
            guard let limiter = services.rateLimiter else { return group }
            return group.add(middleware: RateLimitMiddleware(limiter: limiter))
        }
        open = limited(router.group())
        optionalAuth = limited(router.group().add(
            middleware: AuthMiddleware(services: services, mode: services.configuration.authRequired ? .required : .optional)))
        requiredAuth = limited(router.group().add(middleware: AuthMiddleware(services: services, mode: .required)))
    }
}
