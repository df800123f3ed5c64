import Hummingbird
import RelayCore
import RelayStore

/// `GET /v1/seal/verify` and `POST /v1/seal/mark-executed`.
struct SealRoutes {
    let services: GatewayServices

    func add(to groups: RouteGroups) {
        groups.open.get("/v1/seal/verify", use: verify)
        groups.optionalAuth.post("/v1/seal/mark-executed", use: markExecuted)
    }

    private func sealID(_ request: Request) throws -> String {
        var query = QueryReader(request)
        let id = query.required("seal_id")
        try query.check()
        return id!
    }

    @Sendable func verify(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let id = try sealID(request)
        guard let seal = try await services.seals.seal(id: id) else { throw APIError(.notFound, "Seal not found") }
        let verdict = SealVerdict.judge(seal: seal, trustedKeys: services.trustedSealKeys, now: services.clock.now())
        return JSONResponse(
            .ok,
            [
                "seal_id": .string(id),
                "valid": .bool(verdict.valid),
                "approved": .bool(verdict.approved),
                "expired": .bool(verdict.expired),
                "already_executed": .bool(verdict.alreadyExecuted),
                "signature_valid": .bool(verdict.signatureValid),
                "reason": verdict.reason.map { .string($0) } ?? .null,
                "manifest_id": .string(seal.payload.manifestID),
                "region": .string(seal.payload.region),
                "expires_at": .string(seal.payload.expiresAt.iso8601),
                "executed_at": seal.executedAt.map { .string($0.iso8601) } ?? .null,
            ])
    }

    /// One-time use. The signature is checked first (fail closed on a row rewritten behind the
    /// triggers); the execution itself is one atomic UPDATE.
    @Sendable func markExecuted(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let id = try sealID(request)
        // The seal id names its home region (and the signature covers it). Its home executes it,
        // or the home's successor after a switchover; anyone else forwards. A region that is not
        // configured is no region to forward to or retry: unless a replicated copy of the seal is
        // here, the id names no seal, and the answer is verify's 404. A malformed id names no
        // region; it is looked up here, as verify does.
        if let home = Seal.homeRegion(ofSealID: id) {
            let here = services.configuration.region
            switch SealOwnership.decide(home: home, local: here, homeState: try await services.regionStates.state(of: home)) {
            case .executeHere: break
            case .forward(let executor):
                guard try await isForwardable(sealID: id, home: executor) else { throw APIError(.notFound, "Seal not found") }
                return try await SealForwarder(services: services).forward(sealID: id, home: executor, request: request, context: context)
            case .refuse(let reason, let retryable):
                context.logger.notice("seal execution refused by ownership", metadata: ["seal_id": "\(id)", "reason": "\(reason)"])
                throw APIError(retryable ? .serviceUnavailable : .conflict, reason)
            }
        }
        guard let seal = try await services.seals.seal(id: id) else { throw APIError(.notFound, "Seal not found") }
        if let principal = context.principal, principal.orgID != seal.payload.orgID {
            throw try await services.forbidden(
                principal, endpoint: "POST /v1/seal/mark-executed", context: context,
                reason: "seal of another organization", message: "Seal belongs to another organization")
        }
        let now = services.clock.now()
        let verdict = SealVerdict.judge(seal: seal, trustedKeys: services.trustedSealKeys, now: now)
        guard verdict.signatureValid else {
            context.logger.error("refusing to execute seal with invalid signature", metadata: ["seal_id": "\(id)"])
            throw APIError(.badRequest, "Seal signature invalid: \(verdict.reason ?? "")")
        }
        let outcome: ExecutionOutcome
        do { outcome = try await services.seals.markExecuted(id: id, now: now, region: services.configuration.region) } catch StoreError.regionNotActive(let why) {
            throw APIError(.serviceUnavailable, why)
        }
        switch outcome {
        case .executed(let at):
            context.logger.info("seal executed", metadata: ["seal_id": "\(id)"])
            services.metrics.recordSealExecuted()
            return JSONResponse(
                .ok,
                [
                    "status": "success", "message": .string("Seal \(id) marked as executed"),
                    "seal_id": .string(id), "executed_at": .string(at.iso8601),
                ])
        case .notFound: throw APIError(.notFound, "Seal not found")
        case .alreadyExecuted: throw APIError(.badRequest, "Seal already executed")
        case .expired: throw APIError(.badRequest, "Seal expired")
        case .denied: throw APIError(.badRequest, "Seal was not approved; a denied seal cannot be executed")
        case .foreign(let home): throw APIError(.conflict, "Seal belongs to region \(home) and executes only there")
        }
    }

    /// Whether `mark-executed` of `sealID` goes to the forwarder: its home is a configured region,
    /// or this database holds a replicated copy of the seal (the forwarder then answers 409, as it
    /// cannot reach a region it does not know).
    private func isForwardable(sealID: String, home: String) async throws -> Bool {
        if services.configuration.regions?.region(home) != nil { return true }
        return try await services.seals.seal(id: sealID) != nil
    }
}
