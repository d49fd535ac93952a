import GRDB

/// The results database's tables, as named migrations applied in order. A migration, once
/// released, never changes: a new column or index is a new migration.
///
/// Instants are Unix milliseconds (`INTEGER`); outcomes are `TestOutcome`'s raw values.
/// `test_attempts` is both the attempt log and the verdict table: each attempt row carries the
/// run's verdict for its test once that attempt ended (`verdict`), and `superseded_at`, the
/// instant a later attempt of the same test in the same run ended (NULL while it is the last).
/// The verdict at an instant T is thus the row with `finished_at <= T` and no supersession by
/// T, so the gate's `--at` sees a rerun's FLAKE only from when the rerun ended. `build`,
/// `arch` and `platform` are copied from the run so that the gate's lookups are one index range;
/// `verdict` and `superseded_at` end those indexes so that counting verdicts per test or build
/// (`kiln results`) reads the indexes alone.
enum ResultsSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, test attempts, stream entries, waivers") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY,
                    build TEXT NOT NULL,
                    stream TEXT,
                    arch TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    kiln_version TEXT NOT NULL,
                    host TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    started_at INTEGER NOT NULL,
                    ended_at INTEGER,
                    result TEXT CHECK (result IN ('PASS', 'FAIL', 'TIMEOUT', 'SKIP', 'FLAKE', 'WARN')),
                    output_dir TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'interrupted'))
                );
                CREATE INDEX runs_by_status ON runs(status, host);

                CREATE TABLE test_attempts (
                    id INTEGER PRIMARY KEY,
                    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    build TEXT NOT NULL,
                    arch TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    test TEXT NOT NULL,
                    tags TEXT NOT NULL DEFAULT '[]',
                    attempt INTEGER NOT NULL CHECK (attempt >= 1),
                    outcome TEXT NOT NULL CHECK (outcome IN ('PASS', 'FAIL', 'TIMEOUT', 'SKIP', 'FLAKE', 'WARN')),
                    verdict TEXT NOT NULL CHECK (verdict IN ('PASS', 'FAIL', 'TIMEOUT', 'SKIP', 'FLAKE', 'WARN')),
                    duration_seconds REAL NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER NOT NULL,
                    superseded_at INTEGER,
                    machines TEXT NOT NULL DEFAULT '[]',
                    failure_summary TEXT,
                    tracker TEXT,
                    upgrade_from TEXT,
                    UNIQUE (run_id, test, attempt)
                );
                CREATE INDEX attempts_by_build ON test_attempts(build, arch, finished_at, verdict, superseded_at);
                CREATE INDEX attempts_by_test ON test_attempts(test, arch, platform, finished_at, verdict, superseded_at);
                CREATE INDEX attempts_by_time ON test_attempts(finished_at);

                CREATE TABLE stream_entries (
                    id INTEGER PRIMARY KEY,
                    build TEXT NOT NULL,
                    stream TEXT NOT NULL,
                    from_stream TEXT,
                    entered_at INTEGER NOT NULL
                );
                CREATE INDEX entries_by_stream ON stream_entries(stream, entered_at);
                CREATE INDEX entries_by_build ON stream_entries(build, entered_at);

                CREATE TABLE waivers (
                    id INTEGER PRIMARY KEY,
                    test_pattern TEXT NOT NULL,
                    from_build TEXT,
                    through_build TEXT,
                    arch TEXT,
                    reason TEXT NOT NULL,
                    waived_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX waivers_by_creation ON waivers(created_at);
                """)
        }
        migrator.registerMigration("v2: gate decisions") { db in
            try db.execute(sql: """
                CREATE TABLE gate_decisions (
                    id INTEGER PRIMARY KEY,
                    build TEXT NOT NULL,
                    stream TEXT NOT NULL,
                    decided_at INTEGER NOT NULL,
                    promotable INTEGER NOT NULL CHECK (promotable IN (0, 1)),
                    policy_sha256 TEXT NOT NULL,
                    decision TEXT NOT NULL
                );
                CREATE INDEX decisions_by_build ON gate_decisions(build, stream, decided_at);
                """)
        }
        return migrator
    }
}
