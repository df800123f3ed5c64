import Synchronization

/// Asks `body` for every key at once and gathers the answers that are not nil, by key.
///
/// Children hand their answers over through a lock rather than as task-group results: a tuple
/// child result (`(String, Result<[CopyHead], any Error>)`, `(String, RegionState?)`) crashed the
/// release build of Swift 6.3.1 (swift_retain on a null pointer while the group copied it); the
/// debug build never did.
func gatherConcurrently<Value: Sendable>(
    _ keys: [String], _ body: @escaping @Sendable (String) async -> Value?
) async -> [String: Value] {
    let answers = Answers<Value>()
    await withTaskGroup(of: Void.self) { group in
        for key in keys {
            group.addTask {
                if let value = await body(key) { answers.byKey.withLock { $0[key] = value } }
            }
        }
    }
    return answers.byKey.withLock { $0 }
}

/// What `gatherConcurrently`'s child tasks answered so far.
private final class Answers<Value: Sendable>: Sendable {
    let byKey = Mutex<[String: Value]>([:])
}
