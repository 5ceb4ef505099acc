package dev.nubo.cli;

import picocli.CommandLine.Command;

/** {@code nubo events send|dead-letters|replay|discard}: putting events in, and the ones that could not be delivered. */
@Command(name = "events",
        description = "Send an event to a broker; list, replay and discard the events that could not be delivered.",
        subcommands = {SendEvent.class, DeadLetters.ListDeadLetters.class, DeadLetters.Replay.class,
                DeadLetters.Discard.class})
final class Events extends Group {}
