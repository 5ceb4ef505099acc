package dev.nubo.instances;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server stand-in for {@link WatchdogTest}, run in its own JVM: launches two instances whose
 * processes have children, prints their process groups and the watchdog's pid, then waits to be
 * SIGKILLed. With "escaping", the second instance's child leaves its session (as a daemon does)
 * and its pid is printed too; a third argument is the directory to look for cgroup hierarchies in.
 */
public final class WatchdogVictim {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean escaping = args.length > 1 && args[1].equals("escaping");
        Path cgroupRoot = args.length > 2 ? Path.of(args[2]) : Harness.CGROUP_ROOT;
        Instances instances = Instances.create(InstancesConfig.defaults(), InstantSource.system(), line -> {}, cgroupRoot);
        for (int i = 0; i < 2; i++) {
            String command = escaping && i == 1 ? "setsid sleep 300 & echo $! > escaped.pid; sleep 300" : "sleep 300 & sleep 300";
            Instance instance = instances.launch(LaunchSpec.builder("victim-" + i).service("victim").revision("victim-00001")
                    .command(List.of("sh", "-c", command)).workDir(dir).logFile(dir.resolve("victim-" + i + ".log"))
                    .startTimeout(Duration.ofMinutes(5)).build(), (x, from, to, why) -> {});
            System.out.println("pgid " + instance.pid().orElseThrow());
        }
        if (escaping) {
            Path pid = dir.resolve("escaped.pid");
            while (!Files.exists(pid) || !Files.readString(pid).endsWith("\n")) {
                Thread.sleep(10);
            }
            System.out.println("escaped " + Files.readString(pid).trim());
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5));
    }
}
