package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecialisationMessageTest {

    @Test
    void readsEntriesUpToTheEmptyOneAndNoFurther() throws IOException {
        InputStream in = stream("PORT=41234\0NUBO_HANDLER=com.example.Hello\0EQUALS=a=b\0LINES=one\ntwo\0EMPTY=\0\0after");

        assertThat(SpecialisationMessage.read(in)).hasValue(Map.of("PORT", "41234", "NUBO_HANDLER", "com.example.Hello",
                "EQUALS", "a=b", "LINES", "one\ntwo", "EMPTY", ""));
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("after");
    }

    @Test
    void keepsTheOrderSentAndDecodesUtf8() throws IOException {
        assertThat(SpecialisationMessage.read(stream("B=2\0A=grüße\0\0")).orElseThrow())
                .containsExactly(Map.entry("B", "2"), Map.entry("A", "grüße"));
        assertThat(SpecialisationMessage.read(stream("\0"))).hasValue(Map.of());
    }

    @Test
    void endOfStreamBeforeTheEndOfTheMessageIsNoMessage() throws IOException {
        assertThat(SpecialisationMessage.read(stream(""))).isEqualTo(Optional.empty());
        assertThat(SpecialisationMessage.read(stream("PORT=1\0NUBO_HANDLER=x\0"))).isEmpty();
        assertThat(SpecialisationMessage.read(stream("PORT=1"))).isEmpty();
    }

    @Test
    void anEntryWithoutANameIsRefused() {
        assertThatThrownBy(() -> SpecialisationMessage.read(stream("=x\0\0"))).isInstanceOf(InitFailure.class)
                .hasMessage("the specialisation message on stdin has an entry that is not NAME=VALUE: '=x' (this is a bug"
                        + " in Nubo's instance pool: please report it)");
        assertThatThrownBy(() -> SpecialisationMessage.read(stream("JUSTNAME\0\0"))).isInstanceOf(InitFailure.class);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
