package dev.nubo.config;

import java.util.List;

/** The running, ready instances of a service: where the configuration center pushes a change. */
@FunctionalInterface
public interface RunningInstances {

    /** One instance, as its service's callers reach it. */
    record Running(String id, String host, int port) {}

    List<Running> of(String service);
}
