package dev.nubo.sources;

import com.cronutils.model.Cron;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.model.time.generator.FieldValueGeneratorFactory;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The instants at which a cron expression fires in a zone, under the daylight-saving rules that
 * {@link CronSchedule} documents.
 *
 * <p>cron-utils can evaluate in the zone itself, but there it skips a day when the time falls in
 * the spring-forward gap ({@code 30 2 * * *} in Europe/Paris does not fire on the last Sunday of
 * March), fires {@code 30 1,2,3 * * *} twice at 02:30 on the fall-back night, and its
 * {@code lastExecution} disagrees with its {@code nextExecution} in the repeated hour. So it is only
 * asked about local wall-clock times, evaluated in UTC where nothing is skipped or repeated, and the
 * mapping to instants is done here, segment by segment between the zone's offset transitions:
 *
 * <ul>
 *   <li>a <em>natural</em> time: an instant whose local time matches, except, when the hour field
 *       does not cover every hour, in the repeated stretch after clocks go back (its local times
 *       already fired on their first pass);
 *   <li>a <em>shifted</em> time: in the stretch after clocks go forward, an instant whose local time
 *       one gap earlier (the skipped local time) matches.
 * </ul>
 *
 * <p>All fire times are whole seconds, and so are offsets and transitions; the arithmetic relies on it.
 */
final class WallClock {

    private final ExecutionTime local;
    private final ZoneRules rules;
    private final boolean everyHour;

    WallClock(Cron cron, ZoneId zone) {
        this.local = ExecutionTime.forCron(cron);
        this.rules = zone.getRules();
        this.everyHour = FieldValueGeneratorFactory.forCronField(cron.retrieve(CronFieldName.HOUR))
                .generateCandidates(0, 23).size() == 24;
    }

    /** Whether the hour field covers all 24 hours, so the repeated hour after clocks go back fires again. */
    boolean everyHour() {
        return everyHour;
    }

    Optional<Instant> nextAfter(Instant t) {
        Instant from = t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        while (true) {
            ZoneOffset offset = rules.getOffset(from);
            ZoneOffsetTransition began = latestTransitionAtOrBefore(from);
            ZoneOffsetTransition ends = rules.nextTransition(from);

            Instant naturalFrom = from;
            if (began != null && began.isOverlap() && !everyHour) {
                naturalFrom = max(from, repeatedUntil(began));
            }
            Optional<LocalDateTime> natural = atOrAfter(LocalDateTime.ofInstant(naturalFrom, offset));
            Optional<Instant> naturalFire = natural.map(l -> l.toInstant(offset))
                    .filter(s -> ends == null || s.isBefore(ends.getInstant()));

            Optional<Instant> shiftedFire = Optional.empty();
            if (began != null && began.isGap() && from.isBefore(shiftedUntil(began))) {
                ZoneOffset before = began.getOffsetBefore();
                shiftedFire = atOrAfter(LocalDateTime.ofInstant(from, before))
                        .filter(l -> l.isBefore(began.getDateTimeAfter()))
                        .map(l -> l.toInstant(before));
            }

            Optional<Instant> first = Stream.of(naturalFire, shiftedFire).flatMap(Optional::stream).min(Instant::compareTo);
            if (first.isPresent() || natural.isEmpty() || ends == null) {
                return first;
            }
            from = ends.getInstant();
        }
    }

    Optional<Instant> lastAtOrBefore(Instant t) {
        Instant upTo = t.truncatedTo(ChronoUnit.SECONDS);
        while (true) {
            ZoneOffset offset = rules.getOffset(upTo);
            ZoneOffsetTransition began = latestTransitionAtOrBefore(upTo);

            Instant naturalFrom = began == null ? Instant.MIN : began.getInstant();
            if (began != null && began.isOverlap() && !everyHour) {
                naturalFrom = repeatedUntil(began);
            }
            Optional<LocalDateTime> natural = atOrBefore(LocalDateTime.ofInstant(upTo, offset));
            Instant lowest = naturalFrom;
            Optional<Instant> naturalFire = natural.map(l -> l.toInstant(offset)).filter(s -> !s.isBefore(lowest));

            Optional<Instant> shiftedFire = Optional.empty();
            if (began != null && began.isGap()) {
                ZoneOffset before = began.getOffsetBefore();
                Instant limit = min(upTo, shiftedUntil(began).minusSeconds(1));
                shiftedFire = atOrBefore(LocalDateTime.ofInstant(limit, before))
                        .filter(l -> !l.isBefore(began.getDateTimeBefore()))
                        .map(l -> l.toInstant(before));
            }

            Optional<Instant> last = Stream.of(naturalFire, shiftedFire).flatMap(Optional::stream).max(Instant::compareTo);
            if (last.isPresent() || natural.isEmpty() || began == null) {
                return last;
            }
            upTo = began.getInstant().minusSeconds(1);
        }
    }

    /** The transition that started the offset in force at {@code t}; null before the zone's first. */
    private ZoneOffsetTransition latestTransitionAtOrBefore(Instant t) {
        return rules.previousTransition(t.plusSeconds(1));
    }

    /** Where the local times repeated after clocks went back at {@code overlap} end. */
    private static Instant repeatedUntil(ZoneOffsetTransition overlap) {
        return overlap.getInstant().plus(overlap.getDuration().abs());
    }

    /** Where the local times skipped at {@code gap} stop being shifted into: one gap length after it. */
    private static Instant shiftedUntil(ZoneOffsetTransition gap) {
        return gap.getInstant().plus(gap.getDuration());
    }

    private Optional<LocalDateTime> atOrAfter(LocalDateTime time) {
        return local.nextExecution(time.minusSeconds(1).atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
    }

    private Optional<LocalDateTime> atOrBefore(LocalDateTime time) {
        return local.lastExecution(time.plusSeconds(1).atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
