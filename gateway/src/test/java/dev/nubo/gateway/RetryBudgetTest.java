package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** The retry budget, with a clock the test moves by hand. */
class RetryBudgetTest {

    private static final long S = 1_000_000_000L;
    private long now = 7 * S;

    @Test
    void allowsRetriesUpToTheShareOfRecentRequests() {
        RetryBudget budget = new RetryBudget(20, now);
        for (int i = 0; i < 50; i++) {
            budget.request(now);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(budget.tryRetry(now)).as("retry %d", i + 1).isTrue();
        }
        assertThat(budget.tryRetry(now)).isFalse();
        assertThat(budget.retriesTotal()).isEqualTo(10);
        assertThat(budget.refusedTotal()).isEqualTo(1);
    }

    @Test
    void aQuietServiceMayRetryAFewTimesAndTheBudgetRefillsAsTheWindowMoves() {
        RetryBudget budget = new RetryBudget(20, now);
        budget.request(now);
        assertThat(budget.tryRetry(now)).isTrue();
        assertThat(budget.tryRetry(now)).isTrue();
        assertThat(budget.tryRetry(now)).isTrue();
        assertThat(budget.tryRetry(now)).isFalse();

        now += 11 * S;
        assertThat(budget.tryRetry(now)).isTrue();
    }

    @Test
    void retriesOnlyWhatIsSafeToSendTwice() {
        assertThat(RetryBudget.idempotent(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"))).isTrue();
        assertThat(RetryBudget.idempotent(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/"))).isTrue();
        assertThat(RetryBudget.idempotent(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"))).isFalse();
        DefaultHttpRequest keyed = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        keyed.headers().set("Idempotency-Key", "abc");
        assertThat(RetryBudget.idempotent(keyed)).isTrue();
    }
}
