package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.RevisionState;
import dev.nubo.model.Traffic;
import dev.nubo.model.UserError;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every store does, whatever its database: subclassed for SQLite and for PostgreSQL. Racing
 * writers and the change feed are in {@link RaceContractTest} and {@link ChangeFeedContractTest}.
 */
abstract class StoreContractTest extends StoreFixture {

    @Test
    void numbersRevisionsPerServiceAndCreatesTheServiceOnFirstDeploy() {
        Store store = open();
        RevisionRecord first = store.createRevision("hello", YAML, "sha256:a", T0);
        RevisionRecord second = store.createRevision("hello", YAML, "sha256:b", T0.plusSeconds(1));
        RevisionRecord other = store.createRevision("other", YAML, "sha256:c", T0);

        assertThat(first.id()).isEqualTo("hello-00001");
        assertThat(second.id()).isEqualTo("hello-00002");
        assertThat(other.id()).isEqualTo("other-00001");
        assertThat(first.state()).isEqualTo(RevisionState.DEPLOYING);
        assertThat(first.version()).isEqualTo(1);
        assertThat(store.revisions("hello")).extracting(RevisionRecord::id).containsExactly("hello-00002", "hello-00001");
        assertThat(store.services()).extracting(ServiceRecord::name).containsExactly("hello", "other");
        assertThat(second.descriptor().name()).isEqualTo("hello");
    }

    @Test
    void addsUsageToTheHourOfItsServiceAndRevisionAndReadsItBackSinceAnHour() {
        Store store = open();
        Instant noon = T0;
        Instant one = T0.plusSeconds(3600);
        store.usage().add(List.of(new UsageLog.Usage("shop", "shop-00001", noon, 2, 1000, 100, 10, 20, 30)));
        store.usage().add(List.of(new UsageLog.Usage("shop", "shop-00001", noon, 3, 500, 50, 5, 1, 2),
                new UsageLog.Usage("shop", "shop-00001", one, 1, 7, 7, 7, 7, 7)));

        assertThat(store.usage().since(T0.plusSeconds(10))).containsExactly(
                new UsageLog.Usage("shop", "shop-00001", noon, 5, 1500, 150, 15, 21, 32),
                new UsageLog.Usage("shop", "shop-00001", one, 1, 7, 7, 7, 7, 7));
        assertThat(store.usage().since(one)).extracting(UsageLog.Usage::hour).containsExactly(one);
    }

    @Test
    void keepsAlertRulesByNameReplacingOneOfTheSameNameAndDeletingThem() {
        Store store = open();
        java.time.Duration minute = java.time.Duration.ofMinutes(1);
        store.alerts().put(new AlertRules.Rule("shop-errors", "shop", "error_rate > 5%", minute, "http://127.0.0.1:9/hook", T0));
        store.alerts().put(new AlertRules.Rule("a-slow", "shop", "p99 > 500ms", minute, "service:pager", T0));
        store.alerts().put(new AlertRules.Rule("shop-errors", "shop", "error_rate > 1%", java.time.Duration.ZERO, "broker:ops", T0.plusSeconds(5)));

        assertThat(store.alerts().all()).containsExactly(
                new AlertRules.Rule("a-slow", "shop", "p99 > 500ms", minute, "service:pager", T0),
                new AlertRules.Rule("shop-errors", "shop", "error_rate > 1%", java.time.Duration.ZERO, "broker:ops", T0));
        assertThat(store.alerts().delete("a-slow")).isTrue();
        assertThat(store.alerts().delete("a-slow")).isFalse();
        assertThat(store.alerts().all()).extracting(AlertRules.Rule::name).containsExactly("shop-errors");
    }

