package dev.nubo.store;

import dev.nubo.model.PlatformFault;
import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.model.UserError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The control plane's state, and the source of its changes: services, their revisions, traffic and
 * rollback pins, the host names they claim, and their events; in SQLite (one node) or PostgreSQL
 * (several). The database is the only arbiter, so any number of {@code Store}s, in one JVM or on
 * several nodes, may share one:
 * <ul>
 *   <li><b>Optimistic concurrency.</b> Every row that changes has a version ({@link RevisionRecord#version()},
 *       {@link ServiceRecord#trafficVersion()}). A change is a write conditional on the version (and
 *       state) the caller read and decided on; if someone else wrote first it changes nothing and throws
 *       {@link StoreConflict}, saying what changed. Read again and decide again.</li>
 *   <li><b>Atomic numbering.</b> A revision's number is allocated by the database in one statement,
 *       so concurrent deploys of one service, from anywhere, get consecutive distinct numbers.</li>
 *   <li><b>The change feed.</b> Every write that changes a service (a deploy, a transition, a traffic
 *       change, a pin, a delete) records a {@link Change} in the same transaction, at the next
 *       {@link #generation() generation}. Readers ask for the changes after the generation they have
 *       seen, or wait for them: on PostgreSQL, {@code LISTEN/NOTIFY} wakes every node's waiters at once;
 *       on SQLite, writers in this JVM wake them; polling (every second) is the fallback for both.</li>
 * </ul>
 *
 * <p>How a reconciler reacts to the feed rather than to direct calls, so that a deploy through any
 * node is acted on by every node. The generation comes first, then the read: a change between the two
 * is seen twice, which reconciling tolerates, but never missed.
 *
 * <pre>{@code
 * try (Store store = Store.open(StoreLocation.parse(url, System.getenv()))) {
 *     long seen = store.generation();
 *     store.services().forEach(s -> reconcile(s.name()));           // everything, once, at start
 *     while (running) {
 *         Changes next = store.await(seen, Duration.ofSeconds(30)); // returns early with the first change
 *         if (next.missed()) {
 *             store.services().forEach(s -> reconcile(s.name()));   // fell behind the kept changes
 *         } else {
 *             next.services().forEach(this::reconcile);             // a deleted service is in it too
 *         }
 *         seen = next.generation();
 *     }
 * }
 * }</pre>
 *
 * <p>Every call blocks on the database (milliseconds); keep them off event loops. Failures of the
 * database itself are {@link PlatformFault}s; the caller's mistakes are {@link UserError}s.
 */
public interface Store extends AutoCloseable {

    /**
     * Opens the store at {@code location}, migrating its schema forward (Flyway; a database made by an
     * older Nubo keeps its data), with a small pool of connections.
     *
     * @throws PlatformFault {@code platform.store} when the database cannot be opened or reached: the
     *     message names it (never its password) and says what to check
     */
    static Store open(StoreLocation location) {
        return JdbcStore.open(location, JdbcStore.Tuning.DEFAULT);
    }

    List<ServiceRecord> services();

    Optional<ServiceRecord> service(String name);

    /**
     * Records a new revision {@code SERVICE-0000N} of {@code service} in state DEPLOYING, creating the
     * service when it is new (it claims its host name label; its first revision is number 1). A deploy
     * always unpins: whoever deploys new code expects it to serve. It leaves the traffic split alone: an
     * explicit split survives deploys, and the new revision takes traffic only through a {@code latest}
     * split. A {@link Change.Kind#DEPLOYED} change.
     *
     * @throws UserError 409 {@code host.taken} when a new service's name is the host of another service's tag
     */
    RevisionRecord createRevision(String service, String descriptorYaml, String digest, Instant now);

    /** Revisions of a service, newest first. */
    List<RevisionRecord> revisions(String service);

    Optional<RevisionRecord> revision(String id);

    /**
     * Marks {@code read} READY, if it is still in the state and at the version it was read at.
     *
     * <pre>{@code
     * RevisionRecord candidate = store.revision("hello-00002").orElseThrow();
     * ... start it, see it ready ...
     * store.markReady(candidate, clock.instant());   // or StoreConflict: someone failed it meanwhile
     * }</pre>
     *
     * @return the revision as now stored, one version on
     * @throws IllegalStateException when {@code read}'s state cannot become READY ({@link RevisionState})
     * @throws StoreConflict when the stored revision is no longer as read, or is gone
     */
    RevisionRecord markReady(RevisionRecord read, Instant readyAt);

    /** Marks {@code read} FAILED with the reason and the last lines of its log; conditional as {@link #markReady}. */
    RevisionRecord markFailed(RevisionRecord read, String reason, List<String> logTail);

    /**
     * Replaces how {@code service}'s requests are split across its revisions, and its tags, and clears a
     * rollback pin: explicit traffic is the newer decision. The write happens only if the service's
     * {@link ServiceRecord#trafficVersion() traffic version} is still {@code expectedVersion}, the one the
     * caller read and based the change on, so that concurrent edits cannot lose one another. Every
     * revision id the traffic names must be one of this service's revisions; whether it is READY is the
     * caller's policy, not storage's. Each tag claims its host name label {@code TAG-SERVICE}.
     *
     * <pre>{@code
     * ServiceRecord hello = store.service("hello").orElseThrow();
     * store.setTraffic("hello", Traffic.parse(List.of("hello-00002=90", "latest=10"), List.of()), hello.trafficVersion());
     * }</pre>
     *
     * @return the service as now stored
     * @throws StoreConflict when the traffic changed since {@code expectedVersion}
     * @throws UserError 404 {@code service.not_found} or {@code revision.not_found}; 409 {@code host.taken}
     *     when a tag's host name is another service's or another tag's
     */
    ServiceRecord setTraffic(String service, Traffic traffic, long expectedVersion);

    /**
     * Pins the service to a revision (a rollback), or unpins it; conditional on the traffic version as
     * {@link #setTraffic} is, and a new traffic version, since the traffic it serves changes.
     *
     * @throws StoreConflict when the traffic changed since {@code expectedVersion}
     * @throws UserError 404 {@code service.not_found} or {@code revision.not_found}
     */
    ServiceRecord pin(String service, Optional<String> revision, long expectedVersion);

    /** Deletes a service with its revisions, events and host names; false when there is none. */
    boolean deleteService(String name);

    /** Something that happened to a service, for {@code nubo describe}; not a change (the feed does not carry it). */
    void addEvent(String service, Optional<String> revision, Instant time, String message);

    /** The newest {@code limit} events of a service, newest first. */
    List<EventRecord> events(String service, int limit);

    /** Workflow definitions, executions and histories, in this store's database. */
    WorkflowLog workflows();

    /** Applications' configuration and its versions (the configuration center), in this store's database. */
    ConfigLog config();

    /** API tokens (hashed) and secrets (sealed), in this store's database. */
    Credentials credentials();

    /** The control API's audit log, in this store's database. */
    AuditLog audit();

    /** Metering's hourly usage rollups, in the same database. */
    UsageLog usage();

    /** Alert rules, in the same database. */
    AlertRules alerts();

    /** Namespaces and their quotas, in the same database. */
    Namespaces namespaces();

    /** The newest generation of the change feed: 0 before the first change. */
    long generation();

    /** The changes after generation {@code after}, oldest first: a page of them, at once, maybe none. */
    Changes changes(long after);

    /**
     * The changes after generation {@code after}, waiting up to {@code timeout} for the first one;
     * empty (at {@code after}) when none came. Returns as soon as there is one, whichever Store,
     * thread or node wrote it.
     */
    Changes await(long after, Duration timeout);

    /** Closes the connections; calls after this fail. */
    @Override
    void close();
}
