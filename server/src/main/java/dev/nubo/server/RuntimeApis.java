package dev.nubo.server;

import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.model.Descriptor;
import dev.nubo.runtimeapi.FunctionInfo;
import dev.nubo.runtimeapi.RuntimeApiBridge;
import dev.nubo.runtimes.Runtimes;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda Runtime API bridges of custom-runtime instances ({@code runtime: provided}): one per
 * instance, opened before its process starts (the process needs the address) and closed when the
 * instance is gone. Between them the bridge follows the instance: a crash or a stop fails what the
 * runtime held; a runtime stuck past its timeout has its instance stopped, and the reconciler starts
 * another in its place.
 */
final class RuntimeApis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApis.class);

    /** Lambda's limit for a synchronous response. */
    static final long MAX_RESPONSE_BYTES = 6L << 20;
    private static final Duration STUCK_STOP_GRACE = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final Map<String, Bridged> byInstance = new ConcurrentHashMap<>();
    /** Why a runtime failed to initialise, kept after its bridge closed, for the revision's failure reason. */
    private final Map<String, String> initErrors = new ConcurrentHashMap<>();

    private static final class Bridged {
        final RuntimeApiBridge bridge;
        volatile Instance instance;

        Bridged(RuntimeApiBridge bridge) {
            this.bridge = bridge;
        }
    }

    RuntimeApis(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Opens the bridge of a new instance of a custom runtime; empty for every other runtime. */
    Optional<Runtimes.RuntimeApi> open(Descriptor d, String revision, String instanceId) {
        if (!(d.runtime() instanceof Descriptor.Provided)) {
            return Optional.empty();
        }
        Bridged[] self = new Bridged[1];
        RuntimeApiBridge bridge = RuntimeApiBridge.open(vertx,
                new FunctionInfo(d.name(), revision, instanceId, d.timeout(), (int) (d.memory() >> 20), MAX_RESPONSE_BYTES),
                line -> {
                    Instance instance = self[0] == null ? null : self[0].instance;
                    if (instance != null) {
                        instance.note(line);
                    } else {
                        LOG.info("{}: {}", instanceId, line);
                    }
                },
                () -> {
                    Instance instance = self[0] == null ? null : self[0].instance;
                    if (instance != null) {
                        // Called on the bridge's event loop; a stop signals processes, which blocks.
                        Thread.ofVirtual().name("recycle-" + instanceId).start(() -> {
                            instance.note("the runtime is stuck past its timeout; stopping this instance so that another replaces it");
                            instance.stop(STUCK_STOP_GRACE);
                        });
                    }
                });
        self[0] = new Bridged(bridge);
        byInstance.put(instanceId, self[0]);
        return Optional.of(new Runtimes.RuntimeApi(bridge.runtimeApiAddress(), bridge.invocationPort()));
    }

    /** The instance started for a bridge opened with {@link #open}. */
    void attach(Instance instance) {
        Bridged bridged = byInstance.get(instance.id());
        if (bridged != null) {
            bridged.instance = instance;
        }
    }

    /** Follows the instance: its runtime process gone (crash, stop) or the instance gone for good. */
    void changed(Instance instance, InstanceState to) {
        Bridged bridged = byInstance.get(instance.id());
        if (bridged == null) {
            return;
        }
        if (to == InstanceState.BACKOFF || to == InstanceState.STOPPED || to == InstanceState.FAILED) {
            bridged.bridge.initError().ifPresent(e -> initErrors.put(instance.id(), e));
            bridged.bridge.runtimeGone();
        }
        if (to.isFinal()) {
            close(instance.id());
        }
    }

    /**
     * What the instance's runtime reported through {@code /runtime/init/error}, if anything. Asked
     * once, when the failed instance fails its revision; a kept error goes with that answer.
     */
    Optional<String> initError(String instanceId) {
        Bridged bridged = byInstance.get(instanceId);
        String kept = initErrors.remove(instanceId);
        return bridged == null ? Optional.ofNullable(kept) : bridged.bridge.initError().or(() -> Optional.ofNullable(kept));
    }

    /** Closes the bridge of an instance that is gone, or never started. */
    void close(String instanceId) {
        Bridged bridged = byInstance.remove(instanceId);
        if (bridged != null) {
            bridged.bridge.close();
        }
    }

    @Override
    public void close() {
        byInstance.keySet().forEach(this::close);
    }
}