    @Test
    void keepsAlertStatesAndTheNewestNotificationsOfEachRuleUntilTheRuleIsDeleted() {
        Store store = open();
        AlertRules.Rule rule = new AlertRules.Rule("shop-errors", "shop", "error_rate > 5%", java.time.Duration.ZERO, "broker:ops", T0);
        store.alerts().put(rule);
        store.alerts().saveState(new AlertRules.State("shop-errors", rule.text(), "PENDING", T0, Optional.empty()));
        store.alerts().saveState(new AlertRules.State("shop-errors", rule.text(), "FIRING", T0.plusSeconds(60), Optional.of("12%")));
        for (int i = 0; i < 7; i++) {
            store.alerts().addNotice(new AlertRules.Notice("shop-errors", T0.plusSeconds(i), i % 2 == 0 ? "firing" : "resolved", i + "%",
                    "delivered", 1));
        }
        store.alerts().addNotice(new AlertRules.Notice("shop-errors", T0.plusSeconds(6), "firing", "6%", "HTTP 500", 4));

        assertThat(store.alerts().states()).containsExactly(
                new AlertRules.State("shop-errors", "shop | error_rate > 5% | 0ms | broker:ops", "FIRING", T0.plusSeconds(60), Optional.of("12%")));
        assertThat(store.alerts().notices("shop-errors")).hasSize(AlertRules.KEPT_NOTICES)
                .first().isEqualTo(new AlertRules.Notice("shop-errors", T0.plusSeconds(6), "firing", "6%", "HTTP 500", 4));
        assertThat(store.alerts().notices("shop-errors")).last().extracting(AlertRules.Notice::at).isEqualTo(T0.plusSeconds(2));

        store.alerts().delete("shop-errors");
        assertThat(store.alerts().states()).isEmpty();
        assertThat(store.alerts().notices("shop-errors")).isEmpty();
    }

    @Test
    void countsWorkflowExecutionsPerWorkflowAndStatus() {
        Store store = open();
        WorkflowVersion v = store.workflows().deploy("orders", "{}", T0);
        for (String name : List.of("a", "b", "c")) {
            store.workflows().start(new ExecutionRecord("exec-" + name, "orders", v.version(), name, name.equals("c") ? "FAILED" : "RUNNING",
                    "{}", Optional.empty(), Optional.empty(), Optional.empty(), "{}", 0, T0, Optional.empty()), List.of());
        }

        assertThat(store.workflows().statusCounts()).containsExactly(new WorkflowLog.StatusCount("orders", "FAILED", 1),
                new WorkflowLog.StatusCount("orders", "RUNNING", 2));
    }

    @Test
    void keepsAWorkflowVersionsTypeAndGatewaySettingAndMakesANewVersionWhenEitherChanges() {
        Store store = open();
        assertThat(store.workflows().deploy("orders", "{}", T0)).isEqualTo(new WorkflowVersion("orders", 1, "{}", T0, "standard", false));
        assertThat(store.workflows().deploy("orders", "{}", "express", true, T0).version()).isEqualTo(2);
        assertThat(store.workflows().deploy("orders", "{}", "express", true, T0).version()).isEqualTo(2);

        assertThat(store.workflows().workflow("orders")).contains(new WorkflowVersion("orders", 2, "{}", T0, "express", true));
        assertThat(store.workflows().workflow("orders", 1)).contains(new WorkflowVersion("orders", 1, "{}", T0, "standard", false));
    }

    @Test
    void keepsEverythingAcrossReopen() {
        Store store = open();
        RevisionRecord first = store.createRevision("hello", YAML, "sha256:a", T0);
        store.markReady(first, T0.plusMillis(400));
        store.markFailed(store.createRevision("hello", YAML, "sha256:b", T0), "exited with code 1", List.of("boom"));
        store.addEvent("hello", Optional.of("hello-00001"), T0, "hello-00001 is serving");
        store.close();

        Store again = open();
        RevisionRecord ready = again.revision("hello-00001").orElseThrow();
        RevisionRecord failed = again.revision("hello-00002").orElseThrow();
        assertThat(ready.state()).isEqualTo(RevisionState.READY);
        assertThat(ready.readyAt()).contains(T0.plusMillis(400));
        assertThat(ready.version()).isEqualTo(2);
        assertThat(failed.reason()).contains("exited with code 1");
        assertThat(failed.logTail()).containsExactly("boom");
        assertThat(again.events("hello", 10)).extracting(EventRecord::message).containsExactly("hello-00001 is serving");
        assertThat(again.createRevision("hello", YAML, "sha256:c", T0).id()).isEqualTo("hello-00003");
    }

