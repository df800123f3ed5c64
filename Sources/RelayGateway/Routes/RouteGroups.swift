import Hummingbird

/// The router split by authentication policy, so each route states its policy where it is added.
struct RouteGroups {
    /// No authentication (health, keys, seal verification, org registration).
    let open: RouterGroup<RelayRequestContext>
    /// Authenticated when `RELAY_AUTH_REQUIRED=true`; otherwise a token is optional.
    let optionalAuth: RouterGroup<RelayRequestContext>
    /// Always authenticated.
    let requiredAuth: RouterGroup<RelayRequestContext>

    init(router: Router<RelayRequestContext>, services: GatewayServices) {
        open = router.group()
        optionalAuth = router.group().add(
            middleware: AuthMiddleware(services: services, mode: services.configuration.authRequired ? .required : .optional))
        requiredAuth = router.group().add(middleware: AuthMiddleware(services: services, mode: .required))
    }
}
