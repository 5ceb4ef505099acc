package dev.nubo.workflows;

import dev.nubo.store.ExecutionRecord;
import dev.nubo.store.WorkflowLog;
import dev.nubo.workflows.Journal.Ending;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * One execution's journal in the store: each step is one {@link WorkflowLog#advance} transaction,
 * conditional on the execution still RUNNING with the history this run last wrote, so a stop (or
 * another node that resumed the same execution) makes this run end at its next step instead of
 * writing over it.
 */
final class Run implements Journal {

    private final WorkflowLog log;
    private final InstantSource clock;
    private final String id;
    private long seen;

    Run(WorkflowLog log, InstantSource clock, ExecutionRecord record) {
        this.log = log;
        this.clock = clock;
        this.id = record.id();
        this.seen = record.events();
    }

    @Override
    public boolean step(List<Event> events, Cursor next) {
        return advance(events, new WorkflowLog.Progress(ExecutionStatus.RUNNING.name(), next.json(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    @Override
    public boolean end(List<Event> events, Ending ending) {
        Instant now = clock.instant();
        String last = "{}";
        WorkflowLog.Progress progress = switch (ending) {
            case Ending.Succeeded s -> new WorkflowLog.Progress(ExecutionStatus.SUCCEEDED.name(), last, Optional.of(s.output().toString()),
                    Optional.empty(), Optional.empty(), Optional.of(now));
            case Ending.Failed f -> new WorkflowLog.Progress(ExecutionStatus.FAILED.name(), last, Optional.empty(), Optional.of(f.error()),
                    Optional.of(f.cause()), Optional.of(now));
            case Ending.Stopped s -> throw new IllegalStateException("a stop is recorded by whoever stops");
            case Ending.Suspended s -> throw new IllegalStateException("a suspended run has not ended");
        };
        return advance(events, progress);
    }

    private boolean advance(List<Event> events, WorkflowLog.Progress progress) {
        Instant now = clock.instant();
        List<WorkflowLog.NewEvent> rows = events.stream()
                .map(e -> new WorkflowLog.NewEvent(now, e.type(), e.state(), e.detail().toString())).toList();
        if (!log.advance(id, ExecutionStatus.RUNNING.name(), seen, rows, progress)) {
            return false;
        }
        seen += rows.size();
        return true;
    }
}
