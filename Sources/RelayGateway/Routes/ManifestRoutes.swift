import Hummingbird
import Logging
import RelayCore
import RelayPolicy
import RelayStore

/// `POST /v1/manifest/validate` and `GET /v1/manifest/health`.
struct ManifestRoutes {
    let services: GatewayServices

    func add(to groups: RouteGroups) {
        groups.optionalAuth.post("/v1/manifest/validate", use: validate)
        groups.open.get("/v1/manifest/health", use: health)
    }

    /// Schema → policy → seal → one transaction (skipped for dry runs).
    @Sendable func validate(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let body = try await request.jsonBody(limit: services.configuration.maxBodyBytes)
        guard let object = body.objectValue else {
            throw APIError.validation([FieldError(loc: ["body"], msg: "value is not a valid object (got \(body.typeName))", type: "type_error.dict")])
        }
        let now = services.clock.now()
        var errors: [FieldError] = []
        var dryRun = false
        if let raw = object["dry_run"], !raw.isNull {
            if let b = raw.boolValue { dryRun = b } else {
                errors.append(FieldError(loc: ["body", "dry_run"], msg: "value is not a valid boolean", type: "type_error.bool"))
            }
        }
        let manifest: Manifest
        switch ManifestValidator.validate(object["manifest"] ?? .null, at: ["body", "manifest"], now: now) {
        case .success(let m) where errors.isEmpty: manifest = m
        case .success: throw APIError.validation(errors)
        case .failure(let more): throw APIError.validation(errors + more.errors)
        }
        if let principal = context.principal, principal.orgID != manifest.agent.orgID {
            throw try await services.forbidden(
                principal, endpoint: "POST /v1/manifest/validate", context: context,
                reason: "manifest for another organization (\(manifest.agent.orgID))",
                message: "Token organization does not match manifest.agent.org_id")
        }

        let decision: PolicyDecision
        let evaluationStart = ContinuousClock.now
        do {
            decision = try await services.policy.evaluate(manifest.policyInput)
            services.metrics.recordPolicyEvaluation(engine: services.policy.name, duration: ContinuousClock.now - evaluationStart, failed: false)
        } catch {
            services.metrics.recordPolicyEvaluation(engine: services.policy.name, duration: ContinuousClock.now - evaluationStart, failed: true)
            // Fail closed: no decision, no seal, nothing written.
            context.logger.error("policy engine failed", metadata: ["engine": "\(services.policy.name)", "error": "\(error)"])
            throw APIError(.serviceUnavailable, "Policy engine unavailable")
        }
        let seal = services.issuer.issue(
            for: manifest, approved: decision.approved, denialReason: decision.approved ? nil : decision.reason,
            policyVersion: decision.policyVersion, now: now)
        if !dryRun {
            do {
                try await services.manifests.record(manifest, seal: seal)
            } catch StoreError.duplicateManifest(let id) {
                throw APIError(.conflict, "Manifest \(id) already exists")
            } catch StoreError.regionNotActive(let why) {
                // Fenced or taken over: another region serves this region's traffic now.
                context.logger.warning("manifest refused: region not active", metadata: ["reason": "\(why)"])
                throw APIError(.serviceUnavailable, why)
            }
        }
        context.logger.info(
            "decision",
            metadata: [
                "manifest_id": "\(manifest.id)", "approved": "\(decision.approved)", "dry_run": "\(dryRun)",
                "provider": "\(manifest.action.provider)", "method": "\(manifest.action.method)",
            ])
        services.metrics.recordDecision(approved: decision.approved)
        // Dry runs get no seal: an unstored seal must never look executable to an offline verifier.
        let sealJSON: JSONValue = decision.approved && !dryRun ? seal.jsonValue : .null
        return JSONResponse(
            .ok,
            [
                "manifest_id": .string(manifest.id),
                "approved": .bool(decision.approved),
                "seal": sealJSON,
                "denial_reason": seal.denialReason.map { .string($0) } ?? .null,
                "policy_version": .string(decision.policyVersion),
                "timestamp": .string(now.iso8601),
                "dry_run": .bool(dryRun),
            ])
    }

    @Sendable func health(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let version = try? await services.policy.policyVersion()
        let opa = services.policy.name == "opa"
        return JSONResponse(
            .ok,
            [
                "status": .string(version == nil ? "degraded" : "healthy"),
                "opa_available": .bool(opa && version != nil),
                "policy_engine": .string(services.policy.name),
                "policy_version": version.map { .string($0) } ?? .null,
            ])
    }
}