    @Test
    void refusesIllegalRevisionTransitions() {
        Store store = open();
        store.markFailed(store.createRevision("hello", YAML, "sha256:a", T0), "never ready", List.of());

        assertThatThrownBy(() -> store.markReady(store.revision("hello-00001").orElseThrow(), T0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("revision cannot go from FAILED to READY");
        assertThat(store.revision("hello-00001").orElseThrow().state()).isEqualTo(RevisionState.FAILED);
    }

    @Test
    void aTransitionOverAStaleReadIsAConflictThatSaysWhatChanged() {
        Store store = open();
        RevisionRecord read = store.createRevision("hello", YAML, "sha256:a", T0);
        store.markFailed(read, "crashed", List.of());

        assertThatThrownBy(() -> store.markReady(read, T0))
                .isInstanceOfSatisfying(StoreConflict.class, e -> {
                    assertThat(e.readVersion()).isEqualTo(1);
                    assertThat(e.currentVersion()).hasValue(2);
                })
                .hasMessage("revision hello-00001 changed since it was read: it was DEPLOYING (version 1) and is FAILED (version 2)"
                        + " now; it did not become READY");
        assertThat(store.revision("hello-00001").orElseThrow().state()).isEqualTo(RevisionState.FAILED);

        store.deleteService("hello");
        assertThatThrownBy(() -> store.markFailed(read, "crashed", List.of()))
                .isInstanceOfSatisfying(StoreConflict.class, e -> assertThat(e.currentVersion()).isEmpty())
                .hasMessageContaining("is deleted now");
    }

    @Test
    void aDeployUnpinsTheService() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        store.pin("hello", Optional.of("hello-00001"), version(store, "hello"));
        assertThat(store.service("hello").orElseThrow().pinnedRevision()).contains("hello-00001");

        store.createRevision("hello", YAML, "sha256:b", T0);

        assertThat(store.service("hello").orElseThrow().pinnedRevision()).isEmpty();
    }

    @Test
    void aPinOverAStaleTrafficVersionIsAConflictAndAPinNamesTheServicesOwnRevision() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        store.createRevision("other", YAML, "sha256:b", T0);
        long read = version(store, "hello");
        set(store, "hello", Traffic.parse(List.of("hello-00001=100"), List.of()));

        assertThatThrownBy(() -> store.pin("hello", Optional.of("hello-00001"), read))
                .isInstanceOf(StoreConflict.class)
                .hasMessage("the traffic of service hello changed since it was read: it was at version " + read
                        + " and is at version " + (read + 1) + " now");
        assertThatThrownBy(() -> store.pin("hello", Optional.of("other-00001"), read + 1))
                .hasMessage("service hello has no revision other-00001");
        assertThat(store.pin("hello", Optional.empty(), read + 1).trafficVersion()).isEqualTo(read + 2);
    }

    @Test
    void deletingAServiceDeletesItsRevisionsAndEvents() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        store.addEvent("hello", Optional.empty(), T0, "deployed");

        assertThat(store.deleteService("hello")).isTrue();

