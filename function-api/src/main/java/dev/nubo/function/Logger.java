package dev.nubo.function;

/** A function's log: each line lands in the instance log with a timestamp and the request id. */
@FunctionalInterface
public interface Logger {
    void log(String message);
}
