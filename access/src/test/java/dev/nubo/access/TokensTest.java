package dev.nubo.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    @TempDir
    Path dir;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T12:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private Store store;

    private Tokens tokens() {
        store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")));
        return new Tokens(store.credentials(), "the-admin-token", clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theBootstrapAdminTokenIsTheCallerAdmin() {
        assertThat(tokens().verify("the-admin-token")).contains(new Caller("admin", Role.ADMIN, List.of()));
        assertThat(tokens().verify("the-admin-token2")).isEmpty();
    }

    @Test
    void storesOnlyTheHashAndKnowsTheTokenByItsRole() throws Exception {
        Tokens tokens = tokens();
        Tokens.Issued ci = tokens.create("ci", Role.DEVELOPER, List.of(), Optional.empty());

        assertThat(ci.token()).startsWith("nubo_t_");
        assertThat(tokens.verify(ci.token())).contains(new Caller("ci", Role.DEVELOPER, List.of()));
        assertThat(tokens.verify(ci.token() + "0")).isEmpty();
        // One character changed: to '0', unless it is '0' already (one token in 16 ends so, which flaked once).
        String last = ci.token().endsWith("0") ? "1" : "0";
        assertThat(tokens.verify(ci.token().substring(0, ci.token().length() - 1) + last)).isEmpty();
        assertThat(Files.readString(dir.resolve("nubo.db"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("the database holds no token").doesNotContain(ci.token().substring(20));
    }

    @Test
    void refusesATokenOnceRevokedOrExpired() {
        Tokens tokens = tokens();
        Tokens.Issued ci = tokens.create("ci", Role.VIEWER, List.of(), Optional.empty());
        Tokens.Issued temp = tokens.create("temp", Role.INVOKER, List.of(), Optional.of(Tokens.ttl("30d")));
        now.set(now.get().plus(Duration.ofDays(30)).minusSeconds(1));
        assertThat(tokens.verify(temp.token())).isPresent();
        now.set(now.get().plusSeconds(1));
        assertThat(tokens.verify(temp.token())).as("expired").isEmpty();

        tokens.revoke("ci");
        assertThat(tokens.verify(ci.token())).isEmpty();
        assertThatThrownBy(() -> tokens.revoke("ci")).isInstanceOf(UserError.class).hasMessage("no token named ci");
    }

    @Test
    void seesTokensAnotherNodeCreatedAfterARefresh() {
        Tokens here = tokens();
        Tokens there = new Tokens(store.credentials(), "the-admin-token", clock);
        Tokens.Issued ci = there.create("ci", Role.VIEWER, List.of(), Optional.empty());
        assertThat(here.verify(ci.token())).isEmpty();
        here.refresh();
        assertThat(here.verify(ci.token())).isPresent();
    }

    @Test
    void aProducerMustNameItsBrokersAndMayPostOnlyThere() {
        Tokens tokens = tokens();
        assertThatThrownBy(() -> tokens.create("p", Role.PRODUCER, List.of(), Optional.empty()))
                .hasMessage("a producer token must name the brokers it may post to");
        assertThatThrownBy(() -> tokens.create("v", Role.VIEWER, List.of("orders"), Optional.empty()))
                .hasMessage("only producer tokens are limited to brokers, not viewer tokens");
        Caller p = tokens.verify(tokens.create("p", Role.PRODUCER, List.of("orders"), Optional.empty()).token()).orElseThrow();
        assertThat(p.mayPublishTo("orders")).isTrue();
        assertThat(p.mayPublishTo("billing")).isFalse();
        assertThat(p.may(Permission.READ)).isFalse();
        assertThat(new Caller("d", Role.DEVELOPER, List.of()).mayPublishTo("billing")).isTrue();
    }

    @Test
    void aTokenLimitedToANamespaceActsOnlyThereAndAnAdminTokenCannotBe() {
        Tokens tokens = tokens();
        Caller dev = tokens.verify(tokens.create("team-a-ci", Role.DEVELOPER, List.of(), Optional.empty(), Optional.of("team-a")).token())
                .orElseThrow();
        assertThat(dev.namespace()).contains("team-a");
        assertThat(dev.mayActIn("team-a")).isTrue();
        assertThat(dev.mayActIn("default")).isFalse();
        assertThat(new Caller("ops", Role.DEVELOPER, List.of()).mayActIn("team-b")).isTrue();
        assertThat(dev.mayPublishTo("orders")).as("brokers belong to no namespace").isFalse();
        assertThatThrownBy(() -> tokens.create("p", Role.PRODUCER, List.of("orders"), Optional.empty(), Optional.of("team-a")))
                .hasMessage("a producer token cannot be limited to a namespace: brokers belong to none yet");
        assertThatThrownBy(() -> tokens.create("boss", Role.ADMIN, List.of(), Optional.empty(), Optional.of("team-a")))
                .hasMessage("an admin token cannot be limited to a namespace: it manages tokens and namespaces");
        assertThatThrownBy(() -> tokens.create("x", Role.VIEWER, List.of(), Optional.empty(), Optional.of("Team A")))
                .hasMessage("'Team A' cannot name a namespace");
    }

    @Test
    void refusesTakenAndReservedNamesAndBadLifetimes() {
        Tokens tokens = tokens();
        tokens.create("ci", Role.VIEWER, List.of(), Optional.empty());
        assertThatThrownBy(() -> tokens.create("ci", Role.ADMIN, List.of(), Optional.empty())).hasMessage("a token named ci exists");
        assertThatThrownBy(() -> tokens.create("admin", Role.ADMIN, List.of(), Optional.empty())).hasMessage("'admin' cannot name a token");
        assertThatThrownBy(() -> Tokens.ttl("30 days")).hasMessage("'30 days' is not a lifetime");
        assertThatThrownBy(() -> Role.parse("root")).hasMessage("'root' is not a role")
                .satisfies(e -> assertThat(((UserError) e).hint()).isEqualTo("use one of admin, developer, viewer, invoker, producer"));
    }
}
