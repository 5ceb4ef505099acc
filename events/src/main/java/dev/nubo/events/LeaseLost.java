package dev.nubo.events;

/**
 * A delivery's row is no longer this node's: its lease ran out and another node took it over (a
 * pause longer than the lease, a database out of reach meanwhile), or its trigger was deleted. What
 * this node made of the delivery is dropped; whoever has the row now delivers it.
 */
final class LeaseLost extends RuntimeException {

    final long delivery;

    LeaseLost(long delivery) {
        super("delivery " + delivery + " is no longer this node's (its lease ran out and another node took it over, or its"
                + " trigger was deleted); what this node made of it is dropped");
        this.delivery = delivery;
    }
}
