package dev.nubo.instances;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server stand-in for {@link WatchdogTest}, run in its own JVM: launches two instances whose
 * processes have children, prints their process groups and the watchdog's pid, then waits to be
 * SIGKILLed.
 */
public final class WatchdogVictim {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Instances instances = Instances.create(InstancesConfig.defaults(), InstantSource.system(), line -> {});
        for (int i = 0; i < 2; i++) {
            Instance instance = instances.launch(new LaunchSpec("victim-" + i, "victim", "victim-00001",
                    List.of("sh", "-c", "sleep 300 & sleep 300"), Map.of(), dir, dir.resolve("victim-" + i + ".log"),
                    Optional.empty(), Duration.ofMinutes(5), 0, false), (x, from, to, why) -> {});
            System.out.println("pgid " + instance.pid().orElseThrow());
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5));
    }
}
