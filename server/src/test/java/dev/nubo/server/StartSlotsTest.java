package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartSlotsTest {

    private final List<String> woken = new ArrayList<>();
    private final StartSlots slots = new StartSlots(2, woken::add);

    @Test
    void startsNoMoreFreshProcessesAtOnceThanItHasSlotsAcrossServices() {
        assertThat(slots.tryTake("petclinic", "petclinic-1")).isTrue();
        assertThat(slots.tryTake("petclinic", "petclinic-2")).isTrue();
        assertThat(slots.tryTake("petclinic", "petclinic-3")).isFalse();
        assertThat(slots.tryTake("orders", "orders-1")).as("the slots are the machine's, not a service's").isFalse();
        assertThat(slots.starting()).isEqualTo(2);
        assertThat(woken).isEmpty();
    }

    @Test
    void wakesEveryRefusedServiceOnceWhenAStartEnds() {
        slots.tryTake("a", "a-1");
        slots.tryTake("a", "a-2");
        slots.tryTake("b", "b-1");
        slots.tryTake("c", "c-1");
        slots.tryTake("b", "b-1");

        slots.ended("a-1");

        assertThat(woken).containsExactly("b", "c");
        assertThat(slots.tryTake("b", "b-1")).isTrue();
        slots.ended("a-2");
        assertThat(woken).as("nobody was refused since").containsExactly("b", "c");
    }

    @Test
    void anInstanceThatHeldNoSlotFreesNone() {
        slots.tryTake("a", "a-1");
        slots.tryTake("a", "a-2");
        slots.tryTake("b", "b-1");

        slots.ended("pooled-1");
        slots.ended("a-1");
        slots.ended("a-1");

        assertThat(slots.starting()).isEqualTo(1);
        assertThat(woken).containsExactly("b");
    }

    @Test
    void aPlanThatFoundNoFreeSlotIsWokenWhenOneFreesOrToldToPlanAgainAtOnce() {
        slots.tryTake("a", "a-1");
        assertThat(slots.free()).isEqualTo(1);
        assertThat(slots.awaitSlot("b")).as("a slot is free: plan again now").isTrue();
        slots.tryTake("a", "a-2");
        assertThat(slots.free()).isZero();

        assertThat(slots.awaitSlot("b")).isFalse();
        slots.ended("a-1");

        assertThat(woken).containsExactly("b");
    }

    @Test
    void needsAtLeastOneSlot() {
        assertThatThrownBy(() -> new StartSlots(0, s -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("start slots need at least 1 parallel start, got 0");
    }
}
