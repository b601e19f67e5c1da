import BatonWorkflow
import GRDB

import Foundation

/// The store's schema, versioned with `PRAGMA user_version` and marked with `PRAGMA application_id`
/// so that a file that is not a Baton store is recognised and never modified.
enum SQLiteSchema {
    /// "Batn".
    static let applicationID: Int32 = 0x4261_746E

    /// Migration n brings the schema from user_version n to n+1.
    static let migrations: [String] = [
        """
        CREATE TABLE workflows (
            id TEXT PRIMARY KEY NOT NULL,
            type TEXT NOT NULL,
            definition_version INTEGER NOT NULL,
            status TEXT NOT NULL,
            correlation_id TEXT,
            finished INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL,
            owner TEXT,
            lease_until INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            snapshot BLOB NOT NULL
        );
        CREATE INDEX workflows_status ON workflows(status, created_at);
        CREATE INDEX workflows_type ON workflows(type, created_at);
        CREATE INDEX workflows_correlation ON workflows(correlation_id) WHERE correlation_id IS NOT NULL;
        CREATE INDEX workflows_unfinished ON workflows(created_at) WHERE finished = 0;
        CREATE TABLE workflow_events (
            workflow_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            timestamp INTEGER NOT NULL,
            name TEXT NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (workflow_id, sequence)
        ) WITHOUT ROWID;
        """,
        // Version 2 clusters rows by an integer key given in creation order instead of by the
        // workflow id. Ids are often random (UUIDs): keyed by id, every write of a batch landed
        // on a different page of a large file, and the writer spent its time reading and
        // rewriting those pages. Keyed by creation order, the workflows in flight share the
        // newest pages; only the small `id` index stays in id order. The events of one commit
        // share one row (a JSON array), so a commit inserts one row whatever it carries.
        """
        CREATE TABLE workflows_v2 (
            workflow_key INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            definition_version INTEGER NOT NULL,
            status TEXT NOT NULL,
            correlation_id TEXT,
            finished INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL,
            owner TEXT,
            lease_until INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            snapshot BLOB NOT NULL
        );
        INSERT INTO workflows_v2 (id, type, definition_version, status, correlation_id, finished, version,
                                  owner, lease_until, created_at, updated_at, snapshot)
            SELECT id, type, definition_version, status, correlation_id, finished, version,
                   owner, lease_until, created_at, updated_at, snapshot
            FROM workflows ORDER BY created_at, id;
        CREATE TABLE workflow_events_v2 (
            workflow_key INTEGER NOT NULL,
            first_sequence INTEGER NOT NULL,
            events BLOB NOT NULL,
            PRIMARY KEY (workflow_key, first_sequence)
        ) WITHOUT ROWID;
        INSERT INTO workflow_events_v2 (workflow_key, first_sequence, events)
            SELECT w.workflow_key, e.sequence, CAST('[' || CAST(e.body AS TEXT) || ']' AS BLOB)
            FROM workflow_events e JOIN workflows_v2 w ON w.id = e.workflow_id;
        DROP TABLE workflow_events;
        DROP TABLE workflows;
        ALTER TABLE workflows_v2 RENAME TO workflows;
        ALTER TABLE workflow_events_v2 RENAME TO workflow_events;
        CREATE INDEX workflows_status ON workflows(status, created_at);
        CREATE INDEX workflows_type ON workflows(type, created_at);
        CREATE INDEX workflows_correlation ON workflows(correlation_id) WHERE correlation_id IS NOT NULL;
        CREATE INDEX workflows_unfinished ON workflows(created_at) WHERE finished = 0;
        """,
        // Version 3 stores commits' events in insertion order, found through an index by
        // workflow. Clustered by workflow, each write of a batch inserted into the page of its
        // own workflow's history, so a batch of n writes dirtied about n pages of events, and
        // the log took two writes per page; in insertion order a batch fills the last page or
        // two, and the index entries of the workflows in flight share a few pages.
        """
        CREATE TABLE workflow_events_v3 (
            event_row INTEGER PRIMARY KEY,
            workflow_key INTEGER NOT NULL,
            first_sequence INTEGER NOT NULL,
            events BLOB NOT NULL
        );
        INSERT INTO workflow_events_v3 (workflow_key, first_sequence, events)
            SELECT workflow_key, first_sequence, events FROM workflow_events ORDER BY workflow_key, first_sequence;
        DROP TABLE workflow_events;
        ALTER TABLE workflow_events_v3 RENAME TO workflow_events;
        CREATE UNIQUE INDEX workflow_events_by_workflow ON workflow_events(workflow_key, first_sequence);
        """,
    ]

    static var latestVersion: Int { migrations.count }

    /// Inspects an existing file without writing to it.
    ///
    /// - Throws: `WorkflowError.Code.incompatibleStore` for a file that is not SQLite, a SQLite
    ///   database of another application, a newer schema, or a file SQLite cannot read.
    static func inspect(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let header: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            header = try handle.read(upToCount: 16) ?? Data()
        } catch {
            throw WorkflowError(code: .incompatibleStore, message: "cannot read '\(path)'", cause: error)
        }
        if header.isEmpty { return }  // an empty file: SQLite treats it as a new database
        guard header == Data("SQLite format 3\0".utf8) else {
            throw WorkflowError(
                code: .incompatibleStore,
                message: "'\(path)' is not a SQLite database; refusing to open or overwrite it"
            )
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in try check(db, path: path) }
        } catch let error as WorkflowError {
            throw error
        } catch {
            throw WorkflowError(code: .incompatibleStore, message: "'\(path)' cannot be read as a Baton store (corrupt?)", cause: error)
        }
    }

    private static func check(_ db: Database, path: String) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
        if applicationID == 0 && userVersion == 0 && tables == 0 { return }  // a fresh database
        guard applicationID == Self.applicationID else {
            throw WorkflowError(
                code: .incompatibleStore,
                message: "'\(path)' is a SQLite database of another application (application_id \(applicationID)); refusing to modify it"
            )
        }
        guard userVersion <= latestVersion else {
            throw WorkflowError(
                code: .incompatibleStore,
                message: "'\(path)' has schema version \(userVersion); this Baton knows up to \(latestVersion). Upgrade Baton."
            )
        }
    }

    /// Applies the missing migrations, each in its own transaction together with its version bump.
    static func migrate(_ writer: any DatabaseWriter) throws {
        try writer.writeWithoutTransaction { db in
            let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            guard current < latestVersion else { return }
            for version in current..<latestVersion {
                try db.inTransaction(.exclusive) {
                    try db.execute(sql: migrations[version])
                    try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                    try db.execute(sql: "PRAGMA user_version = \(version + 1)")
                    return .commit
                }
            }
        }
    }
}
