package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.Traffic.Split;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficTest {

    @Test
    void aServiceFollowsLatestUntilToldOtherwise() {
        Traffic t = Traffic.latest();

        assertThat(t.splits()).containsExactly(new Split("latest", 100));
        assertThat(t.tags()).isEmpty();
        assertThat(t.followsLatest()).isTrue();
        assertThat(t.withTags(Map.of("canary", "hello-00003")).followsLatest()).isTrue();
    }

    @Test
    void readsTheCommandLineForms() {
        Traffic t = Traffic.parse(List.of("hello-00002=90", "latest=10"), List.of("canary=hello-00003", "stable=latest"));

        assertThat(t.splits()).containsExactly(new Split("hello-00002", 90), new Split("latest", 10));
        assertThat(t.tags()).containsExactly(Map.entry("canary", "hello-00003"), Map.entry("stable", "latest"));
        assertThat(t.followsLatest()).isFalse();
        assertThat(Traffic.parse(List.of(" hello-00002 = 100% "), List.of()).splits()).containsExactly(new Split("hello-00002", 100));
    }

    @Test
    void aSplitOfAHundredToOneRevisionDoesNotFollowLatest() {
        assertThat(Traffic.parse(List.of("hello-00002=100"), List.of()).followsLatest()).isFalse();
        assertThat(Traffic.parse(List.of("latest=100", "hello-00001=0"), List.of()).followsLatest()).isFalse();
    }

    @Test
    void keepsSplitsOfZeroPercent() {
        Traffic t = Traffic.parse(List.of("hello-00001=0", "hello-00002=100"), List.of());

        assertThat(t.splits()).containsExactly(new Split("hello-00001", 0), new Split("hello-00002", 100));
    }

    @Test
    void percentagesMustTotalAHundred() {
        assertInvalid(() -> Traffic.parse(List.of("hello-00002=90", "latest=5"), List.of()),
                "traffic percentages add up to 95, not 100", "adjust them so they total 100");
        assertInvalid(() -> Traffic.parse(List.of("hello-00002=90", "latest=20"), List.of()),
                "traffic percentages add up to 110, not 100");
    }

    @Test
    void eachShareIsBetweenZeroAndAHundred() {
        assertInvalid(() -> new Split("hello-00002", 101), "traffic for hello-00002 is 101 %; a share is between 0 and 100",
                "whole percentage from 0 to 100");
        assertInvalid(() -> new Split("hello-00002", -1), "traffic for hello-00002 is -1 %");
        assertInvalid(() -> Traffic.parse(List.of("hello-00002=-5"), List.of()),
                "the share in `hello-00002=-5` must be a whole percentage from 0 to 100", "REVISION=PERCENT");
        assertInvalid(() -> Traffic.parse(List.of("hello-00002=ninety"), List.of()),
                "the share in `hello-00002=ninety` must be a whole percentage");
    }

    @Test
    void needsAtLeastOneSplit() {
        assertInvalid(() -> Traffic.parse(List.of(), List.of("canary=latest")),
                "traffic needs at least one REVISION=PERCENT split", "`latest=100`");
    }

    @Test
    void refusesARevisionNamedTwice() {
        assertInvalid(() -> Traffic.parse(List.of("hello-00002=50", "hello-00002=50"), List.of()),
                "traffic names hello-00002 twice", "one split");
    }

    @Test
    void namesAMalformedAssignmentAndShowsTheForm() {
        assertInvalid(() -> Traffic.parse(List.of("hello-00002:90"), List.of()),
                "`hello-00002:90` is not a traffic split; write it as REVISION=PERCENT", "e.g. hello-00002=90");
        assertInvalid(() -> Traffic.parse(List.of("=90"), List.of()), "`=90` is not a traffic split");
        assertInvalid(() -> Traffic.parse(List.of("hello-00002="), List.of()), "`hello-00002=` is not a traffic split");
        assertInvalid(() -> Traffic.parse(List.of("a=b=c"), List.of()), "`a=b=c` is not a traffic split");
        assertInvalid(() -> Traffic.parse(List.of("latest=100"), List.of("canary")),
                "`canary` is not a tag; write it as TAG=REVISION", "e.g. canary=hello-00003");
    }

    @Test
    void targetsAreRevisionIdsOrLatest() {
        assertInvalid(() -> Traffic.parse(List.of("hello-2=100"), List.of()),
                "a split names 'hello-2', which is neither a revision id nor `latest`", "e.g. hello-00002");
        assertInvalid(() -> Traffic.parse(List.of("LATEST=100"), List.of()), "a split names 'LATEST'");
        assertInvalid(() -> Traffic.parse(List.of("latest=100"), List.of("canary=newest")),
                "tag canary names 'newest', which is neither a revision id nor `latest`");
    }

    @Test
    void aRevisionOfAServiceInANamespaceIsNamedWithIt() {
        assertThat(Traffic.parse(List.of("orders.team-a-00002=90", "latest=10"), List.of("canary=orders.team-a-00003")).splits())
                .extracting(Traffic.Split::revision).containsExactly("orders.team-a-00002", "latest");
        assertInvalid(() -> Traffic.parse(List.of("orders..team-a-00002=100"), List.of()),
                "a split names 'orders..team-a-00002', which is neither a revision id nor `latest`");
    }

    @Test
    void tagNamesAreDnsLabelsOtherThanLatest() {
        assertThat(Traffic.parse(List.of("latest=100"), List.of("v2=hello-00002", "blue-green=latest")).tags())
                .containsOnlyKeys("v2", "blue-green");
        assertThat(Traffic.parse(List.of("latest=100"), List.of("a".repeat(40) + "=latest")).tags()).hasSize(1);
        for (String bad : List.of("Canary", "-canary", "canary-", "can_ary", "a".repeat(41))) {
            assertInvalid(() -> Traffic.parse(List.of("latest=100"), List.of(bad + "=hello-00003")),
                    "tag name '" + bad + "' must be a DNS label of at most 40 characters", "e.g. `canary=hello-00003`");
        }
        assertInvalid(() -> Traffic.parse(List.of("latest=100"), List.of("latest=hello-00003")),
                "`latest` cannot be a tag name", "e.g. `current=hello-00003`");
        assertInvalid(() -> Traffic.parse(List.of("latest=100"), List.of("canary=hello-00003", "canary=hello-00004")),
                "tag canary is given twice");
    }

    @Test
    void withTagsReplacesTheTagsAndKeepsTheSplits() {
        Traffic t = Traffic.parse(List.of("hello-00002=90", "latest=10"), List.of("old=hello-00001"));

        Traffic retagged = t.withTags(Map.of("canary", "latest"));

        assertThat(retagged.splits()).isEqualTo(t.splits());
        assertThat(retagged.tags()).containsExactly(Map.entry("canary", "latest"));
        assertInvalid(() -> t.withTags(Map.of("Bad", "latest")), "tag name 'Bad'");
    }

    @Test
    void tagsAreSortedAndEqualityIgnoresTheMapsOrder() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("zeta", "latest");
        given.put("alpha", "hello-00001");

        Traffic t = Traffic.latest().withTags(given);

        assertThat(t.tags().keySet()).containsExactly("alpha", "zeta");
        assertThat(t).isEqualTo(Traffic.latest().withTags(Map.of("alpha", "hello-00001", "zeta", "latest")));
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        Traffic t = Traffic.parse(List.of("hello-00002=90", "latest=10", "hello-00001=0"), List.of("canary=hello-00003"));

        String json = Json.mapper().writeValueAsString(t);

        assertThat(json).isEqualTo("{\"splits\":[{\"revision\":\"hello-00002\",\"percent\":90},"
                + "{\"revision\":\"latest\",\"percent\":10},{\"revision\":\"hello-00001\",\"percent\":0}],"
                + "\"tags\":{\"canary\":\"hello-00003\"}}");
        assertThat(Json.mapper().readValue(json, Traffic.class)).isEqualTo(t);
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(Traffic.latest()), Traffic.class))
                .isEqualTo(Traffic.latest());
        assertThat(Json.mapper().readValue("{\"splits\":[{\"revision\":\"latest\",\"percent\":100}]}", Traffic.class))
                .isEqualTo(Traffic.latest());
    }

    @Test
    void invalidJsonIsRefusedWithTheSameMessage() {
        assertThatThrownBy(() -> Json.mapper().readValue(
                "{\"splits\":[{\"revision\":\"latest\",\"percent\":95}]}", Traffic.class))
                .rootCause()
                .isInstanceOf(UserError.class)
                .hasMessage("traffic percentages add up to 95, not 100");
    }

    private static void assertInvalid(Runnable action, String... parts) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.code()).isEqualTo("traffic.invalid");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.hint()).isNotBlank();
            String all = e.getMessage() + " / " + e.hint();
            for (String part : parts) {
                assertThat(all).contains(part);
            }
        });
    }
}