        assertThat(store.service("hello")).isEmpty();
        assertThat(store.revision("hello-00001")).isEmpty();
        assertThat(store.events("hello", 10)).isEmpty();
        assertThat(store.deleteService("hello")).isFalse();
        assertThat(store.createRevision("hello", YAML, "sha256:b", T0).id()).as("a new service of the name starts again").isEqualTo("hello-00001");
    }

    @Test
    void aNewServiceFollowsLatest() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);

        ServiceRecord hello = store.service("hello").orElseThrow();

        assertThat(hello.traffic()).isEqualTo(Traffic.latest());
        assertThat(hello.traffic().followsLatest()).isTrue();
        assertThat(store.services()).extracting(ServiceRecord::traffic).containsExactly(Traffic.latest());
    }

    @Test
    void keepsASplitWithTagsAcrossReopen() {
        Traffic split = Traffic.parse(List.of("hello-00001=90", "latest=10"), List.of("canary=hello-00002", "edge=latest"));
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        store.createRevision("hello", YAML, "sha256:b", T0);

        assertThat(set(store, "hello", split).traffic()).isEqualTo(split);
        store.close();

        Store again = open();
        assertThat(again.service("hello").orElseThrow().traffic()).isEqualTo(split);
        assertThat(again.service("hello").orElseThrow().traffic().tags())
                .containsExactly(Map.entry("canary", "hello-00002"), Map.entry("edge", "latest"));
    }

    @Test
    void settingTrafficBackToLatestStoresTheDefault() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        set(store, "hello", Traffic.parse(List.of("hello-00001=100"), List.of()));

        assertThat(set(store, "hello", Traffic.latest()).traffic()).isEqualTo(Traffic.latest());
        assertThat(column("SELECT traffic FROM services WHERE name = 'hello'")).isNull();
    }

    @Test
    void settingTrafficClearsARollbackPin() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        store.createRevision("hello", YAML, "sha256:b", T0);
        store.pin("hello", Optional.of("hello-00001"), version(store, "hello"));

        ServiceRecord updated = set(store, "hello", Traffic.parse(List.of("hello-00001=50", "hello-00002=50"), List.of()));

        assertThat(updated.pinnedRevision()).isEmpty();
        assertThat(store.service("hello").orElseThrow().pinnedRevision()).isEmpty();
    }

    @Test
    void aDeployKeepsAnExplicitSplit() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        Traffic split = Traffic.parse(List.of("hello-00001=100"), List.of("canary=latest"));
        set(store, "hello", split);
        store.pin("hello", Optional.of("hello-00001"), version(store, "hello"));

        store.createRevision("hello", YAML, "sha256:b", T0);

        ServiceRecord hello = store.service("hello").orElseThrow();
        assertThat(hello.traffic()).isEqualTo(split);
        assertThat(hello.pinnedRevision()).isEmpty();
    }

    @Test
    void settingTrafficOfAnUnknownServiceIsNotFound() {
        Store store = open();
        assertThatThrownBy(() -> store.setTraffic("nope", Traffic.latest(), 1))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("service.not_found");
                    assertThat(e.hint()).contains("nubo list");
                })
                .hasMessage("no service named nope");
        assertThat(store.services()).isEmpty();
    }

    @Test
    void trafficMayNameOnlyTheServicesOwnRevisions() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        store.createRevision("other", YAML, "sha256:b", T0);
        store.pin("hello", Optional.of("hello-00001"), version(store, "hello"));

        assertThatThrownBy(() -> set(store, "hello", Traffic.parse(List.of("hello-00009=100"), List.of())))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("revision.not_found");
                    assertThat(e.hint()).isEqualTo("`nubo describe hello` lists its revisions");
                })
                .hasMessage("service hello has no revision hello-00009");
        assertThatThrownBy(() -> set(store, "hello", Traffic.parse(List.of("latest=100"), List.of("x=other-00001"))))
                .hasMessage("service hello has no revision other-00001");

        ServiceRecord unchanged = store.service("hello").orElseThrow();
        assertThat(unchanged.traffic()).isEqualTo(Traffic.latest());
        assertThat(unchanged.pinnedRevision()).contains("hello-00001");
    }

    @Test
    void aTrafficWriteOverAVersionThatChangedSinceIsAConflictAndChangesNothing() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        long read = version(store, "hello");
        Traffic canary = Traffic.parse(List.of("latest=100"), List.of("canary=hello-00001"));
        Traffic edge = Traffic.parse(List.of("latest=100"), List.of("edge=hello-00001"));

        ServiceRecord first = store.setTraffic("hello", canary, read);

        assertThat(first.trafficVersion()).isEqualTo(read + 1);
        assertThatThrownBy(() -> store.setTraffic("hello", edge, read))
                .isInstanceOfSatisfying(StoreConflict.class, e -> assertThat(e.currentVersion()).hasValue(read + 1))
                .hasMessage("the traffic of service hello changed since it was read: it was at version " + read
                        + " and is at version " + (read + 1) + " now");
        assertThat(store.service("hello").orElseThrow().traffic()).isEqualTo(canary);
        assertThat(store.setTraffic("hello", edge, first.trafficVersion()).traffic()).isEqualTo(edge);
    }

    @Test
    void aRollbackPinAndTheDeployThatClearsItMoveTheTrafficVersion() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        long v0 = version(store, "hello");

        store.pin("hello", Optional.of("hello-00001"), v0);
        long pinned = version(store, "hello");
        store.createRevision("hello", YAML, "sha256:b", T0);
        long unpinned = version(store, "hello");
        store.createRevision("hello", YAML, "sha256:c", T0);

        assertThat(pinned).isEqualTo(v0 + 1);
        assertThat(unpinned).isEqualTo(v0 + 2);
        assertThat(version(store, "hello")).as("a deploy that unpins nothing changes no traffic").isEqualTo(unpinned);
    }

    @Test
    void aServiceCannotTakeTheHostOfAnotherServicesTag() {
        Store store = open();
        store.createRevision("spy", YAML, "sha256:a", T0);
        set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));

        assertThatThrownBy(() -> store.createRevision("canary-spy", YAML, "sha256:b", T0))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("host.taken");
                    assertThat(e.hint()).isEqualTo("name the service differently in nubo.yaml, or remove the tag first:"
                            + " `nubo traffic spy --untag canary`");
                })
                .hasMessage("service canary-spy would answer at the host name canary-spy, which tag canary of service spy has");
        assertThat(store.service("canary-spy")).isEmpty();

        set(store, "spy", Traffic.latest());
        assertThat(store.createRevision("canary-spy", YAML, "sha256:b", T0).id()).isEqualTo("canary-spy-00001");
    }

    @Test
    void aTagCannotTakeTheHostOfAnotherServiceOrTag() {
        Store store = open();
        store.createRevision("canary-spy", YAML, "sha256:a", T0);
        store.createRevision("spy", YAML, "sha256:b", T0);
        store.createRevision("x-spy", YAML, "sha256:c", T0);
        set(store, "x-spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));

        assertThatThrownBy(() -> set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest"))))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.hint()).isEqualTo("choose another tag name, or delete service canary-spy first");
                })
                .hasMessage("tag canary of service spy would answer at the host name canary-spy, which service canary-spy has");
        assertThatThrownBy(() -> set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary-x=latest"))))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.hint())
                        .isEqualTo("choose another tag name, or remove that tag first: `nubo traffic x-spy --untag canary`"))
                .hasMessage("tag canary-x of service spy would answer at the host name canary-x-spy, which tag canary of service x-spy has");
        assertThat(store.service("spy").orElseThrow().traffic()).isEqualTo(Traffic.latest());

        store.deleteService("canary-spy");
        assertThat(set(store, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest"))).traffic().tags())
                .containsKey("canary");
    }

    @Test
    void hostClaimsHoldAcrossStoresBecauseTheDatabaseEnforcesThem() {
        Store a = open();
        Store b = open();
        a.createRevision("spy", YAML, "sha256:a", T0);
        set(a, "spy", Traffic.parse(List.of("latest=100"), List.of("canary=latest")));

        assertThatThrownBy(() -> b.createRevision("canary-spy", YAML, "sha256:b", T0)).hasMessageContaining("which tag canary of service spy has");
    }

    @Test
    void keepsTheNewestEventsOfAServiceNewestFirst() {
        Store store = open();
        store.createRevision("hello", YAML, "sha256:a", T0);
        for (int i = 1; i <= 5; i++) {
            store.addEvent("hello", i % 2 == 0 ? Optional.of("hello-00001") : Optional.empty(), T0.plusSeconds(i), "event " + i);
        }

        List<EventRecord> events = store.events("hello", 3);

        assertThat(events).extracting(EventRecord::message).containsExactly("event 5", "event 4", "event 3");
        assertThat(events).extracting(EventRecord::revision).containsExactly(Optional.empty(), Optional.of("hello-00001"), Optional.empty());
        assertThat(events.getFirst().time()).isEqualTo(T0.plusSeconds(5));
    }

    /** Sets traffic over the version just read, as a caller that does not mind concurrent changes would. */
    static ServiceRecord set(Store store, String service, Traffic traffic) {
        return store.setTraffic(service, traffic, version(store, service));
    }

    static long version(Store store, String service) {
        return store.service(service).orElseThrow().trafficVersion();
    }

    @Test
    void keepsNamespacesWithTheirQuotasAndTheNamespaceATokenIsLimitedTo() {
        Store store = open();
        Namespaces.Namespace teamA = new Namespaces.Namespace("team-a", 20, 50, 8L << 30, T0);
        assertThat(store.namespaces().create(teamA)).isTrue();
        assertThat(store.namespaces().create(new Namespaces.Namespace("team-a", 1, 1, 1, T0))).as("a second of the same name").isFalse();
        store.namespaces().create(new Namespaces.Namespace("labs", 0, 0, 0, T0));
        assertThat(store.namespaces().setQuotas(new Namespaces.Namespace("team-a", 2, 3, 4, T0.plusSeconds(9)))).isTrue();
        assertThat(store.namespaces().setQuotas(new Namespaces.Namespace("absent", 2, 3, 4, T0))).isFalse();
        TokenRecord scoped = new TokenRecord("b1b2", "team-a-ci", "developer", List.of(), "ff", T0, Optional.empty(), Optional.of("team-a"));
        store.credentials().addToken(scoped);
        store.close();

        Store again = open();
        assertThat(again.namespaces().all()).extracting(Namespaces.Namespace::name).containsExactly("labs", "team-a");
        assertThat(again.namespaces().get("team-a")).contains(new Namespaces.Namespace("team-a", 2, 3, 4, T0));
        assertThat(again.credentials().token("b1b2")).contains(scoped);
        assertThat(again.namespaces().delete("labs")).isTrue();
        assertThat(again.namespaces().delete("labs")).isFalse();
        assertThat(again.namespaces().get("labs")).isEmpty();
    }

    @Test
    void keepsTokensSecretsAndAuditEntriesAcrossReopen() {
        Store store = open();
        TokenRecord ci = new TokenRecord("a1b2", "ci", "producer", List.of("orders", "audit"), "ff00", T0, Optional.of(T0.plusSeconds(60)));
        assertThat(store.credentials().addToken(ci)).isTrue();
        assertThat(store.credentials().addToken(new TokenRecord("c3d4", "ci", "viewer", List.of(), "ee", T0, Optional.empty())))
                .as("a second token of the same name").isFalse();
        store.credentials().addToken(new TokenRecord("e5f6", "alice", "admin", List.of(), "dd", T0, Optional.empty()));
        store.credentials().putSecret("db", List.of("password"), "c2VhbGVk", T0);
        SecretRecord rotated = store.credentials().putSecret("db", List.of("password", "user"), "c2VhbGVkMg==", T0.plusSeconds(1));
        store.audit().append(new AuditRecord(T0, "alice", "DELETE", "/v1/services/:name", "/v1/services/hello", "127.0.0.1", 200));
        store.audit().append(new AuditRecord(T0.plusSeconds(5), "ci", "PUT", "/v1/secrets/:name", "/v1/secrets/db", "127.0.0.1", 403));
        store.close();

        Store again = open();
        assertThat(again.credentials().token("a1b2")).contains(ci);
        assertThat(again.credentials().tokens()).extracting(TokenRecord::name).containsExactly("alice", "ci");
        assertThat(again.credentials().token("e5f6").orElseThrow().expiresAt()).isEmpty();
        assertThat(rotated.version()).isEqualTo(2);
        assertThat(again.credentials().secret("db")).contains(rotated);
        assertThat(again.audit().since(T0, 10)).extracting(AuditRecord::caller).containsExactly("alice", "ci");
        assertThat(again.audit().since(T0.plusSeconds(1), 10)).extracting(AuditRecord::status).containsExactly(403);
        assertThat(again.credentials().revokeToken("ci")).isTrue();
        assertThat(again.credentials().revokeToken("ci")).isFalse();
        assertThat(again.credentials().deleteSecret("db")).isTrue();
        assertThat(again.credentials().secrets()).isEmpty();
    }
}
