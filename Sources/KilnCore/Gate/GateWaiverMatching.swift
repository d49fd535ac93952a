internal import Foundation

/// Waivers: which cover a requirement, and which would have but expired.
///
/// A waiver covers an unsatisfied requirement on test `T`, arch `A`, for the candidate build,
/// when its glob matches `T`, its arch is nil or `A`, the build lies in its range (`fromBuild`
/// through `throughBuild`, both inclusive, by version order; a nil end is open) and the
/// decision's instant is not after its expiry. When several do, the one with the lowest id is
/// named. When none does, the ones that match in every way but expiry are listed as expired.
extension GateEvaluation {
    /// `requirement` waived when it is unsatisfied and an unexpired waiver covers it; else with
    /// the expired waivers that would have, as evidence.
    func waived(_ requirement: GateRequirement) -> GateRequirement {
        guard !requirement.isSatisfied, let arch = requirement.arch else { return requirement }
        let inScope = waivers.filter { covers($0, test: requirement.subject, arch: arch) }
        var waived = requirement
        if let waiver = inScope.first(where: { at <= $0.expiresAt }) {
            waived.waivedStatus = requirement.status
            waived.status = .waived
            waived.isSatisfied = true
            waived.evidence.append(.waiver(waiver))
        } else {
            waived.evidence += inScope.map(GateEvidence.expiredWaiver)
        }
        return waived
    }

    /// Whether `waiver`'s scope (test glob, arch, build range) takes in `test` on `arch` for the
    /// candidate, whatever its expiry.
    func covers(_ waiver: Waiver, test: String, arch: String) -> Bool {
        guard Glob(waiver.testPattern).matches(test), waiver.arch == nil || waiver.arch == arch else { return false }
        if let from = waiver.fromBuild, versionPrecedes(build, from) { return false }
        if let through = waiver.throughBuild, versionPrecedes(through, build) { return false }
        return true
    }
}
