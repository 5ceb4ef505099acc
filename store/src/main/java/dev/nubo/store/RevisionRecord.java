package dev.nubo.store;

import dev.nubo.model.Descriptor;
import dev.nubo.model.Namespaced;
import dev.nubo.model.RevisionState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An immutable revision as stored. Only {@code state}, {@code reason}, {@code logTail} and
 * {@code readyAt} ever change, and only along {@link RevisionState}'s transitions, each a write
 * conditional on the {@code state} and {@code version} read ({@link Store#markReady}).
 *
 * @param descriptorYaml the {@code nubo.yaml} text exactly as deployed
 * @param digest {@code sha256:<hex>} of the deployed archive: where the code lives in NUBO_HOME
 * @param version 1 when recorded, one more with every transition
 */
public record RevisionRecord(
        String id,
        String service,
        int number,
        String descriptorYaml,
        String digest,
        RevisionState state,
        Optional<String> reason,
        List<String> logTail,
        Instant createdAt,
        Optional<Instant> readyAt,
        long version) {

    public RevisionRecord {
        logTail = List.copyOf(logTail);
    }

    /**
     * The id of a service's revision number {@code number}: {@code hello-00002}. The one place that
     * knows the format; everyone else compares ids whole or asks the record for its service and number.
     */
    public static String id(String service, int number) {
        return "%s-%05d".formatted(service, number);
    }

    /**
     * The configuration snapshot; it parsed when it was deployed, so it parses now. A service of a
     * namespace other than {@code default} has it under its stored name, {@code NAME.NAMESPACE}.
     */
    public Descriptor descriptor() {
        Descriptor d = Descriptor.parseStored(descriptorYaml);
        return Namespaced.namespaceOf(service).equals(Namespaced.DEFAULT) ? d : d.named(service);
    }
}
