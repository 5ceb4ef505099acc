package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamespacedTest {

    @Test
    void aServiceOfTheDefaultNamespaceKeepsItsPlainNameAndOthersTakeTheirNamespaceAfterADot() {
        assertThat(Namespaced.qualified("orders", "default")).isEqualTo("orders");
        assertThat(Namespaced.qualified("orders", "team-a")).isEqualTo("orders.team-a");
        assertThat(Namespaced.namespaceOf("orders.team-a")).isEqualTo("team-a");
        assertThat(Namespaced.namespaceOf("orders")).isEqualTo("default");
        assertThat(Namespaced.nameOf("orders.team-a")).isEqualTo("orders");
        assertThat(Namespaced.nameOf("orders")).isEqualTo("orders");
    }

    @Test
    void aNamespaceIsADnsLabel() {
        assertThat(Namespaced.check("team-a")).isEqualTo("team-a");
        for (String bad : new String[] {"Team", "a.b", "-a", "a-", "", "a".repeat(41)}) {
            assertThatThrownBy(() -> Namespaced.check(bad)).hasMessage("'" + bad + "' cannot name a namespace");
        }
    }

    @Test
    void aDescriptorNamedForItsNamespaceKeepsEverythingElse() {
        Descriptor d = Descriptor.parse("name: orders\nruntime: process\ncommand: [python3, app.py]\nmemory: 128Mi\n");
        Descriptor named = d.named("orders.team-a");
        assertThat(named.name()).isEqualTo("orders.team-a");
        assertThat(named.memory()).isEqualTo(d.memory());
        assertThat(named.runtime()).isEqualTo(d.runtime());
        assertThat(d.named("orders")).isSameAs(d);
    }
}
