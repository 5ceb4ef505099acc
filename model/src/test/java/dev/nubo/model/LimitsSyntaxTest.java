package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LimitsSyntaxTest {

    private static final String SERVICE = "name: a\nruntime: process\ncommand: [x]\n";

    @Test
    void readsARatePerSecondOrMinuteABurstAndAConcurrencyCap() {
        assertThat(Descriptor.parse(SERVICE + "limits: {rate: 100/s, burst: 200, perClient: true, concurrency: 50}\n").limits())
                .isEqualTo(new Descriptor.Limits(100, 200, true, 50));
        assertThat(Descriptor.parse(SERVICE + "limits: {rate: 30/m}\n").limits())
                .isEqualTo(new Descriptor.Limits(0.5, 1, false, 0));
        assertThat(Descriptor.parse(SERVICE + "limits: {rate: 2.5/s}\n").limits().burst()).isEqualTo(3);
        assertThat(Descriptor.parse(SERVICE).limits()).isEqualTo(Descriptor.Limits.NONE);
        assertThat(Descriptor.parse(SERVICE).limits().any()).isFalse();
        assertThat(Descriptor.parse(SERVICE + "limits: {rate: 100/s}\n").limits().rateText()).isEqualTo("100/s");
        assertThat(Descriptor.parse(SERVICE + "limits: {rate: 30/m}\n").limits().rateText()).isEqualTo("30/m");
        assertThat(Descriptor.parse(SERVICE + "limits: {rate: 2.5/s}\n").limits().rateText()).isEqualTo("2.5/s");
    }

    @Test
    void refusesAMalformedRateNamingTheFieldAndTheFormToWrite() {
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {rate: fast}\n"))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("descriptor.invalid");
                    assertThat(e.getMessage()).isEqualTo("nubo.yaml: `limits.rate` must be a count per time, found 'fast'");
                    assertThat(e.hint()).isEqualTo("write a count per second or per minute, e.g. `rate: 100/s` or `rate: 30/m`");
                });
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {rate: 0/s}\n"))
                .hasMessage("nubo.yaml: `limits.rate` must be above 0 (got '0/s')");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {concurrency: many}\n"))
                .hasMessage("nubo.yaml: `limits.concurrency` must be a whole number from 1 to 100000, found 'many'");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {burst: 10}\n"))
                .hasMessage("nubo.yaml: `limits.burst` needs `limits.rate`");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {rate: 1/s, perClient: yes-please}\n"))
                .hasMessage("nubo.yaml: `limits.perClient` must be true or false, found 'yes-please'");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {rps: 10}\n"))
                .hasMessage("nubo.yaml: unknown field `limits.rps`");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: 10\n"))
                .hasMessage("nubo.yaml: `limits` must be a mapping, found number 10");
    }

    @Test
    void readsLimitsPerPathPrefixOptionallyPerMethod() {
        Descriptor.Limits limits = Descriptor.parse(SERVICE + """
                limits: {rate: 100/s, paths: {"/search": {rate: 10/s}, "POST  /orders": {concurrency: 5}}}
                """).limits();

        assertThat(limits.rate()).isEqualTo(100);
        assertThat(limits.paths()).containsExactly(
                java.util.Map.entry("/search", new Descriptor.Limits(10, 10, false, 0)),
                java.util.Map.entry("POST /orders", new Descriptor.Limits(0, 0, false, 5)));
        assertThat(Descriptor.parse(SERVICE + "limits: {paths: {/a: {rate: 1/s}}}\n").limits().any()).isTrue();
    }

    @Test
    void refusesAMalformedPathEntryNamingIt() {
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {paths: {search: {rate: 1/s}}}\n"))
                .hasMessage("nubo.yaml: `limits.paths` key 'search' must be a path prefix, optionally after a method");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {paths: {/search: {rate: often}}}\n"))
                .hasMessage("nubo.yaml: `limits.paths./search.rate` must be a count per time, found 'often'");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {paths: {/search: {paths: {}}}}\n"))
                .hasMessage("nubo.yaml: unknown field `limits.paths./search.paths`");
        assertThatThrownBy(() -> Descriptor.parse(SERVICE + "limits: {paths: {/search: {}}}\n"))
                .hasMessage("nubo.yaml: `limits.paths./search` sets no limit");
    }
}
