package dev.nubo.sources;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.nubo.model.UserError;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the cron dialect {@link CronSchedule} documents into a cron-utils {@link Cron}, and turns
 * cron-utils' complaints into errors that name the expression, the field and the fix.
 *
 * <p>Both forms share one field grammar: the 6-field form is the 5 Unix fields with a seconds field
 * in front, so a day or a name means the same in either. We build the definitions here rather than
 * take cron-utils' UNIX and SPRING ones because those differ (Spring's takes {@code L}, {@code W},
 * {@code #} and combines the two day fields with AND); and we expand the macros ourselves because
 * cron-utils' Unix definition does not know them.
 */
final class CronDialect {

    static final String HINT = "write 5 fields, minute hour day-of-month month day-of-week, e.g. '*/5 * * * *' (every 5 minutes) "
            + "or '0 9 * * MON-FRI' (09:00 on weekdays); or 6 with a leading seconds field, e.g. '*/10 * * * * *'; "
            + "or a macro: @yearly, @monthly, @weekly, @daily, @hourly. Fields take numbers, names (JAN-DEC, SUN-SAT), * , - and /; "
            + "L, W and # are not supported";

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private static final String[] UNIX_FIELDS = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final String[] SECONDS_FIELDS = {"second", "minute", "hour", "day-of-month", "month", "day-of-week"};

    private static final CronParser UNIX = new CronParser(definition(false));
    private static final CronParser WITH_SECONDS = new CronParser(definition(true));

    /** Some time before any schedule written today; a schedule with no time after it never fires. */
    private static final LocalDateTime EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);

    private CronDialect() {}

    /**
     * @throws UserError 400 {@code cron.invalid} naming the expression, and the field when one is at fault
     */
    static Cron parse(String expression) {
        String text = expression == null ? "" : expression.strip();
        if (text.isEmpty()) {
            throw invalid(expression, "it is empty");
        }
        Cron cron = text.startsWith("@") ? parseMacro(expression, text) : parseFields(expression, text.split("\\s+"));
        if (ExecutionTime.forCron(cron).nextExecution(EPOCH.atZone(ZoneOffset.UTC)).isEmpty()) {
            throw invalid(expression, "it never fires (no date matches it, such as 31 February)");
        }
        return cron;
    }

    private static Cron parseMacro(String expression, String macro) {
        String fields = MACROS.get(macro.toLowerCase(Locale.ROOT));
        if (fields != null) {
            return UNIX.parse(fields);
        }
        if (macro.equalsIgnoreCase("@reboot")) {
            throw invalid(expression, "@reboot is not supported: a schedule fires at times of day, not when the server starts");
        }
        throw invalid(expression, macro + " is not a macro; the macros are @yearly (or @annually), @monthly, @weekly, "
                + "@daily (or @midnight) and @hourly");
    }

    private static Cron parseFields(String expression, String[] given) {
        if (given.length != 5 && given.length != 6) {
            throw invalid(expression, "it has " + given.length + " field" + (given.length == 1 ? "" : "s") + ", not 5 or 6");
        }
        boolean seconds = given.length == 6;
        String[] fields = given.clone();
        // '?' is Spring's and Quartz's "any day"; with the OR rule for the two day fields, '*' means just that.
        for (int day = seconds ? 3 : 2; day < fields.length; day += 2) {
            if (fields[day].equals("?")) {
                fields[day] = "*";
            }
        }
        CronParser parser = seconds ? WITH_SECONDS : UNIX;
        try {
            return parser.parse(String.join(" ", fields));
        } catch (RuntimeException e) {
            String[] names = seconds ? SECONDS_FIELDS : UNIX_FIELDS;
            int culprit = culprit(parser, fields);
            String where = culprit < 0 ? "" : "the " + names[culprit] + " field '" + given[culprit] + "' is wrong: ";
            throw invalid(expression, where + reason(e));
        }
    }

    /** The first field that is wrong on its own (the fields do not depend on each other); -1 if none is. */
    private static int culprit(CronParser parser, String[] fields) {
        for (int i = 0; i < fields.length; i++) {
            String[] alone = new String[fields.length];
            Arrays.fill(alone, "*");
            alone[i] = fields[i];
            try {
                parser.parse(String.join(" ", alone));
            } catch (RuntimeException wrong) {
                return i;
            }
        }
        return -1;
    }

    /** cron-utils' message, in our voice where it is clumsy. */
    private static String reason(RuntimeException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        message = message.replace("Failed to parse cron expression. ", "").strip();
        int invalidChars = message.indexOf("Invalid chars:");
        String chars = invalidChars < 0 ? "" : message.substring(invalidChars + "Invalid chars:".length()).strip();
        if (!chars.isEmpty()) {
            return "'" + chars + "' is not allowed";
        }
        if (invalidChars >= 0 || message.startsWith("Invalid expression")) {
            return "it is not a valid number, name, range, step or list";
        }
        return message.isEmpty() ? "it is not valid" : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    static UserError invalid(String expression, String what) {
        return UserError.badRequest("cron.invalid", "the cron schedule '" + expression + "' is invalid: " + what, HINT);
    }

    /**
     * The Unix fields, optionally behind a seconds field. Day of week 0-7, both 0 and 7 Sunday. Not
     * {@code matchDayOfWeekAndDayOfMonth}: when both day fields are restricted, either may match, as in Unix cron.
     */
    private static CronDefinition definition(boolean seconds) {
        CronDefinitionBuilder builder = CronDefinitionBuilder.defineCron();
        if (seconds) {
            builder = builder.withSeconds().withValidRange(0, 59).withStrictRange().and();
        }
        return builder
                .withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                .instance();
    }
}
