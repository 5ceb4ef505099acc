package dev.nubo.events;

/**
 * A trigger with what it is doing: deliveries pending on this node, and how many events it delivered
 * and dead-lettered (across the nodes sharing the event log, as of their last flush, about a second).
 */
public record TriggerStatus(Trigger trigger, int pending, long delivered, long deadLettered) {

    /** Whether new events for it go to the dead-letter store, because it has {@code maxPending} waiting already. */
    public boolean backlogFull() {
        return pending >= trigger.maxPending();
    }
}
