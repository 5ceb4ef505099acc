package dev.nubo.server;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.RevisionRoute;
import dev.nubo.gateway.ServiceRoute;
import dev.nubo.store.WorkflowVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Puts every workflow deployed with {@code http: true} on the gateway at {@code NAME.<domain>}, as a
 * route like a service's whose one endpoint is the {@link WorkflowDoor}; a service of the same name
 * keeps its host (the route publisher lets services win). Refreshed when a workflow is deployed here,
 * and every few seconds for those deployed on other nodes.
 */
final class WorkflowRoutes {

    private final java.util.function.Supplier<List<WorkflowVersion>> workflows;
    private final int doorPort;
    private final Consumer<Map<String, ServiceRoute>> publish;

    WorkflowRoutes(java.util.function.Supplier<List<WorkflowVersion>> workflows, int doorPort, Consumer<Map<String, ServiceRoute>> publish) {
        this.workflows = workflows;
        this.doorPort = doorPort;
        this.publish = publish;
    }

    void refresh() {
        publish.accept(workflows.get().stream().filter(WorkflowVersion::http)
                .collect(Collectors.toUnmodifiableMap(WorkflowVersion::name, v -> route(v.name(), doorPort))));
    }

    static ServiceRoute route(String workflow, int doorPort) {
        String revision = "workflow:" + workflow;  // unlike a service's revision ids (NAME-00001), so never the same
        // A little longer than the door waits, so that a long execution gets the door's 202, not the gateway's 504.
        RevisionRoute r = RevisionRoute.of(revision, WorkflowDoor.WAIT.plus(Duration.ofSeconds(5)), WorkflowDoor.BODY_LIMIT,
                List.of(new Endpoint(revision, "127.0.0.1", doorPort)));
        return new ServiceRoute(workflow, List.of(), List.of(new ServiceRoute.Share(revision, 100)), Map.of(), Map.of(revision, r));
    }
}
