/// How non-exclusive tests are packed onto shared machines, as kola packs its buckets: each
/// test joins the first bucket holding no test it conflicts with (in either direction),
/// otherwise it starts a new one. Order within a bucket is the order given.
public enum BucketPacking {
    /// Indices into `tests`, one array per bucket.
    public static func pack(_ tests: [TestMetadata]) -> [[Int]] {
        var buckets: [[Int]] = []
        for (index, test) in tests.enumerated() {
            let fits = buckets.firstIndex { bucket in
                !bucket.contains { other in conflict(test, tests[other]) }
            }
            if let fits {
                buckets[fits].append(index)
            } else {
                buckets.append([index])
            }
        }
        return buckets
    }

    static func conflict(_ a: TestMetadata, _ b: TestMetadata) -> Bool {
        a.conflicts.contains(b.name) || b.conflicts.contains(a.name)
    }
}
