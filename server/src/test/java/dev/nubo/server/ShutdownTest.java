package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.server.Shutdown.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void theDeclaredOrderStopsIntakeBeforeInstancesInstancesBeforeTheirBridgesAndTheStoreLast() {
        List<Stage> order = Arrays.asList(Stage.values());
        System.out.println("a server stops: " + order.stream().map(Stage::name).collect(Collectors.joining(" → ")));

        assertThat(order).containsSubsequence(Stage.CONTROL_API, Stage.INSTANCES);  // events and webhooks come in there
        assertThat(order).containsSubsequence(Stage.SOURCES, Stage.EVENTING, Stage.INSTANCES, Stage.GATEWAY);
        assertThat(order).containsSubsequence(Stage.RECONCILER, Stage.INSTANCES);
        assertThat(order).containsSubsequence(Stage.INSTANCES, Stage.RUNTIME_APIS);
        assertThat(order).containsSubsequence(Stage.WORKFLOWS, Stage.INSTANCES, Stage.GATEWAY); // their tasks go through both
        assertThat(order).containsSubsequence(Stage.SOURCES, Stage.EVENTING, Stage.WORKFLOWS); // events start executions
        assertThat(order).containsSubsequence(Stage.GATEWAY, Stage.VERTX);
        assertThat(order.subList(order.size() - 2, order.size())).containsExactly(Stage.STORE, Stage.HOME_LOCK);
    }

    @Test
    void partsStopStageByStageWhateverOrderTheyStartedIn() {
        List<String> stopped = new ArrayList<>();
        Shutdown shutdown = new Shutdown();
        shutdown.add(Stage.HOME_LOCK, () -> stopped.add("lock"));
        shutdown.add(Stage.STORE, () -> stopped.add("store"));
        shutdown.add(Stage.INSTANCES, () -> stopped.add("instances"));
        shutdown.add(Stage.CONTROL_API, () -> stopped.add("api listener"));
        shutdown.add(Stage.RUNTIME_APIS, () -> stopped.add("bridges"));
        shutdown.add(Stage.EVENTING, () -> stopped.add("eventing"));
        shutdown.add(Stage.CONTROL_API, () -> stopped.add("api client"));

        assertThat(shutdown.stages()).containsExactly(Stage.CONTROL_API, Stage.EVENTING, Stage.INSTANCES, Stage.RUNTIME_APIS,
                Stage.STORE, Stage.HOME_LOCK);
        shutdown.close();

        assertThat(stopped).containsExactly("api listener", "api client", "eventing", "instances", "bridges", "store", "lock");
    }

    @Test
    void aPartThatFailsToStopDoesNotKeepTheRestRunning() {
        List<String> stopped = new ArrayList<>();
        Shutdown shutdown = new Shutdown();
        shutdown.add(Stage.STORE, () -> stopped.add("store"));
        shutdown.add(Stage.INSTANCES, () -> {
            throw new IllegalStateException("a process group would not die");
        });
        shutdown.add(Stage.INSTANCES, () -> stopped.add("more instances"));

        shutdown.close();
        shutdown.close();  // a second close stops nothing twice

        assertThat(stopped).containsExactly("more instances", "store");
    }
}
