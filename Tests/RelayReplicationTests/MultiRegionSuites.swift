import Testing

/// The suites that start clusters, daemons and gateways of their own run one at a time: run in
/// parallel with each other on two cores they starve one another (and everything else).
@Suite(.serialized)
enum MultiRegionSuites {}
